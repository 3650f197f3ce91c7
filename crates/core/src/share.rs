//! Share links: a [`Policy`] (never the data) as the body of a URL fragment, `v1.<payload>`.
//!
//! The payload is the policy's compact JSON ([`Policy::to_json`]), raw-deflated (RFC 1951, no
//! zlib header) and written in base64url without padding (RFC 4648 §5), so it needs no escaping
//! in a URL. [`decode`] is strict and bounded: it refuses a fragment longer than
//! [`MAX_FRAGMENT_BYTES`] before reading it, inflates into at most [`MAX_JSON_BYTES`] (a small
//! link cannot expand into a large allocation), and accepts only a policy that
//! [`Policy::validate`] passes. Every failure is a [`ShareError`] saying what was wrong and where.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

use crate::capacity::policy::{Policy, PolicyError, VERSION};

/// The longest fragment body [`decode`] reads, in bytes (8 KiB). Policies encode to a few hundred
/// bytes; browsers and chat tools start truncating URLs not far above this.
pub const MAX_FRAGMENT_BYTES: usize = 8 * 1024;
/// The most bytes the payload may inflate to (64 KiB): far above any real policy's JSON, and a
/// hard bound on what a crafted link (a "deflate bomb") can make the decoder allocate.
pub const MAX_JSON_BYTES: usize = 64 * 1024;
/// Deflate level used by [`encode`] (miniz's best).
const LEVEL: u8 = 9;

/// Why a share link cannot be opened. Messages say what was wrong and where.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ShareError {
    /// The fragment is longer than [`MAX_FRAGMENT_BYTES`]; nothing of it was read.
    #[error("the link is too long: {len} bytes after `#` (at most {max})")]
    TooLong {
        /// Its length in bytes.
        len: usize,
        /// [`MAX_FRAGMENT_BYTES`].
        max: usize,
    },
    /// The fragment does not start with a version such as `v1.`.
    #[error("the link has no version: it should start with `v{VERSION}.`")]
    NoVersion,
    /// The fragment names a version this Headroom does not read.
    #[error("the link is version `{0}`, which this Headroom cannot read (it reads v{VERSION})")]
    UnknownVersion(String),
    /// A character outside base64url (`A–Z a–z 0–9 - _`) in the payload.
    #[error("the link has {character:?} at character {position}, which is not base64url (A-Z a-z 0-9 - _)")]
    BadCharacter {
        /// The offending character.
        character: char,
        /// Its position in the fragment as given (1 = the first character, counting a leading `#`).
        position: usize,
    },
    /// The payload's characters are all base64url but do not form valid base64url (a character
    /// missing or added at the end).
    #[error("the link's payload is not valid base64url: {0} (was it cut short?)")]
    BadBase64(String),
    /// The compressed data ends before the policy does.
    #[error("the link is truncated: its compressed data ends early")]
    Truncated,
    /// The compressed data is not valid deflate (the link was altered).
    #[error("the link is corrupt: {0}")]
    Corrupt(String),
    /// The payload inflates to more than [`MAX_JSON_BYTES`].
    #[error("the link's policy is larger than {max} bytes when decompressed")]
    TooLarge {
        /// [`MAX_JSON_BYTES`].
        max: usize,
    },
    /// The decompressed text is not a policy; `path` is where in the JSON (`.` = the top).
    #[error("the link does not hold a policy: at `{path}`: {message}")]
    NotAPolicy {
        /// The JSON path of the offending field, like `scaler.cpu.scale_up`.
        path: String,
        /// serde's message.
        message: String,
    },
    /// The policy reads but a value is out of range.
    #[error("the link's policy is out of range: {0}")]
    OutOfRange(PolicyError),
}

/// The fragment body for `policy`: `v1.` + base64url(deflate(compact JSON)). The app puts it
/// after `#`; [`decode`] gives the same policy back. Real policies encode to 150–450 bytes; one
/// whose link would exceed [`MAX_FRAGMENT_BYTES`] (hundreds of metrics) is refused by [`decode`],
/// so a caller offering the link should check its length.
pub fn encode(policy: &Policy) -> String {
    let json = policy.to_json();
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), LEVEL);
    format!("v{VERSION}.{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Reads a fragment body made by [`encode`], with or without a leading `#`. Strict: see
/// [`ShareError`] for everything refused. Never panics.
pub fn decode(fragment: &str) -> Result<Policy, ShareError> {
    let hash = usize::from(fragment.starts_with('#'));
    let body = &fragment[hash..];
    if body.len() > MAX_FRAGMENT_BYTES {
        return Err(ShareError::TooLong { len: body.len(), max: MAX_FRAGMENT_BYTES });
    }
    let (version, payload) = split_version(body)?;
    if version != format!("v{VERSION}") {
        return Err(ShareError::UnknownVersion(version.to_owned()));
    }
    // Position (in characters, 1-based) of the payload's first character in `fragment`.
    let start = hash + version.chars().count() + 2;
    if let Some((i, c)) = payload.chars().enumerate().find(|(_, c)| !is_base64url(*c)) {
        return Err(ShareError::BadCharacter { character: c, position: start + i });
    }
    let packed = URL_SAFE_NO_PAD.decode(payload).map_err(|e| ShareError::BadBase64(e.to_string()))?;
    let json = inflate(&packed)?;
    let mut de = serde_json::Deserializer::from_slice(&json);
    let policy: Policy = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| ShareError::NotAPolicy { path: e.path().to_string(), message: e.inner().to_string() })?;
    de.end().map_err(|e| ShareError::NotAPolicy { path: ".".into(), message: e.to_string() })?;
    policy.validate().map_err(ShareError::OutOfRange)?;
    Ok(policy)
}

/// `v<digits>` and the rest after the first `.`.
fn split_version(body: &str) -> Result<(&str, &str), ShareError> {
    let Some((version, payload)) = body.split_once('.') else {
        return Err(ShareError::NoVersion);
    };
    let digits = version.strip_prefix('v').ok_or(ShareError::NoVersion)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ShareError::NoVersion);
    }
    if digits.len() > 9 {
        // Keep the message short whatever was pasted.
        return Err(ShareError::UnknownVersion(format!("v{}…", &digits[..9])));
    }
    Ok((version, payload))
}

fn is_base64url(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// Raw inflate into a buffer of [`MAX_JSON_BYTES`]; anything after the end of the stream is refused.
fn inflate(packed: &[u8]) -> Result<Vec<u8>, ShareError> {
    let mut out = vec![0u8; MAX_JSON_BYTES];
    let mut state = DecompressorOxide::new();
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let (status, consumed, written) = decompress(&mut state, packed, &mut out, 0, flags);
    match status {
        TINFLStatus::Done if consumed == packed.len() => {
            out.truncate(written);
            Ok(out)
        }
        TINFLStatus::Done => Err(ShareError::Corrupt(format!(
            "{} unexpected bytes after the end of the compressed data",
            packed.len().saturating_sub(consumed)
        ))),
        TINFLStatus::HasMoreOutput => Err(ShareError::TooLarge { max: MAX_JSON_BYTES }),
        TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => Err(ShareError::Truncated),
        TINFLStatus::Failed | TINFLStatus::Adler32Mismatch | TINFLStatus::BadParam => {
            Err(ShareError::Corrupt(format!("invalid deflate data (byte {} of {})", consumed, packed.len())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_prefix() {
        assert_eq!(split_version("v1.abc"), Ok(("v1", "abc")));
        assert_eq!(split_version("1.abc"), Err(ShareError::NoVersion));
        assert_eq!(split_version("v.abc"), Err(ShareError::NoVersion));
        assert_eq!(split_version("vx.abc"), Err(ShareError::NoVersion));
        assert_eq!(split_version("abc"), Err(ShareError::NoVersion));
        assert_eq!(split_version("v12345678901.a"), Err(ShareError::UnknownVersion("v123456789…".into())));
    }
}
