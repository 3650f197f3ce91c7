//! One series as an ECharts line chart with a time axis.

use charming::component::{Axis, DataZoom, DataZoomType, Grid};
use charming::datatype::CompositeValue;
use charming::element::{AxisType, Tooltip, Trigger};
use charming::series::Line;
use charming::Chart;
use headroom_core::Series;
use std::sync::Arc;

use leptos::html::Div;
use leptos::prelude::*;

use super::echarts;
use crate::state::LoadedFile;

/// The most points a chart draws; longer series are downsampled for display only (LTTB, which
/// keeps peaks), never for the figures or the models.
pub const MAX_CHART_POINTS: usize = 5_000;

/// The chart option for a series: time axis, value axis in the series' unit, tooltip on the axis,
/// wheel/drag zoom and a zoom slider, and gaps where values are missing.
pub fn chart_for(series: &Series) -> Chart {
    let (ts, vs) = headroom_core::display::lttb(&series.timestamps, &series.values, MAX_CHART_POINTS);
    let data: Vec<CompositeValue> = ts
        .iter()
        .zip(&vs)
        .map(|(&t, &v)| {
            CompositeValue::Array(vec![CompositeValue::from(t), CompositeValue::from(v.is_finite().then_some(v))])
        })
        .collect();
    // A value with a gap on both sides has no line to be drawn on: the points are marked then.
    let isolated = (0..vs.len()).any(|i| {
        let finite = |j: Option<usize>| j.and_then(|j| vs.get(j)).is_some_and(|v| v.is_finite());
        finite(Some(i)) && !finite(i.checked_sub(1)) && !finite(Some(i + 1))
    });
    let unit = series.unit.clone().unwrap_or_default();
    Chart::new()
        .grid(Grid::new().left(56).right(24).top(32).bottom(64))
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .x_axis(Axis::new().type_(AxisType::Time))
        .y_axis(Axis::new().type_(AxisType::Value).name(unit).scale(true))
        .data_zoom(DataZoom::new().type_(DataZoomType::Inside))
        .data_zoom(DataZoom::new().type_(DataZoomType::Slider).bottom(8))
        .series(Line::new().name(series.name.clone()).show_symbol(isolated).symbol_size(5).data(data))
}

/// A line chart of series `index` of `file`. If the chart library did not load, says so instead
/// of failing.
#[component]
pub fn SeriesChart(file: Arc<LoadedFile>, index: usize) -> impl IntoView {
    let node = NodeRef::<Div>::new();
    let available = echarts::available();
    let Some(series) = file.series.get(index) else { return ().into_any() };
    let chart = chart_for(series);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let (Some(el), true) = (node.get(), available) {
            if let Err(e) = echarts::render(&el, &chart) {
                error.set(Some(format!("The chart could not be drawn: {e}")));
            }
        }
    });
    echarts::manage(node);
    view! {
        <div class="chart" node_ref=node data-testid="file-series-chart" role="img"
             aria-label=format!("Line chart of {} over time", series.name)>
            {echarts::status(available, error, "The chart library (vendor/echarts-5.5.1.min.js) did not load; the figures above are exact.")}
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use headroom_core::SeriesKind;

    fn marked(values: &[f64]) -> bool {
        let s = Series {
            name: "s".into(),
            unit: None,
            kind: SeriesKind::Other,
            timestamps: (0..values.len() as i64).map(|i| i * 60_000).collect(),
            values: values.to_vec(),
        };
        serde_json::to_value(chart_for(&s)).unwrap()["series"][0]["showSymbol"] == serde_json::json!(true)
    }

    #[test]
    fn a_value_between_gaps_is_marked_so_that_it_shows() {
        assert!(marked(&[1.0]), "a single point");
        assert!(marked(&[f64::NAN, 4.0, f64::NAN, f64::NAN, 5.0, 6.0]), "a value between two gaps");
        assert!(!marked(&[1.0, 2.0, f64::NAN, 3.0, 4.0]), "lines on both sides of a gap");
    }
}
