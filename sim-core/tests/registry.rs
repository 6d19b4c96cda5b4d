//! `docker push` and `docker pull` against the sandbox registry: blobs are stored once per
//! repository, so pushes and pulls only move the layers the other side lacks.

use sim_core::{Session, SimConfig};

mod common;
use common::ok;

fn session() -> Session {
    Session::new(SimConfig { seed: 11 })
}

fn assert_fails_and_changes_nothing(setup: &str, bad: &str, message: &str) {
    common::assert_fails_and_changes_nothing_in(session(), setup, bad, message);
}

const APP: &str = "cat > app/Dockerfile <<EOF
FROM alpine:3.20
RUN echo one > /one
RUN echo two > /two
EOF
docker build -t app:1 app";

fn short_diff_ids(s: &Session, image: &str) -> Vec<String> {
    s.sim()
        .docker()
        .find(image)
        .unwrap()
        .layers
        .iter()
        .map(|l| l.diff_id().0.short().to_string())
        .collect()
}

#[test]
fn push_uploads_new_layers_mounts_base_layers_and_skips_what_the_repository_has() {
    let mut s = session();
    ok(&mut s, APP);
    let ids = short_diff_ids(&s, "app:1");
    let manifest = s.sim().docker().find("app:1").unwrap().manifest();
    let out = ok(&mut s, "docker push app:1");
    assert_eq!(
        out,
        format!(
            "The push refers to repository [docker.io/library/app]\n\
             {}: Pushed\n{}: Pushed\n{}: Mounted from library/alpine\n\
             1: digest: {} size: {}\n",
            ids[2],
            ids[1],
            ids[0],
            manifest.digest(),
            manifest.to_bytes().len()
        )
    );
    // Push again: the repository has every blob.
    let again = ok(&mut s, "docker push app:1");
    assert_eq!(
        again.matches(": Layer already exists\n").count(),
        3,
        "{again}"
    );
    // A new image sharing two layers: only the new one is uploaded.
    ok(
        &mut s,
        "cat > app/Dockerfile <<EOF
FROM alpine:3.20
RUN echo one > /one
RUN echo three > /three
EOF
docker build -t app:2 app",
    );
    let ids2 = short_diff_ids(&s, "app:2");
    assert_eq!(ids2[..2], ids[..2]);
    let out = ok(&mut s, "docker push app:2");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[1], format!("{}: Pushed", ids2[2]));
    assert_eq!(lines[2], format!("{}: Layer already exists", ids2[1]));
    assert_eq!(lines[3], format!("{}: Layer already exists", ids2[0]));
    assert!(lines[4].starts_with("2: digest: sha256:"));
    // Another repository: the registry mounts the blobs it already holds.
    ok(&mut s, "docker tag app:1 team/app:1");
    let out = ok(&mut s, "docker push team/app:1");
    assert!(out.starts_with("The push refers to repository [docker.io/team/app]\n"));
    assert_eq!(out.matches(": Mounted from library/").count(), 3, "{out}");
    let reg = s.sim().registry();
    assert_eq!(
        reg.layers.len(),
        4,
        "each blob is stored once: alpine, one, two, three"
    );
    assert_eq!(reg.repositories["app"].tags.len(), 2);
}

#[test]
fn pull_of_a_pushed_image_downloads_only_the_missing_layers() {
    let mut s = session();
    ok(&mut s, APP);
    let push = ok(&mut s, "docker push app:1");
    let digest = push
        .lines()
        .last()
        .unwrap()
        .split_whitespace()
        .nth(2)
        .unwrap()
        .to_string();
    let id = s.sim().docker().find("app:1").unwrap().id.clone();
    let ids = short_diff_ids(&s, "app:1");
    // Forget the image locally; alpine's layer stays because alpine:3.20 is still there.
    ok(&mut s, "docker pull alpine:3.20\ndocker rmi app:1");
    assert!(s.sim().docker().find("app:1").is_none());
    let out = ok(&mut s, "docker pull app:1");
    assert_eq!(
        out,
        format!(
            "1: Pulling from library/app\n{}: Already exists\n{}: Pull complete\n{}: Pull complete\n\
             Digest: {digest}\nStatus: Downloaded newer image for app:1\ndocker.io/library/app:1\n",
            ids[0], ids[1], ids[2]
        )
    );
    assert_eq!(
        s.sim().docker().find("app:1").unwrap().id,
        id,
        "same image back"
    );
    // Pulling again changes nothing but says so.
    let again = ok(&mut s, "docker pull app:1");
    assert!(
        again.contains("Status: Image is up to date for app:1"),
        "{again}"
    );
    // A build can start FROM a pushed image after it was removed locally.
    ok(&mut s, "docker rmi app:1");
    ok(
        &mut s,
        "cat > b/Dockerfile <<EOF\nFROM app:1\nRUN touch /x\nEOF\ndocker build -t b:1 b",
    );
    assert_eq!(s.sim().docker().find("b:1").unwrap().layers.len(), 4);
}

#[test]
fn push_errors_use_dockers_wording_and_change_nothing() {
    let setup = format!("{APP}\ndocker pull alpine:3.20");
    for (bad, message) in [
        (
            "docker push nope",
            "The push refers to repository [docker.io/library/nope]\nAn image does not exist locally with the tag: nope",
        ),
        (
            "docker push app:9",
            "The push refers to repository [docker.io/library/app]\ntag does not exist: app:9",
        ),
        (
            "docker push alpine:3.20",
            "The push refers to repository [docker.io/library/alpine]\ndenied: requested access to the resource is denied",
        ),
        (
            "docker push",
            "\"docker push\" requires exactly 1 argument.\nSee 'docker push --help'.\n\nUsage:  docker push [OPTIONS] NAME[:TAG]\n\nUpload an image to a registry",
        ),
        ("docker push App", "invalid reference format: repository name (library/App) must be lowercase"),
        (
            "docker pull app:1",
            "Error response from daemon: pull access denied for app, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
        ),
    ] {
        assert_fails_and_changes_nothing(&setup, bad, message);
    }
    // A pushed repository without the asked tag.
    assert_fails_and_changes_nothing(
        &format!("{setup}\ndocker push app:1"),
        "docker pull app:2",
        "Error response from daemon: manifest for app:2 not found: manifest unknown: manifest unknown",
    );
}
