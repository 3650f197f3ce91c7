//! Synthetic usage data for benchmarks and tests: deterministic from a seed, shaped like a real
//! service (a daily cycle, noise, a slow trend), so parsers and models meet realistic numbers.

use std::fmt::Write;

/// A small xorshift generator: deterministic, seedable, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A `timestamp,cpu,memory,requests,latency_ms` CSV with `rows` one-minute rows from
/// 2024-01-01T00:00:00Z (`YYYY-MM-DD HH:MM:SS` timestamps), about 41.5 bytes a row: 2,400,000 rows
/// make about 100 MB.
pub fn usage_csv(rows: usize, seed: u64) -> Vec<u8> {
    usage_csv_every(rows, 60, seed)
}

/// [`usage_csv`] with one row every `step_s` seconds (e.g. 105,120 rows at 300 s: a year of
/// 5-minute data, the size the workbench benchmark replays). The trend is +1 per year whatever
/// the step.
pub fn usage_csv_every(rows: usize, step_s: i64, seed: u64) -> Vec<u8> {
    let step_s = step_s.max(1);
    let mut rng = Rng(seed | 1);
    let mut out = String::with_capacity(rows * 56 + 64);
    out.push_str("timestamp,cpu,memory,requests,latency_ms\n");
    let t0 = 1_704_067_200i64;
    for i in 0..rows {
        let t = t0 + i as i64 * step_s;
        let day = (t.rem_euclid(86_400)) as f64 / 86_400.0;
        let daily = (std::f64::consts::TAU * (day - 0.25)).sin();
        let trend = (t - t0) as f64 / 31_536_000.0; // +1 per year
        let noise = rng.unit() - 0.5;
        let cpu = (45.0 + 20.0 * daily + 5.0 * trend + 6.0 * noise).clamp(0.0, 100.0);
        let memory = (60.0 + 4.0 * daily + 8.0 * trend + 2.0 * noise).clamp(0.0, 100.0);
        let requests = (900.0 + 600.0 * daily + 200.0 * trend + 150.0 * noise).max(0.0).round();
        let latency = 80.0 + 40.0 * (cpu / 100.0).powi(3) * 10.0 + 15.0 * rng.unit();
        let dt = chrono::DateTime::from_timestamp(t, 0).unwrap_or_default();
        let _ = writeln!(out, "{},{cpu:.2},{memory:.1},{requests},{latency:.1}", dt.format("%Y-%m-%d %H:%M:%S"));
    }
    out.into_bytes()
}

/// The workbench benchmark's replay inputs: [`usage_csv_every`] parsed, each series fed to the
/// metric of its kind (CPU, memory, latency, requests) and aligned the way the app and
/// `headroom simulate` align them ([`crate::capacity::inputs::align`]: one grid, latency in
/// seconds), with `instances` running during the history. For benchmarks and tests: it reads only
/// the CSV it generates, so its `expect`s cannot fail on anyone's data.
pub fn usage_replay_inputs(rows: usize, step_s: i64, seed: u64, instances: u32) -> crate::capacity::ReplayInputs {
    use crate::capacity::inputs::{align, Sources};
    use crate::capacity::{HistoryInstances, Metric};
    use crate::SeriesKind;
    let parsed = crate::parse("usage.csv", &usage_csv_every(rows, step_s, seed)).expect("the synthetic CSV parses");
    let mut sources = Sources::default();
    for (metric, kind) in [
        (Metric::Cpu, SeriesKind::Cpu),
        (Metric::Memory, SeriesKind::Memory),
        (Metric::ResponseTime, SeriesKind::Latency),
        (Metric::RequestRate, SeriesKind::RequestRate),
    ] {
        sources.series[metric.index()] = parsed.series.iter().find(|s| s.kind == kind);
    }
    align(&sources, HistoryInstances::Constant(instances)).expect("the synthetic series align").inputs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_readable() {
        let a = usage_csv(1000, 7);
        assert_eq!(a, usage_csv(1000, 7));
        assert_ne!(a, usage_csv(1000, 8));
        let parsed = crate::parse("synth.csv", &a).unwrap();
        let names: Vec<_> = parsed.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["cpu", "memory", "requests", "latency_ms"]);
        assert!(parsed.series.iter().all(|s| s.len() == 1000));
        let per_row = a.len() as f64 / 1000.0;
        assert!((38.0..45.0).contains(&per_row), "{per_row} bytes a row");
        let year = crate::parse("year.csv", &usage_csv_every(105_120, 300, 7)).unwrap();
        let st = year.series[0].stats().unwrap();
        assert_eq!((st.points, st.step_ms), (105_120, 300_000));
    }

    #[test]
    fn the_replay_inputs_feed_every_metric_with_latency_in_seconds() {
        let inputs = usage_replay_inputs(2_000, 300, 7, 4);
        assert_eq!(inputs.timestamps.len(), 2_000);
        let m = &inputs.metrics;
        for (name, col) in
            [("cpu", &m.cpu), ("memory", &m.memory), ("latency", &m.response_time), ("requests", &m.request_rate)]
        {
            assert_eq!(col.as_ref().map(Vec::len), Some(2_000), "{name}");
        }
        // latency_ms is read in seconds: tens to hundreds of milliseconds.
        let lat = m.response_time.as_ref().unwrap();
        assert!(lat.iter().all(|&v| v > 0.0 && v < 5.0), "{:?}", &lat[..5]);
    }
}
