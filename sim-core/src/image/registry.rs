//! The sandbox registry: the base images shipped with the sandbox ([`super::base`]) plus what
//! students push. Blobs are stored once per repository (a registry dedups by digest), which is
//! what makes a second push print `Layer already exists` and a layer shared with a base image
//! print `Mounted from library/alpine` (a cross-repository blob mount, distribution spec).
//!
//! Layers are stored uncompressed, so a layer's blob digest is its DiffID (the real Docker Hub
//! stores gzip blobs whose digests differ; FACTS.md "Images and layers").
//!
//! Every host's engine keeps its own local layer store; the registry is shared by all of them.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use sha2::{Digest as _, Sha256};

use super::base::{self, RegistryError, RegistryImage};
use super::config::Manifest;
use super::digest::Digest;
use super::engine::{Image, Reference};
use super::layer::Layer;

/// Most repositories students may push to.
pub const MAX_REPOSITORIES: usize = 100;
/// Most tags one pushed repository may hold.
pub const MAX_TAGS_PER_REPOSITORY: usize = 100;

/// One repository students pushed to.
#[derive(Clone, Debug, Default)]
pub struct Repository {
    /// Tag → manifest digest.
    pub tags: BTreeMap<String, Digest>,
    /// Manifests by digest, with the image they describe.
    pub manifests: BTreeMap<Digest, Arc<RegistryImage>>,
    /// Digests of the blobs (layers) the repository holds.
    pub blobs: BTreeSet<Digest>,
}

/// The registry's state beyond the shipped base images.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    /// Pushed repositories, by short name (`app`, `me/app`).
    pub repositories: BTreeMap<String, Repository>,
    /// Every pushed layer blob, by digest (stored once whatever repositories name it).
    pub layers: BTreeMap<Digest, Arc<Layer>>,
}

/// What one layer does during a push, in the words `docker push` prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LayerPush {
    /// The blob is uploaded.
    Pushed,
    /// The target repository has the blob already.
    AlreadyExists,
    /// Another repository has the blob: the registry mounts it without an upload.
    MountedFrom(String),
}

/// What pushing an image will do, decided without changing anything.
#[derive(Clone, Debug)]
pub struct PushPlan {
    /// The reference pushed to.
    pub reference: Reference,
    /// The image.
    pub image: Image,
    /// Per layer, base first.
    pub layers: Vec<LayerPush>,
    /// The manifest.
    pub manifest: Manifest,
}

/// The `library/` form a registry message uses for an official (single-component) name.
pub fn path_of(repository: &str) -> String {
    if repository.contains('/') {
        repository.to_string()
    } else {
        format!("library/{repository}")
    }
}

impl Registry {
    /// The image `repository:tag`: pushed repositories first, then the shipped base images.
    /// A name the sandbox ships is never a pushed repository (push refuses those).
    pub fn lookup(&self, repository: &str, tag: &str) -> Result<Arc<RegistryImage>, RegistryError> {
        match self.repositories.get(repository) {
            Some(repo) => {
                let digest = repo.tags.get(tag).ok_or(RegistryError::NoSuchTag)?;
                repo.manifests
                    .get(digest)
                    .cloned()
                    .ok_or(RegistryError::NoSuchTag)
            }
            None => base::lookup(repository, tag),
        }
    }

    /// True when the repository holds `digest` (pushed blobs, or a base image's layers).
    fn repository_has(&self, repository: &str, digest: &Digest) -> bool {
        if let Some(r) = self.repositories.get(repository) {
            return r.blobs.contains(digest);
        }
        base::catalogue()
            .find(|(r, _)| *r == repository)
            .and_then(|(r, tags)| base::lookup(r, tags[0]).ok())
            .is_some_and(|img| img.layers.iter().any(|l| &l.diff_id().0 == digest))
    }

    /// Which repository (other than `repository`) the blob could be mounted from.
    fn mount_source(&self, repository: &str, digest: &Digest) -> Option<String> {
        for (name, r) in &self.repositories {
            if name != repository && r.blobs.contains(digest) {
                return Some(name.clone());
            }
        }
        base::catalogue()
            .map(|(r, _)| r)
            .filter(|r| *r != repository)
            .find(|r| self.repository_has(r, digest))
            .map(str::to_string)
    }

    /// Plans `docker push`; `Err` is Docker's message.
    pub fn plan_push(&self, reference: &Reference, image: &Image) -> Result<PushPlan, String> {
        let repo = &reference.repository;
        let pushing = format!(
            "The push refers to repository [docker.io/{}]",
            path_of(repo)
        );
        // The shipped official images belong to Docker Hub's library, which students cannot
        // write to (Hub answers a push there with this denial).
        if base::catalogue().any(|(r, _)| r == repo) {
            return Err(format!(
                "{pushing}\ndenied: requested access to the resource is denied"
            ));
        }
        match self.repositories.get(repo) {
            None if self.repositories.len() >= MAX_REPOSITORIES => {
                return Err(format!(
                    "{pushing}\nthe sandbox registry holds at most {MAX_REPOSITORIES} repositories"
                ))
            }
            Some(r)
                if !r.tags.contains_key(&reference.tag)
                    && r.tags.len() >= MAX_TAGS_PER_REPOSITORY =>
            {
                return Err(format!(
                    "{pushing}\nthe sandbox registry holds at most {MAX_TAGS_PER_REPOSITORY} tags per repository"
                ))
            }
            _ => {}
        }
        let mut layers = Vec::new();
        for l in &image.layers {
            let d = &l.diff_id().0;
            layers.push(if self.repository_has(repo, d) {
                LayerPush::AlreadyExists
            } else {
                match self.mount_source(repo, d) {
                    Some(from) => LayerPush::MountedFrom(path_of(&from)),
                    None => LayerPush::Pushed,
                }
            });
        }
        Ok(PushPlan {
            reference: reference.clone(),
            image: image.clone(),
            layers,
            manifest: image.manifest(),
        })
    }

    /// Applies a push plan.
    pub fn push(&mut self, plan: &PushPlan) {
        let repo = self
            .repositories
            .entry(plan.reference.repository.clone())
            .or_default();
        for l in &plan.image.layers {
            let d = l.diff_id().0.clone();
            repo.blobs.insert(d.clone());
            self.layers.entry(d).or_insert_with(|| l.clone());
        }
        let digest = plan.manifest.digest();
        repo.tags.insert(plan.reference.tag.clone(), digest.clone());
        repo.manifests.insert(
            digest,
            Arc::new(RegistryImage {
                repository: plan.reference.repository.clone(),
                tag: plan.reference.tag.clone(),
                config: plan.image.config.clone(),
                layers: plan.image.layers.clone(),
                manifest: plan.manifest.clone(),
                created_ms: plan.image.created_ms,
            }),
        );
        // Manifests no tag names any more stay (pull by digest would find them), bounded by
        // the tag limit times a small factor: drop untagged ones beyond it.
        let tagged: BTreeSet<Digest> = repo.tags.values().cloned().collect();
        while repo.manifests.len() > 2 * MAX_TAGS_PER_REPOSITORY {
            let Some(old) = repo
                .manifests
                .keys()
                .find(|d| !tagged.contains(*d))
                .cloned()
            else {
                break;
            };
            repo.manifests.remove(&old);
        }
    }

    /// A hash of the pushed state (for `Sim::state_fingerprint`).
    pub fn fingerprint(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        for (name, r) in &self.repositories {
            h.update(name.as_bytes());
            for (t, d) in &r.tags {
                h.update(t.as_bytes());
                h.update(d.as_str());
            }
            for d in r.manifests.keys().chain(r.blobs.iter()) {
                h.update(d.as_str());
            }
        }
        for d in self.layers.keys() {
            h.update(d.as_str());
        }
        h.finalize().into()
    }
}
