//! Exports: a [`Policy`] as deployable configuration, with what the target format cannot say.
//!
//! - [`to_hpa_yaml`]: a Kubernetes `autoscaling/v2` HorizontalPodAutoscaler with `behavior`.
//! - [`to_keda_yaml`]: a KEDA `ScaledObject` (`keda.sh/v1alpha1`).
//! - [`to_aws_json`]: `aws autoscaling put-scaling-policy --cli-input-json` input (target tracking
//!   or step scaling).
//! - [`to_json`]: Headroom's own policy JSON (lossless).
//!
//! Every export returns the text and [`Export::notes`]: each policy feature the format has no
//! equivalent for, and how it was translated or that it was dropped. YAML exports also carry the
//! notes as `# Headroom:` comments at the top; JSON has no comments, so there they are only
//! returned. Conversions between scaler kinds (documented on [`hpa_view`] and [`aws`]):
//! - threshold → HPA/KEDA: each metric's scale-up threshold becomes its target; N of M becomes a
//!   stabilisation window of N periods; step and cooldown become a Pods rate limit per cooldown.
//! - threshold → AWS: a step-scaling policy per threshold (up and down), whose CloudWatch alarms
//!   (threshold, N of M) the notes spell out.
//! - queueing → any: a per-instance request-rate target, the load at which `min_instances`
//!   servers meet the latency target (conservative for larger fleets).

pub mod aws;
mod hpa_view;
pub mod kubernetes;

pub use aws::to_aws_json;
pub use hpa_view::hpa_view;
pub use kubernetes::{to_hpa_yaml, to_keda_yaml};

use super::policy::Policy;

/// Names the exported objects need and the policy does not hold.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportOptions {
    /// The workload: `metadata.name` and `scaleTargetRef.name` (Kubernetes), the Auto Scaling
    /// group's name (AWS).
    pub name: String,
    /// `metadata.namespace`; `None` = not written (kubectl's current namespace).
    pub namespace: Option<String>,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions { name: "my-app".into(), namespace: None }
    }
}

/// An exported document and what it could not represent.
#[derive(Clone, Debug, PartialEq)]
pub struct Export {
    /// The document, ending in a newline.
    pub text: String,
    /// One line per policy feature with no equivalent in the format (translated or dropped).
    pub notes: Vec<String>,
}

/// The export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Kubernetes HorizontalPodAutoscaler YAML.
    Hpa,
    /// KEDA ScaledObject YAML.
    Keda,
    /// AWS `put-scaling-policy` JSON.
    Aws,
    /// Headroom's policy JSON.
    Json,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [Format::Hpa, Format::Keda, Format::Aws, Format::Json];

    /// The name the CLI takes (`hpa`, `keda`, `aws`, `json`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Hpa => "hpa",
            Format::Keda => "keda",
            Format::Aws => "aws",
            Format::Json => "json",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Hpa | Format::Keda => "yaml",
            Format::Aws | Format::Json => "json",
        }
    }
}

/// `policy` in `format`.
pub fn export(policy: &Policy, format: Format, opts: &ExportOptions) -> Export {
    match format {
        Format::Hpa => to_hpa_yaml(policy, opts),
        Format::Keda => to_keda_yaml(policy, opts),
        Format::Aws => to_aws_json(policy, opts),
        Format::Json => to_json(policy),
    }
}

/// Headroom's policy JSON, indented: every field is kept, so there are no notes.
pub fn to_json(policy: &Policy) -> Export {
    let mut text = serde_json::to_string_pretty(policy).unwrap_or_default();
    text.push('\n');
    Export { text, notes: Vec::new() }
}

/// Notes for the policy fields outside the scaler that Kubernetes (`k8s = true`) or AWS cannot hold.
fn common_notes(policy: &Policy, k8s: bool, notes: &mut Vec<String>) {
    let r = policy.redundancy;
    if r.spare > 0 || r.zones > 1 {
        let how = if k8s {
            "raise minReplicas, or use topologySpreadConstraints and a PodDisruptionBudget"
        } else {
            "raise MinSize, and spread the group over its Availability Zones"
        };
        notes.push(format!(
            "redundancy (N+{} spare, survive the loss of one of {} zones) has no equivalent: dropped ({how})",
            r.spare, r.zones
        ));
    }
    if policy.price_per_hour > 0.0 {
        notes.push(format!("price per instance-hour {} is not part of the format: dropped", policy.price_per_hour));
    }
    if let Some(n) = policy.initial_instances {
        notes.push(format!("initial instance count {n} is not part of the format: dropped"));
    }
    if k8s && policy.warmup_s > 0.0 {
        notes.push(format!(
            "warm-up {} s has no equivalent: dropped (a pod counts once Ready: use a readiness probe; \
             CPU samples of new pods are skipped for --horizontal-pod-autoscaler-cpu-initialization-period)",
            policy.warmup_s
        ));
    }
}

/// `v` as a Kubernetes quantity string (`1000`, `0.5`): Rust's shortest round-trip decimal.
fn quantity(v: f64) -> String {
    format!("{v}")
}
