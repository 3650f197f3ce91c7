//! The threshold controller (the seed's policy), as [`Threshold`] documents it.
//!
//! Every `evaluation.period_s` each configured metric that the data has yields one datapoint: the
//! replayed value at that instant. A metric "alarms up" when at least N of its last M datapoints
//! were above its scale-up threshold (fewer than M datapoints so far count as not breaching), and
//! "alarms down" when N of M were below its scale-down threshold. Scale up by `step_up` when any
//! metric alarms up and `cooldown_up_s` has passed since the last scale event; otherwise scale
//! down by `step_down` when every metric alarms down and `cooldown_down_s` has passed. Counts stay
//! within [min, max]. Alarms keep their history across scale events, as CloudWatch alarms do.

use super::alarm::History;
use super::policy::{Metric, Policy, Threshold};
use super::replay::{required_for, Controller, Reason, Tick, View};

#[derive(Clone, Debug)]
struct RuleState {
    metric: Metric,
    up_at: f64,
    down_at: f64,
    up: History,
    down: History,
}

#[derive(Clone, Debug)]
pub(crate) struct ThresholdCtl {
    /// The rules for the metrics the data has.
    rules: Vec<RuleState>,
    n: u32,
    m: u32,
    period_ms: i64,
    step_up: u32,
    step_down: u32,
    cd_up_ms: i64,
    cd_down_ms: i64,
    last_event: i64,
    targets: [Option<f64>; 4],
}

impl ThresholdCtl {
    pub(crate) fn new(t: &Threshold, _p: &Policy, has: &[bool; 4], notes: &mut Vec<String>) -> ThresholdCtl {
        let e = t.evaluation;
        let mut rules = Vec::new();
        let mut targets = [None; 4];
        for (m, r) in t.rules() {
            if has[m.index()] {
                rules.push(RuleState {
                    metric: m,
                    up_at: r.scale_up,
                    down_at: r.scale_down(),
                    up: History::new(e.periods, e.of),
                    down: History::new(e.periods, e.of),
                });
                targets[m.index()] = Some(r.scale_up);
            } else {
                notes.push(format!(
                    "the policy's {} threshold is ignored: the data has no {} series",
                    m.label(),
                    m.label()
                ));
            }
        }
        if rules.is_empty() {
            notes.push("no metric of the policy is in the data: the count never changes".into());
        }
        ThresholdCtl {
            rules,
            n: e.periods,
            m: e.of,
            period_ms: ((e.period_s * 1000.0).round() as i64).max(1),
            step_up: t.step_up,
            step_down: t.step_down,
            cd_up_ms: (t.cooldown_up_s * 1000.0).round() as i64,
            cd_down_ms: (t.cooldown_down_s * 1000.0).round() as i64,
            last_event: i64::MIN / 2,
            targets,
        }
    }

    /// The first tick at which an alarm's state would change if the inputs stay as they are.
    fn next_flip(&self, now: i64) -> i64 {
        let mut k = u32::MAX;
        for r in &self.rules {
            for f in [r.up.flips_after(), r.down.flips_after()].into_iter().flatten() {
                k = k.min(f);
            }
        }
        if k == u32::MAX {
            i64::MAX
        } else {
            now + i64::from(k) * self.period_ms
        }
    }

    /// Every rule below its scale-down threshold, for the reason.
    fn below(&self, v: &View) -> [Option<(Metric, f64, f64)>; 4] {
        let mut below = [None; 4];
        for (slot, r) in below.iter_mut().zip(&self.rules) {
            *slot = Some((r.metric, v.value[r.metric.index()], r.down_at));
        }
        below
    }
}

impl Controller for ThresholdCtl {
    fn period_ms(&self) -> i64 {
        self.period_ms
    }

    fn tick(&mut self, v: &View) -> Tick {
        let mut up_fire: Option<(Metric, f64, f64)> = None;
        let mut all_down = !self.rules.is_empty();
        for r in self.rules.iter_mut() {
            let x = v.value[r.metric.index()];
            r.up.push(x > r.up_at);
            r.down.push(x < r.down_at);
            if up_fire.is_none() && r.up.fires() {
                up_fire = Some((r.metric, x, r.up_at));
            }
            all_down &= r.down.fires();
        }
        let now = v.now;
        let mut until = i64::MAX;
        if let Some((metric, value, threshold)) = up_fire {
            if v.base < v.max {
                if now - self.last_event >= self.cd_up_ms {
                    self.last_event = now;
                    let to = v.base.saturating_add(self.step_up).min(v.max);
                    return Tick::Change(
                        to,
                        Reason::ThresholdUp { metric, value, threshold, periods: self.n, of: self.m },
                    );
                }
                until = self.last_event + self.cd_up_ms;
            }
        } else if all_down && v.base > v.min {
            if now - self.last_event >= self.cd_down_ms {
                self.last_event = now;
                let to = v.base.saturating_sub(self.step_down).max(v.min);
                let below = self.below(v);
                return Tick::Change(to, Reason::ThresholdDown { below, periods: self.n, of: self.m });
            }
            until = self.last_event + self.cd_down_ms;
        }
        Tick::Quiet(until.min(self.next_flip(now)))
    }

    fn steady(&self, v: &View) -> bool {
        self.quiet_within(v, v) == Some(0)
    }

    fn quiet_within(&self, lo: &View, hi: &View) -> Option<u32> {
        // Every value between lo's and hi's is on one side of each up threshold, and each up
        // history is already uniform with it (a tick pushes the same datapoint again). Up alarms
        // that fire (at max) leave the count as it is; else the down alarms must not all fire
        // while the count can still drop. A down history whose datapoints may change is free
        // (rebuilt by `refill`) as long as the down alarms cannot all fire: an up alarm fires,
        // or another rule's down alarm is steadily off.
        let mut any_up = false;
        let mut blocked = false;
        let mut all_down = !self.rules.is_empty();
        let mut varying = 0u32;
        for (k, r) in self.rules.iter().enumerate() {
            let (a, b) = (lo.value[r.metric.index()], hi.value[r.metric.index()]);
            let up = b > r.up_at;
            if (a > r.up_at) != up || !r.up.steady_at(up) {
                return None;
            }
            any_up |= r.up.fires_steady(up);
            let down = a < r.down_at;
            if (b < r.down_at) != down || !r.down.steady_at(down) {
                varying |= 1 << k;
                all_down = false;
            } else if r.down.fires_steady(down) {
                // all_down stays as it is
            } else {
                blocked = true;
                all_down = false;
            }
        }
        if any_up {
            return (hi.base >= hi.max).then_some(varying);
        }
        if varying != 0 {
            return blocked.then_some(varying);
        }
        (!(all_down && hi.base > hi.min)).then_some(0)
    }

    fn refill(&mut self, free: u32, last: &[View]) {
        for (k, r) in self.rules.iter_mut().enumerate() {
            if free & (1 << k) != 0 {
                for v in last {
                    r.down.push(v.value[r.metric.index()] < r.down_at);
                }
            }
        }
    }

    fn refill_depth(&self) -> i64 {
        // `refill` rebuilds the down histories: as many datapoints as they keep.
        self.rules.iter().map(|r| i64::from(r.down.len())).max().unwrap_or(0)
    }

    fn skip(&mut self, _last: i64, count: i64) {
        for r in &mut self.rules {
            r.up.repeat(count);
            r.down.repeat(count);
        }
    }

    fn required(&mut self, d: &[f64; 4], has_cpu: bool) -> f64 {
        required_for(&self.targets, d, has_cpu)
    }

    fn required_bound(&self, hi: &[f64; 4], has_cpu: bool) -> Option<f64> {
        // required_for is non-decreasing in every demand ≥ 0 (latency's term too: more
        // response time leaves less utilisation to spare).
        Some(required_for(&self.targets, hi, has_cpu))
    }
}
