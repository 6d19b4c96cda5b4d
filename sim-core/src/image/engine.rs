//! One host's Docker engine: its local layer store (by ChainID), images (by ImageID), tags and
//! build cache. Every operation here plans against `&Engine` and returns a value to apply, so a
//! failed `docker` command changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use sha2::{Digest as _, Sha256};

use super::config::{parse_rfc3339, ImageConfig, Manifest};
use super::container::Container;
use super::digest::{chain_ids, ChainId, Digest};
use super::fs::Tree;
use super::layer::Layer;
use crate::shared::Shared;

/// Most images one engine holds.
pub const MAX_IMAGES: usize = 200;
/// Most build-cache entries kept (oldest dropped first beyond this).
pub const MAX_CACHE_ENTRIES: usize = 2_000;

/// An image in the local store.
#[derive(Clone, Debug)]
pub struct Image {
    /// The ImageID (sha256 of the config).
    pub id: Digest,
    /// The config (shared with the registry's image it was pulled from).
    pub config: Shared<ImageConfig>,
    /// Layers, base first.
    pub layers: Vec<Arc<Layer>>,
    /// The flattened root filesystem (what a container starts from).
    pub rootfs: Arc<Tree>,
    /// Creation time (simulated ms; negative for images made before the simulation started).
    pub created_ms: i64,
    /// RepoDigests: `repo@sha256:…` for the manifests it was pulled by or pushed as (each is a
    /// reference to the image, as docker's reference store keeps them).
    pub repo_digests: Vec<String>,
}

impl Image {
    /// Builds the image record for a config (its own, or a registry image's shared one) and
    /// its layers.
    pub fn new(
        config: impl Into<Shared<ImageConfig>>,
        layers: Vec<Arc<Layer>>,
        rootfs: Arc<Tree>,
    ) -> Image {
        let config = config.into();
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
    /// (Boxed: a map node has eleven slots, and an engine usually holds one or two images.)
    pub images: BTreeMap<Digest, Box<Image>>,
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

/// Docker Hub's domain: a reference without a registry host names a repository there.
pub const DEFAULT_DOMAIN: &str = "docker.io";
/// The longest repository name (domain and path) a reference may have (distribution/reference
/// `NameTotalLengthMax`).
pub const MAX_NAME_BYTES: usize = 255;
/// The longest tag (distribution/reference: `[\w][\w.-]{0,127}`).
pub const MAX_TAG_BYTES: usize = 128;

/// A parsed image reference, `[DOMAIN[:PORT]/]PATH[:TAG][@DIGEST]` (distribution/reference's
/// grammar, normalized as `docker` does: `alpine`, `library/alpine` and
/// `docker.io/library/alpine` are the same repository).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The registry host (`docker.io`, `localhost:5000`).
    pub domain: String,
    /// The repository's path in its registry (`library/alpine`, `me/app`, `app`).
    pub path: String,
    /// The familiar repository name docker shows (`alpine`, `me/app`, `localhost:5000/app`).
    pub repository: String,
    /// Tag (`latest` when none was given; meaningless when `digest` is set).
    pub tag: String,
    /// True when the tag was written.
    pub explicit_tag: bool,
    /// `sha256:<hex>` when the reference names a manifest by digest (a tag written beside a
    /// digest is ignored, as docker does).
    pub digest: Option<String>,
}

impl Reference {
    /// `repository:tag`: the key of the engine's tag table.
    pub fn full(&self) -> String {
        format!("{}:{}", self.repository, self.tag)
    }

    /// The tag this reference names (`repository:tag`), or `None` for a digest reference.
    pub fn tag_key(&self) -> Option<String> {
        self.digest.is_none().then(|| self.full())
    }

    /// The familiar form docker prints: `alpine:3.20`, `alpine@sha256:…`,
    /// `localhost:5000/app:1`.
    pub fn familiar(&self) -> String {
        match &self.digest {
            Some(d) => format!("{}@{d}", self.repository),
            None => self.full(),
        }
    }

    /// The full name without tag or digest: `docker.io/library/alpine`, `localhost:5000/app`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.domain, self.path)
    }

    /// The fully qualified reference: `docker.io/library/NAME:TAG` (as BuildKit and
    /// `docker pull` name it) or `docker.io/library/NAME@sha256:…`.
    pub fn canonical(&self) -> String {
        match &self.digest {
            Some(d) => format!("{}@{d}", self.name()),
            None => format!("{}:{}", self.name(), self.tag),
        }
    }

    /// What `docker pull` prints before `: Pulling from`: the tag, or the digest.
    pub fn tag_or_digest(&self) -> &str {
        self.digest.as_deref().unwrap_or(&self.tag)
    }

    /// The `repository@digest` entry of an image's RepoDigests for a manifest digest.
    pub fn repo_digest(&self, digest: &Digest) -> String {
        format!("{}@{digest}", self.repository)
    }
}

/// A domain component: alphanumerics with inner dashes.
fn domain_ok(domain: &str) -> bool {
    let (host, port) = match domain.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (domain, None),
    };
    let component = |c: &str| {
        !c.is_empty()
            && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !c.starts_with('-')
            && !c.ends_with('-')
    };
    host.split('.').all(component)
        && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// A path component: `[a-z0-9]+` runs joined by `.`, `_`, `__` or any number of `-`.
fn path_component_ok(c: &str) -> bool {
    let b = c.as_bytes();
    if b.is_empty() || !b[0].is_ascii_alphanumeric() || !b[b.len() - 1].is_ascii_alphanumeric() {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_lowercase() || b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !(b[i].is_ascii_lowercase() || b[i].is_ascii_digit()) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = matches!(sep, "." | "_" | "__") || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

/// Checks a digest as go-digest's `Validate` does; `Err` is its message.
fn validate_digest(d: &str) -> Result<(), String> {
    let Some((algorithm, encoded)) = d.split_once(':') else {
        return Err("invalid checksum digest format".into());
    };
    let hex_len = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return Err("unsupported digest algorithm".into()),
    };
    if encoded.len() != hex_len {
        return Err("invalid checksum digest length".into());
    }
    if !encoded
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err("invalid checksum digest format".into());
    }
    Ok(())
}

/// True when `text` matches the reference grammar's digest: an algorithm, `:`, and at least 32
/// hex digits (either case).
fn digest_syntax_ok(text: &str) -> bool {
    let Some((algorithm, encoded)) = text.split_once(':') else {
        return false;
    };
    let alg_ok = algorithm.split(['-', '_', '+', '.']).all(|part| {
        part.starts_with(|c: char| c.is_ascii_alphabetic())
            && part.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    alg_ok && encoded.len() >= 32 && encoded.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parses an image reference as `docker` does (distribution/reference `ParseNormalizedNamed`,
/// then `TagNameOnly`); `Err` is Docker's message.
pub fn parse_reference(text: &str) -> Result<Reference, String> {
    const INVALID: &str = "invalid reference format";
    if text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(format!(
            "invalid repository name ({text}), cannot specify 64-byte hexadecimal strings"
        ));
    }
    // splitDockerDomain: the first component is a registry host when it contains `.` or `:`,
    // is `localhost`, or has an upper-case letter; otherwise the reference is Docker Hub's.
    let (mut domain, remainder) = match text.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.to_lowercase() != first =>
        {
            (first.to_string(), rest.to_string())
        }
        _ => (DEFAULT_DOMAIN.to_string(), text.to_string()),
    };
    if domain == "index.docker.io" {
        domain = DEFAULT_DOMAIN.to_string();
    }
    let remainder = if domain == DEFAULT_DOMAIN && !remainder.contains('/') {
        format!("library/{remainder}")
    } else {
        remainder
    };
    let remote = remainder.split(':').next().unwrap_or_default();
    if remote.to_lowercase() != remote {
        return Err(format!(
            "{INVALID}: repository name ({remote}) must be lowercase"
        ));
    }
    // The rest of the grammar: PATH[:TAG][@DIGEST].
    let (name_tag, digest) = match remainder.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (remainder.as_str(), None),
    };
    let (path, tag) = match name_tag.rsplit_once(':') {
        Some((p, t)) if !t.contains('/') => (p, Some(t)),
        _ => (name_tag, None),
    };
    let tag_ok = tag.is_none_or(|t| {
        !t.is_empty()
            && t.len() <= MAX_TAG_BYTES
            && t.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    });
    if !domain_ok(&domain)
        || !path.split('/').all(path_component_ok)
        || !tag_ok
        || !digest.is_none_or(digest_syntax_ok)
    {
        return Err(INVALID.into());
    }
    if domain.len() + 1 + path.len() > MAX_NAME_BYTES {
        return Err(format!(
            "repository name must not be more than {MAX_NAME_BYTES} characters"
        ));
    }
    if let Some(d) = digest {
        validate_digest(d)?;
    }
    let repository = if domain == DEFAULT_DOMAIN {
        path.strip_prefix("library/")
            .filter(|p| !p.contains('/'))
            .unwrap_or(path)
            .to_string()
    } else {
        format!("{domain}/{path}")
    };
    Ok(Reference {
        repository,
        path: path.to_string(),
        domain,
        tag: tag.unwrap_or("latest").to_string(),
        explicit_tag: tag.is_some(),
        digest: digest.map(str::to_string),
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
    /// Host memory in use by every container's processes at `now_ms`.
    pub fn containers_memory_bytes(&self, now_ms: u64) -> u64 {
        self.containers
            .values()
            .map(|c| c.memory_usage(now_ms))
            .sum()
    }

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

    /// The image a user's reference names: `name[:tag]` through the tags, `name@sha256:…`
    /// through the images' RepoDigests, or an id prefix.
    pub fn find(&self, text: &str) -> Option<&Image> {
        if let Ok(r) = parse_reference(text) {
            if let Some(img) = self.find_reference(&r) {
                return Some(img);
            }
        }
        let hex = text.strip_prefix("sha256:").unwrap_or(text);
        if hex.len() >= 4 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            let mut found = self.images.values().filter(|i| i.id.hex().starts_with(hex));
            let first = found.next();
            if found.next().is_none() {
                return first.map(|i| &**i);
            }
        }
        None
    }

    /// The image a parsed reference names: by tag, or by a RepoDigest for `name@digest`.
    pub fn find_reference(&self, r: &Reference) -> Option<&Image> {
        match &r.digest {
            Some(d) => {
                let wanted = format!("{}@{d}", r.repository);
                self.images
                    .values()
                    .find(|i| i.repo_digests.contains(&wanted))
                    .map(|i| &**i)
            }
            None => self
                .tags
                .get(&r.full())
                .and_then(|id| self.images.get(id))
                .map(|i| &**i),
        }
    }

    /// Tags pointing at `id`, sorted.
    pub fn tags_of(&self, id: &Digest) -> Vec<String> {
        self.tags
            .iter()
            .filter(|(_, v)| *v == id)
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Every reference to `id`: its tags, then its RepoDigests (`repo@sha256:…`).
    pub fn references_of(&self, id: &Digest) -> Vec<String> {
        let mut refs = self.tags_of(id);
        if let Some(img) = self.images.get(id) {
            refs.extend(img.repo_digests.iter().cloned());
        }
        refs
    }

    /// Removes one reference (a `repo:tag` or a `repo@digest` of image `id`).
    pub fn remove_reference(&mut self, id: &Digest, reference: &str) {
        if reference.contains('@') {
            if let Some(img) = self.images.get_mut(id) {
                img.repo_digests.retain(|d| d != reference);
            }
        } else {
            self.tags.remove(reference);
        }
    }

    /// Plans `docker pull` from `registry`; `Err` is Docker's message.
    pub fn plan_pull(
        &self,
        registry: &super::registry::Registry,
        reference: &Reference,
    ) -> Result<PullPlan, String> {
        let reg = registry
            .resolve(reference)
            .map_err(|e| format!("Error response from daemon: {e}"))?;
        let mut image = Image::new(reg.config.clone(), reg.layers.clone(), reg.rootfs.clone());
        let digest = reg.manifest.digest();
        image.repo_digests = vec![reference.repo_digest(&digest)];
        let download = image
            .chain_ids()
            .iter()
            .map(|c| !self.layers.contains_key(c))
            .collect();
        // By digest: up to date when an image already has that RepoDigest.
        let up_to_date = match reference.tag_key() {
            Some(t) => self.tags.get(&t) == Some(&image.id),
            None => self.find_reference(reference).is_some(),
        };
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
                self.images.insert(image.id.clone(), Box::new(image));
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

    /// Images no tag names (`<none>:<none>`, or `NAME <none>` with only a RepoDigest), which
    /// `docker image prune` removes (moby lists an image as dangling unless a tag names it).
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

    #[test]
    fn references_name_their_registry_like_docker_does() {
        for same in [
            "x",
            "library/x",
            "docker.io/library/x",
            "docker.io/x",
            "index.docker.io/x",
        ] {
            let r = parse_reference(same).unwrap();
            assert_eq!(
                (r.domain.as_str(), r.path.as_str(), r.repository.as_str()),
                ("docker.io", "library/x", "x"),
                "{same}"
            );
        }
        let r = parse_reference("localhost:5000/team/app:1").unwrap();
        assert_eq!(
            (r.domain.as_str(), r.path.as_str(), r.repository.as_str()),
            ("localhost:5000", "team/app", "localhost:5000/team/app")
        );
        assert_eq!(r.canonical(), "localhost:5000/team/app:1");
        // A first component is a host only with `.`, `:` or as `localhost`.
        let r = parse_reference("localhost/app").unwrap();
        assert_eq!(r.domain, "localhost");
        let r = parse_reference("me/app").unwrap();
        assert_eq!(
            (r.domain.as_str(), r.path.as_str()),
            ("docker.io", "me/app")
        );
        // Without a slash, `localhost:5000` is the repository `localhost` with tag `5000`.
        assert_eq!(
            parse_reference("localhost:5000").unwrap().full(),
            "localhost:5000"
        );
        assert_eq!(
            parse_reference("localhost:5000/App").unwrap_err(),
            "invalid reference format: repository name (App) must be lowercase"
        );
        assert_eq!(
            parse_reference("localhost:/app").unwrap_err(),
            "invalid reference format"
        );
        assert_eq!(
            parse_reference("a__b/c.d-e--f:T_1").unwrap().full(),
            "a__b/c.d-e--f:T_1"
        );
        for bad in ["a___b", "a..b", "a_.b", "app:-x", "app@", "a/b/", "app:1:2"] {
            assert_eq!(
                parse_reference(bad).unwrap_err(),
                "invalid reference format",
                "{bad}"
            );
        }
    }

    #[test]
    fn digests_are_checked_as_go_digest_does_and_a_tag_beside_one_is_ignored() {
        let hex = "a".repeat(64);
        let r = parse_reference(&format!("alpine:3.20@sha256:{hex}")).unwrap();
        assert_eq!(r.digest.as_deref(), Some(format!("sha256:{hex}").as_str()));
        assert_eq!(r.familiar(), format!("alpine@sha256:{hex}"));
        assert_eq!(
            r.canonical(),
            format!("docker.io/library/alpine@sha256:{hex}")
        );
        assert_eq!(r.tag_key(), None);
        let hex_name =
            format!("invalid repository name ({hex}), cannot specify 64-byte hexadecimal strings");
        for (bad, message) in [
            (
                format!("alpine@sha256:{}", "a".repeat(63)),
                "invalid checksum digest length",
            ),
            (
                format!("alpine@sha256:{}", "A".repeat(64)),
                "invalid checksum digest format",
            ),
            (
                format!("alpine@md5:{}", "a".repeat(32)),
                "unsupported digest algorithm",
            ),
            ("alpine@sha256:abc".to_string(), "invalid reference format"),
            (hex.clone(), hex_name.as_str()),
            (
                format!("{}/x", "a".repeat(300)),
                "repository name must not be more than 255 characters",
            ),
        ] {
            assert_eq!(parse_reference(&bad).unwrap_err(), message, "{bad}");
        }
    }
}
