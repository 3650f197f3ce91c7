//! `Policy::from_json` on arbitrary text: never a panic; what it accepts passes `validate` and
//! round-trips through `to_json`.
#![no_main]

use headroom_core::capacity::policy::Policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(policy) = Policy::from_json(&text) {
        assert_eq!(policy.validate(), Ok(()));
        assert_eq!(Policy::from_json(&policy.to_json()), Ok(policy));
    }
});
