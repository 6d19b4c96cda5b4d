//! The timeline: determinism, seeking by replay, stepping into the middle of a `run`, and
//! dropping the future when a command is typed in the past.

use proptest::prelude::*;
use sim_core::{Session, SimConfig};

const SCRIPT: &str = "\
echo start > log.txt
after 10s echo tick >> log.txt
after 20s echo tock >> log.txt
after 30s rm log.txt
run 45s
echo done > done.txt
";

fn run(seed: u64, script: &str) -> Session {
    let mut s = Session::new(SimConfig { seed });
    s.submit(script);
    s
}

#[test]
fn same_seed_and_commands_give_the_same_trace_hash() {
    let a = run(3, SCRIPT).sim().trace_hash();
    let b = run(3, SCRIPT).sim().trace_hash();
    assert_eq!(a, b);
    assert_eq!(a.len(), 64);
    let c = run(3, &SCRIPT.replace("tock", "tack")).sim().trace_hash();
    assert_ne!(a, c, "a different command changes the trace");
}

#[test]
fn a_run_adds_one_frame_per_instant_with_work() {
    let s = run(1, SCRIPT);
    // echo, after ×3 = 4 frames; run 45s crossed 3 instants = 3 frames; echo = 1 frame.
    assert_eq!(s.total_frames(), 8);
    assert_eq!(s.frame(), 8);
}

#[test]
fn stepping_back_into_a_run_shows_the_state_after_that_instant() {
    let mut s = run(1, SCRIPT);
    s.seek(5); // after the first instant of `run 45s`
    assert_eq!(s.sim().now().as_ms(), 10_000);
    assert_eq!(s.sim().workspace().read("log.txt"), Some("start\ntick\n"));
    let last = s.entries().last().unwrap();
    assert!(!last.complete);
    assert_eq!(
        last.output,
        "(paused at 00:00:10 after 1 step(s), 3 event(s))\n"
    );
    s.step_forward();
    assert_eq!(s.sim().now().as_ms(), 20_000);
    assert_eq!(
        s.sim().workspace().read("log.txt"),
        Some("start\ntick\ntock\n")
    );
    s.step_forward();
    assert_eq!(
        s.sim().now().as_ms(),
        45_000,
        "the last frame completes the run"
    );
    assert_eq!(s.sim().workspace().read("log.txt"), None);
    s.step_back();
    s.step_back();
    assert_eq!(s.sim().now().as_ms(), 10_000);
}

#[test]
fn seeking_anywhere_and_back_to_the_end_restores_the_same_trace() {
    let mut s = run(9, SCRIPT);
    let end_hash = s.sim().trace_hash();
    let end_entries = s.entries().to_vec();
    for f in [0, 3, 7, 1, 8] {
        s.seek(f);
        assert_eq!(s.frame(), f);
    }
    assert_eq!(s.sim().trace_hash(), end_hash);
    assert_eq!(s.entries(), &end_entries[..]);
    s.seek(0);
    assert_eq!(s.sim().log().len(), 0);
    assert!(s.entries().is_empty());
}

#[test]
fn typing_in_the_past_drops_the_later_frames() {
    let mut s = run(1, SCRIPT);
    s.seek(5); // mid-run, at 00:00:10
    let e = s.submit("clock").remove(0);
    assert_eq!(
        e.output,
        "00:00:10 (10000 ms since start), seed 1, 2 scheduled, next at 00:00:20\n"
    );
    assert!(!s.is_in_past());
    // The interrupted run stays paused where the student stood, also after replay.
    let hash = s.sim().trace_hash();
    let frames = s.total_frames();
    s.seek(0);
    s.seek(frames);
    assert_eq!(s.sim().trace_hash(), hash);
    assert_eq!(s.sim().now().as_ms(), 10_000);
    let inputs: Vec<_> = s.inputs().collect();
    assert_eq!(inputs.last(), Some(&"clock"));
    assert_eq!(inputs.len(), 6);
}

#[test]
fn a_failed_command_is_one_frame_of_the_transcript_and_changes_no_state() {
    let mut s = run(1, "echo a > f");
    let fp = s.sim().state_fingerprint();
    s.submit("cat nope");
    assert_eq!(s.total_frames(), 2);
    assert_eq!(s.sim().state_fingerprint(), fp);
    s.step_back();
    assert_eq!(s.entries().len(), 1);
}

/// A small alphabet of commands, valid and invalid, to drive random sessions.
fn command() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u8..5).prop_map(|i| format!("echo {i} >> f{i}")),
        (0u8..5).prop_map(|i| format!("rm f{i}")),
        (1u64..60, 0u8..5).prop_map(|(s, i)| format!("after {s}s echo {i} >> f{i}")),
        (1u64..90).prop_map(|s| format!("run {s}s")),
        (1u64..4).prop_map(|n| format!("step {n}")),
        Just("clock".to_string()),
        Just("ls".to_string()),
        Just("bogus".to_string()),
        (0u64..3).prop_map(|n| format!("seed {n}")),
        // Container starts take simulated time (their phases are instants of the timeline),
        // and VMs boot meanwhile; scheduled ones interfere with starts in progress.
        (0u8..3).prop_map(|i| format!("docker run -d --name c{i} alpine:3.20 sleep infinity")),
        (0u8..3).prop_map(|i| format!("docker run --rm alpine:3.20 echo {i}")),
        (0u8..3).prop_map(|i| format!("docker stop c{i}")),
        (0u8..3).prop_map(|i| format!("docker start c{i}")),
        (1u64..700, 0u8..3).prop_map(|(ms, i)| format!("after {ms}ms docker rm -f c{i}")),
        (1u64..700, 0u8..3).prop_map(|(ms, i)| {
            format!("after {ms}ms docker run -d --name c{i} alpine:3.20 sleep infinity")
        }),
        Just("vm create v --profile microvm".to_string()),
        Just("vm start v".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Seeking to frame k from anywhere gives exactly the state a fresh replay to k gives.
    #[test]
    fn seek_is_the_same_from_any_starting_frame(
        cmds in prop::collection::vec(command(), 1..25),
        a in any::<prop::sample::Index>(),
        b in any::<prop::sample::Index>(),
    ) {
        let script = cmds.join("\n");
        let mut s = run(5, &script);
        let total = s.total_frames();
        let (ka, kb) = (a.index(total as usize + 1) as u64, b.index(total as usize + 1) as u64);
        s.seek(ka);
        s.seek(kb);
        let mut fresh = run(5, &script);
        fresh.seek(0);
        fresh.seek(kb);
        prop_assert_eq!(s.sim().state_fingerprint(), fresh.sim().state_fingerprint());
        prop_assert_eq!(s.entries(), fresh.entries());
        s.seek(total);
        prop_assert_eq!(s.sim().trace_hash(), run(5, &script).sim().trace_hash());
    }

    /// Time never goes backwards within a log, and event ids count up from 1.
    #[test]
    fn the_log_is_ordered_by_time_and_id(cmds in prop::collection::vec(command(), 1..25)) {
        let s = run(2, &cmds.join("\n"));
        let log = s.sim().log();
        for (i, e) in log.iter().enumerate() {
            prop_assert_eq!(e.id.0, i as u64 + 1);
            if let Some(c) = e.cause { prop_assert!(c < e.id); }
        }
        prop_assert!(log.windows(2).all(|w| w[0].time <= w[1].time));
    }
}

#[test]
fn the_trace_hash_is_the_sha256_of_the_log_as_json_lines() {
    use sha2::{Digest, Sha256};
    let s = run(4, SCRIPT);
    let mut text = String::new();
    for e in s.sim().log() {
        text.push_str(&serde_json::to_string(e).unwrap());
        text.push('\n');
    }
    let expected: String = Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(s.sim().trace_hash(), expected);
}

#[test]
fn seeking_through_container_starts_gives_the_states_a_fresh_replay_gives() {
    let script = "vm create v --profile microvm\nvm start v\nafter 800ms docker rm -f c1\n\
                  docker run -d --name c0 alpine:3.20 sleep infinity\n\
                  docker run -d --name c1 alpine:3.20 sleep infinity\n\
                  after 10ms docker run -d --name c2 alpine:3.20 sleep infinity\n\
                  docker stop c0\ndocker start c0\nrun 1s";
    let mut s = run(6, script);
    assert!(s.entries().iter().all(|e| !e.failed()), "{:?}", s.entries());
    let total = s.total_frames();
    let hash = s.sim().trace_hash();
    for k in (0..=total).rev() {
        s.seek(k);
        let mut fresh = run(6, script);
        fresh.seek(0);
        fresh.seek(k);
        assert_eq!(
            s.sim().state_fingerprint(),
            fresh.sim().state_fingerprint(),
            "frame {k}"
        );
        assert_eq!(s.entries(), fresh.entries(), "frame {k}");
    }
    s.seek(total);
    assert_eq!(s.sim().trace_hash(), hash);
    let running: Vec<&str> = s
        .sim()
        .docker()
        .containers
        .values()
        .filter(|c| c.is_running())
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        running.len(),
        2,
        "c0 and c2 run; c1 was removed while starting"
    );
}

#[derive(Clone, Debug)]
enum Op {
    Submit(String),
    Seek(prop::sample::Index),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => command().prop_map(Op::Submit),
        2 => any::<prop::sample::Index>().prop_map(Op::Seek),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Checkpoints only make seeking faster: with or without them, every seek and every
    /// command typed in the past (which drops the frames after it) leaves the same state,
    /// transcript and timeline.
    #[test]
    fn checkpoints_never_change_what_a_session_shows(
        setup in prop::collection::vec(command(), 20..60),
        ops in prop::collection::vec(op(), 1..30),
    ) {
        let mut fast = run(3, &setup.join("\n"));
        let mut plain = Session::new(SimConfig { seed: 3 });
        plain.set_checkpointing(false);
        plain.submit(&setup.join("\n"));
        for op in ops {
            match op {
                Op::Submit(c) => {
                    let a = fast.submit(&c);
                    let b = plain.submit(&c);
                    prop_assert_eq!(a, b);
                }
                Op::Seek(i) => {
                    let f = i.index(fast.total_frames() as usize + 1) as u64;
                    fast.seek(f);
                    plain.seek(f);
                }
            }
            prop_assert_eq!(fast.frame(), plain.frame());
            prop_assert_eq!(fast.total_frames(), plain.total_frames());
            prop_assert_eq!(fast.entries(), plain.entries());
            prop_assert_eq!(fast.sim().state_fingerprint(), plain.sim().state_fingerprint());
            prop_assert_eq!(fast.sim().trace_hash(), plain.sim().trace_hash());
        }
    }
}

/// Traffic ticks every second, so the failover is hundreds of frames (long `run`s that the
/// session carries out in pieces, each ending in a checkpoint).
const LONG_CLUSTER_SCRIPT: &str = "cluster create --nodes 3\nkubectl create deployment web --image=nginx:1.27-alpine --replicas=6\n\
    cat > svc.yaml <<'EOF'\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\nEOF\n\
    kubectl apply -f svc.yaml\ntraffic start svc/web\nrun 1m\nchaos node-crash node-2\nrun 7m\n\
    kubectl scale deployment web --replicas=2\nrun 1m";

fn cluster_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => prop_oneof![
            Just("run 20s".to_string()),
            Just("run 95s".to_string()),
            Just("chaos node-recover node-2".to_string()),
            Just("kubectl scale deployment web --replicas=4".to_string()),
            Just("step 3".to_string()),
        ].prop_map(Op::Submit),
        3 => any::<prop::sample::Index>().prop_map(Op::Seek),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// The same as `checkpoints_never_change_what_a_session_shows`, on a cluster session whose
    /// long runs are carried out in pieces.
    #[test]
    fn checkpoints_inside_long_runs_never_change_what_a_session_shows(
        ops in prop::collection::vec(cluster_op(), 1..16),
    ) {
        let mut fast = run(9, LONG_CLUSTER_SCRIPT);
        let mut plain = Session::new(SimConfig { seed: 9 });
        plain.set_checkpointing(false);
        plain.submit(LONG_CLUSTER_SCRIPT);
        for op in ops {
            match op {
                Op::Submit(c) => {
                    prop_assert_eq!(fast.submit(&c), plain.submit(&c));
                }
                Op::Seek(i) => {
                    let f = i.index(fast.total_frames() as usize + 1) as u64;
                    fast.seek(f);
                    plain.seek(f);
                }
            }
            prop_assert_eq!(fast.frame(), plain.frame());
            prop_assert_eq!(fast.total_frames(), plain.total_frames());
            prop_assert_eq!(fast.entries(), plain.entries());
            prop_assert_eq!(fast.sim().state_fingerprint(), plain.sim().state_fingerprint());
        }
    }
}

#[test]
fn seeking_back_in_a_long_cluster_session_gives_what_a_replay_from_the_seed_gives() {
    let script = LONG_CLUSTER_SCRIPT;
    let mut fast = run(9, script);
    let mut plain = Session::new(SimConfig { seed: 9 });
    plain.set_checkpointing(false);
    plain.submit(script);
    let total = fast.total_frames();
    assert!(total > 200, "{total} frames");
    for i in 0..60u64 {
        let f = (i * 7919 + 5) % (total + 1);
        fast.seek(f);
        plain.seek(f);
        assert_eq!(
            fast.sim().state_fingerprint(),
            plain.sim().state_fingerprint(),
            "frame {f}"
        );
        assert_eq!(fast.entries(), plain.entries(), "frame {f}");
    }
}
