//! End-to-end: the release build in `dist/`, served on 127.0.0.1, driven in real headless Chromium
//! through chromedriver (WebDriver), as a user would use it.
//!
//! Needs `dist/` (built by `trunk build --release`), `chromedriver` and `chromium`; scripts/test.sh
//! provides all three. Paths can be overridden with HEADROOM_DIST, CHROMEDRIVER and CHROMIUM.

use std::path::PathBuf;
use std::time::Duration;

use headroom_e2e::browser::{workspace, Browser, Locator};
use serde_json::json;

fn nab(file: &str) -> PathBuf {
    workspace().join("../shared/data/nab/realAWSCloudwatch").join(file)
}

#[tokio::test(flavor = "multi_thread")]
async fn sample_data_is_one_click_away() {
    let b = Browser::start().await;
    b.open().await;
    // A first visit: once the page has looked for kept files, it says what to do.
    b.eventually(
        "the empty state's advice",
        "const e = document.querySelector('[data-testid=empty-state]'); return e && e.textContent.includes('Try sample data')",
        vec![],
    )
    .await;
    b.client.find(Locator::Css("[data-testid=sample-data]")).await.unwrap().click().await.unwrap();
    assert_eq!(b.chart_points("ec2_cpu_utilization_5f5533").await, 4032);
    assert_eq!(b.text("[data-testid=series-points]").await, "4,032 points");
    let span = b.text("[data-testid=series-span]").await;
    assert!(span.starts_with("2014-02-14 14:27 → 2014-02-28 14:22 UTC · 13 d 23 h · every 5 min"), "{span}");
    assert_eq!(b.text("[data-testid=diagnostics]").await, "Every row was read.");
    // The CPU metric is fed by the sample's series; the others are not used.
    let mapping = b
        .js("return ['cpu','memory','latency','requests'].map(m => document.querySelector(`[data-testid=map-${m}]`).value)", vec![])
        .await;
    assert_eq!(mapping, json!(["ec2_cpu_utilization_5f5533.csv › ec2_cpu_utilization_5f5533", "", "", ""]));
    // Let the line animation finish so the screenshot shows the data.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    b.screenshot("sample-1280.png").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_nab_file_is_charted_with_all_its_points() {
    let b = Browser::start().await;
    b.open().await;
    let bytes = std::fs::read(nab("rds_cpu_utilization_cc0c53.csv")).unwrap();
    b.drop_file("rds_cpu_utilization_cc0c53.csv", &bytes).await;
    assert_eq!(b.chart_points("rds_cpu_utilization_cc0c53").await, 4032);
    assert_eq!(b.text("[data-testid=series-points]").await, "4,032 points");

    // A DST file: its duplicates are listed with their lines, and the good rows are charted.
    let bytes = std::fs::read(nab("ec2_disk_write_bytes_1ef3de.csv")).unwrap();
    b.drop_file("ec2_disk_write_bytes_1ef3de.csv", &bytes).await;
    assert_eq!(b.chart_points("ec2_disk_write_bytes_1ef3de").await, 4719);
    let diag = b
        .eventually(
            "the DST file's diagnostics",
            "const d = [...document.querySelectorAll('[data-testid=diagnostics]')].map(e => e.textContent).find(t => t.includes('duplicate')); return d || null;",
            vec![],
        )
        .await;
    let diag = diag.as_str().unwrap();
    // 11 duplicates of the spring-forward hour, and the gap before it.
    assert!(diag.contains("12 problems found"), "{diag}");
    assert!(diag.contains("1 gap longer than 1.5 steps"), "{diag}");
    assert!(diag.contains("line 2121, column 2"), "{diag}");
    assert_eq!(b.card_texts().await, ["rds_cpu_utilization_cc0c53", "ec2_disk_write_bytes_1ef3de"]);
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_picked_with_the_file_button_is_charted() {
    let b = Browser::start().await;
    b.open().await;
    let path = nab("elb_request_count_8c0756.csv").canonicalize().unwrap();
    let input = b.client.find(Locator::Css("[data-testid=file-input]")).await.unwrap();
    input.send_keys(path.to_str().unwrap()).await.unwrap();
    assert_eq!(b.chart_points("elb_request_count_8c0756").await, 4032);
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_that_is_not_a_time_series_gets_a_specific_error_and_the_app_keeps_working() {
    let b = Browser::start().await;
    b.open().await;
    let good = std::fs::read(nab("grok_asg_anomaly.csv")).unwrap();
    b.drop_file("grok_asg_anomaly.csv", &good).await;
    assert_eq!(b.chart_points("grok_asg_anomaly").await, 4621);
    // An instance count is no metric to plan from: the page says what to choose, and draws no
    // empty plan.
    let nothing = b.text("[data-testid=nothing-mapped]").await;
    assert!(nothing.contains("Choose which series each metric is read from"), "{nothing}");
    assert_eq!(
        b.js("return document.querySelector('[data-testid=peak-instances]') === null", vec![]).await,
        json!(true)
    );

    b.drop_file("notes.txt", b"Meeting notes\nwe should buy more servers\n").await;
    let msg = b.text("[data-testid=error-banner]").await;
    assert!(msg.contains("notes.txt: not a time series: line 1 has a single column (\"Meeting notes\")"), "{msg}");

    b.drop_file("logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10").await;
    let msg = b.text("[data-testid=error-banner]").await;
    assert!(msg.contains("logo.png: not a text file"), "{msg}");

    b.drop_file("people.csv", b"name,age\nann,31\nbob,42\n").await;
    let msg = b.text("[data-testid=error-banner]").await;
    assert!(msg.contains("people.csv: not a time series: no column holds timestamps"), "{msg}");

    // What was loaded is still there, and the next good file loads.
    assert_eq!(b.card_texts().await, ["grok_asg_anomaly"]);
    let bytes = std::fs::read(nab("ec2_cpu_utilization_77c1ca.csv")).unwrap();
    b.drop_file("ec2_cpu_utilization_77c1ca.csv", &bytes).await;
    assert_eq!(b.chart_points("ec2_cpu_utilization_77c1ca").await, 4032);
    assert_eq!(b.card_texts().await, ["grok_asg_anomaly", "ec2_cpu_utilization_77c1ca"]);
    // A CPU series: mapped at once, and the plan replaces the hint.
    b.eventually(
        "the plan",
        "return document.querySelector('[data-testid=nothing-mapped]') === null && /\\d/.test((document.querySelector('[data-testid=peak-instances]') || {}).textContent || '') || null",
        vec![],
    )
    .await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn narrow_screen_screenshot() {
    let b = Browser::start().await;
    b.client.set_window_size(390, 844).await.unwrap();
    b.open().await;
    b.client.find(Locator::Css("[data-testid=sample-data]")).await.unwrap().click().await.unwrap();
    assert_eq!(b.chart_points("ec2_cpu_utilization_5f5533").await, 4032);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    b.screenshot("sample-390.png").await;
    // Nothing is wider than a phone's screen: no sideways scrolling.
    let widths = b.js("return [document.documentElement.scrollWidth, window.innerWidth]", vec![]).await;
    assert!(widths[0].as_u64() <= widths[1].as_u64(), "the page scrolls sideways at 390 px: {widths}");
    b.close().await;
}

/// Builds a `timestamp,cpu,memory,requests,latency_ms` CSV of `rows` rows inside the page and drops
/// it on the drop zone as `name` (no 100 MB round trip through WebDriver).
async fn drop_generated(b: &Browser, name: &str, rows: u32) {
    let script = r#"
        const [name, rows] = arguments;
        const parts = ['timestamp,cpu,memory,requests,latency_ms\n'];
        const t0 = Date.UTC(2024, 0, 1);
        let chunk = [];
        for (let i = 0; i < rows; i++) {
            const t = new Date(t0 + i * 60000).toISOString().slice(0, 19).replace('T', ' ');
            chunk.push(`${t},${(40 + 30 * Math.sin(i / 720)).toFixed(2)},${(55 + (i % 97) / 10).toFixed(1)},${100 + (i % 1000)},${(120 + (i % 37)).toFixed(1)}`);
            if (chunk.length === 100000) { parts.push(chunk.join('\n') + '\n'); chunk = []; }
        }
        parts.push(chunk.join('\n') + '\n');
        const file = new File(parts, name, { type: 'text/csv' });
        const dt = new DataTransfer();
        dt.items.add(file);
        document.querySelector('[data-testid=drop-zone]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        return file.size;
    "#;
    b.js(script, vec![json!(name), json!(rows)]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_large_file_parses_in_the_worker_with_progress_and_can_be_cancelled() {
    let b = Browser::start().await;
    b.open().await;
    // About 110 MB: parsing takes long enough to see the progress and cancel it.
    drop_generated(&b, "huge.csv", 2_000_000).await;
    let progress = b.text("[data-testid=progress]").await;
    assert!(progress.contains("huge.csv"), "{progress}");
    b.screenshot("progress-1280.png").await;
    b.client.find(Locator::Css("[data-testid=cancel]")).await.unwrap().click().await.unwrap();
    b.eventually(
        "the progress panel to go",
        "return document.querySelector('[data-testid=progress]') === null",
        vec![],
    )
    .await;
    assert!(b.card_texts().await.is_empty(), "a cancelled file is not loaded");
    assert!(b
        .js("return document.querySelector('[data-testid=error-banner]') === null", vec![])
        .await
        .as_bool()
        .unwrap());

    // After a cancel, the next file parses in a fresh worker: four series of 50,000 points each,
    // charted downsampled to 5,000 points with a note saying so.
    drop_generated(&b, "week.csv", 50_000).await;
    assert_eq!(b.chart_points("cpu").await, 5_000);
    assert!(b.text("[data-testid=series-points]").await.starts_with("50,000 points"));
    assert!(b.text("[data-testid=chart-note]").await.contains("draws 5,000 of the 50,000 points"));
    assert_eq!(b.card_texts().await, ["cpu", "memory", "requests", "latency_ms"]);
    let mapping = b
        .js("return ['cpu','memory','latency','requests'].map(m => document.querySelector(`[data-testid=map-${m}]`).value)", vec![])
        .await;
    assert_eq!(mapping, json!(["week.csv › cpu", "week.csv › memory", "week.csv › latency_ms", "week.csv › requests"]));
    // The parses ran in the worker, not on the page (which falls back only when workers fail).
    assert_eq!(b.js("return document.documentElement.dataset.parser", vec![]).await, json!("worker"));
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn once_loaded_the_app_works_offline() {
    let b = Browser::start().await;
    b.open().await;
    // The service worker installs (caching every built file) and takes control of the page.
    b.eventually("the service worker to control the page", "return !!navigator.serviceWorker.controller", vec![]).await;
    b.online.store(false, std::sync::atomic::Ordering::SeqCst);
    // The server is gone: a reload still opens the app, and the bundled sample still loads.
    b.open().await;
    b.client.find(Locator::Css("[data-testid=sample-data]")).await.unwrap().click().await.unwrap();
    assert_eq!(b.chart_points("ec2_cpu_utilization_5f5533").await, 4032);
    assert_eq!(b.js("return document.documentElement.dataset.parser", vec![]).await, json!("worker"));
    b.close().await;
}

/// Presses "Try sample data" and waits for the plan; returns the peak it shows.
async fn sample_planned(b: &Browser) -> u64 {
    b.client.find(Locator::Css("[data-testid=sample-data]")).await.unwrap().click().await.unwrap();
    integer(b, "peak-instances").await
}

/// The integer in the text of `testid` (e.g. the peak-instances card).
async fn integer(b: &Browser, testid: &str) -> u64 {
    let v = b
        .eventually(
            &format!("a number in {testid}"),
            "const e = document.querySelector(`[data-testid=${arguments[0]}]`); const m = e && e.textContent.match(/\\d+/); return m ? Number(m[0]) : null",
            vec![json!(testid)],
        )
        .await;
    v.as_u64().unwrap()
}

/// Types `text` into the input `testid` the way a user does: select what is there, type over it.
async fn type_into(b: &Browser, testid: &str, text: &str) {
    let input = b.client.find(Locator::Css(&format!("[data-testid={testid}]"))).await.unwrap();
    input.click().await.unwrap();
    b.js(&format!("document.querySelector('[data-testid={testid}]').select()"), vec![]).await;
    input.send_keys(text).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sample_gives_a_forecast_and_a_plan_and_a_lower_cpu_threshold_never_lowers_the_peak() {
    let b = Browser::start().await;
    b.open().await;
    b.client.find(Locator::Css("[data-testid=sample-data]")).await.unwrap().click().await.unwrap();
    // The metric chart: history, the two bands (two stacked series each) and the forecast line.
    let series = b
        .eventually(
            "the forecast on the metric chart",
            "const el = document.querySelector('[data-testid=series-chart]'); const i = el && echarts.getInstanceByDom(el); \
             const o = i && i.getOption(); return o && o.series.length >= 6 ? o.series.map(s => s.name) : null",
            vec![],
        )
        .await;
    let names: Vec<String> = serde_json::from_value(series).unwrap();
    assert!(names.iter().any(|n| n.starts_with("forecast (")), "{names:?}");
    assert!(names.iter().any(|n| n == "95 % interval") && names.iter().any(|n| n == "80 % interval"), "{names:?}");
    // The backtest lists the models with their scores; the chosen one is marked.
    let rows = b
        .eventually(
            "backtest rows",
            "return document.querySelectorAll('[data-testid=backtest-table] tbody tr').length || null",
            vec![],
        )
        .await;
    assert!(rows.as_u64().unwrap() >= 4, "{rows}");
    assert!(b.text("[data-testid=backtest-table] tr.chosen").await.contains('✓'));
    // The plan: cards filled, instances charted over the history and the forecast.
    let peak = integer(&b, "peak-instances").await;
    assert!((1..=10).contains(&peak), "peak {peak}");
    assert!(!b.text("[data-testid=runway]").await.is_empty());
    assert!(!b.text("[data-testid=cost]").await.is_empty());
    let instance_series = b
        .eventually(
            "the instances chart",
            "const el = document.querySelector('[data-testid=instances-chart]'); const i = el && echarts.getInstanceByDom(el); \
             const o = i && i.getOption(); return o && o.series.length >= 2 ? o.series.map(s => s.name) : null",
            vec![],
        )
        .await;
    assert!(instance_series.to_string().contains("forecast"), "{instance_series}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    b.screenshot("workbench-1280.png").await;
    // Lowering the CPU threshold raises the peak or keeps it; it never lowers it.
    let mut last = peak;
    for threshold in ["60", "45", "35"] {
        type_into(&b, "threshold-cpu", threshold).await;
        let shown = b
            .eventually(
                "the threshold to apply",
                "return document.querySelector('[data-testid=threshold-cpu]').value",
                vec![],
            )
            .await;
        assert_eq!(shown, json!(threshold));
        // The threshold's line is laid over the metric chart at its value.
        b.eventually(
            "the scale-up line at the new threshold",
            "const e = document.querySelector('[data-testid=policy-lines]'); return e && e.textContent.includes('scale up ' + arguments[0])",
            vec![json!(threshold)],
        )
        .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = integer(&b, "peak-instances").await;
        assert!(now >= last, "threshold {threshold}: peak {now} < {last}");
        last = now;
    }
    assert!(last > peak, "a CPU threshold of 35 % should need more instances than 75 % ({last} vs {peak})");
    // The metric chart's legend is a row of buttons too: "policy lines" hides the lines and brings
    // them back; "80 % interval" hides that band in the chart, and it stays hidden when the
    // forecast is fitted again with another model.
    let button = |key: &str| format!("[data-testid=metric-legend] [data-series={key}]");
    for (what, shown) in [
        ("the lines hidden", "const e = document.querySelector('[data-testid=policy-lines]'); return e && e.children.length === 0"),
        ("the lines back", "const e = document.querySelector('[data-testid=policy-lines]'); return e && e.textContent.includes('scale up 35')"),
    ] {
        b.client.find(Locator::Css(&button("lines"))).await.unwrap().click().await.unwrap();
        b.eventually(what, shown, vec![]).await;
    }
    let band_shown = "const o = echarts.getInstanceByDom(document.querySelector('[data-testid=series-chart]')).getOption(); \
         return [document.querySelector('[data-testid=metric-legend] [data-series=band80]').getAttribute('aria-pressed'), o.legend[0].selected['80 % interval'] !== false]";
    b.client.find(Locator::Css(&button("band80"))).await.unwrap().click().await.unwrap();
    assert_eq!(b.js(band_shown, vec![]).await, json!(["false", false]));
    // The button keeps the keyboard's focus.
    let focused = b.js("return document.activeElement && document.activeElement.dataset.series", vec![]).await;
    assert_eq!(focused, json!("band80"));
    // The instances chart's legend is a row of buttons: clicking one hides its series (the button
    // says so with aria-pressed), clicking again brings it back; saving the PNG draws a legend into
    // the image and leaves none in the chart.
    let events_drawn =
        "const o = echarts.getInstanceByDom(document.querySelector('[data-testid=instances-chart]')).getOption(); \
         const b = document.querySelector('[data-testid=instances-legend] [data-series=events]'); \
         return [b.getAttribute('aria-pressed'), o.series.some(s => s && s.id === 'events'), (o.legend || []).length]";
    for expected in [json!(["false", false, 0]), json!(["true", true, 0])] {
        b.client
            .find(Locator::Css("[data-testid=instances-legend] [data-series=events]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let want = expected.clone();
        b.eventually(
            "the legend's button to apply",
            &format!("const r = (() => {{ {events_drawn} }})(); return JSON.stringify(r) === JSON.stringify({want}) ? r : null"),
            vec![],
        )
        .await;
    }
    // The image has the counts in it (the page draws them on a canvas over the chart): the
    // history's blue along its step line, far more of it than the legend's swatches have.
    let blue = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             const click = HTMLAnchorElement.prototype.click; \
             HTMLAnchorElement.prototype.click = function () { window.__png = this.href; HTMLAnchorElement.prototype.click = click; }; \
             [...document.querySelectorAll('button')].filter(x => x.textContent === 'Chart as PNG')[1].click(); \
             const img = new Image(); \
             img.onload = () => { const c = document.createElement('canvas'); c.width = img.width; c.height = img.height; \
               const x = c.getContext('2d'); x.drawImage(img, 0, 0); const d = x.getImageData(0, 0, c.width, c.height).data; let n = 0; \
               for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 0x3b) < 16 && Math.abs(d[i + 1] - 0x6f) < 16 && Math.abs(d[i + 2] - 0xd4) < 16) n++; \
               done(n); }; \
             img.onerror = () => done(-1); img.src = window.__png;",
            vec![],
        )
        .await
        .unwrap();
    assert!(blue.as_i64().unwrap_or(0) > 2000, "pixels of the history's blue in the PNG: {blue}");
    let after = b.js(events_drawn, vec![]).await;
    assert_eq!(after, json!(["true", true, 0]), "no legend left in the chart after the PNG");
    // …and the chart leaves the counts to the canvas again.
    let opacity = b
        .js(
            "return echarts.getInstanceByDom(document.querySelector('[data-testid=instances-chart]')).getOption().series.find(s => s.id === 'history').lineStyle.opacity",
            vec![],
        )
        .await;
    assert_eq!(opacity, json!(0), "the chart's own history line is transparent again");
    b.close().await;
}

/// The dates at the left and right edges of the plot of both charts, metric chart first.
const RANGES: &str = "return ['series-chart', 'instances-chart'].map(id => { \
    const i = echarts.getInstanceByDom(document.querySelector(`[data-testid=${id}]`)); \
    return [i.convertFromPixel({xAxisIndex: 0}, 56), i.convertFromPixel({xAxisIndex: 0}, i.getWidth() - 24)]; })";

/// Waits until both charts show `want` (first and last instant, ms), each edge within 0.5 % of
/// the span; returns what they show.
async fn both_show(b: &Browser, what: &str, want: (f64, f64)) -> serde_json::Value {
    b.eventually(
        what,
        &format!(
            "const r = (() => {{ {RANGES} }})(); const [a, z] = arguments; const tol = (z - a) * 0.005; \
             return r.every(([x, y]) => Math.abs(x - a) <= tol && Math.abs(y - z) <= tol) ? r : null"
        ),
        vec![json!(want.0), json!(want.1)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn zooming_either_chart_zooms_both_and_the_buttons_set_both_from_the_keyboard() {
    let b = Browser::start().await;
    b.open().await;
    b.client.find(Locator::Css("[data-testid=sample-data]")).await.unwrap().click().await.unwrap();
    b.eventually(
        "both charts with a forecast",
        "const d = id => { const el = document.querySelector(`[data-testid=${id}]`); return el && echarts.getInstanceByDom(el); }; \
         const m = d('series-chart'), i = d('instances-chart'); \
         return m && i && m.getOption().series.length >= 6 && i.getOption().series.some(s => s.id === 'forecast') || null",
        vec![],
    )
    .await;
    // The sample's history and its forecast's end, as the buttons see them.
    let span: Vec<f64> = serde_json::from_value(
        b.eventually(
            "the spans",
            "const o = echarts.getInstanceByDom(document.querySelector('[data-testid=series-chart]')).getOption(); \
             const h = o.series.find(s => s.id === 'history').data, f = o.series.find(s => (s.name || '').startsWith('forecast (')).data; \
             return h.length && f.length ? [h[0][0], h[h.length - 1][0], f[f.length - 1][0]] : null",
            vec![],
        )
        .await,
    )
    .unwrap();
    let (first, last, end) = (span[0], span[1], span[2]);
    // A wheel over the metric chart's plot (a real input event, through DevTools) zooms it in; the
    // instances chart shows the same dates.
    let at: Vec<f64> = serde_json::from_value(
        b.js(
            "const el = document.querySelector('[data-testid=series-chart]'); el.scrollIntoView({block: 'center'}); \
             const r = el.getBoundingClientRect(); return [r.left + r.width * 0.7, r.top + r.height * 0.5]",
            vec![],
        )
        .await,
    )
    .unwrap();
    for _ in 0..3 {
        b.cdp(
            "Input.dispatchMouseEvent",
            json!({"type": "mouseWheel", "x": at[0], "y": at[1], "deltaX": 0, "deltaY": -300}),
        )
        .await
        .unwrap();
    }
    // (The chart applies a wheel after its throttle delay.)
    let zoomed = b
        .eventually(
            "the wheel to zoom the metric chart in",
            "const i = echarts.getInstanceByDom(document.querySelector('[data-testid=series-chart]')); \
             const r = [i.convertFromPixel({xAxisIndex: 0}, 56), i.convertFromPixel({xAxisIndex: 0}, i.getWidth() - 24)]; \
             return r[1] - r[0] < 0.9 * (arguments[1] - arguments[0]) ? r : null",
            vec![json!(first), json!(end)],
        )
        .await;
    let zoomed: (f64, f64) = serde_json::from_value(zoomed).unwrap();
    assert!(zoomed.1 - zoomed.0 < 0.9 * (end - first), "the wheel zoomed in: {zoomed:?} of {first}–{end}");
    both_show(&b, "the instances chart to follow the metric chart's zoom", zoomed).await;
    // A threshold dragged meanwhile redraws the counts and keeps the range.
    let counts =
        "const o = echarts.getInstanceByDom(document.querySelector('[data-testid=instances-chart]')).getOption(); \
         return JSON.stringify(o.series.map(s => s.data ? Array.from(s.data) : []))";
    let before = b.js(counts, vec![]).await;
    type_into(&b, "threshold-cpu", "50").await;
    b.eventually(
        "the scale-up line at 50",
        "const e = document.querySelector('[data-testid=policy-lines]'); return e && e.textContent.includes('scale up 50')",
        vec![],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_ne!(b.js(counts, vec![]).await, before, "the instances chart redrew the new counts");
    both_show(&b, "the zoom kept through a redraw", zoomed).await;
    // The counts on the canvas laid over the chart follow its zoom: the history's blue where the
    // zoomed axes put the middle of its longest step in view.
    let on_canvas = b
        .js(
            "const i = echarts.getInstanceByDom(document.querySelector('[data-testid=instances-chart]')); \
             const [a, z] = [i.convertFromPixel({xAxisIndex: 0}, 56), i.convertFromPixel({xAxisIndex: 0}, i.getWidth() - 24)]; \
             const d = i.getOption().series.find(s => s.id === 'history').data; let best = null; \
             for (let k = 0; k + 3 < d.length; k += 2) { const s = Math.max(d[k], a), e = Math.min(d[k + 2], z); \
               if (e > s && (!best || e - s > best[0])) best = [e - s, (s + e) / 2, d[k + 1]]; } \
             if (!best) return 'no step in view'; \
             const [x, y] = i.convertToPixel({gridIndex: 0}, [best[1], best[2]]); \
             const c = document.querySelector('[data-testid=instances-tracks]'); const r = window.devicePixelRatio; \
             const px = c.getContext('2d').getImageData(Math.round(x * r), Math.round((y - 2) * r), 1, Math.round(4 * r)).data; \
             for (let k = 0; k < px.length; k += 4) if (px[k + 3] > 100 && px[k + 2] > 150 && px[k + 2] - px[k] > 60) return true; \
             return [x, y, Array.from(px)];",
            vec![],
        )
        .await;
    assert_eq!(on_canvas, json!(true), "the history's step drawn where the zoomed axes put it");
    // Panning the instances chart (its slider, here by action) moves the metric chart too.
    b.js(
        "echarts.getInstanceByDom(document.querySelector('[data-testid=instances-chart]')).dispatchAction({type: 'dataZoom', start: 10, end: 30})",
        vec![],
    )
    .await;
    let panned: Vec<Vec<f64>> = serde_json::from_value(b.js(RANGES, vec![]).await).unwrap();
    assert!((panned[1][0] - zoomed.0).abs() > 0.01 * (end - first), "the instances chart moved: {panned:?}");
    both_show(&b, "the metric chart to follow the instances chart", (panned[1][0], panned[1][1])).await;
    // The buttons, from the keyboard: "Forecast" shows the forecast and a little history before it.
    let buttons = b.text("[data-testid=time-range]").await;
    for label in ["Everything", "History", "Forecast", "Last 7 days"] {
        assert!(buttons.contains(label), "{label} in {buttons:?}");
    }
    let forecast = b.client.find(Locator::XPath("//*[@data-testid='time-range']/button[.='Forecast']")).await.unwrap();
    b.js(
        "[...document.querySelectorAll('[data-testid=time-range] button')].find(x => x.textContent === 'Forecast').focus()",
        vec![],
    )
    .await;
    forecast.send_keys("\u{e007}").await.unwrap();
    both_show(&b, "the forecast on both charts", (last - (end - last) / 4.0, end)).await;
    assert_eq!(forecast.attr("aria-pressed").await.unwrap().as_deref(), Some("true"));
    // Zoomed in between two changes of the count, the instances chart still draws its step lines.
    let drawn = b
        .js(
            "const i = echarts.getInstanceByDom(document.querySelector('[data-testid=instances-chart]')); \
             return i.getModel().getSeries().filter(s => s.type === 'series.line' && s.id !== 'bounds').map(s => s.getData().count())",
            vec![],
        )
        .await;
    let drawn: Vec<usize> = serde_json::from_value(drawn).unwrap();
    assert!(drawn.len() >= 2 && drawn.iter().all(|&n| n >= 2), "points of each step line in view: {drawn:?}");
    b.client.set_window_size(1280, 1500).await.unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    b.screenshot("forecast-range-1280.png").await;
    // The button's range follows a new forecast: a 7-day horizon instead of 14.
    type_into(&b, "forecast-horizon", "7").await;
    let end7: f64 = serde_json::from_value(
        b.eventually(
            "the 7-day forecast",
            "const o = echarts.getInstanceByDom(document.querySelector('[data-testid=series-chart]')).getOption(); \
             const f = o.series.find(s => (s.name || '').startsWith('forecast (')).data; const e = f[f.length - 1][0]; \
             return e < arguments[0] - 86400000 ? e : null",
            vec![json!(end)],
        )
        .await,
    )
    .unwrap();
    both_show(&b, "the new forecast on both charts", (last - (end7 - last) / 4.0, end7)).await;
    assert_eq!(forecast.attr("aria-pressed").await.unwrap().as_deref(), Some("true"));
    // "Everything" shows it all again, and "Forecast" is no longer pressed.
    b.client
        .find(Locator::XPath("//*[@data-testid='time-range']/button[.='Everything']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let all: Vec<Vec<f64>> = serde_json::from_value(
        b.eventually(
            "everything on both charts",
            &format!(
                "const r = (() => {{ {RANGES} }})(); \
                 return r.every(([x, y]) => x <= arguments[0] + 1 && y >= arguments[1] - 1) ? r : null"
            ),
            vec![json!(first), json!(end7)],
        )
        .await,
    )
    .unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(forecast.attr("aria-pressed").await.unwrap().as_deref(), Some("false"));
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn choosing_a_model_refits_the_forecast_with_it() {
    let b = Browser::start().await;
    b.open().await;
    b.client.find(Locator::Css("[data-testid=sample-data]")).await.unwrap().click().await.unwrap();
    b.eventually(
        "a forecast",
        "return document.querySelectorAll('[data-testid=backtest-table] tbody tr').length || null",
        vec![],
    )
    .await;
    // The planner hides the forecast line with the legend; a new model's line stays hidden.
    b.client
        .find(Locator::Css("[data-testid=metric-legend] [data-series=forecast]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.js("const s = document.querySelector('[data-testid=forecast-model]'); s.value = 'linear'; s.dispatchEvent(new Event('change'))", vec![]).await;
    let hidden = b
        .eventually(
            "the linear forecast",
            "const o = echarts.getInstanceByDom(document.querySelector('[data-testid=series-chart]')).getOption(); \
             const b = document.querySelector('[data-testid=metric-legend] [data-series=forecast]'); \
             return o.series.some(s => s.name === 'forecast (linear)') && b.textContent.includes('linear') \
                 ? [o.legend[0].selected['forecast (linear)'], b.getAttribute('aria-pressed')] : null",
            vec![],
        )
        .await;
    assert_eq!(hidden, json!([false, "false"]));
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_hourly_max_forecast_follows_the_peaks_of_five_minute_data() {
    let b = Browser::start().await;
    b.open().await;
    b.client.find(Locator::Css("[data-testid=sample-data]")).await.unwrap().click().await.unwrap();
    let choose = |testid: &'static str, value: &'static str| {
        let b = &b;
        async move {
            b.js(
                "const s = document.querySelector(`[data-testid=${arguments[0]}]`); s.value = arguments[1]; s.dispatchEvent(new Event('change'))",
                vec![json!(testid), json!(value)],
            )
            .await;
        }
    };
    // The forecast's points as drawn, once they are `step_ms` apart and named after `model`.
    let forecast = |step_ms: i64, model: &'static str, not: serde_json::Value| {
        let b = &b;
        async move {
            b.eventually(
                "the forecast on its step",
                "const el = document.querySelector('[data-testid=series-chart]'); \
                 const c = el && echarts.getInstanceByDom(el); if (!c) return null; \
                 const f = c.getOption().series.find(s => s.id === 'forecast'); \
                 if (!f || f.name !== `forecast (${arguments[1]})` || f.data.length < 2) return null; \
                 const pts = Array.from(f.data, p => p[1]); \
                 return f.data[1][0] - f.data[0][0] === arguments[0] && JSON.stringify(pts) !== JSON.stringify(arguments[2]) ? pts : null",
                vec![json!(step_ms), json!(model), not],
            )
            .await
        }
    };
    choose("forecast-model", "seasonal-naive").await;
    choose("forecast-step", "1h").await;
    let mean = forecast(3_600_000, "seasonal-naive", json!(null)).await;
    choose("forecast-aggregation", "max").await;
    let max = forecast(3_600_000, "seasonal-naive", mean.clone()).await;
    let points =
        |v: serde_json::Value| -> Vec<f64> { v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect() };
    let (mean, max) = (points(mean), points(max));
    // 14 days of hours; each hour's peak at or above its mean, above it somewhere.
    assert_eq!((mean.len(), max.len()), (14 * 24, 14 * 24));
    assert!(
        max.iter().zip(&mean).all(|(x, m)| x >= m) && max.iter().zip(&mean).any(|(x, m)| x > m),
        "{max:?} vs {mean:?}"
    );
    let hint = b.js("return document.querySelector('[data-testid=aggregation-hint]').textContent", vec![]).await;
    assert!(hint.as_str().unwrap().contains("the max of each hour"), "{hint}");
    let summary = b.js("return document.querySelector('[data-testid=forecast-summary]').textContent", vec![]).await;
    assert!(summary.as_str().unwrap().contains("1 h steps, each the max of its readings"), "{summary}");
    b.close().await;
}

/// The workbench with the sample loaded, at a size and in a theme, as a screenshot of the whole
/// page (the window is made as tall as the page).
async fn workbench_screenshot(b: &Browser, width: u32, name: &str) {
    b.client.set_window_size(width, 1050).await.unwrap();
    b.open().await;
    sample_planned(b).await;
    b.eventually(
        "the backtest",
        "return document.querySelectorAll('[data-testid=backtest-table] tbody tr').length || null",
        vec![],
    )
    .await;
    // The page's height, or the inputs' column's where it is longer (on wide screens it keeps to
    // the window and scrolls on its own: a window that tall shows all of it).
    let height = b
        .js(
            "const s = document.querySelector('.side'); return Math.ceil(Math.max(document.documentElement.scrollHeight, s ? s.getBoundingClientRect().top + window.scrollY + s.scrollHeight + 40 : 0))",
            vec![],
        )
        .await
        .as_u64()
        .unwrap();
    b.client.set_window_size(width, height.min(6000) as u32 + 120).await.unwrap();
    // Let the charts take the new size and finish their animation.
    tokio::time::sleep(Duration::from_millis(1800)).await;
    let overflow =
        b.js("return document.documentElement.scrollWidth - document.documentElement.clientWidth", vec![]).await;
    assert_eq!(overflow, json!(0), "{name}: the page scrolls sideways");
    // Every field's number, slider and unit stay inside the field (a unit running into the next
    // column or past the panel's edge is unreadable).
    let spilled = b
        .js(
            "return [...document.querySelectorAll('.field-inputs')].filter(r => r.offsetParent).flatMap(r => { const edge = r.getBoundingClientRect().right + 0.5; return [...r.children].filter(c => c.getBoundingClientRect().right > edge).map(c => `${r.querySelector('input').id || r.querySelector('input').getAttribute('aria-label')}: ${c.className}`); })",
            vec![],
        )
        .await;
    assert_eq!(spilled, json!([]), "{name}: fields whose inputs or unit spill out");
    b.screenshot(name).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn at_1280_by_800_the_cpu_threshold_the_cards_and_the_metric_chart_are_in_view_together() {
    let b = Browser::start().await;
    // A 1280×800 page (the window is that plus the browser's own bars).
    b.client.set_window_size(1280, 800).await.unwrap();
    let bars = b.js("return outerHeight - innerHeight", vec![]).await.as_u64().unwrap_or(0);
    b.client.set_window_size(1280, 800 + bars as u32).await.unwrap();
    b.open().await;
    sample_planned(&b).await;
    // The planner brings the CPU threshold into view, as a wheel or Tab does, to tune it.
    let in_view = b
        .js(
            "document.querySelector('[data-testid=threshold-cpu]').scrollIntoView({block: 'center'}); \
             const seen = id => { const r = document.querySelector(`[data-testid=${id}]`).getBoundingClientRect(); \
             return r.top >= 0 && r.bottom <= innerHeight + 1 && r.left >= 0 && r.right <= innerWidth; }; \
             return [innerWidth, innerHeight].concat(['threshold-cpu', 'peak-instances', 'series-chart'].filter(seen))",
            vec![],
        )
        .await;
    assert_eq!(in_view, json!([1280, 800, "threshold-cpu", "peak-instances", "series-chart"]), "in view at 1280×800");
    // Tuned: the planner's view of it (the README's first picture).
    type_into(&b, "threshold-cpu", "45").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    b.screenshot("tuning-1280x800.png").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_instances_tooltip_gives_the_count_under_the_pointer_with_its_unit() {
    let b = Browser::start().await;
    b.open().await;
    sample_planned(&b).await;
    let tip = b
        .eventually(
            "the instances chart's tooltip",
            "const el = document.querySelector('[data-testid=instances-chart]'); const r = el.getBoundingClientRect(); \
             el.querySelector('canvas').dispatchEvent(new MouseEvent('mousemove', {clientX: r.left + r.width * 0.4, clientY: r.top + r.height / 2, bubbles: true})); \
             const t = [...el.querySelectorAll('div')].find(d => d.textContent.includes('UTC')); return t ? t.textContent : null",
            vec![],
        )
        .await;
    let tip = tip.as_str().unwrap_or_default();
    assert!(tip.contains("UTC") && tip.contains("history (replayed)"), "{tip}");
    let count = count_in_tip(tip);
    assert!(count.is_some_and(|n| n >= 1), "a count of instances in {tip}");
    b.close().await;
}

/// The count in a tooltip's text: the number before " instance(s)".
fn count_in_tip(tip: &str) -> Option<u64> {
    let at = tip.find(" instance")?;
    let digits: String = tip[..at].chars().rev().take_while(char::is_ascii_digit).collect();
    digits.chars().rev().collect::<String>().parse().ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn workbench_screenshots_light() {
    let b = Browser::start().await;
    workbench_screenshot(&b, 1280, "workbench-light-1280.png").await;
    workbench_screenshot(&b, 390, "workbench-light-390.png").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn workbench_screenshots_dark() {
    let b = Browser::start_dark().await;
    workbench_screenshot(&b, 1280, "workbench-dark-1280.png").await;
    let dark = b.js("return matchMedia('(prefers-color-scheme: dark)').matches", vec![]).await;
    assert_eq!(dark, json!(true));
    workbench_screenshot(&b, 390, "workbench-dark-390.png").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tuned_policy_travels_in_the_link_and_a_tampered_link_changes_nothing() {
    let b = Browser::start().await;
    b.open().await;
    sample_planned(&b).await;
    type_into(&b, "threshold-cpu", "55").await;
    type_into(&b, "max-instances", "7").await;
    // Once the policy is still, the export and the address bar follow it (in the same update).
    let exported = b
        .eventually(
            "the export of the tuned policy",
            "const e = document.querySelector('[data-testid=export-text]'); return e && e.textContent.includes('maxReplicas: 7') ? e.textContent : null",
            vec![],
        )
        .await;
    assert!(exported.as_str().unwrap().contains("apiVersion: autoscaling/v2"), "{exported}");
    let link = b.js("return location.hash.startsWith('#v1.') ? location.href : null", vec![]).await;
    let link = link.as_str().expect("the policy in the address bar").to_string();
    b.close().await;

    // A fresh browser profile opens the link: the same policy.
    let fresh = Browser::start().await;
    fresh.client.goto(&link).await.unwrap();
    let values = fresh
        .eventually(
            "the linked policy",
            "const v = id => { const e = document.querySelector(`[data-testid=${id}]`); return e && e.value; }; \
             return v('threshold-cpu') ? [v('threshold-cpu'), v('max-instances')] : null",
            vec![],
        )
        .await;
    assert_eq!(values, json!(["55", "7"]));
    assert!(fresh.client.find(Locator::Css("[data-testid=error-banner]")).await.is_err(), "no error for a good link");

    // A tampered link: a banner says what is wrong, and the policy stays as it was.
    let tampered = link.replace("#v1.", "#v1.%%");
    fresh.client.goto(&tampered).await.unwrap();
    fresh.client.refresh().await.unwrap();
    let banner = fresh.text("[data-testid=error-banner]").await;
    assert!(banner.contains("The link's policy could not be used"), "{banner}");
    let cpu = fresh.js("return document.querySelector('[data-testid=threshold-cpu]').value", vec![]).await;
    // The policy stays as it was: the one opened from the good link, kept in this browser.
    assert_eq!(cpu, json!("55"), "a bad link keeps the policy the page had");
    fresh.close().await;
}

/// The values of the inputs (or selects) `ids`, by `data-testid`.
async fn values(b: &Browser, ids: &[&str]) -> serde_json::Value {
    b.js(
        "return arguments[0].map(id => { const e = document.querySelector(`[data-testid=${id}]`); return e ? e.value : null; })",
        vec![json!(ids)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reload_keeps_the_loaded_data_the_mapping_and_the_policy_until_cleared() {
    let b = Browser::start().await;
    b.open().await;
    b.client.find(Locator::Css("[data-testid=sample-data]")).await.unwrap().click().await.unwrap();
    assert_eq!(b.chart_points("ec2_cpu_utilization_5f5533").await, 4032);
    let bytes = std::fs::read(nab("rds_cpu_utilization_cc0c53.csv")).unwrap();
    b.drop_file("rds_cpu_utilization_cc0c53.csv", &bytes).await;
    assert_eq!(b.chart_points("rds_cpu_utilization_cc0c53").await, 4032);
    // The planner feeds CPU from the second file, says 6 instances ran, and tunes the policy.
    let rds = "rds_cpu_utilization_cc0c53.csv › rds_cpu_utilization_cc0c53";
    b.js(
        "const s = document.querySelector('[data-testid=map-cpu]'); s.value = arguments[0]; s.dispatchEvent(new Event('change'))",
        vec![json!(rds)],
    )
    .await;
    type_into(&b, "replicas", "6").await;
    type_into(&b, "threshold-cpu", "55").await;
    let ids = ["map-cpu", "replicas", "threshold-cpu"];
    b.eventually(
        "the tuned settings",
        "return document.querySelector('[data-testid=threshold-cpu]').value === '55' && document.querySelector('[data-testid=replicas]').value === '6'",
        vec![],
    )
    .await;
    assert_eq!(values(&b, &ids).await, json!([rds, "6", "55"]));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let peak = integer(&b, "peak-instances").await;
    let status = b.text("[data-testid=storage-status]").await;
    assert!(status.contains("a reload restores these files"), "{status}");
    b.screenshot("kept-1280.png").await;

    // The page opened again without the link's fragment: the files come back from this browser's
    // storage, with the mapping, the instance count and the policy.
    b.open().await;
    assert_eq!(b.chart_points("rds_cpu_utilization_cc0c53").await, 4032);
    assert_eq!(b.chart_points("ec2_cpu_utilization_5f5533").await, 4032);
    assert_eq!(b.card_texts().await, ["ec2_cpu_utilization_5f5533", "rds_cpu_utilization_cc0c53"]);
    let restored = b
        .eventually(
            "the kept settings",
            "const v = id => { const e = document.querySelector(`[data-testid=${id}]`); return e && e.value; }; \
             return v('map-cpu') === arguments[0] ? [v('map-cpu'), v('replicas'), v('threshold-cpu')] : null",
            vec![json!(rds)],
        )
        .await;
    assert_eq!(restored, json!([rds, "6", "55"]));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(integer(&b, "peak-instances").await, peak, "the same plan after the reload");
    assert!(b.client.find(Locator::Css("[data-testid=error-banner]")).await.is_err(), "a clean restore");

    // Clear forgets the files and the mapping, also for the next reload; the policy stays.
    b.client.find(Locator::Css("[data-testid=clear-data]")).await.unwrap().click().await.unwrap();
    assert!(b.text("[data-testid=empty-state]").await.contains("Try sample data"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    b.client.refresh().await.unwrap();
    let empty = b
        .eventually(
            "the empty state after a reload",
            "const e = document.querySelector('[data-testid=empty-state]'); return e && e.textContent.includes('Try sample data')",
            vec![],
        )
        .await;
    assert_eq!(empty, json!(true));
    assert!(b.card_texts().await.is_empty());
    assert_eq!(values(&b, &["threshold-cpu"]).await, json!(["55"]));
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panic_shows_a_readable_error_and_a_reload_brings_the_work_back() {
    let b = Browser::start().await;
    b.open().await;
    let peak = sample_planned(&b).await;
    type_into(&b, "threshold-cpu", "50").await;
    b.eventually(
        "the tuned threshold",
        "return document.querySelector('[data-testid=threshold-cpu]').value === '50'",
        vec![],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let tuned = integer(&b, "peak-instances").await;
    assert!(tuned >= peak);
    // A panic in the page's Rust code (the test hook panics on purpose).
    b.js("try { window.wasmBindings.headroom_test_panic(); } catch (e) {} return true", vec![]).await;
    let message = b.text("[data-testid=crash]").await;
    assert!(
        message.contains("Headroom stopped because of an internal error") && message.contains("Nothing is lost"),
        "{message}"
    );
    let details = b.js("return document.querySelector('[data-testid=crash-message]').textContent", vec![]).await;
    assert!(details.as_str().unwrap().contains("deliberate panic"), "{details}");
    b.screenshot("crash-1280.png").await;
    // Reload: the sample, the tuned policy and the same plan come back.
    b.client.find(Locator::Css("[data-testid=crash-reload]")).await.unwrap().click().await.unwrap();
    assert_eq!(b.chart_points("ec2_cpu_utilization_5f5533").await, 4032);
    assert_eq!(values(&b, &["threshold-cpu"]).await, json!(["50"]));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(integer(&b, "peak-instances").await, tuned);
    assert!(b.client.find(Locator::Css("[data-testid=crash]")).await.is_err(), "the panel is gone after the reload");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_policy_dropped_with_the_data_becomes_the_policy_and_a_broken_one_changes_nothing() {
    let b = Browser::start().await;
    b.open().await;
    sample_planned(&b).await;
    // An HPA manifest (a committed export) dropped on the data drop zone.
    let hpa = std::fs::read(workspace().join("tests/fixtures/exports/hpa-web.hpa.yaml")).unwrap();
    b.drop_file("hpa-web.hpa.yaml", &hpa).await;
    let got = b
        .eventually(
            "the imported HPA policy",
            "const v = id => { const e = document.querySelector(`[data-testid=${id}]`); return e && e.value; }; \
             return v('policy-kind') === 'hpa' ? [v('policy-kind'), v('min-instances'), v('max-instances')] : null",
            vec![],
        )
        .await;
    assert_eq!(got, json!(["hpa", "3", "30"]));
    assert_eq!(b.text("[data-testid=share-status]").await, "Policy imported from hpa-web.hpa.yaml.");
    // It was not read as a metric export: the loaded files are unchanged.
    assert_eq!(b.card_texts().await, ["ec2_cpu_utilization_5f5533"]);
    // A broken manifest: a located error, and the policy stays.
    b.drop_file(
        "broken.yaml",
        b"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nspec:\n  maxReplicas: many\n",
    )
    .await;
    let banner = b.text("[data-testid=error-banner]").await;
    assert!(banner.contains("broken.yaml") && banner.contains("the policy shown is unchanged"), "{banner}");
    assert_eq!(values(&b, &["policy-kind", "max-instances"]).await, json!(["hpa", "30"]));
    b.close().await;
}
