//! `kubectl expose TYPE NAME`: a Service for a Deployment, ReplicaSet, Pod or Service, as
//! kubectl makes it (`staging/src/k8s.io/kubectl/pkg/cmd/expose/expose.go` and the
//! `polymorphichelpers` it asks for a selector, ports and protocols):
//!
//! - the selector is the object's pod selector (`matchLabels`; a selector with
//!   `matchExpressions` cannot be turned into a Service's map), a pod's labels, or a Service's
//!   selector, unless `--selector` gives one;
//! - the ports are `--port` (comma-separated) or every distinct container port of the pod
//!   template, in order; with several, each is named `port-N`; the protocol is `--protocol`
//!   or the container port's; the target port is `--target-port` for all of them, else the
//!   port itself;
//! - the Service takes the object's labels (or `--labels`), its name (or `--name`) and
//!   `--type`, `--external-ip`, `--cluster-ip`.
//!
//! The Service is then defaulted, validated and created like one `kubectl apply` creates (a
//! cluster IP allocated, the EndpointSlice controller takes it from there), and kubectl's
//! `service/NAME exposed` is printed.

use super::kubectl::{kerr, parse_flags, Flags};
use super::Plan;
use crate::cluster::api::{
    IntOrString, LabelSelectorRequirement, Object, ObjectKind, PodSpec, Protocol, Service,
    ServicePort, ServiceType, StringMap,
};
use crate::cluster::state::Cluster;
use crate::cluster::store::Key;
use crate::error::Result;

/// Ports a Service may list (the sandbox's limit; the API server has none this low).
const MAX_EXPOSED_PORTS: usize = 32;

const USAGE: &str = "error: You must provide one or more resources by argument or filename.\n\
Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// `kubectl expose`.
pub(super) fn expose(c: &Cluster, args: &[String]) -> Result<Plan> {
    // In `kubectl expose`, `-l` is `--labels` (the Service's own labels), not a selector.
    let args: Vec<String> = args
        .iter()
        .map(|a| match a.strip_prefix("-l") {
            Some("") => "--labels".to_string(),
            Some(rest) => format!("--labels={}", rest.trim_start_matches('=')),
            None => a.clone(),
        })
        .collect();
    let f = parse_flags(
        "expose",
        &args,
        &[
            "--port",
            "--target-port",
            "--protocol",
            "--name",
            "--type",
            "--labels",
            "--external-ip",
            "--cluster-ip",
            "--dry-run",
        ],
        &[],
    )?;
    let dry = super::kubectl::dry_run(&f, "expose")?;
    if !f.files.is_empty() {
        return Err(kerr(
            "error: kubectl expose -f is not supported in this sandbox: name the object (kubectl expose deployment NAME)",
        ));
    }
    let (kind, name) = target(&f)?;
    let ns = f.ns();
    let key = Key::new(kind, &ns, &name);
    let Some(object) = c.store.get(&key) else {
        return Err(super::kubectl::not_found(kind, &name));
    };
    let service = service_for(object, &f)?;
    let mut object = Object::Service(Box::new(service));
    if dry {
        return Ok(Plan::Output(super::kubectl::dry_run_output(
            &object, &f, "exposed",
        )?));
    }
    crate::cluster::defaults::apply_defaults(&mut object);
    crate::cluster::validate::validate(&object).map_err(|e| kerr(e.to_string()))?;
    if c.store.get(&Key::of(&object)).is_some() {
        return Err(kerr(format!(
            "Error from server (AlreadyExists): services \"{}\" already exists",
            object.metadata().name
        )));
    }
    Ok(super::kubectl::create_plan(
        object,
        "exposed",
        super::kubectl::printer(&f)?,
    ))
}

/// The object named by `TYPE NAME` or `TYPE/NAME`, if it is a kind kubectl can expose.
fn target(f: &Flags) -> Result<(ObjectKind, String)> {
    let (kind, name) = match f.pos.as_slice() {
        [one] => match one.split_once('/') {
            Some((k, n)) if !n.is_empty() => (k.to_string(), n.to_string()),
            _ => return Err(kerr(USAGE)),
        },
        [k, n] => (k.clone(), n.clone()),
        [] => return Err(kerr(USAGE)),
        _ => {
            return Err(kerr(
                "error: kubectl expose takes one object: TYPE NAME (kubectl expose deployment web --port=80)",
            ))
        }
    };
    let Some(kind) = ObjectKind::from_resource_arg(&kind) else {
        return Err(kerr(format!(
            "error: the server doesn't have a resource type \"{kind}\""
        )));
    };
    if !matches!(
        kind,
        ObjectKind::Deployment | ObjectKind::ReplicaSet | ObjectKind::Pod | ObjectKind::Service
    ) {
        return Err(kerr(format!("error: cannot expose a {}", kind.as_str())));
    }
    Ok((kind, name))
}

/// The Service kubectl would make for `object` with flags `f`.
fn service_for(object: &Object, f: &Flags) -> Result<Service> {
    let (selector, pod_spec): (StringMap, Option<&PodSpec>) = match &f.selector {
        Some(text) => (equality_selector(text)?, pod_spec_of(object)),
        None => (introspected_selector(object)?, pod_spec_of(object)),
    };
    if selector.is_empty() {
        return Err(kerr(
            "error: couldn't retrieve selectors via --selector flag or introspection: the selector is empty",
        ));
    }
    let meta = object.metadata();
    let name = f.values.get("--name").unwrap_or(&meta.name).clone();
    let mut svc = Service::named(&meta.namespace, &name);
    svc.metadata.labels = match f.values.get("--labels") {
        Some(text) => super::kubectl::key_value_list(text)
            .ok_or_else(|| kerr(format!("error: invalid label spec: {text}")))?,
        None => meta.labels.clone(),
    };
    svc.spec.selector = selector;
    svc.spec.ports = ports(object, pod_spec, f)?;
    if let Some(t) = f.values.get("--type") {
        svc.spec.type_ = Some(ServiceType::from(t.as_str()));
    }
    if let Some(ip) = f.values.get("--external-ip") {
        svc.spec.external_ips = vec![ip.clone()];
    }
    if let Some(ip) = f.values.get("--cluster-ip") {
        svc.spec.cluster_ip = ip.clone();
    }
    Ok(svc)
}

/// The pod template's spec (a pod's own) that ports are read from.
fn pod_spec_of(object: &Object) -> Option<&PodSpec> {
    match object {
        Object::Deployment(d) => Some(&d.spec.template.spec),
        Object::ReplicaSet(rs) => Some(&rs.spec.template.spec),
        Object::Pod(p) => Some(&p.spec),
        _ => None,
    }
}

/// `MapBasedSelectorForObject`: the pod selector of the object as a Service's map.
fn introspected_selector(object: &Object) -> Result<StringMap> {
    let wrap = |why: String| {
        kerr(format!(
            "error: couldn't retrieve selectors via --selector flag or introspection: {why}"
        ))
    };
    let selector = match object {
        Object::Deployment(d) => d.spec.selector.as_ref(),
        Object::ReplicaSet(rs) => rs.spec.selector.as_ref(),
        Object::Pod(p) => {
            if p.metadata.labels.is_empty() {
                return Err(wrap("the pod has no labels and cannot be exposed".into()));
            }
            return Ok(p.metadata.labels.clone());
        }
        Object::Service(s) => {
            if s.spec.selector.is_empty() {
                return Err(wrap("the service has no pod selector set".into()));
            }
            return Ok(s.spec.selector.clone());
        }
        other => {
            return Err(wrap(format!(
                "cannot extract pod selector from {}",
                other.kind()
            )))
        }
    };
    let Some(selector) = selector else {
        return Ok(StringMap::new());
    };
    if !selector.match_expressions.is_empty() {
        return Err(wrap(format!(
            "couldn't convert expressions - \"{}\" to map-based selector format",
            go_requirements(&selector.match_expressions)
        )));
    }
    Ok(selector.match_labels.clone())
}

/// Go's `%+v` of `[]LabelSelectorRequirement`: `[{Key:tier Operator:In Values:[a b]}]`.
fn go_requirements(reqs: &[LabelSelectorRequirement]) -> String {
    let items: Vec<String> = reqs
        .iter()
        .map(|r| {
            format!(
                "{{Key:{} Operator:{} Values:[{}]}}",
                r.key,
                r.operator,
                r.values.join(" ")
            )
        })
        .collect();
    format!("[{}]", items.join(" "))
}

/// `--selector`: equality only, as kubectl expose accepts.
fn equality_selector(text: &str) -> Result<StringMap> {
    super::kubectl::key_value_list(text).ok_or_else(|| {
        kerr(format!(
            "error: couldn't parse the selector string \"{text}\": only equality-based requirements (key=value) are supported"
        ))
    })
}

/// The Service's ports: `--port` or the introspected container ports (Service ports for a
/// Service), each with its protocol and target port.
fn ports(object: &Object, pod_spec: Option<&PodSpec>, f: &Flags) -> Result<Vec<ServicePort>> {
    // (port, introspected protocol)
    let mut found: Vec<(i32, Option<Protocol>)> = Vec::new();
    match f.values.get("--port") {
        Some(text) => {
            for p in text.split(',').map(str::trim) {
                let port: i32 = p.parse().map_err(|_| {
                    kerr(format!(
                        "error: invalid argument \"{text}\" for \"--port\" flag: a port is a number from 1 to 65535"
                    ))
                })?;
                if !found.iter().any(|(q, _)| *q == port) {
                    found.push((port, None));
                }
            }
        }
        None => {
            if let Some(spec) = pod_spec {
                for cp in spec.containers.iter().flat_map(|c| c.ports.iter()) {
                    if !found.iter().any(|(q, _)| *q == cp.container_port) {
                        found.push((cp.container_port, cp.protocol.clone()));
                    }
                }
            } else if let Object::Service(s) = object {
                for sp in &s.spec.ports {
                    if !found.iter().any(|(q, _)| *q == sp.port) {
                        found.push((sp.port, sp.protocol.clone()));
                    }
                }
            }
        }
    }
    if found.is_empty() {
        return Err(kerr(
            "error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples",
        ));
    }
    if found.len() > MAX_EXPOSED_PORTS {
        return Err(kerr(format!(
            "error: at most {MAX_EXPOSED_PORTS} ports in one Service in this sandbox"
        )));
    }
    let protocol = f
        .values
        .get("--protocol")
        .map(|p| Protocol::from(p.as_str()));
    let target = f
        .values
        .get("--target-port")
        .map(|t| match t.parse::<i32>() {
            Ok(n) => IntOrString::Int(n),
            Err(_) => IntOrString::String(t.clone()),
        });
    let several = found.len() > 1;
    Ok(found
        .into_iter()
        .enumerate()
        .map(|(i, (port, introspected))| ServicePort {
            name: if several {
                format!("port-{}", i + 1)
            } else {
                String::new()
            },
            protocol: Some(protocol.clone().or(introspected).unwrap_or(Protocol::Tcp)),
            port,
            target_port: Some(target.clone().unwrap_or(IntOrString::Int(port))),
            ..Default::default()
        })
        .collect())
}
