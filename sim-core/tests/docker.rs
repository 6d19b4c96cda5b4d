//! The `docker` commands through a session: builds with BuildKit's cache rules, images and
//! their history, the registry, and Docker's error messages (each one changing nothing).

use sim_core::{Session, SimConfig};

mod common;
use common::ok;

fn session() -> Session {
    Session::new(SimConfig { seed: 7 })
}

fn assert_fails_and_changes_nothing(setup: &str, bad: &str, message: &str) {
    common::assert_fails_and_changes_nothing_in(session(), setup, bad, message);
}

const APP: &str = "cat > app/Dockerfile <<EOF
FROM alpine:3.20
WORKDIR /app
COPY hello.txt .
RUN apk add --no-cache curl
ENV GREETING=hi
RUN echo $GREETING > /app/greeting
CMD [\"cat\", \"/app/greeting\"]
EOF
echo hello > app/hello.txt";

fn steps(out: &str) -> Vec<(String, bool)> {
    // "#N [i/n] INSTR" followed by "#N CACHED" or not.
    let lines: Vec<&str> = out.lines().collect();
    let mut v = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let Some((_, rest)) = l.split_once(' ') else {
            continue;
        };
        if rest.starts_with('[') && !rest.contains("FROM") && !rest.starts_with("[internal]") {
            let cached = lines.get(i + 1).is_some_and(|n| n.ends_with(" CACHED"));
            v.push((rest.to_string(), cached));
        }
    }
    v
}

#[test]
fn build_prints_buildkit_progress_and_names_the_image() {
    let mut s = session();
    ok(&mut s, APP);
    let out = ok(&mut s, "docker build -t app:1.0 app");
    assert!(
        out.starts_with("#0 building with \"default\" instance using docker driver\n"),
        "{out}"
    );
    assert!(out.contains("#2 [internal] load metadata for docker.io/library/alpine:3.20\n"));
    assert!(out.contains("[1/5] FROM docker.io/library/alpine:3.20@sha256:"));
    assert!(
        out.contains("#8 0.000 (10/10) Installing curl (8.11.0-r2)\n"),
        "{out}"
    );
    assert!(out.contains("#10 naming to docker.io/library/app:1.0 done\n"));
    let id = s.sim().docker().find("app:1.0").unwrap().id.clone();
    assert!(out.contains(&format!("#10 writing image {id} done\n")));
    assert_eq!(
        steps(&out).iter().map(|s| s.0.as_str()).collect::<Vec<_>>(),
        [
            "[2/5] WORKDIR /app",
            "[3/5] COPY hello.txt .",
            "[4/5] RUN apk add --no-cache curl",
            "[5/5] RUN echo $GREETING > /app/greeting"
        ]
    );
    assert!(
        steps(&out).iter().all(|s| !s.1),
        "first build runs every step"
    );
    // Every event of the build names the command as its cause.
    let log = s.sim().log();
    let run = log
        .iter()
        .rev()
        .find(|e| e.kind.name() == "CommandRun")
        .unwrap()
        .id;
    let built: Vec<_> = log.iter().filter(|e| e.id > run).collect();
    assert!(built.iter().any(|e| e.kind.name() == "ImageBuilt"));
    assert!(built.iter().any(|e| e.kind.name() == "BuildStep"));
    assert!(built.iter().all(|e| e.cause == Some(run)));
}

#[test]
fn editing_line_k_rebuilds_steps_from_k_and_keeps_earlier_ones_cached() {
    let lines = [
        "FROM alpine:3.20",
        "WORKDIR /app",
        "COPY hello.txt .",
        "RUN mkdir -p /data && echo one > /data/one",
        "RUN apk add --no-cache curl",
        "RUN touch done",
    ];
    let write = |ls: &[String]| format!("cat > app/Dockerfile <<EOF\n{}\nEOF", ls.join("\n"));
    // Numbered steps are lines 2..6 (FROM is step 1).
    for k in 1..lines.len() {
        let mut s = session();
        ok(&mut s, "echo hello > app/hello.txt");
        let original: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        ok(&mut s, &write(&original));
        ok(&mut s, "docker build -t app app");
        let mut edited = original.clone();
        edited[k] = match k {
            1 => "WORKDIR /srv".to_string(),
            2 => "COPY hello.txt ./greeting.txt".to_string(),
            _ => format!("{} && touch /edited", lines[k]),
        };
        ok(&mut s, &write(&edited));
        let out = ok(&mut s, "docker build -t app app");
        let cached: Vec<bool> = steps(&out).iter().map(|s| s.1).collect();
        let expected: Vec<bool> = (1..lines.len()).map(|i| i < k).collect();
        assert_eq!(cached, expected, "edit of line {}:\n{out}", k + 1);
    }
}

#[test]
fn copy_rebuilds_on_content_change_but_not_on_rewriting_the_same_content() {
    let mut s = session();
    ok(&mut s, APP);
    ok(&mut s, "docker build -t app app");
    // Same bytes written again: only a modification time would differ, which the checksum
    // ignores.
    ok(&mut s, "echo hello > app/hello.txt\nrun 1m");
    let out = ok(&mut s, "docker build -t app app");
    assert!(steps(&out).iter().all(|s| s.1), "{out}");
    ok(&mut s, "echo changed > app/hello.txt");
    let out = ok(&mut s, "docker build -t app app");
    assert_eq!(
        steps(&out).iter().map(|s| s.1).collect::<Vec<_>>(),
        [true, false, false, false],
        "{out}"
    );
}

#[test]
fn no_cache_runs_every_step_and_an_unchanged_rebuild_gives_the_same_image_id() {
    let mut s = session();
    ok(&mut s, APP);
    ok(&mut s, "docker build -t app app\nrun 5m");
    let first = s.sim().docker().find("app").unwrap().id.clone();
    ok(&mut s, "docker build -t app app");
    assert_eq!(
        s.sim().docker().find("app").unwrap().id,
        first,
        "fully cached ⇒ same ImageID"
    );
    let out = ok(&mut s, "docker build --no-cache -t app app");
    assert!(steps(&out).iter().all(|s| !s.1), "{out}");
    let second = s.sim().docker().find("app").unwrap().id.clone();
    assert_ne!(
        second, first,
        "a rebuild 5 minutes later has other history times"
    );
    // The old image lost its tag: it is dangling, and prune removes it.
    let images = ok(&mut s, "docker images");
    assert!(images.contains("<none>       <none>    "), "{images}");
    let out = ok(&mut s, "docker image prune -f");
    assert!(
        out.starts_with(&format!("Deleted Images:\ndeleted: {first}\n")),
        "{out}"
    );
    assert!(s.sim().docker().find(first.hex()).is_none());
    assert!(!ok(&mut s, "docker images").contains("<none>"));
}

#[test]
fn building_on_an_image_never_changes_it() {
    let mut s = session();
    ok(&mut s, "docker pull alpine:3.20");
    let before = s.sim().docker().find("alpine:3.20").unwrap().clone();
    ok(
        &mut s,
        "cat > app/Dockerfile <<EOF\nFROM alpine:3.20\nRUN rm -rf /etc/apk && echo x > /etc/motd\nEOF",
    );
    ok(&mut s, "docker build -t changed app");
    let after = s.sim().docker().find("alpine:3.20").unwrap();
    assert_eq!(after.id, before.id);
    assert_eq!(after.config.rootfs.diff_ids, before.config.rootfs.diff_ids);
    assert!(
        after.rootfs.exists("etc/apk/world"),
        "the base image still has its files"
    );
    let built = s.sim().docker().find("changed").unwrap();
    assert!(!built.rootfs.exists("etc/apk"));
    assert_eq!(
        built.config.rootfs.diff_ids[0], before.config.rootfs.diff_ids[0],
        "base layer shared"
    );
    // The new layer holds a whiteout, not a changed copy of the base layer.
    let top = built.layers.last().unwrap();
    assert!(
        top.entries().contains_key("etc/.wh.apk"),
        "{:?}",
        top.entries().keys()
    );
}

#[test]
fn history_lists_layers_newest_first_with_missing_ids_and_empty_layers() {
    let mut s = session();
    ok(&mut s, APP);
    ok(&mut s, "docker build -t app:1.0 app\nrun 2m");
    let out = ok(&mut s, "docker history app:1.0");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "IMAGE          CREATED         CREATED BY                                      SIZE      COMMENT"
    );
    let id = s
        .sim()
        .docker()
        .find("app:1.0")
        .unwrap()
        .id
        .short()
        .to_string();
    assert!(
        lines[1].starts_with(&format!(
            "{id}   2 minutes ago   CMD [\"cat\" \"/app/greeting\"]"
        )),
        "{out}"
    );
    assert!(lines[1].contains("   0B        buildkit.dockerfile.v0"));
    assert!(
        lines[2].starts_with(
            "<missing>      2 minutes ago   RUN /bin/sh -c echo $GREETING > /app/greetin…   3B"
        ),
        "{out}"
    );
    assert!(
        lines.last().unwrap().starts_with(
            "<missing>      4 months ago    ADD alpine-minirootfs-3.20.3-x86_64.tar.gz /…   7.8MB"
        ),
        "{out}"
    );
    let images = ok(&mut s, "docker images");
    assert_eq!(
        images,
        format!(
            "REPOSITORY   TAG       IMAGE ID       CREATED         SIZE\n\
             app          1.0       {id}   2 minutes ago   13.2MB\n"
        )
    );
}

#[test]
fn pull_dedups_layers_already_in_the_local_store() {
    let mut s = session();
    let out = ok(&mut s, "docker pull alpine");
    let alpine = s.sim().docker().find("alpine").unwrap().clone();
    let short = alpine.config.rootfs.diff_ids[0].0.short().to_string();
    assert!(
        out.starts_with(&format!(
            "Using default tag: latest\nlatest: Pulling from library/alpine\n{short}: Pull complete\nDigest: sha256:"
        )),
        "{out}"
    );
    assert!(out.ends_with(
        "Status: Downloaded newer image for alpine:latest\ndocker.io/library/alpine:latest\n"
    ));
    let out = ok(&mut s, "docker pull nginx:1.27-alpine");
    assert!(out.contains(&format!("{short}: Already exists\n")), "{out}");
    assert_eq!(out.matches("Pull complete").count(), 2, "{out}");
    let out = ok(&mut s, "docker pull alpine");
    assert!(out.contains("Status: Image is up to date for alpine:latest\n"));
    // One alpine layer in the store, shared by both images.
    assert_eq!(s.sim().docker().layers.len(), 3);
}

#[test]
fn tag_and_rmi_untag_then_delete_unused_layers() {
    let mut s = session();
    ok(
        &mut s,
        "docker pull busybox:1.36\ndocker tag busybox:1.36 mybox:v1",
    );
    let id = s.sim().docker().find("mybox:v1").unwrap().id.clone();
    assert_eq!(s.sim().docker().find("busybox:1.36").unwrap().id, id);
    let out = ok(&mut s, "docker rmi mybox:v1");
    assert_eq!(out, "Untagged: mybox:v1\n");
    let out = ok(&mut s, "docker rmi busybox:1.36");
    let chain = s
        .sim()
        .log()
        .iter()
        .rev()
        .find(|e| e.kind.name() == "LayerDeleted")
        .unwrap()
        .object
        .name
        .clone();
    assert!(
        out.starts_with("Untagged: busybox:1.36\nUntagged: busybox@sha256:"),
        "{out}"
    );
    assert!(
        out.ends_with(&format!("Deleted: {id}\nDeleted: {chain}\n")),
        "{out}"
    );
    assert!(s.sim().docker().layers.is_empty());
}

#[test]
fn multi_stage_builds_copy_from_an_earlier_stage_only() {
    let mut s = session();
    ok(
        &mut s,
        "cat > ms/Dockerfile <<EOF\nFROM alpine:3.20 AS build\nRUN mkdir /out && echo binary > /out/app && apk add --no-cache git\nFROM busybox:1.36\nCOPY --from=build /out/app /usr/local/bin/app\nCMD [\"app\"]\nEOF",
    );
    let out = ok(&mut s, "docker build -t small ms");
    assert!(out.contains("[build 2/2] RUN mkdir /out"), "{out}");
    assert!(
        out.contains("[stage-1 2/2] COPY --from=build /out/app /usr/local/bin/app"),
        "{out}"
    );
    let img = s.sim().docker().find("small").unwrap();
    assert!(img.rootfs.exists("usr/local/bin/app"));
    assert!(
        !img.rootfs.exists("usr/bin/git"),
        "the build stage's packages stay behind"
    );
    assert_eq!(img.layers.len(), 2);
}

const ERR_SETUP: &str = "echo hello > app/hello.txt
cat > app/Dockerfile <<EOF
FROM alpine:3.20
COPY hello.txt /
EOF
docker build -t app:1.0 app
docker tag app:1.0 other:1.0";

#[test]
fn registry_errors_use_dockers_wording_and_change_nothing() {
    assert_fails_and_changes_nothing(
        ERR_SETUP,
        "docker pull nosuch",
        "Error response from daemon: pull access denied for nosuch, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
    );
    assert_fails_and_changes_nothing(
        ERR_SETUP,
        "docker pull alpine:9.9",
        "Error response from daemon: manifest for alpine:9.9 not found: manifest unknown: manifest unknown",
    );
    assert_fails_and_changes_nothing(
        ERR_SETUP,
        "docker pull Alpine",
        "invalid reference format: repository name (library/Alpine) must be lowercase",
    );
}

#[test]
fn image_errors_use_dockers_wording_and_change_nothing() {
    assert_fails_and_changes_nothing(
        ERR_SETUP,
        "docker history nope",
        "Error response from daemon: No such image: nope:latest",
    );
    assert_fails_and_changes_nothing(
        ERR_SETUP,
        "docker inspect nope",
        "Error: No such object: nope",
    );
    assert_fails_and_changes_nothing(
        ERR_SETUP,
        "docker rmi nope",
        "Error response from daemon: No such image: nope:latest",
    );
    assert_fails_and_changes_nothing(
        ERR_SETUP,
        "docker tag nope x",
        "Error response from daemon: No such image: nope:latest",
    );
    // rmi of one good and one missing name removes nothing.
    assert_fails_and_changes_nothing(
        ERR_SETUP,
        "docker rmi other:1.0 nope",
        "Error response from daemon: No such image: nope:latest",
    );
    let mut s = session();
    ok(&mut s, ERR_SETUP);
    let id = s
        .sim()
        .docker()
        .find("app:1.0")
        .unwrap()
        .id
        .short()
        .to_string();
    assert_fails_and_changes_nothing(
        ERR_SETUP,
        &format!("docker rmi {id}"),
        &format!("Error response from daemon: conflict: unable to delete {id} (must be forced) - image is referenced in multiple repositories"),
    );
    assert_fails_and_changes_nothing(
        ERR_SETUP,
        "docker frob",
        "docker: 'frob' is not a docker command.\nSee 'docker --help'",
    );
}

#[test]
fn build_errors_use_buildkits_wording_and_change_nothing() {
    assert_fails_and_changes_nothing(
        ERR_SETUP,
        "docker build -t Bad app",
        "ERROR: invalid tag \"Bad\": repository name (library/Bad) must be lowercase",
    );
    let zero = "0".repeat(64);
    assert_fails_and_changes_nothing(
        ERR_SETUP,
        &format!("docker build -t a@sha256:{zero} app"),
        &format!("ERROR: invalid tag \"a@sha256:{zero}\": refusing to create a tag with a digest reference"),
    );
    assert_fails_and_changes_nothing(
        ERR_SETUP,
        "docker build -t a nope",
        "ERROR: unable to prepare context: path \"nope\" not found",
    );
    assert_fails_and_changes_nothing(
        ERR_SETUP,
        "docker build -t a -f nope.Dockerfile app",
        "ERROR: failed to solve: failed to read dockerfile: open nope.Dockerfile: no such file or directory",
    );
    let bad =
        format!("{ERR_SETUP}\ncat > bad/Dockerfile <<EOF\nFROM alpine:3.20\nRUN true\nRUNN x\nEOF");
    assert_fails_and_changes_nothing(
        &bad,
        "docker build -t a bad",
        "ERROR: failed to solve: dockerfile parse error on line 3: unknown instruction: RUNN",
    );
}

/// Builds `dockerfile` after ERR_SETUP; returns the error. The build makes no image and no tag
/// either way; it changes nothing unless `keeps` (a RUN failed after other steps completed, or
/// after a base image was pulled: BuildKit keeps those).
fn failed_build_keeping(dockerfile: &str, keeps: bool) -> String {
    let mut s = session();
    ok(&mut s, ERR_SETUP);
    ok(
        &mut s,
        &format!("cat > f/Dockerfile <<EOF\n{dockerfile}\nEOF\necho hi > f/x"),
    );
    let before = s.sim().state_fingerprint();
    let images = s.sim().docker().images.len();
    let tags = s.sim().docker().tags.clone();
    let e = s.submit("docker build -t f f").remove(0);
    assert_eq!(
        s.sim().state_fingerprint() == before,
        !keeps,
        "a failed build changes nothing unless a RUN failed after completed steps"
    );
    assert_eq!(s.sim().docker().images.len(), images, "no image");
    assert_eq!(s.sim().docker().tags, tags, "no tag");
    assert_eq!(e.output, "");
    e.error.expect("the build fails")
}

fn failed_build(dockerfile: &str) -> String {
    failed_build_keeping(dockerfile, false)
}

#[test]
fn an_unknown_program_fails_the_build_as_docker_reports_it() {
    let err = failed_build_keeping(
        "FROM alpine:3.20\nCOPY x /x\nRUN foo --version\nRUN true",
        true,
    );
    assert!(err.contains("[3/4] RUN foo --version\n#7 0.000 /bin/sh: foo: not found\n#7 ERROR: process \"/bin/sh -c foo --version\" did not complete successfully: exit code: 127\n"), "{err}");
    assert!(err.contains("Dockerfile:3\n--------------------\n   1 |     FROM alpine:3.20\n   2 |     COPY x /x\n   3 | >>> RUN foo --version\n   4 |     RUN true\n--------------------\n"), "{err}");
    assert!(
        err.ends_with("ERROR: failed to solve: process \"/bin/sh -c foo --version\" did not complete successfully: exit code: 127"),
        "{err}"
    );
    // On Debian, /bin/sh is dash, which words it differently.
    let err = failed_build_keeping("FROM debian:12\nRUN apk add curl", true);
    assert!(err.contains("/bin/sh: 1: apk: not found"), "{err}");
}

#[test]
fn missing_copy_sources_and_unknown_base_images_fail_the_build() {
    let err = failed_build("FROM alpine:3.20\nCOPY nope /app/");
    assert!(
        err.ends_with("ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of ref: \"/nope\": not found"),
        "{err}"
    );
    let err = failed_build("FROM nosuch:1\nRUN true");
    assert!(
        err.starts_with("ERROR: failed to solve: nosuch:1: failed to resolve source metadata for docker.io/library/nosuch:1: pull access denied"),
        "{err}"
    );
}

#[test]
fn odd_docker_input_never_panics_and_a_failure_changes_nothing() {
    let odd = [
        "docker",
        "docker build",
        "docker build -t",
        "docker build -t x",
        "docker build -f",
        "docker build --bogus .",
        "docker build -t x:1 -t y:2 app",
        "docker build -t x ../..",
        "docker images -x",
        "docker images app",
        "docker images -q",
        "docker history",
        "docker history --no-trunc app:1.0",
        "docker inspect",
        "docker inspect app:1.0 other:1.0",
        "docker tag app:1.0",
        "docker tag app:1.0 BAD",
        "docker rmi",
        "docker rmi -f app:1.0",
        "docker pull",
        "docker pull a b",
        "docker pull alpine@sha256:00",
        "docker pull @sha256:0000000000000000000000000000000000000000000000000000000000000000",
        "docker pull a@b@c",
        "docker pull localhost:/x",
        "docker pull :5000/x",
        "docker pull [::1]:5000/x",
        "docker pull localhost:5000/",
        "docker pull LOCALHOST:5000/x",
        "docker pull x.y/",
        "docker pull é/x",
        "docker pull x/é",
        "docker images --digests --no-trunc -q",
        "docker images localhost:5000/app:1",
        "docker rmi localhost:5000/app@sha256:00",
        "docker tag app:1.0 localhost:5000/app:1\ndocker rmi -f app:1.0 localhost:5000/app:1",
        "docker push localhost:5000",
        "docker push localhost:5000/app@sha256:0000000000000000000000000000000000000000000000000000000000000000",
        "docker run localhost:5000/x@sha512:00",
        "docker image prune",
        "docker image prune -a -f",
        "docker image prune --bogus",
        "docker image",
        "docker sha256:",
    ];
    for cmd in odd {
        common::assert_a_failure_changes_nothing(session, ERR_SETUP, cmd);
    }
    let dockerfiles = [
        "FROM",
        "FROM a b",
        "FROM alpine:3.20\nCOPY",
        "FROM alpine:3.20\nENV",
        "FROM alpine:3.20\nENV A",
        "FROM alpine:3.20\nLABEL a",
        "FROM alpine:3.20\nARG",
        "FROM alpine:3.20\nRUN [\"nope\"]",
        "FROM alpine:3.20\nRUN echo 'unterminated",
        "FROM alpine:3.20\nRUN cat /etc/os-release | grep ID",
        "FROM alpine:3.20\nRUN rm -rf /",
        "FROM alpine:3.20\nUSER nobody:nogroup\nRUN touch /tmp/x",
        "FROM alpine:3.20\nUSER ghost\nRUN true",
        "FROM alpine:3.20\nWORKDIR relative/dir\nCOPY . .",
        "FROM alpine:3.20\nCOPY --from=nowhere /x /y",
        "FROM alpine:3.20\nADD https://example.com/x /x",
        "FROM scratch\nCOPY hello.txt /",
        "FROM alpine:3.20 AS a\nFROM a\nRUN ls -la /",
        "FROM alpine:3.20\nHEALTHCHECK CMD true",
        "\\\n\\\n",
    ];
    for df in dockerfiles {
        let setup = format!("{ERR_SETUP}\ncat > app/Dockerfile <<'XEOF'\n{df}\nXEOF");
        common::assert_a_failure_changes_nothing(session, &setup, "docker build -t t app");
    }
}

/// A `BuildStep` event as (step, cached, Some((base, pulled)) for FROM).
type StepEvent = (String, bool, Option<(String, bool)>);

/// The last build's `BuildStep` events.
fn build_step_events(s: &Session) -> Vec<StepEvent> {
    let log = s.sim().log();
    let run = log
        .iter()
        .rev()
        .find(|e| e.kind.name() == "CommandRun")
        .unwrap()
        .id;
    log.iter()
        .filter(|e| e.id > run)
        .filter_map(|e| match &e.kind {
            sim_core::EventKind::BuildStep { step, cached, from } => Some((
                step.clone(),
                *cached,
                from.as_ref().map(|f| (f.base.clone(), f.pulled)),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn from_is_build_step_one_pulled_the_first_time_and_cached_once_local() {
    let mut s = session();
    ok(&mut s, APP);
    ok(&mut s, "docker build -t app:1.0 app");
    let first = build_step_events(&s);
    assert_eq!(
        first.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        [
            "[1/5] FROM alpine:3.20",
            "[2/5] WORKDIR /app",
            "[3/5] COPY hello.txt .",
            "[4/5] RUN apk add --no-cache curl",
            "[5/5] RUN echo $GREETING > /app/greeting"
        ]
    );
    let (base, pulled) = first[0].2.clone().expect("FROM carries its base");
    assert!(pulled && !first[0].1, "{first:?}");
    let digest = ok(&mut s, "docker pull alpine:3.20");
    assert!(
        digest.contains(&base["docker.io/library/alpine:3.20@".len()..]),
        "{base} vs\n{digest}"
    );
    assert!(first[1..].iter().all(|e| e.2.is_none() && !e.1));
    // Rebuilt: the base is local now (CACHED), and so is every step.
    ok(&mut s, "docker build -t app:1.0 app");
    let second = build_step_events(&s);
    assert_eq!(second[0].2, Some((base, false)));
    assert!(second.iter().all(|e| e.1), "{second:?}");
    // A multi-stage build: the second stage's FROM names an earlier stage, CACHED.
    ok(
        &mut s,
        "cat > ms/Dockerfile <<EOF\nFROM alpine:3.20 AS build\nRUN echo x > /x\nFROM build\nRUN echo y > /y\nEOF",
    );
    ok(&mut s, "docker build -t ms ms");
    let ms = build_step_events(&s);
    let froms: Vec<_> = ms
        .iter()
        .filter_map(|e| e.2.as_ref().map(|f| (e.0.as_str(), f.0.as_str(), f.1)))
        .collect();
    assert_eq!(froms.len(), 2, "{ms:?}");
    assert!(froms[0]
        .0
        .starts_with("[build 1/2] FROM alpine:3.20 AS build"));
    assert_eq!(
        (froms[1].0, froms[1].1, froms[1].2),
        ("[stage-1 1/2] FROM build", "build", false)
    );
}

/// The cells of a `docker images` line (columns are separated by at least three spaces).
fn cells(line: &str) -> Vec<&str> {
    line.split("   ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

#[test]
fn images_digests_adds_a_digest_column_with_none_for_images_never_pulled_or_pushed() {
    let mut s = session();
    ok(
        &mut s,
        &format!("{APP}\ndocker build -t app:1 app\ndocker pull alpine:3.20"),
    );
    let alpine = s.sim().docker().find("alpine:3.20").unwrap().clone();
    let app = s.sim().docker().find("app:1").unwrap().clone();
    let digest = alpine.manifest().digest();
    let out = ok(&mut s, "docker images --digests");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        cells(lines[0]),
        ["REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE"]
    );
    let rows: Vec<Vec<&str>> = lines[1..].iter().map(|l| cells(l)).collect();
    assert_eq!(rows.len(), 2);
    let row = |repo: &str| rows.iter().find(|r| r[0] == repo).unwrap().clone();
    assert_eq!(row("app")[..4], ["app", "1", "<none>", app.id.short()]);
    assert_eq!(
        row("alpine")[..4],
        ["alpine", "3.20", digest.as_str(), alpine.id.short()]
    );
    // Pushing gives the image its repository digest.
    ok(&mut s, "docker push app:1");
    let pushed = app.manifest().digest();
    let out = ok(&mut s, "docker images --digests app");
    assert_eq!(
        cells(out.lines().nth(1).unwrap())[..3],
        ["app", "1", pushed.as_str()]
    );
    let inspect = ok(&mut s, "docker inspect app:1");
    assert!(inspect.contains(&format!("\"app@{pushed}\"")), "{inspect}");
    // --no-trunc shows whole image ids, also with -q.
    let out = ok(&mut s, "docker images --no-trunc app");
    assert_eq!(cells(out.lines().nth(1).unwrap())[2], app.id.as_str());
    assert_eq!(
        ok(&mut s, "docker images -q --no-trunc app"),
        format!("{}\n", app.id)
    );
}

#[test]
fn an_image_known_only_by_digest_keeps_its_repository_name_and_rmi_by_id_untags_everything() {
    let mut s = session();
    ok(
        &mut s,
        "docker pull alpine:3.20\ndocker pull busybox\ndocker tag busybox alpine:3.20",
    );
    // The old alpine image lost its tag but keeps its RepoDigest: `alpine <none>`, not dangling
    // in the listing (though `image prune` would remove it, as moby does).
    let out = ok(&mut s, "docker images alpine");
    let rows: Vec<Vec<&str>> = out.lines().skip(1).map(cells).collect();
    assert!(rows.iter().any(|r| r[..2] == ["alpine", "<none>"]), "{out}");
    let old = s
        .sim()
        .docker()
        .images
        .values()
        .find(|i| s.sim().docker().tags_of(&i.id).is_empty())
        .unwrap()
        .clone();
    let out = ok(&mut s, &format!("docker rmi {}", old.id.short()));
    assert!(
        out.starts_with(&format!(
            "Untagged: {}\nDeleted: {}\n",
            old.repo_digests[0], old.id
        )),
        "{out}"
    );
}

#[test]
fn a_failed_run_keeps_the_steps_before_it_cached_but_makes_no_image() {
    let mut s = session();
    let dockerfile = |last: &str| {
        format!(
            "cat > f/Dockerfile <<EOF\nFROM alpine:3.20\nCOPY x /x\nRUN echo one > /one\n{last}\nEOF"
        )
    };
    ok(
        &mut s,
        &format!("echo hi > f/x\n{}", dockerfile("RUN foo --version")),
    );
    let images = s.sim().docker().images.len();
    let e = s.submit("docker build -t f:1 f").remove(0);
    assert!(
        e.error.as_deref().unwrap().ends_with("exit code: 127"),
        "{:?}",
        e.error
    );
    assert_eq!(s.sim().docker().images.len(), images, "no image");
    assert!(s.sim().docker().tags.is_empty(), "no tag");
    // COPY and the first RUN are in the cache (FROM names an image); the failed RUN is not.
    assert_eq!(s.sim().docker().cache.len(), 2);
    // Fix the line: the steps before it come from the cache.
    ok(&mut s, &dockerfile("RUN echo fixed > /fixed"));
    let out = ok(&mut s, "docker build -t f:1 f");
    assert_eq!(
        steps(&out),
        [
            ("[2/4] COPY x /x".to_string(), true),
            ("[3/4] RUN echo one > /one".to_string(), true),
            ("[4/4] RUN echo fixed > /fixed".to_string(), false),
        ]
    );
    assert!(s.sim().docker().find("f:1").is_some());
    // A failure that is not a RUN's keeps nothing, even after completed steps.
    let before = s.sim().state_fingerprint();
    ok(
        &mut s,
        "cat > g/Dockerfile <<EOF\nFROM alpine:3.20\nRUN echo two > /two\nCOPY nope /\nEOF",
    );
    let fingerprint = s.sim().state_fingerprint();
    assert_ne!(fingerprint, before, "the Dockerfile was written");
    assert!(s.submit("docker build -t g:1 g").remove(0).failed());
    assert_eq!(s.sim().state_fingerprint(), fingerprint);
}
