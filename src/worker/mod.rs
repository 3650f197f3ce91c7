//! Parsing off the main thread: a dedicated Web Worker (`headroom-worker`, built by Trunk from
//! `src/bin/headroom-worker.rs`) runs `headroom-core` on the bytes of a file, so the page stays
//! responsive on large files and a parse can be cancelled by terminating the worker.
//!
//! The protocol (plain JS objects; the file's bytes and the result's columns are transferred, not
//! copied):
//! - page → worker: `{id, name, bytes: ArrayBuffer}`
//! - worker → page: `{id: 0, kind: "ready"}` once, then per job `{id, kind: "progress", fraction}`,
//!   and finally `{id, kind: "done", meta: "<json>", columns: [...]}` (per series in order: its
//!   timestamps as a `BigInt64Array` — unless it shares those of an earlier series, as the columns
//!   of one CSV do — then its values as a `Float64Array`) or `{id, kind: "error", message}`.

pub mod client;
pub mod fit;
pub mod service;
pub mod wire;

use headroom_core::ingest::Format;
use headroom_core::{Diagnostic, Series, SeriesKind};
use serde::{Deserialize, Serialize};

use crate::state::LoadedFile;

/// One numeric column of a parse result.
#[derive(Debug, PartialEq)]
pub enum Column {
    Times(Vec<i64>),
    Values(Vec<f64>),
}

/// What a parse result carries besides its numeric columns.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct Meta {
    pub format: Format,
    pub bytes: usize,
    pub series: Vec<SeriesMeta>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct SeriesMeta {
    pub name: String,
    pub unit: Option<String>,
    pub kind: SeriesKind,
    pub len: usize,
    /// The earlier series whose timestamps this one shares (no timestamp column is sent for it).
    #[serde(default)]
    pub same_times_as: Option<usize>,
}

impl Meta {
    pub fn of(file: &LoadedFile) -> Meta {
        Meta {
            format: file.format,
            bytes: file.bytes,
            series: file
                .series
                .iter()
                .enumerate()
                .map(|(i, s)| SeriesMeta {
                    name: s.name.clone(),
                    unit: s.unit.clone(),
                    kind: s.kind,
                    len: s.len(),
                    same_times_as: file.series[..i].iter().position(|p| p.timestamps == s.timestamps),
                })
                .collect(),
            diagnostics: file.diagnostics.clone(),
        }
    }

    /// Reassembles the file from its meta and its columns (see the module docs for their order).
    pub fn into_file(self, name: String, columns: Vec<Column>) -> Result<LoadedFile, String> {
        let expected = self.series.iter().map(|m| if m.same_times_as.is_some() { 1 } else { 2 }).sum::<usize>();
        if columns.len() != expected {
            return Err(format!("{name}: the parser returned {} columns, not {expected}", columns.len()));
        }
        let mut series: Vec<Series> = Vec::with_capacity(self.series.len());
        let mut cols = columns.into_iter();
        for m in self.series {
            let timestamps: Vec<i64> = match m.same_times_as {
                Some(j) => match series.get(j) {
                    Some(s) => s.timestamps.clone(),
                    None => return Err(format!("{name}: series \"{}\" refers to a missing series", m.name)),
                },
                None => match cols.next() {
                    Some(Column::Times(t)) => t,
                    _ => return Err(format!("{name}: series \"{}\" came back without its timestamps", m.name)),
                },
            };
            let Some(Column::Values(values)) = cols.next() else {
                return Err(format!("{name}: series \"{}\" came back without its values", m.name));
            };
            if timestamps.len() != m.len || values.len() != m.len {
                return Err(format!("{name}: series \"{}\" came back with the wrong number of points", m.name));
            }
            series.push(Series { name: m.name, unit: m.unit, kind: m.kind, timestamps, values });
        }
        Ok(LoadedFile { name, format: self.format, bytes: self.bytes, series, diagnostics: self.diagnostics })
    }
}
