//! Azure Monitor metrics (`GET .../providers/Microsoft.Insights/metrics`): `{"timespan",
//! "interval", "value": [{"name": {"value", "localizedValue"}, "unit", "timeseries":
//! [{"metadatavalues": [{"name": {"value"}, "value"}], "data": [{"timeStamp", "average",
//! "minimum", "maximum", "total", "count"}]}]}]}`.
//!
//! One series per aggregation that appears anywhere in a timeseries, named
//! `Metric.aggregation{dimension=value,...}` (`BlobCapacity.average{blobtype=PageBlob}`). Azure
//! omits an aggregation's key when there is no data: that point is missing, not zero.

use super::{nothing_usable, reading, shown, time_of, LineMap, NumTime, Order, Reading, Table, Val};
use crate::ingest::{Diagnostics, IngestError};
use crate::series::{Series, SeriesKind};

const FORMAT: &str = "Azure Monitor metrics";
const AGGREGATIONS: [&str; 5] = ["average", "minimum", "maximum", "total", "count"];

/// The symbol of an Azure metric unit; `None` for `Count`, `Unspecified` and the unknown.
fn unit_symbol(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "Percent" => "%",
        "Bytes" => "B",
        "Seconds" => "s",
        "MilliSeconds" | "Milliseconds" => "ms",
        "BytesPerSecond" => "B/s",
        "BitsPerSecond" => "bit/s",
        "CountPerSecond" => "/s",
        "Cores" => "cores",
        "MilliCores" => "mcores",
        "NanoCores" => "ncores",
        _ => return None,
    })
}

pub(super) fn read(root: Val, lm: &mut LineMap, diags: &mut Diagnostics) -> Result<Vec<Series>, IngestError> {
    let metrics = root.get("value").and_then(Val::items).ok_or_else(|| IngestError::JsonStructure {
        format: FORMAT,
        path: "value".to_string(),
        message: "expected an array of metrics".to_string(),
    })?;
    if metrics.is_empty() {
        return Err(IngestError::NoData { format: FORMAT, detail: "\"value\" holds no metric".to_string() });
    }
    let mut out = Vec::new();
    for (i, m) in metrics.iter().enumerate() {
        let path = format!("value[{i}]");
        let name = m
            .get("name")
            .and_then(|n| name_of(n).or_else(|| n.as_name()))
            .map_or_else(|| format!("metric {}", i + 1), str::to_string);
        if let Some(code) = m.get("errorCode").and_then(Val::as_name).filter(|c| *c != "Success") {
            let message = m.get("errorMessage").and_then(Val::as_str).unwrap_or("");
            diags.push_at(lm.of(m), format!("{path}.errorCode"), format!("\"{name}\": Azure error {code}: {message}"));
        }
        let unit = m.get("unit").and_then(Val::as_str).and_then(unit_symbol);
        let Some(list) = m.get("timeseries").and_then(Val::items) else {
            diags.push_at(lm.of(m), path, format!("\"{name}\": no \"timeseries\" array: metric skipped"));
            continue;
        };
        if list.is_empty() {
            diags.push_at(
                lm.of(m),
                format!("{path}.timeseries"),
                format!("\"{name}\": no timeseries (no data in the timespan)"),
            );
        }
        for (k, ts) in list.iter().enumerate() {
            let tpath = format!("{path}.timeseries[{k}]");
            let mut dims: Vec<(&str, String)> = ts
                .get("metadatavalues")
                .and_then(Val::items)
                .iter()
                .flat_map(|d| d.iter())
                .filter_map(|d| {
                    let n = d.get("name")?;
                    let key = name_of(n).or_else(|| n.as_name())?;
                    let value = d
                        .get("value")
                        .map_or_else(String::new, |v| v.as_str().map_or_else(|| shown(v), str::to_string));
                    Some((key, value))
                })
                .collect();
            dims.sort();
            let dims = if dims.is_empty() {
                String::new()
            } else {
                let parts: Vec<String> = dims.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("{{{}}}", parts.join(","))
            };
            let Some(data) = ts.get("data").and_then(Val::items) else {
                diags.push_at(lm.of(ts), tpath, format!("\"{name}{dims}\": no \"data\" array: timeseries skipped"));
                continue;
            };
            out.extend(read_timeseries(&name, &dims, unit, data, &tpath, lm, diags));
        }
    }
    if out.is_empty() {
        return Err(nothing_usable(FORMAT, diags));
    }
    Ok(out)
}

/// `{"value", "localizedValue"}`: the stable name, else the display one.
fn name_of(v: Val<'_>) -> Option<&str> {
    v.get("value").and_then(Val::as_name).or_else(|| v.get("localizedValue").and_then(Val::as_name))
}

#[allow(clippy::too_many_arguments)]
fn read_timeseries(
    name: &str,
    dims: &str,
    unit: Option<&str>,
    data: super::Items,
    tpath: &str,
    lm: &mut LineMap,
    diags: &mut Diagnostics,
) -> Vec<Series> {
    let mut table = Table::new();
    for (j, dp) in data.iter().enumerate() {
        let ts = dp.get("timeStamp");
        let line = ts.and_then(|t| lm.of(t)).or_else(|| lm.of(dp));
        let Some(t) = ts.and_then(|t| time_of(t, NumTime::Guess)) else {
            let what = ts
                .map_or_else(|| "no \"timeStamp\"".to_string(), |t| format!("cannot read {} as a timestamp", shown(t)));
            diags.push_at(line, format!("{tpath}.data[{j}]"), format!("\"{name}{dims}\": {what}: point skipped"));
            continue;
        };
        table.push_row(t, line, j);
        for agg in AGGREGATIONS {
            let Some(v) = dp.get(agg) else { continue };
            let Some(c) = table.column(agg) else { continue };
            match reading(v) {
                Reading::Value(x) => table.set(c, x, false),
                Reading::Missing => table.set(c, f64::NAN, true),
                Reading::Bad(msg) => {
                    diags.push_at(line, format!("{tpath}.data[{j}].{agg}"), format!("\"{name}.{agg}{dims}\": {msg}"));
                    table.set(c, f64::NAN, false);
                }
            }
        }
    }
    if table.len() > 0 && AGGREGATIONS.iter().all(|a| table.existing(a).is_none()) {
        diags.push_at(
            None,
            format!("{tpath}.data"),
            format!("\"{name}{dims}\": no data point holds a value (average, minimum, maximum, total or count)"),
        );
    }
    let (times, lines, mut cols) = table.finish();
    cols.sort_by_key(|c| AGGREGATIONS.iter().position(|a| *a == c.name));
    let mut out = Vec::new();
    for col in cols {
        let agg = col.name.clone();
        let mut p = col.into_points(&times, &lines, |doc| format!("{tpath}.data[{doc}].{agg}"));
        p.name = format!("{name}.{agg}{dims}");
        // A count is a number of samples whatever the metric's unit.
        if agg == "count" {
            p.kind = Some(SeriesKind::Other);
        } else {
            p.unit = unit.map(str::to_string);
        }
        p.kind_name = Some(format!("{name}.{agg}"));
        p.path = format!("{tpath}.data");
        out.extend(p.finish(Order::AsIs, "aggregation omitted: no data", diags));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::ingest::{parse, Format, IngestError};
    use crate::series::SeriesKind;

    const RESPONSE: &str = r#"{
  "cost": 0, "timespan": "2017-04-14T02:20:00Z/2017-04-14T02:24:00Z", "interval": "PT1M",
  "value": [{
    "name": {"value": "Percentage CPU", "localizedValue": "Percentage CPU"},
    "unit": "Percent",
    "timeseries": [{
      "metadatavalues": [{"name": {"value": "role"}, "value": "web"}, {"name": {"value": "az"}, "value": "1"}],
      "data": [
        {"timeStamp": "2017-04-14T02:20:00Z", "average": 10.0, "maximum": 20.0},
        {"timeStamp": "2017-04-14T02:21:00Z"},
        {"timeStamp": "2017-04-14T02:22:00Z", "average": 30.0, "maximum": "high"},
        {"timeStamp": "2017-04-14T02:23:00Z", "count": 4}
      ]
    }]
  }]
}"#;

    #[test]
    fn one_series_per_aggregation_with_omitted_keys_missing() {
        let p = parse("az.json", RESPONSE.as_bytes()).unwrap();
        assert_eq!(p.format, Format::AzureMonitor);
        let names: Vec<_> = p.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Percentage CPU.average{az=1,role=web}",
                "Percentage CPU.maximum{az=1,role=web}",
                "Percentage CPU.count{az=1,role=web}"
            ]
        );
        let avg = &p.series[0];
        assert_eq!(avg.len(), 4);
        assert_eq!(avg.values[0], 10.0);
        assert!(avg.values[1].is_nan() && avg.values[3].is_nan(), "omitted is missing, not zero");
        assert_eq!(avg.unit.as_deref(), Some("%"));
        assert_eq!(avg.kind, SeriesKind::Cpu);
        assert_eq!((p.series[2].unit.as_deref(), p.series[2].kind), (None, SeriesKind::Other), "a count is a count");
        assert_eq!(p.series[2].values[3], 4.0);
        let d = |path: &str| p.diagnostics.iter().find(|d| d.path.as_deref() == Some(path));
        let gap = d("value[0].timeseries[0].data[1].average").expect("summary of omitted keys");
        assert!(gap.message.contains("2 missing values"), "{gap:?}");
        assert_eq!(gap.line, Some(10));
        let bad = d("value[0].timeseries[0].data[2].maximum").unwrap();
        assert!(bad.message.contains("\"high\""), "{bad:?}");
        assert_eq!(bad.line, Some(11));
    }

    #[test]
    fn empty_value_is_no_data() {
        let json = r#"{"timespan": "2017-04-14T02:20:00Z/2017-04-14T04:20:00Z", "value": []}"#;
        assert!(matches!(parse("az.json", json.as_bytes()), Err(IngestError::NoData { .. })));
    }
}
