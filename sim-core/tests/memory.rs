//! How much memory the cluster model keeps per pod, measured with a counting allocator: the
//! heap a deep copy of each part allocates (a clone allocates exactly what the part owns, map
//! nodes included), divided by the number of pods. The budget is 1 KiB of model state
//! per pod; this test prints the figures for the note and guards each part against growing
//! past the bound written here (a regression guard, not the budget — see the note).
//!
//! One test in this binary: the allocator's counter is global, and parallel tests would add to
//! each other's counts.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use sim_core::{Session, SimConfig};

struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator and only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same layout, passed through.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        ALLOCATED.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the pointer came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Bytes a deep copy of `value` allocates (plus its own inline size).
fn heap_of<T: Clone>(value: &T) -> usize {
    let before = ALLOCATED.load(Ordering::Relaxed);
    let copy = value.clone();
    let after = ALLOCATED.load(Ordering::Relaxed);
    drop(copy);
    after.saturating_sub(before) + std::mem::size_of::<T>()
}

const PODS: usize = 2_000;

#[test]
fn the_cluster_model_per_pod_stays_flat_and_old_decisions_keep_only_their_summary() {
    let mut s = Session::new(SimConfig { seed: 3 });
    let script = format!(
        "cluster create --nodes 20 --cpu 64 --memory 256Gi\n\
         kubectl create deployment web --image=nginx:1.27-alpine --replicas={PODS}\n\
         run 3m\n\
         kubectl get deployment web"
    );
    let out: Vec<String> = s.submit(&script).into_iter().map(|e| e.output).collect();
    assert!(
        out.last()
            .is_some_and(|o| o.contains(&format!("{PODS}/{PODS}"))),
        "not all Ready: {out:?}"
    );
    let c = s.sim().cluster().expect("a cluster");
    let per_pod = |bytes: usize| bytes / PODS;
    let store = per_pod(heap_of(&c.store));
    let decisions = per_pod(heap_of(&c.decisions));
    let scheduler = per_pod(heap_of(&c.scheduler));
    let whole = per_pod(heap_of(c));
    let log = per_pod(heap_of(&s.sim().log().to_vec()));
    println!(
        "per pod ({PODS} pods on 20 nodes): API store {store} B, scheduling decisions \
         {decisions} B, scheduler state {scheduler} B, whole cluster model {whole} B; \
         event log {log} B"
    );
    // Regression guards at the figures measured when this test was written (+25 %).
    assert!(store <= 6_100, "store {store} B/pod");
    assert!(decisions <= 3_800, "decisions {decisions} B/pod");
    assert!(whole <= 9_000, "cluster {whole} B/pod");

    // Only the most recent decisions keep their per-node tables; `explain-schedule` says so
    // for an older one and still gives its summary.
    let full = sim_core::cluster::state::FULL_DECISIONS;
    let (detailed, summarized): (Vec<_>, Vec<_>) =
        c.decisions.iter().partition(|(_, d)| !d.nodes.is_empty());
    assert_eq!(detailed.len(), full);
    assert_eq!(summarized.len(), PODS - full);
    let summary = heap_of(summarized[0].1);
    let detail = heap_of(detailed[0].1);
    println!("one decision: {detail} B with per-node details (20 nodes), {summary} B summarized");
    assert!(summary <= 400, "summarized decision {summary} B");
    let old = summarized[0].0.name.clone();
    let new = detailed[0].0.name.clone();
    let out = s.submit(&format!("explain-schedule {old}\nexplain-schedule {new}"));
    assert!(
        out[0].output.contains("most recent scheduling decisions"),
        "{}",
        out[0].output
    );
    assert!(
        out[0].output.contains("Selected: node-"),
        "{}",
        out[0].output
    );
    assert!(out[1].output.contains("NODE"), "{}", out[1].output);
    assert!(
        !out[1].output.contains("most recent scheduling"),
        "{}",
        out[1].output
    );
}
