//! End-to-end: hostile and malformed files picked with the file button in real Chromium. Each gets
//! its own message naming the file and the reason, nothing from a file runs as markup, the page's
//! Content-Security-Policy is never violated, and the app keeps working afterwards.
//!
//! Needs `dist/` (built by `trunk build --release`), `chromedriver` and `chromium`, like
//! `tests/browser.rs`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::actions::{InputSource, MouseActions, PointerAction};
use headroom_e2e::browser::{Browser, Locator};
use serde_json::{json, Value};

/// A directory of generated files, removed when dropped.
struct Files(PathBuf);

impl Files {
    /// A directory of its own: the tests run in parallel, and each removes its directory when done
    /// (one shared by the process was removed under a test still picking a file from it).
    fn new() -> Files {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("headroom-hostile-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Files(dir)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Counts `securitypolicyviolation` events from now on (in `window.__cspViolations`).
async fn watch_csp(b: &Browser) {
    b.js(
        "window.__cspViolations = []; \
         document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`)); \
         return true",
        vec![],
    )
    .await;
}

async fn csp_violations(b: &Browser) -> Value {
    b.js("return window.__cspViolations", vec![]).await
}

/// Picks `path` with the file button, as a user does.
async fn pick(b: &Browser, path: &Path) {
    let input = b.client.find(Locator::Css("[data-testid=file-input]")).await.unwrap();
    input.send_keys(path.canonicalize().unwrap().to_str().unwrap()).await.unwrap();
}

/// Waits for the error banner to name `name` and returns its text.
async fn banner_about(b: &Browser, name: &str) -> String {
    let v = b
        .eventually(
            &format!("the error banner about {name}"),
            "const e = document.querySelector('[data-testid=error-banner]'); \
             return e && e.textContent.includes(arguments[0] + ':') ? e.textContent : null",
            vec![json!(name)],
        )
        .await;
    v.as_str().unwrap().to_string()
}

/// A header and two rows of 9,999 numeric columns after the timestamp: 10,000 columns.
fn ten_thousand_columns() -> Vec<u8> {
    let header: Vec<String> = std::iter::once("time".to_string()).chain((1..10_000).map(|i| format!("s{i}"))).collect();
    let row = |t: u64| format!("{t}{}", ",1".repeat(9_999));
    format!("{}\n{}\n{}\n", header.join(","), row(1_700_000_000), row(1_700_000_060)).into_bytes()
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_files_each_get_their_message_and_the_app_keeps_working() {
    let files = Files::new();
    let mixed = "timestamp,value\n2014-02-14 14:27:00,1\n2014-02-14T14:32:00Z,2\n1392389220,4\nFeb 14 2014 14:52,5\n2014-02-14 14:57:00,6\n1392390000,7\n";
    let corpus: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "truncated.json",
            br#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1435781430,"1"],[14357"#
                .to_vec(),
            "truncated.json: not valid JSON: EOF while parsing a list at line 1, column 106",
        ),
        (
            "binary.csv",
            b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0".to_vec(),
            "binary.csv: not a text file (binary data: a NUL byte at offset 7)",
        ),
        ("empty.csv", Vec::new(), "empty.csv: the file is empty"),
        (
            "header-only.csv",
            b"timestamp,value\n".to_vec(),
            "header-only.csv: no usable rows: every data row had a problem; the first, at line 1: the file has a header but no data rows",
        ),
        (
            "wrong-delimiter.csv",
            b"timestamp#value\n2014-02-14 14:27:00#51.8\n2014-02-14 14:32:00#44.5\n".to_vec(),
            "wrong-delimiter.csv: not a time series: line 1 has a single column (\"timestamp#value\")",
        ),
        (
            "mixed-timestamps.csv",
            mixed.as_bytes().to_vec(),
            "mixed-timestamps.csv: not a time series Headroom can read: column 1 (\"timestamp\") mixes timestamp formats: of 6 rows sampled, 3 read as dates and 2 as epoch numbers; line 4 reads \"1392389220\"",
        ),
        (
            "wide.csv",
            ten_thousand_columns(),
            "wide.csv: line 1 has 10,000 columns; Headroom reads at most 1,001 (a timestamp and 1,000 series)",
        ),
        (
            "long-line.csv",
            format!("timestamp,value\n{}\n2014-02-14 14:27:00,1\n", "7".repeat(2_000_000)).into_bytes(),
            "long-line.csv: line 2 is 2,000,000 bytes long, over the limit of 1,048,576 bytes per line",
        ),
        (
            "deep.json",
            "[".repeat(100_000).into_bytes(),
            "deep.json: JSON nested more than 128 levels deep (at line 1, column 128)",
        ),
    ];

    let b = Browser::start().await;
    b.open().await;
    watch_csp(&b).await;
    for (name, bytes, message) in &corpus {
        let path = files.write(name, bytes);
        pick(&b, &path).await;
        let text = banner_about(&b, name).await;
        assert!(text.contains(message), "{name}: {text}");
    }

    // A 1.2 GB file is refused from its size, before it is read (sparse: no disk space used).
    let big = files.0.join("huge.csv");
    std::fs::File::create(&big).unwrap().set_len(1_200_000_000).unwrap();
    pick(&b, &big).await;
    let text = banner_about(&b, "huge.csv").await;
    assert!(text.contains("huge.csv: 1.2 GB is over the 1 GB limit"), "{text}");

    // Nothing was loaded by any of them.
    assert_eq!(b.js("return document.querySelectorAll('[data-testid=series-card]').length", vec![]).await, json!(0));

    // Markup in a file is shown as text: the series is named by the literal header.
    let name = "<img src=x onerror=\"window.__pwned=1\">";
    let path = files.write("markup.csv", format!("time,{name}\n1700000000,1\n1700000060,2\n").as_bytes());
    pick(&b, &path).await;
    let shown = b
        .eventually(
            "the markup series card",
            "const e = document.querySelector('[data-testid=series-name]'); return e ? e.textContent : null",
            vec![],
        )
        .await;
    assert_eq!(shown, json!(name));
    assert_eq!(b.js("return document.querySelectorAll('.series-card img').length", vec![]).await, json!(0));
    // ECharts' tooltip (HTML it builds) names the series escaped, as text.
    let chart = b.client.find(Locator::Css("[data-testid=file-series-chart]")).await.unwrap();
    b.client
        .perform_actions(
            MouseActions::new("mouse".to_string())
                .then(PointerAction::MoveToElement { element: chart.clone(), duration: None, x: 0.0, y: 0.0 })
                .then(PointerAction::MoveToElement {
                    element: chart,
                    duration: Some(Duration::from_millis(200)),
                    x: 5.0,
                    y: 5.0,
                }),
        )
        .await
        .unwrap();
    let tooltip = b
        .eventually(
            "the markup chart's tooltip",
            "const c = document.querySelector('[data-testid=file-series-chart]'); return c && /2023/.test(c.innerText) ? c.innerText : null",
            vec![],
        )
        .await;
    assert!(tooltip.as_str().unwrap().contains(name), "{tooltip}");
    assert_eq!(
        b.js("return document.querySelectorAll('[data-testid=file-series-chart] img').length", vec![]).await,
        json!(0)
    );
    assert_eq!(b.js("return window.__pwned === undefined", vec![]).await, json!(true));

    // The app still works: the sample loads and the plan gives a peak instance count.
    b.client.find(Locator::Css("[data-testid=sample-data]")).await.unwrap().click().await.unwrap();
    assert_eq!(b.chart_points("ec2_cpu_utilization_5f5533").await, 4032);
    let peak = b
        .eventually(
            "a number in peak-instances",
            "const e = document.querySelector('[data-testid=peak-instances]'); const m = e && e.textContent.match(/\\d+/); return m ? Number(m[0]) : null",
            vec![],
        )
        .await;
    assert!(peak.as_u64().is_some_and(|n| n >= 1), "{peak}");
    // Files were parsed in the worker, which runs under the policy sent as a header.
    assert_eq!(b.js("return document.documentElement.dataset.parser", vec![]).await, json!("worker"));

    // Hovering a chart opens ECharts' tooltip (HTML with style attributes): still no violation.
    const SAMPLE_CHART: &str = "//article[.//h3[@data-testid='series-name' and text()='ec2_cpu_utilization_5f5533']]//div[@data-testid='file-series-chart']";
    b.js(
        "document.evaluate(arguments[0], document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue.scrollIntoView({block: 'center'}); return true",
        vec![json!(SAMPLE_CHART)],
    )
    .await;
    let chart = b.client.find(Locator::XPath(SAMPLE_CHART)).await.unwrap();
    let hover = MouseActions::new("mouse".to_string())
        .then(PointerAction::MoveToElement { element: chart, duration: None, x: 0.0, y: 0.0 })
        .then(PointerAction::Pause { duration: Duration::from_millis(300) })
        .then(PointerAction::MoveToElement {
            element: b.client.find(Locator::XPath(SAMPLE_CHART)).await.unwrap(),
            duration: Some(Duration::from_millis(200)),
            x: 20.0,
            y: 0.0,
        });
    b.client.perform_actions(hover).await.unwrap();
    // The tooltip is a div of text beside the canvas; it names the time under the pointer.
    b.eventually(
        "the chart's tooltip",
        "const c = document.evaluate(arguments[0], document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue; \
         return c && /2014/.test(c.innerText) ? c.innerText : null",
        vec![json!(SAMPLE_CHART)],
    )
    .await;
    assert_eq!(csp_violations(&b).await, json!([]), "Content-Security-Policy violations");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_carries_a_strict_content_security_policy() {
    let b = Browser::start().await;
    b.open().await;
    let policy = b
        .js(
            "const m = document.querySelector('meta[http-equiv=Content-Security-Policy]'); return m && m.content",
            vec![],
        )
        .await;
    let policy = policy.as_str().expect("a Content-Security-Policy meta element");
    assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"), "{policy}");
    for directive in policy.split(';').map(str::trim) {
        let mut words = directive.split_whitespace();
        let name = words.next().unwrap_or("");
        for source in words {
            assert_ne!(source, "'unsafe-eval'", "{policy}");
            // Inline style attributes only (ECharts' tooltips); never inline script.
            assert!(source != "'unsafe-inline'" || name == "style-src-attr", "{name} {source} in {policy}");
        }
    }
    for directive in ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "img-src 'self' data: blob:"] {
        assert!(policy.contains(directive), "{directive} missing from {policy}");
    }
    // Inline script is refused. (WebDriver's own scripts are exempt from the policy, so eval
    // cannot be tested from here; the policy above holds no 'unsafe-eval'.)
    watch_csp(&b).await;
    b.js(
        "const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.head.appendChild(s); return true",
        vec![],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(b.js("return window.__inline === undefined", vec![]).await, json!(true));
    let violations = csp_violations(&b).await;
    assert!(violations.as_array().is_some_and(|v| v.iter().any(|s| s.as_str().unwrap().starts_with("script-src"))));
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_workbench_flows_raise_no_policy_violation() {
    let b = Browser::start().await;
    b.open().await;
    watch_csp(&b).await;
    b.client.find(Locator::Css("[data-testid=sample-data]")).await.unwrap().click().await.unwrap();
    assert_eq!(b.chart_points("ec2_cpu_utilization_5f5533").await, 4032);
    b.eventually(
        "the plan",
        "const e = document.querySelector('[data-testid=peak-instances]'); return e && /\\d/.test(e.textContent)",
        vec![],
    )
    .await;
    // Exports and downloads: the policy as text and as a file, the instances CSV, both charts as
    // PNG (data: URLs), the share link copied.
    let clicks = b
        .js(
            "const buttons = [...document.querySelectorAll('[data-testid=export-download], [data-testid=export-csv], [data-testid=copy-link]')]
               .concat([...document.querySelectorAll('button')].filter(x => x.textContent === 'Chart as PNG'));
             buttons.forEach(x => x.click());
             return buttons.length",
            vec![],
        )
        .await;
    assert!(clicks.as_u64().is_some_and(|n| n >= 4), "{clicks}");
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(csp_violations(&b).await, json!([]), "Content-Security-Policy violations");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_just_under_1_gb_is_read_and_answered_without_crashing_the_tab() {
    // 999,999,999 zero bytes (a sparse file: no disk used): read by the browser, transferred to the
    // parsing worker and copied into its memory, then refused as binary; the page lives on.
    let files = Files::new();
    let path = files.0.join("almost-1gb.csv");
    std::fs::File::create(&path).unwrap().set_len(999_999_999).unwrap();
    let b = Browser::start().await;
    b.open().await;
    pick(&b, &path).await;
    let v = b
        .eventually_for(
            Duration::from_secs(120),
            "the error banner about almost-1gb.csv",
            "const e = document.querySelector('[data-testid=error-banner]'); \
             return e && e.textContent.includes('almost-1gb.csv:') ? e.textContent : null",
            vec![],
        )
        .await;
    assert!(
        v.as_str().unwrap().contains("almost-1gb.csv: not a text file (binary data: a NUL byte at offset 0)"),
        "{v}"
    );
    b.client.find(Locator::Css("[data-testid=sample-data]")).await.unwrap().click().await.unwrap();
    assert_eq!(b.chart_points("ec2_cpu_utilization_5f5533").await, 4032);
    b.close().await;
}
