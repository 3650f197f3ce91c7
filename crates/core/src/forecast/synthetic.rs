//! Deterministic synthetic load for the forecast benchmarks, tests and the peer comparison: a
//! daily cycle, a weekday/weekend swing, a slow linear trend and Gaussian noise, from a seed.

use crate::series::{Series, SeriesKind};

/// 2024-01-01T00:00:00Z (a Monday), where every synthetic series starts.
pub const START_MS: i64 = 1_704_067_200_000;

/// `points` values every `step_ms` from [`START_MS`]:
/// `200 + 40·(t / 365 d) + 50·sin(2π·day − π/2) + weekly − 25 on Saturday and Sunday + N(0, 8²)`,
/// where the daily term peaks at 12:00 UTC (lowest at 00:00). Always positive. Identical for the
/// same arguments on every platform (xorshift + Box–Muller, no dependency).
pub fn daily_weekly(points: usize, step_ms: i64, seed: u64) -> Series {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut unit = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    let (day_ms, tau) = (86_400_000.0, std::f64::consts::TAU);
    let mut timestamps = Vec::with_capacity(points);
    let mut values = Vec::with_capacity(points);
    for i in 0..points {
        let t = START_MS + i as i64 * step_ms;
        let since = (t - START_MS) as f64;
        let day_phase = since / day_ms;
        let weekday = (day_phase.floor() as i64).rem_euclid(7); // 0 = Monday
        let weekend = if weekday >= 5 { -25.0 } else { 0.0 };
        let daily = 50.0 * (tau * day_phase - std::f64::consts::FRAC_PI_2).sin();
        let trend = 40.0 * since / (365.0 * day_ms);
        let noise = (-2.0 * unit().ln()).sqrt() * (tau * unit()).cos() * 8.0;
        timestamps.push(t);
        values.push((200.0 + trend + daily + weekend + noise).max(1.0));
    }
    Series { name: "synthetic_load".into(), unit: None, kind: SeriesKind::RequestRate, timestamps, values }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_positive_and_shaped() {
        let a = daily_weekly(4032, 300_000, 7);
        assert_eq!(a, daily_weekly(4032, 300_000, 7));
        assert_ne!(a.values, daily_weekly(4032, 300_000, 8).values);
        assert!(a.values.iter().all(|v| *v > 0.0 && v.is_finite()));
        // Noon on Monday is well above midnight.
        let at = |h: usize| a.values[h * 12];
        assert!(at(12) - at(0) > 60.0, "{} {}", at(12), at(0));
    }
}
