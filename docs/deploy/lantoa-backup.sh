#!/bin/sh
# Nightly backup of an embedded SQLite database (a single-server deployment), keeping 30 days.
# Run from cron or a systemd timer as the lantoa user, e.g. `15 1 * * * /usr/local/bin/lantoa-backup`.
# Copy /var/backups/lantoa to another machine as well: a backup on the same disk is no backup.
set -eu
set -a; . /etc/lantoa/lantoa.env; set +a
dir=/var/backups/lantoa
mkdir -p "$dir"
/usr/local/bin/lantoa backup "$dir/lantoa-$(date -u +%Y%m%dT%H%M%SZ).db"
find "$dir" -name 'lantoa-*.db' -mtime +30 -delete
