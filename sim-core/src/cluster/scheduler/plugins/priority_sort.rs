//! PrioritySort (plugins/queuesort/priority_sort.go): the scheduling queue pops the pod with
//! the highest priority first, and among equal priorities the one queued earliest.

use std::cmp::Ordering;

use super::super::pod::PodToSchedule;

/// `Less`: `p1 > p2 || (p1 == p2 && t1.Before(t2))`.
pub fn less(a: &PodToSchedule, b: &PodToSchedule) -> bool {
    a.priority > b.priority || (a.priority == b.priority && a.queued_at_ms < b.queued_at_ms)
}

/// A total order for sorting a queue: [`less`], then namespace and name so that equal keys
/// never depend on insertion order.
pub fn queue_order(a: &PodToSchedule, b: &PodToSchedule) -> Ordering {
    b.priority
        .cmp(&a.priority)
        .then(a.queued_at_ms.cmp(&b.queued_at_ms))
        .then_with(|| a.namespace.cmp(&b.namespace))
        .then_with(|| a.name.cmp(&b.name))
}
