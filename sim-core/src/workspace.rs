//! The session's virtual workspace: the files a student writes (Dockerfiles, manifests, scripts).
//!
//! Paths are relative to the workspace root; `/x`, `./x` and `x` name the same file. Directories
//! exist implicitly, as the parents of files (as in an object store).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{CommandError, Result};
use crate::limits;

/// The files of one session, by normalized path.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    files: BTreeMap<String, String>,
}

/// One entry of a directory listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    File(&'a str),
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

    /// The content of a file, if `path` (normalized) names one.
    pub fn read(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Checks that `content` may be written at `path` (normalized) without changing anything.
    pub fn check_write(&self, command: &str, path: &str, content: &str) -> Result<()> {
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
        if content.len() > limits::MAX_FILE_BYTES {
            return Err(CommandError::FileTooLarge {
                path: path.to_string(),
                len: content.len(),
            });
        }
        if !self.files.contains_key(path) && self.files.len() >= limits::MAX_FILES {
            return Err(CommandError::TooManyFiles {
                path: path.to_string(),
            });
        }
        Ok(())
    }

    /// Writes a file; call `check_write` first (this only asserts what it promised).
    pub fn write(&mut self, path: String, content: String) {
        debug_assert!(self.check_write("write", &path, &content).is_ok());
        self.files.insert(path, content);
    }

    /// Removes a file, returning whether it existed.
    pub fn remove(&mut self, path: &str) -> bool {
        self.files.remove(path).is_some()
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
}
