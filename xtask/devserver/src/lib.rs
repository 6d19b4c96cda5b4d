//! A tiny static file server for the built page in `dist/`.
//!
//! `cargo xtask serve` uses it to show the app to a person, and the browser end-to-end test uses
//! it to show the app to headless Chromium. It serves `GET` and `HEAD` for files under one folder
//! and nothing else.
//!
//! *Architecture Invariant*: a request never reads outside the served folder. Paths are decoded,
//! `..` segments are refused, and the resolved file must still lie under the canonical root, so
//! a symlink cannot lead out either.
//!
//! It is for loopback use during development and tests, not a production server: one thread per
//! connection, one request per connection (`Connection: close`), whole files read into memory.
#![warn(missing_docs)]

use std::fs;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Longest request head (request line and headers) read before answering 431.
const REQUEST_HEAD_BYTES_MAX: usize = 16 * 1024;
/// Connections handled at once; more are closed straight away.
const CONNECTIONS_MAX: usize = 64;
/// How long one connection may take to send its request or receive the answer.
const SOCKET_TIMEOUT: Duration = Duration::from_secs(10);

/// A running server; dropping it stops the server and waits for its accept loop to end.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    accept_loop: Option<JoinHandle<()>>,
}

impl Server {
    /// The address the server listens on (useful when it was bound to port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The page's address, e.g. `http://127.0.0.1:8080/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Serves until the process is killed.
    pub fn wait(mut self) {
        if let Some(accept_loop) = self.accept_loop.take() {
            // The accept loop only ends when `stopping` is set, which only `drop` does.
            let _ = accept_loop.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // The accept loop is blocked in `accept`; a connection wakes it up to see the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(accept_loop) = self.accept_loop.take() {
            let _ = accept_loop.join();
        }
    }
}

/// Starts serving the files under `root` on `addr` (use port 0 for any free port).
///
/// `/` and folder paths serve the folder's `index.html`. Query strings and fragments are ignored.
pub fn serve_dir(root: impl AsRef<Path>, addr: impl ToSocketAddrs) -> io::Result<Server> {
    let root = root.as_ref().canonicalize().map_err(|error| {
        io::Error::new(
            error.kind(),
            format!("cannot serve {}: {error}", root.as_ref().display()),
        )
    })?;
    if !root.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("cannot serve {}: not a folder", root.display()),
        ));
    }
    let listener = TcpListener::bind(addr)?;
    let addr = listener.local_addr()?;
    let stopping = Arc::new(AtomicBool::new(false));
    let accept_loop = {
        let stopping = Arc::clone(&stopping);
        let root = Arc::new(root);
        thread::Builder::new()
            .name("devserver-accept".into())
            .spawn(move || accept_loop(&listener, &root, &stopping))?
    };
    Ok(Server {
        addr,
        stopping,
        accept_loop: Some(accept_loop),
    })
}

fn accept_loop(listener: &TcpListener, root: &Arc<PathBuf>, stopping: &AtomicBool) {
    let open_connections = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        if open_connections.fetch_add(1, Ordering::SeqCst) >= CONNECTIONS_MAX {
            open_connections.fetch_sub(1, Ordering::SeqCst);
            let _ = stream.shutdown(Shutdown::Both);
            continue;
        }
        let root = Arc::clone(root);
        let open = Arc::clone(&open_connections);
        let spawned = thread::Builder::new()
            .name("devserver-conn".into())
            .spawn(move || {
                // A broken connection only concerns that client.
                let _ = handle_connection(stream, &root);
                open.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            open_connections.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

fn handle_connection(mut stream: TcpStream, root: &Path) -> io::Result<()> {
    stream.set_read_timeout(Some(SOCKET_TIMEOUT))?;
    stream.set_write_timeout(Some(SOCKET_TIMEOUT))?;
    let response = match read_request_head(&mut stream)? {
        Some(head) => respond(&head, root),
        None => Response::error(431, "Request Header Fields Too Large"),
    };
    response.write_to(&mut stream)?;
    stream.flush()?;
    let _ = stream.shutdown(Shutdown::Write);
    Ok(())
}

/// Reads up to the blank line that ends the head; `None` when it is longer than allowed.
fn read_request_head(stream: &mut TcpStream) -> io::Result<Option<String>> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0_u8; 1024];
    loop {
        let read = stream.read(&mut chunk)?;
        if read == 0 {
            break;
        }
        head.extend_from_slice(&chunk[..read]);
        if head.windows(4).any(|window| window == b"\r\n\r\n") {
            break;
        }
        if head.len() > REQUEST_HEAD_BYTES_MAX {
            return Ok(None);
        }
    }
    Ok(Some(String::from_utf8_lossy(&head).into_owned()))
}

struct Response {
    status: u16,
    reason: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
    include_body: bool,
}

impl Response {
    fn error(status: u16, reason: &'static str) -> Response {
        Response {
            status,
            reason,
            content_type: "text/plain; charset=utf-8",
            body: format!("{status} {reason}\n").into_bytes(),
            include_body: true,
        }
    }

    fn write_to(&self, stream: &mut impl Write) -> io::Result<()> {
        let head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
             Connection: close\r\n\r\n",
            self.status,
            self.reason,
            self.content_type,
            self.body.len()
        );
        stream.write_all(head.as_bytes())?;
        if self.include_body {
            stream.write_all(&self.body)?;
        }
        Ok(())
    }
}

fn respond(head: &str, root: &Path) -> Response {
    let request_line = head.lines().next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Response::error(400, "Bad Request");
    };
    if !version.starts_with("HTTP/1.") {
        return Response::error(400, "Bad Request");
    }
    let include_body = match method {
        "GET" => true,
        "HEAD" => false,
        _ => return Response::error(405, "Method Not Allowed"),
    };
    let Some(relative) = relative_path(target) else {
        return Response::error(400, "Bad Request");
    };
    let Some(file) = resolve_file(root, &relative) else {
        return Response::error(404, "Not Found");
    };
    match fs::read(&file) {
        Ok(body) => Response {
            status: 200,
            reason: "OK",
            content_type: content_type(&file),
            body,
            include_body,
        },
        Err(_) => Response::error(404, "Not Found"),
    }
}

/// Turns a request target into a path relative to the served folder, or `None` when it is
/// malformed or tries to climb out (`..`, backslashes, NUL bytes, absolute Windows paths).
fn relative_path(target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    if !path.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(path)?;
    let mut relative = PathBuf::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            _ if segment.contains(['\\', '\0', ':']) => return None,
            _ => relative.push(segment),
        }
    }
    // Belt and braces: every component must be a plain name.
    relative
        .components()
        .all(|component| matches!(component, Component::Normal(_)))
        .then_some(relative)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = bytes.get(index + 1..index + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

/// The file to send for `relative`, or `None` when there is none inside `root`.
fn resolve_file(root: &Path, relative: &Path) -> Option<PathBuf> {
    let mut file = root.join(relative);
    if file.is_dir() {
        file.push("index.html");
    }
    let file = file.canonicalize().ok()?;
    (file.starts_with(root) && file.is_file()).then_some(file)
}

/// The `Content-Type` for a file, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("ico") => "image/x-icon",
        Some("json" | "map") => "application/json",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_follows_the_extension() {
        assert_eq!(content_type(Path::new("web_bg.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("web.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("index.HTML")),
            "text/html; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("style.css")),
            "text/css; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("logo.svg")), "image/svg+xml");
        assert_eq!(content_type(Path::new("shot.png")), "image/png");
        assert_eq!(
            content_type(Path::new("LICENSE")),
            "application/octet-stream"
        );
    }

    #[test]
    fn query_strings_and_fragments_are_ignored() {
        assert_eq!(relative_path("/web.js?v=3"), Some(PathBuf::from("web.js")));
        assert_eq!(
            relative_path("/a/b.css#top"),
            Some(PathBuf::from("a/b.css"))
        );
        assert_eq!(relative_path("/"), Some(PathBuf::new()));
    }

    #[test]
    fn percent_encoded_names_are_decoded() {
        assert_eq!(
            relative_path("/my%20file.txt"),
            Some(PathBuf::from("my file.txt"))
        );
        assert_eq!(relative_path("/bad%zz"), None);
        assert_eq!(relative_path("/cut%2"), None);
    }

    #[test]
    fn paths_that_climb_out_are_refused() {
        assert_eq!(relative_path("/../etc/passwd"), None);
        assert_eq!(relative_path("/a/../../etc/passwd"), None);
        assert_eq!(relative_path("/%2e%2e/etc/passwd"), None);
        assert_eq!(relative_path("/a%2f..%2f..%2fetc"), None);
        assert_eq!(relative_path("/..%5c..%5cwindows"), None);
        assert_eq!(relative_path("/C:/windows"), None);
        assert_eq!(relative_path("/nul%00byte"), None);
        assert_eq!(relative_path("http://example.com/"), None);
    }

    fn get(server: &Server, request: &str) -> String {
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    }

    #[test]
    fn serves_files_index_and_errors_over_tcp() {
        let root = std::env::temp_dir().join(format!("devserver-test-{}", std::process::id()));
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::write(root.join("index.html"), "<p>home</p>").unwrap();
        fs::write(root.join("sub/app.wasm"), b"\0asm").unwrap();
        let server = serve_dir(&root, "127.0.0.1:0").unwrap();

        let home = get(&server, "GET /?x=1 HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(home.starts_with("HTTP/1.1 200 OK\r\n"), "{home}");
        assert!(home.contains("Content-Type: text/html; charset=utf-8\r\n"));
        assert!(home.ends_with("<p>home</p>"));

        let wasm = get(&server, "GET /sub/app.wasm HTTP/1.1\r\n\r\n");
        assert!(wasm.contains("Content-Type: application/wasm\r\n"));
        assert!(wasm.contains("Content-Length: 4\r\n"));

        let head = get(&server, "HEAD /index.html HTTP/1.1\r\n\r\n");
        assert!(head.contains("Content-Length: 11\r\n"));
        assert!(head.ends_with("\r\n\r\n"), "HEAD has no body: {head}");

        let missing = get(&server, "GET /nope.js HTTP/1.1\r\n\r\n");
        assert!(missing.starts_with("HTTP/1.1 404 "), "{missing}");
        let climbing = get(&server, "GET /../Cargo.toml HTTP/1.1\r\n\r\n");
        assert!(climbing.starts_with("HTTP/1.1 400 "), "{climbing}");
        let posting = get(&server, "POST / HTTP/1.1\r\n\r\n");
        assert!(posting.starts_with("HTTP/1.1 405 "), "{posting}");

        drop(server);
        fs::remove_dir_all(&root).unwrap();
    }
}
