//! CLI.
use std::process::ExitCode;
#[derive(clap::Parser)]
pub struct Cli { #[arg(short, long, action = clap::ArgAction::Count)] pub verbose: u8 }
pub fn init_tracing(_v: u8) {}
pub async fn run(_cli: Cli) -> anyhow::Result<ExitCode> { Ok(ExitCode::SUCCESS) }
