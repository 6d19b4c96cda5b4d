//! A deterministic ustar writer for layer changesets.
//!
//! Same entries ⇒ same bytes ⇒ same DiffID: entries come sorted (parents before children,
//! whiteouts before their siblings), mtime is 0, owner names are empty, and the archive ends with
//! two zero blocks, as Go's `archive/tar` (which Docker uses) ends it. Headers follow POSIX
//! ustar: octal fields NUL-terminated, checksum computed with the checksum field as spaces.

use std::cmp::Ordering;

use super::fs::{Content, Node};

/// Size of a tar block.
pub const BLOCK: usize = 512;

/// Why an entry cannot be written as ustar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TarError {
    /// The path does not fit the 155-byte prefix + 100-byte name of a ustar header.
    PathTooLong(String),
    /// A symlink target longer than the 100-byte link name field.
    LinkTooLong(String),
}

/// Where tar bytes go: a buffer, or a hasher that only counts and hashes them.
pub trait Sink {
    /// Appends bytes.
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Orders tar paths: component by component (so a directory precedes its contents), and within a
/// directory the opaque marker first, then whiteouts, then the rest by name — the OCI spec asks
/// that whiteouts come before sibling entries.
pub fn path_order(a: &str, b: &str) -> Ordering {
    fn rank(c: &str) -> u8 {
        if c == ".wh..wh..opq" {
            0
        } else if c.starts_with(".wh.") {
            1
        } else {
            2
        }
    }
    let mut x = a.split('/');
    let mut y = b.split('/');
    loop {
        match (x.next(), y.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) => {
                let o = rank(p).cmp(&rank(q)).then_with(|| p.cmp(q));
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

/// Checks that every entry can be written (before anything is).
pub fn check(entries: &[(&str, &Node)]) -> Result<(), TarError> {
    for (path, node) in entries {
        let name = if node.is_dir() {
            format!("{path}/")
        } else {
            path.to_string()
        };
        split_name(&name).ok_or_else(|| TarError::PathTooLong(path.to_string()))?;
        if let Node::Symlink(_, t) = node {
            if t.len() > 100 {
                return Err(TarError::LinkTooLong(path.to_string()));
            }
        }
    }
    Ok(())
}

/// Splits a name into ustar (prefix, name) parts.
fn split_name(name: &str) -> Option<(&str, &str)> {
    if name.len() <= 100 {
        return Some(("", name));
    }
    if name.len() > 256 {
        return None;
    }
    // Split at a '/' so that the prefix is ≤155 bytes and the rest ≤100 bytes (a trailing '/'
    // of a directory stays with the name part).
    let body = name.strip_suffix('/').unwrap_or(name);
    body.rmatch_indices('/')
        .map(|(i, _)| i)
        .find(|&i| i <= 155 && name.len() - i - 1 <= 100)
        .map(|i| (&name[..i], &name[i + 1..]))
}

fn octal(field: &mut [u8], value: u64) {
    // `width - 1` octal digits, zero-padded, then NUL.
    let digits = field.len() - 1;
    let s = format!("{value:0digits$o}");
    field[..digits].copy_from_slice(&s.as_bytes()[s.len() - digits..]);
    field[digits] = 0;
}

fn header(name: &str, node: &Node) -> [u8; BLOCK] {
    let mut h = [0u8; BLOCK];
    let (prefix, short) = split_name(name).unwrap_or(("", name));
    h[..short.len()].copy_from_slice(short.as_bytes());
    let meta = node.meta();
    octal(&mut h[100..108], u64::from(meta.mode & 0o7777));
    octal(&mut h[108..116], u64::from(meta.uid));
    octal(&mut h[116..124], u64::from(meta.gid));
    octal(&mut h[124..136], node.size());
    octal(&mut h[136..148], 0); // mtime: fixed, so that rebuilding gives the same bytes
    h[156] = match node {
        Node::File(..) => b'0',
        Node::Symlink(..) => b'2',
        Node::Dir(..) => b'5',
    };
    if let Node::Symlink(_, target) = node {
        let t = target.as_bytes();
        h[157..157 + t.len().min(100)].copy_from_slice(&t[..t.len().min(100)]);
    }
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[345..345 + prefix.len()].copy_from_slice(prefix.as_bytes());
    // Checksum: sum of all header bytes with the checksum field taken as eight spaces, stored as
    // six octal digits, NUL, space.
    h[148..156].copy_from_slice(b"        ");
    let sum: u64 = h.iter().map(|&b| u64::from(b)).sum();
    let s = format!("{sum:06o}");
    h[148..154].copy_from_slice(s.as_bytes());
    h[154] = 0;
    h[155] = b' ';
    h
}

/// Writes `entries` (already in [`path_order`] and checked with [`check`]) as a tar archive.
pub fn write(entries: &[(&str, &Node)], sink: &mut dyn Sink) {
    for (path, node) in entries {
        let name = if node.is_dir() {
            format!("{path}/")
        } else {
            path.to_string()
        };
        sink.put(&header(&name, node));
        if let Node::File(_, content) = node {
            content.write_to(&mut |b| sink.put(b));
            let pad = (BLOCK - (content.size() % BLOCK as u64) as usize) % BLOCK;
            sink.put(&[0u8; BLOCK][..pad]);
        }
    }
    sink.put(&[0u8; 2 * BLOCK]);
}

/// The archive's bytes (for export; building a DiffID only hashes them).
pub fn to_vec(entries: &[(&str, &Node)]) -> Vec<u8> {
    let mut out = Vec::new();
    write(entries, &mut out);
    out
}

/// A convenience for tests and small layers: a text file node's bytes.
pub fn text_of(node: &Node) -> Option<&str> {
    match node {
        Node::File(_, Content::Bytes(b)) => std::str::from_utf8(b).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whiteouts_sort_before_siblings_and_parents_before_children() {
        let mut v = vec![
            "a/z",
            "a/.wh.b",
            "a",
            "a/.wh..wh..opq",
            "a-b",
            "a/b/c",
            "a/b",
        ];
        v.sort_by(|x, y| path_order(x, y));
        assert_eq!(
            v,
            [
                "a",
                "a/.wh..wh..opq",
                "a/.wh.b",
                "a/b",
                "a/b/c",
                "a/z",
                "a-b"
            ]
        );
    }

    #[test]
    fn long_paths_split_into_prefix_and_name_or_are_refused() {
        let long = format!("{}/{}", "d".repeat(150), "f".repeat(90));
        assert_eq!(split_name(&long), Some((&long[..150], &long[151..])));
        let too_long = format!("{}/{}", "d".repeat(150), "f".repeat(120));
        assert_eq!(split_name(&too_long), None);
    }
}
