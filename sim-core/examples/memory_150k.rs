//! The memory issue's report: build a cluster of 5,000 nodes running 150,000 pods through a
//! `Session`, as the failover benchmark does (`benches/failover.rs`), and print the live heap
//! of the cluster model per pod (a counting allocator, as `tests/memory.rs` measures it) and
//! the process's peak resident set size (`VmHWM` from `/proc/self/status`: Linux only; other
//! systems print no RSS).
//!
//! `cargo run --release -p sim-core --example memory_150k`; `MEMORY_NODES` and `MEMORY_PODS`
//! scale it down (`MEMORY_NODES=500 MEMORY_PODS=15000`). Not a test: the setup takes about a
//! minute.
//!
//! The peak RSS is the whole process at its highest: the model, the event log (every store
//! change of 150,000 pods), the session's checkpoints (copies of the simulation, sharing what
//! the model shares) and the allocator's own slack.

use std::time::Instant;

use sim_core::{Session, SimConfig};

#[path = "../tests/support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::{allocated, freed_by};

#[path = "../benches/support/session.rs"]
mod session;
use session::{env_or, ready, submit};

/// A line of `/proc/self/status` in MiB (`VmHWM`, `VmRSS`), where there is one.
fn status_mib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    let nodes = env_or("MEMORY_NODES", 5_000);
    let pods = env_or("MEMORY_PODS", 150_000);
    let mut s = Session::new(SimConfig { seed: 42 });
    let t = Instant::now();
    submit(
        &mut s,
        &format!(
            "cluster create --nodes {nodes} --cpu 64 --memory 256Gi --pods 110\n\
             kubectl create deployment web --image=nginx:1.27-alpine --replicas={pods}"
        ),
    );
    let mut slices = 0;
    loop {
        submit(&mut s, "run 5s");
        slices += 1;
        let (r, want) = ready(&mut s);
        if r == want && want > 0 {
            break;
        }
        assert!(slices < 240 * 12, "not Ready: {r}/{want}");
    }
    let events = s.sim().log().len();
    println!(
        "{pods} pods on {nodes} nodes Ready after {:.1} simulated s, {:.1} s wall, {events} events",
        s.sim().now().as_ms() as f64 / 1000.0,
        t.elapsed().as_secs_f64()
    );
    let session_heap = allocated();
    let log_heap = {
        let before = allocated();
        let copy = s.sim().log().to_vec();
        let after = allocated();
        drop(copy);
        after - before
    };
    let mut c = s.into_sim().into_cluster().expect("a cluster");
    let decisions = freed_by(std::mem::take(&mut c.decisions));
    let store = freed_by(std::mem::take(&mut c.store));
    let engines = freed_by(std::mem::take(&mut c.engines));
    let logs = freed_by(std::mem::take(&mut c.logs));
    let rest = freed_by(c);
    let whole = store + decisions + engines + logs + rest;
    println!(
        "live heap per pod: API store {} B, scheduling decisions {} B, node engines {} B, \
         container logs {} B, the rest {} B; whole cluster model {} B ({:.1} MiB); event log \
         {} B ({:.1} MiB)",
        store / pods,
        decisions / pods,
        engines / pods,
        logs / pods,
        rest / pods,
        whole / pods,
        mib(whole),
        log_heap / pods,
        mib(log_heap),
    );
    println!(
        "whole process heap at the end of the setup: {:.1} MiB (session with its checkpoints)",
        mib(session_heap)
    );
    match status_mib("VmHWM:") {
        Some(hwm) => println!(
            "peak RSS (VmHWM): {hwm:.1} MiB = {:.0} B per pod",
            hwm * 1024.0 * 1024.0 / pods as f64
        ),
        None => println!("peak RSS: not available (reads /proc/self/status, Linux only)"),
    }
}
