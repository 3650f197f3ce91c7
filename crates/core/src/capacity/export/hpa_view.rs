//! Any scaler as HPA rules (`spec.metrics` + `spec.behavior`), for the Kubernetes exports.

use crate::capacity::policy::{
    Comparison, Hpa, HpaBehavior, HpaMetric, HpaRules, HpaSource, HpaTargetKind, Metric, Policy, Queueing, RateKind,
    RatePolicy, Scaler, SelectPolicy, StepScaling, TargetTracking, Threshold, TrackingMetric,
};
use crate::capacity::queueing::mmc;

/// The Pods metric names exports use for request rate and latency (Headroom reads them back as
/// those metrics, see [`HpaMetric::maps_to`]).
pub const REQUEST_RATE_METRIC: &str = "http_requests_per_second";
/// See [`REQUEST_RATE_METRIC`].
pub const LATENCY_METRIC: &str = "http_response_time_seconds";
/// Kubernetes' bounds on `stabilizationWindowSeconds` and `periodSeconds`.
const MAX_WINDOW_S: f64 = 3600.0;
const MAX_PERIOD_S: f64 = 1800.0;

/// `policy`'s scaler as HPA rules, pushing a note for everything translated or dropped:
/// - HPA: itself.
/// - threshold: each metric's scale-up threshold becomes its target (cpu/memory: Resource
///   utilisation; response time and request rate: Pods metrics [`LATENCY_METRIC`],
///   [`REQUEST_RATE_METRIC`]); N of M periods becomes a stabilisation window of N periods in each
///   direction; `step_up`/`step_down` per cooldown become Pods rate limits per cooldown.
/// - target tracking: each policy's target (ALB requests per target per minute ÷ 60 = per pod
///   per second); the scale-in cooldown becomes the scale-down window; `DisableScaleIn` disables
///   scale-down.
/// - step scaling: the first scale-out alarm threshold of each metric becomes its target.
/// - queueing: a per-pod request-rate target, see [`queueing_rate`].
pub fn hpa_view(policy: &Policy, notes: &mut Vec<String>) -> Hpa {
    match &policy.scaler {
        Scaler::Hpa(h) => {
            if h.tolerance != 0.1 {
                notes.push(format!(
                    "tolerance {} is a controller flag (--horizontal-pod-autoscaler-tolerance, cluster-wide), \
                     not part of the HPA: not written",
                    h.tolerance
                ));
            }
            if h.sync_s != 15.0 {
                notes.push(format!(
                    "sync period {} s is a controller flag (--horizontal-pod-autoscaler-sync-period, \
                     cluster-wide), not part of the HPA: not written",
                    h.sync_s
                ));
            }
            h.clone()
        }
        Scaler::Threshold(t) => from_threshold(t, notes),
        Scaler::TargetTracking(t) => from_tracking(t, notes),
        Scaler::StepScaling(s) => from_steps(s, notes),
        Scaler::Queueing(q) => {
            let rate = queueing_rate(q, policy.min_instances);
            notes.push(queueing_note(q, policy.min_instances, rate, "request rate per pod"));
            plain(vec![metric(Metric::RequestRate, rate)], None)
        }
    }
}

fn plain(metrics: Vec<HpaMetric>, behavior: Option<HpaBehavior>) -> Hpa {
    Hpa { metrics, behavior, tolerance: 0.1, sync_s: 15.0 }
}

/// The HPA metric Headroom replays as `m`, at `value`.
fn metric(m: Metric, value: f64) -> HpaMetric {
    let (source, name, target) = match m {
        Metric::Cpu => (HpaSource::Resource, "cpu", HpaTargetKind::Utilization),
        Metric::Memory => (HpaSource::Resource, "memory", HpaTargetKind::Utilization),
        Metric::ResponseTime => (HpaSource::Pods, LATENCY_METRIC, HpaTargetKind::AverageValue),
        Metric::RequestRate => (HpaSource::Pods, REQUEST_RATE_METRIC, HpaTargetKind::AverageValue),
    };
    HpaMetric { source, name: name.into(), target, value }
}

/// Seconds → a whole number within `1..=max` (`0..=max` when `zero_ok`), with a note when clamped.
fn seconds(what: &str, s: f64, zero_ok: bool, max: f64, notes: &mut Vec<String>) -> u32 {
    let lo = if zero_ok { 0.0 } else { 1.0 };
    let v = s.round().clamp(lo, max);
    if v != s {
        notes.push(format!("{what} {s} s became {v} s (Kubernetes takes whole seconds in {lo}..={max})"));
    }
    v as u32
}

fn from_threshold(t: &Threshold, notes: &mut Vec<String>) -> Hpa {
    let mut metrics = Vec::new();
    for (m, r) in t.rules() {
        metrics.push(metric(m, r.scale_up));
        notes.push(format!(
            "{} thresholds (up above {} {u}, down below {} {u}) became a target of {} {u}: the HPA holds the \
             metric near it, adding pods above and removing them below it (± tolerance 0.1), rather than acting \
             only outside the two thresholds",
            m.label(),
            r.scale_up,
            r.scale_down(),
            r.scale_up,
            u = m.unit(),
        ));
    }
    let e = t.evaluation;
    let window = f64::from(e.periods) * e.period_s;
    let window_s = seconds("the stabilisation window", window, true, MAX_WINDOW_S, notes);
    notes.push(format!(
        "evaluation over {} of {} periods of {} s became stabilisation windows of {window_s} s: the HPA \
         needs the whole window to agree, not N of M",
        e.periods, e.of, e.period_s
    ));
    let up_period = seconds("the scale-up cooldown", t.cooldown_up_s, false, MAX_PERIOD_S, notes);
    let down_period = seconds("the scale-down cooldown", t.cooldown_down_s, false, MAX_PERIOD_S, notes);
    notes.push(format!(
        "steps and cooldowns (up {} after {} s, down {} after {} s, counted from the last event of either \
         direction) became rate limits per direction: {} {} per {up_period} s up, {} per {down_period} s down",
        t.step_up,
        t.cooldown_up_s,
        t.step_down,
        t.cooldown_down_s,
        t.step_up,
        if t.step_up == 1 { "pod" } else { "pods" },
        t.step_down
    ));
    let rules = |window: u32, value: u32, period_s: u32| HpaRules {
        stabilization_window_s: Some(window),
        select_policy: Some(SelectPolicy::Max),
        policies: vec![RatePolicy { kind: RateKind::Pods, value, period_s }],
    };
    let behavior = HpaBehavior {
        scale_up: Some(rules(window_s, t.step_up, up_period)),
        scale_down: Some(rules(window_s, t.step_down, down_period)),
    };
    plain(metrics, Some(behavior))
}

fn from_tracking(t: &TargetTracking, notes: &mut Vec<String>) -> Hpa {
    let mut metrics = Vec::new();
    for p in &t.policies {
        let m = match p.metric {
            TrackingMetric::Cpu => metric(Metric::Cpu, p.target),
            TrackingMetric::Memory => metric(Metric::Memory, p.target),
            TrackingMetric::Latency => metric(Metric::ResponseTime, p.target),
            TrackingMetric::RequestCountPerTarget => {
                notes.push(format!(
                    "ALBRequestCountPerTarget {} per minute became {} {} per pod per second",
                    p.target,
                    p.target / 60.0,
                    REQUEST_RATE_METRIC
                ));
                metric(Metric::RequestRate, p.target / 60.0)
            }
            TrackingMetric::NetworkIn | TrackingMetric::NetworkOut => {
                let name = if p.metric == TrackingMetric::NetworkIn {
                    "network_receive_bytes_per_second"
                } else {
                    "network_transmit_bytes_per_second"
                };
                notes.push(format!(
                    "the network target became the Pods metric {name} (bytes per pod per second; AWS counts bytes \
                     per instance per minute): it needs a metrics adapter serving it"
                ));
                HpaMetric {
                    source: HpaSource::Pods,
                    name: name.into(),
                    target: HpaTargetKind::AverageValue,
                    value: p.target / 60.0,
                }
            }
        };
        metrics.push(m);
    }
    if t.period_s != 60.0 {
        notes.push(format!("the evaluation period {} s has no HPA equivalent (the HPA syncs every 15 s)", t.period_s));
    }
    let window = seconds("the scale-in cooldown", t.scale_in_cooldown_s, true, MAX_WINDOW_S, notes);
    let disabled = t.policies.iter().any(|p| p.disable_scale_in);
    if disabled {
        notes.push("DisableScaleIn became scaleDown.selectPolicy: Disabled (for every metric)".into());
    }
    let behavior = HpaBehavior {
        scale_up: None,
        scale_down: Some(HpaRules {
            stabilization_window_s: Some(window),
            select_policy: disabled.then_some(SelectPolicy::Disabled),
            policies: Vec::new(),
        }),
    };
    plain(metrics, Some(behavior))
}

fn from_steps(s: &StepScaling, notes: &mut Vec<String>) -> Hpa {
    let mut metrics: Vec<HpaMetric> = Vec::new();
    let mut used = Vec::new();
    for p in s.policies.iter().filter(|p| p.comparison == Comparison::Above) {
        if p.threshold <= 0.0 {
            notes.push(format!(
                "the {} alarm threshold {} cannot be an HPA target (targets are above zero): skipped",
                p.metric.label(),
                p.threshold
            ));
        } else if !used.contains(&p.metric) {
            used.push(p.metric);
            metrics.push(metric(p.metric, p.threshold));
        }
    }
    if metrics.is_empty() {
        notes.push(
            "no usable scale-out alarm to take a target from: the controller's default, 80 % CPU, was written".into(),
        );
        metrics.push(metric(Metric::Cpu, 80.0));
    }
    let targets: Vec<String> = metrics.iter().map(|m| format!("{} {}", m.name, m.value)).collect();
    notes.push(format!(
        "step scaling became targets at its scale-out alarm thresholds ({}): step adjustments, scale-in alarms \
         and N-of-M evaluation have no HPA equivalent",
        targets.join(", ")
    ));
    let window = seconds("the cooldown", s.cooldown_s, true, MAX_WINDOW_S, notes);
    notes.push(format!("the cooldown {} s became the scale-down stabilisation window", s.cooldown_s));
    let behavior = HpaBehavior {
        scale_up: None,
        scale_down: Some(HpaRules { stabilization_window_s: Some(window), select_policy: None, policies: Vec::new() }),
    };
    plain(metrics, Some(behavior))
}

/// The request rate per instance at which `servers` (at least 1) M/M/c servers just meet the
/// queueing target: a target for schedulers that track a per-instance rate. Larger fleets meet
/// the target at a higher rate per instance, so the figure is conservative above `servers`.
pub fn queueing_rate(q: &Queueing, servers: u32) -> f64 {
    let c = f64::from(servers.max(1));
    let wait = match q.latency {
        crate::capacity::policy::Latency::MeanWait => q.target_s,
        crate::capacity::policy::Latency::ResponseTime => q.target_s - 1.0 / q.service_rate,
    };
    // Bisection on the total arrival rate λ in (0, cμ): Wq rises with λ.
    let (mut lo, mut hi) = (0.0, c * q.service_rate);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        match mmc(mid, q.service_rate, u64::from(servers.max(1))) {
            Ok(queue) if queue.mean_wait_s <= wait => lo = mid,
            _ => hi = mid,
        }
    }
    lo / c
}

/// The note for a queueing policy exported as a per-instance rate target.
pub fn queueing_note(q: &Queueing, servers: u32, rate: f64, what: &str) -> String {
    let target = match q.latency {
        crate::capacity::policy::Latency::MeanWait => "mean queueing wait",
        crate::capacity::policy::Latency::ResponseTime => "mean response time",
    };
    format!(
        "queueing (μ = {} requests/s per instance, {target} ≤ {} s) has no equivalent: it became a target of \
         {rate:.3} {what}, the load at which {} instances just meet the latency target; larger fleets could run \
         hotter, so this over-provisions at high load",
        q.service_rate,
        q.target_s,
        servers.max(1)
    )
}
