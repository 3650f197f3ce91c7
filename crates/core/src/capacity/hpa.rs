//! The Kubernetes HorizontalPodAutoscaler controller (autoscaling/v2), as
//! `pkg/controller/podautoscaler/horizontal.go` and `replica_calculator.go` do it.
//!
//! Each sync (`sync_s`, default 15 s):
//! 1. Per metric a proposal (`replica_calculator.go`):
//!    - Resource utilisation: utilisation of the ready pods as an integer percent (the controller
//!      truncates), ratio = utilisation / target; within 1 ± tolerance keep the count, else
//!      ceil(ratio × ready). When pods are still warming (not ready) and ratio > 1, the controller
//!      re-computes with them at 0 % and keeps the count if that changes direction or lands in
//!      the tolerance band. Pods metrics (`averageValue` per pod) follow the same path.
//!    - Object/External `value`: ratio = value / target, ceil(ratio × ready) outside tolerance.
//!    - Object/External `averageValue`: ceil(value / target), unless value / (target × current)
//!      is within tolerance.
//!    - Several metrics: the largest proposal wins.
//! 2. With `behavior`: stabilisation — every raw proposal is kept with its time; the up window
//!    takes the MIN of the proposals within it, the down window the MAX, and the current count is
//!    clamped into [that min, that max]. Then rate limits: per policy the count at the start of
//!    its period = current − pods added + pods removed by scale events within the period; Pods →
//!    start ± value, Percent → ceil(start × (1 + v/100)) up, trunc(start × (1 − v/100)) down;
//!    selectPolicy Max takes the largest change, Min the smallest, Disabled none; capped at
//!    maxReplicas, floored at minReplicas. Scale events are recorded as the controller does
//!    (an event older than the direction's longest period is replaced by the next one).
//! 3. Without `behavior` (legacy): the MAX proposal over the last 300 s, clamped to
//!    [min, min(max, max(2 × current, 4))].
//!
//! Replay simplifications: a metric value holds for its data step; a warming instance is a pod
//! that is not yet ready; `averageValue` on a latency metric is read like `value`.

use std::collections::VecDeque;

use super::policy::{Hpa, HpaSource, HpaTargetKind, Metric, Policy, RateKind, Resolved, SelectPolicy};
use super::replay::{required_for, Controller, HpaLimit, Reason, Tick, View};

#[derive(Clone, Copy, Debug)]
struct Run {
    /// The recommendation.
    v: u32,
    /// The last sync that recorded it (every sync since the run began did).
    last: i64,
}

#[derive(Clone, Copy, Debug)]
struct Event {
    t: i64,
    change: u32,
    outdated: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct HpaCtl {
    metrics: Vec<(Metric, HpaSource, HpaTargetKind, f64)>,
    tolerance: f64,
    period_ms: i64,
    /// (scale-up rules, scale-down rules) when `behavior` is set.
    behavior: Option<(Resolved, Resolved)>,
    recs: VecDeque<Run>,
    up_events: Vec<Event>,
    down_events: Vec<Event>,
    keep_ms: i64,
    targets: [Option<f64>; 4],
}

/// The legacy path's downscale stabilisation window.
const LEGACY_WINDOW_MS: i64 = 300_000;

impl HpaCtl {
    pub(crate) fn new(h: &Hpa, _p: &Policy, has: &[bool; 4], notes: &mut Vec<String>) -> HpaCtl {
        let mut metrics = Vec::new();
        let mut targets = [None; 4];
        for m in &h.metrics {
            match m.maps_to() {
                Some(metric) if has[metric.index()] => {
                    metrics.push((metric, m.source, m.target, m.value));
                    let per_instance = match (metric, m.source, m.target) {
                        (Metric::RequestRate, HpaSource::Object | HpaSource::External, HpaTargetKind::Value) => {
                            notes.push(format!(
                                "HPA metric {}: a total request-rate target does not fall as pods are added; it is \
                                 replayed but not used for the required count",
                                m.name
                            ));
                            None
                        }
                        _ => Some(m.value),
                    };
                    if let Some(t) = per_instance {
                        let slot = &mut targets[metric.index()];
                        *slot = Some(slot.map_or(t, |s: f64| s.min(t)));
                    }
                }
                Some(metric) => {
                    notes.push(format!("HPA metric {} is ignored: the data has no {} series", m.name, metric.label()))
                }
                None => notes.push(format!(
                    "HPA metric {} ({:?}, {:?}) is ignored: Headroom replays cpu and memory utilisation, request rate \
                     and response time",
                    m.name, m.source, m.target
                )),
            }
        }
        if metrics.is_empty() {
            notes.push("no HPA metric is in the data: the count never changes".into());
        }
        let behavior = h.behavior.as_ref().map(|b| (b.up(), b.down()));
        let keep_ms = match &behavior {
            Some((u, d)) => i64::from(u.window_s.max(d.window_s)) * 1000,
            None => LEGACY_WINDOW_MS,
        };
        HpaCtl {
            metrics,
            tolerance: h.tolerance,
            period_ms: ((h.sync_s * 1000.0).round() as i64).max(1),
            behavior,
            recs: VecDeque::new(),
            up_events: Vec::new(),
            down_events: Vec::new(),
            keep_ms,
            targets,
        }
    }

    /// `calcPlainMetricReplicas`: per-pod usage over ready pods, with warming pods set aside.
    fn plain(&self, usage_ready: f64, usage_all: f64, target: f64, v: &View) -> (u32, f64) {
        let (current, ready) = (v.base, v.ready);
        let ratio = usage_ready / target;
        let unready = current > ready;
        if !(unready && ratio > 1.0) {
            if (1.0 - ratio).abs() <= self.tolerance {
                return (current, ratio);
            }
            return (ceil_u32(ratio * f64::from(ready)), ratio);
        }
        let new_ratio = usage_all / target;
        if (1.0 - new_ratio).abs() <= self.tolerance
            || (ratio < 1.0 && new_ratio > 1.0)
            || (ratio > 1.0 && new_ratio < 1.0)
        {
            return (current, ratio);
        }
        let n = ceil_u32(new_ratio * f64::from(current));
        if (new_ratio < 1.0 && n > current) || (new_ratio > 1.0 && n < current) {
            return (current, ratio);
        }
        (n, new_ratio)
    }

    fn proposal(
        &self,
        (metric, source, kind, target): (Metric, HpaSource, HpaTargetKind, f64),
        v: &View,
    ) -> (u32, f64) {
        let ready = f64::from(v.ready.max(1));
        let all = f64::from(v.base.max(1));
        let i = metric.index();
        match (source, kind) {
            (HpaSource::Resource, _) => {
                // int32(sum(usage) * 100 / sum(requests)): an integer percent.
                let u_ready = (v.demand[i] / ready).floor();
                let u_all = (v.demand[i] / all).floor();
                self.plain(u_ready, u_all, target, v)
            }
            (HpaSource::Pods, _) => {
                let u = v.value[i];
                self.plain(u, u * ready / all, target, v)
            }
            (_, HpaTargetKind::AverageValue) if metric == Metric::RequestRate => {
                let usage = v.demand[i];
                let ratio = usage / (target * f64::from(v.base));
                if (1.0 - ratio).abs() <= self.tolerance {
                    return (v.base, ratio);
                }
                (ceil_u32(usage / target), ratio)
            }
            _ => {
                let usage = if metric == Metric::RequestRate { v.demand[i] } else { v.value[i] };
                let ratio = usage / target;
                if (1.0 - ratio).abs() <= self.tolerance {
                    return (v.base, ratio);
                }
                (ceil_u32(ratio * ready), ratio)
            }
        }
    }

    fn record(&mut self, raw: u32, now: i64) {
        match self.recs.back_mut() {
            Some(r) if r.v == raw && r.last == now - self.period_ms => r.last = now,
            _ => self.recs.push_back(Run { v: raw, last: now }),
        }
        while self.recs.front().is_some_and(|r| r.last < now - self.keep_ms - self.period_ms) {
            self.recs.pop_front();
        }
    }

    fn period_change(events: &[Event], period_s: u32, now: i64) -> i64 {
        let cutoff = now - i64::from(period_s) * 1000;
        events.iter().filter(|e| e.t > cutoff).map(|e| i64::from(e.change)).sum()
    }

    /// The limit and the policy that set it, for one direction.
    fn rate_limit(&self, rules: &Resolved, current: u32, now: i64, up: bool) -> (i64, Option<HpaLimit>) {
        let cur = i64::from(current);
        if rules.select == SelectPolicy::Disabled {
            return (cur, None);
        }
        let mut best: Option<(i64, HpaLimit)> = None;
        for p in &rules.policies {
            let added = Self::period_change(&self.up_events, p.period_s, now);
            let removed = Self::period_change(&self.down_events, p.period_s, now);
            let start = cur - added + removed;
            let proposed = match (p.kind, up) {
                (RateKind::Pods, true) => start + i64::from(p.value),
                (RateKind::Percent, true) => (start as f64 * (1.0 + f64::from(p.value) / 100.0)).ceil() as i64,
                (RateKind::Pods, false) => start - i64::from(p.value),
                (RateKind::Percent, false) => (start as f64 * (1.0 - f64::from(p.value) / 100.0)) as i64,
            };
            let limit = match p.kind {
                RateKind::Pods => HpaLimit::Pods { value: p.value, period_s: p.period_s },
                RateKind::Percent => HpaLimit::Percent { value: p.value, period_s: p.period_s },
            };
            // Up: Max takes the largest proposal, Min the smallest; down the other way round.
            let better = |new: i64, old: i64| match (rules.select == SelectPolicy::Min, up) {
                (false, true) | (true, false) => new > old,
                (true, true) | (false, false) => new < old,
            };
            if best.is_none_or(|(b, _)| better(proposed, b)) {
                best = Some((proposed, limit));
            }
        }
        match best {
            Some((v, l)) => (v, Some(l)),
            None => (cur, None),
        }
    }

    fn store_event(&mut self, prev: u32, new: u32, now: i64) {
        let Some((up_rules, down_rules)) = &self.behavior else { return };
        let (events, rules, change) = if new > prev {
            (&mut self.up_events, up_rules, new - prev)
        } else {
            (&mut self.down_events, down_rules, prev - new)
        };
        let longest = rules.policies.iter().map(|p| p.period_s).max().unwrap_or(0);
        let cutoff = now - i64::from(longest) * 1000;
        for e in events.iter_mut() {
            if e.t < cutoff {
                e.outdated = true;
            }
        }
        let fresh = Event { t: now, change, outdated: false };
        match events.iter_mut().find(|e| e.outdated) {
            Some(slot) => *slot = fresh,
            None => events.push(fresh),
        }
    }
}

fn ceil_u32(x: f64) -> u32 {
    if x.is_nan() {
        0
    } else {
        x.ceil().clamp(0.0, f64::from(u32::MAX)) as u32
    }
}

impl Controller for HpaCtl {
    fn period_ms(&self) -> i64 {
        self.period_ms
    }

    fn tick(&mut self, v: &View) -> Tick {
        let now = v.now;
        if self.metrics.is_empty() {
            return Tick::Quiet(i64::MAX);
        }
        let current = v.base;
        let (mut raw, mut metric, mut ratio) = (0u32, self.metrics[0].0, f64::NAN);
        for k in 0..self.metrics.len() {
            let (d, r) = self.proposal(self.metrics[k], v);
            if d > raw || ratio.is_nan() {
                if d > raw {
                    raw = d;
                }
                metric = self.metrics[k].0;
                ratio = r;
            }
        }
        let (min, max) = (v.min, v.max);
        // Stabilise.
        // Stabilise; and note when a recorded recommendation other than `raw` leaves a window
        // (the only way, with constant inputs, that the stabilised count can change).
        let mut until = i64::MAX;
        let (stab, window_s) = match &self.behavior {
            Some((up, down)) => {
                let (wu, wd) = (i64::from(up.window_s) * 1000, i64::from(down.window_s) * 1000);
                let (mut lo, mut hi) = (raw, raw);
                for r in &self.recs {
                    if r.last + wu > now {
                        lo = lo.min(r.v);
                        if r.v != raw {
                            until = until.min(r.last + wu);
                        }
                    }
                    if r.last + wd > now {
                        hi = hi.max(r.v);
                        if r.v != raw {
                            until = until.min(r.last + wd);
                        }
                    }
                }
                let s = current.max(lo).min(hi);
                (s, if s > raw { down.window_s } else { up.window_s })
            }
            None => {
                let mut hi = raw;
                for r in &self.recs {
                    // Kept while r.last ≥ now − 300 s.
                    if r.last + LEGACY_WINDOW_MS >= now {
                        hi = hi.max(r.v);
                        if r.v != raw {
                            until = until.min(r.last + LEGACY_WINDOW_MS + 1);
                        }
                    }
                }
                (hi, 300)
            }
        };
        self.record(raw, now);
        // Rate limits and bounds.
        let (to, limit) = match &self.behavior {
            Some((up, down)) => {
                if stab > current && current >= max {
                    (current, Some(HpaLimit::Max))
                } else if stab > current {
                    let (l, lim) = self.rate_limit(up, current, now, true);
                    let l = l.max(i64::from(current));
                    let (allowed, why) = if i64::from(max) > l { (l as u32, lim) } else { (max, Some(HpaLimit::Max)) };
                    if stab > allowed {
                        (allowed, why)
                    } else {
                        (stab, None)
                    }
                } else if stab < current && current <= min {
                    (current, Some(HpaLimit::Min))
                } else if stab < current {
                    let (l, lim) = self.rate_limit(down, current, now, false);
                    let l = l.min(i64::from(current));
                    let (allowed, why) = if i64::from(min) < l { (l as u32, lim) } else { (min, Some(HpaLimit::Min)) };
                    if stab < allowed {
                        (allowed, why)
                    } else {
                        (stab, None)
                    }
                } else {
                    (stab, None)
                }
            }
            None => {
                let up_limit = current.saturating_mul(2).max(4);
                let (hi, why) = if max > up_limit { (up_limit, HpaLimit::Legacy) } else { (max, HpaLimit::Max) };
                if stab < min {
                    (min, Some(HpaLimit::Min))
                } else if stab > hi {
                    (hi, Some(why))
                } else {
                    (stab, None)
                }
            }
        };
        if to != current {
            self.store_event(current, to, now);
            let limit = limit.or((stab != raw).then_some(HpaLimit::Stabilised { window_s }));
            return Tick::Change(to, Reason::Hpa { metric, ratio, desired: raw, to, limit });
        }
        // No change. A rate policy that held the count back relaxes as scale events leave its
        // period; bounds and `Disabled` never do.
        if let (Some((up, down)), Some(HpaLimit::Pods { .. } | HpaLimit::Percent { .. })) = (&self.behavior, limit) {
            for e in self.up_events.iter().chain(&self.down_events) {
                for p in up.policies.iter().chain(&down.policies) {
                    let exit = e.t + i64::from(p.period_s) * 1000;
                    if exit > now {
                        until = until.min(exit);
                    }
                }
            }
        }
        Tick::Quiet(until)
    }

    fn skip(&mut self, last: i64, _count: i64) {
        if let Some(r) = self.recs.back_mut() {
            r.last = last;
        }
    }

    fn required(&mut self, d: &[f64; 4], has_cpu: bool) -> f64 {
        required_for(&self.targets, d, has_cpu)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_kept_compact() {
        let h = Hpa { metrics: vec![], behavior: None, tolerance: 0.1, sync_s: 15.0 };
        let p = crate::capacity::policy::Policy {
            version: 1,
            min_instances: 1,
            max_instances: 10,
            initial_instances: None,
            warmup_s: 0.0,
            redundancy: Default::default(),
            price_per_hour: 0.0,
            scaler: crate::capacity::policy::Scaler::Hpa(h.clone()),
        };
        let mut c = HpaCtl::new(&h, &p, &[true; 4], &mut Vec::new());
        for k in 0..100 {
            c.record(3, k * 15_000);
        }
        assert_eq!(c.recs.len(), 1);
        assert_eq!(c.recs[0].last, 99 * 15_000);
        c.record(4, 100 * 15_000);
        assert_eq!(c.recs.len(), 2);
    }
}
