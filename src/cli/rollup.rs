//! `lantoa rollup rebuild` and `lantoa doctor`: the counters kept beside the shares
//! (`tally_months`, `share_rollups`) against a recount of the shares — repaired and audited by
//! the first, only checked by the second, which exits non-zero when they differ.

use std::time::Instant;

use clap::Subcommand;

use super::{CliError, CliResult, open_database};
use crate::db::audit::Actor;
use crate::db::counters::Drift;
use crate::settings::Settings;

/// What to do with the counters.
#[derive(Debug, Subcommand)]
pub enum RollupCommand {
    /// Recount the shares, report each counter table's drift and correct it.
    Rebuild,
}

fn print(drift: &[Drift]) {
    for d in drift {
        println!(
            "{}: {} dòng; thiếu {}, thừa {}, sai {}{}",
            d.table,
            d.rows,
            d.missing,
            d.extra,
            d.wrong,
            if d.is_clean() { " — khớp" } else { "" }
        );
    }
}

/// Runs `rollup rebuild`.
pub async fn run(settings: &Settings, command: RollupCommand) -> CliResult {
    match command {
        RollupCommand::Rebuild => {
            let db = open_database(settings).await?;
            let started = Instant::now();
            let drift = crate::service::counters::repair(&db, &Actor::cli()).await?;
            db.close().await.ok();
            print(&drift);
            let fixed = drift.iter().any(|d| !d.is_clean());
            println!(
                "{} trong {:.1} s.",
                if fixed {
                    "Đã đếm lại và sửa các bộ đếm lệch"
                } else {
                    "Đã đếm lại: các bộ đếm đều khớp"
                },
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
    }
}

/// Runs `doctor`: fails when a counter differs from the shares.
pub async fn doctor(settings: &Settings) -> CliResult {
    let db = open_database(settings).await?;
    let started = Instant::now();
    let drift = crate::service::counters::check(&db).await?;
    db.close().await.ok();
    print(&drift);
    if drift.iter().all(Drift::is_clean) {
        println!(
            "Các bộ đếm khớp với dữ liệu chia sẻ ({:.1} s).",
            started.elapsed().as_secs_f64()
        );
        Ok(())
    } else {
        Err(CliError(
            "bộ đếm lệch với dữ liệu chia sẻ: chạy `lantoa rollup rebuild` để sửa".to_owned(),
        ))
    }
}
