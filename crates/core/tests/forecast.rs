//! Trend models on real exports (`../shared/data/nab/`: nyc_taxi (30 min, daily + weekly),
//! rds_cpu_utilization_cc0c53, grok_asg_anomaly, elb_request_count_8c0756,
//! ec2_cpu_utilization_5f5533 (5 min, 14–16 days)) with the last day or week held out, and on
//! synthetic series whose answer is known.

use std::path::Path;

use headroom_core::forecast::synthetic::daily_weekly;
use headroom_core::forecast::{
    forecast, Flag, ForecastError, ForecastOptions, ForecastResult, ModelChoice, ModelKind, MAX_HORIZON_MS,
};
use headroom_core::{parse, Aggregation, Series, SeriesKind};

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

fn load(rel: &str) -> Series {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/nab").join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse(rel, &bytes).unwrap().series.remove(0)
}

/// The series up to `cut_ms` before its end, and the points after.
fn split(s: &Series, hold_ms: i64) -> (Series, Vec<(i64, f64)>) {
    let end = *s.timestamps.last().unwrap();
    let k = s.timestamps.iter().position(|&t| t > end - hold_ms).unwrap();
    let mut train = s.clone();
    train.timestamps.truncate(k);
    train.values.truncate(k);
    let test = s.timestamps[k..].iter().copied().zip(s.values[k..].iter().copied()).collect();
    (train, test)
}

/// The series as it was at `end_ms`: its points up to that instant.
fn up_to(s: &Series, end_ms: i64) -> Series {
    let n = s.timestamps.partition_point(|&t| t <= end_ms);
    let mut head = s.clone();
    head.timestamps.truncate(n);
    head.values.truncate(n);
    head
}

fn opts(model: ModelChoice, horizon_ms: i64) -> ForecastOptions {
    ForecastOptions { model, horizon_ms, aggregation: Aggregation::Mean, step_ms: None }
}

/// MAE and the 80 % / 95 % coverage of `r` against held-out points (matched by timestamp).
fn held_out(r: &ForecastResult, test: &[(i64, f64)]) -> (f64, f64, f64) {
    let (mut abs, mut n, mut c80, mut c95) = (0.0, 0, 0, 0);
    for &(t, a) in test {
        let Ok(i) = r.timestamps.binary_search(&t) else { continue };
        abs += (r.point[i] - a).abs();
        n += 1;
        c80 += usize::from(r.lower_80[i] <= a && a <= r.upper_80[i]);
        c95 += usize::from(r.lower_95[i] <= a && a <= r.upper_95[i]);
    }
    assert!(n * 10 >= test.len() * 9, "{n} of {} held-out points matched", test.len());
    (abs / n as f64, c80 as f64 / n as f64, c95 as f64 / n as f64)
}

fn sn_and_auto(s: &Series, hold: i64) -> (f64, ForecastResult, f64, f64) {
    let (train, test) = split(s, hold);
    let sn = forecast(&train, &opts(ModelChoice::SeasonalNaive, hold)).unwrap();
    let auto = forecast(&train, &opts(ModelChoice::Auto, hold)).unwrap();
    let (sn_mae, _, _) = held_out(&sn, &test);
    let (mae, _, c95) = held_out(&auto, &test);
    (sn_mae, auto, mae, c95)
}

/// Held-out windows of the real series: (series, window, auto's MAE ≤ this × seasonal naive's,
/// auto's 95 % interval covers at least this share). The factor is each window's measured ratio
/// with a little room (below 1 where auto strictly beats seasonal naive; 1 where auto's forecast is
/// seasonal naive's), and the coverage floor is 0.7 except where a level shift in the held-out week
/// takes most points outside any band fitted before it; each exception is explained beside it and
/// in ARCHITECTURE.md ("Trend models"). The four CloudWatch series have no daily season once their
/// level is removed (autocorrelation at one day ≤ 0.08), so their seasonal naive is the last value
/// and their seasonal mean is the median of the last day.
const HELD_OUT: [(&str, i64, f64, f64); 9] = [
    // The held-out week (Jan 18–24 2015, with Martin Luther King Day) is best copied from the week
    // before; the seasonal mean (the per-phase median of five weeks) ranks first by the median MASE
    // over the five backtest weeks (1.61; seasonal naive 2.56) and is picked (MAE 1,215 vs 1,132, +7 %).
    ("realKnownCause/nyc_taxi.csv", 7 * DAY, 1.1, 0.9),
    // The level (the median of the last day, 0.67) after a step from 6 % to 14 % three days before.
    ("realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv", DAY, 0.55, 0.8),
    // A level shift in the last week: every model misses it (coverage about 0.5).
    ("realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv", 7 * DAY, 0.999, 0.45),
    // The level dropped from 34 to 0 two days before; the median over the backtest days ranks the
    // last value (seasonal naive) 0.6 % ahead of the last day's median (seasonal mean), within the
    // margin by which seasonal naive must win: auto is the seasonal mean, 0.298 vs 0.336.
    ("realAWSCloudwatch/grok_asg_anomaly.csv", DAY, 0.9, 0.9),
    // Same: the last week's level is not the history's (coverage about 0.5).
    ("realAWSCloudwatch/grok_asg_anomaly.csv", 7 * DAY, 0.95, 0.45),
    // Request counts around a flat level, where every model scores within a few % of the others
    // (AutoETS 43.1 vs 43.2).
    ("realAWSCloudwatch/elb_request_count_8c0756.csv", DAY, 0.999, 0.85),
    // The median of the last day is the last value (an integer count): a tie, 41.6 each.
    ("realAWSCloudwatch/elb_request_count_8c0756.csv", 7 * DAY, 1.0, 0.9),
    ("realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv", DAY, 0.95, 0.95),
    ("realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv", 7 * DAY, 0.7, 0.9),
];

#[test]
fn auto_beats_seasonal_naive_on_held_out_real_data() {
    eprintln!(
        "{:<34} {:>6} {:<15} {:>10} {:>10} {:>6} {:>6}",
        "series", "window", "auto model", "MAE", "naive MAE", "cov80", "cov95"
    );
    let nyc = load("realKnownCause/nyc_taxi.csv");
    for (file, hold, factor, min_c95) in HELD_OUT {
        // The last week of nyc_taxi is the January 2015 blizzard; hold out the week before it.
        let s = if file.contains("nyc_taxi") { split(&nyc, 7 * DAY).0 } else { load(file) };
        let (train, test) = split(&s, hold);
        let sn = forecast(&train, &opts(ModelChoice::SeasonalNaive, hold)).unwrap();
        let auto = forecast(&train, &opts(ModelChoice::Auto, hold)).unwrap();
        let (sn_mae, _, _) = held_out(&sn, &test);
        let (mae, c80, c95) = held_out(&auto, &test);
        let name = file.rsplit('/').next().unwrap().trim_end_matches(".csv");
        eprintln!(
            "{name:<34} {:>5}d {:<15} {mae:>10.3} {sn_mae:>10.3} {c80:>6.2} {c95:>6.2}",
            hold / DAY,
            auto.model.label()
        );
        assert!(mae <= factor * sn_mae, "{file} {hold}: {:?} MAE {mae} vs seasonal naive {sn_mae}", auto.model);
        assert!(c95 >= min_c95, "{file} {hold}: 95 % interval covers {c95}");
        assert!(c80 <= c95, "{file} {hold}");
    }
}

#[test]
fn mstl_on_nyc_taxi_is_within_a_tenth_of_seasonal_naive() {
    // Robust STL and a flat deseasonalised level: 1,231 vs 1,132 (AutoETS as the trend, not
    // robust: 1,727, +52 %).
    let (before, _) = split(&load("realKnownCause/nyc_taxi.csv"), 7 * DAY);
    let (train, test) = split(&before, 7 * DAY);
    let sn = held_out(&forecast(&train, &opts(ModelChoice::SeasonalNaive, 7 * DAY)).unwrap(), &test).0;
    let mstl = held_out(&forecast(&train, &opts(ModelChoice::Mstl, 7 * DAY)).unwrap(), &test).0;
    assert!(mstl < 1.1 * sn, "MSTL {mstl} vs seasonal naive {sn}");
}

#[test]
fn mstl_extrapolates_a_known_season_in_phase() {
    // Three weeks of an hourly, asymmetric daily shape (a ramp with a step), plus a flat level;
    // the history ends mid-cycle (7 extra steps) so an off-by-one in phase would show at once.
    let shape = |i: usize| {
        let h = i % 24;
        50.0 + 2.0 * h as f64 + if h >= 18 { 30.0 } else { 0.0 }
    };
    let n = 24 * 21 + 7;
    let s = synthetic((0..n).map(shape).collect(), HOUR, None);
    let r = forecast(&s, &opts(ModelChoice::Mstl, 2 * DAY)).unwrap();
    assert_eq!(r.model, ModelKind::Mstl);
    let mae = r.point.iter().enumerate().map(|(k, p)| (p - shape(n + k)).abs()).sum::<f64>() / r.point.len() as f64;
    // The season's own step is 30 and its steps are 2: a phase off by one would cost ≥ 2 per step.
    assert!(mae < 0.5, "MAE {mae} against the known season");
    assert_ordered(&r, "mstl");
}

#[test]
fn seasonal_mean_follows_a_known_season_in_phase_and_ignores_one_odd_cycle() {
    // A 24-step season, five cycles, the third one an outage (zeros): seasonal mean repeats the
    // season exactly, in phase, where seasonal naive would copy whatever the last cycle held.
    let season = |i: usize| 100.0 + 10.0 * (i % 24) as f64;
    let mut values: Vec<f64> = (0..24 * 5 + 7).map(season).collect();
    values[48..72].iter_mut().for_each(|v| *v = 0.0);
    let s = synthetic(values.clone(), HOUR, None);
    let n = values.len();
    let o = ForecastOptions {
        model: ModelChoice::SeasonalMean,
        horizon_ms: 30 * HOUR,
        aggregation: Aggregation::Mean,
        step_ms: None,
    };
    let r = forecast(&s, &o).unwrap();
    assert_eq!(r.model, ModelKind::SeasonalMean);
    for (k, p) in r.point.iter().enumerate() {
        assert!((p - season(n + k)).abs() < 1e-9, "step {k}: {p} vs {}", season(n + k));
    }
    assert_ordered(&r, "seasonal mean");
}

#[test]
fn intervals_cover_held_out_data_plausibly_on_every_real_series() {
    for (file, hold) in [
        ("realKnownCause/nyc_taxi.csv", 7 * DAY),
        ("realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv", DAY),
        ("realAWSCloudwatch/grok_asg_anomaly.csv", DAY),
        ("realAWSCloudwatch/elb_request_count_8c0756.csv", DAY),
    ] {
        let (_, auto, _, c95) = sn_and_auto(&load(file), hold);
        assert!(c95 >= 0.7, "{file}: {:?} 95 % interval covers {c95} of the held-out points", auto.model);
        // Every model was scored (or says why not).
        assert_eq!(auto.backtest.len(), ModelKind::ALL.len(), "{file}");
        // auto's pick has the lowest median MASE over the backtest origins and no simpler model
        // ties it; or seasonal naive is best but within the margin of the seasonal mean, and the
        // pick is the best of the others.
        let best = auto.backtest.iter().filter_map(|s| s.median_mase).fold(f64::INFINITY, f64::min);
        let score = |k: ModelKind| auto.backtest.iter().find(|s| s.model == k).and_then(|s| s.median_mase);
        if score(ModelKind::SeasonalNaive) == Some(best) && auto.model != ModelKind::SeasonalNaive {
            let mean = score(ModelKind::SeasonalMean).unwrap();
            assert!(mean <= best * (1.0 + headroom_core::forecast::SEASONAL_MEAN_MARGIN), "{file}: {mean} vs {best}");
            let others = auto
                .backtest
                .iter()
                .filter(|s| s.model != ModelKind::SeasonalNaive)
                .filter_map(|s| s.median_mase)
                .fold(f64::INFINITY, f64::min);
            assert_eq!(score(auto.model), Some(others), "{file}");
        } else {
            assert_eq!(score(auto.model), Some(best), "{file}");
            assert!(
                auto.backtest.iter().filter(|s| s.model < auto.model).all(|s| s.median_mase.is_none_or(|m| m > best)),
                "{file}"
            );
        }
        for sc in &auto.backtest {
            assert!(sc.error.is_some() || sc.coverage_80 <= sc.coverage_95, "{file}: {sc:?}");
        }
    }
}

fn assert_ordered(r: &ForecastResult, what: &str) {
    let n = r.timestamps.len();
    for col in [&r.point, &r.lower_80, &r.upper_80, &r.lower_95, &r.upper_95] {
        assert_eq!(col.len(), n, "{what}");
    }
    for i in 0..n {
        let (l95, l80, p, u80, u95) = (r.lower_95[i], r.lower_80[i], r.point[i], r.upper_80[i], r.upper_95[i]);
        assert!([l95, l80, p, u80, u95].iter().all(|v| v.is_finite()), "{what} step {i}");
        assert!(l95 <= l80 && l80 <= p && p <= u80 && u80 <= u95, "{what} step {i}: {l95} {l80} {p} {u80} {u95}");
    }
}

#[test]
fn every_model_keeps_lower_point_upper_in_order_on_real_series() {
    for file in [
        "realKnownCause/nyc_taxi.csv",
        "realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv",
        "realAWSCloudwatch/grok_asg_anomaly.csv",
        "realAWSCloudwatch/elb_request_count_8c0756.csv",
        "realAWSCloudwatch/ec2_cpu_utilization_77c1ca.csv",
    ] {
        let s = load(file);
        for kind in ModelKind::ALL {
            let choice = ModelChoice::parse(kind.label()).unwrap();
            match forecast(&s, &opts(choice, 3 * DAY)) {
                Ok(r) => {
                    assert_eq!(r.model, kind);
                    assert_ordered(&r, &format!("{file} {kind:?}"));
                    // Non-negative history: never a negative forecast.
                    assert!(r.lower_95.iter().all(|v| *v >= 0.0), "{file} {kind:?}");
                }
                // Only these may refuse, and they say why.
                Err(e) => {
                    let msg = e.to_string();
                    assert!(
                        matches!(
                            kind,
                            ModelKind::Exponential | ModelKind::Mstl | ModelKind::SeasonalMean | ModelKind::Combination
                        ) && (msg.contains("above 0") || msg.contains("season")),
                        "{file} {kind:?}: {msg}"
                    );
                }
            }
        }
    }
}

#[test]
fn forecast_starts_one_step_after_the_last_point() {
    let s = load("realAWSCloudwatch/elb_request_count_8c0756.csv");
    let r = forecast(&s, &opts(ModelChoice::Linear, 2 * DAY)).unwrap();
    assert_eq!(r.step_ms, 5 * MIN);
    assert_eq!(r.timestamps.len(), 576);
    assert_eq!(r.timestamps[0], s.timestamps.last().unwrap() + 5 * MIN);
    assert!(r.timestamps.windows(2).all(|w| w[1] - w[0] == 5 * MIN));
    // Per-step peaks forecast higher than per-step means at an hourly step.
    let hourly = |aggregation| {
        let o =
            ForecastOptions { model: ModelChoice::SeasonalNaive, horizon_ms: DAY, aggregation, step_ms: Some(HOUR) };
        forecast(&s, &o).unwrap()
    };
    let (mean, max) = (hourly(Aggregation::Mean), hourly(Aggregation::Max));
    assert_eq!((mean.timestamps.len(), mean.step_ms), (24, HOUR));
    assert_eq!((max.timestamps.len(), max.aggregation), (24, Aggregation::Max));
    assert_ne!(max.point, mean.point);
}

#[test]
fn an_hour_the_export_ends_partway_through_is_forecast_not_read() {
    // Five days of 5-minute readings, peaking at 90 in the last minutes of every hour.
    let day = |n: usize| -> Series {
        let start = 472_222 * HOUR; // on the hour
        Series {
            name: "cpu".into(),
            unit: Some("%".into()),
            kind: SeriesKind::Cpu,
            timestamps: (0..n as i64).map(|i| start + i * 5 * MIN).collect(),
            values: (0..n).map(|i| if i % 12 >= 10 { 90.0 } else { 30.0 }).collect(),
        }
    };
    let hourly_max = ForecastOptions {
        model: ModelChoice::SeasonalNaive,
        horizon_ms: DAY,
        aggregation: Aggregation::Max,
        step_ms: Some(HOUR),
    };
    // Ending at :55, every hour is whole: the forecast starts at the next hour.
    let whole = day(5 * 288);
    let r = forecast(&whole, &hourly_max).unwrap();
    assert_eq!(r.timestamps[0], whole.timestamps.last().unwrap() + 5 * MIN);
    assert!(r.notes.iter().all(|n| !n.contains("only in part")), "{:?}", r.notes);
    assert!(r.point.iter().all(|&p| p == 90.0), "{:?}", r.point);
    // Ending at :20, the last hour's readings so far peak at 30: it is forecast (at 90), not read.
    let cut = day(5 * 288 - 7);
    let r = forecast(&cut, &hourly_max).unwrap();
    let last = *cut.timestamps.last().unwrap();
    assert_eq!(r.timestamps[0], last - last.rem_euclid(HOUR));
    assert!(
        r.notes.iter().any(|n| n.contains("the last 1 h step, which the data covers only in part")),
        "{:?}",
        r.notes
    );
    assert!(r.point.iter().all(|&p| p == 90.0), "{:?}", r.point);
}

#[test]
fn a_step_finer_than_the_data_is_raised_to_the_series_own_and_said() {
    let s = load("realKnownCause/nyc_taxi.csv");
    let o = ForecastOptions {
        model: ModelChoice::SeasonalNaive,
        horizon_ms: DAY,
        aggregation: Aggregation::Max,
        step_ms: Some(15 * MIN),
    };
    let r = forecast(&s, &o).unwrap();
    assert_eq!((r.step_ms, r.timestamps.len()), (30 * MIN, 48));
    assert!(
        r.notes.iter().any(|n| n.contains("own 30 min step") && n.contains("15 min step asked for")),
        "{:?}",
        r.notes
    );
}

fn synthetic(values: Vec<f64>, step_ms: i64, unit: Option<&str>) -> Series {
    Series {
        name: "synthetic".into(),
        unit: unit.map(str::to_string),
        kind: SeriesKind::Other,
        timestamps: (0..values.len() as i64).map(|i| 1_700_000_000_000 + i * step_ms).collect(),
        values,
    }
}

#[test]
fn a_straight_line_is_extrapolated_exactly_by_linear_and_theil_sen() {
    let n = 2000;
    let s = synthetic((0..n).map(|i| 50.0 + 0.25 * i as f64).collect(), HOUR, None);
    for choice in [ModelChoice::Linear, ModelChoice::TheilSen] {
        let r = forecast(&s, &opts(choice, 10 * DAY)).unwrap();
        assert_eq!(r.point.len(), 240);
        for (k, p) in r.point.iter().enumerate() {
            let want = 50.0 + 0.25 * (n + k) as f64;
            assert!((p - want).abs() < 1e-6, "{choice:?} step {k}: {p} vs {want}");
        }
        assert_ordered(&r, "line");
    }
}

#[test]
fn exponential_growth_is_recovered_and_needs_positive_values() {
    // +1 % a day at an hourly step.
    let rate = 1.01f64.powf(1.0 / 24.0);
    let s = synthetic((0..24 * 60).map(|i| 10.0 * rate.powi(i)).collect(), HOUR, None);
    let r = forecast(&s, &opts(ModelChoice::Exponential, 30 * DAY)).unwrap();
    let last = 10.0 * rate.powi(24 * 60 - 1);
    let want = last * 1.01f64.powi(30);
    let got = *r.point.last().unwrap();
    assert!((got / want - 1.0).abs() < 1e-6, "{got} vs {want}");
    assert_ordered(&r, "exponential");

    let mut zero = s.clone();
    zero.values[100] = 0.0;
    let e = forecast(&zero, &opts(ModelChoice::Exponential, DAY)).unwrap_err();
    assert!(e.to_string().contains("\"synthetic\"") && e.to_string().contains("above 0"), "{e}");
}

#[test]
fn daily_and_weekly_seasons_are_found_at_every_common_step() {
    // Three weeks of daily + weekly load at each step (daily steps: ten weeks, no daily season).
    for (step, points, want) in [
        (MIN, 21 * 1440, vec![1440, 10_080]),
        (5 * MIN, 21 * 288, vec![288, 2016]),
        (30 * MIN, 21 * 48, vec![48, 336]),
        (HOUR, 21 * 24, vec![24, 168]),
        (DAY, 70, vec![7]),
    ] {
        let s = daily_weekly(points, step, 3);
        let r = forecast(&s, &opts(ModelChoice::SeasonalNaive, step)).unwrap();
        let got: Vec<usize> = r.seasons.iter().map(|s| s.period_steps).collect();
        assert_eq!(got, want, "step {step} ms");
    }
    // Noise alone has no season; a daily cycle alone has no weekly one.
    let mut state = 1u64;
    let noise: Vec<f64> = (0..21 * 288)
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect();
    assert!(forecast(&synthetic(noise, 5 * MIN, None), &opts(ModelChoice::Linear, DAY)).unwrap().seasons.is_empty());
    let daily: Vec<f64> = (0..21 * 288).map(|i| 10.0 + (i as f64 * std::f64::consts::TAU / 288.0).sin()).collect();
    let r = forecast(&synthetic(daily, 5 * MIN, None), &opts(ModelChoice::Linear, DAY)).unwrap();
    assert_eq!(r.seasons.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["daily"]);
}

#[test]
fn horizon_limits() {
    let s = daily_weekly(4032, 5 * MIN, 1);
    assert!(matches!(forecast(&s, &opts(ModelChoice::Linear, MIN)), Err(ForecastError::HorizonTooShort { .. })));
    let e = forecast(&s, &opts(ModelChoice::Linear, MAX_HORIZON_MS + DAY)).unwrap_err();
    assert_eq!(e.to_string(), "the horizon 91 d is longer than the 90 days allowed");
    let r = forecast(&s, &opts(ModelChoice::Linear, MAX_HORIZON_MS)).unwrap();
    assert_eq!(r.point.len(), 90 * 288);
    let r = forecast(&s, &opts(ModelChoice::Linear, 5 * MIN)).unwrap();
    assert_eq!(r.point.len(), 1);
    let tiny = synthetic(vec![1.0, 2.0, 3.0], MIN, None);
    assert!(matches!(forecast(&tiny, &opts(ModelChoice::Auto, HOUR)), Err(ForecastError::TooShort { .. })));
}

#[test]
fn percent_forecasts_above_100_are_flagged_and_negative_ones_clamped() {
    // CPU climbing 60 → 90 % over ten days; a week on it passes 100 %.
    let climb: Vec<f64> = (0..240).map(|i| 60.0 + 30.0 * i as f64 / 240.0).collect();
    let r = forecast(&synthetic(climb.clone(), HOUR, Some("%")), &opts(ModelChoice::Linear, 7 * DAY)).unwrap();
    let Some(Flag::AboveLimit { limit, first_point_ms: Some(first), message, .. }) = r.flags.first() else {
        panic!("{:?}", r.flags)
    };
    assert_eq!(*limit, 100.0);
    let i = r.timestamps.iter().position(|t| t == first).unwrap();
    assert!(r.point[i] > 100.0 && (i == 0 || r.point[i - 1] <= 100.0));
    assert!(message.contains("more instances are needed"), "{message}");
    // Not a percent metric: no flag.
    assert!(forecast(&synthetic(climb, HOUR, None), &opts(ModelChoice::Linear, 7 * DAY)).unwrap().flags.is_empty());

    // A non-negative series falling towards zero: clamped at 0, flagged.
    let fall: Vec<f64> = (0..240).map(|i| 100.0 - 0.4 * i as f64).collect();
    let r = forecast(&synthetic(fall, HOUR, None), &opts(ModelChoice::Linear, 7 * DAY)).unwrap();
    assert!(r.point.iter().all(|v| *v >= 0.0) && r.point.last() == Some(&0.0));
    assert!(matches!(r.flags.as_slice(), [Flag::ClampedAtZero { .. }]), "{:?}", r.flags);
}

#[test]
fn options_and_results_cross_json_both_ways() {
    let o: ForecastOptions = serde_json::from_str(r#"{"model":"theil-sen","horizon_ms":86400000}"#).unwrap();
    assert_eq!(o.model, ModelChoice::TheilSen);
    assert_eq!((o.aggregation, o.step_ms), (Aggregation::Mean, None));
    let r = forecast(&daily_weekly(2016, 5 * MIN, 9), &o).unwrap();
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains(r#""model":"theil-sen""#), "{json}");
    let back: ForecastResult = serde_json::from_str(&json).unwrap();
    assert_eq!(
        (back.model, &back.timestamps, &back.seasons, back.backtest.len()),
        (r.model, &r.timestamps, &r.seasons, 2)
    );
    let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-12 * y.abs().max(1.0));
    assert!(close(&back.point, &r.point) && close(&back.upper_95, &r.upper_95));
}

#[test]
fn odd_series_give_a_forecast_or_an_error_never_a_panic() {
    let n = 600;
    let cases: Vec<(&str, Vec<f64>)> = vec![
        ("constant", vec![5.0; n]),
        ("zeros", vec![0.0; n]),
        ("one spike", (0..n).map(|i| if i == 300 { 1e6 } else { 1.0 }).collect()),
        ("huge", (0..n).map(|i| 1e300 * (1.0 + (i % 7) as f64)).collect()),
        ("tiny", (0..n).map(|i| 1e-300 * (i % 5) as f64).collect()),
        ("negative", (0..n).map(|i| -50.0 - i as f64).collect()),
        ("mostly missing", (0..n).map(|i| if i % 10 == 0 { i as f64 } else { f64::NAN }).collect()),
    ];
    for (what, values) in cases {
        let s = synthetic(values, 5 * MIN, Some("%"));
        for choice in [ModelChoice::Auto, ModelChoice::Ets, ModelChoice::Mstl, ModelChoice::TheilSen] {
            match forecast(&s, &opts(choice, DAY)) {
                Ok(r) => assert_ordered(&r, &format!("{what} {choice:?}")),
                Err(e) => assert!(!e.to_string().is_empty()),
            }
        }
    }
}

#[test]
fn without_a_season_seasonal_mean_is_the_median_level_and_follows_a_fresh_shift() {
    // Three days at 5 min of a floor of 10 with a spike of 100 every tenth step (mean 19, median 10).
    let floor = |i: usize| if i.is_multiple_of(10) { 100.0 } else { 10.0 };
    let values: Vec<f64> = (0..864).map(floor).collect();
    let r = forecast(&synthetic(values.clone(), 5 * MIN, None), &opts(ModelChoice::SeasonalMean, DAY)).unwrap();
    assert!(r.seasons.is_empty(), "{:?}", r.seasons);
    assert_eq!(r.model, ModelKind::SeasonalMean);
    assert!(r.point.iter().all(|p| *p == 10.0), "{:?}", &r.point[..3]);
    assert_ordered(&r, "level");
    // The level steps up to 30 for the last four hours: followed at once, not a day later.
    let mut shifted = values;
    let n = shifted.len();
    shifted[n - 48..].iter_mut().for_each(|v| *v += 20.0);
    let r = forecast(&synthetic(shifted, 5 * MIN, None), &opts(ModelChoice::SeasonalMean, DAY)).unwrap();
    assert!(r.point.iter().all(|p| *p == 30.0), "{:?}", &r.point[..3]);
    assert_ordered(&r, "shifted level");
}

/// Three days at 5 min of 50 with a deterministic wobble (±2), the last `shifted` points at 5.
fn level_then_drop(shifted: usize) -> Series {
    let mut values: Vec<f64> = (0..864).map(|i| 50.0 + 2.0 * ((i * 7919 % 97) as f64 / 48.0 - 1.0)).collect();
    let n = values.len();
    values[n - shifted..].iter_mut().for_each(|v| *v = 5.0);
    synthetic(values, 5 * MIN, None)
}

#[test]
fn auto_follows_a_level_shift_in_the_last_points_that_no_backtest_saw() {
    // Four points down, and exactly three (the fewest; no fit before them has seen the new level).
    for shifted in [4, 3] {
        let r = forecast(&level_then_drop(shifted), &opts(ModelChoice::Auto, DAY)).unwrap();
        assert!(r.point[0] < 10.0, "{shifted}: {} forecast {:?}", r.model.label(), &r.point[..3]);
        assert!(r.notes.iter().any(|n| n.contains("level shift at the very end")), "{:?}", r.notes);
        assert_ordered(&r, "after the drop");
    }
    // Two points down are not yet a shift (a blip): the pick and the level stay.
    let r = forecast(&level_then_drop(2), &opts(ModelChoice::Auto, DAY)).unwrap();
    assert!(r.point[0] > 40.0, "{} forecast {:?}", r.model.label(), &r.point[..3]);
    assert!(!r.notes.iter().any(|n| n.contains("level shift")), "{:?}", r.notes);
    // Without the drop the backtest's pick is a level model, not the last value.
    let r = forecast(&level_then_drop(0), &opts(ModelChoice::Auto, DAY)).unwrap();
    assert_ne!(r.model, ModelKind::SeasonalNaive);
    assert!(!r.notes.iter().any(|n| n.contains("level shift")), "{:?}", r.notes);
    // An instance count that held 3 and has been 4 for the last three points: followed.
    let mut count = vec![3.0; 864];
    count[861..].iter_mut().for_each(|v| *v = 4.0);
    let r = forecast(&synthetic(count, 5 * MIN, None), &opts(ModelChoice::Auto, DAY)).unwrap();
    assert!(r.point.iter().all(|&p| (p - 4.0).abs() < 0.5), "{} forecast {:?}", r.model.label(), &r.point[..3]);
}

/// grok_asg fell from 33 to about 1 in the four points before the day two days before its end;
/// the backtest, blind to it, picks Theil–Sen, which forecast 33 all day (32× seasonal naive's
/// error). Auto follows the drop.
#[test]
fn auto_follows_grok_asg_after_its_drop() {
    let s = load("realAWSCloudwatch/grok_asg_anomaly.csv");
    let (train, test) = split(&up_to(&s, *s.timestamps.last().unwrap() - 2 * DAY), DAY);
    let sn = held_out(&forecast(&train, &opts(ModelChoice::SeasonalNaive, DAY)).unwrap(), &test).0;
    let auto = forecast(&train, &opts(ModelChoice::Auto, DAY)).unwrap();
    let mae = held_out(&auto, &test).0;
    assert!(mae < 1.2 * sn, "{}: MAE {mae} vs seasonal naive {sn}", auto.model.label());
    assert!(auto.notes.iter().any(|n| n.contains("level shift at the very end")), "{:?}", auto.notes);
}

/// `auto` against seasonal naive over many held-out windows of nine real series: the last 5 days
/// one by one and the last week (nyc_taxi: 14 days and 10 weeks; machine_temperature: 12 days and
/// 5 weeks), each forecast from everything before it. The geometric mean of auto's MAE over
/// seasonal naive's, by series and overall. Slow (a minute in release):
/// `cargo test -p headroom-core --release --test forecast -- --ignored --nocapture`.
#[test]
#[ignore]
fn auto_beats_seasonal_naive_over_many_held_out_windows() {
    let files = [
        ("realKnownCause/nyc_taxi.csv", 14, 10),
        ("realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv", 5, 1),
        ("realAWSCloudwatch/grok_asg_anomaly.csv", 5, 1),
        ("realAWSCloudwatch/elb_request_count_8c0756.csv", 5, 1),
        ("realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv", 5, 1),
        ("realAWSCloudwatch/ec2_cpu_utilization_77c1ca.csv", 5, 1),
        ("realAWSCloudwatch/ec2_cpu_utilization_fe7f93.csv", 5, 1),
        ("realAWSCloudwatch/ec2_disk_write_bytes_1ef3de.csv", 5, 1),
        ("realKnownCause/machine_temperature_system_failure.csv", 12, 5),
    ];
    let (mut all, mut wins) = (Vec::new(), 0);
    // Each window's share of held-out points inside auto's 80 % and 95 % bands, and the 95 %
    // band's mean width over seasonal naive's MAE (how wide the honesty is).
    let mut cover = Vec::new();
    for (file, days, weeks) in files {
        let s = load(file);
        let last = *s.timestamps.last().unwrap();
        let mut logs = Vec::new();
        for (hold, count) in [(DAY, days), (7 * DAY, weeks)] {
            for k in 0..count {
                let (train, test) = split(&up_to(&s, last - k * hold), hold);
                let sn = held_out(&forecast(&train, &opts(ModelChoice::SeasonalNaive, hold)).unwrap(), &test).0;
                let r = forecast(&train, &opts(ModelChoice::Auto, hold)).unwrap();
                let (auto, c80, c95) = held_out(&r, &test);
                let width = r.upper_95.iter().zip(&r.lower_95).map(|(u, l)| u - l).sum::<f64>() / r.point.len() as f64;
                cover.push((c80, c95, width / sn));
                logs.push((auto / sn).ln());
                wins += usize::from(auto < sn);
            }
        }
        let name = file.rsplit('/').next().unwrap().trim_end_matches(".csv");
        eprintln!("{name:<36} {:>3} windows, auto ÷ naive {:.3}", logs.len(), geo(&logs));
        all.extend(logs);
    }
    let overall = geo(&all);
    eprintln!("all {} windows: auto ÷ naive {overall:.3}, auto better on {wins}", all.len());
    let mean = |f: fn(&(f64, f64, f64)) -> f64| cover.iter().map(f).sum::<f64>() / cover.len() as f64;
    let median_width = {
        let mut w: Vec<f64> = cover.iter().map(|c| c.2).collect();
        w.sort_by(f64::total_cmp);
        w[w.len() / 2]
    };
    eprintln!(
        "held-out points inside the bands (mean over the windows): 80 % {:.1} %, 95 % {:.1} % \
         ({} windows under 95 %); 95 % band width ÷ seasonal naive's MAE, median {median_width:.2}",
        100.0 * mean(|c| c.0),
        100.0 * mean(|c| c.1),
        cover.iter().filter(|c| c.1 < 0.95).count()
    );
    // 0.856 measured (0.893 before the check for a level shift in the last points, 1.049 before
    // the median level, the robust level shift and the median rank).
    assert!(overall < 0.88, "auto ÷ seasonal naive {overall}");
    // 81.2 % and 93.1 % measured (78.3 % and 90.2 % before the bands were widened by what leaving
    // one backtest origin out showed).
    assert!(mean(|c| c.0) > 0.79 && mean(|c| c.1) > 0.92, "coverage {} {}", mean(|c| c.0), mean(|c| c.1));
}

fn geo(logs: &[f64]) -> f64 {
    (logs.iter().sum::<f64>() / logs.len() as f64).exp()
}
