//! Manual operation of a server fleet: `ssh NODE docker …` runs the docker family against that
//! node's own engine (its images, its containers, its published ports), pulls take the node's
//! download time, and OpenSSH's errors for unknown and unreachable servers change nothing.
//! A crashed server's containers stay down after it comes back unless Docker's restart policy
//! brings them back: nothing moves them elsewhere.

use sim_core::{Session, SimConfig};

mod common;
use common::{ok, ok_last};

fn session() -> Session {
    Session::new(SimConfig { seed: 11 })
}

const FLEET: &str = "cluster create --nodes 3";

fn node_containers(s: &Session, node: &str) -> Vec<String> {
    s.sim().cluster().unwrap().engines[node]
        .containers
        .values()
        .map(|c| c.name.clone())
        .collect()
}

#[test]
fn ssh_docker_run_pulls_into_and_runs_on_that_node_only() {
    let mut s = session();
    ok(&mut s, FLEET);
    let t0 = s.sim().now().as_ms();
    let out = ok(
        &mut s,
        "ssh node-2 docker run -d --name web -p 80:80 nginx:1.27-alpine",
    );
    assert!(
        out.starts_with("Unable to find image 'nginx:1.27-alpine' locally\n"),
        "{out}"
    );
    let c = s.sim().cluster().unwrap();
    let web = c.engines["node-2"].find_container("web").unwrap();
    assert!(web.is_running());
    assert_eq!(web.ports[0].host_port, 80);
    assert!(c.engines["node-2"].find("nginx:1.27-alpine").is_some());
    assert!(c.engines["node-1"].find("nginx:1.27-alpine").is_none());
    assert!(s.sim().docker().find("nginx:1.27-alpine").is_none());
    assert!(s.sim().docker().containers.is_empty());
    // The download of the layers the node lacked (the kubelet's rate), then the 568 ms start.
    let img = c.engines["node-2"].find("nginx:1.27-alpine").unwrap();
    let pull = sim_core::cluster::kubelet::PULL_OVERHEAD_MS
        + img.size() * 1000 / sim_core::cluster::kubelet::PULL_BYTES_PER_S;
    assert_eq!(
        s.sim().now().as_ms() - t0,
        pull + sim_core::cluster::kubelet::start_ms()
    );
    // A second run finds the image: only the start.
    let t1 = s.sim().now().as_ms();
    ok(
        &mut s,
        "ssh node-2 docker run -d --name web2 -p 8080:80 nginx:1.27-alpine",
    );
    assert_eq!(
        s.sim().now().as_ms() - t1,
        sim_core::cluster::kubelet::start_ms()
    );
    let ps = ok(&mut s, "ssh node-2 docker ps");
    assert!(ps.contains("0.0.0.0:80->80/tcp"), "{ps}");
    assert!(ps.contains("web2"), "{ps}");
    assert_eq!(ok(&mut s, "ssh node-1 docker ps").lines().count(), 1);
    assert_eq!(ok(&mut s, "docker ps").lines().count(), 1);
    // Ports are per server: node-1 may publish 80 too; node-2 may not twice.
    ok(
        &mut s,
        "ssh admin@node-1 docker run -d --name web -p 80:80 nginx:1.27-alpine",
    );
    let e = s.submit("ssh node-2 docker run -d --name web3 -p 80:80 nginx:1.27-alpine");
    let err = e[0].error.clone().unwrap();
    assert!(
        err.contains("on endpoint web3 (")
            && err.contains("Bind for 0.0.0.0:80 failed: port is already allocated."),
        "{err}"
    );
    assert_eq!(ok_last(&mut s, "ssh node-3 hostname"), "node-3\n");
    ok(&mut s, "ssh node-2 docker stop web2");
    ok(&mut s, "ssh node-2 docker rm web2");
    assert_eq!(node_containers(&s, "node-2"), vec!["web".to_string()]);
}

#[test]
fn pods_of_the_kubelet_are_not_docker_containers_of_the_node() {
    let mut s = session();
    ok(&mut s, "cluster create --nodes 1");
    ok(
        &mut s,
        "kubectl create deployment web --image=nginx:1.27-alpine --replicas=2\nrun 30s",
    );
    assert_eq!(ok(&mut s, "ssh node-1 docker ps -a").lines().count(), 1);
    // The image the kubelet pulled is there.
    let images = ok(&mut s, "ssh node-1 docker images");
    assert!(images.contains("nginx"), "{images}");
}

#[test]
fn unknown_or_unreachable_servers_fail_as_openssh_does_and_change_nothing() {
    let setup = "cluster create --nodes 3\nchaos node-crash node-3";
    let cases = [
        (
            "ssh node-9 docker ps",
            "ssh: Could not resolve hostname node-9: Name or service not known",
        ),
        (
            "ssh node-3 docker ps",
            "ssh: connect to host node-3 port 22: Connection timed out",
        ),
        ("ssh node-1 ls", "bash: line 1: ls: command not found"),
        (
            "ssh node-1 docker run -d -p 99999:80 nginx:1.27-alpine",
            "docker: invalid hostPort: 99999.\nSee 'docker run --help'.",
        ),
        (
            "ssh node-1 docker rm nope",
            "Error response from daemon: No such container: nope",
        ),
    ];
    for (bad, message) in cases {
        common::assert_fails_and_changes_nothing_in(session(), setup, bad, message);
    }
    // Without a cluster no name resolves.
    common::assert_fails_and_changes_nothing_in(
        session(),
        "",
        "ssh node-1 docker ps",
        "ssh: Could not resolve hostname node-1: Name or service not known",
    );
    // ssh waits as docker run does, so `after` cannot schedule it.
    let mut s = session();
    ok(&mut s, FLEET);
    let e = s.submit("after 10s ssh node-1 docker ps");
    assert!(e[0].failed());
}

#[test]
fn the_same_fleet_commands_give_the_same_trace() {
    let script = "cluster create --nodes 2\n\
                  ssh node-1 docker run -d -p 80 --restart always nginx:1.27-alpine\n\
                  ssh node-2 docker run -d -P nginx:1.27-alpine\n\
                  ssh node-2 docker ps";
    let mut a = session();
    let mut b = session();
    let out_a = ok(&mut a, script);
    let out_b = ok(&mut b, script);
    assert_eq!(out_a, out_b);
    assert_eq!(a.sim().trace_hash(), b.sim().trace_hash());
}

#[test]
fn a_crashed_server_keeps_its_containers_down_after_recovery_unless_their_restart_policy_says_otherwise(
) {
    let mut s = session();
    ok(&mut s, FLEET);
    ok(
        &mut s,
        "ssh node-2 docker run -d --name plain -p 80:80 nginx:1.27-alpine\n\
         ssh node-2 docker run -d --name sticky --restart always -p 81:80 nginx:1.27-alpine",
    );
    ok(&mut s, "chaos node-crash node-2\nrun 10m");
    let status = |s: &Session, name: &str| {
        let c = s.sim().cluster().unwrap();
        let ct = c.engines["node-2"].find_container(name).unwrap();
        format!("{:?}", ct.state.status)
    };
    assert!(
        status(&s, "plain").contains("Exited"),
        "{}",
        status(&s, "plain")
    );
    assert!(
        status(&s, "sticky").contains("Exited"),
        "{}",
        status(&s, "sticky")
    );
    // Nothing started a copy anywhere else.
    for other in ["node-1", "node-3"] {
        assert!(node_containers(&s, other).is_empty());
    }
    ok(&mut s, "chaos node-recover node-2\nrun 10s");
    assert!(
        status(&s, "plain").contains("Exited"),
        "{}",
        status(&s, "plain")
    );
    assert!(
        status(&s, "sticky").contains("Running"),
        "{}",
        status(&s, "sticky")
    );
    let ps = ok_last(&mut s, "ssh node-2 docker ps");
    assert!(ps.contains("sticky") && !ps.contains("plain"), "{ps}");
}
