//! The Files view's rows: the workspace's files as a browser download needs them (name, size,
//! MIME type). Pure, so it is tested natively; the download itself is in [`crate::dom`].

use sim_core::image::format::human_size;
use sim_core::workspace::{FileContent, Workspace};

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

/// The path a successful `docker save … -o FILE` (or `--output FILE`, `--output=FILE`) wrote,
/// normalized as the workspace names it; `None` for any other command. The terminal offers a
/// download link for it.
pub fn saved_path(command: &str) -> Option<String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let save = match words.as_slice() {
        ["docker", "save", rest @ ..] | ["docker", "image", "save", rest @ ..] => rest,
        _ => return None,
    };
    let mut out = None;
    let mut i = 0;
    while i < save.len() {
        let w = save[i];
        if w == "-o" || w == "--output" {
            out = save.get(i + 1).map(|s| s.to_string());
            i += 2;
            continue;
        }
        if let Some(v) = w.strip_prefix("--output=") {
            out = Some(v.to_string());
        }
        i += 1;
    }
    let raw = out?;
    let raw = raw.trim_matches(|c| c == '\'' || c == '"');
    sim_core::workspace::normalize("docker", raw).ok()
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
    fn saved_paths_come_from_the_output_flag() {
        assert_eq!(
            saved_path("docker save alpine:3.20 -o alpine.tar").as_deref(),
            Some("alpine.tar")
        );
        assert_eq!(
            saved_path("docker image save --output=./out/a.tar app:1").as_deref(),
            Some("out/a.tar")
        );
        assert_eq!(
            saved_path("docker save --output /x.tar app").as_deref(),
            Some("x.tar")
        );
        assert_eq!(saved_path("docker save app"), None);
        assert_eq!(saved_path("docker build -t a -o x ."), None);
        assert_eq!(saved_path("echo docker save -o x"), None);
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
        assert_eq!(
            saved_path("docker save alpine:3.20 -o alpine.tar").as_deref(),
            Some(tar.path.as_str())
        );
    }
}
