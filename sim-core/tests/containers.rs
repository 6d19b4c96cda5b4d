//! Containers through a session: a writable layer over read-only image layers (copy-up,
//! whiteouts, opaque directories), `docker diff`/`commit`/`ps`/`inspect`, the lifecycle, and
//! Docker's error messages (each one changing nothing).

use sha2::{Digest as _, Sha256};
use sim_core::image::layer::Change;
use sim_core::{Session, SimConfig};

mod common;
use common::ok;

fn session() -> Session {
    Session::new(SimConfig { seed: 7 })
}

fn assert_fails_and_changes_nothing(setup: &str, bad: &str, message: &str) {
    common::assert_fails_and_changes_nothing_in(session(), setup, bad, message);
}

fn container_id(s: &Session, name: &str) -> String {
    s.sim().docker().find_container(name).unwrap().id.clone()
}

const TWO: &str = "docker pull alpine:3.20
docker run -d --name ca alpine:3.20 sleep infinity
docker run -d --name cb alpine:3.20 sleep infinity";

#[test]
fn two_containers_of_one_image_never_see_each_others_changes() {
    let mut s = session();
    ok(&mut s, TWO);
    ok(
        &mut s,
        "docker exec ca sh -c 'echo from-a > /etc/hosts && touch /a-only'",
    );
    ok(&mut s, "docker exec cb rm /etc/hosts");
    assert_eq!(ok(&mut s, "docker exec ca cat /etc/hosts"), "from-a\n");
    assert_eq!(
        ok(&mut s, "docker exec cb cat /etc/hosts"),
        "cat: can't open '/etc/hosts': No such file or directory\n"
    );
    assert_eq!(
        ok(&mut s, "docker exec cb ls /a-only"),
        "ls: can't access '/a-only': No such file or directory\n"
    );
    // /etc only had a file copied up (its entries did not change): not listed.
    assert_eq!(ok(&mut s, "docker diff ca"), "A /a-only\nC /etc/hosts\n");
    assert_eq!(ok(&mut s, "docker diff cb"), "C /etc\nD /etc/hosts\n");
    // A third container starts from the image, untouched by either.
    ok(&mut s, "docker run -d --name cc alpine:3.20 sleep infinity");
    assert_eq!(ok(&mut s, "docker diff cc"), "");
    assert!(ok(&mut s, "docker exec cc cat /etc/hosts").starts_with("127.0.0.1"));
}

#[test]
fn writing_in_a_container_never_changes_its_image() {
    let mut s = session();
    ok(&mut s, TWO);
    let img = s.sim().docker().find("alpine:3.20").unwrap().clone();
    let inspect_before = ok(&mut s, "docker inspect alpine:3.20");
    ok(
        &mut s,
        "docker exec ca sh -c 'echo x >> /etc/passwd && rm -rf /etc/apk && mkdir /etc/apk && chmod 700 /bin/busybox'",
    );
    let after = s.sim().docker().find("alpine:3.20").unwrap();
    assert_eq!(after.id, img.id, "ImageID unchanged");
    assert_eq!(after.config.rootfs.diff_ids, img.config.rootfs.diff_ids);
    assert_eq!(
        after
            .layers
            .iter()
            .map(|l| l.diff_id().clone())
            .collect::<Vec<_>>(),
        img.layers
            .iter()
            .map(|l| l.diff_id().clone())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        *after.rootfs, *img.rootfs,
        "the image's files are untouched"
    );
    assert_eq!(ok(&mut s, "docker inspect alpine:3.20"), inspect_before);
    // The changes live in a's writable layer only.
    let a = s.sim().docker().find_container("ca").unwrap();
    assert_eq!(a.rootfs.lower(), &*img.rootfs);
    assert!(a.rootfs.copied_up().contains(&"etc/passwd".to_string()));
    assert!(a.rootfs.copied_up().contains(&"bin/busybox".to_string()));
}

#[test]
fn exec_shows_copy_up_whiteouts_and_opaque_directories_in_docker_diff() {
    let mut s = session();
    ok(&mut s, TWO);
    ok(
        &mut s,
        "docker exec ca sh -c 'echo changed >> /etc/hosts && rm /etc/motd && rm -rf /etc/apk && mkdir /etc/apk && echo x > /etc/apk/world && mkdir -p /srv/new && touch /srv/new/f'",
    );
    // Docker's overlay2 rules (moby pkg/archive changes.go): /etc gained and lost entries (C);
    // the deleted-then-created /etc/apk is opaque and reported D; world exists in the lower
    // layer, so C; /srv is C as the parent of an added entry; unchanged parents are left out.
    assert_eq!(
        ok(&mut s, "docker diff ca"),
        "C /etc\nD /etc/apk\nC /etc/apk/world\nC /etc/hosts\nD /etc/motd\nC /srv\nA /srv/new\nA /srv/new/f\n"
    );
    let a = s.sim().docker().find_container("ca").unwrap();
    assert!(a.rootfs.opaque_dirs().contains("etc/apk"));
    assert_eq!(a.rootfs.copied_up(), ["etc/hosts"]);
    // The merged view: the opaque directory hides every lower child.
    assert_eq!(
        ok(&mut s, "docker exec ca ls /etc/apk"),
        "world\n",
        "only the new child shows"
    );
    // A copied-up parent whose entries did not change is not listed.
    ok(&mut s, "docker exec cb chmod 600 /etc/apk/world");
    let b = ok(&mut s, "docker diff cb");
    assert_eq!(b, "C /etc/apk/world\n", "{b}");
}

#[test]
fn a_whiteout_and_an_opaque_marker_go_into_the_committed_layer() {
    let mut s = session();
    ok(&mut s, TWO);
    ok(
        &mut s,
        "docker exec ca sh -c 'rm /etc/motd && rm -rf /etc/apk && mkdir /etc/apk'",
    );
    let a = s.sim().docker().find_container("ca").unwrap();
    let layer = a.rootfs.to_layer().unwrap();
    let names: Vec<&str> = layer.entries().keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["etc", "etc/.wh.motd", "etc/apk", "etc/apk/.wh..wh..opq"]
    );
    let diff: Vec<(String, Change)> = a.rootfs.diff();
    assert_eq!(diff[0], ("etc".to_string(), Change::Changed));
}

#[test]
fn commit_adds_one_layer_whose_diff_id_is_the_sha256_of_the_upper_layer_tar() {
    let mut s = session();
    ok(&mut s, TWO);
    ok(
        &mut s,
        "docker exec ca sh -c 'echo hi > /hello && rm /etc/motd'",
    );
    let upper_tar = s
        .sim()
        .docker()
        .find_container("ca")
        .unwrap()
        .rootfs
        .to_layer()
        .unwrap()
        .tar();
    let out = ok(&mut s, "docker commit -m 'say hi' ca hi:1");
    let img = s.sim().docker().find("hi:1").unwrap().clone();
    assert_eq!(out, format!("{}\n", img.id));
    let base = s.sim().docker().find("alpine:3.20").unwrap().clone();
    assert_eq!(img.layers.len(), base.layers.len() + 1);
    assert_eq!(
        img.config.rootfs.diff_ids[..base.layers.len()],
        base.config.rootfs.diff_ids[..]
    );
    let top = img.config.rootfs.diff_ids.last().unwrap();
    assert_eq!(
        top.to_string(),
        format!("sha256:{:x}", Sha256::digest(&upper_tar))
    );
    let h = img.config.history.last().unwrap();
    assert_eq!(
        (h.created_by.as_str(), h.comment.as_str()),
        ("sleep infinity", "say hi")
    );
    assert!(!h.empty_layer);
    assert_eq!(
        img.config.config.cmd,
        Some(vec!["sleep".into(), "infinity".into()])
    );
    // A container of the new image sees the committed files.
    ok(&mut s, "docker run -d --name cc hi:1");
    assert_eq!(ok(&mut s, "docker exec cc cat /hello"), "hi\n");
    assert_eq!(ok(&mut s, "docker diff cc"), "");
    // Committing an unchanged container adds a history entry but no layer.
    ok(&mut s, "docker commit cb same:1");
    let same = s.sim().docker().find("same:1").unwrap();
    assert_eq!(same.layers.len(), base.layers.len());
    assert!(same.config.history.last().unwrap().empty_layer);
}

#[test]
fn ps_lists_running_containers_newest_first_as_docker_prints_them() {
    let mut s = session();
    ok(
        &mut s,
        "docker pull nginx:1.27-alpine\ndocker pull alpine:3.20",
    );
    ok(&mut s, "docker run -d --name web nginx:1.27-alpine");
    ok(&mut s, "run 90s");
    ok(
        &mut s,
        "docker run -d --name sleeper alpine:3.20 sh -c 'echo a && sleep 1'",
    );
    ok(&mut s, "docker run -d --name svc alpine:3.20 sleep 3600");
    ok(
        &mut s,
        "docker create --name fresh alpine:3.20 echo 'two words'",
    );
    ok(&mut s, "run 5s");
    let ids: Vec<String> = ["web", "sleeper", "svc", "fresh"]
        .iter()
        .map(|n| container_id(&s, n)[..12].to_string())
        .collect();
    assert_eq!(
        ok(&mut s, "docker ps"),
        format!(
            "CONTAINER ID   IMAGE               COMMAND                  CREATED              STATUS              PORTS     NAMES\n\
             {}   alpine:3.20         \"sleep 3600\"             5 seconds ago        Up 5 seconds                  svc\n\
             {}   nginx:1.27-alpine   \"/docker-entrypoint.…\"   About a minute ago   Up About a minute             web\n",
            ids[2], ids[0]
        )
    );
    let all = ok(&mut s, "docker ps -a");
    let lines: Vec<&str> = all.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(
        lines[1].starts_with(&ids[3])
            && lines[1].contains("\"echo 'two words'\"")
            && lines[1].contains("   Created   "),
        "{all}"
    );
    assert!(
        lines[3].contains("\"sh -c 'echo a && sl…\"")
            && lines[3].contains("Exited (0) 5 seconds ago"),
        "{all}"
    );
    assert_eq!(
        ok(&mut s, "docker ps -q"),
        format!("{}\n{}\n", ids[2], ids[0])
    );
}

#[test]
fn run_prints_the_commands_output_and_leaves_the_container_exited() {
    let mut s = session();
    let out = ok(&mut s, "docker run --name hello alpine echo hello world");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "Unable to find image 'alpine:latest' locally");
    assert_eq!(lines[1], "latest: Pulling from library/alpine");
    assert!(lines[2].ends_with(": Pull complete"));
    assert!(lines[3].starts_with("Digest: sha256:"));
    assert_eq!(lines[4], "Status: Downloaded newer image for alpine:latest");
    assert_eq!(lines[5], "hello world");
    assert_eq!(lines.len(), 6);
    let c = s.sim().docker().find_container("hello").unwrap();
    assert_eq!(c.state.exit_code, 0);
    assert_eq!(format!("{:?}", c.state.status), "Exited");
    // A failing command: its exit code is the container's.
    ok(&mut s, "docker run --name fails alpine sh -c 'cat /nope'");
    assert_eq!(
        s.sim()
            .docker()
            .find_container("fails")
            .unwrap()
            .state
            .exit_code,
        1
    );
    // --rm removes it once it exits.
    ok(&mut s, "docker run --rm --name gone alpine true");
    assert!(s.sim().docker().find_container("gone").is_none());
    // A shell with no terminal exits at once.
    ok(&mut s, "docker run -d --name idle alpine");
    assert!(ok(&mut s, "docker ps -a").contains("Exited (0)"));
}

#[test]
fn generated_names_and_ids_come_from_the_seed() {
    let names = |seed: u64| {
        let mut s = Session::new(SimConfig { seed });
        ok(&mut s, "docker pull alpine");
        ok(
            &mut s,
            "docker create alpine\ndocker create alpine\ndocker create alpine",
        );
        let mut v: Vec<(u64, String, String)> = s
            .sim()
            .docker()
            .containers
            .values()
            .map(|c| (c.seq, c.name.clone(), c.id.clone()))
            .collect();
        v.sort();
        v
    };
    let a = names(3);
    assert_eq!(a, names(3), "same seed, same names and ids");
    assert_ne!(a, names(4));
    for (_, name, id) in &a {
        assert!(name.split_once('_').is_some(), "{name}");
        assert_eq!(id.len(), 64);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}

#[test]
fn stop_start_and_rm_follow_dockers_lifecycle() {
    let mut s = session();
    ok(
        &mut s,
        "docker pull alpine:3.20\ndocker pull nginx:1.27-alpine",
    );
    ok(&mut s, "docker run -d --name ca alpine:3.20 sleep infinity");
    ok(&mut s, "docker run -d --name web nginx:1.27-alpine");
    assert_eq!(ok(&mut s, "docker stop ca web"), "ca\nweb\n");
    let code = |s: &Session, n: &str| s.sim().docker().find_container(n).unwrap().state.exit_code;
    // sleep as PID 1 ignores SIGTERM: killed after the grace period (128 + 9); nginx exits 0.
    assert_eq!(code(&s, "ca"), 137);
    assert_eq!(code(&s, "web"), 0);
    // Stopping a stopped container, or starting a running one, changes nothing but prints it.
    assert_eq!(ok(&mut s, "docker stop ca"), "ca\n");
    ok(&mut s, "docker start web\nrun 10s");
    let state = s
        .sim()
        .docker()
        .find_container("web")
        .unwrap()
        .state
        .clone();
    assert_eq!(ok(&mut s, "docker start web"), "web\n");
    assert_eq!(
        s.sim().docker().find_container("web").unwrap().state,
        state,
        "a running container is not started again"
    );
}

#[test]
fn a_stopped_container_keeps_its_writable_layer_and_rm_f_removes_a_running_one() {
    let mut s = session();
    ok(&mut s, "docker run -d --name ca alpine:3.20 sleep infinity");
    ok(&mut s, "docker exec ca touch /kept");
    ok(&mut s, "docker stop ca");
    assert_eq!(ok(&mut s, "docker diff ca"), "A /kept\n");
    assert_eq!(ok(&mut s, "docker start ca"), "ca\n");
    assert_eq!(ok(&mut s, "docker exec ca ls /kept"), "/kept\n");
    assert_eq!(ok(&mut s, "docker rm -f ca"), "ca\n");
    assert!(s.sim().docker().containers.is_empty());
    let log = s.sim().log();
    let last: Vec<&str> = log.iter().rev().take(2).map(|e| e.kind.name()).collect();
    assert_eq!(last, ["ContainerRemoved", "ContainerExited"]);
}

#[test]
fn inspect_shows_the_containers_state_image_and_overlay_directories() {
    let mut s = session();
    ok(&mut s, "docker run -d --name ca alpine:3.20 sleep infinity");
    let json: serde_json::Value = serde_json::from_str(&ok(&mut s, "docker inspect ca")).unwrap();
    let c = &json[0];
    let id = container_id(&s, "ca");
    assert_eq!(c["Id"], id);
    assert_eq!(c["Name"], "/ca");
    assert_eq!(c["Path"], "sleep");
    assert_eq!(c["Args"], serde_json::json!(["infinity"]));
    assert_eq!(c["State"]["Status"], "running");
    assert_eq!(c["State"]["Running"], true);
    let img = s.sim().docker().find("alpine:3.20").unwrap();
    assert_eq!(c["Image"], img.id.to_string());
    let data = &c["GraphDriver"]["Data"];
    let upper = data["UpperDir"].as_str().unwrap();
    assert!(upper.starts_with("/var/lib/docker/overlay2/") && upper.ends_with("/diff"));
    let dir = upper.trim_end_matches("/diff");
    assert_eq!(data["MergedDir"], format!("{dir}/merged"));
    assert_eq!(data["WorkDir"], format!("{dir}/work"));
    let lower: Vec<&str> = data["LowerDir"].as_str().unwrap().split(':').collect();
    assert_eq!(lower[0], format!("{dir}-init/diff"));
    assert_eq!(lower.len(), 1 + img.layers.len());
    assert_eq!(c["GraphDriver"]["Name"], "overlay2");
    assert_eq!(c["Config"]["Hostname"], &id[..12]);
    ok(&mut s, "docker stop ca");
    let json: serde_json::Value = serde_json::from_str(&ok(&mut s, "docker inspect ca")).unwrap();
    assert_eq!(json[0]["State"]["Status"], "exited");
    assert_eq!(json[0]["State"]["ExitCode"], 137);
}

#[test]
fn every_container_event_traces_back_to_the_command() {
    let mut s = session();
    ok(&mut s, "docker run --rm alpine:3.20 echo hi");
    let log = s.sim().log();
    let run = log
        .iter()
        .rev()
        .find(|e| e.kind.name() == "CommandRun")
        .unwrap()
        .id;
    let after: Vec<_> = log.iter().filter(|e| e.id > run).collect();
    let kinds: Vec<&str> = after.iter().map(|e| e.kind.name()).collect();
    for k in [
        "ContainerCreated",
        "ContainerStarted",
        "ContainerExited",
        "ContainerRemoved",
    ] {
        assert!(kinds.contains(&k), "{kinds:?}");
    }
    // The start's first phase names the command; each later phase the one before it; the
    // start and what follows name the last phase.
    let phases: Vec<_> = after
        .iter()
        .filter(|e| e.kind.name() == "ContainerStartPhase")
        .collect();
    assert_eq!(phases.len(), 4);
    assert_eq!(phases[0].cause, Some(run));
    assert!(phases.windows(2).all(|w| w[1].cause == Some(w[0].id)));
    let traces_back = |e: &sim_core::Event| {
        let mut cause = e.cause;
        while let Some(c) = cause {
            if c == run {
                return true;
            }
            cause = log[c.0 as usize - 1].cause;
        }
        false
    };
    assert!(after.iter().all(|e| traces_back(e)));
}

#[test]
fn rmi_of_an_image_a_container_uses_fails_with_dockers_conflict() {
    let setup = "docker pull alpine:3.20\ndocker run -d --name ca alpine:3.20 sleep infinity\ndocker create --name cb alpine:3.20";
    let mut s = session();
    ok(&mut s, setup);
    let a = container_id(&s, "ca")[..12].to_string();
    let img = s
        .sim()
        .docker()
        .find("alpine:3.20")
        .unwrap()
        .id
        .short()
        .to_string();
    assert_fails_and_changes_nothing(
        setup,
        "docker rmi alpine:3.20",
        &format!("Error response from daemon: conflict: unable to remove repository reference \"alpine:3.20\" (must force) - container {a} is using its referenced image {img}"),
    );
    assert_fails_and_changes_nothing(
        setup,
        &format!("docker rmi -f {img}"),
        &format!("Error response from daemon: conflict: unable to delete {img} (cannot be forced) - image is being used by running container {a}"),
    );
    // With -f, removing the tag only untags: the image stays for its containers.
    ok(&mut s, "docker rmi -f alpine:3.20");
    assert!(s
        .sim()
        .docker()
        .images
        .values()
        .any(|i| i.id.short() == img));
    assert!(ok(&mut s, "docker ps").contains(&format!("   {img}   ")));
}

#[test]
fn container_errors_use_dockers_wording_and_change_nothing() {
    let setup = "docker pull alpine:3.20\ndocker run -d --name c1 alpine:3.20 sleep infinity\ndocker create --name c2 alpine:3.20 true";
    let mut s = session();
    ok(&mut s, setup);
    let c1 = container_id(&s, "c1");
    let c2 = container_id(&s, "c2");
    let cases: Vec<(String, String)> = vec![
        ("docker exec nope ls".into(), "Error response from daemon: No such container: nope".into()),
        ("docker diff nope".into(), "Error response from daemon: No such container: nope".into()),
        ("docker stop nope".into(), "Error response from daemon: No such container: nope".into()),
        ("docker rm nope".into(), "Error response from daemon: No such container: nope".into()),
        ("docker commit nope x:1".into(), "Error response from daemon: No such container: nope".into()),
        (format!("docker commit c1 x@sha256:{}", "a".repeat(64)), "refusing to create a tag with a digest reference".into()),
        ("docker start nope".into(), "Error response from daemon: No such container: nope\nError: failed to start containers: nope".into()),
        ("docker rm c1".into(), "Error response from daemon: cannot remove container \"c1\": container is running: stop the container before removing or force remove".into()),
        ("docker rm c2 c1".into(), "Error response from daemon: cannot remove container \"c1\": container is running: stop the container before removing or force remove".into()),
        ("docker exec c2 ls".into(), format!("Error response from daemon: container {c2} is not running")),
        ("docker exec c1 nope".into(), "OCI runtime exec failed: exec failed: unable to start container process: exec: \"nope\": executable file not found in $PATH: unknown".into()),
        ("docker exec c1".into(), "\"docker exec\" requires at least 2 arguments.\nSee 'docker exec --help'.\n\nUsage:  docker exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\nExecute a command in a running container".into()),
        ("docker run -d --name c1 alpine:3.20 sleep 1".into(), format!("docker: Error response from daemon: Conflict. The container name \"/c1\" is already in use by container \"{c1}\". You have to remove (or rename) that container to be able to reuse that name.\nSee 'docker run --help'.")),
        ("docker run --name 'c 1' alpine:3.20 true".into(), "docker: Error response from daemon: Invalid container name (c 1), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed.\nSee 'docker run --help'.".into()),
        ("docker run alpine:3.20 nope".into(), "docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: \"nope\": executable file not found in $PATH: unknown.\nSee 'docker run --help'.".into()),
        ("docker run nosuchimage".into(), "Unable to find image 'nosuchimage:latest' locally\ndocker: Error response from daemon: pull access denied for nosuchimage, repository does not exist or may require 'docker login': denied: requested access to the resource is denied.\nSee 'docker run --help'.".into()),
        ("docker run alpine:9.9".into(), "Unable to find image 'alpine:9.9' locally\ndocker: Error response from daemon: manifest for alpine:9.9 not found: manifest unknown: manifest unknown.\nSee 'docker run --help'.".into()),
        ("docker run".into(), "\"docker run\" requires at least 1 argument.\nSee 'docker run --help'.\n\nUsage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nCreate and run a new container from an image".into()),
        ("docker run --bogus alpine".into(), "unknown flag: --bogus\nSee 'docker run --help'.".into()),
        ("docker create -d alpine".into(), "unknown flag: -d\nSee 'docker create --help'.".into()),
        ("docker diff".into(), "\"docker diff\" requires exactly 1 argument.\nSee 'docker diff --help'.\n\nUsage:  docker diff CONTAINER\n\nInspect changes to files or directories on a container's filesystem".into()),
        ("docker commit".into(), "\"docker commit\" requires at least 1 and at most 2 arguments.\nSee 'docker commit --help'.\n\nUsage:  docker commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]\n\nCreate a new image from a container's changes".into()),
        ("docker ps --bogus".into(), "unknown flag: --bogus\nSee 'docker ps --help'.".into()),
        ("docker rm".into(), "\"docker rm\" requires at least 1 argument.\nSee 'docker rm --help'.\n\nUsage:  docker rm [OPTIONS] CONTAINER [CONTAINER...]\n\nRemove one or more containers".into()),
        ("docker run -p 80:x alpine:3.20".into(), "docker: invalid containerPort: x.\nSee 'docker run --help'.".into()),
    ];
    for (bad, message) in cases {
        assert_fails_and_changes_nothing(setup, &bad, &message);
    }
}

#[test]
fn the_number_of_containers_is_limited_and_the_limit_is_stated() {
    let mut script = String::from("docker pull alpine:3.20\n");
    for _ in 0..sim_core::image::container::MAX_CONTAINERS {
        script.push_str("docker create alpine:3.20\n");
    }
    assert_fails_and_changes_nothing(
        &script,
        "docker create alpine:3.20",
        "docker: Error response from daemon: the sandbox holds at most 100 containers: remove some with docker rm\nSee 'docker create --help'.",
    );
}

#[test]
fn odd_container_input_never_panics_and_a_failure_changes_nothing() {
    let setup = "docker pull alpine:3.20\ndocker run -d --name c1 alpine:3.20 sleep infinity";
    let odd = [
        "docker run --name",
        "docker run -e",
        "docker run -d",
        "docker run -- alpine:3.20 true",
        "docker run -itd alpine:3.20",
        "docker run -w /tmp -u nobody alpine:3.20 pwd",
        "docker run -u ghost alpine:3.20 true",
        "docker run --entrypoint x alpine:3.20",
        "docker run alpine:3.20 /bin/nope",
        "docker run alpine:3.20 sh -c 'exit 3'",
        "docker create",
        "docker exec",
        "docker exec -u ghost c1 id",
        "docker exec -w /nowhere c1 pwd",
        "docker exec c1 sh -c 'rm -rf /'",
        "docker exec c1 sh -c 'mkdir /a/b/c'",
        "docker exec -e A=1 c1 env",
        "docker exec c1 sh",
        "docker exec -d c1 touch /x",
        "docker diff c1 c1",
        "docker commit c1 BAD",
        "docker commit -m",
        "docker commit c1 x:1 y:2",
        "docker ps -x",
        "docker start",
        "docker stop",
        "docker rm -x c1",
        "docker rm -f c1 c1",
        "docker inspect c1 alpine:3.20 nope",
        "docker container ls -a",
        "docker container",
        "docker save",
        "docker save -o",
        "docker save alpine:3.20 -o ../x.tar",
        "docker push",
        "docker push -x",
    ];
    for cmd in odd {
        common::assert_a_failure_changes_nothing(session, setup, cmd);
    }
}

#[test]
fn an_installed_interpreter_is_found_on_path_through_its_symlink() {
    let mut s = session();
    ok(
        &mut s,
        "cat > app/Dockerfile <<EOF\nFROM alpine:3.20\nRUN apk add --no-cache python3\nCOPY main.py .\nCMD [\"python3\", \"main.py\"]\nEOF\necho 'print(1)' > app/main.py\ndocker build -t py:1 app",
    );
    ok(&mut s, "docker run -d --name py py:1");
    let listing = ok(&mut s, "docker exec py ls -la /usr/bin/python3");
    assert!(
        listing.contains("/usr/bin/python3 -> python3.12"),
        "{listing}"
    );
    // Without the package the same command is not found, as in Docker.
    let e = s
        .submit("docker run --name bare alpine:3.20 python3")
        .remove(0);
    assert!(e
        .error
        .unwrap()
        .contains("exec: \"python3\": executable file not found in $PATH"),);
}

// ---- A start takes simulated time ---------------------------------------------------------

/// The sourced total of a container's start phases (Khan 2026, `docker run` on a Premium SSD).
const START_MS: u64 = 568;

#[test]
fn the_start_phases_add_up_to_the_sourced_568_ms() {
    let total: u64 = sim_core::image::cgroup::START_PHASES_MS
        .iter()
        .map(|(_, ms)| ms)
        .sum();
    assert_eq!(total, START_MS);
}

#[test]
fn a_container_is_not_running_during_its_start_and_runs_exactly_when_it_ends() {
    let mut s = session();
    ok(&mut s, "docker pull alpine:3.20");
    let (t0, before) = (s.sim().now().as_ms(), s.total_frames());
    let entries = s.submit("docker run -d --name ca alpine:3.20 stress --cpu 1");
    // One input; one frame per phase's end, as a `run` has one per instant.
    assert_eq!(entries.len(), 1);
    assert!(!entries[0].failed(), "{:?}", entries[0].error);
    assert_eq!(s.total_frames(), before + 4);
    assert_eq!(s.sim().now().as_ms(), t0 + START_MS);
    let c = s.sim().docker().find_container("ca").unwrap();
    assert!(c.is_running());
    assert_eq!(c.created_ms, t0 as i64);
    assert_eq!(c.state.started_ms, Some((t0 + START_MS) as i64));
    // Its process started at the end of the last phase: no CPU time yet.
    assert_eq!(c.processes[0].started_ms, t0 + START_MS);
    assert_eq!(c.cpu.usage_usec, 0);
    let started: Vec<u64> = s
        .sim()
        .log()
        .iter()
        .filter(|e| e.kind.name() == "ContainerStarted" || e.kind.name() == "WorkloadStarted")
        .map(|e| e.time.as_ms())
        .collect();
    assert_eq!(started, [t0 + START_MS, t0 + START_MS]);

    // Each phase's end is a frame: in between, the container exists but does not run.
    let mut ends = Vec::new();
    for frame in before + 1..before + 4 {
        s.seek(frame);
        let c = s.sim().docker().find_container("ca").unwrap();
        assert!(!c.is_running() && c.is_starting(), "frame {frame}");
        assert!(c.processes.is_empty() && c.shim_pid.is_none());
        assert_eq!(c.state.started_ms, None);
        assert!(!s.entries().last().unwrap().complete);
        let view = sim_core::host::view::host_view(s.sim());
        assert_eq!(view.containers[0].state, "starting");
        ends.push(s.sim().now().as_ms() - t0);
    }
    // create namespaces 9 ms, cgroup 5 ms, mount rootfs 20 ms, then exec process 534 ms.
    assert_eq!(ends, [9, 14, 34]);
    s.seek(before + 4);
    assert!(s.sim().docker().find_container("ca").unwrap().is_running());
    ok(&mut s, "run 1s");
    assert_eq!(
        s.sim()
            .docker()
            .find_container("ca")
            .unwrap()
            .cpu
            .usage_usec,
        0,
        "settled only at changes"
    );
    let stats = ok(&mut s, "docker exec ca cat /sys/fs/cgroup/cpu.stat");
    assert!(stats.starts_with("usage_usec 1000000\n"), "{stats}");
}

#[test]
fn two_docker_runs_in_a_row_start_568_ms_apart() {
    let mut s = session();
    ok(&mut s, TWO);
    let started = |s: &Session, name: &str| {
        s.sim()
            .docker()
            .find_container(name)
            .unwrap()
            .state
            .started_ms
            .unwrap()
    };
    assert_eq!(started(&s, "cb") - started(&s, "ca"), START_MS as i64);
    // `docker start` of two stopped containers waits for each in turn, too.
    ok(&mut s, "docker stop ca cb");
    let t = s.sim().now().as_ms() as i64;
    let out = ok(&mut s, "docker start ca cb");
    assert_eq!(out, "ca\ncb\n");
    assert_eq!(started(&s, "ca"), t + START_MS as i64);
    assert_eq!(started(&s, "cb"), t + 2 * START_MS as i64);
    // docker ps and inspect show the later instant.
    let ps = ok(&mut s, "docker ps");
    assert!(ps.contains("Up Less than a second"), "{ps}");
    let json: serde_json::Value = serde_json::from_str(&ok(&mut s, "docker inspect cb")).unwrap();
    assert_eq!(
        json[0]["State"]["StartedAt"],
        format!(
            "2025-01-01T00:00:0{}.{}Z",
            (t + 1136) / 1000,
            (t + 1136) % 1000
        )
    );
}

#[test]
fn a_vm_booting_meanwhile_keeps_booting_during_a_container_start() {
    let mut s = session();
    ok(
        &mut s,
        "docker pull alpine:3.20\nvm create fc --profile microvm\nvm create big --profile full\n\
         vm start fc\nvm start big",
    );
    let t0 = s.sim().now().as_ms();
    ok(&mut s, "docker run -d --name ca alpine:3.20 sleep infinity");
    // The microVM (125 ms) finished booting while the container started; the full VM went on
    // with its firmware (969 ms).
    assert!(s.sim().host().vms["fc"].is_running());
    assert_eq!(s.sim().host().vms["big"].state_text(), "booting (firmware)");
    ok(&mut s, "docker run -d --name cb alpine:3.20 sleep infinity");
    assert_eq!(s.sim().host().vms["big"].state_text(), "booting (kernel)");
    let times = |kind: &str, name: &str| -> Vec<u64> {
        s.sim()
            .log()
            .iter()
            .filter(|e| e.kind.name() == kind && e.object.name == name)
            .map(|e| e.time.as_ms() - t0)
            .collect()
    };
    assert_eq!(times("VmRunning", "fc"), [125]);
    assert_eq!(times("ContainerStartPhase", "ca"), [9, 14, 34, 568]);
    assert_eq!(times("VmBootPhase", "big"), [969]);
    // The boot race draws each container phase where it happened.
    let view = sim_core::host::view::host_view(s.sim());
    let ca = view.gantt.iter().find(|r| r.name == "ca").unwrap();
    assert_eq!((ca.start_ms, ca.end_ms), (t0, Some(t0 + START_MS)));
    let bars: Vec<(&str, u64, u64)> = ca
        .bars
        .iter()
        .map(|b| (b.phase.as_str(), b.start_ms - t0, b.end_ms - t0))
        .collect();
    assert_eq!(
        bars,
        [
            ("create namespaces", 0, 9),
            ("cgroup", 9, 14),
            ("mount rootfs", 14, 34),
            ("exec process", 34, 568)
        ]
    );
    let cb = view.gantt.iter().find(|r| r.name == "cb").unwrap();
    assert_eq!(cb.start_ms, t0 + START_MS);
}

#[test]
fn commands_scheduled_during_a_start_run_at_their_time_and_print_with_it() {
    let mut s = session();
    ok(&mut s, "docker pull alpine:3.20");
    let out = ok(
        &mut s,
        "after 100ms echo tick\ndocker run --rm alpine:3.20 echo hello",
    );
    assert_eq!(
        out,
        "scheduled \"echo tick\" for 00:00:00.100\n[00:00:00.100] echo tick\n  | tick\nhello\n"
    );
    // Removed while starting: the start ends, nothing runs, no phase stays queued.
    let out = ok(
        &mut s,
        "after 20ms docker rm -f cc\ndocker run -d --name cc alpine:3.20 sleep infinity",
    );
    assert!(
        out.contains("[00:00:00.588] docker rm -f cc\n  | cc\n"),
        "{out}"
    );
    assert!(s.sim().docker().find_container("cc").is_none());
    assert_eq!(s.sim().scheduled(), 0);
    assert!(!s
        .sim()
        .log()
        .iter()
        .any(|e| e.object.name == "cc" && e.kind.name() == "ContainerStarted"));
    assert_eq!(s.sim().now().as_ms(), 588);
}

#[test]
fn a_scheduled_docker_run_does_not_wait_and_its_output_comes_with_the_run() {
    let mut s = session();
    ok(&mut s, "docker pull alpine:3.20");
    ok(
        &mut s,
        "after 1s docker run --name late alpine:3.20 echo from-late",
    );
    let out = ok(&mut s, "run 2s");
    assert!(
        out.starts_with("[00:00:01.568] container late\n  | from-late\n"),
        "{out}"
    );
    let c = s.sim().docker().find_container("late").unwrap();
    assert_eq!(c.state.started_ms, Some(1_568));
    assert_eq!(c.state.exit_code, 0);
}

#[test]
fn typing_in_the_middle_of_a_start_lets_it_finish_later() {
    let mut s = session();
    ok(&mut s, "docker pull alpine:3.20");
    let before = s.total_frames();
    ok(&mut s, "docker run -d --name ca alpine:3.20 sleep infinity");
    s.seek(before + 2);
    assert!(s.sim().docker().find_container("ca").unwrap().is_starting());
    // The rest of the start stays queued: the next `run` finishes it, at its time.
    ok(&mut s, "clock");
    assert_eq!(s.sim().scheduled(), 1);
    assert!(ok(&mut s, "docker ps").lines().count() == 1);
    ok(&mut s, "run 1s");
    let c = s.sim().docker().find_container("ca").unwrap();
    assert!(c.is_running());
    assert_eq!(c.state.started_ms, Some(568));
    // And the whole thing replays to the same trace.
    let hash = s.sim().trace_hash();
    s.seek(0);
    s.seek(s.total_frames());
    assert_eq!(s.sim().trace_hash(), hash);
}
