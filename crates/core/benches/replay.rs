//! Policy replay over one year of 5-minute data (105,120 steps; the HPA syncs 2.1 M times).
//!
//! Data: the real NAB EC2 CPU exports (`../shared/data/nab/`), bursty and steady files tiled to a
//! year. Prepared once; then `run` per controller (what a slider re-runs). Peers in the same run:
//! the tick-by-tick reference (`run_reference`, every sync evaluated) and `Prepared::new`. Report
//! the ratios, not absolute figures: these machines are shared and noisy.
//!
//!     cargo bench -p headroom-core --bench replay -- --warm-up-time 1 --measurement-time 3

use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use headroom_core::capacity::{HistoryInstances, MetricColumns, Policy, Prepared, ReplayInputs};
use headroom_core::{parse, regularise, Aggregation};

const STEPS: usize = 105_120;
const STEP_MS: i64 = 300_000;

fn year_of_cpu() -> ReplayInputs {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/nab/realAWSCloudwatch");
    let mut tiles = Vec::new();
    for name in ["ec2_cpu_utilization_77c1ca.csv", "ec2_cpu_utilization_5f5533.csv", "ec2_cpu_utilization_fe7f93.csv"] {
        let bytes = std::fs::read(dir.join(name)).expect("the NAB data in ../shared/data");
        let s = parse(name, &bytes).expect("parses").series.remove(0);
        tiles.push(regularise(&s, STEP_MS, Aggregation::Mean).expect("regularises").values);
    }
    let cpu: Vec<f64> = tiles.iter().flatten().copied().cycle().take(STEPS).collect();
    let t0 = 1_704_067_200_000;
    ReplayInputs {
        timestamps: (0..STEPS as i64).map(|k| t0 + k * STEP_MS).collect(),
        metrics: MetricColumns { cpu: Some(cpu), ..Default::default() },
        instances: HistoryInstances::Constant(4),
        forecast: None,
    }
}

/// The seed's document with the CPU threshold at 45 %: the workbench benchmark's thresholds.
const WORKBENCH_POLICY: &str =
    r#"{"auto_scaling": {"triggers": {"cpu_usage": 45, "memory_usage": 80, "response_time": "2s"}}}"#;

fn policies() -> Vec<(&'static str, Policy)> {
    let hpa = Policy::from_hpa_yaml(
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nspec:\n  minReplicas: 2\n  maxReplicas: 30\n  \
         metrics:\n  - type: Resource\n    resource:\n      name: cpu\n      target:\n        type: Utilization\n        \
         averageUtilization: 60\n  behavior: {}\n",
    )
    .expect("HPA");
    let seed = Policy::from_json(
        r#"{"auto_scaling": {"triggers": {"cpu_usage": 75, "memory_usage": 80, "response_time": "2s"},
            "actions": {"scale_up": "add_instance", "scale_down": "remove_instance"}}}"#,
    )
    .expect("seed");
    let tracking = Policy::from_json(
        r#"{"version": 1, "min_instances": 1, "max_instances": 20, "warmup_s": 300,
            "scaler": {"type": "target_tracking", "policies": [{"metric": "ASGAverageCPUUtilization", "target": 50}]}}"#,
    )
    .expect("target tracking");
    vec![("hpa", hpa), ("threshold", seed), ("target_tracking", tracking)]
}

fn bench(c: &mut Criterion) {
    let inputs = year_of_cpu();
    let prepared = Prepared::new(&inputs).expect("prepares");
    let mut g = c.benchmark_group("replay_1y_5min");
    g.sample_size(10);
    g.bench_function("prepare", |b| b.iter(|| Prepared::new(&inputs).map(|p| p.step_ms()).unwrap_or(0)));
    for (name, policy) in policies() {
        let r = prepared.run(&policy).expect("runs");
        eprintln!(
            "{name}: {} events, peak {}, mean {:.2}",
            r.history.events.len(),
            r.history.summary.peak,
            r.history.summary.mean
        );
        g.bench_with_input(BenchmarkId::new("run", name), &policy, |b, p| {
            b.iter(|| prepared.run(p).map(|r| r.history.events.len()).unwrap_or(0))
        });
        g.bench_with_input(BenchmarkId::new("peer: run_reference (every tick)", name), &policy, |b, p| {
            b.iter(|| prepared.run_reference(p).map(|r| r.history.events.len()).unwrap_or(0))
        });
    }
    // The workbench's case: the seed's thresholds over four metrics, CPU threshold at 45 %.
    let usage =
        Prepared::new(&headroom_core::synth::usage_replay_inputs(STEPS, STEP_MS / 1000, 42, 4)).expect("prepares");
    let seed = Policy::from_json(WORKBENCH_POLICY).expect("the seed's document");
    let r = usage.run(&seed).expect("runs");
    eprintln!("threshold, 4 metrics: {} events, peak {}", r.history.events.len(), r.history.summary.peak);
    g.bench_with_input(BenchmarkId::new("run", "threshold_4_metrics"), &seed, |b, p| {
        b.iter(|| usage.run(p).map(|r| r.history.events.len()).unwrap_or(0))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
