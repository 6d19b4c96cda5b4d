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
/// syntax in the core. A save writes its archive at the instant it is typed, so only the
/// events of the entry's first instant are searched: the terminal asks this on every render,
/// and a `run 3m` entry may hold a hundred thousand events.
pub fn saved_path(events: &[Event]) -> Option<String> {
    let first = events.first()?.time;
    events
        .iter()
        .take_while(|e| e.time == first)
        .find(|e| matches!(e.kind, EventKind::ImageSaved { .. }) && e.object.kind == "file")
        .map(|e| e.object.name.clone())
}

// ---------------------------------------------------------------------------------------------
// The editor's pure helpers: what a save types, where a line and column are in the text, the
// gutter's numbers, and the live check (manifests and Dockerfiles, as the core parses them).

/// Why the editor will not turn a text into a save command (it never reaches the session).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveProblem {
    /// Over the workspace's per-file limit ([`sim_core::limits::MAX_FILE_BYTES`]).
    TooLarge {
        /// The text's size in bytes.
        bytes: usize,
    },
    /// More lines than one script may hold ([`sim_core::limits::MAX_SCRIPT_LINES`], the
    /// command and delimiter lines included).
    TooManyLines {
        /// The text's lines.
        lines: usize,
    },
    /// A line longer than the command language accepts ([`sim_core::limits::MAX_LINE_BYTES`]).
    LineTooLong {
        /// 1-based line in the file.
        line: usize,
        /// Its length in bytes.
        bytes: usize,
    },
}

/// The here-document delimiter for `text`: `EOF`, or `EOF_1`, `EOF_2`… when a line of the text
/// is exactly that word (the shell would end the document there). Lines are compared as the
/// shell compares them, without a trailing `\r`.
pub fn heredoc_delimiter(text: &str) -> String {
    let lines: std::collections::BTreeSet<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut n = 0usize;
    loop {
        let candidate = if n == 0 {
            "EOF".to_string()
        } else {
            format!("EOF_{n}")
        };
        if !lines.contains(candidate.as_str()) {
            return candidate;
        }
        n += 1;
    }
}

/// The text as a here-document carries it: every line ends in `\n` (a shell adds the last one
/// too), so a save of `a` writes `a\n`.
pub fn saved_text(text: &str) -> String {
    if text.is_empty() || text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    }
}

/// The command that saves `text` at `path`: `cat > PATH <<'DELIM'`, the lines, `DELIM`. The
/// quoted delimiter keeps the body literal (no expansion, as in a shell); the path is quoted as
/// the shell needs. Refused here, before the session sees it, when the text cannot travel in
/// one command (the core would refuse it too, with the same limits).
pub fn save_command(path: &str, text: &str) -> Result<String, SaveProblem> {
    use sim_core::limits::{MAX_FILE_BYTES, MAX_LINE_BYTES, MAX_SCRIPT_LINES};
    let body = saved_text(text);
    if body.len() > MAX_FILE_BYTES {
        return Err(SaveProblem::TooLarge { bytes: body.len() });
    }
    let lines = body.lines().count();
    if lines + 2 > MAX_SCRIPT_LINES {
        return Err(SaveProblem::TooManyLines { lines });
    }
    if let Some((i, l)) = body
        .split('\n')
        .enumerate()
        .find(|(_, l)| l.len() > MAX_LINE_BYTES)
    {
        return Err(SaveProblem::LineTooLong {
            line: i + 1,
            bytes: l.len(),
        });
    }
    let delimiter = heredoc_delimiter(&body);
    let target = sim_core::command::shell_quote(&[path.to_string()]);
    Ok(format!(
        "cat > {target} <<'{delimiter}'\n{body}{delimiter}\n"
    ))
}

/// The number of lines the editor shows for `text` (an empty text and a text ending in a
/// newline show the empty line after it, as an editor does).
pub fn line_count(text: &str) -> usize {
    text.split('\n').count()
}

/// The gutter's text: `1` to `lines`, one per line.
pub fn gutter_text(lines: usize) -> String {
    let mut out = String::with_capacity(lines * 4);
    for n in 1..=lines.max(1) {
        if n > 1 {
            out.push('\n');
        }
        out.push_str(&n.to_string());
    }
    out
}

/// The caret offset for a 1-based `line` and `column` (columns count characters, as YAML's
/// do), in UTF-16 code units as a textarea's `selectionStart` counts them. A column past the end
/// of its line stops at the line's end; a line past the end of the text stops at the text's
/// end.
pub fn caret_offset(text: &str, line: usize, column: usize) -> u32 {
    let mut offset = 0usize;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line.max(1) {
            let l = l.strip_suffix('\r').unwrap_or(l);
            let within: usize = l.chars().take(column.max(1) - 1).map(char::len_utf16).sum();
            return (offset + within) as u32;
        }
        offset += l.encode_utf16().count() + 1;
    }
    text.encode_utf16().count() as u32
}

/// The byte index in `text` of a UTF-16 offset (a textarea's selection), clamped to the text.
pub fn byte_index(text: &str, utf16: u32) -> usize {
    let mut units = 0u32;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

/// `text` with the UTF-16 range `start..end` replaced by `insert`, and the caret after it
/// (what Tab does in the editor: two spaces in place of the selection).
pub fn replace_range(text: &str, start: u32, end: u32, insert: &str) -> (String, u32) {
    let (a, b) = (
        byte_index(text, start.min(end)),
        byte_index(text, start.max(end)),
    );
    let out = format!("{}{insert}{}", &text[..a], &text[b..]);
    let caret = start.min(end) + insert.encode_utf16().count() as u32;
    (out, caret)
}

/// What the live check reads a file as, from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckKind {
    /// `.yaml`, `.yml`, `.json`: a Kubernetes manifest for `kubectl apply -f`.
    Manifest,
    /// `Dockerfile`, `Dockerfile.dev`, `app.Dockerfile`: for `docker build`.
    Dockerfile,
}

/// The check for a path, if its name is one the editor checks.
pub fn check_kind(path: &str) -> Option<CheckKind> {
    let name = download_name(path).to_ascii_lowercase();
    if [".yaml", ".yml", ".json"].iter().any(|e| name.ends_with(e)) {
        Some(CheckKind::Manifest)
    } else if name == "dockerfile"
        || name.starts_with("dockerfile.")
        || name.ends_with(".dockerfile")
    {
        Some(CheckKind::Dockerfile)
    } else {
        None
    }
}

/// The live check's verdict on a text (pure: the model is not touched).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckOutcome {
    /// A manifest that `kubectl apply` would read: its objects as kubectl names them
    /// (`deployment.apps/web`).
    Objects(Vec<String>),
    /// A Dockerfile that parses: its instructions and stages.
    Dockerfile {
        /// Instructions, all stages together.
        instructions: usize,
        /// Build stages (`FROM` lines).
        stages: usize,
    },
    /// The error, worded as kubectl or docker print it, and where it is when known.
    Error {
        /// The message.
        message: String,
        /// 1-based line.
        line: Option<usize>,
        /// 1-based column.
        column: Option<usize>,
    },
}

/// Checks `text` as the file at `path` would be read by `kubectl apply -f PATH` or by
/// `docker build` (with `sim_core`'s own parsers); `None` for a file the editor does not check.
pub fn check(path: &str, text: &str) -> Option<CheckOutcome> {
    Some(match check_kind(path)? {
        CheckKind::Manifest => match sim_core::cluster::manifest::decode(path, text) {
            Ok(objects) => {
                CheckOutcome::Objects(objects.iter().map(|o| o.display_name()).collect())
            }
            Err(e) => {
                let (line, column) = e.location().unzip();
                CheckOutcome::Error {
                    message: e.to_string(),
                    line,
                    column,
                }
            }
        },
        CheckKind::Dockerfile => match sim_core::image::dockerfile::parse(text) {
            Ok(df) => CheckOutcome::Dockerfile {
                instructions: df.stages.iter().map(|s| s.instructions.len() + 1).sum(),
                stages: df.stages.len(),
            },
            Err(e) => CheckOutcome::Error {
                message: format!("ERROR: failed to solve: {e}"),
                line: (e.line > 0).then_some(e.line),
                column: None,
            },
        },
    })
}

/// The workspace path a "New file" name gives (`./k8s/web.yaml` → `k8s/web.yaml`), or `None`
/// when the name names no file (empty, only slashes and dots, control characters).
pub fn new_file_path(name: &str) -> Option<String> {
    let path = sim_core::workspace::normalize("cat", name.trim()).ok()?;
    (!path.is_empty()).then_some(path)
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
