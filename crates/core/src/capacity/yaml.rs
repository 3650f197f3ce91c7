//! A Kubernetes `HorizontalPodAutoscaler` manifest (autoscaling/v2, YAML or JSON) → a [`Policy`].
//!
//! Reads `spec.minReplicas` (default 1), `spec.maxReplicas`, `spec.metrics` (Resource, Pods,
//! Object, External; `ContainerResource` as Resource) and `spec.behavior`. Quantities such as
//! `500m`, `1k` or `2Mi` are read as numbers. Fields Headroom does not model (`metadata`,
//! `status`, `scaleTargetRef`, selectors) are skipped. Errors name the field path and, for
//! YAML syntax, the line.

use serde::Deserialize;

use super::policy::{
    too_large, Hpa, HpaBehavior, HpaMetric, HpaRules, HpaSource, HpaTargetKind, Policy, PolicyError, RateKind,
    RatePolicy, Redundancy, Scaler, SelectPolicy, MAX_POLICY_BYTES, VERSION,
};

#[derive(Deserialize)]
struct Manifest {
    #[serde(rename = "apiVersion")]
    api_version: Option<String>,
    kind: Option<String>,
    spec: Option<Spec>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Spec {
    min_replicas: Option<u32>,
    max_replicas: Option<u32>,
    #[serde(default)]
    metrics: Vec<MetricSpec>,
    behavior: Option<Behavior>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MetricSpec {
    #[serde(rename = "type")]
    kind: String,
    resource: Option<ResourceSource>,
    container_resource: Option<ResourceSource>,
    pods: Option<MetricSource>,
    object: Option<MetricSource>,
    external: Option<MetricSource>,
}

#[derive(Deserialize)]
struct ResourceSource {
    name: String,
    target: Target,
}

#[derive(Deserialize)]
struct MetricSource {
    metric: MetricId,
    target: Target,
}

#[derive(Deserialize)]
struct MetricId {
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Target {
    #[serde(rename = "type")]
    kind: String,
    average_utilization: Option<serde_norway::Value>,
    average_value: Option<serde_norway::Value>,
    value: Option<serde_norway::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Behavior {
    scale_up: Option<Rules>,
    scale_down: Option<Rules>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rules {
    stabilization_window_seconds: Option<i64>,
    select_policy: Option<String>,
    #[serde(default)]
    policies: Vec<Rate>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rate {
    #[serde(rename = "type")]
    kind: String,
    value: i64,
    period_seconds: i64,
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> PolicyError {
    PolicyError::Invalid { field: field.into(), reason: reason.into() }
}

/// Reads a Kubernetes quantity (`500m`, `1.5`, `2k`, `1Gi`, `1e3`) as a number.
pub fn parse_quantity(s: &str) -> Option<f64> {
    let s = s.trim();
    let (num, mult) = [
        ("Ki", 1024f64),
        ("Mi", 1024f64.powi(2)),
        ("Gi", 1024f64.powi(3)),
        ("Ti", 1024f64.powi(4)),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
    ]
    .iter()
    .find_map(|(suf, m)| s.strip_suffix(suf).map(|n| (n, *m)))
    .unwrap_or((s, 1.0));
    let v: f64 = num.parse().ok()?;
    let v = v * mult;
    v.is_finite().then_some(v)
}

fn quantity(field: &str, v: &serde_norway::Value) -> Result<f64, PolicyError> {
    match v {
        serde_norway::Value::Number(n) => n.as_f64().ok_or_else(|| invalid(field, "not a number")),
        serde_norway::Value::String(s) => parse_quantity(s)
            .ok_or_else(|| invalid(field, format!("cannot read \"{s}\" as a quantity (like 500m or 2)"))),
        _ => Err(invalid(field, "must be a number or a quantity")),
    }
}

/// The deepest nesting of YAML flow collections (`[`, `{`) read. Manifests nest a few levels;
/// the YAML parser slows down quadratically with depth (100,000 `[` took 90 s in a debug build),
/// so deeper documents are refused before parsing.
const MAX_YAML_DEPTH: usize = 64;

/// Refuses a manifest over [`MAX_POLICY_BYTES`] or nested deeper than [`MAX_YAML_DEPTH`]. Brackets
/// are counted everywhere, quoted or not, with `]` and `}` never taking the count below zero: no
/// quoting can hide depth from this check, and only absurd strings make it over-count.
fn check_yaml_size_and_depth(text: &str) -> Result<(), PolicyError> {
    if text.len() > MAX_POLICY_BYTES {
        return Err(PolicyError::Yaml(too_large(text.len())));
    }
    let (mut depth, mut line) = (0usize, 1usize);
    for b in text.bytes() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_YAML_DEPTH {
                    return Err(PolicyError::Yaml(format!(
                        "nested more than {MAX_YAML_DEPTH} levels deep at line {line}; no manifest nests this deep"
                    )));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' => line += 1,
            _ => {}
        }
    }
    Ok(())
}

impl Policy {
    /// Reads a `HorizontalPodAutoscaler` manifest (autoscaling/v2) as an HPA policy, then
    /// [`validate`](Policy::validate)s it.
    pub fn from_hpa_yaml(text: &str) -> Result<Policy, PolicyError> {
        check_yaml_size_and_depth(text)?;
        let m: Manifest = serde_norway::from_str(text).map_err(|e| PolicyError::Yaml(e.to_string()))?;
        if let Some(kind) = &m.kind {
            if kind != "HorizontalPodAutoscaler" {
                return Err(invalid("kind", format!("\"{kind}\" is not HorizontalPodAutoscaler")));
            }
        }
        if let Some(api) = &m.api_version {
            if api != "autoscaling/v2" && api != "autoscaling/v2beta2" {
                return Err(invalid("apiVersion", format!("\"{api}\" is not supported (expected autoscaling/v2)")));
            }
        }
        let spec = m.spec.ok_or_else(|| invalid("spec", "missing"))?;
        let max = spec.max_replicas.ok_or_else(|| invalid("spec.maxReplicas", "missing"))?;
        let mut metrics = Vec::new();
        for (i, ms) in spec.metrics.iter().enumerate() {
            metrics.push(metric(&format!("spec.metrics[{i}]"), ms)?);
        }
        if metrics.is_empty() {
            // The controller's default when `metrics` is empty: 80 % CPU.
            metrics.push(HpaMetric {
                source: HpaSource::Resource,
                name: "cpu".into(),
                target: HpaTargetKind::Utilization,
                value: 80.0,
            });
        }
        let behavior = match spec.behavior {
            None => None,
            Some(b) => Some(HpaBehavior {
                scale_up: b.scale_up.map(|r| rules("spec.behavior.scaleUp", r)).transpose()?,
                scale_down: b.scale_down.map(|r| rules("spec.behavior.scaleDown", r)).transpose()?,
            }),
        };
        let policy = Policy {
            version: VERSION,
            min_instances: spec.min_replicas.unwrap_or(1),
            max_instances: max,
            initial_instances: None,
            warmup_s: 0.0,
            redundancy: Redundancy::default(),
            price_per_hour: 0.0,
            scaler: Scaler::Hpa(Hpa { metrics, behavior, tolerance: 0.1, sync_s: 15.0 }),
        };
        policy.validate().map_err(|e| match e {
            PolicyError::Invalid { field, reason } => invalid(yaml_field(&field), reason),
            e => e,
        })?;
        Ok(policy)
    }
}

/// Headroom's field path → the manifest's, for validation messages.
fn yaml_field(field: &str) -> String {
    match field {
        "min_instances" => "spec.minReplicas".into(),
        "max_instances" => "spec.maxReplicas".into(),
        f => f.replacen("scaler.", "spec.", 1),
    }
}

fn metric(at: &str, ms: &MetricSpec) -> Result<HpaMetric, PolicyError> {
    let missing = |f: &str| invalid(format!("{at}.{f}"), "missing");
    let (source, name, target, tat) = match ms.kind.as_str() {
        "Resource" => {
            let r = ms.resource.as_ref().ok_or_else(|| missing("resource"))?;
            (HpaSource::Resource, &r.name, &r.target, format!("{at}.resource.target"))
        }
        "ContainerResource" => {
            let r = ms.container_resource.as_ref().ok_or_else(|| missing("containerResource"))?;
            (HpaSource::Resource, &r.name, &r.target, format!("{at}.containerResource.target"))
        }
        "Pods" => {
            let r = ms.pods.as_ref().ok_or_else(|| missing("pods"))?;
            (HpaSource::Pods, &r.metric.name, &r.target, format!("{at}.pods.target"))
        }
        "Object" => {
            let r = ms.object.as_ref().ok_or_else(|| missing("object"))?;
            (HpaSource::Object, &r.metric.name, &r.target, format!("{at}.object.target"))
        }
        "External" => {
            let r = ms.external.as_ref().ok_or_else(|| missing("external"))?;
            (HpaSource::External, &r.metric.name, &r.target, format!("{at}.external.target"))
        }
        other => {
            return Err(invalid(
                format!("{at}.type"),
                format!("\"{other}\" is not Resource, ContainerResource, Pods, Object or External"),
            ))
        }
    };
    let (kind, field, raw) = match target.kind.as_str() {
        "Utilization" => (HpaTargetKind::Utilization, "averageUtilization", &target.average_utilization),
        "AverageValue" => (HpaTargetKind::AverageValue, "averageValue", &target.average_value),
        "Value" => (HpaTargetKind::Value, "value", &target.value),
        other => {
            return Err(invalid(
                format!("{tat}.type"),
                format!("\"{other}\" is not Utilization, AverageValue or Value"),
            ))
        }
    };
    let field = format!("{tat}.{field}");
    let raw = raw.as_ref().ok_or_else(|| invalid(&field, "missing"))?;
    let value = quantity(&field, raw)?;
    if value.is_nan() || value <= 0.0 {
        return Err(invalid(field, format!("must be above zero, got {value}")));
    }
    Ok(HpaMetric { source, name: name.clone(), target: kind, value })
}

fn rules(at: &str, r: Rules) -> Result<HpaRules, PolicyError> {
    let stabilization_window_s =
        r.stabilization_window_seconds
            .map(|w| {
                u32::try_from(w).ok().filter(|w| *w <= 3600).ok_or_else(|| {
                    invalid(format!("{at}.stabilizationWindowSeconds"), format!("{w} is not in 0..=3600"))
                })
            })
            .transpose()?;
    let select_policy = r
        .select_policy
        .map(|s| match s.as_str() {
            "Max" => Ok(SelectPolicy::Max),
            "Min" => Ok(SelectPolicy::Min),
            "Disabled" => Ok(SelectPolicy::Disabled),
            other => Err(invalid(format!("{at}.selectPolicy"), format!("\"{other}\" is not Max, Min or Disabled"))),
        })
        .transpose()?;
    let mut policies = Vec::new();
    for (i, p) in r.policies.iter().enumerate() {
        let pat = format!("{at}.policies[{i}]");
        let kind = match p.kind.as_str() {
            "Pods" => RateKind::Pods,
            "Percent" => RateKind::Percent,
            other => return Err(invalid(format!("{pat}.type"), format!("\"{other}\" is not Pods or Percent"))),
        };
        let value = u32::try_from(p.value)
            .ok()
            .filter(|v| *v > 0)
            .ok_or_else(|| invalid(format!("{pat}.value"), format!("{} is not a positive whole number", p.value)))?;
        let period_s = u32::try_from(p.period_seconds).ok().filter(|v| (1..=1800).contains(v)).ok_or_else(|| {
            invalid(format!("{pat}.periodSeconds"), format!("{} is not in 1..=1800", p.period_seconds))
        })?;
        policies.push(RatePolicy { kind, value, period_s });
    }
    Ok(HpaRules { stabilization_window_s, select_policy, policies })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("500m"), Some(0.5));
        assert_eq!(parse_quantity("2k"), Some(2000.0));
        assert_eq!(parse_quantity("1Gi"), Some(1024.0 * 1024.0 * 1024.0));
        assert_eq!(parse_quantity("100"), Some(100.0));
        assert_eq!(parse_quantity("lots"), None);
    }
}
