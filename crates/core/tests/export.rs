//! Exports as a user deploys them: the HPA manifest reads back as the same policy where the
//! formats overlap, uses exactly the Kubernetes API's field names, every dropped feature is said,
//! and the committed examples under `tests/fixtures/exports/` are what the code writes today
//! (`HEADROOM_BLESS=1 cargo test -p headroom-core --test export` rewrites them).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::policies;
use headroom_core::capacity::export::{export, to_aws_json, to_hpa_yaml, to_json, to_keda_yaml, ExportOptions, Format};
use headroom_core::capacity::policy::{Metric, Policy, Scaler};
use headroom_core::capacity::queueing::mmc;
use proptest::prelude::*;
use serde_json::Value as Json;
use serde_norway::Value as Yaml;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn fixture(name: &str) -> Policy {
    let p = root().join("policies").join(name);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    if name.ends_with(".yaml") {
        Policy::from_hpa_yaml(&text).unwrap()
    } else {
        Policy::from_json(&text).unwrap()
    }
}

const FIXTURES: [&str; 7] = [
    "seed.json",
    "threshold.json",
    "target-tracking.json",
    "step-scaling.json",
    "queueing.json",
    "hpa-web.yaml",
    "hpa-legacy.yaml",
];

/// Every key path in a YAML tree, sequence indices as `[]`.
fn paths(v: &Yaml, at: &str, out: &mut BTreeSet<String>) {
    match v {
        Yaml::Mapping(m) => {
            for (k, v) in m {
                let key = k.as_str().unwrap_or_else(|| panic!("{at}: non-string key {k:?}"));
                let here = if at.is_empty() { key.to_string() } else { format!("{at}.{key}") };
                out.insert(here.clone());
                paths(v, &here, out);
            }
        }
        Yaml::Sequence(s) => s.iter().for_each(|v| paths(v, &format!("{at}[]"), out)),
        _ => {}
    }
}

/// autoscaling/v2 HorizontalPodAutoscaler fields, as the Kubernetes API reference names them.
fn hpa_api_fields() -> BTreeSet<String> {
    let mut f: Vec<String> = [
        "apiVersion",
        "kind",
        "metadata",
        "metadata.name",
        "metadata.namespace",
        "spec",
        "spec.scaleTargetRef",
        "spec.scaleTargetRef.apiVersion",
        "spec.scaleTargetRef.kind",
        "spec.scaleTargetRef.name",
        "spec.minReplicas",
        "spec.maxReplicas",
        "spec.metrics",
        "spec.metrics[].type",
        "spec.metrics[].resource",
        "spec.metrics[].resource.name",
        "spec.metrics[].pods",
        "spec.metrics[].pods.metric",
        "spec.metrics[].pods.metric.name",
        "spec.metrics[].object",
        "spec.metrics[].object.describedObject",
        "spec.metrics[].object.describedObject.apiVersion",
        "spec.metrics[].object.describedObject.kind",
        "spec.metrics[].object.describedObject.name",
        "spec.metrics[].object.metric",
        "spec.metrics[].object.metric.name",
        "spec.metrics[].external",
        "spec.metrics[].external.metric",
        "spec.metrics[].external.metric.name",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for source in ["resource", "pods", "object", "external"] {
        for t in ["", ".type", ".averageUtilization", ".averageValue", ".value"] {
            f.push(format!("spec.metrics[].{source}.target{t}"));
        }
    }
    f.extend(behavior_fields("spec.behavior"));
    f.into_iter().collect()
}

fn behavior_fields(at: &str) -> Vec<String> {
    let mut f = vec![at.to_string()];
    for dir in ["scaleUp", "scaleDown"] {
        for k in [
            "",
            ".stabilizationWindowSeconds",
            ".selectPolicy",
            ".policies",
            ".policies[].type",
            ".policies[].value",
            ".policies[].periodSeconds",
        ] {
            f.push(format!("{at}.{dir}{k}"));
        }
    }
    f
}

/// KEDA ScaledObject (keda.sh/v1alpha1) fields used by the export, as KEDA's reference names them.
fn keda_fields() -> BTreeSet<String> {
    let mut f: Vec<String> = [
        "apiVersion",
        "kind",
        "metadata",
        "metadata.name",
        "metadata.namespace",
        "spec",
        "spec.scaleTargetRef",
        "spec.scaleTargetRef.name",
        "spec.minReplicaCount",
        "spec.maxReplicaCount",
        "spec.advanced",
        "spec.advanced.horizontalPodAutoscalerConfig",
        "spec.triggers",
        "spec.triggers[].type",
        "spec.triggers[].metricType",
        "spec.triggers[].metadata",
        "spec.triggers[].metadata.value",
        "spec.triggers[].metadata.serverAddress",
        "spec.triggers[].metadata.query",
        "spec.triggers[].metadata.threshold",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    f.extend(behavior_fields("spec.advanced.horizontalPodAutoscalerConfig.behavior"));
    f.into_iter().collect()
}

fn opts() -> ExportOptions {
    ExportOptions { name: "web".into(), namespace: Some("shop".into()) }
}

fn yaml(text: &str) -> Yaml {
    serde_norway::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

#[test]
fn hpa_manifests_come_back_exactly() {
    for name in ["hpa-web.yaml", "hpa-legacy.yaml"] {
        let p = fixture(name);
        let out = to_hpa_yaml(&p, &opts());
        assert_eq!(Policy::from_hpa_yaml(&out.text).unwrap(), p, "{name}\n{}", out.text);
        assert!(out.notes.is_empty(), "{name}: {:?}", out.notes);
    }
}

#[test]
fn every_export_uses_only_the_api_field_names_and_parses() {
    let hpa_fields = hpa_api_fields();
    let keda = keda_fields();
    for name in FIXTURES {
        let p = fixture(name);
        let out = to_hpa_yaml(&p, &opts());
        let tree = yaml(&out.text);
        let mut found = BTreeSet::new();
        paths(&tree, "", &mut found);
        let unknown: Vec<_> = found.difference(&hpa_fields).collect();
        assert!(unknown.is_empty(), "{name}: not autoscaling/v2 fields: {unknown:?}\n{}", out.text);
        assert_eq!(tree["apiVersion"].as_str(), Some("autoscaling/v2"), "{name}");
        assert_eq!(tree["kind"].as_str(), Some("HorizontalPodAutoscaler"), "{name}");
        assert_eq!(tree["metadata"]["name"].as_str(), Some("web"));
        assert_eq!(tree["metadata"]["namespace"].as_str(), Some("shop"));
        assert_eq!(tree["spec"]["scaleTargetRef"]["apiVersion"].as_str(), Some("apps/v1"));
        assert_eq!(tree["spec"]["scaleTargetRef"]["kind"].as_str(), Some("Deployment"));
        assert_eq!(tree["spec"]["maxReplicas"].as_u64(), Some(u64::from(p.max_instances)));
        assert_eq!(tree["spec"]["minReplicas"].as_u64(), Some(u64::from(p.min_instances)));
        for m in tree["spec"]["metrics"].as_sequence().unwrap() {
            let kind = m["type"].as_str().unwrap();
            let source = match kind {
                "Resource" => "resource",
                "Pods" => "pods",
                "Object" => "object",
                "External" => "external",
                k => panic!("{name}: type {k}"),
            };
            let target = &m[source]["target"];
            let field = match target["type"].as_str().unwrap() {
                "Utilization" => "averageUtilization",
                "AverageValue" => "averageValue",
                "Value" => "value",
                t => panic!("{name}: target type {t}"),
            };
            assert!(!target[field].is_null(), "{name}: {kind} target without {field}");
        }
        // Whatever the scaler, the manifest reads back as an HPA policy with the same bounds.
        let back = Policy::from_hpa_yaml(&out.text).unwrap_or_else(|e| panic!("{name}: {e}\n{}", out.text));
        assert_eq!((back.min_instances, back.max_instances), (p.min_instances, p.max_instances));
        // Every note is in the file as a `# Headroom:` comment.
        for n in &out.notes {
            assert!(out.text.contains(&format!("# Headroom: {n}\n")), "{name}: {n}");
        }

        let out = to_keda_yaml(&p, &opts());
        let tree = yaml(&out.text);
        let mut found = BTreeSet::new();
        paths(&tree, "", &mut found);
        let unknown: Vec<_> = found.difference(&keda).collect();
        assert!(unknown.is_empty(), "{name}: not ScaledObject fields: {unknown:?}\n{}", out.text);
        assert_eq!(tree["apiVersion"].as_str(), Some("keda.sh/v1alpha1"));
        assert_eq!(tree["kind"].as_str(), Some("ScaledObject"));
        assert_eq!(tree["spec"]["scaleTargetRef"]["name"].as_str(), Some("web"));
        assert_eq!(tree["spec"]["maxReplicaCount"].as_u64(), Some(u64::from(p.max_instances)));
        for t in tree["spec"]["triggers"].as_sequence().unwrap() {
            match t["type"].as_str().unwrap() {
                "cpu" | "memory" => assert!(t["metadata"]["value"].is_string(), "{name}: {t:?}"),
                "prometheus" => {
                    assert!(t["metadata"]["query"].is_string() && t["metadata"]["threshold"].is_string());
                }
                k => panic!("{name}: trigger {k}"),
            }
        }
        for n in &out.notes {
            assert!(out.text.contains(&format!("# Headroom: {n}\n")), "{name}: {n}");
        }

        let out = to_aws_json(&p, &opts());
        let v: Json = serde_json::from_str(&out.text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let docs = v.as_array().cloned().unwrap_or_else(|| vec![v.clone()]);
        assert!(!docs.is_empty(), "{name}");
        for d in &docs {
            assert_eq!(d["AutoScalingGroupName"], "web");
            match d["PolicyType"].as_str().unwrap() {
                "TargetTrackingScaling" => {
                    let c = &d["TargetTrackingConfiguration"];
                    assert!(c["TargetValue"].as_f64().unwrap() > 0.0);
                    assert!(
                        c["PredefinedMetricSpecification"].is_object() ^ c["CustomizedMetricSpecification"].is_object()
                    );
                }
                "StepScaling" => assert!(!d["StepAdjustments"].as_array().unwrap().is_empty()),
                t => panic!("{name}: {t}"),
            }
        }
        // JSON carries no comments: the notes are only returned.
        assert!(!out.text.contains("Headroom"), "{name}");
        assert!(out.notes.iter().any(|n| n.contains("MinSize")), "{name}");

        let out = to_json(&p);
        assert_eq!(Policy::from_json(&out.text).unwrap(), p, "{name}");
        assert!(out.notes.is_empty());
    }
}

#[test]
fn a_threshold_policy_becomes_targets_with_every_loss_noted() {
    let p = fixture("threshold.json");
    let out = to_hpa_yaml(&p, &opts());
    let back = Policy::from_hpa_yaml(&out.text).unwrap();
    let Scaler::Hpa(h) = &back.scaler else { panic!() };
    let targets: Vec<(&str, f64)> = h.metrics.iter().map(|m| (m.name.as_str(), m.value)).collect();
    assert_eq!(targets, [("cpu", 70.0), ("memory", 85.0)], "the scale-up thresholds");
    let b = h.behavior.as_ref().unwrap();
    // 2 of 3 periods of 60 s → 120 s windows; step 2 per 180 s up, 1 per 600 s down.
    assert_eq!((b.up().window_s, b.down().window_s), (120, 120));
    assert_eq!((b.up().policies[0].value, b.up().policies[0].period_s), (2, 180));
    assert_eq!((b.down().policies[0].value, b.down().policies[0].period_s), (1, 600));
    for word in
        ["down below 30 %", "2 of 3 periods", "redundancy (N+1 spare", "price per instance-hour 0.096", "warm-up 120 s"]
    {
        assert!(out.notes.iter().any(|n| n.contains(word)), "no note with {word:?}: {:#?}", out.notes);
    }
    // AWS: a step-scaling policy per threshold, with its alarm spelled out and the warm-up kept.
    let out = to_aws_json(&p, &opts());
    let v: Json = serde_json::from_str(&out.text).unwrap();
    let names: Vec<&str> = v.as_array().unwrap().iter().map(|d| d["PolicyName"].as_str().unwrap()).collect();
    assert_eq!(names, ["web-cpu-above-70", "web-cpu-below-30", "web-memory-above-85", "web-memory-below-42.5"]);
    assert_eq!(v[0]["StepAdjustments"][0]["ScalingAdjustment"], 2);
    assert_eq!(v[1]["StepAdjustments"][0]["ScalingAdjustment"], -1);
    assert_eq!(v[0]["EstimatedInstanceWarmup"], 120);
    assert!(out.notes.iter().any(|n| n.contains("cpu > 70 for 2 of 3 periods of 60 s")), "{:#?}", out.notes);
}

#[test]
fn every_metric_keeps_its_meaning_through_the_manifest() {
    // Threshold rules on all four metrics → HPA → read back: each reads the same replayed metric.
    let json = r#"{"version": 1, "max_instances": 10, "scaler": {"type": "threshold", "cpu": {"scale_up": 70},
        "memory": {"scale_up": 80}, "response_time": {"scale_up": 0.25}, "request_rate": {"scale_up": 150}}}"#;
    let p = Policy::from_json(json).unwrap();
    let back = Policy::from_hpa_yaml(&to_hpa_yaml(&p, &opts()).text).unwrap();
    let Scaler::Hpa(h) = &back.scaler else { panic!() };
    let read: Vec<_> = h.metrics.iter().map(|m| (m.maps_to(), m.value)).collect();
    assert_eq!(
        read,
        [
            (Some(Metric::Cpu), 70.0),
            (Some(Metric::Memory), 80.0),
            (Some(Metric::ResponseTime), 0.25),
            (Some(Metric::RequestRate), 150.0)
        ]
    );
    // Target tracking's four replayed metrics too (ALB requests per minute → per second).
    let json = r#"{"version": 1, "max_instances": 10, "scaler": {"type": "target_tracking", "policies": [
        {"metric": "ASGAverageCPUUtilization", "target": 50}, {"metric": "CustomMemoryUtilization", "target": 60},
        {"metric": "CustomLatency", "target": 0.5}, {"metric": "ALBRequestCountPerTarget", "target": 600}]}}"#;
    let back = Policy::from_hpa_yaml(&to_hpa_yaml(&Policy::from_json(json).unwrap(), &opts()).text).unwrap();
    let Scaler::Hpa(h) = &back.scaler else { panic!() };
    let read: Vec<_> = h.metrics.iter().map(|m| (m.maps_to(), m.value)).collect();
    assert_eq!(
        read,
        [
            (Some(Metric::Cpu), 50.0),
            (Some(Metric::Memory), 60.0),
            (Some(Metric::ResponseTime), 0.5),
            (Some(Metric::RequestRate), 10.0)
        ]
    );
}

#[test]
fn aws_target_tracking_keeps_its_predefined_metrics() {
    let out = to_aws_json(&fixture("target-tracking.json"), &opts());
    let v: Json = serde_json::from_str(&out.text).unwrap();
    let c = &v[0]["TargetTrackingConfiguration"];
    assert_eq!(c["PredefinedMetricSpecification"]["PredefinedMetricType"], "ASGAverageCPUUtilization");
    assert_eq!(c["TargetValue"], 50.0);
    assert_eq!(c["DisableScaleIn"], false);
    let c = &v[1]["TargetTrackingConfiguration"];
    assert_eq!(c["PredefinedMetricSpecification"]["PredefinedMetricType"], "ALBRequestCountPerTarget");
    assert!(c["PredefinedMetricSpecification"]["ResourceLabel"].as_str().unwrap().contains("/targetgroup/"));
    assert_eq!(c["TargetValue"], 1000.0);
    assert_eq!(v[0]["EstimatedInstanceWarmup"], 300);
    assert!(out.notes.iter().any(|n| n.contains("ResourceLabel is a placeholder")));
    // An HPA's per-pod request rate becomes requests per target per minute; the queue metric is dropped.
    let out = to_aws_json(&fixture("hpa-web.yaml"), &opts());
    let v: Json = serde_json::from_str(&out.text).unwrap();
    let targets: Vec<f64> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["TargetTrackingConfiguration"]["TargetValue"].as_f64().unwrap())
        .collect();
    assert_eq!(targets, [70.0, 80.0, 60_000.0]);
    assert!(out.notes.iter().any(|n| n.contains("sqs_messages_visible") && n.contains("dropped")), "{:#?}", out.notes);
}

#[test]
fn a_queueing_policy_exports_the_rate_its_minimum_fleet_can_serve() {
    // μ = 100/s, Wq ≤ 5 ms on 1 server: M/M/1 Wq = λ/(μ(μ−λ)) = 0.005 at λ = 100/3.
    let p = fixture("queueing.json");
    let out = to_hpa_yaml(&p, &opts());
    let back = Policy::from_hpa_yaml(&out.text).unwrap();
    let Scaler::Hpa(h) = &back.scaler else { panic!() };
    assert!((h.metrics[0].value - 100.0 / 3.0).abs() < 1e-9, "{}", h.metrics[0].value);
    assert!(mmc(h.metrics[0].value, 100.0, 1).unwrap().mean_wait_s <= 0.005 + 1e-12);
    assert!(out.notes.iter().any(|n| n.starts_with("queueing (μ = 100 requests/s")), "{:#?}", out.notes);
    let v: Json = serde_json::from_str(&to_aws_json(&p, &opts()).text).unwrap();
    assert!((v["TargetTrackingConfiguration"]["TargetValue"].as_f64().unwrap() - 2000.0).abs() < 1e-6);
}

#[test]
fn keda_prometheus_triggers_say_they_are_placeholders() {
    let out = to_keda_yaml(&fixture("hpa-web.yaml"), &opts());
    let prometheus = out.text.matches("- type: prometheus").count();
    assert_eq!(prometheus, 2, "{}", out.text);
    assert_eq!(out.text.matches("# Headroom: placeholder: set serverAddress").count(), prometheus);
    let tree = yaml(&out.text);
    let t = &tree["spec"]["triggers"];
    assert_eq!(
        (t[0]["type"].as_str(), t[0]["metricType"].as_str(), t[0]["metadata"]["value"].as_str()),
        (Some("cpu"), Some("Utilization"), Some("70"))
    );
    assert_eq!(t[2]["metadata"]["threshold"].as_str(), Some("1000"));
    let behavior = &tree["spec"]["advanced"]["horizontalPodAutoscalerConfig"]["behavior"];
    assert_eq!(behavior["scaleDown"]["policies"][0]["value"].as_u64(), Some(10));
}

/// (source policy, format, committed file)
const EXAMPLES: [(&str, Format, &str); 5] = [
    ("hpa-web.yaml", Format::Hpa, "hpa-web.hpa.yaml"),
    ("threshold.json", Format::Hpa, "threshold.hpa.yaml"),
    ("hpa-web.yaml", Format::Keda, "hpa-web.keda.yaml"),
    ("target-tracking.json", Format::Aws, "target-tracking.aws.json"),
    ("threshold.json", Format::Json, "threshold.headroom.json"),
];

#[test]
fn the_committed_examples_are_current() {
    let bless = std::env::var_os("HEADROOM_BLESS").is_some();
    for (source, format, file) in EXAMPLES {
        let text = export(&fixture(source), format, &opts()).text;
        let path = root().join("exports").join(file);
        if bless {
            std::fs::write(&path, &text).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(committed, text, "{file} is stale: rerun with HEADROOM_BLESS=1");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn hpa_policies_round_trip_through_the_manifest(
        p in policies::policy_with(policies::api_hpa().prop_map(Scaler::Hpa)).prop_map(|mut p| {
            // What a manifest holds: no Headroom-only fields.
            p.initial_instances = None;
            p.warmup_s = 0.0;
            p.price_per_hour = 0.0;
            p.redundancy = Default::default();
            p
        })
    ) {
        let out = to_hpa_yaml(&p, &ExportOptions::default());
        prop_assert!(out.notes.iter().all(|n| n.contains("describedObject")), "{:?}", out.notes);
        prop_assert_eq!(Policy::from_hpa_yaml(&out.text), Ok(p));
    }

    #[test]
    fn every_policy_exports_to_every_format(p in policies::policy()) {
        for format in Format::ALL {
            let out = export(&p, format, &ExportOptions::default());
            prop_assert!(out.text.ends_with('\n'));
            match format {
                Format::Hpa | Format::Keda => {
                    let _: Yaml = serde_norway::from_str(&out.text).map_err(|e| TestCaseError::fail(e.to_string()))?;
                }
                Format::Aws | Format::Json => {
                    let _: Json = serde_json::from_str(&out.text).map_err(|e| TestCaseError::fail(e.to_string()))?;
                }
            }
        }
        // The HPA manifest always reads back (the formats overlap on bounds).
        let back = Policy::from_hpa_yaml(&to_hpa_yaml(&p, &ExportOptions::default()).text);
        prop_assert!(back.is_ok(), "{:?}", back);
    }
}
