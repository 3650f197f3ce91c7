//! The queueing scaler: at every data step, the fewest M/M/c servers whose mean wait (or mean
//! response time Wq + 1/μ) meets the target for that step's request rate
//! ([`size_for_mean_wait`]), clamped to [min, max]. It sizes
//! ahead rather than reacting, so it has no cooldown; new instances still warm up.

use super::policy::{Latency, Metric, Policy, Queueing};
use super::queueing::{size_for_mean_wait, QueueError};
use super::replay::{Controller, Reason, Tick, View};

#[derive(Clone, Debug)]
pub(crate) struct QueueCtl {
    mu: f64,
    wait_s: f64,
    period_ms: i64,
    enabled: bool,
    /// The last (rate, servers) sized: a step's tick and its required count ask for the same.
    cache: (f64, f64),
}

impl QueueCtl {
    pub(crate) fn new(q: &Queueing, _p: &Policy, step_ms: i64, has: &[bool; 4], notes: &mut Vec<String>) -> QueueCtl {
        let enabled = has[Metric::RequestRate.index()];
        if !enabled {
            notes.push("the queueing scaler needs a request-rate series: the count never changes".into());
        }
        let wait_s = match q.latency {
            Latency::MeanWait => q.target_s,
            Latency::ResponseTime => q.target_s - 1.0 / q.service_rate,
        };
        QueueCtl { mu: q.service_rate, wait_s, period_ms: step_ms.max(1), enabled, cache: (f64::NAN, 0.0) }
    }

    fn servers(&mut self, rate: f64) -> f64 {
        if rate.to_bits() == self.cache.0.to_bits() {
            return self.cache.1;
        }
        let s = if rate.is_nan() || rate <= 0.0 {
            0.0
        } else {
            match size_for_mean_wait(rate, self.mu, self.wait_s) {
                Ok(q) => q.servers as f64,
                Err(QueueError::TooLarge { .. }) => f64::INFINITY,
                Err(_) => 0.0,
            }
        };
        self.cache = (rate, s);
        s
    }
}

impl Controller for QueueCtl {
    fn period_ms(&self) -> i64 {
        self.period_ms
    }

    fn tick(&mut self, v: &View) -> Tick {
        if !self.enabled {
            return Tick::Quiet(i64::MAX);
        }
        let rate = v.demand[Metric::RequestRate.index()];
        let s = self.servers(rate);
        let to = s.clamp(f64::from(v.min), f64::from(v.max)) as u32;
        if to != v.base {
            return Tick::Change(to, Reason::Queueing { rate, servers: s.min(u64::MAX as f64) as u64 });
        }
        Tick::Quiet(i64::MAX)
    }

    fn skip(&mut self, _last: i64, _count: i64) {}

    fn required(&mut self, d: &[f64; 4], _has_cpu: bool) -> f64 {
        if self.enabled {
            self.servers(d[Metric::RequestRate.index()])
        } else {
            0.0
        }
    }
}
