//! `share::decode` on arbitrary strings (first byte even), and on arbitrary bytes deflated and
//! written as a well-formed `v1.` link (first byte odd), which reaches the JSON and validation
//! stages that random text never passes. Any policy it accepts must encode and decode again.
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use headroom_core::share::{decode, encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let link = if pick % 2 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        format!("v1.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(rest, 6)))
    };
    if let Ok(policy) = decode(&link) {
        let again = decode(&encode(&policy));
        assert_eq!(again.as_ref(), Ok(&policy));
    }
});
