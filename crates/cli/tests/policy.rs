//! `headroom policy encode | decode | export` as a user runs them, on the example policies.

use std::process::{Command, Output};

use headroom_core::capacity::Policy;
use serde_json::Value;

const POLICIES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/policies/");

fn headroom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_headroom")).args(args).output().expect("run headroom")
}

fn policy(name: &str) -> String {
    format!("{POLICIES}{name}")
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Exit 1, nothing on stdout, one `headroom: ` line on stderr; returns that line.
fn one_line_error(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8(out.stderr.clone()).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("headroom: "), "{err}");
    err
}

fn read(name: &str) -> Policy {
    let text = std::fs::read_to_string(policy(name)).unwrap();
    if name.ends_with(".yaml") {
        Policy::from_hpa_yaml(&text).unwrap()
    } else {
        Policy::from_json(&text).unwrap()
    }
}

#[test]
fn encode_then_decode_gives_the_policy_back() {
    for name in ["seed.json", "threshold.json", "hpa-web.yaml", "step-scaling.json"] {
        let link = stdout(&headroom(&["policy", "encode", &policy(name)]));
        assert_eq!(link.lines().count(), 1, "{link}");
        let link = link.trim_end();
        assert!(link.starts_with("v1."), "{link}");
        for given in [link.to_string(), format!("#{link}"), format!("https://headroom.example/#{link}")] {
            let json = stdout(&headroom(&["policy", "decode", &given]));
            assert_eq!(Policy::from_json(&json).unwrap(), read(name), "{name}: {given}");
        }
    }
}

#[test]
fn bad_links_are_one_line_errors() {
    let link = stdout(&headroom(&["policy", "encode", &policy("threshold.json")]));
    let link = link.trim_end();
    let err = one_line_error(&headroom(&["policy", "decode", &link.replacen("v1.", "v2.", 1)]));
    assert_eq!(err, "headroom: the link is version `v2`, which this Headroom cannot read (it reads v1)\n");
    let err = one_line_error(&headroom(&["policy", "decode", &link[..link.len() - 10]]));
    assert!(err.contains("truncated") || err.contains("base64url"), "{err}");
    let err = one_line_error(&headroom(&["policy", "decode", &format!("{}!{}", &link[..10], &link[10..])]));
    assert_eq!(err, "headroom: the link has '!' at character 11, which is not base64url (A-Z a-z 0-9 - _)\n");
    let err = one_line_error(&headroom(&["policy", "decode", "-abc"]));
    assert!(err.contains("no version"), "{err}");
}

#[test]
fn encode_errors_name_the_file() {
    let err = one_line_error(&headroom(&["policy", "encode", "/nonexistent/policy.json"]));
    assert!(err.starts_with("headroom: /nonexistent/policy.json: cannot read"), "{err}");
    let dir = std::env::temp_dir().join(format!("headroom-policy-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, std::fs::read_to_string(policy("threshold.json")).unwrap().replace("70", "170")).unwrap();
    let err = one_line_error(&headroom(&["policy", "encode", bad.to_str().unwrap()]));
    assert!(err.ends_with("bad.json: scaler.cpu.scale_up: 170 % is above 100 %\n"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn export_prints_the_document_and_notes_go_to_stderr() {
    // HPA from a threshold policy: YAML on stdout (read back as an HPA), notes on stderr.
    let out = headroom(&["policy", "export", "--format", "hpa", "--name", "web", &policy("threshold.json")]);
    let yaml = stdout(&out);
    let back = Policy::from_hpa_yaml(&yaml).unwrap();
    assert_eq!((back.min_instances, back.max_instances), (2, 12));
    assert!(yaml.contains("  name: web\n"), "{yaml}");
    let notes = String::from_utf8(out.stderr).unwrap();
    assert!(!notes.is_empty());
    for line in notes.lines() {
        assert!(line.starts_with("note: "), "{line}");
        assert!(yaml.contains(&format!("# Headroom: {}\n", &line[6..])), "{line}");
    }
    assert!(notes.contains("note: price per instance-hour 0.096"), "{notes}");

    let out = headroom(&["policy", "export", "--format", "keda", "--namespace", "shop", &policy("hpa-web.yaml")]);
    let yaml = stdout(&out);
    assert!(yaml.contains("kind: ScaledObject\n") && yaml.contains("  namespace: shop\n"), "{yaml}");

    let out = headroom(&["policy", "export", "--format", "aws", &policy("target-tracking.json")]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v[0]["PolicyType"], "TargetTrackingScaling");
    assert_eq!(v[0]["AutoScalingGroupName"], "my-app");
    assert!(String::from_utf8(out.stderr).unwrap().contains("note: set the group's MinSize 2 and MaxSize 20"));

    // Headroom's JSON loses nothing: no notes.
    let out = headroom(&["policy", "export", "--format", "json", &policy("seed.json")]);
    assert_eq!(Policy::from_json(&stdout(&out)).unwrap(), read("seed.json"));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn export_refuses_an_unknown_format_and_a_bad_file() {
    let out = headroom(&["policy", "export", "--format", "terraform", &policy("seed.json")]);
    assert_eq!(out.status.code(), Some(2), "clap's usage error");
    assert!(String::from_utf8(out.stderr).unwrap().contains("possible values: hpa, keda, aws, json"));
    let err = one_line_error(&headroom(&["policy", "export", "--format", "hpa", "/nonexistent/p.yaml"]));
    assert!(err.starts_with("headroom: /nonexistent/p.yaml: cannot read"), "{err}");
}
