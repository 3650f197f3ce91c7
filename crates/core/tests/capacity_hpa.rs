//! The HPA controller's behaviour, case by case, as `horizontal.go` / `replica_calculator.go`
//! produce it. The data is CPU demand in instance-percent (history of 1 instance), so the
//! replayed utilisation is exactly demand / ready pods; one data point per 15 s sync.

use headroom_core::capacity::policy::{
    Hpa, HpaBehavior, HpaMetric, HpaRules, HpaSource, HpaTargetKind, Policy, RateKind, RatePolicy, Redundancy, Scaler,
    SelectPolicy,
};
use headroom_core::capacity::{HistoryInstances, MetricColumns, Prepared, Replay, ReplayInputs};

const SYNC: i64 = 15_000;

fn cpu_hpa(min: u32, max: u32, initial: u32, target: f64, behavior: Option<HpaBehavior>) -> Policy {
    Policy {
        version: 1,
        min_instances: min,
        max_instances: max,
        initial_instances: Some(initial),
        warmup_s: 0.0,
        redundancy: Redundancy::default(),
        price_per_hour: 0.0,
        scaler: Scaler::Hpa(Hpa {
            metrics: vec![HpaMetric {
                source: HpaSource::Resource,
                name: "cpu".into(),
                target: HpaTargetKind::Utilization,
                value: target,
            }],
            behavior,
            tolerance: 0.1,
            sync_s: 15.0,
        }),
    }
}

/// Replays demand `d[k]` (instance-percent) at sync k, and checks the fast path agrees.
fn replay(policy: &Policy, demand: &[f64]) -> Replay {
    let inputs = ReplayInputs {
        timestamps: (0..demand.len() as i64).map(|k| k * SYNC).collect(),
        metrics: MetricColumns { cpu: Some(demand.to_vec()), ..Default::default() },
        instances: HistoryInstances::Constant(1),
        forecast: None,
    };
    let prepared = Prepared::new(&inputs).unwrap();
    let fast = prepared.run(policy).unwrap();
    assert_eq!(fast, prepared.run_reference(policy).unwrap(), "fast path differs from the reference");
    fast
}

/// (sync index, from, to) of every event.
fn events(r: &Replay) -> Vec<(i64, u32, u32)> {
    r.history.events.iter().map(|e| (e.timestamp / SYNC, e.from, e.to)).collect()
}

fn default_behavior() -> Option<HpaBehavior> {
    Some(HpaBehavior::default())
}

#[test]
fn inside_the_tolerance_band_nothing_changes() {
    // 4 pods at 84 % for a target of 80 %: ratio 1.05 ≤ 1 + 0.1.
    let r = replay(&cpu_hpa(1, 20, 4, 80.0, default_behavior()), &[336.0; 40]);
    assert!(r.history.events.is_empty(), "{:?}", r.history.events);
    // 4 pods at 89 %: ratio 1.1125 → ceil(4.45) = 5.
    let r = replay(&cpu_hpa(1, 20, 4, 80.0, default_behavior()), &[356.0; 40]);
    assert_eq!(events(&r), vec![(0, 4, 5)]);
    assert_eq!(r.history.events[0].reason.to_string(), "HPA: cpu ratio 1.11 → desired 5");
}

#[test]
fn double_the_load_doubles_the_pods_in_one_sync() {
    // 4 pods at 160 % → ratio 2 → 8 pods (the default allows max(4 pods, 100 %) per 15 s); then 80 %.
    let r = replay(&cpu_hpa(1, 20, 4, 80.0, default_behavior()), &[640.0; 40]);
    assert_eq!(events(&r), vec![(0, 4, 8)]);
    assert_eq!(r.history.summary.peak, 8);
    assert_eq!(r.history.summary.breach_minutes, 0.0);
}

#[test]
fn the_max_caps_the_count() {
    let r = replay(&cpu_hpa(1, 6, 4, 80.0, default_behavior()), &[640.0; 40]);
    assert_eq!(events(&r), vec![(0, 4, 6)]);
    assert_eq!(r.history.events[0].reason.to_string(), "HPA: cpu ratio 2.00 → desired 8, limited by maxReplicas 6");
    // Still short of capacity: 640 / 6 = 107 % > 80 % the whole time.
    assert_eq!(r.history.summary.breach_minutes, 40.0 * 15.0 / 60.0);
}

#[test]
fn scale_down_waits_for_the_300_s_window() {
    // 8 pods at 80 % for 10 syncs, then demand halves at sync 10 (T = 150 s).
    let mut d = vec![640.0; 10];
    d.extend([320.0; 40]);
    let r = replay(&cpu_hpa(1, 20, 8, 80.0, default_behavior()), &d);
    // The recommendation of 8 made at T − 15 s leaves the window (entries after now − 300 s) at T + 285 s.
    assert_eq!(events(&r), vec![(10 + 19, 8, 4)]);
    assert_eq!(r.history.events[0].reason.to_string(), "HPA: cpu ratio 0.50 → desired 4",);
    // The legacy path keeps samples at exactly now − 300 s: one sync later.
    let r = replay(&cpu_hpa(1, 20, 8, 80.0, None), &d);
    assert_eq!(events(&r), vec![(10 + 20, 8, 4)]);
}

#[test]
fn rate_limits_count_the_events_within_each_period() {
    // 4 pods per 60 s: 2 → 6, then nothing until the event at t = 0 leaves the period at 60 s.
    let b = HpaBehavior {
        scale_up: Some(HpaRules {
            stabilization_window_s: None,
            select_policy: None,
            policies: vec![RatePolicy { kind: RateKind::Pods, value: 4, period_s: 60 }],
        }),
        scale_down: None,
    };
    let r = replay(&cpu_hpa(1, 100, 2, 50.0, Some(b)), &[2000.0; 20]);
    assert_eq!(events(&r)[..3], [(0, 2, 6), (4, 6, 10), (8, 10, 14)]);
    assert_eq!(
        r.history.events[0].reason.to_string(),
        "HPA: cpu ratio 20.00 → desired 40, limited by 4 pods/60 s to 6"
    );
    // 100 % per 15 s: doubling every sync.
    let b = HpaBehavior {
        scale_up: Some(HpaRules {
            stabilization_window_s: None,
            select_policy: None,
            policies: vec![RatePolicy { kind: RateKind::Percent, value: 100, period_s: 15 }],
        }),
        scale_down: None,
    };
    let r = replay(&cpu_hpa(1, 100, 2, 50.0, Some(b)), &[2000.0; 20]);
    assert_eq!(events(&r)[..4], [(0, 2, 4), (1, 4, 8), (2, 8, 16), (3, 16, 32)]);
    assert_eq!(r.history.events.last().map(|e| e.to), Some(40));
}

#[test]
fn default_policies_take_the_larger_change_and_min_the_smaller() {
    // Default scale-up: Max(4 pods, 100 %) per 15 s: 2 → 6 (4 pods > 100 %), 6 → 12 (100 % > 4 pods).
    let r = replay(&cpu_hpa(1, 100, 2, 50.0, default_behavior()), &[2000.0; 10]);
    assert_eq!(events(&r)[..3], [(0, 2, 6), (1, 6, 12), (2, 12, 24)]);
    // selectPolicy Min: 2 → 4 (100 % < 4 pods), 4 → 8, 8 → 12 (4 pods < 100 %).
    let b = HpaBehavior {
        scale_up: Some(HpaRules {
            stabilization_window_s: None,
            select_policy: Some(SelectPolicy::Min),
            policies: vec![],
        }),
        scale_down: None,
    };
    let r = replay(&cpu_hpa(1, 100, 2, 50.0, Some(b)), &[2000.0; 10]);
    assert_eq!(events(&r)[..4], [(0, 2, 4), (1, 4, 8), (2, 8, 12), (3, 12, 16)]);
}

#[test]
fn disabled_scale_down_never_scales_down() {
    let mut d = vec![640.0; 4];
    d.extend([80.0; 100]);
    let b = HpaBehavior {
        scale_up: None,
        scale_down: Some(HpaRules {
            stabilization_window_s: Some(0),
            select_policy: Some(SelectPolicy::Disabled),
            policies: vec![],
        }),
    };
    let r = replay(&cpu_hpa(1, 20, 8, 80.0, Some(b)), &d);
    assert!(r.history.events.is_empty());
    // A percent scale-down truncates: 10 % of 8 pods per 15 s removes nothing (trunc(7.2) = 7 … one pod).
    let b = HpaBehavior {
        scale_up: None,
        scale_down: Some(HpaRules {
            stabilization_window_s: Some(0),
            select_policy: None,
            policies: vec![RatePolicy { kind: RateKind::Percent, value: 10, period_s: 15 }],
        }),
    };
    let r = replay(&cpu_hpa(1, 20, 8, 80.0, Some(b)), &d);
    // trunc(8 × 0.9) = 7, trunc(7 × 0.9) = 6, 5, 4, 3, 2, 1.
    let to: Vec<u32> = r.history.events.iter().map(|e| e.to).collect();
    assert_eq!(to, vec![7, 6, 5, 4, 3, 2, 1]);
}

#[test]
fn the_legacy_path_limits_scale_up_to_double_or_four() {
    // No behavior: up to max(2 × current, 4) per sync: 1 → 4 → 8 → 16 → 20 (max).
    let r = replay(&cpu_hpa(1, 20, 1, 50.0, None), &[2000.0; 10]);
    assert_eq!(events(&r), vec![(0, 1, 4), (1, 4, 8), (2, 8, 16), (3, 16, 20)]);
    assert_eq!(
        r.history.events[0].reason.to_string(),
        "HPA: cpu ratio 40.00 → desired 40, limited by max(2·current, 4) = 4"
    );
}

#[test]
fn warming_pods_count_as_zero_when_scaling_up() {
    // With a 60 s warm-up, pods added at t = 0 are not ready until 60 s: the controller sets them
    // aside and, on a scale-up, counts them at 0 %: 4 ready at 160 % + 4 warming → 80 % → no change.
    let mut p = cpu_hpa(1, 20, 4, 80.0, default_behavior());
    p.warmup_s = 60.0;
    let r = replay(&p, &[640.0; 20]);
    assert_eq!(events(&r), vec![(0, 4, 8)]);
    assert!(r.history.summary.breach_minutes >= 1.0, "ready pods ran hot during the warm-up");
}
