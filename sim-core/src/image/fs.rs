//! The filesystem of image and container roots: directories, regular files and symlinks with
//! mode, owner and size.
//!
//! Small text files hold their real bytes. Large binaries (a libc, an interpreter) hold a
//! deterministic synthetic content: a seed and a size, whose bytes are generated when a layer
//! tar is written. So a 78 MB base image costs kilobytes of memory, yet its layer tar — and so
//! its DiffID — is real.
//!
//! Paths are absolute paths without the leading `/` (`etc/passwd`); the root is implicit.

use std::collections::BTreeMap;

use serde::Serialize;

/// Longest path accepted inside an image (the ustar header's 155-byte prefix + 100-byte name).
pub const MAX_PATH_BYTES: usize = 255;

/// Owner and permission bits of a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Meta {
    /// Permission bits (`0o755`); the type is the node's variant.
    pub mode: u32,
    /// Owner user id.
    pub uid: u32,
    /// Owner group id.
    pub gid: u32,
}

impl Meta {
    /// Root-owned with `mode`.
    pub const fn root(mode: u32) -> Meta {
        Meta {
            mode,
            uid: 0,
            gid: 0,
        }
    }
}

/// What a regular file contains.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Content {
    /// Real bytes (text files, configuration, what a student writes).
    Bytes(Vec<u8>),
    /// `size` deterministic bytes generated from `seed` (binaries, libraries, package data).
    Synthetic {
        /// Names the content (`alpine:3.20:bin/busybox`); equal seeds mean equal bytes.
        seed: String,
        /// Size in bytes.
        size: u64,
    },
}

impl Content {
    /// Real bytes from text.
    pub fn text(s: &str) -> Content {
        Content::Bytes(s.as_bytes().to_vec())
    }

    /// Size in bytes.
    pub fn size(&self) -> u64 {
        match self {
            Content::Bytes(b) => b.len() as u64,
            Content::Synthetic { size, .. } => *size,
        }
    }

    /// The bytes as text, when they are real and valid UTF-8.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Content::Bytes(b) => std::str::from_utf8(b).ok(),
            Content::Synthetic { .. } => None,
        }
    }

    /// Feeds the content's bytes to `sink` in chunks (generating synthetic bytes on the fly).
    pub fn write_to(&self, sink: &mut dyn FnMut(&[u8])) {
        match self {
            Content::Bytes(b) => sink(b),
            Content::Synthetic { seed, size } => synthetic_bytes(seed, *size, sink),
        }
    }
}

/// Generates `size` bytes from `seed` with xorshift64*: fast, deterministic, and not
/// compressible into nothing (so sizes stay honest).
fn synthetic_bytes(seed: &str, size: u64, sink: &mut dyn FnMut(&[u8])) {
    // FNV-1a of the seed, never zero (xorshift's fixed point).
    let mut state = seed.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    }) | 1;
    let mut buf = [0u8; 8192];
    let mut left = size;
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        for chunk in buf[..n].chunks_mut(8) {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            let v = state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        sink(&buf[..n]);
        left -= n as u64;
    }
}

/// One filesystem object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Node {
    /// A directory (its children are the paths below it).
    Dir(Meta),
    /// A regular file.
    File(Meta, Content),
    /// A symbolic link to `target`.
    Symlink(Meta, String),
}

impl Node {
    /// A root-owned directory with mode 0755.
    pub fn dir() -> Node {
        Node::Dir(Meta::root(0o755))
    }

    /// A root-owned text file with mode 0644.
    pub fn text(s: &str) -> Node {
        Node::File(Meta::root(0o644), Content::text(s))
    }

    /// A root-owned symlink.
    pub fn symlink(target: &str) -> Node {
        Node::Symlink(Meta::root(0o777), target.to_string())
    }

    /// Its owner and permissions.
    pub fn meta(&self) -> Meta {
        match self {
            Node::Dir(m) | Node::File(m, _) | Node::Symlink(m, _) => *m,
        }
    }

    /// The same node with other owner/permissions.
    pub fn with_meta(&self, meta: Meta) -> Node {
        match self {
            Node::Dir(_) => Node::Dir(meta),
            Node::File(_, c) => Node::File(meta, c.clone()),
            Node::Symlink(_, t) => Node::Symlink(meta, t.clone()),
        }
    }

    /// True for a directory.
    pub fn is_dir(&self) -> bool {
        matches!(self, Node::Dir(_))
    }

    /// Bytes of content (regular files only; the size `docker history` adds up).
    pub fn size(&self) -> u64 {
        match self {
            Node::File(_, c) => c.size(),
            _ => 0,
        }
    }

    /// The `ls -l` type letter and permission string (`drwxr-xr-x`).
    pub fn mode_string(&self) -> String {
        let kind = match self {
            Node::Dir(_) => 'd',
            Node::File(..) => '-',
            Node::Symlink(..) => 'l',
        };
        let mode = self.meta().mode;
        let mut s = String::with_capacity(10);
        s.push(kind);
        for shift in [6, 3, 0] {
            let bits = (mode >> shift) & 7;
            s.push(if bits & 4 != 0 { 'r' } else { '-' });
            s.push(if bits & 2 != 0 { 'w' } else { '-' });
            s.push(if bits & 1 != 0 { 'x' } else { '-' });
        }
        s
    }
}

/// A whole directory tree by path; every path's parent directory is in the tree too.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tree {
    nodes: BTreeMap<String, Node>,
}

/// The parent of a path (`""` for top-level entries).
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(p, _)| p)
}

/// The last component of a path.
pub fn base_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, b)| b)
}

/// `dir/name`, or `name` at the root.
pub fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Every proper ancestor of `path`, outermost first (`a/b/c` → `a`, `a/b`).
pub fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i])
}

/// Resolves `path` (absolute, or relative to `cwd`) into tree form, `.` and `..` applied.
/// `..` at the root stays at the root, as in a real filesystem.
pub fn resolve(cwd: &str, path: &str) -> String {
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        cwd.split('/').filter(|p| !p.is_empty()).collect()
    };
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

impl Tree {
    /// An empty tree (just the root).
    pub fn new() -> Tree {
        Tree::default()
    }

    /// The node at `path`.
    pub fn get(&self, path: &str) -> Option<&Node> {
        self.nodes.get(path)
    }

    /// True when `path` exists (the root always does).
    pub fn exists(&self, path: &str) -> bool {
        path.is_empty() || self.nodes.contains_key(path)
    }

    /// True when `path` is a directory (the root is one).
    pub fn is_dir(&self, path: &str) -> bool {
        path.is_empty() || self.nodes.get(path).is_some_and(Node::is_dir)
    }

    /// Inserts a node, creating missing parent directories (root-owned, 0755) as `tar -x` does.
    pub fn insert(&mut self, path: &str, node: Node) {
        for a in ancestors(path) {
            if !self.nodes.get(a).is_some_and(Node::is_dir) {
                self.nodes.insert(a.to_string(), Node::dir());
            }
        }
        self.nodes.insert(path.to_string(), node);
    }

    /// Removes `path` and everything below it; returns how many nodes went.
    pub fn remove_all(&mut self, path: &str) -> usize {
        let mut n = usize::from(self.nodes.remove(path).is_some());
        let below: Vec<String> = self.descendants(path).map(|(p, _)| p.to_string()).collect();
        for p in below {
            self.nodes.remove(&p);
            n += 1;
        }
        n
    }

    /// Every node strictly below directory `dir` (`""` = the whole tree), in path order.
    pub fn descendants<'a>(&'a self, dir: &str) -> impl Iterator<Item = (&'a str, &'a Node)> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        self.nodes
            .range(prefix.clone()..)
            .take_while(move |(p, _)| p.starts_with(&prefix))
            .map(|(p, n)| (p.as_str(), n))
    }

    /// The direct children of directory `dir`, by name.
    pub fn children<'a>(&'a self, dir: &str) -> impl Iterator<Item = (&'a str, &'a Node)> {
        let depth = if dir.is_empty() {
            0
        } else {
            dir.matches('/').count() + 1
        };
        self.descendants(dir)
            .filter(move |(p, _)| p.matches('/').count() == depth)
    }

    /// Every node, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.nodes.iter().map(|(p, n)| (p.as_str(), n))
    }

    /// Number of nodes (the root not counted).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when only the root exists.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Bytes of regular-file content in the whole tree.
    pub fn content_bytes(&self) -> u64 {
        self.nodes.values().map(Node::size).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_against_the_working_directory() {
        assert_eq!(resolve("app", "x/../y"), "app/y");
        assert_eq!(resolve("app", "/etc//passwd"), "etc/passwd");
        assert_eq!(resolve("", "../../x"), "x");
        assert_eq!(resolve("a/b", "."), "a/b");
        assert_eq!(ancestors("a/b/c").collect::<Vec<_>>(), ["a", "a/b"]);
        assert_eq!(parent("a/b/c"), "a/b");
        assert_eq!(base_name("a/b/c"), "c");
    }

    #[test]
    fn synthetic_content_is_deterministic_and_sized() {
        let c = Content::Synthetic {
            seed: "x".into(),
            size: 10_001,
        };
        let mut a = Vec::new();
        c.write_to(&mut |b| a.extend_from_slice(b));
        let mut b = Vec::new();
        c.write_to(&mut |x| b.extend_from_slice(x));
        assert_eq!(a.len(), 10_001);
        assert_eq!(a, b);
    }

    #[test]
    fn inserting_creates_parents_and_removing_takes_descendants() {
        let mut t = Tree::new();
        t.insert("a/b/c", Node::text("x"));
        assert!(t.is_dir("a/b"));
        t.insert("a/bc", Node::text("y"));
        assert_eq!(t.children("a").count(), 2);
        assert_eq!(t.remove_all("a/b"), 2);
        assert!(t.exists("a/bc"));
    }
}
