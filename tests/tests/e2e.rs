//! Browser end-to-end tests: the built page (`dist/`) in headless Chromium.
//!
//! Run with `cargo xtask test`, or after `cargo xtask dist` with
//! `cargo test -p tests --test e2e -- --nocapture`. Screenshots land in `target/e2e/`.
//!
//! DOM ids the scenarios rely on: `#app`, `#terminal-input` (textarea), `#terminal-output`,
//! `#trace-hash`, `#clock`, `#btn-step`, `#btn-back`, `#btn-play`, `#btn-lang`, `#event-log`,
//! `#tab-files`, `#files-view`, `.download-btn[data-path]`, `.build-step.from-step[data-pulled]`.
//! Host tab: `#tab-host`, `#host-view`, `#vm-stack`, `#container-host-stack`, `#mem-bar`,
//! `#boot-gantt .gantt-row[data-name][data-end-ms]`, `#boot-legend`, `#host-explain`; its
//! sections `#host-sec-stacks`, `#host-sec-isolation`, `#host-sec-bench`, `#host-sec-density`;
//! isolation: `#isolation-view[data-container]`, `#iso-procs .iso-row[data-pid][data-host-pid]
//! [data-status][data-exit-code]`, `#mem-gauge[data-usage-bytes][data-limit-bytes][data-at-oom]`,
//! `#oom-note`, `#cpu-gauge[data-throttled-usec]`, `#iso-root-container`, `#iso-root-host`;
//! `#bench-table .bench-row[data-workload][data-platform].ran`; `#density-view`.
//! Containers tab: `#file-tree [data-path][data-version]`.
//! Cluster tab: `#tab-cluster`, `#cluster-view`, `#node-grid .node-box[data-node][data-pods]`,
//! `#pending-lane[data-count]`, `.pod-chip[data-pod][data-status][data-ready][data-node]`,
//! `#workloads-table .wl-row[data-kind][data-name][data-desired][data-current][data-ready]
//! [data-available]` each followed by its `.wl-event-row` (`.wl-event-link`, `.cause-link`),
//! `#sched-panel[data-pod]` with `#sched-filters` and `#sched-table` (`.sched-row[data-node]`,
//! `.winner`, `.not-considered`), `#sched-outcome`, `#object-graph[data-vertices][data-edges]
//! .og-vertex[data-kind][data-name]`.

// Not every scenario uses every helper.
#[allow(dead_code)]
mod browser;
mod course;
mod perf;

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
    // Images: layer tars, sha256 digests, RNG-drawn container ids and names must match too.
    "cat > app/Dockerfile <<EOF",
    "FROM alpine:3.20",
    "RUN apk add --no-cache curl",
    "COPY greeting.txt /srv/",
    "EOF",
    "echo hello > app/greeting.txt",
    "docker build -t app:1 app",
    "docker run -d app:1 sleep 100",
    "docker run --name second app:1 rm /srv/greeting.txt",
    "docker diff second",
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

/// The Dockerfile the image scenario builds, then edits on one line (`v1` → `v2`).
fn dockerfile(version: &str) -> Vec<String> {
    vec![
        "cat > Dockerfile <<EOF".to_string(),
        "FROM alpine:3.20".to_string(),
        "RUN apk add curl".to_string(),
        "WORKDIR /app".to_string(),
        "COPY hello.txt /app/".to_string(),
        "ENV MODE=dev".to_string(),
        format!("RUN echo {version} > /app/version && rm /etc/motd"),
        "CMD [\"sh\"]".to_string(),
        "EOF".to_string(),
    ]
}

/// Number of entries in the terminal transcript.
async fn entry_count(client: &fantoccini::Client) -> usize {
    client
        .find_all(fantoccini::Locator::Css("#terminal-output .term-entry"))
        .await
        .map(|v| v.len())
        .unwrap_or(0)
}

/// Types the lines of one input (a here-document takes several) and waits for a new
/// transcript entry, even when its command repeats an earlier one; returns the entry's text.
async fn run_lines(client: &fantoccini::Client, lines: &[String]) -> String {
    let before = entry_count(client).await;
    for line in lines {
        browser::type_command(client, line).await;
    }
    let started = std::time::Instant::now();
    while entry_count(client).await <= before {
        assert!(
            started.elapsed() < COMMAND_TIMEOUT,
            "no new terminal entry for {lines:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    wait_for_entry(client, &lines[0]).await
}

/// Scrolls an element to the top of its scrolling pane (for a screenshot).
async fn scroll_into_view(client: &fantoccini::Client, css: &str) {
    client
        .execute(
            // scrollIntoView also scrolls ancestors that only clip (the page frame); put those
            // back so the screenshot shows the whole app, with only the pane scrolled.
            "const el = document.querySelector(arguments[0]);
             el.scrollIntoView({block: 'start'});
             for (let n = el.parentElement; n; n = n.parentElement) {
               const o = getComputedStyle(n).overflowY;
               if (o !== 'auto' && o !== 'scroll') n.scrollTop = 0;
             }
             document.scrollingElement.scrollTop = 0;",
            vec![serde_json::json!(css)],
        )
        .await
        .unwrap_or_else(|error| panic!("cannot scroll to `{css}`: {error}"));
}

/// Every `sha256:<64 hex>` in `text`, in order.
fn sha256s(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("sha256:") {
        let candidate = &rest[i..];
        let hex: String = candidate["sha256:".len()..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect();
        if hex.len() == 64 {
            out.push(format!("sha256:{hex}"));
        }
        rest = &candidate["sha256:".len()..];
    }
    out
}

#[tokio::test]
async fn build_edit_rebuild_shows_cached_steps_and_the_layer_stack() {
    use browser::{click, text_of, wait_for_text};

    with_page(|client| async move {
        wait_for(&client, "#terminal-input", RENDER_TIMEOUT).await;
        run_lines(&client, &dockerfile("v1")).await;
        run_command(&client, "echo hello > hello.txt", "echo hello > hello.txt").await;
        let first = run_lines(&client, &["docker build -t app:1 .".to_string()]).await;
        assert!(first.contains("naming to docker.io/library/app:1 done"), "{first}");
        assert!(!first.contains("CACHED"), "a first build runs every step:\n{first}");
        // The build brings up the build view: every step ran.
        wait_for(&client, "#tab-build[aria-selected='true']", COMMAND_TIMEOUT).await;
        wait_for_text(&client, "#build-view", "[5/5]", COMMAND_TIMEOUT).await;
        assert!(client
            .find(fantoccini::Locator::Css(".build-step[data-cached='true']"))
            .await
            .is_err());
        // Step [1/5] is FROM: the base was not local, so the build pulled it.
        let from = text_of(&client, ".build-step.from-step[data-pulled='true']").await;
        assert!(
            from.contains("[1/5]") && from.contains("FROM alpine:3.20 @sha256:"),
            "{from}"
        );
        let base = attr_of(&client, ".from-step .step-instruction", "title").await;
        assert!(base.contains("docker.io/library/alpine:3.20@sha256:"), "{base}");
        tokio::time::sleep(std::time::Duration::from_millis(800)).await;
        settled_screenshot(&client, "10-build-first").await;

        // Edit one line (v1 → v2) and rebuild: the steps before it come from the cache.
        run_lines(&client, &dockerfile("v2")).await;
        let second = run_lines(&client, &["docker build -t app:1 .".to_string()]).await;
        for step in ["[2/5] RUN apk add curl", "[3/5] WORKDIR /app", "[4/5] COPY hello.txt /app/"] {
            let at = second
                .find(step)
                .unwrap_or_else(|| panic!("no {step} in:\n{second}"));
            let block = &second[at..second[at..].find("\n\n").map_or(second.len(), |e| at + e)];
            assert!(block.contains("CACHED"), "{step} is CACHED in the terminal:\n{block}");
        }
        let last_step = &second[second.find("[5/5]").expect("step 5")..];
        assert!(!last_step[..last_step.find("\n\n").unwrap_or(last_step.len())].contains("CACHED"));
        wait_for_text(&client, "#build-summary", "4", COMMAND_TIMEOUT).await;
        let cached = client
            .find_all(fantoccini::Locator::Css(".build-step[data-cached='true']"))
            .await
            .unwrap();
        assert_eq!(cached.len(), 4, "FROM (local now) and three cached steps in the build view");
        let from = text_of(&client, ".build-step.from-step[data-pulled='false']").await;
        assert!(from.contains("[1/5]") && from.contains("CACHED"), "{from}");
        for step in &cached {
            let text = step.text().await.unwrap();
            assert!(text.contains("CACHED"), "{text}");
        }
        let edited = text_of(&client, ".build-step.edited").await;
        assert!(edited.contains("echo v2") && !edited.contains("CACHED"), "{edited}");
        tokio::time::sleep(std::time::Duration::from_millis(800)).await;
        settled_screenshot(&client, "11-build-cached").await;

        // What docker inspect and docker history print is what the layer stack shows.
        let inspect = run_command(&client, "docker inspect app:1", "docker inspect app:1").await;
        let layers_at = inspect.find("\"Layers\"").expect("RootFS.Layers");
        let diff_ids = sha256s(&inspect[layers_at..]);
        assert_eq!(diff_ids.len(), 5, "{inspect}");
        let history = run_command(&client, "docker history app:1", "docker history app:1").await;
        let image_id = history
            .lines()
            .nth(2)
            .and_then(|l| l.split_whitespace().next())
            .expect("the newest history row names the image")
            .to_string();
        assert_eq!(image_id.len(), 12, "{history}");
        wait_for(&client, "#tab-images[aria-selected='true']", COMMAND_TIMEOUT).await;
        wait_for_text(&client, "#image-id", &image_id, COMMAND_TIMEOUT).await;
        let stack = text_of(&client, "#layer-stack").await;
        for d in &diff_ids {
            let short = &d["sha256:".len().."sha256:".len() + 12];
            assert!(stack.contains(short), "the stack shows {short}:\n{stack}");
            wait_for(&client, &format!("#layer-stack [data-diff-id='{d}']"), COMMAND_TIMEOUT).await;
        }
        assert!(stack.contains("CMD"), "empty layers are listed too:\n{stack}");
        settled_screenshot(&client, "12-image-view").await;

        // The top layer's files: /app/version added, /etc/motd removed (a whiteout).
        let tree = wait_for_text(&client, "#file-tree", "version", COMMAND_TIMEOUT).await;
        assert!(tree.contains("motd"), "{tree}");
        wait_for(&client, "#file-tree [data-path='etc/motd'].fc-removed", COMMAND_TIMEOUT).await;
        click(&client, "#btn-files-aggregate").await;
        wait_for(&client, "#file-tree [data-path='bin']", COMMAND_TIMEOUT).await;
        scroll_into_view(&client, "#files-title").await;
        settled_screenshot(&client, "13-layer-files").await;

        // Pull the base too: the graph draws the layer alpine, the old app:1 and the new one
        // share as one node.
        run_command(&client, "docker pull alpine:3.20", "docker pull alpine:3.20").await;
        let shared = wait_for(&client, "#layer-graph .graph-node.layer.shared", COMMAND_TIMEOUT).await;
        let label = shared.attr("aria-label").await.unwrap().unwrap_or_default();
        assert!(label.contains("alpine:3.20") && label.contains("app:1"), "{label}");
        scroll_into_view(&client, "#graph-title").await;
        settled_screenshot(&client, "14-layer-graph").await;

        // Stepping back to before the rebuild shows the first build again.
        click(&client, "#tab-build").await;
        for _ in 0..4 {
            click(&client, "#btn-back").await;
        }
        wait_for_text(&client, "#build-summary", "0", COMMAND_TIMEOUT).await;
        let started = std::time::Instant::now();
        while client
            .find(fantoccini::Locator::Css(".build-step[data-cached='true']"))
            .await
            .is_ok()
        {
            assert!(started.elapsed() < COMMAND_TIMEOUT, "the past build shows no cache hits");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(800)).await;
        settled_screenshot(&client, "15-build-stepped-back").await;

        // Back to now; a container of the image: the writable layer over the read-only layers,
        // and `docker diff` in the tree (a copy-up, a whiteout, an addition).
        click(&client, "#btn-now").await;
        wait_for_text(&client, "#build-summary", "4", COMMAND_TIMEOUT).await;
        run_command(
            &client,
            "docker run -d --name c1 app:1 sleep 1000",
            "docker run -d --name c1 app:1 sleep 1000",
        )
        .await;
        let exec = "docker exec c1 sh -c 'echo more >> /app/hello.txt && rm /etc/alpine-release && touch /tmp/new'";
        run_command(&client, exec, exec).await;
        let diff = run_command(&client, "docker diff c1", "docker diff c1").await;
        for line in ["C /app/hello.txt", "D /etc/alpine-release", "A /tmp/new"] {
            assert!(diff.contains(line), "{line} in:\n{diff}");
        }
        wait_for(&client, "#tab-containers[aria-selected='true']", COMMAND_TIMEOUT).await;
        wait_for(&client, "#writable-layer", COMMAND_TIMEOUT).await;
        wait_for(&client, "#file-tree [data-path='app/hello.txt'].copied-up.fc-changed", COMMAND_TIMEOUT).await;
        wait_for(&client, "#file-tree [data-path='etc/alpine-release'].fc-removed", COMMAND_TIMEOUT).await;
        wait_for(&client, "#file-tree [data-path='tmp/new'].fc-added", COMMAND_TIMEOUT).await;
        // Every write that changes a row draws it anew (its animation plays again): the row is
        // keyed on what the writable layer holds for it.
        let before = attr_of(&client, "#file-tree [data-path='app/hello.txt']", "data-version").await;
        let again = "docker exec c1 sh -c 'echo again >> /app/hello.txt'";
        run_command(&client, again, again).await;
        let started = std::time::Instant::now();
        loop {
            let after = attr_of(&client, "#file-tree [data-path='app/hello.txt']", "data-version").await;
            if after != before {
                break;
            }
            assert!(started.elapsed() < COMMAND_TIMEOUT, "the rewritten row kept version {before}");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        wait_for(&client, "#file-tree [data-path='etc/alpine-release'] .badge.whiteout", COMMAND_TIMEOUT).await;
        let stack = text_of(&client, "#container-stack").await;
        for d in &diff_ids {
            assert!(stack.contains(&d["sha256:".len().."sha256:".len() + 12]), "{stack}");
        }
        settled_screenshot(&client, "16-container").await;
        scroll_into_view(&client, "#diff-title").await;
        settled_screenshot(&client, "17-container-diff").await;
    })
    .await;
}

/// The bytes of `path` in a native session (the browser's default seed) after `commands`: what
/// a download of that file from the browser must hold.
fn native_file_bytes(commands: &[&str], path: &str) -> Vec<u8> {
    let mut session = sim_core::Session::new(sim_core::SimConfig::default());
    for command in commands {
        for entry in session.submit(command) {
            assert!(
                entry.error.is_none(),
                "{}: {:?}",
                entry.command,
                entry.error
            );
        }
    }
    session
        .sim()
        .workspace()
        .read_bytes(path)
        .unwrap_or_else(|| panic!("the native session has no {path}"))
        .to_vec()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh folder for Chromium's downloads, removed on drop.
struct DownloadDir(std::path::PathBuf);

impl DownloadDir {
    fn create() -> DownloadDir {
        let path =
            std::env::temp_dir().join(format!("kube-sandbox-e2e-downloads-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|error| panic!("cannot create {}: {error}", path.display()));
        DownloadDir(path)
    }
}

impl Drop for DownloadDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Waits until `dir/name` exists with `len` bytes and no partial download (`*.crdownload`)
/// remains, then returns its bytes.
async fn wait_for_download(dir: &std::path::Path, name: &str, len: usize) -> Vec<u8> {
    let path = dir.join(name);
    let started = std::time::Instant::now();
    loop {
        let partial = std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .any(|e| e.file_name().to_string_lossy().ends_with(".crdownload"))
            })
            .unwrap_or(false);
        if !partial {
            if let Ok(bytes) = std::fs::read(&path) {
                if bytes.len() == len {
                    return bytes;
                }
            }
        }
        let listing: Vec<String> = std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "no complete {} ({len} bytes) downloaded; the folder holds {listing:?}",
            path.display()
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn docker_save_archives_download_from_the_files_view() {
    use browser::{click, text_of, wait_for_text, with_page_options, PageOptions};

    const COMMANDS: [&str; 3] = [
        "echo hello > notes/hello.txt",
        "docker pull alpine:3.20",
        "docker save alpine:3.20 -o alpine.tar",
    ];
    let expected = native_file_bytes(&COMMANDS, "alpine.tar");
    let expected_sha = sha256_hex(&expected);
    let expected_text = native_file_bytes(&COMMANDS, "notes/hello.txt");
    let downloads = DownloadDir::create();
    let dir = downloads.0.clone();
    let options = PageOptions {
        download_dir: Some(dir.clone()),
        ..PageOptions::default()
    };
    with_page_options(options, move |client| async move {
        wait_for(&client, "#terminal-input", RENDER_TIMEOUT).await;
        for command in COMMANDS {
            run_command(&client, command, command).await;
        }
        // `docker save` brings up the Files view: the archive with its size and digest, and the
        // text file beside it.
        wait_for(&client, "#tab-files[aria-selected='true']", COMMAND_TIMEOUT).await;
        let row = wait_for_text(
            &client,
            "#files-view .ws-file-row[data-path='alpine.tar']",
            &expected_sha[..12],
            COMMAND_TIMEOUT,
        )
        .await;
        assert!(row.contains("alpine.tar"), "{row}");
        let bytes_attr = client
            .find(fantoccini::Locator::Css(
                ".ws-file-row[data-path='alpine.tar'] .ws-file-size",
            ))
            .await
            .unwrap()
            .attr("data-bytes")
            .await
            .unwrap();
        assert_eq!(bytes_attr, Some(expected.len().to_string()));
        wait_for(
            &client,
            ".ws-file-row[data-path='notes/hello.txt']",
            COMMAND_TIMEOUT,
        )
        .await;
        // The terminal offers the archive too.
        let link = text_of(
            &client,
            "#terminal-output .term-download[data-path='alpine.tar']",
        )
        .await;
        assert!(link.contains("alpine.tar"), "{link}");

        click(&client, ".download-btn[data-path='alpine.tar']").await;
        let got = wait_for_download(&dir, "alpine.tar", expected.len()).await;
        assert_eq!(
            sha256_hex(&got),
            expected_sha,
            "the download holds the sandbox's bytes"
        );
        // A text file downloads under its base name.
        click(&client, ".download-btn[data-path='notes/hello.txt']").await;
        let text = wait_for_download(&dir, "hello.txt", expected_text.len()).await;
        assert_eq!(text, expected_text);
        assert!(client
            .find(fantoccini::Locator::Css(".files-error"))
            .await
            .is_err());
        settled_screenshot(&client, "18-files").await;
    })
    .await;
    drop(downloads);
}

/// The `data-end-ms` of a boot-race row.
async fn gantt_end_ms(client: &fantoccini::Client, name: &str) -> u64 {
    attr_of(
        client,
        &format!("#boot-gantt .gantt-row[data-name='{name}']"),
        "data-end-ms",
    )
    .await
    .parse()
    .unwrap_or_else(|error| panic!("data-end-ms of {name}: {error}"))
}

#[tokio::test]
async fn host_tab_shows_both_stacks_and_the_boot_race() {
    use browser::{click, text_of, wait_for_text};
    with_page(|client| async move {
        wait_for(&client, "#app", RENDER_TIMEOUT).await;
        client.set_window_size(1400, 1000).await.unwrap();
        if attr_of(&client, "#app", "lang").await != "en" {
            click(&client, "#btn-lang").await;
            wait_for(&client, "#app[lang='en']", COMMAND_TIMEOUT).await;
        }
        for command in [
            "vm create a --profile microvm",
            "vm create b --profile full",
            "vm start a",
            "vm start b",
            "docker run -d --name c1 nginx:1.27-alpine",
            "run 20s",
        ] {
            run_command(&client, command, command).await;
        }
        // `docker run` brought up the Containers tab; open the Host tab.
        click(&client, "#tab-host").await;
        wait_for(&client, "#tab-host[aria-selected='true']", COMMAND_TIMEOUT).await;
        wait_for(&client, "#host-view", COMMAND_TIMEOUT).await;

        // Both stacks, bottom-up: hardware, host OS, hypervisor / runtime, guests / layers, apps.
        let vm_stack = text_of(&client, "#vm-stack").await;
        for needle in [
            "Hardware",
            "6.8.0-45-generic",
            "Hypervisor KVM",
            "a",
            "b",
            "5.10.204",
        ] {
            assert!(
                vm_stack.contains(needle),
                "{needle} in the VM stack:\n{vm_stack}"
            );
        }
        assert_eq!(
            attr_of(
                &client,
                "#vm-stack .guest-column[data-vm='a']",
                "data-state"
            )
            .await,
            "running"
        );
        assert_eq!(
            attr_of(
                &client,
                "#vm-stack .guest-column[data-vm='b']",
                "data-state"
            )
            .await,
            "running"
        );
        let ct_stack = text_of(&client, "#container-host-stack").await;
        for needle in [
            "Container runtime",
            "one kernel, shared by every container",
            "nginx:1.27-alpine",
            "c1",
        ] {
            assert!(
                ct_stack.contains(needle),
                "{needle} in the container stack:\n{ct_stack}"
            );
        }
        wait_for(
            &client,
            "#container-host-stack .app-cell[data-container='c1'][data-state='running']",
            COMMAND_TIMEOUT,
        )
        .await;
        // The memory bar has each VM's guest OS, VMM and app segments.
        for vm in ["a", "b"] {
            for kind in ["guest-os", "vmm", "app"] {
                wait_for(
                    &client,
                    &format!("#mem-bar .mem-seg[data-owner='{vm}'][data-kind='{kind}']"),
                    COMMAND_TIMEOUT,
                )
                .await;
            }
        }

        // The boot race: the microVM is ready at 125 ms, the full VM at 16.06 s (sourced).
        let gantt = text_of(&client, "#boot-gantt").await;
        for name in ["a", "b", "c1"] {
            wait_for(
                &client,
                &format!("#boot-gantt .gantt-row[data-name='{name}']"),
                COMMAND_TIMEOUT,
            )
            .await;
        }
        assert_eq!(gantt_end_ms(&client, "a").await, 125);
        assert_eq!(gantt_end_ms(&client, "b").await, 16_060);
        assert!(gantt.contains("ready after 125 ms"), "{gantt}");
        assert!(gantt.contains("ready after 16.06 s"), "{gantt}");
        let legend = text_of(&client, "#boot-legend").await;
        assert!(legend.contains("Firecracker SPECIFICATION.md"), "{legend}");
        assert!(legend.contains("cloud-init #4535"), "{legend}");

        // Clicking a layer explains it.
        click(&client, "#guest-a").await;
        wait_for_text(&client, "#host-explain", "its own kernel", COMMAND_TIMEOUT).await;
        scroll_into_view(&client, "#host-view").await;
        settled_screenshot(&client, "20-host-stacks").await;
        scroll_into_view(&client, "#race-title").await;
        settled_screenshot(&client, "21-boot-race").await;

        // bench prints the modelled figure beside the paper's, and keeps the Host tab up.
        let out = run_command(&client, "bench linpack --on vm", "bench linpack --on vm").await;
        assert!(out.contains("sandbox: 241.3 GFLOPS"), "{out}");
        assert!(out.contains("paper:   241.3 GFLOPS"), "{out}");
        wait_for(&client, "#tab-host[aria-selected='true']", COMMAND_TIMEOUT).await;
        wait_for(
            &client,
            "#host-sec-bench[aria-selected='true']",
            COMMAND_TIMEOUT,
        )
        .await;
        click(&client, "#host-sec-stacks").await;

        // Korean.
        click(&client, "#btn-lang").await;
        wait_for(&client, "#app[lang='ko']", COMMAND_TIMEOUT).await;
        wait_for_text(&client, "#tab-host", "호스트", COMMAND_TIMEOUT).await;
        wait_for_text(&client, "#boot-gantt", "125 ms 만에 준비", COMMAND_TIMEOUT).await;
        scroll_into_view(&client, "#host-view").await;
        settled_screenshot(&client, "22-host-korean").await;
    })
    .await;
}

#[tokio::test]
async fn isolation_view_shows_pid_mapping_cgroups_and_an_oom_kill() {
    use browser::{click, text_of, wait_for_text};
    with_page(|client| async move {
        wait_for(&client, "#app", RENDER_TIMEOUT).await;
        // Taller than the default, so a screenshot shows a whole panel of the section.
        client.set_window_size(1400, 1200).await.unwrap();
        if attr_of(&client, "#app", "lang").await != "en" {
            click(&client, "#btn-lang").await;
            wait_for(&client, "#app[lang='en']", COMMAND_TIMEOUT).await;
        }
        let run = "docker run -d --name hog --memory 64Mi alpine:3.20 sleep infinity";
        run_command(&client, run, run).await;
        // A memory hog started with docker exec brings up the Host tab's isolation section.
        let stress = "docker exec hog stress --vm 1 --vm-bytes 300M";
        let out = run_command(&client, stress, stress).await;
        assert!(out.contains("dispatching hogs: 0 cpu, 0 io, 1 vm"), "{out}");
        wait_for(&client, "#tab-host[aria-selected='true']", COMMAND_TIMEOUT).await;
        wait_for(
            &client,
            "#host-sec-isolation[aria-selected='true']",
            COMMAND_TIMEOUT,
        )
        .await;
        wait_for(
            &client,
            "#isolation-view[data-container='hog']",
            COMMAND_TIMEOUT,
        )
        .await;

        // PID 1 inside is a host PID outside, in another PID namespace; host processes are
        // listed but invisible inside.
        let init_host_pid = attr_of(
            &client,
            "#iso-procs .iso-row[data-pid='1']",
            "data-host-pid",
        )
        .await;
        assert!(init_host_pid.parse::<u32>().unwrap() > 1, "{init_host_pid}");
        let procs = text_of(&client, "#iso-procs-panel").await;
        for needle in [
            "sleep infinity",
            "/sbin/init",
            "containerd-shim",
            "PID namespace 4026531836",
        ] {
            assert!(procs.contains(needle), "{needle} in:\n{procs}");
        }
        // The host's own processes are listed, hatched on the inside: invisible there.
        wait_for(
            &client,
            "#iso-procs .iso-row.owner-host[data-host-pid='1'][data-pid=''] td.invisible",
            COMMAND_TIMEOUT,
        )
        .await;
        let root = text_of(&client, "#iso-root-container").await;
        assert!(root.contains("etc/") && root.contains("bin/"), "{root}");
        let host_root = text_of(&client, "#iso-root-host").await;
        assert!(host_root.contains("boot/"), "{host_root}");
        assert!(text_of(&client, "#iso-root")
            .await
            .contains("/var/lib/docker/overlay2/"));
        assert_eq!(
            attr_of(&client, "#mem-gauge", "data-limit-bytes").await,
            "67108864"
        );

        // One step: the clock jumps to the instant the worker crosses the 64 MiB limit and the
        // OOM killer takes it. At that instant the gauge stands at the limit.
        let out = run_command(&client, "step", "step").await;
        assert!(out.contains("OomKilled"), "{out}");
        wait_for(&client, "#mem-gauge[data-at-oom='true']", COMMAND_TIMEOUT).await;
        let at: u64 = attr_of(&client, "#mem-gauge", "data-usage-bytes")
            .await
            .parse()
            .unwrap();
        assert!(at > 64 << 20, "{at}");
        let killed = "#iso-procs .iso-row[data-status='killed'][data-exit-code='137']";
        wait_for(&client, killed, COMMAND_TIMEOUT).await;
        let row = text_of(&client, killed).await;
        assert!(row.contains("137") && row.contains("OOMKilled"), "{row}");
        assert!(row.contains("stress --vm 1 --vm-bytes 300M"), "{row}");
        let note =
            wait_for_text(&client, "#oom-note", "137 = 128 + SIGKILL", COMMAND_TIMEOUT).await;
        assert!(note.contains("64 MiB"), "{note}");
        scroll_into_view(&client, "#iso-procs-panel").await;
        settled_screenshot(&client, "23-isolation-oom").await;
        scroll_into_view(&client, "#iso-cgroup").await;
        settled_screenshot(&client, "24-isolation-oom-gauge").await;

        // Time runs on: the container keeps running (PID 1 is still there), its memory is back
        // under the limit, and the killed row stays, from its event.
        run_command(&client, "run 1s", "run 1s").await;
        run_command(&client, "docker top hog", "docker top hog").await;
        wait_for(&client, "#mem-gauge[data-at-oom='false']", COMMAND_TIMEOUT).await;
        wait_for(&client, killed, COMMAND_TIMEOUT).await;
        wait_for(
            &client,
            "#iso-procs .iso-row[data-pid='1'][data-status='running']",
            COMMAND_TIMEOUT,
        )
        .await;
        let usage: u64 = attr_of(&client, "#mem-gauge", "data-usage-bytes")
            .await
            .parse()
            .unwrap();
        assert!(usage < 64 << 20, "{usage}");

        // A PID 1 that grows past its limit: `run` crosses the kill, the frame shows it as it
        // happens, and the container exits with 137.
        let tz = "docker run -d --name tz --memory 64Mi alpine:3.20 tail /dev/zero";
        run_command(&client, tz, tz).await;
        run_command(&client, "run 2s", "run 2s").await;
        click(&client, "#tab-host").await;
        wait_for(
            &client,
            "#isolation-view[data-container='tz']",
            COMMAND_TIMEOUT,
        )
        .await;
        wait_for(&client, "#mem-gauge[data-at-oom='true']", COMMAND_TIMEOUT).await;
        wait_for(
            &client,
            "#iso-procs .iso-row[data-pid='1'][data-status='killed'][data-exit-code='137']",
            COMMAND_TIMEOUT,
        )
        .await;
        let facts = text_of(&client, "#iso-facts").await;
        assert!(
            facts.contains("exited (code 137)") && facts.contains("OOMKilled"),
            "{facts}"
        );
        scroll_into_view(&client, "#isolation-view").await;
        settled_screenshot(&client, "25-isolation-pid1-oom").await;

        // A CPU hog under --cpus 0.5 gets half a core and is throttled the other half.
        let spin = "docker run -d --name spin --cpus 0.5 alpine:3.20 stress --cpu 1";
        run_command(&client, spin, spin).await;
        run_command(&client, "run 10s", "run 10s").await;
        click(&client, "#tab-host").await;
        wait_for(
            &client,
            "#isolation-view[data-container='spin']",
            COMMAND_TIMEOUT,
        )
        .await;
        assert_eq!(
            attr_of(&client, "#cpu-gauge", "data-throttled-usec").await,
            "5000000"
        );
        assert_eq!(
            attr_of(&client, "#cpu-gauge", "data-quota-millicores").await,
            "500"
        );
        let cpu = text_of(&client, "#cpu-gauge").await;
        assert!(
            cpu.contains("0.50 CPU in use") && cpu.contains("1.00 CPU wanted"),
            "{cpu}"
        );
        // The picker goes back to hog.
        click(&client, "#isolation-view .image-chip[data-container='hog']").await;
        wait_for(
            &client,
            "#isolation-view[data-container='hog']",
            COMMAND_TIMEOUT,
        )
        .await;
        click(
            &client,
            "#isolation-view .image-chip[data-container='spin']",
        )
        .await;
        wait_for(
            &client,
            "#isolation-view[data-container='spin']",
            COMMAND_TIMEOUT,
        )
        .await;
        scroll_into_view(&client, "#iso-cgroup").await;
        settled_screenshot(&client, "26-isolation-cpu").await;

        // Korean.
        click(&client, "#btn-lang").await;
        wait_for(&client, "#app[lang='ko']", COMMAND_TIMEOUT).await;
        click(&client, "#isolation-view .image-chip[data-container='hog']").await;
        wait_for_text(&client, "#iso-procs", "컨테이너 안", COMMAND_TIMEOUT).await;
        scroll_into_view(&client, "#isolation-view").await;
        settled_screenshot(&client, "27-isolation-korean").await;
    })
    .await;
}

#[tokio::test]
async fn bench_table_shows_paper_and_sandbox_figures_and_highlights_runs() {
    use browser::{click, text_of};
    with_page(|client| async move {
        wait_for(&client, "#app", RENDER_TIMEOUT).await;
        client.set_window_size(1400, 1000).await.unwrap();
        if attr_of(&client, "#app", "lang").await != "en" {
            click(&client, "#btn-lang").await;
            wait_for(&client, "#app[lang='en']", COMMAND_TIMEOUT).await;
        }
        for command in ["bench linpack --on vm", "bench mysql --on container"] {
            run_command(&client, command, command).await;
        }
        wait_for(&client, "#tab-host[aria-selected='true']", COMMAND_TIMEOUT).await;
        wait_for(
            &client,
            "#host-sec-bench[aria-selected='true']",
            COMMAND_TIMEOUT,
        )
        .await;
        let table = text_of(&client, "#bench-table").await;
        for needle in [
            "Felter et al., IBM RC25482 (2014) / ISPASS 2015",
            "241.3",
            "284.2",
            "290.8",
            "Linpack (HPL)",
            "MySQL",
        ] {
            assert!(table.contains(needle), "{needle} in:\n{table}");
        }
        // The rows that ran are highlighted; the others are not.
        wait_for(
            &client,
            "#bench-table .bench-row.ran[data-workload='linpack'][data-platform='vm']",
            COMMAND_TIMEOUT,
        )
        .await;
        wait_for(
            &client,
            "#bench-table .bench-row.ran[data-workload='mysql'][data-platform='container']",
            COMMAND_TIMEOUT,
        )
        .await;
        let ran = client
            .find_all(fantoccini::Locator::Css("#bench-table .bench-row.ran"))
            .await
            .unwrap();
        assert_eq!(ran.len(), 2);
        let row = text_of(
            &client,
            "#bench-table .bench-row[data-workload='linpack'][data-platform='vm']",
        )
        .await;
        assert!(row.contains("241.3") && row.contains("ran ×1"), "{row}");
        scroll_into_view(&client, "#bench-view").await;
        settled_screenshot(&client, "28-bench-table").await;
    })
    .await;
}

#[tokio::test]
async fn density_experiment_shows_how_many_vms_and_containers_fit() {
    use browser::{click, text_of};
    with_page(|client| async move {
        wait_for(&client, "#app", RENDER_TIMEOUT).await;
        client.set_window_size(1400, 1200).await.unwrap();
        if attr_of(&client, "#app", "lang").await != "en" {
            click(&client, "#btn-lang").await;
            wait_for(&client, "#app[lang='en']", COMMAND_TIMEOUT).await;
        }
        let out = run_command(&client, "host density", "host density").await;
        assert!(out.contains("LIMITED BY"), "{out}");
        wait_for(&client, "#tab-host[aria-selected='true']", COMMAND_TIMEOUT).await;
        wait_for(
            &client,
            "#host-sec-density[aria-selected='true']",
            COMMAND_TIMEOUT,
        )
        .await;
        // One card per kind, each with the count the model measured and what stopped it.
        let mut counts = Vec::new();
        for profile in ["full", "microvm", "container"] {
            let css = format!("#density-view .density-row[data-profile='{profile}']");
            let started: u64 = attr_of(&client, &css, "data-started")
                .await
                .parse()
                .unwrap();
            assert_eq!(attr_of(&client, &css, "data-limited-by").await, "memory");
            let card = text_of(&client, &css).await;
            assert!(card.contains(&format!("{started} fit")), "{card}");
            assert!(card.contains("host memory:"), "{card}");
            counts.push(started);
        }
        assert!(counts[0] < counts[1] && counts[1] < counts[2], "{counts:?}");
        assert!(
            text_of(&client, "#density-view .density-row[data-profile='full']")
                .await
                .contains("qemu overhead")
        );
        scroll_into_view(&client, "#density-view").await;
        settled_screenshot(&client, "29-density").await;
    })
    .await;
}

/// How many elements match `css`.
async fn count_of(client: &fantoccini::Client, css: &str) -> usize {
    client
        .find_all(fantoccini::Locator::Css(css))
        .await
        .map(|v| v.len())
        .unwrap_or(0)
}

/// Waits until exactly `n` elements match `css`.
async fn wait_for_count(client: &fantoccini::Client, css: &str, n: usize) {
    let started = std::time::Instant::now();
    loop {
        let seen = count_of(client, css).await;
        if seen == n {
            return;
        }
        assert!(
            started.elapsed() < COMMAND_TIMEOUT,
            "`{css}` matched {seen} elements, not {n}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The Cluster tab's workload row of `kind` (`Deployment`, `ReplicaSet`) and `name`.
fn workload_row(kind: &str, name: &str) -> String {
    format!("#workloads-table .wl-row[data-kind='{kind}'][data-name='{name}']")
}

#[tokio::test]
async fn cluster_tab_shows_scheduling_step_by_step_scale_rollout_and_undo() {
    use browser::{click, text_of, wait_for_text};
    with_page(|client| async move {
        wait_for(&client, "#app", RENDER_TIMEOUT).await;
        client.set_window_size(1400, 1200).await.unwrap();
        if attr_of(&client, "#app", "lang").await != "en" {
            click(&client, "#btn-lang").await;
            wait_for(&client, "#app[lang='en']", COMMAND_TIMEOUT).await;
        }
        let out = run_command(&client, "cluster create --nodes 3", "cluster create").await;
        assert!(out.contains("3 nodes Ready"), "{out}");
        wait_for(
            &client,
            "#tab-cluster[aria-selected='true']",
            COMMAND_TIMEOUT,
        )
        .await;
        wait_for_count(&client, "#node-grid .node-box", 3).await;
        let node = text_of(&client, "#node-grid .node-box[data-node='node-1']").await;
        assert!(node.contains("0 / 4") && node.contains("0 / 110"), "{node}");

        // A Deployment from a here-document manifest.
        let manifest: Vec<String> = [
            "cat > web.yaml <<'EOF'",
            "apiVersion: apps/v1",
            "kind: Deployment",
            "metadata:",
            "  name: web",
            "spec:",
            "  replicas: 3",
            "  selector:",
            "    matchLabels:",
            "      app: web",
            "  template:",
            "    metadata:",
            "      labels:",
            "        app: web",
            "    spec:",
            "      containers:",
            "      - name: nginx",
            "        image: nginx:1.27-alpine",
            "        resources:",
            "          requests:",
            "            cpu: 250m",
            "            memory: 128Mi",
            "EOF",
        ]
        .map(String::from)
        .to_vec();
        run_lines(&client, &manifest).await;
        let out = run_command(&client, "kubectl apply -f web.yaml", "kubectl apply").await;
        assert!(out.contains("deployment.apps/web created"), "{out}");
        wait_for(
            &client,
            "#tab-cluster[aria-selected='true']",
            COMMAND_TIMEOUT,
        )
        .await;
        let deploy = workload_row("Deployment", "web");
        assert_eq!(attr_of(&client, &deploy, "data-desired").await, "3");
        assert_eq!(attr_of(&client, &deploy, "data-current").await, "0");

        // One reconcile per step: the Deployment controller makes a ReplicaSet, the
        // ReplicaSet controller makes three pods (Pending, no node), the scheduler binds them.
        run_lines(&client, &["step".to_string()]).await;
        wait_for_count(
            &client,
            "#workloads-table .wl-row[data-kind='ReplicaSet']",
            1,
        )
        .await;
        wait_for(&client, "#pending-lane[data-count='0']", COMMAND_TIMEOUT).await;
        run_lines(&client, &["step".to_string()]).await;
        wait_for(&client, "#pending-lane[data-count='3']", COMMAND_TIMEOUT).await;
        wait_for_count(&client, "#pending-lane .pod-chip.st-pending", 3).await;
        assert_eq!(count_of(&client, "#node-grid .pod-chip").await, 0);
        let pod = attr_of(&client, "#pending-lane .pod-chip", "data-pod").await;
        assert!(pod.starts_with("web-"), "{pod}");
        let rs_event = text_of(
            &client,
            "#workloads-table .wl-row[data-kind='ReplicaSet'] + .wl-event-row .wl-event",
        )
        .await;
        assert!(
            rs_event.contains("web-") && rs_event.contains("← #8"),
            "the ReplicaSet's latest event with its cause:\n{rs_event}"
        );
        scroll_into_view(&client, "#cluster-view").await;
        settled_screenshot(&client, "30-cluster-pending").await;

        run_lines(&client, &["step".to_string()]).await;
        wait_for(&client, "#pending-lane[data-count='0']", COMMAND_TIMEOUT).await;
        let chip = format!("#node-grid .pod-chip[data-pod='{pod}']");
        wait_for(&client, &chip, COMMAND_TIMEOUT).await;
        let bound_to = attr_of(&client, &chip, "data-node").await;
        assert!(bound_to.starts_with("node-"), "{bound_to}");
        wait_for_count(&client, "#node-grid .pod-chip", 3).await;
        let node = text_of(
            &client,
            &format!("#node-grid .node-box[data-node='{bound_to}']"),
        )
        .await;
        assert!(node.contains("250m / 4"), "the CPU request bar:\n{node}");
        settled_screenshot(&client, "31-cluster-scheduled").await;

        // The scheduler panel for that pod: three node rows, the winner is where it went.
        click(&client, &chip).await;
        wait_for(
            &client,
            &format!("#sched-panel[data-pod='{pod}'] #sched-table"),
            COMMAND_TIMEOUT,
        )
        .await;
        assert_eq!(count_of(&client, "#sched-table .sched-row").await, 3);
        assert_eq!(count_of(&client, "#sched-table .sched-row.winner").await, 1);
        assert_eq!(
            attr_of(&client, "#sched-table .sched-row.winner", "data-node").await,
            bound_to
        );
        let table = text_of(&client, "#sched-table").await;
        assert!(table.contains("Fit") && table.contains("Total"), "{table}");
        assert_eq!(count_of(&client, "#sched-filters .sched-row").await, 3);
        assert_eq!(
            count_of(&client, "#sched-filters .f-cell.pass").await,
            18,
            "six filters passed on three nodes"
        );
        wait_for_text(&client, "#sched-outcome", &bound_to, COMMAND_TIMEOUT).await;
        scroll_into_view(&client, "#sched-panel").await;
        settled_screenshot(&client, "32-scheduler-panel").await;

        // Running, then scaled to five.
        run_command(&client, "run 30s", "run 30s").await;
        wait_for_count(&client, "#node-grid .pod-chip.st-ready", 3).await;
        // What a running pod printed, as kubectl picks one of a Deployment's pods.
        let out = run_command(&client, "kubectl logs deploy/web --tail 3", "kubectl logs").await;
        assert!(out.contains("Found 3 pods, using pod/web-"), "{out}");
        assert!(
            out.contains("[notice] 1#1: start worker processes"),
            "{out}"
        );
        settled_screenshot(&client, "33a-kubectl-logs").await;
        run_command(
            &client,
            "kubectl scale deployment web --replicas=5",
            "kubectl scale",
        )
        .await;
        run_command(&client, "run 30s", "run 30s").await;
        wait_for_count(&client, "#node-grid .pod-chip.st-ready", 5).await;
        assert_eq!(attr_of(&client, &deploy, "data-ready").await, "5");
        let old_rs = attr_of(
            &client,
            "#workloads-table .wl-row[data-kind='ReplicaSet']",
            "data-name",
        )
        .await;

        // A new image, built and pushed here, rolled out; then undone.
        let dockerfile: Vec<String> = [
            "cat > Dockerfile <<'EOF'",
            "FROM nginx:1.27-alpine",
            "RUN echo v2 > /usr/share/nginx/html/index.html",
            "EOF",
        ]
        .map(String::from)
        .to_vec();
        run_lines(&client, &dockerfile).await;
        let out = run_command(
            &client,
            "docker build -t localhost:5000/web:2 .",
            "docker build",
        )
        .await;
        assert!(out.contains("naming to localhost:5000/web:2"), "{out}");
        run_command(&client, "docker push localhost:5000/web:2", "docker push").await;
        run_command(
            &client,
            "kubectl set image deployment/web nginx=localhost:5000/web:2",
            "kubectl set image",
        )
        .await;
        wait_for(
            &client,
            "#tab-cluster[aria-selected='true']",
            COMMAND_TIMEOUT,
        )
        .await;
        for _ in 0..4 {
            run_lines(&client, &["step".to_string()]).await;
        }
        wait_for_count(
            &client,
            "#workloads-table .wl-row[data-kind='ReplicaSet']",
            2,
        )
        .await;
        scroll_into_view(&client, "#cluster-view").await;
        settled_screenshot(&client, "33-rolling-update").await;
        run_command(&client, "run 60s", "run 60s").await;
        let old_row = workload_row("ReplicaSet", &old_rs);
        wait_for(
            &client,
            &format!("{old_row}[data-desired='0']"),
            COMMAND_TIMEOUT,
        )
        .await;
        assert_eq!(attr_of(&client, &deploy, "data-ready").await, "5");
        wait_for_count(&client, "#node-grid .pod-chip.st-ready", 5).await;
        scroll_into_view(&client, "#workloads").await;
        settled_screenshot(&client, "34-rolled-out").await;

        run_command(
            &client,
            "kubectl rollout undo deployment/web",
            "kubectl rollout undo",
        )
        .await;
        run_command(&client, "run 60s", "run 60s").await;
        wait_for(
            &client,
            &format!("{old_row}[data-desired='5'][data-ready='5']"),
            COMMAND_TIMEOUT,
        )
        .await;
        // The row's latest controller event links to the log.
        click(&client, &format!("{deploy} + .wl-event-row .wl-event-link")).await;
        wait_for(&client, "#event-log .event-row.selected", COMMAND_TIMEOUT).await;

        // explain-schedule opens the panel for the pod it names.
        let pod = attr_of(&client, "#node-grid .pod-chip", "data-pod").await;
        run_command(
            &client,
            &format!("explain-schedule {pod}"),
            "explain-schedule",
        )
        .await;
        wait_for(
            &client,
            &format!("#sched-panel[data-pod='{pod}'] #sched-table"),
            COMMAND_TIMEOUT,
        )
        .await;
        assert_eq!(count_of(&client, "#sched-table .sched-row").await, 3);

        // The object graph: 1 Deployment, 2 ReplicaSets, 5 pods, 3 nodes; an edge from each
        // owner to what it owns and from each pod to its node.
        wait_for(
            &client,
            "#object-graph[data-vertices='11'][data-edges='12']",
            COMMAND_TIMEOUT,
        )
        .await;
        assert_eq!(
            count_of(&client, "#object-graph .og-vertex[data-kind='Pod']").await,
            5
        );
        scroll_into_view(&client, "#object-graph").await;
        settled_screenshot(&client, "36-object-graph").await;

        // Korean.
        click(&client, "#btn-lang").await;
        wait_for(&client, "#app[lang='ko']", COMMAND_TIMEOUT).await;
        wait_for_text(&client, "#tab-cluster", "클러스터", COMMAND_TIMEOUT).await;
        wait_for_text(&client, "#cluster-map", "클러스터 지도", COMMAND_TIMEOUT).await;
        scroll_into_view(&client, "#cluster-view").await;
        settled_screenshot(&client, "35-cluster-korean").await;
    })
    .await;
}

/// The Deployment the editor scenario types, with `containers` misspelled on line 15.
const EDITOR_DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containerz:
      - name: web
        image: nginx:1.27
";

/// Files tab editor: a new file, a live strict-decoding error pointing at its line, the fix,
/// Ctrl+S as a here-document in the terminal, then `kubectl apply` reads the saved file.
/// Ids: `#btn-new-file`, `#new-file-name`, `#new-file-create`, `#editor[data-path][data-dirty]`,
/// `#editor-text`, `#editor-check.ok|.error`, `#editor-goto[data-line][data-column]`,
/// `#editor-gutter-mark[data-line]`, `#editor-line-mark`, `#editor-state`, `#editor-save`,
/// `.edit-btn[data-path]`.
#[tokio::test]
async fn editor_checks_a_manifest_saves_it_as_a_command_and_kubectl_applies_it() {
    use browser::{click, wait_for_text};
    use fantoccini::key::Key;

    with_page(|client| async move {
        wait_for(&client, "#terminal-input", RENDER_TIMEOUT).await;
        click(&client, "#tab-files").await;
        click(&client, "#btn-new-file").await;
        let name = wait_for(&client, "#new-file-name", COMMAND_TIMEOUT).await;
        name.send_keys("web.yaml").await.unwrap();
        click(&client, "#new-file-create").await;
        let area = wait_for(
            &client,
            "#editor[data-path='web.yaml'] #editor-text",
            COMMAND_TIMEOUT,
        )
        .await;
        area.click().await.unwrap();
        area.send_keys(EDITOR_DEPLOYMENT).await.unwrap();
        assert_eq!(
            prop_of(&client, "#editor-text", "value").await,
            EDITOR_DEPLOYMENT
        );

        // The strict decoding error, kubectl's words, pointing at line 15 in the gutter and text.
        let check = wait_for_text(
            &client,
            "#editor-check.error",
            "unknown field \"spec.template.spec.containerz\"",
            COMMAND_TIMEOUT,
        )
        .await;
        assert!(check.contains("Error from server (BadRequest)"), "{check}");
        assert_eq!(attr_of(&client, "#editor-goto", "data-line").await, "15");
        let column: usize = attr_of(&client, "#editor-goto", "data-column")
            .await
            .parse()
            .unwrap();
        assert_eq!(
            attr_of(&client, "#editor-gutter-mark", "data-line").await,
            "15"
        );
        wait_for(
            &client,
            "#editor-line-mark[data-line='15']",
            COMMAND_TIMEOUT,
        )
        .await;
        assert_eq!(attr_of(&client, "#editor", "data-dirty").await, "true");
        scroll_into_view(&client, "#editor").await;
        settled_screenshot(&client, "40-editor-error").await;

        // The link puts the caret on the offending key.
        click(&client, "#editor-goto").await;
        let caret = client
            .execute(
                "return document.querySelector('#editor-text').selectionStart;",
                vec![],
            )
            .await
            .unwrap()
            .as_u64()
            .unwrap() as usize;
        let line_start: usize = EDITOR_DEPLOYMENT
            .lines()
            .take(14)
            .map(|l| l.len() + 1)
            .sum();
        assert_eq!(caret, line_start + column - 1);
        assert!(EDITOR_DEPLOYMENT[caret..].starts_with("containerz"));

        // Fix it where the caret is: end of line, drop "z:", type "s:".
        let area = wait_for(&client, "#editor-text", COMMAND_TIMEOUT).await;
        area.send_keys(&format!(
            "{}{}{}s:",
            char::from(Key::End),
            char::from(Key::Backspace),
            char::from(Key::Backspace)
        ))
        .await
        .unwrap();
        let fixed = EDITOR_DEPLOYMENT.replace("containerz:", "containers:");
        assert_eq!(prop_of(&client, "#editor-text", "value").await, fixed);
        wait_for_text(
            &client,
            "#editor-check.ok",
            "deployment.apps/web",
            COMMAND_TIMEOUT,
        )
        .await;
        assert!(client
            .find(fantoccini::Locator::Css("#editor-gutter-mark"))
            .await
            .is_err());
        settled_screenshot(&client, "41-editor-valid").await;

        // Ctrl+S saves through the session: a here-document in the terminal.
        press_keys(&client, &[char::from(Key::Control), 's']).await;
        let entry = wait_for_entry(&client, "cat > web.yaml <<'EOF'").await;
        assert!(entry.contains("containers:"), "{entry}");
        wait_for(&client, "#editor[data-dirty='false']", COMMAND_TIMEOUT).await;
        wait_for(
            &client,
            ".ws-file-row[data-path='web.yaml'] .edit-btn",
            COMMAND_TIMEOUT,
        )
        .await;

        run_command(
            &client,
            "cluster create --nodes 2",
            "cluster create --nodes 2",
        )
        .await;
        let applied = run_command(
            &client,
            "kubectl apply -f web.yaml",
            "kubectl apply -f web.yaml",
        )
        .await;
        assert!(applied.contains("deployment.apps/web created"), "{applied}");
        click(&client, "#tab-files").await;
        wait_for(
            &client,
            "#editor[data-path='web.yaml'][data-dirty='false']",
            COMMAND_TIMEOUT,
        )
        .await;
        scroll_into_view(&client, "#editor").await;
        settled_screenshot(&client, "42-editor-saved-applied").await;

        // A save the model refuses (a file cannot sit under a file) shows the model's error.
        click(&client, "#btn-new-file").await;
        let name = wait_for(&client, "#new-file-name", COMMAND_TIMEOUT).await;
        name.send_keys("web.yaml/oops.txt").await.unwrap();
        click(&client, "#new-file-create").await;
        let area = wait_for(
            &client,
            "#editor[data-path='web.yaml/oops.txt'] #editor-text",
            COMMAND_TIMEOUT,
        )
        .await;
        area.send_keys("hello").await.unwrap();
        click(&client, "#editor-save").await;
        wait_for_text(
            &client,
            "#editor-save-error",
            "Not a directory",
            COMMAND_TIMEOUT,
        )
        .await;
        wait_for(&client, "#editor[data-dirty='true']", COMMAND_TIMEOUT).await;
        // Back to the saved manifest: its row is still there, the failed draft is kept.
        click(&client, ".edit-btn[data-path='web.yaml']").await;
        wait_for(
            &client,
            "#editor[data-path='web.yaml'][data-dirty='false']",
            COMMAND_TIMEOUT,
        )
        .await;
        wait_for(
            &client,
            ".ws-file-row.draft[data-path='web.yaml/oops.txt'] .ws-file-unsaved",
            COMMAND_TIMEOUT,
        )
        .await;

        // Korean.
        click(&client, "#btn-lang").await;
        wait_for(&client, "#app[lang='ko']", COMMAND_TIMEOUT).await;
        wait_for_text(&client, "#editor-title", "편집", COMMAND_TIMEOUT).await;
        settled_screenshot(&client, "43-editor-korean").await;
    })
    .await;
}

/// The steps the failure timeline shows for a node crash, in order (`data-mark`).
const FAILURE_MARKS: [&str; 11] = [
    "fault",
    "heartbeat",
    "unknown",
    "tainted",
    "pods-not-ready",
    "endpoints",
    "eviction",
    "created",
    "scheduled",
    "pulled",
    "ready",
];

#[tokio::test]
async fn chaos_panel_crashes_a_node_and_the_failure_timeline_shows_each_step() {
    use browser::{click, text_of, wait_for_text};
    with_page(|client| async move {
        wait_for(&client, "#app", RENDER_TIMEOUT).await;
        client.set_window_size(1400, 900).await.unwrap();
        if attr_of(&client, "#app", "lang").await != "en" {
            click(&client, "#btn-lang").await;
            wait_for(&client, "#app[lang='en']", COMMAND_TIMEOUT).await;
        }
        let out = run_command(&client, "cluster create --nodes 3", "cluster create").await;
        assert!(out.contains("3 nodes Ready"), "{out}");
        wait_for(
            &client,
            "#tab-cluster[aria-selected='true']",
            COMMAND_TIMEOUT,
        )
        .await;
        wait_for_count(&client, "#chaos-nodes .chaos-row[data-health='ready']", 3).await;
        let text = text_of(&client, "#failure-timeline").await;
        assert!(text.contains("No node fault yet"), "{text}");

        let manifest: Vec<String> = [
            "cat > web.yaml <<'EOF'",
            "apiVersion: apps/v1",
            "kind: Deployment",
            "metadata:",
            "  name: web",
            "spec:",
            "  replicas: 3",
            "  selector:",
            "    matchLabels:",
            "      app: web",
            "  template:",
            "    metadata:",
            "      labels:",
            "        app: web",
            "    spec:",
            "      containers:",
            "      - name: nginx",
            "        image: nginx:1.27-alpine",
            "---",
            "apiVersion: v1",
            "kind: Service",
            "metadata:",
            "  name: web",
            "spec:",
            "  selector:",
            "    app: web",
            "  ports:",
            "  - port: 80",
            "EOF",
        ]
        .map(String::from)
        .to_vec();
        run_lines(&client, &manifest).await;
        let out = run_command(&client, "kubectl apply -f web.yaml", "kubectl apply").await;
        assert!(out.contains("deployment.apps/web created"), "{out}");
        run_command(&client, "run 30s", "run 30s").await;
        wait_for_count(&client, "#node-grid .pod-chip.st-ready", 3).await;

        // Crash the node of the first pod, from its row of the chaos panel.
        let node = attr_of(&client, "#node-grid .pod-chip.st-ready", "data-node").await;
        let row = format!("#chaos-nodes .chaos-row[data-node='{node}']");
        assert_eq!(
            attr_of(
                &client,
                &format!("{row} .chaos-btn[data-action='node-recover']"),
                "disabled"
            )
            .await,
            "true",
            "a running node cannot be recovered"
        );
        click(
            &client,
            &format!("{row} .chaos-btn[data-action='node-crash']"),
        )
        .await;
        let out = wait_for_entry(&client, &format!("chaos node-crash {node}")).await;
        assert!(out.contains(&format!("chaos: node-crash {node}")), "{out}");
        wait_for(
            &client,
            &format!("{row}[data-health='down']"),
            COMMAND_TIMEOUT,
        )
        .await;
        wait_for(
            &client,
            &format!("#failure-timeline[data-node='{node}'] .ft-mark-btn[data-mark='fault']"),
            COMMAND_TIMEOUT,
        )
        .await;

        run_command(&client, "run 7m", "run 7m").await;
        wait_for(
            &client,
            "#ft-marks .ft-mark-btn[data-mark='ready']",
            COMMAND_TIMEOUT,
        )
        .await;
        let row_text = text_of(&client, &row).await;
        assert!(
            row_text.contains("node.kubernetes.io/unreachable:NoExecute")
                && row_text.contains("Ready=Unknown"),
            "the crashed node's row:\n{row_text}"
        );
        // The lesson pane folded away gives the timeline the stage's full width.
        click(&client, "#btn-lesson-toggle").await;
        wait_for(
            &client,
            "#btn-lesson-toggle[aria-expanded='false']",
            COMMAND_TIMEOUT,
        )
        .await;
        scroll_into_view(&client, "#failure-timeline").await;
        settled_screenshot(&client, "44-failure-timeline").await;

        // The marks, in order, at non-decreasing simulated times.
        let buttons = client
            .find_all(fantoccini::Locator::Css("#ft-marks .ft-mark-btn"))
            .await
            .unwrap();
        let mut seen = Vec::new();
        let mut last_ms = 0u64;
        for b in &buttons {
            let mark = b.attr("data-mark").await.unwrap().unwrap_or_default();
            let ms: u64 = b
                .attr("data-time-ms")
                .await
                .unwrap()
                .unwrap()
                .parse()
                .unwrap();
            assert!(ms >= last_ms, "{mark} at {ms} ms comes before {last_ms} ms");
            last_ms = ms;
            seen.push(mark);
        }
        let in_order: Vec<&str> = seen
            .iter()
            .map(String::as_str)
            .filter(|m| FAILURE_MARKS.contains(m))
            .collect();
        assert_eq!(in_order, FAILURE_MARKS, "marks: {seen:?}");
        let ms = |css: &'static str| {
            let client = client.clone();
            async move {
                attr_of(&client, css, "data-ms")
                    .await
                    .parse::<u64>()
                    .unwrap()
            }
        };
        let detect = ms("#ft-detect").await;
        assert!(
            (50_000..=60_000).contains(&detect),
            "heartbeat → Unknown took {detect} ms: grace 50 s + at most one 5 s monitor period"
        );
        let tolerate = ms("#ft-toleration").await;
        assert_eq!(tolerate, 300_000, "NoExecute taint → eviction");
        let unknown_after = attr_of(
            &client,
            "#ft-marks .ft-mark-btn[data-mark='unknown']",
            "data-after-ms",
        )
        .await;
        assert_eq!(unknown_after.parse::<u64>().unwrap(), detect);
        let text = text_of(&client, "#failure-timeline").await;
        assert!(
            text.contains("grace period 50 s") && text.contains("tolerationSeconds 300 s"),
            "the defaults beside the measured waits:\n{text}"
        );

        // A mark selects its event in the log.
        let eviction = "#ft-marks .ft-mark-btn[data-mark='eviction']";
        let id = attr_of(&client, eviction, "data-event").await;
        click(&client, eviction).await;
        let selected = format!("#event-log #ev-{id}.event-row.selected");
        wait_for(&client, &selected, COMMAND_TIMEOUT).await;
        assert_eq!(attr_of(&client, &selected, "data-kind").await, "KubeEvent");
        wait_for_text(&client, &selected, "Marking for deletion", COMMAND_TIMEOUT).await;

        // Korean.
        click(&client, "#btn-lang").await;
        wait_for(&client, "#app[lang='ko']", COMMAND_TIMEOUT).await;
        wait_for_text(&client, "#ft-title", "장애 타임라인", COMMAND_TIMEOUT).await;
        scroll_into_view(&client, "#failure-timeline").await;
        settled_screenshot(&client, "45-failure-timeline-ko").await;

        // Zones: with every node in zone a and one of them down, the panel offers both taking
        // the zone down and bringing it back; each button runs its chaos command.
        for n in ["node-1", "node-2", "node-3"] {
            let command = format!("kubectl label node {n} topology.kubernetes.io/zone=a");
            let out = run_command(&client, &command, &command).await;
            assert!(out.contains(&format!("node/{n} labeled")), "{out}");
        }
        let outage = "#chaos-panel .chaos-btn[data-zone='a'][data-action='zone-outage']";
        let recover = "#chaos-panel .chaos-btn[data-zone='a'][data-action='zone-recover']";
        wait_for_count(&client, outage, 1).await;
        wait_for_count(&client, recover, 1).await;
        scroll_into_view(&client, recover).await;
        settled_screenshot(&client, "45b-chaos-zones-ko").await;
        click(&client, recover).await;
        let out = wait_for_entry(&client, "chaos zone-recover a").await;
        assert!(
            out.contains(&format!("chaos: node-recover {node}"))
                && out.contains("chaos: zone a is up (1 node(s))"),
            "{out}"
        );
        wait_for_count(&client, recover, 0).await;
        click(&client, outage).await;
        let out = wait_for_entry(&client, "chaos zone-outage a").await;
        assert!(out.contains("chaos: zone a is down (3 node(s))"), "{out}");
        wait_for_count(&client, outage, 0).await;
        wait_for_count(&client, "#chaos-nodes .chaos-row[data-health='down']", 3).await;
    })
    .await;
}

/// The traffic panel's side of the manual fleet or of the Service (`manual`, `orchestrated`).
fn fleet_side(side: &str) -> String {
    format!("#fleet-compare .fleet-side[data-side='{side}']")
}

#[tokio::test]
async fn traffic_on_a_service_heals_after_a_node_crash_while_the_manual_lb_keeps_failing() {
    use browser::{click, text_of};
    with_page(|client| async move {
        wait_for(&client, "#app", RENDER_TIMEOUT).await;
        client.set_window_size(1400, 900).await.unwrap();
        if attr_of(&client, "#app", "lang").await != "en" {
            click(&client, "#btn-lang").await;
            wait_for(&client, "#app[lang='en']", COMMAND_TIMEOUT).await;
        }
        let out = run_command(&client, "cluster create --nodes 3", "cluster create").await;
        assert!(out.contains("3 nodes Ready"), "{out}");
        let manifest: Vec<String> = [
            "cat > web.yaml <<'EOF'",
            "apiVersion: apps/v1",
            "kind: Deployment",
            "metadata:",
            "  name: web",
            "spec:",
            "  replicas: 3",
            "  selector:",
            "    matchLabels:",
            "      app: web",
            "  template:",
            "    metadata:",
            "      labels:",
            "        app: web",
            "    spec:",
            "      containers:",
            "      - name: nginx",
            "        image: nginx:1.27-alpine",
            "        ports:",
            "        - containerPort: 80",
            "---",
            "apiVersion: v1",
            "kind: Service",
            "metadata:",
            "  name: web",
            "spec:",
            "  selector:",
            "    app: web",
            "  ports:",
            "  - port: 80",
            "EOF",
        ]
        .map(String::from)
        .to_vec();
        run_lines(&client, &manifest).await;
        let out = run_command(&client, "kubectl apply -f web.yaml", "kubectl apply").await;
        assert!(out.contains("service/web created"), "{out}");
        run_command(&client, "run 30s", "run 30s").await;

        // Two servers run nginx by hand behind a load balancer.
        for node in ["node-1", "node-2"] {
            let cmd = format!("ssh {node} docker run -d -p 8080:80 nginx:1.27-alpine");
            run_command(&client, &cmd, &cmd).await;
        }
        let out = run_command(
            &client,
            "lb create front --backend node-1:8080 --backend node-2:8080",
            "lb create",
        )
        .await;
        assert!(out.contains("lb/front created"), "{out}");
        click(&client, "#tab-cluster").await;
        wait_for(&client, "#traffic-panel", COMMAND_TIMEOUT).await;
        // The button submits `traffic start svc/web --rps 100`, as typed.
        click(
            &client,
            "#traffic-panel .traffic-start[data-target='svc/web']",
        )
        .await;
        wait_for_entry(&client, "traffic start svc/web --rps 100").await;
        run_command(
            &client,
            "traffic start lb/front --rps 100",
            "traffic start lb",
        )
        .await;
        run_command(&client, "run 30s", "run 30s").await;
        click(&client, "#tab-cluster").await;
        let svc_card = "#traffic-panel .traffic-target[data-target='svc/web']";
        assert_eq!(
            attr_of(&client, svc_card, "data-success-recent").await,
            "100.0"
        );
        assert_eq!(attr_of(&client, svc_card, "data-seconds").await, "30");

        // Crash a node that holds both a pod of web and a load balancer backend.
        let crash = if count_of(&client, "#node-grid .pod-chip[data-node='node-1']").await > 0 {
            "node-1"
        } else {
            "node-2"
        };
        assert!(
            count_of(
                &client,
                &format!("#node-grid .pod-chip[data-node='{crash}']")
            )
            .await
                > 0,
            "neither node-1 nor node-2 runs a pod of web"
        );
        let cmd = format!("chaos node-crash {crash}");
        run_command(&client, &cmd, &cmd).await;
        run_command(&client, "run 2m", "run 2m").await;
        click(&client, "#tab-cluster").await;

        wait_for(&client, "#fleet-compare", COMMAND_TIMEOUT).await;
        let orchestrated = fleet_side("orchestrated");
        let manual = fleet_side("manual");
        assert_eq!(
            attr_of(&client, &orchestrated, "data-target").await,
            "svc/web"
        );
        assert_eq!(attr_of(&client, &manual, "data-target").await, "lb/front");
        // The Service failed only inside the detection window, then recovered by itself.
        assert_eq!(
            attr_of(&client, &orchestrated, "data-success-recent").await,
            "100.0"
        );
        let window: f64 = attr_of(&client, &orchestrated, "data-success-window")
            .await
            .parse()
            .unwrap();
        assert!(window <= 100.0, "{window}");
        let failing = |side: String| {
            let client = client.clone();
            async move {
                attr_of(&client, &side, "data-failing-seconds")
                    .await
                    .parse::<u64>()
                    .unwrap()
            }
        };
        let svc_failing = failing(orchestrated.clone()).await;
        assert!(
            (40..=65).contains(&svc_failing),
            "the Service fails only until the node is NotReady (grace 50 s): {svc_failing} s"
        );
        let lb_failing = failing(manual.clone()).await;
        assert!(
            lb_failing >= 120,
            "the LB fails every second since the crash: {lb_failing} s"
        );
        // The load balancer still sends every other request to the dead server.
        let lb_recent: f64 = attr_of(&client, &manual, "data-success-recent")
            .await
            .parse()
            .unwrap();
        assert!(lb_recent < 100.0, "the LB recovered by itself: {lb_recent}");
        let dead = format!("{manual} .fl-item[data-node='{crash}']");
        assert_eq!(attr_of(&client, &dead, "data-node-down").await, "true");
        assert_ne!(attr_of(&client, &dead, "data-failed").await, "0");
        let remove = format!("{manual} .fl-remove");
        assert_eq!(
            attr_of(&client, &remove, "data-command").await,
            format!("lb remove front {crash}:8080")
        );
        // The flow diagram marks the failing line with ✕, not colour alone.
        let lb_card = "#traffic-panel .traffic-target[data-target='lb/front']";
        let flow = text_of(&client, lb_card).await;
        assert!(flow.contains("✕"), "{flow}");
        // The stage is short at 900 px: a taller window shows the comparison and the charts.
        client.set_window_size(1400, 1200).await.unwrap();
        scroll_into_view(&client, "#traffic-panel").await;
        settled_screenshot(&client, "46-traffic-fleet").await;
        scroll_into_view(&client, svc_card).await;
        settled_screenshot(&client, "46-traffic-service-chart").await;
        click(&client, "#btn-lang").await;
        wait_for(&client, "#app[lang='ko']", COMMAND_TIMEOUT).await;
        scroll_into_view(&client, "#fleet-compare").await;
        settled_screenshot(&client, "46-traffic-fleet-ko").await;
        click(&client, "#btn-lang").await;
        wait_for(&client, "#app[lang='en']", COMMAND_TIMEOUT).await;

        // The profile switcher previews the same manifests on the cloud profile.
        click(&client, "#profile-tab-cloud").await;
        let preview = "#profile-preview[data-profile='cloud']";
        wait_for(&client, preview, COMMAND_TIMEOUT).await;
        assert_eq!(attr_of(&client, preview, "data-zones").await, "3");
        assert_eq!(attr_of(&client, preview, "data-nodes").await, "6");
        assert_eq!(attr_of(&client, preview, "data-commands").await, "1");
        assert_eq!(attr_of(&client, preview, "data-ready").await, "3");
        assert_eq!(count_of(&client, "#profile-preview .pf-zone").await, 3);
        // The user's session is untouched: still three nodes, the crashed one among them.
        assert_eq!(count_of(&client, "#node-grid .node-box").await, 3);
        scroll_into_view(&client, "#profile-switcher").await;
        settled_screenshot(&client, "47-profiles-cloud").await;

        // What the human would do: the hint button removes the dead backend, and the load
        // balancer answers everything again.
        click(&client, &remove).await;
        wait_for_entry(&client, &format!("lb remove front {crash}:8080")).await;
        run_command(&client, "run 10s", "run 10s").await;
        click(&client, "#tab-cluster").await;
        assert_eq!(
            attr_of(&client, &manual, "data-success-recent").await,
            "100.0"
        );

        // "Use this profile" replays the same manifests on a real cloud cluster.
        click(&client, "#profile-use").await;
        wait_for_entry(&client, "kubectl apply -f web.yaml").await;
        click(&client, "#tab-cluster").await;
        wait_for_count(&client, "#node-grid .node-box", 6).await;
    })
    .await;
}
