//! The default plugins, one file each, as in pkg/scheduler/framework/plugins/.
//!
//! Each file holds the plugin's Filter and/or Score (and PreFilter/PreScore/NormalizeScore where
//! it has them) as plain functions over the cycle's precomputed state and one [`NodeInfo`].
//!
//! [`NodeInfo`]: super::snapshot::NodeInfo

pub mod image_locality;
pub mod node_affinity;
pub mod node_name;
pub mod node_resources_balanced_allocation;
pub mod node_resources_fit;
pub mod node_unschedulable;
pub mod pod_topology_spread;
pub mod priority_sort;
pub mod taint_toleration;
