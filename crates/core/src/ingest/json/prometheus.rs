//! Prometheus HTTP API results (`/api/v1/query_range` and `/api/v1/query`): the full response
//! (`{"status": "success", "data": {"resultType", "result"}}`), its `data` object alone, or the
//! bare `result` array. A `matrix` item holds `values: [[unix_seconds, "value"], ...]`, a `vector`
//! item one `value: [unix_seconds, "value"]`; values are strings so that `"NaN"`, `"+Inf"` and
//! `"-Inf"` can be written. Each item is one series, named from its labels as PromQL prints them:
//! `up{instance="localhost:9090",job="prometheus"}`.

use super::{nothing_usable, reading, shown, time_of, LineMap, NumTime, Order, Points, Val};
use crate::ingest::{Diagnostics, IngestError};
use crate::series::Series;
use crate::time::EpochUnit;

const FORMAT: &str = "Prometheus query result";
const SECONDS: NumTime = NumTime::Unit(EpochUnit::Seconds);

pub(super) fn read(root: Val, lm: &mut LineMap, diags: &mut Diagnostics) -> Result<Vec<Series>, IngestError> {
    // The object holding `resultType` and `result`, and how paths into `result` are written.
    let (holder, base) = match (root.get("data"), root) {
        (Some(data), _) => (Some(data), "data.result"),
        (None, Val::Obj(_)) => (Some(root), "result"),
        (None, _) => (None, ""),
    };
    let result = match holder {
        Some(h) => h.get("result").ok_or_else(|| IngestError::JsonStructure {
            format: FORMAT,
            path: if base == "data.result" { "data" } else { "(document)" }.to_string(),
            message: "no \"result\" member".to_string(),
        })?,
        None => root,
    };
    let result_type = holder.and_then(|h| h.get("resultType")).and_then(Val::as_str);

    let mut out = Vec::new();
    match result_type {
        Some("string") => {
            return Err(IngestError::NoData { format: FORMAT, detail: "the query returned a string".to_string() })
        }
        Some("scalar") => {
            let mut points = Points::new("scalar".to_string(), None, base.to_string());
            read_point(result, &mut points, lm, diags, || base.to_string());
            out.extend(points.finish(Order::AsIs, "NaN or null", diags));
        }
        _ => {
            let items = result.items().ok_or_else(|| IngestError::JsonStructure {
                format: FORMAT,
                path: base.to_string(),
                message: format!("expected an array of series, found {}", result.describe()),
            })?;
            if items.is_empty() {
                return Err(IngestError::NoData {
                    format: FORMAT,
                    detail: "the query returned no series (the result is empty)".to_string(),
                });
            }
            for (i, item) in items.iter().enumerate() {
                out.extend(read_item(item, &format!("{base}[{i}]"), lm, diags));
            }
        }
    }

    for key in ["warnings", "infos"] {
        for (k, w) in root.get(key).and_then(Val::items).iter().flat_map(|w| w.iter()).enumerate() {
            diags.push_at(
                lm.of(w),
                format!("{key}[{k}]"),
                format!("Prometheus {}: {}", &key[..key.len() - 1], text(w)),
            );
        }
    }
    if out.is_empty() {
        return Err(nothing_usable(FORMAT, diags));
    }
    Ok(out)
}

fn text(v: Val) -> String {
    v.as_str().map_or_else(|| shown(v), str::to_string)
}

/// One `result` item: `{"metric": {labels}, "values": [...]}` or `{"metric", "value": [t, v]}`.
fn read_item(item: Val, path: &str, lm: &mut LineMap, diags: &mut Diagnostics) -> Option<Series> {
    if !matches!(item, Val::Obj(_)) {
        diags.push_at(
            lm.of(item),
            path.to_string(),
            format!("a series is {}, not an object: skipped", item.describe()),
        );
        return None;
    }
    let labels: Vec<(&str, String)> = item
        .get("metric")
        .into_iter()
        .flat_map(Val::entries)
        .filter_map(|(k, v)| match v {
            Val::Str(s) => Some((k, s.to_string())),
            Val::Num(_) | Val::Bool(_) => Some((k, shown(v))),
            _ => None,
        })
        .collect();
    let metric = labels.iter().rev().find(|(k, _)| *k == "__name__").map(|(_, v)| v.as_str());
    let name = promql_name(&labels);
    let unit = metric.and_then(unit_of_metric).map(str::to_string);
    let mut points = Points::new(name, unit, path.to_string());
    points.kind_name = metric.map(str::to_string);

    if let Some(values) = item.get("values") {
        let Some(values) = values.items() else {
            diags.push_at(
                lm.of(item),
                format!("{path}.values"),
                format!("\"{}\": \"values\" is {}, not an array: series skipped", points.name, values.describe()),
            );
            return None;
        };
        for (j, p) in values.iter().enumerate() {
            read_point(p, &mut points, lm, diags, || format!("{path}.values[{j}]"));
        }
    } else if let Some(value) = item.get("value") {
        read_point(value, &mut points, lm, diags, || format!("{path}.value"));
    } else {
        let what = if item.get("histograms").is_some() || item.get("histogram").is_some() {
            "holds native histogram samples, which are not read"
        } else {
            "has neither \"values\" nor \"value\""
        };
        diags.push_at(lm.of(item), path.to_string(), format!("\"{}\": {what}: series skipped", points.name));
        return None;
    }
    points.finish(Order::AsIs, "NaN or null", diags)
}

/// One `[unix_seconds, "value"]` sample.
fn read_point(p: Val, points: &mut Points, lm: &mut LineMap, diags: &mut Diagnostics, path: impl Fn() -> String) {
    let line = lm.of(p);
    let pair = p.items().filter(|i| i.len() == 2);
    let (Some(t), Some(v)) = (pair.and_then(|i| i.get(0)), pair.and_then(|i| i.get(1))) else {
        diags.push_at(
            line,
            path(),
            format!("\"{}\": expected [unix_seconds, \"value\"], found {}: point skipped", points.name, shown(p)),
        );
        return;
    };
    let Some(ms) = time_of(t, SECONDS) else {
        diags.push_at(
            line,
            path(),
            format!("\"{}\": cannot read {} as a time in unix seconds: point skipped", points.name, shown(t)),
        );
        return;
    };
    points.push_reading(ms, reading(v), line, path, diags);
}

/// `name{label="value",...}` with the labels sorted and `__name__` outside the braces, as PromQL
/// prints a series; `{}` for a series with no labels at all.
fn promql_name(labels: &[(&str, String)]) -> String {
    let name = labels.iter().rev().find(|(k, _)| *k == "__name__").map_or("", |(_, v)| v.as_str());
    let mut others: Vec<&(&str, String)> = labels.iter().filter(|(k, _)| *k != "__name__").collect();
    others.sort_by(|a, b| a.0.cmp(b.0));
    others.dedup_by(|a, b| a.0 == b.0);
    if others.is_empty() {
        return if name.is_empty() { "{}".to_string() } else { name.to_string() };
    }
    let mut s = String::with_capacity(name.len() + 16 * others.len());
    s.push_str(name);
    s.push('{');
    for (i, (k, v)) in others.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(k);
        s.push_str("=\"");
        for c in v.chars() {
            match c {
                '\\' => s.push_str("\\\\"),
                '"' => s.push_str("\\\""),
                '\n' => s.push_str("\\n"),
                c => s.push(c),
            }
        }
        s.push('"');
    }
    s.push('}');
    s
}

/// The unit a metric name states by Prometheus' base-unit naming convention
/// (`http_request_duration_seconds`, `node_memory_MemAvailable_bytes`, `..._seconds_total`).
fn unit_of_metric(name: &str) -> Option<&'static str> {
    let base = ["_total", "_sum"].iter().find_map(|s| name.strip_suffix(s)).unwrap_or(name);
    if base.ends_with("_seconds") {
        Some("s")
    } else if base.ends_with("_milliseconds") {
        Some("ms")
    } else if base.ends_with("_bytes") {
        Some("B")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::{parse, Format, IngestError};
    use crate::series::SeriesKind;

    const MATRIX: &str = r#"{
  "status": "success",
  "data": {
    "resultType": "matrix",
    "result": [
      {"metric": {"__name__": "up", "job": "prometheus", "instance": "localhost:9090"},
       "values": [[1435781430.781, "1"], [1435781445.781, "NaN"], [1435781460.781, "+Inf"]]},
      {"metric": {"job": "node", "instance": "a\"b"},
       "values": [[1435781430.781, "0.5"], [1435781445.781, "-Inf"], [1435781460.781, "1e3"]]}
    ]
  },
  "warnings": ["some series were dropped"]
}"#;

    #[test]
    fn matrix_with_envelope_nan_and_infinities() {
        let p = parse("q.json", MATRIX.as_bytes()).unwrap();
        assert_eq!(p.format, Format::PrometheusJson);
        let names: Vec<_> = p.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, [r#"up{instance="localhost:9090",job="prometheus"}"#, r#"{instance="a\"b",job="node"}"#]);
        let up = &p.series[0];
        assert_eq!(up.timestamps, vec![1_435_781_430_781, 1_435_781_445_781, 1_435_781_460_781]);
        assert_eq!(up.values[0], 1.0);
        assert!(up.values[1].is_nan() && up.values[2].is_nan());
        assert_eq!(p.series[1].values[2], 1000.0);
        let d = |path: &str| p.diagnostics.iter().find(|d| d.path.as_deref() == Some(path));
        let inf = d("data.result[0].values[2]").expect("+Inf reported");
        assert!(inf.message.contains("infinite value \"+Inf\""), "{inf:?}");
        assert_eq!(inf.line, Some(7));
        assert!(d("data.result[1].values[1]").unwrap().message.contains("\"-Inf\""));
        let nan = d("data.result[0].values[1]").expect("NaN summarised");
        assert!(nan.message.contains("1 missing value"), "{nan:?}");
        assert!(d("warnings[0]").unwrap().message.contains("some series were dropped"));
    }

    #[test]
    fn without_envelope_and_bare_result_array() {
        let data = r#"{"resultType": "vector", "result": [{"metric": {"__name__": "node_memory_MemAvailable_bytes"}, "value": [1700000000, "42"]}]}"#;
        let p = parse("v.json", data.as_bytes()).unwrap();
        assert_eq!(p.series[0].name, "node_memory_MemAvailable_bytes");
        assert_eq!(p.series[0].unit.as_deref(), Some("B"));
        assert_eq!(p.series[0].kind, SeriesKind::Bytes, "available memory is not memory utilisation");
        assert_eq!((p.series[0].timestamps[0], p.series[0].values[0]), (1_700_000_000_000, 42.0));

        let bare = r#"[{"metric": {"__name__": "rate"}, "values": [[1700000000, "1"], ["x", "2"], [1700000015, 3]]}]"#;
        let p = parse("b.json", bare.as_bytes()).unwrap();
        assert_eq!(p.series[0].values, vec![1.0, 3.0]);
        let bad = &p.diagnostics[0];
        assert_eq!(bad.path.as_deref(), Some("[0].values[1]"));
        assert!(bad.message.contains("cannot read \"x\" as a time"), "{bad:?}");
    }

    #[test]
    fn error_envelope_is_an_error() {
        let e = r#"{"status": "error", "errorType": "bad_data", "error": "invalid parameter \"query\""}"#;
        let err = parse("e.json", e.as_bytes()).unwrap_err();
        assert_eq!(
            err,
            IngestError::PrometheusError {
                error_type: "bad_data".to_string(),
                error: "invalid parameter \"query\"".to_string()
            }
        );
        assert!(err.to_string().contains("bad_data"));
    }

    #[test]
    fn empty_and_unusable_results_are_errors() {
        let empty = r#"{"status": "success", "data": {"resultType": "matrix", "result": []}}"#;
        assert!(matches!(parse("e.json", empty.as_bytes()), Err(IngestError::NoData { .. })));
        let junk = r#"{"data": {"resultType": "matrix", "result": [{"metric": {}, "values": [["a", "b"]]}]}}"#;
        let err = parse("j.json", junk.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("data.result[0].values[0]"), "{err}");
        let scalar = r#"{"status": "success", "data": {"resultType": "scalar", "result": [1435781451.781, "7"]}}"#;
        let p = parse("s.json", scalar.as_bytes()).unwrap();
        assert_eq!((p.series[0].name.as_str(), p.series[0].values[0]), ("scalar", 7.0));
    }
}
