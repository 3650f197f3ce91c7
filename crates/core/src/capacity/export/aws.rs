//! AWS EC2 Auto Scaling: `aws autoscaling put-scaling-policy --cli-input-json` input.
//!
//! Target tracking and HPA metrics become `TargetTrackingScaling` policies (CPU and ALB requests
//! as predefined metrics, memory and latency as customised CloudWatch metrics); threshold and step
//! scaling become `StepScaling` policies, whose CloudWatch alarms the notes describe (alarms are
//! not part of a scaling policy). One policy is one JSON object; several are a JSON array, one
//! `put-scaling-policy` call per element.

use serde::Serialize;
use serde_json::{json, Value};

use super::hpa_view::{queueing_note, queueing_rate};
use super::{common_notes, Export, ExportOptions};
use crate::capacity::policy::{
    AdjustmentType, Comparison, Evaluation, HpaTargetKind, Metric, Policy, Scaler, StepAdjustment, StepPolicy,
    Threshold, TrackingMetric, TrackingPolicy,
};

/// Placeholder ALB resource label (`app/<load-balancer>/<id>/targetgroup/<target-group>/<id>`).
pub const RESOURCE_LABEL_PLACEHOLDER: &str =
    "app/my-load-balancer/0123456789abcdef/targetgroup/my-target-group/0123456789abcdef";
/// Placeholder ALB dimension for the latency metric (`app/<load-balancer>/<id>`).
const LOAD_BALANCER_PLACEHOLDER: &str = "app/my-load-balancer/0123456789abcdef";

/// `policy` as `put-scaling-policy` input for the Auto Scaling group `opts.name`.
pub fn to_aws_json(policy: &Policy, opts: &ExportOptions) -> Export {
    let mut notes = Vec::new();
    let group = &opts.name;
    let warmup = (policy.warmup_s > 0.0).then(|| policy.warmup_s.round() as u64);
    let mut docs: Vec<Value> = Vec::new();
    match &policy.scaler {
        Scaler::TargetTracking(t) => {
            if t.period_s != 60.0 {
                notes.push(format!(
                    "the evaluation period {} s is not a policy setting (CloudWatch metrics are per minute)",
                    t.period_s
                ));
            }
            if t.scale_in_cooldown_s != 300.0 {
                notes.push(scale_in_note(t.scale_in_cooldown_s));
            }
            for p in &t.policies {
                docs.push(tracking(group, p, warmup, &mut notes));
            }
        }
        Scaler::StepScaling(s) => {
            cooldown_note(s.cooldown_s, &mut notes);
            for p in &s.policies {
                docs.push(step(group, p, warmup, &mut notes));
            }
        }
        Scaler::Threshold(t) => {
            for p in threshold_steps(t) {
                docs.push(step(group, &p, warmup, &mut notes));
            }
            if t.rules().count() > 1 {
                notes.push(
                    "the threshold policy scales in only when every metric is below its scale-down threshold; \
                     separate step-scaling policies scale in when any scale-in alarm fires"
                        .into(),
                );
            }
            if t.cooldown_up_s != t.cooldown_down_s {
                notes.push(format!(
                    "cooldowns {} s up and {} s down: StepScaling policies take none (the group's instance \
                     warm-up paces them): dropped",
                    t.cooldown_up_s, t.cooldown_down_s
                ));
            } else {
                cooldown_note(t.cooldown_up_s, &mut notes);
            }
        }
        Scaler::Hpa(h) => {
            for m in &h.metrics {
                let tracking_metric = match (m.maps_to(), m.target) {
                    (Some(Metric::Cpu), _) => Some((TrackingMetric::Cpu, m.value)),
                    (Some(Metric::Memory), _) => Some((TrackingMetric::Memory, m.value)),
                    (Some(Metric::ResponseTime), _) => Some((TrackingMetric::Latency, m.value)),
                    (Some(Metric::RequestRate), HpaTargetKind::AverageValue) => {
                        notes.push(format!(
                            "{} {} per pod per second became ALBRequestCountPerTarget {} per minute",
                            m.name,
                            m.value,
                            m.value * 60.0
                        ));
                        Some((TrackingMetric::RequestCountPerTarget, m.value * 60.0))
                    }
                    _ => None,
                };
                match tracking_metric {
                    Some((metric, target)) => {
                        let p = TrackingPolicy { metric, target, disable_scale_in: false };
                        docs.push(tracking(group, &p, warmup, &mut notes));
                    }
                    None => notes.push(format!(
                        "HPA metric {} ({:?} {:?}) has no target-tracking equivalent: dropped",
                        m.name, m.source, m.target
                    )),
                }
            }
            if h.behavior.is_some() {
                notes.push(
                    "HPA behavior (stabilisation windows, rate limits) has no target-tracking equivalent: dropped"
                        .into(),
                );
            }
            if h.tolerance != 0.1 || h.sync_s != 15.0 {
                notes.push("the HPA tolerance and sync period have no AWS equivalent: dropped".into());
            }
        }
        Scaler::Queueing(q) => {
            let rate = queueing_rate(q, policy.min_instances);
            notes.push(queueing_note(q, policy.min_instances, rate, "requests per instance per second"));
            let p = TrackingPolicy {
                metric: TrackingMetric::RequestCountPerTarget,
                target: rate * 60.0,
                disable_scale_in: false,
            };
            docs.push(tracking(group, &p, warmup, &mut notes));
        }
    }
    notes.push(format!(
        "set the group's MinSize {} and MaxSize {} with `aws autoscaling update-auto-scaling-group`: \
         put-scaling-policy does not carry them",
        policy.min_instances, policy.max_instances
    ));
    common_notes(policy, false, &mut notes);
    let doc = match docs.len() {
        1 => docs.remove(0),
        n => {
            if n > 1 {
                notes.push(format!("{n} policies: run put-scaling-policy once per element of the array"));
            } else {
                notes.push("no metric of this policy has an AWS equivalent: nothing to export".into());
            }
            Value::Array(docs)
        }
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    Export { text, notes }
}

fn scale_in_note(s: f64) -> String {
    format!(
        "scale-in cooldown {s} s: target tracking on an Auto Scaling group takes no cooldown \
         (it scales in gradually by itself): dropped"
    )
}

fn cooldown_note(s: f64, notes: &mut Vec<String>) {
    if s != 300.0 {
        notes.push(format!(
            "cooldown {s} s: StepScaling policies take none (set the group's DefaultCooldown or \
             DefaultInstanceWarmup): dropped"
        ));
    }
}

/// Two step-scaling policies per threshold rule: out above the scale-up threshold by `step_up`,
/// in below the scale-down threshold by `step_down`, each with the rule's N of M.
fn threshold_steps(t: &Threshold) -> Vec<StepPolicy> {
    let mut out = Vec::new();
    for (metric, r) in t.rules() {
        let one = |threshold, comparison, adjustment: f64| StepPolicy {
            metric,
            threshold,
            comparison,
            evaluation: t.evaluation,
            adjustment_type: AdjustmentType::ChangeInCapacity,
            steps: vec![match comparison {
                Comparison::Above => StepAdjustment { lower: Some(0.0), upper: None, adjustment },
                Comparison::Below => StepAdjustment { lower: None, upper: Some(0.0), adjustment },
            }],
            min_adjustment_magnitude: None,
        };
        out.push(one(r.scale_up, Comparison::Above, f64::from(t.step_up)));
        out.push(one(r.scale_down(), Comparison::Below, -f64::from(t.step_down)));
    }
    out
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Dimension<'a> {
    name: &'a str,
    value: &'a str,
}

fn tracking(group: &str, p: &TrackingPolicy, warmup: Option<u64>, notes: &mut Vec<String>) -> Value {
    let predefined = |kind: &str| json!({ "PredefinedMetricType": kind });
    let (slug, spec_key, spec) = match p.metric {
        TrackingMetric::Cpu => ("cpu", "PredefinedMetricSpecification", predefined("ASGAverageCPUUtilization")),
        TrackingMetric::NetworkIn => ("network-in", "PredefinedMetricSpecification", predefined("ASGAverageNetworkIn")),
        TrackingMetric::NetworkOut => {
            ("network-out", "PredefinedMetricSpecification", predefined("ASGAverageNetworkOut"))
        }
        TrackingMetric::RequestCountPerTarget => {
            notes.push(format!(
                "ALBRequestCountPerTarget: ResourceLabel is a placeholder ({RESOURCE_LABEL_PLACEHOLDER}): set your \
                 load balancer's and target group's"
            ));
            (
                "requests",
                "PredefinedMetricSpecification",
                json!({ "PredefinedMetricType": "ALBRequestCountPerTarget", "ResourceLabel": RESOURCE_LABEL_PLACEHOLDER }),
            )
        }
        TrackingMetric::Memory => {
            notes.push(
                "memory is not a predefined metric: the policy tracks the CloudWatch agent's mem_used_percent \
                 (namespace CWAgent), which the instances must publish"
                    .into(),
            );
            let dims = [Dimension { name: "AutoScalingGroupName", value: group }];
            (
                "memory",
                "CustomizedMetricSpecification",
                json!({ "MetricName": "mem_used_percent", "Namespace": "CWAgent", "Dimensions": dims,
                        "Statistic": "Average", "Unit": "Percent" }),
            )
        }
        TrackingMetric::Latency => {
            notes.push(format!(
                "latency is not a predefined metric: the policy tracks the ALB's TargetResponseTime; the \
                 LoadBalancer dimension is a placeholder ({LOAD_BALANCER_PLACEHOLDER})"
            ));
            let dims = [Dimension { name: "LoadBalancer", value: LOAD_BALANCER_PLACEHOLDER }];
            (
                "latency",
                "CustomizedMetricSpecification",
                json!({ "MetricName": "TargetResponseTime", "Namespace": "AWS/ApplicationELB", "Dimensions": dims,
                        "Statistic": "Average", "Unit": "Seconds" }),
            )
        }
    };
    let mut doc = json!({
        "AutoScalingGroupName": group,
        "PolicyName": format!("{group}-{slug}-target-tracking"),
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingConfiguration": {
            spec_key: spec,
            "TargetValue": p.target,
            "DisableScaleIn": p.disable_scale_in,
        },
    });
    if let (Some(w), Some(o)) = (warmup, doc.as_object_mut()) {
        o.insert("EstimatedInstanceWarmup".into(), json!(w));
    }
    doc
}

/// The CloudWatch metric an alarm on `m` would watch.
fn alarm_metric(m: Metric) -> &'static str {
    match m {
        Metric::Cpu => "AWS/EC2 CPUUtilization",
        Metric::Memory => "CWAgent mem_used_percent",
        Metric::ResponseTime => "AWS/ApplicationELB TargetResponseTime",
        Metric::RequestRate => "AWS/ApplicationELB RequestCountPerTarget, per minute: 60 × the per-second threshold",
    }
}

fn step(group: &str, p: &StepPolicy, warmup: Option<u64>, notes: &mut Vec<String>) -> Value {
    let (cmp, word, sign) = match p.comparison {
        Comparison::Above => ("GreaterThanThreshold", "above", ">"),
        Comparison::Below => ("LessThanThreshold", "below", "<"),
    };
    let slug = p.metric.label().replace(' ', "-");
    let name = format!("{group}-{slug}-{word}-{}", p.threshold);
    let Evaluation { periods, of, period_s } = p.evaluation;
    notes.push(format!(
        "policy {name} needs a CloudWatch alarm (aws cloudwatch put-metric-alarm): {} {sign} {} for {periods} of \
         {of} periods of {period_s} s (metric {}, {cmp}, DatapointsToAlarm {periods}, EvaluationPeriods {of}), \
         with the policy's ARN as its alarm action",
        p.metric.label(),
        p.threshold,
        alarm_metric(p.metric)
    ));
    let steps: Vec<Value> = p
        .steps
        .iter()
        .map(|s| {
            let adj = s.adjustment.round();
            if adj != s.adjustment {
                notes.push(format!(
                    "policy {name}: adjustment {} became {adj} (ScalingAdjustment is a whole number)",
                    s.adjustment
                ));
            }
            let mut o = serde_json::Map::new();
            if let Some(l) = s.lower {
                o.insert("MetricIntervalLowerBound".into(), json!(l));
            }
            if let Some(u) = s.upper {
                o.insert("MetricIntervalUpperBound".into(), json!(u));
            }
            o.insert("ScalingAdjustment".into(), json!(adj as i64));
            Value::Object(o)
        })
        .collect();
    let adjustment_type = match p.adjustment_type {
        AdjustmentType::ChangeInCapacity => "ChangeInCapacity",
        AdjustmentType::PercentChangeInCapacity => "PercentChangeInCapacity",
        AdjustmentType::ExactCapacity => "ExactCapacity",
    };
    let mut doc = json!({
        "AutoScalingGroupName": group,
        "PolicyName": name,
        "PolicyType": "StepScaling",
        "AdjustmentType": adjustment_type,
        "MetricAggregationType": "Average",
        "StepAdjustments": steps,
    });
    if let Some(o) = doc.as_object_mut() {
        if let Some(m) = p.min_adjustment_magnitude {
            o.insert("MinAdjustmentMagnitude".into(), json!(m));
        }
        if let Some(w) = warmup {
            o.insert("EstimatedInstanceWarmup".into(), json!(w));
        }
    }
    doc
}
