//! The `traffic` and `lb` families: a steady client sending requests to a Service or to a
//! hand-made load balancer, its per-second stats, and the load balancers themselves (see
//! [`crate::cluster::traffic`] for the model). Every command is planned against `&Sim`; a bad
//! one changes nothing.

use std::fmt::Write as _;

use super::kubectl::{not_found, NO_SERVER};
use super::{CommandSpec, Family, Invocation, Plan};
use crate::cluster::api::ObjectKind;
use crate::cluster::store::Key;
use crate::cluster::traffic::{
    self, Backend, LoadBalancer, SecondStats, TargetRef, Totals, DEFAULT_RPS, MAX_BACKENDS,
    MAX_LBS, MAX_RPS, MAX_TARGETS,
};
use crate::error::{CommandError, Result};
use crate::sim::Sim;
use crate::time::parse_duration_ms;

/// The traffic family.
pub(super) const FAMILY: Family = Family {
    name: "traffic",
    commands: &[CommandSpec {
        name: "traffic",
        usage: "traffic start svc/NAME|lb/NAME [--rps N] [-n NS] | stop [TARGET] | stats [TARGET] [--last 30s] | list",
        summary: "send a steady stream of requests to a Service or load balancer and count them",
        help: "traffic start svc/NAME [--rps 100] [-n NS]   a client outside the nodes sends N requests \
               a second through kube-proxy: each to a random ready endpoint\n\
               traffic start lb/NAME [--rps 100]            the same, through a hand-made load balancer (round robin)\n\
               traffic stop [TARGET]                        stop one client (or all); their stats stay\n\
               traffic stats [TARGET] [--last 30s]          per second: TIME SENT OK FAILED SUCCESS% P50 P99, then totals\n\
               traffic list                                 the targets, their rate and since when\n\
               Requests to a node that is down or cut off time out (1 s); a Service without ready \
               endpoints refuses them at once. Time moves with step and run, one tick a second.",
        schedulable: true,
        handles_redirect: false,
        plan: plan_traffic,
    }],
};

/// The load balancer family.
pub(super) const LB_FAMILY: Family = Family {
    name: "load balancer",
    commands: &[CommandSpec {
        name: "lb",
        usage: "lb create NAME --backend NODE:PORT... | add NAME NODE:PORT | remove NAME NODE:PORT | list",
        summary: "a hand-made round-robin load balancer over nodes' host ports (no health checks)",
        help: "lb create NAME --backend NODE:PORT [--backend NODE:PORT ...]\n\
               lb add NAME NODE:PORT\n\
               lb remove NAME NODE:PORT\n\
               lb list\n\
               Like a minimal nginx upstream without health checks: it sends requests to its \
               backends in turn and keeps sending to a dead one until you remove it. A backend \
               answers when its node is up and a running container publishes PORT there \
               (docker run -p PORT:...).",
        schedulable: true,
        handles_redirect: false,
        plan: plan_lb,
    }],
};

fn err(message: impl Into<String>) -> CommandError {
    CommandError::Virt(message.into())
}

/// Parsed words: positionals and the few flags these commands know.
#[derive(Default)]
struct Args {
    pos: Vec<String>,
    rps: Option<String>,
    namespace: Option<String>,
    last: Option<String>,
    backends: Vec<String>,
}

/// Parses `--flag=v`, `--flag v`, `-n v`; `allowed` lists the long flags the command takes.
fn parse(cmd: &str, args: &[String], allowed: &[&str]) -> Result<Args> {
    let mut a = Args::default();
    let mut i = 0;
    while i < args.len() {
        let w = args[i].as_str();
        if !w.starts_with('-') || w == "-" {
            a.pos.push(w.to_string());
            i += 1;
            continue;
        }
        let (name, inline) = match w.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (w, None),
        };
        let name = if name == "-n" { "--namespace" } else { name };
        if !allowed.contains(&name) {
            return Err(err(format!(
                "{cmd}: unknown flag: {w}\nSee 'help {}' for usage.",
                cmd.split(' ').next().unwrap_or(cmd)
            )));
        }
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                match args.get(i) {
                    Some(v) => v.clone(),
                    None => {
                        return Err(err(format!("{cmd}: flag needs an argument: {name}")));
                    }
                }
            }
        };
        match name {
            "--rps" => a.rps = Some(value),
            "--namespace" => a.namespace = Some(value),
            "--last" => a.last = Some(value),
            _ => a.backends.push(value),
        }
        i += 1;
    }
    Ok(a)
}

fn parse_rps(text: Option<&str>) -> Result<u32> {
    let Some(text) = text else {
        return Ok(DEFAULT_RPS);
    };
    text.parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_RPS).contains(n))
        .ok_or_else(|| {
            err(format!(
                "traffic: invalid --rps \"{text}\": must be a whole number from 1 to {MAX_RPS}"
            ))
        })
}

/// `svc/NAME` (`service/`, `services/`) or `lb/NAME`, in the namespace given.
fn parse_target(text: &str, namespace: Option<&str>) -> Result<TargetRef> {
    let bad = || {
        err(format!(
            "traffic: invalid target \"{text}\": expected svc/NAME or lb/NAME"
        ))
    };
    let (kind, name) = text.split_once('/').ok_or_else(bad)?;
    if name.is_empty() || name.contains('/') || name.len() > 253 {
        return Err(bad());
    }
    match kind {
        "svc" | "service" | "services" => Ok(TargetRef::Service {
            namespace: namespace.unwrap_or("default").to_string(),
            name: name.to_string(),
        }),
        "lb" => {
            if namespace.is_some() {
                return Err(err(
                    "traffic: a load balancer is not namespaced: -n applies to svc/NAME only",
                ));
            }
            Ok(TargetRef::Lb {
                name: name.to_string(),
            })
        }
        _ => Err(bad()),
    }
}

fn plan_traffic(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    let Some((sub, rest)) = inv.args.split_first() else {
        return Err(traffic_usage("expected start, stop, stats or list"));
    };
    match sub.as_str() {
        "start" => start(sim, rest),
        "stop" => stop(sim, rest),
        "stats" => stats(sim, rest),
        "list" => list(sim, rest),
        other => Err(traffic_usage(format!("unknown subcommand \"{other}\""))),
    }
}

fn traffic_usage(message: impl Into<String>) -> CommandError {
    FAMILY.commands[0].usage_error(message)
}

fn lb_usage(message: impl Into<String>) -> CommandError {
    LB_FAMILY.commands[0].usage_error(message)
}

/// `traffic start TARGET [--rps N] [-n NS]`.
fn start(sim: &Sim, args: &[String]) -> Result<Plan> {
    let a = parse("traffic start", args, &["--rps", "--namespace"])?;
    let [target] = a.pos.as_slice() else {
        return Err(traffic_usage("start takes one target: svc/NAME or lb/NAME"));
    };
    let target = parse_target(target, a.namespace.as_deref())?;
    let rps = parse_rps(a.rps.as_deref())?;
    match &target {
        TargetRef::Service { namespace, name } => {
            let c = sim.cluster().ok_or_else(|| err(NO_SERVER))?;
            if c.store
                .get(&Key::new(ObjectKind::Service, namespace, name))
                .is_none()
            {
                return Err(not_found(ObjectKind::Service, name));
            }
        }
        TargetRef::Lb { name } => {
            if !sim.traffic().load_balancers().contains_key(name) {
                return Err(err(format!("lb: load balancer \"{name}\" not found")));
            }
        }
    }
    let label = target.label();
    let state = sim.traffic();
    match state.target(&label) {
        Some(t) if t.running => {
            return Err(err(format!(
                "traffic: traffic to {label} is already running at {} requests/s (traffic stop {label} first)",
                t.rps
            )))
        }
        Some(_) => {}
        None if state.targets().len() >= MAX_TARGETS => {
            return Err(err(format!(
                "traffic: too many traffic targets (limit {MAX_TARGETS})"
            )))
        }
        None => {}
    }
    sim.check_schedule("traffic")?;
    Ok(Plan::Effect(Box::new(move |sim, id| {
        traffic::start(sim, target, rps, id)
    })))
}

/// `traffic stop [TARGET] [-n NS]`.
fn stop(sim: &Sim, args: &[String]) -> Result<Plan> {
    let a = parse("traffic stop", args, &["--namespace"])?;
    let running: Vec<String> = sim
        .traffic()
        .targets()
        .iter()
        .filter(|(_, t)| t.running)
        .map(|(k, _)| k.clone())
        .collect();
    let labels = match a.pos.as_slice() {
        [] if running.is_empty() => return Err(err("traffic: no traffic is running")),
        [] => running,
        [target] => {
            let label = parse_target(target, a.namespace.as_deref())?.label();
            if !running.contains(&label) {
                return Err(err(format!("traffic: no traffic to {label} is running")));
            }
            vec![label]
        }
        [_, extra, ..] => return Err(traffic_usage(format!("unexpected argument \"{extra}\""))),
    };
    Ok(Plan::Effect(Box::new(move |sim, id| {
        traffic::stop(sim, &labels, id)
    })))
}

/// `12.3ms` from microseconds.
fn ms(us: u32) -> String {
    format!("{}.{}ms", us / 1_000, (us % 1_000) / 100)
}

/// `99.5%` of ok over sent (`-` when nothing was sent).
fn percent(ok: u64, sent: u64) -> String {
    if sent == 0 {
        return "-".into();
    }
    let tenths = ok * 1_000 / sent;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// Left-aligned columns separated by three spaces, as kubectl prints them.
fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            if i + 1 == r.len() {
                line.push_str(c);
            } else {
                let _ = write!(line, "{c:<w$}   ", w = widths[i]);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn stats_table(seconds: &[&SecondStats], totals: &Totals) -> String {
    let mut rows = vec![["TIME", "SENT", "OK", "FAILED", "SUCCESS%", "P50", "P99"]
        .map(String::from)
        .to_vec()];
    for s in seconds {
        rows.push(vec![
            s.time.to_string(),
            s.sent.to_string(),
            s.ok.to_string(),
            s.failed.to_string(),
            percent(u64::from(s.ok), u64::from(s.sent)),
            ms(s.p50_us),
            ms(s.p99_us),
        ]);
    }
    rows.push(vec![
        format!("TOTAL ({}s)", totals.seconds),
        totals.sent.to_string(),
        totals.ok.to_string(),
        totals.failed.to_string(),
        percent(totals.ok, totals.sent),
    ]);
    table(&rows)
}

/// `traffic stats [TARGET] [--last D] [-n NS]`.
fn stats(sim: &Sim, args: &[String]) -> Result<Plan> {
    let a = parse("traffic stats", args, &["--last", "--namespace"])?;
    let window_ms = match &a.last {
        Some(d) => Some(parse_duration_ms(d)?),
        None => None,
    };
    let state = sim.traffic();
    let labels: Vec<String> = match a.pos.as_slice() {
        [] if state.targets().is_empty() => {
            return Err(err(
                "traffic: no traffic has run: start one with traffic start svc/NAME",
            ))
        }
        [] => state.targets().keys().cloned().collect(),
        [target] => {
            let label = parse_target(target, a.namespace.as_deref())?.label();
            if state.target(&label).is_none() {
                return Err(err(format!("traffic: no traffic to {label} has run")));
            }
            vec![label]
        }
        [_, extra, ..] => return Err(traffic_usage(format!("unexpected argument \"{extra}\""))),
    };
    let now = sim.now().as_ms();
    let mut out = String::new();
    for label in &labels {
        let Some(t) = state.target(label) else {
            continue;
        };
        let (shown, totals): (Vec<&SecondStats>, Totals) = match window_ms {
            Some(w) => {
                let from = now.saturating_sub(w);
                let shown: Vec<&SecondStats> =
                    t.seconds.iter().filter(|s| s.time.as_ms() > from).collect();
                let mut totals = Totals::default();
                for s in &shown {
                    totals.seconds += 1;
                    totals.sent += u64::from(s.sent);
                    totals.ok += u64::from(s.ok);
                    totals.failed += u64::from(s.failed);
                }
                (shown, totals)
            }
            None => (t.seconds.iter().collect(), t.totals()),
        };
        if labels.len() > 1 {
            let _ = writeln!(out, "{label}:");
        }
        out.push_str(&stats_table(&shown, &totals));
    }
    Ok(Plan::Output(out))
}

/// `traffic list`.
fn list(sim: &Sim, args: &[String]) -> Result<Plan> {
    if let Some(extra) = args.first() {
        return Err(traffic_usage(format!("unexpected argument \"{extra}\"")));
    }
    let state = sim.traffic();
    if state.targets().is_empty() {
        return Ok(Plan::Output("No traffic.\n".into()));
    }
    let mut rows = vec![["TARGET", "RPS", "STATUS", "SINCE", "SUCCESS%"]
        .map(String::from)
        .to_vec()];
    for (label, t) in state.targets() {
        let totals = t.totals();
        rows.push(vec![
            label.clone(),
            t.rps.to_string(),
            if t.running { "running" } else { "stopped" }.into(),
            t.since.to_string(),
            percent(totals.ok, totals.sent),
        ]);
    }
    Ok(Plan::Output(table(&rows)))
}

/// `NODE:PORT` with a node of the cluster (nginx: `host not found in upstream`).
fn parse_backend(sim: &Sim, text: &str) -> Result<Backend> {
    let bad = || {
        err(format!(
            "lb: invalid backend \"{text}\": expected NODE:PORT with a port from 1 to 65535"
        ))
    };
    let (node, port) = text.rsplit_once(':').ok_or_else(bad)?;
    let port = port
        .parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(bad)?;
    let known = sim.cluster().is_some_and(|c| {
        c.store.get(&Key::new(ObjectKind::Node, "", node)).is_some() || c.engines.contains_key(node)
    });
    if !known {
        return Err(err(format!(
            "lb: host not found in upstream \"{text}\" (no node named \"{node}\")"
        )));
    }
    Ok(Backend {
        node: node.to_string(),
        port,
    })
}

fn plan_lb(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    let Some((sub, rest)) = inv.args.split_first() else {
        return Err(lb_usage("expected create, add, remove or list"));
    };
    match sub.as_str() {
        "create" => lb_create(sim, rest),
        "add" | "remove" => lb_edit(sim, rest, sub == "add"),
        "list" => lb_list(sim, rest),
        other => Err(lb_usage(format!("unknown subcommand \"{other}\""))),
    }
}

fn lb_create(sim: &Sim, args: &[String]) -> Result<Plan> {
    let a = parse("lb create", args, &["--backend"])?;
    let [name] = a.pos.as_slice() else {
        return Err(lb_usage("create takes one name"));
    };
    if let Some(m) = crate::cluster::validate::is_dns1123_label(name).first() {
        return Err(err(format!("lb: invalid name \"{name}\": {m}")));
    }
    if sim.traffic().load_balancers().contains_key(name) {
        return Err(err(format!("lb: load balancer \"{name}\" already exists")));
    }
    if sim.traffic().load_balancers().len() >= MAX_LBS {
        return Err(err(format!(
            "lb: too many load balancers (limit {MAX_LBS})"
        )));
    }
    if a.backends.is_empty() {
        return Err(lb_usage("create needs at least one --backend NODE:PORT"));
    }
    if a.backends.len() > MAX_BACKENDS {
        return Err(err(format!("lb: too many backends (limit {MAX_BACKENDS})")));
    }
    let mut backends: Vec<Backend> = Vec::new();
    for b in &a.backends {
        let b = parse_backend(sim, b)?;
        if backends.contains(&b) {
            return Err(err(format!("lb: duplicate backend \"{b}\"")));
        }
        backends.push(b);
    }
    let name = name.clone();
    Ok(Plan::Effect(Box::new(move |sim, id| {
        let list: Vec<String> = backends.iter().map(Backend::to_string).collect();
        let message = format!("load balancer {name} created: {}", list.join(", "));
        sim.traffic.lbs.insert(
            name.clone(),
            LoadBalancer {
                name: name.clone(),
                backends,
            },
        );
        traffic::record_lb(sim, &name, "lb-created", message, id);
        format!("lb/{name} created\n")
    })))
}

fn lb_edit(sim: &Sim, args: &[String], add: bool) -> Result<Plan> {
    let verb = if add { "add" } else { "remove" };
    let a = parse(&format!("lb {verb}"), args, &[])?;
    let [name, backend] = a.pos.as_slice() else {
        return Err(lb_usage(format!("{verb} takes a name and one NODE:PORT")));
    };
    let Some(lb) = sim.traffic().load_balancers().get(name) else {
        return Err(err(format!("lb: load balancer \"{name}\" not found")));
    };
    let b = if add {
        parse_backend(sim, backend)?
    } else {
        match lb.backends.iter().find(|b| b.to_string() == *backend) {
            Some(b) => b.clone(),
            None => {
                return Err(err(format!(
                    "lb: load balancer \"{name}\" has no backend \"{backend}\""
                )))
            }
        }
    };
    if add && lb.backends.contains(&b) {
        return Err(err(format!(
            "lb: load balancer \"{name}\" already has backend \"{b}\""
        )));
    }
    if add && lb.backends.len() >= MAX_BACKENDS {
        return Err(err(format!("lb: too many backends (limit {MAX_BACKENDS})")));
    }
    let name = name.clone();
    Ok(Plan::Effect(Box::new(move |sim, id| {
        if let Some(lb) = sim.traffic.lbs.get_mut(&name) {
            if add {
                lb.backends.push(b.clone());
            } else {
                lb.backends.retain(|x| x != &b);
            }
        }
        let (change, text) = if add {
            (
                "backend-added",
                format!("backend {b} added to load balancer {name}"),
            )
        } else {
            (
                "backend-removed",
                format!("backend {b} removed from load balancer {name}"),
            )
        };
        traffic::record_lb(sim, &name, change, text.clone(), id);
        format!("{text}\n")
    })))
}

fn lb_list(sim: &Sim, args: &[String]) -> Result<Plan> {
    if let Some(extra) = args.first() {
        return Err(lb_usage(format!("unexpected argument \"{extra}\"")));
    }
    let lbs = sim.traffic().load_balancers();
    if lbs.is_empty() {
        return Ok(Plan::Output("No load balancers.\n".into()));
    }
    let mut rows = vec![["NAME", "BACKEND", "LB SEES", "LAST SECOND"]
        .map(String::from)
        .to_vec()];
    for (name, lb) in lbs {
        let last = sim.traffic().target(&format!("lb/{name}"));
        if lb.backends.is_empty() {
            rows.push(vec![name.clone(), "<none>".into(), "-".into(), "-".into()]);
        }
        for b in &lb.backends {
            let seen = last
                .filter(|t| t.running)
                .and_then(|t| t.last_endpoints.get(&b.to_string()))
                .map(|c| format!("{}/{} ok", c.ok, c.ok + c.failed))
                .unwrap_or_else(|| "-".into());
            // No health checks: the load balancer considers every backend up.
            rows.push(vec![name.clone(), b.to_string(), "up".into(), seen]);
        }
    }
    Ok(Plan::Output(table(&rows)))
}
