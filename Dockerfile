# syntax=docker/dockerfile:1
# Lan tỏa: multi-stage build, a small non-root runtime image.
#   docker build -t lantoa .
#   docker run -p 8080:8080 -v lantoa-data:/var/lib/lantoa lantoa                # SQLite in the volume
#   docker run -p 8080:8080 -e LANTOA_DATABASE_URL=postgres://… lantoa            # PostgreSQL
# Stop with `docker stop` (SIGTERM, then a 10 s default: set `--stop-timeout 30`, above
# LANTOA_SHUTDOWN_GRACE_SECS).

FROM rust:1.94-bookworm AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin lantoa \
 && cp target/release/lantoa /lantoa \
 && strip /lantoa \
 && mkdir -p /state

# glibc, libgcc and CA certificates, no shell, user 65532 ("nonroot").
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /lantoa /usr/local/bin/lantoa
# The state directory belongs to the runtime user, so a new volume is writable.
COPY --from=build --chown=65532:65532 /state /var/lib/lantoa
WORKDIR /var/lib/lantoa
ENV LANTOA_BIND=0.0.0.0:8080 \
    LANTOA_DATABASE_URL=sqlite:///var/lib/lantoa/lantoa.db?mode=rwc \
    LANTOA_LOG_FORMAT=json
# /metrics answers only addresses in LANTOA_METRICS_ALLOW (loopback by default): set it to the
# Prometheus server's address, never to the public.
VOLUME ["/var/lib/lantoa"]
EXPOSE 8080
USER nonroot:nonroot
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/lantoa"]
CMD ["serve"]
