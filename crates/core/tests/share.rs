//! Share links as a user meets them: every policy comes back exactly, and anything else (typos,
//! truncation, tampering, other versions, oversized or hostile links) is refused with a message
//! saying what was wrong, never a panic.

mod common;

use std::path::{Path, PathBuf};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::policies;
use headroom_core::capacity::Policy;
use headroom_core::share::{decode, encode, ShareError, MAX_FRAGMENT_BYTES, MAX_JSON_BYTES};
use proptest::prelude::*;

fn fixture(name: &str) -> Policy {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/policies").join(name);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    if name.ends_with(".yaml") {
        Policy::from_hpa_yaml(&text).unwrap()
    } else {
        Policy::from_json(&text).unwrap()
    }
}

const FIXTURES: [&str; 7] = [
    "seed.json",
    "threshold.json",
    "target-tracking.json",
    "step-scaling.json",
    "queueing.json",
    "hpa-web.yaml",
    "hpa-legacy.yaml",
];

/// `v1.` + base64url(raw deflate(bytes)): a link made by hand.
fn link_for(bytes: &[u8]) -> String {
    format!("v1.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(bytes, 6)))
}

#[test]
fn every_fixture_policy_comes_back_exactly_and_the_links_are_short() {
    for name in FIXTURES {
        let p = fixture(name);
        let link = encode(&p);
        assert!(link.starts_with("v1."), "{name}: {link}");
        assert!(link[3..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{name}: {link}");
        // Compact enough for a chat message; deflate pays off on the larger policies.
        assert!(link.len() < 512, "{name}: {} bytes", link.len());
        if p.to_json().len() > 300 {
            assert!(link.len() < p.to_json().len(), "{name}: {} vs {}", link.len(), p.to_json().len());
        }
        assert_eq!(decode(&link).unwrap(), p, "{name}");
        assert_eq!(decode(&format!("#{link}")).unwrap(), p, "{name}: with the leading #");
    }
}

#[test]
fn each_kind_of_bad_link_says_what_is_wrong() {
    let good = encode(&fixture("threshold.json"));
    let payload = &good[3..];
    let cases: Vec<(String, ShareError, &str)> = vec![
        (
            format!("v2.{payload}"),
            ShareError::UnknownVersion("v2".into()),
            "the link is version `v2`, which this Headroom cannot read (it reads v1)",
        ),
        ("#v10.abc".into(), ShareError::UnknownVersion("v10".into()), "the link is version `v10`"),
        (payload.to_string(), ShareError::NoVersion, "the link has no version: it should start with `v1.`"),
        ("".into(), ShareError::NoVersion, "no version"),
        ("#".into(), ShareError::NoVersion, "no version"),
        ("V1.abc".into(), ShareError::NoVersion, "no version"),
        (
            format!("#v1.ab*{payload}"),
            ShareError::BadCharacter { character: '*', position: 7 },
            "the link has '*' at character 7, which is not base64url",
        ),
        ("v1.abé".into(), ShareError::BadCharacter { character: 'é', position: 6 }, "'é' at character 6"),
        // Standard base64's characters and padding are not base64url.
        ("v1.ab+c".into(), ShareError::BadCharacter { character: '+', position: 6 }, "'+' at character 6"),
        ("v1.abc=".into(), ShareError::BadCharacter { character: '=', position: 7 }, "'=' at character 7"),
        (
            format!("v1.{payload} "),
            ShareError::BadCharacter { character: ' ', position: good.len() + 1 },
            "' ' at character",
        ),
        ("v1.".into(), ShareError::Truncated, "the link is truncated"),
        (
            format!("v1.{}", "A".repeat(MAX_FRAGMENT_BYTES)),
            ShareError::TooLong { len: MAX_FRAGMENT_BYTES + 3, max: MAX_FRAGMENT_BYTES },
            "the link is too long: 8195 bytes after `#` (at most 8192)",
        ),
    ];
    for (link, kind, message) in cases {
        let e = decode(&link).unwrap_err();
        assert_eq!(e, kind, "{link:.40}");
        assert!(e.to_string().contains(message), "{link:.40}: {e}");
    }
    // One base64url character too many cannot be base64url.
    let e = decode(&format!("{good}A")).unwrap_err();
    assert!(matches!(e, ShareError::BadBase64(_) | ShareError::Corrupt(_)), "{e}");
    assert!(e.to_string().starts_with("the link"), "{e}");
}

#[test]
fn truncated_and_tampered_links_are_refused() {
    let p = fixture("hpa-web.yaml");
    let good = encode(&p);
    // Cut anywhere: refused (or, if only padding bits went, the same policy), never another one.
    for cut in 3..good.len() {
        match decode(&good[..cut]) {
            Ok(q) => assert_eq!(q, p, "cut at {cut}"),
            Err(e) => assert!(
                matches!(e, ShareError::Truncated | ShareError::BadBase64(_) | ShareError::Corrupt(_)),
                "cut at {cut}: {e:?}"
            ),
        }
    }
    assert_eq!(decode(&good[..good.len() - 8]), Err(ShareError::Truncated));
    // Change one character anywhere: refused or, rarely, still a valid policy; never a panic.
    let mut refused = 0;
    for i in 3..good.len() {
        let mut bytes = good.clone().into_bytes();
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        if decode(&tampered).is_err() {
            refused += 1;
        }
    }
    assert!(refused * 10 >= (good.len() - 3) * 9, "{refused} of {} tampered links refused", good.len() - 3);
    // Extra bytes after the compressed stream.
    let mut packed = URL_SAFE_NO_PAD.decode(&good[3..]).unwrap();
    packed.extend_from_slice(b"xyz");
    let e = decode(&format!("v1.{}", URL_SAFE_NO_PAD.encode(&packed))).unwrap_err();
    assert_eq!(e, ShareError::Corrupt("3 unexpected bytes after the end of the compressed data".into()));
}

#[test]
fn json_that_is_not_a_policy_names_the_field() {
    let cases = [
        (r#"{"version": 1, "max_instances": "ten", "scaler": {"type": "queueing"}}"#, "max_instances", "invalid type"),
        (r#"{"version": 1, "max_instances": 3, "colour": 1}"#, "colour", "unknown field `colour`"),
        (
            r#"{"version": 1, "max_instances": 3, "redundancy": {"spare": -1}, "scaler": {"type": "queueing"}}"#,
            "redundancy.spare",
            "invalid value",
        ),
        (r#"[1, 2]"#, ".", "expected struct Policy"),
        ("not json", ".", "expected"),
    ];
    for (json, path, message) in cases {
        let e = decode(&link_for(json.as_bytes())).unwrap_err();
        let ShareError::NotAPolicy { path: at, message: m } = &e else { panic!("{json}: {e:?}") };
        assert_eq!(at, path, "{json}: {e}");
        assert!(m.contains(message), "{json}: {e}");
        assert!(e.to_string().starts_with(&format!("the link does not hold a policy: at `{path}`: ")), "{e}");
    }
    // A policy followed by anything else.
    let json = format!("{} trailing", fixture("queueing.json").to_json());
    let e = decode(&link_for(json.as_bytes())).unwrap_err();
    assert!(e.to_string().contains("trailing characters"), "{e}");
    // Not UTF-8.
    let e = decode(&link_for(&[0xff, 0xfe, b'{'])).unwrap_err();
    assert!(matches!(e, ShareError::NotAPolicy { .. }), "{e:?}");
}

#[test]
fn out_of_range_values_are_refused_with_the_field() {
    let json = fixture("threshold.json").to_json().replace("\"scale_up\":70.0", "\"scale_up\":120.0");
    assert!(json.contains("120.0"), "{json}");
    let e = decode(&link_for(json.as_bytes())).unwrap_err();
    assert_eq!(e.to_string(), "the link's policy is out of range: scaler.cpu.scale_up: 120 % is above 100 %");
    let json = fixture("queueing.json").to_json().replace("\"version\":1", "\"version\":2");
    let e = decode(&link_for(json.as_bytes())).unwrap_err();
    assert!(matches!(e, ShareError::OutOfRange(_)), "{e:?}");
    assert!(e.to_string().contains("version 2 is not supported"), "{e}");
}

#[test]
fn decompression_is_bounded_at_the_limit() {
    // A real policy padded with whitespace to exactly the limit reads; one byte more is refused.
    let json = fixture("step-scaling.json").to_json();
    let at_limit = format!("{json}{}", " ".repeat(MAX_JSON_BYTES - json.len()));
    assert_eq!(decode(&link_for(at_limit.as_bytes())).unwrap(), fixture("step-scaling.json"));
    let over = format!("{at_limit} ");
    assert_eq!(decode(&link_for(over.as_bytes())), Err(ShareError::TooLarge { max: MAX_JSON_BYTES }));
    // A bomb: 4 MiB of zeros fits in a link under the length limit, and is refused.
    let bomb = link_for(&vec![0u8; 4 << 20]);
    assert!(bomb.len() <= MAX_FRAGMENT_BYTES, "{}", bomb.len());
    let e = decode(&bomb).unwrap_err();
    assert_eq!(e, ShareError::TooLarge { max: MAX_JSON_BYTES });
    assert_eq!(e.to_string(), "the link's policy is larger than 65536 bytes when decompressed");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_policy_round_trips(p in policies::policy()) {
        let link = encode(&p);
        prop_assert!(link.len() <= MAX_FRAGMENT_BYTES, "{}", link.len());
        prop_assert_eq!(decode(&link), Ok(p.clone()));
        prop_assert_eq!(decode(&format!("#{link}")), Ok(p));
    }

    #[test]
    fn any_string_is_refused_without_panicking(s in any::<String>()) {
        prop_assert!(decode(&s).is_err());
    }

    #[test]
    fn text_without_a_dot_has_no_version(s in "#?[^.]{0,200}") {
        prop_assert_eq!(decode(&s), Err(ShareError::NoVersion));
    }

    #[test]
    fn a_non_base64url_character_is_named_where_it_is(
        before in "[A-Za-z0-9_-]{0,40}",
        bad in "[^A-Za-z0-9_-]",
        after in ".{0,40}",
    ) {
        let link = format!("v1.{before}{bad}{after}");
        let c = bad.chars().next().unwrap();
        prop_assert_eq!(decode(&link), Err(ShareError::BadCharacter { character: c, position: 4 + before.len() }));
    }

    #[test]
    fn arbitrary_bytes_after_v1_are_refused_as_the_right_kind(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let link = format!("v1.{}", URL_SAFE_NO_PAD.encode(&bytes));
        let e = decode(&link).unwrap_err();
        prop_assert!(
            matches!(e, ShareError::Truncated | ShareError::Corrupt(_) | ShareError::TooLarge { .. } | ShareError::NotAPolicy { .. }),
            "{:?}", e
        );
    }

    #[test]
    fn arbitrary_json_after_deflate_is_refused_or_valid(json in "\\{\"[a-z_]{1,15}\": ?[0-9a-z\"\\[\\]{}:,. ]{0,60}\\}") {
        match decode(&link_for(json.as_bytes())) {
            Ok(p) => prop_assert!(p.validate().is_ok()),
            Err(e) => prop_assert!(matches!(e, ShareError::NotAPolicy { .. } | ShareError::OutOfRange(_)), "{:?}", e),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn deflate_bombs_are_refused(size in (MAX_JSON_BYTES + 1)..(4 << 20), byte in any::<u8>()) {
        let link = link_for(&vec![byte; size]);
        prop_assert_eq!(decode(&link), Err(ShareError::TooLarge { max: MAX_JSON_BYTES }));
    }
}
