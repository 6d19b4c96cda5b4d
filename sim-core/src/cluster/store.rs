//! The API object store, as kube-apiserver's etcd holds it: objects by (kind, namespace, name) in
//! ordered maps, one resourceVersion counter for the whole store, deterministic uids, generation
//! bumped when a spec changes, creation and deletion timestamps in simulated time.
//!
//! The store only keeps objects; who may change them and what that triggers is
//! [`super::state`]'s business.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::api::{Object, ObjectKind, Timestamp};
use crate::shared::{Recent, Shared};
use crate::time::SimTime;

/// The namespaces every cluster starts with.
pub const INITIAL_NAMESPACES: [&str; 4] =
    ["default", "kube-node-lease", "kube-public", "kube-system"];

/// Where an object lives: kind, namespace (`""` for cluster-scoped kinds) and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Key {
    /// The kind.
    pub kind: ObjectKind,
    /// The namespace, empty for Nodes and Namespaces.
    pub namespace: String,
    /// The name.
    pub name: String,
}

impl Key {
    /// A key from its parts.
    pub fn new(kind: ObjectKind, namespace: &str, name: &str) -> Key {
        Key {
            kind,
            namespace: if kind.is_namespaced() {
                namespace.to_string()
            } else {
                String::new()
            },
            name: name.to_string(),
        }
    }

    /// The key of an object.
    pub fn of(object: &Object) -> Key {
        Key::new(
            object.kind(),
            object.namespace().unwrap_or(""),
            object.name(),
        )
    }

    /// `default/web` for namespaced objects, `node-1` for cluster-scoped ones.
    pub fn qualified_name(&self) -> String {
        if self.namespace.is_empty() {
            self.name.clone()
        } else {
            format!("{}/{}", self.namespace, self.name)
        }
    }

    /// How the event log names the object: `pod/web-abc` in `default`, `pod/ns/web-abc`
    /// elsewhere (`kind/name`, as `kubectl get kind/name` does, lowercase kind).
    pub fn object_ref(&self) -> crate::event::ObjectRef {
        let name = if self.namespace.is_empty() || self.namespace == "default" {
            self.name.clone()
        } else {
            format!("{}/{}", self.namespace, self.name)
        };
        crate::event::ObjectRef::new(&self.kind.as_str().to_ascii_lowercase(), name)
    }
}

/// The objects of one cluster.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Store {
    /// Each key is held once: the indexes below point at the same allocation.
    objects: BTreeMap<Shared<Key>, Object>,
    /// The last resourceVersion handed out (one counter for all objects, as etcd's revision).
    resource_version: u64,
    /// uids handed out so far: the next uid is a hash of this count.
    uids: u64,
    /// Counts the changes the scheduler's snapshot can see (see [`Store::scheduling_version`]).
    /// Derived from the changes, so not part of the state's fingerprint.
    #[serde(skip)]
    scheduling_version: u64,
    /// Objects by the uid of their controller (the ownerReference with `controller: true`), as
    /// the ReplicaSet controller's informer indexes pods: listing a ReplicaSet's pods then
    /// costs its own pods, not every pod of the namespace. Derived, so not fingerprinted.
    #[serde(skip)]
    by_controller: BTreeMap<String, std::collections::BTreeSet<Shared<Key>>>,
    /// Pods without a controller (orphans), which a ReplicaSet whose selector matches adopts
    /// (ControllerRefManager `ClaimPods`). Derived, so not fingerprinted.
    #[serde(skip)]
    orphan_pods: std::collections::BTreeSet<Shared<Key>>,
    /// Objects of each kind (by position in [`ObjectKind::ALL`]), so [`Store::count`] is O(1)
    /// (the web asks on every render). Derived, so not fingerprinted.
    #[serde(skip)]
    counts: [usize; ObjectKind::ALL.len()],
    /// The shared parts of the pods stored last, to hold equal ones once across pods that are
    /// not siblings. Not observable, so not fingerprinted.
    #[serde(skip)]
    recent: RecentParts,
}

/// The recently stored shared parts of pods, by kind of part (see [`Recent`]).
#[derive(Clone, Debug, Default)]
struct RecentParts {
    meta: Recent<super::api::ObjectMetaFields>,
    status: Recent<super::api::PodStatusFields>,
    conditions: Recent<super::api::PodConditionFields>,
    containers: Recent<super::api::ContainerStatusFields>,
}

impl RecentParts {
    /// Points pod `object`'s per-state parts (metadata, status, conditions, container
    /// statuses) at equal recent ones, or keeps them for the next pod.
    fn share(&mut self, object: &mut Object) {
        let Object::Pod(p) = object else {
            return;
        };
        p.metadata.share_common_from(&mut self.meta);
        p.status.share_common_from(&mut self.status);
        for c in p.status.conditions.iter_mut() {
            c.share_common_from(&mut self.conditions);
        }
        for c in p.status.container_statuses.iter_mut() {
            c.share_common_from(&mut self.containers);
        }
    }
}

/// `kind`'s position in [`ObjectKind::ALL`].
fn kind_slot(kind: ObjectKind) -> usize {
    ObjectKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or_default()
}

/// The uid of the object's controller, if it has one.
fn controller_uid(o: &Object) -> Option<&str> {
    o.metadata().controller_ref().map(|r| r.uid.as_str())
}

/// Makes the copy-on-write parts of pod `object` point at `like`'s where their values are
/// equal, so pods stamped from one template, and the versions of one pod, hold them once: the
/// shared parts of the pod (apiVersion, kind), its metadata, spec, status, conditions and
/// container statuses (see `split_struct!` in
/// [`super::api`]) and, when a spec's other fields differ, its containers and tolerations.
/// Values are unchanged; only memory is saved.
fn share_parts(object: &mut Object, like: &Object) {
    let (Object::Pod(p), Object::Pod(q)) = (object, like) else {
        return;
    };
    p.share_common(q);
    p.metadata.share_common(&q.metadata);
    if !p.spec.share_common(&q.spec) {
        p.spec.containers.share_if_equal(&q.spec.containers);
        p.spec.tolerations.share_if_equal(&q.spec.tolerations);
    }
    p.status.share_common(&q.status);
    for c in p.status.conditions.iter_mut() {
        if let Some(d) = q.status.conditions.iter().find(|d| d.type_ == c.type_) {
            c.share_common(d);
        }
    }
    for (c, d) in p
        .status
        .container_statuses
        .iter_mut()
        .zip(&q.status.container_statuses)
    {
        c.share_common(d);
    }
}

/// What a pod contributes to the scheduler's snapshot (`scheduling::snapshot`): nothing when
/// unbound or terminal, else its node and its `convert::bound_pod` projection.
fn scheduling_view(o: &Object) -> Option<(String, super::scheduler::BoundPod)> {
    let Object::Pod(p) = o else {
        return None;
    };
    let terminal = matches!(
        p.status.phase,
        Some(super::api::PodPhase::Succeeded) | Some(super::api::PodPhase::Failed)
    );
    (!p.spec.node_name.is_empty() && !terminal).then(|| {
        (
            p.spec.node_name.clone(),
            super::scheduler::convert::bound_pod(p),
        )
    })
}

/// Whether replacing `old` by `new` can change the scheduler's snapshot: any Node change, a
/// pod whose binding, terminal phase or `bound_pod` projection differs.
fn scheduling_relevant(old: &Object, new: &Object) -> bool {
    match (old, new) {
        (Object::Node(_), _) => true,
        (Object::Pod(_), Object::Pod(_)) => scheduling_view(old) != scheduling_view(new),
        _ => false,
    }
}

/// The generation a new object of `kind` starts at: 1, bumped on every spec change, except
/// Pods, which kube-apiserver before 1.33 leaves without one (0, not shown;
/// `PodObservedGenerationTracking` started setting it in 1.33, kubernetes#130181), and whose
/// binding goes through the `binding` subresource anyway.
fn first_generation(kind: ObjectKind) -> i64 {
    if kind == ObjectKind::Pod {
        0
    } else {
        1
    }
}

impl Store {
    /// Another object with `object`'s controller (a sibling pod of one ReplicaSet), if any.
    fn sibling(&self, key: &Key, object: &Object) -> Option<&Object> {
        controller_uid(object)
            .and_then(|uid| self.by_controller.get(uid))
            .and_then(|keys| keys.iter().find(|k| ***k != *key))
            .and_then(|k| self.objects.get(k))
    }

    /// The store's own copy of `key`, shared (for maps keyed like the store that should not
    /// hold the key twice); a copy of its own when the store has no such object.
    pub fn shared_key(&self, key: &Key) -> Shared<Key> {
        self.objects
            .get_key_value(key)
            .map_or_else(|| Shared::new(key.clone()), |(k, _)| k.clone())
    }

    /// The object at `key`.
    pub fn get(&self, key: &Key) -> Option<&Object> {
        self.objects.get(key)
    }

    /// Objects of `kind` in `namespace` (`None`: every namespace), in key order.
    pub fn list(&self, kind: ObjectKind, namespace: Option<&str>) -> impl Iterator<Item = &Object> {
        let ns = namespace.map(str::to_string);
        self.objects
            .range::<Key, _>(Key::new(kind, "", "")..)
            .take_while(move |(k, _)| k.kind == kind)
            .filter(move |(k, _)| ns.as_deref().is_none_or(|n| k.namespace == n))
            .map(|(_, o)| o)
    }

    /// Objects whose controller has `uid`, in key order (the same order as [`Store::list`]).
    /// A controller that owns a large share of its objects' kind (a ReplicaSet of most of the
    /// cluster's pods) is served by one ordered walk of that stretch of the store, merged with
    /// its index entries, instead of a tree search per object.
    pub fn controlled_by<'a>(&'a self, uid: &str) -> Vec<&'a Object> {
        let Some(keys) = self.by_controller.get(uid) else {
            return Vec::new();
        };
        let (Some(first), Some(last)) = (keys.first(), keys.last()) else {
            return Vec::new();
        };
        if keys.len() * 8 < self.counts[kind_slot(first.kind)] {
            return keys
                .iter()
                .filter_map(|k| self.objects.get::<Key>(k))
                .collect();
        }
        let mut wanted = keys.iter().peekable();
        let mut out = Vec::with_capacity(keys.len());
        for (k, o) in self.objects.range::<Key, _>(&**first..=&**last) {
            if wanted.peek() == Some(&k) {
                wanted.next();
                out.push(o);
            }
        }
        out
    }

    /// Pods in `namespace` without a controller ownerReference, in key order.
    pub fn orphan_pods<'a>(&'a self, namespace: &'a str) -> impl Iterator<Item = &'a Object> + 'a {
        self.orphan_pods
            .range::<Key, _>(Key::new(ObjectKind::Pod, namespace, "")..)
            .take_while(move |k| k.kind == ObjectKind::Pod && k.namespace == namespace)
            .filter_map(|k| self.objects.get::<Key>(k))
    }

    fn index(&mut self, key: &Shared<Key>, object: &Object) {
        self.counts[kind_slot(key.kind)] += 1;
        if let Some(uid) = controller_uid(object) {
            self.by_controller
                .entry(uid.to_string())
                .or_default()
                .insert(key.clone());
        } else if object.kind() == ObjectKind::Pod {
            self.orphan_pods.insert(key.clone());
        }
    }

    fn unindex(&mut self, key: &Key, object: &Object) {
        let slot = &mut self.counts[kind_slot(key.kind)];
        *slot = slot.saturating_sub(1);
        if controller_uid(object).is_none() {
            self.orphan_pods.remove(key);
        }
        if let Some(uid) = controller_uid(object) {
            if let Some(set) = self.by_controller.get_mut(uid) {
                set.remove(key);
                if set.is_empty() {
                    self.by_controller.remove(uid);
                }
            }
        }
    }

    /// Number of objects of `kind` (kept as objects come and go: O(1)).
    pub fn count(&self, kind: ObjectKind) -> usize {
        self.counts[kind_slot(kind)]
    }

    /// Every object, in key order.
    pub fn all(&self) -> impl Iterator<Item = (&Key, &Object)> {
        self.objects.iter().map(|(k, o)| (&**k, o))
    }

    /// The last resourceVersion handed out.
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    /// A counter that moves whenever a change could alter the scheduler's snapshot: a Node
    /// created, changed or removed, a bound pod created, removed, ended, relabelled, marked
    /// for deletion or resized, a pod bound. Pod status updates that do none of that (readiness, container
    /// states, every kubelet write) leave it alone, so the snapshot of one scheduling cycle
    /// stays valid for the next across them.
    pub fn scheduling_version(&self) -> u64 {
        self.scheduling_version
    }

    /// A deterministic uid in UUID form: a hash of how many uids came before, so replaying the
    /// same inputs gives the same uids.
    fn next_uid(&mut self) -> String {
        self.uids += 1;
        let hash = Sha256::digest(format!("kube-sandbox uid {}", self.uids).as_bytes());
        let h = crate::sim::hex(&hash[..16]);
        // Version 4 / variant 1 bits set, so the text reads as an ordinary UUID.
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }

    fn bump(&mut self) -> String {
        self.resource_version += 1;
        self.resource_version.to_string()
    }

    /// Stores a new object: sets uid, resourceVersion, generation 1 and creationTimestamp.
    /// Returns its key. An object already at that key is replaced (callers check first).
    pub fn create(&mut self, mut object: Object, now: SimTime) -> Key {
        object.set_type_meta();
        let uid = self.next_uid();
        let rv = self.bump();
        let generation = first_generation(object.kind());
        let m = object.metadata_mut();
        m.uid = uid;
        m.resource_version = rv;
        m.creation_timestamp = Some(Timestamp::at(now));
        // Written only when different: a write copies the part pods share.
        if m.generation != generation || m.deletion_timestamp.is_some() {
            m.generation = generation;
            m.deletion_timestamp = None;
        }
        if object.kind() == ObjectKind::Node || scheduling_view(&object).is_some() {
            self.scheduling_version += 1;
        }
        let key = Shared::new(Key::of(&object));
        if let Some(old) = self.objects.get::<Key>(&key).cloned() {
            self.unindex(&key, &old);
        }
        // A pod of a ReplicaSet holds what its siblings hold in common once, with them.
        if let Some(sibling) = self.sibling(&key, &object) {
            share_parts(&mut object, sibling);
        }
        self.recent.share(&mut object);
        self.index(&key, &object);
        self.objects.remove::<Key>(&key);
        self.objects.insert(key.clone(), object);
        key.into_inner()
    }

    /// Replaces an existing object, keeping its identity (uid, creationTimestamp): bumps the
    /// resourceVersion, and the generation when the spec differs. Returns false (and changes
    /// nothing) when there is no such object.
    pub fn update(&mut self, mut object: Object) -> bool {
        let key = Key::of(&object);
        let Some(old) = self.objects.get(&key) else {
            return false;
        };
        let spec_changed = spec_differs(old, &object);
        if scheduling_relevant(old, &object) {
            self.scheduling_version += 1;
        }
        let old_meta = old.metadata().clone();
        object.set_type_meta();
        let rv = self.bump();
        let bumps = first_generation(object.kind()) > 0;
        let generation = old_meta.generation + i64::from(spec_changed && bumps);
        let m = object.metadata_mut();
        m.uid = old_meta.uid;
        m.creation_timestamp = old_meta.creation_timestamp;
        m.resource_version = rv;
        if m.generation != generation {
            m.generation = generation;
        }
        if let Some(old) = self.objects.get(&key) {
            // Unchanged parts stay shared with the previous version; a changed part that
            // another pod already holds is found by `recent` below.
            share_parts(&mut object, old);
            let (shared_key, old) = self.objects.get_key_value(&key).expect("looked up above");
            if controller_uid(old) != controller_uid(&object) {
                let (shared_key, old) = (shared_key.clone(), old.clone());
                self.unindex(&key, &old);
                self.index(&shared_key, &object);
            }
        }
        self.recent.share(&mut object);
        if let Some(slot) = self.objects.get_mut(&key) {
            *slot = object;
        }
        true
    }

    /// Removes an object for good; returns it.
    pub fn remove(&mut self, key: &Key) -> Option<Object> {
        let removed = self.objects.remove(key);
        if let Some(o) = &removed {
            self.unindex(key, o);
            self.resource_version += 1;
            if o.kind() == ObjectKind::Node || scheduling_view(o).is_some() {
                self.scheduling_version += 1;
            }
        }
        removed
    }

    /// The object whose uid is `uid`, if any (owner lookups).
    pub fn by_uid(&self, uid: &str) -> Option<&Object> {
        self.objects.values().find(|o| o.metadata().uid == uid)
    }
}

/// Whether the spec differs (the generation rule). Typed comparison: this runs on every
/// update (each kubelet status write), where serialising both objects cost a tenth of a
/// large failover's time. Kinds without a spec compare everything but metadata, as
/// [`spec_json`] does (kept as the definition, and checked against in the tests).
fn spec_differs(old: &Object, new: &Object) -> bool {
    match (old, new) {
        (Object::Namespace(a), Object::Namespace(b)) => a.spec != b.spec,
        (Object::Node(a), Object::Node(b)) => a.spec != b.spec,
        (Object::Pod(a), Object::Pod(b)) => a.spec != b.spec,
        (Object::ReplicaSet(a), Object::ReplicaSet(b)) => a.spec != b.spec,
        (Object::Deployment(a), Object::Deployment(b)) => a.spec != b.spec,
        (Object::Service(a), Object::Service(b)) => a.spec != b.spec,
        (Object::EndpointSlice(a), Object::EndpointSlice(b)) => {
            (&a.address_type, &a.endpoints, &a.ports) != (&b.address_type, &b.endpoints, &b.ports)
        }
        _ => spec_json(old) != spec_json(new),
    }
}

/// The spec of an object as JSON, for "did the spec change" (the generation rule).
fn spec_json(object: &Object) -> String {
    let value = serde_json::to_value(object).unwrap_or_default();
    match value.get("spec") {
        Some(spec) => spec.to_string(),
        // Kinds without a spec: everything but metadata and status.
        None => {
            let mut v = value;
            if let Some(map) = v.as_object_mut() {
                map.remove("metadata");
                map.remove("status");
            }
            v.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::api::{Deployment, Pod};

    #[test]
    fn the_controller_index_follows_creates_orphaning_and_removals() {
        use crate::cluster::api::{OwnerReference, Pod};
        let mut st = Store::default();
        let owned = |name: &str, uid: &str| {
            let mut p = Pod::named("default", name);
            p.metadata.owner_references.push(OwnerReference {
                api_version: "apps/v1".into(),
                kind: "ReplicaSet".into(),
                name: "rs".into(),
                uid: uid.into(),
                controller: Some(true),
                block_owner_deletion: Some(true),
            });
            Object::from(p)
        };
        let scan = |st: &Store, uid: &str| -> Vec<String> {
            st.list(ObjectKind::Pod, None)
                .filter(|o| o.metadata().controller_ref().is_some_and(|r| r.uid == uid))
                .map(|o| o.name().to_string())
                .collect()
        };
        let index = |st: &Store, uid: &str| -> Vec<String> {
            st.controlled_by(uid)
                .into_iter()
                .map(|o| o.name().to_string())
                .collect()
        };
        for (name, uid) in [("c", "u1"), ("a", "u1"), ("b", "u2"), ("d", "u1")] {
            st.create(owned(name, uid), SimTime(0));
        }
        assert_eq!(index(&st, "u1"), ["a", "c", "d"]);
        assert_eq!(index(&st, "u1"), scan(&st, "u1"));
        // A small owner among many pods is served by lookups, a large one by the walk.
        let mut many = st.clone();
        for i in 0..40 {
            many.create(owned(&format!("z{i:02}"), "u9"), SimTime(0));
        }
        for uid in ["u1", "u2", "u9"] {
            assert_eq!(index(&many, uid), scan(&many, uid), "{uid}");
        }
        assert_eq!(index(&many, "u9").len(), 40);
        // Orphaned (the garbage collector's release), then adopted by another owner.
        let mut a = st
            .get(&Key::new(ObjectKind::Pod, "default", "a"))
            .unwrap()
            .clone();
        a.metadata_mut().owner_references.clear();
        st.update(a.clone());
        assert_eq!(index(&st, "u1"), ["c", "d"]);
        let adopted = owned("a", "u2");
        let mut a2 = a;
        a2.metadata_mut().owner_references = adopted.metadata().owner_references.clone();
        st.update(a2);
        assert_eq!(index(&st, "u2"), ["a", "b"]);
        st.remove(&Key::new(ObjectKind::Pod, "default", "d"));
        for uid in ["u1", "u2", "u3"] {
            assert_eq!(index(&st, uid), scan(&st, uid), "{uid}");
        }
    }

    #[test]
    fn the_typed_spec_comparison_agrees_with_the_json_one() {
        let d = Deployment::named("default", "web");
        let a: Object = d.clone().into();
        let mut b = a.clone();
        assert_eq!(spec_differs(&a, &b), spec_json(&a) != spec_json(&b));
        if let Object::Deployment(d) = &mut b {
            d.spec.replicas = Some(3);
        }
        assert!(spec_differs(&a, &b));
        assert_eq!(spec_differs(&a, &b), spec_json(&a) != spec_json(&b));
        let mut c = a.clone();
        c.metadata_mut().labels.insert("x".into(), "y".into());
        assert!(!spec_differs(&a, &c));
        assert_eq!(spec_differs(&a, &c), spec_json(&a) != spec_json(&c));
    }

    #[test]
    fn uids_and_resource_versions_are_deterministic_and_generation_follows_the_spec() {
        let mut a = Store::default();
        let mut b = Store::default();
        let d = Deployment::named("default", "web");
        let ka = a.create(d.clone().into(), SimTime(5));
        b.create(d.into(), SimTime(5));
        let ua = a.get(&ka).unwrap().metadata().uid.clone();
        assert_eq!(ua, b.get(&ka).unwrap().metadata().uid);
        assert_eq!(ua.len(), 36);
        let mut changed = a.get(&ka).unwrap().clone();
        if let Object::Deployment(d) = &mut changed {
            d.spec.replicas = Some(3);
        }
        assert!(a.update(changed.clone()));
        assert_eq!(a.get(&ka).unwrap().metadata().generation, 2);
        changed.metadata_mut().labels.insert("x".into(), "y".into());
        assert!(a.update(changed));
        let m = a.get(&ka).unwrap().metadata();
        assert_eq!(m.generation, 2);
        assert_eq!(m.resource_version, "3");
        assert_eq!(m.uid, ua);
    }

    #[test]
    fn a_pod_has_no_generation_even_when_its_spec_changes_as_before_kubernetes_1_33() {
        let mut s = Store::default();
        let k = s.create(Pod::named("default", "p").into(), SimTime(0));
        let mut bound = s.get(&k).unwrap().clone();
        if let Object::Pod(p) = &mut bound {
            p.spec.node_name = "node-1".into();
        }
        assert!(s.update(bound));
        assert_eq!(s.get(&k).unwrap().metadata().generation, 0);
        let json = serde_json::to_string(s.get(&k).unwrap()).unwrap();
        assert!(!json.contains("generation"), "{json}");
    }
}
