//! The worker's side: receive bytes, parse with `headroom-core`, post the result back.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::state::ingest_with_progress;

fn obj(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Installs the message handler and tells the page the worker is ready. Called from the worker
/// binary's `main`.
pub fn run() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        handle(&reply_to, &ev.data());
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&obj(&[("id", 0.into()), ("kind", "ready".into())]));
}

fn handle(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    if get(data, "job").as_string().as_deref() == Some("forecast") {
        return forecast(scope, data);
    }
    let id = get(data, "id");
    let name = get(data, "name").as_string().unwrap_or_else(|| "file".into());
    let post = |msg: Object, transfer: &Array| {
        let _ = scope.post_message_with_transfer(&msg, transfer);
    };
    post(obj(&[("id", id.clone()), ("kind", "progress".into()), ("fraction", 0.0.into())]), &Array::new());
    let buffer = get(data, "bytes");
    if !buffer.is_instance_of::<js_sys::ArrayBuffer>() {
        let msg = format!("{name}: the page sent no file contents");
        post(obj(&[("id", id), ("kind", "error".into()), ("message", msg.into())]), &Array::new());
        return;
    }
    let now = || js_sys::Date::now();
    let t0 = now();
    let bytes = Uint8Array::new(&buffer).to_vec();
    let t1 = now();
    let mut last = 0.0;
    let mut report = |f: f64| {
        if f - last >= 0.01 {
            last = f;
            post(obj(&[("id", id.clone()), ("kind", "progress".into()), ("fraction", f.into())]), &Array::new());
        }
    };
    let result = ingest_with_progress(&name, &bytes, &mut report);
    drop(bytes);
    let t2 = now();
    match result {
        Ok(file) => {
            let (meta, columns) = super::wire::pack(&file);
            let transfer = Array::new();
            for c in columns.iter() {
                transfer.push(&get(&c, "buffer"));
            }
            // Linear memory only grows, so its size now is the peak this worker has needed.
            let memory = Reflect::get(&wasm_bindgen::memory(), &"buffer".into())
                .and_then(|b| Reflect::get(&b, &"byteLength".into()))
                .unwrap_or(JsValue::UNDEFINED);
            post(
                obj(&[
                    ("id", id),
                    ("kind", "done".into()),
                    ("meta", meta.into()),
                    ("columns", columns.into()),
                    ("memory", memory),
                    // Where the time went (ms): copying the bytes in, parsing, packing the result.
                    (
                        "timings",
                        obj(&[("copy", (t1 - t0).into()), ("parse", (t2 - t1).into()), ("pack", (now() - t2).into())])
                            .into(),
                    ),
                ]),
                &transfer,
            );
        }
        Err(message) => post(obj(&[("id", id), ("kind", "error".into()), ("message", message.into())]), &Array::new()),
    }
}

/// A forecast job (see `super::fit`): fit, forecast, backtest; the result goes back as JSON.
fn forecast(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    let id = get(data, "id");
    let reply =
        match super::fit::fit_from_message(data).and_then(|r| serde_json::to_string(&r).map_err(|e| e.to_string())) {
            Ok(json) => obj(&[("id", id), ("kind", "done".into()), ("result", json.into())]),
            Err(message) => obj(&[("id", id), ("kind", "error".into()), ("message", message.into())]),
        };
    let _ = scope.post_message(&reply);
}
