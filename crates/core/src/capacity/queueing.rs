//! M/M/c queueing (Erlang C): Poisson arrivals at rate λ, exponential service at rate μ per server,
//! c servers. Offered load a = λ/μ, utilisation ρ = a/c (stable only when ρ < 1).
//!
//! Erlang B by the stable recursion B₀ = 1, Bₖ = a·Bₖ₋₁ / (k + a·Bₖ₋₁) — the factorial form
//! overflows near c ≈ 170; this one is exact to rounding past 100,000 servers. Then
//! C = B / (1 − ρ(1 − B)) (probability of waiting), Wq = C / (cμ − λ) (mean wait in the queue),
//! P(W > t) = C·e^{−(cμ−λ)t}, and the mean response time T = Wq + 1/μ.

use serde::Serialize;

/// Why a queue cannot be evaluated or sized.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum QueueError {
    /// A rate that is zero, negative or not a number.
    #[error("{what} must be a positive number, got {value}")]
    NotPositive { what: &'static str, value: f64 },
    /// A wait target below zero or not a number.
    #[error("the wait target must be zero or more, got {0} s")]
    BadTarget(f64),
    /// Fewer servers than the offered load: the queue grows without bound.
    #[error("{servers} servers cannot serve an offered load of {load:.3} (utilisation would be {:.1} %); at least {} are needed", 100.0 * load / *servers as f64, (load.floor() as u64).saturating_add(1))]
    Unstable { servers: u64, load: f64 },
    /// The load needs more servers than Headroom will count to.
    #[error("an offered load of {load:.0} needs more than {max} servers")]
    TooLarge { load: f64, max: u64 },
}

/// The most servers [`size_for_mean_wait`] will consider.
pub const MAX_SERVERS: u64 = 100_000_000;

/// An M/M/c queue's figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Queue {
    pub servers: u64,
    /// ρ = λ / (cμ), in [0, 1).
    pub utilisation: f64,
    /// Erlang C: the probability that an arrival waits.
    pub p_wait: f64,
    /// Wq, seconds.
    pub mean_wait_s: f64,
    /// Wq + 1/μ, seconds.
    pub mean_response_s: f64,
}

impl Queue {
    /// P(W > t): the probability that an arrival waits longer than `t` seconds.
    pub fn p_wait_longer_than(&self, t: f64, arrival_rate: f64, service_rate: f64) -> f64 {
        let drain = self.servers as f64 * service_rate - arrival_rate;
        self.p_wait * (-drain * t.max(0.0)).exp()
    }
}

fn positive(what: &'static str, value: f64) -> Result<f64, QueueError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(QueueError::NotPositive { what, value })
    }
}

/// Erlang B for `servers` servers and offered load `load`, by the stable recursion.
pub fn erlang_b(servers: u64, load: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=servers {
        b = load * b / (k as f64 + load * b);
    }
    b
}

/// The queue's figures from Erlang B at `servers` (so callers stepping c upward pay O(1) a step).
fn from_erlang_b(servers: u64, b: f64, arrival_rate: f64, service_rate: f64) -> Queue {
    let load = arrival_rate / service_rate;
    let rho = load / servers as f64;
    let c = b / (1.0 - rho * (1.0 - b));
    let wq = c / (servers as f64 * service_rate - arrival_rate);
    Queue { servers, utilisation: rho, p_wait: c, mean_wait_s: wq, mean_response_s: wq + 1.0 / service_rate }
}

/// Evaluates an M/M/c queue with `servers` servers.
pub fn mmc(arrival_rate: f64, service_rate: f64, servers: u64) -> Result<Queue, QueueError> {
    let lambda = positive("the arrival rate", arrival_rate)?;
    let mu = positive("the service rate", service_rate)?;
    let load = lambda / mu;
    if servers > MAX_SERVERS {
        return Err(QueueError::TooLarge { load, max: MAX_SERVERS });
    }
    if servers == 0 || load >= servers as f64 {
        return Err(QueueError::Unstable { servers, load });
    }
    Ok(from_erlang_b(servers, erlang_b(servers, load), lambda, mu))
}

/// The smallest number of servers whose mean queueing wait Wq is at most `max_wait_s` seconds.
/// Starts at the smallest stable count and steps Erlang B upward, so the cost is O(load).
pub fn size_for_mean_wait(arrival_rate: f64, service_rate: f64, max_wait_s: f64) -> Result<Queue, QueueError> {
    let lambda = positive("the arrival rate", arrival_rate)?;
    let mu = positive("the service rate", service_rate)?;
    if max_wait_s.is_nan() || max_wait_s < 0.0 {
        return Err(QueueError::BadTarget(max_wait_s));
    }
    let load = lambda / mu;
    if load.is_nan() || load >= MAX_SERVERS as f64 {
        return Err(QueueError::TooLarge { load, max: MAX_SERVERS });
    }
    let first = load.floor() as u64 + 1;
    let mut c = first;
    let mut b = erlang_b(c, load);
    loop {
        let q = from_erlang_b(c, b, lambda, mu);
        // A zero target is met once waiting is vanishingly rare (Wq underflows to 0 or below 1 ns).
        if q.mean_wait_s <= max_wait_s.max(1e-9) {
            return Ok(q);
        }
        if c >= MAX_SERVERS {
            return Err(QueueError::TooLarge { load, max: MAX_SERVERS });
        }
        c += 1;
        b = load * b / (c as f64 + load * b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    /// Values computed independently: exactly with rational arithmetic (factorial form) for small
    /// c, in log space (log-sum-exp over aᵏ/k!) for large c.
    #[test]
    fn erlang_c_matches_independent_values() {
        for (lambda, mu, c, p_wait, wq) in [
            (2.0, 1.0, 3, 0.444_444_444_444_444_4, 0.444_444_444_444_444_4),
            (10.0, 1.0, 12, 0.449_388_224_298_270_86, 0.224_694_112_149_135_43),
            (50.0, 2.0, 30, 0.249_893_166_886_906_55, 0.024_989_316_688_690_654),
            (100.0, 1.0, 110, 0.237_007_500_285_052_74, 0.023_700_750_028_505_274),
        ] {
            let q = mmc(lambda, mu, c).unwrap();
            assert!(close(q.p_wait, p_wait, 1e-12), "C({c}, {}) = {} not {p_wait}", lambda / mu, q.p_wait);
            assert!(close(q.mean_wait_s, wq, 1e-12), "Wq = {} not {wq}", q.mean_wait_s);
            assert!(close(q.mean_response_s, wq + 1.0 / mu, 1e-12));
        }
        assert!(close(mmc(1000.0, 1.0, 1030).unwrap().p_wait, 0.248_908_785_843_474_3, 1e-9));
        // 100,000 servers: the recursion stays exact where the factorial form overflowed long ago.
        let q = mmc(100_000.0, 1.0, 100_100).unwrap();
        assert!(close(q.p_wait, 0.658_138_805_445_057_4, 1e-8), "{}", q.p_wait);
    }

    #[test]
    fn sizing_finds_the_smallest_count_meeting_the_target() {
        // λ = 10/s, μ = 1/s: Wq(12) = 0.2247 s, Wq(13) is below 0.1 s.
        let q = size_for_mean_wait(10.0, 1.0, 0.2).unwrap();
        assert_eq!(q.servers, 13);
        assert!(q.mean_wait_s <= 0.2);
        assert!(mmc(10.0, 1.0, 12).unwrap().mean_wait_s > 0.2);
        // Large loads stay fast and stable.
        let q = size_for_mean_wait(100_000.0, 1.0, 0.005).unwrap();
        assert!(q.servers > 100_000 && q.servers < 101_000, "{}", q.servers);
        assert!(q.mean_wait_s <= 0.005 && mmc(100_000.0, 1.0, q.servers - 1).unwrap().mean_wait_s > 0.005);
        // A target of zero asks for (practically) no waiting.
        let q = size_for_mean_wait(2.0, 1.0, 0.0).unwrap();
        assert!(q.mean_wait_s <= 1e-9);
    }

    #[test]
    fn bad_input_is_an_error_with_a_reason() {
        assert_eq!(mmc(0.0, 1.0, 3), Err(QueueError::NotPositive { what: "the arrival rate", value: 0.0 }));
        assert!(matches!(mmc(1.0, f64::NAN, 3), Err(QueueError::NotPositive { what: "the service rate", .. })));
        let e = mmc(5.0, 1.0, 5).unwrap_err();
        assert_eq!(
            e.to_string(),
            "5 servers cannot serve an offered load of 5.000 (utilisation would be 100.0 %); at least 6 are needed"
        );
        assert!(matches!(size_for_mean_wait(1.0, 1.0, -1.0), Err(QueueError::BadTarget(_))));
        assert!(matches!(size_for_mean_wait(1e300, 1.0, 1.0), Err(QueueError::TooLarge { .. })));
        assert!(matches!(mmc(1.0, 1.0, u64::MAX), Err(QueueError::TooLarge { .. })));
        assert!(close(mmc(2.0, 1.0, 3).unwrap().p_wait_longer_than(1.0, 2.0, 1.0), 4.0 / 9.0 * (-1.0f64).exp(), 1e-12));
    }
}
