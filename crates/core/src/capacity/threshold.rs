//! The threshold controller (the seed's policy), as [`Threshold`] documents it.
//!
//! Every `evaluation.period_s` each configured metric that the data has yields one datapoint: the
//! replayed value at that instant. A metric "alarms up" when at least N of its last M datapoints
//! were above its scale-up threshold (fewer than M datapoints so far count as not breaching), and
//! "alarms down" when N of M were below its scale-down threshold. Scale up by `step_up` when any
//! metric alarms up and `cooldown_up_s` has passed since the last scale event; otherwise scale
//! down by `step_down` when every metric alarms down and `cooldown_down_s` has passed. Counts stay
//! within [min, max]. Alarms keep their history across scale events, as CloudWatch alarms do.

use super::policy::{Metric, Policy, Threshold};
use super::replay::{required_for, Controller, Reason, Tick, View};

#[derive(Clone, Debug)]
pub(crate) struct ThresholdCtl {
    /// (metric, scale-up, scale-down) for the metrics the data has.
    rules: Vec<(Metric, f64, f64)>,
    /// Per rule: the last M datapoints, newest in bit 0.
    up: Vec<u32>,
    down: Vec<u32>,
    mask: u32,
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
        let mut rules = Vec::new();
        let mut targets = [None; 4];
        for (m, r) in t.rules() {
            if has[m.index()] {
                rules.push((m, r.scale_up, r.scale_down()));
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
        let e = t.evaluation;
        ThresholdCtl {
            up: vec![0; rules.len()],
            down: vec![0; rules.len()],
            rules,
            mask: if e.of >= 32 { u32::MAX } else { (1u32 << e.of) - 1 },
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
}

impl Controller for ThresholdCtl {
    fn period_ms(&self) -> i64 {
        self.period_ms
    }

    fn tick(&mut self, v: &View) -> Tick {
        let mut up_fire: Option<(Metric, f64, f64)> = None;
        let mut all_down = !self.rules.is_empty();
        let mut uniform = true;
        let mut below = [None; 4];
        for (k, &(m, up, down)) in self.rules.iter().enumerate() {
            let x = v.value[m.index()];
            self.up[k] = ((self.up[k] << 1) | u32::from(x > up)) & self.mask;
            self.down[k] = ((self.down[k] << 1) | u32::from(x < down)) & self.mask;
            for h in [self.up[k], self.down[k]] {
                uniform &= h == 0 || h == self.mask;
            }
            if up_fire.is_none() && self.up[k].count_ones() >= self.n {
                up_fire = Some((m, x, up));
            }
            if self.down[k].count_ones() >= self.n {
                below[k] = Some((m, x, down));
            } else {
                all_down = false;
            }
        }
        let now = v.now;
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
                return Tick::Quiet(if uniform { self.last_event + self.cd_up_ms } else { now });
            }
        } else if all_down && v.base > v.min {
            if now - self.last_event >= self.cd_down_ms {
                self.last_event = now;
                let to = v.base.saturating_sub(self.step_down).max(v.min);
                return Tick::Change(to, Reason::ThresholdDown { below, periods: self.n, of: self.m });
            }
            return Tick::Quiet(if uniform { self.last_event + self.cd_down_ms } else { now });
        }
        Tick::Quiet(if uniform { i64::MAX } else { now })
    }

    fn skip(&mut self, _last: i64) {
        // Only called with uniform histories: shifting in the same bits leaves them unchanged.
    }

    fn required(&mut self, d: &[f64; 4], has_cpu: bool) -> f64 {
        required_for(&self.targets, d, has_cpu)
    }
}
