//! Plain-data views of the images model, for the browser's image and build views (and any other
//! renderer): the layer stack of an image, the graph of layers shared between local images, a
//! dive-like file tree per layer with wasted space, and the steps of the last build.
//!
//! Everything here is a pure function of `&Engine` or `&Sim` returning `Serialize` structs, so
//! the web crate renders without knowing the rules (whiteouts, opaque directories, ChainIDs).

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Dfs, Reversed};
use serde::Serialize;

use super::digest::ChainId;
use super::engine::{Engine, Image};
use super::format::human_size;
use super::fs::{ancestors, base_name, join, parent, Node, Tree};
use super::layer::{flatten, Layer, OPAQUE, WHITEOUT_PREFIX};
use crate::event::{EventKind, FromStep};
use crate::sim::Sim;

/// Most rows a file view returns; a base image's layer holds thousands of paths, and a
/// browser renders a few hundred rows comfortably. The count of the rest is reported.
pub const MAX_FILE_ROWS: usize = 2_000;

/// One local image, as a picker lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImageSummary {
    /// The ImageID (`sha256:…`).
    pub id: String,
    /// The first 12 hex digits of the ImageID (what `docker images` shows).
    pub short_id: String,
    /// Tags naming it, sorted (empty for a dangling image).
    pub tags: Vec<String>,
    /// The first tag, or `<none>:<none>`.
    pub name: String,
    /// Bytes of its layers.
    pub size_bytes: u64,
    /// The size as `docker images` prints it (`17.9MB`).
    pub size: String,
    /// Number of (non-empty) layers.
    pub layers: usize,
    /// Creation time, simulated ms (negative before the simulation started).
    pub created_ms: i64,
}

fn name_of(tags: &[String]) -> String {
    tags.first()
        .cloned()
        .unwrap_or_else(|| "<none>:<none>".to_string())
}

fn summary(engine: &Engine, img: &Image) -> ImageSummary {
    let tags = engine.tags_of(&img.id);
    ImageSummary {
        id: img.id.to_string(),
        short_id: img.id.short().to_string(),
        name: name_of(&tags),
        tags,
        size_bytes: img.size(),
        size: human_size(img.size()),
        layers: img.layers.len(),
        created_ms: img.created_ms,
    }
}

/// Every local image, newest first (ties by name), as `docker images` orders them.
pub fn images(engine: &Engine) -> Vec<ImageSummary> {
    let mut out: Vec<ImageSummary> = engine
        .images
        .values()
        .map(|img| summary(engine, img))
        .collect();
    out.sort_by(|a, b| {
        b.created_ms
            .cmp(&a.created_ms)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}

/// One entry of an image's history: a layer, or an instruction that only changed the config.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LayerRow {
    /// Position in the image's history, base first.
    pub history_index: usize,
    /// Position among the image's layers, base first (`None` for an empty layer).
    pub layer_index: Option<usize>,
    /// The instruction that made it, as `docker history --no-trunc` prints it.
    pub created_by: String,
    /// True for ENV, CMD, LABEL, EXPOSE…: no files changed, no layer.
    pub empty_layer: bool,
    /// The layer's DiffID (`sha256:…`), what `docker inspect` lists under `RootFS.Layers`.
    pub diff_id: Option<String>,
    /// Its first 12 hex digits.
    pub short_diff_id: Option<String>,
    /// The layer's ChainID (how the local store names it).
    pub chain_id: Option<String>,
    /// Bytes of file content (what `docker history` shows as SIZE).
    pub size_bytes: u64,
    /// The size with its unit.
    pub size: String,
    /// Other local images that hold this very layer (same ChainID), by name.
    pub shared_with: Vec<String>,
}

/// An image's layer stack.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImageDetail {
    /// The image.
    pub image: ImageSummary,
    /// History entries, base first (a renderer draws them bottom-up).
    pub rows: Vec<LayerRow>,
}

/// Images using each ChainID, by name.
fn users_by_chain(engine: &Engine) -> BTreeMap<ChainId, Vec<String>> {
    let mut users: BTreeMap<ChainId, Vec<String>> = BTreeMap::new();
    for img in engine.images.values() {
        let name = display_name(engine, img);
        for c in img.chain_ids() {
            users.entry(c).or_default().push(name.clone());
        }
    }
    users
}

/// A name for an image: its first tag, or `<none>@` and the short id for a dangling one (so
/// two dangling images stay apart).
fn display_name(engine: &Engine, img: &Image) -> String {
    engine
        .tags_of(&img.id)
        .into_iter()
        .next()
        .unwrap_or_else(|| format!("<none>@{}", img.id.short()))
}

/// The layer stack of the image `reference` names (tag or id prefix, as `docker history` takes).
pub fn image_detail(engine: &Engine, reference: &str) -> Option<ImageDetail> {
    let img = engine.find(reference)?;
    let users = users_by_chain(engine);
    let me = display_name(engine, img);
    let chains = img.chain_ids();
    let mut next_layer = 0;
    let mut rows = Vec::with_capacity(img.config.history.len());
    for (i, h) in img.config.history.iter().enumerate() {
        let layer = if h.empty_layer {
            None
        } else {
            let index = next_layer;
            next_layer += 1;
            img.layers.get(index).map(|l| (index, l))
        };
        let row = match layer {
            Some((index, l)) => {
                let chain = &chains[index];
                LayerRow {
                    history_index: i,
                    layer_index: Some(index),
                    created_by: h.created_by.clone(),
                    empty_layer: false,
                    diff_id: Some(l.diff_id().to_string()),
                    short_diff_id: Some(l.diff_id().0.short().to_string()),
                    chain_id: Some(chain.to_string()),
                    size_bytes: l.size(),
                    size: human_size(l.size()),
                    shared_with: users
                        .get(chain)
                        .map(|u| u.iter().filter(|n| **n != me).cloned().collect())
                        .unwrap_or_default(),
                }
            }
            None => LayerRow {
                history_index: i,
                layer_index: None,
                created_by: h.created_by.clone(),
                empty_layer: true,
                diff_id: None,
                short_diff_id: None,
                chain_id: None,
                size_bytes: 0,
                size: human_size(0),
                shared_with: Vec::new(),
            },
        };
        rows.push(row);
    }
    Some(ImageDetail {
        image: summary(engine, img),
        rows,
    })
}

/// What a node of the layer graph stands for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type")]
pub enum GraphNodeKind {
    /// A layer of the local store (one node per ChainID, however many images hold it).
    Layer {
        /// Its DiffID.
        diff_id: String,
        /// First 12 hex digits of the DiffID.
        short_diff_id: String,
        /// The instruction that made it (from the first image that holds it).
        created_by: String,
        /// Bytes of content.
        size_bytes: u64,
        /// The size with its unit.
        size: String,
        /// Layers below it (0 for a base layer).
        depth: usize,
    },
    /// A local image, on top of its last layer.
    Image {
        /// Its tags (empty when dangling).
        tags: Vec<String>,
        /// First 12 hex digits of the ImageID.
        short_id: String,
    },
}

/// One node of the layer graph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GraphNode {
    /// The ChainID (layers) or ImageID (images).
    pub id: String,
    /// What it is.
    pub kind: GraphNodeKind,
    /// Names of the images that hold it (an image holds itself), sorted.
    pub images: Vec<String>,
}

impl GraphNode {
    /// True for a layer that more than one image holds.
    pub fn shared(&self) -> bool {
        matches!(self.kind, GraphNodeKind::Layer { .. }) && self.images.len() > 1
    }
}

/// The local layer store as a graph: an edge goes from a layer to each layer stacked directly
/// on it and to each image whose top layer it is. Chains that share a prefix share its nodes,
/// so the graph is a forest with the base layers at its roots and images at its tips.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LayerGraph {
    /// Nodes in topological order (every node after its parent).
    pub nodes: Vec<GraphNode>,
    /// `(parent, child)` indexes into `nodes`.
    pub edges: Vec<(usize, usize)>,
}

/// Builds the layer graph of every local image.
pub fn layer_graph(engine: &Engine) -> LayerGraph {
    let mut graph: DiGraph<(String, GraphNodeKind), ()> = DiGraph::new();
    let mut by_chain: BTreeMap<ChainId, NodeIndex> = BTreeMap::new();
    let mut image_nodes: Vec<(NodeIndex, String)> = Vec::new();
    for img in engine.images.values() {
        let mut parent_node: Option<NodeIndex> = None;
        let mut history = img.config.history.iter().filter(|h| !h.empty_layer);
        for (depth, (chain, layer)) in img.chain_ids().into_iter().zip(&img.layers).enumerate() {
            let created_by = history
                .next()
                .map(|h| h.created_by.clone())
                .unwrap_or_default();
            let node = *by_chain.entry(chain.clone()).or_insert_with(|| {
                graph.add_node((
                    chain.to_string(),
                    GraphNodeKind::Layer {
                        diff_id: layer.diff_id().to_string(),
                        short_diff_id: layer.diff_id().0.short().to_string(),
                        created_by,
                        size_bytes: layer.size(),
                        size: human_size(layer.size()),
                        depth,
                    },
                ))
            });
            if let Some(p) = parent_node {
                graph.update_edge(p, node, ());
            }
            parent_node = Some(node);
        }
        let node = graph.add_node((
            img.id.to_string(),
            GraphNodeKind::Image {
                tags: engine.tags_of(&img.id),
                short_id: img.id.short().to_string(),
            },
        ));
        if let Some(p) = parent_node {
            graph.add_edge(p, node, ());
        }
        image_nodes.push((node, display_name(engine, img)));
    }
    // Which images hold each node: everything an image reaches walking down its chain.
    let mut holders: BTreeMap<NodeIndex, BTreeSet<String>> = BTreeMap::new();
    let reversed = Reversed(&graph);
    for (start, name) in &image_nodes {
        let mut dfs = Dfs::new(reversed, *start);
        while let Some(n) = dfs.next(reversed) {
            holders.entry(n).or_default().insert(name.clone());
        }
    }
    // Node indexes already follow insertion order, in which parents come first; the toposort
    // makes that an explicit property rather than an accident of construction.
    let order = petgraph::algo::toposort(&graph, None).unwrap_or_else(|_| {
        // Chains never form a cycle (a ChainID hashes its parent's); keep insertion order.
        graph.node_indices().collect()
    });
    let position: BTreeMap<NodeIndex, usize> =
        order.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let nodes = order
        .iter()
        .map(|n| {
            let (id, kind) = graph[*n].clone();
            GraphNode {
                id,
                kind,
                images: holders
                    .get(n)
                    .map(|s| s.iter().cloned().collect())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let mut edges: Vec<(usize, usize)> = graph
        .edge_indices()
        .filter_map(|e| graph.edge_endpoints(e))
        .map(|(a, b)| (position[&a], position[&b]))
        .collect();
    edges.sort_unstable();
    LayerGraph { nodes, edges }
}

/// How a path fares in a layer, as `dive` marks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum FileChange {
    /// New in this layer.
    Added,
    /// Was in a lower layer; this layer replaces it (content or metadata).
    Changed,
    /// Was in a lower layer; this layer deletes it (a whiteout or an opaque directory).
    Removed,
    /// Shown for context only: a parent directory, or (aggregate view) a path from a lower layer.
    Unchanged,
}

/// One row of a file tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileRow {
    /// Path without the leading `/`.
    pub path: String,
    /// The last path component.
    pub name: String,
    /// Components above it (0 at the top level).
    pub depth: usize,
    /// `ls -l` type and permissions (`drwxr-xr-x`).
    pub mode: String,
    /// Owner `uid:gid`.
    pub owner: String,
    /// Bytes: a file's content, or for a directory the content of the files shown below it.
    pub size_bytes: u64,
    /// The size with its unit.
    pub size: String,
    /// A symlink's target.
    pub link_target: Option<String>,
    /// What this layer does to it.
    pub change: FileChange,
    /// True for a directory this layer marks opaque (`.wh..wh..opq`).
    pub opaque: bool,
    /// True when this is a directory.
    pub is_dir: bool,
}

/// The files of one layer (or of the image up to it), with counts by change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LayerFiles {
    /// Rows in path order (a parent before its children), at most [`MAX_FILE_ROWS`].
    pub rows: Vec<FileRow>,
    /// Rows left out beyond [`MAX_FILE_ROWS`].
    pub omitted: usize,
    /// Paths this layer adds.
    pub added: usize,
    /// Paths this layer changes.
    pub changed: usize,
    /// Paths this layer removes.
    pub removed: usize,
    /// Bytes of file content this layer adds or replaces.
    pub bytes: u64,
}

/// The changes one layer makes to the tree below it: path → (change, node). Removed paths
/// carry the lower node they delete.
fn changes(
    layer: &Layer,
    lower: &Tree,
) -> (BTreeMap<String, (FileChange, Node)>, BTreeSet<String>) {
    let mut out: BTreeMap<String, (FileChange, Node)> = BTreeMap::new();
    let mut opaque = BTreeSet::new();
    for path in layer.entries().keys() {
        let name = base_name(path);
        if name == OPAQUE {
            let dir = parent(path);
            opaque.insert(dir.to_string());
            for (p, n) in lower.descendants(dir) {
                // A path the layer itself writes again is a change, not a removal (below).
                out.entry(p.to_string())
                    .or_insert((FileChange::Removed, n.clone()));
            }
        } else if let Some(hidden) = name.strip_prefix(WHITEOUT_PREFIX) {
            let target = join(parent(path), hidden);
            if let Some(n) = lower.get(&target) {
                out.insert(target.clone(), (FileChange::Removed, n.clone()));
                for (p, n) in lower.descendants(&target) {
                    out.insert(p.to_string(), (FileChange::Removed, n.clone()));
                }
            }
        }
    }
    for (path, node) in layer.entries() {
        if base_name(path).starts_with(WHITEOUT_PREFIX) {
            continue;
        }
        let hidden_below = ancestors(path).any(|a| opaque.contains(a));
        let change = match lower.get(path) {
            Some(old) if !hidden_below => {
                if old.is_dir() && node.is_dir() && old.meta() == node.meta() {
                    FileChange::Unchanged
                } else {
                    FileChange::Changed
                }
            }
            Some(_) => FileChange::Changed,
            None => FileChange::Added,
        };
        out.insert(path.clone(), (change, node.clone()));
    }
    (out, opaque)
}

fn row(path: &str, node: &Node, change: FileChange, opaque: bool) -> FileRow {
    let meta = node.meta();
    FileRow {
        path: path.to_string(),
        name: base_name(path).to_string(),
        depth: path.matches('/').count(),
        mode: node.mode_string(),
        owner: format!("{}:{}", meta.uid, meta.gid),
        size_bytes: node.size(),
        size: human_size(node.size()),
        link_target: match node {
            Node::Symlink(_, t) => Some(t.clone()),
            _ => None,
        },
        change,
        opaque,
        is_dir: node.is_dir(),
    }
}

/// The file tree of `image`'s layer `layer_index` (base = 0). With `aggregate`, the whole tree
/// as of that layer (lower layers included, as `dive`'s aggregated view), this layer's changes
/// marked and its removals kept as rows; without, only the paths the layer touches, with the
/// directories above them for context. `None` when the image has no such layer.
pub fn layer_files(image: &Image, layer_index: usize, aggregate: bool) -> Option<LayerFiles> {
    let layer = image.layers.get(layer_index)?;
    let lower = flatten(image.layers[..layer_index].iter().map(|l| l.as_ref()));
    let (changes, opaque) = changes(layer, &lower);
    let mut out = LayerFiles::default();
    for (change, node) in changes.values() {
        match change {
            FileChange::Added => out.added += 1,
            FileChange::Changed => out.changed += 1,
            FileChange::Removed => out.removed += 1,
            FileChange::Unchanged => {}
        }
        if *change != FileChange::Removed {
            out.bytes += node.size();
        }
    }
    // The rows: path → (change, node), plus context directories.
    let mut shown: BTreeMap<String, (FileChange, Node)> = BTreeMap::new();
    if aggregate {
        let upper = layer.apply(&lower);
        for (p, n) in upper.iter() {
            shown.insert(p.to_string(), (FileChange::Unchanged, n.clone()));
        }
        for (p, c) in &changes {
            shown.insert(p.clone(), c.clone());
        }
    } else {
        for (p, c) in &changes {
            shown.insert(p.clone(), c.clone());
        }
    }
    let context: Vec<(String, Node)> = shown
        .keys()
        .flat_map(|p| ancestors(p).map(str::to_string).collect::<Vec<_>>())
        .filter(|a| !shown.contains_key(a))
        .map(|a| {
            let node = lower.get(&a).cloned().unwrap_or_else(Node::dir);
            (a, node)
        })
        .collect();
    for (a, n) in context {
        shown.entry(a).or_insert((FileChange::Unchanged, n));
    }
    // Directory sizes: the files shown below them (a removed file counts where it was).
    let mut dir_bytes: BTreeMap<String, u64> = BTreeMap::new();
    for (p, (_, n)) in &shown {
        if !n.is_dir() && n.size() > 0 {
            for a in ancestors(p) {
                *dir_bytes.entry(a.to_string()).or_default() += n.size();
            }
        }
    }
    // Paths sort as strings (`a-b` before `a/b`), but a tree lists a directory's children
    // right after it: sort by components.
    let mut paths: Vec<&String> = shown.keys().collect();
    paths.sort_by(|a, b| a.split('/').cmp(b.split('/')));
    for p in paths {
        if out.rows.len() >= MAX_FILE_ROWS {
            out.omitted += 1;
            continue;
        }
        let (change, node) = &shown[p];
        let mut r = row(p, node, *change, opaque.contains(p.as_str()));
        if let Some(b) = dir_bytes.get(p.as_str()) {
            r.size_bytes = *b;
            r.size = human_size(*b);
        }
        out.rows.push(r);
    }
    Some(out)
}

/// Bytes in a lower layer that an upper layer makes unreachable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WastedFile {
    /// The file's path.
    pub path: String,
    /// Its bytes in the lower layer (still shipped with the image, never seen).
    pub size_bytes: u64,
    /// The size with its unit.
    pub size: String,
    /// The layer that holds the bytes (base = 0).
    pub layer_index: usize,
    /// The first later layer that replaces or removes it.
    pub by_layer_index: usize,
    /// True when that layer removes it; false when it writes it again.
    pub removed: bool,
}

/// Wasted space in an image, as `dive` reports it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WastedSpace {
    /// Every wasted file, largest first (ties by path), at most [`MAX_FILE_ROWS`].
    pub files: Vec<WastedFile>,
    /// Total wasted bytes.
    pub total_bytes: u64,
    /// The total with its unit.
    pub total: String,
    /// Bytes of all layers.
    pub image_bytes: u64,
    /// Share of the image's bytes that are wasted, in basis points (1/100 of a percent).
    pub wasted_bp: u64,
}

/// How the layer `later` treats `path` of a lower layer: `Some(true)` removes it, `Some(false)`
/// writes over it, `None` leaves it.
fn fate(later: &Layer, path: &str) -> Option<bool> {
    let entries = later.entries();
    let mut candidates: Vec<&str> = ancestors(path).collect();
    candidates.push(path);
    for p in candidates {
        let whiteout = join(parent(p), &format!("{WHITEOUT_PREFIX}{}", base_name(p)));
        if entries.contains_key(&whiteout) {
            return Some(true);
        }
        if p != path {
            if entries.contains_key(&join(p, OPAQUE)) {
                return Some(true);
            }
            if entries.get(p).is_some_and(|n| !n.is_dir()) {
                return Some(false);
            }
        } else if entries.contains_key(p) {
            return Some(false);
        }
    }
    None
}

/// The bytes of `image` that lower layers carry but upper layers replace or delete.
pub fn wasted_space(image: &Image) -> WastedSpace {
    let mut files = Vec::new();
    for (i, layer) in image.layers.iter().enumerate() {
        for (path, node) in layer.entries() {
            if node.size() == 0 || base_name(path).starts_with(WHITEOUT_PREFIX) {
                continue;
            }
            let hit = image.layers[i + 1..]
                .iter()
                .enumerate()
                .find_map(|(j, l)| fate(l, path).map(|removed| (i + 1 + j, removed)));
            if let Some((by, removed)) = hit {
                files.push(WastedFile {
                    path: path.clone(),
                    size_bytes: node.size(),
                    size: human_size(node.size()),
                    layer_index: i,
                    by_layer_index: by,
                    removed,
                });
            }
        }
    }
    let total_bytes: u64 = files.iter().map(|f| f.size_bytes).sum();
    files.sort_by(|a, b| {
        b.size_bytes
            .cmp(&a.size_bytes)
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.layer_index.cmp(&b.layer_index))
    });
    files.truncate(MAX_FILE_ROWS);
    let image_bytes = image.size();
    WastedSpace {
        files,
        total_bytes,
        total: human_size(total_bytes),
        image_bytes,
        wasted_bp: (u128::from(total_bytes) * 10_000)
            .checked_div(u128::from(image_bytes))
            .map_or(0, |v| v as u64),
    }
}

/// One container, as a picker lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContainerSummary {
    /// Its full id (64 hex digits).
    pub id: String,
    /// The first 12 hex digits (what `docker ps` shows).
    pub short_id: String,
    /// Its name.
    pub name: String,
    /// The image as the user named it.
    pub image: String,
    /// The ImageID it was created from.
    pub image_id: String,
    /// `created`, `running` or `exited (N)`.
    pub status: String,
    /// True while running.
    pub running: bool,
}

/// Every container, newest first (as `docker ps -a` lists them).
pub fn containers(engine: &Engine) -> Vec<ContainerSummary> {
    let mut list: Vec<&super::container::Container> = engine.containers.values().collect();
    list.sort_by_key(|c| std::cmp::Reverse(c.seq));
    list.into_iter()
        .map(|c| {
            use super::container::Status;
            ContainerSummary {
                id: c.id.clone(),
                short_id: c.short_id().to_string(),
                name: c.name.clone(),
                image: c.image_ref.clone(),
                image_id: c.image_id.to_string(),
                status: match c.state.status {
                    Status::Created => "created".to_string(),
                    Status::Running => "running".to_string(),
                    Status::Exited => format!("exited ({})", c.state.exit_code),
                },
                running: c.is_running(),
            }
        })
        .collect()
}

/// One line of `docker diff`, with what the writable layer holds for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffRow {
    /// The path without the leading `/`.
    pub path: String,
    /// `A`, `C` or `D`, as `docker diff` prints it.
    pub letter: char,
    /// The same as a file change.
    pub change: FileChange,
    /// True when the file was copied up from a read-only layer before it was changed.
    pub copied_up: bool,
    /// True when the writable layer holds a whiteout for it (`.wh.NAME` in a committed layer).
    pub whiteout: bool,
}

/// A container's filesystem: the image's read-only layers and the writable layer above them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContainerDetail {
    /// The container.
    pub container: ContainerSummary,
    /// The image's layer stack (read-only), base first; `None` when the image is gone.
    pub image: Option<ImageDetail>,
    /// Entries in the writable layer (copied-up parents and whiteouts included).
    pub upper_entries: usize,
    /// Bytes of file content in the writable layer (`docker ps -s` SIZE).
    pub upper_bytes: u64,
    /// The size with its unit.
    pub upper_size: String,
    /// Whiteouts in the writable layer.
    pub whiteouts: usize,
    /// Directories the writable layer marks opaque.
    pub opaque_dirs: Vec<String>,
    /// Paths copied up from the image, in the order it happened.
    pub copied_up: Vec<String>,
    /// `docker diff`, in its order.
    pub diff: Vec<DiffRow>,
    /// The `docker diff` paths as a tree (with their parent directories for context).
    pub files: LayerFiles,
}

/// The container `name` names (a name or an id prefix, as `docker diff` takes).
pub fn container_detail(engine: &Engine, name: &str) -> Option<ContainerDetail> {
    use super::layer::{Change, Upper};
    let c = engine.find_container(name)?;
    let summary = containers(engine).into_iter().find(|s| s.id == c.id)?;
    let fs = &c.rootfs;
    let copied: BTreeSet<&str> = fs.copied_up().iter().map(String::as_str).collect();
    let diff: Vec<DiffRow> = fs
        .diff()
        .into_iter()
        .map(|(path, change)| DiffRow {
            letter: change.letter(),
            change: match change {
                Change::Added => FileChange::Added,
                Change::Changed => FileChange::Changed,
                Change::Deleted => FileChange::Removed,
            },
            copied_up: copied.contains(path.as_str()),
            whiteout: matches!(fs.upper().get(&path), Some(Upper::Whiteout)),
            path,
        })
        .collect();
    let mut shown: BTreeMap<String, (FileChange, Node)> = BTreeMap::new();
    for d in &diff {
        let node = fs
            .merged()
            .get(&d.path)
            .or_else(|| fs.lower().get(&d.path))
            .cloned()
            .unwrap_or_else(Node::dir);
        shown.insert(d.path.clone(), (d.change, node));
    }
    let context: Vec<String> = shown
        .keys()
        .flat_map(|p| ancestors(p).map(str::to_string).collect::<Vec<_>>())
        .filter(|a| !shown.contains_key(a))
        .collect();
    for a in context {
        let node = fs.merged().get(&a).cloned().unwrap_or_else(Node::dir);
        shown.entry(a).or_insert((FileChange::Unchanged, node));
    }
    let mut files = LayerFiles::default();
    for d in &diff {
        match d.change {
            FileChange::Added => files.added += 1,
            FileChange::Changed => files.changed += 1,
            FileChange::Removed => files.removed += 1,
            FileChange::Unchanged => {}
        }
    }
    let opaque: BTreeSet<&String> = fs.opaque_dirs().iter().collect();
    let mut paths: Vec<&String> = shown.keys().collect();
    paths.sort_by(|a, b| a.split('/').cmp(b.split('/')));
    for p in paths {
        if files.rows.len() >= MAX_FILE_ROWS {
            files.omitted += 1;
            continue;
        }
        let (change, node) = &shown[p];
        files.rows.push(row(p, node, *change, opaque.contains(p)));
    }
    let upper_bytes: u64 = fs
        .upper()
        .values()
        .map(|u| match u {
            Upper::Node(n) => n.size(),
            Upper::Whiteout => 0,
        })
        .sum();
    files.bytes = upper_bytes;
    Some(ContainerDetail {
        image: image_detail(engine, c.image_id.as_str()),
        container: summary,
        upper_entries: fs.upper().len(),
        upper_bytes,
        upper_size: human_size(upper_bytes),
        whiteouts: fs
            .upper()
            .values()
            .filter(|u| matches!(u, Upper::Whiteout))
            .count(),
        opaque_dirs: fs.opaque_dirs().iter().cloned().collect(),
        copied_up: fs.copied_up().to_vec(),
        diff,
        files,
    })
}

/// One numbered step of a build.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BuildStepRow {
    /// `[2/5]` (or `[builder 2/5]` in a multi-stage build).
    pub number: String,
    /// The instruction (`RUN apk add curl`).
    pub instruction: String,
    /// True when the cache supplied it (`CACHED`); false when it ran.
    pub cached: bool,
    /// True when the previous build had another instruction at this step (or none): the line
    /// the student edited.
    pub edited: bool,
    /// For a FROM step: the base image and whether the build pulled it.
    pub from: Option<FromStep>,
}

/// The last `docker build` as of the current frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BuildView {
    /// The id of the event that started it (its `CommandRun`), so a renderer can tell builds
    /// apart and replay an animation for a new one.
    pub event_id: u64,
    /// The command line.
    pub command: String,
    /// What was built (the first tag, or the short ImageID).
    pub target: String,
    /// The ImageID built.
    pub image_id: Option<String>,
    /// The numbered steps in order, each stage's FROM first.
    pub steps: Vec<BuildStepRow>,
    /// Steps the cache supplied (a FROM whose base was already local counts, as BuildKit
    /// prints `CACHED` for it).
    pub cached: usize,
    /// Steps that ran (a FROM whose base was pulled counts).
    pub executed: usize,
    /// ChainIDs of the layers this build added to the local store (a step that ran but made a
    /// layer identical to a stored one adds nothing).
    pub new_layers: Vec<String>,
    /// True when an earlier build exists to compare with (so `edited` means something).
    pub has_previous: bool,
}

/// The builds in the log, oldest first: (cause event id, steps, image id, new layers).
type BuildRecord = (
    u64,
    Vec<(String, bool, Option<FromStep>)>,
    Option<String>,
    Vec<String>,
);

fn builds(sim: &Sim) -> Vec<BuildRecord> {
    let mut out: Vec<BuildRecord> = Vec::new();
    let mut index: BTreeMap<u64, usize> = BTreeMap::new();
    for e in sim.log() {
        let Some(cause) = e.cause else { continue };
        let slot = |out: &mut Vec<BuildRecord>, index: &mut BTreeMap<u64, usize>| {
            *index.entry(cause.0).or_insert_with(|| {
                out.push((cause.0, Vec::new(), None, Vec::new()));
                out.len() - 1
            })
        };
        match &e.kind {
            EventKind::BuildStep { step, cached, from } => {
                let i = slot(&mut out, &mut index);
                out[i].1.push((step.clone(), *cached, from.clone()));
            }
            EventKind::ImageBuilt { id } => {
                let i = slot(&mut out, &mut index);
                out[i].2 = Some(id.clone());
            }
            EventKind::LayerStored { .. } => {
                if let Some(&i) = index.get(&cause.0) {
                    out[i].3.push(e.object.name.clone());
                }
            }
            _ => {}
        }
    }
    out
}

/// Splits `[2/5] RUN x` into `[2/5]` and `RUN x`.
fn split_label(label: &str) -> (String, String) {
    match label.find("] ") {
        Some(i) if label.starts_with('[') => (label[..=i].to_string(), label[i + 2..].to_string()),
        _ => (String::new(), label.to_string()),
    }
}

/// The last build as of the simulation's current state, compared step by step with the build
/// before it.
pub fn last_build(sim: &Sim) -> Option<BuildView> {
    let all = builds(sim);
    let (event_id, steps, image_id, new_layers) = all.last()?.clone();
    let previous: Option<Vec<String>> = all
        .len()
        .checked_sub(2)
        .map(|i| all[i].1.iter().map(|(l, _, _)| l.clone()).collect());
    let command = sim
        .log()
        .iter()
        .find(|e| e.id.0 == event_id)
        .map(|e| match &e.kind {
            EventKind::CommandRun { command } | EventKind::ScheduledCommandRan { command } => {
                command.clone()
            }
            _ => e.message.clone(),
        })
        .unwrap_or_default();
    let target = sim
        .log()
        .iter()
        .find(|e| e.cause.map(|c| c.0) == Some(event_id) && e.kind.name() == "ImageBuilt")
        .map(|e| e.object.name.clone())
        .unwrap_or_default();
    let rows: Vec<BuildStepRow> = steps
        .iter()
        .enumerate()
        .map(|(i, (label, cached, from))| {
            let (number, instruction) = split_label(label);
            BuildStepRow {
                number,
                instruction,
                cached: *cached,
                edited: previous
                    .as_ref()
                    .is_some_and(|p| p.get(i).is_none_or(|old| old != label)),
                from: from.clone(),
            }
        })
        .collect();
    Some(BuildView {
        event_id,
        command,
        target,
        image_id,
        cached: rows.iter().filter(|r| r.cached).count(),
        executed: rows.iter().filter(|r| !r.cached).count(),
        steps: rows,
        new_layers,
        has_previous: previous.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;
    use crate::sim::SimConfig;

    const DOCKERFILE_V1: &str = "FROM alpine:3.20\nRUN apk add curl\nWORKDIR /app\nCOPY hello.txt /app/\nENV MODE=one\nRUN echo hi > /app/x.txt && rm /etc/motd\nCMD [\"sh\"]\n";

    fn session(script: &str) -> Session {
        let mut s = Session::new(SimConfig::default());
        for e in s.submit(script) {
            assert!(e.error.is_none(), "{}: {:?}", e.command, e.error);
        }
        s
    }

    fn write(path: &str, text: &str) -> String {
        format!("cat > {path} <<'EOF'\n{text}EOF\n")
    }

    fn built(extra: &str) -> Session {
        session(&format!(
            "{}echo hello > hello.txt\ndocker build -t app:1 .\n{extra}",
            write("Dockerfile", DOCKERFILE_V1)
        ))
    }

    #[test]
    fn the_layer_stack_lists_history_base_first_with_empty_layers_marked() {
        let s = built("");
        let d = image_detail(s.sim().docker(), "app:1").unwrap();
        assert_eq!(d.image.name, "app:1");
        let last = d.rows.last().unwrap();
        assert_eq!(
            (last.created_by.as_str(), last.empty_layer),
            ("CMD [\"sh\"]", true)
        );
        assert!(last.diff_id.is_none());
        // The DiffIDs are exactly RootFS.Layers, in order.
        let img = s.sim().docker().find("app:1").unwrap();
        let diff_ids: Vec<String> = d.rows.iter().filter_map(|r| r.diff_id.clone()).collect();
        let expected: Vec<String> = img
            .config
            .rootfs
            .diff_ids
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(diff_ids, expected);
        let run = d
            .rows
            .iter()
            .find(|r| r.created_by.contains("apk add curl"))
            .unwrap();
        assert_eq!(run.short_diff_id.as_deref().unwrap().len(), 12);
        assert!(run.size.ends_with("MB"), "{}", run.size);
        let env = d
            .rows
            .iter()
            .find(|r| r.created_by == "ENV MODE=one")
            .unwrap();
        assert!(env.empty_layer && env.layer_index.is_none());
    }

    #[test]
    fn two_images_on_one_base_share_its_layer_as_one_graph_node() {
        let s = built(&format!(
            "{}docker build -t other:1 -f Other .\n",
            write(
                "Other",
                "FROM alpine:3.20\nRUN apk add curl\nRUN touch /other\n"
            )
        ));
        let g = layer_graph(s.sim().docker());
        let layers: Vec<&GraphNode> = g
            .nodes
            .iter()
            .filter(|n| matches!(n.kind, GraphNodeKind::Layer { .. }))
            .collect();
        let images: Vec<&GraphNode> = g
            .nodes
            .iter()
            .filter(|n| matches!(n.kind, GraphNodeKind::Image { .. }))
            .collect();
        assert_eq!(images.len(), 2);
        // alpine's layer and `RUN apk add curl` are held by both images: one node each.
        let shared: Vec<&&GraphNode> = layers.iter().filter(|n| n.shared()).collect();
        assert_eq!(shared.len(), 2, "{shared:#?}");
        assert!(shared
            .iter()
            .all(|n| n.images == ["app:1".to_string(), "other:1".to_string()]));
        // app:1 has 5 layers (WORKDIR makes one), other:1 has 3; 2 are shared: 6 layer nodes.
        assert_eq!(layers.len(), 6);
        // Topological order: every edge points forward; the base is a root.
        assert!(g.edges.iter().all(|(a, b)| a < b));
        let base = layers
            .iter()
            .find(|n| matches!(n.kind, GraphNodeKind::Layer { depth: 0, .. }))
            .unwrap();
        let base_index = g.nodes.iter().position(|n| n.id == base.id).unwrap();
        assert!(!g.edges.iter().any(|(_, b)| *b == base_index));
        assert_eq!(g.edges.len(), 6 - 1 + 2);
    }

    #[test]
    fn a_layer_view_marks_added_changed_and_removed_paths() {
        let s = built("");
        let img = s.sim().docker().find("app:1").unwrap();
        let last = img.layers.len() - 1;
        let files = layer_files(img, last, false).unwrap();
        let by_path: BTreeMap<&str, &FileRow> =
            files.rows.iter().map(|r| (r.path.as_str(), r)).collect();
        assert_eq!(by_path["app/x.txt"].change, FileChange::Added);
        assert_eq!(by_path["etc/motd"].change, FileChange::Removed);
        // `app` is there as the parent of x.txt, unchanged.
        assert_eq!(by_path["app"].change, FileChange::Unchanged);
        assert_eq!((files.added, files.removed), (1, 1));
        assert!(!by_path.contains_key("bin"), "only the layer's own paths");
        // The aggregate view has the whole tree, with the same marks.
        let all = layer_files(img, last, true).unwrap();
        let agg: BTreeMap<&str, &FileRow> = all.rows.iter().map(|r| (r.path.as_str(), r)).collect();
        assert_eq!(agg["etc/motd"].change, FileChange::Removed);
        assert_eq!(agg["bin"].change, FileChange::Unchanged);
        assert_eq!(agg["app/hello.txt"].change, FileChange::Unchanged);
        // A directory's children follow it directly.
        let i = all.rows.iter().position(|r| r.path == "app").unwrap();
        assert!(all.rows[i + 1].path.starts_with("app/"));
        assert!(layer_files(img, 99, false).is_none());
    }

    #[test]
    fn wasted_space_counts_lower_bytes_that_upper_layers_overwrite_or_delete() {
        let s = session(&format!(
            "{}docker build -t w:1 .\n",
            write(
                "Dockerfile",
                "FROM busybox\nRUN echo 0123456789 > /big && echo abc > /keep\nRUN echo x > /big\nRUN rm /keep\n"
            )
        ));
        let img = s.sim().docker().find("w:1").unwrap();
        let w = wasted_space(img);
        let big = w.files.iter().find(|f| f.path == "big").unwrap();
        assert_eq!(
            (big.size_bytes, big.by_layer_index, big.removed),
            (11, big.layer_index + 1, false)
        );
        let keep = w.files.iter().find(|f| f.path == "keep").unwrap();
        assert_eq!(
            (keep.size_bytes, keep.by_layer_index, keep.removed),
            (4, keep.layer_index + 2, true)
        );
        assert!(w.total_bytes >= 15);
        assert!(w.wasted_bp < 10_000);
        // `apk add` rewrites the package database of the base layer; `rm` deletes its motd.
        let clean = built("");
        let app = clean.sim().docker().find("app:1").unwrap();
        let w = wasted_space(app);
        let paths: BTreeMap<&str, bool> = w
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.removed))
            .collect();
        assert_eq!(paths.get("etc/motd"), Some(&true));
        assert_eq!(paths.get("lib/apk/db/installed"), Some(&false));
    }

    #[test]
    fn editing_one_line_rebuilds_from_that_step_and_the_build_view_says_so() {
        let edited = DOCKERFILE_V1.replace("COPY hello.txt /app/", "COPY hello.txt /srv/");
        let s = built(&format!(
            "{}docker build -t app:1 .\n",
            write("Dockerfile", &edited)
        ));
        let b = last_build(s.sim()).unwrap();
        assert_eq!(b.command, "docker build -t app:1 .");
        assert_eq!(b.target, "app:1");
        assert!(b.has_previous);
        let marks: Vec<(bool, bool)> = b.steps.iter().map(|r| (r.cached, r.edited)).collect();
        // [1/5] FROM (local now), [2/5] RUN, [3/5] WORKDIR cached; [4/5] COPY edited and run;
        // [5/5] RUN runs again.
        assert_eq!(
            marks,
            [
                (true, false),
                (true, false),
                (true, false),
                (false, true),
                (false, false)
            ]
        );
        assert_eq!((b.cached, b.executed), (3, 2));
        assert_eq!(
            (b.steps[0].number.as_str(), b.steps[0].instruction.as_str()),
            ("[1/5]", "FROM alpine:3.20")
        );
        let from = b.steps[0].from.as_ref().unwrap();
        assert!(!from.pulled);
        assert!(
            from.base
                .starts_with("docker.io/library/alpine:3.20@sha256:"),
            "{from:?}"
        );
        assert!(b.steps[1..].iter().all(|r| r.from.is_none()));
        assert_eq!(b.steps[1].number, "[2/5]");
        assert_eq!(b.steps[3].instruction, "COPY hello.txt /srv/");
        assert!(!b.new_layers.is_empty());
        // Stepping back to before the second build shows the first one, with nothing to compare.
        let mut back = s.clone();
        back.step_back();
        let first = last_build(back.sim()).unwrap();
        assert!(!first.has_previous && first.steps.iter().all(|r| !r.cached && !r.edited));
        // The first build pulled its base: FROM is a miss too.
        assert!(first.steps[0].from.as_ref().unwrap().pulled);
        assert_eq!(first.executed, 5);
    }

    #[test]
    fn a_container_view_shows_docker_diff_with_copy_ups_and_whiteouts() {
        let mut s = built("");
        for e in s.submit(
            "docker run -d --name c1 app:1 sleep 1000\ndocker exec c1 sh -c 'echo more >> /app/hello.txt && rm /etc/alpine-release && touch /tmp/new'\n",
        ) {
            assert!(e.error.is_none(), "{}: {:?}", e.command, e.error);
        }
        let list = containers(s.sim().docker());
        assert_eq!(list.len(), 1);
        assert!(list[0].running, "{:?}", list[0]);
        let d = container_detail(s.sim().docker(), "c1").unwrap();
        let diff: BTreeMap<&str, (char, bool, bool)> = d
            .diff
            .iter()
            .map(|r| (r.path.as_str(), (r.letter, r.copied_up, r.whiteout)))
            .collect();
        assert_eq!(diff["app/hello.txt"], ('C', true, false));
        assert_eq!(diff["etc/alpine-release"], ('D', false, true));
        assert_eq!(diff["tmp/new"], ('A', false, false));
        assert_eq!(d.whiteouts, 1);
        assert!(d.copied_up.contains(&"app/hello.txt".to_string()));
        // The tree holds exactly the diff's paths (and their parents), marked alike.
        let rows: BTreeMap<&str, FileChange> = d
            .files
            .rows
            .iter()
            .map(|r| (r.path.as_str(), r.change))
            .collect();
        assert_eq!(rows["etc/alpine-release"], FileChange::Removed);
        assert_eq!(rows["tmp/new"], FileChange::Added);
        // The image underneath is unchanged: the same layer stack as before the container.
        let img = image_detail(s.sim().docker(), "app:1").unwrap();
        assert_eq!(d.image.unwrap().rows, img.rows);
    }

    #[test]
    fn no_build_no_view_and_images_list_newest_first() {
        let s = session("ls\n");
        assert!(last_build(s.sim()).is_none());
        assert!(images(s.sim().docker()).is_empty());
        let s = built("run 10s\ndocker pull alpine:3.20\n");
        let names: Vec<String> = images(s.sim().docker())
            .into_iter()
            .map(|i| i.name)
            .collect();
        assert_eq!(names, ["app:1", "alpine:3.20"]);
    }
}
