//! Keeping the work across reloads, wired to the page's signals: the settings are written on every
//! change, each loaded file once when it arrives (and forgotten when removed), and on start the kept
//! files come back before anything else is saved. Storage is `crate::persist`.

use std::collections::BTreeMap;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::forecast_panel::ForecastSettings;
use crate::persist::{save_session, FileStore};
use crate::state::session::Session;
use crate::state::{LoadedFile, Mapping};
use headroom_core::capacity::policy::Policy;

/// The page state that is kept.
#[derive(Clone, Copy)]
pub struct Kept {
    pub files: RwSignal<Vec<Arc<LoadedFile>>>,
    pub mapping: RwSignal<Mapping>,
    /// The policy (as settled: it is written when it stops changing).
    pub policy: Signal<Policy>,
    pub replicas: RwSignal<u32>,
    pub settings: RwSignal<ForecastSettings>,
    pub errors: RwSignal<Vec<String>>,
}

/// What the page shows about keeping.
#[derive(Clone, Copy)]
pub struct Keeping {
    /// False until the kept files have been read back (or found absent).
    pub restored: ReadSignal<bool>,
    /// Why something is not kept (storage disabled or full), if it is not.
    pub problem: ReadSignal<Option<String>>,
    /// Forgets the loaded files and the mapping, here and in storage.
    pub clear: Callback<()>,
}

/// Starts keeping `k`. `mapping` holds the kept mapping from the start; `add_files` is how the
/// page adds files (it keeps the mapping true to them).
pub fn keep(k: Kept, add_files: impl Fn(Vec<Arc<LoadedFile>>) + Copy + 'static) -> Keeping {
    let (restored, set_restored) = signal(false);
    let (problem, set_problem) = signal(None::<String>);
    let store = StoredValue::new_local(None::<FileStore>);
    // What storage holds: file name → (the `Arc` kept, its order).
    let held = StoredValue::new(BTreeMap::<String, (usize, f64)>::new());
    let kept_mapping = k.mapping.get_untracked();

    spawn_local(async move {
        match FileStore::open().await {
            Ok(fs) => {
                store.set_value(Some(fs.clone()));
                match fs.all().await {
                    Ok(kept) => {
                        let mut back = Vec::new();
                        for (order, file) in kept {
                            match file {
                                // A file the planner loaded meanwhile wins over the kept copy.
                                Ok(file) if !k.files.with_untracked(|fs| fs.iter().any(|f| f.name == file.name)) => {
                                    let file = Arc::new(file);
                                    held.update_value(|h| {
                                        h.insert(file.name.clone(), (Arc::as_ptr(&file) as usize, order));
                                    });
                                    back.push(file);
                                }
                                Ok(_) => {}
                                Err(e) => k.errors.update(|es| es.push(e)),
                            }
                        }
                        if !back.is_empty() {
                            add_files(back);
                        }
                        // The kept choices of series, wherever their series came back.
                        k.files.with_untracked(|fs| {
                            k.mapping.update(|m| {
                                for (metric, r) in kept_mapping {
                                    if r.find(fs).is_some() {
                                        m.insert(metric, r);
                                    }
                                }
                            })
                        });
                    }
                    Err(e) => {
                        set_problem.set(Some(format!("The files kept from your last visit could not be read: {e}.")))
                    }
                }
            }
            Err(e) => set_problem.set(Some(format!("Files are not kept across reloads: {e}."))),
        }
        set_restored.set(true);
    });

    // Files: put what is new or replaced, forget what was removed (only once restored, so a file
    // kept from the last visit is never forgotten before it was read back).
    Effect::new(move |_| {
        let files = k.files.get();
        if !restored.get() {
            return;
        }
        let Some(fs) = store.get_value() else { return };
        let gone: Vec<String> =
            held.with_value(|h| h.keys().filter(|n| !files.iter().any(|f| &f.name == *n)).cloned().collect());
        for name in gone {
            held.update_value(|h| {
                h.remove(&name);
            });
            let fs = fs.clone();
            spawn_local(async move {
                if let Err(e) = fs.delete(&name).await {
                    set_problem.set(Some(format!("{name}: could not be forgotten by this browser: {e}.")));
                }
            });
        }
        for file in files {
            let ptr = Arc::as_ptr(&file) as usize;
            let order = match held.with_value(|h| h.get(&file.name).copied()) {
                Some((p, _)) if p == ptr => continue,
                Some((_, order)) => order,
                None => js_sys::Date::now(),
            };
            held.update_value(|h| {
                h.insert(file.name.clone(), (ptr, order));
            });
            let fs = fs.clone();
            spawn_local(async move {
                if let Err(e) = fs.put(&file, order).await {
                    set_problem.set(Some(format!("{}: not kept for your next visit: {e}.", file.name)));
                }
            });
        }
    });

    // Settings: small, written on every change.
    Effect::new(move |_| {
        let session = Session {
            policy: k.policy.get(),
            mapping: k.mapping.get(),
            replicas: k.replicas.get(),
            settings: k.settings.get(),
        };
        if let Err(e) = save_session(&session) {
            set_problem.set(Some(format!("Settings are not kept across reloads: {e}.")));
        }
    });

    let clear = Callback::new(move |()| {
        k.files.set(Vec::new());
        k.mapping.set(Mapping::new());
        k.errors.set(Vec::new());
        set_problem.set(None);
        if let Some(fs) = store.get_value() {
            held.update_value(BTreeMap::clear);
            spawn_local(async move {
                if let Err(e) = fs.clear().await {
                    set_problem.set(Some(format!("This browser could not forget the kept files: {e}.")));
                }
            });
        }
    });
    Keeping { restored, problem, clear }
}
