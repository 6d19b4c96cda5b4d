//! Layers as tar changesets, applying them (with the OCI whiteout rules), and the overlay of a
//! writable upper layer on read-only lower layers (overlayfs semantics: copy-up, whiteouts,
//! opaque directories).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::digest::{DiffId, Digest};
use super::fs::{ancestors, base_name, join, parent, Content, Node, Tree};
use super::tar::{self, Sink, TarError};

/// Name of the file that marks a directory opaque (OCI image-spec, layer.md "Opaque Whiteout").
pub const OPAQUE: &str = ".wh..wh..opq";
/// Prefix of a whiteout file (`.wh.NAME` deletes NAME from the layers below).
pub const WHITEOUT_PREFIX: &str = ".wh.";

/// One layer: the entries of its tar changeset (whiteouts included, as files with their magic
/// names), its DiffID and its size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Layer {
    entries: BTreeMap<String, Node>,
    diff_id: DiffId,
    /// Bytes of regular-file content (what `docker history` shows as SIZE).
    size: u64,
    /// Length of the tar archive in bytes (the blob's size in a manifest).
    tar_bytes: u64,
}

/// A sink that hashes and counts instead of storing.
struct Hashing {
    hasher: Sha256,
    len: u64,
}

impl Sink for Hashing {
    fn put(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        self.len += bytes.len() as u64;
    }
}

/// Memo of layer digests by a digest of the layer's *description* (paths, metadata, real bytes,
/// synthetic seeds and sizes). The tar is a pure function of that description, so this only
/// saves time: replaying a session (seek) rebuilds images without rehashing megabytes. Bounded.
static DIGEST_MEMO: Mutex<BTreeMap<[u8; 32], (DiffId, u64)>> = Mutex::new(BTreeMap::new());
const DIGEST_MEMO_MAX: usize = 4096;

fn describe(entries: &[(&str, &Node)]) -> [u8; 32] {
    let mut h = Sha256::new();
    for (p, n) in entries {
        let m = n.meta();
        h.update(p.as_bytes());
        h.update([0]);
        h.update(m.mode.to_le_bytes());
        h.update(m.uid.to_le_bytes());
        h.update(m.gid.to_le_bytes());
        match n {
            Node::Dir(_) => h.update(b"d"),
            Node::Symlink(_, t) => {
                h.update(b"l");
                h.update(t.as_bytes());
                h.update([0]);
            }
            Node::File(_, Content::Bytes(b)) => {
                h.update(b"f");
                h.update((b.len() as u64).to_le_bytes());
                h.update(b);
            }
            Node::File(_, Content::Synthetic { seed, size }) => {
                h.update(b"s");
                h.update(size.to_le_bytes());
                h.update(seed.as_bytes());
                h.update([0]);
            }
        }
    }
    h.finalize().into()
}

impl Layer {
    /// A layer from its tar entries (paths without leading `/`). Fails when an entry cannot be
    /// written as ustar.
    pub fn new(entries: BTreeMap<String, Node>) -> Result<Layer, TarError> {
        let ordered = ordered(&entries);
        tar::check(&ordered)?;
        let key = describe(&ordered);
        let memo = DIGEST_MEMO.lock().ok().and_then(|m| m.get(&key).cloned());
        let (diff_id, tar_bytes) = match memo {
            Some(v) => v,
            None => {
                let mut sink = Hashing {
                    hasher: Sha256::new(),
                    len: 0,
                };
                tar::write(&ordered, &mut sink);
                let v = (DiffId(Digest::from_hasher(sink.hasher)), sink.len);
                if let Ok(mut m) = DIGEST_MEMO.lock() {
                    if m.len() >= DIGEST_MEMO_MAX {
                        m.clear();
                    }
                    m.insert(key, v.clone());
                }
                v
            }
        };
        let size = entries.values().map(Node::size).sum();
        Ok(Layer {
            entries,
            diff_id,
            size,
            tar_bytes,
        })
    }

    /// A layer holding a whole tree (a base image's single layer, `ADD rootfs.tar`).
    pub fn from_tree(tree: &Tree) -> Result<Layer, TarError> {
        Layer::new(
            tree.iter()
                .map(|(p, n)| (p.to_string(), n.clone()))
                .collect(),
        )
    }

    /// The DiffID: sha256 of the uncompressed tar.
    pub fn diff_id(&self) -> &DiffId {
        &self.diff_id
    }

    /// Bytes of regular-file content.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Length of the tar in bytes.
    pub fn tar_bytes(&self) -> u64 {
        self.tar_bytes
    }

    /// The tar entries, by path.
    pub fn entries(&self) -> &BTreeMap<String, Node> {
        &self.entries
    }

    /// True when the changeset is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The tar archive's bytes (as `docker save` writes the blob).
    pub fn tar(&self) -> Vec<u8> {
        tar::to_vec(&ordered(&self.entries))
    }

    /// Applies this layer on top of `lower`, following the OCI rules: whiteouts delete from the
    /// layers *below* only — a whiteout never hides a file of its own layer — then the layer's
    /// own entries are extracted (a non-directory replaces whatever was at its path, a directory
    /// over a directory keeps the children).
    pub fn apply(&self, lower: &Tree) -> Tree {
        let mut tree = lower.clone();
        for path in self.entries.keys() {
            let name = base_name(path);
            if name == OPAQUE {
                let dir = parent(path).to_string();
                let below: Vec<String> = lower.descendants(&dir).map(|(p, _)| p.into()).collect();
                for p in below {
                    tree.remove_all(&p);
                }
            } else if let Some(hidden) = name.strip_prefix(WHITEOUT_PREFIX) {
                tree.remove_all(&join(parent(path), hidden));
            }
        }
        for (path, node) in &self.entries {
            if base_name(path).starts_with(WHITEOUT_PREFIX) {
                continue;
            }
            match (tree.get(path), node) {
                (Some(Node::Dir(_)), Node::Dir(_)) => {}
                (Some(_), _) => {
                    tree.remove_all(path);
                }
                (None, _) => {}
            }
            tree.insert(path, node.clone());
        }
        tree
    }
}

fn ordered(entries: &BTreeMap<String, Node>) -> Vec<(&str, &Node)> {
    let mut v: Vec<(&str, &Node)> = entries.iter().map(|(p, n)| (p.as_str(), n)).collect();
    v.sort_by(|a, b| tar::path_order(a.0, b.0));
    v
}

/// Applies layers base first onto an empty root.
pub fn flatten<'a>(layers: impl IntoIterator<Item = &'a Layer>) -> Tree {
    layers
        .into_iter()
        .fold(Tree::new(), |tree, layer| layer.apply(&tree))
}

/// What the upper (writable) layer holds at a path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Upper {
    /// A node written, created or copied up.
    Node(Node),
    /// A whiteout: the lower path is deleted.
    Whiteout,
}

/// One line of `docker diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Change {
    /// `A`: added.
    Added,
    /// `C`: changed.
    Changed,
    /// `D`: deleted.
    Deleted,
}

impl Change {
    /// The letter `docker diff` prints.
    pub fn letter(self) -> char {
        match self {
            Change::Added => 'A',
            Change::Changed => 'C',
            Change::Deleted => 'D',
        }
    }
}

/// A filesystem error inside an image or container, worded as coreutils/busybox word them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FsError {
    /// ENOENT.
    NotFound(String),
    /// ENOTDIR.
    NotADirectory(String),
    /// EISDIR.
    IsADirectory(String),
    /// EEXIST.
    Exists(String),
    /// ENOTEMPTY.
    NotEmpty(String),
    /// A limit of the sandbox.
    Limit(String),
}

impl std::fmt::Display for FsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FsError::NotFound(p) => write!(f, "'/{p}': No such file or directory"),
            FsError::NotADirectory(p) => write!(f, "'/{p}': Not a directory"),
            FsError::IsADirectory(p) => write!(f, "'/{p}': Is a directory"),
            FsError::Exists(p) => write!(f, "'/{p}': File exists"),
            FsError::NotEmpty(p) => write!(f, "'/{p}': Directory not empty"),
            FsError::Limit(m) => f.write_str(m),
        }
    }
}

/// Most entries a writable layer may hold.
pub const MAX_UPPER_ENTRIES: usize = 50_000;
/// Largest file a command may write inside a container or build step (64 MiB).
pub const MAX_WRITE_BYTES: u64 = 64 * 1024 * 1024;

/// A read-only lower tree with one writable upper layer on top: what a container's root (or
/// a RUN step's root) is. `merged` is kept up to date so that reads are plain lookups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Overlay {
    #[serde(skip)]
    lower: Arc<Tree>,
    upper: BTreeMap<String, Upper>,
    /// Directories of the upper layer that hide every lower child (created over a whiteout).
    opaque: BTreeSet<String>,
    #[serde(skip)]
    merged: Tree,
    /// Paths copied up from the lower layers so far, in order (a view can animate them).
    copied_up: Vec<String>,
}

impl Overlay {
    /// A fresh, empty upper layer over `lower`.
    pub fn new(lower: Arc<Tree>) -> Overlay {
        Overlay {
            merged: (*lower).clone(),
            lower,
            upper: BTreeMap::new(),
            opaque: BTreeSet::new(),
            copied_up: Vec::new(),
        }
    }

    /// The merged view (what processes in the container see).
    pub fn merged(&self) -> &Tree {
        &self.merged
    }

    /// The read-only lower tree.
    pub fn lower(&self) -> &Tree {
        &self.lower
    }

    /// The upper layer's entries.
    pub fn upper(&self) -> &BTreeMap<String, Upper> {
        &self.upper
    }

    /// Directories marked opaque in the upper layer.
    pub fn opaque_dirs(&self) -> &BTreeSet<String> {
        &self.opaque
    }

    /// Lower paths copied up so far.
    pub fn copied_up(&self) -> &[String] {
        &self.copied_up
    }

    /// True when the lower tree's `path` shows through (no upper entry or opaque dir above it
    /// hides it).
    fn lower_visible(&self, path: &str) -> bool {
        if !self.lower.exists(path) {
            return false;
        }
        for a in ancestors(path) {
            if self.opaque.contains(a) {
                return false;
            }
            match self.upper.get(a) {
                Some(Upper::Whiteout) => return false,
                Some(Upper::Node(n)) if !n.is_dir() => return false,
                _ => {}
            }
        }
        !matches!(self.upper.get(path), Some(Upper::Whiteout))
    }

    fn check_room(&self) -> Result<(), FsError> {
        if self.upper.len() >= MAX_UPPER_ENTRIES {
            return Err(FsError::Limit(format!(
                "the writable layer already holds {MAX_UPPER_ENTRIES} entries, the most the sandbox keeps"
            )));
        }
        Ok(())
    }

    /// Checks that `path`'s parent is an existing directory.
    fn check_parent(&self, path: &str) -> Result<(), FsError> {
        let p = parent(path);
        if self.merged.is_dir(p) {
            return Ok(());
        }
        for a in ancestors(path) {
            match self.merged.get(a) {
                None => return Err(FsError::NotFound(path.into())),
                Some(n) if !n.is_dir() => return Err(FsError::NotADirectory(path.into())),
                _ => {}
            }
        }
        Err(FsError::NotFound(path.into()))
    }

    /// Copies the ancestors of `path` into the upper layer (directories only: metadata).
    fn copy_up_parents(&mut self, path: &str) {
        for a in ancestors(path) {
            if !self.upper.contains_key(a) {
                if let Some(n) = self.merged.get(a) {
                    self.upper.insert(a.to_string(), Upper::Node(n.clone()));
                }
            }
        }
    }

    fn put(&mut self, path: &str, node: Node) {
        if self.lower_visible(path) && !self.upper.contains_key(path) {
            self.copied_up.push(path.to_string());
        }
        self.copy_up_parents(path);
        self.upper
            .insert(path.to_string(), Upper::Node(node.clone()));
        self.merged.insert(path, node);
    }

    /// Writes a regular file (creating or replacing it; a lower file is copied up whole first,
    /// which here means the upper layer gets the complete new file).
    pub fn write_file(
        &mut self,
        path: &str,
        content: Content,
        meta: Option<super::fs::Meta>,
    ) -> Result<(), FsError> {
        if path.is_empty() || self.merged.is_dir(path) {
            return Err(FsError::IsADirectory(path.into()));
        }
        self.check_parent(path)?;
        self.check_room()?;
        if content.size() > MAX_WRITE_BYTES {
            return Err(FsError::Limit(format!(
                "/{path}: a file may be at most {MAX_WRITE_BYTES} bytes (64 MiB) in the sandbox"
            )));
        }
        let meta = meta
            .or_else(|| self.merged.get(path).map(Node::meta))
            .unwrap_or(super::fs::Meta::root(0o644));
        self.put(path, Node::File(meta, content));
        Ok(())
    }

    /// Creates a node of any kind at `path` (its parent must exist). Replaces a non-directory.
    pub fn create(&mut self, path: &str, node: Node) -> Result<(), FsError> {
        if path.is_empty() {
            return Err(FsError::Exists(path.into()));
        }
        self.check_parent(path)?;
        self.check_room()?;
        if let Some(existing) = self.merged.get(path) {
            if existing.is_dir() {
                return Err(FsError::Exists(path.into()));
            }
        }
        self.mk(path, node);
        Ok(())
    }

    /// Creates or replaces without checks beyond the caller's.
    fn mk(&mut self, path: &str, node: Node) {
        // A directory created where a lower directory was deleted replaces it: overlayfs marks
        // the new directory opaque so that the old children stay hidden.
        let over_whiteout = matches!(self.upper.get(path), Some(Upper::Whiteout));
        if node.is_dir() && over_whiteout && self.lower.is_dir(path) {
            self.opaque.insert(path.to_string());
        }
        self.put(path, node);
    }

    /// `mkdir` (with `parents`, `mkdir -p`: missing parents are made, existing dirs are fine).
    pub fn mkdir(&mut self, path: &str, parents: bool) -> Result<(), FsError> {
        if self.merged.is_dir(path) {
            return if parents {
                Ok(())
            } else {
                Err(FsError::Exists(path.into()))
            };
        }
        if parents {
            for a in ancestors(path).map(String::from).collect::<Vec<_>>() {
                match self.merged.get(&a) {
                    Some(n) if n.is_dir() => {}
                    Some(_) => return Err(FsError::NotADirectory(a)),
                    None => {
                        self.check_room()?;
                        self.mk(&a, Node::dir());
                    }
                }
            }
        }
        if self.merged.exists(path) {
            return Err(FsError::Exists(path.into()));
        }
        self.check_parent(path)?;
        self.check_room()?;
        self.mk(path, Node::dir());
        Ok(())
    }

    /// Changes owner/permissions: the lower file is copied up whole first (copy-up on metadata
    /// change).
    pub fn set_meta(&mut self, path: &str, meta: super::fs::Meta) -> Result<(), FsError> {
        let Some(node) = self.merged.get(path).cloned() else {
            return Err(FsError::NotFound(path.into()));
        };
        if path.is_empty() {
            return Ok(());
        }
        self.check_room()?;
        self.put(path, node.with_meta(meta));
        Ok(())
    }

    /// Removes `path` (and, for a directory, everything below it). A path that shows through
    /// from the lower layers leaves a whiteout in the upper layer.
    pub fn remove(&mut self, path: &str, recursive: bool) -> Result<(), FsError> {
        let Some(node) = self.merged.get(path) else {
            return Err(FsError::NotFound(path.into()));
        };
        if node.is_dir() && !recursive {
            return Err(FsError::IsADirectory(path.into()));
        }
        self.check_room()?;
        let was_lower = self.lower_visible(path);
        self.copy_up_parents(path);
        self.merged.remove_all(path);
        let prefix = format!("{path}/");
        let below: Vec<String> = self
            .upper
            .range(prefix.clone()..)
            .take_while(|(p, _)| p.starts_with(&prefix))
            .map(|(p, _)| p.clone())
            .collect();
        for p in below {
            self.upper.remove(&p);
        }
        self.opaque.retain(|d| d != path && !d.starts_with(&prefix));
        if was_lower {
            self.upper.insert(path.to_string(), Upper::Whiteout);
        } else {
            self.upper.remove(path);
        }
        Ok(())
    }

    /// The upper layer as a layer tar changeset (whiteouts as `.wh.NAME`, opaque directories
    /// with `.wh..wh..opq`), as `docker commit` and a build step produce it.
    pub fn to_layer(&self) -> Result<Layer, TarError> {
        let mut entries = BTreeMap::new();
        for (path, e) in &self.upper {
            match e {
                Upper::Node(n) => {
                    entries.insert(path.clone(), n.clone());
                }
                Upper::Whiteout => {
                    let wh = join(
                        parent(path),
                        &format!("{WHITEOUT_PREFIX}{}", base_name(path)),
                    );
                    entries.insert(wh, whiteout_node());
                }
            }
        }
        for d in &self.opaque {
            entries.insert(join(d, OPAQUE), whiteout_node());
        }
        Layer::new(entries)
    }

    /// `docker diff`, computed as Docker's overlay2 driver computes it (moby
    /// `pkg/archive/changes.go` `changes` with `overlayDeletedFile`): walk the upper layer in
    /// `filepath.Walk` order; a whiteout is `D`; a path in no lower layer is `A`; one that exists
    /// below is `C` — except a directory whose metadata is unchanged, which is left out (a
    /// copied-up parent, as `/var` in `/var/log/x`). A directory in which an entry was created or
    /// deleted has a new mtime in a real filesystem, so it is `C`. And, as Docker does, an opaque
    /// directory (one deleted and created again) is reported `D`, followed by what it now holds.
    pub fn diff(&self) -> Vec<(String, Change)> {
        let mut entries: Vec<(&str, &Upper)> =
            self.upper.iter().map(|(p, e)| (p.as_str(), e)).collect();
        entries.sort_by(|a, b| walk_order(a.0, b.0));
        // First pass: each entry's own kind; `None` for a directory unchanged but for mtime.
        let own: Vec<Option<Change>> = entries
            .iter()
            .map(|(p, e)| match e {
                Upper::Whiteout => Some(Change::Deleted),
                Upper::Node(_) if self.opaque.contains(*p) => Some(Change::Deleted),
                Upper::Node(n) => match self.lower.get(p) {
                    None => Some(Change::Added),
                    Some(Node::Dir(m)) if n.is_dir() && *m == n.meta() => None,
                    Some(_) => Some(Change::Changed),
                },
            })
            .collect();
        // Directories that gained or lost an entry (their mtime moved).
        let touched: BTreeSet<&str> = entries
            .iter()
            .zip(&own)
            .filter(|(_, k)| matches!(k, Some(Change::Added | Change::Deleted)))
            .map(|((p, _), _)| parent(p))
            .collect();
        let mut out = Vec::with_capacity(entries.len());
        let mut changed_dirs: BTreeSet<&str> = BTreeSet::new();
        for ((path, e), kind) in entries.iter().zip(own) {
            let kind = match kind {
                Some(k) => k,
                None if touched.contains(path) => Change::Changed,
                None => continue,
            };
            if matches!(e, Upper::Node(n) if n.is_dir()) {
                changed_dirs.insert(path);
            }
            // Docker's rule: the parent of an added or deleted path is always listed.
            if matches!(kind, Change::Added | Change::Deleted) {
                let p = parent(path);
                if !p.is_empty() && changed_dirs.insert(p) {
                    out.push((p.to_string(), Change::Changed));
                }
            }
            out.push((path.to_string(), kind));
        }
        out
    }
}

/// Go's `filepath.Walk` order: a directory, then its entries by name (bytewise), depth first —
/// so `a/b` comes before `a-b` although `-` sorts before `/`.
pub fn walk_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.split('/').cmp(b.split('/'))
}

/// A whiteout file: empty, as overlay2's exporter writes it.
fn whiteout_node() -> Node {
    Node::File(super::fs::Meta::root(0o644), Content::Bytes(Vec::new()))
}
