//! `headroom`: Headroom's models on the command line. Thin: every number comes from `headroom-core`.

mod forecast;
mod inspect;
mod policy;
mod simulate;
mod size;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "headroom",
    version,
    about = "Capacity planning from metric exports: the same models as the Headroom web app"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read metric exports and summarise each series: points, time span, step, min, max, mean.
    Inspect(inspect::Args),
    /// Size an M/M/c queue (Erlang C): the fewest servers whose mean queueing wait meets a target.
    Size(size::Args),
    /// Forecast a series with 80 % and 95 % intervals; `auto` backtests every model and keeps the best.
    Forecast(forecast::Args),
    /// Replay an autoscaling policy (threshold JSON, the seed's document, a Kubernetes HPA manifest,
    /// AWS target tracking or step scaling, queueing) over metric exports.
    Simulate(simulate::Args),
    /// Share links (`encode`, `decode`) and exports (HPA, KEDA, AWS, JSON) of a policy file.
    Policy(policy::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Inspect(args) => inspect::run(&args),
        Command::Size(args) => size::run(&args),
        Command::Forecast(args) => forecast::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Policy(args) => policy::run(&args),
    }
}

/// A forecast step given as `flag` (`15m`, `1h`, `1d`), in milliseconds; the error names the flag
/// and what was typed.
pub(crate) fn step_ms(flag: &str, text: &str) -> Result<i64, String> {
    match headroom_core::time::parse_duration_s(text) {
        Some(s) if s >= 0.001 => Ok((s * 1000.0).round() as i64),
        Some(_) => Err(format!("{flag}: \"{text}\" is not a positive duration")),
        None => Err(format!("{flag}: cannot read \"{text}\" as a duration (like 15m, 1h or 1d)")),
    }
}

/// A metric export's bytes; a file over `headroom_core::MAX_FILE_BYTES` is refused from its size,
/// unread. The error is the reason, without the file name.
pub(crate) fn read_export(path: &std::path::Path) -> Result<Vec<u8>, String> {
    let len = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?.len();
    headroom_core::check_file_size(len).map_err(|e| e.to_string())?;
    std::fs::read(path).map_err(|e| format!("cannot read: {e}"))
}
