//! The combination forecast: the mean of the best backtested models. Averaging models whose
//! errors differ (a seasonal profile, a trend, a smoothed level) usually beats each of them
//! (Makridakis et al., the M competitions); `auto` keeps it only when its own backtest says so.

use super::backtest::ModelScore;
use super::model::Prediction;
use super::ModelKind;

/// The most models combined.
pub const MEMBERS: usize = 2;

/// The models to combine: the [`MEMBERS`] best-ranked models (lowest median MASE over the
/// backtest origins, as `auto` ranks; MAE when no MASE) that could be backtested, best first.
pub fn members(scores: &[ModelScore]) -> Vec<ModelKind> {
    let key = super::rank_key(scores);
    let mut ok: Vec<(f64, ModelKind)> = scores
        .iter()
        .filter(|s| s.model != ModelKind::Combination && s.error.is_none())
        .filter_map(|s| key(s).filter(|v| v.is_finite()).map(|v| (v, s.model)))
        .collect();
    ok.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    ok.into_iter().take(MEMBERS).map(|(_, k)| k).collect()
}

/// The step-by-step mean of forecasts of the same length (points and bands alike). `None` for
/// no forecast or different lengths.
pub fn mean(preds: &[Prediction]) -> Option<Prediction> {
    let first = preds.first()?;
    let h = first.len();
    if preds.iter().any(|p| p.len() != h) {
        return None;
    }
    let k = preds.len() as f64;
    let avg = |col: fn(&Prediction) -> &Vec<f64>| -> Vec<f64> {
        (0..h).map(|i| preds.iter().map(|p| col(p)[i]).sum::<f64>() / k).collect()
    };
    Some(Prediction {
        point: avg(|p| &p.point),
        lower_80: avg(|p| &p.lower_80),
        upper_80: avg(|p| &p.upper_80),
        lower_95: avg(|p| &p.lower_95),
        upper_95: avg(|p| &p.upper_95),
    })
}

/// The combination's forecast at each backtest origin: `per_model[m][o]` is model `m` at origin
/// `o`. `None` when the models do not have the same origins.
pub(crate) fn mean_per_origin(per_model: &[&[Prediction]]) -> Option<Vec<Prediction>> {
    let origins = per_model.first()?.len();
    if per_model.iter().any(|p| p.len() != origins) {
        return None;
    }
    (0..origins).map(|o| mean(&per_model.iter().map(|p| p[o].clone()).collect::<Vec<_>>())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mean_of_two_forecasts_is_taken_step_by_step() {
        let a = Prediction::normal(vec![1.0, 2.0], &[1.0, 1.0]);
        let b = Prediction::normal(vec![3.0, 6.0], &[1.0, 3.0]);
        let m = mean(&[a, b.clone()]).unwrap();
        assert_eq!(m.point, vec![2.0, 4.0]);
        assert!((m.upper_95[1] - (4.0 + 2.0 * super::super::model::Z95)).abs() < 1e-12);
        assert!(mean(&[b, Prediction::default()]).is_none());
    }
}
