//! Helpers shared by the behaviour tests: run commands that must succeed, and check that a
//! failing command leaves the simulation exactly as it was.
#![allow(dead_code)] // Each test crate uses its own subset.

use sim_core::Session;

/// Runs `text`, asserting that every command succeeds; returns all their output.
pub fn ok(s: &mut Session, text: &str) -> String {
    let mut out = String::new();
    for e in s.submit(text) {
        assert!(!e.failed(), "{} failed: {:?}", e.command, e.error);
        out.push_str(&e.output);
    }
    out
}

/// Runs `text`, asserting that every command succeeds; returns the last command's output.
pub fn ok_last(s: &mut Session, text: &str) -> String {
    let mut last = String::new();
    for e in s.submit(text) {
        assert!(!e.failed(), "{} failed: {:?}", e.command, e.error);
        last = e.output;
    }
    last
}

/// Runs `setup` on `s`, then `bad`; asserts that `bad` failed with exactly `message`, printed
/// nothing, and left the simulation state (fingerprint and trace hash) exactly as before.
pub fn assert_fails_and_changes_nothing_in(mut s: Session, setup: &str, bad: &str, message: &str) {
    ok(&mut s, setup);
    let before = s.sim().state_fingerprint();
    let hash_before = s.sim().trace_hash();
    let entries = s.submit(bad);
    assert_eq!(entries.len(), 1, "{bad}");
    assert_eq!(entries[0].error.as_deref(), Some(message), "{bad}");
    assert_eq!(entries[0].output, "");
    assert_eq!(
        s.sim().state_fingerprint(),
        before,
        "{bad} changed the state"
    );
    assert_eq!(s.sim().trace_hash(), hash_before, "{bad} changed the trace");
}

/// Runs `setup` on a fresh session from `new_session`, then `odd`; `odd` may succeed or fail,
/// but must not panic, and if it fails it must leave the state exactly as it was.
pub fn assert_a_failure_changes_nothing(new_session: impl Fn() -> Session, setup: &str, odd: &str) {
    let mut s = new_session();
    ok(&mut s, setup);
    let before = s.sim().state_fingerprint();
    let entries = s.submit(odd);
    if entries.iter().any(|e| e.failed()) {
        assert_eq!(
            s.sim().state_fingerprint(),
            before,
            "{odd} failed but changed the state"
        );
    }
}

/// Every pod in the cluster, in key order.
pub fn pods(s: &Session) -> Vec<sim_core::cluster::api::Pod> {
    pods_where(s, None)
}

/// The pods of namespace `ns`, in key order.
pub fn pods_in(s: &Session, ns: &str) -> Vec<sim_core::cluster::api::Pod> {
    pods_where(s, Some(ns))
}

fn pods_where(s: &Session, ns: Option<&str>) -> Vec<sim_core::cluster::api::Pod> {
    use sim_core::cluster::api::{Object, ObjectKind};
    s.sim()
        .cluster()
        .expect("cluster")
        .store
        .list(ObjectKind::Pod, ns)
        .filter_map(|o| match o {
            Object::Pod(p) => Some(p.as_ref().clone()),
            _ => None,
        })
        .collect()
}

/// The node called `name` (panics when there is none).
pub fn node(s: &Session, name: &str) -> sim_core::cluster::api::Node {
    use sim_core::cluster::api::{Object, ObjectKind};
    match s
        .sim()
        .cluster()
        .expect("cluster")
        .store
        .list(ObjectKind::Node, None)
        .find(|o| o.metadata().name == name)
    {
        Some(Object::Node(n)) => n.as_ref().clone(),
        _ => panic!("no node {name}"),
    }
}
