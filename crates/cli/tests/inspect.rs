//! `headroom inspect` as a user runs it: on real NAB exports, with --json, and on bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn nab(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/nab").join(rel)
}

fn headroom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_headroom")).args(args).output().expect("run headroom")
}

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("headroom-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn json_summary_of_two_real_exports() {
    let cpu = nab("realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv");
    let taxi = nab("realKnownCause/nyc_taxi.csv");
    let out = headroom(&["inspect", "--json", cpu.to_str().unwrap(), taxi.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &v["series"][0];
    assert_eq!(s["name"], "ec2_cpu_utilization_5f5533");
    assert_eq!(s["points"], 4032);
    assert_eq!(s["start"], "2014-02-14T14:27:00Z");
    assert_eq!(s["end"], "2014-02-28T14:22:00Z");
    assert_eq!(s["step_seconds"], 300);
    assert_eq!(s["min"], 34.766);
    assert_eq!(s["max"], 68.092);
    assert!((s["mean"].as_f64().unwrap() - 43.1104).abs() < 1e-3);
    assert_eq!(s["unit"], "%");
    let t = &v["series"][1];
    assert_eq!(
        (t["name"].as_str(), t["points"].as_u64(), t["step_seconds"].as_u64()),
        (Some("nyc_taxi"), Some(10320), Some(1800))
    );
    assert_eq!(t["unit"], Value::Null);
    assert_eq!(v["diagnostics"], Value::Array(vec![]));
}

#[test]
fn json_diagnostics_name_file_and_line() {
    let disk = nab("realAWSCloudwatch/ec2_disk_write_bytes_1ef3de.csv");
    let out = headroom(&["inspect", "--json", disk.to_str().unwrap()]);
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = v["diagnostics"].as_array().unwrap();
    // 11 duplicates of the DST spring-forward hour, then the gap before it.
    assert_eq!(d.len(), 12);
    assert!(d[11]["message"].as_str().unwrap().contains("1 gap longer than 1.5 steps"));
    assert_eq!(d[0]["file"], disk.to_str().unwrap());
    assert_eq!(d[0]["line"], 2121);
    assert!(d[0]["message"].as_str().unwrap().contains("duplicate timestamp 2014-03-09T03:00:00Z"));
}

#[test]
fn table_lists_every_figure() {
    let rds = nab("realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv");
    let out = headroom(&["inspect", rds.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let header: Vec<_> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["series", "points", "start", "end", "step", "min", "max", "mean", "unit"]);
    let row: Vec<_> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(
        row,
        [
            "rds_cpu_utilization_cc0c53",
            "4032",
            "2014-02-14T14:30:00Z",
            "2014-02-28T14:30:00Z",
            "5",
            "min",
            "5.19",
            "25.1033",
            "8.1122",
            "%"
        ]
    );
}

#[test]
fn bad_input_exits_non_zero_with_one_line_naming_file_and_reason() {
    let cases: Vec<(PathBuf, &str)> = vec![
        (temp_file("photo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "not a text file"),
        (temp_file("empty.csv", b""), "the file is empty"),
        (temp_file("prose.txt", b"hello there\nsecond line\n"), "not a time series: line 1 has a single column"),
        (temp_file("people.csv", b"name,age\nann,31\n"), "not a time series: no column holds timestamps"),
        (PathBuf::from("/nonexistent/cpu.csv"), "cannot read"),
    ];
    for (path, reason) in cases {
        let out = headroom(&["inspect", "--json", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{}", path.display());
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with(&format!("headroom: {}: ", path.display())), "{err}");
        assert!(err.contains(reason), "{err}");
        // stdout is still one valid JSON object, with nothing in it.
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["series"], Value::Array(vec![]));
    }
}

#[test]
fn a_bad_file_among_good_ones_still_reports_the_good_ones() {
    let good = nab("realAWSCloudwatch/grok_asg_anomaly.csv");
    let bad = temp_file("bad.csv", b"x\n");
    let out = headroom(&["inspect", "--json", good.to_str().unwrap(), bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["series"][0]["name"], "grok_asg_anomaly");
}

#[test]
fn reads_monitoring_json_exports_too() {
    let formats = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/formats");
    let prom = formats.join("prometheus/prometheus_docs_query_range_up.json");
    let cw = formats.join("aws_cloudwatch/get-metric-statistics_cpu_max_1h_awscli-example.json");
    let out = headroom(&["inspect", "--json", prom.to_str().unwrap(), cw.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<_> = v["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["points"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        names,
        [
            ("up{instance=\"localhost:9090\",job=\"prometheus\"}", 3),
            ("up{instance=\"localhost:9091\",job=\"node\"}", 3),
            ("CPUUtilization.Maximum", 23),
        ]
    );
    assert_eq!(v["series"][2]["unit"], "%");
    assert_eq!(v["series"][0]["start"], "2015-07-01T20:10:30.781Z");
}

#[test]
fn a_file_over_1_gb_is_refused_unread() {
    // Sparse: 1.2 GB on paper, no disk space (and the test would run out of memory if it were read).
    let path = temp_file("huge.csv", b"");
    std::fs::File::options().write(true).open(&path).unwrap().set_len(1_200_000_000).unwrap();
    let out = headroom(&["inspect", path.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err,
        format!(
            "headroom: {}: 1.2 GB is over the 1 GB limit: export a shorter span, a coarser step or fewer series\n",
            path.display()
        )
    );
    std::fs::remove_file(&path).unwrap();
}
