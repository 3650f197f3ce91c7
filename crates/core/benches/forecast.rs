//! Fit + forecast of every trend model, and `auto` (every model backtested, then the best fitted),
//! on the synthetic daily + weekly + trend + noise series the peer script reads
//! (`examples/forecast_series.rs`, seed 42): 4,032 points (14 days at 5 min) and 105,120 (1 year).
//! Horizon: 1 day (288 steps). Each figure is one `forecast()` call as a user makes it: season
//! detection, the rolling-origin backtest (5 origins, each one horizon long) of the model and of
//! seasonal naive, then the final fit and forecast; `auto` and `combination` backtest all seven
//! models, score the combination from their backtest forecasts, and fit the chosen one (the
//! combination: its two members).
//!
//!     cargo bench -p headroom-core --bench forecast

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use headroom_core::forecast::synthetic::daily_weekly;
use headroom_core::forecast::{forecast, ForecastOptions, ModelChoice};
use headroom_core::Aggregation;

fn bench(c: &mut Criterion) {
    let models = [
        ("seasonal-naive", ModelChoice::SeasonalNaive),
        ("seasonal-mean", ModelChoice::SeasonalMean),
        ("linear", ModelChoice::Linear),
        ("theil-sen", ModelChoice::TheilSen),
        ("exponential", ModelChoice::Exponential),
        ("ets", ModelChoice::Ets),
        ("mstl", ModelChoice::Mstl),
        ("combination", ModelChoice::Combination),
        ("auto", ModelChoice::Auto),
    ];
    for points in [4_032usize, 105_120] {
        let series = daily_weekly(points, 300_000, 42);
        let mut g = c.benchmark_group(format!("forecast_{points}"));
        g.sample_size(10);
        for (name, model) in models {
            let opts = ForecastOptions { model, horizon_ms: 86_400_000, aggregation: Aggregation::Mean, step_ms: None };
            g.bench_with_input(BenchmarkId::from_parameter(name), &series, |b, s| {
                b.iter(|| forecast(s, &opts).map(|r| r.point.len()).unwrap_or(0))
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
