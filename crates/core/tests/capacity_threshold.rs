//! Threshold (the seed's policy) and AWS controllers, case by case on hand-made data: CPU demand in
//! instance-percent with a history of 1 instance, one data point per 60 s evaluation period.

use headroom_core::capacity::policy::{
    AdjustmentType, Comparison, Evaluation, Policy, Redundancy, Rule, Scaler, StepAdjustment, StepPolicy, StepScaling,
    TargetTracking, Threshold, TrackingMetric, TrackingPolicy,
};
use headroom_core::capacity::{HistoryInstances, MetricColumns, Prepared, Replay, ReplayInputs};

const MIN: i64 = 60_000;

fn threshold(n: u32, m: u32) -> Threshold {
    Threshold {
        cpu: Some(Rule { scale_up: 75.0, scale_down: None }),
        memory: None,
        response_time: None,
        request_rate: None,
        step_up: 1,
        step_down: 1,
        cooldown_up_s: 300.0,
        cooldown_down_s: 300.0,
        evaluation: Evaluation { periods: n, of: m, period_s: 60.0 },
    }
}

fn policy(min: u32, max: u32, initial: u32, scaler: Scaler) -> Policy {
    Policy {
        version: 1,
        min_instances: min,
        max_instances: max,
        initial_instances: Some(initial),
        warmup_s: 0.0,
        redundancy: Redundancy::default(),
        price_per_hour: 0.0,
        scaler,
    }
}

fn replay_cols(p: &Policy, cols: MetricColumns, len: usize) -> Replay {
    let inputs = ReplayInputs {
        timestamps: (0..len as i64).map(|k| k * MIN).collect(),
        metrics: cols,
        instances: HistoryInstances::Constant(1),
        forecast: None,
    };
    let prepared = Prepared::new(&inputs).unwrap();
    let r = prepared.run(p).unwrap();
    assert_eq!(r, prepared.run_reference(p).unwrap(), "fast path differs from the reference");
    r
}

fn replay(p: &Policy, cpu: &[f64]) -> Replay {
    replay_cols(p, MetricColumns { cpu: Some(cpu.to_vec()), ..Default::default() }, cpu.len())
}

fn events(r: &Replay) -> Vec<(i64, u32, u32)> {
    r.history.events.iter().map(|e| (e.timestamp / MIN, e.from, e.to)).collect()
}

#[test]
fn n_of_m_periods_must_breach() {
    // 4 instances; two minutes at 85 %, then 60 %: 2 of 3 is not 3 of 3.
    let mut d = vec![340.0, 340.0];
    d.extend([240.0; 20]);
    let r = replay(&policy(1, 10, 4, Scaler::Threshold(threshold(3, 3))), &d);
    assert!(r.history.events.is_empty());
    let r = replay(&policy(1, 10, 4, Scaler::Threshold(threshold(2, 3))), &d);
    assert_eq!(events(&r), vec![(1, 4, 5)]);
    assert_eq!(r.history.events[0].reason.to_string(), "cpu 85.0 % > 75 % for 2 of 3 periods");
}

#[test]
fn cooldown_spaces_the_steps_and_max_caps() {
    // Demand for 8 instances at 75 % from 4: +1 at minute 2 (3 of 3), then every 300 s cooldown.
    let r = replay(&policy(1, 7, 4, Scaler::Threshold(threshold(3, 3))), &[680.0; 40]);
    assert_eq!(events(&r), vec![(2, 4, 5), (7, 5, 6), (12, 6, 7)]);
    assert_eq!(r.history.summary.peak, 7);
    // Scaling feeds back: 680 / 7 = 97 % is still above 75 %, so every minute breaches.
    assert_eq!(r.history.summary.breach_minutes, 40.0);
    // A step of 3: 4 → 7 → 10.
    let mut t = threshold(3, 3);
    t.step_up = 3;
    let r = replay(&policy(1, 20, 4, Scaler::Threshold(t)), &[680.0; 40]);
    assert_eq!(events(&r), vec![(2, 4, 7), (7, 7, 10)]);
}

#[test]
fn scale_down_needs_every_metric_low_and_stops_at_min() {
    // 6 instances at 20 % CPU: below 37.5 % → one instance per 300 s down to min 4 … unless memory
    // is above its scale-down threshold.
    let cpu = vec![120.0; 30];
    let r = replay(&policy(4, 10, 6, Scaler::Threshold(threshold(3, 3))), &cpu);
    assert_eq!(events(&r), vec![(2, 6, 5), (7, 5, 4)]);
    assert!(r.history.events[0].reason.to_string().starts_with("cpu 20.0 % < 37.5 % for 3 of 3"));
    let mut t = threshold(3, 3);
    t.memory = Some(Rule { scale_up: 80.0, scale_down: Some(30.0) });
    let cols = MetricColumns { cpu: Some(cpu.clone()), memory: Some(vec![300.0; 30]), ..Default::default() };
    let r = replay_cols(&policy(4, 10, 6, Scaler::Threshold(t)), cols, 30);
    assert!(r.history.events.is_empty(), "memory at 50 % holds the count");
}

#[test]
fn policy_metrics_the_data_lacks_are_noted() {
    let p = Policy::from_json(
        r#"{"auto_scaling": {"triggers": {"cpu_usage": 75, "memory_usage": 80, "response_time": "2s"},
            "actions": {"scale_up": "add_instance", "scale_down": "remove_instance"}}}"#,
    )
    .unwrap();
    let r = replay(&p, &[340.0; 10]);
    assert!(r.notes.iter().any(|n| n.contains("memory threshold is ignored")), "{:?}", r.notes);
    assert!(r.notes.iter().any(|n| n.contains("response time threshold is ignored")), "{:?}", r.notes);
}

fn tracking(policies: Vec<TrackingPolicy>) -> Scaler {
    Scaler::TargetTracking(TargetTracking { policies, period_s: 60.0, scale_in_cooldown_s: 300.0 })
}

fn cpu_target(target: f64) -> TrackingPolicy {
    TrackingPolicy { metric: TrackingMetric::Cpu, target, disable_scale_in: false }
}

#[test]
fn target_tracking_rounds_out_up_and_in_toward_zero() {
    // 2 instances at 87.5 % for a 50 % target: 3.5 needed, +1.5 → +2 after 3 high minutes.
    let r = replay(&policy(1, 10, 2, tracking(vec![cpu_target(50.0)])), &[175.0; 10]);
    assert_eq!(events(&r), vec![(2, 2, 4)]);
    assert_eq!(r.history.events[0].reason.to_string(), "target tracking: cpu 87.5 % vs target 50 % → +2");
    // 4 instances at 31.25 %: 2.5 needed, −1.5 → −1 after 15 low minutes; then 3 at 41.7 % < 45 %:
    // 2.5 − 3 = −0.5 → no change.
    let r = replay(&policy(1, 10, 4, tracking(vec![cpu_target(50.0)])), &[125.0; 40]);
    assert_eq!(events(&r), vec![(14, 4, 3)]);
}

#[test]
fn several_target_tracking_policies_scale_out_if_any_and_in_only_if_all() {
    // CPU wants in (20 % of a 50 % target); requests are at their target (1000 per target per
    // minute = 16.67/s per instance × 4): no scale-in.
    let req = TrackingPolicy { metric: TrackingMetric::RequestCountPerTarget, target: 1000.0, disable_scale_in: false };
    let cols =
        |rps: f64| MetricColumns { cpu: Some(vec![80.0; 30]), request_rate: Some(vec![rps; 30]), ..Default::default() };
    let p = policy(1, 10, 4, tracking(vec![cpu_target(50.0), req]));
    let r = replay_cols(&p, cols(4.0 * 1000.0 / 60.0), 30);
    assert!(r.history.events.is_empty(), "{:?}", r.history.events);
    // Requests at twice their target: out, though CPU wants in.
    let r = replay_cols(&p, cols(8.0 * 1000.0 / 60.0), 30);
    assert_eq!(events(&r), vec![(2, 4, 8)]);
}

#[test]
fn step_scaling_reads_steps_relative_to_the_threshold() {
    let p = policy(
        1,
        20,
        4,
        Scaler::StepScaling(StepScaling {
            policies: vec![StepPolicy {
                metric: headroom_core::capacity::Metric::Cpu,
                threshold: 60.0,
                comparison: Comparison::Above,
                evaluation: Evaluation { periods: 1, of: 1, period_s: 60.0 },
                adjustment_type: AdjustmentType::PercentChangeInCapacity,
                steps: vec![
                    StepAdjustment { lower: Some(0.0), upper: Some(20.0), adjustment: 10.0 },
                    StepAdjustment { lower: Some(20.0), upper: None, adjustment: 50.0 },
                ],
                min_adjustment_magnitude: None,
            }],
            cooldown_s: 300.0,
        }),
    );
    // 4 at 90 % (30 above): +50 % = +2; then 6 at 60 % (not above 60): nothing.
    let r = replay(&p, &[360.0; 20]);
    assert_eq!(events(&r), vec![(0, 4, 6)]);
    // 4 at 70 % (10 above): +10 % of 4 = 0.4 → +1; cooldown 300 s, then 5 at 56 %: nothing.
    let r = replay(&p, &[280.0; 20]);
    assert_eq!(events(&r), vec![(0, 4, 5)]);
    assert_eq!(r.history.events[0].reason.to_string(), "step scaling: cpu 70.0 % vs alarm 60 % → +1");
}
