//! The scheduler's 150,000-pod workload (issue #5) compiled to wasm, for `cargo xtask bench-wasm`.
//!
//! It runs exactly what the native criterion bench runs
//! (`sim_core::cluster::scheduler::bench_workload`, the `adaptive_sampling` variant) and reads no
//! clock: the JS driver times each [`Workload::run`] with `performance.now()`. As in the native
//! bench, building the cluster and copying it for a run are not timed; the placement hash is
//! returned so the driver can check the placements equal the native ones.
#![warn(missing_docs)]

use sim_core::cluster::scheduler::bench_workload::{
    cluster, pods, schedule_all, ADAPTIVE_SAMPLING, PODS,
};
use sim_core::cluster::scheduler::{PodToSchedule, Snapshot};
use wasm_bindgen::prelude::wasm_bindgen;

/// The empty 5,000-node cluster, the 150,000 pods, and the copy of the cluster the next run
/// schedules onto.
#[wasm_bindgen]
pub struct Workload {
    empty: Snapshot,
    pods: Vec<PodToSchedule>,
    next: Option<Snapshot>,
}

#[wasm_bindgen]
impl Workload {
    /// Builds the cluster and the pods (untimed).
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)] // a JS constructor; `Default` means nothing there
    pub fn new() -> Workload {
        Workload {
            empty: cluster(),
            pods: pods(PODS, ADAPTIVE_SAMPLING.owned),
            next: None,
        }
    }

    /// Copies the empty cluster for the next [`Workload::run`] (untimed, as criterion's setup).
    pub fn prepare(&mut self) {
        self.next = Some(self.empty.clone());
    }

    /// Schedules and binds every pod onto the prepared copy (or a fresh one if none was
    /// prepared); returns the placement hash as `0x` and 16 hex digits.
    pub fn run(&mut self) -> String {
        let snapshot = self.next.take().unwrap_or_else(|| self.empty.clone());
        let hash = schedule_all(
            snapshot,
            &self.pods,
            ADAPTIVE_SAMPLING.percentage_of_nodes_to_score,
        );
        hex(hash)
    }

    /// The hash the native bench asserts for this workload, formatted as [`Workload::run`]'s.
    pub fn expected_hash() -> String {
        hex(ADAPTIVE_SAMPLING.expected_hash)
    }
}

fn hex(hash: u64) -> String {
    format!("{hash:#018x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_0x_and_16_hex_digits() {
        assert_eq!(hex(0xe930_c57f_43ab_8494), "0xe930c57f43ab8494");
        assert_eq!(hex(1), "0x0000000000000001");
    }
}
