//! Format detection and the whole of `headroom_core::parse` on arbitrary bytes: never a panic,
//! and every result within the limits.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = headroom_core::parse("fuzz.csv", data) {
        assert!(p.series.len() <= headroom_core::ingest::MAX_SERIES);
        for s in &p.series {
            assert_eq!(s.timestamps.len(), s.values.len());
            assert!(s.timestamps.windows(2).all(|w| w[0] < w[1]), "series {} not strictly increasing", s.name);
        }
    }
});
