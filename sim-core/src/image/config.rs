//! The image config and manifest JSON (OCI image-spec `config.md`, `manifest.md`).
//!
//! Serialization is canonical: serde_json writes struct fields in declaration order and maps
//! in key order (`BTreeMap`), with no whitespace, so the same image always has the same bytes
//! and so the same ImageID (= sha256 of the config bytes).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::digest::{DiffId, Digest};
use super::layer::Layer;

/// Media type of an OCI image manifest.
pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
/// Media type of an OCI image config.
pub const CONFIG_MEDIA_TYPE: &str = "application/vnd.oci.image.config.v1+json";
/// Media type of an uncompressed layer tar: blob digest = DiffID.
pub const LAYER_MEDIA_TYPE: &str = "application/vnd.oci.image.layer.v1.tar";

/// The runtime defaults a container of the image starts with (`config` in the image config).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunConfig {
    /// `USER`.
    #[serde(rename = "User", skip_serializing_if = "String::is_empty", default)]
    pub user: String,
    /// `EXPOSE`d ports as `80/tcp` → `{}`.
    #[serde(
        rename = "ExposedPorts",
        skip_serializing_if = "BTreeMap::is_empty",
        default
    )]
    pub exposed_ports: BTreeMap<String, Empty>,
    /// `ENV`, as `KEY=value`, in the order set (a later ENV of the same key replaces in place).
    #[serde(rename = "Env", skip_serializing_if = "Vec::is_empty", default)]
    pub env: Vec<String>,
    /// `ENTRYPOINT`.
    #[serde(
        rename = "Entrypoint",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub entrypoint: Option<Vec<String>>,
    /// `CMD`.
    #[serde(rename = "Cmd", skip_serializing_if = "Option::is_none", default)]
    pub cmd: Option<Vec<String>>,
    /// `WORKDIR` (absolute).
    #[serde(
        rename = "WorkingDir",
        skip_serializing_if = "String::is_empty",
        default
    )]
    pub working_dir: String,
    /// `LABEL`s.
    #[serde(rename = "Labels", skip_serializing_if = "BTreeMap::is_empty", default)]
    pub labels: BTreeMap<String, String>,
}

impl RunConfig {
    /// Sets `key=value` in the environment, replacing an earlier value of the same key in place.
    pub fn set_env(&mut self, key: &str, value: &str) {
        let entry = format!("{key}={value}");
        match self
            .env
            .iter_mut()
            .find(|e| e.split_once('=').map(|(k, _)| k) == Some(key))
        {
            Some(e) => *e = entry,
            None => self.env.push(entry),
        }
    }

    /// The value of an environment variable.
    pub fn env_value(&self, key: &str) -> Option<&str> {
        self.env
            .iter()
            .find_map(|e| e.split_once('=').filter(|(k, _)| *k == key).map(|(_, v)| v))
    }
}

/// The empty JSON object `{}` (the value type of `ExposedPorts`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}

/// `rootfs`: the layers' DiffIDs, base first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootFs {
    /// Always `layers`.
    #[serde(rename = "type")]
    pub kind: String,
    /// DiffIDs, base first.
    pub diff_ids: Vec<DiffId>,
}

/// One entry of `history`: the instruction that made a layer (or only changed the config).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// RFC 3339 time.
    pub created: String,
    /// The instruction, as `docker history` shows it.
    pub created_by: String,
    /// `buildkit.dockerfile.v0` for Dockerfile steps.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub comment: String,
    /// True when the instruction changed no files (ENV, CMD, LABEL, EXPOSE…): no layer.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub empty_layer: bool,
}

/// The image config: the document whose sha256 is the ImageID.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageConfig {
    /// RFC 3339 creation time.
    pub created: String,
    /// `amd64`.
    pub architecture: String,
    /// `linux`.
    pub os: String,
    /// Runtime defaults.
    pub config: RunConfig,
    /// The layers.
    pub rootfs: RootFs,
    /// One entry per instruction, base first.
    pub history: Vec<History>,
}

impl ImageConfig {
    /// A config with no layers and no history.
    pub fn empty(created: String) -> ImageConfig {
        ImageConfig {
            created,
            architecture: "amd64".into(),
            os: "linux".into(),
            config: RunConfig::default(),
            rootfs: RootFs {
                kind: "layers".into(),
                diff_ids: Vec::new(),
            },
            history: Vec::new(),
        }
    }

    /// The canonical bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Plain structs of strings, vectors and B-tree maps always serialize.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The ImageID: sha256 of the canonical bytes.
    pub fn id(&self) -> Digest {
        Digest::of(&self.to_bytes())
    }
}

/// A content descriptor (media type, digest, size).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Descriptor {
    /// What the blob is.
    #[serde(rename = "mediaType")]
    pub media_type: String,
    /// Its digest.
    pub digest: Digest,
    /// Its length in bytes.
    pub size: u64,
}

/// An OCI image manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always 2.
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    /// [`MANIFEST_MEDIA_TYPE`].
    #[serde(rename = "mediaType")]
    pub media_type: String,
    /// The config blob.
    pub config: Descriptor,
    /// The layer blobs, base first.
    pub layers: Vec<Descriptor>,
}

impl Manifest {
    /// The manifest of a config and its layers (uncompressed: blob digest = DiffID).
    pub fn new(config: &ImageConfig, layers: &[&Layer]) -> Manifest {
        let bytes = config.to_bytes();
        Manifest {
            schema_version: 2,
            media_type: MANIFEST_MEDIA_TYPE.into(),
            config: Descriptor {
                media_type: CONFIG_MEDIA_TYPE.into(),
                digest: Digest::of(&bytes),
                size: bytes.len() as u64,
            },
            layers: layers
                .iter()
                .map(|l| Descriptor {
                    media_type: LAYER_MEDIA_TYPE.into(),
                    digest: l.diff_id().0.clone(),
                    size: l.tar_bytes(),
                })
                .collect(),
        }
    }

    /// The canonical bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The manifest digest (what `docker pull` prints as `Digest:`).
    pub fn digest(&self) -> Digest {
        Digest::of(&self.to_bytes())
    }
}

/// The wall-clock instant simulated time zero stands for: 2025-01-01T00:00:00Z. Image configs
/// need calendar times; using a fixed epoch keeps them (and so ImageIDs) deterministic.
pub const SIM_EPOCH_UNIX_S: i64 = 1_735_689_600;

/// RFC 3339 UTC time (`2025-01-01T00:02:00Z`) of a time in ms relative to simulated time zero
/// (negative for images made before the simulation started).
pub fn rfc3339(sim_ms: i64) -> String {
    let secs = SIM_EPOCH_UNIX_S + sim_ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// Days since 1970-01-01 → (year, month, day) (H. Hinnant's `civil_from_days`).
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The inverse of [`rfc3339`] for the times this crate writes (`YYYY-MM-DDTHH:MM:SSZ`).
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (hh, mm, ss) = (n(11..13)?, n(14..16)?, n(17..19)?);
    // H. Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let unix = days * 86_400 + hh * 3600 + mm * 60 + ss;
    Some((unix - SIM_EPOCH_UNIX_S) * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulated_time_maps_to_calendar_time() {
        assert_eq!(rfc3339(0), "2025-01-01T00:00:00Z");
        assert_eq!(rfc3339(120_000), "2025-01-01T00:02:00Z");
        assert_eq!(rfc3339(-86_400_000), "2024-12-31T00:00:00Z");
        assert_eq!(rfc3339(59 * 86_400_000), "2025-03-01T00:00:00Z");
        for ms in [
            0,
            120_000,
            -86_400_000,
            -120 * 86_400_000,
            59 * 86_400_000 + 3_723_000,
        ] {
            assert_eq!(parse_rfc3339(&rfc3339(ms)), Some(ms));
        }
    }

    #[test]
    fn config_serializes_in_declaration_order_without_empty_fields() {
        let mut c = ImageConfig::empty(rfc3339(0));
        c.config.cmd = Some(vec!["sh".into()]);
        c.config.set_env("A", "1");
        c.config.set_env("B", "2");
        c.config.set_env("A", "3");
        c.history.push(History {
            created: rfc3339(0),
            created_by: "CMD [\"sh\"]".into(),
            comment: String::new(),
            empty_layer: true,
        });
        let json = String::from_utf8(c.to_bytes()).unwrap();
        assert_eq!(
            json,
            "{\"created\":\"2025-01-01T00:00:00Z\",\"architecture\":\"amd64\",\"os\":\"linux\",\
             \"config\":{\"Env\":[\"A=3\",\"B=2\"],\"Cmd\":[\"sh\"]},\
             \"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\
             \"history\":[{\"created\":\"2025-01-01T00:00:00Z\",\"created_by\":\"CMD [\\\"sh\\\"]\",\"empty_layer\":true}]}"
        );
    }
}
