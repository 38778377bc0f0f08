//! The `giamngheo` binary: everything lives in the library; see `cli`.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    match giamngheo::cli::main().await {
        Ok(()) => ExitCode::SUCCESS,
        // As the log is written (a JSON line in a JSON log).
        Err(e) => {
            giamngheo::logs::fatal(&e);
            ExitCode::FAILURE
        }
    }
}
