//! The sandbox registry: the base images shipped with the sandbox ([`super::base`]) plus what
//! students push. Blobs are stored once per repository (a registry dedups by digest), which is
//! what makes a second push print `Layer already exists` and a layer shared with a base image
//! print `Mounted from library/alpine` (a cross-repository blob mount, distribution spec).
//!
//! Layers are stored uncompressed, so a layer's blob digest is its DiffID (the real Docker Hub
//! stores gzip blobs whose digests differ; FACTS.md "Images and layers").
//!
//! Two registries answer: Docker Hub's place (`docker.io`, the default domain: the base images
//! and what students push there) and a private registry at `localhost:5000`, empty at first, as
//! if `docker run -d -p 5000:5000 registry:2` were running on the host. A blob is mounted only
//! from a repository of the same registry. Any other registry host does not resolve, and docker
//! says so (`dial tcp: lookup HOST: no such host`).
//!
//! Every host's engine keeps its own local layer store; the registries are shared by all of them.

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

/// The host and port of the private registry (`docker run -d -p 5000:5000 registry:2`).
pub const LOCAL_REGISTRY: &str = "localhost:5000";

/// Which registry a reference's domain names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    /// `docker.io`: the shipped base images and what students push there.
    Hub,
    /// `localhost:5000` (also `127.0.0.1:5000`): the private registry, empty at first.
    Local,
}

/// The registry `domain` names; `Err` is the message docker's daemon gives when it cannot
/// reach it (without the `Error response from daemon: ` a pull puts before it).
pub fn host_of(domain: &str) -> Result<Host, String> {
    let domain = domain.to_ascii_lowercase();
    if domain == super::engine::DEFAULT_DOMAIN {
        return Ok(Host::Hub);
    }
    let (name, port) = domain.split_once(':').unwrap_or((domain.as_str(), "443"));
    match name {
        "localhost" | "127.0.0.1" if port == "5000" => Ok(Host::Local),
        // ASSUMPTION: nothing else listens on the host, so the loopback address answers any
        // other port with a refusal.
        "localhost" | "127.0.0.1" => Err(format!(
            "Get \"https://{domain}/v2/\": dial tcp 127.0.0.1:{port}: connect: connection refused"
        )),
        _ => Err(format!(
            "Get \"https://{domain}/v2/\": dial tcp: lookup {name}: no such host"
        )),
    }
}

/// The registries' state beyond the shipped base images.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    /// Repositories pushed to `docker.io`, by familiar name (`app`, `me/app`).
    pub repositories: BTreeMap<String, Repository>,
    /// Repositories pushed to `localhost:5000`, by path (`app`, `team/app`).
    pub local: BTreeMap<String, Repository>,
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
    /// The registry it names.
    pub host: Host,
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
    /// The repositories of one registry, and the key a reference has among them.
    fn repos(&self, host: Host) -> &BTreeMap<String, Repository> {
        match host {
            Host::Hub => &self.repositories,
            Host::Local => &self.local,
        }
    }

    fn key(host: Host, reference: &Reference) -> String {
        match host {
            Host::Hub => reference.repository.clone(),
            Host::Local => reference.path.clone(),
        }
    }

    /// The manifest a reference names (by tag, or by digest); `Err` is docker's message
    /// without the daemon prefix.
    pub fn resolve(&self, reference: &Reference) -> Result<Arc<RegistryImage>, String> {
        let host = host_of(&reference.domain)?;
        let not_found = || {
            format!(
                "manifest for {} not found: manifest unknown: manifest unknown",
                reference.familiar()
            )
        };
        let found = match self.repos(host).get(&Self::key(host, reference)) {
            Some(repo) => {
                let digest = match &reference.digest {
                    Some(d) => repo.manifests.keys().find(|m| m.as_str() == d),
                    None => repo.tags.get(&reference.tag),
                };
                digest
                    .and_then(|d| repo.manifests.get(d))
                    .cloned()
                    .ok_or(RegistryError::NoSuchTag)
            }
            None if host == Host::Local => Err(RegistryError::NoSuchTag),
            None => match &reference.digest {
                Some(d) => base::lookup_digest(&reference.repository, d),
                None => base::lookup(&reference.repository, &reference.tag),
            },
        };
        found.map_err(|e| match e {
            // Docker Hub answers a repository it does not have with a denial (it cannot tell
            // a private repository from a missing one); registry:2 says the manifest is unknown.
            RegistryError::NoSuchRepository => format!(
                "pull access denied for {}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
                reference.repository
            ),
            RegistryError::NoSuchTag => not_found(),
        })
    }

    /// True when the repository `key` of `host` holds `digest` (pushed blobs, or a base
    /// image's layers).
    fn repository_has(&self, host: Host, key: &str, digest: &Digest) -> bool {
        if let Some(r) = self.repos(host).get(key) {
            return r.blobs.contains(digest);
        }
        host == Host::Hub
            && base::catalogue()
                .filter(|(r, _)| *r == key)
                .filter_map(|(r, tags)| base::lookup(r, tags[0]).ok())
                .any(|img| img.layers.iter().any(|l| &l.diff_id().0 == digest))
    }

    /// Which repository of the same registry (other than `key`) the blob could be mounted
    /// from, in the form `docker push` prints (`library/alpine`, `app`).
    fn mount_source(&self, host: Host, key: &str, digest: &Digest) -> Option<String> {
        for (name, r) in self.repos(host) {
            if name != key && r.blobs.contains(digest) {
                return Some(match host {
                    Host::Hub => path_of(name),
                    Host::Local => name.clone(),
                });
            }
        }
        if host == Host::Local {
            return None;
        }
        base::catalogue()
            .map(|(r, _)| r)
            .filter(|r| *r != key)
            .find(|r| self.repository_has(host, r, digest))
            .map(path_of)
    }

    /// Plans `docker push`; `Err` is Docker's message.
    pub fn plan_push(&self, reference: &Reference, image: &Image) -> Result<PushPlan, String> {
        let pushing = format!("The push refers to repository [{}]", reference.name());
        let host = host_of(&reference.domain).map_err(|e| format!("{pushing}\n{e}"))?;
        if reference.digest.is_some() {
            return Err(format!("{pushing}\ncannot push a digest reference"));
        }
        let key = Self::key(host, reference);
        // The shipped official images belong to Docker Hub's library, which students cannot
        // write to (Hub answers a push there with this denial).
        if host == Host::Hub && base::catalogue().any(|(r, _)| r == key) {
            return Err(format!(
                "{pushing}\ndenied: requested access to the resource is denied"
            ));
        }
        let repos = self.repos(host);
        match repos.get(&key) {
            None if repos.len() >= MAX_REPOSITORIES => {
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
            layers.push(if self.repository_has(host, &key, d) {
                LayerPush::AlreadyExists
            } else {
                match self.mount_source(host, &key, d) {
                    Some(from) => LayerPush::MountedFrom(from),
                    None => LayerPush::Pushed,
                }
            });
        }
        Ok(PushPlan {
            reference: reference.clone(),
            host,
            image: image.clone(),
            layers,
            manifest: image.manifest(),
        })
    }

    /// Applies a push plan.
    pub fn push(&mut self, plan: &PushPlan) {
        let repos = match plan.host {
            Host::Hub => &mut self.repositories,
            Host::Local => &mut self.local,
        };
        let repo = repos
            .entry(Self::key(plan.host, &plan.reference))
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
                rootfs: Arc::new(super::layer::flatten(
                    plan.image.layers.iter().map(|l| l.as_ref()),
                )),
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
        for repos in [&self.repositories, &self.local] {
            h.update(b"|");
            for (name, r) in repos {
                h.update(name.as_bytes());
                for (t, d) in &r.tags {
                    h.update(t.as_bytes());
                    h.update(d.as_str());
                }
                for d in r.manifests.keys().chain(r.blobs.iter()) {
                    h.update(d.as_str());
                }
            }
        }
        for d in self.layers.keys() {
            h.update(d.as_str());
        }
        h.finalize().into()
    }
}
