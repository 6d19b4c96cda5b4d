//! `docker save`: an OCI image layout (image-spec `image-layout.md`) as one tar archive —
//! `oci-layout`, `index.json` and `blobs/sha256/<hex>` for every manifest, config and layer —
//! plus Docker's `manifest.json`, as Docker 25+ writes it. Real tools (skopeo, umoci, podman)
//! read it, and every blob's name is the sha256 of its bytes.

use std::collections::BTreeMap;

use serde::Serialize;

use super::config::{Descriptor, MANIFEST_MEDIA_TYPE};
use super::engine::Image;
use super::fs::{Content, Meta, Node};
use super::tar::{self, path_order};

/// Media type of an OCI image index.
pub const INDEX_MEDIA_TYPE: &str = "application/vnd.oci.image.index.v1+json";
/// The content of `oci-layout`.
pub const OCI_LAYOUT: &str = "{\"imageLayoutVersion\":\"1.0.0\"}";

/// One image to save and the name it was asked by.
#[derive(Clone, Debug)]
pub struct Saved<'a> {
    /// The image.
    pub image: &'a Image,
    /// `docker.io/library/app:1.0` and `1.0`, when it was named by a tag (not by id).
    pub name: Option<(String, String)>,
    /// `app:1.0`, for `manifest.json`'s `RepoTags`.
    pub repo_tag: Option<String>,
}

#[derive(Serialize)]
struct IndexEntry {
    #[serde(rename = "mediaType")]
    media_type: &'static str,
    digest: String,
    size: u64,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
struct Index {
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    #[serde(rename = "mediaType")]
    media_type: &'static str,
    manifests: Vec<IndexEntry>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DockerManifest {
    config: String,
    repo_tags: Vec<String>,
    layers: Vec<String>,
}

fn blob_path(d: &Descriptor) -> String {
    format!("blobs/sha256/{}", d.digest.hex())
}

/// Exact length of the archive [`save`] writes, computed without generating it (to check the
/// workspace's limit first).
pub fn archive_len(images: &[Saved]) -> u64 {
    let block = tar::BLOCK as u64;
    let padded = |n: u64| n.div_ceil(block) * block;
    let mut blobs: BTreeMap<String, u64> = BTreeMap::new();
    let mut small = 0;
    for s in images {
        let m = s.image.manifest();
        blobs.insert(m.digest().to_string(), m.to_bytes().len() as u64);
        blobs.insert(m.config.digest.to_string(), m.config.size);
        for l in &m.layers {
            blobs.insert(l.digest.to_string(), l.size);
        }
    }
    let (index, manifest) = documents(images);
    small += padded(index.len() as u64) + padded(manifest.len() as u64);
    small += padded(OCI_LAYOUT.len() as u64);
    // Headers: blobs/, blobs/sha256/, each blob, index.json, manifest.json, oci-layout.
    let headers = (blobs.len() as u64 + 5) * block;
    headers + small + blobs.values().map(|n| padded(*n)).sum::<u64>() + 2 * block
}

/// `index.json` and `manifest.json`.
fn documents(images: &[Saved]) -> (Vec<u8>, Vec<u8>) {
    let mut index = Index {
        schema_version: 2,
        media_type: INDEX_MEDIA_TYPE,
        manifests: Vec::new(),
    };
    let mut docker = Vec::new();
    for s in images {
        let m = s.image.manifest();
        let bytes = m.to_bytes();
        let mut annotations = BTreeMap::new();
        if let Some((full, tag)) = &s.name {
            annotations.insert("io.containerd.image.name", full.clone());
            annotations.insert("org.opencontainers.image.ref.name", tag.clone());
        }
        index.manifests.push(IndexEntry {
            media_type: MANIFEST_MEDIA_TYPE,
            digest: m.digest().to_string(),
            size: bytes.len() as u64,
            annotations,
        });
        docker.push(DockerManifest {
            config: blob_path(&m.config),
            repo_tags: s.repo_tag.iter().cloned().collect(),
            layers: m.layers.iter().map(blob_path).collect(),
        });
    }
    // Plain structs of strings and numbers always serialize.
    (
        serde_json::to_vec(&index).unwrap_or_default(),
        serde_json::to_vec(&docker).unwrap_or_default(),
    )
}

/// The archive's bytes.
pub fn save(images: &[Saved]) -> Vec<u8> {
    let file = |bytes: Vec<u8>| Node::File(Meta::root(0o644), Content::Bytes(bytes));
    let mut entries: BTreeMap<String, Node> = BTreeMap::new();
    entries.insert("blobs".into(), Node::dir());
    entries.insert("blobs/sha256".into(), Node::dir());
    for s in images {
        let m = s.image.manifest();
        entries.insert(
            format!("blobs/sha256/{}", m.digest().hex()),
            file(m.to_bytes()),
        );
        entries.insert(blob_path(&m.config), file(s.image.config.to_bytes()));
        for (d, layer) in m.layers.iter().zip(&s.image.layers) {
            entries
                .entry(blob_path(d))
                .or_insert_with(|| file(layer.tar()));
        }
    }
    let (index, manifest) = documents(images);
    entries.insert("index.json".into(), file(index));
    entries.insert("manifest.json".into(), file(manifest));
    entries.insert("oci-layout".into(), file(OCI_LAYOUT.as_bytes().to_vec()));
    let mut ordered: Vec<(&str, &Node)> = entries.iter().map(|(p, n)| (p.as_str(), n)).collect();
    ordered.sort_by(|a, b| path_order(a.0, b.0));
    tar::to_vec(&ordered)
}
