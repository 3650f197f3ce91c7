//! Fitting trend models off the main thread. A fit on a year of 5-minute data takes longer than a
//! frame, so it runs in its own worker (the same `headroom-worker` binary as parsing, with
//! `job: "forecast"`); the page stays responsive, and a newer request for the same metric
//! replaces an older one still running (the worker is terminated and a fresh one started).
//!
//! Protocol: page → worker `{id, job: "forecast", options: "<json ForecastOptions>", name, unit,
//! kind: "<json SeriesKind>", timestamps: BigInt64Array, values: Float64Array}` (columns
//! transferred); worker → page `{id: 0, kind: "ready"}`, then `{id, kind: "done", result: "<json
//! ForecastResult>"}` or `{id, kind: "error", message}`.

use std::cell::RefCell;
use std::rc::Rc;

use futures_channel::oneshot;
use headroom_core::forecast::{ForecastOptions, ForecastResult};
use headroom_core::Series;
use js_sys::{Array, BigInt64Array, Float64Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::Worker;

use super::client::{spawn_worker, Handlers};

/// What a superseded fit resolves to.
pub const SUPERSEDED: &str = "superseded";

type Reply = oneshot::Sender<Result<ForecastResult, String>>;

#[derive(Default)]
struct State {
    worker: Option<Worker>,
    ready: bool,
    unavailable: bool,
    /// The job waiting for the worker to become ready.
    queued: Option<Object>,
    pending: Option<(u32, Reply)>,
    next_id: u32,
    handlers: Handlers,
}

/// One fitting worker; cheap to clone. Keep one per metric so their fits run side by side.
#[derive(Clone, Default)]
pub struct FitClient {
    state: Rc<RefCell<State>>,
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn set(o: &Object, key: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(key), v);
}

impl FitClient {
    pub fn new() -> Self {
        Self::default()
    }

    /// Fits and forecasts `series` with `options`. A later call on the same client supersedes this
    /// one, which then resolves to [`SUPERSEDED`].
    pub async fn fit(&self, series: &Series, options: &ForecastOptions) -> Result<ForecastResult, String> {
        let options_json = serde_json::to_string(options).map_err(|e| e.to_string())?;
        self.supersede();
        if !self.ensure_worker() {
            return fit_here(series, options);
        }
        let (tx, rx) = oneshot::channel();
        {
            let mut st = self.state.borrow_mut();
            st.next_id += 1;
            let id = st.next_id;
            let msg = Object::new();
            set(&msg, "id", &id.into());
            set(&msg, "job", &"forecast".into());
            set(&msg, "options", &options_json.into());
            set(&msg, "name", &series.name.as_str().into());
            set(&msg, "unit", &series.unit.as_deref().map(JsValue::from_str).unwrap_or(JsValue::NULL));
            set(&msg, "kind", &serde_json::to_string(&series.kind).unwrap_or_default().into());
            set(&msg, "timestamps", &BigInt64Array::from(series.timestamps.as_slice()));
            set(&msg, "values", &Float64Array::from(series.values.as_slice()));
            st.pending = Some((id, tx));
            if st.ready {
                if let Some(w) = &st.worker {
                    post(w, &msg);
                }
            } else {
                st.queued = Some(msg);
            }
        }
        rx.await.unwrap_or_else(|_| Err(SUPERSEDED.to_string()))
    }

    /// Drops the job in flight, if any: its worker is terminated (a fit cannot be interrupted
    /// otherwise) and the next fit starts a fresh one.
    fn supersede(&self) {
        let pending = {
            let mut st = self.state.borrow_mut();
            let Some(p) = st.pending.take() else { return };
            if let Some(w) = st.worker.take() {
                w.terminate();
            }
            st.ready = false;
            st.queued = None;
            st.handlers.clear();
            p
        };
        let _ = pending.1.send(Err(SUPERSEDED.to_string()));
    }

    fn ensure_worker(&self) -> bool {
        let mut st = self.state.borrow_mut();
        if st.unavailable {
            return false;
        }
        if st.worker.is_some() {
            return true;
        }
        let (me, me2) = (self.clone(), self.clone());
        let Some((worker, handlers)) = spawn_worker(move |data| me.on_message(&data), move |m| me2.on_crash(m)) else {
            st.unavailable = true;
            return false;
        };
        st.handlers = handlers;
        st.worker = Some(worker);
        true
    }

    fn on_message(&self, data: &JsValue) {
        let id = get(data, "id").as_f64().unwrap_or(0.0) as u32;
        let kind = get(data, "kind").as_string();
        if kind.as_deref() == Some("ready") {
            let mut st = self.state.borrow_mut();
            st.ready = true;
            if let (Some(msg), Some(w)) = (st.queued.take(), &st.worker) {
                post(w, &msg);
            }
            return;
        }
        let reply = {
            let mut st = self.state.borrow_mut();
            match st.pending.take() {
                Some((pid, reply)) if pid == id => reply,
                other => {
                    st.pending = other;
                    return;
                }
            }
        };
        let result = match kind.as_deref() {
            Some("done") => get(data, "result")
                .as_string()
                .and_then(|r| serde_json::from_str::<ForecastResult>(&r).ok())
                .ok_or_else(|| "the forecast could not be read back from the worker".to_string()),
            _ => Err(get(data, "message").as_string().unwrap_or_else(|| "the forecast failed".to_string())),
        };
        let _ = reply.send(result);
    }

    fn on_crash(&self, message: &str) {
        let (pending, never_ready, queued) = {
            let mut st = self.state.borrow_mut();
            if let Some(w) = st.worker.take() {
                w.terminate();
            }
            let never_ready = !st.ready;
            st.ready = false;
            st.unavailable |= never_ready;
            st.handlers.clear();
            (st.pending.take(), never_ready, st.queued.take())
        };
        let Some((_, reply)) = pending else { return };
        // A worker that never started: fit here instead, from the columns of the queued job.
        let result = match (never_ready, queued) {
            (true, Some(msg)) => fit_from_message(&msg),
            _ => {
                let why = if message.is_empty() { "it ran out of memory or crashed" } else { message };
                Err(format!("the model fit stopped ({why}); your data and policy are unchanged"))
            }
        };
        let _ = reply.send(result);
    }
}

fn post(worker: &Worker, msg: &Object) {
    let transfer = Array::new();
    transfer.push(&get(&get(msg, "timestamps"), "buffer"));
    transfer.push(&get(&get(msg, "values"), "buffer"));
    let _ = worker.post_message_with_transfer(msg, &transfer);
}

/// The main-thread fallback.
fn fit_here(series: &Series, options: &ForecastOptions) -> Result<ForecastResult, String> {
    headroom_core::forecast::forecast(series, options).map_err(|e| e.to_string())
}

/// Rebuilds a series and options from a job message and fits it (both sides use this).
pub fn fit_from_message(msg: &JsValue) -> Result<ForecastResult, String> {
    let options: ForecastOptions = get(msg, "options")
        .as_string()
        .and_then(|o| serde_json::from_str(&o).ok())
        .ok_or_else(|| "the forecast options could not be read".to_string())?;
    let kind = get(msg, "kind").as_string().and_then(|k| serde_json::from_str(&k).ok());
    let timestamps = get(msg, "timestamps").dyn_into::<BigInt64Array>().map(|a| a.to_vec());
    let values = get(msg, "values").dyn_into::<Float64Array>().map(|a| a.to_vec());
    let (Ok(timestamps), Ok(values), Some(kind)) = (timestamps, values, kind) else {
        return Err("the series to forecast could not be read".to_string());
    };
    let series = Series {
        name: get(msg, "name").as_string().unwrap_or_default(),
        unit: get(msg, "unit").as_string(),
        kind,
        timestamps,
        values,
    };
    fit_here(&series, &options)
}
