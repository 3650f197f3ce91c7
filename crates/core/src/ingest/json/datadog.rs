//! Datadog metric queries:
//!
//! - v1 `/api/v1/query`: `{"status", "query", "series": [{"metric", "scope", "expression",
//!   "pointlist": [[epoch_ms, value | null], ...], "unit": [unit | null, per_unit | null]}]}`. A
//!   series is named `metric{scope}` (just `metric` when the scope is `*`); series that would share
//!   a name are named by their `expression` instead.
//! - v2 timeseries query (`/api/v2/query/timeseries`): `{"data": {"attributes": {"series":
//!   [{"group_tags", "query_index", "unit"}], "times": [epoch_ms, ...], "values": [[value | null,
//!   ...], ...]}}, "errors"}`; `values[i]` belongs to `series[i]` and lines up with `times`. The
//!   response does not repeat the query, so a series is named after the file (`cpu.json` → `cpu`),
//!   with `.query<N>` when several queries answered and its group tags in braces: `cpu{host:a}`.
//!
//! A unit is the first unit's `short_name` (else `name`), over the per-unit when there is one
//! (`B/s`).

use std::collections::{HashMap, HashSet};

use super::{nothing_usable, reading, shown, text_of, time_of, LineMap, NumTime, Order, Points, Val};
use crate::ingest::{source_stem, Diagnostics, IngestError};
use crate::series::Series;
use crate::time::EpochUnit;

const V1: &str = "Datadog v1 query";
const V2: &str = "Datadog v2 timeseries query";
const MILLIS: NumTime = NumTime::Unit(EpochUnit::Millis);

pub(super) fn read_v1(root: Val, lm: &mut LineMap, diags: &mut Diagnostics) -> Result<Vec<Series>, IngestError> {
    let series = root.get("series").and_then(Val::items).ok_or_else(|| IngestError::JsonStructure {
        format: V1,
        path: "series".to_string(),
        message: "expected an array".to_string(),
    })?;
    let error = root.get("error").filter(|e| !matches!(e, Val::Null)).map(text_of).filter(|e| !e.trim().is_empty());
    if series.is_empty() {
        if let Some(message) = error {
            return Err(IngestError::ErrorResponse { service: "Datadog", message });
        }
        let query = root.get("query").and_then(Val::as_name).map_or_else(String::new, |q| format!(" {q}"));
        return Err(IngestError::NoData { format: V1, detail: format!("the query{query} returned no series") });
    }
    if let Some(message) = error {
        diags.push_at(None, "error".to_string(), format!("Datadog reported an error: {message}"));
    }

    // Names first, so that series sharing one can take their expression instead.
    let names: Vec<String> = series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let metric =
                s.get("metric").and_then(Val::as_name).or_else(|| s.get("display_name").and_then(Val::as_name));
            let scope = s.get("scope").and_then(Val::as_name).filter(|sc| *sc != "*");
            match (metric, scope) {
                (Some(m), Some(sc)) => format!("{m}{{{sc}}}"),
                (Some(m), None) => m.to_string(),
                (None, _) => expression(s).map_or_else(|| format!("series {}", i + 1), str::to_string),
            }
        })
        .collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for n in &names {
        *seen.entry(n.as_str()).or_default() += 1;
    }
    let shared: HashSet<String> = seen.into_iter().filter(|&(_, c)| c > 1).map(|(n, _)| n.to_string()).collect();

    let mut out = Vec::new();
    for ((i, s), name) in series.iter().enumerate().zip(names) {
        let path = format!("series[{i}]");
        let metric = s.get("metric").and_then(Val::as_name).map(str::to_string);
        let name = match expression(s) {
            Some(e) if shared.contains(&name) => e.to_string(),
            _ => name,
        };
        let mut points = Points::new(name, unit(s.get("unit")), path.clone());
        points.kind_name = metric;
        let Some(list) = s.get("pointlist").and_then(Val::items) else {
            diags.push_at(lm.of(s), path, format!("\"{}\": no \"pointlist\" array: series skipped", points.name));
            continue;
        };
        for (j, p) in list.iter().enumerate() {
            let at = || format!("series[{i}].pointlist[{j}]");
            let line = lm.of(p);
            let pair = p.items().filter(|i| i.len() == 2);
            let (Some(t), Some(v)) = (pair.and_then(|i| i.get(0)), pair.and_then(|i| i.get(1))) else {
                diags.push_at(
                    line,
                    at(),
                    format!("\"{}\": expected [epoch_ms, value], found {}: point skipped", points.name, shown(p)),
                );
                continue;
            };
            let Some(ms) = time_of(t, MILLIS) else {
                diags.push_at(
                    line,
                    at(),
                    format!(
                        "\"{}\": cannot read {} as a time in epoch milliseconds: point skipped",
                        points.name,
                        shown(t)
                    ),
                );
                continue;
            };
            points.push_reading(ms, reading(v), line, at, diags);
        }
        out.extend(points.finish(Order::AsIs, "null", diags));
    }
    if out.is_empty() {
        return Err(nothing_usable(V1, diags));
    }
    Ok(out)
}

fn expression(s: Val<'_>) -> Option<&str> {
    s.get("expression").and_then(Val::as_name)
}

/// `[unit, per_unit]`, each an object with `short_name` / `name`, or null.
fn unit(u: Option<Val>) -> Option<String> {
    let items = u?.items()?;
    fn name(v: Option<Val<'_>>) -> Option<&str> {
        let v = v?;
        v.get("short_name").and_then(Val::as_name).or_else(|| v.get("name").and_then(Val::as_name))
    }
    match (name(items.get(0)), name(items.get(1))) {
        (Some(a), Some(b)) => Some(format!("{a}/{b}")),
        (Some(a), None) => Some(a.to_string()),
        (None, Some(b)) => Some(format!("/{b}")),
        (None, None) => None,
    }
}

pub(super) fn read_v2(
    source: &str,
    root: Val,
    lm: &mut LineMap,
    diags: &mut Diagnostics,
) -> Result<Vec<Series>, IngestError> {
    let errors = root.get("errors").filter(|e| !matches!(e, Val::Null)).map(text_of).filter(|e| !e.trim().is_empty());
    let attrs = root.get("data").and_then(|d| d.get("attributes"));
    let Some(attrs) = attrs else {
        return Err(IngestError::JsonStructure {
            format: V2,
            path: "data.attributes".to_string(),
            message: "expected an object".to_string(),
        });
    };
    let values = attrs.get("values").and_then(Val::items).filter(|v| !v.is_empty());
    let Some(values) = values else {
        if let Some(message) = errors {
            return Err(IngestError::ErrorResponse { service: "Datadog", message });
        }
        return Err(IngestError::NoData {
            format: V2,
            detail: "\"data.attributes.values\" holds no series".to_string(),
        });
    };
    if let Some(message) = errors {
        diags.push_at(None, "errors".to_string(), format!("Datadog reported an error: {message}"));
    }
    let times: Vec<Option<i64>> = match attrs.get("times").and_then(Val::items) {
        Some(times) => times
            .iter()
            .enumerate()
            .map(|(j, t)| {
                let ms = time_of(t, MILLIS);
                if ms.is_none() {
                    diags.push_at(
                        lm.of(t),
                        format!("data.attributes.times[{j}]"),
                        format!(
                            "cannot read {} as a time in epoch milliseconds: the points at this time are skipped",
                            shown(t)
                        ),
                    );
                }
                ms
            })
            .collect(),
        None => {
            return Err(IngestError::JsonStructure {
                format: V2,
                path: "data.attributes.times".to_string(),
                message: "expected an array of epoch milliseconds".to_string(),
            })
        }
    };
    let meta = attrs.get("series").and_then(Val::items);
    let query_index = |i: usize| meta.and_then(|m| m.get(i)?.get("query_index")?.as_f64());
    let several_queries = {
        let mut q: Vec<u64> = (0..values.len()).filter_map(query_index).map(f64::to_bits).collect();
        q.sort_unstable();
        q.dedup();
        q.len() > 1
    };
    let stem = source_stem(source);

    let mut out = Vec::new();
    for (i, vals) in values.iter().enumerate() {
        let m = meta.and_then(|m| m.get(i));
        let mut name = stem.to_string();
        if several_queries {
            if let Some(q) = query_index(i) {
                name.push_str(&format!(".query{q}"));
            }
        }
        let tags: Vec<&str> = m
            .and_then(|m| m.get("group_tags"))
            .and_then(Val::items)
            .iter()
            .flat_map(|t| t.iter())
            .filter_map(Val::as_name)
            .collect();
        let kind_name = name.clone();
        if !tags.is_empty() {
            name = format!("{name}{{{}}}", tags.join(","));
        }
        let path = format!("data.attributes.values[{i}]");
        let mut points = Points::new(name, unit(m.and_then(|m| m.get("unit"))), path.clone());
        points.kind_name = Some(kind_name);
        let Some(vals) = vals.items() else {
            diags.push_at(
                lm.of(vals),
                path,
                format!("\"{}\": {}, not an array of values: series skipped", points.name, vals.describe()),
            );
            continue;
        };
        if vals.len() != times.len() {
            diags.push_at(
                lm.of(vals.iter().next().unwrap_or(Val::Null)),
                path.clone(),
                format!(
                    "\"{}\": {} values for {} times; the unpaired ones are not read",
                    points.name,
                    vals.len(),
                    times.len()
                ),
            );
        }
        for (j, (t, v)) in times.iter().zip(vals.iter()).enumerate() {
            let Some(t) = *t else { continue };
            points.push_reading(t, reading(v), lm.of(v), || format!("{path}[{j}]"), diags);
        }
        out.extend(points.finish(Order::AsIs, "null", diags));
    }
    if out.is_empty() {
        return Err(nothing_usable(V2, diags));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::ingest::{parse, Format, IngestError};
    use crate::series::SeriesKind;

    #[test]
    fn v1_pointlists_with_nulls_units_and_scopes() {
        let json = r#"{"status": "ok", "res_type": "time_series", "query": "avg:system.net.bytes_rcvd{*} by {host}",
          "series": [
            {"metric": "system.net.bytes_rcvd", "scope": "host:a", "expression": "avg:system.net.bytes_rcvd{host:a}",
             "pointlist": [[1641344100000.0, 10.0], [1641344400000.0, null], [1641344700000.0, 30.0]],
             "unit": [{"family": "bytes", "name": "byte", "short_name": "B"}, {"family": "time", "name": "second", "short_name": "s"}]},
            {"metric": "system.cpu.idle", "scope": "*", "expression": "avg:system.cpu.idle{*}",
             "pointlist": [[1641344100000, 90], [1641344400000, "x"]], "unit": [{"name": "percent", "short_name": "%"}, null]},
            {"metric": "system.cpu.idle", "scope": "*", "expression": "max:system.cpu.idle{*}",
             "pointlist": [[1641344100000, 95]], "unit": null}
          ]}"#;
        let p = parse("dd.json", json.as_bytes()).unwrap();
        assert_eq!(p.format, Format::DatadogV1);
        let names: Vec<_> = p.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["system.net.bytes_rcvd{host:a}", "avg:system.cpu.idle{*}", "max:system.cpu.idle{*}"]);
        let net = &p.series[0];
        assert_eq!(net.unit.as_deref(), Some("B/s"));
        assert_eq!(net.timestamps, vec![1_641_344_100_000, 1_641_344_400_000, 1_641_344_700_000]);
        assert!(net.values[1].is_nan(), "null is missing, not zero");
        assert_eq!(net.kind, SeriesKind::Bytes);
        assert_eq!(p.series[1].unit.as_deref(), Some("%"));
        // Idle time is not utilisation: not offered as CPU.
        assert_eq!(p.series[1].kind, SeriesKind::Other);
        let d = |path: &str| p.diagnostics.iter().find(|d| d.path.as_deref() == Some(path));
        assert!(d("series[0].pointlist[1]").unwrap().message.contains("1 missing value (null"));
        assert!(d("series[1].pointlist[1]").unwrap().message.contains("cannot read \"x\""));
    }

    #[test]
    fn v1_errors_and_empty_results() {
        let err = r#"{"status": "error", "res_type": "time_series", "series": [], "error": "Error parsing query"}"#;
        assert_eq!(
            parse("e.json", err.as_bytes()),
            Err(IngestError::ErrorResponse { service: "Datadog", message: "Error parsing query".to_string() })
        );
        let empty = r#"{"status": "ok", "res_type": "time_series", "series": [], "query": "x{*}"}"#;
        assert!(matches!(parse("e.json", empty.as_bytes()), Err(IngestError::NoData { .. })));
    }

    #[test]
    fn v2_times_and_values_by_series() {
        let json = r#"{"data": {"id": "0", "type": "timeseries_response", "attributes": {
            "series": [
              {"group_tags": ["env:prod"], "query_index": 0, "unit": [{"short_name": "ms", "name": "millisecond"}, null]},
              {"group_tags": ["env:dev"], "query_index": 0, "unit": null}
            ],
            "times": [1690000000000, 1690000060000, 1690000120000],
            "values": [[1.5, null, 2.5], [7.0, 8.0]]
        }}}"#;
        let p = parse("exports/latency.json", json.as_bytes()).unwrap();
        assert_eq!(p.format, Format::DatadogV2);
        assert_eq!(p.series[0].name, "latency{env:prod}");
        assert_eq!(p.series[0].unit.as_deref(), Some("ms"));
        assert_eq!(p.series[0].kind, SeriesKind::Latency);
        assert_eq!(p.series[0].timestamps, vec![1_690_000_000_000, 1_690_000_060_000, 1_690_000_120_000]);
        assert!(p.series[0].values[1].is_nan());
        assert_eq!(p.series[1].name, "latency{env:dev}");
        assert_eq!(p.series[1].values, vec![7.0, 8.0]);
        let mismatch = p.diagnostics.iter().find(|d| d.path.as_deref() == Some("data.attributes.values[1]")).unwrap();
        assert!(mismatch.message.contains("2 values for 3 times"), "{mismatch:?}");
    }

    #[test]
    fn v2_error_and_scalar_responses() {
        let err = r#"{"data": {"attributes": {"series": [], "times": [], "values": []}}, "errors": "query failed"}"#;
        assert_eq!(
            parse("e.json", err.as_bytes()),
            Err(IngestError::ErrorResponse { service: "Datadog", message: "query failed".to_string() })
        );
        let scalar = r#"{"data": {"type": "scalar_response", "attributes": {"columns": []}}}"#;
        assert!(matches!(parse("s.json", scalar.as_bytes()), Err(IngestError::NoData { .. })));
    }
}
