//! The delimited-text reader: arbitrary bytes after a header line (so detection always picks
//! delimited text, never JSON or InfluxDB CSV). The first byte chooses the header.
#![no_main]

use libfuzzer_sys::fuzz_target;

const HEADERS: [&[u8]; 4] = [b"timestamp,value\n", b"time;cpu (%);mem\n", b"", b"sep=|\n"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let header = HEADERS[usize::from(pick) % HEADERS.len()];
    // Without a header the input itself must not look like JSON or InfluxDB CSV.
    let mut bytes = if header.is_empty() { b"t".to_vec() } else { header.to_vec() };
    bytes.extend_from_slice(rest);
    let _ = headroom_core::parse("fuzz.csv", &bytes);
});
