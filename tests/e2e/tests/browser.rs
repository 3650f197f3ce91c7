//! End-to-end: the release build in `dist/`, served on 127.0.0.1, driven in real headless Chromium
//! through chromedriver (WebDriver), as a user would use it.
//!
//! Needs `dist/` (built by `trunk build --release`), `chromedriver` and `chromium`; scripts/test.sh
//! provides all three. Paths can be overridden with HEADROOM_DIST, CHROMEDRIVER and CHROMIUM.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use tokio::process::{Child, Command};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn nab(file: &str) -> PathBuf {
    workspace().join("../shared/data/nab/realAWSCloudwatch").join(file)
}

/// A served app, a chromedriver and one browser session; all stop when dropped.
struct Browser {
    client: Client,
    url: String,
    _driver: Child,
    _profile: TempDir,
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Browser {
    async fn start() -> Browser {
        let dist = std::env::var_os("HEADROOM_DIST").map_or_else(|| workspace().join("dist"), PathBuf::from);
        assert!(
            dist.join("index.html").is_file(),
            "{}/index.html is missing: build the app first (`trunk build --release`; scripts/test.sh does it)",
            dist.display()
        );
        let addr = headroom_e2e::serve::spawn(&dist, "127.0.0.1:0").expect("start the static server");
        let driver_bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {driver_bin}: {e}"));
        let profile = std::env::temp_dir().join(format!("headroom-e2e-{}-{port}", std::process::id()));
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,1050",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        });
        let caps = match caps {
            Value::Object(m) => m,
            _ => unreachable!(),
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let webdriver = format!("http://127.0.0.1:{port}");
        let mut last_err = String::new();
        for _ in 0..100 {
            match ClientBuilder::new(connector.clone()).capabilities(caps.clone()).connect(&webdriver).await {
                Ok(client) => {
                    return Browser {
                        client,
                        url: format!("http://{addr}/"),
                        _driver: driver,
                        _profile: TempDir(profile),
                    }
                }
                Err(e) => {
                    last_err = e.to_string();
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        panic!("no WebDriver session from {driver_bin} with {chromium}: {last_err}");
    }

    async fn open(&self) {
        self.client.goto(&self.url).await.unwrap();
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("[data-testid=drop-zone]"))
            .await
            .expect("the app mounts");
    }

    async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client.execute(script, args).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Polls `script` until it returns something other than null/false, for up to 20 s.
    async fn eventually(&self, what: &str, script: &str, args: Vec<Value>) -> Value {
        for _ in 0..200 {
            let v = self.js(script, args.clone()).await;
            if !(v.is_null() || v == Value::Bool(false)) {
                return v;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("timed out waiting for {what}");
    }

    /// Drops a file on the drop zone the way a browser does: a `drop` DragEvent carrying a
    /// DataTransfer with the file.
    async fn drop_file(&self, name: &str, bytes: &[u8]) {
        let script = r#"
            const [name, data] = arguments;
            const file = new File([new Uint8Array(data)], name);
            const dt = new DataTransfer();
            dt.items.add(file);
            const zone = document.querySelector('[data-testid=drop-zone]');
            zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
            zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
            return true;
        "#;
        self.js(script, vec![json!(name), json!(bytes)]).await;
    }

    /// The number of points in the chart of the series card named `name` (null until drawn).
    async fn chart_points(&self, name: &str) -> usize {
        let script = r#"
            const cards = [...document.querySelectorAll('[data-testid=series-card]')];
            const card = cards.find(c => c.querySelector('[data-testid=series-name]').textContent === arguments[0]);
            if (!card) return null;
            const inst = echarts.getInstanceByDom(card.querySelector('[data-testid=series-chart]'));
            if (!inst) return null;
            const opt = inst.getOption();
            return opt.series[0].data.length;
        "#;
        let v = self.eventually(&format!("a chart of {name}"), script, vec![json!(name)]).await;
        v.as_u64().unwrap() as usize
    }

    async fn text(&self, css: &str) -> String {
        let el = self
            .client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        el.text().await.unwrap()
    }

    async fn card_texts(&self) -> Vec<String> {
        let v = self
            .js("return [...document.querySelectorAll('[data-testid=series-name]')].map(e => e.textContent)", vec![])
            .await;
        serde_json::from_value(v).unwrap()
    }

    async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        let dir = workspace().join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), png).unwrap();
    }

    async fn close(self) {
        let _ = self.client.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sample_data_is_one_click_away() {
    let b = Browser::start().await;
    b.open().await;
    assert!(b.text("[data-testid=empty-state]").await.contains("Try sample data"));
    b.client.find(Locator::Css("[data-testid=sample-data]")).await.unwrap().click().await.unwrap();
    assert_eq!(b.chart_points("ec2_cpu_utilization_5f5533").await, 4032);
    assert_eq!(b.text("[data-testid=series-points]").await, "4,032 points");
    let span = b.text("[data-testid=series-span]").await;
    assert!(span.starts_with("2014-02-14 14:27 → 2014-02-28 14:22 UTC · 13 d 23 h · every 5 min"), "{span}");
    assert_eq!(b.text("[data-testid=diagnostics]").await, "Every row was read.");
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
    assert!(diag.contains("11 problems found"), "{diag}");
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
    b.close().await;
}
