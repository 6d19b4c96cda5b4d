//! Browser end-to-end tests: the built page (`dist/`) in headless Chromium.
//!
//! Run with `cargo xtask test`, or after `cargo xtask dist` with
//! `cargo test -p tests --test e2e -- --nocapture`. Screenshots land in `target/e2e/`.
//!
//! DOM ids the scenarios rely on: `#app`, `#terminal-input` (textarea), `#terminal-output`,
//! `#trace-hash`, `#clock`, `#btn-step`, `#btn-back`, `#btn-play`, `#btn-lang`, `#event-log`.

// Not every scenario uses every helper.
#[allow(dead_code)]
mod browser;

use browser::{screenshot, wait_for, with_page, RENDER_TIMEOUT};

#[tokio::test]
async fn page_renders_in_chromium() {
    with_page(|client| async move {
        wait_for(&client, "#app", RENDER_TIMEOUT).await;
        screenshot(&client, "01-loaded").await;
    })
    .await;
}

/// Waits for the stage's motion (at most ~300 ms at 1x) to end, then takes a screenshot.
async fn settled_screenshot(client: &fantoccini::Client, name: &str) {
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    screenshot(client, name).await;
}

/// How long one command may take to show up in the page after Enter.
const COMMAND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The text of the newest `.term-entry` in the terminal transcript (empty when there is none).
async fn last_entry_text(client: &fantoccini::Client) -> String {
    let entries = client
        .find_all(fantoccini::Locator::Css("#terminal-output .term-entry"))
        .await
        .unwrap_or_else(|error| panic!("cannot list terminal entries: {error}"));
    match entries.last() {
        Some(last) => last
            .text()
            .await
            .unwrap_or_else(|error| panic!("cannot read the last terminal entry: {error}")),
        None => String::new(),
    }
}

/// Waits until the transcript's newest entry starts with `$ {echo}` and returns its text.
async fn wait_for_entry(client: &fantoccini::Client, echo: &str) -> String {
    let started = std::time::Instant::now();
    loop {
        let text = last_entry_text(client).await;
        if text.starts_with(&format!("$ {echo}")) {
            return text;
        }
        assert!(
            started.elapsed() < COMMAND_TIMEOUT,
            "the terminal did not show `$ {echo}` as its newest entry; it shows:\n{text}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Types a command and waits until it is the transcript's newest entry, so the next step sees
/// its effects. `echo` is the entry's first line as the terminal echoes it.
async fn run_command(client: &fantoccini::Client, command: &str, echo: &str) -> String {
    browser::type_command(client, command).await;
    wait_for_entry(client, echo).await
}

/// An attribute of the first element matching `css`.
async fn attr_of(client: &fantoccini::Client, css: &str, name: &str) -> String {
    let element = wait_for(client, css, RENDER_TIMEOUT).await;
    element
        .attr(name)
        .await
        .unwrap_or_else(|error| panic!("cannot read {name} of `{css}`: {error}"))
        .unwrap_or_else(|| panic!("`{css}` has no {name} attribute"))
}

/// A DOM property (such as an input's current `value`) of the first element matching `css`.
async fn prop_of(client: &fantoccini::Client, css: &str, name: &str) -> String {
    let element = wait_for(client, css, RENDER_TIMEOUT).await;
    element
        .prop(name)
        .await
        .unwrap_or_else(|error| panic!("cannot read property {name} of `{css}`: {error}"))
        .unwrap_or_else(|| panic!("`{css}` has no {name} property"))
}

#[tokio::test]
async fn terminal_heredoc_run_step_back_and_korean() {
    use browser::{text_of, type_command, wait_for_text};

    with_page(|client| async move {
        wait_for(&client, "#terminal-input", RENDER_TIMEOUT).await;

        // A here-document: Enter continues (prompt `>`) until the delimiter line.
        type_command(&client, "cat > hello.txt <<EOF").await;
        type_command(&client, "Hello from the browser").await;
        let heredoc = run_command(&client, "EOF", "cat > hello.txt <<EOF").await;
        assert!(
            heredoc.contains("> Hello from the browser") && heredoc.contains("> EOF"),
            "{heredoc}"
        );
        let ls = run_command(&client, "ls", "ls").await;
        assert!(ls.contains("hello.txt"), "ls shows the new file:\n{ls}");
        let cat = run_command(&client, "cat hello.txt", "cat hello.txt").await;
        assert!(
            cat.trim_end().ends_with("Hello from the browser"),
            "cat prints the file:\n{cat}"
        );
        let error = run_command(&client, "cat missing.txt", "cat missing.txt").await;
        assert!(error.contains("No such file or directory"), "{error}");
        settled_screenshot(&client, "02-terminal").await;

        run_command(&client, "after 10s echo hi", "after 10s echo hi").await;
        run_command(&client, "run 30s", "run 30s").await;
        wait_for_text(&client, "#clock", "00:00:30", COMMAND_TIMEOUT).await;
        let log = text_of(&client, "#event-log").await;
        assert!(
            log.contains("ScheduledCommandRan") && log.contains("ClockAdvanced"),
            "{log}"
        );
        let total: u64 = attr_of(&client, "#scrubber", "max").await.parse().unwrap();
        assert_eq!(
            prop_of(&client, "#scrubber", "value").await,
            total.to_string()
        );
        settled_screenshot(&client, "03-run").await;

        // Step back: before `run 30s` the clock reads zero again, and a badge says so.
        wait_for(&client, "#btn-back", RENDER_TIMEOUT)
            .await
            .click()
            .await
            .unwrap();
        wait_for_text(&client, "#clock", "00:00:00", COMMAND_TIMEOUT).await;
        let frame: u64 = prop_of(&client, "#scrubber", "value")
            .await
            .parse()
            .unwrap();
        assert_eq!(frame, total - 1);
        let badge =
            wait_for_text(&client, "#past-badge", &frame.to_string(), COMMAND_TIMEOUT).await;
        assert!(badge.contains(&total.to_string()), "{badge}");
        settled_screenshot(&client, "04-stepped-back").await;

        // Korean: switch if the browser started in English; the choice survives a reload.
        if attr_of(&client, "#app", "lang").await != "ko" {
            wait_for(&client, "#btn-lang", RENDER_TIMEOUT)
                .await
                .click()
                .await
                .unwrap();
        }
        wait_for_text(&client, "#terminal-title", "터미널", COMMAND_TIMEOUT).await;
        wait_for_text(&client, "#past-badge", "보고 있어요", COMMAND_TIMEOUT).await;
        settled_screenshot(&client, "05-korean").await;

        // Below ~900 px the panes stack; presenter mode shows the stage and lesson only.
        client.set_window_size(820, 1000).await.unwrap();
        settled_screenshot(&client, "06-narrow").await;
        client.set_window_size(1400, 900).await.unwrap();
        let presenter = wait_for(&client, "#btn-presenter", RENDER_TIMEOUT).await;
        presenter.click().await.unwrap();
        wait_for(&client, "#app.presenter", COMMAND_TIMEOUT).await;
        settled_screenshot(&client, "07-presenter").await;
        presenter.click().await.unwrap();
        let stored = client
            .execute("return localStorage.getItem('kube-sandbox.lang');", vec![])
            .await
            .unwrap();
        assert_eq!(stored, serde_json::json!("ko"));
        client.refresh().await.unwrap();
        wait_for_text(&client, "#terminal-title", "터미널", RENDER_TIMEOUT).await;
        wait_for_text(&client, ".lesson-body", "환영해요", RENDER_TIMEOUT).await;
    })
    .await;
}

/// A script that touches every built-in command family: files, here-documents, scheduling
/// (including a scheduled command that fails), and time.
const DETERMINISM_SCRIPT: &[&str] = &[
    "cat > notes.txt <<EOF",
    "first line",
    "second line",
    "EOF",
    "echo hello > greeting.txt",
    "echo more >> greeting.txt",
    "after 10s echo hi",
    "after 5s rm notes.txt",
    "after 20s cat missing.txt",
    "run 30s",
    "ls -l",
    "after 1s echo again",
    "step",
    "clock",
];

/// The trace hash of `DETERMINISM_SCRIPT` run natively by the CLI binary named in
/// `KUBE_SANDBOX_CLI` (`kube-sandbox run SCRIPT --trace-hash` prints `trace-hash: <hex>` last).
fn native_trace_hash() -> String {
    let script = DETERMINISM_SCRIPT.join("\n") + "\n";
    let cli = std::env::var_os("KUBE_SANDBOX_CLI")
        .filter(|v| !v.is_empty())
        .expect("KUBE_SANDBOX_CLI names the kube-sandbox binary (run this test through `cargo xtask test`)");
    let path = std::env::temp_dir().join(format!("kube-sandbox-e2e-{}.txt", std::process::id()));
    std::fs::write(&path, script)
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
    let output = std::process::Command::new(&cli)
        .arg("run")
        .arg(&path)
        .args(["--trace-hash", "--keep-going"])
        .output()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", cli.to_string_lossy()));
    let _ = std::fs::remove_file(&path);
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .last()
        .and_then(|line| line.strip_prefix("trace-hash: "))
        .unwrap_or_else(|| panic!("the CLI printed no `trace-hash:` line last:\n{stdout}"))
        .to_string()
}

#[tokio::test]
async fn browser_and_native_runs_give_the_same_trace_hash() {
    let native = native_trace_hash();
    with_page(|client| async move {
        wait_for(&client, "#terminal-input", RENDER_TIMEOUT).await;
        // Typed line by line, as a student would: here-document lines continue the input.
        for line in DETERMINISM_SCRIPT {
            browser::type_command(&client, line).await;
        }
        let last = DETERMINISM_SCRIPT.last().expect("the script has lines");
        wait_for_entry(&client, last).await;
        let hash = attr_of(&client, "#trace-hash", "data-hash").await;
        assert_eq!(hash.len(), 64, "a sha256 in hex: {hash}");
        assert_eq!(browser::text_of(&client, "#trace-hash").await, hash[..12]);
        assert_eq!(hash, native, "the browser and the native run disagree");
    })
    .await;
}

/// Presses keys in order, then releases them in reverse (a chord such as Alt+←), on whatever
/// element has focus.
async fn press_keys(client: &fantoccini::Client, keys: &[char]) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let mut actions = KeyActions::new("keyboard".to_string());
    for &key in keys {
        actions = actions.then(KeyAction::Down { value: key });
    }
    for &key in keys.iter().rev() {
        actions = actions.then(KeyAction::Up { value: key });
    }
    client
        .perform_actions(actions)
        .await
        .unwrap_or_else(|error| panic!("cannot press {keys:?}: {error}"));
}

#[tokio::test]
async fn play_shortcuts_completion_and_cause_links() {
    use browser::wait_for_text;
    use fantoccini::key::Key;

    with_page(|client| async move {
        let input = wait_for(&client, "#terminal-input", RENDER_TIMEOUT).await;
        run_command(&client, "after 2s echo one", "after 2s echo one").await;
        run_command(&client, "after 4s echo two", "after 4s echo two").await;

        // Tab completes a command name; several matches are listed.
        input.send_keys("hi").await.unwrap();
        input.send_keys(&Key::Tab).await.unwrap();
        assert_eq!(
            prop_of(&client, "#terminal-input", "value").await,
            "history "
        );
        for _ in 0.."history ".len() {
            input.send_keys(&Key::Backspace).await.unwrap();
        }
        input.send_keys("c").await.unwrap();
        input.send_keys(&Key::Tab).await.unwrap();
        let listed = wait_for_text(&client, ".term-candidates", "clock", COMMAND_TIMEOUT).await;
        assert!(listed.contains("cat"), "{listed}");
        input.send_keys(&Key::Backspace).await.unwrap();

        // Play steps through the scheduled work and stops when nothing is left.
        wait_for(&client, "#btn-play", RENDER_TIMEOUT)
            .await
            .click()
            .await
            .unwrap();
        wait_for_text(&client, "#clock", "00:00:04", COMMAND_TIMEOUT).await;
        let started = std::time::Instant::now();
        while attr_of(&client, "#btn-play", "aria-pressed").await != "false" {
            assert!(
                started.elapsed() < COMMAND_TIMEOUT,
                "play did not stop when idle"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }

        // Alt+← steps back (the terminal is empty, so the shortcut is not an editing key).
        input.click().await.unwrap();
        press_keys(&client, &[Key::Alt.into(), Key::Left.into()]).await;
        wait_for_text(&client, "#clock", "00:00:02", COMMAND_TIMEOUT).await;
        wait_for(&client, "#past-badge", COMMAND_TIMEOUT).await;
        press_keys(&client, &[Key::Alt.into(), Key::Right.into()]).await;
        wait_for_text(&client, "#clock", "00:00:04", COMMAND_TIMEOUT).await;

        // A cause link selects the causing event in the log.
        let link = wait_for(&client, "#event-log .cause-link", RENDER_TIMEOUT).await;
        let cause = link.attr("data-cause").await.unwrap().unwrap();
        link.click().await.unwrap();
        let row = format!("#ev-{cause}.selected");
        wait_for(&client, &row, COMMAND_TIMEOUT).await;

        // `?` outside a text field lists the shortcuts; Escape closes the list.
        wait_for(&client, "#clock", RENDER_TIMEOUT)
            .await
            .click()
            .await
            .unwrap();
        press_keys(&client, &['?']).await;
        wait_for_text(&client, "#shortcuts-dialog", "Alt + P", COMMAND_TIMEOUT).await;
        settled_screenshot(&client, "08-shortcuts").await;
        press_keys(&client, &[Key::Escape.into()]).await;
        let started = std::time::Instant::now();
        while client
            .find(fantoccini::Locator::Css("#shortcuts-dialog"))
            .await
            .is_ok()
        {
            assert!(
                started.elapsed() < COMMAND_TIMEOUT,
                "Escape did not close the list"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        settled_screenshot(&client, "09-selected-cause").await;
    })
    .await;
}
