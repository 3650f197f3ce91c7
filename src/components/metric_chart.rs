//! The metric chart: one metric's history, its forecast with the 80 % and 95 % bands, and the
//! policy's lines on it (scale-up and scale-down thresholds, or the target). The data is drawn
//! when it changes. The lines are page elements laid over the chart at the value axis' pixel for
//! their value: while a threshold is dragged nothing is redrawn but them, so the chart keeps up.
//! (A chart saved as PNG gets them drawn into it for the moment it is saved.)

use std::sync::Arc;

use charming::component::{Axis, DataZoom, DataZoomType, Grid, Legend, LegendType};
use charming::datatype::CompositeValue;
use charming::element::{AreaStyle, AxisType, ItemStyle, LineStyle, LineStyleType, Tooltip, Trigger};
use charming::series::Line;
use charming::Chart;
use headroom_core::capacity::inputs::response_time_scale;
use headroom_core::capacity::policy::{HpaSource, HpaTargetKind, Policy, Scaler, TrackingMetric};
use headroom_core::forecast::ForecastResult;
use headroom_core::Series;
use leptos::html::Div;
use leptos::prelude::*;
use serde_json::json;

use super::echarts;
use super::legend::{ChartLegend, Entry, Mark};
use crate::state::plan::core_metric;
use crate::state::Metric;

// The plot area's margins (the lines overlay spans the same area).
use super::echarts::GRID;

/// History and forecast share one colour (the forecast dashed): one series continued.
const HISTORY_COLOR: &str = "#3b6fd4";

/// Scale-up lines (and targets) are red, scale-down lines green.
const UP_COLOR: &str = "#d13438";
const DOWN_COLOR: &str = "#2e8540";

/// The legend entry of the policy's lines (toggling it shows or hides them).
const LINES_LEGEND: &str = "policy lines";

/// The bands' names (their legend entries).
const BAND_95: &str = "95 % interval";
const BAND_80: &str = "80 % interval";

/// The chart's series besides the forecast line, by legend key: name, colour, mark. Without a
/// forecast only the first two are drawn.
const SERIES: [(&str, &str, &str, Mark); 4] = [
    ("history", "history", HISTORY_COLOR, Mark::Solid),
    ("lines", LINES_LEGEND, UP_COLOR, Mark::Dashed),
    ("band80", BAND_80, HISTORY_COLOR, Mark::Band),
    ("band95", BAND_95, HISTORY_COLOR, Mark::LightBand),
];

/// The legend's entries for a chart with or without a forecast (named after its model): the
/// forecast line after the history and the lines, then its bands.
fn legend_entries(forecast: Option<&str>) -> Vec<Entry> {
    let entry = |(key, name, color, mark): (&'static str, &str, &'static str, Mark)| Entry {
        key,
        label: name.to_string(),
        color,
        mark,
    };
    let mut out: Vec<Entry> = SERIES[..2].iter().copied().map(entry).collect();
    if let Some(model) = forecast {
        out.push(Entry { key: "forecast", label: forecast_name(model), color: HISTORY_COLOR, mark: Mark::Dashed });
        out.extend(SERIES[2..].iter().copied().map(entry));
    }
    out
}

/// The forecast line's name: `forecast (ets)`.
fn forecast_name(model: &str) -> String {
    format!("forecast ({model})")
}

/// The chart's name of the series a legend key stands for.
fn series_name(key: &str, forecast: Option<&str>) -> Option<String> {
    if key == "forecast" {
        return forecast.map(forecast_name);
    }
    SERIES.iter().find(|s| s.0 == key).map(|s| s.1.to_string())
}

/// The most points drawn per line (display only): about two per pixel of a wide chart, and few
/// enough that a redraw while a slider moves stays within a frame.
const MAX_HISTORY_POINTS: usize = 2_000;
const MAX_FORECAST_POINTS: usize = 1_000;

fn points(ts: &[i64], vs: &[f64], max: usize) -> Vec<CompositeValue> {
    points_at(ts, vs, &headroom_core::display::lttb_indices(ts, vs, max))
}

/// The points of `(ts, vs)` at the indices `keep`.
fn points_at(ts: &[i64], vs: &[f64], keep: &[usize]) -> Vec<CompositeValue> {
    keep.iter()
        .map(|&i| {
            let v = vs[i];
            CompositeValue::Array(vec![CompositeValue::from(ts[i]), CompositeValue::from(v.is_finite().then_some(v))])
        })
        .collect()
}

/// A band as a stacked pair: the lower edge (invisible) and the width above it (filled).
/// `key` names the halves' ids (`band95-lower`, `band95-width`), by which the tooltip finds them;
/// `keep`: the forecast's points drawn (the same instants for the line and both bands, so that the
/// tooltip finds all of them under the pointer).
fn band(
    chart: Chart,
    (f, keep): (&ForecastResult, &[usize]),
    (lower, upper): (&[f64], &[f64]),
    key: &str,
    name: &str,
    opacity: f64,
) -> Chart {
    let width: Vec<f64> = upper.iter().zip(lower).map(|(u, l)| (u - l).max(0.0)).collect();
    let stack = format!("band-{name}");
    chart
        .series(
            Line::new()
                .id(format!("{key}-lower"))
                .name(name)
                .stack(stack.as_str())
                .show_symbol(false)
                .silent(true)
                .item_style(ItemStyle::new().color(HISTORY_COLOR))
                .line_style(LineStyle::new().opacity(0))
                .data(points_at(&f.timestamps, lower, keep)),
        )
        .series(
            Line::new()
                .id(format!("{key}-width"))
                .name(name)
                .stack(stack.as_str())
                .show_symbol(false)
                .silent(true)
                .line_style(LineStyle::new().opacity(0))
                .item_style(ItemStyle::new().color(HISTORY_COLOR))
                .area_style(AreaStyle::new().color(HISTORY_COLOR).opacity(opacity))
                .data(points_at(&f.timestamps, &width, keep)),
        )
}

/// How opaque the 95 % and 80 % bands are filled: on the dark theme's panel the light theme's
/// figures left the 95 % band barely visible.
pub fn band_opacities(dark: bool) -> (f64, f64) {
    if dark {
        (0.26, 0.36)
    } else {
        (0.15, 0.25)
    }
}

/// History, forecast and bands for `series` (the lines come separately, see [`lines`]).
/// `hidden`: the names of the series the planner hid with the legend (they stay hidden); `dark`:
/// the page's theme.
pub fn metric_chart(series: &Series, forecast: Option<&ForecastResult>, hidden: &[String], dark: bool) -> Chart {
    let unit = series.unit.clone().unwrap_or_default();
    let mut chart = Chart::new()
        .animation(false)
        .grid(Grid::new().left(GRID.0).right(GRID.1).top(GRID.2).bottom(GRID.3))
        // The legend is a row of buttons above the chart (see [`ChartLegend`]); the chart's own is
        // drawn only into a PNG, on one line that pages on a narrow chart.
        .legend(
            Legend::new()
                .show(false)
                .top(4)
                .type_(LegendType::Scroll)
                .selected(hidden.iter().map(|name| (name.as_str(), false))),
        )
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .x_axis(Axis::new().type_(AxisType::Time))
        .y_axis(Axis::new().type_(AxisType::Value).name(unit).scale(true))
        .data_zoom(DataZoom::new().type_(DataZoomType::Inside))
        .data_zoom(DataZoom::new().type_(DataZoomType::Slider).bottom(8))
        .series(
            Line::new()
                .id("history")
                .name("history")
                .show_symbol(false)
                .item_style(ItemStyle::new().color(HISTORY_COLOR))
                .line_style(LineStyle::new().color(HISTORY_COLOR))
                .data(points(&series.timestamps, &series.values, MAX_HISTORY_POINTS)),
        );
    // The policy's lines are laid over the chart (see the module docs); this empty series holds them
    // only while the chart is saved as PNG, and its legend entry shows or hides them.
    chart = chart.series(
        Line::new()
            .id("lines")
            .name(LINES_LEGEND)
            .show_symbol(false)
            .item_style(ItemStyle::new().color(UP_COLOR))
            .line_style(LineStyle::new().type_(LineStyleType::Dashed).color(UP_COLOR))
            .data(Vec::<CompositeValue>::new()),
    );
    if let Some(f) = forecast {
        let keep = headroom_core::display::lttb_indices(&f.timestamps, &f.point, MAX_FORECAST_POINTS);
        let (o95, o80) = band_opacities(dark);
        chart = band(chart, (f, &keep), (&f.lower_95, &f.upper_95), "band95", BAND_95, o95);
        chart = band(chart, (f, &keep), (&f.lower_80, &f.upper_80), "band80", BAND_80, o80);
        chart = chart.series(
            Line::new()
                .id("forecast")
                .name(forecast_name(f.model.label()))
                .show_symbol(false)
                .item_style(ItemStyle::new().color(HISTORY_COLOR))
                .line_style(LineStyle::new().type_(LineStyleType::Dashed).color(HISTORY_COLOR))
                .data(points_at(&f.timestamps, &f.point, &keep)),
        );
    }
    chart
}

/// The policy's lines for `metric`, in the unit of `series` (the one charted): (label, value).
pub fn lines(policy: &Policy, metric: Metric, series: Option<&Series>) -> Vec<(String, f64)> {
    let m = core_metric(metric);
    // Policies hold response times in seconds; the chart is in the series' unit.
    let scale = match (metric, series) {
        (Metric::Latency, Some(s)) => 1.0 / response_time_scale(s).0,
        _ => 1.0,
    };
    let mut out = Vec::new();
    match &policy.scaler {
        Scaler::Threshold(t) => {
            if let Some((_, r)) = t.rules().find(|(mm, _)| *mm == m) {
                out.push(("scale up".to_string(), r.scale_up * scale));
                out.push(("scale down".to_string(), r.scale_down() * scale));
            }
        }
        Scaler::Hpa(h) => {
            for x in &h.metrics {
                if x.maps_to() == Some(m) && x.source == HpaSource::Resource && x.target == HpaTargetKind::Utilization {
                    out.push(("HPA target".to_string(), x.value));
                }
            }
        }
        Scaler::TargetTracking(t) => {
            for p in &t.policies {
                if p.metric == TrackingMetric::Cpu && metric == Metric::Cpu {
                    out.push(("target".to_string(), p.target));
                }
            }
        }
        Scaler::StepScaling(s) => {
            for p in s.policies.iter().filter(|p| p.metric == m) {
                out.push(("alarm".to_string(), p.threshold * scale));
            }
        }
        Scaler::Queueing(_) => {}
    }
    out
}

/// The value axis' range: 0–100 for percentages the data keeps within 100; otherwise automatic,
/// raised when a line is above the data so that every line is visible.
pub fn axis_range(percent: bool, data_max: f64, lines: &[(String, f64)]) -> (serde_json::Value, serde_json::Value) {
    let top = lines.iter().map(|l| l.1).fold(f64::NEG_INFINITY, f64::max);
    if percent && data_max <= 100.0 {
        return (json!(0), json!(100));
    }
    if top.is_finite() && top > data_max {
        return (serde_json::Value::Null, json!((top * 1.1 * 1000.0).ceil() / 1000.0));
    }
    (serde_json::Value::Null, serde_json::Value::Null)
}

/// A line's colour: scale-up lines (and targets) red, scale-down lines green.
fn line_color(name: &str) -> &'static str {
    if name.contains("down") {
        DOWN_COLOR
    } else {
        UP_COLOR
    }
}

/// A line's label: `scale up 75`.
fn line_label(name: &str, v: f64) -> String {
    format!("{name} {}", crate::components::number_field::plain((v * 1000.0).round() / 1000.0))
}

/// The patch that sets the policy lines (the `lines` series' mark lines) to `lines`: how they are
/// drawn into the chart itself, for a PNG.
pub fn lines_patch(lines: &[(String, f64)]) -> serde_json::Value {
    let data: Vec<serde_json::Value> = lines
        .iter()
        .map(|(name, v)| {
            let color = line_color(name);
            json!({"name": name, "yAxis": v, "lineStyle": {"color": color},
                   "label": {"formatter": line_label(name, *v), "position": "insideEndTop", "color": color}})
        })
        .collect();
    json!({"series": [{"id": "lines", "zlevel": 1, "markLine": {"silent": true, "symbol": ["none", "none"], "lineStyle": {"type": "dashed"}, "data": data}}]})
}

/// A value as the tooltip shows it: whole numbers from 1,000 up with thousands separators,
/// smaller ones to three decimals without trailing zeros (`37.998`, `0.5`).
pub fn tip_value(v: f64) -> String {
    if v.abs() >= 1000.0 {
        let s = headroom_core::display::thousands(v.abs().round() as usize);
        if v < 0.0 {
            format!("−{s}")
        } else {
            s
        }
    } else {
        let s = format!("{v:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" {
            "0".to_string()
        } else {
            s.replace('-', "−")
        }
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The metric chart's tooltip (HTML): the instant (UTC), then each series' value with the unit; a
/// band as its lower and upper bound (the chart stacks it as the lower edge and the width above).
pub fn tooltip_html(time_ms: f64, items: &[echarts::TipParam], unit: &str) -> String {
    let unit = escape(unit);
    let with_unit = |v: f64| match unit.as_str() {
        "" => tip_value(v),
        "%" => format!("{} %", tip_value(v)),
        u => format!("{} {u}", tip_value(v)),
    };
    let mut rows = Vec::new();
    for item in items {
        if let Some(key) = item.id.strip_suffix("-lower") {
            let width = items.iter().find(|w| w.id == format!("{key}-width")).and_then(|w| w.value);
            if let (Some(lo), Some(w)) = (item.value, width) {
                rows.push((
                    item.marker.clone(),
                    item.name.clone(),
                    format!("{} – {}", tip_value(lo), with_unit(lo + w)),
                ));
            }
        } else if item.id.ends_with("-width") {
            continue;
        } else if let Some(v) = item.value {
            rows.push((item.marker.clone(), item.name.clone(), with_unit(v)));
        }
    }
    tip_table(time_ms, &rows)
}

/// A tooltip (HTML): the instant (UTC), then a row per series: (marker HTML, name, value), the
/// name escaped here, the value as given.
pub fn tip_table(time_ms: f64, rows: &[(String, String, String)]) -> String {
    let time = crate::state::instant_text(time_ms as i64);
    let rows: String = rows
        .iter()
        .map(|(marker, name, value)| {
            format!(
                "<tr><td>{marker}{}</td><td style=\"padding-left:16px;text-align:right;font-weight:600;white-space:nowrap\">{value}</td></tr>",
                escape(name)
            )
        })
        .collect();
    format!("<div style=\"margin-bottom:4px\">{time} UTC</div><table style=\"border-spacing:0\">{rows}</table>")
}

/// The largest value drawn: history and the forecast's 95 % upper band.
fn data_max(series: &Series, forecast: Option<&ForecastResult>) -> f64 {
    series
        .values
        .iter()
        .chain(forecast.map_or(&[][..], |f| &f.upper_95[..]))
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max)
}

#[component]
pub fn MetricChart(
    metric: Signal<Metric>,
    series: Signal<Option<Series>>,
    forecast: Signal<Option<Arc<ForecastResult>>>,
    policy: Signal<Policy>,
) -> impl IntoView {
    let node = NodeRef::<Div>::new();
    let available = echarts::available();
    let error = RwSignal::new(None::<String>);
    // The data: redrawn when the series or its forecast change.
    let drawn = RwSignal::new(0u32);
    // The value axis' range last set (a redraw of the data resets it).
    let axis = StoredValue::new(None::<(serde_json::Value, serde_json::Value)>);
    // The legend's keys the planner hid.
    let hidden = RwSignal::new(Vec::<&'static str>::new());
    let model = Memo::new(move |_| forecast.with(|f| f.as_ref().map(|f| f.model.label())));
    // The tooltip: exact values with the series' unit, each band as its bounds.
    let unit = StoredValue::new(String::new());
    let tooltip = StoredValue::new_local(echarts::tooltip_formatter(move |time, items| {
        tooltip_html(time, &items, &unit.get_value())
    }));
    let dark = echarts::prefers_dark();
    Effect::new(move |_| {
        // What the planner hid stays hidden (a new model names its forecast anew).
        let hidden_names: Vec<String> =
            hidden.get_untracked().into_iter().filter_map(|key| series_name(key, model.get_untracked())).collect();
        let chart =
            series.with(|s| s.as_ref().map(|s| forecast.with(|f| metric_chart(s, f.as_deref(), &hidden_names, dark))));
        unit.set_value(series.with(|s| s.as_ref().and_then(|s| s.unit.clone()).unwrap_or_default()));
        if let (Some(el), Some(chart), true) = (node.get(), chart, available) {
            let new_chart = !echarts::drawn(&el);
            match echarts::update(&el, &chart) {
                Ok(_) => {
                    if new_chart {
                        tooltip.with_value(|f| {
                            let _ =
                                echarts::set_tooltip_formatter(&el, wasm_bindgen::JsCast::unchecked_ref(f.as_ref()));
                        });
                    }
                    error.set(None);
                    axis.set_value(None);
                    drawn.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(format!("The chart could not be drawn: {e}"))),
            }
        }
    });
    super::time_view::link(node, super::time_view::Source::MetricChart, echarts::plot_inset(), drawn.into());
    let top = Memo::new(move |_| {
        series.with(|s| s.as_ref().map_or(f64::NEG_INFINITY, |s| forecast.with(|f| data_max(s, f.as_deref()))))
    });
    // Bumped each time the chart has finished drawing: the lines follow its axis (a redraw, a
    // zoom, a resize).
    let layout = RwSignal::new(0u32);
    let on_finished = StoredValue::new_local(None::<wasm_bindgen::closure::Closure<dyn FnMut()>>);
    // The legend's "policy lines" entry shows or hides the lines.
    let lines_shown = Memo::new(move |_| !hidden.with(|h| h.contains(&"lines")));
    let lines_now = Memo::new(move |_| series.with(|s| policy.with(|p| lines(p, metric.get(), s.as_ref()))));
    // The value axis: its range set only when it changes (a line above the data raises it).
    Effect::new(move |_| {
        drawn.track();
        let percent = matches!(metric.get(), Metric::Cpu | Metric::Memory);
        let range = lines_now.with(|l| axis_range(percent, top.get(), l));
        if axis.get_value().as_ref() == Some(&range) {
            return;
        }
        axis.set_value(Some(range.clone()));
        if let (Some(el), true) = (node.get(), available) {
            let patch = json!({"yAxis": {"min": range.0, "max": range.1}});
            if let Err(e) = echarts::patch(&el, &patch) {
                error.set(Some(format!("The chart could not be drawn: {e}")));
            }
            if on_finished.with_value(Option::is_none) {
                let handler = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || layout.update(|n| *n += 1));
                if echarts::on_finished(&el, wasm_bindgen::JsCast::unchecked_ref(handler.as_ref())) {
                    on_finished.set_value(Some(handler));
                }
            }
        }
    });
    // The lines where the axis puts them: (label, colour, pixels from the chart's top).
    let placed = Memo::new(move |_| {
        layout.track();
        drawn.track();
        let Some(el) = node.get() else { return Vec::new() };
        if !lines_shown.get() {
            return Vec::new();
        }
        let bottom = echarts::height(&el).unwrap_or(0.0) - f64::from(GRID.3);
        echarts::timed("headroom:draw:lines", || {
            lines_now.with(|ls| {
                ls.iter()
                    .filter_map(|(name, v)| {
                        let y = echarts::y_pixel(&el, *v)?;
                        (y >= f64::from(GRID.2) - 0.5 && y <= bottom + 0.5)
                            .then(|| (line_label(name, *v), line_color(name), y))
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    // A PNG gets the lines and the legend drawn into the chart while it is saved.
    let for_png = Callback::new(move |on: bool| {
        if let Some(el) = node.get_untracked() {
            let lines = if on && lines_shown.get_untracked() { lines_now.get_untracked() } else { Vec::new() };
            // One patch, one redraw: the lines, the legend and the room for it.
            let mut patch = lines_patch(&lines);
            patch["legend"] = json!({"show": on});
            patch["grid"] = json!({"top": if on { echarts::GRID_TOP_WITH_LEGEND } else { GRID.2 }});
            let _ = echarts::patch(&el, &patch);
        }
    });
    let entries = Signal::derive(move || {
        let shown = series.with(Option::is_some);
        if shown {
            legend_entries(model.get())
        } else {
            Vec::new()
        }
    });
    let toggle = Callback::new(move |key: &'static str| {
        let now_hidden = !hidden.with_untracked(|h| h.contains(&key));
        hidden.update(|h| {
            if now_hidden {
                h.push(key);
            } else {
                h.retain(|k| *k != key);
            }
        });
        // The policy lines are page elements; the rest are the chart's series.
        if let (Some(el), Some(name)) = (node.get_untracked(), series_name(key, model.get_untracked())) {
            if key != "lines" {
                let _ = echarts::show_series(&el, &name, !now_hidden);
            }
        }
    });
    echarts::manage(node);
    view! {
        <div class="chart-actions">
            <super::results::PngButton node name="headroom-metric.png" prepare=for_png />
        </div>
        <ChartLegend label="Series drawn on the metric chart" testid="metric-legend"
                     entries hidden=hidden.into() toggle />
        <div class="chart-wrap">
            <div class="chart tall" node_ref=node data-testid="series-chart" role="img"
                 aria-label=move || format!("{}: history, forecast and prediction intervals, with the policy's thresholds", metric.get().label())>
                {echarts::status(available, error, "The chart library did not load; the figures are exact.")}
            </div>
            <div class="policy-lines" aria-hidden="true" data-testid="policy-lines">
                {move || placed.get().into_iter().map(|(label, color, y)| view! {
                    <div class="policy-line" style=format!("top:{y:.1}px;left:{}px;right:{}px;border-top-color:{color}", GRID.0, GRID.1)>
                        <span style=format!("color:{color}")>{label}</span>
                    </div>
                }).collect_view()}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use echarts::TipParam;

    fn item(id: &str, name: &str, value: Option<f64>) -> TipParam {
        TipParam { id: id.into(), name: name.into(), marker: format!("<i>{id}</i>"), value }
    }

    #[test]
    fn tooltip_values_are_readable_and_keep_their_precision() {
        assert_eq!(tip_value(37.99815427025068), "37.998");
        assert_eq!(tip_value(0.5), "0.5");
        assert_eq!(tip_value(75.0), "75");
        assert_eq!(tip_value(24223.4), "24,223");
        assert_eq!(tip_value(-1234.0), "−1,234");
        assert_eq!(tip_value(-0.0001), "0");
    }

    #[test]
    fn the_tooltip_shows_each_band_as_its_bounds_once_with_the_unit() {
        // The chart stacks a band as its lower edge and its width above it.
        let items = [
            item("band95-lower", BAND_95, Some(30.27)),
            item("band95-width", BAND_95, Some(15.455)),
            item("band80-lower", BAND_80, Some(34.25)),
            item("band80-width", BAND_80, Some(7.49)),
            item("forecast", "forecast (combination)", Some(37.99815)),
        ];
        let html = tooltip_html(1_393_608_720_000.0, &items, "%");
        assert!(html.contains("2014-02-28 17:32 UTC"), "{html}");
        assert_eq!(html.matches(BAND_95).count(), 1, "{html}");
        assert!(html.contains("30.27 – 45.725 %"), "{html}");
        assert!(html.contains("34.25 – 41.74 %"), "{html}");
        assert!(html.contains("37.998 %"), "{html}");
        assert!(!html.contains("15.455"), "a band's width is not a value: {html}");
        // A series without a value at this instant is left out; names and units are escaped.
        let html = tooltip_html(0.0, &[item("history", "a<b>", Some(2.0)), item("forecast", "f", None)], "req/s");
        assert!(html.contains("a&lt;b&gt;") && html.contains("2 req/s") && !html.contains(">f<"), "{html}");
    }
}
