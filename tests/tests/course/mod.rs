//! The course in the browser: lessons completed by typing, hints, Korean, share links opened in
//! a fresh browser profile, presenter mode, and what bad input (a tampered link, corrupt saved
//! progress, a command a lesson does not allow) does to the app.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use fantoccini::{Client, Locator};

use super::browser::{
    click, screenshot, text_of, wait_for, wait_for_text, with_page, with_page_options, PageOptions,
    RENDER_TIMEOUT,
};
use super::{attr_of, run_command, settled_screenshot, COMMAND_TIMEOUT};

/// Lessons whose solution waits minutes of simulated time take longer to settle.
const LESSON_TIMEOUT: Duration = Duration::from_secs(60);

/// Opens a lesson with the top bar's picker.
async fn open_lesson(client: &Client, id: &str) {
    let picker = wait_for(client, "#lesson-picker", RENDER_TIMEOUT).await;
    picker
        .select_by_value(id)
        .await
        .unwrap_or_else(|e| panic!("cannot pick lesson {id}: {e}"));
    wait_for(
        client,
        &format!(".lesson-body[data-lesson='{id}']"),
        RENDER_TIMEOUT,
    )
    .await;
}

/// Goals shown, and how many are met.
async fn goals_met(client: &Client) -> (usize, usize) {
    let all = client
        .find_all(Locator::Css("#goal-list .goal-item"))
        .await
        .unwrap();
    let met = client
        .find_all(Locator::Css("#goal-list .goal-item[data-met='true']"))
        .await
        .unwrap();
    (met.len(), all.len())
}

async fn wait_all_goals(client: &Client, want: usize) {
    let start = std::time::Instant::now();
    loop {
        let (met, all) = goals_met(client).await;
        if all == want && met == want {
            return;
        }
        assert!(
            start.elapsed() < LESSON_TIMEOUT,
            "goals met {met}/{all}, want {want}/{want}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Types each command and waits for it to be echoed.
async fn type_all(client: &Client, commands: &[&str]) {
    for c in commands {
        run_command(client, c, c).await;
    }
}

async fn trace_hash(client: &Client) -> String {
    attr_of(client, "#trace-hash", "data-hash").await
}

const LESSON_1: &[&str] = &[
    "vm create vm1 --profile full",
    "vm start vm1",
    "docker run -d --name web nginx:1.27-alpine",
    "run 30s",
    "vm exec vm1 uname -r",
    "docker exec web uname -r",
    "host density --max 200",
];

const LESSON_7: &[&str] = &[
    "kubectl apply -f web.yaml",
    "traffic start svc/web",
    "run 30s",
    "chaos node-crash node-1",
    "run 1m",
    "kubectl get nodes",
    "run 6m",
    "kubectl get pods -o wide",
];

#[tokio::test]
async fn lesson_one_by_typing_with_a_prediction_a_hint_and_korean() {
    with_page(|client| async move {
        open_lesson(&client, "containers-vs-vms").await;
        settled_screenshot(&client, "50-lesson1-intro").await;
        // Page 2 is the demonstration with its "predict, then reveal" question.
        click(&client, "#btn-page-next").await;
        wait_for(&client, "#predict", RENDER_TIMEOUT).await;
        let run = wait_for(&client, "#btn-run-demo", RENDER_TIMEOUT).await;
        assert_eq!(
            run.attr("disabled").await.unwrap().as_deref(),
            Some("true"),
            "Run waits for a prediction"
        );
        let choices = client
            .find_all(Locator::Css(".predict-choice input"))
            .await
            .unwrap();
        assert_eq!(choices.len(), 3);
        choices[1].click().await.unwrap();
        click(&client, "#btn-run-demo").await;
        wait_for(
            &client,
            "#predict-result[data-result='right']",
            COMMAND_TIMEOUT,
        )
        .await;
        wait_for_text(
            &client,
            "#terminal-output",
            "6.8.0-45-generic",
            COMMAND_TIMEOUT,
        )
        .await;
        settled_screenshot(&client, "51-lesson1-predict-revealed").await;

        click(&client, "#btn-start-exercise").await;
        wait_for(&client, "#exercise-started", COMMAND_TIMEOUT).await;
        assert_eq!(goals_met(&client).await, (0, 5));

        // A command the lesson does not allow is refused and changes nothing.
        let hash = trace_hash(&client).await;
        browser_type(&client, "kubectl get pods").await;
        wait_for_text(&client, ".term-refused", "kubectl", COMMAND_TIMEOUT).await;
        assert_eq!(trace_hash(&client).await, hash);

        click(&client, "#btn-hint").await;
        let hint = wait_for_text(&client, "#hint-list", "vm create vm1", COMMAND_TIMEOUT).await;
        assert!(hint.contains("run 30s"), "{hint}");

        type_all(&client, &LESSON_1[..4]).await;
        wait_for(&client, "#goal-0[data-met='true']", COMMAND_TIMEOUT).await;
        wait_for(&client, "#goal-1[data-met='true']", COMMAND_TIMEOUT).await;
        assert_eq!(goals_met(&client).await, (2, 5));
        type_all(&client, &LESSON_1[4..]).await;
        wait_all_goals(&client, 5).await;
        let done = wait_for_text(&client, "#lesson-done", "kernel", COMMAND_TIMEOUT).await;
        assert!(done.contains("Next"), "{done}");
        settled_screenshot(&client, "52-lesson1-done").await;

        // The same, in Korean; the lesson's own text switches too.
        if attr_of(&client, "#app", "lang").await != "ko" {
            click(&client, "#btn-lang").await;
        }
        wait_for_text(&client, "#lesson-title", "컨테이너란", COMMAND_TIMEOUT).await;
        wait_for_text(&client, "#goal-list", "VM", COMMAND_TIMEOUT).await;
        settled_screenshot(&client, "53-lesson1-done-ko").await;

        // Completion is saved: after a reload the picker marks lesson 1 done.
        client.refresh().await.unwrap();
        wait_for(
            &client,
            "#lesson-picker option[value='containers-vs-vms'][data-completed='true']",
            RENDER_TIMEOUT,
        )
        .await;
    })
    .await;
}

async fn browser_type(client: &Client, text: &str) {
    super::browser::type_command(client, text).await;
}

#[tokio::test]
async fn lesson_seven_by_typing_then_its_share_link_opens_the_same_state_in_a_fresh_browser() {
    let shared: Arc<Mutex<(String, String)>> = Arc::default();
    let out = shared.clone();
    with_page(move |client| async move {
        open_lesson(&client, "orchestration").await;
        // Skip the intro: Start runs both demonstrations first.
        click(&client, "#btn-start-exercise").await;
        wait_for(&client, "#exercise-started", LESSON_TIMEOUT).await;
        assert_eq!(goals_met(&client).await, (0, 4));
        type_all(&client, &LESSON_7[..3]).await;
        wait_for(&client, "#goal-0[data-met='true']", COMMAND_TIMEOUT).await;
        type_all(&client, &LESSON_7[3..]).await;
        wait_all_goals(&client, 4).await;
        settled_screenshot(&client, "54-lesson7-done").await;
        // The finished lesson in Korean (its goals, what was learned, the time-scale badge).
        click(&client, "#btn-lang").await;
        wait_for_text(&client, "#lesson-title", "오케스트레이션", COMMAND_TIMEOUT).await;
        wait_for(
            &client,
            "#time-scale-badge[data-scale='30']",
            COMMAND_TIMEOUT,
        )
        .await;
        settled_screenshot(&client, "54-lesson7-done-ko").await;
        click(&client, "#btn-lang").await;
        wait_for_text(&client, "#lesson-title", "Orchestration", COMMAND_TIMEOUT).await;

        click(&client, "#btn-share").await;
        let url = wait_for(&client, "#share-url", COMMAND_TIMEOUT)
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default();
        let fragment = url.split_once('#').map(|(_, f)| f.to_string()).unwrap();
        assert!(fragment.starts_with("s1."), "{url}");
        settled_screenshot(&client, "55-share-panel").await;
        *out.lock().unwrap() = (fragment, trace_hash(&client).await);
    })
    .await;

    let (fragment, hash) = shared.lock().unwrap().clone();
    let options = PageOptions {
        fragment: Some(fragment),
        ..PageOptions::default()
    };
    with_page_options(options, move |client| async move {
        wait_for(
            &client,
            ".lesson-body[data-lesson='orchestration']",
            LESSON_TIMEOUT,
        )
        .await;
        wait_for(&client, "#share-banner[data-kind='info']", LESSON_TIMEOUT).await;
        let start = std::time::Instant::now();
        while trace_hash(&client).await != hash {
            assert!(
                start.elapsed() < LESSON_TIMEOUT,
                "the link did not land on trace {hash}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        wait_all_goals(&client, 4).await;
        settled_screenshot(&client, "56-share-opened").await;

        // Presenter mode: the lesson and the stage in large type.
        click(&client, "#btn-presenter").await;
        wait_for(&client, "#app.presenter", COMMAND_TIMEOUT).await;
        settled_screenshot(&client, "57-presenter-lesson").await;
    })
    .await;
}

#[tokio::test]
async fn a_tampered_share_link_and_corrupt_progress_leave_the_app_usable() {
    let options = PageOptions {
        fragment: Some("s1.AAAA-not-deflate".into()),
        ..PageOptions::default()
    };
    with_page_options(options, |client| async move {
        let banner = wait_for_text(
            &client,
            "#share-banner[data-kind='error']",
            "damaged",
            RENDER_TIMEOUT,
        )
        .await;
        assert!(!banner.is_empty());
        settled_screenshot(&client, "58-bad-share-link").await;
        // The sandbox works.
        run_command(&client, "echo still here", "echo still here").await;

        // Corrupt saved progress is ignored.
        client
            .execute(
                "localStorage.setItem('kube-sandbox.progress.v1', '{not json'); return 1;",
                vec![],
            )
            .await
            .unwrap();
        client.refresh().await.unwrap();
        wait_for(&client, "#lesson-picker", RENDER_TIMEOUT).await;
        let done = client
            .find_all(Locator::Css("#lesson-picker option[data-completed='true']"))
            .await
            .unwrap();
        assert!(done.is_empty());
        open_lesson(&client, "isolation").await;
        assert!(
            text_of(&client, "#lesson-title")
                .await
                .contains("Isolation")
                || text_of(&client, "#lesson-title").await.contains("격리")
        );
        let _ = screenshot(&client, "59-after-corrupt-progress").await;
    })
    .await;
}

/// A folder for one test's downloads, removed afterwards.
struct Downloads(std::path::PathBuf);

impl Downloads {
    fn create(name: &str) -> Downloads {
        let path =
            std::env::temp_dir().join(format!("kube-sandbox-e2e-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Downloads(path)
    }
}

impl Drop for Downloads {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Waits for `dir/name` to be downloaded completely and returns its text.
async fn downloaded_text(dir: &std::path::Path, name: &str) -> String {
    let start = std::time::Instant::now();
    loop {
        let partial = std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .any(|e| e.file_name().to_string_lossy().ends_with(".crdownload"))
            })
            .unwrap_or(false);
        if !partial {
            if let Ok(text) = std::fs::read_to_string(dir.join(name)) {
                if !text.is_empty() {
                    return text;
                }
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{name} was not downloaded"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Sets an input's value as typing would (clearing it first).
async fn fill(client: &Client, css: &str, text: &str) {
    let el = wait_for(client, css, RENDER_TIMEOUT).await;
    el.clear()
        .await
        .unwrap_or_else(|e| panic!("cannot clear {css}: {e}"));
    el.send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("cannot type into {css}: {e}"));
}

/// Hands a file to a (visually hidden) file input, as choosing it in the dialog would.
async fn choose_file(client: &Client, css: &str, path: &std::path::Path) {
    client
        .execute(
            &format!(
                "const e = document.querySelector({css:?}); e.style.opacity = 1; \
                 e.style.position = 'static'; e.style.width = 'auto'; e.style.height = 'auto'; \
                 e.style.clip = 'auto'; return 1;"
            ),
            vec![],
        )
        .await
        .unwrap();
    let input = wait_for(client, css, RENDER_TIMEOUT).await;
    input
        .send_keys(&path.display().to_string())
        .await
        .unwrap_or_else(|e| panic!("cannot choose {} in {css}: {e}", path.display()));
}

#[tokio::test]
async fn a_teacher_records_a_lesson_tests_it_exports_it_and_a_bad_file_is_refused() {
    let downloads = Downloads::create("builder");
    let dir = downloads.0.clone();
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "id: Bad Lesson\ntitle: {ko: 제목}\nsummary: x\n").unwrap();
    let options = PageOptions {
        download_dir: Some(dir.clone()),
        ..PageOptions::default()
    };
    with_page_options(options, move |client| async move {
        click(&client, "#btn-builder").await;
        wait_for(&client, "#builder", RENDER_TIMEOUT).await;
        run_command(
            &client,
            "docker pull alpine:3.20",
            "docker pull alpine:3.20",
        )
        .await;
        click(&client, "#btn-mark-start").await;
        wait_for_text(&client, "#builder-mark-status", "1", COMMAND_TIMEOUT).await;
        type_all(
            &client,
            &["vm create v1 --profile microvm", "vm start v1", "run 5s"],
        )
        .await;
        click(&client, "#btn-suggest-goals").await;
        wait_for(&client, "#builder-goals li.builder-goal", COMMAND_TIMEOUT).await;
        // Pick the suggestion about VMs (its English label mentions them).
        let n = client
            .find_all(Locator::Css("#builder-goals li.builder-goal"))
            .await
            .unwrap()
            .len();
        let mut picked = false;
        for i in 0..n {
            let label = wait_for(&client, &format!("#builder-goal-{i}-en"), RENDER_TIMEOUT)
                .await
                .prop("value")
                .await
                .unwrap()
                .unwrap_or_default();
            if label.contains("VM") {
                click(&client, &format!("#builder-goal-{i}")).await;
                picked = true;
            }
        }
        assert!(picked, "no VM goal among {n} suggestions");
        fill(&client, "#builder-id", "vm-boot").await;
        for (field, text) in [
            ("title-ko", "마이크로VM 부팅"),
            ("title-en", "Boot a microVM"),
            ("summary-ko", "마이크로VM을 만들어 켜요."),
            ("summary-en", "Create a microVM and power it on."),
            ("learned-ko", "마이크로VM은 금방 부팅돼요."),
            ("learned-en", "A microVM boots fast."),
        ] {
            fill(&client, &format!("#builder-{field}"), text).await;
        }
        click(&client, "#btn-builder-test").await;
        wait_for(
            &client,
            "#builder-result .builder-outcome[data-outcome='passed']",
            LESSON_TIMEOUT,
        )
        .await;
        settled_screenshot(&client, "61-builder-tested").await;
        click(&client, "#btn-builder-export").await;
        let yaml = downloaded_text(&dir, "vm-boot.yaml").await;
        let lesson = lessons::Lesson::parse(&yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        assert_eq!(lesson.setup.trim(), "docker pull alpine:3.20");
        assert!(lesson.solution.contains("vm start v1"), "{yaml}");
        let solved = lessons::runner::solve(&lesson).expect("starts");
        assert!(solved.passed(), "{:?}", solved.after);

        click(&client, "#btn-builder-try").await;
        wait_for(
            &client,
            ".lesson-body[data-lesson='vm-boot']",
            COMMAND_TIMEOUT,
        )
        .await;
        // The picker names the lesson being tried (it is not in the course), not the sandbox.
        let picked = client
            .execute(
                "const s = document.querySelector('#lesson-picker'); \
                 const o = s.options[s.selectedIndex]; \
                 return [s.value, o.text, o.dataset.outsideCourse || ''];",
                vec![],
            )
            .await
            .expect("the picker's selection");
        assert_eq!(picked[0], "vm-boot", "{picked:?}");
        assert_eq!(picked[2], "true", "{picked:?}");
        assert!(
            picked[1]
                .as_str()
                .is_some_and(|t| t.contains("Not in the course")),
            "{picked:?}"
        );

        // A broken lesson file: every problem listed, the open lesson unchanged.
        click(&client, "#btn-transfer").await;
        wait_for(&client, "#transfer-panel", COMMAND_TIMEOUT).await;
        choose_file(&client, "#import-lesson", &bad).await;
        let problems =
            wait_for_text(&client, "#import-problem-list", "title.en", COMMAND_TIMEOUT).await;
        // Shape problems are reported together (meaning, such as the id, is checked once the
        // shape is right).
        assert!(problems.contains("summary"), "{problems}");
        assert!(problems.contains("goals"), "{problems}");
        wait_for(
            &client,
            ".lesson-body[data-lesson='vm-boot']",
            COMMAND_TIMEOUT,
        )
        .await;
        settled_screenshot(&client, "62-import-problems").await;
        // The same problems in Korean, for a teacher who reads Korean first.
        let lang = client
            .execute("return document.querySelector('#app').lang;", vec![])
            .await
            .expect("the app's language");
        if lang.as_str() != Some("ko") {
            click(&client, "#btn-lang").await;
            wait_for(&client, "#app[lang='ko']", COMMAND_TIMEOUT).await;
        }
        let problems = wait_for_text(
            &client,
            "#import-problem-list",
            "꼭 있어야 하는 필드가 없어요",
            COMMAND_TIMEOUT,
        )
        .await;
        assert!(
            problems.contains("title.en") && problems.contains("매핑(키: 값)이어야 해요"),
            "{problems}"
        );
        settled_screenshot(&client, "62-import-problems-ko").await;
    })
    .await;
    drop(downloads);
}
