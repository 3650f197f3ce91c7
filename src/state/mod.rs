//! The app's plain data: what was loaded, and the text the page shows about it. No signals and no
//! DOM here, so it is testable on its own; components hold these values in signals.

pub mod plan;
pub mod session;

use std::borrow::Borrow;
use std::collections::BTreeMap;

use headroom_core::ingest::Format;
use headroom_core::time::{human_duration, to_rfc3339};
use headroom_core::{Diagnostic, Series, SeriesKind, SeriesStats};

/// The bundled real export behind "Try sample data" (NAB, MIT; see `public/sample/LICENSE.txt`).
pub const SAMPLE_FILE: &str = "ec2_cpu_utilization_5f5533.csv";

/// One file the user loaded, with what Headroom read from it. The page holds it in an `Arc`:
/// re-rendering never copies a file's series.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedFile {
    pub name: String,
    /// The export format Headroom recognised.
    pub format: Format,
    pub bytes: usize,
    pub series: Vec<Series>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A file being read or parsed, as the progress panel shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub id: u32,
    pub name: String,
    /// "reading" (from disk or the network) or "parsing" (in the worker).
    pub phase: &'static str,
    pub fraction: f64,
}

/// Reads one file with `headroom-core`. The error is one sentence naming the file and the reason.
pub fn ingest(name: &str, bytes: &[u8]) -> Result<LoadedFile, String> {
    ingest_with_progress(name, bytes, &mut |_| {})
}

/// [`ingest`], reporting progress in [0, 1].
pub fn ingest_with_progress(name: &str, bytes: &[u8], progress: &mut dyn FnMut(f64)) -> Result<LoadedFile, String> {
    match headroom_core::parse_with_progress(name, bytes, progress) {
        Ok(parsed) => Ok(LoadedFile {
            name: name.to_string(),
            format: parsed.format,
            bytes: bytes.len(),
            series: parsed.series,
            diagnostics: parsed.diagnostics,
        }),
        Err(e) => Err(format!("{name}: {e}")),
    }
}

/// Adds a file to the loaded set; a file of the same name is replaced (re-dropping an updated
/// export refreshes it rather than duplicating it).
pub fn add_file<F: Borrow<LoadedFile>>(files: &mut Vec<F>, file: F) {
    let name = Borrow::<LoadedFile>::borrow(&file).name.clone();
    match files.iter_mut().find(|f| Borrow::<LoadedFile>::borrow(&**f).name == name) {
        Some(existing) => *existing = file,
        None => files.push(file),
    }
}

/// What a policy reacts to; each is fed by at most one loaded series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    Cpu,
    Memory,
    Latency,
    RequestRate,
}

impl Metric {
    pub const ALL: [Metric; 4] = [Metric::Cpu, Metric::Memory, Metric::Latency, Metric::RequestRate];

    pub fn label(self) -> &'static str {
        match self {
            Metric::Cpu => "CPU utilisation",
            Metric::Memory => "Memory utilisation",
            Metric::Latency => "Response time",
            Metric::RequestRate => "Request rate",
        }
    }

    /// A stable identifier (used in test hooks and, later, in share links).
    pub fn id(self) -> &'static str {
        match self {
            Metric::Cpu => "cpu",
            Metric::Memory => "memory",
            Metric::Latency => "latency",
            Metric::RequestRate => "requests",
        }
    }

    fn kind(self) -> SeriesKind {
        match self {
            Metric::Cpu => SeriesKind::Cpu,
            Metric::Memory => SeriesKind::Memory,
            Metric::Latency => SeriesKind::Latency,
            Metric::RequestRate => SeriesKind::RequestRate,
        }
    }
}

/// A loaded series, by file and series name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SeriesRef {
    pub file: String,
    pub series: String,
}

impl SeriesRef {
    /// `file.csv › series` — also the value of the series' option in the mapping controls.
    pub fn label(&self) -> String {
        format!("{} › {}", self.file, self.series)
    }

    /// The series this refers to, if it is still loaded.
    pub fn find<'a, F: Borrow<LoadedFile>>(&self, files: &'a [F]) -> Option<&'a Series> {
        files
            .iter()
            .map(Borrow::borrow)
            .find(|f: &&LoadedFile| f.name == self.file)
            .and_then(|f| f.series.iter().find(|s| s.name == self.series))
    }
}

/// Which series feeds which metric.
pub type Mapping = BTreeMap<Metric, SeriesRef>;

/// Every loaded series, in load order.
pub fn all_series<F: Borrow<LoadedFile>>(files: &[F]) -> Vec<SeriesRef> {
    files
        .iter()
        .map(Borrow::borrow)
        .flat_map(|f| f.series.iter().map(|s| SeriesRef { file: f.name.clone(), series: s.name.clone() }))
        .collect()
}

/// How many loaded series look like `metric` (by kind): more than one, and the planner should know
/// that the mapping picked one of them.
pub fn count_like<F: Borrow<LoadedFile>>(files: &[F], metric: Metric) -> usize {
    files.iter().map(Borrow::borrow).flat_map(|f| &f.series).filter(|s| s.kind == metric.kind()).count()
}

/// Keeps the mapping true to what is loaded: forgets series that are gone, and gives each metric
/// without a series the first loaded series of its kind. A choice the user made stays.
pub fn auto_map<F: Borrow<LoadedFile>>(mapping: &mut Mapping, files: &[F]) {
    let all = all_series(files);
    mapping.retain(|_, r| all.contains(r));
    for m in Metric::ALL {
        if mapping.contains_key(&m) {
            continue;
        }
        let found = files.iter().map(Borrow::borrow).find_map(|f: &LoadedFile| {
            f.series
                .iter()
                .find(|s| s.kind == m.kind())
                .map(|s| SeriesRef { file: f.name.clone(), series: s.name.clone() })
        });
        if let Some(r) = found {
            mapping.insert(m, r);
        }
    }
}

/// `4,032 points`
pub fn points_text(n: usize) -> String {
    format!("{} point{}", thousands(n), if n == 1 { "" } else { "s" })
}

/// `2014-02-14 14:27 → 2014-02-28 14:22 UTC · 14 d · every 5 min`
pub fn span_text(st: &SeriesStats) -> String {
    let short = |ms: i64| {
        let s = to_rfc3339(ms);
        // 2014-02-14T14:27:00Z → 2014-02-14 14:27
        s.get(..16).map_or(s.clone(), |p| p.replace('T', " "))
    };
    if st.end_ms <= st.start_ms {
        // One instant: no span and no step to speak of.
        return format!("at {} UTC", short(st.start_ms));
    }
    format!(
        "{} → {} UTC · {} · every {}",
        short(st.start_ms),
        short(st.end_ms),
        human_duration(st.end_ms - st.start_ms),
        human_duration(st.step_ms)
    )
}

/// `min 34.77 % · mean 43.11 % · max 68.09 %`
pub fn range_text(st: &SeriesStats, unit: Option<&str>) -> String {
    let unit = unit.map_or(String::new(), |u| format!(" {u}"));
    match (st.min, st.mean, st.max) {
        (Some(min), Some(mean), Some(max)) => {
            format!("min {}{unit} · mean {}{unit} · max {}{unit}", short_num(min), short_num(mean), short_num(max))
        }
        _ => "every value is missing".to_string(),
    }
}

/// `line 12, column 2: message`, `line 40, data.result[1].values[17]: message`
pub fn diagnostic_text(d: &Diagnostic) -> String {
    let mut at = Vec::new();
    if let Some(l) = d.line {
        at.push(format!("line {l}"));
    }
    if let Some(c) = d.column {
        at.push(format!("column {c}"));
    }
    if let Some(p) = &d.path {
        at.push(p.clone());
    }
    if at.is_empty() {
        d.message.clone()
    } else {
        format!("{}: {}", at.join(", "), d.message)
    }
}

pub use headroom_core::display::thousands;

/// An instant as the page shows it, in UTC (as its labels say): `2014-04-02 14:35`, with the
/// seconds only when there are some (`2014-04-02 15:02:45`).
pub fn instant_text(ms: i64) -> String {
    let s = headroom_core::time::to_rfc3339(ms).replace('T', " ");
    let s = s.trim_end_matches('Z');
    s.strip_suffix(":00").unwrap_or(s).to_string()
}

/// Three significant figures for big numbers, two decimals for small ones.
pub fn short_num(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.2} G", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.2} M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1} k", v / 1e3)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// `1.2 MB`
pub fn bytes_text(n: usize) -> String {
    let n = n as f64;
    if n >= 1e6 {
        format!("{:.1} MB", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.0} kB", n / 1e3)
    } else {
        format!("{n} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] = include_bytes!("../../public/sample/ec2_cpu_utilization_5f5533.csv");

    #[test]
    fn instants_read_alike_with_seconds_only_when_there_are_some() {
        assert_eq!(instant_text(1_396_449_300_000), "2014-04-02 14:35");
        assert_eq!(instant_text(1_396_450_965_000), "2014-04-02 15:02:45");
    }

    #[test]
    fn the_sample_reads_as_the_page_shows_it() {
        let file = ingest(SAMPLE_FILE, SAMPLE).unwrap();
        assert_eq!(file.series.len(), 1);
        let s = &file.series[0];
        assert_eq!(points_text(s.len()), "4,032 points");
        let st = s.stats().unwrap();
        assert_eq!(span_text(&st), "2014-02-14 14:27 → 2014-02-28 14:22 UTC · 13 d 23 h · every 5 min");
        assert_eq!(range_text(&st, s.unit.as_deref()), "min 34.77 % · mean 43.11 % · max 68.09 %");
        assert_eq!(bytes_text(file.bytes), "119 kB");
        // A second CPU file: the mapping says it picked one of two.
        let other = ingest("web_cpu.csv", SAMPLE).unwrap();
        assert_eq!(count_like(std::slice::from_ref(&file), Metric::Cpu), 1);
        assert_eq!(count_like(&[file.clone(), other], Metric::Cpu), 2);
        assert_eq!(count_like(std::slice::from_ref(&file), Metric::Memory), 0);
        // One point: an instant, not a span of 0 s every 0 s.
        let one = headroom_core::ingest::parse("one.csv", b"timestamp,value\n2014-02-14T14:27:00Z,3\n").unwrap();
        assert_eq!(span_text(&one.series[0].stats().unwrap()), "at 2014-02-14 14:27 UTC");
    }

    #[test]
    fn errors_name_the_file() {
        let e = ingest("x.json", b"{\"a\": 1}").unwrap_err();
        assert!(e.starts_with("x.json: "), "{e}");
        assert_eq!(ingest("e.csv", b"").unwrap_err(), "e.csv: the file is empty");
    }

    #[test]
    fn a_file_of_the_same_name_replaces_the_old_one() {
        let mut files = Vec::new();
        add_file(&mut files, ingest("a.csv", b"t,v\n2024-01-01,1\n2024-01-02,2\n").unwrap());
        add_file(&mut files, ingest("b.csv", b"t,v\n2024-01-01,1\n2024-01-02,2\n").unwrap());
        add_file(&mut files, ingest("a.csv", b"t,v\n2024-01-01,1\n2024-01-02,2\n2024-01-03,3\n").unwrap());
        let names: Vec<_> = files.iter().map(|f| (f.name.as_str(), f.series[0].len())).collect();
        assert_eq!(names, [("a.csv", 3), ("b.csv", 2)]);
    }

    #[test]
    fn metrics_are_fed_by_series_of_their_kind_and_user_choices_stay() {
        let cpu =
            ingest("cpu.csv", b"timestamp,cpu,memory,requests\n2024-01-01,50,40,100\n2024-01-02,60,45,120\n").unwrap();
        let mut mapping = Mapping::new();
        auto_map(&mut mapping, std::slice::from_ref(&cpu));
        let got: Vec<_> = mapping.iter().map(|(m, r)| (m.id(), r.series.as_str())).collect();
        assert_eq!(got, [("cpu", "cpu"), ("memory", "memory"), ("requests", "requests")]);
        // The user feeds CPU from another series; a reload of the file keeps that choice.
        mapping.insert(Metric::Cpu, SeriesRef { file: "cpu.csv".into(), series: "memory".into() });
        auto_map(&mut mapping, std::slice::from_ref(&cpu));
        assert_eq!(mapping[&Metric::Cpu].series, "memory");
        // Removing the file forgets its series.
        auto_map::<LoadedFile>(&mut mapping, &[]);
        assert!(mapping.is_empty());
    }

    #[test]
    fn the_worker_wire_format_round_trips_and_sends_shared_timestamps_once() {
        use crate::worker::{Column, Meta};
        let file = ingest("u.csv", b"timestamp,cpu,memory\n2024-01-01,50,40\n2024-01-02,,45\n").unwrap();
        let meta = Meta::of(&file);
        assert_eq!(meta.series[1].same_times_as, Some(0));
        let mut columns = Vec::new();
        for (s, m) in file.series.iter().zip(&meta.series) {
            if m.same_times_as.is_none() {
                columns.push(Column::Times(s.timestamps.clone()));
            }
            columns.push(Column::Values(s.values.clone()));
        }
        assert_eq!(columns.len(), 3);
        let json = serde_json::to_string(&meta).unwrap();
        let back = serde_json::from_str::<Meta>(&json).unwrap().into_file("u.csv".into(), columns).unwrap();
        assert_eq!(back.series[0].timestamps, file.series[0].timestamps);
        assert_eq!(back.series[1].timestamps, file.series[1].timestamps);
        assert!(back.series[0].values[1].is_nan() && file.series[0].values[1].is_nan());
        assert_eq!(back.series[1].values, file.series[1].values);
        assert_eq!(back.diagnostics, file.diagnostics);
        // A wrong column count is an error, not a panic.
        let meta = serde_json::from_str::<Meta>(&json).unwrap();
        assert!(meta.into_file("u.csv".into(), vec![]).is_err());
        let meta = serde_json::from_str::<Meta>(&json).unwrap();
        let swapped = vec![Column::Values(vec![]), Column::Times(vec![]), Column::Values(vec![])];
        assert!(meta.into_file("u.csv".into(), swapped).is_err());
    }

    #[test]
    fn numbers_for_people() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(short_num(547_457_000.0), "547.46 M");
        assert_eq!(short_num(39_197.0), "39.2 k");
        assert_eq!(short_num(5.0), "5");
        assert_eq!(short_num(0.064), "0.06");
        assert_eq!(
            diagnostic_text(&Diagnostic { line: Some(3), column: Some(2), path: None, message: "m".into() }),
            "line 3, column 2: m"
        );
    }
}
