//! `headroom size` (Erlang C) as a user runs it.

use std::process::{Command, Output};

use serde_json::Value;

fn headroom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_headroom")).args(args).output().expect("run headroom")
}

#[test]
fn json_gives_the_smallest_count_meeting_the_mean_wait() {
    // λ = 10/s, μ = 1/s: 12 servers wait 224.7 ms on average, 13 meet 200 ms.
    let out = headroom(&["size", "--arrival-rate", "10", "--service-rate", "1", "--max-wait", "200ms", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["servers"], 13);
    assert!((v["utilisation"].as_f64().unwrap() - 10.0 / 13.0).abs() < 1e-12);
    assert!(v["mean_wait_ms"].as_f64().unwrap() <= 200.0);
    assert!(v["p_wait"].as_f64().unwrap() > 0.0 && v["p_wait"].as_f64().unwrap() < 1.0);
}

#[test]
fn stable_for_a_hundred_thousand_servers() {
    let out = headroom(&["size", "--arrival-rate", "100000", "--service-rate", "1", "--max-wait", "5ms", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let servers = v["servers"].as_u64().unwrap();
    assert!((100_001..101_000).contains(&servers), "{servers}");
    assert!(v["mean_wait_ms"].as_f64().unwrap() <= 5.0);
}

#[test]
fn bad_input_is_one_line_and_a_non_zero_exit() {
    for (args, reason) in [
        (
            vec!["--arrival-rate", "10", "--service-rate", "0", "--max-wait", "5ms"],
            "the service rate must be a positive number",
        ),
        (
            vec!["--arrival-rate", "10", "--service-rate", "1", "--max-wait", "soon"],
            "cannot read \"soon\" as a duration",
        ),
    ] {
        let mut all = vec!["size"];
        all.extend(args);
        let out = headroom(&all);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(reason), "{err}");
    }
}
