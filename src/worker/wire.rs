//! A loaded file as JS values: its [`Meta`] as JSON text and its numeric columns as typed arrays
//! (per series in order: its timestamps as a `BigInt64Array` unless it shares those of an earlier
//! series, then its values as a `Float64Array`). The parsing worker posts files in this shape, and
//! the page keeps them in IndexedDB in it: typed arrays are transferred or stored without
//! conversion, element by element.

use js_sys::{Array, BigInt64Array, Float64Array};
use wasm_bindgen::{JsCast, JsValue};

use super::{Column, Meta};
use crate::state::LoadedFile;

/// The file's meta (JSON text) and its columns.
pub fn pack(file: &LoadedFile) -> (String, Array) {
    let meta = Meta::of(file);
    let columns = Array::new();
    for (s, m) in file.series.iter().zip(&meta.series) {
        if m.same_times_as.is_none() {
            columns.push(&BigInt64Array::from(s.timestamps.as_slice()));
        }
        columns.push(&Float64Array::from(s.values.as_slice()));
    }
    (serde_json::to_string(&meta).unwrap_or_default(), columns)
}

/// The file `name` back from its meta (JSON text) and its columns; an error sentence names the file.
pub fn unpack(name: &str, meta: &JsValue, columns: &JsValue) -> Result<LoadedFile, String> {
    let meta: Meta = meta
        .as_string()
        .and_then(|m| serde_json::from_str(&m).ok())
        .ok_or_else(|| format!("{name}: its description could not be read"))?;
    if !Array::is_array(columns) {
        return Err(format!("{name}: its columns are missing"));
    }
    let columns: Vec<Column> = Array::from(columns)
        .iter()
        .map(|c| match c.dyn_into::<BigInt64Array>() {
            Ok(t) => Column::Times(t.to_vec()),
            Err(c) => Column::Values(c.dyn_into::<Float64Array>().map(|a| a.to_vec()).unwrap_or_default()),
        })
        .collect();
    meta.into_file(name.to_string(), columns)
}
