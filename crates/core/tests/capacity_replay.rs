//! Replays on the real NAB CloudWatch exports in `../shared/data/nab/`: the seed's policy on real
//! EC2 CPU, every controller's fast path against the tick-by-tick reference, forecasts with
//! hand-made arrays (runway), redundancy, and preparation errors.

use std::path::{Path, PathBuf};

use headroom_core::capacity::policy::{Policy, Redundancy, Scaler};
use headroom_core::capacity::{ForecastInputs, HistoryInstances, MetricColumns, Prepared, ReplayError, ReplayInputs};
use headroom_core::{parse, regularise, Aggregation, Series};

fn nab(name: &str) -> Series {
    let p: PathBuf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/nab/realAWSCloudwatch").join(name);
    let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let s = parse(name, &bytes).unwrap().series.remove(0);
    regularise(&s, 300_000, Aggregation::Mean).unwrap()
}

fn fixture(name: &str) -> String {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/policies").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn cpu_inputs(s: &Series, replicas: u32) -> ReplayInputs {
    ReplayInputs {
        timestamps: s.timestamps.clone(),
        metrics: MetricColumns { cpu: Some(s.values.clone()), ..Default::default() },
        instances: HistoryInstances::Constant(replicas),
        forecast: None,
    }
}

const CPU_FILES: [&str; 3] =
    ["ec2_cpu_utilization_5f5533.csv", "ec2_cpu_utilization_77c1ca.csv", "ec2_cpu_utilization_fe7f93.csv"];

#[test]
fn the_seed_policy_on_real_ec2_cpu() {
    let seed = Policy::from_json(&fixture("seed.json")).unwrap();
    // Steady CPU, 35–68 % on 4 instances: never above 75 %, and below 37.5 % only briefly.
    let steady = nab("ec2_cpu_utilization_5f5533.csv");
    let r = Prepared::new(&cpu_inputs(&steady, 4)).unwrap().run(&seed).unwrap();
    let h = &r.history;
    assert_eq!(h.end_ms - h.start_ms, 4032 * 300_000, "14 days");
    assert!(h.summary.peak <= 5, "{:?}", h.summary);
    assert!(h.summary.mean >= 3.0 && h.summary.mean <= 5.0, "{:?}", h.summary);
    // Bursts to 100 % on 4 instances: the policy adds instances and the utilisation it sees falls.
    let bursty = nab("ec2_cpu_utilization_77c1ca.csv");
    let prepared = Prepared::new(&cpu_inputs(&bursty, 4)).unwrap();
    let r = prepared.run(&seed).unwrap();
    let h = &r.history;
    let ups: Vec<_> = h.events.iter().filter(|e| e.to > e.from).collect();
    assert!(!ups.is_empty());
    for e in &ups {
        let reason = e.reason.to_string();
        assert!(reason.starts_with("cpu ") && reason.ends_with("> 75 % for 3 of 3 periods"), "{reason}");
    }
    assert!(h.events.iter().any(|e| e.to < e.from), "and scales back down");
    assert!(h.summary.peak > 4 && h.summary.peak <= 10, "{:?}", h.summary);
    assert!(h.summary.mean > 1.0 && h.summary.mean < 6.0, "{:?}", h.summary);
    assert!((h.summary.instance_hours - h.summary.mean * 14.0 * 24.0).abs() < 1e-6);
    // Feedback: a scale-up's reason was measured with the pre-scale count; afterwards the same
    // demand shows lower. The peak demand (≈100 % × 4) on at most 10 instances fits 75 %:
    // breaches happen only while the policy reacts.
    assert!(h.summary.breach_minutes > 0.0 && h.summary.breach_minutes < 14.0 * 24.0 * 60.0 * 0.1, "{:?}", h.summary);
    // Every event's `from` is the count before it.
    let mut n = h.changes[0].1;
    for e in &h.events {
        assert_eq!(e.from, n);
        n = e.to;
    }
    // Sampling per evaluation step: one count per 60 s.
    let per_eval = h.per_evaluation();
    assert_eq!(per_eval.len(), 4032 * 5);
    assert_eq!(per_eval.iter().map(|c| c.1).max(), Some(h.summary.peak));
}

#[test]
fn fast_path_equals_the_reference_on_real_data_for_every_controller() {
    let mut policies: Vec<(&str, Policy)> = Vec::new();
    for name in ["seed.json", "threshold.json", "target-tracking.json", "step-scaling.json"] {
        policies.push((name, Policy::from_json(&fixture(name)).unwrap()));
    }
    for name in ["hpa-web.yaml", "hpa-legacy.yaml"] {
        policies.push((name, Policy::from_hpa_yaml(&fixture(name)).unwrap()));
    }
    // Warm-up exercises instances that are not yet ready.
    let mut warm = Policy::from_hpa_yaml(&fixture("hpa-web.yaml")).unwrap();
    warm.warmup_s = 90.0;
    policies.push(("hpa-web.yaml + warm-up", warm));
    let mut seed_warm = Policy::from_json(&fixture("seed.json")).unwrap();
    seed_warm.warmup_s = 150.0;
    policies.push(("seed.json + warm-up", seed_warm));
    // Threshold variants for the steady-step pass-over: one datapoint, N of M over shorter
    // periods, and a scale-down threshold the data stays under (down alarms fire at the minimum).
    for (label, (n, m, period_s), (up, down)) in [
        ("1 of 1", (1, 1, 60.0), (60.0, None)),
        ("2 of 5 every 45 s", (2, 5, 45.0), (60.0, Some(30.0))),
        ("mostly below scale-down", (3, 3, 60.0), (95.0, Some(90.0))),
    ] {
        let mut p = Policy::from_json(&fixture("seed.json")).unwrap();
        if let Scaler::Threshold(t) = &mut p.scaler {
            t.evaluation.periods = n;
            t.evaluation.of = m;
            t.evaluation.period_s = period_s;
            if let Some(c) = &mut t.cpu {
                c.scale_up = up;
                c.scale_down = down;
            }
        }
        policies.push((label, p));
    }
    for file in CPU_FILES {
        let s = nab(file);
        let prepared = Prepared::new(&cpu_inputs(&s, 4)).unwrap();
        for (name, p) in &policies {
            let fast = prepared.run(p).unwrap();
            let reference = prepared.run_reference(p).unwrap();
            assert_eq!(fast, reference, "{file} with {name}");
            assert!(!fast.history.events.is_empty() || file.contains("5f5533"), "{file} with {name}: no event");
        }
    }
}

#[test]
fn queueing_sizes_each_step_for_the_real_request_rate() {
    let s = nab("elb_request_count_8c0756.csv");
    let p = Policy::from_json(&fixture("queueing.json")).unwrap();
    let inputs = ReplayInputs {
        timestamps: s.timestamps.clone(),
        metrics: MetricColumns { request_rate: Some(s.values.clone()), ..Default::default() },
        instances: HistoryInstances::Constant(2),
        forecast: None,
    };
    let prepared = Prepared::new(&inputs).unwrap();
    let r = prepared.run(&p).unwrap();
    assert_eq!(r, prepared.run_reference(&p).unwrap());
    // Up to 656 requests/s at μ = 100/s: at least 7 servers at the peak, 1 when quiet.
    assert!(r.history.summary.peak >= 7 && r.history.summary.peak <= 12, "{:?}", r.history.summary);
    assert!(r.history.changes.iter().any(|c| c.1 == 1));
    assert!(r.history.events[0].reason.to_string().starts_with("queueing: "));
    // Sizing ahead means no breach.
    assert_eq!(r.history.summary.breach_minutes, 0.0);
    assert!((r.history.summary.cost - r.history.summary.instance_hours * 0.05).abs() < 1e-9);
}

#[test]
fn forecast_runs_point_and_upper_separately_and_gives_runway() {
    // History: 2 days of 5-minute CPU at 40 % on 4 instances; forecast: rising 40 → 100 % (point)
    // and 40 → 160 % (upper) over 1 day. Demand = u × 4; max 8 instances at 75 %: 600 % of demand.
    let step = 300_000;
    let n = 576;
    let ts: Vec<i64> = (0..n).map(|k| 1_700_000_000_000 / step * step + k * step).collect();
    let f_n = 288;
    let f_ts: Vec<i64> = (0..f_n).map(|k| ts[n as usize - 1] + (k + 1) * step).collect();
    let point: Vec<f64> = (0..f_n).map(|k| 40.0 + 60.0 * k as f64 / f_n as f64).collect();
    let upper: Vec<f64> = (0..f_n).map(|k| 40.0 + 120.0 * k as f64 / f_n as f64).collect();
    let inputs = ReplayInputs {
        timestamps: ts.clone(),
        metrics: MetricColumns { cpu: Some(vec![40.0; n as usize]), ..Default::default() },
        instances: HistoryInstances::Constant(4),
        forecast: Some(ForecastInputs {
            timestamps: f_ts.clone(),
            point: MetricColumns { cpu: Some(point), ..Default::default() },
            upper: MetricColumns { cpu: Some(upper), ..Default::default() },
        }),
    };
    let mut p = Policy::from_json(&fixture("seed.json")).unwrap();
    p.max_instances = 5;
    let prepared = Prepared::new(&inputs).unwrap();
    let r = prepared.run(&p).unwrap();
    assert_eq!(r, prepared.run_reference(&p).unwrap());
    let (fc, up) = (r.forecast.as_ref().unwrap(), r.upper.as_ref().unwrap());
    assert_eq!((fc.start_ms, fc.end_ms), (f_ts[0], f_ts[f_ts.len() - 1] + step));
    // Required = ceil(u × 4 / 75) > 5 once u × 4 > 375, u > 93.75 %: point k > 258; upper k > 129.
    let runway = r.runway.expect("the point forecast outgrows 5 instances");
    let runway_upper = r.runway_upper.expect("the upper band sooner");
    assert_eq!((runway - f_ts[0]) / step, 259);
    assert_eq!((runway_upper - f_ts[0]) / step, 130);
    assert!(up.summary.peak >= fc.summary.peak);
    assert!(up.summary.breach_minutes > fc.summary.breach_minutes);
    // Peak required (upper): 160 % × 4 / 75 % = 8.5 (at the last step it is 159.6 %); headroom negative.
    assert!(r.headroom.instances < -3.0 && r.headroom.instances > -3.6, "{:?}", r.headroom);
    assert!((r.headroom.percent - r.headroom.instances / 5.0 * 100.0).abs() < 1e-9);
    // The history alone never needs more than 3: no runway without a forecast.
    let mut no_fc = inputs.clone();
    no_fc.forecast = None;
    let r = Prepared::new(&no_fc).unwrap().run(&p).unwrap();
    assert_eq!((r.runway, r.forecast.is_none()), (None, true));
    assert!((r.headroom.instances - (5.0 - 160.0 / 75.0)).abs() < 1e-9);
}

#[test]
fn redundancy_runs_spares_on_top_of_the_scalers_count() {
    let s = nab("ec2_cpu_utilization_5f5533.csv");
    let mut p = Policy::from_json(&fixture("seed.json")).unwrap();
    let prepared = Prepared::new(&cpu_inputs(&s, 4)).unwrap();
    let plain = prepared.run(&p).unwrap();
    p.redundancy = Redundancy { spare: 1, zones: 3 };
    let r = prepared.run(&p).unwrap();
    // 4 → ceil(4 × 3/2) + 1 = 7 at the start; the scaler's own decisions are unchanged.
    assert_eq!(r.history.changes[0].1, 7);
    assert_eq!(r.history.events.len(), plain.history.events.len());
    for (a, b) in r.history.events.iter().zip(&plain.history.events) {
        assert_eq!(a.to, Redundancy { spare: 1, zones: 3 }.apply(u64::from(b.to)).min(10) as u32);
    }
    assert!(r.history.summary.instance_hours > plain.history.summary.instance_hours * 1.5);
}

#[test]
fn preparation_errors_say_what_and_where() {
    let base = cpu_inputs(&nab("ec2_cpu_utilization_5f5533.csv"), 4);
    let mut bad = base.clone();
    bad.timestamps[10] += 1000;
    assert_eq!(
        Prepared::new(&bad).unwrap_err().to_string(),
        "history: timestamps are not on a regular grid at index 10 (regularise the series first)"
    );
    let mut bad = base.clone();
    bad.instances = HistoryInstances::Constant(0);
    assert!(matches!(Prepared::new(&bad), Err(ReplayError::BadInstances { .. })));
    let mut bad = base.clone();
    bad.metrics.cpu = Some(vec![f64::NAN; base.timestamps.len()]);
    assert_eq!(Prepared::new(&bad).unwrap_err().to_string(), "history: cpu has no value that is a finite number");
    let mut bad = base.clone();
    bad.metrics.cpu = None;
    assert_eq!(Prepared::new(&bad).unwrap_err(), ReplayError::NoMetric);
    // Missing values are held and noted.
    let mut gaps = base.clone();
    if let Some(c) = gaps.metrics.cpu.as_mut() {
        c[5] = f64::NAN;
    }
    let r = Prepared::new(&gaps).unwrap().run(&Policy::from_json(&fixture("seed.json")).unwrap()).unwrap();
    assert!(r.notes.iter().any(|n| n == "history: cpu: 1 missing values held at the previous value"), "{:?}", r.notes);
    // A policy out of range is an error of the run, naming the field.
    let mut p = Policy::from_json(&fixture("seed.json")).unwrap();
    p.max_instances = 0;
    let e = Prepared::new(&base).unwrap().run(&p).unwrap_err();
    assert_eq!(e.to_string(), "policy: max_instances: must be between 1 and 1000000");
    let _ = Scaler::Threshold; // the enum is part of the public API the app matches on
}

#[test]
fn fast_path_equals_the_reference_with_every_metric() {
    // Two weeks of 1-minute synthetic usage (CPU, memory, requests, latency), every controller.
    let parsed = parse("synth.csv", &headroom_core::synth::usage_csv(20_160, 11)).unwrap();
    let col = |name: &str| parsed.series.iter().find(|s| s.name == name).map(|s| s.values.clone());
    let latency_s = col("latency_ms").map(|v| v.into_iter().map(|x| x / 1000.0).collect());
    let inputs = ReplayInputs {
        timestamps: parsed.series[0].timestamps.clone(),
        metrics: MetricColumns {
            cpu: col("cpu"),
            memory: col("memory"),
            response_time: latency_s,
            request_rate: col("requests"),
        },
        instances: HistoryInstances::Constant(3),
        forecast: None,
    };
    let prepared = Prepared::new(&inputs).unwrap();
    let mut policies = Vec::new();
    for name in ["seed.json", "threshold.json", "target-tracking.json", "step-scaling.json", "queueing.json"] {
        policies.push((name.to_string(), Policy::from_json(&fixture(name)).unwrap()));
    }
    for name in ["hpa-web.yaml", "hpa-legacy.yaml"] {
        policies.push((name.to_string(), Policy::from_hpa_yaml(&fixture(name)).unwrap()));
    }
    // Tighter targets so that every controller acts often, with warm-up.
    let mut seed = Policy::from_json(&fixture("seed.json")).unwrap();
    if let Scaler::Threshold(t) = &mut seed.scaler {
        t.cpu = Some(headroom_core::capacity::policy::Rule { scale_up: 50.0, scale_down: Some(40.0) });
        t.response_time = Some(headroom_core::capacity::policy::Rule { scale_up: 0.25, scale_down: None });
        t.evaluation.periods = 2;
        t.cooldown_up_s = 60.0;
    }
    seed.warmup_s = 120.0;
    policies.push(("tight threshold".into(), seed));
    let mut acted = Vec::new();
    for (name, p) in &policies {
        let fast = prepared.run(p).unwrap();
        assert_eq!(fast, prepared.run_reference(p).unwrap(), "{name}");
        if !fast.history.events.is_empty() {
            acted.push(name.as_str());
        }
    }
    // Memory at ~60 % keeps the seed's and threshold.json's policies (and hpa-web at its minimum)
    // still; every other controller acts, so the comparison covers their decisions.
    for name in ["target-tracking.json", "step-scaling.json", "queueing.json", "hpa-legacy.yaml", "tight threshold"] {
        assert!(acted.contains(&name), "{name} never scaled: {acted:?}");
    }
}

#[test]
fn passing_over_quiet_runs_equals_the_reference_as_thresholds_are_dragged() {
    // The workbench's case: 60 days of 5-minute CPU, memory, requests and latency (the CPU and
    // memory noisy around the thresholds, so that alarm histories flip inside long quiet runs),
    // the seed's policy with its CPU threshold dragged across the data, at a low max (up alarms
    // firing at max), with several evaluation windows and tick periods.
    let prepared = Prepared::new(&headroom_core::synth::usage_replay_inputs(17_280, 300, 42, 4)).unwrap();
    let mut checked = 0;
    for (periods, of, period_s) in
        [(3, 3, 60.0), (2, 5, 45.0), (1, 1, 300.0), (5, 32, 15.0), (1, 32, 15.0), (2, 24, 30.0)]
    {
        for (cpu, max) in [(30.0, 6), (38.0, 20), (45.0, 10), (52.0, 20), (60.0, 8)] {
            let mut p = Policy::from_json(&fixture("seed.json")).unwrap();
            p.max_instances = max;
            if let Scaler::Threshold(t) = &mut p.scaler {
                t.cpu = Some(headroom_core::capacity::policy::Rule { scale_up: cpu, scale_down: None });
                t.evaluation.periods = periods;
                t.evaluation.of = of;
                t.evaluation.period_s = period_s;
            }
            let fast = prepared.run(&p).unwrap();
            assert!(!fast.history.events.is_empty(), "CPU {cpu} %, {periods} of {of}: the policy should act");
            assert_eq!(
                fast,
                prepared.run_reference(&p).unwrap(),
                "CPU {cpu} %, max {max}, {periods} of {of} every {period_s} s"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 30);
}

/// 2024-01-01T00:00:00Z.
const START_MS: i64 = 1_704_067_200_000;

/// `metrics` every 5 minutes from [`START_MS`], on 4 instances, prepared for replays.
fn four_instances_every_5_min(metrics: MetricColumns) -> Prepared {
    let n = [&metrics.cpu, &metrics.memory, &metrics.response_time, &metrics.request_rate]
        .into_iter()
        .flatten()
        .map(Vec::len)
        .max()
        .unwrap_or(0);
    Prepared::new(&ReplayInputs {
        timestamps: (0..n as i64).map(|i| START_MS + i * 300_000).collect(),
        metrics,
        instances: HistoryInstances::Constant(4),
        forecast: None,
    })
    .unwrap()
}

#[test]
fn a_down_alarm_that_changed_inside_a_passed_over_run_counts_as_it_would_have() {
    // CPU between its lines (so the down alarms cannot all fire) while memory dips below its
    // scale-down line for one step; the next step CPU drops: with 1-of-32 alarms every 15 s, the
    // memory alarm still holds the dip, so the count goes down there — the run passed over must
    // leave memory's alarm history as the ticks inside it would have.
    let day = 288;
    let (mut cpu, mut memory) = (Vec::new(), Vec::new());
    for i in 0..30 * day {
        let j = i % day;
        cpu.push(if (160..176).contains(&j) { 10.0 } else { 60.0 });
        memory.push(if j == 159 { 20.0 } else { 50.0 });
    }
    let prepared =
        four_instances_every_5_min(MetricColumns { cpu: Some(cpu), memory: Some(memory), ..MetricColumns::default() });
    let mut p = Policy::from_json(&fixture("seed.json")).unwrap();
    p.min_instances = 1;
    if let Scaler::Threshold(t) = &mut p.scaler {
        t.cpu = Some(headroom_core::capacity::policy::Rule { scale_up: 70.0, scale_down: Some(35.0) });
        t.memory = Some(headroom_core::capacity::policy::Rule { scale_up: 80.0, scale_down: Some(40.0) });
        t.response_time = None;
        t.evaluation.periods = 1;
        t.evaluation.of = 32;
        t.evaluation.period_s = 15.0;
        t.cooldown_up_s = 0.0;
        t.cooldown_down_s = 0.0;
    }
    let fast = prepared.run(&p).unwrap();
    let downs = fast.history.events.iter().filter(|e| e.to < e.from).count();
    assert!(downs >= 30, "the count should go down once a day at least: {downs}");
    assert_eq!(fast, prepared.run_reference(&p).unwrap());
}

#[test]
fn a_run_passed_over_leaves_every_datapoint_its_alarms_still_hold() {
    // One tick per 5-minute step, alarms on 1 of the last 3 datapoints. For 800 steps response
    // time sits between its lines (its down alarm steadily off, so the count cannot drop), CPU
    // under its scale-down line, and memory swings across its scale-down line: the replay passes
    // over the whole run, memory's alarm history changing inside it. At step 800 response time
    // drops under its line. Memory was under its line two steps before (and not since): its alarm
    // still holds that datapoint, so every down alarm fires and the count drops at step 800 — the
    // run passed over must leave memory's older datapoints as the ticks would have, not only the
    // newest (this case tells a history rebuilt from one tick from one rebuilt from two or more).
    let (start, step) = (START_MS, 300_000);
    let n = 1_600;
    let (mut cpu, mut memory, mut latency) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..n {
        cpu.push(10.0);
        memory.push(match i {
            798 => 30.0,
            _ if i < 797 && i % 7 == 3 => 30.0,
            _ => 50.0,
        });
        latency.push(if i < 800 { 1.0 } else { 0.2 });
    }
    let prepared = four_instances_every_5_min(MetricColumns {
        cpu: Some(cpu),
        memory: Some(memory),
        response_time: Some(latency),
        request_rate: None,
    });
    let mut p = Policy::from_json(&fixture("seed.json")).unwrap();
    p.min_instances = 1;
    if let Scaler::Threshold(t) = &mut p.scaler {
        let rule = |up, down| Some(headroom_core::capacity::policy::Rule { scale_up: up, scale_down: Some(down) });
        t.cpu = rule(70.0, 35.0);
        t.memory = rule(80.0, 40.0);
        t.response_time = rule(2.0, 0.5);
        t.evaluation.periods = 1;
        t.evaluation.of = 3;
        t.evaluation.period_s = 300.0;
        t.cooldown_down_s = 0.0;
    }
    let reference = prepared.run_reference(&p).unwrap();
    let first = reference.history.events.first().expect("the count drops");
    assert_eq!((first.timestamp, first.from, first.to), (start + 800 * step, 4, 3), "{:?}", reference.history.events);
    assert_eq!(prepared.run(&p).unwrap(), reference);
}
