//! `docker save` writes a real OCI image layout archive. An independent reader — a ustar parser
//! and sha256, nothing from the crate — reads it back and checks every digest and reference.

use std::collections::BTreeMap;

use sha2::{Digest as _, Sha256};
use sim_core::workspace::{FileContent, Workspace};
use sim_core::{Session, SimConfig};

mod common;
use common::ok;

fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(bytes))
}

/// A tar entry: type flag and content.
struct Entry {
    kind: u8,
    data: Vec<u8>,
}

/// Reads a ustar archive into path → entry, checking each header's checksum and the two zero
/// blocks at the end.
fn read_tar(bytes: &[u8]) -> BTreeMap<String, Entry> {
    let field = |b: &[u8]| {
        let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
        String::from_utf8(b[..end].to_vec()).unwrap()
    };
    let octal = |b: &[u8]| {
        let s = field(b);
        u64::from_str_radix(s.trim(), 8).unwrap()
    };
    assert_eq!(bytes.len() % 512, 0, "a tar is whole blocks");
    let mut out = BTreeMap::new();
    let mut at = 0;
    loop {
        let h = &bytes[at..at + 512];
        if h.iter().all(|&b| b == 0) {
            assert!(
                bytes[at..].iter().all(|&b| b == 0),
                "only zeros after the end"
            );
            assert!(bytes.len() - at >= 1024, "two zero blocks end the archive");
            break;
        }
        let sum: u64 = h
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                if (148..156).contains(&i) {
                    32
                } else {
                    u64::from(b)
                }
            })
            .sum();
        assert_eq!(octal(&h[148..156]), sum, "header checksum");
        assert_eq!(&h[257..263], b"ustar\0");
        let prefix = field(&h[345..500]);
        let name = field(&h[..100]);
        let path = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let size = octal(&h[124..136]) as usize;
        let data = bytes[at + 512..at + 512 + size].to_vec();
        at += 512 + size.div_ceil(512) * 512;
        out.insert(
            path.trim_end_matches('/').to_string(),
            Entry { kind: h[156], data },
        );
    }
    out
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

const SETUP: &str = "cat > app/Dockerfile <<EOF
FROM alpine:3.20
RUN echo one > /one
ENV GREETING=hi
RUN mkdir -p /data && echo two > /data/two
EOF
docker build -t app:1.0 app
docker run -d --name c1 app:1.0 sleep infinity
docker exec c1 sh -c 'rm /etc/motd && echo three > /data/three'
docker commit c1 app:2.0
docker save app:2.0 -o out/app.tar";

#[test]
fn a_saved_image_reads_back_with_every_digest_and_reference_right() {
    let mut s = Session::new(SimConfig { seed: 5 });
    ok(&mut s, SETUP);
    let Some(FileContent::Binary { bytes, .. }) = s.sim().workspace().file("out/app.tar") else {
        panic!("docker save wrote a binary file");
    };
    let files = read_tar(bytes);
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(names[..2], ["blobs", "blobs/sha256"]);
    assert_eq!(
        names[names.len() - 3..],
        ["index.json", "manifest.json", "oci-layout"]
    );
    assert_eq!(files["blobs"].kind, b'5');
    assert_eq!(
        json(&files["oci-layout"].data),
        serde_json::json!({"imageLayoutVersion": "1.0.0"})
    );
    // Every blob is named by the sha256 of its bytes.
    let blobs: BTreeMap<String, &[u8]> = files
        .iter()
        .filter_map(|(p, e)| {
            p.strip_prefix("blobs/sha256/")
                .map(|hex| (format!("sha256:{hex}"), e.data.as_slice()))
        })
        .collect();
    assert!(blobs.len() >= 5, "manifest, config, three layers");
    for (digest, data) in &blobs {
        assert_eq!(&sha256(data), digest, "blob named by its digest");
    }
    let blob = |d: &serde_json::Value| -> &[u8] {
        let digest = d["digest"].as_str().unwrap();
        let data = blobs
            .get(digest)
            .unwrap_or_else(|| panic!("{digest} is in blobs/"));
        assert_eq!(
            d["size"].as_u64().unwrap(),
            data.len() as u64,
            "descriptor size"
        );
        data
    };
    // index.json → manifest.
    let index = json(&files["index.json"].data);
    assert_eq!(index["schemaVersion"], 2);
    assert_eq!(
        index["mediaType"],
        "application/vnd.oci.image.index.v1+json"
    );
    let desc = &index["manifests"][0];
    assert_eq!(
        desc["mediaType"],
        "application/vnd.oci.image.manifest.v1+json"
    );
    assert_eq!(
        desc["annotations"]["org.opencontainers.image.ref.name"],
        "2.0"
    );
    assert_eq!(
        desc["annotations"]["io.containerd.image.name"],
        "docker.io/library/app:2.0"
    );
    let manifest = json(blob(desc));
    assert_eq!(manifest["schemaVersion"], 2);
    // manifest → config → layers.
    assert_eq!(
        manifest["config"]["mediaType"],
        "application/vnd.oci.image.config.v1+json"
    );
    let config = json(blob(&manifest["config"]));
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 4, "alpine, two RUNs, the commit");
    let diff_ids: Vec<&str> = config["rootfs"]["diff_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    let layer_digests: Vec<&str> = layers
        .iter()
        .map(|l| l["digest"].as_str().unwrap())
        .collect();
    assert_eq!(
        diff_ids, layer_digests,
        "uncompressed layers: blob digest = DiffID"
    );
    for l in layers {
        assert_eq!(l["mediaType"], "application/vnd.oci.image.layer.v1.tar");
        // Each layer is itself a tar.
        read_tar(blob(l));
    }
    let top = read_tar(blob(&layers[3]));
    assert_eq!(top["data/three"].data, b"three\n");
    assert!(
        top.contains_key("etc/.wh.motd"),
        "the commit's whiteout is in its layer"
    );
    assert_eq!(read_tar(blob(&layers[1]))["one"].data, b"one\n");
    // The digests are the ones the sandbox shows.
    let inspect = json(ok(&mut s, "docker inspect app:2.0").as_bytes());
    assert_eq!(inspect[0]["Id"], sha256(blob(&manifest["config"])));
    assert_eq!(
        inspect[0]["RootFS"]["Layers"],
        serde_json::to_value(&diff_ids).unwrap()
    );
    let img = s.sim().docker().find("app:2.0").unwrap();
    assert_eq!(desc["digest"], img.manifest().digest().to_string());
    // Docker's own manifest.json points at the same blobs.
    let docker = json(&files["manifest.json"].data);
    assert_eq!(docker[0]["RepoTags"], serde_json::json!(["app:2.0"]));
    assert_eq!(
        docker[0]["Config"],
        format!("blobs/sha256/{}", &inspect[0]["Id"].as_str().unwrap()[7..])
    );
    assert_eq!(docker[0]["Layers"].as_array().unwrap().len(), 4);
}

#[test]
fn saving_twice_gives_the_same_bytes_and_the_file_lists_as_binary() {
    let mut s = Session::new(SimConfig { seed: 5 });
    ok(&mut s, SETUP);
    let first = s.sim().workspace().file("out/app.tar").unwrap().clone();
    ok(&mut s, "docker save app:2.0 -o out/again.tar");
    assert_eq!(s.sim().workspace().file("out/again.tar"), Some(&first));
    let kinds: Vec<&str> = s
        .sim()
        .log()
        .iter()
        .rev()
        .take(2)
        .map(|e| e.kind.name())
        .collect();
    assert_eq!(kinds, ["ImageSaved", "FileWritten"]);
    let ls = ok(&mut s, "ls -l out");
    assert!(ls.contains(&format!("{} app.tar", first.len())), "{ls}");
}

#[test]
fn binary_files_fail_text_commands_clearly_and_change_nothing() {
    let mut s = Session::new(SimConfig { seed: 5 });
    ok(&mut s, SETUP);
    let len = s.sim().workspace().file("out/app.tar").unwrap().len();
    for (bad, message) in [
        (
            "cat out/app.tar".to_string(),
            format!("cat: out/app.tar: binary file ({len} bytes); the terminal prints text files only (kube-sandbox run --export-dir copies files to the host)"),
        ),
        (
            "echo more >> out/app.tar".to_string(),
            "echo: out/app.tar: binary file: text cannot be appended to it".to_string(),
        ),
        (
            "docker save app:2.0".to_string(),
            "cowardly refusing to save to a terminal. Use the -o flag or redirect".to_string(),
        ),
        (
            "docker save nope -o x.tar".to_string(),
            "Error response from daemon: No such image: nope:latest".to_string(),
        ),
        (
            "docker save app:2.0 -o out".to_string(),
            "docker save: out: Is a directory".to_string(),
        ),
    ] {
        let before = s.sim().state_fingerprint();
        let e = s.submit(&bad).remove(0);
        assert_eq!(e.error.as_deref(), Some(message.as_str()), "{bad}");
        assert_eq!(s.sim().state_fingerprint(), before, "{bad} changed the state");
    }
    // Overwriting a binary file with text frees its share of the binary budget.
    assert_eq!(s.sim().workspace().binary_bytes(), len);
    ok(&mut s, "echo text > out/app.tar");
    assert_eq!(s.sim().workspace().binary_bytes(), 0);
}

#[test]
fn binary_files_have_their_own_budget_and_the_error_states_it() {
    let mut ws = Workspace::default();
    let max = sim_core::limits::MAX_BINARY_BYTES;
    ws.write_binary("a.tar".into(), FileContent::binary(vec![7; 1000]));
    let e = ws
        .check_write_binary("docker save", "b.tar", max)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("b.tar: an archive of {max} bytes does not fit: the workspace's binary files may hold at most 268435456 bytes (256 MiB) in all, and 1000 bytes are in use; remove some with rm")
    );
    // Text files keep their own 1 MiB limit.
    assert!(ws
        .check_write("cat", "t", &"x".repeat(1024 * 1024 + 1))
        .is_err());
}
