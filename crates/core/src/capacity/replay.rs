//! Replaying a policy over prepared metric data: "with this policy, how many instances would we
//! have run, and how many will we run?"
//!
//! Preparation ([`Prepared::new`]) is the expensive, policy-independent part: checking the grid,
//! filling missing values, turning utilisation into demand. Evaluation ([`Prepared::run`]) is the
//! cheap, policy-dependent part a slider re-runs.
//!
//! ## The model
//! - Data is on a regular grid; a value holds from its timestamp until the next one.
//! - **Demand.** For a utilisation metric (CPU, memory) with `n_hist` instances during the history,
//!   demand D = u·n_hist (instance-percent). The replay's utilisation is D / n_ready, so scaling up
//!   lowers it as it would in production. Request rate R is a total; per instance it is R / n_ready.
//!   Forecast utilisation is turned into demand with the last history count. The utilisation a
//!   threshold or AWS controller reads saturates at 100 % (demand beyond the instances' capacity
//!   is unserved, not shown); the HPA reads usage over requests, which Kubernetes lets exceed
//!   100 %.
//! - **Response time** is not demand: with CPU present it scales with queueing delay,
//!   rt_sim = rt_hist·(1 − ρ_hist)/(1 − ρ_sim), ρ = CPU/100 capped at 0.99 (an M/M/1-like
//!   stretch); without CPU it is replayed unchanged (and a note says so).
//! - **Ready instances.** A new instance serves after `warmup_s`; until then it costs money but
//!   is not capacity. A scale-down removes warming instances first.
//! - **Redundancy** is spare capacity: the scaler decides a base count n from the metrics it sees
//!   (computed on the base count: the figures after losing the spares), and the fleet runs
//!   n' = ceil(n·z/(z−1)) + k clamped to [min, max]. Counts, cost and events report n'.
//! - **Required count** at a step: the instances that bring every metric the policy targets to its
//!   target (D/target for utilisation, R/target per instance, the CPU level meeting the response
//!   time target, the M/M/c size for queueing), with redundancy, before clamping to max.
//!   **Runway** is the first forecast step whose required count exceeds `max_instances`;
//!   **headroom** is max_instances − the peak required count, also in percent of max_instances.
//! - **Breach**: time during which the ready base count is below the required count (that is,
//!   some replayed metric is above its scale-up threshold or target).
//! - The controller evaluates at its own cadence (HPA every `sync_s`, threshold and AWS every
//!   evaluation period, queueing every data step), on ticks aligned to the history's start.
//!
//! ## Speed
//! Within a data step the metrics are constant, so a controller can prove that the next ticks
//! change nothing (history uniform, no window or cooldown about to expire, no instance about to
//! become ready). Those ticks are skipped in O(1), with the controller's history updated as if they
//! had run; and a step in which every tick would leave the controller exactly as it is
//! ([`Controller::steady`]: a threshold controller whose alarm histories already hold the step's
//! datapoints and fire nothing) is passed over whole. [`Prepared::run`] and the tick-by-tick
//! [`Prepared::run_reference`] give identical replays.

use std::collections::VecDeque;
use std::fmt;

use serde::{Serialize, Serializer};

use super::policy::{Metric, Policy, PolicyError, Scaler};
use super::{aws, hpa, queueing_scaler, threshold};

/// Why a replay cannot be prepared or run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ReplayError {
    /// The history has no points.
    #[error("the history has no data points")]
    Empty,
    /// Timestamps are not strictly increasing with one constant step.
    #[error("{segment}: timestamps are not on a regular grid at index {index} (regularise the series first)")]
    Irregular { segment: &'static str, index: usize },
    /// A metric array's length differs from its timestamps'.
    #[error("{segment}: {metric} has {got} values for {want} timestamps")]
    Length { segment: &'static str, metric: &'static str, got: usize, want: usize },
    /// A metric array has no usable value.
    #[error("{segment}: {metric} has no value that is a finite number")]
    NoValues { segment: &'static str, metric: &'static str },
    /// The instance count during the history is not a positive number.
    #[error("the instance count during the history must be a positive number, got {value} at index {index}")]
    BadInstances { index: usize, value: f64 },
    /// No metric at all was given.
    #[error("no metric given: at least one of cpu, memory, response time, request rate is needed")]
    NoMetric,
    /// The forecast does not continue the history on the same step.
    #[error("the forecast must continue the history on its {step_ms} ms step: {reason}")]
    Forecast { step_ms: i64, reason: String },
    /// The policy is out of range.
    #[error("policy: {0}")]
    Policy(#[from] PolicyError),
}

/// One array per metric (any may be absent), parallel to a timestamp array. NaN = missing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MetricColumns {
    /// CPU utilisation, percent.
    pub cpu: Option<Vec<f64>>,
    /// Memory utilisation, percent.
    pub memory: Option<Vec<f64>>,
    /// Response time, seconds.
    pub response_time: Option<Vec<f64>>,
    /// Requests per second, all instances together.
    pub request_rate: Option<Vec<f64>>,
}

impl MetricColumns {
    /// The column of metric `m`, if present.
    pub fn get(&self, m: Metric) -> Option<&Vec<f64>> {
        match m {
            Metric::Cpu => self.cpu.as_ref(),
            Metric::Memory => self.memory.as_ref(),
            Metric::ResponseTime => self.response_time.as_ref(),
            Metric::RequestRate => self.request_rate.as_ref(),
        }
    }

    /// Sets the column of metric `m`.
    pub fn set(&mut self, m: Metric, v: Vec<f64>) {
        let slot = match m {
            Metric::Cpu => &mut self.cpu,
            Metric::Memory => &mut self.memory,
            Metric::ResponseTime => &mut self.response_time,
            Metric::RequestRate => &mut self.request_rate,
        };
        *slot = Some(v);
    }
}

/// The instance count during the history.
#[derive(Clone, Debug, PartialEq)]
pub enum HistoryInstances {
    /// The same count throughout.
    Constant(u32),
    /// One count per history timestamp.
    PerStep(Vec<f64>),
}

/// A forecast continuing the history: point values and 95 % upper values per metric.
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastInputs {
    /// On the history's step, starting one step after its last timestamp.
    pub timestamps: Vec<i64>,
    /// Point forecasts.
    pub point: MetricColumns,
    /// Upper ends of the 95 % prediction intervals.
    pub upper: MetricColumns,
}

/// Everything [`Prepared::new`] needs.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayInputs {
    /// History timestamps, UTC epoch ms, on a regular grid.
    pub timestamps: Vec<i64>,
    /// History metrics.
    pub metrics: MetricColumns,
    /// Instances during the history.
    pub instances: HistoryInstances,
    /// An optional forecast.
    pub forecast: Option<ForecastInputs>,
}

/// Demand per data step of one stretch of time (history, point forecast or upper forecast).
#[derive(Clone, Debug)]
pub(crate) struct Segment {
    pub start_ms: i64,
    pub len: usize,
    /// Per step and metric: CPU and memory demand (u·n), response-time numerator rt·(1−ρ) (or rt
    /// without CPU), total request rate; NaN when the metric is absent.
    pub d: Vec<[f64; 4]>,
    /// Bounds of `d` over runs of steps, for passing over a run at once.
    spans: Spans,
}

impl Segment {
    pub(crate) fn new(start_ms: i64, d: Vec<[f64; 4]>) -> Segment {
        Segment { start_ms, len: d.len(), spans: Spans::new(&d), d }
    }
}

/// Steps per leaf of [`Spans`]: the finest run the replay passes over at once.
const SPAN_BLOCK: usize = 8;

/// Per metric, the least and the greatest demand over runs of steps, as a segment tree over
/// blocks of [`SPAN_BLOCK`] steps (leaf `size + j` holds steps `j·B .. (j+1)·B`). A missing value
/// (NaN) makes its block's bounds −∞ and +∞, so no bound test passes over it. Built once per
/// prepared series; a replay asks for the longest run of whole blocks from a step in which every
/// value lies where nothing can happen ([`Spans::run_from`]), in O(log n).
#[derive(Clone, Debug, Default)]
struct Spans {
    /// Leaves in use (blocks of the segment).
    blocks: usize,
    /// Leaves in the tree: a power of two.
    size: usize,
    lo: Vec<[f64; 4]>,
    hi: Vec<[f64; 4]>,
}

impl Spans {
    fn new(d: &[[f64; 4]]) -> Spans {
        let blocks = d.len().div_ceil(SPAN_BLOCK);
        let size = blocks.next_power_of_two().max(1);
        let (mut lo, mut hi) = (vec![[f64::INFINITY; 4]; 2 * size], vec![[f64::NEG_INFINITY; 4]; 2 * size]);
        for (j, block) in d.chunks(SPAN_BLOCK).enumerate() {
            let (l, h) = (&mut lo[size + j], &mut hi[size + j]);
            for x in block {
                for m in 0..4 {
                    if x[m].is_nan() {
                        l[m] = f64::NEG_INFINITY;
                        h[m] = f64::INFINITY;
                    } else {
                        l[m] = l[m].min(x[m]);
                        h[m] = h[m].max(x[m]);
                    }
                }
            }
        }
        for k in (1..size).rev() {
            for m in 0..4 {
                lo[k][m] = lo[2 * k][m].min(lo[2 * k + 1][m]);
                hi[k][m] = hi[2 * k][m].max(hi[2 * k + 1][m]);
            }
        }
        Spans { blocks, size, lo, hi }
    }

    /// `bound(greatest)` over block `b` (what a controller's
    /// [`required_bound`](Controller::required_bound) gives for its steps), +∞ where that does not
    /// hold: `bound` gives none, a value of the block is missing or below 0, or `b` is past the
    /// last block.
    fn block_bound(&self, b: usize, has: &[bool; 4], bound: impl Fn(&[f64; 4]) -> Option<f64>) -> f64 {
        let k = self.size + b;
        if b >= self.blocks || (0..4).any(|m| has[m] && self.lo[k][m] < 0.0) {
            return f64::INFINITY;
        }
        bound(&self.hi[k]).unwrap_or(f64::INFINITY)
    }

    fn join(a: &([f64; 4], [f64; 4]), lo: &[f64; 4], hi: &[f64; 4]) -> ([f64; 4], [f64; 4]) {
        let mut out = *a;
        for m in 0..4 {
            out.0[m] = least(out.0[m], lo[m]);
            out.1[m] = greatest(out.1[m], hi[m]);
        }
        out
    }

    /// The end (a block index) of the longest run of whole blocks from block `first` over which
    /// `ok(least, greatest)` holds (`first` if not even that block passes), and the run's least
    /// and greatest values. `ok` must hold for any bounds within bounds for which it holds.
    fn run_from(&self, first: usize, ok: impl Fn(&[f64; 4], &[f64; 4]) -> bool) -> (usize, [f64; 4], [f64; 4]) {
        let mut acc = ([f64::INFINITY; 4], [f64::NEG_INFINITY; 4]);
        if first >= self.blocks {
            return (first, acc.0, acc.1);
        }
        let mut k = first + self.size;
        // The first block alone, before the larger nodes that start with it: a run that ends at
        // once (the replay tries one at each block it walks) costs one call of `ok`.
        let leaf = Spans::join(&acc, &self.lo[k], &self.hi[k]);
        if !ok(&leaf.0, &leaf.1) {
            return (first, acc.0, acc.1);
        }
        acc = leaf;
        k += 1;
        if k.is_power_of_two() {
            return (self.blocks, acc.0, acc.1);
        }
        loop {
            // Up to the largest node that starts at k.
            k >>= k.trailing_zeros();
            let next = Spans::join(&acc, &self.lo[k], &self.hi[k]);
            if !ok(&next.0, &next.1) {
                // The run ends inside node k: find the first leaf of it that fails.
                while k < self.size {
                    k *= 2;
                    let next = Spans::join(&acc, &self.lo[k], &self.hi[k]);
                    if ok(&next.0, &next.1) {
                        acc = next;
                        k += 1;
                    }
                }
                return ((k - self.size).min(self.blocks), acc.0, acc.1);
            }
            acc = next;
            k += 1;
            if k.is_power_of_two() {
                return (self.blocks, acc.0, acc.1);
            }
        }
    }
}

/// Metric data made ready for replays.
#[derive(Clone, Debug)]
pub struct Prepared {
    step_ms: i64,
    has: [bool; 4],
    history: Segment,
    history_instances_first: f64,
    point: Option<Segment>,
    upper: Option<Segment>,
    notes: Vec<String>,
}

fn check_grid(segment: &'static str, ts: &[i64]) -> Result<i64, ReplayError> {
    let step = if ts.len() >= 2 { ts[1] - ts[0] } else { 0 };
    if ts.len() >= 2 && step <= 0 {
        return Err(ReplayError::Irregular { segment, index: 1 });
    }
    for (i, w) in ts.windows(2).enumerate() {
        if w[1] - w[0] != step {
            return Err(ReplayError::Irregular { segment, index: i + 1 });
        }
    }
    Ok(step)
}

/// Forward-fills NaN (leading NaNs take the first value). Returns the number filled.
fn fill(segment: &'static str, metric: &'static str, v: &mut [f64]) -> Result<usize, ReplayError> {
    let first = v.iter().copied().find(|x| x.is_finite()).ok_or(ReplayError::NoValues { segment, metric })?;
    let mut last = first;
    let mut filled = 0;
    for x in v.iter_mut() {
        if x.is_finite() {
            last = *x;
        } else {
            *x = last;
            filled += 1;
        }
    }
    Ok(filled)
}

const NAMES: [&str; 4] = ["cpu", "memory", "response time", "request rate"];

fn columns(
    segment: &'static str,
    cols: &MetricColumns,
    len: usize,
    instances: &dyn Fn(usize) -> f64,
    notes: &mut Vec<String>,
) -> Result<Vec<[f64; 4]>, ReplayError> {
    let mut raw: [Vec<f64>; 4] = Default::default();
    for m in Metric::ALL {
        if let Some(v) = cols.get(m) {
            let metric = NAMES[m.index()];
            if v.len() != len {
                return Err(ReplayError::Length { segment, metric, got: v.len(), want: len });
            }
            let mut v = v.clone();
            let filled = fill(segment, metric, &mut v)?;
            if filled > 0 {
                notes.push(format!("{segment}: {metric}: {filled} missing values held at the previous value"));
            }
            raw[m.index()] = v;
        }
    }
    let cpu = std::mem::take(&mut raw[0]);
    let mem = std::mem::take(&mut raw[1]);
    let mut rt = std::mem::take(&mut raw[2]);
    let rr = std::mem::take(&mut raw[3]);
    if !rt.is_empty() && !cpu.is_empty() {
        for (r, u) in rt.iter_mut().zip(&cpu) {
            *r *= 1.0 - (u / 100.0).clamp(0.0, 0.99);
        }
    }
    let at = |v: &[f64], i: usize| v.get(i).copied().unwrap_or(f64::NAN);
    Ok((0..len).map(|i| [at(&cpu, i) * instances(i), at(&mem, i) * instances(i), at(&rt, i), at(&rr, i)]).collect())
}

impl Prepared {
    /// Checks and prepares the inputs. Missing values are held at the previous value (noted).
    pub fn new(inputs: &ReplayInputs) -> Result<Prepared, ReplayError> {
        let ts = &inputs.timestamps;
        if ts.is_empty() {
            return Err(ReplayError::Empty);
        }
        let mut step_ms = check_grid("history", ts)?;
        let mut notes = Vec::new();
        let per_step: Vec<f64> = match &inputs.instances {
            HistoryInstances::Constant(n) => {
                if *n == 0 {
                    return Err(ReplayError::BadInstances { index: 0, value: 0.0 });
                }
                Vec::new()
            }
            HistoryInstances::PerStep(v) => {
                if v.len() != ts.len() {
                    return Err(ReplayError::Length {
                        segment: "history",
                        metric: "instances",
                        got: v.len(),
                        want: ts.len(),
                    });
                }
                if let Some((i, x)) = v.iter().enumerate().find(|(_, x)| !(x.is_finite() && **x > 0.0)) {
                    return Err(ReplayError::BadInstances { index: i, value: *x });
                }
                v.clone()
            }
        };
        let constant = match inputs.instances {
            HistoryInstances::Constant(n) => f64::from(n),
            HistoryInstances::PerStep(_) => 0.0,
        };
        let inst = |i: usize| if per_step.is_empty() { constant } else { per_step[i] };
        let last_n = inst(ts.len() - 1);
        let has = Metric::ALL.map(|m| inputs.metrics.get(m).is_some());
        if !has.iter().any(|h| *h) {
            return Err(ReplayError::NoMetric);
        }
        if has[Metric::ResponseTime.index()] && !has[Metric::Cpu.index()] {
            notes.push("response time is replayed unchanged: without CPU it cannot follow the instance count".into());
        }
        let d = columns("history", &inputs.metrics, ts.len(), &inst, &mut notes)?;
        let history = Segment::new(ts[0], d);
        let (mut point, mut upper) = (None, None);
        if let Some(f) = &inputs.forecast {
            let fs = check_grid("forecast", &f.timestamps)?;
            if ts.len() == 1 && f.timestamps.len() >= 2 {
                step_ms = fs;
            }
            let bad = |reason: String| ReplayError::Forecast { step_ms, reason };
            if step_ms <= 0 {
                return Err(bad("a one-point history has no step".into()));
            }
            if f.timestamps.len() >= 2 && fs != step_ms {
                return Err(bad(format!("its step is {fs} ms")));
            }
            let want = ts[ts.len() - 1] + step_ms;
            if f.timestamps.first().is_some_and(|t| *t != want) {
                return Err(bad(format!("it starts at {} ms, not {want} ms", f.timestamps[0])));
            }
            for m in Metric::ALL {
                if has[m.index()] && (f.point.get(m).is_none() || f.upper.get(m).is_none()) {
                    return Err(bad(format!("{} has no forecast", NAMES[m.index()])));
                }
            }
            if !f.timestamps.is_empty() {
                let n = |_: usize| last_n;
                let only = |c: &MetricColumns| {
                    let mut c = c.clone();
                    for m in Metric::ALL {
                        if !has[m.index()] {
                            match m {
                                Metric::Cpu => c.cpu = None,
                                Metric::Memory => c.memory = None,
                                Metric::ResponseTime => c.response_time = None,
                                Metric::RequestRate => c.request_rate = None,
                            }
                        }
                    }
                    c
                };
                let p = only(&f.point);
                let u = only(&f.upper);
                point = Some(Segment::new(want, columns("forecast", &p, f.timestamps.len(), &n, &mut notes)?));
                upper =
                    Some(Segment::new(want, columns("forecast upper band", &u, f.timestamps.len(), &n, &mut notes)?));
            }
        }
        if step_ms <= 0 {
            // A single point: replay one minute of it.
            step_ms = 60_000;
        }
        Ok(Prepared { step_ms, has, history, history_instances_first: inst(0), point, upper, notes })
    }

    /// The data step, ms.
    pub fn step_ms(&self) -> i64 {
        self.step_ms
    }

    /// Which metrics the data has, in [`Metric::ALL`] order.
    pub fn has(&self, m: Metric) -> bool {
        self.has[m.index()]
    }

    /// Replays `policy` (validated first) over the history, then over the forecast's point values
    /// and, separately, its upper values. Fast: skips ticks that provably change nothing.
    pub fn run(&self, policy: &Policy) -> Result<Replay, ReplayError> {
        self.run_with(policy, true)
    }

    /// [`run`](Prepared::run) evaluating every tick: the reference the fast path is tested against.
    pub fn run_reference(&self, policy: &Policy) -> Result<Replay, ReplayError> {
        self.run_with(policy, false)
    }

    fn run_with(&self, policy: &Policy, fast: bool) -> Result<Replay, ReplayError> {
        policy.validate()?;
        let mut notes = self.notes.clone();
        match &policy.scaler {
            Scaler::Threshold(t) => {
                let c = threshold::ThresholdCtl::new(t, policy, &self.has, &mut notes);
                self.drive(c, policy, fast, notes)
            }
            Scaler::Hpa(h) => {
                let c = hpa::HpaCtl::new(h, policy, &self.has, &mut notes);
                self.drive(c, policy, fast, notes)
            }
            Scaler::TargetTracking(t) => {
                let c = aws::TrackingCtl::new(t, policy, &self.has, &mut notes);
                self.drive(c, policy, fast, notes)
            }
            Scaler::StepScaling(s) => {
                let c = aws::StepCtl::new(s, policy, &self.has, &mut notes);
                self.drive(c, policy, fast, notes)
            }
            Scaler::Queueing(q) => {
                let c = queueing_scaler::QueueCtl::new(q, policy, self.step_ms, &self.has, &mut notes);
                self.drive(c, policy, fast, notes)
            }
        }
    }

    fn drive<C: Controller>(
        &self,
        ctl: C,
        policy: &Policy,
        fast: bool,
        notes: Vec<String>,
    ) -> Result<Replay, ReplayError> {
        let initial = policy.initial_instances.unwrap_or(self.history_instances_first.round().max(1.0) as u32);
        let base = initial.clamp(policy.min_instances, policy.max_instances);
        let period = ctl.period_ms().max(1);
        let mut state = State {
            ctl,
            fleet: Fleet { base, ready: base, warming: VecDeque::new() },
            next_tick: self.history.start_ms,
            period,
            fast,
        };
        let history = self.segment(&mut state, &self.history, policy);
        let fork = |seg: &Option<Segment>| {
            seg.as_ref().map(|seg| {
                let mut s = state.clone();
                self.segment(&mut s, seg, policy)
            })
        };
        let forecast = fork(&self.point);
        let upper = fork(&self.upper);
        let max = f64::from(policy.max_instances);
        let peak_required = [Some(&history), forecast.as_ref(), upper.as_ref()]
            .into_iter()
            .flatten()
            .map(|t| t.summary.peak_required)
            .fold(0.0, f64::max);
        let headroom = Headroom { instances: max - peak_required, percent: (max - peak_required) / max * 100.0 };
        Ok(Replay {
            runway: forecast.as_ref().and_then(|t| t.first_over_max),
            runway_upper: upper.as_ref().and_then(|t| t.first_over_max),
            history,
            forecast,
            upper,
            headroom,
            notes,
        })
    }

    fn segment<C: Controller>(&self, s: &mut State<C>, seg: &Segment, policy: &Policy) -> Track {
        let step = self.step_ms;
        let (min, max) = (policy.min_instances, policy.max_instances);
        let fleet_count = |b: u32| policy.redundancy.apply(u64::from(b)).clamp(u64::from(min), u64::from(max)) as u32;
        let warmup_ms = (policy.warmup_s * 1000.0).round() as i64;
        let start = seg.start_ms;
        let end = start + step * seg.len as i64;
        let mut n_fleet = fleet_count(s.fleet.base);
        let mut changes = vec![(start, n_fleet)];
        let mut events = Vec::new();
        let has_cpu = self.has[Metric::Cpu.index()];
        // The largest scaler count whose fleet fits max: required counts above it exceed max.
        let (mut lo, mut hi) = (0u64, u64::from(max));
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if policy.redundancy.apply(mid) <= u64::from(max) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        let fits = lo as f64;
        let p = s.period;
        let inv_p = 1.0 / p as f64;
        let need = Need { fits, peak: 0.0, first_over: None };
        let mut acc = Acc { seg_t: start, area: 0.0, breach_ms: 0, peak: n_fleet, need };
        let mut i = 0;
        // At least what any step of the current block requires (+∞ if unknown): a step whose
        // requirement cannot matter (see `Need::limit`) is not computed (fast path only).
        let mut bound = f64::INFINITY;
        while i < seg.len {
            if s.fast && i.is_multiple_of(SPAN_BLOCK) {
                if s.fleet.warming.is_empty() {
                    let run_end = self.pass_over_run(s, seg, i, (min, max), &mut acc, n_fleet);
                    if run_end > i {
                        i = run_end;
                        continue;
                    }
                }
                bound = seg.spans.block_bound(i / SPAN_BLOCK, &self.has, |hi| s.ctl.required_bound(hi, has_cpu));
            }
            let d = &seg.d[i];
            let t0 = start + step * i as i64;
            i += 1;
            let step_end = t0 + step;
            // The step's requirement, once known; None while it is at most `bound`, and `bound`
            // changes neither the peak, nor the first step over max, nor a breach.
            let mut req = None;
            if !s.fast || bound > acc.need.limit(f64::from(s.fleet.ready)) {
                let r = s.ctl.required(d, has_cpu);
                acc.need.count(r, t0);
                req = Some(r);
            }
            let mut view = View::new(d, &self.has, &s.fleet, max, min);
            let mut breach = breaches(s, &mut req, d, bound, has_cpu);
            // Fast path: with nothing warming and a controller that every tick of this step would
            // leave as it is, the step's ticks are passed over at once.
            if s.fast && s.next_tick < step_end && s.fleet.warming.is_empty() && s.ctl.steady(&view) {
                s.next_tick += ticks_before(step_end - s.next_tick, p, inv_p) * p;
                acc.account(step_end, n_fleet, breach);
                continue;
            }
            loop {
                let next_ready = s.fleet.warming.front().map_or(i64::MAX, |w| w.0);
                if next_ready < step_end && next_ready <= s.next_tick {
                    acc.account(next_ready, n_fleet, breach);
                    while let Some(&(t, k)) = s.fleet.warming.front() {
                        if t > next_ready {
                            break;
                        }
                        s.fleet.ready += k;
                        s.fleet.warming.pop_front();
                    }
                    view = View::new(d, &self.has, &s.fleet, max, min);
                    breach = breaches(s, &mut req, d, bound, has_cpu);
                    continue;
                }
                if s.next_tick >= step_end {
                    break;
                }
                let now = s.next_tick;
                view.now = now;
                match s.ctl.tick(&view) {
                    Tick::Change(to, reason) => {
                        acc.account(now, n_fleet, breach);
                        s.fleet.set(to, now, warmup_ms);
                        let n = fleet_count(to);
                        if n != n_fleet {
                            events.push(ScaleEvent { timestamp: now, from: n_fleet, to: n, reason });
                            changes.push((now, n));
                            n_fleet = n;
                            acc.peak = acc.peak.max(n);
                        }
                        view = View::new(d, &self.has, &s.fleet, max, min);
                        breach = breaches(s, &mut req, d, bound, has_cpu);
                        s.next_tick += p;
                    }
                    Tick::Quiet(until) => {
                        let limit = until.min(step_end).min(next_ready);
                        if s.fast && limit > now + p {
                            // Ticks now + p, …, now + k·p are all < limit: k = ⌊(limit − now − 1)/p⌋,
                            // estimated in floating point and corrected (no integer division).
                            let k = ticks_before(limit - now, p, inv_p) - 1;
                            s.ctl.skip(now + k * p, k);
                            s.next_tick = now + (k + 1) * p;
                        } else {
                            s.next_tick += p;
                        }
                    }
                }
            }
            acc.account(step_end, n_fleet, breach);
        }
        let z = f64::from(policy.redundancy.zones.max(1));
        let zf = if z > 1.0 { z / (z - 1.0) } else { 1.0 };
        let peak_required = acc.need.peak * zf + f64::from(policy.redundancy.spare);
        let span = (end - start).max(1) as f64;
        Track {
            start_ms: start,
            end_ms: end,
            period_ms: s.period,
            changes,
            events,
            summary: Summary {
                peak: acc.peak,
                mean: acc.area / span,
                instance_hours: acc.area / 3.6e6,
                cost: acc.area / 3.6e6 * policy.price_per_hour,
                breach_minutes: acc.breach_ms as f64 / 60_000.0,
                peak_required,
            },
            first_over_max: acc.need.first_over,
        }
    }

    /// From step `i` (a block boundary, nothing warming), passes over the longest run of whole
    /// blocks in which no tick changes anything — every value stays where the controller is
    /// quiet ([`Controller::quiet_within`] on the blocks' bounds, [`Spans::run_from`]) — and
    /// brings the state and `acc` to the run's end, which it returns (`i` if there is no
    /// such run). Alarm histories that may change inside the run without mattering are rebuilt
    /// from its last ticks ([`Controller::refill`]); what the steps require is counted only in
    /// blocks whose bound ([`Controller::required_bound`]) can change the peak, a breach or the
    /// first step over max.
    fn pass_over_run<C: Controller>(
        &self,
        s: &mut State<C>,
        seg: &Segment,
        i: usize,
        (min, max): (u32, u32),
        acc: &mut Acc,
        n_fleet: u32,
    ) -> usize {
        let (step, start, p) = (self.step_ms, seg.start_ms, s.period);
        let has_cpu = self.has[Metric::Cpu.index()];
        let (fleet, ctl, has) = (&s.fleet, &s.ctl, &self.has);
        let quiet = |lo: &[f64; 4], hi: &[f64; 4]| {
            // The values are monotone in every demand for demands ≥ 0 (a block with a missing
            // value has −∞ as its least, so it fails too).
            if (0..4).any(|m| has[m] && lo[m] < 0.0) {
                return None;
            }
            ctl.quiet_within(&View::new(lo, has, fleet, max, min), &View::new(hi, has, fleet, max, min))
        };
        let (run, lo, hi) = seg.spans.run_from(i / SPAN_BLOCK, |lo, hi| quiet(lo, hi).is_some());
        let end = (run * SPAN_BLOCK).min(seg.len);
        if end <= i {
            return i;
        }
        let free = quiet(&lo, &hi).unwrap_or(0);
        let ready = f64::from(s.fleet.ready);
        let mut breaching = 0i64;
        let mut block = i / SPAN_BLOCK;
        while block < run {
            let limit = acc.need.limit(ready);
            let ctl = &s.ctl;
            let (next, _, _) =
                seg.spans.run_from(block, |_, hi| ctl.required_bound(hi, has_cpu).is_some_and(|r| r <= limit));
            if next >= run {
                break;
            }
            let from = next * SPAN_BLOCK;
            for (k, d) in seg.d[from..((next + 1) * SPAN_BLOCK).min(end)].iter().enumerate() {
                let req = s.ctl.required(d, has_cpu);
                acc.need.count(req, start + step * (from + k) as i64);
                breaching += i64::from(ready < req);
            }
            block = next + 1;
        }
        let run_end = start + step * end as i64;
        if s.next_tick < run_end {
            let ticks = ticks_before(run_end - s.next_tick, p, 1.0 / p as f64);
            if free != 0 {
                let last_tick = s.next_tick + (ticks - 1) * p;
                let views: Vec<View> = (0..ticks.min(s.ctl.refill_depth()))
                    .rev()
                    .map(|j| {
                        let t = last_tick - j * p;
                        let at = ((t - start).max(0) / step) as usize;
                        let mut v = View::new(&seg.d[at], &self.has, &s.fleet, max, min);
                        v.now = t;
                        v
                    })
                    .collect();
                s.ctl.refill(free, &views);
            }
            s.next_tick += ticks * p;
        }
        acc.account(run_end, n_fleet, false);
        acc.breach_ms += breaching * step;
        end
    }
}

/// `a.min(b)` for the replay's inner loops, `b` if either is NaN: one compare and select in
/// WebAssembly, where `f64::min` is a call to `fmin` (its NaN rule has no instruction).
#[inline(always)]
fn least(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

/// `a.max(b)` likewise, `b` if either is NaN.
#[inline(always)]
fn greatest(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else {
        b
    }
}

/// How many ticks every `p` ms from now fall within the next `span` ms (now included, the end
/// not): ⌈span / p⌉ for span > 0, estimated in floating point with `inv_p` = 1/p and corrected,
/// without an integer division (tens of cycles, in a loop run for most data steps).
#[inline]
fn ticks_before(span: i64, p: i64, inv_p: f64) -> i64 {
    if span <= 0 {
        return 0;
    }
    let mut k = (span as f64 * inv_p) as i64;
    while k * p < span {
        k += 1;
    }
    while k > 0 && (k - 1) * p >= span {
        k -= 1;
    }
    k
}

/// Whether the fleet's ready instances fall short of a step's requirement `req`, computed into
/// `req` only if the step's `bound` does not already answer it.
#[inline]
fn breaches<C: Controller>(s: &mut State<C>, req: &mut Option<f64>, d: &[f64; 4], bound: f64, has_cpu: bool) -> bool {
    let ready = f64::from(s.fleet.ready);
    match *req {
        Some(r) => ready < r,
        None if bound <= ready => false,
        None => {
            let r = s.ctl.required(d, has_cpu);
            *req = Some(r);
            ready < r
        }
    }
}

/// What the steps of a segment require: the peak, and the first step that needs more than max
/// allows (`fits`: the largest scaler count whose fleet fits max).
struct Need {
    fits: f64,
    peak: f64,
    first_over: Option<i64>,
}

impl Need {
    /// Counts the requirement `req` of the step starting at `t`.
    #[inline]
    fn count(&mut self, req: f64, t: i64) {
        // ceil(req) > fits ⇔ req > fits for a whole number `fits`.
        if req > self.fits && self.first_over.is_none() {
            self.first_over = Some(t);
        }
        self.peak = greatest(self.peak, req);
    }

    /// A requirement at most this changes neither the peak, nor the first step over max, nor
    /// (with `ready` instances serving) the breach time.
    fn limit(&self, ready: f64) -> f64 {
        let over = if self.first_over.is_none() { self.fits } else { f64::INFINITY };
        least(least(self.peak, ready), over)
    }
}

/// Time-weighted accumulators over one segment.
struct Acc {
    seg_t: i64,
    area: f64,
    breach_ms: i64,
    peak: u32,
    /// What the steps require (counted step by step, not over time).
    need: Need,
}

impl Acc {
    #[inline]
    fn account(&mut self, upto: i64, n: u32, breach: bool) {
        let dt = upto - self.seg_t;
        if dt > 0 {
            self.area += f64::from(n) * dt as f64;
            if breach {
                self.breach_ms += dt;
            }
            self.seg_t = upto;
        }
    }
}

#[derive(Clone)]
struct State<C> {
    ctl: C,
    fleet: Fleet,
    next_tick: i64,
    period: i64,
    fast: bool,
}

/// The scaler's instances: `base` in total, `ready` serving, the rest warming (ready at, count).
#[derive(Clone, Debug)]
pub(crate) struct Fleet {
    pub base: u32,
    pub ready: u32,
    pub warming: VecDeque<(i64, u32)>,
}

impl Fleet {
    fn set(&mut self, to: u32, now: i64, warmup_ms: i64) {
        if to > self.base {
            let k = to - self.base;
            if warmup_ms <= 0 {
                self.ready += k;
            } else {
                self.warming.push_back((now + warmup_ms, k));
            }
        } else {
            let mut remove = self.base - to;
            while remove > 0 {
                match self.warming.back_mut() {
                    Some(w) if w.1 > remove => {
                        w.1 -= remove;
                        remove = 0;
                    }
                    Some(w) => {
                        remove -= w.1;
                        self.warming.pop_back();
                    }
                    None => {
                        self.ready -= remove;
                        remove = 0;
                    }
                }
            }
        }
        self.base = to;
    }
}

/// What a controller sees at a tick.
#[derive(Clone, Copy, Debug)]
pub(crate) struct View {
    /// The tick's time, ms.
    pub now: i64,
    /// The scaler's current count (ready and warming).
    pub base: u32,
    /// Ready instances.
    pub ready: u32,
    /// Per metric the replayed value per ready instance (NaN when absent): CPU % and memory %
    /// (saturating at 100 %: an instance cannot be busier), response time s, requests/s per
    /// instance.
    pub value: [f64; 4],
    /// Per metric the demand: CPU and memory instance-percent, response-time numerator, total
    /// requests/s.
    pub demand: [f64; 4],
    /// min_instances.
    pub min: u32,
    /// max_instances.
    pub max: u32,
}

impl View {
    /// Only the metrics in `has` are computed (divisions are the replay's main cost).
    #[inline]
    fn new(d: &[f64; 4], has: &[bool; 4], fleet: &Fleet, max: u32, min: u32) -> View {
        let n = f64::from(fleet.ready.max(1));
        let mut value = [f64::NAN; 4];
        let cpu = if has[0] { d[0] / n } else { f64::NAN };
        value[0] = least(cpu, 100.0);
        if has[1] {
            value[1] = least(d[1] / n, 100.0);
        }
        if has[2] {
            value[2] = if has[0] { d[2] / (1.0 - (cpu * 0.01).clamp(0.0, 0.99)) } else { d[2] };
        }
        if has[3] {
            value[3] = d[3] / n;
        }
        View { now: 0, base: fleet.base, ready: fleet.ready, value, demand: *d, min, max }
    }
}

/// A controller's answer at a tick.
#[derive(Clone, Debug)]
pub(crate) enum Tick {
    /// Set the scaler's count to this.
    Change(u32, Reason),
    /// No change; with the same inputs (metrics, counts) no tick before this time (ms) changes
    /// anything, and [`Controller::skip`] brings the state to where those ticks would have.
    Quiet(i64),
}

/// A scaler's decision logic, stepped by the replay.
pub(crate) trait Controller: Clone {
    /// Milliseconds between ticks.
    fn period_ms(&self) -> i64;
    /// Decides at `v.now`.
    fn tick(&mut self, v: &View) -> Tick;
    /// The `count` ticks after the last one, up to and including `last`, saw the same inputs and
    /// changed nothing: update history as they would have.
    fn skip(&mut self, last: i64, count: i64);
    /// Whether a tick seeing `v` would change nothing at all, neither the count nor the
    /// controller's own state (so any number of such ticks can be passed over). Never claiming it
    /// is always correct.
    fn steady(&self, _v: &View) -> bool {
        false
    }
    /// Over a run of ticks each seeing a view whose values lie between those of `lo` and `hi`,
    /// metric by metric (the counts as in both): `Some(free)` if no tick would change the count
    /// and the controller's state would stay as it is but for the alarm histories whose bits are
    /// set in `free`, which [`refill`](Controller::refill) brings up to date after the run; `None`
    /// if not, or if the controller cannot tell (never claiming it is always correct).
    fn quiet_within(&self, _lo: &View, _hi: &View) -> Option<u32> {
        None
    }
    /// After a run passed over by [`quiet_within`](Controller::quiet_within): `last` holds the
    /// views of the run's last ticks (at most [`refill_depth`](Controller::refill_depth), oldest
    /// first) for the `free` histories.
    fn refill(&mut self, _free: u32, _last: &[View]) {}
    /// How many of a run's last ticks [`refill`](Controller::refill) needs: the longest history
    /// it rebuilds (at most 32, the longest an alarm keeps).
    fn refill_depth(&self) -> i64 {
        32
    }
    /// The instances (unclamped, before redundancy) that bring every targeted metric to its
    /// target, for demand `d` (see [`View::demand`]); never NaN (the peak and the breaches are
    /// kept with compares that a NaN would fail).
    fn required(&mut self, d: &[f64; 4], has_cpu: bool) -> f64;
    /// At least [`required`](Controller::required) for any demand between 0 and `hi`, metric by
    /// metric; None if the controller cannot tell; never NaN.
    fn required_bound(&self, _hi: &[f64; 4], _has_cpu: bool) -> Option<f64> {
        None
    }
}

/// Required instances for `targets` (per metric: the per-instance target, `None` = untargeted).
#[inline]
pub(crate) fn required_for(targets: &[Option<f64>; 4], d: &[f64; 4], has_cpu: bool) -> f64 {
    let mut req = 0.0f64;
    for m in [0, 1, 3] {
        if let Some(t) = targets[m] {
            // A missing value (NaN) compares false and is skipped.
            let r = d[m] / t;
            if r > req {
                req = r;
            }
        }
    }
    if let (Some(t), true) = (targets[2], has_cpu) {
        // rt_k / (1 − ρ) ≤ t  ⇔  ρ ≤ 1 − rt_k / t, ρ capped at 0.99.
        let rho = least(1.0 - d[2] / t, 0.99);
        let r = if rho <= 0.0 { f64::INFINITY } else { d[0] / (100.0 * rho) };
        if r > req {
            req = r;
        }
    }
    req
}

/// Why the scaler changed the count. `Display` gives the sentence.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// Threshold scale-up: a metric above its threshold for N of M periods.
    ThresholdUp { metric: Metric, value: f64, threshold: f64, periods: u32, of: u32 },
    /// Threshold scale-down: every metric below its scale-down threshold (first few listed).
    ThresholdDown { below: [Option<(Metric, f64, f64)>; 4], periods: u32, of: u32 },
    /// HPA: the metric that asked most, its ratio, the raw desired count, and what limited it.
    Hpa { metric: Metric, ratio: f64, desired: u32, to: u32, limit: Option<HpaLimit> },
    /// Target tracking: the deciding policy's metric, value, target and the change.
    Tracking { metric: Metric, value: f64, target: f64, change: i64 },
    /// Step scaling: the alarm's metric, value, threshold and the adjustment applied.
    Step { metric: Metric, value: f64, threshold: f64, change: i64 },
    /// Queueing: the request rate and the servers it needs.
    Queueing { rate: f64, servers: u64 },
}

/// What held an HPA's count back from the raw recommendation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum HpaLimit {
    /// The stabilisation window (seconds) kept a higher/lower recent recommendation.
    Stabilised { window_s: u32 },
    /// A rate policy: `pods` pods per `period_s` seconds.
    Pods { value: u32, period_s: u32 },
    /// A rate policy: `percent` per `period_s` seconds.
    Percent { value: u32, period_s: u32 },
    /// maxReplicas.
    Max,
    /// minReplicas.
    Min,
    /// The legacy path's scale-up limit max(2·current, 4).
    Legacy,
}

fn fmt_value(m: Metric, v: f64) -> String {
    match m {
        Metric::ResponseTime => format!("{v:.3} s"),
        _ => format!("{v:.1} {}", m.unit()),
    }
}

fn fmt_limit(m: Metric, v: f64) -> String {
    format!("{} {}", trim(v), m.unit())
}

/// A value beside the limit it was compared with, with as many decimals as it takes not to read
/// as the limit itself: `37.46 % < 37.5 %`, not `37.5 % < 37.5 %`.
fn fmt_vs(m: Metric, v: f64, limit: f64) -> String {
    if v == limit {
        return fmt_value(m, v);
    }
    let shown: f64 = trim(limit).parse().unwrap_or(limit);
    let first = if m == Metric::ResponseTime { 3 } else { 1 };
    (first..=6)
        .map(|d| format!("{v:.d$}"))
        .find(|s| s.parse::<f64>().ok() != Some(shown))
        .map_or_else(|| fmt_value(m, v), |s| format!("{s} {}", m.unit()))
}

fn trim(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::ThresholdUp { metric, value, threshold, periods, of } => write!(
                f,
                "{} {} > {} for {periods} of {of} periods",
                metric.label(),
                fmt_vs(*metric, *value, *threshold),
                fmt_limit(*metric, *threshold)
            ),
            Reason::ThresholdDown { below, periods, of } => {
                let parts: Vec<String> = below
                    .iter()
                    .flatten()
                    .map(|(m, v, t)| format!("{} {} < {}", m.label(), fmt_vs(*m, *v, *t), fmt_limit(*m, *t)))
                    .collect();
                write!(f, "{} for {periods} of {of} periods", parts.join(", "))
            }
            Reason::Hpa { metric, ratio, desired, to, limit } => {
                write!(f, "HPA: {} ratio {ratio:.2} → desired {desired}", metric.label())?;
                match limit {
                    None => Ok(()),
                    Some(HpaLimit::Stabilised { window_s }) => write!(f, ", stabilised to {to} ({window_s} s window)"),
                    Some(HpaLimit::Pods { value, period_s }) => {
                        let pods = if *value == 1 { "pod" } else { "pods" };
                        write!(f, ", limited by {value} {pods}/{period_s} s to {to}")
                    }
                    Some(HpaLimit::Percent { value, period_s }) => {
                        write!(f, ", limited by {value} %/{period_s} s to {to}")
                    }
                    Some(HpaLimit::Max) => write!(f, ", limited by maxReplicas {to}"),
                    Some(HpaLimit::Min) => write!(f, ", limited by minReplicas {to}"),
                    Some(HpaLimit::Legacy) => write!(f, ", limited by max(2·current, 4) = {to}"),
                }
            }
            Reason::Tracking { metric, value, target, change } => write!(
                f,
                "target tracking: {} {} vs target {} → {change:+}",
                metric.label(),
                fmt_vs(*metric, *value, *target),
                fmt_limit(*metric, *target)
            ),
            Reason::Step { metric, value, threshold, change } => write!(
                f,
                "step scaling: {} {} vs alarm {} → {change:+}",
                metric.label(),
                fmt_vs(*metric, *value, *threshold),
                fmt_limit(*metric, *threshold)
            ),
            Reason::Queueing { rate, servers } => {
                write!(f, "queueing: {rate:.1} requests/s need {servers} instances for the latency target")
            }
        }
    }
}

fn as_text<S: Serializer>(r: &Reason, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(r)
}

/// A change of the fleet's instance count.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScaleEvent {
    /// When, UTC epoch ms.
    pub timestamp: i64,
    /// Instances before (with redundancy).
    pub from: u32,
    /// Instances after.
    pub to: u32,
    /// Why, as a sentence.
    #[serde(serialize_with = "as_text")]
    pub reason: Reason,
}

/// Figures of one track.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// The most instances at any time.
    pub peak: u32,
    /// Time-weighted mean instances.
    pub mean: f64,
    /// Instances × hours.
    pub instance_hours: f64,
    /// Instance-hours × price.
    pub cost: f64,
    /// Minutes with some metric above its scale-up threshold or target.
    pub breach_minutes: f64,
    /// The largest required count (fractional, with redundancy, unclamped).
    pub peak_required: f64,
}

/// The instance count over one stretch of time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Track {
    /// Start, UTC epoch ms.
    pub start_ms: i64,
    /// End (exclusive): the last data step's end.
    pub end_ms: i64,
    /// The controller's tick, ms.
    pub period_ms: i64,
    /// Change points (time, count); the first is at `start_ms`.
    pub changes: Vec<(i64, u32)>,
    /// Scale events.
    pub events: Vec<ScaleEvent>,
    /// Figures.
    pub summary: Summary,
    /// The first data step whose required count exceeds max_instances.
    pub first_over_max: Option<i64>,
}

impl Track {
    /// The count at time `t` (after any change at `t`).
    pub fn count_at(&self, t: i64) -> u32 {
        let i = self.changes.partition_point(|c| c.0 <= t);
        self.changes[i.saturating_sub(1)].1
    }

    /// The count at every `step_ms` from `start_ms` to the end, in one pass.
    pub fn sample(&self, step_ms: i64) -> Vec<(i64, u32)> {
        let step = step_ms.max(1);
        let mut out = Vec::with_capacity(((self.end_ms - self.start_ms) / step).max(0) as usize);
        let mut j = 0;
        let mut t = self.start_ms;
        while t < self.end_ms {
            while j + 1 < self.changes.len() && self.changes[j + 1].0 <= t {
                j += 1;
            }
            out.push((t, self.changes[j].1));
            t += step;
        }
        out
    }

    /// The count at every evaluation tick.
    pub fn per_evaluation(&self) -> Vec<(i64, u32)> {
        self.sample(self.period_ms)
    }
}

/// max_instances − the peak required count.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Headroom {
    /// In instances (negative: the policy's max is too low for the peak).
    pub instances: f64,
    /// In percent of max_instances.
    pub percent: f64,
}

/// A policy's replay: the history, and the forecast at its point and upper values.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Replay {
    /// Over the history.
    pub history: Track,
    /// Over the point forecast.
    pub forecast: Option<Track>,
    /// Over the upper end of the 95 % band.
    pub upper: Option<Track>,
    /// First point-forecast time whose required count exceeds max_instances.
    pub runway: Option<i64>,
    /// The same for the upper band.
    pub runway_upper: Option<i64>,
    /// Over history and forecasts.
    pub headroom: Headroom,
    /// Metrics ignored, values filled, models simplified.
    pub notes: Vec<String>,
}

impl Replay {
    /// The replayed instance counts as CSV, one row per `step_ms`: `timestamp,phase,instances` with
    /// phase `history`, `forecast` or `forecast_upper_95` (RFC 3339 UTC timestamps).
    pub fn instances_csv(&self, step_ms: i64) -> String {
        let mut out = String::from("timestamp,phase,instances\n");
        let phases = [
            ("history", Some(&self.history)),
            ("forecast", self.forecast.as_ref()),
            ("forecast_upper_95", self.upper.as_ref()),
        ];
        for (phase, track) in phases {
            for (t, n) in track.map(|t| t.sample(step_ms)).unwrap_or_default() {
                out.push_str(&format!("{},{phase},{n}\n", crate::time::to_rfc3339(t)));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{greatest, least, ticks_before, HpaLimit, Metric, Reason, Spans, SPAN_BLOCK};
    use proptest::prelude::*;

    #[test]
    fn a_reason_never_reads_as_if_the_value_were_its_limit() {
        let down =
            Reason::ThresholdDown { below: [Some((Metric::Cpu, 37.46, 37.5)), None, None, None], periods: 3, of: 3 };
        assert_eq!(down.to_string(), "cpu 37.46 % < 37.5 % for 3 of 3 periods");
        let up = Reason::ThresholdUp { metric: Metric::Cpu, value: 90.04, threshold: 75.0, periods: 3, of: 3 };
        assert_eq!(up.to_string(), "cpu 90.0 % > 75 % for 3 of 3 periods");
        let rt = Reason::ThresholdUp { metric: Metric::ResponseTime, value: 2.0004, threshold: 2.0, periods: 1, of: 1 };
        assert_eq!(rt.to_string(), "response time 2.0004 s > 2 s for 1 of 1 periods");
        let hpa = Reason::Hpa {
            metric: Metric::Cpu,
            ratio: 1.5,
            desired: 6,
            to: 5,
            limit: Some(HpaLimit::Pods { value: 1, period_s: 60 }),
        };
        assert!(hpa.to_string().ends_with("limited by 1 pod/60 s to 5"), "{hpa}");
    }

    #[test]
    fn least_and_greatest_are_min_and_max_where_the_replay_uses_them() {
        // Finite values and infinities (the spans' bounds), and a NaN first (a metric the data
        // lacks, capped at 100 %): as f64::min and f64::max.
        let xs = [f64::NEG_INFINITY, -2.5, 0.0, 0.99, 1.0, 100.0, 1e300, f64::INFINITY];
        for &a in xs.iter().chain([f64::NAN].iter()) {
            for &b in &xs {
                assert_eq!(least(a, b).to_bits(), a.min(b).to_bits(), "least({a}, {b})");
                assert_eq!(greatest(a, b).to_bits(), a.max(b).to_bits(), "greatest({a}, {b})");
            }
        }
    }

    #[test]
    fn ticks_before_is_the_ceiling_of_the_span_over_the_period() {
        for p in [1i64, 7, 1_000, 15_000, 60_000, 300_000, 86_400_000] {
            let inv_p = 1.0 / p as f64;
            for span in (-3..40).map(|k| k * p / 4).chain([1, p - 1, p, p + 1, 1 << 40, (1 << 40) + 1]) {
                let want = if span > 0 { (span + p - 1) / p } else { 0 };
                assert_eq!(ticks_before(span, p, inv_p), want, "span {span}, period {p}");
            }
        }
    }

    proptest! {
        /// `run_from` finds exactly the run a block-by-block scan finds, with the same bounds.
        #[test]
        fn run_from_equals_a_scan_of_the_blocks(
            values in proptest::collection::vec(prop_oneof![9 => 0.0f64..100.0, 1 => Just(f64::NAN)], 0..300),
            first in 0usize..40,
            top in 0.0f64..100.0,
            floor in 0.0f64..50.0,
        ) {
            let d: Vec<[f64; 4]> = values.iter().map(|&v| [v, v / 2.0, 1.0, f64::NAN]).collect();
            let spans = Spans::new(&d);
            // Monotone: true for any bounds within bounds for which it is true.
            let ok = |lo: &[f64; 4], hi: &[f64; 4]| hi[0] <= top && lo[1] >= floor / 2.0;
            let (end, lo, hi) = spans.run_from(first, ok);
            let blocks: Vec<&[[f64; 4]]> = d.chunks(SPAN_BLOCK).collect();
            let mut want = first;
            let (mut wlo, mut whi) = ([f64::INFINITY; 4], [f64::NEG_INFINITY; 4]);
            while want < blocks.len() {
                let (mut l, mut h) = (wlo, whi);
                for x in blocks[want] {
                    for m in 0..4 {
                        if x[m].is_nan() {
                            l[m] = f64::NEG_INFINITY;
                            h[m] = f64::INFINITY;
                        } else {
                            l[m] = l[m].min(x[m]);
                            h[m] = h[m].max(x[m]);
                        }
                    }
                }
                if !ok(&l, &h) {
                    break;
                }
                (wlo, whi) = (l, h);
                want += 1;
            }
            prop_assert_eq!(end, want);
            prop_assert_eq!(lo[..3].to_vec(), wlo[..3].to_vec());
            prop_assert_eq!(hi[..3].to_vec(), whi[..3].to_vec());
        }
    }
}
