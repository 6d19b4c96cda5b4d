//! Manual operation of the cluster's servers, without an orchestrator: `ssh NODE docker …`
//! runs the docker command family against that node's own container engine
//! ([`super::state::Cluster::engines`], the engine its kubelet pulls into), and a node's crash
//! and recovery act on what was started that way as a lone Docker daemon would.
//!
//! ## The seam: one engine swapped in for one command
//!
//! The docker family works on the simulation's engine (`Sim::docker`, the sandbox host's). To run
//! it on a node, [`with_node_engine`] puts the node's engine in that place for the duration of
//! one command (or one hook) and puts both back afterwards; planning uses [`planning_copy`], a
//! copy of the simulation with the node's engine in place, so a failing command changes
//! nothing. Nothing of the docker family is copied or changed for it.
//!
//! While a `docker run` over ssh waits for its container's start (568 ms of simulated time),
//! the rest of the simulation runs on: the cluster's work reads and writes the node's engine in
//! [`super::state::Cluster::engines`] as usual (images the kubelet pulls meanwhile are merged
//! back), and a scheduled command (`after`) that runs in that window would see the node's engine
//! as the host's — ASSUMPTION: a rare overlap the sandbox accepts; `ssh` itself cannot be
//! scheduled.
//!
//! ## What nobody does for a manual fleet
//!
//! Kubelet-made pods are not containers of this engine (`docker ps` on a containerd node shows
//! nothing of Kubernetes' either), so `ssh NODE docker ps` lists only what was started over ssh.
//! When the node crashes, [`on_node_down`] kills those containers (`Exited (255)`); when it comes
//! back, [`on_node_up`] starts only those whose `--restart` policy says so, as Docker's daemon
//! does when it starts. Nothing moves them elsewhere.

use crate::event::EventId;
use crate::sim::Sim;

/// A copy of the simulation whose Docker engine is `node`'s, to plan a command against (None
/// when there is no such node).
pub(crate) fn planning_copy(sim: &Sim, node: &str) -> Option<Sim> {
    let engine = sim.cluster.as_ref()?.engines.get(node)?.clone();
    let mut copy = sim.clone();
    copy.docker = engine;
    Some(copy)
}

/// Runs `f` with `node`'s engine in the place of the host's (`Sim::docker`), then puts both
/// back: the node's engine, changed by `f`, into the cluster; the host's into the simulation.
/// Images the node's kubelet stored meanwhile are kept. None when there is no such node.
pub(crate) fn with_node_engine<R>(
    sim: &mut Sim,
    node: &str,
    f: impl FnOnce(&mut Sim) -> R,
) -> Option<R> {
    let engine = sim.cluster.as_ref()?.engines.get(node)?.clone();
    let before: std::collections::BTreeSet<crate::image::Digest> =
        engine.images.keys().cloned().collect();
    let host = std::mem::replace(&mut sim.docker, engine);
    let result = f(sim);
    let mut changed = std::mem::replace(&mut sim.docker, host);
    let Some(c) = sim.cluster.as_mut() else {
        return Some(result);
    };
    if let Some(slot) = c.engines.get_mut(node) {
        // What the kubelet pulled while the command ran (it wrote to the cluster's copy).
        for img in slot.images.values() {
            if !before.contains(&img.id) && !changed.images.contains_key(&img.id) {
                changed.store((**img).clone());
            }
        }
        for (tag, id) in &slot.tags {
            if !before.contains(id) && !changed.tags.contains_key(tag) {
                changed.tag(tag, id);
            }
        }
        *slot = changed;
    }
    // The scheduler's snapshot (ImageLocality) must see the node's images anew.
    c.engines_version += 1;
    Some(result)
}

/// `node` went down (its machine crashed or lost power): the containers started on it over
/// ssh die (`Exited (255)`); nothing restarts or moves them. For `chaos node-crash`
/// (`nodelifecycle::apply_fault` calls it).
pub(crate) fn on_node_down(sim: &mut Sim, node: &str, cause: EventId) {
    with_node_engine(sim, node, |sim| {
        crate::command::ssh::daemon_crashed(sim, cause)
    });
}

/// `node` came back: its Docker daemon starts and restarts the containers whose `--restart`
/// policy says so (`always`, `unless-stopped` unless stopped by hand, `on-failure` after a
/// non-zero exit); the others stay exited. Returns the names restarted. For
/// `chaos node-recover`.
pub(crate) fn on_node_up(sim: &mut Sim, node: &str, cause: EventId) -> Vec<String> {
    with_node_engine(sim, node, |sim| {
        crate::command::ssh::daemon_started(sim, cause)
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::container::Status;
    use crate::sim::SimConfig;

    fn run(sim: &mut Sim, script: &str) {
        for line in crate::shell::parse_script(script).unwrap() {
            crate::command::execute(sim, &line).unwrap();
        }
    }

    fn status(sim: &Sim, node: &str, name: &str) -> (Status, i32) {
        let c = sim.cluster().unwrap().engines[node]
            .find_container(name)
            .unwrap();
        (c.state.status, c.state.exit_code)
    }

    fn last_event(sim: &Sim) -> EventId {
        sim.log().last().unwrap().id
    }

    const FLEET: &str = "cluster create --nodes 2\n\
        ssh node-2 docker run -d --name plain nginx:1.27-alpine\n\
        ssh node-2 docker run -d --name always --restart always nginx:1.27-alpine\n\
        ssh node-2 docker run -d --name unless --restart unless-stopped nginx:1.27-alpine\n\
        ssh node-2 docker run -d --name stopped --restart unless-stopped nginx:1.27-alpine\n\
        ssh node-2 docker stop stopped\n\
        ssh node-1 docker run -d --name other nginx:1.27-alpine";

    #[test]
    fn a_crashed_server_stops_its_containers_and_only_restart_policies_bring_them_back() {
        let mut sim = Sim::new(SimConfig { seed: 3 });
        run(&mut sim, FLEET);
        let cause = last_event(&sim);
        on_node_down(&mut sim, "node-2", cause);
        for n in ["plain", "always", "unless"] {
            assert_eq!(status(&sim, "node-2", n), (Status::Exited, 255), "{n}");
        }
        assert_eq!(status(&sim, "node-2", "stopped").0, Status::Exited);
        assert_eq!(status(&sim, "node-1", "other"), (Status::Running, 0));
        // Nothing happens by itself while it is down, nor after: time passes, nothing moves.
        run(&mut sim, "run 10m");
        assert_eq!(status(&sim, "node-2", "always").0, Status::Exited);
        let cause = last_event(&sim);
        let restarted = on_node_up(&mut sim, "node-2", cause);
        assert_eq!(restarted, vec!["always".to_string(), "unless".to_string()]);
        assert_eq!(status(&sim, "node-2", "always"), (Status::Running, 0));
        assert_eq!(status(&sim, "node-2", "unless"), (Status::Running, 0));
        assert_eq!(status(&sim, "node-2", "plain"), (Status::Exited, 255));
        assert_eq!(status(&sim, "node-2", "stopped").0, Status::Exited);
        // Its processes run again; the host's engine holds nothing of it.
        let always = sim.cluster().unwrap().engines["node-2"]
            .find_container("always")
            .unwrap();
        assert!(!always.processes.is_empty());
        assert!(sim.docker().containers.is_empty());
        // The plain one comes back only by hand.
        run(&mut sim, "run 1s\nssh node-2 docker start plain");
        assert_eq!(status(&sim, "node-2", "plain"), (Status::Running, 0));
    }

    #[test]
    fn the_hooks_on_a_node_without_a_cluster_or_engine_do_nothing() {
        let mut sim = Sim::new(SimConfig { seed: 3 });
        run(&mut sim, "cluster create --nodes 1");
        let before = sim.state_fingerprint();
        let cause = last_event(&sim);
        on_node_down(&mut sim, "node-9", cause);
        assert!(on_node_up(&mut sim, "node-9", cause).is_empty());
        assert_eq!(sim.state_fingerprint(), before);
    }
}
