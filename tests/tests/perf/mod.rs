//! Measurements in Chromium, printed for the note (not asserted: speed is measured, not timed
//! in tests; these machines are noisy). Run with the rest of the e2e suite, or alone:
//! `cargo test -p tests --test e2e perf:: -- --nocapture` with `KUBE_SANDBOX_DIST` set.
//!
//! - Jumping to frames of the longest lesson (the course's most frames): each jump is the
//!   scrubber's `input` event until the page has rendered it (a zero-delay macrotask after the
//!   event, so the app's own work — seek by replay and render — is inside the measurement).
//! - A UI tick with 500 nodes and 15,000 pods on the stage: ⏭ at the end of the timeline runs
//!   `step` (one instant: traffic to a Service every second) and renders.

use fantoccini::Client;
use serde_json::json;

use super::browser::{wait_for, with_page_options, PageOptions, RENDER_TIMEOUT};
use super::{run_command, COMMAND_TIMEOUT};

/// Runs `clicks` actions in the page, each an `input` on the scrubber (a frame number) or a
/// click on `#btn-step` ("step"), and returns each one's milliseconds until rendered.
async fn timed_actions(client: &Client, actions: Vec<serde_json::Value>) -> Vec<f64> {
    // In small batches, so a slow page stays inside WebDriver's script timeout (30 s).
    let mut times = Vec::new();
    for batch in actions.chunks(5) {
        times.extend(timed_batch(client, batch.to_vec()).await);
    }
    times
}

async fn timed_batch(client: &Client, actions: Vec<serde_json::Value>) -> Vec<f64> {
    let script = r#"
        const actions = arguments[0];
        const done = arguments[arguments.length - 1];
        const channel = new MessageChannel();
        const times = [];
        let i = 0, t0 = 0;
        channel.port1.onmessage = () => { times.push(performance.now() - t0); next(); };
        function next() {
            if (i >= actions.length) { done(times); return; }
            const a = actions[i++];
            t0 = performance.now();
            if (a === "step") {
                document.querySelector('#btn-step').click();
            } else {
                const s = document.querySelector('#scrubber');
                s.value = String(a);
                s.dispatchEvent(new Event('input', { bubbles: true }));
            }
            channel.port2.postMessage(0);
        }
        next();
    "#;
    let out = client
        .execute_async(script, vec![json!(actions)])
        .await
        .unwrap_or_else(|e| panic!("timing script failed: {e}"));
    out.as_array()
        .expect("a list of times")
        .iter()
        .map(|v| v.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn summary(mut times: Vec<f64>) -> String {
    times.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    format!(
        "n={} median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        times.len(),
        q(0.5),
        q(0.95),
        times[times.len() - 1]
    )
}

/// The lesson with the most frames after its reference solution, and the share-link fragment
/// that replays it (setup, demonstrations, solution).
fn longest_lesson() -> (String, u64, String) {
    let course = lessons::builtin();
    let mut best = None;
    for lesson in &course.lessons {
        let mut s = lessons::runner::setup(lesson).expect("setup");
        let skip = s.inputs().count();
        for page in 0..lesson.intro.len() {
            lessons::runner::run_demo(lesson, &mut s, page).expect("demo");
        }
        s.submit(&lesson.solution);
        let frames = s.total_frames();
        if best.as_ref().is_none_or(|(_, f, _)| frames > *f) {
            let fragment = lessons::share::encode(&lessons::share::Shared {
                lesson: lesson.id.clone(),
                seed: lesson.seed,
                commands: s.inputs().skip(skip).map(str::to_string).collect(),
            });
            best = Some((lesson.id.clone(), frames, fragment));
        }
    }
    best.expect("a lesson")
}

#[tokio::test]
async fn measure_jumps_across_the_longest_lesson() {
    let (id, frames, fragment) = longest_lesson();
    let options = PageOptions {
        fragment: Some(fragment),
        ..PageOptions::default()
    };
    with_page_options(options, move |client| async move {
        wait_for(
            &client,
            &format!(".lesson-body[data-lesson='{id}']"),
            RENDER_TIMEOUT,
        )
        .await;
        wait_for(&client, "#share-banner[data-kind='info']", RENDER_TIMEOUT).await;
        let first: u64 = super::attr_of(&client, "#scrubber", "min")
            .await
            .parse()
            .unwrap();
        // A scrubbing student: far jumps back and forth over the whole timeline (a fixed
        // scramble), 120 of them.
        let span = frames - first;
        let jumps: Vec<serde_json::Value> = (0..120u64)
            .map(|i| json!(first + (i * 7919 + 13) % (span + 1)))
            .collect();
        let times = timed_actions(&client, jumps).await;
        println!(
            "perf: jump to a frame of `{id}` ({frames} frames) in Chromium: {}",
            summary(times)
        );
    })
    .await;
}

const SERVICE: &str = "cat > big-svc.yaml <<'EOF'\napiVersion: v1\nkind: Service\nmetadata:\n  name: big\nspec:\n  selector:\n    app: big\n  ports:\n  - port: 80\nEOF";

#[tokio::test]
async fn measure_a_ui_tick_with_500_nodes_and_15000_pods() {
    with_page_options(PageOptions::default(), |client| async move {
        wait_for(&client, "#terminal-input", RENDER_TIMEOUT).await;
        run_command(&client, "cluster create --nodes 500", "cluster create --nodes 500").await;
        let setup = std::time::Instant::now();
        super::browser::type_command(
            &client,
            "kubectl create deployment big --image=nginx:1.27-alpine --replicas=15000",
        )
        .await;
        super::browser::type_command(&client, "run 3m").await;
        super::browser::wait_for_text(&client, "#terminal-output", "ran 3m", std::time::Duration::from_secs(600)).await;
        println!("perf: 15,000 replicas on 500 nodes to all Running in Chromium: {:.1} s (typed commands, wall)", setup.elapsed().as_secs_f64());
        super::browser::type_command(&client, SERVICE).await;
        run_command(&client, "kubectl apply -f big-svc.yaml", "kubectl apply -f big-svc.yaml").await;
        run_command(&client, "traffic start svc/big", "traffic start svc/big").await;
        let _ = COMMAND_TIMEOUT;
        // Open the cluster map, so the 15,000 pods are on the stage.
        super::browser::click(&client, "#tab-cluster").await;
        let steps: Vec<serde_json::Value> = (0..40).map(|_| json!("step")).collect();
        let times = timed_actions(&client, steps).await;
        println!(
            "perf: UI tick (step + render) with 500 nodes and 15,000 pods in Chromium: {}",
            summary(times)
        );
        super::browser::screenshot(&client, "60-perf-15000-pods").await;
    })
    .await;
}
