//! Every limit of `headroom_core::ingest::limits` answers hostile or huge input with a message
//! naming what, where and the limit, instead of building it (or overflowing the stack).

use headroom_core::ingest::{MAX_LINE_BYTES, MAX_POINTS, MAX_SERIES};
use headroom_core::{check_file_size, parse, IngestError, MAX_FILE_BYTES};

/// `time,value` rows at 1-minute steps.
fn rows(n: usize) -> String {
    (0..n).map(|i| format!("{},{}\n", 1_700_000_000 + 60 * i, i % 7)).collect()
}

#[test]
fn a_file_over_1_gb_is_refused_before_reading() {
    assert_eq!(MAX_FILE_BYTES, 1_000_000_000);
    assert_eq!(check_file_size(900_000_000), Ok(()));
    let e = check_file_size(1_200_000_000).unwrap_err();
    assert_eq!(e.to_string(), "1.2 GB is over the 1 GB limit: export a shorter span, a coarser step or fewer series");
}

#[test]
fn a_100_mb_line_is_refused_with_its_line_number() {
    // In the lines Headroom samples to detect the layout.
    let line = "x".repeat(100_000_000);
    let text = format!("time,value\n{line}\n{}", rows(3));
    let e = parse("long.csv", text.as_bytes()).unwrap_err();
    assert_eq!(e, IngestError::LineTooLong { line: 2, bytes: 100_000_000, max: MAX_LINE_BYTES });
    assert_eq!(
        e.to_string(),
        "line 2 is 100,000,000 bytes long, over the limit of 1,048,576 bytes per line: not a metric export (a row is a few hundred bytes)"
    );
    // Far after the sample, among data rows.
    let text = format!("time,value\n{}{}\n", rows(100), "1".repeat(MAX_LINE_BYTES + 1));
    let e = parse("long.csv", text.as_bytes()).unwrap_err();
    assert_eq!(e, IngestError::LineTooLong { line: 102, bytes: MAX_LINE_BYTES + 1, max: MAX_LINE_BYTES });
    // A line exactly at the limit is read (and reported as a bad row).
    let text = format!("time,value\n{}{}\n", rows(100), "1".repeat(MAX_LINE_BYTES));
    let p = parse("long.csv", text.as_bytes()).unwrap();
    assert_eq!(p.series[0].len(), 100);
    assert_eq!(p.diagnostics[0].line, Some(102), "{:?}", p.diagnostics);
}

#[test]
fn a_long_line_in_influx_csv_is_refused() {
    let text = format!(
        "#datatype,string,long,dateTime:RFC3339,double\n,result,table,_time,_value\n,,0,2024-01-01T00:00:00Z,1\n,,0,{},2\n",
        "9".repeat(MAX_LINE_BYTES)
    );
    let e = parse("i.csv", text.as_bytes()).unwrap_err();
    assert!(matches!(e, IngestError::LineTooLong { line: 4, .. }), "{e:?}");
}

#[test]
fn ten_thousand_columns_are_refused_with_the_count() {
    let header: Vec<String> = std::iter::once("time".to_string()).chain((1..10_000).map(|i| format!("s{i}"))).collect();
    let row = |t: usize| format!("{t}{}", ",1".repeat(9_999));
    let text = format!("{}\n{}\n{}\n", header.join(","), row(1_700_000_000), row(1_700_000_060));
    let e = parse("wide.csv", text.as_bytes()).unwrap_err();
    assert_eq!(e, IngestError::TooManyColumns { line: 1, count: 10_000, max: MAX_SERIES + 1 });
    assert_eq!(
        e.to_string(),
        "line 1 has 10,000 columns; Headroom reads at most 1,001 (a timestamp and 1,000 series): export fewer series per file"
    );
    // A timestamp and exactly 1,000 series are read.
    let text = format!("{}\n1700000000{}\n", header[..1001].join(","), ",1".repeat(1000));
    assert_eq!(parse("wide.csv", text.as_bytes()).unwrap().series.len(), MAX_SERIES);
}

#[test]
fn a_million_columns_are_refused_with_the_count() {
    // 2 MB on one line: over the line limit, and reported as what it is.
    let text = format!("1700000000{}\n", ",1".repeat(999_999));
    let e = parse("million.csv", text.as_bytes()).unwrap_err();
    assert_eq!(e, IngestError::TooManyColumns { line: 1, count: 1_000_000, max: MAX_SERIES + 1 });
    // A data row far down with 600,000 fields (1.2 MB): same answer, at its line.
    let text = format!("time,value\n{}1700009999{}\n", rows(60), ",1".repeat(599_999));
    let e = parse("million.csv", text.as_bytes()).unwrap_err();
    assert_eq!(e, IngestError::TooManyColumns { line: 62, count: 600_000, max: MAX_SERIES + 1 });
}

#[test]
fn more_than_1000_series_in_json_are_refused_with_the_count() {
    let one =
        |i: usize| format!("{{\"metric\":{{\"pod\":\"p{i}\"}},\"values\":[[1700000000,\"1\"],[1700000060,\"2\"]]}}");
    let series: Vec<String> = (0..1_500).map(one).collect();
    let doc =
        format!("{{\"status\":\"success\",\"data\":{{\"resultType\":\"matrix\",\"result\":[{}]}}}}", series.join(","));
    let e = parse("prom.json", doc.as_bytes()).unwrap_err();
    assert_eq!(e, IngestError::TooManySeries { format: "Prometheus JSON", count: 1_500, max: MAX_SERIES });
    assert_eq!(
        e.to_string(),
        "this Prometheus JSON file holds 1,500 series; Headroom reads at most 1,000 per file: export fewer series per file"
    );
    let doc = format!(
        "{{\"status\":\"success\",\"data\":{{\"resultType\":\"matrix\",\"result\":[{}]}}}}",
        series[..1000].join(",")
    );
    assert_eq!(parse("prom.json", doc.as_bytes()).unwrap().series.len(), 1_000);
}

#[test]
fn more_than_20_million_points_stop_reading_at_the_line() {
    // 1,000 series of mostly empty cells: 20,000 rows are 20 million points; the next row is refused.
    let header: Vec<String> = std::iter::once("time".to_string()).chain((1..=1000).map(|i| format!("s{i}"))).collect();
    let cells = ",".repeat(999);
    let mut text = header.join(",");
    text.push('\n');
    for i in 0..20_001 {
        text.push_str(&format!("{},1{cells}\n", 1_700_000_000 + 60 * i));
    }
    let e = parse("huge.csv", text.as_bytes()).unwrap_err();
    assert_eq!(e, IngestError::TooManyPoints { points: 20_001_000, series: 1000, line: Some(20_002), max: MAX_POINTS });
    assert_eq!(
        e.to_string(),
        "20,001,000 data points in 1,000 series by line 20,002, over the limit of 20,000,000 per file: export a shorter span or a coarser step"
    );
}

#[test]
fn a_million_open_brackets_are_a_message_not_a_stack_overflow() {
    let deep = "[".repeat(1_000_000);
    let e = parse("deep.json", deep.as_bytes()).unwrap_err();
    assert!(matches!(e, IngestError::JsonTooDeep { line: 1, .. }), "{e:?}");
    assert!(e.to_string().starts_with("JSON nested more than 128 levels deep (at line 1, column 128)"), "{e}");
    // Inside an object, in NDJSON, and as objects.
    for doc in [format!("{{\"a\": {deep}"), format!("{{\"a\": 1}}\n{{\"b\": {deep}}}\n"), "{\"a\":".repeat(1_000_000)] {
        assert!(parse("deep.json", doc.as_bytes()).is_err());
    }
}
