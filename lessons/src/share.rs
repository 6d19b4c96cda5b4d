//! Share links: a lesson id, a seed and the commands typed, in a URL fragment.
//!
//! `#s1.` + base64url(raw deflate(JSON)). The version prefix lets a later format refuse or
//! convert old links; sizes are limited both ways, so a tampered link cannot make the tab
//! allocate without bound: a fragment over [`MAX_FRAGMENT_BYTES`], a payload that inflates past
//! [`MAX_PAYLOAD_BYTES`], or more than [`MAX_COMMANDS`] commands is refused with a message.

use serde::{Deserialize, Serialize};

/// The prefix of the current format.
pub const PREFIX: &str = "s1.";
/// The longest fragment accepted (after `#`).
pub const MAX_FRAGMENT_BYTES: usize = 64 * 1024;
/// The largest inflated payload accepted.
pub const MAX_PAYLOAD_BYTES: usize = 1024 * 1024;
/// The most commands a link may replay.
pub const MAX_COMMANDS: usize = 5000;

/// What a share link holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shared {
    /// The lesson id, or empty for the free sandbox.
    #[serde(rename = "l", default)]
    pub lesson: String,
    /// The seed.
    #[serde(rename = "s")]
    pub seed: u64,
    /// Every command typed after the lesson's start (or from the sandbox's start), in order.
    #[serde(rename = "c", default)]
    pub commands: Vec<String>,
}

/// Why a share link was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    /// Not a share link at all, or another version.
    #[error("share link: unsupported format (expected it to start with \"#{PREFIX}\")")]
    Version,
    /// Too long.
    #[error("share link: {0} bytes is longer than the limit of {MAX_FRAGMENT_BYTES}")]
    TooLong(usize),
    /// Not base64url.
    #[error("share link: damaged (not base64url at character {0})")]
    Base64(usize),
    /// Not deflate, or inflates past the limit.
    #[error(
        "share link: damaged (cannot be decompressed, or larger than 1 MiB when decompressed)"
    )]
    Inflate,
    /// Not the expected JSON.
    #[error("share link: damaged ({0})")]
    Json(String),
    /// Too many commands.
    #[error("share link: {0} commands is more than the limit of {MAX_COMMANDS}")]
    TooManyCommands(usize),
}

/// Encodes a share link's fragment (without the `#`).
pub fn encode(shared: &Shared) -> String {
    let json = serde_json::to_vec(shared).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{PREFIX}{}", base64url(&packed))
}

/// Decodes a fragment (with or without its `#`).
pub fn decode(fragment: &str) -> Result<Shared, ShareError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.len() > MAX_FRAGMENT_BYTES {
        return Err(ShareError::TooLong(fragment.len()));
    }
    let body = fragment.strip_prefix(PREFIX).ok_or(ShareError::Version)?;
    let packed = unbase64url(body)?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_PAYLOAD_BYTES)
        .map_err(|_| ShareError::Inflate)?;
    let shared: Shared =
        serde_json::from_slice(&json).map_err(|e| ShareError::Json(e.to_string()))?;
    if shared.commands.len() > MAX_COMMANDS {
        return Err(ShareError::TooManyCommands(shared.commands.len()));
    }
    Ok(shared)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fn unbase64url(text: &str) -> Result<Vec<u8>, ShareError> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (i, c) in text.bytes().enumerate() {
        let v = ALPHABET
            .iter()
            .position(|a| *a == c)
            .ok_or(ShareError::Base64(i + 1))? as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Shared {
        Shared {
            lesson: "orchestration".into(),
            seed: 7,
            commands: vec![
                "kubectl apply -f web.yaml".into(),
                "chaos node-crash node-2".into(),
                "run 6m".into(),
            ],
        }
    }

    #[test]
    fn a_link_decodes_to_what_was_encoded() {
        let link = encode(&sample());
        assert!(link.starts_with("s1."));
        assert_eq!(decode(&format!("#{link}")), Ok(sample()));
    }

    #[test]
    fn a_tampered_link_is_refused_with_a_message() {
        let link = encode(&sample());
        assert_eq!(decode("#s9.abc"), Err(ShareError::Version));
        assert_eq!(decode("#s1.ab$c"), Err(ShareError::Base64(3)));
        let mut cut = link.clone();
        cut.truncate(link.len() / 2);
        assert!(decode(&cut).is_err());
        let long = format!("s1.{}", "A".repeat(MAX_FRAGMENT_BYTES));
        assert!(matches!(decode(&long), Err(ShareError::TooLong(_))));
    }

    #[test]
    fn a_link_that_inflates_past_the_limit_is_refused() {
        let bomb = vec![b' '; MAX_PAYLOAD_BYTES + 10];
        let packed = miniz_oxide::deflate::compress_to_vec(&bomb, 9);
        let link = format!("s1.{}", base64url(&packed));
        assert!(link.len() < MAX_FRAGMENT_BYTES);
        assert_eq!(decode(&link), Err(ShareError::Inflate));
    }

    #[test]
    fn too_many_commands_are_refused() {
        let s = Shared {
            lesson: String::new(),
            seed: 1,
            commands: vec!["step".into(); MAX_COMMANDS + 1],
        };
        assert_eq!(
            decode(&encode(&s)),
            Err(ShareError::TooManyCommands(MAX_COMMANDS + 1))
        );
    }

    proptest! {
        #[test]
        fn base64url_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            prop_assert_eq!(unbase64url(&base64url(&bytes)).unwrap(), bytes);
        }

        #[test]
        fn decode_never_panics(text in ".{0,300}") {
            let _ = decode(&text);
        }
    }
}
