//! `headroom forecast` as a user runs it, on real exports from `../shared/data/nab/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn headroom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_headroom")).args(args).output().expect("run headroom")
}

fn nab(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/nab").join(rel)
}

fn last_timestamp_ms(path: &Path) -> i64 {
    let text = std::fs::read_to_string(path).unwrap();
    let last = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
    let ts = last.split(',').next().unwrap();
    chrono::NaiveDateTime::parse_from_str(ts, "%Y-%m-%d %H:%M:%S").unwrap().and_utc().timestamp_millis()
}

#[test]
fn json_has_one_entry_per_step_from_one_step_after_the_last_point() {
    let path = nab("realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv");
    let out = headroom(&["forecast", path.to_str().unwrap(), "--horizon", "2d", "--model", "linear", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["model"], "linear");
    let fc = v["forecast"].as_array().unwrap();
    assert_eq!(fc.len(), 2 * 288);
    let first = chrono::DateTime::parse_from_rfc3339(fc[0]["timestamp"].as_str().unwrap()).unwrap();
    assert_eq!(first.timestamp_millis(), last_timestamp_ms(&path) + 300_000);
    assert!(fc[0]["timestamp"].as_str().unwrap().ends_with('Z'));
    for e in fc {
        let f = |k: &str| e[k].as_f64().unwrap();
        assert!(f("lower_95") <= f("lower_80") && f("lower_80") <= f("point"));
        assert!(f("point") <= f("upper_80") && f("upper_80") <= f("upper_95"));
    }
    // The chosen model and the seasonal-naive baseline are scored.
    let bt = v["backtest"].as_object().unwrap();
    assert!(bt["linear"]["mase"].as_f64().is_some() && bt["seasonal-naive"]["mae"].as_f64().is_some());
}

#[test]
fn an_hourly_step_forecasts_the_hourly_peaks_of_five_minute_data() {
    let path = nab("realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv");
    let run = |agg: &str| -> Value {
        let p = path.to_str().unwrap();
        let args = ["forecast", p, "--horizon", "1d", "--model", "seasonal-naive", "--step", "1h", "--aggregate", agg];
        let out = headroom(&[&args[..], &["--json"]].concat());
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let (mean, max) = (run("mean"), run("max"));
    let points = |v: &Value| -> Vec<f64> {
        v["forecast"].as_array().unwrap().iter().map(|e| e["point"].as_f64().unwrap()).collect()
    };
    let (mean_points, max_points) = (points(&mean), points(&max));
    assert_eq!((max["step_ms"].as_i64(), max_points.len()), (Some(3_600_000), 24));
    // The export ends partway through an hour: that hour is forecast (its max so far would be too
    // low), and the notes say so.
    let first = chrono::DateTime::parse_from_rfc3339(max["forecast"][0]["timestamp"].as_str().unwrap()).unwrap();
    let last = last_timestamp_ms(&path);
    assert!(last.rem_euclid(3_600_000) < 55 * 60_000);
    assert_eq!(first.timestamp_millis(), last - last.rem_euclid(3_600_000));
    assert!(max["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("covers only in part")));
    // Yesterday's hourly peaks, never below its hourly means, and above them somewhere.
    assert!(max_points.iter().zip(&mean_points).all(|(x, m)| x >= m), "{max_points:?} vs {mean_points:?}");
    assert!(max_points.iter().zip(&mean_points).any(|(x, m)| x > m));
}

#[test]
fn auto_reports_every_model_and_finds_nyc_taxis_seasons() {
    let path = nab("realKnownCause/nyc_taxi.csv");
    let out = headroom(&["forecast", path.to_str().unwrap(), "--horizon", "7d", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["forecast"].as_array().unwrap().len(), 7 * 48);
    let bt = v["backtest"].as_object().unwrap();
    for m in ["seasonal-naive", "linear", "theil-sen", "exponential", "ets", "mstl"] {
        assert!(bt.contains_key(m), "{m}");
    }
    // auto keeps the model with the lowest median MASE over the backtest origins.
    let best = bt.values().filter_map(|s| s["median_mase"].as_f64()).fold(f64::INFINITY, f64::min);
    let chosen = bt[v["model"].as_str().unwrap()]["median_mase"].as_f64().unwrap();
    assert_eq!(chosen, best, "{}", v["model"]);
    let seasons: Vec<&str> = v["seasons"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(seasons, ["daily", "weekly"]);
}

#[test]
fn the_table_names_the_model_and_its_scores() {
    let path = nab("realAWSCloudwatch/elb_request_count_8c0756.csv");
    let out = headroom(&[
        "forecast",
        path.to_str().unwrap(),
        "--horizon",
        "1d",
        "--model",
        "theil-sen",
        "--aggregate",
        "max",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("model     theil-sen") && text.contains("(max)") && text.contains("MASE"), "{text}");
}

#[test]
fn bad_input_is_one_line_naming_the_file_and_a_non_zero_exit() {
    let path = nab("realAWSCloudwatch/grok_asg_anomaly.csv");
    let p = path.to_str().unwrap();
    for (args, reason) in [
        (vec![p, "--horizon", "soon"], "cannot read \"soon\" as a duration"),
        (vec![p, "--horizon", "91d"], "longer than the 90 days allowed"),
        (vec![p, "--horizon", "1m"], "shorter than one 5 min step"),
        (vec![p, "--horizon", "1d", "--model", "prophet"], "\"prophet\" is not one of"),
        (vec![p, "--horizon", "1d", "--model", "exponential"], "needs every value above 0"),
        (vec![p, "--horizon", "1d", "--series", "nope"], "no series named \"nope\""),
        (vec![p, "--horizon", "1d", "--step", "hourly"], "--step: cannot read \"hourly\" as a duration"),
        (vec![p, "--horizon", "1d", "--step", "0m"], "--step: \"0m\" is not a positive duration"),
        (vec![p, "--horizon", "1d", "--aggregate", "median"], "\"median\" is not one of mean, max, p95"),
        (vec!["/nonexistent.csv", "--horizon", "1d"], "cannot read"),
    ] {
        let mut all = vec!["forecast"];
        all.extend(args);
        let out = headroom(&all);
        assert_eq!(out.status.code(), Some(1), "{all:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(reason) && err.contains(".csv"), "{err}");
    }
}
