//! `lantoa`: settings → telemetry → the chosen command.

use std::process::ExitCode;

use clap::Parser;
use lantoa::cli::{Cli, run};
use lantoa::settings::Settings;
use lantoa::telemetry;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("lỗi: {err}");
            return ExitCode::FAILURE;
        }
    };
    telemetry::init(settings.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("lỗi: không khởi động được tokio: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("lỗi: {}", err.0);
            ExitCode::FAILURE
        }
    }
}
