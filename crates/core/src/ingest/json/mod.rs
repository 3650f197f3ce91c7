//! JSON exports of monitoring tools, recognised by their shape, never by the file name:
//!
//! | family | recognised by |
//! |---|---|
//! | Prometheus `query` / `query_range` | `data.result` (envelope), `resultType` + `result`, or an array of `{"metric", "values"|"value"}` |
//! | CloudWatch `get-metric-statistics` | `Datapoints` |
//! | CloudWatch `get-metric-data` | `MetricDataResults` |
//! | Datadog v1 `/api/v1/query` | `series` (with `pointlist`) |
//! | Datadog v2 timeseries query | `data.attributes` with `series` / `times` / `values` |
//! | Azure Monitor metrics | `value[]` whose items hold `timeseries` |
//! | records | an array of objects (or one object) with a key holding timestamps |
//! | NDJSON | one such object per line |
//!
//! The document is first read into a compact tree ([`Node`]) that borrows strings from the input
//! and stores the two-element arrays nearly every data point is written as (`[t, "v"]`, `[t, v]`)
//! without an allocation of their own. serde_json's recursion limit (128 levels) turns absurdly
//! deep nesting into an error instead of a stack overflow. Because strings and object keys are
//! borrowed, their address in the input gives their line ([`LineMap`]) at no extra cost; numbers
//! carry no position, so a diagnostic about a number has its document path but maybe no line.

mod azure;
mod cloudwatch;
mod datadog;
mod prometheus;
mod records;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{finish_series, Diagnostics, Format, IngestError, Parsed};
use crate::series::{Series, SeriesKind};
use crate::time::{parse_datetime, EpochUnit};

/// Reads a document that starts with `{` or `[`: one JSON value, or NDJSON.
pub(super) fn parse(source: &str, text: &str) -> Result<Parsed, IngestError> {
    let root: Node = match serde_json::from_str(text) {
        Ok(root) => root,
        Err(e) => {
            if records::looks_like_ndjson(text) {
                return records::parse_ndjson(text);
            }
            return Err(json_error(&e));
        }
    };
    let mut lm = LineMap::new(text);
    let mut diags = Diagnostics::new();
    let root = root.val();
    let (format, series) = match detect(root) {
        Family::Prometheus => (Format::PrometheusJson, prometheus::read(root, &mut lm, &mut diags)?),
        Family::CloudWatchStatistics => {
            (Format::CloudwatchMetricStatistics, cloudwatch::read_statistics(source, root, &mut lm, &mut diags)?)
        }
        Family::CloudWatchData => (Format::CloudwatchMetricData, cloudwatch::read_data(root, &mut lm, &mut diags)?),
        Family::DatadogV1 => (Format::DatadogV1, datadog::read_v1(root, &mut lm, &mut diags)?),
        Family::DatadogV2 => (Format::DatadogV2, datadog::read_v2(source, root, &mut lm, &mut diags)?),
        Family::Azure => (Format::AzureMonitor, azure::read(root, &mut lm, &mut diags)?),
        Family::Records => (Format::JsonRecords, records::read_document(root, &mut lm, &mut diags)?),
        Family::Error(e) => return Err(e),
        Family::Unknown => return Err(IngestError::UnknownJson { found: describe_document(root) }),
    };
    Ok(Parsed { format, series, diagnostics: diags.finish() })
}

/// serde_json's error as an [`IngestError`], its location kept apart from its message.
fn json_error(e: &serde_json::Error) -> IngestError {
    let (line, column) = (e.line(), e.column());
    let message = serde_message(e);
    if message.contains("recursion limit exceeded") {
        IngestError::JsonTooDeep { line, column }
    } else {
        IngestError::InvalidJson { line, column, message }
    }
}

/// serde_json's message without its " at line L column C" suffix.
pub(super) fn serde_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_string()
}

/// Which reader a document is for.
enum Family {
    Prometheus,
    CloudWatchStatistics,
    CloudWatchData,
    DatadogV1,
    DatadogV2,
    Azure,
    Records,
    /// An error response of a service, or a recognised document that cannot hold series.
    Error(IngestError),
    Unknown,
}

fn detect(root: Val) -> Family {
    let has = |k: &str| root.get(k).is_some();
    match root {
        Val::Obj(_) => {
            let status = root.get("status").and_then(Val::as_str);
            if status == Some("error") {
                if has("errorType") || !(has("series") || has("res_type")) {
                    return Family::Error(IngestError::PrometheusError {
                        error_type: root.get("errorType").and_then(Val::as_str).unwrap_or("").to_string(),
                        error: root.get("error").map(text_of).unwrap_or_default(),
                    });
                }
                return Family::Error(IngestError::ErrorResponse {
                    service: "Datadog",
                    message: root.get("error").map(text_of).unwrap_or_default(),
                });
            }
            if let Some(data) = root.get("data") {
                if data.get("result").is_some() || data.get("resultType").is_some() {
                    return Family::Prometheus;
                }
                if let Some(attrs) = data.get("attributes") {
                    if ["series", "times", "values"].iter().any(|k| attrs.get(k).is_some()) {
                        return Family::DatadogV2;
                    }
                    if attrs.get("columns").is_some() {
                        return Family::Error(IngestError::NoData {
                            format: "Datadog v2 query",
                            detail: "this is a scalar query response (data.attributes.columns), not a timeseries one"
                                .to_string(),
                        });
                    }
                }
            }
            if has("resultType") || root.get("result").and_then(Val::items).is_some_and(|r| looks_prometheus(&r)) {
                return Family::Prometheus;
            }
            if has("Datapoints") {
                return Family::CloudWatchStatistics;
            }
            if has("MetricDataResults") {
                return Family::CloudWatchData;
            }
            if root.get("series").and_then(Val::items).is_some() {
                return Family::DatadogV1;
            }
            if let Some(items) = root.get("value").and_then(Val::items) {
                let azure_item =
                    |v: Val| v.get("timeseries").is_some() || (v.get("name").is_some() && v.get("unit").is_some());
                if items.iter().next().is_some_and(azure_item) || (items.is_empty() && has("timespan")) {
                    return Family::Azure;
                }
            }
            if let Some(err) = root.get("error").filter(|e| matches!(e, Val::Obj(_))) {
                let code = err.get("code").and_then(Val::as_str).unwrap_or("error");
                let message = err.get("message").map(text_of).unwrap_or_default();
                return Family::Error(IngestError::ErrorResponse {
                    service: "Azure Monitor",
                    message: format!("{code}: {message}"),
                });
            }
            if let Some(errors) = root.get("errors") {
                return Family::Error(IngestError::ErrorResponse { service: "Datadog", message: text_of(errors) });
            }
            if records::is_record(root) {
                return Family::Records;
            }
            Family::Unknown
        }
        Val::Arr(items) => {
            if looks_prometheus(&items) {
                Family::Prometheus
            } else if items.iter().next().is_some_and(|v| matches!(v, Val::Obj(_))) {
                Family::Records
            } else {
                Family::Unknown
            }
        }
        _ => Family::Unknown,
    }
}

/// A Prometheus `result` array: its first item has `metric` and `values` or `value`.
fn looks_prometheus(items: &Items) -> bool {
    items.iter().next().is_some_and(|v| {
        v.get("metric").is_some() && ["values", "value", "histograms", "histogram"].iter().any(|k| v.get(k).is_some())
    })
}

/// "an object with keys "a", "b"" and the like, for [`IngestError::UnknownJson`].
fn describe_document(root: Val) -> String {
    match root {
        Val::Obj([]) => "an empty object".to_string(),
        Val::Obj(entries) => {
            let mut keys: Vec<String> = entries.iter().take(12).map(|(k, _)| format!("\"{}\"", excerpt(k))).collect();
            if entries.len() > 12 {
                keys.push(format!("… ({} keys in all)", entries.len()));
            }
            format!("an object with keys {}", keys.join(", "))
        }
        Val::Arr(items) => match items.iter().next() {
            None => "an empty array".to_string(),
            Some(first) => format!("an array of {} whose first item is {}", items.len(), first.describe()),
        },
        other => other.describe().to_string(),
    }
}

/// A message held as a string, an array of strings, or anything else (shown as its kind).
fn text_of(v: Val) -> String {
    match v {
        Val::Str(s) => s.to_string(),
        Val::Arr(items) => items.iter().map(text_of).collect::<Vec<_>>().join("; "),
        Val::Obj(_) => ["message", "error", "Message"]
            .iter()
            .find_map(|k| v.get(k).and_then(Val::as_str))
            .map_or_else(|| v.describe().to_string(), str::to_string),
        other => other.describe().to_string(),
    }
}

/// The first 60 characters of a text, for messages.
pub(super) fn excerpt(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// A value as a message quotes it: a string in quotes, a number as written, else its kind.
pub(super) fn shown(v: Val) -> String {
    match v {
        Val::Str(s) => format!("\"{}\"", excerpt(s)),
        Val::Num(x) => x.to_string(),
        Val::Arr(items) => format!("an array of {}", items.len()),
        other => other.describe().to_string(),
    }
}

/// The error for a recognised export in which nothing could be read: the first problem met.
pub(super) fn nothing_usable(format: &'static str, diags: &Diagnostics) -> IngestError {
    let detail = match diags.first() {
        Some(d) => {
            let at = d.path.clone().or_else(|| d.line.map(|l| format!("line {l}"))).unwrap_or_default();
            format!("no point could be read; the first problem, at {at}: {}", d.message)
        }
        None => "it holds no series".to_string(),
    };
    IngestError::NoData { format, detail }
}

// ---------------------------------------------------------------------------------------------
// The document tree.

/// One JSON value, strings borrowed from the input where serde_json allows (no escapes).
pub(super) enum Node<'de> {
    Null,
    Bool(bool),
    Num(f64),
    Str(Cow<'de, str>),
    Arr(Vec<Node<'de>>),
    Obj(Vec<(Cow<'de, str>, Node<'de>)>),
    /// `[number, number]` or `[number, null]` (the null stored as NaN, which JSON cannot write).
    NumPair(f64, f64),
    /// `[number, "string"]`, the string borrowed.
    NumStr(f64, &'de str),
}

impl<'de> Node<'de> {
    pub(super) fn val(&self) -> Val<'_> {
        match self {
            Node::Null => Val::Null,
            Node::Bool(b) => Val::Bool(*b),
            Node::Num(x) => Val::Num(*x),
            Node::Str(s) => Val::Str(s),
            Node::Arr(v) => Val::Arr(Items::Nodes(v)),
            Node::Obj(e) => Val::Obj(e),
            Node::NumPair(a, b) => Val::Arr(Items::NumPair(*a, *b)),
            Node::NumStr(a, s) => Val::Arr(Items::NumStr(*a, s)),
        }
    }
}

impl<'de> Deserialize<'de> for Node<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node<'de>, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node<'de>, E> {
        Ok(Node::Num(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node<'de>, E> {
        Ok(Node::Num(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node<'de>, E> {
        Ok(Node::Num(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Node<'de>, E> {
        Ok(Node::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node<'de>, E> {
        Ok(Node::Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Node<'de>, E> {
        Ok(Node::Str(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'de>, A::Error> {
        let Some(a) = seq.next_element::<Node>()? else {
            return Ok(Node::Arr(Vec::new()));
        };
        let Some(b) = seq.next_element::<Node>()? else {
            return Ok(Node::Arr(vec![a]));
        };
        match seq.next_element::<Node>()? {
            None => Ok(match (a, b) {
                (Node::Num(x), Node::Num(y)) => Node::NumPair(x, y),
                (Node::Num(x), Node::Null) => Node::NumPair(x, f64::NAN),
                (Node::Num(x), Node::Str(Cow::Borrowed(s))) => Node::NumStr(x, s),
                (a, b) => Node::Arr(vec![a, b]),
            }),
            Some(c) => {
                let mut v = vec![a, b, c];
                while let Some(n) = seq.next_element()? {
                    v.push(n);
                }
                v.shrink_to_fit();
                Ok(Node::Arr(v))
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node<'de>, A::Error> {
        let mut entries = Vec::new();
        while let Some(Key(k)) = map.next_key()? {
            entries.push((k, map.next_value()?));
        }
        entries.shrink_to_fit();
        Ok(Node::Obj(entries))
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// A read-only view of a [`Node`]: what the readers work with.
#[derive(Clone, Copy)]
pub(super) enum Val<'a> {
    Null,
    Bool(bool),
    Num(f64),
    Str(&'a str),
    Arr(Items<'a>),
    Obj(&'a [(Cow<'a, str>, Node<'a>)]),
}

/// The elements of an array, however they are stored.
#[derive(Clone, Copy)]
pub(super) enum Items<'a> {
    Nodes(&'a [Node<'a>]),
    NumPair(f64, f64),
    NumStr(f64, &'a str),
}

impl<'a> Items<'a> {
    pub(super) fn len(&self) -> usize {
        match self {
            Items::Nodes(n) => n.len(),
            _ => 2,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(super) fn get(&self, i: usize) -> Option<Val<'a>> {
        match (*self, i) {
            (Items::Nodes(n), _) => n.get(i).map(Node::val),
            (Items::NumPair(x, _) | Items::NumStr(x, _), 0) => Some(Val::Num(x)),
            (Items::NumPair(_, y), 1) => Some(if y.is_nan() { Val::Null } else { Val::Num(y) }),
            (Items::NumStr(_, s), 1) => Some(Val::Str(s)),
            _ => None,
        }
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = Val<'a>> + 'a {
        let this = *self;
        (0..this.len()).filter_map(move |i| this.get(i))
    }
}

impl<'a> Val<'a> {
    /// The value of `key` in an object (the last one, as serde_json does, if repeated).
    pub(super) fn get(self, key: &str) -> Option<Val<'a>> {
        match self {
            Val::Obj(e) => e.iter().rev().find(|(k, _)| k == key).map(|(_, n)| n.val()),
            _ => None,
        }
    }

    /// An object's entries in document order (none for anything else).
    pub(super) fn entries(self) -> impl Iterator<Item = (&'a str, Val<'a>)> {
        let e: &'a [(Cow<'a, str>, Node<'a>)] = match self {
            Val::Obj(e) => e,
            _ => &[],
        };
        e.iter().map(|(k, n)| (k.as_ref(), n.val()))
    }

    pub(super) fn items(self) -> Option<Items<'a>> {
        match self {
            Val::Arr(i) => Some(i),
            _ => None,
        }
    }

    pub(super) fn as_str(self) -> Option<&'a str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A non-empty string, trimmed.
    pub(super) fn as_name(self) -> Option<&'a str> {
        self.as_str().map(str::trim).filter(|s| !s.is_empty())
    }

    pub(super) fn as_f64(self) -> Option<f64> {
        match self {
            Val::Num(x) => Some(x),
            _ => None,
        }
    }

    /// What kind of value this is, for messages: "an object", "a string", ...
    pub(super) fn describe(self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(true) => "true",
            Val::Bool(false) => "false",
            Val::Num(_) => "a number",
            Val::Str(_) => "a string",
            Val::Arr(_) => "an array",
            Val::Obj(_) => "an object",
        }
    }

    /// Where this value's text starts in the input, when it is (or begins with) a borrowed
    /// string or key. Owned strings (with escapes) live elsewhere and are rejected by [`LineMap`].
    pub(super) fn addr(self) -> Option<usize> {
        self.addr_within(3)
    }

    fn addr_within(self, depth: u8) -> Option<usize> {
        match self {
            Val::Str(s) => Some(s.as_ptr() as usize),
            Val::Obj(e) => e.first().map(|(k, _)| k.as_ptr() as usize),
            Val::Arr(Items::NumStr(_, s)) => Some(s.as_ptr() as usize),
            Val::Arr(Items::Nodes(n)) if depth > 0 => n.first()?.val().addr_within(depth - 1),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lines.

/// Turns addresses of borrowed strings into 1-based line numbers (LF, CRLF or lone CR endings).
/// A cursor moves between queries, so asking in document order costs one pass over the text in
/// all; a query behind the cursor costs the distance back.
pub(super) struct LineMap<'t> {
    text: &'t [u8],
    base: usize,
    pos: usize,
    line: usize,
}

impl<'t> LineMap<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        LineMap { text: text.as_bytes(), base: text.as_ptr() as usize, pos: 0, line: 1 }
    }

    fn breaks(&self, from: usize, to: usize) -> usize {
        let text = self.text;
        text.get(from..to).map_or(0, |s| {
            s.iter()
                .enumerate()
                .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && text.get(from + i + 1) != Some(&b'\n')))
                .count()
        })
    }

    /// The line of the byte at `addr`, if `addr` lies in the text.
    pub(super) fn at(&mut self, addr: usize) -> Option<usize> {
        let off = addr.checked_sub(self.base).filter(|&o| o < self.text.len())?;
        if off >= self.pos {
            self.line += self.breaks(self.pos, off);
        } else {
            self.line -= self.breaks(off, self.pos);
        }
        self.pos = off;
        Some(self.line)
    }

    /// The line where `v` starts, when it can be known (see [`Val::addr`]).
    pub(super) fn of(&mut self, v: Val) -> Option<usize> {
        self.at(v.addr()?)
    }
}

// ---------------------------------------------------------------------------------------------
// Times and values.

/// How a reader's format writes instants as numbers.
#[derive(Clone, Copy)]
pub(super) enum NumTime {
    /// Always in this unit (Prometheus: seconds; Datadog: milliseconds).
    Unit(EpochUnit),
    /// Seconds, milliseconds, microseconds or nanoseconds, by magnitude.
    Guess,
}

/// The latest instant accepted: 9999-12-31T23:59:59.999Z (and the earliest, year 0), so that
/// later arithmetic on timestamps cannot overflow.
const MAX_MS: f64 = 253_402_300_799_999.0;
const MIN_MS: f64 = -62_167_219_200_000.0;

fn num_time(x: f64, num: NumTime) -> Option<i64> {
    let unit = match num {
        NumTime::Unit(u) => u,
        NumTime::Guess => EpochUnit::guess(x)?,
    };
    let ms = match unit {
        EpochUnit::Seconds => x * 1e3,
        EpochUnit::Millis => x,
        EpochUnit::Micros => x / 1e3,
        EpochUnit::Nanos => x / 1e6,
    }
    .round();
    (ms.is_finite() && (MIN_MS..=MAX_MS).contains(&ms)).then_some(ms as i64)
}

/// An instant written as an ISO 8601 / RFC 3339 string, a number, or a number in a string.
pub(super) fn time_of(v: Val, num: NumTime) -> Option<i64> {
    match v {
        Val::Num(x) => num_time(x, num),
        Val::Str(s) => parse_datetime(s).or_else(|| num_time(s.trim().parse::<f64>().ok()?, num)),
        _ => None,
    }
}

/// What a value slot held.
pub(super) enum Reading {
    Value(f64),
    /// null, `"NaN"` and the like: a gap, counted and summarised.
    Missing,
    /// Reported: an infinite value or something that is not a number. Kept as a gap.
    Bad(String),
}

/// Reads a value slot: a number, a numeric string (`"0.5"`, `"NaN"`, `"+Inf"`), or null.
pub(super) fn reading(v: Val) -> Reading {
    match v {
        Val::Num(x) if x.is_finite() => Reading::Value(x),
        Val::Num(x) => Reading::Bad(format!("infinite value {x} kept as missing")),
        Val::Null => Reading::Missing,
        Val::Str(s) => match super::parse_cell(s, false) {
            super::Cell::Number(x, _) => Reading::Value(x),
            super::Cell::Missing => Reading::Missing,
            super::Cell::Infinite => Reading::Bad(format!("infinite value \"{}\" kept as missing", excerpt(s))),
            super::Cell::Invalid => {
                Reading::Bad(format!("cannot read \"{}\" as a number; kept as missing", excerpt(s)))
            }
        },
        other => Reading::Bad(format!("{} where a number belongs; kept as missing", other.describe())),
    }
}

// ---------------------------------------------------------------------------------------------
// Building series.

/// How a format orders its points, decided before [`finish_series`] sees them.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Order {
    /// File order: anything out of order is reported by `finish_series`.
    AsIs,
    /// The order means nothing (CloudWatch `Datapoints`): sorted here, silently.
    Any,
    /// Newest first is the format's default (CloudWatch `get-metric-data`): a descending series is
    /// reversed here, silently; any other order is left to `finish_series`.
    NewestFirst,
}

/// One series while it is read: points in document order, each with its line (0 when unknown).
pub(super) struct Points {
    pub name: String,
    pub unit: Option<String>,
    /// The name [`SeriesKind::guess`] looks at: the metric without its labels.
    pub kind_name: Option<String>,
    /// A kind known without guessing (a sample count is `Other` whatever it counts).
    pub kind: Option<SeriesKind>,
    /// Where the series is in the document, for a report when it ends up empty.
    pub path: String,
    times: Vec<i64>,
    values: Vec<f64>,
    lines: Vec<usize>,
    missing: usize,
    first_missing: Option<(Option<usize>, String)>,
}

impl Points {
    pub(super) fn new(name: String, unit: Option<String>, path: String) -> Self {
        Points {
            name,
            unit,
            kind_name: None,
            kind: None,
            path,
            times: Vec::new(),
            values: Vec::new(),
            lines: Vec::new(),
            missing: 0,
            first_missing: None,
        }
    }

    pub(super) fn push(&mut self, t: i64, v: f64, line: Option<usize>) {
        self.times.push(t);
        self.values.push(v);
        self.lines.push(line.unwrap_or(0));
    }

    /// A point whose value is missing (null, `NaN`, an omitted key): a gap, counted.
    pub(super) fn push_missing(&mut self, t: i64, line: Option<usize>, path: impl FnOnce() -> String) {
        self.missing += 1;
        if self.first_missing.is_none() {
            self.first_missing = Some((line, path()));
        }
        self.push(t, f64::NAN, line);
    }

    /// A point read from a value slot: missing values counted, bad ones reported at `path`.
    pub(super) fn push_reading(
        &mut self,
        t: i64,
        r: Reading,
        line: Option<usize>,
        path: impl FnOnce() -> String,
        diags: &mut Diagnostics,
    ) {
        match r {
            Reading::Value(v) => self.push(t, v, line),
            Reading::Missing => self.push_missing(t, line, path),
            Reading::Bad(msg) => {
                diags.push_at(line, path(), format!("\"{}\": {msg}", self.name));
                self.push(t, f64::NAN, line);
            }
        }
    }

    /// The finished series, or `None` (reported) when it has no points.
    pub(super) fn finish(self, order: Order, what_missing: &str, diags: &mut Diagnostics) -> Option<Series> {
        let Points { name, unit, kind_name, kind, path, mut times, mut values, mut lines, missing, first_missing } =
            self;
        if times.is_empty() {
            diags.push_at(None, path, format!("\"{name}\": no data points; not read as a series"));
            return None;
        }
        if let Some((line, at)) = first_missing {
            let s = if missing == 1 { "" } else { "s" };
            diags.push_at(
                line,
                at,
                format!("\"{name}\": {missing} missing value{s} ({what_missing}; the first here), kept as gaps"),
            );
        }
        match order {
            Order::AsIs => {}
            Order::Any => {
                if !times.windows(2).all(|w| w[0] <= w[1]) {
                    let mut idx: Vec<usize> = (0..times.len()).collect();
                    idx.sort_by_key(|&i| times.get(i).copied().unwrap_or_default());
                    times = idx.iter().filter_map(|&i| times.get(i).copied()).collect();
                    values = idx.iter().filter_map(|&i| values.get(i).copied()).collect();
                    lines = idx.iter().filter_map(|&i| lines.get(i).copied()).collect();
                }
            }
            Order::NewestFirst => {
                if times.windows(2).all(|w| w[0] >= w[1]) && times.first() != times.last() {
                    times.reverse();
                    values.reverse();
                    lines.reverse();
                }
            }
        }
        let kind = kind.unwrap_or_else(|| SeriesKind::guess(kind_name.as_deref().unwrap_or(&name), unit.as_deref()));
        let series = Series { name, unit, kind, timestamps: times, values };
        Some(finish_series(series, &lines, None, diags))
    }
}

/// Rows of a document where each row is one instant with a few named values (CloudWatch
/// datapoints, Azure data points): one column per name, created when the name first appears; a
/// row without a name's value holds a gap there. Columns are capped at [`Table::MAX_COLUMNS`], so
/// that every column padded to every row stays proportional to the input.
pub(super) struct Table {
    times: Vec<i64>,
    lines: Vec<usize>,
    /// The document index of each row, for paths.
    rows: Vec<usize>,
    cols: Vec<Column>,
    index: HashMap<String, usize>,
}

pub(super) struct Column {
    pub name: String,
    pub unit: Option<String>,
    values: Vec<f64>,
    missing: usize,
    /// The first row without a value (row number, not document index).
    first_missing: Option<usize>,
}

/// A column once every row is read.
pub(super) struct FinishedColumn {
    pub name: String,
    pub unit: Option<String>,
    values: Vec<f64>,
    missing: usize,
    /// The first row without a value: its row number and its document index.
    first_missing: Option<(usize, usize)>,
}

impl FinishedColumn {
    /// The column as a series being built over the table's `times` and `lines`; `missing_path`
    /// locates a gap from its row's document index.
    pub(super) fn into_points(
        self,
        times: &[i64],
        lines: &[usize],
        missing_path: impl FnOnce(usize) -> String,
    ) -> Points {
        let mut p = Points::new(self.name, self.unit, String::new());
        if let Some((row, doc)) = self.first_missing {
            p.first_missing = Some((lines.get(row).copied().filter(|&l| l > 0), missing_path(doc)));
            p.missing = self.missing;
        }
        p.times = times.to_vec();
        p.values = self.values;
        p.lines = lines.to_vec();
        p
    }
}

impl Table {
    pub(super) fn new() -> Self {
        Table { times: Vec::new(), lines: Vec::new(), rows: Vec::new(), cols: Vec::new(), index: HashMap::new() }
    }

    pub(super) fn len(&self) -> usize {
        self.times.len()
    }

    /// Starts a row at `t`; values set next belong to it.
    pub(super) fn push_row(&mut self, t: i64, line: Option<usize>, doc_index: usize) {
        self.times.push(t);
        self.lines.push(line.unwrap_or(0));
        self.rows.push(doc_index);
    }

    pub(super) const MAX_COLUMNS: usize = 64;

    /// The column named `name`, created on first use; `None` past [`Table::MAX_COLUMNS`].
    pub(super) fn column(&mut self, name: &str) -> Option<usize> {
        if let Some(&c) = self.index.get(name) {
            return Some(c);
        }
        if self.cols.len() >= Self::MAX_COLUMNS {
            return None;
        }
        let c = self.cols.len();
        self.cols.push(Column {
            name: name.to_string(),
            unit: None,
            values: Vec::new(),
            missing: 0,
            first_missing: None,
        });
        self.index.insert(name.to_string(), c);
        Some(c)
    }

    pub(super) fn existing(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// Sets column `c` in the current row. `missing` counts the value as a gap for the summary
    /// (use it for null / NaN, not for values already reported).
    pub(super) fn set(&mut self, c: usize, v: f64, missing: bool) {
        let Some(row) = self.times.len().checked_sub(1) else { return };
        let Some(col) = self.cols.get_mut(c) else { return };
        col.pad(row);
        if missing {
            col.missing += 1;
            col.first_missing.get_or_insert(row);
        }
        match col.values.get_mut(row) {
            Some(slot) => *slot = v, // the same key twice in one row: the last wins, as in serde_json
            None => col.values.push(v),
        }
    }

    /// The rows' times and lines, and every column padded to all rows.
    pub(super) fn finish(self) -> (Vec<i64>, Vec<usize>, Vec<FinishedColumn>) {
        let n = self.times.len();
        let rows = self.rows;
        let cols = self
            .cols
            .into_iter()
            .map(|mut c| {
                c.pad(n);
                FinishedColumn {
                    name: c.name,
                    unit: c.unit,
                    values: c.values,
                    missing: c.missing,
                    first_missing: c.first_missing.and_then(|r| Some((r, *rows.get(r)?))),
                }
            })
            .collect();
        (self.times, self.lines, cols)
    }
}

impl Column {
    /// Fills the rows before `row` that have no value with gaps.
    fn pad(&mut self, row: usize) {
        let len = self.values.len();
        if len < row {
            self.missing += row - len;
            self.first_missing.get_or_insert(len);
            self.values.resize(row, f64::NAN);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, Format, IngestError};

    #[test]
    fn pairs_are_stored_compactly_and_read_like_arrays() {
        let root: super::Node = serde_json::from_str(r#"[[1, "2"], [3, null], [4, 5], ["a", 1], [1, 2, 3]]"#).unwrap();
        let items = root.val().items().unwrap();
        let got: Vec<String> = items
            .iter()
            .map(|p| {
                let p = p.items().unwrap();
                p.iter().map(|v| v.describe()).collect::<Vec<_>>().join("/")
            })
            .collect();
        assert_eq!(
            got,
            [
                "a number/a string",
                "a number/null",
                "a number/a number",
                "a string/a number",
                "a number/a number/a number"
            ]
        );
    }

    #[test]
    fn lines_come_from_borrowed_strings_with_any_line_ending() {
        let text = "{\r\n\"a\": \"x\",\r\"b\":\n [\"y\"]}";
        let root: super::Node = serde_json::from_str(text).unwrap();
        let mut lm = super::LineMap::new(text);
        let b = root.val().get("b").unwrap();
        assert_eq!(lm.of(b), Some(4));
        assert_eq!(lm.of(root.val().get("a").unwrap()), Some(2), "backwards");
        assert_eq!(lm.of(root.val()), Some(2), "an object starts at its first key");
        let owned: super::Node = serde_json::from_str("\"esc\\naped\"").unwrap();
        assert_eq!(lm.of(owned.val()), None, "an owned string is not in the text");
    }

    #[test]
    fn invalid_json_carries_serde_line_and_column() {
        let err = parse("x.json", b"{\n  \"a\": [1, 2,\n  ]\n}").unwrap_err();
        match err {
            IngestError::InvalidJson { line, column, ref message } => {
                assert_eq!((line, column), (3, 3), "{message}");
                assert!(!message.contains("at line"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse("x.json", b"{\"a\": tru}"), Err(IngestError::InvalidJson { line: 1, .. })));
        assert!(matches!(parse("x.json", b"[1, 2"), Err(IngestError::InvalidJson { .. })));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        for open in ["[", "{\"a\":"] {
            let text = open.repeat(100_000);
            assert!(matches!(parse("deep.json", text.as_bytes()), Err(IngestError::JsonTooDeep { line: 1, .. })));
        }
        let closed = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
        let err = parse("deep.json", closed.as_bytes()).unwrap_err();
        assert!(matches!(err, IngestError::JsonTooDeep { .. }), "{err:?}");
        assert!(err.to_string().contains("128"), "{err}");
    }

    #[test]
    fn unknown_json_names_what_was_expected_and_found() {
        let err = parse("x.json", br#"{"hello": 1, "world": [2]}"#).unwrap_err();
        assert_eq!(err, IngestError::UnknownJson { found: "an object with keys \"hello\", \"world\"".to_string() });
        let msg = err.to_string();
        for expected in ["Prometheus", "CloudWatch", "Datadog", "Azure", "timestamp"] {
            assert!(msg.contains(expected), "{msg}");
        }
        assert!(
            matches!(parse("x.json", b"[1, 2, 3]"), Err(IngestError::UnknownJson { ref found }) if found.contains("a number"))
        );
        assert!(
            matches!(parse("x.json", b"{}"), Err(IngestError::UnknownJson { ref found }) if found == "an empty object")
        );
        assert!(
            matches!(parse("x.json", b"[]"), Err(IngestError::UnknownJson { ref found }) if found == "an empty array")
        );
    }

    #[test]
    fn service_error_responses() {
        let azure = br#"{"error": {"code": "InvalidAuthenticationToken", "message": "The access token is invalid."}}"#;
        assert_eq!(
            parse("a.json", azure),
            Err(IngestError::ErrorResponse {
                service: "Azure Monitor",
                message: "InvalidAuthenticationToken: The access token is invalid.".to_string()
            })
        );
        let dd = br#"{"errors": ["Forbidden"]}"#;
        assert_eq!(
            parse("d.json", dd),
            Err(IngestError::ErrorResponse { service: "Datadog", message: "Forbidden".to_string() })
        );
    }

    #[test]
    fn format_names_are_snake_case() {
        let json = serde_json::to_string(&Format::CloudwatchMetricStatistics).unwrap();
        assert_eq!(json, "\"cloudwatch_metric_statistics\"");
        assert_eq!(serde_json::to_string(&Format::DatadogV2).unwrap(), "\"datadog_v2\"");
        assert_eq!(
            serde_json::to_string(&Format::InfluxCsv { annotated: true }).unwrap(),
            "{\"influx_csv\":{\"annotated\":true}}"
        );
    }
}
