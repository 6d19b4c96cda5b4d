//! Harness for the browser end-to-end tests: the built page, served on loopback, in headless
//! Chromium driven over WebDriver (ChromeDriver + fantoccini).
//!
//! A scenario is an async closure given to [`with_page`]; it receives a [`Client`] already on the
//! page and uses the helpers here ([`type_command`], [`click`], [`wait_for`], [`wait_for_text`],
//! [`text_of`], [`value_of`], [`screenshot`]). Screenshots go to `target/e2e/NAME.png` so a
//! person can look at them.
//!
//! Everything the harness starts (static server, ChromeDriver, Chromium, profile folder) is
//! stopped or removed when the scenario ends, also when it panics.

use std::future::Future;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

/// The browser (Debian's `chromium` package).
const CHROMIUM: &str = "/usr/bin/chromium";
/// Its WebDriver server (Debian's `chromium-driver` package).
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long ChromeDriver may take to accept connections.
const DRIVER_START_TIMEOUT: Duration = Duration::from_secs(20);
/// How long the app may take to appear after the page starts loading (wasm compile included).
pub const RENDER_TIMEOUT: Duration = Duration::from_secs(30);
/// How often [`wait_for_text`] looks again.
const POLL_INTERVAL: Duration = Duration::from_millis(100);
/// Viewport size for every screenshot, so they compare across runs.
const WINDOW_SIZE: &str = "1400,900";

/// Starts server, driver and browser, opens the page, runs `scenario`, then tears everything
/// down. A panicking scenario leaves `target/e2e/FAILED-<test name>.png` behind and fails the
/// test with its own message.
pub async fn with_page<F, Fut>(scenario: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    with_page_options(PageOptions::default(), scenario).await;
}

/// What a scenario needs of the browser beyond the defaults.
#[derive(Clone, Debug, Default)]
pub struct PageOptions {
    /// Where Chromium saves downloads, without asking (`download.default_directory` and
    /// `download.prompt_for_download: false` in the profile's prefs). The scenario owns the
    /// folder; by default downloads go wherever Chromium's default puts them.
    pub download_dir: Option<PathBuf>,
    /// A URL fragment (without `#`) the page is opened with, as a share link carries.
    pub fragment: Option<String>,
}

/// [`with_page`] with [`PageOptions`].
pub async fn with_page_options<F, Fut>(options: PageOptions, scenario: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    // libtest names each test's thread after the test.
    let test_name = std::thread::current()
        .name()
        .unwrap_or("e2e")
        .replace("::", "-");
    let failure_screenshot = e2e_dir().join(format!("FAILED-{test_name}.png"));
    let _ = std::fs::remove_file(&failure_screenshot);
    let dist = dist_dir();
    let server = devserver::serve_dir(&dist, "127.0.0.1:0")
        .unwrap_or_else(|error| panic!("cannot serve {}: {error}", dist.display()));
    let profile = ProfileDir::create();
    let driver = ChromeDriver::start(&test_name);
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(chrome_capabilities(
            &profile.path,
            options.download_dir.as_deref(),
        ))
        .connect(&driver.url())
        .await
        .unwrap_or_else(|error| {
            panic!(
                "cannot open a Chromium session through ChromeDriver (log: {}): {error}",
                driver.log_path.display()
            )
        });
    println!("e2e: {test_name}: opening {}", server.url());

    let page_url = match &options.fragment {
        Some(f) => format!("{}#{f}", server.url()),
        None => server.url(),
    };
    let page_client = client.clone();
    // Futures are lazy: nothing in the scenario runs before the page is loaded.
    let scenario = scenario(client.clone());
    // Spawned so that a panic comes back as a value and the browser can still be closed.
    let outcome = tokio::spawn(async move {
        page_client
            .goto(&page_url)
            .await
            .unwrap_or_else(|error| panic!("cannot load {page_url}: {error}"));
        scenario.await;
    })
    .await;

    if outcome.is_err() {
        if let Ok(png) = client.screenshot().await {
            if std::fs::write(&failure_screenshot, png).is_ok() {
                eprintln!(
                    "e2e: screenshot at failure: {}",
                    failure_screenshot.display()
                );
            }
        }
    }
    // Ends the WebDriver session, which quits Chromium; the guards below catch stragglers.
    let _ = client.close().await;
    drop(driver);
    drop(profile);
    drop(server);

    if let Err(error) = outcome {
        match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(error) => panic!("scenario did not finish: {error}"),
        }
    }
}

/// Types `text` into the terminal (`#terminal-input`) and presses Enter.
pub async fn type_command(client: &Client, text: &str) {
    let input = wait_for(client, "#terminal-input", RENDER_TIMEOUT).await;
    input
        .click()
        .await
        .unwrap_or_else(|error| panic!("cannot focus #terminal-input: {error}"));
    input
        .send_keys(text)
        .await
        .unwrap_or_else(|error| panic!("cannot type {text:?} into #terminal-input: {error}"));
    input
        .send_keys(&Key::Enter)
        .await
        .unwrap_or_else(|error| panic!("cannot press Enter in #terminal-input: {error}"));
}

/// Waits until an element matching `css` exists and returns it.
pub async fn wait_for(client: &Client, css: &str, timeout: Duration) -> Element {
    client
        .wait()
        .at_most(timeout)
        .every(POLL_INTERVAL)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("no element matches `{css}` after {timeout:?}: {error}"))
}

/// Waits until the first element matching `css` has text containing `needle`; returns the text.
pub async fn wait_for_text(client: &Client, css: &str, needle: &str, timeout: Duration) -> String {
    let started = Instant::now();
    let mut last_seen = None;
    loop {
        if let Ok(element) = client.find(Locator::Css(css)).await {
            if let Ok(text) = element.text().await {
                if text.contains(needle) {
                    return text;
                }
                last_seen = Some(text);
            }
        }
        if started.elapsed() >= timeout {
            match last_seen {
                Some(text) => panic!(
                    "`{css}` did not show {needle:?} within {timeout:?}; its text was:\n{text}"
                ),
                None => panic!("no element matches `{css}` after {timeout:?} (wanted {needle:?})"),
            }
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

/// The rendered text of the first element matching `css`.
pub async fn text_of(client: &Client, css: &str) -> String {
    let element = client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("no element matches `{css}`: {error}"));
    element
        .text()
        .await
        .unwrap_or_else(|error| panic!("cannot read the text of `{css}`: {error}"))
}

/// The current `value` of the first input or textarea matching `css` ([`text_of`] gives a
/// textarea's initial text, not what was typed).
pub async fn value_of(client: &Client, css: &str) -> String {
    let element = client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("no element matches `{css}`: {error}"));
    element
        .prop("value")
        .await
        .unwrap_or_else(|error| panic!("cannot read the value of `{css}`: {error}"))
        .unwrap_or_default()
}

/// Clicks the first element matching `css` (e.g. `#btn-step`), waiting for it to exist.
pub async fn click(client: &Client, css: &str) {
    wait_for(client, css, RENDER_TIMEOUT)
        .await
        .click()
        .await
        .unwrap_or_else(|error| panic!("cannot click `{css}`: {error}"));
}

/// Saves the browser viewport as `target/e2e/NAME.png` and returns the file's path.
pub async fn screenshot(client: &Client, name: &str) -> PathBuf {
    let png = client
        .screenshot()
        .await
        .unwrap_or_else(|error| panic!("cannot take screenshot {name}: {error}"));
    let path = e2e_dir().join(format!("{name}.png"));
    std::fs::write(&path, png)
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
    println!("e2e: screenshot {}", path.display());
    path
}

/// The built bundle: `$KUBE_SANDBOX_DIST`, else `<workspace>/dist`.
fn dist_dir() -> PathBuf {
    let dist = match std::env::var_os("KUBE_SANDBOX_DIST") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => workspace_root().join("dist"),
    };
    for file in ["index.html", "web.js", "web_bg.wasm"] {
        assert!(
            dist.join(file).is_file(),
            "{} has no {file}: run `cargo xtask dist` (or `cargo xtask test`), or point \
             KUBE_SANDBOX_DIST at a built bundle",
            dist.display()
        );
    }
    dist
}

fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// `<target>/e2e`, created if needed; `<target>` is `$CARGO_TARGET_DIR` or `<workspace>/target`.
fn e2e_dir() -> PathBuf {
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace_root().join(dir),
        _ => workspace_root().join("target"),
    };
    let dir = target.join("e2e");
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|error| panic!("cannot create {}: {error}", dir.display()));
    dir
}

fn chrome_capabilities(profile: &Path, download_dir: Option<&Path>) -> Capabilities {
    let mut capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                // This machine's network is closed; Chromium's background traffic only fails.
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                format!("--window-size={WINDOW_SIZE}"),
                format!("--user-data-dir={}", profile.display()),
            ],
        },
    });
    if let Some(dir) = download_dir {
        capabilities["goog:chromeOptions"]["prefs"] = json!({
            "download.default_directory": dir.display().to_string(),
            "download.prompt_for_download": false,
            "download.directory_upgrade": true,
            "safebrowsing.enabled": false,
        });
    }
    match capabilities {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("the capabilities literal is an object"),
    }
}

/// A fresh, empty Chromium profile folder, removed on drop.
struct ProfileDir {
    path: PathBuf,
}

impl ProfileDir {
    fn create() -> ProfileDir {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "kube-sandbox-e2e-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|error| panic!("cannot create {}: {error}", path.display()));
        ProfileDir { path }
    }
}

impl Drop for ProfileDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A ChromeDriver process in its own process group; dropping it kills the group, so Chromium
/// processes it started go too.
struct ChromeDriver {
    child: Child,
    port: u16,
    log_path: PathBuf,
}

impl ChromeDriver {
    /// Starts a driver whose output goes to `target/e2e/chromedriver-<test_name>.log`.
    fn start(test_name: &str) -> ChromeDriver {
        assert!(
            Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists(),
            "{CHROMEDRIVER} and {CHROMIUM} are needed: `apt-get install chromium chromium-driver` \
             (`cargo xtask test` installs them)"
        );
        let port = free_port();
        let log_path = e2e_dir().join(format!("chromedriver-{test_name}.log"));
        let log = std::fs::File::create(&log_path)
            .unwrap_or_else(|error| panic!("cannot create {}: {error}", log_path.display()));
        let log_for_stderr = log
            .try_clone()
            .unwrap_or_else(|error| panic!("cannot share {}: {error}", log_path.display()));
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_for_stderr)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {CHROMEDRIVER}: {error}"));
        let mut driver = ChromeDriver {
            child,
            port,
            log_path,
        };
        driver.wait_until_listening();
        driver
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_until_listening(&mut self) {
        let started = Instant::now();
        loop {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{CHROMEDRIVER} exited ({status}) before listening; see {}",
                    self.log_path.display()
                );
            }
            assert!(
                started.elapsed() < DRIVER_START_TIMEOUT,
                "{CHROMEDRIVER} did not listen on port {} within {DRIVER_START_TIMEOUT:?}; see {}",
                self.port,
                self.log_path.display()
            );
            std::thread::sleep(POLL_INTERVAL);
        }
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // The group id is the driver's pid (`process_group(0)`); `kill -- -PGID` signals them all.
        let group = format!("-{}", self.child.id());
        let killed_group = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !killed_group {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// A port that was free a moment ago (the OS picks it; ChromeDriver binds it right after).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap_or_else(|error| panic!("cannot find a free port: {error}"))
}
