//! One time range for both charts. Zooming or panning either chart (wheel, drag, its slider) shows
//! the same dates on the other, so a CPU peak and the instance count it caused stay one above the
//! other; a row of buttons (keyboard-operable, unlike the charts' sliders) shows everything, the
//! history, the forecast or the history's last week on both at once.
//!
//! The range is a context signal ([`TimeView`]); each chart reports its own zooms into it and
//! follows the ones it did not make ([`link`]). A chart redrawn with new data keeps its zoom, so a
//! dragged threshold costs no extra work here.

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::echarts;

const DAY_MS: f64 = 86_400_000.0;

/// Which control last set the range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    MetricChart,
    InstancesChart,
    Buttons,
}

/// The time range both charts show: `None` is everything; otherwise the first and last instant
/// (ms since the epoch). `preset` is the button that set it, if one did: its range follows the
/// data (a new forecast, another metric).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeView {
    pub range: Option<(f64, f64)>,
    pub source: Source,
    pub preset: Option<&'static str>,
}

impl Default for TimeView {
    fn default() -> Self {
        TimeView { range: None, source: Source::Buttons, preset: Some(EVERYTHING) }
    }
}

/// The button that shows everything.
const EVERYTHING: &str = "Everything";

/// Puts a [`TimeView`] in the context of the components below (the two charts and the buttons).
pub fn provide() -> RwSignal<TimeView> {
    let view = RwSignal::new(TimeView::default());
    provide_context(view);
    view
}

/// What the history and the forecast span, for the buttons: first and last instant of the
/// history, and the forecast's last one if there is a forecast (ms since the epoch).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spans {
    pub history: (f64, f64),
    pub forecast_end: Option<f64>,
}

/// The buttons: (label, the range it shows).
pub fn presets(spans: Spans) -> Vec<(&'static str, Option<(f64, f64)>)> {
    let (first, last) = spans.history;
    let mut out = vec![(EVERYTHING, None), ("History", Some((first, last)))];
    if let Some(end) = spans.forecast_end.filter(|&e| e > last) {
        // The forecast with a quarter of its length of history before it: where it takes over.
        out.push(("Forecast", Some(((last - (end - last) / 4.0).max(first), end))));
    }
    if last - first > 7.0 * DAY_MS {
        out.push(("Last 7 days", Some((last - 7.0 * DAY_MS, last))));
    }
    out
}

/// Keeps the chart in `node` (plot inset `left` and `right` pixels) on the shared range: its own
/// zooms are reported, the others' followed. `redrawn` is read whenever the chart is drawn anew
/// (a new chart, or new data that resets its axis); the range is applied again then.
pub fn link(node: NodeRef<Div>, me: Source, (left, right): (f64, f64), redrawn: Signal<u32>) {
    let Some(view) = use_context::<RwSignal<TimeView>>() else { return };
    let handler = StoredValue::new_local(None::<Closure<dyn FnMut()>>);
    // The redraw count the range was last applied at.
    let applied = StoredValue::new(0u32);
    Effect::new(move |_| {
        let drawn = redrawn.get();
        let now = view.get();
        let Some(el) = node.get() else { return };
        if drawn == 0 || !echarts::drawn(&el) {
            return;
        }
        if handler.with_value(Option::is_none) {
            let on_zoom = Closure::<dyn FnMut()>::new(move || {
                if let Some(el) = node.get_untracked() {
                    if let Some(range) = echarts::x_range(&el, left, right) {
                        view.set(TimeView { range: Some(range), source: me, preset: None });
                    }
                }
            });
            if echarts::on_zoom(&el, on_zoom.as_ref().unchecked_ref()) {
                handler.set_value(Some(on_zoom));
            }
        }
        // A chart shows what it reported itself, unless it was drawn anew since.
        if now.source != me || applied.get_value() != drawn {
            applied.set_value(drawn);
            let _ = echarts::zoom_to(&el, now.range);
        }
    });
}

/// The row of buttons that set both charts' range.
#[component]
pub fn TimeRangeButtons(spans: Signal<Option<Spans>>) -> impl IntoView {
    // Without the shared range (see [`provide`]) there is nothing for buttons to set: none are shown.
    let Some(view) = use_context::<RwSignal<TimeView>>() else { return ().into_any() };
    let buttons = Memo::new(move |_| spans.get().map(presets).unwrap_or_default());
    // A button's range follows the data it was pressed for (a new forecast, another metric); a
    // range zoomed by hand that the new data does not reach falls back to everything.
    Effect::new(move |_| {
        let now = buttons.get();
        let (range, preset) = view.with_untracked(|v| (v.range, v.preset));
        let (label, range) = match preset {
            // A button gone with its data (no forecast any more): everything.
            Some(label) => now.iter().find(|b| b.0 == label).copied().unwrap_or((EVERYTHING, None)),
            None => match (range, spans.get_untracked()) {
                (Some((a, b)), Some(s)) if b < s.history.0 || a > s.forecast_end.unwrap_or(s.history.1) => {
                    (EVERYTHING, None)
                }
                _ => return,
            },
        };
        if view.with_untracked(|v| v.range != range || v.preset != Some(label)) {
            view.set(TimeView { range, source: Source::Buttons, preset: Some(label) });
        }
    });
    view! {
        <div class="time-range" role="group" aria-label="Time range shown on both charts" data-testid="time-range">
            <span class="muted">"Show"</span>
            {move || buttons.get().into_iter().map(|(label, range)| {
                let pressed = move || view.with(|v| v.preset == Some(label));
                view! {
                    <button type="button" class="tab" aria-pressed=move || pressed().to_string()
                            on:click=move |_| view.set(TimeView { range, source: Source::Buttons, preset: Some(label) })>{label}</button>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_cover_history_forecast_and_last_week() {
        let day = DAY_MS;
        let spans = Spans { history: (0.0, 14.0 * day), forecast_end: Some(18.0 * day) };
        let p = presets(spans);
        assert_eq!(p[0], (EVERYTHING, None));
        assert_eq!(p[1], ("History", Some((0.0, 14.0 * day))));
        assert_eq!(p[2], ("Forecast", Some((13.0 * day, 18.0 * day))));
        assert_eq!(p[3], ("Last 7 days", Some((7.0 * day, 14.0 * day))));
        // No forecast, and a history of less than a week: neither button.
        let short = presets(Spans { history: (0.0, 3.0 * day), forecast_end: None });
        assert_eq!(short.iter().map(|p| p.0).collect::<Vec<_>>(), ["Everything", "History"]);
    }
}
