//! InfluxDB Flux CSV, as the InfluxDB UI, the `influx query` CLI and the `/api/v2/query` API write
//! it: optional annotation rows (`#group`, `#datatype`, `#default`), then a header row that begins
//! with an empty column (`,result,table,_start,_stop,_time,_value,_field,_measurement,host`), then
//! data rows. Tables of different shape follow each other separated by a blank line, each with its
//! own annotations and header. `_time` is RFC 3339 with up to 9 fractional digits.
//!
//! One series per group key: rows sharing `_measurement`, `_field` and the other group-key columns
//! (`#group` true, apart from `result`, `table`, `_start`, `_stop`) form one series, named
//! `cpu.usage_user{cpu=cpu-total,host=tahoecity.prod}`; tables of the same series (windows) join.
//! Without annotations every column but the reserved ones counts as a tag. A table without
//! `_value` (after `pivot()`) gives one series per numeric column: `cpu.usage_user{host=a}`.
//! When the file holds several results (`yield(name: "mean")`), names begin with the result:
//! `mean:cpu.usage_user{...}`. A Flux error table (`,error,reference`) is an error.

use std::collections::HashMap;

use super::limits::{MAX_LINE_BYTES, MAX_POINTS};
use super::text::{parse_cell, split_fields, Cell, Lines};
use super::{finish_series, source_stem, Diagnostics, Format, IngestError, Parsed};
use crate::series::{Series, SeriesKind};
use crate::time::{parse_datetime, EpochUnit};

const FORMAT: &str = "InfluxDB CSV";
/// Columns that never name a series as tags.
const RESERVED: [&str; 8] = ["result", "table", "_start", "_stop", "_time", "_value", "_field", "_measurement"];

/// The first non-blank line is a Flux annotation or a Flux header.
pub(super) fn detect(text: &str) -> bool {
    let Some((_, first)) = Lines::new(text).find(|(_, l)| !l.trim().is_empty()) else { return false };
    let first = first.trim_start();
    ["#group,", "#datatype,", "#default,", ",result,table,", "result,table,"].iter().any(|p| first.starts_with(p))
}

/// The annotation rows before a header, indexed like the header's columns.
#[derive(Default)]
struct Annotations {
    group: Vec<bool>,
    datatype: Vec<String>,
    default: Vec<String>,
}

/// One table shape: a header and what its columns mean.
struct Block {
    header: Vec<String>,
    defaults: Vec<String>,
    time: usize,
    /// Columns identifying a series: result, measurement, field, then the tags (sorted by name).
    result: Option<usize>,
    measurement: Option<usize>,
    field: Option<usize>,
    tags: Vec<usize>,
    /// `_value`, or the numeric columns of a pivoted table.
    values: Vec<usize>,
    /// Unannotated pivoted tables choose their value columns at the first data row.
    decided: bool,
    /// The whole block is unusable (reported once).
    skip: bool,
    /// A Flux error table: the next row holds the message.
    error: Option<usize>,
    /// The previous row's identifying cells and the series they led to, per value column.
    last_key: Vec<String>,
    targets: Vec<usize>,
}

fn is_numeric_type(t: &str) -> bool {
    matches!(t, "double" | "long" | "unsignedLong")
}

impl Block {
    fn new(line: usize, fields: &[std::borrow::Cow<str>], ann: Annotations, diags: &mut Diagnostics) -> Block {
        let header: Vec<String> = fields.iter().map(|f| f.trim().to_string()).collect();
        let find = |name: &str| header.iter().position(|h| h == name);
        let mut b = Block {
            time: 0,
            result: find("result"),
            measurement: find("_measurement"),
            field: find("_field"),
            tags: Vec::new(),
            values: Vec::new(),
            decided: true,
            skip: false,
            error: None,
            last_key: Vec::new(),
            targets: Vec::new(),
            defaults: ann.default,
            header: Vec::new(),
        };
        if find("_value").is_none() && find("_time").is_none() {
            if let Some(e) = find("error") {
                b.error = Some(e);
                b.header = header;
                return b;
            }
        }
        match find("_time").or_else(|| find("_stop")) {
            Some(t) => {
                b.time = t;
                if find("_time").is_none() {
                    diags.push(Some(line), Some(t + 1), "no _time column: points are placed at _stop".to_string());
                }
            }
            None => {
                diags.push(Some(line), None, "no _time (or _stop) column: the rows below are skipped".to_string());
                b.skip = true;
            }
        }
        let named = |i: usize| header.get(i).is_some_and(|h| !h.is_empty() && !RESERVED.contains(&h.as_str()));
        let group = |i: usize| ann.group.is_empty() || ann.group.get(i) == Some(&true);
        let dtype = |i: usize| ann.datatype.get(i).map(String::as_str);
        if let Some(v) = find("_value") {
            b.values = vec![v];
            if let Some(t) = dtype(v).filter(|t| !t.is_empty() && !is_numeric_type(t)) {
                diags.push(
                    Some(line),
                    Some(v + 1),
                    format!("column _value holds {t}, not numbers: the rows below are skipped"),
                );
                b.skip = true;
            }
            b.tags = (0..header.len()).filter(|&i| named(i) && group(i)).collect();
        } else if ann.datatype.is_empty() {
            b.decided = false;
        } else {
            b.values =
                (0..header.len()).filter(|&i| named(i) && !group(i) && dtype(i).is_some_and(is_numeric_type)).collect();
            b.tags = (0..header.len()).filter(|&i| named(i) && group(i) && !ann.group.is_empty()).collect();
            if b.values.is_empty() && !b.skip {
                diags.push(
                    Some(line),
                    None,
                    "no _value column and no numeric column: the rows below are skipped".to_string(),
                );
                b.skip = true;
            }
        }
        b.header = header;
        b.sort_tags();
        b
    }

    fn sort_tags(&mut self) {
        let header = &self.header;
        self.tags.sort_by(|&a, &b| header.get(a).cmp(&header.get(b)));
    }

    /// Cell `i` of a row, or the column's `#default` when it is empty.
    fn cell<'a>(&'a self, fields: &'a [std::borrow::Cow<str>], i: usize) -> &'a str {
        let c = fields.get(i).map_or("", |f| f.trim());
        if c.is_empty() {
            self.defaults.get(i).map_or("", |d| d.trim())
        } else {
            c
        }
    }

    /// An unannotated table without `_value`: the columns numeric in its first row hold values.
    fn decide(&mut self, line: usize, fields: &[std::borrow::Cow<str>], diags: &mut Diagnostics) {
        self.decided = true;
        let named = |i: usize| self.header.get(i).is_some_and(|h| !h.is_empty() && !RESERVED.contains(&h.as_str()));
        let (values, tags): (Vec<usize>, Vec<usize>) = (0..self.header.len())
            .filter(|&i| named(i))
            .partition(|&i| matches!(parse_cell(self.cell(fields, i), false), Cell::Number(..)));
        self.values = values;
        self.tags = tags;
        self.sort_tags();
        if self.values.is_empty() {
            diags.push(
                Some(line),
                None,
                "no _value column and no numeric column: the rows below are skipped".to_string(),
            );
            self.skip = true;
        }
    }

    fn key_cols(&self) -> impl Iterator<Item = usize> + '_ {
        self.result.into_iter().chain(self.measurement).chain(self.field).chain(self.tags.iter().copied())
    }
}

/// One series while rows are read.
struct Acc {
    result: String,
    name: String,
    /// The name without tags, for the kind.
    base: String,
    column: usize,
    times: Vec<i64>,
    values: Vec<f64>,
    lines: Vec<usize>,
    missing: usize,
    first_missing_line: usize,
}

pub(super) fn parse(source: &str, text: &str) -> Result<Parsed, IngestError> {
    let mut diags = Diagnostics::new();
    let mut ann = Annotations::default();
    let mut annotated = false;
    let mut block: Option<Block> = None;
    let mut fields = Vec::new();
    let mut series: Vec<Acc> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let mut rows = 0usize;

    let mut points = 0usize;

    for (no, line) in Lines::new(text) {
        if line.len() > MAX_LINE_BYTES {
            return Err(IngestError::LineTooLong { line: no, bytes: line.len(), max: MAX_LINE_BYTES });
        }
        if line.trim().is_empty() {
            block = None;
            ann = Annotations::default();
            continue;
        }
        split_fields(line, b',', &mut fields);
        let first = fields.first().map_or("", |f| f.as_ref());
        if first.starts_with('#') {
            if block.is_some() {
                block = None;
                ann = Annotations::default();
            }
            annotated = true;
            let cells = || fields.iter().map(|f| f.trim().to_string());
            match first {
                "#group" => ann.group = fields.iter().map(|f| f.trim() == "true").collect(),
                "#datatype" => ann.datatype = cells().collect(),
                "#default" => ann.default = cells().collect(),
                _ => {}
            }
            continue;
        }
        let Some(b) = block.as_mut() else {
            block = Some(Block::new(no, &fields, std::mem::take(&mut ann), &mut diags));
            continue;
        };
        if let Some(e) = b.error {
            return Err(IngestError::ErrorResponse { service: "InfluxDB", message: b.cell(&fields, e).to_string() });
        }
        if b.skip {
            continue;
        }
        rows += 1;
        if fields.len() != b.header.len() {
            diags.push(
                Some(no),
                None,
                format!("expected {} fields as in the header, found {}: row skipped", b.header.len(), fields.len()),
            );
            continue;
        }
        if !b.decided {
            b.decide(no, &fields, &mut diags);
            if b.skip {
                continue;
            }
        }
        let tc = b.cell(&fields, b.time);
        let Some(t) = parse_datetime(tc).or_else(|| epoch_ms(tc)) else {
            let what = if tc.is_empty() {
                "empty timestamp".to_string()
            } else {
                format!("cannot read \"{}\" as a timestamp", excerpt(tc))
            };
            diags.push(Some(no), Some(b.time + 1), format!("{what}: row skipped"));
            continue;
        };

        // The series this row belongs to: looked up only when its identifying cells change.
        let same = b.last_key.len() == b.key_cols().count()
            && !b.targets.is_empty()
            && b.key_cols().zip(&b.last_key).all(|(i, k)| b.cell(&fields, i) == k);
        if !same {
            b.last_key = b.key_cols().map(|i| b.cell(&fields, i).to_string()).collect();
            let result = b.result.map_or("", |i| b.cell(&fields, i)).to_string();
            let measurement = b.measurement.map(|i| b.cell(&fields, i)).filter(|m| !m.is_empty());
            let field = b.field.map(|i| b.cell(&fields, i)).filter(|f| !f.is_empty());
            let tags: Vec<String> = b
                .tags
                .iter()
                .map(|&i| format!("{}={}", b.header.get(i).map_or("", String::as_str), b.cell(&fields, i)))
                .collect();
            let pivoted = b.field.is_none()
                && b.header.get(b.values.first().copied().unwrap_or(0)).is_some_and(|h| h != "_value");
            let targets: Vec<usize> = b
                .values
                .iter()
                .map(|&vc| {
                    let column_name = b.header.get(vc).map_or("", String::as_str);
                    let parts: Vec<&str> =
                        measurement.into_iter().chain(field.or(pivoted.then_some(column_name))).collect();
                    let base = if parts.is_empty() { source_stem(source).to_string() } else { parts.join(".") };
                    let name = if tags.is_empty() { base.clone() } else { format!("{base}{{{}}}", tags.join(",")) };
                    let key = (result.clone(), name);
                    *index.entry(key.clone()).or_insert_with(|| {
                        series.push(Acc {
                            result: key.0,
                            name: key.1,
                            base,
                            column: vc,
                            times: Vec::new(),
                            values: Vec::new(),
                            lines: Vec::new(),
                            missing: 0,
                            first_missing_line: 0,
                        });
                        series.len() - 1
                    })
                })
                .collect();
            b.targets = targets;
        }
        for (&vc, &target) in b.values.iter().zip(&b.targets) {
            let raw = b.cell(&fields, vc);
            let Some(s) = series.get_mut(target) else { continue };
            let v = match parse_cell(raw, false) {
                Cell::Number(v, _) => v,
                Cell::Missing => {
                    if s.missing == 0 {
                        s.first_missing_line = no;
                    }
                    s.missing += 1;
                    f64::NAN
                }
                Cell::Infinite => {
                    let msg = format!("\"{}\": infinite value \"{}\" kept as missing", s.name, excerpt(raw));
                    diags.push(Some(no), Some(vc + 1), msg);
                    f64::NAN
                }
                Cell::Invalid => {
                    let msg = format!("\"{}\": cannot read \"{}\" as a number; kept as missing", s.name, excerpt(raw));
                    diags.push(Some(no), Some(vc + 1), msg);
                    f64::NAN
                }
            };
            s.times.push(t);
            s.values.push(v);
            s.lines.push(no);
            points += 1;
        }
        if points > MAX_POINTS {
            return Err(IngestError::TooManyPoints { points, series: series.len(), line: Some(no), max: MAX_POINTS });
        }
    }

    if let Some(b) = block.as_ref().filter(|b| b.error.is_some()) {
        if series.is_empty() {
            let names = b.header.iter().filter(|h| !h.is_empty()).cloned().collect::<Vec<_>>().join(",");
            return Err(IngestError::ErrorResponse {
                service: "InfluxDB",
                message: format!("an error table ({names}) without a message"),
            });
        }
    }
    series.retain(|s| !s.times.is_empty());
    if series.is_empty() {
        let detail = match diags.first() {
            Some(d) => {
                format!("no row could be read; the first problem, at line {}: {}", d.line.unwrap_or(0), d.message)
            }
            None if rows == 0 => "the tables have no data rows".to_string(),
            None => "no row could be read".to_string(),
        };
        return Err(IngestError::NoData { format: FORMAT, detail });
    }
    let several_results = series.iter().any(|s| s.result != series.first().map_or("", |f| f.result.as_str()));
    let out = series
        .into_iter()
        .map(|s| {
            let name =
                if several_results && !s.result.is_empty() { format!("{}:{}", s.result, s.name) } else { s.name };
            if s.missing > 0 {
                diags.push(
                    Some(s.first_missing_line),
                    Some(s.column + 1),
                    format!(
                        "\"{name}\": {} missing value{} (empty or NaN; first at this line), kept as gaps",
                        s.missing,
                        if s.missing == 1 { "" } else { "s" }
                    ),
                );
            }
            let kind = SeriesKind::guess(&s.base, None);
            let series = Series { name, unit: None, kind, timestamps: s.times, values: s.values };
            finish_series(series, &s.lines, Some(s.column + 1), &mut diags)
        })
        .collect();
    Ok(Parsed { format: Format::InfluxCsv { annotated }, series: out, diagnostics: diags.finish() })
}

/// A `long` time column: epoch seconds to nanoseconds, by magnitude.
fn epoch_ms(cell: &str) -> Option<i64> {
    let v: f64 = cell.parse().ok()?;
    let unit = EpochUnit::guess(v)?;
    Some(unit.to_millis(v)).filter(|ms| (0..=253_402_300_799_999).contains(ms))
}

/// The first 60 characters of a cell, for messages.
fn excerpt(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::{parse, Format, IngestError};
    use crate::series::SeriesKind;

    const TWO_TABLES: &str = "#group,false,false,true,true,false,false,true,true,true,true\r
#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string,string\r
#default,_result,,,,,,,,,\r
,result,table,_start,_stop,_time,_value,_field,_measurement,cpu,host\r
,,0,2020-02-25T22:17:54.068926364Z,2020-02-25T22:22:54.068926364Z,2020-02-25T22:17:57Z,0,time_steal,cpu,cpu1,rsavage.prod\r
,,0,2020-02-25T22:17:54.068926364Z,2020-02-25T22:22:54.068926364Z,2020-02-25T22:18:07.123456789Z,NaN,time_steal,cpu,cpu1,rsavage.prod\r
,,1,2020-02-25T22:17:54.068926364Z,2020-02-25T22:22:54.068926364Z,2020-02-25T22:18:01Z,2.5,usage_user,cpu,cpu-total,tahoecity.prod\r
\r
#group,false,false,true,true,false,false,true,true,true\r
#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,long,string,string,string\r
#default,_result,,,,,,,,\r
,result,table,_start,_stop,_time,_value,_field,_measurement,host\r
,,2,2020-02-25T22:17:54Z,2020-02-25T22:22:54Z,2020-02-25T22:18:00Z,1024,used,mem,a\r
,,2,2020-02-25T22:17:54Z,2020-02-25T22:22:54Z,2020-02-25T22:18:10Z,+Inf,used,mem,a\r
,,2,2020-02-25T22:17:54Z,2020-02-25T22:22:54Z,2020-02-25T22:18:20Z,2048,used,mem\r
,,3,2020-02-25T22:17:54Z,2020-02-25T22:22:54Z,2020-02-25T22:18:00Z,7,used,mem,b\r
";

    #[test]
    fn annotated_multi_table() {
        let p = parse("flux.csv", TWO_TABLES.as_bytes()).unwrap();
        assert_eq!(p.format, Format::InfluxCsv { annotated: true });
        let names: Vec<_> = p.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "cpu.time_steal{cpu=cpu1,host=rsavage.prod}",
                "cpu.usage_user{cpu=cpu-total,host=tahoecity.prod}",
                "mem.used{host=a}",
                "mem.used{host=b}"
            ]
        );
        let steal = &p.series[0];
        assert_eq!(steal.timestamps, vec![1_582_669_077_000, 1_582_669_087_123]);
        assert!(steal.values[1].is_nan());
        assert_eq!(steal.kind, SeriesKind::Other, "steal time is not CPU utilisation");
        assert_eq!(p.series[2].values.len(), 2);
        assert_eq!(p.series[2].values[0], 1024.0);
        let at = |line: usize| p.diagnostics.iter().filter(|d| d.line == Some(line)).collect::<Vec<_>>();
        assert!(at(6)[0].message.contains("1 missing value"), "{:?}", p.diagnostics);
        assert!(at(14)[0].message.contains("infinite value \"+Inf\""));
        assert_eq!(at(14)[0].column, Some(7));
        assert!(at(15)[0].message.contains("expected 10 fields"));
    }

    #[test]
    fn unannotated_pivoted_and_several_results() {
        let csv = ",result,table,_start,_stop,_time,_measurement,host,usage_user,usage_system\n\
                   ,mean,0,2020-01-01T00:00:00Z,2020-01-01T01:00:00Z,2020-01-01T00:00:00Z,cpu,a,1.5,0.5\n\
                   ,mean,0,2020-01-01T00:00:00Z,2020-01-01T01:00:00Z,2020-01-01T00:01:00Z,cpu,a,2.5,0.25\n\
                   ,max,1,2020-01-01T00:00:00Z,2020-01-01T01:00:00Z,2020-01-01T00:00:00Z,cpu,a,9,8\n";
        let p = parse("p.csv", csv.as_bytes()).unwrap();
        assert_eq!(p.format, Format::InfluxCsv { annotated: false });
        let names: Vec<_> = p.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "mean:cpu.usage_user{host=a}",
                "mean:cpu.usage_system{host=a}",
                "max:cpu.usage_user{host=a}",
                "max:cpu.usage_system{host=a}"
            ]
        );
        assert_eq!(p.series[0].values, vec![1.5, 2.5]);
    }

    #[test]
    fn error_tables_and_text_values() {
        let err = "#datatype,string,string\n#group,true,true\n#default,,\n,error,reference\n,\"failed to execute query: bad\",897\n";
        assert_eq!(
            parse("e.csv", err.as_bytes()),
            Err(IngestError::ErrorResponse {
                service: "InfluxDB",
                message: "failed to execute query: bad".to_string()
            })
        );
        let text = "#datatype,string,long,dateTime:RFC3339,string,string\n,result,table,_time,_value,_field\n,,0,2020-01-01T00:00:00Z,up,status\n";
        assert!(matches!(parse("t.csv", text.as_bytes()), Err(IngestError::NoData { .. })));
    }
}
