//! Every real CloudWatch / NAB export in `../shared/data/nab/` reads completely, with the figures a
//! planner would check by eye, and its known mess (DST duplicates, time going backwards) reported.

use std::path::{Path, PathBuf};

use headroom_core::{parse, SeriesKind};

fn nab_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/nab")
}

fn csv_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            csv_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "csv") {
            out.push(path);
        }
    }
}

/// (file stem, data rows, points after merging duplicates, step in minutes, min, max, kind)
type Expected = (&'static str, usize, usize, i64, f64, f64, SeriesKind);

const EXPECTED: &[Expected] = &[
    ("ec2_cpu_utilization_5f5533", 4032, 4032, 5, 34.766, 68.092, SeriesKind::Cpu),
    ("ec2_cpu_utilization_77c1ca", 4032, 4032, 5, 0.064, 99.898, SeriesKind::Cpu),
    ("ec2_cpu_utilization_fe7f93", 4032, 4032, 5, 1.8, 99.668, SeriesKind::Cpu),
    ("ec2_disk_write_bytes_1ef3de", 4730, 4719, 5, 0.0, 547_457_000.0, SeriesKind::Bytes),
    ("elb_request_count_8c0756", 4032, 4032, 5, 1.0, 656.0, SeriesKind::RequestRate),
    ("grok_asg_anomaly", 4621, 4621, 5, 0.0, 45.6229, SeriesKind::Other),
    ("rds_cpu_utilization_cc0c53", 4032, 4032, 5, 5.19, 25.1033, SeriesKind::Cpu),
    ("machine_temperature_system_failure", 22695, 22683, 5, 2.0847, 108.5105, SeriesKind::Other),
    ("nyc_taxi", 10320, 10320, 30, 8.0, 39197.0, SeriesKind::Other),
];

#[test]
fn every_nab_file_reads_completely() {
    let mut files = Vec::new();
    csv_files(&nab_dir(), &mut files);
    assert_eq!(files.len(), EXPECTED.len(), "a new file in shared/data/nab needs an expectation here");
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_stem().unwrap().to_str().unwrap();
        let &(_, rows, points, step_min, min, max, kind) =
            EXPECTED.iter().find(|e| e.0 == name).unwrap_or_else(|| panic!("no expectation for {name}"));
        let parsed = parse(path.to_str().unwrap(), &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(parsed.series.len(), 1, "{name}");
        let s = &parsed.series[0];
        assert_eq!(s.name, name);
        assert_eq!(s.kind, kind, "{name}");
        let st = s.stats().unwrap();
        assert_eq!(st.points, points, "{name}");
        assert_eq!(st.missing, 0, "{name}");
        assert_eq!(st.step_ms, step_min * 60_000, "{name}");
        assert!((st.min.unwrap() - min).abs() < 1e-3, "{name}: min {:?}", st.min);
        assert!((st.max.unwrap() - max).abs() < 1e-3, "{name}: max {:?}", st.max);
        assert!(s.timestamps.windows(2).all(|w| w[0] < w[1]), "{name}: strictly increasing");
        // Every row either became a point or is accounted for by a duplicate diagnostic.
        let duplicates = parsed.diagnostics.iter().filter(|d| d.message.contains("duplicate timestamp")).count();
        assert_eq!(points + duplicates, rows, "{name}: rows lost silently");
    }
}

#[test]
fn dst_spring_forward_duplicates_are_reported_with_their_lines() {
    let path = nab_dir().join("realAWSCloudwatch/ec2_disk_write_bytes_1ef3de.csv");
    let parsed = parse("ec2_disk_write_bytes_1ef3de.csv", &std::fs::read(path).unwrap()).unwrap();
    let dups: Vec<_> =
        parsed.diagnostics.iter().filter(|d| d.message.contains("duplicate timestamp 2014-03-09T03:00:00Z")).collect();
    assert_eq!(dups.len(), 11, "12 rows share one timestamp: 11 merged into the first");
    // Line 1 is the header; the 12 rows are lines 2120..=2131.
    assert_eq!(dups.first().unwrap().line, Some(2121));
    assert_eq!(dups.last().unwrap().line, Some(2131));
    assert_eq!(parsed.series[0].unit.as_deref(), Some("B"));
    // The hour the clocks skipped is a gap, reported at the first row after it.
    let gaps: Vec<_> = parsed.diagnostics.iter().filter(|d| d.message.contains("gap")).collect();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0].line, Some(2120));
    assert_eq!(
        gaps[0].message,
        "\"ec2_disk_write_bytes_1ef3de\": 1 gap longer than 1.5 steps (step 5 min): 1 h 1 min from \
         2014-03-09T01:59:00Z to 2014-03-09T03:00:00Z; left as gaps"
    );
    assert_eq!(parsed.diagnostics.len(), 12, "11 duplicates and the gap");
}

#[test]
fn time_going_backwards_is_sorted_and_reported() {
    let path = nab_dir().join("realKnownCause/machine_temperature_system_failure.csv");
    let parsed = parse("m.csv", &std::fs::read(path).unwrap()).unwrap();
    let order: Vec<_> = parsed.diagnostics.iter().filter(|d| d.message.contains("not in time order")).collect();
    assert_eq!(order.len(), 1);
    assert_eq!(order[0].line, Some(10151));
}

#[test]
fn the_bundled_sample_is_the_nab_file() {
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/sample/ec2_cpu_utilization_5f5533.csv");
    let original = nab_dir().join("realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv");
    assert_eq!(std::fs::read(bundled).unwrap(), std::fs::read(original).unwrap());
}
