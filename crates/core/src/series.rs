//! The series model every parser produces and every model consumes.

use serde::{Deserialize, Serialize};

/// What a series measures, guessed from its name and unit. Decides defaults later on (which policy
/// metric it feeds, whether values are percentages).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeriesKind {
    Cpu,
    Memory,
    Latency,
    RequestRate,
    Bytes,
    Other,
}

impl SeriesKind {
    /// Guesses the kind from a series name and its unit, if any. A name that says it counts what
    /// is *not* in use (`system.cpu.idle`, `FreeableMemory`, `Available Memory Bytes`) or only one
    /// slice of the time (`cpu.time_steal`, `iowait`) is not CPU or memory utilisation: read as
    /// utilisation, 92 % idle would look 92 % busy.
    pub fn guess(name: &str, unit: Option<&str>) -> SeriesKind {
        let n = name.to_ascii_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| n.contains(w));
        let not_use = has(&["idle", "free", "avail", "steal", "iowait", "wait_time"]);
        if !not_use && has(&["cpu", "processor"]) {
            SeriesKind::Cpu
        } else if !not_use && has(&["mem", "heap", "rss"]) {
            SeriesKind::Memory
        } else if has(&["latency", "response", "duration", "elapsed", "p95", "p99"]) {
            SeriesKind::Latency
        } else if has(&["request", "req", "rps", "qps", "throughput", "hits"]) {
            SeriesKind::RequestRate
        } else if has(&["byte", "disk", "network"]) {
            SeriesKind::Bytes
        } else {
            match unit {
                Some("ms" | "s" | "us" | "µs") => SeriesKind::Latency,
                Some("B" | "KB" | "MB" | "GB" | "KiB" | "MiB" | "GiB") => SeriesKind::Bytes,
                _ => SeriesKind::Other,
            }
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SeriesKind::Cpu => "CPU",
            SeriesKind::Memory => "memory",
            SeriesKind::Latency => "latency",
            SeriesKind::RequestRate => "request rate",
            SeriesKind::Bytes => "bytes",
            SeriesKind::Other => "other",
        }
    }
}

/// A named metric over time: parallel arrays of UTC epoch milliseconds (strictly increasing) and
/// values. A missing value (empty cell, `NaN`) is `f64::NAN`, never zero.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    pub unit: Option<String>,
    pub kind: SeriesKind,
    pub timestamps: Vec<i64>,
    pub values: Vec<f64>,
}

/// Summary figures of a series, as `headroom inspect` prints them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeriesStats {
    /// Number of points, missing values included.
    pub points: usize,
    /// Number of points whose value is missing.
    pub missing: usize,
    pub start_ms: i64,
    pub end_ms: i64,
    /// The series' typical step: the median interval between consecutive timestamps.
    pub step_ms: i64,
    /// `None` when every value is missing.
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub mean: Option<f64>,
    /// Intervals longer than 1.5 × the median step (see [`Series::gaps`]).
    pub gaps: usize,
    /// The longest of those intervals; 0 when there is no gap.
    pub largest_gap_ms: i64,
    /// More than 10 % of the intervals differ from the median step by more than 10 %.
    pub irregular: bool,
}

/// How a series' timestamps are spaced: what [`SeriesStats`] reports and what ingest diagnoses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Spacing {
    /// The median interval (the upper median for an even count); 0 with fewer than two points.
    pub step_ms: i64,
    /// Intervals longer than 1.5 × `step_ms`.
    pub gaps: usize,
    /// The longest gap: the index of the point after it, and its length.
    pub largest_gap: Option<(usize, i64)>,
    /// Intervals that differ from `step_ms` by more than 10 %.
    pub off_step: usize,
    /// The first of those: the index of the point after it.
    pub first_off_step: Option<usize>,
    /// Number of intervals (points − 1).
    pub intervals: usize,
}

impl Spacing {
    /// Measures `timestamps` (expected strictly increasing; anything else gives meaningless
    /// figures, never a panic). One pass plus a linear-time median.
    pub fn of(timestamps: &[i64]) -> Spacing {
        let intervals = timestamps.len().saturating_sub(1);
        if intervals == 0 {
            return Spacing::default();
        }
        let step_ms = median_interval(timestamps);
        let mut sp = Spacing { step_ms, intervals, ..Spacing::default() };
        if step_ms <= 0 {
            return sp;
        }
        let (step, gap_over) = (i128::from(step_ms), i128::from(step_ms) * 3);
        for (i, w) in timestamps.windows(2).enumerate() {
            let d = interval(w[0], w[1]);
            let wide = i128::from(d);
            if wide * 2 > gap_over {
                sp.gaps += 1;
                if sp.largest_gap.is_none_or(|(_, g)| d > g) {
                    sp.largest_gap = Some((i + 1, d));
                }
            }
            if (wide - step).abs() * 10 > step {
                sp.off_step += 1;
                sp.first_off_step.get_or_insert(i + 1);
            }
        }
        sp
    }

    /// More than 10 % of the intervals are off the median step by more than 10 %.
    pub fn irregular(&self) -> bool {
        self.off_step * 10 > self.intervals
    }

    pub fn is_gap(&self, interval_ms: i64) -> bool {
        self.step_ms > 0 && i128::from(interval_ms) * 2 > i128::from(self.step_ms) * 3
    }
}

/// The median interval. Metric series are nearly always regular, so first a Boyer–Moore majority
/// vote (two passes, no allocation): a value held by more than half of the intervals is the
/// median. Otherwise a linear-time selection over a copy.
fn median_interval(timestamps: &[i64]) -> i64 {
    let steps = || timestamps.windows(2).map(|w| interval(w[0], w[1]));
    let (mut candidate, mut votes) = (0i64, 0usize);
    for d in steps() {
        if votes == 0 {
            candidate = d;
            votes = 1;
        } else if d == candidate {
            votes += 1;
        } else {
            votes -= 1;
        }
    }
    let n = timestamps.len().saturating_sub(1);
    if steps().filter(|&d| d == candidate).count() * 2 > n {
        return candidate;
    }
    let mut all: Vec<i64> = steps().collect();
    let mid = all.len() / 2;
    *all.select_nth_unstable(mid).1
}

/// `b − a`, saturating instead of overflowing on absurd instants.
fn interval(a: i64, b: i64) -> i64 {
    b.saturating_sub(a)
}

impl Series {
    pub fn len(&self) -> usize {
        self.timestamps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.timestamps.is_empty()
    }

    /// Summary figures; `None` for an empty series.
    pub fn stats(&self) -> Option<SeriesStats> {
        let (&start_ms, &end_ms) = (self.timestamps.first()?, self.timestamps.last()?);
        let spacing = Spacing::of(&self.timestamps);
        let (mut min, mut max, mut sum, mut n) = (f64::INFINITY, f64::NEG_INFINITY, 0.0, 0usize);
        for &v in self.values.iter().filter(|v| v.is_finite()) {
            min = min.min(v);
            max = max.max(v);
            sum += v;
            n += 1;
        }
        let some = |x: f64| (n > 0).then_some(x);
        Some(SeriesStats {
            points: self.len(),
            missing: self.len().saturating_sub(n),
            start_ms,
            end_ms,
            step_ms: spacing.step_ms,
            min: some(min),
            max: some(max),
            mean: some(sum / n.max(1) as f64),
            gaps: spacing.gaps,
            largest_gap_ms: spacing.largest_gap.map_or(0, |(_, g)| g),
            irregular: spacing.irregular(),
        })
    }

    /// Every interval longer than 1.5 × the median step, as (last timestamp before, first
    /// timestamp after), in time order.
    pub fn gaps(&self) -> Vec<(i64, i64)> {
        let spacing = Spacing::of(&self.timestamps);
        if spacing.gaps == 0 {
            return Vec::new();
        }
        let mut out = Vec::with_capacity(spacing.gaps);
        out.extend(self.timestamps.windows(2).filter(|w| spacing.is_gap(interval(w[0], w[1]))).map(|w| (w[0], w[1])));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_skip_missing_values_and_use_the_median_step() {
        let s = Series {
            name: "cpu".into(),
            unit: Some("%".into()),
            kind: SeriesKind::Cpu,
            timestamps: vec![0, 300_000, 600_000, 900_000, 4_500_000],
            values: vec![10.0, f64::NAN, 30.0, 20.0, 40.0],
        };
        let st = s.stats().unwrap();
        assert_eq!(st.points, 5);
        assert_eq!(st.missing, 1);
        assert_eq!(st.step_ms, 300_000);
        assert_eq!((st.min, st.max, st.mean), (Some(10.0), Some(40.0), Some(25.0)));
    }

    fn at(seconds: &[i64]) -> Series {
        Series {
            name: "s".into(),
            unit: None,
            kind: SeriesKind::Other,
            timestamps: seconds.iter().map(|s| s * 1000).collect(),
            values: vec![1.0; seconds.len()],
        }
    }

    #[test]
    fn gaps_are_intervals_over_one_and_a_half_median_steps() {
        // Intervals 60, 60, 90, 60, 91, 60, 60, 300 s: median 60 s; 90 s is exactly 1.5 steps (not
        // a gap), 91 s and 300 s are gaps.
        let s = at(&[0, 60, 120, 210, 270, 361, 421, 481, 781]);
        let st = s.stats().unwrap();
        assert_eq!(st.step_ms, 60_000);
        assert_eq!((st.gaps, st.largest_gap_ms), (2, 300_000));
        assert_eq!(s.gaps(), vec![(270_000, 361_000), (481_000, 781_000)]);
        // 3 of 8 intervals are off the step by more than 10 %.
        assert!(st.irregular);
    }

    #[test]
    fn one_gap_in_a_regular_series_is_not_irregular() {
        // 20 intervals of 5 min, one of them 1 h: 5 % of the intervals are off.
        let mut t: Vec<i64> = (0..20).map(|i| i * 300).collect();
        t.push(19 * 300 + 3600);
        let st = at(&t).stats().unwrap();
        assert_eq!((st.step_ms, st.gaps, st.largest_gap_ms, st.irregular), (300_000, 1, 3_600_000, false));
    }

    #[test]
    fn jitter_within_ten_percent_is_regular_beyond_it_irregular() {
        // 60 s ± 6 s: every interval within 10 % of the median.
        let st = at(&[0, 60, 126, 180, 234, 300]).stats().unwrap();
        assert_eq!((st.step_ms, st.gaps, st.irregular), (60_000, 0, false));
        // 50 s / 70 s alternating: median 70 s, half the intervals are 29 % short; none is a gap.
        let s = at(&[0, 50, 120, 170, 240]);
        let st = s.stats().unwrap();
        assert_eq!((st.step_ms, st.gaps, st.largest_gap_ms, st.irregular), (70_000, 0, 0, true));
        assert!(s.gaps().is_empty());
    }

    #[test]
    fn tiny_and_odd_series_do_not_panic() {
        assert_eq!(at(&[]).stats(), None);
        let st = at(&[5]).stats().unwrap();
        assert_eq!((st.step_ms, st.gaps, st.largest_gap_ms, st.irregular), (0, 0, 0, false));
        let s = Series { timestamps: vec![i64::MIN, 0, i64::MAX, 0, 0], ..at(&[1]) };
        let _ = s.stats();
        let _ = s.gaps();
    }

    #[test]
    fn the_real_disk_write_export_has_its_one_hour_gap() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/nab/realAWSCloudwatch/ec2_disk_write_bytes_1ef3de.csv");
        let parsed = crate::parse("ec2_disk_write_bytes_1ef3de.csv", &std::fs::read(path).unwrap()).unwrap();
        let s = &parsed.series[0];
        let st = s.stats().unwrap();
        assert_eq!(st.step_ms, 300_000);
        // The clocks went forward on 2014-03-09: 01:59 is followed by 03:00 (twelve times).
        assert_eq!((st.gaps, st.largest_gap_ms, st.irregular), (1, 61 * 60_000, false));
        let (from, to) = (1_394_330_340_000, 1_394_334_000_000);
        assert_eq!(crate::time::to_rfc3339(from), "2014-03-09T01:59:00Z");
        assert_eq!(crate::time::to_rfc3339(to), "2014-03-09T03:00:00Z");
        assert_eq!(s.gaps(), vec![(from, to)]);
    }

    #[test]
    fn median_interval_with_and_without_a_majority() {
        // A majority step (5 of 7 intervals).
        assert_eq!(median_interval(&[0, 5, 10, 15, 20, 100, 105, 200]), 5);
        // No majority: sorted intervals 1, 2, 3, 10, 20 → median 3 (index len/2).
        assert_eq!(median_interval(&[0, 10, 12, 13, 33, 36]), 3);
        // Even count without a majority takes the upper middle, as select_nth(len/2) does.
        assert_eq!(median_interval(&[0, 1, 3, 6, 10]), 3);
    }

    #[test]
    fn kinds_from_names() {
        assert_eq!(SeriesKind::guess("ec2_cpu_utilization_5f5533", None), SeriesKind::Cpu);
        assert_eq!(SeriesKind::guess("memory_used", None), SeriesKind::Memory);
        assert_eq!(SeriesKind::guess("elb_request_count_8c0756", None), SeriesKind::RequestRate);
        assert_eq!(SeriesKind::guess("latency_ms", None), SeriesKind::Latency);
        assert_eq!(SeriesKind::guess("temperature", None), SeriesKind::Other);
        assert_eq!(SeriesKind::guess("t", Some("ms")), SeriesKind::Latency);
        // What is not in use is not utilisation.
        assert_eq!(SeriesKind::guess("avg:system.cpu.idle{*}", Some("%")), SeriesKind::Other);
        assert_eq!(SeriesKind::guess("cpu.time_steal", None), SeriesKind::Other);
        assert_eq!(SeriesKind::guess("FreeableMemory", None), SeriesKind::Other);
        assert_eq!(SeriesKind::guess("Available Memory Bytes", Some("B")), SeriesKind::Bytes);
        assert_eq!(SeriesKind::guess("system.cpu.user", Some("%")), SeriesKind::Cpu);
    }
}
