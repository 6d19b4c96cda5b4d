//! Goals read the model: each predicate is checked against sessions driven by real commands.

use lessons::goal::{Check, Since};
use lessons::GoalStatus;
use sim_core::{Session, SimConfig};

fn session(script: &str) -> Session {
    let mut s = Session::new(SimConfig { seed: 1 });
    for e in s.submit(script) {
        assert!(!e.failed(), "{}: {:?}", e.command, e.error);
    }
    s
}

fn status(check: &Check, s: &Session, since: Since) -> GoalStatus {
    check.status(s.sim(), s.entries(), since)
}

fn start(s: &Session) -> Since {
    lessons::runner::since(s)
}

fn met(progress: &str) -> GoalStatus {
    GoalStatus {
        met: true,
        progress: progress.into(),
    }
}

fn unmet(progress: &str) -> GoalStatus {
    GoalStatus {
        met: false,
        progress: progress.into(),
    }
}

const DEPLOY: &str = "cluster create --nodes 3\nkubectl create deployment web --image=nginx:1.27-alpine --replicas=3\n";

const SERVICE: &str = "cat > svc.yaml <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
EOF
kubectl apply -f svc.yaml
";

#[test]
fn pods_ready_counts_only_ready_pods_the_selector_matches() {
    let check = Check::PodsReady {
        selector: "app=web".into(),
        namespace: "default".into(),
        count: 3,
    };
    let mut s = session(DEPLOY);
    let since = start(&s);
    assert_eq!(status(&check, &s, since), unmet("0/3"));
    s.submit("run 1m");
    assert_eq!(status(&check, &s, since), met("3/3"));
    let other = Check::PodsReady {
        selector: "app=api".into(),
        namespace: "default".into(),
        count: 1,
    };
    assert!(!status(&other, &s, since).met);
    let elsewhere = Check::PodsReady {
        selector: "app=web".into(),
        namespace: "kube-system".into(),
        count: 1,
    };
    assert!(!status(&elsewhere, &s, since).met);
}

#[test]
fn node_ready_follows_the_node_lifecycle_controller() {
    let check = Check::NodeReady {
        node: "node-2".into(),
        status: "Unknown".into(),
    };
    let mut s = session(DEPLOY);
    let since = start(&s);
    assert_eq!(status(&check, &s, since).progress, "True");
    s.submit("chaos node-crash node-2\nrun 30s");
    assert!(
        !status(&check, &s, since).met,
        "still True inside the 50 s grace period"
    );
    s.submit("run 30s");
    assert_eq!(status(&check, &s, since), met("Unknown"));
}

#[test]
fn a_deployment_revision_counts_only_once_the_rollout_is_complete() {
    let check = Check::DeploymentRevision {
        name: "web".into(),
        namespace: "default".into(),
        revision: 2,
    };
    let mut s = session(&format!("{DEPLOY}run 1m\n"));
    let since = start(&s);
    assert_eq!(status(&check, &s, since).progress, "1/2");
    s.submit("kubectl set image deployment/web nginx=nginx:latest");
    let mid = status(&check, &s, since);
    assert!(
        !mid.met,
        "a rollout that has only begun is not revision 2 yet: {mid:?}"
    );
    s.submit("run 2m");
    assert_eq!(status(&check, &s, since), met("2/2"));
}

#[test]
fn shared_layers_count_the_common_base_of_two_images() {
    let s = session(
        "cat > Dockerfile <<'EOF'\nFROM alpine:3.20\nRUN echo a > /a\nEOF\ndocker build -t one:1 .\n\
         cat > Dockerfile <<'EOF'\nFROM alpine:3.20\nRUN echo b > /b\nEOF\ndocker build -t two:1 .\n",
    );
    let since = start(&s);
    let shares = |min| Check::SharedLayers {
        images: vec!["one:1".into(), "two:1".into()],
        min,
    };
    assert!(status(&shares(1), &s, since).met);
    assert_eq!(status(&shares(2), &s, since), unmet("1/2"));
    let missing = Check::SharedLayers {
        images: vec!["one:1".into(), "nope:1".into()],
        min: 1,
    };
    assert!(!status(&missing, &s, since).met);
}

#[test]
fn history_goals_count_only_what_came_after_the_start_and_only_successes() {
    let mut s = session("echo hi > a.txt\ndocker pull alpine:3.20\n");
    let since = start(&s);
    let ran = Check::CommandRan {
        command: "docker pull".into(),
    };
    let event = Check::Event {
        kind: "ImagePulled".into(),
        object: None,
        message: None,
    };
    assert!(
        !status(&ran, &s, since).met,
        "the setup's pull does not count"
    );
    assert!(!status(&event, &s, since).met);
    s.submit("docker pull nosuchimage:1");
    assert!(
        !status(&ran, &s, since).met,
        "a failed command does not count"
    );
    s.submit("docker pull busybox:1.36");
    assert!(status(&ran, &s, since).met);
    assert!(status(&event, &s, since).met);
    let wrong_object = Check::Event {
        kind: "ImagePulled".into(),
        object: Some("container/".into()),
        message: None,
    };
    assert!(!status(&wrong_object, &s, since).met);
}

#[test]
fn traffic_success_needs_a_full_window_of_good_seconds() {
    let check = Check::TrafficSuccess {
        target: "svc/web".into(),
        min_percent: 99,
        seconds: 30,
    };
    let mut s = session(&format!(
        "{DEPLOY}{SERVICE}run 1m\ntraffic start svc/web --rps 20\n"
    ));
    let since = start(&s);
    s.submit("run 10s");
    assert!(!status(&check, &s, since).met, "10 s is not a 30 s window");
    s.submit("run 30s");
    assert_eq!(status(&check, &s, since), met("100%"));
}

#[test]
fn the_clock_goal_reads_simulated_time() {
    let check = Check::ClockAtLeast { seconds: 90 };
    let mut s = session("run 1m");
    let since = start(&s);
    assert_eq!(status(&check, &s, since), unmet("60s/90s"));
    s.submit("run 30s");
    assert!(status(&check, &s, since).met);
}

#[test]
fn checks_validate_what_the_shape_cannot() {
    let bad_status = Check::NodeReady {
        node: "n".into(),
        status: "NotReady".into(),
    };
    assert_eq!(
        bad_status.validate().map_err(|e| e.en),
        Err("status \"NotReady\" is not a condition status (True, False or Unknown)".into())
    );
    let bad_target = Check::TrafficSuccess {
        target: "web".into(),
        min_percent: 50,
        seconds: 10,
    };
    assert!(bad_target.validate().is_err());
    let three = Check::SharedLayers {
        images: vec!["a".into(), "b".into(), "c".into()],
        min: 1,
    };
    assert!(three.validate().is_err());
}
