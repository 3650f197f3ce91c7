//! The autoscaling policy: plain, versioned data (serde), shared by the app, the CLI, share links
//! and exports. [`Policy::from_json`] reads Headroom's own format or the seed's `auto_scaling`
//! document; [`Policy::from_hpa_yaml`](crate::capacity::yaml) reads a Kubernetes manifest.
//!
//! Defaults (applied when a field is absent, so a document round-trips exactly as written):
//! - instances: `min_instances` 1; `initial_instances` = the count during the history;
//!   `warmup_s` 0; no redundancy; price 0.
//! - threshold: scale-down threshold = [`SCALE_DOWN_FRACTION`] × the scale-up threshold (cpu 75 % →
//!   37.5 %); step 1 up and 1 down; cooldown 300 s up and 300 s down (measured from the last scale
//!   event of either direction); 3 of 3 evaluation periods of 60 s.
//! - seed document: min 1, max [`SEED_MAX_INSTANCES`] instances (it names neither).
//! - HPA: tolerance 0.1, sync every 15 s, behaviour defaults as Kubernetes (see [`HpaRules`]).
//! - target tracking: evaluated every 60 s, scale-in cooldown 300 s; step scaling: cooldown 300 s.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::time::parse_duration_s;

/// The policy format's version; a share link or file with another version is refused.
pub const VERSION: u32 = 1;
/// A threshold rule without a scale-down threshold scales down below this fraction of its
/// scale-up threshold: low enough that removing one of two instances does not cross scale-up.
pub const SCALE_DOWN_FRACTION: f64 = 0.5;
/// The seed's document names no maximum: this one is assumed.
pub const SEED_MAX_INSTANCES: u32 = 10;
/// The most instances a policy may name.
pub const MAX_INSTANCES: u32 = 1_000_000;
/// The largest policy document read, JSON or an HPA manifest: 64 KiB (as much as a share link may
/// inflate to). Real policies are a few hundred bytes, manifests a few KB.
pub const MAX_POLICY_BYTES: usize = 64 * 1024;

/// Why a policy document cannot be read or is out of range. Messages name the field.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PolicyError {
    /// The text is not JSON, or does not have the shape of a policy.
    #[error("policy JSON: {0}")]
    Json(String),
    /// The text is not YAML, or not a HorizontalPodAutoscaler of the expected shape.
    #[error("HPA manifest: {0}")]
    Yaml(String),
    /// A field holds a value Headroom cannot use.
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
}

/// The message for a document over [`MAX_POLICY_BYTES`].
pub(crate) fn too_large(len: usize) -> String {
    format!("the document is {len} bytes; a policy is at most {MAX_POLICY_BYTES} bytes")
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> PolicyError {
    PolicyError::Invalid { field: field.into(), reason: reason.into() }
}

/// An autoscaling policy: instance bounds, costs, redundancy and the scaler that decides.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Always [`VERSION`].
    pub version: u32,
    /// The fewest instances (at least 1).
    #[serde(default = "one")]
    pub min_instances: u32,
    /// The most instances.
    pub max_instances: u32,
    /// Instances at the start of the replay; default: the count during the history, clamped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_instances: Option<u32>,
    /// Seconds a new instance takes before it serves (and counts as capacity).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub warmup_s: f64,
    /// Spare capacity on top of what the scaler asks for.
    #[serde(default, skip_serializing_if = "Redundancy::is_off")]
    pub redundancy: Redundancy,
    /// Price of one instance-hour (any currency).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub price_per_hour: f64,
    /// What decides the count.
    pub scaler: Scaler,
}

/// Spare capacity: the fleet runs n' = ceil(n·z/(z−1)) + k for the scaler's n (z = 1: no zone
/// term), clamped to [min, max] instances.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redundancy {
    /// k: spare instances (N+k).
    #[serde(default)]
    pub spare: u32,
    /// z: instances spread over z zones, enough to survive the loss of one; 1 = off.
    #[serde(default = "one")]
    pub zones: u32,
}

impl Default for Redundancy {
    fn default() -> Self {
        Redundancy { spare: 0, zones: 1 }
    }
}

impl Redundancy {
    fn is_off(&self) -> bool {
        *self == Redundancy::default()
    }

    /// n' = ceil(n·z/(z−1)) + k (unclamped).
    pub fn apply(&self, n: u64) -> u64 {
        let z = u64::from(self.zones.max(1));
        let zoned = if z <= 1 { n } else { (n * z).div_ceil(z - 1) };
        zoned.saturating_add(u64::from(self.spare))
    }
}

/// The scaler: one of Headroom's supported controllers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Scaler {
    /// Per-metric thresholds with steps, cooldowns and N-of-M evaluation (the seed's policy).
    Threshold(Threshold),
    /// Kubernetes HorizontalPodAutoscaler autoscaling/v2.
    Hpa(Hpa),
    /// AWS target tracking.
    TargetTracking(TargetTracking),
    /// AWS step scaling.
    StepScaling(StepScaling),
    /// M/M/c sizing for a latency target, from the request rate.
    Queueing(Queueing),
}

/// The metrics Headroom replays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// CPU utilisation, percent of an instance.
    Cpu,
    /// Memory utilisation, percent of an instance.
    Memory,
    /// Response time, seconds.
    ResponseTime,
    /// Requests per second per instance.
    RequestRate,
}

impl Metric {
    /// Every metric, in the order reasons list them.
    pub const ALL: [Metric; 4] = [Metric::Cpu, Metric::Memory, Metric::ResponseTime, Metric::RequestRate];

    /// Short name as reasons print it.
    pub fn label(self) -> &'static str {
        match self {
            Metric::Cpu => "cpu",
            Metric::Memory => "memory",
            Metric::ResponseTime => "response time",
            Metric::RequestRate => "request rate",
        }
    }

    /// Unit as reasons print it.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::Cpu | Metric::Memory => "%",
            Metric::ResponseTime => "s",
            Metric::RequestRate => "/s",
        }
    }

    /// Index into per-metric arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    fn is_percent(self) -> bool {
        matches!(self, Metric::Cpu | Metric::Memory)
    }
}

/// A threshold policy. Every configured metric is evaluated each `evaluation.period_s`; the
/// fleet scales up by `step_up` when ANY metric is above its scale-up threshold in at least
/// `periods` of the last `of` periods, and down by `step_down` only when EVERY configured metric
/// (that the data has) is below its scale-down threshold in `periods` of the last `of`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// CPU, percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Rule>,
    /// Memory, percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<Rule>,
    /// Response time, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_time: Option<Rule>,
    /// Requests per second per instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_rate: Option<Rule>,
    /// Instances added per scale-up (default 1).
    #[serde(default = "one")]
    pub step_up: u32,
    /// Instances removed per scale-down (default 1).
    #[serde(default = "one")]
    pub step_down: u32,
    /// Seconds after any scale event before the next scale-up (default 300).
    #[serde(default = "s300")]
    pub cooldown_up_s: f64,
    /// Seconds after any scale event before the next scale-down (default 300).
    #[serde(default = "s300")]
    pub cooldown_down_s: f64,
    /// N of M periods (default 3 of 3 periods of 60 s).
    #[serde(default)]
    pub evaluation: Evaluation,
}

/// One metric's thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Scale up above this.
    pub scale_up: f64,
    /// Scale down below this; default [`SCALE_DOWN_FRACTION`] × `scale_up`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_down: Option<f64>,
}

impl Rule {
    /// The scale-down threshold, explicit or by default.
    pub fn scale_down(&self) -> f64 {
        self.scale_down.unwrap_or(self.scale_up * SCALE_DOWN_FRACTION)
    }
}

/// N-of-M evaluation, like a CloudWatch alarm's "datapoints to alarm" of "evaluation periods".
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// N: breaching periods needed.
    pub periods: u32,
    /// M: periods looked at (at most 32).
    pub of: u32,
    /// Length of a period, seconds.
    pub period_s: f64,
}

impl Default for Evaluation {
    fn default() -> Self {
        Evaluation { periods: 3, of: 3, period_s: 60.0 }
    }
}

impl Threshold {
    /// The configured rules, in [`Metric::ALL`] order.
    pub fn rules(&self) -> impl Iterator<Item = (Metric, Rule)> + '_ {
        [self.cpu, self.memory, self.response_time, self.request_rate]
            .into_iter()
            .zip(Metric::ALL)
            .filter_map(|(r, m)| r.map(|r| (m, r)))
    }
}

/// A HorizontalPodAutoscaler (autoscaling/v2): `spec.metrics`, `spec.behavior`, and the
/// controller's flags that matter (`--horizontal-pod-autoscaler-tolerance`, `-sync-period`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hpa {
    /// The metrics; the desired count is the largest any of them asks for.
    pub metrics: Vec<HpaMetric>,
    /// `spec.behavior`; absent = the legacy path (300 s down-stabilisation, up ≤ max(2·n, 4)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behavior: Option<HpaBehavior>,
    /// Ratios within 1 ± tolerance keep the count (default 0.1).
    #[serde(default = "tolerance")]
    pub tolerance: f64,
    /// Seconds between controller syncs (default 15).
    #[serde(default = "s15")]
    pub sync_s: f64,
}

/// Where an HPA metric comes from (`spec.metrics[].type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HpaSource {
    /// `Resource` (cpu, memory) of the pods.
    Resource,
    /// `Pods`: a per-pod custom metric.
    Pods,
    /// `Object`: a metric of one Kubernetes object (an Ingress, a Service).
    Object,
    /// `External`: a metric from outside the cluster.
    External,
}

/// How an HPA target is stated (`target.type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HpaTargetKind {
    /// `averageUtilization`: percent of the pods' requests.
    Utilization,
    /// `averageValue`: the metric's total divided by the pod count.
    AverageValue,
    /// `value`: the metric's value as a whole.
    Value,
}

/// One HPA metric. Which replayed metric it reads is decided by its name: `cpu`, `memory`; names
/// with request/rps/qps/throughput → request rate; latency/response/duration → response time
/// (seconds). Any other metric is ignored with a note.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HpaMetric {
    /// `type`.
    pub source: HpaSource,
    /// The resource or metric name.
    pub name: String,
    /// `target.type`.
    pub target: HpaTargetKind,
    /// The target's number (a percent for utilisation; quantities like `500m` already read).
    pub value: f64,
}

impl HpaMetric {
    /// The replayed metric this HPA metric reads, if any.
    pub fn maps_to(&self) -> Option<Metric> {
        let n = self.name.to_ascii_lowercase();
        let has = |w: &[&str]| w.iter().any(|w| n.contains(w));
        match self.source {
            HpaSource::Resource => match (n.as_str(), self.target) {
                ("cpu", HpaTargetKind::Utilization) => Some(Metric::Cpu),
                ("memory", HpaTargetKind::Utilization) => Some(Metric::Memory),
                _ => None,
            },
            _ if has(&["request", "rps", "qps", "throughput", "hits"]) => Some(Metric::RequestRate),
            _ if has(&["latency", "response", "duration"]) => Some(Metric::ResponseTime),
            _ => None,
        }
    }
}

/// `spec.behavior`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HpaBehavior {
    /// `scaleUp`; absent = window 0 s, Max of 4 pods and 100 % per 15 s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_up: Option<HpaRules>,
    /// `scaleDown`; absent = window 300 s, 100 % per 15 s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_down: Option<HpaRules>,
}

/// `HPAScalingRules`: absent fields take Kubernetes' defaults for the direction.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HpaRules {
    /// `stabilizationWindowSeconds`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stabilization_window_s: Option<u32>,
    /// `selectPolicy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select_policy: Option<SelectPolicy>,
    /// `policies`; empty = the defaults.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<RatePolicy>,
}

/// `selectPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SelectPolicy {
    /// The policy allowing the largest change.
    Max,
    /// The policy allowing the smallest change.
    Min,
    /// No scaling in this direction.
    Disabled,
}

/// `HPAScalingPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatePolicy {
    /// `type`.
    pub kind: RateKind,
    /// `value`: pods, or percent of the count at the start of the period.
    pub value: u32,
    /// `periodSeconds`.
    pub period_s: u32,
}

/// `HPAScalingPolicyType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RateKind {
    /// A number of pods.
    Pods,
    /// A percentage of the current count.
    Percent,
}

/// One direction's rules with Kubernetes' defaults filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// Stabilisation window, seconds.
    pub window_s: u32,
    /// Policy selection.
    pub select: SelectPolicy,
    /// Rate policies.
    pub policies: Vec<RatePolicy>,
}

impl HpaBehavior {
    /// Scale-up rules with defaults: window 0 s, Max, [4 pods / 15 s, 100 % / 15 s].
    pub fn up(&self) -> Resolved {
        resolve(
            self.scale_up.as_ref(),
            0,
            vec![
                RatePolicy { kind: RateKind::Pods, value: 4, period_s: 15 },
                RatePolicy { kind: RateKind::Percent, value: 100, period_s: 15 },
            ],
        )
    }

    /// Scale-down rules with defaults: window 300 s, Max, [100 % / 15 s].
    pub fn down(&self) -> Resolved {
        resolve(self.scale_down.as_ref(), 300, vec![RatePolicy { kind: RateKind::Percent, value: 100, period_s: 15 }])
    }
}

fn resolve(rules: Option<&HpaRules>, window_s: u32, policies: Vec<RatePolicy>) -> Resolved {
    let Some(r) = rules else {
        return Resolved { window_s, select: SelectPolicy::Max, policies };
    };
    Resolved {
        window_s: r.stabilization_window_s.unwrap_or(window_s),
        select: r.select_policy.unwrap_or(SelectPolicy::Max),
        policies: if r.policies.is_empty() { policies } else { r.policies.clone() },
    }
}

/// AWS target tracking: one or more policies, each holding a metric at a target value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetTracking {
    /// The policies: out if any asks, in only if all ask.
    pub policies: Vec<TrackingPolicy>,
    /// Seconds between evaluations (CloudWatch's 1-minute datapoints; default 60).
    #[serde(default = "s60")]
    pub period_s: f64,
    /// Seconds after any scale event before a scale-in (default 300).
    #[serde(default = "s300")]
    pub scale_in_cooldown_s: f64,
}

/// One target-tracking policy.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackingPolicy {
    /// The predefined or custom metric.
    pub metric: TrackingMetric,
    /// The target value (percent, requests per target per minute, or seconds).
    pub target: f64,
    /// `DisableScaleIn`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub disable_scale_in: bool,
}

/// Target-tracking metrics (AWS's predefined names, plus custom memory and latency).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TrackingMetric {
    /// Average CPU of the group, percent.
    #[serde(rename = "ASGAverageCPUUtilization")]
    Cpu,
    /// Requests per target per minute (the request rate × 60 / instances).
    #[serde(rename = "ALBRequestCountPerTarget")]
    RequestCountPerTarget,
    /// Network in: not replayed (ignored with a note).
    #[serde(rename = "ASGAverageNetworkIn")]
    NetworkIn,
    /// Network out: not replayed (ignored with a note).
    #[serde(rename = "ASGAverageNetworkOut")]
    NetworkOut,
    /// A custom memory metric, percent.
    #[serde(rename = "CustomMemoryUtilization")]
    Memory,
    /// A custom latency metric, seconds.
    #[serde(rename = "CustomLatency")]
    Latency,
}

impl TrackingMetric {
    /// The replayed metric, or `None` for network metrics.
    pub fn maps_to(self) -> Option<Metric> {
        match self {
            TrackingMetric::Cpu => Some(Metric::Cpu),
            TrackingMetric::RequestCountPerTarget => Some(Metric::RequestRate),
            TrackingMetric::Memory => Some(Metric::Memory),
            TrackingMetric::Latency => Some(Metric::ResponseTime),
            TrackingMetric::NetworkIn | TrackingMetric::NetworkOut => None,
        }
    }
}

/// AWS step scaling: alarms (threshold, N of M) with step adjustments relative to the threshold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepScaling {
    /// The policies, each with its own alarm.
    pub policies: Vec<StepPolicy>,
    /// Seconds after a scale event before the next (default 300).
    #[serde(default = "s300")]
    pub cooldown_s: f64,
}

/// One step-scaling policy and its alarm.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepPolicy {
    /// The alarm's metric.
    pub metric: Metric,
    /// The alarm fires when the metric is above (or below) this.
    pub threshold: f64,
    /// Direction of the alarm.
    pub comparison: Comparison,
    /// N of M (default 3 of 3 periods of 60 s).
    #[serde(default)]
    pub evaluation: Evaluation,
    /// How adjustments are read.
    pub adjustment_type: AdjustmentType,
    /// Steps by the metric's distance from the threshold.
    pub steps: Vec<StepAdjustment>,
    /// `MinAdjustmentMagnitude` for percent changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_adjustment_magnitude: Option<u32>,
}

/// An alarm's comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// `GreaterThanThreshold`.
    Above,
    /// `LessThanThreshold`.
    Below,
}

/// `AdjustmentType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdjustmentType {
    /// Add (or remove) this many.
    ChangeInCapacity,
    /// Add (or remove) this percent of the current capacity.
    PercentChangeInCapacity,
    /// Set the capacity to this.
    ExactCapacity,
}

/// `StepAdjustment`: bounds relative to the threshold (absent = unbounded).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepAdjustment {
    /// `MetricIntervalLowerBound`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lower: Option<f64>,
    /// `MetricIntervalUpperBound`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper: Option<f64>,
    /// `ScalingAdjustment`.
    pub adjustment: f64,
}

/// Queueing: the count per data step is the fewest M/M/c servers meeting a latency target for
/// the request rate.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Queueing {
    /// μ: requests per second one instance completes.
    pub service_rate: f64,
    /// The latency target, seconds.
    pub target_s: f64,
    /// What the target bounds.
    pub latency: Latency,
}

/// What a queueing target bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Latency {
    /// The mean wait in the queue, Wq.
    MeanWait,
    /// The mean response time, Wq + 1/μ.
    ResponseTime,
}

fn one() -> u32 {
    1
}
fn s300() -> f64 {
    300.0
}
fn s60() -> f64 {
    60.0
}
fn s15() -> f64 {
    15.0
}
fn tolerance() -> f64 {
    0.1
}
fn is_zero(v: &f64) -> bool {
    *v == 0.0
}
fn is_false(v: &bool) -> bool {
    !*v
}

impl Policy {
    /// Reads Headroom's policy JSON, or the seed's `{"auto_scaling": {...}}` document; then
    /// [`validate`](Policy::validate)s it.
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        if text.len() > MAX_POLICY_BYTES {
            return Err(PolicyError::Json(too_large(text.len())));
        }
        let value: Value = serde_json::from_str(text).map_err(|e| PolicyError::Json(e.to_string()))?;
        let policy = match value.get("auto_scaling") {
            Some(doc) if value.as_object().is_some_and(|o| o.len() == 1) => from_seed(doc)?,
            _ => Policy::deserialize(&value).map_err(|e| PolicyError::Json(e.to_string()))?,
        };
        policy.validate()?;
        Ok(policy)
    }

    /// The policy as Headroom's JSON (what [`from_json`](Policy::from_json) reads back).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A threshold policy with defaults: the shape the seed's document becomes.
    pub fn threshold(min_instances: u32, max_instances: u32, threshold: Threshold) -> Policy {
        Policy {
            version: VERSION,
            min_instances,
            max_instances,
            initial_instances: None,
            warmup_s: 0.0,
            redundancy: Redundancy::default(),
            price_per_hour: 0.0,
            scaler: Scaler::Threshold(threshold),
        }
    }

    /// Rejects values out of range; the message names the field.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.version != VERSION {
            return Err(invalid("version", format!("version {} is not supported (expected {VERSION})", self.version)));
        }
        if self.min_instances == 0 {
            return Err(invalid("min_instances", "must be at least 1"));
        }
        if self.max_instances == 0 || self.max_instances > MAX_INSTANCES {
            return Err(invalid("max_instances", format!("must be between 1 and {MAX_INSTANCES}")));
        }
        if self.min_instances > self.max_instances {
            return Err(invalid(
                "min_instances",
                format!("{} is more than max_instances {}", self.min_instances, self.max_instances),
            ));
        }
        if self.initial_instances == Some(0) {
            return Err(invalid("initial_instances", "must be at least 1"));
        }
        non_negative("warmup_s", self.warmup_s)?;
        non_negative("price_per_hour", self.price_per_hour)?;
        if self.redundancy.zones == 0 {
            return Err(invalid("redundancy.zones", "must be at least 1 (1 = no zone spread)"));
        }
        match &self.scaler {
            Scaler::Threshold(t) => validate_threshold(t),
            Scaler::Hpa(h) => validate_hpa(h),
            Scaler::TargetTracking(t) => {
                if t.policies.is_empty() {
                    return Err(invalid("scaler.policies", "needs at least one policy"));
                }
                for (i, p) in t.policies.iter().enumerate() {
                    positive(&format!("scaler.policies[{i}].target"), p.target)?;
                    if p.metric.maps_to().is_some_and(Metric::is_percent) && p.target > 100.0 {
                        return Err(invalid(format!("scaler.policies[{i}].target"), "a percentage above 100"));
                    }
                }
                positive("scaler.period_s", t.period_s)?;
                non_negative("scaler.scale_in_cooldown_s", t.scale_in_cooldown_s)
            }
            Scaler::StepScaling(s) => {
                if s.policies.is_empty() {
                    return Err(invalid("scaler.policies", "needs at least one policy"));
                }
                non_negative("scaler.cooldown_s", s.cooldown_s)?;
                for (i, p) in s.policies.iter().enumerate() {
                    let at = format!("scaler.policies[{i}]");
                    finite(&format!("{at}.threshold"), p.threshold)?;
                    evaluation(&format!("{at}.evaluation"), &p.evaluation)?;
                    if p.steps.is_empty() {
                        return Err(invalid(format!("{at}.steps"), "needs at least one step"));
                    }
                    for (j, st) in p.steps.iter().enumerate() {
                        finite(&format!("{at}.steps[{j}].adjustment"), st.adjustment)?;
                        for b in [st.lower, st.upper].into_iter().flatten() {
                            finite(&format!("{at}.steps[{j}]"), b)?;
                        }
                        if let (Some(l), Some(u)) = (st.lower, st.upper) {
                            if l >= u {
                                return Err(invalid(format!("{at}.steps[{j}]"), "lower bound is not below upper"));
                            }
                        }
                    }
                }
                Ok(())
            }
            Scaler::Queueing(q) => {
                positive("scaler.service_rate", q.service_rate)?;
                positive("scaler.target_s", q.target_s)?;
                if q.latency == Latency::ResponseTime && q.target_s <= 1.0 / q.service_rate {
                    return Err(invalid(
                        "scaler.target_s",
                        format!(
                            "a response time of {} s is not above the service time 1/μ = {} s",
                            q.target_s,
                            1.0 / q.service_rate
                        ),
                    ));
                }
                Ok(())
            }
        }
    }
}

fn finite(field: &str, v: f64) -> Result<(), PolicyError> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(invalid(field, format!("{v} is not a finite number")))
    }
}

fn non_negative(field: &str, v: f64) -> Result<(), PolicyError> {
    finite(field, v)?;
    if v < 0.0 {
        return Err(invalid(field, format!("{v} is negative")));
    }
    Ok(())
}

fn positive(field: &str, v: f64) -> Result<(), PolicyError> {
    finite(field, v)?;
    if v <= 0.0 {
        return Err(invalid(field, format!("must be above zero, got {v}")));
    }
    Ok(())
}

fn evaluation(field: &str, e: &Evaluation) -> Result<(), PolicyError> {
    if e.of == 0 || e.of > 32 {
        return Err(invalid(format!("{field}.of"), format!("must be between 1 and 32, got {}", e.of)));
    }
    if e.periods == 0 || e.periods > e.of {
        return Err(invalid(
            format!("{field}.periods"),
            format!("must be between 1 and of = {}, got {}", e.of, e.periods),
        ));
    }
    positive(&format!("{field}.period_s"), e.period_s)
}

fn validate_threshold(t: &Threshold) -> Result<(), PolicyError> {
    if t.rules().next().is_none() {
        return Err(invalid(
            "scaler",
            "a threshold policy needs at least one of cpu, memory, response_time, request_rate",
        ));
    }
    for (m, r) in t.rules() {
        let name = match m {
            Metric::Cpu => "cpu",
            Metric::Memory => "memory",
            Metric::ResponseTime => "response_time",
            Metric::RequestRate => "request_rate",
        };
        positive(&format!("scaler.{name}.scale_up"), r.scale_up)?;
        if m.is_percent() && r.scale_up > 100.0 {
            return Err(invalid(format!("scaler.{name}.scale_up"), format!("{} % is above 100 %", r.scale_up)));
        }
        if let Some(d) = r.scale_down {
            non_negative(&format!("scaler.{name}.scale_down"), d)?;
            if d >= r.scale_up {
                return Err(invalid(
                    format!("scaler.{name}.scale_down"),
                    format!("{d} is not below the scale-up threshold {}", r.scale_up),
                ));
            }
        }
    }
    if t.step_up == 0 {
        return Err(invalid("scaler.step_up", "must be at least 1"));
    }
    if t.step_down == 0 {
        return Err(invalid("scaler.step_down", "must be at least 1"));
    }
    non_negative("scaler.cooldown_up_s", t.cooldown_up_s)?;
    non_negative("scaler.cooldown_down_s", t.cooldown_down_s)?;
    evaluation("scaler.evaluation", &t.evaluation)
}

fn validate_hpa(h: &Hpa) -> Result<(), PolicyError> {
    if h.metrics.is_empty() {
        return Err(invalid("scaler.metrics", "needs at least one metric"));
    }
    for (i, m) in h.metrics.iter().enumerate() {
        positive(&format!("scaler.metrics[{i}].value"), m.value)?;
    }
    non_negative("scaler.tolerance", h.tolerance)?;
    positive("scaler.sync_s", h.sync_s)?;
    if let Some(b) = &h.behavior {
        for (dir, r) in [("scale_up", b.up()), ("scale_down", b.down())] {
            if r.window_s > 3600 {
                return Err(invalid(format!("scaler.behavior.{dir}.stabilization_window_s"), "must be at most 3600"));
            }
            for (i, p) in r.policies.iter().enumerate() {
                let at = format!("scaler.behavior.{dir}.policies[{i}]");
                if p.value == 0 {
                    return Err(invalid(format!("{at}.value"), "must be at least 1"));
                }
                if p.period_s == 0 || p.period_s > 1800 {
                    return Err(invalid(format!("{at}.period_s"), "must be between 1 and 1800"));
                }
            }
        }
    }
    Ok(())
}

/// The seed's `auto_scaling` document → a threshold policy.
fn from_seed(doc: &Value) -> Result<Policy, PolicyError> {
    let obj = doc.as_object().ok_or_else(|| invalid("auto_scaling", "must be an object"))?;
    let mut t = Threshold {
        cpu: None,
        memory: None,
        response_time: None,
        request_rate: None,
        step_up: 1,
        step_down: 1,
        cooldown_up_s: 300.0,
        cooldown_down_s: 300.0,
        evaluation: Evaluation::default(),
    };
    let (mut min, mut max) = (1, SEED_MAX_INSTANCES);
    for (key, v) in obj {
        match key.as_str() {
            "triggers" => {
                let triggers = v.as_object().ok_or_else(|| invalid("auto_scaling.triggers", "must be an object"))?;
                for (name, v) in triggers {
                    let at = format!("auto_scaling.triggers.{name}");
                    let (slot, duration) = match name.as_str() {
                        "cpu_usage" | "cpu" => (&mut t.cpu, false),
                        "memory_usage" | "memory" => (&mut t.memory, false),
                        "response_time" | "latency" => (&mut t.response_time, true),
                        "request_rate" | "requests_per_second" => (&mut t.request_rate, false),
                        _ => {
                            return Err(invalid(
                                at,
                                "unknown trigger (expected cpu_usage, memory_usage, response_time or request_rate)",
                            ))
                        }
                    };
                    let scale_up = seed_number(&at, v, duration)?;
                    *slot = Some(Rule { scale_up, scale_down: None });
                }
            }
            "actions" => {
                let actions = v.as_object().ok_or_else(|| invalid("auto_scaling.actions", "must be an object"))?;
                for (name, v) in actions {
                    let at = format!("auto_scaling.actions.{name}");
                    let action = v.as_str().ok_or_else(|| invalid(&at, "must be a string"))?;
                    match (name.as_str(), action) {
                        ("scale_up", "add_instance") | ("scale_down", "remove_instance") => {}
                        ("scale_up", _) => {
                            return Err(invalid(at, format!("unknown action \"{action}\" (expected \"add_instance\")")))
                        }
                        ("scale_down", _) => {
                            return Err(invalid(
                                at,
                                format!("unknown action \"{action}\" (expected \"remove_instance\")"),
                            ))
                        }
                        _ => return Err(invalid(at, "unknown action (expected scale_up or scale_down)")),
                    }
                }
            }
            "min_instances" | "max_instances" => {
                let n = v
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| invalid(format!("auto_scaling.{key}"), "must be a whole number"))?;
                if key == "min_instances" {
                    min = n;
                } else {
                    max = n;
                }
            }
            _ => return Err(invalid(format!("auto_scaling.{key}"), "unknown field")),
        }
    }
    Ok(Policy::threshold(min, max, t))
}

fn seed_number(at: &str, v: &Value, duration: bool) -> Result<f64, PolicyError> {
    match v {
        Value::Number(n) => n.as_f64().ok_or_else(|| invalid(at, "not a number")),
        Value::String(s) if duration => parse_duration_s(s)
            .ok_or_else(|| invalid(at, format!("cannot read \"{s}\" as a duration (like 2s or 500ms)"))),
        _ if duration => Err(invalid(at, "must be a duration (like \"2s\") or a number of seconds")),
        _ => Err(invalid(at, "must be a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = r#"{"auto_scaling": {"triggers": {"cpu_usage": 75, "memory_usage": 80, "response_time": "2s"},
        "actions": {"scale_up": "add_instance", "scale_down": "remove_instance"}}}"#;

    #[test]
    fn the_seed_document_imports_with_documented_defaults() {
        let p = Policy::from_json(SEED).unwrap();
        let Scaler::Threshold(t) = &p.scaler else { panic!("{p:?}") };
        assert_eq!(t.cpu, Some(Rule { scale_up: 75.0, scale_down: None }));
        assert_eq!(t.cpu.unwrap().scale_down(), 37.5);
        assert_eq!(t.memory.unwrap().scale_up, 80.0);
        assert_eq!(t.response_time.unwrap().scale_up, 2.0);
        assert_eq!((t.step_up, t.step_down, t.cooldown_up_s, t.cooldown_down_s), (1, 1, 300.0, 300.0));
        assert_eq!(t.evaluation, Evaluation { periods: 3, of: 3, period_s: 60.0 });
        assert_eq!((p.min_instances, p.max_instances), (1, SEED_MAX_INSTANCES));
        // Exact JSON round trip of Headroom's own form.
        assert_eq!(Policy::from_json(&p.to_json()).unwrap(), p);
    }

    #[test]
    fn seed_errors_name_the_field() {
        let e = Policy::from_json(&SEED.replace("add_instance", "add_server")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "auto_scaling.actions.scale_up: unknown action \"add_server\" (expected \"add_instance\")"
        );
        let e = Policy::from_json(&SEED.replace("\"2s\"", "\"soon\"")).unwrap_err();
        assert!(e.to_string().starts_with("auto_scaling.triggers.response_time: cannot read \"soon\""), "{e}");
        let e = Policy::from_json(&SEED.replace("cpu_usage", "gpu_usage")).unwrap_err();
        assert!(e.to_string().starts_with("auto_scaling.triggers.gpu_usage: unknown trigger"), "{e}");
        let e = Policy::from_json(&SEED.replace("75", "175")).unwrap_err();
        assert_eq!(e.to_string(), "scaler.cpu.scale_up: 175 % is above 100 %");
    }

    #[test]
    fn redundancy_formula() {
        let r = Redundancy { spare: 1, zones: 3 };
        // ceil(4·3/2) + 1 = 7; ceil(5·3/2) + 1 = 9.
        assert_eq!(r.apply(4), 7);
        assert_eq!(r.apply(5), 9);
        assert_eq!(Redundancy { spare: 2, zones: 1 }.apply(4), 6);
        assert_eq!(Redundancy { spare: 0, zones: 2 }.apply(3), 6);
        assert_eq!(Redundancy::default().apply(3), 3);
    }
}
