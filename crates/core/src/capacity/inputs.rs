//! From loaded series to replay inputs: every metric on one regular grid, in the units the
//! replay works in. Shared by the app and `headroom simulate`, so both replay the same numbers.
//!
//! - The step is the coarsest of the metrics' own steps (a 1-minute CPU series and a 5-minute
//!   latency series replay on 5 minutes); each series is regularised onto it by the mean.
//! - The grid covers the time every metric has data for (the overlap of their spans; what was cut
//!   is said in the notes). A metric with no value in a step holds its previous value (its first
//!   value before it starts); such steps are counted in the notes.
//! - Response times are converted to seconds from the series' unit; without one, from its name
//!   (`…_ms`, `…millis…`, `…seconds…`), else from its size (a median above 20 reads as
//!   milliseconds: 20 s is not a plausible response time); the note says which was assumed.
//! - A forecast per metric (point and 95 % upper, starting one step after that metric's last
//!   point) is laid on the grid that continues the history. A forecast on a coarser step than the
//!   grid's (an hourly max over 5-minute data) holds each of its values over the grid steps it
//!   covers; forecast values falling in one grid step are averaged, as the history is; a metric
//!   whose forecast ends early holds its last forecast value.

use crate::capacity::policy::Metric;
use crate::capacity::replay::{ForecastInputs, HistoryInstances, MetricColumns, ReplayInputs};
use crate::forecast::ForecastResult;
use crate::resample::{regularise, Aggregation, ResampleError};
use crate::series::Series;
use crate::time::to_rfc3339;

/// Why the series cannot be replayed.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum InputsError {
    /// No metric has a series.
    #[error("no series feeds a metric the policy can use (CPU, memory, response time or request rate)")]
    NoMetrics,
    /// A series has no usable point.
    #[error("{name}: no usable values to replay")]
    Empty { name: String },
    /// The metrics' series do not overlap in time.
    #[error("the series do not overlap in time, so no step has every metric")]
    NoOverlap,
    /// Regularising a series failed (e.g. too many steps).
    #[error("{name}: {source}")]
    Resample { name: String, source: ResampleError },
}

/// A forecast of one metric, on a regular step of its own (the history's, or coarser).
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastColumn<'a> {
    /// Starting one step after the metric's last point, then every step.
    pub timestamps: &'a [i64],
    /// The forecast's own step: its last value covers this long.
    pub step_ms: i64,
    pub point: &'a [f64],
    /// Upper end of the 95 % interval.
    pub upper: &'a [f64],
}

impl<'a> ForecastColumn<'a> {
    /// A metric's forecast as the replay takes it: its points and its 95 % upper band.
    pub fn of(f: &'a ForecastResult) -> Self {
        ForecastColumn { timestamps: &f.timestamps, step_ms: f.step_ms, point: &f.point, upper: &f.upper_95 }
    }
}

/// The series (and optional forecast) feeding each metric, in [`Metric::ALL`] order.
#[derive(Clone, Debug, Default)]
pub struct Sources<'a> {
    pub series: [Option<&'a Series>; 4],
    pub forecasts: [Option<ForecastColumn<'a>>; 4],
}

/// Aligned inputs plus what the alignment did (for the user to see).
#[derive(Clone, Debug, PartialEq)]
pub struct Aligned {
    pub inputs: ReplayInputs,
    pub step_ms: i64,
    pub notes: Vec<String>,
}

/// Seconds per unit of a response time in `unit`; `None` for no or an unknown unit.
pub fn seconds_per(unit: Option<&str>) -> Option<f64> {
    match unit.map(str::trim)? {
        "s" | "sec" | "secs" | "seconds" => Some(1.0),
        "ms" | "msec" | "milliseconds" => Some(1e-3),
        "us" | "µs" | "microseconds" => Some(1e-6),
        "ns" | "nanoseconds" => Some(1e-9),
        "m" | "min" | "minutes" => Some(60.0),
        _ => None,
    }
}

/// Seconds per unit of the response-time series `s`, and whether that was assumed (no unit).
pub fn response_time_scale(s: &Series) -> (f64, bool) {
    if let Some(k) = seconds_per(s.unit.as_deref()) {
        return (k, false);
    }
    let name = s.name.to_ascii_lowercase();
    if name.ends_with("_ms") || name.ends_with(" ms") || name.contains("millis") || name.contains("(ms)") {
        return (1e-3, true);
    }
    if name.ends_with("_s") || name.contains("seconds") || name.ends_with("_sec") {
        return (1.0, true);
    }
    let mut v: Vec<f64> = s.values.iter().copied().filter(|v| v.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let median = v.get(v.len() / 2).copied().unwrap_or(0.0);
    (if median > 20.0 { 1e-3 } else { 1.0 }, true)
}

/// The step every metric is replayed on: the coarsest of the metrics' series' own steps.
pub fn common_step<'a>(series: impl IntoIterator<Item = &'a Series>) -> Option<i64> {
    series.into_iter().filter_map(|s| s.stats().map(|st| st.step_ms.max(1))).max()
}

/// Puts `values` (at `times`) onto `grid_start + k·step` for `len` steps: the mean of the values
/// falling in a step, else the previous step's value held. Returns the column and how many steps
/// were filled in.
fn lay(times: &[i64], values: &[f64], grid_start: i64, step: i64, len: usize) -> (Vec<f64>, usize) {
    let mut out = vec![f64::NAN; len];
    let mut count = vec![0u32; len];
    for (&t, &v) in times.iter().zip(values) {
        let k = (t - grid_start).div_euclid(step);
        if v.is_finite() && (0..len as i64).contains(&k) {
            let k = k as usize;
            count[k] += 1;
            out[k] = if count[k] == 1 { v } else { out[k] + (v - out[k]) / f64::from(count[k]) };
        }
    }
    let first = out.iter().copied().find(|v| v.is_finite()).unwrap_or(0.0);
    let mut held = 0;
    let mut last = first;
    for v in &mut out {
        if v.is_finite() {
            last = *v;
        } else {
            *v = last;
            held += 1;
        }
    }
    (out, held)
}

/// Aligns the sources onto one grid (see the module docs).
pub fn align(sources: &Sources, instances: HistoryInstances) -> Result<Aligned, InputsError> {
    let step = common_step(sources.series.iter().flatten().copied()).ok_or(InputsError::NoMetrics)?;
    let mut regular: [Option<Series>; 4] = Default::default();
    for (slot, s) in regular.iter_mut().zip(&sources.series) {
        if let Some(s) = s {
            let r = regularise(s, step, Aggregation::Mean)
                .map_err(|source| InputsError::Resample { name: s.name.clone(), source })?;
            if !r.values.iter().any(|v| v.is_finite()) {
                return Err(InputsError::Empty { name: s.name.clone() });
            }
            *slot = Some(r);
        }
    }
    let present = regular.iter().flatten();
    let start = present.clone().filter_map(|s| s.timestamps.first()).max().copied().ok_or(InputsError::NoMetrics)?;
    let end = present.clone().filter_map(|s| s.timestamps.last()).min().copied().ok_or(InputsError::NoMetrics)?;
    if end < start {
        return Err(InputsError::NoOverlap);
    }
    let mut notes = Vec::new();
    for s in present {
        let (first, last) = (s.timestamps[0], s.timestamps[s.timestamps.len() - 1]);
        if first < start || last > end {
            notes.push(format!(
                "{}: only {} → {} is replayed, the time every metric has data for",
                s.name,
                to_rfc3339(start),
                to_rfc3339(end)
            ));
        }
    }
    let len = ((end - start) / step + 1) as usize;
    let timestamps: Vec<i64> = (0..len as i64).map(|k| start + k * step).collect();
    let mut metrics = MetricColumns::default();
    let mut scales = [1.0; 4];
    for (m, s) in Metric::ALL.into_iter().zip(&regular) {
        let Some(s) = s else { continue };
        if m == Metric::ResponseTime {
            let (k, assumed) = response_time_scale(s);
            scales[m.index()] = k;
            if assumed {
                let unit = if k == 1.0 { "seconds" } else { "milliseconds" };
                notes.push(format!("{}: no unit given; response times read as {unit}", s.name));
            }
        }
        let (mut col, held) = lay(&s.timestamps, &s.values, start, step, len);
        let scale = scales[m.index()];
        if scale != 1.0 {
            col.iter_mut().for_each(|v| *v *= scale);
        }
        if held > 0 {
            notes.push(format!("{}: {held} of {len} steps had no value and hold the previous one", s.name));
        }
        metrics.set(m, col);
    }
    // The forecast continues the grid to the end of the longest forecast given (its last value
    // covers one of its own steps).
    let horizon = sources.forecasts.iter().flatten().map(|f| {
        let Some(&last) = f.timestamps.last() else { return 0 };
        let covered = last.saturating_add(f.step_ms.max(1)) - (end + step);
        usize::try_from((covered + step - 1).div_euclid(step)).unwrap_or(0)
    });
    let horizon = horizon.max().unwrap_or(0);
    let forecast = (horizon > 0).then(|| {
        let f_start = end + step;
        let mut point = MetricColumns::default();
        let mut upper = MetricColumns::default();
        for ((m, f), s) in Metric::ALL.into_iter().zip(&sources.forecasts).zip(&regular) {
            if s.is_none() {
                continue;
            }
            let scale = scales[m.index()];
            let last = metrics.get(m).and_then(|c| c.last().copied()).unwrap_or(0.0);
            let (mut p, mut u) = match f {
                Some(f) => (
                    lay(f.timestamps, f.point, f_start, step, horizon).0,
                    lay(f.timestamps, f.upper, f_start, step, horizon).0,
                ),
                // No forecast for this metric: it stays at its last value.
                None => (vec![last; horizon], vec![last; horizon]),
            };
            if scale != 1.0 && f.is_some() {
                p.iter_mut().chain(u.iter_mut()).for_each(|v| *v *= scale);
            }
            point.set(m, p);
            upper.set(m, u);
        }
        ForecastInputs { timestamps: (0..horizon as i64).map(|k| f_start + k * step).collect(), point, upper }
    });
    Ok(Aligned { inputs: ReplayInputs { timestamps, metrics, instances, forecast }, step_ms: step, notes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::SeriesKind;

    fn series(name: &str, unit: Option<&str>, step: i64, values: &[f64], start: i64) -> Series {
        Series {
            name: name.into(),
            unit: unit.map(Into::into),
            kind: SeriesKind::Other,
            timestamps: (0..values.len() as i64).map(|k| start + k * step).collect(),
            values: values.to_vec(),
        }
    }

    #[test]
    fn metrics_share_the_coarsest_step_and_latency_becomes_seconds() {
        let cpu = series("cpu", Some("%"), 60_000, &[10.0, 20.0, 30.0, 40.0, 50.0, 60.0], 0);
        let lat = series("lat", Some("ms"), 120_000, &[100.0, 200.0, 300.0], 0);
        let sources = Sources { series: [Some(&cpu), None, Some(&lat), None], ..Default::default() };
        let a = align(&sources, HistoryInstances::Constant(2)).unwrap();
        assert_eq!(a.step_ms, 120_000);
        assert_eq!(a.inputs.timestamps, vec![0, 120_000, 240_000]);
        assert_eq!(a.inputs.metrics.cpu, Some(vec![15.0, 35.0, 55.0]));
        assert_eq!(a.inputs.metrics.response_time, Some(vec![0.1, 0.2, 0.3]));
        assert!(a.inputs.forecast.is_none());
        assert!(a.notes.is_empty());
    }

    #[test]
    fn missing_steps_hold_the_previous_value_and_are_noted() {
        let cpu = series("cpu", None, 60_000, &[10.0, f64::NAN, 30.0], 0);
        let mem = series("mem", None, 60_000, &[50.0, 55.0, 60.0, 65.0], 0);
        let sources = Sources { series: [Some(&cpu), Some(&mem), None, None], ..Default::default() };
        let a = align(&sources, HistoryInstances::Constant(1)).unwrap();
        // The overlap: the first three minutes; CPU's gap holds its previous value.
        assert_eq!(a.inputs.metrics.cpu, Some(vec![10.0, 10.0, 30.0]));
        assert_eq!(a.inputs.metrics.memory, Some(vec![50.0, 55.0, 60.0]));
        assert_eq!(a.notes.len(), 2, "{:?}", a.notes);
        assert!(a.notes[0].starts_with("mem: only 1970-01-01T00:00:00Z → 1970-01-01T00:02:00Z"), "{:?}", a.notes);
        assert!(a.notes[1].starts_with("cpu: 1 of 3 steps had no value"), "{:?}", a.notes);
    }

    #[test]
    fn forecasts_continue_the_grid() {
        let cpu = series("cpu", None, 60_000, &[10.0, 20.0], 0);
        let lat = series("lat", Some("s"), 60_000, &[1.0, 1.5], 0);
        let ts = [120_000, 180_000, 240_000];
        let f =
            ForecastColumn { timestamps: &ts, step_ms: 60_000, point: &[21.0, 22.0, 23.0], upper: &[31.0, 32.0, 33.0] };
        let sources = Sources { series: [Some(&cpu), None, Some(&lat), None], forecasts: [Some(f), None, None, None] };
        let a = align(&sources, HistoryInstances::Constant(1)).unwrap();
        let fc = a.inputs.forecast.unwrap();
        assert_eq!(fc.timestamps, ts.to_vec());
        assert_eq!(fc.point.cpu, Some(vec![21.0, 22.0, 23.0]));
        assert_eq!(fc.upper.cpu, Some(vec![31.0, 32.0, 33.0]));
        // Latency has no forecast of its own: it holds its last value.
        assert_eq!(fc.point.response_time, Some(vec![1.5, 1.5, 1.5]));
    }

    #[test]
    fn an_hourly_forecast_holds_each_value_over_the_five_minute_steps_of_its_hour() {
        const MIN: i64 = 60_000;
        let cpu = series("cpu", Some("%"), 5 * MIN, &[40.0; 24], 0);
        // The history ends at 1:55; an hourly forecast starts at 2:00 for two hours.
        let ts = [120 * MIN, 180 * MIN];
        let f = ForecastColumn { timestamps: &ts, step_ms: 60 * MIN, point: &[70.0, 90.0], upper: &[80.0, 99.0] };
        let sources = Sources { series: [Some(&cpu), None, None, None], forecasts: [Some(f), None, None, None] };
        let a = align(&sources, HistoryInstances::Constant(1)).unwrap();
        assert_eq!(a.step_ms, 5 * MIN);
        let fc = a.inputs.forecast.unwrap();
        assert_eq!(fc.timestamps.len(), 24, "two hours of 5-minute steps");
        assert_eq!(fc.timestamps[0], 120 * MIN);
        let want: Vec<f64> = [70.0; 12].into_iter().chain([90.0; 12]).collect();
        assert_eq!(fc.point.cpu, Some(want));
        assert_eq!(fc.upper.cpu.as_ref().map(|u| (u[11], u[12], u[23])), Some((80.0, 99.0, 99.0)));
    }

    #[test]
    fn a_one_step_daily_forecast_covers_its_whole_day() {
        const MIN: i64 = 60_000;
        // History to 14:20; one daily value for the next day: the replay runs to its end.
        let cpu = series("cpu", None, 5 * MIN, &[40.0; 173], 0);
        let ts = [1_440 * MIN];
        let f = ForecastColumn { timestamps: &ts, step_ms: 1_440 * MIN, point: &[60.0], upper: &[70.0] };
        let sources = Sources { series: [Some(&cpu), None, None, None], forecasts: [Some(f), None, None, None] };
        let fc = align(&sources, HistoryInstances::Constant(1)).unwrap().inputs.forecast.unwrap();
        assert_eq!(fc.timestamps.first(), Some(&(865 * MIN)));
        assert_eq!(fc.timestamps.last(), Some(&(2_875 * MIN)), "to the day's last 5 minutes");
        // The evening before the forecast's first day holds its value too (nothing else to hold).
        assert!(fc.point.cpu.unwrap().iter().all(|&v| v == 60.0));
    }

    #[test]
    fn forecast_values_sharing_a_grid_step_are_averaged() {
        // Memory every 10 minutes makes the grid 10 minutes; CPU's 5-minute forecast has two
        // values in each of its steps.
        let cpu = series("cpu", None, 300_000, &[10.0, 20.0, 30.0, 40.0], 0);
        let mem = series("mem", None, 600_000, &[50.0, 50.0], 0);
        let ts = [1_200_000, 1_500_000, 1_800_000, 2_100_000];
        let f = ForecastColumn {
            timestamps: &ts,
            step_ms: 300_000,
            point: &[10.0, 30.0, 50.0, 70.0],
            upper: &[11.0, 31.0, 51.0, 71.0],
        };
        let sources = Sources { series: [Some(&cpu), Some(&mem), None, None], forecasts: [Some(f), None, None, None] };
        let a = align(&sources, HistoryInstances::Constant(1)).unwrap();
        assert_eq!(a.step_ms, 600_000);
        let fc = a.inputs.forecast.unwrap();
        assert_eq!(fc.timestamps, vec![1_200_000, 1_800_000]);
        assert_eq!(fc.point.cpu, Some(vec![20.0, 60.0]));
    }

    #[test]
    fn response_times_without_a_unit_are_read_by_name_or_size() {
        let named = series("latency_ms", None, 60_000, &[0.5], 0);
        assert_eq!(response_time_scale(&named), (1e-3, true));
        let big = series("latency", None, 60_000, &[120.0, 130.0, 125.0], 0);
        assert_eq!(response_time_scale(&big), (1e-3, true));
        let small = series("latency", None, 60_000, &[0.12, 0.2, 0.15], 0);
        assert_eq!(response_time_scale(&small), (1.0, true));
        let stated = series("latency", Some("us"), 60_000, &[120.0], 0);
        assert_eq!(response_time_scale(&stated), (1e-6, false));
    }

    #[test]
    fn series_that_do_not_overlap_cannot_be_replayed_together() {
        let a = series("cpu", None, 60_000, &[1.0, 2.0], 0);
        let b = series("mem", None, 60_000, &[1.0, 2.0], 600_000);
        let sources = Sources { series: [Some(&a), Some(&b), None, None], ..Default::default() };
        assert_eq!(align(&sources, HistoryInstances::Constant(1)), Err(InputsError::NoOverlap));
    }

    #[test]
    fn nothing_to_replay_is_an_error() {
        assert_eq!(align(&Sources::default(), HistoryInstances::Constant(1)), Err(InputsError::NoMetrics));
        let empty = series("cpu", None, 60_000, &[f64::NAN, f64::NAN], 0);
        let sources = Sources { series: [Some(&empty), None, None, None], ..Default::default() };
        assert_eq!(align(&sources, HistoryInstances::Constant(1)), Err(InputsError::Empty { name: "cpu".into() }));
    }
}
