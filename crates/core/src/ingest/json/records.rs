//! Records: a JSON array of objects (`[{"timestamp": "...", "cpu": 51.2, "mem": 40}, ...]`), a
//! single such object, or NDJSON (one object per line).
//!
//! The time key is found by content, as the delimited reader finds its time column: the key whose
//! values read as date-times (else as epoch numbers) in at least 80 % of the first 50 records,
//! a key whose name says time winning a tie. Every other key holding numbers (or numeric strings,
//! `"45 %"` included) is a series named after it; nested objects are flattened to dotted names
//! (`{"cpu": {"user": 1}}` → `cpu.user`). A key's series holds the records that carry the key
//! (null and `NaN` are gaps there); a record without it adds no point.
//! In NDJSON a line that is not a JSON object is reported with its line number; the rest load.

use std::collections::{HashMap, HashSet};

use serde::de::IgnoredAny;

use super::{excerpt, serde_message, shown, time_of, LineMap, Node, NumTime, Order, Points, Val};
use crate::ingest::text::Lines;
use crate::ingest::{parse_cell, Cell, Diagnostics, Format, IngestError, Parsed};
use crate::series::Series;
use crate::time::{parse_datetime, EpochUnit};

/// Records examined to find the time key.
const SAMPLE: usize = 50;
/// Keys examined to find the time key.
const MAX_KEYS: usize = 100;
/// Nested objects are flattened this many levels deep.
const MAX_DEPTH: usize = 3;

/// How a record and its keys are located in messages.
#[derive(Clone, Copy)]
enum Style {
    /// `[17].cpu`
    Array,
    /// `cpu` (one top-level object)
    Single,
    /// `cpu` with the line (NDJSON)
    Lines,
}

impl Style {
    fn path(self, index: usize, key: Option<&str>) -> Option<String> {
        match (self, key) {
            (Style::Array, None) => Some(format!("[{index}]")),
            (Style::Array, Some(k)) => Some(format!("[{index}].{k}")),
            (_, Some(k)) => Some(k.to_string()),
            (_, None) => None,
        }
    }
}

fn report(diags: &mut Diagnostics, line: Option<usize>, path: Option<String>, message: String) {
    match path {
        Some(p) => diags.push_at(line, p, message),
        None => diags.push(line, None, message),
    }
}

struct Record<'a> {
    val: Val<'a>,
    line: Option<usize>,
    /// Array index, or line number in NDJSON.
    index: usize,
}

/// A single object that reads as one record: a key holding a date-time (or an epoch number under
/// a name that says time) and another holding a number.
pub(super) fn is_record(root: Val) -> bool {
    let Some((time_key, _)) = root.entries().find(|&(k, v)| match v {
        Val::Str(s) => parse_datetime(s).is_some(),
        Val::Num(x) => name_says_time(k) && EpochUnit::guess(x).is_some(),
        _ => false,
    }) else {
        return false;
    };
    root.entries().any(|(k, v)| {
        k != time_key
            && (matches!(v, Val::Num(_))
                || v.as_str().is_some_and(|s| matches!(parse_cell(s, false), Cell::Number(..))))
    })
}

fn name_says_time(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    matches!(k.as_str(), "t" | "ts" | "_ts")
        || ["time", "date", "epoch", "clock"].iter().any(|w| k.contains(w))
        || k.ends_with("_at")
}

/// A document that is an array of objects, or one object.
pub(super) fn read_document(root: Val, lm: &mut LineMap, diags: &mut Diagnostics) -> Result<Vec<Series>, IngestError> {
    let (records, style): (Vec<Record>, Style) = match root.items() {
        Some(items) => (
            items.iter().enumerate().map(|(i, val)| Record { val, line: lm.of(val), index: i }).collect(),
            Style::Array,
        ),
        None => (vec![Record { val: root, line: lm.of(root), index: 0 }], Style::Single),
    };
    read(&records, style, diags)
}

/// At least two of the first 20 non-empty lines are JSON objects on their own, or the first one
/// is and more lines follow: NDJSON (a single JSON document cannot have that shape).
pub(super) fn looks_like_ndjson(text: &str) -> bool {
    let mut lines = Lines::new(text).map(|(_, l)| l.trim()).filter(|l| !l.is_empty()).take(20);
    let Some(first) = lines.next() else { return false };
    if !first.starts_with('{') {
        return false;
    }
    let object = |l: &str| l.starts_with('{') && l.ends_with('}') && serde_json::from_str::<IgnoredAny>(l).is_ok();
    let first_ok = object(first);
    let mut good = usize::from(first_ok);
    let mut more = false;
    for l in lines {
        more = true;
        good += usize::from(object(l));
    }
    good >= 2 || (first_ok && more)
}

/// NDJSON, streamed: a first pass parses the first object lines to find the time key, a second
/// reads every line and drops it, so memory follows the series, not the input.
pub(super) fn parse_ndjson(text: &str) -> Result<Parsed, IngestError> {
    let objects =
        || Lines::new(text).filter(|(_, l)| !l.trim().is_empty()).map(|(no, l)| (no, serde_json::from_str::<Node>(l)));
    let sample_nodes: Vec<Node> =
        objects().filter_map(|(_, n)| n.ok().filter(|n| matches!(n, Node::Obj(_)))).take(SAMPLE).collect();
    let sample: Vec<Val> = sample_nodes.iter().map(Node::val).collect();
    let mut diags = Diagnostics::new();
    let report_line = |diags: &mut Diagnostics, no: usize, n: &Result<Node, serde_json::Error>| match n {
        Ok(Node::Obj(_)) => {}
        Ok(other) => {
            diags.push(Some(no), None, format!("the line holds {}, not a JSON object: skipped", other.val().describe()))
        }
        Err(e) => diags.push(
            Some(no),
            None,
            format!("not valid JSON ({} at column {}): line skipped", serde_message(e), e.column()),
        ),
    };
    if sample.is_empty() {
        for (no, n) in objects() {
            report_line(&mut diags, no, &n);
        }
        return Err(no_rows(&diags));
    }
    let mut r = Reader::new(time_key(&sample)?, Style::Lines, &mut diags);
    for (no, n) in objects() {
        report_line(r.diags, no, &n);
        if let Ok(node @ Node::Obj(_)) = &n {
            r.record(&Record { val: node.val(), line: Some(no), index: no });
        }
    }
    let series = r.finish()?;
    Ok(Parsed { format: Format::Ndjson, series, diagnostics: diags.finish() })
}

fn no_rows(diags: &Diagnostics) -> IngestError {
    match diags.first() {
        Some(d) => IngestError::NoUsableRows { line: d.line.unwrap_or(1), first: d.message.clone() },
        None => IngestError::NoUsableRows { line: 1, first: "no record holds data".to_string() },
    }
}

/// The time key and how its numbers are written.
struct TimeKey {
    key: String,
    num: NumTime,
}

fn detect_time_key(sample: &[Val]) -> Option<TimeKey> {
    let number = |v: Val| match v {
        Val::Num(x) => Some(x),
        Val::Str(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    // Per key, in order of first appearance: records where it reads as a date-time, as an epoch.
    let mut keys: Vec<(&str, usize, usize)> = Vec::new();
    let mut slot: HashMap<&str, usize> = HashMap::new();
    for r in sample {
        for (k, v) in r.entries() {
            let i = match slot.get(k) {
                Some(&i) => i,
                None if keys.len() < MAX_KEYS => {
                    slot.insert(k, keys.len());
                    keys.push((k, 0, 0));
                    keys.len() - 1
                }
                None => continue,
            };
            let Some(counts) = keys.get_mut(i) else { continue };
            if v.as_str().is_some_and(|s| parse_datetime(s).is_some()) {
                counts.1 += 1;
            } else if number(v).and_then(EpochUnit::guess).is_some() {
                counts.2 += 1;
            }
        }
    }
    let enough = |n: usize| n as f64 >= 0.8 * sample.len() as f64;
    let pick = |candidates: Vec<&str>| -> Option<String> {
        candidates.iter().find(|k| name_says_time(k)).or(candidates.first()).map(|k| k.to_string())
    };
    let text: Vec<&str> = keys.iter().filter(|k| enough(k.1)).map(|k| k.0).collect();
    if let Some(key) = pick(text) {
        return Some(TimeKey { key, num: NumTime::Guess });
    }
    let key = pick(keys.iter().filter(|k| enough(k.2)).map(|k| k.0).collect())?;
    // One unit for the key, from the median of the sample.
    let mut vals: Vec<f64> = sample.iter().filter_map(|r| number(r.get(&key)?)).filter(|x| x.is_finite()).collect();
    vals.sort_by(f64::total_cmp);
    let unit = EpochUnit::guess(*vals.get(vals.len() / 2)?)?;
    Some(TimeKey { key, num: NumTime::Unit(unit) })
}

/// Series per file at most: a file with a distinct numeric key in every record must not make a
/// series of each.
const MAX_SERIES: usize = 1000;

/// Reading state: one series per numeric key (holding the records that carry the key), and the
/// keys seen holding something other than numbers.
struct Reader<'d> {
    time: TimeKey,
    /// Records read (with a usable time).
    rows: usize,
    series: Vec<Points>,
    index: HashMap<String, usize>,
    diags: &'d mut Diagnostics,
    style: Style,
    /// Keys met with text (or booleans, arrays) before any number: reported if they never get one.
    text_keys: Vec<(String, Option<usize>, Option<String>, &'static str)>,
    text_seen: HashSet<String>,
    /// The first numeric key refused for going over [`MAX_SERIES`], and how many were.
    refused: Option<(String, Option<usize>, Option<String>)>,
    refused_count: usize,
}

impl Reader<'_> {
    /// The series of `name`, created on its first number.
    fn series(&mut self, name: &str, rec: &Record) -> Option<&mut Points> {
        let i = match self.index.get(name) {
            Some(&i) => i,
            None if self.series.len() >= MAX_SERIES => {
                self.refused_count += 1;
                if self.refused.is_none() {
                    self.refused = Some((name.to_string(), rec.line, self.style.path(rec.index, Some(name))));
                }
                return None;
            }
            None => {
                self.series.push(Points::new(name.to_string(), None, name.to_string()));
                self.index.insert(name.to_string(), self.series.len() - 1);
                self.series.len() - 1
            }
        };
        self.series.get_mut(i)
    }

    fn existing(&mut self, name: &str) -> Option<&mut Points> {
        let &i = self.index.get(name)?;
        self.series.get_mut(i)
    }

    fn field(&mut self, name: &str, v: Val, depth: usize, t: i64, rec: &Record) {
        let style = self.style;
        let at = || style.path(rec.index, Some(name)).unwrap_or_else(|| name.to_string());
        match v {
            Val::Obj(_) if depth < MAX_DEPTH => {
                for (k, inner) in v.entries() {
                    self.field(&format!("{name}.{k}"), inner, depth + 1, t, rec);
                }
            }
            Val::Num(x) => {
                if let Some(p) = self.series(name, rec) {
                    p.push(t, x, rec.line);
                }
            }
            Val::Null => {
                if let Some(p) = self.existing(name) {
                    p.push_missing(t, rec.line, at);
                }
            }
            Val::Str(s) => match parse_cell(s, false) {
                Cell::Number(x, unit) => {
                    if let Some(p) = self.series(name, rec) {
                        if let Some(u) = unit {
                            p.unit.get_or_insert_with(|| u.to_string());
                        }
                        p.push(t, x, rec.line);
                    }
                }
                Cell::Missing => {
                    if let Some(p) = self.existing(name) {
                        p.push_missing(t, rec.line, at);
                    }
                }
                Cell::Infinite => {
                    if let Some(p) = self.series(name, rec) {
                        p.push(t, f64::NAN, rec.line);
                        let msg = format!("\"{name}\": infinite value \"{}\" kept as missing", excerpt(s));
                        report(self.diags, rec.line, style.path(rec.index, Some(name)), msg);
                    }
                }
                Cell::Invalid => self.not_a_number(name, v, "text", t, rec),
            },
            Val::Bool(_) => self.not_a_number(name, v, "true/false", t, rec),
            Val::Arr(_) => self.not_a_number(name, v, "arrays", t, rec),
            Val::Obj(_) => self.not_a_number(name, v, "objects nested too deep", t, rec),
        }
    }

    fn not_a_number(&mut self, name: &str, v: Val, what: &'static str, t: i64, rec: &Record) {
        let path = self.style.path(rec.index, Some(name));
        if let Some(p) = self.existing(name) {
            p.push(t, f64::NAN, rec.line);
            report(
                self.diags,
                rec.line,
                path,
                format!("\"{name}\": cannot read {} as a number; kept as missing", shown(v)),
            );
        } else if self.text_keys.len() < MAX_SERIES && self.text_seen.insert(name.to_string()) {
            self.text_keys.push((name.to_string(), rec.line, path, what));
        }
    }
}

fn read(records: &[Record], style: Style, diags: &mut Diagnostics) -> Result<Vec<Series>, IngestError> {
    let sample: Vec<Val> = records.iter().map(|r| r.val).filter(|v| matches!(v, Val::Obj(_))).take(SAMPLE).collect();
    let mut r = Reader::new(time_key(&sample)?, style, diags);
    for rec in records {
        r.record(rec);
    }
    r.finish()
}

/// The time key of the sample, or the error naming the keys found.
fn time_key(sample: &[Val]) -> Result<TimeKey, IngestError> {
    detect_time_key(sample).ok_or_else(|| {
        let mut seen = HashSet::new();
        let keys: Vec<String> = sample
            .iter()
            .flat_map(|r| r.entries())
            .map(|(k, _)| k)
            .filter(|k| seen.insert(*k))
            .take(12)
            .map(|k| format!("\"{}\"", excerpt(k)))
            .collect();
        IngestError::NoTimeKey { keys: if keys.is_empty() { "none".to_string() } else { keys.join(", ") } }
    })
}

impl<'d> Reader<'d> {
    fn new(time: TimeKey, style: Style, diags: &'d mut Diagnostics) -> Self {
        Reader {
            time,
            rows: 0,
            series: Vec::new(),
            index: HashMap::new(),
            diags,
            style,
            text_keys: Vec::new(),
            text_seen: HashSet::new(),
            refused: None,
            refused_count: 0,
        }
    }

    fn record(&mut self, rec: &Record) {
        let style = self.style;
        if !matches!(rec.val, Val::Obj(_)) {
            let msg = format!("a record is {}, not an object: skipped", rec.val.describe());
            report(self.diags, rec.line, style.path(rec.index, None), msg);
            return;
        }
        let tv = rec.val.get(&self.time.key);
        let Some(t) = tv.and_then(|v| time_of(v, self.time.num)) else {
            let msg = match tv {
                None => format!("no \"{}\": record skipped", self.time.key),
                Some(v) => format!("cannot read {} as a timestamp: record skipped", shown(v)),
            };
            let path = style.path(rec.index, tv.map(|_| self.time.key.as_str()));
            report(self.diags, rec.line, path, msg);
            return;
        };
        self.rows += 1;
        for (k, v) in rec.val.entries() {
            if k != self.time.key {
                self.field(k, v, 0, t, rec);
            }
        }
    }

    fn finish(self) -> Result<Vec<Series>, IngestError> {
        if self.rows == 0 {
            return Err(no_rows(self.diags));
        }
        let Reader { series, index, diags, text_keys, refused, refused_count, time, .. } = self;
        for (name, line, path, what) in text_keys {
            if !index.contains_key(&name) {
                report(diags, line, path, format!("key \"{name}\" holds {what}, not numbers: not read as a series"));
            }
        }
        if let Some((name, line, path)) = refused {
            let msg = format!(
                "more than {MAX_SERIES} keys hold numbers: \"{name}\" and the rest ({refused_count} values) are not read"
            );
            report(diags, line, path, msg);
        }
        if series.is_empty() {
            return Err(IngestError::NoValueKey { key: time.key });
        }
        Ok(series.into_iter().filter_map(|p| p.finish(Order::AsIs, "null or NaN", diags)).collect())
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::{parse, Format, IngestError};
    use crate::series::SeriesKind;

    #[test]
    fn array_of_objects_with_time_found_by_content() {
        let json = r#"[
  {"host": "a", "when": "2024-01-01T00:00:00Z", "cpu": 51.2, "mem": 40, "net": {"rx": 1, "tx": 2}},
  {"host": "a", "when": "2024-01-01T00:01:00Z", "cpu": "52.5", "mem": null, "net": {"rx": 3, "tx": 4}},
  {"host": "a", "when": "2024-01-01T00:02:00Z", "cpu": "busy", "net": {"rx": 5, "tx": 6}},
  {"host": "a", "when": "yesterday", "cpu": 1},
  {"host": "a", "when": "2024-01-01T00:03:00Z", "cpu": 54, "net": {"rx": 7, "tx": 8}}
]"#;
        let p = parse("r.json", json.as_bytes()).unwrap();
        assert_eq!(p.format, Format::JsonRecords);
        let names: Vec<_> = p.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["cpu", "mem", "net.rx", "net.tx"]);
        let cpu = &p.series[0];
        assert_eq!(cpu.timestamps, vec![1_704_067_200_000, 1_704_067_260_000, 1_704_067_320_000, 1_704_067_380_000]);
        assert_eq!(cpu.values[..2], [51.2, 52.5]);
        assert!(cpu.values[2].is_nan());
        assert_eq!(cpu.kind, SeriesKind::Cpu);
        let mem = &p.series[1];
        assert_eq!(mem.len(), 2, "a record without the key holds no point of it");
        assert!(mem.values[1].is_nan(), "null is missing, not zero");
        assert_eq!(p.series[3].values, vec![2.0, 4.0, 6.0, 8.0]);
        let d = |path: &str| p.diagnostics.iter().find(|d| d.path.as_deref() == Some(path));
        assert!(d("[2].cpu").unwrap().message.contains("\"busy\""));
        assert_eq!(d("[2].cpu").unwrap().line, Some(4));
        assert!(d("[3].when").unwrap().message.contains("cannot read \"yesterday\" as a timestamp"));
        assert!(d("[1].mem").unwrap().message.contains("1 missing value (null or NaN"));
        assert!(d("[0].host").unwrap().message.contains("holds text"));
    }

    #[test]
    fn epoch_keys_and_a_single_object() {
        let json = r#"[{"value": 1, "ts": 1700000000000}, {"value": 2, "ts": 1700000060000}]"#;
        let p = parse("e.json", json.as_bytes()).unwrap();
        assert_eq!(p.series[0].name, "value");
        assert_eq!(p.series[0].timestamps, vec![1_700_000_000_000, 1_700_000_060_000]);
        let one = r#"{"timestamp": "2024-01-01 00:00:00", "latency_ms": 12}"#;
        let p = parse("o.json", one.as_bytes()).unwrap();
        assert_eq!(p.format, Format::JsonRecords);
        assert_eq!(p.series[0].values, vec![12.0]);
    }

    #[test]
    fn records_without_time_or_values_are_errors() {
        let err = parse("n.json", br#"[{"name": "ann", "age": 31}, {"name": "bob", "age": 42}]"#).unwrap_err();
        assert_eq!(err, IngestError::NoTimeKey { keys: "\"name\", \"age\"".to_string() });
        let err = parse("n.json", br#"[{"t": "2024-01-01T00:00:00Z", "host": "a"}]"#).unwrap_err();
        assert_eq!(err, IngestError::NoValueKey { key: "t".to_string() });
    }

    #[test]
    fn ndjson_bad_line_is_reported_with_its_number() {
        let text = "{\"time\": \"2024-01-01T00:00:00Z\", \"rps\": 10}\r\n\
                    {\"time\": \"2024-01-01T00:01:00Z\", \"rps\": 11}\r\n\
                    {\"time\": \"2024-01-01T00:02:00Z\", \"rps\": \r\n\
                    \r\n\
                    [1, 2]\r\n\
                    {\"time\": \"2024-01-01T00:03:00Z\", \"rps\": \"+Inf\"}\r\n\
                    {\"time\": \"2024-01-01T00:04:00Z\", \"rps\": 14}\r\n";
        let p = parse("r.ndjson", text.as_bytes()).unwrap();
        assert_eq!(p.format, Format::Ndjson);
        let s = &p.series[0];
        assert_eq!(s.name, "rps");
        assert_eq!(s.len(), 4);
        assert_eq!(s.values[3], 14.0);
        assert!(s.values[2].is_nan());
        let at = |line: usize| {
            p.diagnostics.iter().find(|d| d.line == Some(line)).unwrap_or_else(|| panic!("{:?}", p.diagnostics))
        };
        assert!(at(3).message.contains("not valid JSON"), "{:?}", at(3));
        assert!(at(5).message.contains("not a JSON object"));
        assert!(at(6).message.contains("infinite value \"+Inf\""));
        assert_eq!(at(6).path.as_deref(), Some("rps"));
    }

    #[test]
    fn ndjson_with_only_bad_lines_is_an_error() {
        let err = parse("x.ndjson", b"{\"a\": 1}\n{\"a\": \n{\"a\": 2}\n").unwrap_err();
        assert!(matches!(err, IngestError::NoTimeKey { .. }), "{err:?}");
        let err = parse("x.ndjson", b"{\"a\": \n{\"b\": \n{\"c\": 2}\n{\"d\": 2}\n").unwrap_err();
        assert!(matches!(err, IngestError::NoTimeKey { .. }), "{err:?}");
    }
}
