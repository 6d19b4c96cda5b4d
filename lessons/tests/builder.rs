//! The lesson builder: what it exports reads back as the same lesson, and it suggests only the
//! goals the recorded commands achieved.

use lessons::builder::{suggest_goals, to_yaml};
use lessons::goal::Check;
use lessons::{runner, Lesson};
use sim_core::{Session, SimConfig};

#[test]
fn every_shipped_lesson_exports_to_a_file_that_reads_back_the_same() {
    for lesson in &lessons::builtin().lessons {
        let yaml = to_yaml(lesson);
        assert!(!yaml.contains("!text") && !yaml.contains("!demo"), "{yaml}");
        let again = Lesson::parse(&yaml).unwrap_or_else(|e| panic!("{}: {e}\n{yaml}", lesson.id));
        assert_eq!(&again, lesson);
    }
}

#[test]
fn suggestions_are_what_the_recorded_commands_changed() {
    let setup = "cluster create --nodes 3\ndocker pull alpine:3.20\n";
    let mut mark = Session::new(SimConfig { seed: 1 });
    mark.submit(setup);
    let mut now = mark.clone();
    let since = runner::since(&now);
    now.submit("kubectl create deployment web --image=nginx:1.27-alpine --replicas=2\nrun 1m");
    let suggested = |now: &Session| -> Vec<Check> {
        suggest_goals(&mark, now, since)
            .into_iter()
            .map(|s| s.goal.check)
            .collect()
    };
    let available = Check::DeploymentAvailable {
        name: "web".into(),
        namespace: "default".into(),
        replicas: 2,
    };
    assert!(
        suggested(&now).contains(&available),
        "{:?}",
        suggested(&now)
    );
    // A node crash: its pods stop being ready, so "available" no longer holds and is not offered.
    now.submit("chaos node-crash node-3\nrun 1m");
    let checks = suggested(&now);
    let on_node_3 = now
        .sim()
        .cluster()
        .unwrap()
        .store
        .list(sim_core::cluster::api::ObjectKind::Pod, None)
        .filter(
            |p| matches!(p, sim_core::cluster::api::Object::Pod(p) if p.spec.node_name == "node-3"),
        )
        .count();
    assert_eq!(checks.contains(&available), on_node_3 == 0, "{checks:?}");
    assert!(
        checks.contains(&Check::NodeReady {
            node: "node-3".into(),
            status: "Unknown".into()
        }),
        "{checks:?}"
    );
    assert!(checks
        .iter()
        .any(|c| matches!(c, Check::Event { kind, .. } if kind == "FaultInjected")));
    // True before the mark, so not offered: the pulled image and the healthy nodes.
    assert!(
        !checks
            .iter()
            .any(|c| matches!(c, Check::ImageExists { .. })),
        "{checks:?}"
    );
    assert!(!checks
        .iter()
        .any(|c| matches!(c, Check::NodeReady { status, .. } if status == "True")));
}

#[test]
fn a_built_lesson_is_checked_like_any_other() {
    let mut lesson = lessons::builtin().lessons[0].clone();
    lesson.id = "my-lesson".into();
    lesson.solution = "vm create vm1 --profile full\nvm start vm1\nrun 30s\n".into();
    let yaml = to_yaml(&lesson);
    let parsed = Lesson::parse(&yaml).expect("valid");
    let solved = runner::solve(&parsed).expect("starts");
    assert!(
        !solved.passed(),
        "the container goals are not reached by this solution"
    );
    assert!(solved.after[0].met);
}
