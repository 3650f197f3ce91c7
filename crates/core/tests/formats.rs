//! Every real monitoring-tool export in `../shared/data/formats/` is recognised by its content and
//! reads with the series, point counts, units and kinds a planner would check by eye.

use std::path::{Path, PathBuf};

use headroom_core::ingest::Format;
use headroom_core::time::to_rfc3339;
use headroom_core::{parse, Parsed, SeriesKind};

fn formats_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/formats")
}

/// Every file under `dir` but the licences.
fn export_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            export_files(&path, out);
        } else if !path.file_name().unwrap().to_str().unwrap().starts_with("LICENSE") {
            out.push(path);
        }
    }
}

/// (series name, points, missing values, unit, kind)
type ExpectedSeries = (&'static str, usize, usize, Option<&'static str>, SeriesKind);

/// (path under formats/, format, series in order)
type Expected = (&'static str, Format, &'static [ExpectedSeries]);

const EXPECTED: &[Expected] = &[
    (
        "prometheus/prometheus_docs_query_range_up.json",
        Format::PrometheusJson,
        &[
            (r#"up{instance="localhost:9090",job="prometheus"}"#, 3, 0, None, SeriesKind::Other),
            (r#"up{instance="localhost:9091",job="node"}"#, 3, 0, None, SeriesKind::Other),
        ],
    ),
    (
        "aws_cloudwatch/get-metric-statistics_cpu_max_1h_awscli-example.json",
        Format::CloudwatchMetricStatistics,
        &[("CPUUtilization.Maximum", 23, 0, Some("%"), SeriesKind::Cpu)],
    ),
    (
        "aws_cloudwatch/get-metric-data_billing_awscli-v2-example.json",
        Format::CloudwatchMetricData,
        &[("EstimatedCharges", 1, 0, None, SeriesKind::Other)],
    ),
    (
        "datadog/v1_query_system.cpu.idle_response.json",
        Format::DatadogV1,
        &[("system.cpu.idle", 288, 0, Some("%"), SeriesKind::Other)],
    ),
    (
        "influxdb/flux_annotated_csv_two_tables_csv2lp-readme.csv",
        Format::InfluxCsv { annotated: true },
        &[
            // No unit in the file: a CPU series takes `%` by default.
            ("cpu.time_steal{cpu=cpu1,host=rsavage.prod}", 2, 0, None, SeriesKind::Other),
            ("cpu.usage_user{cpu=cpu-total,host=tahoecity.prod}", 2, 0, Some("%"), SeriesKind::Cpu),
        ],
    ),
    (
        "azure_monitor/GetMetric_2018-01-01_response_body.json",
        Format::AzureMonitor,
        &[
            // `average` appears only at 02:23: the three minutes before are gaps, not zeros.
            ("BlobCapacity.average{blobtype=PageBlob}", 4, 3, Some("B"), SeriesKind::Bytes),
            ("BlobCapacity.count{blobtype=PageBlob}", 4, 0, None, SeriesKind::Other),
            ("BlobCapacity.average{blobtype=BlockBlob}", 4, 3, Some("B"), SeriesKind::Bytes),
            ("BlobCapacity.count{blobtype=BlockBlob}", 4, 0, None, SeriesKind::Other),
        ],
    ),
    (
        "grafana_csv/battery_voltage_single_series.csv",
        Format::Delimited { delimiter: ',' },
        // 6250 rows, 101 of them repeating a timestamp (merged); the header gives no unit (the
        // values, around 16 600, are millivolts).
        &[("vbatt", 6149, 0, None, SeriesKind::Other)],
    ),
];

fn read(rel: &str) -> Parsed {
    let path = formats_dir().join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse(path.to_str().unwrap(), &bytes).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn every_export_reads_with_its_series() {
    let mut files = Vec::new();
    export_files(&formats_dir(), &mut files);
    assert_eq!(files.len(), EXPECTED.len(), "a new file in shared/data/formats needs an expectation here: {files:?}");
    for path in &files {
        let rel = path.strip_prefix(formats_dir()).unwrap().to_str().unwrap().replace('\\', "/");
        let &(_, format, series) =
            EXPECTED.iter().find(|e| e.0 == rel).unwrap_or_else(|| panic!("no expectation for {rel}"));
        let parsed = read(&rel);
        assert_eq!(parsed.format, format, "{rel}");
        let names: Vec<&str> = parsed.series.iter().map(|s| s.name.as_str()).collect();
        let expected_names: Vec<&str> = series.iter().map(|e| e.0).collect();
        assert_eq!(names, expected_names, "{rel}");
        for (s, &(name, points, missing, unit, kind)) in parsed.series.iter().zip(series) {
            let st = s.stats().unwrap();
            assert_eq!(st.points, points, "{rel}: {name}");
            assert_eq!(st.missing, missing, "{rel}: {name}");
            assert_eq!(s.unit.as_deref(), unit, "{rel}: {name}");
            assert_eq!(s.kind, kind, "{rel}: {name}");
            assert_eq!(s.values.len(), s.timestamps.len(), "{rel}: {name}");
            assert!(s.timestamps.windows(2).all(|w| w[0] < w[1]), "{rel}: {name}: strictly increasing");
        }
    }
}

#[test]
fn prometheus_seconds_with_milliseconds_and_string_values() {
    let p = read("prometheus/prometheus_docs_query_range_up.json");
    assert_eq!(p.series[0].timestamps, vec![1_435_781_430_781, 1_435_781_445_781, 1_435_781_460_781]);
    assert_eq!(p.series[0].values, vec![1.0, 1.0, 1.0]);
    assert_eq!(p.series[1].values, vec![0.0, 0.0, 1.0]);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
}

#[test]
fn cloudwatch_datapoints_in_any_order_come_out_sorted_without_complaint() {
    let p = read("aws_cloudwatch/get-metric-statistics_cpu_max_1h_awscli-example.json");
    let s = &p.series[0];
    assert_eq!(to_rfc3339(s.timestamps[0]), "2014-04-08T23:18:00Z");
    assert_eq!(to_rfc3339(*s.timestamps.last().unwrap()), "2014-04-09T21:18:00Z");
    let st = s.stats().unwrap();
    assert_eq!(st.step_ms, 3_600_000);
    assert_eq!((st.min, st.max), (Some(44.79), Some(76.84)));
    assert_eq!(s.values[4], 76.84, "03:18 is the fifth hour");
    assert!(p.diagnostics.is_empty(), "the order of Datapoints means nothing: {:?}", p.diagnostics);

    let p = read("aws_cloudwatch/get-metric-data_billing_awscli-v2-example.json");
    assert_eq!(to_rfc3339(p.series[0].timestamps[0]), "2024-09-26T12:00:00Z");
    assert_eq!(p.series[0].values, vec![542.38]);
}

#[test]
fn datadog_pointlist_in_epoch_milliseconds() {
    let p = read("datadog/v1_query_system.cpu.idle_response.json");
    let s = &p.series[0];
    assert_eq!(s.timestamps[0], 1_641_344_100_000);
    assert_eq!(*s.timestamps.last().unwrap(), 1_641_430_200_000);
    let st = s.stats().unwrap();
    assert_eq!(st.step_ms, 300_000);
    assert!((st.min.unwrap() - 90.409).abs() < 1e-3 && (st.max.unwrap() - 92.649).abs() < 1e-3, "{st:?}");
}

#[test]
fn influx_tables_become_one_series_per_group_key() {
    let p = read("influxdb/flux_annotated_csv_two_tables_csv2lp-readme.csv");
    assert_eq!(
        p.series[0].timestamps.iter().map(|&t| to_rfc3339(t)).collect::<Vec<_>>(),
        ["2020-02-25T22:17:57Z", "2020-02-25T22:18:07Z"]
    );
    assert_eq!(p.series[0].values, vec![0.0, 0.0]);
    assert_eq!(p.series[1].values, vec![2.7263631815907954, 2.247752247752248]);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
}

#[test]
fn azure_omitted_aggregations_are_gaps_reported_with_path_and_line() {
    let p = read("azure_monitor/GetMetric_2018-01-01_response_body.json");
    let avg = &p.series[2];
    assert!(avg.values[..3].iter().all(|v| v.is_nan()));
    assert_eq!(avg.values[3], 245.0);
    assert_eq!(p.series[3].values, vec![0.0, 0.0, 0.0, 1.0]);
    let d = p
        .diagnostics
        .iter()
        .find(|d| d.path.as_deref() == Some("value[0].timeseries[1].data[0].average"))
        .unwrap_or_else(|| panic!("{:?}", p.diagnostics));
    assert_eq!(d.line, Some(60));
    assert!(d.message.contains("3 missing values"), "{d:?}");
}

#[test]
fn grafana_csv_duplicates_are_merged_and_each_reported() {
    let p = read("grafana_csv/battery_voltage_single_series.csv");
    let s = &p.series[0];
    let dups = p.diagnostics.iter().filter(|d| d.message.contains("duplicate timestamp")).count();
    assert_eq!(s.len() + dups, 6250, "every row is a point or a reported duplicate");
    assert_eq!(to_rfc3339(s.timestamps[0]), "2019-06-29T02:14:56Z");
    assert_eq!(s.values[0], 16608.0);
}

/// `../shared/data/other/`: a monthly series with a date-only column (`ds,y`, Prophet's layout).
#[test]
fn monthly_retail_sales_with_date_only_timestamps() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/other/example_retail_sales.csv");
    let parsed = headroom_core::parse("example_retail_sales.csv", &std::fs::read(path).unwrap()).unwrap();
    assert_eq!(parsed.series.len(), 1);
    let s = &parsed.series[0];
    assert_eq!(s.name, "example_retail_sales", "a generic `y` column takes the file's name");
    let st = s.stats().unwrap();
    assert_eq!((st.points, st.missing), (293, 0));
    assert_eq!(headroom_core::time::to_rfc3339(st.start_ms), "1992-01-01T00:00:00Z");
    assert_eq!(headroom_core::time::to_rfc3339(st.end_ms), "2016-05-01T00:00:00Z");
    assert_eq!((st.min, st.max), (Some(146_376.0), Some(518_253.0)));
}
