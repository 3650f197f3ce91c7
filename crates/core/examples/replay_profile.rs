//! Profiling aid for the policy replay: the workbench's case (a year of 5-minute CPU, memory,
//! latency and requests from `synth::usage_csv_every`; the seed's thresholds with CPU at 45 %)
//! replayed RUNS times (`replay_profile [RUNS]`, default 1). Instruction counts per replay, free of
//! the machine's noise: run it under `valgrind --tool=callgrind` with 1 and with 11 runs and take a
//! tenth of the difference.
use headroom_core::capacity::{HistoryInstances, Metric, MetricColumns, Policy, Prepared, ReplayInputs, Scaler};
use headroom_core::{parse, regularise, Aggregation};

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    let csv = headroom_core::synth::usage_csv_every(105_120, 300, 42);
    let parsed = parse("usage.csv", &csv).expect("the synthetic data parses");
    let mut metrics = MetricColumns::default();
    let mut timestamps = Vec::new();
    for s in &parsed.series {
        let r = regularise(s, 300_000, Aggregation::Mean).expect("regularises");
        let (m, scale) = match s.name.as_str() {
            n if n.contains("cpu") => (Metric::Cpu, 1.0),
            n if n.contains("mem") => (Metric::Memory, 1.0),
            n if n.contains("latency") => (Metric::ResponseTime, 0.001),
            _ => (Metric::RequestRate, 1.0),
        };
        metrics.set(m, r.values.iter().map(|v| v * scale).collect());
        timestamps = r.timestamps;
    }
    let inputs = ReplayInputs { timestamps, metrics, instances: HistoryInstances::Constant(4), forecast: None };
    let prepared = Prepared::new(&inputs).expect("prepares");
    let mut policy = Policy::from_json(
        r#"{"auto_scaling": {"triggers": {"cpu_usage": 45, "memory_usage": 80, "response_time": "2s"}}}"#,
    )
    .expect("the seed's document");
    if let Scaler::Threshold(t) = &mut policy.scaler {
        t.request_rate = None;
    }
    let mut events = 0;
    for _ in 0..runs {
        events = prepared.run(&policy).expect("replays").history.events.len();
    }
    eprintln!("{runs} replays, {events} events each");
}
