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

/// The `Digest:` line of a `docker pull` or the digest of a `docker push`'s last line.
fn digest_in(out: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix("Digest: "))
        .or_else(|| out.lines().last()?.split_whitespace().nth(2))
        .unwrap()
        .to_string()
}

#[test]
fn pull_by_digest_brings_the_same_image_as_pull_by_tag_without_a_tag() {
    let mut s = session();
    let by_tag = ok(&mut s, "docker pull alpine:3.20");
    let digest = digest_in(&by_tag);
    let id = s.sim().docker().find("alpine:3.20").unwrap().id.clone();
    let layer = short_diff_ids(&s, "alpine:3.20")[0].clone();
    ok(&mut s, "docker rmi alpine:3.20");
    assert!(s.sim().docker().images.is_empty());
    let out = ok(&mut s, &format!("docker pull alpine@{digest}"));
    assert_eq!(
        out,
        format!(
            "{digest}: Pulling from library/alpine\n{layer}: Pull complete\nDigest: {digest}\n\
             Status: Downloaded newer image for alpine@{digest}\n\
             docker.io/library/alpine@{digest}\n"
        )
    );
    let img = s.sim().docker().find(&format!("alpine@{digest}")).unwrap();
    assert_eq!(img.id, id, "the same ImageID either way");
    assert_eq!(img.repo_digests, [format!("alpine@{digest}")]);
    assert!(
        s.sim().docker().tags.is_empty(),
        "a pull by digest tags nothing"
    );
    // `docker images` shows the repository with a `<none>` tag.
    let images = ok(&mut s, "docker images");
    let row: Vec<&str> = images.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(row[..3], ["alpine", "<none>", id.short()]);
    // Again: up to date. A tag beside the digest is ignored.
    let again = ok(&mut s, &format!("docker pull alpine:9.9@{digest}"));
    assert!(
        again.contains(&format!(
            "Status: Image is up to date for alpine@{digest}\n"
        )),
        "{again}"
    );
    // inspect, history and run resolve NAME@DIGEST through RepoDigests.
    let inspect = ok(&mut s, &format!("docker inspect alpine@{digest}"));
    assert!(
        inspect.contains(&format!(
            "\"RepoDigests\": [\n            \"alpine@{digest}\"\n        ]"
        )),
        "{inspect}"
    );
    assert!(inspect.contains("\"RepoTags\": []"), "{inspect}");
    ok(&mut s, &format!("docker history alpine@{digest}"));
    let run = ok(&mut s, &format!("docker run --rm alpine@{digest} echo hi"));
    assert_eq!(run, "hi\n");
    // rmi by digest removes that reference, and with it the image.
    let rmi = ok(&mut s, &format!("docker rmi alpine@{digest}"));
    assert!(
        rmi.starts_with(&format!("Untagged: alpine@{digest}\nDeleted: {id}\n")),
        "{rmi}"
    );
    assert!(s.sim().docker().images.is_empty());
}

#[test]
fn run_by_digest_pulls_the_manifest_it_names() {
    let mut s = session();
    let digest = digest_in(&ok(&mut s, "docker pull busybox\ndocker rmi busybox"));
    let out = ok(&mut s, &format!("docker run --rm busybox@{digest} echo hi"));
    assert!(
        out.starts_with(&format!(
            "Unable to find image 'busybox@{digest}' locally\n{digest}: Pulling from library/busybox\n"
        )),
        "{out}"
    );
    assert!(
        out.ends_with(&format!(
            "Status: Downloaded newer image for busybox@{digest}\nhi\n"
        )),
        "{out}"
    );
}

#[test]
fn a_digest_the_registry_does_not_hold_is_an_unknown_manifest() {
    let zero = format!("sha256:{}", "0".repeat(64));
    let setup = "docker pull alpine:3.20";
    for (bad, message) in [
        (
            format!("docker pull alpine@{zero}"),
            format!("Error response from daemon: manifest for alpine@{zero} not found: manifest unknown: manifest unknown"),
        ),
        (
            format!("docker run alpine@{zero}"),
            format!("Unable to find image 'alpine@{zero}' locally\ndocker: Error response from daemon: manifest for alpine@{zero} not found: manifest unknown: manifest unknown.\nSee 'docker run --help'."),
        ),
        (
            format!("docker inspect alpine@{zero}"),
            format!("Error: No such object: alpine@{zero}"),
        ),
        (
            format!("docker rmi alpine@{zero}"),
            format!("Error response from daemon: No such image: alpine@{zero}"),
        ),
        (
            format!("docker pull alpine@sha256:{}", "0".repeat(63)),
            "invalid checksum digest length".to_string(),
        ),
        (
            format!("docker pull alpine@sha256:{}", "A".repeat(64)),
            "invalid checksum digest format".to_string(),
        ),
        (
            format!("docker tag alpine:3.20 mine@{zero}"),
            "refusing to create a tag with a digest reference".to_string(),
        ),
    ] {
        assert_fails_and_changes_nothing(setup, &bad, &message);
    }
}

#[test]
fn localhost_5000_push_then_pull_into_a_clean_state() {
    let mut s = session();
    ok(&mut s, APP);
    let id = s.sim().docker().find("app:1").unwrap().id.clone();
    let ids = short_diff_ids(&s, "app:1");
    ok(&mut s, "docker tag app:1 localhost:5000/app:1");
    let manifest = s.sim().docker().find("app:1").unwrap().manifest();
    // The private registry starts empty and mounts nothing from docker.io: every layer goes up.
    let out = ok(&mut s, "docker push localhost:5000/app:1");
    assert_eq!(
        out,
        format!(
            "The push refers to repository [localhost:5000/app]\n\
             {}: Pushed\n{}: Pushed\n{}: Pushed\n1: digest: {} size: {}\n",
            ids[2],
            ids[1],
            ids[0],
            manifest.digest(),
            manifest.to_bytes().len()
        )
    );
    let digest = manifest.digest().to_string();
    assert_eq!(
        s.sim().docker().find("app:1").unwrap().repo_digests,
        [format!("localhost:5000/app@{digest}")]
    );
    // Forget everything locally.
    let rmi = ok(&mut s, "docker rmi app:1 localhost:5000/app:1");
    assert!(
        rmi.contains(&format!(
            "Untagged: localhost:5000/app@{digest}\nDeleted: {id}\n"
        )),
        "{rmi}"
    );
    assert!(s.sim().docker().images.is_empty() && s.sim().docker().layers.is_empty());
    let out = ok(&mut s, "docker pull localhost:5000/app:1");
    assert_eq!(
        out,
        format!(
            "1: Pulling from app\n{}: Pull complete\n{}: Pull complete\n{}: Pull complete\n\
             Digest: {digest}\nStatus: Downloaded newer image for localhost:5000/app:1\n\
             localhost:5000/app:1\n",
            ids[0], ids[1], ids[2]
        )
    );
    assert_eq!(
        s.sim().docker().find("localhost:5000/app:1").unwrap().id,
        id
    );
    let images = ok(&mut s, "docker images localhost:5000/app");
    let row: Vec<&str> = images.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(row[..3], ["localhost:5000/app", "1", id.short()]);
    // By digest from the private registry too.
    ok(&mut s, "docker rmi localhost:5000/app:1");
    let out = ok(&mut s, &format!("docker pull localhost:5000/app@{digest}"));
    assert!(
        out.ends_with(&format!("localhost:5000/app@{digest}\n")),
        "{out}"
    );
    assert_eq!(
        s.sim()
            .docker()
            .find(&format!("localhost:5000/app@{digest}"))
            .unwrap()
            .id,
        id
    );
}

#[test]
fn layer_dedup_is_per_registry_and_the_local_store_serves_both() {
    let mut s = session();
    ok(&mut s, APP);
    let ids = short_diff_ids(&s, "app:1");
    ok(&mut s, "docker push app:1\ndocker tag app:1 localhost:5000/app:1\ndocker push localhost:5000/app:1");
    // A second repository of the private registry mounts from the first.
    ok(&mut s, "docker tag app:1 localhost:5000/team/app:1");
    let out = ok(&mut s, "docker push localhost:5000/team/app:1");
    assert_eq!(
        out.lines().take(4).collect::<Vec<_>>(),
        [
            "The push refers to repository [localhost:5000/team/app]",
            &format!("{}: Mounted from app", ids[2]),
            &format!("{}: Mounted from app", ids[1]),
            &format!("{}: Mounted from app", ids[0]),
        ]
    );
    let again = ok(&mut s, "docker push localhost:5000/app:1");
    assert_eq!(
        again.matches(": Layer already exists\n").count(),
        3,
        "{again}"
    );
    // Pulling from either registry reuses the layers the local store has, whoever brought them.
    ok(
        &mut s,
        "docker pull alpine:3.20\ndocker rmi app:1 localhost:5000/app:1 localhost:5000/team/app:1",
    );
    let out = ok(&mut s, "docker pull localhost:5000/app:1");
    assert!(
        out.contains(&format!(
            "{}: Already exists\n{}: Pull complete\n",
            ids[0], ids[1]
        )),
        "{out}"
    );
    let out = ok(&mut s, "docker pull app:1");
    assert_eq!(out.matches(": Already exists\n").count(), 3, "{out}");
    assert_eq!(s.sim().registry().local.len(), 2);
    assert_eq!(s.sim().registry().repositories.len(), 1);
}

#[test]
fn other_registry_hosts_do_not_resolve_and_nothing_changes() {
    let setup = format!(
        "{APP}\ndocker tag app:1 registry.example.com/app:1\ndocker tag app:1 localhost:5001/app:1"
    );
    for (bad, message) in [
        (
            "docker pull registry.example.com/app:1",
            "Error response from daemon: Get \"https://registry.example.com/v2/\": dial tcp: lookup registry.example.com: no such host",
        ),
        (
            "docker pull registry.example.com:8443/app",
            "Error response from daemon: Get \"https://registry.example.com:8443/v2/\": dial tcp: lookup registry.example.com: no such host",
        ),
        (
            "docker push registry.example.com/app:1",
            "The push refers to repository [registry.example.com/app]\nGet \"https://registry.example.com/v2/\": dial tcp: lookup registry.example.com: no such host",
        ),
        (
            "docker run ghcr.io/me/app:1",
            "Unable to find image 'ghcr.io/me/app:1' locally\ndocker: Error response from daemon: Get \"https://ghcr.io/v2/\": dial tcp: lookup ghcr.io: no such host.\nSee 'docker run --help'.",
        ),
        (
            "docker push localhost:5001/app:1",
            "The push refers to repository [localhost:5001/app]\nGet \"https://localhost:5001/v2/\": dial tcp 127.0.0.1:5001: connect: connection refused",
        ),
        (
            "docker pull localhost:5000/app:1",
            "Error response from daemon: manifest for localhost:5000/app:1 not found: manifest unknown: manifest unknown",
        ),
        (
            "docker pull localhost:5000/App",
            "invalid reference format: repository name (App) must be lowercase",
        ),
        (
            "docker push localhost:5000/nope:1",
            "The push refers to repository [localhost:5000/nope]\nAn image does not exist locally with the tag: localhost:5000/nope",
        ),
    ] {
        assert_fails_and_changes_nothing(&setup, bad, message);
    }
}

#[test]
fn a_build_can_start_from_the_private_registry_and_unknown_hosts_fail_as_buildkit_says() {
    let mut s = session();
    ok(
        &mut s,
        &format!("{APP}\ndocker tag app:1 localhost:5000/app:1\ndocker push localhost:5000/app:1\ndocker rmi app:1 localhost:5000/app:1"),
    );
    let out = ok(
        &mut s,
        "cat > b/Dockerfile <<EOF\nFROM localhost:5000/app:1\nRUN touch /x\nEOF\ndocker build -t b:1 b",
    );
    assert!(
        out.contains("load metadata for localhost:5000/app:1\n"),
        "{out}"
    );
    assert_eq!(s.sim().docker().find("b:1").unwrap().layers.len(), 4);
    let setup = "cat > c/Dockerfile <<EOF\nFROM registry.example.com/base:1\nEOF\ncat > d/Dockerfile <<EOF\nFROM localhost:5000/nope:1\nEOF";
    assert_fails_and_changes_nothing(
        setup,
        "docker build -t c:1 c",
        "ERROR: failed to solve: registry.example.com/base:1: failed to resolve source metadata for registry.example.com/base:1: failed to do request: Head \"https://registry.example.com/v2/base/manifests/1\": dial tcp: lookup registry.example.com: no such host",
    );
    assert_fails_and_changes_nothing(
        setup,
        "docker build -t d:1 d",
        "ERROR: failed to solve: localhost:5000/nope:1: failed to resolve source metadata for localhost:5000/nope:1: localhost:5000/nope:1: not found",
    );
}

#[test]
fn image_prune_removes_images_known_only_by_digest_with_their_references() {
    let mut s = session();
    let digest = digest_in(&ok(&mut s, "docker pull alpine:3.20"));
    ok(&mut s, "docker rmi alpine:3.20");
    ok(&mut s, &format!("docker pull alpine@{digest}"));
    let out = ok(&mut s, "docker image prune -f");
    assert!(
        out.starts_with(&format!(
            "Deleted Images:\nuntagged: alpine@{digest}\ndeleted: sha256:"
        )),
        "{out}"
    );
    assert!(s.sim().docker().images.is_empty());
}
