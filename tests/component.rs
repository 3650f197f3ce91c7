//! Component tests of the app in headless Chromium (wasm-bindgen-test). Run by scripts/test.sh as
//! `cargo test -p headroom --target wasm32-unknown-unknown` with wasm-bindgen-test-runner.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use headroom::components::file_view::SeriesCard;
use headroom::state::{ingest, SAMPLE_FILE};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SAMPLE: &[u8] = include_bytes!("../public/sample/ec2_cpu_utilization_5f5533.csv");

/// Loads the vendored ECharts bundle into the test page, as index.html does for the app.
fn load_echarts() {
    let window = web_sys::window().unwrap();
    if js_sys::Reflect::get(&window, &"echarts".into()).unwrap().is_object() {
        return;
    }
    let src = include_str!("../public/vendor/echarts-5.5.1.min.js");
    js_sys::Function::new_no_args(src).call0(&window).unwrap();
}

/// A fresh container in the test page to mount into.
fn container() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

/// Forgets what an earlier test's app kept in this browser (files and settings), so each app test
/// starts as a first visit does.
async fn forget_kept_work() {
    if let Ok(Some(s)) = web_sys::window().unwrap().local_storage() {
        s.clear().unwrap();
    }
    headroom::persist::FileStore::open().await.unwrap().clear().await.unwrap();
}

async fn settle() {
    gloo::timers::future::sleep(Duration::from_millis(50)).await;
}

fn text(root: &web_sys::HtmlElement, css: &str) -> String {
    root.query_selector(css).unwrap().unwrap_or_else(|| panic!("{css} not found")).text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn series_card_shows_name_points_span_and_a_chart_of_every_point() {
    load_echarts();
    let file = std::sync::Arc::new(ingest(SAMPLE_FILE, SAMPLE).unwrap());
    let root = container();
    let _handle = leptos::mount::mount_to(root.clone(), move || view! { <SeriesCard file=file.clone() index=0 /> });
    settle().await;
    assert_eq!(text(&root, "[data-testid=series-name]"), "ec2_cpu_utilization_5f5533");
    assert_eq!(text(&root, "[data-testid=series-points]"), "4,032 points");
    assert!(text(&root, "[data-testid=series-span]").contains("every 5 min"));
    let chart = root.query_selector("[data-testid=file-series-chart]").unwrap().unwrap();
    let echarts = js_sys::Reflect::get(&web_sys::window().unwrap(), &"echarts".into()).unwrap();
    let get: js_sys::Function = js_sys::Reflect::get(&echarts, &"getInstanceByDom".into()).unwrap().unchecked_into();
    let inst = get.call1(&echarts, &chart).unwrap();
    assert!(inst.is_object(), "an ECharts instance is bound to the chart element");
    let opt = js_sys::Reflect::get(&inst, &"getOption".into())
        .unwrap()
        .unchecked_into::<js_sys::Function>()
        .call0(&inst)
        .unwrap();
    let len = js_sys::eval("(o) => o.series[0].data.length")
        .unwrap()
        .unchecked_into::<js_sys::Function>()
        .call1(&wasm_bindgen::JsValue::NULL, &opt)
        .unwrap();
    assert_eq!(len.as_f64(), Some(4032.0));
}

#[wasm_bindgen_test]
async fn app_reports_a_file_that_is_not_a_time_series_and_keeps_working() {
    load_echarts();
    let root = container();
    forget_kept_work().await;
    let _handle = leptos::mount::mount_to(root.clone(), headroom::App);
    // Once the kept files have been looked for (IndexedDB: slower on a busy machine), the empty
    // state says what to do.
    let mut t = String::new();
    for _ in 0..100 {
        settle().await;
        t = text(&root, "[data-testid=empty-state]");
        if t.contains("Try sample data") {
            break;
        }
    }
    assert!(t.contains("Try sample data"), "empty state: {t:?}");

    let drop = |name: &str, body: &str| {
        let parts = js_sys::Array::of1(&body.into());
        let file = web_sys::File::new_with_str_sequence(&parts, name).unwrap();
        let dt = web_sys::DataTransfer::new().unwrap();
        dt.items().add_with_file(&file).unwrap();
        let init = web_sys::DragEventInit::new();
        init.set_bubbles(true);
        init.set_cancelable(true);
        init.set_data_transfer(Some(&dt));
        let ev = web_sys::DragEvent::new_with_event_init_dict("drop", &init).unwrap();
        root.query_selector("[data-testid=drop-zone]").unwrap().unwrap().dispatch_event(&ev).unwrap();
    };
    drop("bad.csv", "name,age\nann,31\n");
    let mut banner = None;
    for _ in 0..100 {
        settle().await;
        if let Some(el) = root.query_selector("[data-testid=error-banner]").unwrap() {
            banner = el.text_content();
            break;
        }
    }
    let banner = banner.expect("an error banner");
    assert!(banner.contains("bad.csv: not a time series: no column holds timestamps"), "{banner}");

    drop("cpu.csv", "timestamp,value\n2024-01-01 00:00:00,10\n2024-01-01 00:05:00,20\n");
    let mut name = None;
    for _ in 0..100 {
        settle().await;
        if let Some(el) = root.query_selector("[data-testid=series-name]").unwrap() {
            name = el.text_content();
            break;
        }
    }
    assert_eq!(name.as_deref(), Some("cpu"));
    assert_eq!(text(&root, "[data-testid=series-points]"), "2 points");
    // The test page has no worker script: parsing fell back to the main thread and still worked.
    let parser =
        web_sys::window().unwrap().document().unwrap().document_element().unwrap().get_attribute("data-parser");
    assert_eq!(parser.as_deref(), Some("main-thread"));
    // The CPU metric is fed by the file's only series.
    let select: web_sys::HtmlSelectElement =
        root.query_selector("[data-testid=map-cpu]").unwrap().unwrap().unchecked_into();
    assert_eq!(select.value(), "cpu.csv › cpu");
    // A successful load clears the previous error.
    assert!(root.query_selector("[data-testid=error-banner]").unwrap().is_none());
}

/// Sets an input's value and fires `input`, as typing does.
fn type_value(root: &web_sys::HtmlElement, css: &str, value: &str) {
    let input: web_sys::HtmlInputElement = root.query_selector(css).unwrap().unwrap().unchecked_into();
    input.set_value(value);
    input
        .dispatch_event(
            &web_sys::Event::new_with_event_init_dict("input", &{
                let init = web_sys::EventInit::new();
                init.set_bubbles(true);
                init
            })
            .unwrap(),
        )
        .unwrap();
}

/// The policy panel mounted alone on the seed policy: the policy, the panel's root, and the mount
/// (unmounted when dropped).
async fn policy_panel() -> (RwSignal<headroom_core::capacity::policy::Policy>, web_sys::HtmlElement, impl Sized) {
    use headroom::components::policy_panel::PolicyPanel;
    let policy = RwSignal::new(headroom::state::plan::default_policy());
    let root = container();
    let handle = leptos::mount::mount_to(root.clone(), move || view! { <PolicyPanel policy /> });
    settle().await;
    (policy, root, handle)
}

/// Picks policy kind `kind` in the policy panel under `root`, as the select does.
async fn choose_kind(root: &web_sys::HtmlElement, kind: &str) {
    let select: web_sys::HtmlSelectElement =
        root.query_selector("[data-testid=policy-kind]").unwrap().unwrap().unchecked_into();
    select.set_value(kind);
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    settle().await;
}

#[wasm_bindgen_test]
async fn policy_panel_edits_the_policy_and_refuses_out_of_range_numbers_with_a_message() {
    use headroom_core::capacity::policy::Scaler;
    let (policy, root, _handle) = policy_panel().await;
    // The seed policy: thresholds, CPU 75 %.
    let cpu: web_sys::HtmlInputElement =
        root.query_selector("[data-testid=threshold-cpu]").unwrap().unwrap().unchecked_into();
    assert_eq!(cpu.value(), "75");
    type_value(&root, "[data-testid=threshold-cpu]", "60");
    settle().await;
    // The scale-up threshold of each metric the policy uses: (CPU, memory).
    let up = |p: &headroom_core::capacity::policy::Policy| match &p.scaler {
        Scaler::Threshold(t) => (t.cpu.map(|r| r.scale_up), t.memory.map(|r| r.scale_up)),
        _ => (None, None),
    };
    assert_eq!(policy.with_untracked(up), (Some(60.0), Some(80.0)));
    // Above 100 % is refused where it is typed; the policy keeps the last good value.
    type_value(&root, "[data-testid=threshold-cpu]", "140");
    settle().await;
    assert_eq!(policy.with_untracked(up), (Some(60.0), Some(80.0)));
    assert!(text(&root, ".field.invalid .field-error").contains("at most 100%"));
    // Another threshold moved meanwhile (its slider dragged) applies, and leaves what was typed
    // here, and why it was refused, as they were.
    type_value(&root, ".field-inputs:has([data-testid=threshold-memory]) .field-slider", "70");
    settle().await;
    assert_eq!(policy.with_untracked(up), (Some(60.0), Some(70.0)));
    assert_eq!(cpu.value(), "140");
    assert!(text(&root, ".field.invalid .field-error").contains("at most 100%"));
    // A response time from 10 ms to a minute slides on a log scale: 2 s sits mid-slider, and
    // the slider says the value with its unit; a position dragged to is a value in seconds.
    let latency = headroom::components::number_field::Range::new(0.01, 60.0, 0.01);
    let latency_slider = ".field-inputs:has([data-testid=threshold-latency]) .field-slider";
    let slider: web_sys::HtmlInputElement = root.query_selector(latency_slider).unwrap().unwrap().unchecked_into();
    let position = headroom::components::number_field::log_position(2.0, latency);
    assert_eq!(slider.value(), format!("{position}"));
    assert_eq!(slider.get_attribute("aria-valuetext").as_deref(), Some("2 s"));
    type_value(&root, latency_slider, &format!("{}", position + 40.0));
    settle().await;
    let rt = |p: &headroom_core::capacity::policy::Policy| match &p.scaler {
        Scaler::Threshold(t) => t.response_time.map(|r| r.scale_up),
        _ => None,
    };
    let dragged = headroom::components::number_field::log_value(position + 40.0, latency);
    assert!(dragged > 2.5 && dragged < 4.0, "{dragged}");
    assert_eq!(policy.with_untracked(rt), Some(dragged));
    let number: web_sys::HtmlInputElement =
        root.query_selector("[data-testid=threshold-latency]").unwrap().unwrap().unchecked_into();
    assert_eq!(number.value(), headroom::components::number_field::plain(dragged));
    // Switching the kind keeps the CPU figure as the HPA's target.
    choose_kind(&root, "hpa").await;
    assert!(matches!(policy.with_untracked(|p| p.scaler.clone()), Scaler::Hpa(h) if h.metrics[0].value == 60.0));
    assert!(root.query_selector("[data-testid=hpa-cpu]").unwrap().is_some());
}

#[wasm_bindgen_test]
async fn forecast_controls_choose_a_longer_step_and_say_what_its_max_plans_for() {
    use headroom::components::forecast_panel::{ForecastControls, ForecastSettings, ForecastStep};
    use headroom_core::resample::Aggregation;
    let settings = RwSignal::new(ForecastSettings::default());
    let root = container();
    let _handle = leptos::mount::mount_to(root.clone(), move || view! { <ForecastControls settings /> });
    settle().await;
    assert!(text(&root, "[data-testid=aggregation-hint]").contains("choose a longer step"));
    let choose = |testid: &str, value: &str| {
        let select: web_sys::HtmlSelectElement =
            root.query_selector(&format!("[data-testid={testid}]")).unwrap().unwrap().unchecked_into();
        select.set_value(value);
        select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    };
    choose("forecast-step", "1h");
    choose("forecast-aggregation", "max");
    settle().await;
    let now = settings.get_untracked();
    assert_eq!((now.step, now.aggregation), (ForecastStep::Hour, Aggregation::Max));
    assert_eq!(now.step.ms(), Some(3_600_000));
    let hint = text(&root, "[data-testid=aggregation-hint]");
    assert!(hint.contains("the max of each hour") && hint.contains("holds that value"), "{hint}");
    // The selects show the settings as they are (as after a reload of kept work).
    settings.update(|s| s.step = ForecastStep::Day);
    settle().await;
    let step: web_sys::HtmlSelectElement =
        root.query_selector("[data-testid=forecast-step]").unwrap().unwrap().unchecked_into();
    assert_eq!(step.value(), "1d");
    assert!(text(&root, "[data-testid=aggregation-hint]").contains("each day"));
}

#[wasm_bindgen_test]
async fn policy_panel_says_why_a_value_is_refused_and_brings_a_kind_back_as_it_was_left() {
    use headroom_core::capacity::policy::Scaler;
    let (policy, root, _handle) = policy_panel().await;
    let down = |p: &headroom_core::capacity::policy::Policy| match &p.scaler {
        Scaler::Threshold(t) => t.cpu.map(|r| r.scale_down()),
        _ => None,
    };
    // A scale-down line at or above the scale-up line is refused with the reason, not rewritten.
    type_value(&root, "[data-testid=threshold-cpu-down]", "80");
    settle().await;
    assert_eq!(policy.with_untracked(down), Some(37.5));
    assert!(text(&root, ".field.invalid .field-error").contains("below the scale-up threshold (75%)"));
    type_value(&root, "[data-testid=threshold-cpu-down]", "30");
    settle().await;
    assert_eq!(policy.with_untracked(down), Some(30.0));
    // Its slider is held to the same rule: dragged above the scale-up line it applies nothing and
    // says why; let go there, it goes back to the line in force (and the message goes). Back
    // below, it applies again.
    let slider_css = ".field-inputs:has([data-testid=threshold-cpu-down]) .field-slider";
    type_value(&root, slider_css, "80");
    settle().await;
    assert_eq!(policy.with_untracked(down), Some(30.0));
    assert!(text(&root, ".field.invalid .field-error").contains("below the scale-up threshold (75%)"));
    let slider: web_sys::HtmlInputElement = root.query_selector(slider_css).unwrap().unwrap().unchecked_into();
    slider.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    settle().await;
    assert_eq!(slider.value(), "30");
    assert!(root.query_selector(".field.invalid").unwrap().is_none(), "back at 30: nothing is wrong now");
    type_value(&root, slider_css, "25");
    settle().await;
    assert_eq!(policy.with_untracked(down), Some(25.0));
    assert!(root.query_selector(".field.invalid").unwrap().is_none());
    type_value(&root, "[data-testid=threshold-cpu-down]", "30");
    settle().await;
    // Min above Max, or Max below Min, is refused with what to do instead.
    type_value(&root, "[data-testid=max-instances]", "3");
    type_value(&root, "[data-testid=min-instances]", "5");
    settle().await;
    assert_eq!(policy.with_untracked(|p| (p.min_instances, p.max_instances)), (1, 3));
    assert!(text(&root, ".field.invalid .field-error").contains("above Max (3): raise Max first"));
    // Away to HPA and back: the thresholds come back as they were set.
    for k in ["hpa", "threshold"] {
        choose_kind(&root, k).await;
    }
    assert_eq!(policy.with_untracked(down), Some(30.0));
}

#[wasm_bindgen_test]
async fn aws_request_targets_are_entered_per_minute_as_aws_counts_them() {
    use headroom_core::capacity::policy::{Scaler, TrackingMetric};
    let (policy, root, _handle) = policy_panel().await;
    choose_kind(&root, "target_tracking").await;
    let used: web_sys::HtmlInputElement =
        root.query_selector("[data-testid=use-tt-requests]").unwrap().unwrap().unchecked_into();
    if !used.checked() {
        used.click();
        settle().await;
    }
    // ALBRequestCountPerTarget is a count per target per minute: the field says so, and what is
    // typed is what the policy (and its AWS export) holds.
    let unit = text(&root, ".field-inputs:has([data-testid=tt-requests]) .field-unit");
    assert_eq!(unit, "req/min per instance");
    type_value(&root, "[data-testid=tt-requests]", "600");
    settle().await;
    let target = policy.with_untracked(|p| match &p.scaler {
        Scaler::TargetTracking(t) => {
            t.policies.iter().find(|x| x.metric == TrackingMetric::RequestCountPerTarget).map(|x| x.target)
        }
        _ => None,
    });
    assert_eq!(target, Some(600.0));
}

/// Mounts the app as a first visit and drops the sample file on it; returns the peak it shows,
/// and the app (unmounted when dropped). The test runner serves no sample: the same file is
/// dropped instead. No worker script is served either, so parsing and fitting fall back to the
/// main thread.
async fn app_with_the_sample(root: &web_sys::HtmlElement) -> (u32, impl Sized) {
    load_echarts();
    forget_kept_work().await;
    let handle = leptos::mount::mount_to(root.clone(), headroom::App);
    settle().await;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(SAMPLE));
    let file = web_sys::File::new_with_u8_array_sequence(&parts, SAMPLE_FILE).unwrap();
    let dt = web_sys::DataTransfer::new().unwrap();
    dt.items().add_with_file(&file).unwrap();
    let init = web_sys::DragEventInit::new();
    init.set_data_transfer(Some(&dt));
    init.set_bubbles(true);
    let zone = root.query_selector("[data-testid=drop-zone]").unwrap().unwrap();
    zone.dispatch_event(&web_sys::DragEvent::new_with_event_init_dict("drop", &init).unwrap()).unwrap();
    let mut peak = String::new();
    for _ in 0..100 {
        settle().await;
        peak = root
            .query_selector("[data-testid=peak-instances]")
            .unwrap()
            .map(|e| e.text_content().unwrap_or_default())
            .unwrap_or_default();
        if peak.parse::<u32>().is_ok() {
            break;
        }
    }
    (peak.parse().unwrap_or_else(|_| panic!("no peak shown: {peak:?}")), handle)
}

#[wasm_bindgen_test]
async fn the_app_plans_the_sample_with_the_seed_policy() {
    let root = container();
    let (peak, _app) = app_with_the_sample(&root).await;
    assert!((1..=10).contains(&peak), "{peak}");
    assert!(root.query_selector("[data-testid=instances-chart]").unwrap().is_some());
}

/// The replayed history's longest step as the instances chart holds it: the instant halfway
/// along it and its count, and where the chart's axes put that point (CSS pixels).
fn longest_history_step() -> (f64, f64, f64, f64) {
    let found = js_sys::eval(
        "(() => { const i = echarts.getInstanceByDom(document.querySelector('[data-testid=instances-chart]')); \
         const d = i.getOption().series.find(s => s.id === 'history').data; let best = [0, 0, 0]; \
         for (let k = 0; k + 3 < d.length; k += 2) { if (d[k + 2] - d[k] > best[0]) best = [d[k + 2] - d[k], (d[k] + d[k + 2]) / 2, d[k + 1]]; } \
         const [x, y] = i.convertToPixel({gridIndex: 0}, [best[1], best[2]]); return [best[1], best[2], x, y]; })()",
    )
    .unwrap();
    let v: Vec<f64> = js_sys::Array::from(&found).iter().map(|x| x.as_f64().unwrap()).collect();
    (v[0], v[1], v[2], v[3])
}

/// Whether the canvas laid over the instances chart has the history's blue (#3b6fd4) within two
/// pixels above or below (x, y) (CSS pixels): a line 2 pixels wide, smoothed.
fn blue_near(root: &web_sys::HtmlElement, x: f64, y: f64) -> bool {
    let canvas: web_sys::HtmlCanvasElement =
        root.query_selector("[data-testid=instances-tracks]").unwrap().unwrap().unchecked_into();
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let dpr = web_sys::window().unwrap().device_pixel_ratio();
    let px = ctx.get_image_data((x * dpr).round(), ((y - 2.0) * dpr).round(), 1.0, (4.0 * dpr).round()).unwrap().data();
    px.chunks(4).any(|p| p[3] > 100 && p[2] > 150 && i32::from(p[2]) - i32::from(p[0]) > 60)
}

#[wasm_bindgen_test]
async fn the_instances_chart_draws_new_counts_at_once_where_its_axes_put_them() {
    let root = container();
    // The test page has none of the app's styles: the charts get the size they have in the app.
    let style = web_sys::window().unwrap().document().unwrap().create_element("style").unwrap();
    style.set_text_content(Some(
        ".chart { width: 800px; height: 320px; } .chart-wrap { position: relative; } \
        .chart-wrap > canvas.tracks { position: absolute; left: 0; top: 0; pointer-events: none; }",
    ));
    root.append_child(&style).unwrap();
    let (peak, _app) = app_with_the_sample(&root).await;
    gloo::timers::future::sleep(Duration::from_millis(400)).await;
    // The counts are drawn on the canvas where the chart's axes put the chart's own points.
    let (t, count, x, y) = longest_history_step();
    assert!(blue_near(&root, x, y), "the history's step at {count} drawn at ({x:.0}, {y:.0})");
    // Nothing of it a count higher.
    let above = js_sys::eval(&format!(
        "echarts.getInstanceByDom(document.querySelector('[data-testid=instances-chart]')).convertToPixel({{gridIndex: 0}}, [{t}, {}])[1]",
        count + 1.0
    ))
    .unwrap()
    .as_f64()
    .unwrap();
    assert!(!blue_near(&root, x, above), "no line a count above, at y {above:.0}");
    // A much lower CPU threshold needs more instances: by the time the event's task is over,
    // the canvas shows the new counts.
    let canvas: web_sys::HtmlCanvasElement =
        root.query_selector("[data-testid=instances-tracks]").unwrap().unwrap().unchecked_into();
    let before = canvas.to_data_url().unwrap();
    type_value(&root, "[data-testid=threshold-cpu]", "20");
    gloo::timers::future::sleep(Duration::from_millis(0)).await;
    let new_peak: u32 = text(&root, "[data-testid=peak-instances]").parse().unwrap();
    assert!(new_peak > peak, "threshold 20 %: peak {new_peak}, was {peak}");
    assert!(canvas.to_data_url().unwrap() != before, "the canvas drew the new counts at once");
    // Dragged on, back up to 45 % while the hand still moves: fewer instances, drawn at once on
    // the canvas, and the chart itself left as it is (its axes do not jump while the value moves,
    // and it is not redrawn: its copy of the counts waits until the value is still).
    let at_20 = canvas.to_data_url().unwrap();
    let chart_state = || {
        js_sys::eval(
            "(() => { const o = echarts.getInstanceByDom(document.querySelector('[data-testid=instances-chart]')).getOption(); \
             return JSON.stringify([o.yAxis[0].max, Array.from(o.series.find(s => s.id === 'history').data)]); })()",
        )
        .unwrap()
        .as_string()
        .unwrap()
    };
    let chart_at_20 = chart_state();
    type_value(&root, "[data-testid=threshold-cpu]", "45");
    gloo::timers::future::sleep(Duration::from_millis(0)).await;
    let peak_45: u32 = text(&root, "[data-testid=peak-instances]").parse().unwrap();
    assert!(peak_45 < new_peak, "threshold 45 %: peak {peak_45}, at 20 % {new_peak}");
    assert!(canvas.to_data_url().unwrap() != at_20, "the canvas drew the counts at 45 % at once");
    assert!(chart_state() == chart_at_20, "the chart was not redrawn while the value moved");
    let new_peak = peak_45;
    // Once the value is still, the chart holds the same counts (its tooltip's), its axis fitted to
    // the new peak, and the canvas draws them where the chart's axes put them.
    gloo::timers::future::sleep(Duration::from_millis(400)).await;
    assert!(chart_state() != chart_at_20, "the chart caught up once the value was still");
    let axis_top = || {
        js_sys::eval(
            "echarts.getInstanceByDom(document.querySelector('[data-testid=instances-chart]')).getOption().yAxis[0].max",
        )
        .unwrap()
        .as_f64()
        .unwrap()
    };
    // (The seed's max, 10, is near enough to be in view: the axis reaches it.)
    let reach = headroom::components::tracks::axis_reach(new_peak, 10);
    assert_eq!(axis_top(), f64::from(headroom::components::tracks::axis_top(reach)), "peak {new_peak}");
    let (_, count, x, y) = longest_history_step();
    assert!(blue_near(&root, x, y), "the new step at {count} drawn at ({x:.0}, {y:.0})");
    // With only the scale events shown, the axis still reaches the highest of them.
    for key in ["history", "forecast", "upper"] {
        let button: web_sys::HtmlElement = root
            .query_selector(&format!("[data-testid=instances-legend] [data-series={key}]"))
            .unwrap()
            .unwrap_or_else(|| panic!("no legend button for {key}"))
            .unchecked_into();
        button.click();
    }
    gloo::timers::future::sleep(Duration::from_millis(400)).await;
    let highest = js_sys::eval(
        "Math.max(...Array.from(echarts.getInstanceByDom(document.querySelector('[data-testid=instances-chart]')).getOption() \
         .series.find(s => s.id === 'events').data).filter((_, i) => i % 2 === 1))",
    )
    .unwrap()
    .as_f64()
    .unwrap();
    assert!(highest >= 1.0 && axis_top() >= highest, "axis top {} below the highest event, {highest}", axis_top());
    style.remove();
}

#[wasm_bindgen_test]
async fn time_range_buttons_set_the_shared_range_and_follow_new_data() {
    use headroom::components::time_view::{provide, Spans, TimeRangeButtons, TimeView};
    const DAY: f64 = 86_400_000.0;
    let root = container();
    let spans = RwSignal::new(Some(Spans { history: (0.0, 14.0 * DAY), forecast_end: Some(18.0 * DAY) }));
    let view = StoredValue::new_local(None::<RwSignal<TimeView>>);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view.set_value(Some(provide()));
        view! { <TimeRangeButtons spans=spans.into() /> }
    });
    settle().await;
    let shared = view.get_value().unwrap();
    // The group's buttons, in order (siblings of the first).
    let buttons = || {
        let mut out = Vec::new();
        let mut next = root.query_selector("[data-testid=time-range] button").unwrap();
        while let Some(el) = next {
            next = el.next_element_sibling();
            out.push(el.unchecked_into::<web_sys::HtmlElement>());
        }
        out
    };
    let button = |label: &str| {
        buttons()
            .into_iter()
            .find(|b| b.text_content().as_deref() == Some(label))
            .unwrap_or_else(|| panic!("no {label} button"))
    };
    assert_eq!(buttons().len(), 4);
    assert_eq!(button("Everything").get_attribute("aria-pressed").as_deref(), Some("true"));
    button("Forecast").click();
    settle().await;
    assert_eq!(shared.get_untracked().range, Some((13.0 * DAY, 18.0 * DAY)));
    assert_eq!(button("Forecast").get_attribute("aria-pressed").as_deref(), Some("true"));
    assert_eq!(button("Everything").get_attribute("aria-pressed").as_deref(), Some("false"));
    // A shorter forecast: the pressed button's range follows it.
    spans.set(Some(Spans { history: (0.0, 14.0 * DAY), forecast_end: Some(16.0 * DAY) }));
    settle().await;
    assert_eq!(shared.get_untracked().range, Some((13.5 * DAY, 16.0 * DAY)));
    // No forecast any more: no Forecast button, and everything is shown.
    spans.set(Some(Spans { history: (0.0, 14.0 * DAY), forecast_end: None }));
    settle().await;
    assert_eq!(buttons().len(), 3);
    assert_eq!(shared.get_untracked().range, None);
    assert_eq!(button("Everything").get_attribute("aria-pressed").as_deref(), Some("true"));
}

#[wasm_bindgen_test]
async fn chart_legend_buttons_toggle_their_series_and_keep_focus() {
    use headroom::components::legend::{ChartLegend, Entry, Mark};
    let root = container();
    let hidden = RwSignal::new(Vec::<&'static str>::new());
    let entries = Signal::derive(|| {
        vec![
            Entry { key: "a", label: "first".into(), color: "#123456", mark: Mark::Solid },
            Entry { key: "b", label: "second".into(), color: "#654321", mark: Mark::Band },
        ]
    });
    let toggle = Callback::new(move |key: &'static str| {
        hidden.update(|h| if h.contains(&key) { h.retain(|k| *k != key) } else { h.push(key) })
    });
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <ChartLegend label="test legend" testid="test-legend" entries hidden=hidden.into() toggle /> }
    });
    settle().await;
    let b = root.query_selector("[data-series=b]").unwrap().unwrap().unchecked_into::<web_sys::HtmlElement>();
    assert_eq!(b.text_content().unwrap_or_default(), "second");
    assert_eq!(b.get_attribute("aria-pressed").as_deref(), Some("true"));
    b.focus().unwrap();
    b.click();
    settle().await;
    assert_eq!(hidden.get_untracked(), vec!["b"]);
    assert_eq!(b.get_attribute("aria-pressed").as_deref(), Some("false"));
    // The same element, still focused: pressing did not rebuild the buttons.
    let active = web_sys::window().unwrap().document().unwrap().active_element().unwrap();
    assert!(active.is_same_node(Some(&b)), "focus moved to {:?}", active.outer_html());
    b.click();
    settle().await;
    assert!(hidden.get_untracked().is_empty());
    assert_eq!(b.get_attribute("aria-pressed").as_deref(), Some("true"));
}
