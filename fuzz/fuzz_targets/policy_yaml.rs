//! `Policy::from_hpa_yaml` on arbitrary text: never a panic, a hang or unbounded memory (YAML
//! anchors and aliases included); what it accepts passes `validate`.
#![no_main]

use headroom_core::capacity::policy::Policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(policy) = Policy::from_hpa_yaml(&text) {
        assert_eq!(policy.validate(), Ok(()));
    }
});
