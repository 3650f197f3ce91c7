//! `bench-workbench [ROWS]`: how fast the workbench follows the planner's hand, in one headless
//! Chromium run on the release build. A year of 5-minute data (105,120 rows of CPU, memory,
//! requests and latency, from `headroom_core::synth`) is dropped into the app; once the forecasts
//! are in, the CPU threshold is dragged down from 59 % to 30 % and back up, ROUNDS changes the way a
//! slider or typing makes them (an `input` event each), and each change is timed from the event
//! to both charts repainted: Leptos' effects run (the replay; the instances chart's counts drawn
//! on the canvas laid over it, and the chart itself redrawn when the counts outgrew its value
//! axis; the metric chart's policy lines moved), then each chart's renderer is flushed. Then
//! PAUSED_ROUNDS changes are timed one at a time, each after a pause (the chart then fits its axis
//! to the counts in between). The app's own `headroom:replay` User Timing entries
//! give the policy replay alone (wasm). Two peers are measured in the same run: an input event that
//! reaches no listener (the same round trip without the work), and the chart library alone (the
//! instances chart's option as the app hands it over, set on a chart of its own in the same page:
//! what any app drawing this chart with ECharts would pay). Prints the figures and writes them to
//! target/bench-workbench.json, with the machine's load average before and after the timed
//! changes (a shared machine's other work shows there). With HEADROOM_PROFILE=1 the rounds run
//! under the DevTools profiler (see `report_profile`), and the instances chart's option at two
//! thresholds is saved afterwards for experiments outside the app.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use headroom_e2e::browser::{workspace, Browser, Locator};
use serde_json::{json, Value};

const ROUNDS: usize = 60;
/// Changes timed one at a time, each after a pause.
const PAUSED_ROUNDS: usize = 20;

/// Waits for an integer in the text of `testid`.
async fn integer_in(b: &Browser, testid: &str) -> u64 {
    b.eventually(
        testid,
        "const e = document.querySelector(`[data-testid=${arguments[0]}]`); const m = e && e.textContent.match(/\\d+/); return m ? Number(m[0]) : null",
        vec![json!(testid)],
    )
    .await
    .as_u64()
    .unwrap_or(0)
}

/// The CPU threshold (%) of round `i`: 59 down to 30 and back up, over and over.
fn threshold_at(i: usize) -> usize {
    let k = i % 58;
    if k < 29 {
        59 - k
    } else {
        30 + (k - 29)
    }
}

/// The machine's 1-minute load average (Linux), to read a run's figures by: on a shared machine,
/// a load above its cores means another process competed for them during the run.
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg").ok()?.split_whitespace().next()?.parse().ok()
}

fn percentile(xs: &[f64], p: f64) -> f64 {
    let mut s = xs.to_vec();
    s.sort_by(f64::total_cmp);
    let i = ((s.len() as f64 - 1.0) * p).round() as usize;
    s.get(i).copied().unwrap_or(f64::NAN)
}

const ROUND: &str = r#"
    const [value, noop, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
    const input = noop ? document.createElement('input') : document.querySelector('[data-testid=threshold-cpu]');
    const charts = ['series-chart', 'instances-chart']
        .map(id => echarts.getInstanceByDom(document.querySelector(`[data-testid=${id}]`)));
    const t0 = performance.now();
    input.value = String(value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    setTimeout(() => {
        const t1 = performance.now();
        charts[0].getZr().flush();
        const t2 = performance.now();
        charts[1].getZr().flush();
        const t3 = performance.now();
        // When the app had drawn everything for this change (its last drawing measure's end),
        // whatever the browser ran before this task (a frame it chose to render first).
        const drawn = performance.getEntriesByType('measure')
            .filter(e => e.name.startsWith('headroom:draw:') && e.startTime >= t0)
            .reduce((end, e) => Math.max(end, e.startTime + e.duration), t0);
        done([t3 - t0, t1 - t0, t2 - t1, t3 - t2, t0, drawn - t0]);
    }, 0);
"#;

/// The peer for the chart library: the instances chart's option at two neighbouring thresholds,
/// as the app hands it to the library, set alternately on an ECharts instance of the same size made for it in the same
/// page, timed like a round (set, then flushed on the next task). What the library alone costs for
/// this chart, without the event, the replay or the page around it.
const LIBRARY_SETUP: &str = r#"
    const [options, done] = [arguments[0], arguments[arguments.length - 1]];
    const src = document.querySelector('[data-testid=threshold-cpu]');
    const app = echarts.getInstanceByDom(document.querySelector('[data-testid=instances-chart]'));
    const el = document.querySelector('[data-testid=instances-chart]');
    const captured = [];
    const next = i => {
        if (i === options.length) {
            const div = document.createElement('div');
            div.style.width = el.clientWidth + 'px';
            div.style.height = el.clientHeight + 'px';
            document.body.appendChild(div);
            delete app.setOption;
            window.__libraryPeer = { chart: echarts.init(div), options: captured };
            window.__libraryPeer.chart.setOption(captured[0], true);
            done(captured.length);
            return;
        }
        src.value = String(options[i]);
        src.dispatchEvent(new Event('input', { bubbles: true }));
        // Past the moment after which the app gives the chart its copy of the counts.
        setTimeout(() => next(i + 1), 400);
    };
    // The option as the app hands it over (a copy: the library may keep and change it), with the
    // tracks and events drawn by the library itself, as a chart without the app's canvas would.
    const set = app.setOption;
    app.setOption = function (option, opts) {
        if (option && Array.isArray(option.series) && option.series.some(s => s.data)) {
            const o = structuredClone(option);
            for (const s of o.series) {
                if (s.lineStyle) s.lineStyle.opacity = 1;
                if (s.id === 'events' && s.itemStyle) s.itemStyle.opacity = 0.7;
            }
            captured.push(o);
        }
        return set.call(this, option, opts);
    };
    next(0);
"#;

const LIBRARY_ROUND: &str = r#"
    const [i, done] = [arguments[0], arguments[arguments.length - 1]];
    const peer = window.__libraryPeer;
    const t0 = performance.now();
    peer.chart.setOption(peer.options[i % peer.options.length], { replaceMerge: ['series'] });
    setTimeout(() => { peer.chart.getZr().flush(); done(performance.now() - t0); }, 0);
"#;

/// With HEADROOM_PROFILE set, the timed rounds run under the DevTools sampling profiler: the
/// profile goes to target/bench-workbench.cpuprofile (DevTools' Performance panel loads it) and the
/// functions with the most time of their own, and in all (with what they call), are printed.
fn report_profile(profile: &Value) {
    let nodes = profile["nodes"].as_array().cloned().unwrap_or_default();
    let name = |n: &Value| {
        let f = &n["callFrame"];
        let func = f["functionName"].as_str().filter(|s| !s.is_empty()).unwrap_or("(anonymous)");
        let url = f["url"].as_str().unwrap_or("");
        let file = url.rsplit('/').next().unwrap_or("");
        if file.is_empty() {
            func.to_string()
        } else {
            format!("{func} [{file}]")
        }
    };
    let mut by_id = HashMap::new();
    let mut parent = HashMap::new();
    for n in &nodes {
        let id = n["id"].as_i64().unwrap_or(0);
        by_id.insert(id, name(n));
        for c in n["children"].as_array().into_iter().flatten() {
            parent.insert(c.as_i64().unwrap_or(0), id);
        }
    }
    let samples = profile["samples"].as_array().cloned().unwrap_or_default();
    let deltas = profile["timeDeltas"].as_array().cloned().unwrap_or_default();
    let mut own: HashMap<String, f64> = Default::default();
    let mut all: HashMap<String, f64> = Default::default();
    for (s, d) in samples.iter().zip(deltas.iter().skip(1).chain(std::iter::once(&json!(0)))) {
        let (mut id, us) = (s.as_i64().unwrap_or(0), d.as_f64().unwrap_or(0.0));
        *own.entry(by_id.get(&id).cloned().unwrap_or_default()).or_default() += us;
        let mut seen = HashSet::new();
        loop {
            let n = by_id.get(&id).cloned().unwrap_or_default();
            if seen.insert(n.clone()) {
                *all.entry(n).or_default() += us;
            }
            match parent.get(&id) {
                Some(&p) => id = p,
                None => break,
            }
        }
    }
    let busy: f64 =
        own.iter().filter(|(k, _)| !k.starts_with("(idle)") && !k.starts_with("(program)")).map(|(_, v)| v).sum();
    let top = |m: &HashMap<String, f64>, what: &str| {
        let mut v: Vec<_> = m.iter().collect();
        v.sort_by(|a, b| b.1.total_cmp(a.1));
        println!("  profile, {what} (ms over the timed rounds; busy {:.0} ms):", busy / 1000.0);
        for (k, us) in v.into_iter().take(40) {
            println!("    {:>8.1}  {k}", us / 1000.0);
        }
    };
    top(&own, "own time");
    top(&all, "with callees");
    let out = workspace().join("target/bench-workbench.cpuprofile");
    let _ = std::fs::write(&out, profile.to_string());
    println!("  profile written to {}", out.display());
}

#[tokio::main]
async fn main() {
    let rows: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(105_120);
    let b = Browser::start().await;
    b.open().await;
    let csv = headroom_core::synth::usage_csv_every(rows, 300, 42);
    b.drop_file("year-5min.csv", &csv).await;
    b.client
        .wait()
        .at_most(Duration::from_secs(120))
        .for_element(Locator::Css("[data-testid=peak-instances]"))
        .await
        .ok();
    // Wait for every forecast (four metrics, fitted in workers) before timing anything.
    for _ in 0..600 {
        let busy = b
            .js("const s = document.querySelector('[data-testid=forecast-status]'); return !document.querySelector('[data-testid=backtest-table]') || (s && s.textContent.includes('Fitting'))", vec![])
            .await;
        if busy == json!(false) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    b.js("performance.clearMeasures()", vec![]).await;
    let profiling = std::env::var_os("HEADROOM_PROFILE").is_some();
    if profiling {
        for (cmd, params) in [
            ("Profiler.enable", json!({})),
            ("Profiler.setSamplingInterval", json!({"interval": 50})),
            ("Profiler.start", json!({})),
        ] {
            b.cdp(cmd, params).await.expect("the profiler starts");
        }
    }
    let load_before = load_average();
    let mut changed = Vec::new();
    let mut same = Vec::new();
    let mut split: Vec<Vec<f64>> = Vec::new();
    for i in 0..ROUNDS + 5 {
        // Thresholds the data crosses, so that most changes move the instance counts: down from
        // 59 % to 30 % (the counts grow) and back up, as a hand drags a slider.
        let v = threshold_at(i);
        let t = b.client.execute_async(ROUND, vec![json!(v), json!(false)]).await.expect("a timed change");
        // The same round trip on an input nobody listens to: the harness without the work.
        let n = b.client.execute_async(ROUND, vec![json!(v), json!(true)]).await.expect("a timed no-op");
        let parts = |v: &Value| -> Vec<f64> { serde_json::from_value(v.clone()).unwrap_or_default() };
        let (tp, np) = (parts(&t), parts(&n));
        let (t, n) = (tp.first().copied().unwrap_or(f64::NAN), np.first().copied().unwrap_or(f64::NAN));
        if i >= 5 {
            split.push(tp);
        }
        if i >= 5 {
            changed.push(t);
            same.push(n);
        }
    }
    if profiling {
        let profile = b.cdp("Profiler.stop", json!({})).await.expect("a profile");
        report_profile(&profile["profile"]);
    }
    let replay: Vec<f64> = serde_json::from_value(
        b.js("return performance.getEntriesByName('headroom:replay').map(e => e.duration)", vec![]).await,
    )
    .unwrap_or_default();
    let measure = |name: &str| {
        let name = name.to_string();
        let b = &b;
        async move {
            let v =
                b.js("return performance.getEntriesByName(arguments[0]).map(e => e.duration)", vec![json!(name)]).await;
            serde_json::from_value::<Vec<f64>>(v).unwrap_or_default()
        }
    };
    let (lines, instances) = (measure("headroom:draw:lines").await, measure("headroom:draw:instances").await);
    let canvas = measure("headroom:draw:tracks").await;
    let option = measure("headroom:option").await;
    let build = measure("headroom:build:instances").await;
    println!(
        "  drawing: metric chart's lines p50 {:.1} ms ({} runs); instances chart: its option built (tracks thinned, JSON) p50 {:.1} ms; the counts on its canvas p50 {:.2} ms, p95 {:.2} ms ({} runs); the chart redrawn p50 {:.1} ms ({} runs, with those once the value was still), of which JSON.parse p50 {:.1} ms",
        percentile(&lines, 0.5),
        lines.len(),
        percentile(&build, 0.5),
        percentile(&canvas, 0.5),
        percentile(&canvas, 0.95),
        canvas.len(),
        percentile(&instances, 0.5),
        instances.len(),
        percentile(&option, 0.5),
    );
    // Where the slowest rounds' time went: the app's measures that fall inside each of them.
    let entries: Vec<(String, f64, f64)> = serde_json::from_value(
        b.js(
            "return performance.getEntriesByType('measure').filter(e => e.name.startsWith('headroom:')).map(e => [e.name, e.startTime, e.duration])",
            vec![],
        )
        .await,
    )
    .unwrap_or_default();
    let mut slowest: Vec<&Vec<f64>> = split.iter().filter(|p| p.len() >= 5).collect();
    slowest.sort_by(|a, b| b[0].total_cmp(&a[0]));
    // The measures named `name` inside a change (those nested in a chart redraw, which draws the
    // canvas again, not counted twice).
    let within = |name: &str, p: &[f64]| -> (usize, f64) {
        let (t0, total) = (p[4], p[0]);
        let inside = |e: &(String, f64, f64)| e.1 >= t0 && e.1 <= t0 + total;
        let nested = |e: &(String, f64, f64)| {
            name != "headroom:draw:instances"
                && entries.iter().any(|r| r.0 == "headroom:draw:instances" && r.1 <= e.1 && e.1 + e.2 <= r.1 + r.2)
        };
        let hits: Vec<f64> = entries.iter().filter(|e| e.0 == name && inside(e) && !nested(e)).map(|e| e.2).collect();
        (hits.len(), hits.iter().sum())
    };
    // How each change reached the screen: the counts drawn on the canvas over the chart, and
    // the chart's own redraw when the counts outgrew its value axis.
    let axes_redrawn = split.iter().filter(|p| p.len() >= 5 && within("headroom:draw:instances", p).0 > 0).count();
    let canvas_drawn = split.iter().filter(|p| p.len() >= 5 && within("headroom:draw:tracks", p).0 > 0).count();
    println!(
        "  of the {} changes, {canvas_drawn} drew the counts on the canvas laid over the chart, and {axes_redrawn} also redrew the chart (its value axis grown)",
        split.len()
    );
    println!("  the five slowest changes (ms): total = replay + chart redrawn + counts on the canvas + the rest");
    for p in slowest.into_iter().take(5) {
        let total = p[0];
        let (replay, draw, canvas) = (
            within("headroom:replay", p).1,
            within("headroom:draw:instances", p).1,
            within("headroom:draw:tracks", p).1,
        );
        println!("    {total:5.1} = {replay:4.1} + {draw:4.1} + {canvas:4.1} + {:4.1}", total - replay - draw - canvas);
    }
    let peak = b.text("[data-testid=peak-instances]").await;
    let drawn: Vec<f64> = split.iter().filter_map(|p| p.get(5).copied()).collect();
    let mut result = json!({
        "rows": rows,
        "rounds": changed.len(),
        "change_ms": {"p50": percentile(&changed, 0.5), "p95": percentile(&changed, 0.95), "max": percentile(&changed, 1.0)},
        "drawn_ms": {"p50": percentile(&drawn, 0.5), "p95": percentile(&drawn, 0.95)},
        "noop_ms": {"p50": percentile(&same, 0.5), "p95": percentile(&same, 0.95)},
        "replay_ms": {"n": replay.len(), "p50": percentile(&replay, 0.5), "p95": percentile(&replay, 0.95)},
        "peak_instances_shown": peak,
    });
    let load_after = load_average();
    result["load_average"] = json!({"before": load_before, "after": load_after});
    println!("workbench, {rows} rows at 5 min, {} threshold changes:", changed.len());
    if let (Some(a), Some(b)) = (load_before, load_after) {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        println!("  machine load (1-minute average, this run's browser included) before and after the timed changes: {a:.2}, {b:.2} ({cores} cores)");
    }
    println!(
        "  input event → both charts repainted: p50 {:.1} ms, p95 {:.1} ms (target p95 < 16 ms)",
        percentile(&changed, 0.5),
        percentile(&changed, 0.95)
    );
    let col = |k: usize| split.iter().filter_map(|p| p.get(k).copied()).collect::<Vec<f64>>();
    println!(
        "  input event → the app's last drawing for it done (User Timing; not waiting for the task after): p50 {:.1} ms, p95 {:.1} ms",
        percentile(&drawn, 0.5),
        percentile(&drawn, 0.95)
    );
    println!(
        "  of which: event + effects (replay, options) p50 {:.1} ms; metric chart paint p50 {:.1} ms; instances chart paint p50 {:.1} ms",
        percentile(&col(1), 0.5),
        percentile(&col(2), 0.5),
        percentile(&col(3), 0.5)
    );
    println!(
        "  the same round trip changing nothing (peer): p50 {:.1} ms, p95 {:.1} ms; ratio p95 {:.1}×",
        percentile(&same, 0.5),
        percentile(&same, 0.95),
        percentile(&changed, 0.95) / percentile(&same, 0.95)
    );
    println!(
        "  policy replay alone (wasm, {} runs): p50 {:.2} ms, p95 {:.2} ms (target < 5 ms)",
        replay.len(),
        percentile(&replay, 0.5),
        percentile(&replay, 0.95)
    );
    // Changes one at a time, each once the last is still (a value typed, or a slider nudged with
    // the keyboard now and then): then the chart's value axis is fitted to the counts again
    // in between, so a change that raises the peak redraws the chart as well.
    let mut paused = Vec::new();
    for i in 0..PAUSED_ROUNDS {
        tokio::time::sleep(Duration::from_millis(400)).await;
        // Every other threshold of the drag (no two in a row the same: 31 % is skipped on the way up).
        let v = threshold_at(2 * i + i / 15);
        let t = b.client.execute_async(ROUND, vec![json!(v), json!(false)]).await.expect("a change");
        let t: Vec<f64> = serde_json::from_value(t).unwrap_or_default();
        paused.push(t.first().copied().unwrap_or(f64::NAN));
    }
    println!(
        "  {} changes each after a pause (the chart fitted to the counts in between): p50 {:.1} ms, p95 {:.1} ms",
        paused.len(),
        percentile(&paused, 0.5),
        percentile(&paused, 0.95)
    );
    result["paused_change_ms"] = json!({"p50": percentile(&paused, 0.5), "p95": percentile(&paused, 0.95)});
    // The chart library alone, in the same page and run (see LIBRARY_SETUP).
    b.client.execute_async(LIBRARY_SETUP, vec![json!([40, 41])]).await.expect("the library peer set up");
    let mut library = Vec::new();
    for i in 0..ROUNDS + 5 {
        let t = b.client.execute_async(LIBRARY_ROUND, vec![json!(i + 1)]).await.expect("a library round");
        if i >= 5 {
            library.push(t.as_f64().unwrap_or(f64::NAN));
        }
    }
    println!(
        "  the instances chart's option alone, set on a chart of its own in the same page (peer: the chart library): p50 {:.1} ms, p95 {:.1} ms; input → both charts ÷ library alone: p50 {:.1}×, p95 {:.1}×",
        percentile(&library, 0.5),
        percentile(&library, 0.95),
        percentile(&changed, 0.5) / percentile(&library, 0.5),
        percentile(&changed, 0.95) / percentile(&library, 0.95)
    );
    result["library_ms"] = json!({"p50": percentile(&library, 0.5), "p95": percentile(&library, 0.95)});
    if profiling {
        // The instances chart's option at two neighbouring thresholds, for experiments outside
        // the app (target/instances-option-<threshold>.json).
        for v in [40, 41] {
            b.client.execute_async(ROUND, vec![json!(v), json!(false)]).await.expect("a change");
            let o = b
                .js("return JSON.stringify(echarts.getInstanceByDom(document.querySelector('[data-testid=instances-chart]')).getOption())", vec![])
                .await;
            let _ =
                std::fs::write(workspace().join(format!("target/instances-option-{v}.json")), o.as_str().unwrap_or(""));
        }
    }
    // Phase 2, a fresh page: fitting in the browser, on the very series the native bench and the
    // Python peers use (`forecast::synthetic::daily_weekly(105_120, 5 min, 42)`), as a request-rate
    // export so that it is the only metric fitted; horizon 1 day, as the peers.
    b.client.goto(&b.url).await.expect("reload");
    b.open().await;
    let series = headroom_core::forecast::synthetic::daily_weekly(rows, 300_000, 42);
    let mut csv = String::from("timestamp,requests\n");
    for (t, v) in series.timestamps.iter().zip(&series.values) {
        csv.push_str(&format!("{},{v}\n", headroom_core::time::to_rfc3339(*t)));
    }
    b.drop_file("synthetic_1y_5min.csv", csv.as_bytes()).await;
    integer_in(&b, "peak-instances").await;
    b.js("const h = document.querySelector('[data-testid=forecast-horizon]'); h.value = '1'; h.dispatchEvent(new Event('input', {bubbles: true}))", vec![]).await;
    let mut fits = serde_json::Map::new();
    for model in ["ets", "mstl", "auto", "ets", "mstl", "auto", "ets", "mstl", "auto"] {
        b.js("performance.clearMeasures('headroom:fit:requests')", vec![]).await;
        b.js(
            "const s = document.querySelector('[data-testid=forecast-model]'); s.value = arguments[0]; s.dispatchEvent(new Event('change'))",
            vec![json!(model)],
        )
        .await;
        let ms = b
            .eventually(
                "the fit",
                "const e = performance.getEntriesByName('headroom:fit:requests'); return e.length ? e[e.length - 1].duration : null",
                vec![],
            )
            .await
            .as_f64()
            .unwrap_or(f64::NAN);
        let runs = fits.entry(model.to_string()).or_insert_with(|| json!([]));
        if let Value::Array(a) = runs {
            a.push(json!(ms));
        }
    }
    println!("fit + forecast + backtest in the browser (worker wasm, {rows} points, horizon 1 day), best of 3:");
    let mut best = serde_json::Map::new();
    for (model, runs) in &fits {
        let v: Vec<f64> = serde_json::from_value(runs.clone()).unwrap_or_default();
        let m = v.iter().copied().fold(f64::INFINITY, f64::min);
        println!("  {model}: {m:.0} ms");
        best.insert(model.clone(), json!(m));
    }
    result["browser_fit_ms"] = Value::Object(best);
    let out = workspace().join("target/bench-workbench.json");
    let _ = std::fs::write(&out, serde_json::to_string_pretty(&result).unwrap_or_default());
    b.close().await;
}
