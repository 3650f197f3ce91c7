//! AWS Auto Scaling controllers: target tracking and step scaling.
//!
//! AWS does not publish target tracking's exact algorithm; Headroom follows its documented
//! behaviour (DESIGN §5):
//! - Every `period_s` (CloudWatch's 1-minute datapoints) each policy's metric is read on the
//!   *ready* instances (warming instances are not capacity). Like the alarms AWS creates, a policy
//!   asks to scale out after [`HIGH_PERIODS`] consecutive datapoints above its target, and to
//!   scale in after [`LOW_PERIODS`] consecutive datapoints below [`LOW_FRACTION`] × target.
//! - Proportional: the capacity that puts the metric at its target is ready × value / target;
//!   the change from the current count (warming included) is rounded conservatively — up when
//!   scaling out (+1.5 → +2), toward zero when scaling in (−1.5 → −1) — so scale-out is fast and
//!   scale-in gradual.
//! - Several policies: out if any asks (the largest count wins), in only if all ask (the smallest
//!   reduction wins); `disable_scale_in` vetoes scale-in. Scale-in waits `scale_in_cooldown_s`
//!   after any scale event; scale-out does not wait (warming instances already count).
//!
//! Step scaling: each policy's alarm fires after N of M datapoints beyond its threshold; the step
//! whose bounds (relative to the threshold) hold the metric's distance from it gives the
//! adjustment — above the threshold the lower bound is inclusive and the upper exclusive, below it
//! the other way round. `ChangeInCapacity` adds, `PercentChangeInCapacity` adds a percentage of
//! the current count (a result between 0 and 1 in size becomes ±1, larger ones are truncated, then
//! raised to `min_adjustment_magnitude`), `ExactCapacity` sets. When several alarms fire, the
//! policy giving the largest capacity wins. A scale event starts a `cooldown_s` cooldown (default
//! 300 s). All alarms are evaluated at the first policy's period.

use super::alarm::History;
use super::policy::{
    AdjustmentType, Comparison, Metric, Policy, StepAdjustment, StepScaling, TargetTracking, TrackingMetric,
};
use super::replay::{required_for, Controller, Reason, Tick, View};

/// Consecutive datapoints above target before a scale-out.
pub const HIGH_PERIODS: u32 = 3;
/// Consecutive datapoints below [`LOW_FRACTION`] × target before a scale-in.
pub const LOW_PERIODS: u32 = 15;
/// The scale-in alarm's threshold as a fraction of the target.
pub const LOW_FRACTION: f64 = 0.9;

#[derive(Clone, Debug)]
struct Tracked {
    metric: Metric,
    /// In the replay's units (requests per second per instance for request counts).
    target: f64,
    disable_in: bool,
    hi: History,
    lo: History,
}

#[derive(Clone, Debug)]
pub(crate) struct TrackingCtl {
    policies: Vec<Tracked>,
    period_ms: i64,
    cd_in_ms: i64,
    last_event: i64,
    targets: [Option<f64>; 4],
}

impl TrackingCtl {
    pub(crate) fn new(t: &TargetTracking, _p: &Policy, has: &[bool; 4], notes: &mut Vec<String>) -> TrackingCtl {
        let mut policies = Vec::new();
        let mut targets = [None; 4];
        for p in &t.policies {
            match p.metric.maps_to() {
                Some(m) if has[m.index()] => {
                    let target =
                        if p.metric == TrackingMetric::RequestCountPerTarget { p.target / 60.0 } else { p.target };
                    policies.push(Tracked {
                        metric: m,
                        target,
                        disable_in: p.disable_scale_in,
                        hi: History::new(HIGH_PERIODS, HIGH_PERIODS),
                        lo: History::new(LOW_PERIODS, LOW_PERIODS),
                    });
                    let slot: &mut Option<f64> = &mut targets[m.index()];
                    *slot = Some(slot.map_or(target, |s| s.min(target)));
                }
                Some(m) => notes.push(format!(
                    "target tracking on {:?} is ignored: the data has no {} series",
                    p.metric,
                    m.label()
                )),
                None => {
                    notes.push(format!("target tracking on {:?} is ignored: network traffic is not replayed", p.metric))
                }
            }
        }
        if policies.is_empty() {
            notes.push("no target-tracking metric is in the data: the count never changes".into());
        }
        TrackingCtl {
            policies,
            period_ms: ((t.period_s * 1000.0).round() as i64).max(1),
            cd_in_ms: (t.scale_in_cooldown_s * 1000.0).round() as i64,
            last_event: i64::MIN / 2,
            targets,
        }
    }
}

impl Controller for TrackingCtl {
    fn period_ms(&self) -> i64 {
        self.period_ms
    }

    fn tick(&mut self, v: &View) -> Tick {
        if self.policies.is_empty() {
            return Tick::Quiet(i64::MAX);
        }
        let base = f64::from(v.base);
        let ready = f64::from(v.ready);
        let mut out: Option<(i64, Reason)> = None;
        let mut all_in = true;
        let mut inn: Option<(i64, Reason)> = None;
        for p in &mut self.policies {
            let x = v.value[p.metric.index()];
            p.hi.push(x > p.target);
            p.lo.push(x < LOW_FRACTION * p.target);
            let change = ready * x / p.target - base;
            let reason = |c: i64| Reason::Tracking { metric: p.metric, value: x, target: p.target, change: c };
            if p.hi.fires() && change > 0.0 {
                let c = (change - 1e-9).ceil().max(1.0) as i64;
                if out.as_ref().is_none_or(|(o, _)| c > *o) {
                    out = Some((c, reason(c)));
                }
            }
            if p.lo.fires() && !p.disable_in && change < 0.0 {
                let c = change.trunc() as i64;
                if inn.as_ref().is_none_or(|(o, _)| c > *o) {
                    inn = Some((c, reason(c)));
                }
            } else {
                all_in = false;
            }
        }
        let now = v.now;
        let cur = i64::from(v.base);
        let mut until = i64::MAX;
        if let Some((c, reason)) = out {
            let to = (cur + c).min(i64::from(v.max)) as u32;
            if to > v.base {
                self.last_event = now;
                return Tick::Change(to, reason);
            }
        } else if let (true, Some((c, reason))) = (all_in, inn) {
            let to = (cur + c).max(i64::from(v.min)) as u32;
            if to < v.base {
                if now - self.last_event >= self.cd_in_ms {
                    self.last_event = now;
                    return Tick::Change(to, reason);
                }
                until = self.last_event + self.cd_in_ms;
            }
        }
        let mut flip = u32::MAX;
        for p in &self.policies {
            for f in [p.hi.flips_after(), p.lo.flips_after()].into_iter().flatten() {
                flip = flip.min(f);
            }
        }
        if flip != u32::MAX {
            until = until.min(now + i64::from(flip) * self.period_ms);
        }
        Tick::Quiet(until)
    }

    fn skip(&mut self, _last: i64, count: i64) {
        for p in &mut self.policies {
            p.hi.repeat(count);
            p.lo.repeat(count);
        }
    }

    fn required(&mut self, d: &[f64; 4], has_cpu: bool) -> f64 {
        required_for(&self.targets, d, has_cpu)
    }
}

#[derive(Clone, Debug)]
struct Alarm {
    metric: Metric,
    threshold: f64,
    above: bool,
    hist: History,
    kind: AdjustmentType,
    steps: Vec<StepAdjustment>,
    min_magnitude: Option<u32>,
}

impl Alarm {
    /// The step holding `delta` (metric − threshold).
    fn step(&self, delta: f64) -> Option<f64> {
        self.steps
            .iter()
            .find(|s| {
                let lo = s.lower.unwrap_or(f64::NEG_INFINITY);
                let hi = s.upper.unwrap_or(f64::INFINITY);
                if self.above {
                    lo <= delta && delta < hi
                } else {
                    lo < delta && delta <= hi
                }
            })
            .map(|s| s.adjustment)
    }

    /// The new count for adjustment `adj` at `base` instances (unclamped).
    fn apply(&self, adj: f64, base: u32) -> i64 {
        let b = i64::from(base);
        match self.kind {
            AdjustmentType::ChangeInCapacity => b + adj.trunc() as i64,
            AdjustmentType::ExactCapacity => adj.trunc() as i64,
            AdjustmentType::PercentChangeInCapacity => {
                let raw = adj / 100.0 * f64::from(base);
                let mut c = if raw != 0.0 && raw.abs() < 1.0 { raw.signum() as i64 } else { raw.trunc() as i64 };
                if let Some(m) = self.min_magnitude {
                    if c != 0 && c.abs() < i64::from(m) {
                        c = c.signum() * i64::from(m);
                    }
                }
                b + c
            }
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct StepCtl {
    alarms: Vec<Alarm>,
    period_ms: i64,
    cd_ms: i64,
    last_event: i64,
    targets: [Option<f64>; 4],
}

impl StepCtl {
    pub(crate) fn new(s: &StepScaling, _p: &Policy, has: &[bool; 4], notes: &mut Vec<String>) -> StepCtl {
        let mut alarms = Vec::new();
        let mut targets = [None; 4];
        let period_s = s.policies.first().map_or(60.0, |p| p.evaluation.period_s);
        for (i, p) in s.policies.iter().enumerate() {
            if !has[p.metric.index()] {
                notes.push(format!("step-scaling policy {i} is ignored: the data has no {} series", p.metric.label()));
                continue;
            }
            if p.evaluation.period_s != period_s {
                notes.push(format!(
                    "step-scaling policy {i} is evaluated every {period_s} s (the first policy's period), not {} s",
                    p.evaluation.period_s
                ));
            }
            let above = p.comparison == Comparison::Above;
            if above && p.steps.iter().any(|s| s.adjustment > 0.0) {
                let slot: &mut Option<f64> = &mut targets[p.metric.index()];
                *slot = Some(slot.map_or(p.threshold, |t| t.min(p.threshold)));
            }
            alarms.push(Alarm {
                metric: p.metric,
                threshold: p.threshold,
                above,
                hist: History::new(p.evaluation.periods, p.evaluation.of),
                kind: p.adjustment_type,
                steps: p.steps.clone(),
                min_magnitude: p.min_adjustment_magnitude,
            });
        }
        StepCtl {
            alarms,
            period_ms: ((period_s * 1000.0).round() as i64).max(1),
            cd_ms: (s.cooldown_s * 1000.0).round() as i64,
            last_event: i64::MIN / 2,
            targets,
        }
    }
}

impl Controller for StepCtl {
    fn period_ms(&self) -> i64 {
        self.period_ms
    }

    fn tick(&mut self, v: &View) -> Tick {
        let mut best: Option<(u32, Reason)> = None;
        for a in &mut self.alarms {
            let x = v.value[a.metric.index()];
            let breach = if a.above { x > a.threshold } else { x < a.threshold };
            a.hist.push(breach);
            if !a.hist.fires() {
                continue;
            }
            let Some(adj) = a.step(x - a.threshold) else { continue };
            let to = a.apply(adj, v.base).clamp(i64::from(v.min), i64::from(v.max)) as u32;
            if best.as_ref().is_none_or(|(b, _)| to > *b) {
                let change = i64::from(to) - i64::from(v.base);
                best = Some((to, Reason::Step { metric: a.metric, value: x, threshold: a.threshold, change }));
            }
        }
        let now = v.now;
        let mut until = i64::MAX;
        if let Some((to, reason)) = best {
            if to != v.base {
                if now - self.last_event >= self.cd_ms {
                    self.last_event = now;
                    return Tick::Change(to, reason);
                }
                until = self.last_event + self.cd_ms;
            }
        }
        let flip = self.alarms.iter().filter_map(|a| a.hist.flips_after()).min();
        Tick::Quiet(until.min(flip.map_or(i64::MAX, |k| now + i64::from(k) * self.period_ms)))
    }

    fn skip(&mut self, _last: i64, count: i64) {
        for a in &mut self.alarms {
            a.hist.repeat(count);
        }
    }

    fn required(&mut self, d: &[f64; 4], has_cpu: bool) -> f64 {
        required_for(&self.targets, d, has_cpu)
    }
}
