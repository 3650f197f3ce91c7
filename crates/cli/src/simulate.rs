//! `headroom simulate FILE... --policy POLICY --replicas N [--metric cpu=SERIES ...] [--json]`:
//! replays an autoscaling policy over metric exports.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use headroom_core::capacity::policy::Metric;
use headroom_core::capacity::{HistoryInstances, MetricColumns, Prepared, Replay, ReplayInputs};
use headroom_core::time::{human_duration, to_rfc3339};
use headroom_core::{parse, regularise, Aggregation, Series, SeriesKind};
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
    /// Print {"instances", "events", "summary", ...} as JSON.
    #[arg(long)]
    json: bool,
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

/// Seconds per unit of a latency series.
fn latency_scale(s: &Series) -> f64 {
    match s.unit.as_deref() {
        Some("ms") => 1e-3,
        Some("us" | "µs") => 1e-6,
        Some("ns") => 1e-9,
        _ => 1.0,
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
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => return fail(format!("{file}: cannot read: {e}")),
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
    // One common step (the coarsest), one common time range.
    let step = chosen.values().filter_map(|&i| found[i].1.stats()).map(|s| s.step_ms).max().unwrap_or(0).max(1000);
    let mut grids: Vec<(Metric, String, Series)> = Vec::new();
    for (&m, &i) in &chosen {
        let (file, s) = &found[i];
        match regularise(s, step, Aggregation::Mean) {
            Ok(g) => grids.push((Metric::ALL[m], format!("{file}: {}", s.name), g)),
            Err(e) => return fail(format!("{file}: {}: {e}", s.name)),
        }
    }
    let start = grids.iter().filter_map(|g| g.2.timestamps.first()).copied().max().unwrap_or(0);
    let end = grids.iter().filter_map(|g| g.2.timestamps.last()).copied().min().unwrap_or(0);
    if end < start {
        return fail(format!("{first_file}: the chosen series do not overlap in time"));
    }
    let timestamps: Vec<i64> = (0..=(end - start) / step).map(|k| start + k * step).collect();
    let mut cols = MetricColumns::default();
    let mut sources = serde_json::Map::new();
    for (m, label, g) in &grids {
        let from = ((start - g.timestamps[0]) / step) as usize;
        let mut v: Vec<f64> = g.values[from..from + timestamps.len()].to_vec();
        if *m == Metric::ResponseTime {
            let k = latency_scale(g);
            v.iter_mut().for_each(|x| *x *= k);
        }
        sources.insert(m.label().replace(' ', "_"), json!(label));
        match m {
            Metric::Cpu => cols.cpu = Some(v),
            Metric::Memory => cols.memory = Some(v),
            Metric::ResponseTime => cols.response_time = Some(v),
            Metric::RequestRate => cols.request_rate = Some(v),
        }
    }
    let inputs = ReplayInputs {
        timestamps,
        metrics: cols,
        instances: HistoryInstances::Constant(args.replicas),
        forecast: None,
    };
    let replay = match Prepared::new(&inputs).and_then(|p| p.run(&policy)) {
        Ok(r) => r,
        Err(e) => return fail(format!("{first_file}: {e}")),
    };
    let out = if args.json { json_report(&replay, sources) } else { text_report(&replay, &sources, step) };
    let _ = std::io::stdout().write_all(out.as_bytes());
    ExitCode::SUCCESS
}

fn json_report(r: &Replay, sources: serde_json::Map<String, serde_json::Value>) -> String {
    let h = &r.history;
    let instances: Vec<_> =
        h.per_evaluation().into_iter().map(|(t, n)| json!({"timestamp": to_rfc3339(t), "count": n})).collect();
    let events: Vec<_> = h
        .events
        .iter()
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
        "headroom": {"instances": r.headroom.instances, "percent": r.headroom.percent},
        "metrics": sources,
        "notes": r.notes,
    });
    let mut out = serde_json::to_string(&v).unwrap_or_default();
    out.push('\n');
    out
}

fn text_report(r: &Replay, sources: &serde_json::Map<String, serde_json::Value>, step: i64) -> String {
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
    for n in &r.notes {
        o.push_str(&format!("note: {n}\n"));
    }
    o
}
