//! ImageLocality (plugins/imagelocality/image_locality.go).
//!
//! For each init container and container whose image (normalised: `:latest` added when there
//! is no tag) the node already has, add `int64(size × numNodesWithImage / totalNumNodes)`
//! (the spread scaling, in float64 as Go does it); clamp the sum to
//! [23 MiB, 1000 MiB × containers] and map it linearly onto 0..=100. No NormalizeScore.

use super::super::framework::MAX_NODE_SCORE;
use super::super::snapshot::{image_bit, NodeInfo};

const MB: i64 = 1024 * 1024;
/// `minThreshold`: below 23 MiB an image is as good as absent.
pub const MIN_THRESHOLD_BYTES: i64 = 23 * MB;
/// `maxContainerThreshold`: 1000 MiB per container.
pub const MAX_CONTAINER_THRESHOLD_BYTES: i64 = 1000 * MB;

/// `normalizedImageName`: add `:latest` when the last `:` is not after the last `/`.
pub fn normalized_image_name(name: &str) -> String {
    let colon = name.rfind(':').map(|i| i as i64).unwrap_or(-1);
    let slash = name.rfind('/').map(|i| i as i64).unwrap_or(-1);
    if colon <= slash {
        format!("{name}:latest")
    } else {
        name.to_owned()
    }
}

/// `scaledImageScore`.
pub fn scaled_image_score(size_bytes: u64, num_nodes: u32, total_num_nodes: usize) -> i64 {
    if total_num_nodes == 0 {
        return 0;
    }
    let spread = num_nodes as f64 / total_num_nodes as f64;
    (size_bytes as f64 * spread) as i64
}

/// `calculatePriority`.
pub fn calculate_priority(sum_scores: i64, num_containers: usize) -> i64 {
    let max_threshold = MAX_CONTAINER_THRESHOLD_BYTES * num_containers as i64;
    if max_threshold <= MIN_THRESHOLD_BYTES {
        return 0;
    }
    let clamped = sum_scores.clamp(MIN_THRESHOLD_BYTES, max_threshold);
    MAX_NODE_SCORE * (clamped - MIN_THRESHOLD_BYTES) / (max_threshold - MIN_THRESHOLD_BYTES)
}

/// Score: `image_ids` are the pod's containers' images as interned ids with the number of
/// nodes holding each (`None`: no node has it).
pub fn score(image_ids: &[Option<(u32, u32)>], total_num_nodes: usize, node: &NodeInfo) -> i64 {
    let pod_mask = image_ids
        .iter()
        .flatten()
        .fold(0, |m, (id, _)| m | image_bit(*id));
    score_masked(image_ids, pod_mask, total_num_nodes, node)
}

/// [`score`] with the pod's image mask computed once per cycle: a node sharing no bit with it
/// holds none of the pod's images (the sum is 0, so the score is 0).
pub fn score_masked(
    image_ids: &[Option<(u32, u32)>],
    pod_mask: u64,
    total_num_nodes: usize,
    node: &NodeInfo,
) -> i64 {
    if node.image_mask & pod_mask == 0 {
        return calculate_priority(0, image_ids.len());
    }
    let mut sum: i64 = 0;
    for (id, num_nodes) in image_ids.iter().flatten() {
        if let Ok(pos) = node.images.binary_search_by_key(id, |(i, _)| *i) {
            sum += scaled_image_score(node.images[pos].1, *num_nodes, total_num_nodes);
        }
    }
    calculate_priority(sum, image_ids.len())
}
