//! The object graph for the browser: Deployments → ReplicaSets → Pods → Nodes, from the
//! controller owner references and each pod's binding. Plain data: petgraph builds the graph,
//! the result lists its vertices column by column (name order within a column) and its edges
//! as index pairs. Read-only; built from the store on demand.

use std::collections::BTreeMap;

use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use super::api::{ConditionStatus, Object, ObjectKind};
use super::state::Cluster;
use super::view::pod_status;

/// A vertex's kind, which is also its column (left to right).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum GraphKind {
    /// A Deployment.
    Deployment,
    /// A ReplicaSet.
    ReplicaSet,
    /// A Pod.
    Pod,
    /// A Node.
    Node,
}

impl GraphKind {
    /// The column, from 0 (Deployments) to 3 (Nodes).
    pub fn column(self) -> usize {
        self as usize
    }
}

/// One vertex.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GraphVertex {
    /// Its kind (and column).
    pub kind: GraphKind,
    /// Namespace (empty for nodes).
    pub namespace: String,
    /// Name.
    pub name: String,
    /// A pod's kubectl STATUS; `ready/desired` for a Deployment or ReplicaSet; `Ready` or
    /// `NotReady` for a node.
    pub status: String,
    /// A pod's or node's Ready condition; for a workload, whether every desired replica is ready.
    pub ready: bool,
}

/// The whole graph.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ObjectGraph {
    /// Vertices, column by column, by namespace and name within a column.
    pub vertices: Vec<GraphVertex>,
    /// Edges `(owner or pod, owned or node)` as indexes into `vertices`.
    pub edges: Vec<(usize, usize)>,
}

fn ready(conditions: impl IntoIterator<Item = (String, ConditionStatus)>) -> bool {
    conditions
        .into_iter()
        .any(|(t, s)| t == "Ready" && s == ConditionStatus::True)
}

/// The object graph of the cluster.
pub fn object_graph(c: &Cluster) -> ObjectGraph {
    let mut g: DiGraph<GraphVertex, ()> = DiGraph::new();
    let mut index: BTreeMap<(GraphKind, String, String), NodeIndex> = BTreeMap::new();
    let mut add = |g: &mut DiGraph<GraphVertex, ()>, v: GraphVertex| {
        let key = (v.kind, v.namespace.clone(), v.name.clone());
        let i = g.add_node(v);
        index.insert(key, i);
    };
    for o in c.store.list(ObjectKind::Deployment, None) {
        let Object::Deployment(d) = o else { continue };
        let desired = d.spec.replicas.unwrap_or(1);
        add(
            &mut g,
            GraphVertex {
                kind: GraphKind::Deployment,
                namespace: d.metadata.namespace.clone(),
                name: d.metadata.name.clone(),
                status: format!("{}/{desired}", d.status.ready_replicas),
                ready: d.status.ready_replicas == desired,
            },
        );
    }
    for o in c.store.list(ObjectKind::ReplicaSet, None) {
        let Object::ReplicaSet(rs) = o else { continue };
        let desired = rs.spec.replicas.unwrap_or(1);
        add(
            &mut g,
            GraphVertex {
                kind: GraphKind::ReplicaSet,
                namespace: rs.metadata.namespace.clone(),
                name: rs.metadata.name.clone(),
                status: format!("{}/{desired}", rs.status.ready_replicas),
                ready: rs.status.ready_replicas == desired,
            },
        );
    }
    for o in c.store.list(ObjectKind::Pod, None) {
        let Object::Pod(p) = o else { continue };
        add(
            &mut g,
            GraphVertex {
                kind: GraphKind::Pod,
                namespace: p.metadata.namespace.clone(),
                name: p.metadata.name.clone(),
                status: pod_status(p),
                ready: ready(
                    p.status
                        .conditions
                        .iter()
                        .map(|c| (c.type_.clone(), c.status.clone())),
                ),
            },
        );
    }
    for o in c.store.list(ObjectKind::Node, None) {
        let Object::Node(n) = o else { continue };
        let is_ready = ready(
            n.status
                .conditions
                .iter()
                .map(|c| (c.type_.clone(), c.status.clone())),
        );
        add(
            &mut g,
            GraphVertex {
                kind: GraphKind::Node,
                namespace: String::new(),
                name: n.metadata.name.clone(),
                status: if is_ready { "Ready" } else { "NotReady" }.into(),
                ready: is_ready,
            },
        );
    }
    let owner = |o: &Object, kind: &str| {
        o.metadata()
            .controller_ref()
            .filter(|r| r.kind == kind)
            .map(|r| r.name.clone())
    };
    for o in c.store.list(ObjectKind::ReplicaSet, None) {
        let ns = o.namespace().unwrap_or("").to_string();
        if let Some(d) = owner(o, "Deployment") {
            let from = index.get(&(GraphKind::Deployment, ns.clone(), d));
            let to = index.get(&(GraphKind::ReplicaSet, ns, o.name().to_string()));
            if let (Some(&a), Some(&b)) = (from, to) {
                g.add_edge(a, b, ());
            }
        }
    }
    for o in c.store.list(ObjectKind::Pod, None) {
        let Object::Pod(p) = o else { continue };
        let ns = p.metadata.namespace.clone();
        let me = index
            .get(&(GraphKind::Pod, ns.clone(), p.metadata.name.clone()))
            .copied();
        if let Some(rs) = owner(o, "ReplicaSet") {
            if let (Some(&a), Some(b)) = (index.get(&(GraphKind::ReplicaSet, ns, rs)), me) {
                g.add_edge(a, b, ());
            }
        }
        if !p.spec.node_name.is_empty() {
            let node = index.get(&(GraphKind::Node, String::new(), p.spec.node_name.clone()));
            if let (Some(a), Some(&b)) = (me, node) {
                g.add_edge(a, b, ());
            }
        }
    }
    let edges = g
        .edge_indices()
        .filter_map(|e| g.edge_endpoints(e))
        .map(|(a, b)| (a.index(), b.index()))
        .collect();
    let (nodes, _) = g.into_nodes_edges();
    ObjectGraph {
        vertices: nodes.into_iter().map(|n| n.weight).collect(),
        edges,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Session, SimConfig};

    #[test]
    fn a_deployment_links_to_its_replicaset_pods_and_their_nodes() {
        let mut s = Session::new(SimConfig::default());
        for e in s.submit(
            "cluster create --nodes 2\nkubectl create deployment web --image=nginx:1.27-alpine --replicas=3\nrun 30s\n",
        ) {
            assert!(e.error.is_none(), "{}: {:?}", e.command, e.error);
        }
        let g = object_graph(s.sim().cluster().unwrap());
        let count = |k: GraphKind| g.vertices.iter().filter(|v| v.kind == k).count();
        assert_eq!(count(GraphKind::Deployment), 1);
        assert_eq!(count(GraphKind::ReplicaSet), 1);
        assert_eq!(count(GraphKind::Pod), 3);
        assert_eq!(count(GraphKind::Node), 2);
        // Column order, and one edge per ownership and per binding.
        assert!(g.vertices.windows(2).all(|w| w[0].kind <= w[1].kind));
        assert_eq!(g.edges.len(), 1 + 3 + 3);
        for &(a, b) in &g.edges {
            assert_eq!(g.vertices[a].kind.column() + 1, g.vertices[b].kind.column());
        }
        assert_eq!(g.vertices[0].status, "3/3");
        assert!(g.vertices.iter().all(|v| v.ready));
    }
}
