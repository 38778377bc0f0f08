//! The `giamngheo` binary: everything lives in the library; see `cli`.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    giamngheo::cli::main().await
}
