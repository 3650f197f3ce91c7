//! Keeping the planner's work across reloads, in this browser only: the settings ([`Session`]) in
//! `localStorage` (small, read synchronously at start so the first render already has them), and
//! each loaded file's series in IndexedDB (database `headroom`, store `files`, keyed by file
//! name; the value is the file's meta JSON and its typed-array columns, see `worker::wire`).
//!
//! Every failure (storage disabled, quota exceeded, a record from another version) is a sentence
//! for the page to show; nothing here panics and nothing blocks the page.

use std::future::Future;

use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode, Storage};

use crate::state::session::Session;
use crate::state::LoadedFile;
use crate::worker::wire;

const SESSION_KEY: &str = "headroom.session";
const DB_NAME: &str = "headroom";
const DB_VERSION: u32 = 1;
const STORE: &str = "files";
/// The version of a stored file record; records of another version are not read.
const RECORD_VERSION: u32 = 1;

fn local_storage() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The settings kept from the last visit: `Ok(None)` when there are none, an error sentence when
/// they could not be read (they are then ignored, and replaced at the next change).
pub fn load_session() -> Result<Option<Session>, String> {
    let Some(text) = local_storage().and_then(|s| s.get_item(SESSION_KEY).ok().flatten()) else { return Ok(None) };
    Session::from_json(&text)
        .map(Some)
        .map_err(|e| format!("The settings kept from your last visit were not restored: {e}."))
}

/// Keeps the settings for the next visit (best effort: a full or disabled storage keeps nothing).
pub fn save_session(session: &Session) -> Result<(), String> {
    let storage = local_storage().ok_or("this browser does not allow this page to keep anything")?;
    storage
        .set_item(SESSION_KEY, &session.to_json())
        .map_err(|e| format!("the browser refused to keep the settings ({})", js_error(&e)))
}

fn js_error(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.dyn_ref::<web_sys::DomException>().map(|e| e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}

/// Resolves when `req` succeeds (to its result) or fails (to its error's message).
fn request(req: &IdbRequest) -> impl Future<Output = Result<JsValue, String>> {
    let req2 = req.clone();
    let promise = Promise::new(&mut |resolve, reject| {
        let ok = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let fail = Closure::once_into_js(move || {
            let _ = reject.call0(&JsValue::NULL);
        });
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(fail.unchecked_ref()));
    });
    async move {
        match JsFuture::from(promise).await {
            Ok(_) => req2.result().map_err(|e| js_error(&e)),
            Err(_) => {
                Err(req2.error().ok().flatten().map_or_else(|| "the request failed".to_string(), |e| e.message()))
            }
        }
    }
}

/// Resolves when `tx` commits, or to why it failed or was aborted (a full disk says so here).
fn committed(tx: &IdbTransaction) -> impl Future<Output = Result<(), String>> {
    let tx2 = tx.clone();
    let promise = Promise::new(&mut |resolve, reject| {
        let ok = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let reject2 = reject.clone();
        let fail = Closure::once_into_js(move || {
            let _ = reject.call0(&JsValue::NULL);
        });
        let abort = Closure::once_into_js(move || {
            let _ = reject2.call0(&JsValue::NULL);
        });
        tx.set_oncomplete(Some(ok.unchecked_ref()));
        tx.set_onerror(Some(fail.unchecked_ref()));
        tx.set_onabort(Some(abort.unchecked_ref()));
    });
    async move {
        JsFuture::from(promise).await.map(|_| ()).map_err(|_| {
            tx2.error().map_or_else(
                || "the browser stopped the write".to_string(),
                |e| match e.name().as_str() {
                    "QuotaExceededError" => "the browser's storage for this page is full".to_string(),
                    _ => e.message(),
                },
            )
        })
    }
}

/// The files kept in IndexedDB. Cheap to clone.
#[derive(Clone)]
pub struct FileStore {
    db: IdbDatabase,
}

impl FileStore {
    /// Opens (creating on first use) the page's database.
    pub async fn open() -> Result<FileStore, String> {
        let factory = web_sys::window()
            .and_then(|w| w.indexed_db().ok().flatten())
            .ok_or("this browser does not allow this page to keep files")?;
        let open: IdbOpenDbRequest = factory.open_with_u32(DB_NAME, DB_VERSION).map_err(|e| js_error(&e))?;
        let upgrade = Closure::once_into_js({
            let open = open.clone();
            move || {
                if let Ok(db) = open.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
                    if !db.object_store_names().contains(STORE) {
                        let _ = db.create_object_store(STORE);
                    }
                }
            }
        });
        open.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
        let db = request(&open).await?;
        let db: IdbDatabase = db.dyn_into().map_err(|_| "the browser opened no database".to_string())?;
        Ok(FileStore { db })
    }

    fn store(&self, mode: IdbTransactionMode) -> Result<(IdbTransaction, IdbObjectStore), String> {
        let tx = self.db.transaction_with_str_and_mode(STORE, mode).map_err(|e| js_error(&e))?;
        let store = tx.object_store(STORE).map_err(|e| js_error(&e))?;
        Ok((tx, store))
    }

    /// Every kept file with its `order` (see [`FileStore::put`]), sorted by it; a record that cannot
    /// be read is an error sentence naming its file (the rest still load).
    pub async fn all(&self) -> Result<Vec<(f64, Result<LoadedFile, String>)>, String> {
        let (_tx, store) = self.store(IdbTransactionMode::Readonly)?;
        let records = request(&store.get_all().map_err(|e| js_error(&e))?).await?;
        let mut out: Vec<(f64, Result<LoadedFile, String>)> = Array::from(&records)
            .iter()
            .map(|r| {
                let get = |k: &str| Reflect::get(&r, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
                let name = get("name").as_string().unwrap_or_else(|| "a kept file".to_string());
                let order = get("order").as_f64().unwrap_or(0.0);
                let file = if get("version").as_f64() != Some(f64::from(RECORD_VERSION)) {
                    Err(format!("{name}: kept by another version of Headroom; drop the file again"))
                } else {
                    wire::unpack(&name, &get("meta"), &get("columns"))
                        .map_err(|e| format!("{e}: the copy kept in this browser is damaged; drop the file again"))
                };
                (order, file)
            })
            .collect();
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        Ok(out)
    }

    /// Keeps `file` (replacing a kept file of the same name). `order` sorts the files on restore.
    pub async fn put(&self, file: &LoadedFile, order: f64) -> Result<(), String> {
        let (meta, columns) = wire::pack(file);
        let record = Object::new();
        for (k, v) in [
            ("version", JsValue::from(RECORD_VERSION)),
            ("name", JsValue::from_str(&file.name)),
            ("order", JsValue::from(order)),
            ("meta", JsValue::from(meta)),
            ("columns", columns.into()),
        ] {
            let _ = Reflect::set(&record, &JsValue::from_str(k), &v);
        }
        let (tx, store) = self.store(IdbTransactionMode::Readwrite)?;
        store.put_with_key(&record, &JsValue::from_str(&file.name)).map_err(|e| js_error(&e))?;
        committed(&tx).await
    }

    /// Forgets the kept file `name`.
    pub async fn delete(&self, name: &str) -> Result<(), String> {
        let (tx, store) = self.store(IdbTransactionMode::Readwrite)?;
        store.delete(&JsValue::from_str(name)).map_err(|e| js_error(&e))?;
        committed(&tx).await
    }

    /// Forgets every kept file.
    pub async fn clear(&self) -> Result<(), String> {
        let (tx, store) = self.store(IdbTransactionMode::Readwrite)?;
        store.clear().map_err(|e| js_error(&e))?;
        committed(&tx).await
    }
}
