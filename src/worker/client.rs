//! The page's side: send files to the parsing worker, follow their progress, cancel them.
//!
//! If the worker cannot start (its script is missing, or the browser refuses workers), parsing
//! falls back to the main thread, so a file always loads.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use futures_channel::oneshot;
use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::state::{ingest, LoadedFile};

/// The worker's loader script, emitted by Trunk next to index.html.
pub const WORKER_URL: &str = "./headroom-worker_loader.js";

/// What a cancelled parse returns instead of a file.
pub const CANCELLED: &str = "cancelled";

type Reply = oneshot::Sender<Result<LoadedFile, String>>;

struct Pending {
    name: String,
    reply: Reply,
    progress: Rc<dyn Fn(f64)>,
}

#[derive(Default)]
struct State {
    worker: Option<Worker>,
    ready: bool,
    /// Set when a worker failed before it was ever ready: parse on the main thread from then on.
    unavailable: bool,
    queue: Vec<(u32, String, ArrayBuffer)>,
    pending: HashMap<u32, Pending>,
    next_id: u32,
    handlers: Handlers,
}

/// A handle on the parsing worker; cheap to clone.
#[derive(Clone, Default)]
pub struct ParseClient {
    state: Rc<RefCell<State>>,
}

/// Records where parsing runs on `<html data-parser="worker|main-thread">` (a test hook).
fn mark_parser(mode: &str) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-parser", mode);
    }
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

impl ParseClient {
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `bytes` (the contents of the file `name`), reporting progress in [0, 1]. Resolves to
    /// the loaded file, to an error sentence naming the file, or to [`CANCELLED`].
    pub async fn parse(
        &self,
        name: String,
        bytes: ArrayBuffer,
        progress: impl Fn(f64) + 'static,
    ) -> Result<LoadedFile, String> {
        if !self.ensure_worker() {
            return parse_here(&name, &bytes);
        }
        let (tx, rx) = oneshot::channel();
        {
            let mut st = self.state.borrow_mut();
            st.next_id += 1;
            let id = st.next_id;
            st.pending.insert(id, Pending { name: name.clone(), reply: tx, progress: Rc::new(progress) });
            if st.ready {
                if let Some(w) = &st.worker {
                    post_job(w, id, &name, &bytes);
                }
            } else {
                st.queue.push((id, name.clone(), bytes));
            }
        }
        rx.await.unwrap_or_else(|_| Err(CANCELLED.to_string()))
    }

    /// Stops every parse in flight (they resolve to [`CANCELLED`]); the next parse starts a new worker.
    pub fn cancel_all(&self) {
        let pending = {
            let mut st = self.state.borrow_mut();
            if let Some(w) = st.worker.take() {
                w.terminate();
            }
            st.ready = false;
            st.queue.clear();
            st.handlers.clear();
            std::mem::take(&mut st.pending)
        };
        for (_, p) in pending {
            let _ = p.reply.send(Err(CANCELLED.to_string()));
        }
    }

    /// Starts the worker if needed; false when workers are unavailable.
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
            mark_parser("main-thread");
            return false;
        };
        st.handlers = handlers;
        st.worker = Some(worker);
        true
    }

    fn on_message(&self, data: &JsValue) {
        let id = get(data, "id").as_f64().unwrap_or(0.0) as u32;
        match get(data, "kind").as_string().as_deref() {
            Some("ready") => {
                mark_parser("worker");
                let mut st = self.state.borrow_mut();
                st.ready = true;
                let queue = std::mem::take(&mut st.queue);
                if let Some(w) = &st.worker {
                    for (id, name, bytes) in queue {
                        post_job(w, id, &name, &bytes);
                    }
                }
            }
            Some("progress") => {
                let progress = self.state.borrow().pending.get(&id).map(|p| p.progress.clone());
                if let (Some(f), Some(x)) = (progress, get(data, "fraction").as_f64()) {
                    f(x);
                }
            }
            Some("done") => {
                let Some(p) = self.state.borrow_mut().pending.remove(&id) else { return };
                let result = decode(&p.name, data);
                let _ = p.reply.send(result);
            }
            Some("error") => {
                let Some(p) = self.state.borrow_mut().pending.remove(&id) else { return };
                let message = get(data, "message").as_string().unwrap_or_else(|| format!("{}: unreadable", p.name));
                let _ = p.reply.send(Err(message));
            }
            _ => {}
        }
    }

    /// The worker died (failed to load, or crashed on a file). Jobs in flight get an error; if it
    /// never became ready, later jobs run on the main thread, including the queued ones.
    fn on_crash(&self, message: &str) {
        let (pending, queue, never_ready) = {
            let mut st = self.state.borrow_mut();
            if let Some(w) = st.worker.take() {
                w.terminate();
            }
            let never_ready = !st.ready;
            st.ready = false;
            st.unavailable |= never_ready;
            if never_ready {
                mark_parser("main-thread");
            }
            st.handlers.clear();
            (std::mem::take(&mut st.pending), std::mem::take(&mut st.queue), never_ready)
        };
        let mut pending = pending;
        if never_ready {
            for (id, name, bytes) in queue {
                if let Some(p) = pending.remove(&id) {
                    let _ = p.reply.send(parse_here(&name, &bytes));
                }
            }
        }
        for (_, p) in pending {
            let why =
                if message.is_empty() { "it ran out of memory or crashed".to_string() } else { message.to_string() };
            let _ = p
                .reply
                .send(Err(format!("{}: the parser stopped on this file ({why}); nothing else was lost", p.name)));
        }
    }
}

/// A worker's event handlers, kept alive as long as the worker.
pub type Handlers = Vec<Closure<dyn FnMut(JsValue)>>;

/// Starts a `headroom-worker` whose messages (their `data`) go to `on_message` and whose crash
/// (its message, possibly empty) goes to `on_crash`. The handlers must live as long as the worker.
pub fn spawn_worker(
    on_message: impl Fn(JsValue) + 'static,
    on_crash: impl Fn(&str) + 'static,
) -> Option<(Worker, Handlers)> {
    let opts = WorkerOptions::new();
    opts.set_type(WorkerType::Classic);
    let worker = Worker::new_with_options(WORKER_URL, &opts).ok()?;
    let on_message = Closure::<dyn FnMut(JsValue)>::new(move |ev: JsValue| {
        if let Ok(ev) = ev.dyn_into::<MessageEvent>() {
            on_message(ev.data());
        }
    });
    let on_error = Closure::<dyn FnMut(JsValue)>::new(move |ev: JsValue| {
        on_crash(&ev.dyn_ref::<ErrorEvent>().map(|e| e.message()).unwrap_or_default());
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Some((worker, vec![on_message, on_error]))
}

fn post_job(worker: &Worker, id: u32, name: &str, bytes: &ArrayBuffer) {
    let msg = Object::new();
    let _ = Reflect::set(&msg, &"id".into(), &id.into());
    let _ = Reflect::set(&msg, &"name".into(), &name.into());
    let _ = Reflect::set(&msg, &"bytes".into(), bytes);
    let _ = worker.post_message_with_transfer(&msg, &Array::of1(bytes));
}

fn decode(name: &str, data: &JsValue) -> Result<LoadedFile, String> {
    super::wire::unpack(name, &get(data, "meta"), &get(data, "columns"))
        .map_err(|e| format!("{e} (in the parser's answer)"))
}

/// The main-thread fallback.
fn parse_here(name: &str, bytes: &ArrayBuffer) -> Result<LoadedFile, String> {
    ingest(name, &Uint8Array::new(bytes).to_vec())
}
