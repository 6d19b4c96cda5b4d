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
