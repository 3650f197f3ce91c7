//! `headroom simulate` as a user runs it, on the real NAB exports and the example policies.

use std::process::{Command, Output};

use serde_json::Value;

const NAB: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/nab/realAWSCloudwatch/");
const POLICIES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/policies/");

fn headroom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_headroom")).args(args).output().expect("run headroom")
}

fn nab(name: &str) -> String {
    format!("{NAB}{name}")
}

fn policy(name: &str) -> String {
    format!("{POLICIES}{name}")
}

fn simulate_json(file: &str, pol: &str, replicas: &str) -> Value {
    let out = headroom(&["simulate", &nab(file), "--policy", &policy(pol), "--replicas", replicas, "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn json_has_the_documented_shape_on_the_seed_policy() {
    let v = simulate_json("ec2_cpu_utilization_77c1ca.csv", "seed.json", "4");
    let instances = v["instances"].as_array().unwrap();
    // 14 days of 5-minute data evaluated every 60 s.
    assert_eq!(instances.len(), 4032 * 5);
    assert_eq!(instances[0]["timestamp"], "2014-04-02T14:25:00Z");
    assert_eq!(instances[1]["timestamp"], "2014-04-02T14:26:00Z");
    assert_eq!(instances[0]["count"], 4);
    let events = v["events"].as_array().unwrap();
    assert!(!events.is_empty());
    for e in events {
        assert!(e["timestamp"].as_str().unwrap().ends_with('Z'));
        assert!(e["from"].as_u64().unwrap() != e["to"].as_u64().unwrap());
        let reason = e["reason"].as_str().unwrap();
        assert!(reason.contains(" for 3 of 3 periods"), "{reason}");
    }
    let s = &v["summary"];
    for key in ["peak", "mean", "instance_hours", "cost", "breach_minutes"] {
        assert!(s[key].is_number(), "{key}: {s}");
    }
    assert!(s["runway"].is_null(), "no forecast, no runway");
    let peak = s["peak"].as_u64().unwrap();
    assert_eq!(instances.iter().map(|i| i["count"].as_u64().unwrap()).max(), Some(peak));
    assert!((s["instance_hours"].as_f64().unwrap() - s["mean"].as_f64().unwrap() * 336.0).abs() < 1e-6);
    assert_eq!(v["metrics"]["cpu"].as_str().map(|s| s.ends_with("ec2_cpu_utilization_77c1ca")), Some(true));
    assert!(v["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("memory threshold is ignored")));
}

#[test]
fn hpa_manifests_replay_every_sync() {
    let v = simulate_json("ec2_cpu_utilization_fe7f93.csv", "hpa-web.yaml", "3");
    // HPA syncs every 15 s: 4 entries per minute.
    assert_eq!(v["instances"].as_array().unwrap().len(), 4032 * 20);
    let events = v["events"].as_array().unwrap();
    assert!(events.iter().any(|e| e["reason"].as_str().unwrap().starts_with("HPA: cpu ratio")));
    let peak = v["summary"]["peak"].as_u64().unwrap();
    assert!((3..=30).contains(&peak), "{peak}");
    let notes: Vec<&str> = v["notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert!(notes.iter().any(|n| n.contains("sqs_messages_visible")), "{notes:?}");
}

#[test]
fn costs_follow_the_price() {
    let v = simulate_json("elb_request_count_8c0756.csv", "queueing.json", "2");
    let s = &v["summary"];
    assert!((s["cost"].as_f64().unwrap() - 0.05 * s["instance_hours"].as_f64().unwrap()).abs() < 1e-9);
    // Queueing sizes once per data step: 4,032 rows on a 5-minute grid with a few missing bins.
    let instances = v["instances"].as_array().unwrap();
    assert!((4032..4100).contains(&instances.len()), "{}", instances.len());
    assert_eq!(instances[1]["timestamp"], "2014-04-10T00:05:00Z", "on the epoch-aligned 5-minute grid");
    assert!(v["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("hold the previous one")));
}

#[test]
fn bad_input_is_one_line_naming_the_file() {
    let cpu = nab("ec2_cpu_utilization_5f5533.csv");
    let bad_policy = std::env::temp_dir().join(format!("headroom-bad-policy-{}.json", std::process::id()));
    std::fs::write(
        &bad_policy,
        r#"{"auto_scaling": {"triggers": {"cpu_usage": 75}, "actions": {"scale_up": "add_server"}}}"#,
    )
    .unwrap();
    let bad = bad_policy.display().to_string();
    for (args, needles) in [
        (
            vec!["simulate", cpu.as_str(), "--policy", bad.as_str(), "--replicas", "4"],
            vec![bad.as_str(), "auto_scaling.actions.scale_up: unknown action \"add_server\""],
        ),
        (
            vec!["simulate", "/nonexistent.csv", "--policy", &policy("seed.json"), "--replicas", "4"],
            vec!["/nonexistent.csv: cannot read"],
        ),
        (
            vec![
                "simulate",
                cpu.as_str(),
                "--policy",
                &policy("seed.json"),
                "--replicas",
                "4",
                "--metric",
                "cpu=nothing",
            ],
            vec!["--metric cpu=nothing: no series named \"nothing\""],
        ),
        (
            vec!["simulate", &nab("grok_asg_anomaly.csv"), "--policy", &policy("seed.json"), "--replicas", "4"],
            vec!["grok_asg_anomaly.csv: no CPU, memory, latency or request-rate series"],
        ),
    ] {
        let out = headroom(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        for n in needles {
            assert!(err.contains(n), "{err} (expected {n})");
        }
    }
    let _ = std::fs::remove_file(&bad_policy);
    // --metric maps an unguessable series.
    let out = headroom(&[
        "simulate",
        &nab("grok_asg_anomaly.csv"),
        "--policy",
        &policy("seed.json"),
        "--replicas",
        "4",
        "--metric",
        "cpu=grok_asg_anomaly",
        "--json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_horizon_projects_the_policy_over_the_forecast() {
    let out = headroom(&[
        "simulate",
        &nab("ec2_cpu_utilization_77c1ca.csv"),
        "--policy",
        &policy("seed.json"),
        "--replicas",
        "4",
        "--horizon",
        "7d",
        "--json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let instances = v["instances"].as_array().unwrap();
    // The history (4,032 five-minute steps evaluated every 60 s), then 7 days of forecast.
    assert_eq!(instances.len(), 4032 * 5 + 7 * 24 * 60);
    let f = &v["forecast"];
    assert_eq!(f["start"], "2014-04-16T14:25:00Z", "{f}");
    assert!(f["peak"].as_u64().unwrap() >= 1);
    assert!(f["peak_upper_95"].as_u64().unwrap() >= f["peak"].as_u64().unwrap(), "{f}");
    // The forecast's timestamps continue the history's, one evaluation step apart.
    let last_history = instances[4032 * 5 - 1]["timestamp"].as_str().unwrap();
    let first_forecast = instances[4032 * 5]["timestamp"].as_str().unwrap();
    assert_eq!((last_history, first_forecast), ("2014-04-16T14:24:00Z", "2014-04-16T14:25:00Z"));
    // A maximum the forecast needs more than gives a runway date inside the horizon.
    let tight = std::env::temp_dir().join(format!("headroom-tight-{}.json", std::process::id()));
    std::fs::write(&tight, r#"{"version": 1, "min_instances": 1, "max_instances": 1, "scaler": {"type": "threshold", "cpu": {"scale_up": 75}}}"#).unwrap();
    // About 40 % CPU on 4 instances: 1.6 instances of demand, more than the one allowed.
    let out = headroom(&[
        "simulate",
        &nab("ec2_cpu_utilization_5f5533.csv"),
        "--policy",
        tight.to_str().unwrap(),
        "--replicas",
        "4",
        "--horizon",
        "7d",
        "--json",
    ]);
    let _ = std::fs::remove_file(&tight);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let runway = v["summary"]["runway"].as_str().expect("a runway date");
    assert_eq!(runway, v["forecast"]["start"].as_str().unwrap(), "needed from the forecast's first step");
}

#[test]
fn an_hourly_peak_forecast_needs_more_instance_hours_than_an_hourly_mean_one() {
    // The instance-steps over the 95 % upper band's projection (the CSV's count at every step).
    let upper_instance_steps = |agg: &str| -> u64 {
        let file = nab("ec2_cpu_utilization_77c1ca.csv");
        let pol = policy("seed.json");
        let args = ["simulate", &file, "--policy", &pol, "--replicas", "4", "--horizon", "7d", "--forecast-step", "1h"];
        let out = headroom(&[&args[..], &["--aggregate", agg, "--csv"]].concat());
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let rows: Vec<Vec<&str>> = text.lines().skip(1).map(|l| l.split(',').collect()).collect();
        rows.iter().filter(|r| r[1] == "forecast_upper_95").map(|r| r[2].parse::<u64>().unwrap()).sum()
    };
    let (mean, max) = (upper_instance_steps("mean"), upper_instance_steps("max"));
    assert!(max > mean, "hourly max {max} vs hourly mean {mean} instance-steps");
    // Without a horizon there is nothing to forecast: the forecast's options are refused.
    let (file, pol) = (nab("ec2_cpu_utilization_77c1ca.csv"), policy("seed.json"));
    let out = headroom(&["simulate", &file, "--policy", &pol, "--replicas", "4", "--aggregate", "max"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--horizon"));
}

#[test]
fn a_horizon_that_is_not_a_duration_is_refused() {
    let out = headroom(&[
        "simulate",
        &nab("ec2_cpu_utilization_77c1ca.csv"),
        "--policy",
        &policy("seed.json"),
        "--replicas",
        "4",
        "--horizon",
        "soon",
    ]);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "headroom: --horizon soon: not a duration (e.g. 7d, 30d, 12h)"
    );
}

#[test]
fn csv_lists_the_instance_count_at_every_data_step_of_each_phase() {
    let out = headroom(&[
        "simulate",
        &nab("ec2_cpu_utilization_5f5533.csv"),
        "--policy",
        &policy("seed.json"),
        "--replicas",
        "4",
        "--horizon",
        "1d",
        "--csv",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let csv = String::from_utf8(out.stdout).unwrap();
    // The committed example is what the code writes today.
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/exports/instances.csv");
    assert!(
        std::fs::read_to_string(example).is_ok_and(|e| e == csv),
        "tests/fixtures/exports/instances.csv is stale: regenerate it with `headroom simulate \
         public/sample/ec2_cpu_utilization_5f5533.csv --policy tests/fixtures/policies/seed.json --replicas 4 \
         --horizon 1d --csv`"
    );
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows[0], ["timestamp", "phase", "instances"]);
    let count = |phase: &str| rows.iter().filter(|r| r[1] == phase).count();
    // 4,032 five-minute steps of history, then one day (288 steps) at the point forecast and at
    // its 95 % upper band.
    assert_eq!((count("history"), count("forecast"), count("forecast_upper_95")), (4032, 288, 288));
    // On the replay's grid: five-minute steps aligned to the epoch (the export's first row is 14:27).
    assert_eq!(rows[1][..2], ["2014-02-14T14:25:00Z", "history"]);
    assert_eq!(rows[4033][..2], ["2014-02-28T14:25:00Z", "forecast"]);
    assert!(rows[1..].iter().all(|r| r[2].parse::<u32>().is_ok_and(|n| (1..=10).contains(&n))), "{csv}");
    // The same replay as --json: the history's peak is the CSV's largest history count.
    let v = simulate_json("ec2_cpu_utilization_5f5533.csv", "seed.json", "4");
    let peak = rows.iter().filter(|r| r[1] == "history").map(|r| r[2].parse::<u64>().unwrap()).max().unwrap();
    assert_eq!(Some(peak), v["summary"]["peak"].as_u64(), "{}", v["summary"]);
}
