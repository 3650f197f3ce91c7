//! `headroom forecast FILE [--series NAME] --horizon 7d [--model auto|…] [--step 1h] [--aggregate mean|max|p95] [--json]`

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use headroom_core::forecast::{forecast, Flag, ForecastOptions, ForecastResult, ModelChoice, ModelKind, ModelScore};
use headroom_core::time::{human_duration, parse_duration_s, to_rfc3339};
use headroom_core::{parse, Aggregation};
use serde_json::{json, Map, Value};

#[derive(clap::Args)]
pub struct Args {
    /// The metric export to forecast.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The series to forecast, by name (default: the first in the file).
    #[arg(long, value_name = "NAME")]
    series: Option<String>,
    /// How far ahead: 6h, 7d, 90d (at most 90 days).
    #[arg(long, value_name = "DURATION")]
    horizon: String,
    /// auto (the best backtest), seasonal-naive, seasonal-mean, linear, theil-sen, exponential, ets,
    /// mstl or combination.
    #[arg(long, default_value = "auto", value_name = "MODEL")]
    model: String,
    /// The step to forecast on (15m, 1h, 1d; default: the series' own). A step coarser than the
    /// series' gives --aggregate something to do: the hourly max of 5-minute data.
    #[arg(long, value_name = "DURATION")]
    step: Option<String>,
    /// What each step's value is: the mean, max or p95 of the points in it.
    #[arg(long, default_value = "mean", value_name = "AGG")]
    aggregate: String,
    /// Print {"model", "backtest", "forecast": [{"timestamp", "point", "lower_80", ...}], ...} as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> ExitCode {
    let file = args.file.display().to_string();
    let fail = |reason: String| {
        eprintln!("headroom: {file}: {reason}");
        ExitCode::FAILURE
    };
    let Some(horizon_s) = parse_duration_s(&args.horizon) else {
        return fail(format!("--horizon: cannot read \"{}\" as a duration (like 6h, 7d or 90d)", args.horizon));
    };
    let Some(model) = ModelChoice::parse(&args.model) else {
        let names: Vec<&str> = std::iter::once("auto").chain(ModelKind::ALL.iter().map(|k| k.label())).collect();
        return fail(format!("--model: \"{}\" is not one of {}", args.model, names.join(", ")));
    };
    let Some(aggregation) = Aggregation::parse(&args.aggregate) else {
        return fail(format!("--aggregate: \"{}\" is not one of mean, max, p95", args.aggregate));
    };
    let step_ms = match args.step.as_deref().map(|s| crate::step_ms("--step", s)).transpose() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let bytes = match crate::read_export(&args.file) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let mut parsed = match parse(&file, &bytes) {
        Ok(p) => p,
        Err(e) => return fail(e.to_string()),
    };
    let index = match &args.series {
        Some(name) => match parsed.series.iter().position(|s| &s.name == name) {
            Some(i) => i,
            None => {
                let names: Vec<&str> = parsed.series.iter().map(|s| s.name.as_str()).collect();
                return fail(format!("no series named \"{name}\"; it has {}", names.join(", ")));
            }
        },
        None => {
            if parsed.series.len() > 1 {
                eprintln!(
                    "headroom: {file}: {} series; forecasting the first, \"{}\" (choose with --series)",
                    parsed.series.len(),
                    parsed.series[0].name
                );
            }
            0
        }
    };
    if parsed.series.is_empty() {
        return fail("no series to forecast".into());
    }
    let series = parsed.series.swap_remove(index);
    let opts = ForecastOptions { model, horizon_ms: (horizon_s * 1000.0).round() as i64, aggregation, step_ms };
    let result = match forecast(&series, &opts) {
        Ok(r) => r,
        Err(e) => return fail(e.to_string()),
    };
    let out = if args.json { json_report(&result) } else { summary(&series.name, &result) };
    let _ = std::io::stdout().write_all(out.as_bytes());
    ExitCode::SUCCESS
}

fn score_json(s: &ModelScore) -> Value {
    json!({
        "mae": s.mae, "mape": s.mape, "smape": s.smape, "mase": s.mase, "median_mase": s.median_mase,
        "coverage_80": s.coverage_80, "coverage_95": s.coverage_95,
        "origins": s.origins, "window_steps": s.window_steps, "error": s.error,
    })
}

fn json_report(r: &ForecastResult) -> String {
    let backtest: Map<String, Value> =
        r.backtest.iter().map(|s| (s.model.label().to_string(), score_json(s))).collect();
    let forecast: Vec<Value> = (0..r.timestamps.len())
        .map(|i| {
            json!({
                "timestamp": to_rfc3339(r.timestamps[i]),
                "point": r.point[i], "lower_80": r.lower_80[i], "upper_80": r.upper_80[i],
                "lower_95": r.lower_95[i], "upper_95": r.upper_95[i],
            })
        })
        .collect();
    let out = json!({
        "model": r.model.label(),
        "step_ms": r.step_ms,
        "aggregation": r.aggregation.label(),
        "backtest": backtest,
        "forecast": forecast,
        "seasons": r.seasons,
        "flags": r.flags,
        "notes": r.notes,
    });
    format!("{out}\n")
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{v:.digits$}"))
}

fn summary(name: &str, r: &ForecastResult) -> String {
    let mut o = String::new();
    let seasons: Vec<String> = r.seasons.iter().map(|s| format!("{} ({:.2})", s.name, s.strength)).collect();
    let _ = writeln!(o, "series    {name}");
    let _ = writeln!(o, "model     {}", r.model.label());
    let _ = writeln!(o, "step      {} ({})", human_duration(r.step_ms), r.aggregation.label());
    let _ = writeln!(o, "seasons   {}", if seasons.is_empty() { "none".to_string() } else { seasons.join(", ") });
    let _ = writeln!(o, "\nbacktest (rolling origin)");
    let _ = writeln!(
        o,
        "{:<15} {:>12} {:>8} {:>8} {:>7} {:>7} {:>6} {:>6}",
        "model", "MAE", "MAPE%", "sMAPE%", "MASE", "medMASE", "cov80", "cov95"
    );
    for s in &r.backtest {
        if let Some(e) = &s.error {
            let _ = writeln!(o, "{:<15} {e}", s.model.label());
        } else {
            let _ = writeln!(
                o,
                "{:<15} {:>12} {:>8} {:>8} {:>7} {:>7} {:>6} {:>6}",
                s.model.label(),
                opt(s.mae, 3),
                opt(s.mape, 1),
                opt(s.smape, 1),
                opt(s.mase, 3),
                opt(s.median_mase, 3),
                opt(s.coverage_80, 2),
                opt(s.coverage_95, 2)
            );
        }
    }
    let _ = writeln!(o, "\nforecast ({} steps; showing up to 24, evenly spaced)", r.timestamps.len());
    let _ = writeln!(
        o,
        "{:<22} {:>12} {:>12} {:>12} {:>12} {:>12}",
        "timestamp", "point", "lower_95", "lower_80", "upper_80", "upper_95"
    );
    let stride = r.timestamps.len().div_ceil(24).max(1);
    for i in (0..r.timestamps.len()).step_by(stride) {
        let _ = writeln!(
            o,
            "{:<22} {:>12.3} {:>12.3} {:>12.3} {:>12.3} {:>12.3}",
            to_rfc3339(r.timestamps[i]),
            r.point[i],
            r.lower_95[i],
            r.lower_80[i],
            r.upper_80[i],
            r.upper_95[i]
        );
    }
    for f in &r.flags {
        let msg = match f {
            Flag::AboveLimit { message, .. } | Flag::ClampedAtZero { message, .. } => message,
        };
        let _ = writeln!(o, "flag: {msg}");
    }
    for n in &r.notes {
        let _ = writeln!(o, "note: {n}");
    }
    o
}
