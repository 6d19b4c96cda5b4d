//! The session's virtual workspace: the files a student writes (Dockerfiles, manifests, scripts).
//!
//! Paths are relative to the workspace root; `/x`, `./x` and `x` name the same file. Directories
//! exist implicitly, as the parents of files (as in an object store).
//!
//! Files are text (what a student types, at most 1 MiB each) or binary artifacts the sandbox
//! writes (`docker save`), which share a larger budget of their own (256 MiB in all) and which
//! the CLI copies to the host with `--export-dir`.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Serialize, Serializer};
use sha2::{Digest as _, Sha256};

use crate::error::{CommandError, Result};
use crate::limits;

/// What a workspace file holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileContent {
    /// Text a student wrote (or a command's output).
    Text(String),
    /// Bytes an artifact-producing command wrote (an image archive). Shared, so that cloning a
    /// simulation does not copy megabytes.
    Binary {
        /// The bytes.
        bytes: Arc<[u8]>,
        /// Their sha256 (hex), computed once: the state fingerprint and views use it.
        sha256: String,
    },
}

impl FileContent {
    /// Binary content from bytes.
    pub fn binary(bytes: Vec<u8>) -> FileContent {
        let sha256 = crate::sim::hex(&Sha256::digest(&bytes));
        FileContent::Binary {
            bytes: bytes.into(),
            sha256,
        }
    }

    /// Size in bytes.
    pub fn len(&self) -> usize {
        match self {
            FileContent::Text(t) => t.len(),
            FileContent::Binary { bytes, .. } => bytes.len(),
        }
    }

    /// True when the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text, for a text file.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            FileContent::Text(t) => Some(t),
            FileContent::Binary { .. } => None,
        }
    }

    /// The raw bytes (text as UTF-8).
    pub fn bytes(&self) -> &[u8] {
        match self {
            FileContent::Text(t) => t.as_bytes(),
            FileContent::Binary { bytes, .. } => bytes,
        }
    }
}

/// Text serializes as itself; binary content as its size and sha256 (the state fingerprint and
/// views need to tell contents apart, not to carry megabytes of JSON numbers).
impl Serialize for FileContent {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            FileContent::Text(t) => s.serialize_str(t),
            FileContent::Binary { bytes, sha256 } => {
                use serde::ser::SerializeStruct;
                let mut st = s.serialize_struct("Binary", 2)?;
                st.serialize_field("binary_bytes", &bytes.len())?;
                st.serialize_field("sha256", sha256)?;
                st.end()
            }
        }
    }
}

/// The files of one session, by normalized path.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Workspace {
    files: BTreeMap<String, FileContent>,
    /// Bytes held by binary files (bounded by [`limits::MAX_BINARY_BYTES`]).
    binary_bytes: usize,
}

/// One entry of a directory listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DirEntry {
    /// Name within the directory (no slashes).
    pub name: String,
    /// True for a directory.
    pub is_dir: bool,
    /// Size in bytes (0 for directories).
    pub bytes: u64,
}

/// What a path names in the workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// A file and its content.
    File(&'a FileContent),
    /// A directory (the root, or the parent of some file).
    Dir,
    /// Nothing.
    Missing,
}

/// Turns a user path into the workspace's normal form (`a/b/c`, the root being ``).
pub fn normalize(command: &str, path: &str) -> Result<String> {
    let invalid = |reason: &str| CommandError::InvalidPath {
        command: command.to_string(),
        path: path.to_string(),
        reason: reason.to_string(),
    };
    if path.is_empty() {
        return Err(invalid("empty path"));
    }
    if path.len() > 4096 {
        return Err(invalid("path longer than 4096 bytes"));
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(invalid("path leaves the workspace"));
                }
            }
            p if p.chars().any(|c| c.is_control()) => {
                return Err(invalid("control characters are not allowed in paths"));
            }
            p => parts.push(p),
        }
    }
    Ok(parts.join("/"))
}

impl Workspace {
    /// What `path` (already normalized) names.
    pub fn lookup(&self, path: &str) -> Lookup<'_> {
        if let Some(content) = self.files.get(path) {
            return Lookup::File(content);
        }
        if path.is_empty() || self.has_children(path) {
            Lookup::Dir
        } else {
            Lookup::Missing
        }
    }

    fn has_children(&self, dir: &str) -> bool {
        let prefix = format!("{dir}/");
        self.files
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix))
    }

    /// The text of a file, if `path` (normalized) names a text file.
    pub fn read(&self, path: &str) -> Option<&str> {
        self.files.get(path).and_then(FileContent::as_text)
    }

    /// The content of a file (text or binary), if `path` (normalized) names one.
    pub fn file(&self, path: &str) -> Option<&FileContent> {
        self.files.get(path)
    }

    /// The bytes of a file (text as UTF-8), if `path` (normalized) names one: what a browser
    /// download or a host export writes.
    pub fn read_bytes(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(FileContent::bytes)
    }

    /// Every file with its content, by path (what the CLI's `--export-dir` copies out).
    pub fn files(&self) -> impl Iterator<Item = (&str, &FileContent)> {
        self.files.iter().map(|(p, c)| (p.as_str(), c))
    }

    /// Bytes held by binary files.
    pub fn binary_bytes(&self) -> usize {
        self.binary_bytes
    }

    /// Checks that text `content` may be written at `path` (normalized) without changing
    /// anything.
    pub fn check_write(&self, command: &str, path: &str, content: &str) -> Result<()> {
        self.check_place(command, path)?;
        if content.len() > limits::MAX_FILE_BYTES {
            return Err(CommandError::FileTooLarge {
                path: path.to_string(),
                len: content.len(),
            });
        }
        Ok(())
    }

    /// Checks that a binary file of `len` bytes may be written at `path` (normalized): the
    /// binary files' total, counting this one instead of any file it replaces, stays within
    /// [`limits::MAX_BINARY_BYTES`].
    pub fn check_write_binary(&self, command: &str, path: &str, len: usize) -> Result<()> {
        self.check_place(command, path)?;
        let replaced = match self.files.get(path) {
            Some(c @ FileContent::Binary { .. }) => c.len(),
            _ => 0,
        };
        let others = self.binary_bytes - replaced;
        if others.saturating_add(len) > limits::MAX_BINARY_BYTES {
            return Err(CommandError::BinaryTooLarge {
                path: path.to_string(),
                len,
                used: others,
            });
        }
        Ok(())
    }

    /// Checks that some file may be placed at `path`: not over a directory, not under a file,
    /// within the count of files.
    fn check_place(&self, command: &str, path: &str) -> Result<()> {
        if path.is_empty() || matches!(self.lookup(path), Lookup::Dir) {
            return Err(CommandError::IsADirectory {
                command: command.to_string(),
                path: if path.is_empty() {
                    "/".into()
                } else {
                    path.into()
                },
            });
        }
        // A file may not sit where a parent directory is needed.
        let mut prefix = String::new();
        for part in path.split('/').take(path.split('/').count() - 1) {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            if self.files.contains_key(&prefix) {
                return Err(CommandError::InvalidPath {
                    command: command.to_string(),
                    path: path.to_string(),
                    reason: "Not a directory".to_string(),
                });
            }
        }
        if !self.files.contains_key(path) && self.files.len() >= limits::MAX_FILES {
            return Err(CommandError::TooManyFiles {
                path: path.to_string(),
            });
        }
        Ok(())
    }

    /// Writes a text file; call `check_write` first (this only asserts what it promised).
    pub fn write(&mut self, path: String, content: String) {
        debug_assert!(self.check_write("write", &path, &content).is_ok());
        self.insert(path, FileContent::Text(content));
    }

    /// Writes a binary file; call `check_write_binary` first.
    pub fn write_binary(&mut self, path: String, content: FileContent) {
        debug_assert!(self
            .check_write_binary("write", &path, content.len())
            .is_ok());
        self.insert(path, content);
    }

    fn insert(&mut self, path: String, content: FileContent) {
        if let FileContent::Binary { .. } = content {
            self.binary_bytes += content.len();
        }
        if let Some(FileContent::Binary { bytes, .. }) = self.files.insert(path, content) {
            self.binary_bytes -= bytes.len();
        }
    }

    /// Removes a file, returning whether it existed.
    pub fn remove(&mut self, path: &str) -> bool {
        match self.files.remove(path) {
            Some(FileContent::Binary { bytes, .. }) => {
                self.binary_bytes -= bytes.len();
                true
            }
            Some(FileContent::Text(_)) => true,
            None => false,
        }
    }

    /// The entries directly inside directory `dir` (normalized), sorted by name.
    pub fn list(&self, dir: &str) -> Vec<DirEntry> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut out: BTreeMap<String, DirEntry> = BTreeMap::new();
        for (path, content) in self.files.range(prefix.clone()..) {
            let Some(rest) = path.strip_prefix(&prefix) else {
                break;
            };
            match rest.split_once('/') {
                Some((sub, _)) => {
                    out.entry(sub.to_string()).or_insert(DirEntry {
                        name: sub.to_string(),
                        is_dir: true,
                        bytes: 0,
                    });
                }
                None => {
                    out.insert(
                        rest.to_string(),
                        DirEntry {
                            name: rest.to_string(),
                            is_dir: false,
                            bytes: content.len() as u64,
                        },
                    );
                }
            }
        }
        out.into_values().collect()
    }

    /// Every file path, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize_to_one_form() {
        for p in ["a/b", "/a/b", "./a/b", "a//b/", "a/./c/../b"] {
            assert_eq!(normalize("cat", p).unwrap(), "a/b");
        }
        assert_eq!(normalize("ls", "/").unwrap(), "");
        assert!(normalize("cat", "../x").is_err());
    }

    #[test]
    fn directories_exist_as_parents_of_files() {
        let mut ws = Workspace::default();
        ws.write("app/k8s/web.yaml".into(), "x".into());
        ws.write("Dockerfile".into(), "FROM alpine".into());
        assert_eq!(ws.lookup("app"), Lookup::Dir);
        assert_eq!(ws.lookup("app/k8s"), Lookup::Dir);
        assert_eq!(ws.lookup("ap"), Lookup::Missing);
        let names: Vec<_> = ws.list("").into_iter().map(|e| e.name).collect();
        assert_eq!(names, ["Dockerfile", "app"]);
    }

    #[test]
    fn a_file_cannot_be_written_over_a_directory_or_under_a_file() {
        let mut ws = Workspace::default();
        ws.write("a/b".into(), "x".into());
        assert!(ws.check_write("cat", "a", "y").is_err());
        assert!(ws.check_write("cat", "a/b/c", "y").is_err());
        assert!(ws.check_write("cat", "a/c", "y").is_ok());
    }

    #[test]
    fn binary_files_share_their_own_budget_and_replacing_one_frees_its_bytes() {
        let mut ws = Workspace::default();
        let big = limits::MAX_BINARY_BYTES / 2;
        ws.write_binary("a.tar".into(), FileContent::binary(vec![0; big]));
        assert!(ws.check_write_binary("save", "b.tar", big).is_ok());
        assert!(ws.check_write_binary("save", "b.tar", big + 1).is_err());
        // Overwriting a.tar counts its new size instead of its old one.
        assert!(ws.check_write_binary("save", "a.tar", 2 * big).is_ok());
        ws.write_binary("a.tar".into(), FileContent::binary(vec![1; 10]));
        assert_eq!(ws.binary_bytes(), 10);
        ws.write("a.tar".into(), "text now".into());
        assert_eq!(ws.binary_bytes(), 0);
        assert_eq!(ws.read("a.tar"), Some("text now"));
    }

    #[test]
    fn read_bytes_gives_text_and_binary_files_alike() {
        let mut ws = Workspace::default();
        ws.write("notes.txt".into(), "안녕".into());
        ws.write_binary("a.tar".into(), FileContent::binary(vec![0, 255, 7]));
        assert_eq!(ws.read_bytes("notes.txt"), Some("안녕".as_bytes()));
        assert_eq!(ws.read_bytes("a.tar"), Some(&[0u8, 255, 7][..]));
        assert_eq!(ws.read("a.tar"), None);
        assert_eq!(ws.read_bytes("missing"), None);
    }
}
