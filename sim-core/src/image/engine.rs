//! One host's Docker engine: its local layer store (by ChainID), images (by ImageID), tags and
//! build cache. Every operation here plans against `&Engine` and returns a value to apply, so a
//! failed `docker` command changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use sha2::{Digest as _, Sha256};

use super::base::RegistryError;
use super::config::{parse_rfc3339, ImageConfig, Manifest};
use super::container::Container;
use super::digest::{chain_ids, ChainId, Digest};
use super::fs::Tree;
use super::layer::{flatten, Layer};

/// Most images one engine holds.
pub const MAX_IMAGES: usize = 200;
/// Most build-cache entries kept (oldest dropped first beyond this).
pub const MAX_CACHE_ENTRIES: usize = 2_000;

/// An image in the local store.
#[derive(Clone, Debug)]
pub struct Image {
    /// The ImageID (sha256 of the config).
    pub id: Digest,
    /// The config.
    pub config: ImageConfig,
    /// Layers, base first.
    pub layers: Vec<Arc<Layer>>,
    /// The flattened root filesystem (what a container starts from).
    pub rootfs: Arc<Tree>,
    /// Creation time (simulated ms; negative for images made before the simulation started).
    pub created_ms: i64,
    /// `repo@sha256:…` for pulled images.
    pub repo_digests: Vec<String>,
}

impl Image {
    /// Builds the image record for a config and its layers.
    pub fn new(config: ImageConfig, layers: Vec<Arc<Layer>>, rootfs: Arc<Tree>) -> Image {
        let created_ms = parse_rfc3339(&config.created).unwrap_or(0);
        Image {
            id: config.id(),
            config,
            layers,
            rootfs,
            created_ms,
            repo_digests: Vec::new(),
        }
    }

    /// Total bytes of its layers (what `docker images` shows as SIZE).
    pub fn size(&self) -> u64 {
        self.layers.iter().map(|l| l.size()).sum()
    }

    /// The ChainIDs of its layers.
    pub fn chain_ids(&self) -> Vec<ChainId> {
        chain_ids(&self.config.rootfs.diff_ids)
    }

    /// Its manifest.
    pub fn manifest(&self) -> Manifest {
        let refs: Vec<&Layer> = self.layers.iter().map(|l| l.as_ref()).collect();
        Manifest::new(&self.config, &refs)
    }
}

/// What a build step left in the cache: the state after the step.
#[derive(Clone, Debug)]
pub struct CacheEntry {
    /// Layers so far.
    pub layers: Vec<Arc<Layer>>,
    /// Config so far (history included, with the step's original creation time).
    pub config: ImageConfig,
    /// Root filesystem so far.
    pub rootfs: Arc<Tree>,
    /// Order of insertion (for dropping the oldest beyond the limit).
    pub seq: u64,
}

/// One host's engine state.
#[derive(Clone, Debug, Default)]
pub struct Engine {
    /// Local layer store: ChainID → layer.
    pub layers: BTreeMap<ChainId, Arc<Layer>>,
    /// Images by id.
    pub images: BTreeMap<Digest, Image>,
    /// `repository:tag` → image id.
    pub tags: BTreeMap<String, Digest>,
    /// Build cache: cache key (hex) → state after the step.
    pub cache: BTreeMap<String, CacheEntry>,
    cache_seq: u64,
    /// Containers by id.
    pub containers: BTreeMap<String, Container>,
    /// Containers created so far (orders containers created at the same instant).
    pub container_seq: u64,
}

/// A parsed image reference `[docker.io/][library/]NAME[:TAG]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// Repository, short form (`alpine`, `me/app`).
    pub repository: String,
    /// Tag (`latest` when none was given).
    pub tag: String,
    /// True when the tag was written.
    pub explicit_tag: bool,
}

impl Reference {
    /// `repository:tag`.
    pub fn full(&self) -> String {
        format!("{}:{}", self.repository, self.tag)
    }

    /// `docker.io/library/NAME:TAG`, as BuildKit names it.
    pub fn canonical(&self) -> String {
        if self.repository.contains('/') {
            format!("docker.io/{}", self.full())
        } else {
            format!("docker.io/library/{}", self.full())
        }
    }
}

/// Parses an image reference; `Err` is Docker's message.
pub fn parse_reference(text: &str) -> Result<Reference, String> {
    if text.is_empty() || text.len() > 255 {
        return Err("invalid reference format".into());
    }
    if text.contains('@') {
        return Err(format!(
            "invalid reference format: the sandbox does not resolve digests ({text})"
        ));
    }
    let mut rest = text;
    for prefix in ["docker.io/library/", "docker.io/", "library/"] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r;
            break;
        }
    }
    let (repo, tag, explicit) = match rest.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r, t, true),
        _ => (rest, "latest", false),
    };
    if repo.chars().any(|c| c.is_ascii_uppercase()) {
        let full = if repo.contains('/') {
            repo.to_string()
        } else {
            format!("library/{repo}")
        };
        return Err(format!(
            "invalid reference format: repository name ({full}) must be lowercase"
        ));
    }
    let repo_ok = !repo.is_empty()
        && repo.split('/').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
                && part.starts_with(|c: char| c.is_ascii_alphanumeric())
                && part.ends_with(|c: char| c.is_ascii_alphanumeric())
        });
    let tag_ok = !tag.is_empty()
        && tag.len() <= 128
        && tag.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if !repo_ok || !tag_ok {
        return Err("invalid reference format".into());
    }
    Ok(Reference {
        repository: repo.to_string(),
        tag: tag.to_string(),
        explicit_tag: explicit,
    })
}

/// What pulling an image will do.
#[derive(Clone, Debug)]
pub struct PullPlan {
    /// The reference as asked.
    pub reference: Reference,
    /// The registry's image.
    pub image: Image,
    /// For each layer: true when it must be downloaded (false: `Already exists`).
    pub download: Vec<bool>,
    /// The manifest digest.
    pub digest: Digest,
    /// True when the tag already points at this image.
    pub up_to_date: bool,
}

impl Engine {
    /// The container a user's word names: an exact id, an exact name (with or without the
    /// leading `/`), or a unique id prefix — the daemon's lookup order.
    pub fn find_container(&self, text: &str) -> Option<&Container> {
        if let Some(c) = self.containers.get(text) {
            return Some(c);
        }
        let name = text.strip_prefix('/').unwrap_or(text);
        if let Some(c) = self.containers.values().find(|c| c.name == name) {
            return Some(c);
        }
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let mut found = self.containers.values().filter(|c| c.id.starts_with(text));
        let first = found.next();
        if found.next().is_none() {
            first
        } else {
            None
        }
    }

    /// Containers created from image `id`, oldest first.
    pub fn containers_using(&self, id: &Digest) -> Vec<&Container> {
        let mut v: Vec<&Container> = self
            .containers
            .values()
            .filter(|c| &c.image_id == id)
            .collect();
        v.sort_by_key(|c| c.seq);
        v
    }

    /// The image a user's reference (`name[:tag]` or an id prefix) names.
    pub fn find(&self, text: &str) -> Option<&Image> {
        if let Ok(r) = parse_reference(text) {
            if let Some(id) = self.tags.get(&r.full()) {
                return self.images.get(id);
            }
        }
        let hex = text.strip_prefix("sha256:").unwrap_or(text);
        if hex.len() >= 4 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            let mut found = self.images.values().filter(|i| i.id.hex().starts_with(hex));
            let first = found.next();
            if found.next().is_none() {
                return first;
            }
        }
        None
    }

    /// Tags pointing at `id`, sorted.
    pub fn tags_of(&self, id: &Digest) -> Vec<String> {
        self.tags
            .iter()
            .filter(|(_, v)| *v == id)
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Plans `docker pull` from `registry`; `Err` is Docker's message.
    pub fn plan_pull(
        &self,
        registry: &super::registry::Registry,
        reference: &Reference,
    ) -> Result<PullPlan, String> {
        let reg = registry.lookup(&reference.repository, &reference.tag).map_err(|e| match e {
            RegistryError::NoSuchRepository => format!(
                "Error response from daemon: pull access denied for {}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
                reference.repository
            ),
            RegistryError::NoSuchTag => format!(
                "Error response from daemon: manifest for {} not found: manifest unknown: manifest unknown",
                reference.full()
            ),
        })?;
        let rootfs = Arc::new(flatten(reg.layers.iter().map(|l| l.as_ref())));
        let mut image = Image::new(reg.config.clone(), reg.layers.clone(), rootfs);
        let digest = reg.manifest.digest();
        image.repo_digests = vec![format!("{}@{digest}", reference.repository)];
        let download = image
            .chain_ids()
            .iter()
            .map(|c| !self.layers.contains_key(c))
            .collect();
        let up_to_date = self.tags.get(&reference.full()) == Some(&image.id);
        if !self.images.contains_key(&image.id) && self.images.len() >= MAX_IMAGES {
            return Err(format!("Error response from daemon: the sandbox holds at most {MAX_IMAGES} images: remove some with docker rmi or docker image prune"));
        }
        Ok(PullPlan {
            reference: reference.clone(),
            image,
            download,
            digest,
            up_to_date,
        })
    }

    /// Stores an image and its layers; returns the ChainIDs that were new.
    pub fn store(&mut self, image: Image) -> Vec<ChainId> {
        let mut new = Vec::new();
        for (c, l) in image.chain_ids().into_iter().zip(image.layers.iter()) {
            if !self.layers.contains_key(&c) {
                self.layers.insert(c.clone(), l.clone());
                new.push(c);
            }
        }
        match self.images.get_mut(&image.id) {
            Some(existing) => {
                for d in image.repo_digests {
                    if !existing.repo_digests.contains(&d) {
                        existing.repo_digests.push(d);
                    }
                }
            }
            None => {
                self.images.insert(image.id.clone(), image);
            }
        }
        new
    }

    /// Stores an image's layers only (a base image a build pulled: BuildKit keeps its layers,
    /// `docker images` does not list it); returns the ChainIDs that were new.
    pub fn store_layers(&mut self, image: &Image) -> Vec<ChainId> {
        let mut new = Vec::new();
        for (c, l) in image.chain_ids().into_iter().zip(image.layers.iter()) {
            if !self.layers.contains_key(&c) {
                self.layers.insert(c.clone(), l.clone());
                new.push(c);
            }
        }
        new
    }

    /// Points `reference` at `id`; returns the image it pointed at before, if another.
    pub fn tag(&mut self, reference: &str, id: &Digest) -> Option<Digest> {
        self.tags
            .insert(reference.to_string(), id.clone())
            .filter(|old| old != id)
    }

    /// Deletes an image that no tag names any more; returns the ChainIDs of layers no other
    /// image uses, which are deleted too.
    pub fn delete_image(&mut self, id: &Digest) -> Vec<ChainId> {
        if self.images.remove(id).is_none() {
            return Vec::new();
        }
        let used: BTreeSet<ChainId> = self.images.values().flat_map(|i| i.chain_ids()).collect();
        let gone: Vec<ChainId> = self
            .layers
            .keys()
            .filter(|c| !used.contains(*c))
            .cloned()
            .collect();
        for c in &gone {
            self.layers.remove(c);
        }
        gone
    }

    /// Adds a build-cache entry, dropping the oldest beyond the limit.
    pub fn cache_put(&mut self, key: String, mut entry: CacheEntry) {
        self.cache_seq += 1;
        entry.seq = self.cache_seq;
        self.cache.insert(key, entry);
        while self.cache.len() > MAX_CACHE_ENTRIES {
            let oldest = self
                .cache
                .iter()
                .min_by_key(|(_, e)| e.seq)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => {
                    self.cache.remove(&k);
                }
                None => break,
            }
        }
    }

    /// Images no tag names (`<none>:<none>`), which `docker image prune` removes.
    pub fn dangling(&self) -> Vec<Digest> {
        let tagged: BTreeSet<&Digest> = self.tags.values().collect();
        self.images
            .keys()
            .filter(|id| !tagged.contains(id))
            .cloned()
            .collect()
    }

    /// A hash of the whole state (for `Sim::state_fingerprint`).
    pub fn fingerprint(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        for c in self.layers.keys() {
            h.update(c.0.as_str());
        }
        h.update(b"|");
        for (id, img) in &self.images {
            h.update(id.as_str());
            for d in &img.repo_digests {
                h.update(d.as_bytes());
            }
        }
        h.update(b"|");
        for (t, id) in &self.tags {
            h.update(t.as_bytes());
            h.update(id.as_str());
        }
        h.update(b"|");
        for (k, e) in &self.cache {
            h.update(k.as_bytes());
            h.update(e.config.id().as_str());
            h.update(e.seq.to_le_bytes());
        }
        h.update(b"|");
        h.update(self.container_seq.to_le_bytes());
        for c in self.containers.values() {
            // Plain data (strings, numbers, maps): serializing cannot fail.
            h.update(serde_json::to_vec(c).unwrap_or_default());
        }
        h.finalize().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_and_bad_ones_get_dockers_message() {
        let r = parse_reference("alpine").unwrap();
        assert_eq!(
            (r.full(), r.explicit_tag),
            ("alpine:latest".to_string(), false)
        );
        assert_eq!(
            parse_reference("docker.io/library/nginx:1.27-alpine")
                .unwrap()
                .full(),
            "nginx:1.27-alpine"
        );
        assert_eq!(
            parse_reference("me/app:v1").unwrap().canonical(),
            "docker.io/me/app:v1"
        );
        assert_eq!(
            parse_reference("MyApp").unwrap_err(),
            "invalid reference format: repository name (library/MyApp) must be lowercase"
        );
        assert_eq!(
            parse_reference("app:").unwrap_err(),
            "invalid reference format"
        );
        assert_eq!(
            parse_reference("-app").unwrap_err(),
            "invalid reference format"
        );
    }
}
