//! The Files view's rows: the workspace's files as a browser download needs them (name, size,
//! MIME type). Pure, so it is tested natively; the download itself is in [`crate::dom`].

use sim_core::image::format::human_size;
use sim_core::workspace::{FileContent, Workspace};
use sim_core::{Event, EventKind};

/// What kind of file a row is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// Text a student wrote (a Dockerfile, a manifest) or a command's output.
    Text,
    /// Bytes the sandbox wrote (a `docker save` archive).
    Binary,
}

/// One workspace file, ready to list and to download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRow {
    /// Its workspace path (`app/Dockerfile`).
    pub path: String,
    /// The name the download gets: the path's last part (`Dockerfile`).
    pub download_name: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Size as Docker prints it (`7.8MB`).
    pub size: String,
    /// Text or binary.
    pub kind: FileKind,
    /// The MIME type the download's Blob gets.
    pub mime: &'static str,
    /// The sha256 (hex) of a binary file's bytes, which the CLI's export and a downloaded copy
    /// share.
    pub sha256: Option<String>,
}

/// The base name of a workspace path (what a download is called).
pub fn download_name(path: &str) -> String {
    match path.rsplit('/').find(|p| !p.is_empty()) {
        Some(name) => name.to_string(),
        None => "file".to_string(),
    }
}

/// The MIME type for a file: tar archives as `application/x-tar`, other binaries as
/// `application/octet-stream`, text as UTF-8 plain text (a YAML or a Dockerfile opens in any
/// editor).
pub fn mime_type(path: &str, kind: FileKind) -> &'static str {
    let lower = path.to_ascii_lowercase();
    match kind {
        FileKind::Binary if lower.ends_with(".tar") => "application/x-tar",
        FileKind::Binary => "application/octet-stream",
        FileKind::Text => "text/plain;charset=utf-8",
    }
}

/// Every file of the workspace, by path.
pub fn file_rows(workspace: &Workspace) -> Vec<FileRow> {
    workspace
        .files()
        .map(|(path, content)| {
            let (kind, sha256) = match content {
                FileContent::Text(_) => (FileKind::Text, None),
                FileContent::Binary { sha256, .. } => (FileKind::Binary, Some(sha256.clone())),
            };
            let bytes = content.len() as u64;
            FileRow {
                path: path.to_string(),
                download_name: download_name(path),
                bytes,
                size: human_size(bytes),
                kind,
                mime: mime_type(path, kind),
                sha256,
            }
        })
        .collect()
}

/// The archive a transcript entry's `docker save` wrote, read from the `ImageSaved` event the
/// core recorded for it (its object is `file/PATH`); `None` for any other entry. The terminal
/// offers a download link for it. Reading the event, not the command text, keeps docker's flag
/// syntax in the core.
pub fn saved_path(events: &[Event]) -> Option<String> {
    events
        .iter()
        .find(|e| matches!(e.kind, EventKind::ImageSaved { .. }) && e.object.kind == "file")
        .map(|e| e.object.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::{Session, SimConfig};

    #[test]
    fn names_and_mime_types() {
        assert_eq!(download_name("app/k8s/web.yaml"), "web.yaml");
        assert_eq!(download_name("alpine.tar"), "alpine.tar");
        assert_eq!(download_name(""), "file");
        assert_eq!(mime_type("a.TAR", FileKind::Binary), "application/x-tar");
        assert_eq!(
            mime_type("blob", FileKind::Binary),
            "application/octet-stream"
        );
        assert_eq!(
            mime_type("x.tar", FileKind::Text),
            "text/plain;charset=utf-8"
        );
    }

    #[test]
    fn saved_paths_come_from_the_image_saved_event() {
        let mut s = Session::new(SimConfig::default());
        let entries = s.submit(
            "docker pull alpine:3.20\ndocker image save --output=./out/a.tar alpine:3.20\necho docker save -o x\n",
        );
        let paths: Vec<Option<String>> = entries
            .iter()
            .map(|e| saved_path(s.entry_events(e)))
            .collect();
        assert_eq!(paths, [None, Some("out/a.tar".to_string()), None]);
    }

    #[test]
    fn rows_list_text_and_saved_archives_with_their_bytes() {
        let mut s = Session::new(SimConfig::default());
        for e in s.submit(
            "echo hello > notes/hi.txt\ndocker pull alpine:3.20\ndocker save alpine:3.20 -o alpine.tar\n",
        ) {
            assert!(e.error.is_none(), "{}: {:?}", e.command, e.error);
        }
        let rows = file_rows(s.sim().workspace());
        let paths: Vec<&str> = rows.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, ["alpine.tar", "notes/hi.txt"]);
        let tar = &rows[0];
        assert_eq!(tar.kind, FileKind::Binary);
        assert_eq!(tar.mime, "application/x-tar");
        let bytes = s.sim().workspace().read_bytes("alpine.tar").unwrap();
        assert_eq!(tar.bytes, bytes.len() as u64);
        assert!(tar.bytes > 1_000_000, "{}", tar.size);
        assert_eq!(tar.sha256.as_ref().unwrap().len(), 64);
        let text = &rows[1];
        assert_eq!(
            (
                text.download_name.as_str(),
                text.bytes,
                text.kind,
                text.sha256.is_none()
            ),
            ("hi.txt", 6, FileKind::Text, true)
        );
        let save = s.entries().last().unwrap();
        assert_eq!(
            saved_path(s.entry_events(save)).as_deref(),
            Some(tar.path.as_str())
        );
    }
}
