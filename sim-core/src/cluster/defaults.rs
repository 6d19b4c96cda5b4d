//! The defaults kube-apiserver fills in on create, and the admission plugins that mutate pods.
//!
//! Sources (kubernetes/kubernetes): `pkg/apis/apps/v1/defaults.go` (`SetDefaults_Deployment`,
//! `SetDefaults_ReplicaSet`), `pkg/apis/core/v1/defaults.go` (`SetDefaults_Pod`,
//! `SetDefaults_PodSpec`, `SetDefaults_Container`, `SetDefaults_ContainerPort`, `SetDefaults_Probe`,
//! `SetDefaults_HTTPGetAction`, `SetDefaults_Service`, `SetDefaults_NodeStatus`),
//! `plugin/pkg/admission/defaulttolerationseconds/admission.go` (300 s tolerations of not-ready and
//! unreachable), `plugin/pkg/admission/priority/admission.go` (priority 0), and the registry
//! strategies for fields the storage layer sets (`pkg/registry/core/namespace/strategy.go`,
//! Service IP families in `pkg/registry/core/service/storage`). Documented on kubernetes.io:
//! "Deployments" (strategy, revisionHistoryLimit, progressDeadlineSeconds), "Pod Lifecycle"
//! (restartPolicy), "Images" (imagePullPolicy), "Configure Liveness, Readiness and Startup
//! Probes", "Taints and Tolerations" (tolerationSeconds 300).
//!
//! Defaulting is idempotent: applying it twice changes nothing the second time.

use super::api::{
    Container, ContainerPort, Deployment, DeploymentStrategyType, ImagePullPolicy, IntOrString,
    Namespace, Node, Object, Pod, PodSpec, PodTemplateSpec, Probe, Protocol, ReplicaSet,
    RestartPolicy, RollingUpdateDeployment, Service, ServiceType, TaintEffect, Toleration,
    TolerationOperator,
};

/// Seconds a pod stays bound to a not-ready or unreachable node (`--default-not-ready-toleration-seconds`
/// and `--default-unreachable-toleration-seconds`).
pub const DEFAULT_TOLERATION_SECONDS: i64 = 300;
/// The taint the node lifecycle controller puts on a node whose Ready condition is False.
pub const TAINT_NODE_NOT_READY: &str = "node.kubernetes.io/not-ready";
/// The taint it puts on a node whose Ready condition is Unknown (no heartbeats).
pub const TAINT_NODE_UNREACHABLE: &str = "node.kubernetes.io/unreachable";
/// `v1.DefaultTerminationGracePeriodSeconds`.
pub const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS: i64 = 30;
/// `v1.DefaultSchedulerName`.
pub const DEFAULT_SCHEDULER_NAME: &str = "default-scheduler";
/// Deployment `revisionHistoryLimit` default (apps/v1).
pub const DEFAULT_REVISION_HISTORY_LIMIT: i32 = 10;
/// Deployment `progressDeadlineSeconds` default (apps/v1).
pub const DEFAULT_PROGRESS_DEADLINE_SECONDS: i32 = 600;
/// Deployment `maxSurge` and `maxUnavailable` default.
pub const DEFAULT_MAX_SURGE_AND_UNAVAILABLE: &str = "25%";

/// Applies the API server's defaults for the object's kind (including its embedded pod template).
pub fn apply_defaults(obj: &mut Object) {
    match obj {
        Object::Namespace(ns) => default_namespace(ns),
        Object::Node(n) => default_node(n),
        Object::Pod(p) => default_pod(p),
        Object::ReplicaSet(rs) => default_replica_set(rs),
        Object::Deployment(d) => default_deployment(d),
        Object::Service(s) => default_service(s),
        Object::EndpointSlice(_) | Object::Event(_) => {}
    }
}

/// Runs the mutating admission plugins that act on pods (DefaultTolerationSeconds, Priority).
/// Other kinds pass through unchanged. Call after [`apply_defaults`] when a pod is created.
pub fn admit(obj: &mut Object) {
    if let Object::Pod(p) = obj {
        add_default_tolerations(&mut p.spec);
        // Priority admission: no priorityClassName and no global default class → priority 0.
        if p.spec.priority.is_none() {
            p.spec.priority = Some(0);
        }
        if p.spec.preemption_policy.is_none() {
            p.spec.preemption_policy = Some("PreemptLowerPriority".to_string());
        }
    }
}

/// `imagePullPolicy` default: `Always` when the tag is `latest` or there is neither tag nor
/// digest, else `IfNotPresent` (`SetDefaults_Container`, kubernetes.io "Images").
pub fn default_image_pull_policy(image: &str) -> ImagePullPolicy {
    // The tag follows the last `:` after the last `/` (a `:` before it is a registry port).
    let without_digest = image.split('@').next().unwrap_or(image);
    let has_digest = image.contains('@');
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    let tag = last.split_once(':').map(|(_, t)| t);
    match tag {
        Some("latest") => ImagePullPolicy::Always,
        None if !has_digest => ImagePullPolicy::Always,
        _ => ImagePullPolicy::IfNotPresent,
    }
}

/// The DefaultTolerationSeconds admission plugin: unless the pod already tolerates them, add
/// `node.kubernetes.io/not-ready` and `node.kubernetes.io/unreachable` NoExecute tolerations for
/// 300 s, so pods are evicted five minutes after their node fails.
pub fn add_default_tolerations(spec: &mut PodSpec) {
    let covers = |t: &Toleration, key: &str| {
        let effect = t.effect.as_ref().map_or("", |e| e.as_str());
        (t.key == key || t.key.is_empty()) && (effect == "NoExecute" || effect.is_empty())
    };
    let not_ready = spec
        .tolerations
        .iter()
        .any(|t| covers(t, TAINT_NODE_NOT_READY));
    let unreachable = spec
        .tolerations
        .iter()
        .any(|t| covers(t, TAINT_NODE_UNREACHABLE));
    for (present, key) in [
        (not_ready, TAINT_NODE_NOT_READY),
        (unreachable, TAINT_NODE_UNREACHABLE),
    ] {
        if !present {
            spec.tolerations.push(Toleration {
                key: key.to_string(),
                operator: Some(TolerationOperator::Exists),
                value: String::new(),
                effect: Some(TaintEffect::NoExecute),
                toleration_seconds: Some(DEFAULT_TOLERATION_SECONDS),
            });
        }
    }
}

fn default_namespace(ns: &mut Namespace) {
    // Set by the namespace registry strategy on create, not by a defaulter.
    if ns.spec.finalizers.is_empty() {
        ns.spec.finalizers.push("kubernetes".to_string());
    }
    if ns.status.phase.is_empty() {
        ns.status.phase = "Active".to_string();
    }
}

fn default_node(n: &mut Node) {
    // SetDefaults_NodeStatus: allocatable defaults to capacity.
    if n.status.allocatable.is_empty() {
        n.status.allocatable = n.status.capacity.clone();
    }
}

fn default_pod(p: &mut Pod) {
    // SetDefaults_Pod: requests default to limits, for pods only (not templates).
    let spec = &mut *p.spec;
    for c in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut())
    {
        for (name, q) in &c.resources.limits {
            c.resources.requests.get_or_insert_with(name.clone(), || *q);
        }
    }
    default_pod_spec(&mut p.spec);
}

fn default_template(t: &mut PodTemplateSpec) {
    default_pod_spec(&mut t.spec);
}

fn default_pod_spec(spec: &mut PodSpec) {
    if spec.dns_policy.as_deref().is_none_or(str::is_empty) {
        spec.dns_policy = Some("ClusterFirst".to_string());
    }
    if spec
        .restart_policy
        .as_ref()
        .is_none_or(|r| r.as_str().is_empty())
    {
        spec.restart_policy = Some(RestartPolicy::Always);
    }
    if spec.security_context.is_none() {
        spec.security_context = Some(Default::default());
    }
    if spec.termination_grace_period_seconds.is_none() {
        spec.termination_grace_period_seconds = Some(DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
    }
    if spec.scheduler_name.as_deref().is_none_or(str::is_empty) {
        spec.scheduler_name = Some(DEFAULT_SCHEDULER_NAME.to_string());
    }
    if spec.enable_service_links.is_none() {
        spec.enable_service_links = Some(true);
    }
    let spec = &mut **spec;
    for c in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut())
    {
        default_container(c);
    }
}

fn default_container(c: &mut Container) {
    if c.image_pull_policy
        .as_ref()
        .is_none_or(|p| p.as_str().is_empty())
    {
        c.image_pull_policy = Some(default_image_pull_policy(&c.image));
    }
    if c.termination_message_path
        .as_deref()
        .is_none_or(str::is_empty)
    {
        c.termination_message_path = Some("/dev/termination-log".to_string());
    }
    if c.termination_message_policy
        .as_deref()
        .is_none_or(str::is_empty)
    {
        c.termination_message_policy = Some("File".to_string());
    }
    for port in &mut c.ports {
        default_container_port(port);
    }
    for probe in [
        c.liveness_probe.as_mut(),
        c.readiness_probe.as_mut(),
        c.startup_probe.as_mut(),
    ]
    .into_iter()
    .flatten()
    {
        default_probe(probe);
    }
}

fn default_container_port(port: &mut ContainerPort) {
    if port.protocol.as_ref().is_none_or(|p| p.as_str().is_empty()) {
        port.protocol = Some(Protocol::Tcp);
    }
}

fn default_probe(p: &mut Probe) {
    p.timeout_seconds.get_or_insert(1);
    p.period_seconds.get_or_insert(10);
    p.success_threshold.get_or_insert(1);
    p.failure_threshold.get_or_insert(3);
    if let Some(http) = &mut p.http_get {
        if http.path.is_empty() {
            http.path = "/".to_string();
        }
        if http.scheme.is_empty() {
            http.scheme = "HTTP".to_string();
        }
    }
}

fn default_replica_set(rs: &mut ReplicaSet) {
    rs.spec.replicas.get_or_insert(1);
    default_template(&mut rs.spec.template);
}

fn default_deployment(d: &mut Deployment) {
    let spec = &mut d.spec;
    spec.replicas.get_or_insert(1);
    let strategy = &mut spec.strategy;
    if strategy
        .type_
        .as_ref()
        .is_none_or(|t| t.as_str().is_empty())
    {
        strategy.type_ = Some(DeploymentStrategyType::RollingUpdate);
    }
    if strategy.type_ == Some(DeploymentStrategyType::RollingUpdate) {
        let ru = strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateDeployment::default);
        ru.max_unavailable
            .get_or_insert_with(|| IntOrString::from(DEFAULT_MAX_SURGE_AND_UNAVAILABLE));
        ru.max_surge
            .get_or_insert_with(|| IntOrString::from(DEFAULT_MAX_SURGE_AND_UNAVAILABLE));
    }
    spec.revision_history_limit
        .get_or_insert(DEFAULT_REVISION_HISTORY_LIMIT);
    spec.progress_deadline_seconds
        .get_or_insert(DEFAULT_PROGRESS_DEADLINE_SECONDS);
    default_template(&mut spec.template);
}

fn default_service(s: &mut Service) {
    let spec = &mut s.spec;
    if spec.session_affinity.as_deref().is_none_or(str::is_empty) {
        spec.session_affinity = Some("None".to_string());
    }
    if spec.type_.as_ref().is_none_or(|t| t.as_str().is_empty()) {
        spec.type_ = Some(ServiceType::ClusterIp);
    }
    for p in &mut spec.ports {
        if p.protocol.as_ref().is_none_or(|x| x.as_str().is_empty()) {
            p.protocol = Some(Protocol::Tcp);
        }
        let unset = match &p.target_port {
            None => true,
            Some(IntOrString::Int(0)) => true,
            Some(IntOrString::String(s)) => s.is_empty(),
            Some(_) => false,
        };
        if unset {
            p.target_port = Some(IntOrString::Int(p.port));
        }
    }
    let t = spec.type_.as_ref().map_or("", |t| t.as_str());
    if matches!(t, "ClusterIP" | "NodePort" | "LoadBalancer") {
        if spec.internal_traffic_policy.is_none() {
            spec.internal_traffic_policy = Some("Cluster".to_string());
        }
        // Set by the Service storage (single-stack IPv4 cluster).
        if spec.ip_family_policy.is_none() {
            spec.ip_family_policy = Some("SingleStack".to_string());
        }
        if spec.ip_families.is_empty() {
            spec.ip_families.push("IPv4".to_string());
        }
    }
    if matches!(t, "NodePort" | "LoadBalancer") && spec.external_traffic_policy.is_none() {
        spec.external_traffic_policy = Some("Cluster".to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_pull_policy_follows_the_tag() {
        assert_eq!(default_image_pull_policy("nginx"), ImagePullPolicy::Always);
        assert_eq!(
            default_image_pull_policy("nginx:latest"),
            ImagePullPolicy::Always
        );
        assert_eq!(
            default_image_pull_policy("nginx:1.27"),
            ImagePullPolicy::IfNotPresent
        );
        assert_eq!(
            default_image_pull_policy("localhost:5000/app"),
            ImagePullPolicy::Always
        );
        assert_eq!(
            default_image_pull_policy("localhost:5000/app:v1"),
            ImagePullPolicy::IfNotPresent
        );
        assert_eq!(
            default_image_pull_policy("nginx@sha256:abc"),
            ImagePullPolicy::IfNotPresent
        );
    }
}
