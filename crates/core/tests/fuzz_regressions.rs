//! Every input the fuzz targets (`fuzz/`) found a crash with, kept as a file under
//! `tests/fuzz-regressions/<entry>/` and run through the same public entry in the normal test
//! suite: `parse/` through `headroom_core::parse`, `share/` through `share::decode`,
//! `policy-json/` through `Policy::from_json`, `policy-yaml/` through `Policy::from_hpa_yaml`.
//! Each must return (no panic, no hang) and, where it parses, meet the invariants the fuzz targets
//! assert.

use std::path::{Path, PathBuf};

use headroom_core::capacity::policy::Policy;
use headroom_core::ingest::MAX_SERIES;
use headroom_core::share;

fn inputs(entry: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions").join(entry);
    let Ok(read) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut out: Vec<(PathBuf, Vec<u8>)> = read
        .map(|e| e.unwrap().path())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn parse_regressions() {
    let cases = inputs("parse");
    assert!(!cases.is_empty());
    for (path, bytes) in cases {
        if let Ok(p) = headroom_core::parse("fuzz.csv", &bytes) {
            assert!(p.series.len() <= MAX_SERIES, "{}", path.display());
            for s in &p.series {
                assert_eq!(s.timestamps.len(), s.values.len(), "{}", path.display());
                assert!(s.timestamps.windows(2).all(|w| w[0] < w[1]), "{}", path.display());
            }
        }
    }
}

#[test]
fn a_sep_line_with_a_multibyte_character_is_ignored_not_a_panic() {
    let text = "sep=\u{FFFD}\ntime;cpu\n2024-01-01 00:00:00;1\n2024-01-01 00:01:00;2\n";
    let p = headroom_core::parse("s.csv", text.as_bytes()).unwrap();
    assert_eq!(p.series[0].values, vec![1.0, 2.0]);
}

#[test]
fn share_regressions() {
    for (path, bytes) in inputs("share") {
        if let Ok(policy) = share::decode(&String::from_utf8_lossy(&bytes)) {
            assert_eq!(share::decode(&share::encode(&policy)), Ok(policy), "{}", path.display());
        }
    }
}

#[test]
fn policy_regressions() {
    for (path, bytes) in inputs("policy-json") {
        if let Ok(policy) = Policy::from_json(&String::from_utf8_lossy(&bytes)) {
            assert_eq!(policy.validate(), Ok(()), "{}", path.display());
        }
    }
    for (path, bytes) in inputs("policy-yaml") {
        if let Ok(policy) = Policy::from_hpa_yaml(&String::from_utf8_lossy(&bytes)) {
            assert_eq!(policy.validate(), Ok(()), "{}", path.display());
        }
    }
}
