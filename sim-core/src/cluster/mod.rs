//! The Kubernetes cluster model: the API subset (typed objects, strict YAML decoding, validation
//! and defaulting as kube-apiserver does them), and the parts that act on it.
//!
//! The API libraries (`api`, `quantity`, `selector`, `manifest`, `yaml_emit`, `validate`,
//! `defaults`), the
//! scheduler (`scheduler`) and the controllers (`controllers`) are pure: plain data in, plain
//! data or error values out. `state`, `scheduling` and `kubelet` apply their results to the `Sim`
//! (the store, each node's engine, the queue) and record every change as an event.

pub mod api;
pub mod controllers;
pub mod defaults;
pub mod failure;
pub mod faults;
pub mod fleet;
pub mod graph;
pub mod kubelet;
pub mod manifest;
pub mod nodelifecycle;
pub mod noexecute;
pub mod pod_logs;
pub mod quantity;
pub mod scheduler;
pub mod scheduling;
pub mod selector;
pub mod small_map;
pub mod state;
pub mod store;
pub mod traffic;
pub mod validate;
pub mod view;
pub mod workload;
pub mod yaml_emit;
