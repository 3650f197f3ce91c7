//! What a policy replay produced: the summary cards, the instances chart and the scale events.

use charming::component::{Axis, DataZoom, DataZoomType, Grid};
use charming::element::{
    AxisType, ItemStyle, LineStyle, LineStyleType, MarkLine, MarkLineData, MarkLineVariant, Step, Symbol, Tooltip,
    Trigger,
};
use charming::series::{Line, Scatter};
use charming::Chart;
use headroom_core::capacity::replay::{Replay, Track};
use leptos::html::{Canvas, Div};
use leptos::prelude::Track as _;
use leptos::prelude::*;

use super::legend::{ChartLegend, Entry, Mark};
use super::{echarts, tracks};
use crate::state::plan::{cost_per_month, runway_text, Plan};
use crate::state::{short_num, thousands};

/// The most points drawn per instance track and of scale events (display only: about one per
/// pixel of a wide chart, few enough to redraw at every step of a dragged slider).
const MAX_TRACK_POINTS: usize = 1_200;

/// The most scale events the table lists (the rest are counted).
pub const MAX_EVENT_ROWS: usize = 100;

/// The instances chart's series in legend order: id, name, colour and how each is drawn. The
/// history and its projection share one colour (the projection dashed), as on the metric chart.
pub const INSTANCE_SERIES: [(&str, &str, &str, Mark); 4] = [
    ("history", "history (replayed)", "#3b6fd4", Mark::Solid),
    ("forecast", "forecast", "#3b6fd4", Mark::Dashed),
    ("upper", "forecast, 95 % upper", "#d9730d", Mark::Dotted),
    ("events", "scale events", "#2e8540", Mark::Square),
];

/// Which of [`INSTANCE_SERIES`] a replay has something to draw for.
pub fn instance_series_present(replay: &Replay) -> [bool; 4] {
    let events = !replay.history.events.is_empty() || replay.forecast.as_ref().is_some_and(|t| !t.events.is_empty());
    [true, replay.forecast.is_some(), replay.upper.is_some(), events]
}

/// A track as step-line points, flat (`[t0, v0, t1, v1, …]`): each change, and the count held to
/// the end.
fn step_points(track: &Track) -> Vec<f64> {
    let mut ts: Vec<i64> = track.changes.iter().map(|c| c.0).collect();
    let mut vs: Vec<f64> = track.changes.iter().map(|c| f64::from(c.1)).collect();
    if let Some(&last) = vs.last() {
        ts.push(track.end_ms);
        vs.push(last);
    }
    let (ts, vs) = headroom_core::display::lttb(&ts, &vs, MAX_TRACK_POINTS);
    ts.iter().zip(&vs).flat_map(|(&t, &v)| [t as f64, v]).collect()
}

/// The instances chart for one replay: its option (without the points) and each drawn series'
/// points, flat, by series id. The points travel to the chart as typed arrays: no JSON for
/// thousands of numbers, and nothing for the chart library to copy.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InstancesDrawing {
    pub option: serde_json::Value,
    pub data: Vec<(&'static str, Vec<f64>)>,
    /// What the value axis must reach: the highest count drawn, and the max line when it is near
    /// ([`tracks::axis_reach`]).
    pub peak: u32,
    /// Whether that is the policy's max, which no count exceeds: the axis never has to grow.
    pub capped: bool,
    /// The first and last instant the tracks cover (what the time axis spans).
    pub span: Option<(f64, f64)>,
}

impl InstancesDrawing {
    /// The option with its value axis set to run from 0 to `top`.
    fn option_up_to(&self, top: u32) -> serde_json::Value {
        let mut option = self.option.clone();
        // One axis is written as an object, several as a list.
        let axis = match option.get_mut("yAxis") {
            Some(serde_json::Value::Array(axes)) => axes.first_mut(),
            other => other,
        };
        if let Some(axis) = axis.filter(|a| a.is_object()) {
            axis["min"] = serde_json::json!(0);
            axis["max"] = serde_json::json!(top);
        }
        option
    }
}

/// How the chart itself draws a series drawn as `mark`: the style its opacity is set in, and the
/// opacity. Transparent while the canvas laid over the chart draws the series (the chart keeps its
/// points, where its tooltip's pointer snaps); as the canvas draws it when `by_chart` (for a PNG).
fn chart_style(mark: Mark, by_chart: bool) -> (&'static str, f64) {
    match mark {
        Mark::Square => ("itemStyle", if by_chart { tracks::SQUARE_OPACITY } else { 0.0 }),
        _ => ("lineStyle", if by_chart { 1.0 } else { 0.0 }),
    }
}

/// The instances chart's tracks and events drawn by the chart itself (`on`: for a PNG) or left to
/// the canvas laid over it, as a patch of the chart's `series`; `ids` are the series it has.
fn tracks_shown_by_chart(on: bool, ids: &[&str]) -> serde_json::Value {
    let series: Vec<serde_json::Value> = INSTANCE_SERIES
        .iter()
        .filter(|s| ids.contains(&s.0))
        .map(|&(id, _, _, mark)| {
            let (style, opacity) = chart_style(mark, on);
            serde_json::json!({"id": id, style: {"opacity": opacity}})
        })
        .collect();
    serde_json::Value::Array(series)
}

/// The instances chart: the replayed count over the history (solid), over the forecast (dashed)
/// and over the forecast's 95 % upper band (dotted), the min and max lines, and each scale event;
/// `shown` says which of [`INSTANCE_SERIES`] the planner keeps in view (the legend is a row of
/// buttons above the chart: keyboard-operable, and nothing for the chart to lay out at every
/// redraw). Scale events are drawn in ECharts' large mode (one path for all the markers: a year of
/// events redraws in a frame), and the zoom slider has no miniature of the data (redrawing it cost
/// a fifth of each redraw).
pub fn instances_chart(replay: &Replay, min: u32, max: u32, shown: [bool; 4]) -> InstancesDrawing {
    let present = instance_series_present(replay);
    let mut chart = Chart::new()
        .animation(false)
        .grid(Grid::new().left(echarts::GRID.0).right(echarts::GRID.1).top(echarts::GRID.2).bottom(echarts::GRID.3))
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .x_axis(Axis::new().type_(AxisType::Time))
        .y_axis(Axis::new().type_(AxisType::Value).name("instances").min_interval(1))
        .data_zoom(DataZoom::new().type_(DataZoomType::Inside))
        .data_zoom(DataZoom::new().type_(DataZoomType::Slider).bottom(8));
    let mut data = Vec::new();
    let mut peak = 0u32;
    // The min and max lines ride on the first track drawn (an empty series if the planner hid all).
    let mut bounds = Some(MarkLine::new().silent(true).symbol(vec![Symbol::None, Symbol::None]).data(vec![
        MarkLineVariant::Simple(MarkLineData::new().name("min").y_axis(f64::from(min))),
        MarkLineVariant::Simple(MarkLineData::new().name("max").y_axis(f64::from(max))),
    ]));
    let tracks = [Some(&replay.history), replay.forecast.as_ref(), replay.upper.as_ref()];
    for (i, track) in tracks.into_iter().enumerate() {
        let Some(track) = track.filter(|_| shown[i]) else { continue };
        let (id, name, color, mark) = INSTANCE_SERIES[i];
        let line_style = match mark {
            Mark::Dashed => LineStyle::new().color(color).type_(LineStyleType::Dashed),
            Mark::Dotted => LineStyle::new().color(color).type_(LineStyleType::Dotted),
            Mark::Solid | Mark::Square | Mark::Band | Mark::LightBand => LineStyle::new().color(color),
        };
        let series = Line::new()
            .id(id)
            .name(name)
            .step(Step::End)
            .show_symbol(false)
            .item_style(ItemStyle::new().color(color))
            .line_style(line_style);
        chart = chart.series(match bounds.take() {
            Some(b) => series.mark_line(b),
            None => series,
        });
        peak = peak.max(track.changes.iter().map(|c| c.1).max().unwrap_or(0));
        data.push((id, step_points(track)));
    }
    if let Some(b) = bounds {
        chart = chart.series(Line::new().id("bounds").show_symbol(false).mark_line(b));
    }
    if present[3] && shown[3] {
        // Every event while they fit; beyond, every k-th, spread over the whole span.
        let all = replay.history.events.len() + replay.forecast.as_ref().map_or(0, |t| t.events.len());
        let stride = all.div_ceil(MAX_TRACK_POINTS).max(1);
        let events: Vec<f64> = replay
            .history
            .events
            .iter()
            .chain(replay.forecast.iter().flat_map(|t| &t.events))
            .step_by(stride)
            .flat_map(|e| [e.timestamp as f64, f64::from(e.to)])
            .collect();
        // The axis holds every event drawn, whichever tracks are shown.
        let events_top = events.chunks_exact(2).map(|e| e[1]).fold(0.0, f64::max);
        peak = peak.max(events_top as u32);
        let (id, name, color, _) = INSTANCE_SERIES[3];
        chart = chart.series(
            Scatter::new()
                .id(id)
                .name(name)
                // Squares: a filled rectangle draws faster than an arc, a thousand times per redraw.
                .symbol(Symbol::Rect)
                .symbol_size(5)
                .item_style(ItemStyle::new().color(color)),
        );
        data.push((id, events));
    }
    let mut option = serde_json::to_value(&chart).unwrap_or_default();
    if let Some(zooms) = option.get_mut("dataZoom").and_then(|s| s.as_array_mut()) {
        for z in zooms.iter_mut() {
            // A step line has a point only where the count changes: zoomed in between two, the
            // default filter would leave nothing to draw.
            z["filterMode"] = serde_json::json!("none");
            if z["type"] == "slider" {
                z["showDataShadow"] = serde_json::Value::Bool(false);
            }
        }
    }
    if let Some(series) = option.get_mut("series").and_then(|s| s.as_array_mut()) {
        // The min and max lines say what they are ("min 1"), in grey, not in the track's colour.
        for m in series.iter_mut().filter_map(|s| s.get_mut("markLine")) {
            m["label"] = serde_json::json!({"formatter": "{b} {c}", "position": "insideEndTop"});
            m["lineStyle"] = serde_json::json!({"color": "#8a8f98", "type": "dashed"});
        }
        for s in series.iter_mut() {
            if s["id"] == "events" {
                s["large"] = serde_json::Value::Bool(true);
                s["largeThreshold"] = serde_json::json!(200);
            }
            // Drawn by the canvas laid over the chart (see `tracks`).
            if let Some(&(_, _, _, mark)) = INSTANCE_SERIES.iter().find(|i| s["id"] == i.0) {
                let (style, opacity) = chart_style(mark, false);
                s[style]["opacity"] = serde_json::json!(opacity);
            }
        }
    }
    let reach = tracks::axis_reach(peak, max);
    InstancesDrawing { option, data, peak: reach, capped: reach == max, span: time_span(replay) }
}

/// The instances chart's tooltip (HTML) at `time_ms`: the count each track in view holds then
/// (`shown`, as [`INSTANCE_SERIES`]), exact from the replay (the chart's own points are thinned
/// for display, and a step line's nearest point may be the next change), and the scale events at
/// that instant. A track that does not cover the instant is left out. When the latest policy could
/// not be replayed, why (the chart still shows the last replay that ran).
pub fn instances_tooltip_html(time_ms: f64, replay: &Result<Replay, String>, shown: [bool; 4]) -> String {
    let replay = match replay {
        Ok(r) => r,
        Err(e) => {
            let why = format!("The policy could not be replayed: {e}");
            return super::metric_chart::tip_table(time_ms, &[(String::new(), why, String::new())]);
        }
    };
    let t = time_ms.round() as i64;
    let marker = |color: &str| {
        format!("<span style=\"display:inline-block;margin-right:5px;border-radius:50%;width:9px;height:9px;background:{color}\"></span>")
    };
    let tracks = [Some(&replay.history), replay.forecast.as_ref(), replay.upper.as_ref()];
    let mut rows = Vec::new();
    for (i, track) in tracks.into_iter().enumerate() {
        // Up to the track's end, inclusive: its last drawn point (the count held to the end) is there.
        let Some(track) = track.filter(|tr| shown[i] && tr.start_ms <= t && t <= tr.end_ms) else { continue };
        let (_, name, color, _) = INSTANCE_SERIES[i];
        let count = track.count_at(t);
        rows.push((marker(color), name.to_string(), super::number_field::with_unit(f64::from(count), "instances")));
    }
    if shown[3] {
        let (_, _, color, _) = INSTANCE_SERIES[3];
        let at = tracks.into_iter().take(2).flatten().flat_map(|tr| &tr.events).filter(|e| e.timestamp == t);
        for e in at {
            rows.push((marker(color), format!("scale event: {}", e.reason), format!("{} → {}", e.from, e.to)));
        }
    }
    super::metric_chart::tip_table(time_ms, &rows)
}

/// The first and last instant a replay's tracks cover (every track it has, shown or not): what the
/// chart's time axis spans. A dragged threshold moves the counts and the events, not this.
fn time_span(replay: &Replay) -> Option<(f64, f64)> {
    let first = replay.history.changes.first()?.0;
    let tracks = [Some(&replay.history), replay.forecast.as_ref(), replay.upper.as_ref()];
    let end = tracks.into_iter().flatten().map(|t| t.end_ms).max()?;
    Some((first as f64, end as f64))
}

/// The legend drawn into the instances chart while it is saved as PNG (the page's legend is a row
/// of buttons above it), and the room made for it.
fn png_legend(on: bool, names: &[&str]) -> serde_json::Value {
    if on {
        serde_json::json!({"legend": [{"top": 4, "data": names}], "grid": [{"top": echarts::GRID_TOP_WITH_LEGEND}]})
    } else {
        serde_json::json!({"legend": [], "grid": [{"top": echarts::GRID.2}]})
    }
}

#[component]
pub fn InstancesChart(plan: Signal<Option<Plan>>) -> impl IntoView {
    let node = NodeRef::<Div>::new();
    let available = echarts::available();
    let error = RwSignal::new(None::<String>);
    // Which series the planner keeps in view (the legend's buttons).
    let shown = RwSignal::new([true; 4]);
    let present = Memo::new(move |_| {
        plan.with(|p| p.as_ref().and_then(|p| p.replay.as_ref().ok().map(instance_series_present)).unwrap_or_default())
    });
    let canvas = NodeRef::<Canvas>::new();
    // The latest drawing, which the canvas laid over the chart shows, and what the chart itself was
    // last given with the top of its value axis. While a value is dragged the chart keeps its
    // axes and lags in its copy of the points (where its tooltip's pointer snaps); it catches up once the value is
    // still, or before a PNG.
    let latest = StoredValue::new(InstancesDrawing::default());
    let applied = StoredValue::new((InstancesDrawing::default(), 0u32));
    let catch_up = StoredValue::new_local(None::<gloo::timers::callback::Timeout>);
    // Whether a catch-up is due: the value changed less than a moment ago.
    let moving = StoredValue::new(false);
    let on_finished = StoredValue::new_local(None::<wasm_bindgen::closure::Closure<dyn FnMut()>>);
    // Bumped when the chart is made or its time span changes (not at each redraw of the counts):
    // then it is zoomed again to the range both charts share.
    let respan = RwSignal::new(0u32);
    super::time_view::link(node, super::time_view::Source::InstancesChart, echarts::plot_inset(), respan.into());
    // The tooltip: the counts of the latest replay at the instant under the pointer, exact; or
    // why there are none.
    let tooltip = StoredValue::new_local(echarts::tooltip_formatter(move |time, _| {
        plan.with_untracked(|p| {
            p.as_ref().map(|p| instances_tooltip_html(time, &p.replay, shown.get_untracked())).unwrap_or_default()
        })
    }));
    // The counts and events on the canvas, where the chart's axes put them now (timed as
    // `headroom:draw:tracks`).
    let paint = move || {
        if let (Some(c), Some(el)) = (canvas.get_untracked(), node.get_untracked()) {
            echarts::timed("headroom:draw:tracks", || latest.with_value(|d| tracks::draw(&c, &el, &d.data)));
        }
    };
    // Gives the chart `drawing` with its value axis up to `top` (timed as `headroom:draw:instances`),
    // then draws the canvas on its new axes; a chart that could not be drawn leaves the canvas
    // empty (its message shows instead).
    let apply = move |el: &web_sys::Element, drawing: &InstancesDrawing, top: u32| {
        let new_chart = !echarts::drawn(el);
        let new_span = new_chart || applied.with_value(|(d, _)| d.span != drawing.span);
        let option = drawing.option_up_to(top);
        match echarts::timed("headroom:draw:instances", || echarts::update_with_data(el, &option, &drawing.data)) {
            Ok(_) => {
                error.set(None);
                if new_chart {
                    tooltip.with_value(|f| {
                        let _ = echarts::set_tooltip_formatter(el, wasm_bindgen::JsCast::unchecked_ref(f.as_ref()));
                    });
                }
                if new_span {
                    respan.update(|n| *n += 1);
                }
                applied.set_value((drawing.clone(), top));
                if on_finished.with_value(Option::is_none) {
                    // After each of the chart's own redraws (a zoom, a resize, new axes).
                    let handler = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(paint);
                    if echarts::on_finished(el, wasm_bindgen::JsCast::unchecked_ref(handler.as_ref())) {
                        on_finished.set_value(Some(handler));
                    }
                }
                paint();
            }
            Err(e) => {
                error.set(Some(format!("The chart could not be drawn: {e}")));
                // Whatever the chart holds now, it is not what `applied` says.
                applied.set_value((InstancesDrawing::default(), 0));
                if let Some(c) = canvas.get_untracked() {
                    tracks::clear(&c);
                }
            }
        }
    };
    // The chart given the latest drawing, its axis fitted to it, if it has not been.
    let catch_up_now = move || {
        moving.set_value(false);
        let Some(el) = node.get_untracked() else { return };
        let drawing = latest.get_value();
        let top = tracks::axis_top(drawing.peak);
        if applied.with_value(|(d, t)| *d != drawing || *t != top) {
            apply(&el, &drawing, top);
        }
    };
    Effect::new(move |_| {
        // Timed as `headroom:build:instances`: the tracks thinned for display and the option.
        let shown = shown.get();
        let drawing = echarts::timed("headroom:build:instances", || {
            plan.with(|p| {
                p.as_ref().and_then(|p| {
                    p.replay
                        .as_ref()
                        .ok()
                        .map(|r| instances_chart(r, p.policy.min_instances, p.policy.max_instances, shown))
                })
            })
        });
        let (Some(el), Some(drawing), true) = (node.get(), drawing, available) else { return };
        // A policy change that leaves the counts as they were (a threshold moved where the data
        // never reaches) draws nothing.
        if latest.with_value(|d| *d == drawing) {
            return;
        }
        let hand_moving = moving.get_value();
        // The same axes but for the value axis' top: the same series and lines over the same span.
        let (same_frame, top) =
            applied.with_value(|(d, top)| (d.option == drawing.option && d.span == drawing.span, *top));
        latest.set_value(drawing.clone());
        if echarts::drawn(&el) && same_frame && drawing.peak <= top {
            // The axes hold the new counts: the canvas draws them at once.
            paint();
        } else {
            // New axes: while the value moves, with room for the counts to grow on (none at the max).
            let top = if hand_moving && same_frame && !drawing.capped {
                tracks::grown_top(drawing.peak)
            } else {
                tracks::axis_top(drawing.peak)
            };
            apply(&el, &drawing, top);
        }
        // Replacing the timer cancels the one pending.
        moving.set_value(true);
        catch_up.set_value(Some(gloo::timers::callback::Timeout::new(super::settle::SETTLE_MS, catch_up_now)));
    });
    // The legend's buttons: the series this replay has, and those the planner hid.
    let entries = Signal::derive(move || {
        let present = present.get();
        (0..INSTANCE_SERIES.len())
            .filter(|&i| present[i])
            .map(|i| {
                let (key, name, color, mark) = INSTANCE_SERIES[i];
                Entry { key, label: name.to_string(), color, mark }
            })
            .collect::<Vec<_>>()
    });
    let hidden = Signal::derive(move || {
        shown.with(|s| (0..INSTANCE_SERIES.len()).filter(|&i| !s[i]).map(|i| INSTANCE_SERIES[i].0).collect::<Vec<_>>())
    });
    let toggle = Callback::new(move |key: &'static str| {
        if let Some(i) = INSTANCE_SERIES.iter().position(|s| s.0 == key) {
            shown.update(|s| s[i] = !s[i]);
        }
    });
    echarts::manage(node);
    let on_csv = move |_| {
        let made = plan
            .with_untracked(|p| p.as_ref().and_then(|p| p.replay.as_ref().ok().map(|r| r.instances_csv(p.step_ms))));
        if let Some(csv) = made {
            if let Err(e) = super::download::download("headroom-instances.csv", &csv, "text/csv") {
                error.set(Some(format!("The CSV could not be saved: {e}")));
            }
        }
    };
    // A PNG gets the legend, and the counts and events the canvas shows, drawn into the chart
    // while it is saved.
    let for_png = Callback::new(move |on: bool| {
        if on {
            catch_up_now();
        }
        if let Some(el) = node.get_untracked() {
            let (present, shown) = (present.get_untracked(), shown.get_untracked());
            let names: Vec<&str> =
                (0..INSTANCE_SERIES.len()).filter(|&i| present[i] && shown[i]).map(|i| INSTANCE_SERIES[i].1).collect();
            let ids: Vec<&str> = applied.with_value(|(d, _)| d.data.iter().map(|(id, _)| *id).collect());
            let mut patch = png_legend(on, &names);
            patch["series"] = tracks_shown_by_chart(on, &ids);
            let _ = echarts::patch_replacing(&el, &patch, &["legend"]);
        }
    });
    view! {
        <div class="chart-actions">
            <button type="button" class="button small" data-testid="export-csv" on:click=on_csv>"Instances as CSV"</button>
            <PngButton node name="headroom-instances.png" prepare=for_png />
        </div>
        <ChartLegend label="Series drawn on the instances chart" testid="instances-legend" entries hidden toggle />
        <div class="chart-wrap">
            <div class="chart" node_ref=node data-testid="instances-chart" role="img"
                 aria-label="Step chart of the replayed instance count over the history and the forecast">
                {echarts::status(available, error, "The chart library did not load; the figures above are exact.")}
            </div>
            <canvas class="tracks" node_ref=canvas aria-hidden="true" data-testid="instances-tracks"></canvas>
        </div>
    }
}

/// Saves the chart in `node` as a PNG named `name`.
#[component]
pub fn PngButton(
    node: NodeRef<Div>,
    name: &'static str,
    /// Called with true just before the image is taken and false just after (to draw into the
    /// chart what is otherwise laid over it).
    #[prop(optional)]
    prepare: Option<Callback<bool>>,
) -> impl IntoView {
    let failed = RwSignal::new(None::<String>);
    let on_click = move |_| {
        let Some(el) = node.get_untracked() else { return };
        if let Some(p) = prepare {
            p.run(true);
        }
        let taken = echarts::png(&el);
        if let Some(p) = prepare {
            p.run(false);
        }
        match taken.and_then(|url| super::download::download_url(name, &url)) {
            Ok(()) => failed.set(None),
            Err(e) => failed.set(Some(format!("The image could not be saved: {e}"))),
        }
    };
    view! {
        <button type="button" class="button small" on:click=on_click>"Chart as PNG"</button>
        <span class="muted" role="status">{move || failed.get()}</span>
    }
}

/// Figures longer than this many characters (a runway date) are set smaller in their card.
const LONG_FIGURE: usize = 9;

/// One figure card.
#[component]
fn Card(
    #[prop(into)] label: String,
    testid: &'static str,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] detail: Signal<String>,
) -> impl IntoView {
    // The figure is made once per change and read twice (its text and its size).
    let value = Memo::new(move |_| value.get());
    view! {
        <div class="card">
            <span class="card-label">{label}</span>
            // A long figure (a date) is set smaller rather than broken over two lines.
            <strong class="card-value" class:long=move || value.with(|v| v.chars().count() > LONG_FIGURE)
                    data-testid=testid>{value}</strong>
            <span class="card-detail muted">{detail}</span>
        </div>
    }
}

/// Peak and mean instances, runway, monthly cost, breach minutes and the forecast's backtest.
#[component]
pub fn SummaryCards(plan: Signal<Option<Plan>>) -> impl IntoView {
    let with =
        move |f: fn(&Plan) -> String| Signal::derive(move || plan.with(|p| p.as_ref().map(f).unwrap_or_default()));
    view! {
        <div class="cards" data-testid="summary">
            <Card label="Peak instances" testid="peak-instances"
                value=with(|p| p.replay.as_ref().map(|r| {
                    let peak = r.forecast.as_ref().map_or(r.history.summary.peak, |f| f.summary.peak.max(r.history.summary.peak));
                    format!("{peak}")
                }).unwrap_or_else(|_| "—".into()))
                detail=with(|p| p.replay.as_ref().map(|r| format!("mean {} over the history", short_num(r.history.summary.mean))).unwrap_or_default()) />
            <Card label="Runway" testid="runway"
                value=with(|p| p.replay.as_ref().map(runway_text).unwrap_or_else(|_| "—".into()))
                detail=with(|p| match p.replay.as_ref().ok().map(|r| (r.runway, r.forecast.is_some())) {
                    Some((None, true)) => format!("the forecast never needs more than {} instances", p.policy.max_instances),
                    Some((_, false)) => "needs a forecast: see Forecast below".into(),
                    _ => format!("until more than {} instances are needed", p.policy.max_instances),
                }) />
            <Card label="Cost per month" testid="cost"
                value=with(|p| match &p.replay {
                    Ok(r) if p.policy.price_per_hour > 0.0 => cost_per_month(r, p.policy.price_per_hour),
                    _ => "—".into(),
                })
                detail=with(|p| if p.policy.price_per_hour > 0.0 {
                    let over = if p.replay.as_ref().is_ok_and(|r| r.forecast.is_some()) { "forecast" } else { "history" };
                    format!("730 h at {} per instance-hour, at the {over}'s mean count", crate::components::number_field::plain(p.policy.price_per_hour))
                } else {
                    "set the price per instance-hour under Fleet".into()
                }) />
            <Card label="Breach minutes" testid="breach-minutes"
                value=with(|p| p.replay.as_ref().map(|r| thousands(r.history.summary.breach_minutes.round() as usize)).unwrap_or_else(|_| "—".into()))
                detail=Signal::derive(|| "history: a metric above its scale-up line".to_string()) />
            <Card label="Forecast score" testid="backtest-score"
                value=with(|p| p.score_text())
                detail=with(|p| p.score_detail()) />
        </div>
    }
}

/// Every scale event: time, from → to, and why.
#[component]
pub fn EventsTable(plan: Signal<Option<Plan>>) -> impl IntoView {
    // The first rows as text, and how many events there are in all: listed once the plan is
    // still (a dragged slider redraws the charts and cards at every step, the table at the end).
    let still = super::settle::quiet_after(super::settle::SETTLE_MS, move || plan.track());
    let rows = Memo::new(move |_| {
        still.track();
        plan.with_untracked(|p| {
            let Some(r) = p.as_ref().and_then(|p| p.replay.as_ref().ok()) else { return (Vec::new(), 0) };
            let phases = std::iter::once(("history", &r.history)).chain(r.forecast.iter().map(|f| ("forecast", f)));
            let total = phases.clone().map(|(_, t)| t.events.len()).sum::<usize>();
            let rows: Vec<(String, &'static str, String, String)> = phases
                .flat_map(|(phase, t)| t.events.iter().map(move |e| (phase, e)))
                .take(MAX_EVENT_ROWS)
                .map(|(phase, e)| {
                    (
                        crate::state::instant_text(e.timestamp),
                        phase,
                        format!("{} → {}", e.from, e.to),
                        e.reason.to_string(),
                    )
                })
                .collect();
            (rows, total)
        })
    });
    let total = move || rows.with(|r| r.1);
    view! {
        <section class="panel events" aria-labelledby="events-title">
            <h2 id="events-title">"Scale events"</h2>
            <Show when=move || total() == 0>
                <p class="muted">"No scale events: the policy kept the instance count steady."</p>
            </Show>
            <Show when=move || { total() > 0 }>
                <div class="table-scroll">
                    <table data-testid="events-table">
                        <thead><tr><th scope="col">"Time (UTC)"</th><th scope="col">"Phase"</th><th scope="col">"Instances"</th><th scope="col">"Reason"</th></tr></thead>
                        <tbody>
                            <For each=move || rows.with(|r| r.0.clone())
                                key=|row| row.clone()
                                let:row>
                                <tr><td class="nowrap">{row.0}</td><td class="muted">{row.1}</td><td class="nowrap">{row.2}</td><td>{row.3}</td></tr>
                            </For>
                        </tbody>
                    </table>
                </div>
                {move || (total() > MAX_EVENT_ROWS).then(|| view! {
                    <p class="muted">{format!("The first {} of {} events are listed; the chart marks every one.", MAX_EVENT_ROWS, thousands(total()))}</p>
                })}
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_reaches_a_near_max_and_then_never_has_to_grow() {
        let replay = crate::state::plan::hot_hour_replay();
        let peak = replay.history.summary.peak;
        let near = instances_chart(&replay, 1, 10, [true; 4]);
        assert!(peak <= 10 && 10 <= 4 * peak, "peak {peak}");
        assert_eq!((near.peak, near.capped), (10, true));
        let far = instances_chart(&replay, 1, 1000, [true; 4]);
        assert_eq!((far.peak, far.capped), (peak, false));
    }

    #[test]
    fn the_tooltip_gives_the_count_in_force_at_the_instant_and_the_events_there() {
        // CPU at 90 % against the seed's 75 %: the count rises from 2 within the hour.
        let replay = crate::state::plan::hot_hour_replay();
        let changes = &replay.history.changes;
        let ok = Ok(replay.clone());
        let tip = |t: i64, shown| instances_tooltip_html(t as f64, &ok, shown);
        assert!(changes.len() >= 2, "{changes:?}");
        let (t1, n1) = changes[1];
        // Just before the first change: the count before it, not the nearest point's.
        let before = tip(t1 - 1, [true; 4]);
        assert!(before.contains("history (replayed)") && before.contains(">2 instances<"), "{before}");
        assert!(!before.contains("scale event"), "{before}");
        // At the change: the new count, and the event with its reason.
        let at = tip(t1, [true; 4]);
        assert!(at.contains(&format!(">{n1} instances<")), "{at}");
        assert!(at.contains(&format!("2 → {n1}")) && at.contains("scale event: cpu"), "{at}");
        // Hidden tracks and events are left out, and so is an instant past the history.
        let hidden = tip(t1, [false, true, true, false]);
        assert!(!hidden.contains("instances<") && !hidden.contains("scale event"), "{hidden}");
        let end = tip(replay.history.end_ms, [true; 4]);
        let last = replay.history.changes.last().unwrap().1;
        assert!(end.contains(&format!(">{last} instances<")), "the count held to the end: {end}");
        let past = tip(replay.history.end_ms + 1, [true; 4]);
        assert!(!past.contains("instances<"), "{past}");
        // A policy that could not be replayed: why, at any instant.
        let refused = instances_tooltip_html(t1 as f64, &Err("max (1) is below min (2)".into()), [true; 4]);
        assert!(refused.contains("The policy could not be replayed: max (1) is below min (2)"), "{refused}");
        assert!(!refused.contains("instances<"), "{refused}");
    }
}
