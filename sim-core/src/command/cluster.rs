//! The `cluster` family: `cluster create` makes a Kubernetes cluster of N worker nodes,
//! `cluster create --profile local|onprem|cloud` one shaped like where clusters run,
//! `cluster profiles` lists the profiles and `cluster delete` removes the cluster.
//!
//! Without a profile the cluster has no control-plane node: like a managed cluster (GKE, EKS,
//! AKS), its control plane (apiserver, scheduler, controllers) runs out of sight, and every node
//! is a worker that takes pods, so `--nodes 3` gives three places for pods. Each node's
//! allocatable equals its capacity (a simplification: real kubelets reserve some for the
//! system). A second `cluster create` fails as `kind create cluster` does when the cluster
//! exists.
//!
//! The profiles (the same manifests apply unchanged to each):
//! - `local`: like kind — one node `kind-control-plane` with the host's CPUs and memory (kind's
//!   node is a container on your machine), schedulable: kind removes the control-plane taint
//!   when there are no workers. `--nodes N` makes N nodes: the control plane and workers
//!   `kind-worker`, `kind-worker2`…, and then the control plane keeps its `node-role.kubernetes.io/control-plane:NoSchedule` taint.
//! - `onprem`: two racks of bare-metal servers `rack1-node1`…, each rack a zone
//!   (`topology.kubernetes.io/zone=rack-1`), `node.kubernetes.io/instance-type=bare-metal`,
//!   16 CPU and 64Gi each (ASSUMPTION: a typical 2U server); `--nodes` is servers per rack
//!   (default 3).
//! - `cloud`: EKS-like, region `us-east-1`, zones `us-east-1a/b/c`, one node group
//!   `ng-general` (`eks.amazonaws.com/nodegroup`) of `m5.xlarge` (4 vCPU, 16 GiB: AWS's instance
//!   type table), nodes named by their private IP as EC2 names them
//!   (`ip-10-0-1-10.ec2.internal`, the zone's subnet 10.0.1.0/24, 10.0.2.0/24, 10.0.3.0/24:
//!   ASSUMPTION); `--nodes` is nodes per zone (default 2).
//!
//! `--cpu`, `--memory` and `--pods` override each node's size in every profile.

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
               kubelet pulls images into it. At most 5000 nodes.\n\
               --profile local|onprem|cloud shapes it like kind on a laptop, racks of servers, or \
               three zones of a cloud region (cluster profiles lists them; --nodes then counts \
               nodes, servers per rack, or nodes per zone). cluster delete removes the cluster \
               (to switch profiles).",
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
    /// Where the cluster runs (None: the plain `node-1..node-N` cluster).
    pub profile: Option<Profile>,
}

/// A cluster profile (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// kind / minikube on a laptop.
    Local,
    /// Racks of bare-metal servers.
    Onprem,
    /// Three zones of a cloud region, one node group.
    Cloud,
}

/// `cluster profiles`.
const PROFILES: &str = "PROFILE   NODES                                   LABELS
local     1 (kind-control-plane), host-sized  node-role.kubernetes.io/control-plane (untainted)
onprem    2 racks x 3 servers, 16 CPU / 64Gi  topology.kubernetes.io/zone=rack-1|rack-2, node.kubernetes.io/instance-type=bare-metal
cloud     3 zones x 2 nodes, 4 CPU / 16Gi     topology.kubernetes.io/region=us-east-1, topology.kubernetes.io/zone=us-east-1a|b|c, eks.amazonaws.com/nodegroup=ng-general, node.kubernetes.io/instance-type=m5.xlarge
";

/// The cloud profile's region and zones.
const REGION: &str = "us-east-1";
const ZONES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];
/// The onprem profile's racks. ASSUMPTION: two racks make the smallest fleet with a rack failure.
const RACKS: u32 = 2;

/// One node a profile lays out.
struct NodeLayout {
    name: String,
    ip: String,
    labels: Vec<(String, String)>,
    taints: Vec<crate::cluster::api::Taint>,
    provider_id: String,
}

fn plan(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    let args: Vec<&str> = inv.args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["profiles"] => return Ok(Plan::Output(PROFILES.to_string())),
        ["delete"] | ["delete", "cluster"] => return Ok(plan_delete(sim)),
        _ => {}
    }
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
        profile: None,
    };
    let mut given = std::collections::BTreeSet::new();
    let mut i = 0;
    while i < rest.len() {
        let (flag, inline) = match rest[i].split_once('=') {
            Some((f, v)) => (f, Some(v)),
            None => (rest[i], None),
        };
        if !matches!(
            flag,
            "--nodes" | "--cpu" | "--memory" | "--pods" | "--profile"
        ) {
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
        given.insert(flag);
        match flag {
            "--profile" => {
                config.profile = Some(match value {
                    "local" => Profile::Local,
                    "onprem" => Profile::Onprem,
                    "cloud" => Profile::Cloud,
                    _ => {
                        return Err(usage(format!(
                            "unknown profile \"{value}\": local, onprem or cloud (cluster profiles lists them)"
                        )))
                    }
                })
            }
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
    // A profile's own sizes, unless a flag gave them.
    let (nodes, cpu, memory): (u32, i64, i64) = match config.profile {
        None => (config.nodes, 0, 0),
        Some(Profile::Local) => (
            1,
            i64::from(sim.host().cores),
            i64::try_from(sim.host().memory_bytes).unwrap_or(16 << 30),
        ),
        Some(Profile::Onprem) => (3, 16, 64 << 30),
        Some(Profile::Cloud) => (2, 4, 16 << 30),
    };
    if config.profile.is_some() {
        use crate::cluster::quantity::QuantityFormat;
        if !given.contains("--nodes") {
            config.nodes = nodes;
        }
        if !given.contains("--cpu") {
            config.cpu = Quantity::from_value(cpu, QuantityFormat::DecimalSi);
        }
        if !given.contains("--memory") {
            config.memory = Quantity::from_value(memory, QuantityFormat::BinarySi);
        }
    }
    let total = total_nodes(&config);
    if total > limits::MAX_NODES as u64 {
        return Err(usage(format!(
            "--nodes {} makes {total} nodes with this profile: at most {}",
            config.nodes,
            limits::MAX_NODES
        )));
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

/// How many nodes `config` makes.
fn total_nodes(config: &ClusterConfig) -> u64 {
    let n = u64::from(config.nodes);
    match config.profile {
        None | Some(Profile::Local) => n,
        Some(Profile::Onprem) => n * u64::from(RACKS),
        Some(Profile::Cloud) => n * ZONES.len() as u64,
    }
}

/// The nodes of `config`, in order.
fn layout(config: &ClusterConfig) -> Vec<NodeLayout> {
    let kv = |k: &str, v: &str| (k.to_string(), v.to_string());
    let plain = |name: String, i: u32, labels: Vec<(String, String)>| NodeLayout {
        name,
        ip: format!("172.18.{}.{}", (i + 1) / 256, (i + 1) % 256),
        labels,
        taints: Vec::new(),
        provider_id: String::new(),
    };
    match config.profile {
        None => (1..=config.nodes)
            .map(|i| plain(format!("node-{i}"), i, Vec::new()))
            .collect(),
        Some(Profile::Local) => (1..=config.nodes)
            .map(|i| {
                if i == 1 {
                    let mut n = plain(
                        "kind-control-plane".into(),
                        i,
                        vec![
                            kv("node-role.kubernetes.io/control-plane", ""),
                            kv(
                                "node.kubernetes.io/exclude-from-external-load-balancers",
                                "",
                            ),
                        ],
                    );
                    if config.nodes > 1 {
                        // kubeadm's control-plane taint; kind removes it only without workers.
                        n.taints.push(crate::cluster::api::Taint {
                            key: "node-role.kubernetes.io/control-plane".into(),
                            value: String::new(),
                            effect: crate::cluster::api::TaintEffect::NoSchedule,
                            time_added: None,
                        });
                    }
                    n
                } else if i == 2 {
                    plain("kind-worker".into(), i, Vec::new())
                } else {
                    plain(format!("kind-worker{}", i - 1), i, Vec::new())
                }
            })
            .collect(),
        Some(Profile::Onprem) => (1..=RACKS)
            .flat_map(|r| {
                (1..=config.nodes).map(move |n| NodeLayout {
                    name: format!("rack{r}-node{n}"),
                    ip: format!("10.10.{r}.{}", 10 + n),
                    labels: vec![
                        kv("topology.kubernetes.io/zone", &format!("rack-{r}")),
                        kv("node.kubernetes.io/instance-type", "bare-metal"),
                    ],
                    taints: Vec::new(),
                    provider_id: String::new(),
                })
            })
            .collect(),
        Some(Profile::Cloud) => ZONES
            .iter()
            .enumerate()
            .flat_map(|(z, zone)| {
                (1..=config.nodes).map(move |n| {
                    let (a, b) = ((z + 1) as u32, 9 + n);
                    let (third, fourth) = (a + b / 256, b % 256);
                    let ip = format!("10.0.{third}.{fourth}");
                    let instance =
                        crate::sim::hex(&<sha2::Sha256 as sha2::Digest>::digest(ip.as_bytes()));
                    NodeLayout {
                        name: format!("ip-10-0-{third}-{fourth}.ec2.internal"),
                        ip,
                        labels: vec![
                            kv("topology.kubernetes.io/region", REGION),
                            kv("topology.kubernetes.io/zone", zone),
                            kv("eks.amazonaws.com/nodegroup", "ng-general"),
                            kv("node.kubernetes.io/instance-type", "m5.xlarge"),
                        ],
                        taints: Vec::new(),
                        provider_id: format!("aws:///{zone}/i-0{}", &instance[..16]),
                    }
                })
            })
            .collect(),
    }
}

/// The `i`-th node (from 1) of a layout, Ready.
fn node_of(i: u32, layout: &NodeLayout, config: &ClusterConfig) -> Node {
    let name = layout.name.clone();
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
    for (k, v) in &layout.labels {
        n.metadata.labels.insert(k.clone(), v.clone());
    }
    n.spec.taints = layout.taints.clone();
    n.spec.provider_id = layout.provider_id.clone();
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
            address: layout.ip.clone(),
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
    let nodes = layout(config);
    for (i, l) in nodes.iter().enumerate() {
        let n = node_of(i as u32 + 1, l, config);
        cluster
            .engines
            .insert(n.metadata.name.clone(), Default::default());
        cluster.store.create(n.into(), now);
    }
    sim.cluster = Some(Box::new(cluster));
    let count = nodes.len() as u32;
    let tool = Tool::of(config.profile);
    let name = tool.cluster_name();
    if let Some(c) = sim.cluster.as_mut() {
        c.made_by = (name.to_string(), tool.command().to_string());
    }
    let size = format!(
        "{} CPU, {} memory, {} pods each",
        config.cpu, config.memory, config.pods
    );
    let ready = format!("{count} {} Ready ({size})", plural(count, "node"));
    let zone_of = |g: &str| -> Vec<&str> {
        nodes
            .iter()
            .filter(|n| {
                n.labels
                    .iter()
                    .any(|(k, v)| k == "topology.kubernetes.io/zone" && v == g)
            })
            .map(|n| n.name.as_str())
            .collect()
    };
    let all: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
    let text = match config.profile {
        None => format!(
            "Creating cluster \"{name}\" ...\n ✓ {ready}: node-1..node-{}\nSet kubectl context to \"kind-{name}\"\n",
            config.nodes
        ),
        // kind create cluster's words (its node image, then the nodes as containers).
        Some(Profile::Local) => format!(
            "Creating cluster \"{name}\" ... profile local (like kind)\n \
             ✓ Ensuring node image (kindest/node:{KUBELET_VERSION})\n \
             ✓ Preparing nodes: {}\n ✓ {ready}\nSet kubectl context to \"kind-{name}\"\n",
            all.join(", ")
        ),
        // kubeadm init on the first server, kubeadm join on the others; kubeadm's default
        // clusterName `kubernetes` and its admin.conf context `kubernetes-admin@kubernetes`.
        Some(Profile::Onprem) => {
            let mut text = format!(
                "profile onprem (racks of bare-metal servers, like kubeadm)\n\
                 [init] Using Kubernetes version: {KUBELET_VERSION}\n\
                 Your Kubernetes control-plane has initialized successfully!\n"
            );
            for r in 1..=RACKS {
                let g = format!("rack-{r}");
                text.push_str(&format!(
                    "[join] {g}: {} joined the cluster\n",
                    zone_of(&g).join(", ")
                ));
            }
            text.push_str(&format!(
                " ✓ {ready}\nkubectl context \"kubernetes-admin@{name}\" (/etc/kubernetes/admin.conf)\n"
            ));
            text
        }
        // eksctl create cluster's log lines; its kubeconfig context is
        // `IDENTITY@CLUSTER.REGION.eksctl.io`.
        Some(Profile::Cloud) => {
            let mut text = format!(
                "profile cloud (like EKS, made with eksctl)\n\
                 [ℹ]  using region {REGION}\n\
                 [ℹ]  setting availability zones to [{}]\n\
                 [ℹ]  creating EKS cluster \"{name}\" in \"{REGION}\" region with managed nodes\n",
                ZONES.join(" ")
            );
            for z in ZONES {
                text.push_str(&format!("[ℹ]  {z}: {}\n", zone_of(z).join(", ")));
            }
            text.push_str(&format!(
                "[ℹ]  nodegroup \"ng-general\" has {count} node(s) (m5.xlarge)\n\
                 [✔]  saved kubeconfig: context \"admin@{name}.{REGION}.eksctl.io\"\n\
                 [✔]  EKS cluster \"{name}\" in \"{REGION}\" region is ready: {ready}\n"
            ));
            text
        }
    };
    sim.record(
        EventKind::ClusterCreated { nodes: count },
        ObjectRef::new("cluster", name),
        Some(id),
        format!(
            "cluster {name} created: {count} {} of {} CPU, {} memory",
            plural(count, "node"),
            config.cpu,
            config.memory
        ),
    );
    text
}

/// `node` or `nodes`.
fn plural(n: u32, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// The tool a profile's cluster is made with, as far as the words go.
#[derive(Clone, Copy)]
enum Tool {
    Kind,
    Kubeadm,
    Eksctl,
}

impl Tool {
    fn of(profile: Option<Profile>) -> Tool {
        match profile {
            None | Some(Profile::Local) => Tool::Kind,
            Some(Profile::Onprem) => Tool::Kubeadm,
            Some(Profile::Cloud) => Tool::Eksctl,
        }
    }

    fn command(self) -> &'static str {
        match self {
            Tool::Kind => "kind",
            Tool::Kubeadm => "kubeadm",
            Tool::Eksctl => "eksctl",
        }
    }

    /// kind's default cluster name; kubeadm's default `clusterName`; the cloud profile's
    /// cluster (ASSUMPTION: any name; `sandbox`).
    fn cluster_name(self) -> &'static str {
        match self {
            Tool::Kind => CLUSTER_NAME,
            Tool::Kubeadm => "kubernetes",
            Tool::Eksctl => "sandbox",
        }
    }
}

/// `cluster delete`: as `kind delete cluster`, the nodes go with everything on them, and the
/// cluster's queued work is dropped. Without a cluster it only prints its first line, as kind
/// does.
fn plan_delete(sim: &Sim) -> Plan {
    let Some(c) = sim.cluster.as_ref() else {
        return Plan::Output(format!("Deleting cluster \"{CLUSTER_NAME}\" ...\n"));
    };
    let names: Vec<String> = c
        .store
        .list(crate::cluster::api::ObjectKind::Node, None)
        .map(|n| format!("{:?}", n.metadata().name))
        .collect();
    let (name, tool) = match &c.made_by {
        (n, t) if !n.is_empty() => (n.clone(), t.clone()),
        _ => (CLUSTER_NAME.to_string(), "kind".to_string()),
    };
    Plan::Effect(Box::new(move |sim, id| {
        sim.cancel_scheduled(|a| matches!(a, crate::sim::Action::Cluster { .. }));
        sim.cluster = None;
        let count = names.len() as u32;
        sim.record(
            EventKind::ApiObjectChanged {
                verb: "deleted".into(),
            },
            ObjectRef::new("cluster", &name),
            Some(id),
            format!(
                "cluster {name} deleted with its {count} {}",
                plural(count, "node")
            ),
        );
        match tool.as_str() {
            // `kubeadm reset` on every server.
            "kubeadm" => format!(
                "[reset] Reset cluster \"{name}\": kubeadm reset on [{}]\n",
                names.join(" ")
            ),
            // `eksctl delete cluster`.
            "eksctl" => format!(
                "[ℹ]  deleting EKS cluster \"{name}\"\n[ℹ]  deleted nodes: [{}]\n\
                 [✔]  all cluster resources were deleted\n",
                names.join(" ")
            ),
            _ => format!(
                "Deleting cluster \"{name}\" ...\nDeleted nodes: [{}]\n",
                names.join(" ")
            ),
        }
    }))
}
