//! Policy documents as users write them: Headroom's JSON, the seed's document, real HPA
//! manifests; and the validation messages a user sees for out-of-range values.

use std::path::{Path, PathBuf};

use headroom_core::capacity::policy::{
    HpaSource, HpaTargetKind, Metric, Policy, RateKind, RatePolicy, Scaler, SelectPolicy,
};

fn fixture(name: &str) -> String {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/policies").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn every_json_fixture_imports_and_round_trips_exactly() {
    for name in ["seed.json", "threshold.json", "target-tracking.json", "step-scaling.json", "queueing.json"] {
        let p = Policy::from_json(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let json = p.to_json();
        assert_eq!(Policy::from_json(&json).unwrap(), p, "{name}");
        // Serialising again gives the same text: the URL form is stable.
        assert_eq!(Policy::from_json(&json).unwrap().to_json(), json, "{name}");
    }
}

#[test]
fn headroom_json_keeps_what_was_written_and_defaults_the_rest() {
    let p = Policy::from_json(&fixture("threshold.json")).unwrap();
    assert_eq!((p.min_instances, p.max_instances, p.warmup_s, p.price_per_hour), (2, 12, 120.0, 0.096));
    assert_eq!((p.redundancy.spare, p.redundancy.zones), (1, 3));
    let Scaler::Threshold(t) = &p.scaler else { panic!() };
    assert_eq!(t.cpu.unwrap().scale_down(), 30.0);
    assert_eq!(t.memory.unwrap().scale_down(), 42.5, "default: half the scale-up threshold");
    assert_eq!((t.evaluation.periods, t.evaluation.of), (2, 3));
    // Unknown fields are refused, with their name.
    let e = Policy::from_json(&fixture("threshold.json").replace("\"step_up\"", "\"stepup\"")).unwrap_err();
    assert!(e.to_string().contains("unknown field `stepup`"), "{e}");
}

#[test]
fn validation_names_the_field() {
    let base = fixture("threshold.json");
    for (from, to, message) in [
        ("\"min_instances\": 2", "\"min_instances\": 0", "min_instances: must be at least 1"),
        ("\"min_instances\": 2", "\"min_instances\": 13", "min_instances: 13 is more than max_instances 12"),
        ("\"max_instances\": 12", "\"max_instances\": 0", "max_instances: must be between 1 and 1000000"),
        ("\"scale_up\": 70", "\"scale_up\": 120", "scaler.cpu.scale_up: 120 % is above 100 %"),
        (
            "\"scale_down\": 30",
            "\"scale_down\": 70",
            "scaler.cpu.scale_down: 70 is not below the scale-up threshold 70",
        ),
        ("\"warmup_s\": 120", "\"warmup_s\": -5", "warmup_s: -5 is negative"),
        ("\"periods\": 2", "\"periods\": 4", "scaler.evaluation.periods: must be between 1 and of = 3, got 4"),
        ("\"zones\": 3", "\"zones\": 0", "redundancy.zones: must be at least 1"),
        ("\"version\": 1", "\"version\": 2", "version: version 2 is not supported (expected 1)"),
        ("\"step_up\": 2", "\"step_up\": 0", "scaler.step_up: must be at least 1"),
    ] {
        assert!(base.contains(from), "{from}");
        let e = Policy::from_json(&base.replace(from, to)).unwrap_err().to_string();
        assert!(e.starts_with(message), "{e} (expected {message})");
    }
    let q = fixture("queueing.json");
    let e = Policy::from_json(&q.replace("\"service_rate\": 100", "\"service_rate\": 0")).unwrap_err();
    assert_eq!(e.to_string(), "scaler.service_rate: must be above zero, got 0");
    // Negative instance counts are not numbers a u32 takes: a JSON error naming the value.
    let e = Policy::from_json(&base.replace("\"max_instances\": 12", "\"max_instances\": -3")).unwrap_err();
    assert!(e.to_string().contains("-3"), "{e}");
    assert!(Policy::from_json("{\"version\": 1,").unwrap_err().to_string().starts_with("policy JSON: "));
}

#[test]
fn a_real_hpa_manifest_with_behavior_imports() {
    let p = Policy::from_hpa_yaml(&fixture("hpa-web.yaml")).unwrap();
    assert_eq!((p.min_instances, p.max_instances), (3, 30));
    let Scaler::Hpa(h) = &p.scaler else { panic!() };
    assert_eq!((h.tolerance, h.sync_s), (0.1, 15.0));
    assert_eq!(h.metrics.len(), 4);
    assert_eq!(h.metrics[0].maps_to(), Some(Metric::Cpu));
    assert_eq!(h.metrics[0].value, 70.0);
    assert_eq!(h.metrics[1].maps_to(), Some(Metric::Memory));
    assert_eq!(
        (h.metrics[2].source, h.metrics[2].target, h.metrics[2].value),
        (HpaSource::Pods, HpaTargetKind::AverageValue, 1000.0)
    );
    assert_eq!(h.metrics[2].maps_to(), Some(Metric::RequestRate));
    assert_eq!(h.metrics[3].maps_to(), None, "a queue length is not replayed");
    let b = h.behavior.as_ref().unwrap();
    let up = b.up();
    assert_eq!((up.window_s, up.select), (0, SelectPolicy::Max));
    assert_eq!(up.policies[1], RatePolicy { kind: RateKind::Pods, value: 4, period_s: 15 });
    let down = b.down();
    assert_eq!((down.window_s, down.select), (300, SelectPolicy::Max), "selectPolicy defaults to Max");
    assert_eq!(down.policies, vec![RatePolicy { kind: RateKind::Percent, value: 10, period_s: 60 }]);
    // And it round-trips as Headroom's JSON.
    assert_eq!(Policy::from_json(&p.to_json()).unwrap(), p);
}

#[test]
fn a_manifest_without_behavior_takes_the_legacy_path_and_defaults() {
    let p = Policy::from_hpa_yaml(&fixture("hpa-legacy.yaml")).unwrap();
    assert_eq!((p.min_instances, p.max_instances), (1, 10), "minReplicas defaults to 1");
    let Scaler::Hpa(h) = &p.scaler else { panic!() };
    assert!(h.behavior.is_none());
    assert_eq!(h.metrics[0].value, 60.0);
}

#[test]
fn manifest_errors_name_the_field_path_or_line() {
    let web = fixture("hpa-web.yaml");
    let e = Policy::from_hpa_yaml(&web.replace(
        "type: Utilization\n          averageUtilization: 70",
        "type: Utilisation\n          averageUtilization: 70",
    ))
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "spec.metrics[0].resource.target.type: \"Utilisation\" is not Utilization, AverageValue or Value"
    );
    let e = Policy::from_hpa_yaml(&web.replace("averageValue: \"1k\"", "averageValue: \"lots\"")).unwrap_err();
    assert!(e.to_string().starts_with("spec.metrics[2].pods.target.averageValue: cannot read \"lots\""), "{e}");
    let e = Policy::from_hpa_yaml(&web.replace("selectPolicy: Max", "selectPolicy: Most")).unwrap_err();
    assert_eq!(e.to_string(), "spec.behavior.scaleUp.selectPolicy: \"Most\" is not Max, Min or Disabled");
    let e = Policy::from_hpa_yaml(&web.replace("minReplicas: 3", "minReplicas: 40")).unwrap_err();
    assert_eq!(e.to_string(), "spec.minReplicas: 40 is more than max_instances 30");
    let e = Policy::from_hpa_yaml(&web.replace("  maxReplicas: 30\n", "")).unwrap_err();
    assert_eq!(e.to_string(), "spec.maxReplicas: missing");
    // YAML syntax: the line is named.
    let e = Policy::from_hpa_yaml(&web.replace("  minReplicas: 3", "  minReplicas: [3")).unwrap_err();
    assert!(e.to_string().contains("line"), "{e}");
    let e = Policy::from_hpa_yaml("apiVersion: apps/v1\nkind: Deployment\n").unwrap_err();
    assert_eq!(e.to_string(), "kind: \"Deployment\" is not HorizontalPodAutoscaler");
}

#[test]
fn numbers_out_of_range_are_refused_in_every_policy_source() {
    // Negative instance counts: JSON names the value; so does a manifest.
    let base = fixture("threshold.json");
    let e = Policy::from_json(&base.replace("\"min_instances\": 2", "\"min_instances\": -1")).unwrap_err();
    assert!(e.to_string().contains("-1"), "{e}");
    let web = fixture("hpa-web.yaml");
    let e = Policy::from_hpa_yaml(&web.replace("minReplicas: 3", "minReplicas: -2")).unwrap_err();
    assert!(e.to_string().contains("minReplicas") && e.to_string().contains("-2"), "{e}");
    // A percentage target above 100 %, a negative price, a zero or negative service rate.
    let tt = fixture("target-tracking.json");
    let e = Policy::from_json(&tt.replace("\"target\": 50", "\"target\": 150")).unwrap_err();
    assert_eq!(e.to_string(), "scaler.policies[0].target: a percentage above 100");
    let e = Policy::from_json(&tt.replace("\"price_per_hour\": 0.0416", "\"price_per_hour\": -1")).unwrap_err();
    assert_eq!(e.to_string(), "price_per_hour: -1 is negative");
    let q = fixture("queueing.json");
    for rate in ["0", "-5", "0.0"] {
        let e =
            Policy::from_json(&q.replace("\"service_rate\": 100", &format!("\"service_rate\": {rate}"))).unwrap_err();
        assert!(e.to_string().starts_with("scaler.service_rate: must be above zero"), "{rate}: {e}");
    }
    // Beyond u32 and beyond the instance cap.
    let e = Policy::from_json(&base.replace("\"max_instances\": 12", "\"max_instances\": 99999999999")).unwrap_err();
    assert!(e.to_string().contains("99999999999"), "{e}");
    let e = Policy::from_json(&base.replace("\"max_instances\": 12", "\"max_instances\": 2000000")).unwrap_err();
    assert_eq!(e.to_string(), "max_instances: must be between 1 and 1000000");
}

#[test]
fn a_yaml_alias_bomb_deep_nesting_and_huge_documents_are_refused_with_a_message() {
    // "Billion laughs": nine levels of nine aliases each would expand to 387 million strings.
    let mut bomb = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (prev, next) in ["a", "b", "c", "d", "e", "f", "g", "h"].iter().zip(["b", "c", "d", "e", "f", "g", "h", "i"]) {
        let refs = vec![format!("*{prev}"); 9].join(",");
        bomb.push_str(&format!("{next}: &{next} [{refs}]\n"));
    }
    bomb.push_str("kind: HorizontalPodAutoscaler\nspec: *i\n");
    let e = Policy::from_hpa_yaml(&bomb).unwrap_err().to_string();
    assert!(e.starts_with("HPA manifest: spec: invalid type: sequence"), "{e}");
    // 100,000 nested brackets (a minute in the YAML parser) are refused before parsing.
    let deep = format!("kind: HorizontalPodAutoscaler\nspec: {}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = Policy::from_hpa_yaml(&deep).unwrap_err().to_string();
    assert_eq!(e, "HPA manifest: the document is 200037 bytes; a policy is at most 65536 bytes");
    let deep = format!("kind: HorizontalPodAutoscaler\nspec: {}1{}", "[".repeat(65), "]".repeat(65));
    let e = Policy::from_hpa_yaml(&deep).unwrap_err().to_string();
    assert_eq!(e, "HPA manifest: nested more than 64 levels deep at line 2; no manifest nests this deep");
    // Closing brackets in a string do not hide the depth after them.
    let hidden = format!("a: \"{}\"\nspec: {}", "]".repeat(100), "{".repeat(70));
    assert!(Policy::from_hpa_yaml(&hidden).unwrap_err().to_string().contains("nested more than 64 levels"));
    // JSON: over the size limit, and deep nesting within it (serde_json's recursion limit).
    let big = format!("{{\"version\": 1{}}}", " ".repeat(70_000));
    assert_eq!(
        Policy::from_json(&big).unwrap_err().to_string(),
        "policy JSON: the document is 70014 bytes; a policy is at most 65536 bytes"
    );
    let deep = format!("{}1{}", "[".repeat(30_000), "]".repeat(30_000));
    let e = Policy::from_json(&deep).unwrap_err().to_string();
    assert!(e.contains("recursion limit exceeded"), "{e}");
}
