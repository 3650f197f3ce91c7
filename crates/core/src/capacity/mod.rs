//! Capacity models: how many instances a demand needs.
//!
//! - [`queueing`]: M/M/c (Erlang C) sizing for a latency target.

pub mod queueing;
