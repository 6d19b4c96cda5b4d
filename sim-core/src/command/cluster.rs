//! The `cluster` family: `cluster create` makes a Kubernetes cluster of N worker nodes.
//!
//! The cluster has no control-plane node: like a managed cluster (GKE, EKS, AKS), its control
//! plane (apiserver, scheduler, controllers) runs out of sight, and every node is a worker that
//! takes pods, so `--nodes 3` gives three places for pods. Each node's allocatable equals its
//! capacity (a simplification: real kubelets reserve some for the system). A second
//! `cluster create` fails as `kind create cluster` does when the cluster exists.

use super::{CommandSpec, Family, Invocation, Plan};
use crate::cluster::api::{
    ConditionStatus, IntOrString, Namespace, Node, NodeAddress, NodeCondition, NodeSystemInfo,
    Object, Protocol, Service, ServicePort, ServiceType,
};
use crate::cluster::quantity::Quantity;
use crate::cluster::state::{Cluster, CLUSTER_NAME, KUBELET_VERSION};
use crate::cluster::store::INITIAL_NAMESPACES;
use crate::error::{CommandError, Result};
use crate::event::{EventKind, ObjectRef};
use crate::limits;
use crate::sim::Sim;

/// The cluster family.
pub(super) const FAMILY: Family = Family {
    name: "cluster",
    commands: &[CommandSpec {
        name: "cluster",
        usage: "cluster create [--nodes N] [--cpu 4] [--memory 16Gi] [--pods 110]",
        summary: "create a Kubernetes cluster of N worker nodes (then use kubectl)",
        help: "cluster create makes nodes node-1..node-N (default 3), each Ready with --cpu cores \
               (default 4), --memory (default 16Gi) and room for --pods pods (default 110), \
               labelled kubernetes.io/hostname, kubernetes.io/os=linux and kubernetes.io/arch=amd64. \
               Allocatable equals capacity. There is no control-plane node: the control plane runs \
               out of sight, as in a managed cluster. Each node has its own image store: the \
               kubelet pulls images into it. At most 5000 nodes.",
        schedulable: true,
        handles_redirect: false,
        plan,
    }],
};

fn usage(message: impl Into<String>) -> CommandError {
    FAMILY.commands[0].usage_error(message)
}

/// The settings of `cluster create`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterConfig {
    /// Worker nodes.
    pub nodes: u32,
    /// CPU capacity of each node.
    pub cpu: Quantity,
    /// Memory capacity of each node.
    pub memory: Quantity,
    /// Pods each node may run.
    pub pods: i64,
}

fn plan(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    let args: Vec<&str> = inv.args.iter().map(String::as_str).collect();
    let Some((&"create", rest)) = args.split_first() else {
        return Err(usage(match args.first() {
            Some(sub) => format!("unknown subcommand \"{sub}\""),
            None => "missing subcommand".to_string(),
        }));
    };
    let mut config = ClusterConfig {
        nodes: 3,
        cpu: Quantity::from_value(4, crate::cluster::quantity::QuantityFormat::DecimalSi),
        memory: Quantity::from_value(16 << 30, crate::cluster::quantity::QuantityFormat::BinarySi),
        pods: 110,
    };
    let mut i = 0;
    while i < rest.len() {
        let (flag, inline) = match rest[i].split_once('=') {
            Some((f, v)) => (f, Some(v)),
            None => (rest[i], None),
        };
        if !matches!(flag, "--nodes" | "--cpu" | "--memory" | "--pods") {
            return Err(usage(format!("unknown flag \"{flag}\"")));
        }
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                *rest
                    .get(i)
                    .ok_or_else(|| usage(format!("flag {flag} needs a value")))?
            }
        };
        match flag {
            "--nodes" => {
                config.nodes = value
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=limits::MAX_NODES as u32).contains(n))
                    .ok_or_else(|| {
                        usage(format!(
                            "invalid --nodes \"{value}\": must be a whole number from 1 to {}",
                            limits::MAX_NODES
                        ))
                    })?
            }
            "--pods" => {
                config.pods = value
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=limits::MAX_PODS_PER_NODE).contains(n))
                    .ok_or_else(|| {
                        usage(format!(
                            "invalid --pods \"{value}\": must be a whole number from 1 to {}",
                            limits::MAX_PODS_PER_NODE
                        ))
                    })?
            }
            "--cpu" => {
                config.cpu = Quantity::parse(value)
                    .ok()
                    .filter(|q| q.milli_value() > 0 && q.value() <= 1024)
                    .ok_or_else(|| {
                        usage(format!(
                            "invalid --cpu \"{value}\": must be a quantity of cores above 0 and at most 1024 (4, 500m)"
                        ))
                    })?
            }
            _ => {
                config.memory = Quantity::parse(value)
                    .ok()
                    .filter(|q| q.value() >= 1 << 20 && q.value() <= 1 << 44 && q.is_whole())
                    .ok_or_else(|| {
                        usage(format!(
                            "invalid --memory \"{value}\": must be a whole number of bytes from 1Mi to 16Ti (16Gi, 512Mi)"
                        ))
                    })?
            }
        }
        i += 1;
    }
    if sim.cluster.is_some() {
        return Err(CommandError::Virt(format!(
            "ERROR: failed to create cluster: node(s) already exist for a cluster with the name \"{CLUSTER_NAME}\""
        )));
    }
    Ok(Plan::Effect(Box::new(move |sim, id| {
        create(sim, &config, id)
    })))
}

/// A Ready worker node `node-<i>`.
pub fn node(i: u32, config: &ClusterConfig) -> Node {
    let name = format!("node-{i}");
    let mut n = Node::named("", &name);
    for (k, v) in [
        ("kubernetes.io/hostname", name.as_str()),
        ("kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/os", "linux"),
        ("beta.kubernetes.io/arch", "amd64"),
    ] {
        n.metadata.labels.insert(k.into(), v.into());
    }
    n.spec.pod_cidr = format!("10.244.{}.0/24", i % 256);
    let mut capacity = crate::cluster::api::ResourceList::new();
    capacity.insert("cpu".into(), config.cpu);
    capacity.insert("memory".into(), config.memory);
    capacity.insert(
        "pods".into(),
        Quantity::from_value(
            config.pods,
            crate::cluster::quantity::QuantityFormat::DecimalSi,
        ),
    );
    n.status.allocatable = capacity.clone();
    n.status.capacity = capacity;
    n.status.conditions = vec![NodeCondition {
        type_: "Ready".into(),
        status: ConditionStatus::True,
        last_heartbeat_time: None,
        last_transition_time: None,
        reason: "KubeletReady".into(),
        message: "kubelet is posting ready status".into(),
    }];
    n.status.addresses = vec![
        NodeAddress {
            type_: "InternalIP".into(),
            address: format!("172.18.{}.{}", (i + 1) / 256, (i + 1) % 256),
        },
        NodeAddress {
            type_: "Hostname".into(),
            address: name.clone(),
        },
    ];
    n.status.node_info = Some(NodeSystemInfo {
        kernel_version: "6.8.0-45-generic".into(),
        os_image: "Debian GNU/Linux 12 (bookworm)".into(),
        container_runtime_version: "containerd://1.7.18".into(),
        kubelet_version: KUBELET_VERSION.into(),
        kube_proxy_version: KUBELET_VERSION.into(),
        operating_system: "linux".into(),
        architecture: "amd64".into(),
        ..Default::default()
    });
    n
}

fn create(sim: &mut Sim, config: &ClusterConfig, id: crate::event::EventId) -> String {
    let now = sim.now();
    let mut cluster = Cluster::default();
    for ns in INITIAL_NAMESPACES {
        let mut n = Namespace::named("", ns);
        n.status.phase = "Active".into();
        n.metadata
            .labels
            .insert("kubernetes.io/metadata.name".into(), ns.into());
        cluster.store.create(n.into(), now);
    }
    let mut svc = Service::named("default", "kubernetes");
    svc.metadata
        .labels
        .insert("component".into(), "apiserver".into());
    svc.metadata
        .labels
        .insert("provider".into(), "kubernetes".into());
    svc.spec.type_ = Some(ServiceType::ClusterIp);
    svc.spec.cluster_ip = "10.96.0.1".into();
    svc.spec.cluster_ips = vec!["10.96.0.1".into()];
    svc.spec.ports = vec![ServicePort {
        name: "https".into(),
        protocol: Some(Protocol::Tcp),
        port: 443,
        target_port: Some(IntOrString::Int(6443)),
        ..Default::default()
    }];
    cluster.store.create(Object::Service(Box::new(svc)), now);
    cluster.service_ips = 1;
    for i in 1..=config.nodes {
        let n = node(i, config);
        cluster
            .engines
            .insert(n.metadata.name.clone(), Default::default());
        cluster.store.create(n.into(), now);
    }
    sim.cluster = Some(Box::new(cluster));
    let text = format!(
        "Creating cluster \"{CLUSTER_NAME}\" ...\n ✓ {} node(s) Ready: node-1..node-{} ({} CPU, {} memory, {} pods each)\nSet kubectl context to \"kind-{CLUSTER_NAME}\"\n",
        config.nodes, config.nodes, config.cpu, config.memory, config.pods
    );
    sim.record(
        EventKind::ClusterCreated {
            nodes: config.nodes,
        },
        ObjectRef::new("cluster", CLUSTER_NAME),
        Some(id),
        format!(
            "cluster {CLUSTER_NAME} created: {} nodes of {} CPU, {} memory",
            config.nodes, config.cpu, config.memory
        ),
    );
    text
}
