//! `headroom simulate FILE... --policy POLICY --replicas N [--metric cpu=SERIES ...] [--json]`:
//! replays an autoscaling policy over metric exports.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use headroom_core::capacity::inputs::{align, common_step, ForecastColumn, Sources};
use headroom_core::capacity::policy::Metric;
use headroom_core::capacity::{HistoryInstances, Prepared, Replay};
use headroom_core::forecast::{forecast, Flag, ForecastOptions, ForecastResult, ModelChoice};
use headroom_core::time::{human_duration, parse_duration_s, to_rfc3339};
use headroom_core::{parse, Aggregation, Series, SeriesKind};
use serde_json::json;

use crate::policy::read_policy;

#[derive(clap::Args)]
pub struct Args {
    /// The policy: Headroom's JSON, the seed's `auto_scaling` JSON, or a Kubernetes
    /// HorizontalPodAutoscaler manifest (.yaml / .yml).
    #[arg(long, value_name = "POLICY")]
    policy: PathBuf,
    /// The instance count during the exported history.
    #[arg(long, value_name = "N")]
    replicas: u32,
    /// Which series feeds a metric: cpu=NAME, memory=NAME, response_time=NAME, request_rate=NAME
    /// (NAME as `headroom inspect` lists it). Default: the first series of each kind.
    #[arg(long = "metric", value_name = "METRIC=SERIES")]
    metrics: Vec<String>,
    /// Also project over a forecast this long (e.g. 7d, 30d; at most 90d): each metric is forecast
    /// by the best backtested model, and the policy replayed over the point forecast and its 95 %
    /// upper band; `runway` is the first time more than max instances are needed.
    #[arg(long, value_name = "DURATION")]
    horizon: Option<String>,
    /// With --horizon: the step each metric is forecast on (e.g. 1h; default and at least: the
    /// step the metrics are replayed on). Each forecast value holds over the data steps it covers.
    #[arg(long, value_name = "DURATION", requires = "horizon")]
    forecast_step: Option<String>,
    /// With --horizon: what each forecast step's value is: the mean, max or p95 of the points in it
    /// (max or p95 over a coarser --forecast-step: capacity for the peaks within each step).
    #[arg(long, default_value = "mean", value_name = "AGG", requires = "horizon")]
    aggregate: String,
    /// Print {"instances", "events", "summary", ...} as JSON.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print the instance count at every data step as CSV (`timestamp,phase,instances`, phase
    /// `history`, `forecast` or `forecast_upper_95`) — the same file the app's "Instances as CSV" saves.
    #[arg(long)]
    csv: bool,
    /// Metric exports.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// One line on stderr, exit 1.
fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("headroom: {msg}");
    ExitCode::FAILURE
}

fn metric_key(key: &str) -> Option<Metric> {
    match key {
        "cpu" => Some(Metric::Cpu),
        "memory" | "mem" => Some(Metric::Memory),
        "response_time" | "latency" => Some(Metric::ResponseTime),
        "request_rate" | "requests" => Some(Metric::RequestRate),
        _ => None,
    }
}

pub fn run(args: &Args) -> ExitCode {
    let policy = match read_policy(&args.policy) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let mut found: Vec<(String, Series)> = Vec::new();
    for path in &args.files {
        let file = path.display().to_string();
        let bytes = match crate::read_export(path) {
            Ok(b) => b,
            Err(e) => return fail(format!("{file}: {e}")),
        };
        match parse(&file, &bytes) {
            Ok(p) => found.extend(p.series.into_iter().map(|s| (file.clone(), s))),
            Err(e) => return fail(format!("{file}: {e}")),
        }
    }
    // Series per metric: --metric first, then the first series of each kind.
    let mut chosen: BTreeMap<usize, usize> = BTreeMap::new();
    for m in &args.metrics {
        let Some((key, name)) = m.split_once('=') else {
            return fail(format!("--metric {m}: expected METRIC=SERIES, like cpu=cpu_utilization"));
        };
        let Some(metric) = metric_key(key) else {
            return fail(format!("--metric {m}: \"{key}\" is not cpu, memory, response_time or request_rate"));
        };
        let Some(i) = found.iter().position(|(f, s)| s.name == name || format!("{f}:{}", s.name) == name) else {
            return fail(format!("--metric {m}: no series named \"{name}\" in the files"));
        };
        chosen.insert(metric.index(), i);
    }
    for (metric, kind) in [
        (Metric::Cpu, SeriesKind::Cpu),
        (Metric::Memory, SeriesKind::Memory),
        (Metric::ResponseTime, SeriesKind::Latency),
        (Metric::RequestRate, SeriesKind::RequestRate),
    ] {
        if chosen.contains_key(&metric.index()) {
            continue;
        }
        let taken: Vec<usize> = chosen.values().copied().collect();
        if let Some(i) = (0..found.len()).find(|&j| found[j].1.kind == kind && !taken.contains(&j)) {
            chosen.insert(metric.index(), i);
        }
    }
    let first_file = args.files[0].display().to_string();
    if chosen.is_empty() {
        return fail(format!(
            "{first_file}: no CPU, memory, latency or request-rate series (name one with --metric cpu=SERIES)"
        ));
    }
    // Every metric on one grid (the coarsest step, the overlap of their spans): the same
    // alignment the app uses, so both replay the same numbers.
    let mut series: [Option<&Series>; 4] = [None; 4];
    let mut sources = serde_json::Map::new();
    for (&m, &i) in &chosen {
        let (file, s) = &found[i];
        series[m] = Some(s);
        sources.insert(Metric::ALL[m].label().replace(' ', "_"), json!(format!("{file}: {}", s.name)));
    }
    let step = common_step(series.iter().flatten().copied()).unwrap_or(60_000);
    // With a horizon: each metric forecast by `auto` (the best backtest) on that step.
    let mut forecasts: Vec<Option<ForecastResult>> = vec![None, None, None, None];
    if let Some(h) = &args.horizon {
        let horizon_ms = match parse_duration_s(h) {
            Some(s) if s > 0.0 => (s * 1000.0) as i64,
            _ => return fail(format!("--horizon {h}: not a duration (e.g. 7d, 30d, 12h)")),
        };
        let Some(aggregation) = Aggregation::parse(&args.aggregate) else {
            return fail(format!("--aggregate {}: not one of mean, max, p95", args.aggregate));
        };
        let forecast_step = match args.forecast_step.as_deref().map(|s| crate::step_ms("--forecast-step", s)) {
            None => step,
            Some(Ok(asked)) => {
                if asked < step {
                    eprintln!(
                        "note: --forecast-step {} is finer than the {} step the metrics are replayed on; forecasting on that",
                        human_duration(asked),
                        human_duration(step)
                    );
                }
                asked.max(step)
            }
            Some(Err(e)) => return fail(e),
        };
        let opts = ForecastOptions { model: ModelChoice::Auto, horizon_ms, aggregation, step_ms: Some(forecast_step) };
        for (m, s) in series.iter().enumerate() {
            if let Some(s) = s {
                match forecast(s, &opts) {
                    Ok(f) => forecasts[m] = Some(f),
                    Err(e) => return fail(format!("{first_file}: {}: cannot forecast: {e}", s.name)),
                }
            }
        }
    }
    let mut columns: [Option<ForecastColumn>; 4] = Default::default();
    for (slot, f) in columns.iter_mut().zip(&forecasts) {
        *slot = f.as_ref().map(ForecastColumn::of);
    }
    let aligned = match align(&Sources { series, forecasts: columns }, HistoryInstances::Constant(args.replicas)) {
        Ok(a) => a,
        Err(e) => return fail(format!("{first_file}: {e}")),
    };
    let replay = match Prepared::new(&aligned.inputs).and_then(|p| p.run(&policy)) {
        Ok(r) => r,
        Err(e) => return fail(format!("{first_file}: {e}")),
    };
    let mut notes = aligned.notes;
    notes.extend(replay.notes.iter().cloned());
    for f in forecasts.iter().flatten() {
        notes.extend(f.flags.iter().map(|fl| match fl {
            Flag::AboveLimit { message, .. } | Flag::ClampedAtZero { message, .. } => message.clone(),
        }));
    }
    let step = aligned.step_ms;
    let out = if args.json {
        json_report(&replay, sources, &notes)
    } else if args.csv {
        for n in &notes {
            eprintln!("note: {n}");
        }
        replay.instances_csv(step)
    } else {
        text_report(&replay, &sources, step, &notes)
    };
    let _ = std::io::stdout().write_all(out.as_bytes());
    ExitCode::SUCCESS
}

fn json_report(r: &Replay, sources: serde_json::Map<String, serde_json::Value>, notes: &[String]) -> String {
    let h = &r.history;
    // The history, then (with --horizon) the projection over the point forecast.
    let tracks = std::iter::once(h).chain(r.forecast.as_ref());
    let instances: Vec<_> = tracks
        .clone()
        .flat_map(|t| t.per_evaluation())
        .map(|(t, n)| json!({"timestamp": to_rfc3339(t), "count": n}))
        .collect();
    let events: Vec<_> = tracks
        .flat_map(|t| &t.events)
        .map(|e| json!({"timestamp": to_rfc3339(e.timestamp), "from": e.from, "to": e.to, "reason": e.reason.to_string()}))
        .collect();
    let s = &h.summary;
    let v = json!({
        "instances": instances,
        "events": events,
        "summary": {
            "peak": s.peak,
            "mean": s.mean,
            "instance_hours": s.instance_hours,
            "cost": s.cost,
            "breach_minutes": s.breach_minutes,
            "runway": r.runway.map(to_rfc3339),
        },
        "forecast": r.forecast.as_ref().map(|f| json!({
            "start": to_rfc3339(f.start_ms),
            "end": to_rfc3339(f.end_ms),
            "peak": f.summary.peak,
            "mean": f.summary.mean,
            "peak_upper_95": r.upper.as_ref().map(|u| u.summary.peak),
            "runway_upper_95": r.runway_upper.map(to_rfc3339),
        })),
        "headroom": {"instances": r.headroom.instances, "percent": r.headroom.percent},
        "metrics": sources,
        "notes": notes,
    });
    let mut out = serde_json::to_string(&v).unwrap_or_default();
    out.push('\n');
    out
}

fn text_report(
    r: &Replay,
    sources: &serde_json::Map<String, serde_json::Value>,
    step: i64,
    notes: &[String],
) -> String {
    let h = &r.history;
    let s = &h.summary;
    let mut o = String::new();
    for (m, src) in sources {
        o.push_str(&format!("{m:<14}{}\n", src.as_str().unwrap_or("")));
    }
    o.push_str(&format!(
        "span          {} → {} ({} steps of {}, evaluated every {})\n",
        to_rfc3339(h.start_ms),
        to_rfc3339(h.end_ms),
        (h.end_ms - h.start_ms) / step,
        human_duration(step),
        human_duration(h.period_ms)
    ));
    o.push_str(&format!("peak          {} instances\n", s.peak));
    o.push_str(&format!("mean          {:.2} instances\n", s.mean));
    o.push_str(&format!("instance-h    {:.1}\n", s.instance_hours));
    o.push_str(&format!("cost          {:.2}\n", s.cost));
    o.push_str(&format!("breach        {:.0} min\n", s.breach_minutes));
    o.push_str(&format!("headroom      {:.1} instances ({:.0} %)\n", r.headroom.instances, r.headroom.percent));
    o.push_str(&format!("events        {}\n", h.events.len()));
    for e in &h.events {
        o.push_str(&format!("  {}  {:>3} → {:<3} {}\n", to_rfc3339(e.timestamp), e.from, e.to, e.reason));
    }
    if let Some(f) = &r.forecast {
        o.push_str(&format!(
            "forecast      {} → {}: peak {} (95 % upper: {}), mean {:.2}; runway {}\n",
            to_rfc3339(f.start_ms),
            to_rfc3339(f.end_ms),
            f.summary.peak,
            r.upper.as_ref().map_or("—".to_string(), |u| u.summary.peak.to_string()),
            f.summary.mean,
            r.runway.map_or("beyond the horizon".to_string(), to_rfc3339)
        ));
        for e in &f.events {
            o.push_str(&format!("  {}  {:>3} → {:<3} {}\n", to_rfc3339(e.timestamp), e.from, e.to, e.reason));
        }
    }
    for n in notes {
        o.push_str(&format!("note: {n}\n"));
    }
    o
}
