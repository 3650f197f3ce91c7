//! A thin binding to the vendored Apache ECharts bundle (`window.echarts`, loaded by index.html).
//!
//! Options are built with charming's typed model and serialised here, so that Headroom controls
//! what charming's renderer does not expose: UTC display (timestamps are UTC throughout Headroom),
//! the dark theme, and instances bound to an element rather than an id. Every call that can throw
//! in JavaScript is caught and returned as an error, never a panic.

use charming::Chart;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// An ECharts instance bound to one element.
    pub type Instance;

    #[wasm_bindgen(catch, js_namespace = echarts, js_name = init)]
    fn init(el: &web_sys::Element, theme: JsValue) -> Result<Instance, JsValue>;

    #[wasm_bindgen(catch, js_namespace = echarts, js_name = getInstanceByDom)]
    fn get_instance_by_dom(el: &web_sys::Element) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = setOption)]
    fn set_option(this: &Instance, option: &JsValue, not_merge: bool) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch, js_name = setOption)]
    fn set_option_with(this: &Instance, option: &JsValue, opts: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch)]
    fn resize(this: &Instance) -> Result<(), JsValue>;

    #[wasm_bindgen(method, js_name = getHeight)]
    fn get_height(this: &Instance) -> f64;

    #[wasm_bindgen(method, catch, js_name = getDataURL)]
    fn get_data_url(this: &Instance, opts: &JsValue) -> Result<String, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn dispose(this: &Instance) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch, js_name = convertToPixel)]
    fn convert_to_pixel(this: &Instance, finder: &JsValue, value: f64) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn on(this: &Instance, event: &str, handler: &js_sys::Function) -> Result<(), JsValue>;

    #[wasm_bindgen(method, js_name = getWidth)]
    fn get_width(this: &Instance) -> f64;

    #[wasm_bindgen(method, catch, js_name = convertFromPixel)]
    fn convert_from_pixel(this: &Instance, finder: &JsValue, value: f64) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = dispatchAction)]
    fn dispatch_action(this: &Instance, action: &JsValue, opts: &JsValue) -> Result<(), JsValue>;
}

/// The plot area's margins in the workbench's two charts, in pixels: left, right, top, bottom.
/// One value for both, so that their time axes line up one above the other (and the metric chart's
/// lines overlay and the shared time range read the plot's edges from it).
pub const GRID: (i32, i32, i32, i32) = (56, 24, 30, 64);
/// The plot's top margin while a chart is saved as PNG with its legend drawn above the plot.
pub const GRID_TOP_WITH_LEGEND: i32 = 40;

/// The plot's left and right margins ([`GRID`]) as pixels for [`x_range`].
pub fn plot_inset() -> (f64, f64) {
    (f64::from(GRID.0), f64::from(GRID.1))
}

fn instance(el: &web_sys::Element) -> Option<Instance> {
    get_instance_by_dom(el).ok().filter(JsValue::is_object).map(JsCast::unchecked_into)
}

/// Where `value` on the first value axis of the chart in `el` is, in pixels from the chart's top
/// (None before the chart is drawn).
pub fn y_pixel(el: &web_sys::Element, value: f64) -> Option<f64> {
    let finder = js_sys::Object::new();
    js_sys::Reflect::set(&finder, &"yAxisIndex".into(), &0.into()).ok()?;
    instance(el)?.convert_to_pixel(&finder, value).ok()?.as_f64().filter(|y| y.is_finite())
}

/// The dates (ms since the epoch) at the left and right edges of the plot of the chart in `el`,
/// whose plot is inset `left` and `right` pixels from the chart's sides: the time range in view,
/// however it was zoomed. None before the chart is drawn.
pub fn x_range(el: &web_sys::Element, left: f64, right: f64) -> Option<(f64, f64)> {
    let inst = instance(el)?;
    let finder = js_sys::Object::new();
    js_sys::Reflect::set(&finder, &"xAxisIndex".into(), &0.into()).ok()?;
    let at = |px: f64| inst.convert_from_pixel(&finder, px).ok()?.as_f64().filter(|v| v.is_finite());
    let (a, b) = (at(left)?, at(inst.get_width() - right)?);
    (a < b).then_some((a, b))
}

/// The chart in `el`'s size (width, height) and where its plot is ([`GRID`]) and what its edges
/// stand for: the instants at its left and right edges as zoomed now, and the pixel rows of the
/// values 0 and 1 on its value axis. None before the chart is drawn.
pub fn frame(el: &web_sys::Element) -> Option<(f64, f64, super::tracks::Frame)> {
    let inst = instance(el)?;
    let (w, h) = (inst.get_width(), inst.get_height());
    let (left, right) = plot_inset();
    let (t0, t1) = x_range(el, left, right)?;
    let frame = super::tracks::Frame {
        left,
        right: w - right,
        top: f64::from(GRID.2),
        bottom: h - f64::from(GRID.3),
        t0,
        t1,
        y0: y_pixel(el, 0.0)?,
        y1: y_pixel(el, 1.0)?,
    };
    Some((w, h, frame))
}

/// Zooms the time axis of the chart in `el` to `range` (ms since the epoch; None: everything),
/// without the chart reporting it as a zoom of its own (no `datazoom` event).
pub fn zoom_to(el: &web_sys::Element, range: Option<(f64, f64)>) -> Result<(), String> {
    let Some(inst) = instance(el) else { return Ok(()) };
    let action = match range {
        Some((a, b)) => serde_json::json!({"type": "dataZoom", "startValue": a, "endValue": b}),
        None => serde_json::json!({"type": "dataZoom", "start": 0, "end": 100}),
    };
    dispatch_silently(&inst, &action)
}

/// Dispatches `action` to `inst` without the chart reporting it as an event.
fn dispatch_silently(inst: &Instance, action: &serde_json::Value) -> Result<(), String> {
    let action = action.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| e.to_string())?;
    let opts = js_sys::Object::new();
    js_sys::Reflect::set(&opts, &"silent".into(), &JsValue::TRUE).map_err(js_error)?;
    inst.dispatch_action(&action, &opts).map_err(js_error)
}

/// Shows or hides the series named `name` of the chart in `el` (its legend's selection, kept
/// across redraws), without the chart reporting it as an event.
pub fn show_series(el: &web_sys::Element, name: &str, shown: bool) -> Result<(), String> {
    let Some(inst) = instance(el) else { return Ok(()) };
    let kind = if shown { "legendSelect" } else { "legendUnSelect" };
    let action = serde_json::json!({"type": kind, "name": name});
    dispatch_silently(&inst, &action)
}

/// Calls `handler` each time the user zooms or pans the chart in `el` (wheel, drag, its slider).
/// `handler` must live as long as the chart. False if there is no chart yet.
pub fn on_zoom(el: &web_sys::Element, handler: &js_sys::Function) -> bool {
    instance(el).is_some_and(|i| i.on("datazoom", handler).is_ok())
}

/// Whether `el` holds a chart.
pub fn drawn(el: &web_sys::Element) -> bool {
    instance(el).is_some()
}

/// The height of the chart in `el` in pixels, as the chart last measured it (reading it does not
/// make the browser lay the page out again, as reading the element's own height would).
pub fn height(el: &web_sys::Element) -> Option<f64> {
    instance(el).map(|i| i.get_height()).filter(|h| h.is_finite())
}

/// Calls `handler` each time the chart in `el` has finished drawing (after a redraw, a zoom or a
/// resize). `handler` must live as long as the chart. False if there is no chart yet.
pub fn on_finished(el: &web_sys::Element, handler: &js_sys::Function) -> bool {
    instance(el).is_some_and(|i| i.on("finished", handler).is_ok())
}

/// One series at the instant under the pointer, as an axis tooltip gets it: the series' id and
/// name, the library's coloured dot (HTML) and the value (the second of the point's two).
#[derive(Clone, Debug, PartialEq)]
pub struct TipParam {
    pub id: String,
    pub name: String,
    pub marker: String,
    pub value: Option<f64>,
}

/// A tooltip formatter for the chart library: `format(instant, series)` gives the tooltip's HTML.
/// Keep it as long as the chart (see [`set_tooltip_formatter`]).
pub fn tooltip_formatter(
    format: impl Fn(f64, Vec<TipParam>) -> String + 'static,
) -> Closure<dyn Fn(JsValue) -> JsValue> {
    Closure::new(move |params: JsValue| {
        let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).ok().filter(|v| !v.is_undefined());
        let text = |o: &JsValue, k: &str| get(o, k).and_then(|v| v.as_string()).unwrap_or_default();
        let list: Vec<JsValue> =
            if js_sys::Array::is_array(&params) { js_sys::Array::from(&params).iter().collect() } else { vec![params] };
        let time = list.first().and_then(|p| get(p, "axisValue")).and_then(|v| v.as_f64()).unwrap_or(f64::NAN);
        let items = list
            .iter()
            .map(|p| TipParam {
                id: text(p, "seriesId"),
                name: text(p, "seriesName"),
                marker: text(p, "marker"),
                value: get(p, "value").and_then(|v| {
                    if js_sys::Array::is_array(&v) {
                        js_sys::Array::from(&v).get(1).as_f64()
                    } else {
                        v.as_f64()
                    }
                }),
            })
            .collect();
        JsValue::from_str(&format(time, items))
    })
}

/// Gives the chart in `el` its tooltip's formatter. Later updates merge the tooltip, so it stays
/// until the chart is made anew.
pub fn set_tooltip_formatter(el: &web_sys::Element, formatter: &js_sys::Function) -> Result<(), String> {
    let Some(inst) = instance(el) else { return Ok(()) };
    let tooltip = js_sys::Object::new();
    js_sys::Reflect::set(&tooltip, &"formatter".into(), formatter).map_err(js_error)?;
    let option = js_sys::Object::new();
    js_sys::Reflect::set(&option, &"tooltip".into(), &tooltip).map_err(js_error)?;
    inst.set_option(&option, false).map_err(js_error)
}

/// Whether the chart library loaded.
pub fn available() -> bool {
    web_sys::window().is_some_and(|w| js_sys::Reflect::get(&w, &"echarts".into()).is_ok_and(|e| e.is_object()))
}

/// Whether the page is in the dark theme (`prefers-color-scheme`).
pub fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

fn js_error(e: JsValue) -> String {
    e.as_string()
        .or_else(|| js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string()))
        .unwrap_or_else(|| format!("{e:?}"))
}

/// The JavaScript option object for `chart`, shown in UTC on a transparent background.
pub fn option(chart: &Chart) -> Result<JsValue, String> {
    option_from_json(&serde_json::to_string(chart).map_err(|e| e.to_string())?)
}

/// The JavaScript option object for a chart given as JSON (a charming `Chart` serialised, possibly
/// with settings charming does not have), shown in UTC on a transparent background.
pub fn option_from_json(json: &str) -> Result<JsValue, String> {
    // As JSON text parsed by the browser: one call across to JavaScript instead of one per value
    // (several times faster for thousands of points).
    let value = js_sys::JSON::parse(json).map_err(js_error)?;
    let set = |k: &str, v: JsValue| js_sys::Reflect::set(&value, &k.into(), &v).map_err(js_error);
    set("useUTC", JsValue::TRUE)?;
    set("backgroundColor", "transparent".into())?;
    Ok(value)
}

/// Draws `chart` into `el`, reusing the element's instance if it has one. The whole option is
/// replaced (`notMerge`), so a series that disappeared does not linger.
pub fn render(el: &web_sys::Element, chart: &Chart) -> Result<Instance, String> {
    let existing = get_instance_by_dom(el).map_err(js_error)?;
    let inst: Instance = if existing.is_object() {
        existing.unchecked_into()
    } else {
        let theme = if prefers_dark() { JsValue::from_str("dark") } else { JsValue::NULL };
        init(el, theme).map_err(js_error)?
    };
    inst.set_option(&option(chart)?, true).map_err(js_error)?;
    Ok(inst)
}

/// Draws `chart` into `el` keeping what the user did to the chart (zoom, hidden legend entries):
/// the series are replaced, everything else merged. For redraws of a chart already shown.
pub fn update(el: &web_sys::Element, chart: &Chart) -> Result<Instance, String> {
    update_option(el, &option(chart)?)
}

/// [`update`] with the chart as a JSON value without its points, and the points of each series,
/// flat (`[x0, y0, x1, y1, …]`) by series id: they go to the chart as `Float64Array`s, which
/// ECharts takes as they are (plain arrays it copies, point by point, at every update).
pub fn update_with_data(
    el: &web_sys::Element,
    option: &serde_json::Value,
    data: &[(&str, Vec<f64>)],
) -> Result<Instance, String> {
    let option = timed("headroom:option", || -> Result<JsValue, String> {
        let value = option_from_json(&option.to_string())?;
        let series = js_sys::Reflect::get(&value, &"series".into()).map_err(js_error)?;
        for s in js_sys::Array::from(&series).iter() {
            let id = js_sys::Reflect::get(&s, &"id".into()).ok().and_then(|id| id.as_string());
            if let Some((_, points)) = data.iter().find(|(k, _)| Some(*k) == id.as_deref()) {
                let typed = js_sys::Float64Array::from(&points[..]);
                js_sys::Reflect::set(&s, &"data".into(), &typed).map_err(js_error)?;
                // A typed array's points are flat: ECharts needs to be told there are two values each.
                let dimensions = js_sys::Array::of2(&"x".into(), &"y".into());
                js_sys::Reflect::set(&s, &"dimensions".into(), &dimensions).map_err(js_error)?;
            }
        }
        Ok(value)
    })?;
    update_option(el, &option)
}

fn update_option(el: &web_sys::Element, option: &JsValue) -> Result<Instance, String> {
    // Series keep their ids from one draw to the next, so ECharts updates their views in place.
    let existing = get_instance_by_dom(el).map_err(js_error)?;
    let inst: Instance = if existing.is_object() {
        existing.unchecked_into()
    } else {
        let dark = prefers_dark();
        let theme = if dark { JsValue::from_str("dark") } else { JsValue::NULL };
        let inst = init(el, theme).map_err(js_error)?;
        inst.set_option(option, true).map_err(js_error)?;
        if dark {
            // The dark theme leaves the tooltip light; later updates merge the tooltip and keep this.
            let style = option_from_json(
                r##"{"tooltip": {"backgroundColor": "#23262d", "borderColor": "#3c414b", "textStyle": {"color": "#e4e6ea"}}}"##,
            )?;
            inst.set_option(&style, false).map_err(js_error)?;
        }
        return Ok(inst);
    };
    set_replacing(&inst, option, &["series"])?;
    Ok(inst)
}

/// Sets `option` on `inst`, the components named in `replace` replaced (ones missing from
/// `option` removed), everything else merged.
fn set_replacing(inst: &Instance, option: &JsValue, replace: &[&str]) -> Result<(), String> {
    let opts = js_sys::Object::new();
    let names: js_sys::Array = replace.iter().map(|r| JsValue::from_str(r)).collect();
    js_sys::Reflect::set(&opts, &"replaceMerge".into(), &names).map_err(js_error)?;
    inst.set_option_with(option, &opts).map_err(js_error)
}

/// Merges a small option object (e.g. one series' mark lines, matched by series `id`) into the
/// chart in `el`, leaving its data untouched: the cheap redraw while a slider is dragged.
pub fn patch(el: &web_sys::Element, patch: &serde_json::Value) -> Result<(), String> {
    let existing = get_instance_by_dom(el).map_err(js_error)?;
    if !existing.is_object() {
        return Ok(());
    }
    let value = patch.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| e.to_string())?;
    existing.unchecked_into::<Instance>().set_option(&value, false).map_err(js_error)
}

/// [`patch`], with the components named in `replace` replaced rather than merged (an empty list
/// removes them).
pub fn patch_replacing(el: &web_sys::Element, patch: &serde_json::Value, replace: &[&str]) -> Result<(), String> {
    let Some(inst) = instance(el) else { return Ok(()) };
    let value = patch.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| e.to_string())?;
    set_replacing(&inst, &value, replace)
}

/// Resizes the chart in `el` to its element, if there is one.
pub fn resize(el: &web_sys::Element) {
    if let Ok(inst) = get_instance_by_dom(el) {
        if inst.is_object() {
            let _ = inst.unchecked_into::<Instance>().resize();
        }
    }
}

/// Frees the chart in `el`, if there is one.
pub fn dispose(el: &web_sys::Element) {
    if let Ok(inst) = get_instance_by_dom(el) {
        if inst.is_object() {
            let _ = inst.unchecked_into::<Instance>().dispose();
        }
    }
}

/// Keeps the chart in `node` sized to its element while the component lives, and frees it when
/// the component goes. Every chart component calls this once.
pub fn manage(node: leptos::prelude::NodeRef<leptos::html::Div>) {
    use leptos::prelude::*;
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        if let Some(el) = node.get_untracked() {
            self::resize(&el);
        }
    });
    on_cleanup(move || {
        resize.remove();
        if let Some(el) = node.get_untracked() {
            dispose(&el);
        }
    });
}

/// What a chart shows instead of itself: that the library did not load, or the error drawing it.
pub fn status(
    available: bool,
    error: leptos::prelude::RwSignal<Option<String>>,
    missing: &'static str,
) -> impl leptos::prelude::IntoView {
    use leptos::prelude::*;
    view! {
        {(!available).then(|| view! { <p class="chart-missing">{missing}</p> })}
        {move || error.get().map(|e| view! { <p class="chart-missing">{e}</p> })}
    }
}

/// Runs `f`, recorded as the User Timing measure `name` (seen in DevTools' performance panel; the
/// workbench benchmark reads them).
pub fn timed<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let perf = web_sys::window().and_then(|w| w.performance());
    let start = format!("{name}-start");
    if let Some(p) = &perf {
        let _ = p.mark(&start);
    }
    let out = f();
    if let Some(p) = &perf {
        let _ = p.measure_with_start_mark(name, &start);
        p.clear_marks_with_mark_name(&start);
    }
    out
}

/// The chart in `el` as a PNG `data:` URL (twice the screen's pixels, on the page's background).
pub fn png(el: &web_sys::Element) -> Result<String, String> {
    let inst = get_instance_by_dom(el).map_err(js_error)?;
    if !inst.is_object() {
        return Err("the chart is not drawn yet".into());
    }
    let background = if prefers_dark() { "#1e2228" } else { "#ffffff" };
    let opts = serde_json::json!({"type": "png", "pixelRatio": 2, "backgroundColor": background});
    let opts = opts.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| e.to_string())?;
    inst.unchecked_into::<Instance>().get_data_url(&opts).map_err(js_error)
}
