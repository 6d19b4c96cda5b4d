//! Published ports: `docker run -p HOST:CONTAINER[/PROTO]`, `-p CONTAINER` and `-P` (a host
//! port drawn from the ephemeral range), `docker ps` PORTS, `docker port`, `docker inspect`'s
//! `HostConfig.PortBindings` and `NetworkSettings.Ports`, and Docker's errors (each changing
//! nothing).

use sim_core::{Session, SimConfig};

mod common;
use common::ok;

fn session() -> Session {
    Session::new(SimConfig { seed: 7 })
}

const WEB: &str = "docker pull nginx:1.27-alpine
docker run -d --name web -p 8080:80 nginx:1.27-alpine";

fn host_ports(s: &Session, name: &str) -> Vec<(u16, u16, String)> {
    s.sim()
        .docker()
        .find_container(name)
        .unwrap()
        .ports
        .iter()
        .map(|p| (p.host_port, p.container_port, p.protocol.clone()))
        .collect()
}

#[test]
fn a_published_port_shows_in_ps_port_and_inspect() {
    let mut s = session();
    ok(&mut s, WEB);
    assert_eq!(host_ports(&s, "web"), vec![(8080, 80, "tcp".to_string())]);
    let ps = ok(&mut s, "docker ps");
    let row = ps.lines().nth(1).unwrap();
    assert!(row.ends_with("   0.0.0.0:8080->80/tcp   web"), "{ps}");
    assert_eq!(ok(&mut s, "docker port web"), "80/tcp -> 0.0.0.0:8080\n");
    assert_eq!(ok(&mut s, "docker port web 80"), "0.0.0.0:8080\n");
    assert_eq!(ok(&mut s, "docker port web 80/tcp"), "0.0.0.0:8080\n");
    let inspect = ok(&mut s, "docker container inspect web");
    let v: serde_json::Value = serde_json::from_str(&inspect).unwrap();
    assert_eq!(
        v[0]["HostConfig"]["PortBindings"],
        serde_json::json!({"80/tcp": [{"HostIp": "", "HostPort": "8080"}]})
    );
    assert_eq!(
        v[0]["NetworkSettings"]["Ports"],
        serde_json::json!({"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]})
    );
    assert_eq!(v[0]["HostConfig"]["RestartPolicy"]["Name"], "no");
}

#[test]
fn a_stopped_container_publishes_nothing_until_it_starts_again() {
    let mut s = session();
    ok(&mut s, WEB);
    ok(&mut s, "docker stop web");
    assert_eq!(ok(&mut s, "docker port web"), "");
    let all = ok(&mut s, "docker ps -a");
    assert!(!all.contains("0.0.0.0"), "{all}");
    let v: serde_json::Value =
        serde_json::from_str(&ok(&mut s, "docker container inspect web")).unwrap();
    assert_eq!(v[0]["NetworkSettings"]["Ports"], serde_json::json!({}));
    assert_eq!(
        v[0]["HostConfig"]["PortBindings"]["80/tcp"][0]["HostPort"],
        "8080"
    );
    // Its port is free again: another container may take it, and then it cannot start.
    ok(
        &mut s,
        "docker run -d --name web2 -p 8080:80 nginx:1.27-alpine",
    );
    let entries = s.submit("docker start web");
    let err = entries[0].error.clone().unwrap();
    assert!(
        err.starts_with("Error response from daemon: driver failed programming external connectivity on endpoint web ("),
        "{err}"
    );
    assert!(
        err.ends_with("): Bind for 0.0.0.0:8080 failed: port is already allocated\nError: failed to start containers: web"),
        "{err}"
    );
}

#[test]
fn a_port_without_a_host_port_gets_one_from_the_ephemeral_range() {
    let mut s = session();
    ok(
        &mut s,
        "docker pull nginx:1.27-alpine\ndocker run -d --name pa -p 80 -p 53/udp nginx:1.27-alpine\ndocker run -d --name pb -P nginx:1.27-alpine",
    );
    let a = host_ports(&s, "pa");
    assert_eq!(a.len(), 2);
    assert_eq!((a[0].1, a[0].2.as_str()), (80, "tcp"));
    assert_eq!((a[1].1, a[1].2.as_str()), (53, "udp"));
    let b = host_ports(&s, "pb");
    // -P publishes what the image EXPOSEs (nginx: 80/tcp).
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].1, 80);
    for (h, _, _) in a.iter().chain(&b) {
        assert!((32768..=60999).contains(h), "{h}");
    }
    assert_ne!(a[0].0, b[0].0);
    let v: serde_json::Value =
        serde_json::from_str(&ok(&mut s, "docker container inspect pa")).unwrap();
    assert_eq!(
        v[0]["HostConfig"]["PortBindings"]["80/tcp"][0]["HostPort"],
        ""
    );
    assert_eq!(
        v[0]["NetworkSettings"]["Ports"]["80/tcp"][0]["HostPort"],
        a[0].0.to_string()
    );
    // Same seed, same ports.
    let mut again = session();
    ok(
        &mut again,
        "docker pull nginx:1.27-alpine\ndocker run -d --name pa -p 80 -p 53/udp nginx:1.27-alpine",
    );
    assert_eq!(host_ports(&again, "pa"), a);
}

#[test]
fn the_same_port_on_tcp_and_udp_or_after_removal_is_free() {
    let mut s = session();
    ok(&mut s, WEB);
    ok(
        &mut s,
        "docker run -d --name dns -p 8080:53/udp nginx:1.27-alpine",
    );
    ok(&mut s, "docker rm -f web");
    ok(
        &mut s,
        "docker run -d --name web -p 8080:80 nginx:1.27-alpine",
    );
    let ps = ok(&mut s, "docker ps");
    assert!(ps.contains("0.0.0.0:8080->53/udp"), "{ps}");
    assert!(ps.contains("0.0.0.0:8080->80/tcp"), "{ps}");
}

#[test]
fn a_taken_host_port_or_a_bad_spec_fails_as_docker_does_and_changes_nothing() {
    let cases = [
        ("docker run -d -p x:80 nginx:1.27-alpine", "docker: invalid hostPort: x.\nSee 'docker run --help'."),
        ("docker run -d -p 8081:y nginx:1.27-alpine", "docker: invalid containerPort: y.\nSee 'docker run --help'."),
        ("docker run -d -p 70000:80 nginx:1.27-alpine", "docker: invalid hostPort: 70000.\nSee 'docker run --help'."),
        ("docker run -d -p 8081:80/icmp nginx:1.27-alpine", "docker: invalid proto: icmp.\nSee 'docker run --help'."),
        ("docker run -d --restart sometimes nginx:1.27-alpine", "docker: Error response from daemon: invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'.\nSee 'docker run --help'."),
        ("docker run -d --rm --restart always nginx:1.27-alpine", "docker: Conflicting options: cannot specify both --restart and --rm.\nSee 'docker run --help'."),
        ("docker port web 81", "Error: No public port '81/tcp' published for web"),
        ("docker port nope", "Error response from daemon: No such container: nope"),
    ];
    for (bad, message) in cases {
        common::assert_fails_and_changes_nothing_in(session(), WEB, bad, message);
    }
    // The taken port: the error names the endpoint (the container) that could not bind.
    let mut s = session();
    ok(&mut s, WEB);
    let before = s.sim().state_fingerprint();
    let hash = s.sim().trace_hash();
    for bad in [
        "docker run -d --name web2 -p 8080:80 nginx:1.27-alpine",
        "docker run -d -p 8080:80 nginx:1.27-alpine",
        "docker run -d --name twice -p 9090:80 -p 9090:81 nginx:1.27-alpine",
    ] {
        let e = s.submit(bad);
        let err = e[0].error.clone().unwrap();
        assert!(
            err.starts_with("docker: Error response from daemon: driver failed programming external connectivity on endpoint "),
            "{err}"
        );
        assert!(
            err.ends_with("failed: port is already allocated.\nSee 'docker run --help'."),
            "{err}"
        );
        assert_eq!(s.sim().state_fingerprint(), before);
        assert_eq!(s.sim().trace_hash(), hash);
    }
    // An unnamed container is named in the error by the name it would have got.
    let e = s.submit("docker run -d -p 8080:80 nginx:1.27-alpine");
    let err = e[0].error.clone().unwrap();
    ok(&mut s, "docker rm -f web");
    ok(&mut s, "docker run -d -p 8080:80 nginx:1.27-alpine");
    let name = s
        .sim()
        .docker()
        .containers
        .values()
        .next()
        .unwrap()
        .name
        .clone();
    assert!(
        err.contains(&format!("on endpoint {name} (")),
        "{err} / {name}"
    );
}

#[test]
fn create_keeps_the_ports_and_the_restart_policy_for_start() {
    let mut s = session();
    ok(
        &mut s,
        "docker pull nginx:1.27-alpine\ndocker create --name later -p 9000:80 --restart unless-stopped nginx:1.27-alpine",
    );
    assert_eq!(ok(&mut s, "docker port later"), "");
    let v: serde_json::Value =
        serde_json::from_str(&ok(&mut s, "docker container inspect later")).unwrap();
    assert_eq!(
        v[0]["HostConfig"]["RestartPolicy"]["Name"],
        "unless-stopped"
    );
    assert_eq!(
        v[0]["HostConfig"]["PortBindings"]["80/tcp"][0]["HostPort"],
        "9000"
    );
    ok(&mut s, "docker start later");
    assert_eq!(ok(&mut s, "docker port later"), "80/tcp -> 0.0.0.0:9000\n");
}
