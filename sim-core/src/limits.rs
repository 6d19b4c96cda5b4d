//! Limits on everything a user can make the simulation hold or do. Each is stated in the error
//! that enforces it.

/// Longest accepted input line, in bytes (64 KiB).
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// Largest workspace file, in bytes (1 MiB).
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// Most lines in one script.
pub const MAX_SCRIPT_LINES: usize = 10_000;
/// Most bytes the workspace's binary files (image archives) hold together (256 MiB).
pub const MAX_BINARY_BYTES: usize = 256 * 1024 * 1024;
/// Most files the workspace holds.
pub const MAX_FILES: usize = 1_000;
/// Most actions waiting in the event queue.
pub const MAX_SCHEDULED: usize = 100_000;
/// Most instants one `step N` may process.
pub const MAX_STEPS: u64 = 100_000;
/// Most entries kept in the command history.
pub const MAX_HISTORY: usize = 10_000;
/// Most VMs one host holds.
pub const MAX_VMS: usize = 256;
/// Most cores `host set --cores` accepts.
pub const MAX_HOST_CORES: u32 = 1024;
/// Most memory `host set --memory` accepts (16 TiB).
pub const MAX_HOST_MEMORY_BYTES: u64 = 16 * 1024 * 1024 * 1024 * 1024;
/// Most disk `host set --disk` accepts (1024 TiB).
pub const MAX_HOST_DISK_BYTES: u64 = 1024 * 1024 * 1024 * 1024 * 1024;
/// Most instances of one kind `host density --max` may start in its experiment.
pub const MAX_DENSITY_INSTANCES: u64 = 1_000_000;
/// Most nodes a cluster holds (Kubernetes' tested scale limit, sig-scalability thresholds).
pub const MAX_NODES: usize = 5_000;
/// Most pods a cluster holds (Kubernetes' tested scale limit).
pub const MAX_PODS: usize = 150_000;
/// Most pods a node's `--pods` may allow.
pub const MAX_PODS_PER_NODE: i64 = 1_000;
/// Most objects one `kubectl apply` may hold.
pub const MAX_APPLY_OBJECTS: usize = 500;
/// Most replicas one Deployment or ReplicaSet may ask for.
pub const MAX_REPLICAS: i32 = 150_000;
