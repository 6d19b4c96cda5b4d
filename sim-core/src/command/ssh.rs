//! The `ssh` family: `ssh NODE COMMAND...` runs a command on one server of the cluster, as an
//! operator of a fleet without an orchestrator does. `docker ...` runs the docker family against
//! that node's own engine (see [`crate::cluster::fleet`] for the seam); `hostname` prints the
//! node's name. Errors are OpenSSH's and the remote shell's.

use super::{CommandSpec, Family, Invocation, Plan};
use crate::cluster::{fleet, kubelet};
use crate::error::{CommandError, Result};
use crate::event::EventId;
use crate::image::engine::parse_reference;
use crate::sim::Sim;

/// The ssh family.
pub(super) const FAMILY: Family = Family {
    name: "ssh",
    commands: &[CommandSpec {
        name: "ssh",
        usage: "ssh [USER@]NODE COMMAND...",
        summary: "run a command on one server of the cluster (manual operation)",
        help: "ssh NODE docker ...   run a docker command on that server, against its own \
               container engine (images it pulled, containers started over ssh; the pods the \
               kubelet runs are not docker containers there)\n\
               ssh NODE hostname     print the server's name\n\
               Nothing restarts or moves what was started by hand: when the server crashes, its \
               containers stop; when it comes back, only those run with --restart always, \
               unless-stopped or on-failure start again. A server that is down or cut off \
               does not answer: the connection times out (reported at once). ssh cannot be \
               scheduled with after.",
        schedulable: false,
        handles_redirect: false,
        plan,
    }],
};

fn plan(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    let usage = || {
        FAMILY.commands[0]
            .usage_error("a destination and a command are needed (ssh node-1 docker ps)")
    };
    let (dest, command) = inv.args.split_first().ok_or_else(usage)?;
    if dest.starts_with('-') {
        return Err(
            FAMILY.commands[0].usage_error(format!("the sandbox's ssh takes no options ({dest})"))
        );
    }
    let node = dest
        .rsplit_once('@')
        .map_or(dest.as_str(), |(_, host)| host);
    let known = sim
        .cluster
        .as_ref()
        .is_some_and(|c| c.engines.contains_key(node));
    if !known {
        return Err(CommandError::Virt(format!(
            "ssh: Could not resolve hostname {node}: Name or service not known"
        )));
    }
    let fault = sim
        .cluster
        .as_ref()
        .map(|c| c.fault(node))
        .unwrap_or_default();
    if fault.down || fault.partitioned {
        // ASSUMPTION: reported at once; a real client waits for its TCP connect to time out
        // (≈2 min of SYN retries on Linux), and a failed command here moves no time.
        return Err(CommandError::Virt(format!(
            "ssh: connect to host {node} port 22: Connection timed out"
        )));
    }
    let Some((program, rest)) = command.split_first() else {
        return Err(CommandError::Virt(format!(
            "ssh: the sandbox's terminal cannot open an interactive session on {node}; give a command: ssh {node} docker ps"
        )));
    };
    match program.as_str() {
        "hostname" if rest.is_empty() => Ok(Plan::Output(format!("{node}\n"))),
        "docker" => {
            let copy = fleet::planning_copy(sim, node).ok_or_else(usage)?;
            let inner = Invocation {
                name: "docker",
                args: rest,
                stdin: inv.stdin,
                redirect: None,
            };
            let planned = (super::docker::FAMILY.commands[0].plan)(&copy, &inner)?;
            let pull_ms = pull_ms(&copy, rest);
            let node = node.to_string();
            Ok(match planned {
                Plan::Output(text) => Plan::Output(text),
                Plan::Effect(effect) => Plan::Effect(on_node(node, pull_ms, effect)),
                Plan::EffectThenFail(effect, e) => {
                    Plan::EffectThenFail(on_node(node, pull_ms, effect), e)
                }
            })
        }
        other => Err(CommandError::Virt(format!(
            "bash: line 1: {other}: command not found"
        ))),
    }
}

/// How long the server takes to download the image a `docker pull`/`run`/`create` brings, as
/// its kubelet would: [`kubelet::PULL_OVERHEAD_MS`] plus the layers it lacks at
/// [`kubelet::PULL_BYTES_PER_S`] (0 when nothing is pulled). `copy` has the node's engine.
fn pull_ms(copy: &Sim, args: &[String]) -> u64 {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let image = match words.as_slice() {
        ["pull", rest @ ..] | ["image", "pull", rest @ ..] => rest
            .iter()
            .find(|a| !a.starts_with('-'))
            .map(|s| s.to_string()),
        ["run" | "create", rest @ ..] | ["container", "run" | "create", rest @ ..] => {
            super::docker_container::image_operand(rest).filter(|i| copy.docker.find(i).is_none())
        }
        _ => None,
    };
    let Some(reference) = image.and_then(|i| parse_reference(&i).ok()) else {
        return 0;
    };
    let Ok(plan) = copy.docker.plan_pull(&copy.registry, &reference) else {
        return 0;
    };
    if plan.up_to_date {
        return 0;
    }
    let missing: u64 = plan
        .image
        .layers
        .iter()
        .zip(&plan.download)
        .filter(|(_, d)| **d)
        .map(|(l, _)| l.size())
        .sum();
    kubelet::PULL_OVERHEAD_MS + missing.saturating_mul(1000) / kubelet::PULL_BYTES_PER_S
}

/// The effect of a command planned against `node`'s engine: the image's download first (the
/// simulation runs on meanwhile, as during any wait), then the command with that engine in
/// place.
fn on_node(node: String, pull_ms: u64, effect: super::EffectFn) -> super::EffectFn {
    Box::new(move |sim, id| {
        let mut out = String::new();
        if pull_ms > 0 && sim.can_wait() {
            sim.run_for(pull_ms, Some(id));
            out.push_str(&std::mem::take(&mut sim.scheduled_output));
        }
        out.push_str(
            &fleet::with_node_engine(sim, &node, |sim| effect(sim, id)).unwrap_or_default(),
        );
        out
    })
}

/// The daemon of the engine in place crashed (see [`fleet::on_node_down`]).
pub(crate) fn daemon_crashed(sim: &mut Sim, cause: EventId) {
    super::docker_container::daemon_crashed(sim, cause);
}

/// The daemon of the engine in place started (see [`fleet::on_node_up`]).
pub(crate) fn daemon_started(sim: &mut Sim, cause: EventId) -> Vec<String> {
    super::docker_container::daemon_started(sim, cause)
}
