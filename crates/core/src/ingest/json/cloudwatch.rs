//! AWS CloudWatch, as the AWS CLI (v1 or v2) and the SDKs write it:
//!
//! - `get-metric-statistics`: `{"Label", "Datapoints": [{"Timestamp", "Average" | "Sum" |
//!   "Minimum" | "Maximum" | "SampleCount" | "ExtendedStatistics": {"p99": ..}, "Unit"}]}` with
//!   the datapoints in no particular order. One series per statistic present, named
//!   `Label.Statistic` (`CPUUtilization.Maximum`, `Latency.p99`).
//! - `get-metric-data`: `{"MetricDataResults": [{"Id", "Label", "Timestamps": [..], "Values": [..],
//!   "StatusCode"}], "Messages"}`, parallel arrays newest first by default. One series per result,
//!   named by its `Label` (else its `Id`); no unit is given.
//!
//! Timestamps are ISO 8601 (`2014-04-09T11:18:00Z` from CLI v1, `2024-09-29T22:10:00+00:00` from
//! v2) or epoch numbers.

use super::{nothing_usable, reading, shown, time_of, LineMap, NumTime, Order, Reading, Table, Val};
use crate::ingest::{source_stem, Diagnostics, IngestError};
use crate::series::{Series, SeriesKind};

const STATISTICS: &str = "CloudWatch get-metric-statistics";
const DATA: &str = "CloudWatch get-metric-data";

/// The symbol of a CloudWatch `Unit` (`StandardUnit`); `None` for `Count`, `None` and the unknown.
pub(super) fn unit_symbol(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "Percent" => "%",
        "Seconds" => "s",
        "Milliseconds" => "ms",
        "Microseconds" => "µs",
        "Bytes" => "B",
        "Kilobytes" => "KB",
        "Megabytes" => "MB",
        "Gigabytes" => "GB",
        "Terabytes" => "TB",
        "Bits" => "bit",
        "Kilobits" => "kbit",
        "Megabits" => "Mbit",
        "Gigabits" => "Gbit",
        "Terabits" => "Tbit",
        "Bytes/Second" => "B/s",
        "Kilobytes/Second" => "KB/s",
        "Megabytes/Second" => "MB/s",
        "Gigabytes/Second" => "GB/s",
        "Terabytes/Second" => "TB/s",
        "Bits/Second" => "bit/s",
        "Kilobits/Second" => "kbit/s",
        "Megabits/Second" => "Mbit/s",
        "Gigabits/Second" => "Gbit/s",
        "Terabits/Second" => "Tbit/s",
        "Count/Second" => "/s",
        _ => return None,
    })
}

const STATS: [&str; 5] = ["Average", "Sum", "Minimum", "Maximum", "SampleCount"];

pub(super) fn read_statistics(
    source: &str,
    root: Val,
    lm: &mut LineMap,
    diags: &mut Diagnostics,
) -> Result<Vec<Series>, IngestError> {
    let label = root.get("Label").and_then(Val::as_name).unwrap_or_else(|| source_stem(source)).to_string();
    let datapoints = root.get("Datapoints");
    let Some(points) = datapoints.and_then(Val::items) else {
        return Err(IngestError::JsonStructure {
            format: STATISTICS,
            path: "Datapoints".to_string(),
            message: format!("expected an array, found {}", datapoints.map_or("nothing", Val::describe)),
        });
    };
    if points.is_empty() {
        return Err(IngestError::NoData {
            format: STATISTICS,
            detail: format!("\"Datapoints\" is empty: CloudWatch had no data for {label} in the requested period"),
        });
    }

    let mut table = Table::new();
    // The unit as CloudWatch writes it, and where it was first seen.
    let mut unit: Option<&str> = None;
    for (i, dp) in points.iter().enumerate() {
        let path = |key: &str| format!("Datapoints[{i}]{}{key}", if key.is_empty() { "" } else { "." });
        let ts = dp.get("Timestamp");
        let line = ts.and_then(|t| lm.of(t)).or_else(|| lm.of(dp));
        if !matches!(dp, Val::Obj(_)) {
            diags.push_at(line, path(""), format!("a datapoint is {}, not an object: skipped", dp.describe()));
            continue;
        }
        let Some(t) = ts.and_then(|t| time_of(t, NumTime::Guess)) else {
            let what = ts
                .map_or_else(|| "no \"Timestamp\"".to_string(), |t| format!("cannot read {} as a timestamp", shown(t)));
            diags.push_at(line, path("Timestamp"), format!("{what}: datapoint skipped"));
            continue;
        };
        table.push_row(t, line, i);
        for (key, v) in dp.entries() {
            match key {
                "Unit" => {
                    let Some(u) = v.as_str() else { continue };
                    match unit {
                        None => unit = Some(u),
                        Some(known) if known != u => diags.push_at(
                            line,
                            path("Unit"),
                            format!("\"{label}\": unit \"{u}\" differs from \"{known}\" used above; value kept as is"),
                        ),
                        Some(_) => {}
                    }
                }
                "ExtendedStatistics" => {
                    for (stat, sv) in v.entries() {
                        let at = || format!("Datapoints[{i}].ExtendedStatistics.{stat}");
                        set(&mut table, &label, stat, sv, line, at, diags);
                    }
                }
                k if STATS.contains(&k) => set(&mut table, &label, k, v, line, || path(k), diags),
                _ => {}
            }
        }
    }
    if table.len() == 0 {
        return Err(nothing_usable(STATISTICS, diags));
    }
    let symbol = unit.and_then(unit_symbol);
    let (times, lines, cols) = table.finish();
    if cols.is_empty() {
        return Err(IngestError::NoData {
            format: STATISTICS,
            detail: "no datapoint holds Average, Sum, Minimum, Maximum, SampleCount or ExtendedStatistics".to_string(),
        });
    }
    let mut out = Vec::new();
    for col in cols {
        let stat = col.name.clone();
        let ext = !STATS.contains(&stat.as_str());
        let mut p = col.into_points(&times, &lines, |doc| {
            if ext {
                format!("Datapoints[{doc}].ExtendedStatistics.{stat}")
            } else {
                format!("Datapoints[{doc}].{stat}")
            }
        });
        p.name = format!("{label}.{stat}");
        // A sample count is a count whatever the metric's unit.
        if stat == "SampleCount" {
            p.kind = Some(SeriesKind::Other);
        } else {
            p.unit = symbol.map(str::to_string);
        }
        p.kind_name = Some(label.clone());
        p.path = "Datapoints".to_string();
        out.extend(p.finish(Order::Any, "statistic absent or null", diags));
    }
    Ok(out)
}

/// Sets one statistic of the current datapoint.
fn set(
    table: &mut Table,
    label: &str,
    stat: &str,
    v: Val,
    line: Option<usize>,
    path: impl FnOnce() -> String,
    diags: &mut Diagnostics,
) {
    let Some(c) = table.column(stat) else {
        diags.push_at(
            line,
            path(),
            format!("\"{label}.{stat}\": more than {} statistics: not read", Table::MAX_COLUMNS),
        );
        return;
    };
    match reading(v) {
        Reading::Value(x) => table.set(c, x, false),
        Reading::Missing => table.set(c, f64::NAN, true),
        Reading::Bad(msg) => {
            diags.push_at(line, path(), format!("\"{label}.{stat}\": {msg}"));
            table.set(c, f64::NAN, false);
        }
    }
}

pub(super) fn read_data(root: Val, lm: &mut LineMap, diags: &mut Diagnostics) -> Result<Vec<Series>, IngestError> {
    report_messages(root, "Messages", lm, diags);
    if let Some(token) = root.get("NextToken").filter(|t| t.as_name().is_some()) {
        diags.push_at(
            lm.of(token),
            "NextToken".to_string(),
            "more results exist (NextToken is set): this file holds only the first page".to_string(),
        );
    }
    let results = root.get("MetricDataResults");
    let Some(results) = results.and_then(Val::items) else {
        return Err(IngestError::JsonStructure {
            format: DATA,
            path: "MetricDataResults".to_string(),
            message: format!("expected an array, found {}", results.map_or("nothing", Val::describe)),
        });
    };
    if results.is_empty() {
        return Err(IngestError::NoData { format: DATA, detail: "\"MetricDataResults\" is empty".to_string() });
    }
    let mut out = Vec::new();
    for (i, r) in results.iter().enumerate() {
        let base = format!("MetricDataResults[{i}]");
        let line = lm.of(r);
        let name = r
            .get("Label")
            .and_then(Val::as_name)
            .or_else(|| r.get("Id").and_then(Val::as_name))
            .map_or_else(|| format!("result {}", i + 1), str::to_string);
        match r.get("StatusCode").and_then(Val::as_str) {
            None | Some("Complete") => {}
            Some("PartialData") => diags.push_at(
                line,
                format!("{base}.StatusCode"),
                format!("\"{name}\": StatusCode PartialData: CloudWatch returned only part of the data (more behind NextToken)"),
            ),
            Some(code) => diags.push_at(line, format!("{base}.StatusCode"), format!("\"{name}\": StatusCode {code}")),
        }
        report_messages(r, &format!("{base}.Messages"), lm, diags);
        let (Some(ts), Some(vs)) = (r.get("Timestamps").and_then(Val::items), r.get("Values").and_then(Val::items))
        else {
            diags.push_at(
                line,
                base,
                format!("\"{name}\": \"Timestamps\" and \"Values\" must both be arrays: result skipped"),
            );
            continue;
        };
        if ts.len() != vs.len() {
            let (more, what) =
                if ts.len() > vs.len() { (ts.len() - vs.len(), "timestamps") } else { (vs.len() - ts.len(), "values") };
            diags.push_at(
                line,
                base.clone(),
                format!(
                    "\"{name}\": {} timestamps but {} values; the last {more} {what} have no partner and are not read",
                    ts.len(),
                    vs.len()
                ),
            );
        }
        let mut points = super::Points::new(name, None, base.clone());
        for (j, (t, v)) in ts.iter().zip(vs.iter()).enumerate() {
            let line = lm.of(t);
            let Some(ms) = time_of(t, NumTime::Guess) else {
                diags.push_at(
                    line,
                    format!("{base}.Timestamps[{j}]"),
                    format!("\"{}\": cannot read {} as a timestamp: point skipped", points.name, shown(t)),
                );
                continue;
            };
            points.push_reading(ms, reading(v), line, || format!("{base}.Values[{j}]"), diags);
        }
        out.extend(points.finish(Order::NewestFirst, "null", diags));
    }
    if out.is_empty() {
        return Err(nothing_usable(DATA, diags));
    }
    Ok(out)
}

/// `Messages: [{"Code", "Value"}]`, each as a diagnostic.
fn report_messages(holder: Val, path: &str, lm: &mut LineMap, diags: &mut Diagnostics) {
    let key = path.rsplit('.').next().unwrap_or(path);
    for (k, m) in holder.get(key).and_then(Val::items).iter().flat_map(|m| m.iter()).enumerate() {
        let code = m.get("Code").and_then(Val::as_str).unwrap_or("message");
        let value = m.get("Value").and_then(Val::as_str).unwrap_or("");
        diags.push_at(lm.of(m), format!("{path}[{k}]"), format!("CloudWatch {code}: {value}"));
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::{parse, Format, IngestError};
    use crate::series::SeriesKind;

    #[test]
    fn statistics_in_any_order_one_series_per_statistic() {
        let json = r#"{"Label": "Latency", "Datapoints": [
            {"Timestamp": "2024-09-29T22:10:00+00:00", "Average": 2.0, "Maximum": 9.0, "Unit": "Milliseconds",
             "ExtendedStatistics": {"p99": 8.5}},
            {"Timestamp": "2024-09-29T22:00:00+00:00", "Average": 1.0, "Maximum": 5.0, "Unit": "Milliseconds",
             "ExtendedStatistics": {"p99": 4.5}},
            {"Timestamp": "2024-09-29T22:05:00Z", "Average": 1.5, "Unit": "Milliseconds", "ExtendedStatistics": {"p99": null}},
            {"Timestamp": "not a time", "Average": 3.0}
        ]}"#;
        let p = parse("cw.json", json.as_bytes()).unwrap();
        assert_eq!(p.format, Format::CloudwatchMetricStatistics);
        let names: Vec<_> = p.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Latency.Average", "Latency.Maximum", "Latency.p99"]);
        let avg = &p.series[0];
        assert_eq!(avg.timestamps, vec![1_727_647_200_000, 1_727_647_500_000, 1_727_647_800_000]);
        assert_eq!(avg.values, vec![1.0, 1.5, 2.0]);
        assert_eq!(avg.unit.as_deref(), Some("ms"));
        assert_eq!(avg.kind, SeriesKind::Latency);
        let max = &p.series[1];
        assert!(max.values[1].is_nan(), "an absent statistic is missing, not zero");
        assert!(p.diagnostics.iter().all(|d| !d.message.contains("not in time order")), "{:?}", p.diagnostics);
        let bad = p.diagnostics.iter().find(|d| d.path.as_deref() == Some("Datapoints[3].Timestamp")).unwrap();
        assert_eq!(bad.line, Some(7));
        let gap = p.diagnostics.iter().find(|d| d.path.as_deref() == Some("Datapoints[2].Maximum")).unwrap();
        assert!(gap.message.contains("1 missing value"), "{gap:?}");
        assert!(p.diagnostics.iter().any(|d| d.path.as_deref() == Some("Datapoints[2].ExtendedStatistics.p99")));
    }

    #[test]
    fn statistics_with_epoch_numbers_and_count_units() {
        let json =
            r#"{"Datapoints": [{"Timestamp": 1396998000, "Sum": 12, "SampleCount": 3, "Unit": "Count/Second"}]}"#;
        let p = parse("dir/requests.json", json.as_bytes()).unwrap();
        assert_eq!(p.series[0].name, "requests.Sum");
        assert_eq!(p.series[0].timestamps, vec![1_396_998_000_000]);
        assert_eq!(p.series[0].unit.as_deref(), Some("/s"));
        assert_eq!(p.series[1].name, "requests.SampleCount");
        assert_eq!(p.series[1].unit, None);
        let empty = r#"{"Label": "CPUUtilization", "Datapoints": []}"#;
        assert!(matches!(parse("e.json", empty.as_bytes()), Err(IngestError::NoData { .. })));
    }

    #[test]
    fn metric_data_newest_first_and_mismatched_lengths() {
        let json = r#"{
  "MetricDataResults": [
    {"Id": "m1", "Label": "EstimatedCharges",
     "Timestamps": ["2024-09-26T12:10:00+00:00", "2024-09-26T12:05:00+00:00", "2024-09-26T12:00:00+00:00"],
     "Values": [3.0, 2.0, 1.0], "StatusCode": "Complete"},
    {"Id": "m2", "Timestamps": ["2024-09-26T12:05:00Z", "2024-09-26T12:00:00Z"], "Values": [20.0, 10.0, 5.0],
     "StatusCode": "PartialData"}
  ],
  "Messages": [{"Code": "MaxMetricsExceeded", "Value": "too many"}]
}"#;
        let p = parse("md.json", json.as_bytes()).unwrap();
        assert_eq!(p.format, Format::CloudwatchMetricData);
        assert_eq!(p.series[0].name, "EstimatedCharges");
        assert_eq!(p.series[0].values, vec![1.0, 2.0, 3.0], "reversed, oldest first");
        assert_eq!(p.series[1].name, "m2");
        assert_eq!(p.series[1].values, vec![10.0, 20.0]);
        assert!(p.diagnostics.iter().all(|d| !d.message.contains("not in time order")), "{:?}", p.diagnostics);
        let mismatch = p.diagnostics.iter().find(|d| d.path.as_deref() == Some("MetricDataResults[1]")).unwrap();
        assert!(mismatch.message.contains("2 timestamps but 3 values"), "{mismatch:?}");
        assert_eq!(mismatch.line, Some(6));
        assert!(p.diagnostics.iter().any(|d| d.message.contains("PartialData")));
        assert!(p
            .diagnostics
            .iter()
            .any(|d| d.path.as_deref() == Some("Messages[0]") && d.message.contains("MaxMetricsExceeded")));
    }
}
