//! The garbage collector (pkg/controller/garbagecollector), background propagation: an object
//! whose owners are all gone is deleted; its own dependents follow on the next pass.

use std::collections::BTreeSet;

use super::{Change, Why};
use crate::cluster::store::{Key, Store};

/// One pass: every object with ownerReferences none of which exists any more.
pub fn sync(store: &Store) -> Vec<Change> {
    let uids: BTreeSet<&str> = store
        .all()
        .map(|(_, o)| o.metadata().uid.as_str())
        .collect();
    store
        .all()
        .filter(|(_, o)| {
            let m = o.metadata();
            !m.owner_references.is_empty()
                && m.deletion_timestamp.is_none()
                && m.owner_references
                    .iter()
                    .all(|r| !uids.contains(r.uid.as_str()))
        })
        .map(|(key, o)| {
            let owner = &o.metadata().owner_references[0];
            Change::Delete {
                key: Key::clone(key),
                why: Why::Note(format!(
                    "{} deleted by the garbage collector: its owner {} {} is gone",
                    o.display_name(),
                    owner.kind,
                    owner.name
                )),
            }
        })
        .collect()
}
