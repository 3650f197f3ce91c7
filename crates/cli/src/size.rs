//! `headroom size --arrival-rate R --service-rate M --max-wait 5ms [--json]` (Erlang C).

use std::process::ExitCode;

use headroom_core::capacity::queueing::size_for_mean_wait;
use headroom_core::time::parse_duration_s;
use serde_json::json;

#[derive(clap::Args)]
pub struct Args {
    /// Arrivals per second (λ), e.g. requests per second at the peak.
    #[arg(long, value_name = "PER_SECOND")]
    arrival_rate: f64,
    /// Completions per second of one server (μ = 1 / mean service time).
    #[arg(long, value_name = "PER_SECOND")]
    service_rate: f64,
    /// The mean time a request may wait in the queue: 5ms, 0.2s, 1m, ...
    #[arg(long, value_name = "DURATION")]
    max_wait: String,
    /// Print {"servers", "utilisation", "p_wait", "mean_wait_ms"} as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> ExitCode {
    let Some(max_wait) = parse_duration_s(&args.max_wait) else {
        eprintln!("headroom: --max-wait: cannot read \"{}\" as a duration (like 5ms, 0.2s or 1m)", args.max_wait);
        return ExitCode::FAILURE;
    };
    match size_for_mean_wait(args.arrival_rate, args.service_rate, max_wait) {
        Ok(q) => {
            let mean_wait_ms = q.mean_wait_s * 1e3;
            if args.json {
                println!(
                    "{}",
                    json!({"servers": q.servers, "utilisation": q.utilisation, "p_wait": q.p_wait, "mean_wait_ms": mean_wait_ms})
                );
            } else {
                println!("servers       {}", q.servers);
                println!("utilisation   {:.2} %", q.utilisation * 100.0);
                println!("P(wait)       {:.4}", q.p_wait);
                println!("mean wait     {mean_wait_ms:.4} ms  (target {} ms)", max_wait * 1e3);
                println!("mean response {:.4} ms", q.mean_response_s * 1e3);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("headroom: {e}");
            ExitCode::FAILURE
        }
    }
}
