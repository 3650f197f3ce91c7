//! Trend models (WIP).
pub mod synthetic;
