//! A real headless Chromium, driven over WebDriver (fantoccini → chromedriver), against the built
//! app served on 127.0.0.1. Used by the end-to-end tests and the browser benchmarks.
//!
//! Needs `chromedriver` and `chromium` (scripts/setup.sh installs both); paths can be overridden
//! with CHROMEDRIVER and CHROMIUM.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::ClientBuilder;
pub use fantoccini::{Client, Locator};
use serde_json::{json, Value};
use tokio::process::{Child, Command};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The built app: HEADROOM_DIST, or `dist/` in the workspace.
pub fn dist() -> PathBuf {
    std::env::var_os("HEADROOM_DIST").map_or_else(|| workspace().join("dist"), PathBuf::from)
}

/// A served app, a chromedriver and one browser session; all stop when dropped.
pub struct Browser {
    pub client: Client,
    pub url: String,
    /// Takes the static server off the network (false) and back (true).
    pub online: crate::serve::Online,
    _driver: Child,
    _profile: TempDir,
}

impl Drop for Browser {
    /// Dropping the harness (even after a failed assertion) leaves no Chromium behind: every
    /// process started with this session's own profile directory is ended.
    fn drop(&mut self) {
        let profile = self._profile.0.display().to_string();
        let _ = std::process::Command::new("pkill").arg("-KILL").arg("-f").arg("--").arg(&profile).status();
    }
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Browser {
    /// Serves the built app (see [`dist`]) and opens a browser session on it.
    pub async fn start() -> Browser {
        Self::serving(&dist()).await
    }

    /// [`Browser::start`] with the browser in dark mode (`prefers-color-scheme: dark`).
    pub async fn start_dark() -> Browser {
        Self::launch(&dist(), &["--force-dark-mode"]).await
    }

    /// Serves `dist` and opens a browser session on it.
    pub async fn serving(dist: &Path) -> Browser {
        Self::launch(dist, &[]).await
    }

    async fn launch(dist: &Path, extra_args: &[&str]) -> Browser {
        assert!(
            dist.join("index.html").is_file(),
            "{}/index.html is missing: build the app first (`trunk build --release`; scripts/test.sh does it)",
            dist.display()
        );
        let (addr, online) = crate::serve::spawn_switchable(dist, "127.0.0.1:0").expect("start the static server");
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
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,1050",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.extend(extra_args.iter().map(|a| a.to_string()));
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": args
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
                        online: online.clone(),
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

    pub async fn open(&self) {
        self.client.goto(&self.url).await.unwrap();
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("[data-testid=drop-zone]"))
            .await
            .expect("the app mounts");
    }

    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client.execute(script, args).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Polls `script` until it returns something other than null/false, for up to 20 s.
    pub async fn eventually(&self, what: &str, script: &str, args: Vec<Value>) -> Value {
        for _ in 0..200 {
            let v = self.js(script, args.clone()).await;
            if !(v.is_null() || v == Value::Bool(false)) {
                return v;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("timed out waiting for {what}");
    }

    /// [`Browser::eventually`] with its own time limit, for slow steps (reading a 1 GB file).
    pub async fn eventually_for(&self, limit: Duration, what: &str, script: &str, args: Vec<Value>) -> Value {
        let start = std::time::Instant::now();
        while start.elapsed() < limit {
            let v = self.js(script, args.clone()).await;
            if !(v.is_null() || v == Value::Bool(false)) {
                return v;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("timed out after {limit:?} waiting for {what}");
    }

    /// Drops a file on the drop zone the way a browser does: a `drop` DragEvent carrying a
    /// DataTransfer with the file.
    pub async fn drop_file(&self, name: &str, bytes: &[u8]) {
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
    pub async fn chart_points(&self, name: &str) -> usize {
        let script = r#"
            const cards = [...document.querySelectorAll('[data-testid=series-card]')];
            const card = cards.find(c => c.querySelector('[data-testid=series-name]').textContent === arguments[0]);
            if (!card) return null;
            const inst = echarts.getInstanceByDom(card.querySelector('[data-testid=file-series-chart]'));
            if (!inst) return null;
            const opt = inst.getOption();
            return opt.series[0].data.length;
        "#;
        let v = self.eventually(&format!("a chart of {name}"), script, vec![json!(name)]).await;
        v.as_u64().unwrap() as usize
    }

    pub async fn text(&self, css: &str) -> String {
        let el = self
            .client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        el.text().await.unwrap()
    }

    pub async fn card_texts(&self) -> Vec<String> {
        let v = self
            .js("return [...document.querySelectorAll('[data-testid=series-name]')].map(e => e.textContent)", vec![])
            .await;
        serde_json::from_value(v).unwrap()
    }

    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        let dir = workspace().join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), png).unwrap();
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }

    /// Sends the Chrome DevTools Protocol command `cmd` with `params` through chromedriver
    /// (`goog/cdp/execute`) and returns its result, e.g. `Profiler.start` / `Profiler.stop`.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value, String> {
        self.client.issue_cmd(Cdp { cmd: cmd.to_string(), params }).await.map_err(|e| format!("{cmd}: {e}"))
    }
}

/// A DevTools Protocol command, for [`Browser::cdp`].
#[derive(Debug)]
struct Cdp {
    cmd: String,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({"cmd": self.cmd, "params": self.params}).to_string()))
    }
}
