//! Profiling aid for the trend models: times each model's fit + 1-day forecast, and `auto`, once
//! on the synthetic series of the benchmark (`forecast_profile [POINTS]`, default 105,120).
use std::time::Instant;

use headroom_core::forecast::synthetic::daily_weekly;
use headroom_core::forecast::{forecast, ForecastOptions, ModelKind};
use headroom_core::Aggregation;

fn main() {
    let points = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(105_120);
    let s = daily_weekly(points, 300_000, 42);
    let choices = ModelKind::ALL.iter().map(|k| k.label()).chain(["auto"]);
    for name in choices {
        let Some(model) = headroom_core::forecast::ModelChoice::parse(name) else { continue };
        let opts = ForecastOptions { model, horizon_ms: 86_400_000, aggregation: Aggregation::Mean, step_ms: None };
        let t = Instant::now();
        let r = forecast(&s, &opts);
        let ms = t.elapsed().as_secs_f64() * 1e3;
        match r {
            Ok(r) => eprintln!("{name:<15} {ms:>9.1} ms  -> {}", r.model.label()),
            Err(e) => eprintln!("{name:<15} {ms:>9.1} ms  error: {e}"),
        }
    }
}
