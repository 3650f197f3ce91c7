//! Proptest strategies for valid policies, every scaler (shared by the share and export tests).

use headroom_core::capacity::policy::{
    AdjustmentType, Comparison, Evaluation, Hpa, HpaBehavior, HpaMetric, HpaRules, HpaSource, HpaTargetKind, Latency,
    Metric, Policy, Queueing, RateKind, RatePolicy, Redundancy, Rule, Scaler, SelectPolicy, StepAdjustment, StepPolicy,
    StepScaling, TargetTracking, Threshold, TrackingMetric, TrackingPolicy, VERSION,
};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

fn metric() -> impl Strategy<Value = Metric> {
    prop_oneof![Just(Metric::Cpu), Just(Metric::Memory), Just(Metric::ResponseTime), Just(Metric::RequestRate)]
}

fn evaluation() -> impl Strategy<Value = Evaluation> {
    (1u32..=32, 0.5f64..3600.0)
        .prop_flat_map(|(of, period_s)| (1..=of).prop_map(move |periods| Evaluation { periods, of, period_s }))
}

fn rule(percent: bool) -> impl Strategy<Value = Rule> {
    let up = if percent { 0.01f64..=100.0 } else { 0.001f64..=1e5 };
    (up, option::of(0.0f64..0.999))
        .prop_map(|(scale_up, frac)| Rule { scale_up, scale_down: frac.map(|f| f * scale_up) })
}

/// A threshold scaler with at least one rule.
pub fn threshold() -> impl Strategy<Value = Threshold> {
    (
        (option::of(rule(true)), option::of(rule(true)), option::of(rule(false)), option::of(rule(false))),
        (1u32..20, 1u32..20, 0.0f64..7200.0, 0.0f64..7200.0),
        evaluation(),
    )
        .prop_filter("at least one rule", |((c, m, r, q), _, _)| c.or(*m).or(*r).or(*q).is_some())
        .prop_map(|((cpu, memory, response_time, request_rate), (step_up, step_down, up, down), evaluation)| {
            Threshold {
                cpu,
                memory,
                response_time,
                request_rate,
                step_up,
                step_down,
                cooldown_up_s: up,
                cooldown_down_s: down,
                evaluation,
            }
        })
}

/// An HPA metric as autoscaling/v2 allows it (Utilization only on Resource, and whole percents).
pub fn api_hpa_metric() -> impl Strategy<Value = HpaMetric> {
    prop_oneof![
        (prop_oneof![Just("cpu"), Just("memory")], 1u32..=500).prop_map(|(n, v)| HpaMetric {
            source: HpaSource::Resource,
            name: n.into(),
            target: HpaTargetKind::Utilization,
            value: f64::from(v),
        }),
        (prop_oneof![Just("cpu"), Just("memory")], 1e-3f64..1e9).prop_map(|(n, v)| HpaMetric {
            source: HpaSource::Resource,
            name: n.into(),
            target: HpaTargetKind::AverageValue,
            value: v,
        }),
        ("[a-z][a-z0-9_]{0,30}", 1e-3f64..1e9).prop_map(|(n, v)| HpaMetric {
            source: HpaSource::Pods,
            name: n,
            target: HpaTargetKind::AverageValue,
            value: v,
        }),
        (
            prop_oneof![Just(HpaSource::Object), Just(HpaSource::External)],
            "[a-z][a-z0-9_]{0,30}",
            prop_oneof![Just(HpaTargetKind::AverageValue), Just(HpaTargetKind::Value)],
            1e-3f64..1e9
        )
            .prop_map(|(source, name, target, value)| HpaMetric { source, name, target, value }),
    ]
}

fn rules() -> impl Strategy<Value = HpaRules> {
    let rate = (prop_oneof![Just(RateKind::Pods), Just(RateKind::Percent)], 1u32..=1000, 1u32..=1800)
        .prop_map(|(kind, value, period_s)| RatePolicy { kind, value, period_s });
    let select = prop_oneof![Just(SelectPolicy::Max), Just(SelectPolicy::Min), Just(SelectPolicy::Disabled)];
    (option::of(0u32..=3600), option::of(select), vec(rate, 0..4)).prop_map(
        |(stabilization_window_s, select_policy, policies)| HpaRules {
            stabilization_window_s,
            select_policy,
            policies,
        },
    )
}

/// HPA behaviour, absent or with any mix of directions.
pub fn behavior() -> impl Strategy<Value = Option<HpaBehavior>> {
    option::of(
        (option::of(rules()), option::of(rules()))
            .prop_map(|(scale_up, scale_down)| HpaBehavior { scale_up, scale_down }),
    )
}

/// An HPA scaler as a manifest can state it (the controller's default tolerance and sync).
pub fn api_hpa() -> impl Strategy<Value = Hpa> {
    (vec(api_hpa_metric(), 1..5), behavior()).prop_map(|(metrics, behavior)| Hpa {
        metrics,
        behavior,
        tolerance: 0.1,
        sync_s: 15.0,
    })
}

/// Any valid HPA scaler, including controller flags and target kinds the API would refuse.
fn any_hpa() -> impl Strategy<Value = Hpa> {
    let m = (
        prop_oneof![
            Just(HpaSource::Resource),
            Just(HpaSource::Pods),
            Just(HpaSource::Object),
            Just(HpaSource::External)
        ],
        "[a-zA-Z_][a-zA-Z0-9_.-]{0,40}",
        prop_oneof![Just(HpaTargetKind::Utilization), Just(HpaTargetKind::AverageValue), Just(HpaTargetKind::Value)],
        1e-6f64..1e9,
    )
        .prop_map(|(source, name, target, value)| HpaMetric { source, name, target, value });
    (vec(m, 1..5), behavior(), 0.0f64..1.0, 0.1f64..600.0).prop_map(|(metrics, behavior, tolerance, sync_s)| Hpa {
        metrics,
        behavior,
        tolerance,
        sync_s,
    })
}

fn tracking() -> impl Strategy<Value = TargetTracking> {
    let metric = prop_oneof![
        Just(TrackingMetric::Cpu),
        Just(TrackingMetric::RequestCountPerTarget),
        Just(TrackingMetric::NetworkIn),
        Just(TrackingMetric::NetworkOut),
        Just(TrackingMetric::Memory),
        Just(TrackingMetric::Latency),
    ];
    let policy = (metric, 0.01f64..=100.0, 1.0f64..1e6, any::<bool>()).prop_map(|(metric, pct, other, disable)| {
        let percent = matches!(metric, TrackingMetric::Cpu | TrackingMetric::Memory);
        TrackingPolicy { metric, target: if percent { pct } else { other }, disable_scale_in: disable }
    });
    (vec(policy, 1..4), 1.0f64..600.0, 0.0f64..3600.0).prop_map(|(policies, period_s, scale_in_cooldown_s)| {
        TargetTracking { policies, period_s, scale_in_cooldown_s }
    })
}

fn steps() -> impl Strategy<Value = StepScaling> {
    let adj = (option::of(-1e3f64..1e3), option::of(0.001f64..1e3), -100.0f64..100.0).prop_map(
        |(lower, width, adjustment)| {
            let upper = match (lower, width) {
                (Some(l), Some(w)) => Some(l + w),
                (None, Some(w)) => Some(w),
                _ => None,
            };
            StepAdjustment { lower, upper, adjustment }
        },
    );
    let kind = prop_oneof![
        Just(AdjustmentType::ChangeInCapacity),
        Just(AdjustmentType::PercentChangeInCapacity),
        Just(AdjustmentType::ExactCapacity)
    ];
    let cmp = prop_oneof![Just(Comparison::Above), Just(Comparison::Below)];
    let policy = (metric(), -1e4f64..1e4, cmp, evaluation(), kind, vec(adj, 1..4), option::of(1u32..10)).prop_map(
        |(metric, threshold, comparison, evaluation, adjustment_type, steps, min_adjustment_magnitude)| StepPolicy {
            metric,
            threshold,
            comparison,
            evaluation,
            adjustment_type,
            steps,
            min_adjustment_magnitude,
        },
    );
    (vec(policy, 1..4), 0.0f64..3600.0).prop_map(|(policies, cooldown_s)| StepScaling { policies, cooldown_s })
}

fn queueing() -> impl Strategy<Value = Queueing> {
    (0.1f64..1e4, 1e-4f64..10.0, any::<bool>()).prop_map(|(service_rate, t, mean_wait)| {
        if mean_wait {
            Queueing { service_rate, target_s: t, latency: Latency::MeanWait }
        } else {
            Queueing { service_rate, target_s: 1.0 / service_rate + t, latency: Latency::ResponseTime }
        }
    })
}

/// Every scaler Headroom has.
pub fn scaler() -> impl Strategy<Value = Scaler> {
    prop_oneof![
        threshold().prop_map(Scaler::Threshold),
        any_hpa().prop_map(Scaler::Hpa),
        tracking().prop_map(Scaler::TargetTracking),
        steps().prop_map(Scaler::StepScaling),
        queueing().prop_map(Scaler::Queueing),
    ]
}

/// Bounds, costs and redundancy around `scaler`.
pub fn policy_with(scaler: impl Strategy<Value = Scaler>) -> impl Strategy<Value = Policy> {
    (
        (1u32..100, 0u32..2000),
        option::of(1u32..3000),
        prop_oneof![Just(0.0), 0.0f64..3600.0],
        prop_oneof![Just(0.0), 0.0f64..100.0],
        (0u32..5, 1u32..6),
        scaler,
    )
        .prop_map(|((min, extra), initial, warmup_s, price_per_hour, (spare, zones), scaler)| Policy {
            version: VERSION,
            min_instances: min,
            max_instances: min + extra,
            initial_instances: initial,
            warmup_s,
            redundancy: Redundancy { spare, zones },
            price_per_hour,
            scaler,
        })
}

/// Any valid policy.
pub fn policy() -> impl Strategy<Value = Policy> {
    policy_with(scaler())
}
