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
    /// Guesses the kind from a series name and its unit, if any.
    pub fn guess(name: &str, unit: Option<&str>) -> SeriesKind {
        let n = name.to_ascii_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| n.contains(w));
        if has(&["cpu", "processor"]) {
            SeriesKind::Cpu
        } else if has(&["mem", "heap", "rss"]) {
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
    /// The series' typical step: the median gap between consecutive timestamps.
    pub step_ms: i64,
    /// `None` when every value is missing.
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub mean: Option<f64>,
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
        let mut gaps: Vec<i64> = self.timestamps.windows(2).map(|w| w[1] - w[0]).collect();
        let step_ms = if gaps.is_empty() {
            0
        } else {
            let mid = gaps.len() / 2;
            *gaps.select_nth_unstable(mid).1
        };
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
            missing: self.len() - n,
            start_ms,
            end_ms,
            step_ms,
            min: some(min),
            max: some(max),
            mean: some(sum / n.max(1) as f64),
        })
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

    #[test]
    fn kinds_from_names() {
        assert_eq!(SeriesKind::guess("ec2_cpu_utilization_5f5533", None), SeriesKind::Cpu);
        assert_eq!(SeriesKind::guess("memory_used", None), SeriesKind::Memory);
        assert_eq!(SeriesKind::guess("elb_request_count_8c0756", None), SeriesKind::RequestRate);
        assert_eq!(SeriesKind::guess("latency_ms", None), SeriesKind::Latency);
        assert_eq!(SeriesKind::guess("temperature", None), SeriesKind::Other);
        assert_eq!(SeriesKind::guess("t", Some("ms")), SeriesKind::Latency);
    }
}
