//! Layers are real: tar changesets read back by an independent reader, DiffIDs and ChainIDs
//! recomputed here from their definitions, the whiteout rules of the OCI image-spec, and
//! overlayfs semantics for a writable layer.

use std::collections::BTreeMap;
use std::sync::Arc;

use sha2::{Digest as _, Sha256};
use sim_core::image::config::{rfc3339, ImageConfig, Manifest, LAYER_MEDIA_TYPE};
use sim_core::image::{
    chain_ids, Change, Content, DiffId, Digest, Layer, Meta, Node, Overlay, Tree,
};

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One entry as an independent reader sees it.
#[derive(Debug, PartialEq)]
struct TarEntry {
    name: String,
    mode: u32,
    uid: u32,
    gid: u32,
    mtime: u64,
    kind: u8,
    link: String,
    data: Vec<u8>,
}

fn field_str(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8(b[..end].to_vec()).unwrap()
}

fn field_octal(b: &[u8]) -> u64 {
    let s = field_str(b);
    u64::from_str_radix(s.trim(), 8).unwrap_or_else(|_| panic!("bad octal {s:?}"))
}

/// A tiny ustar reader: checks magic, checksums, padding and the end-of-archive blocks.
fn read_tar(bytes: &[u8]) -> Vec<TarEntry> {
    assert_eq!(bytes.len() % 512, 0, "archive is whole blocks");
    let mut out = Vec::new();
    let mut at = 0;
    loop {
        let h = &bytes[at..at + 512];
        if h.iter().all(|&b| b == 0) {
            assert_eq!(at + 1024, bytes.len(), "two zero blocks end the archive");
            assert!(bytes[at..].iter().all(|&b| b == 0));
            return out;
        }
        assert_eq!(&h[257..263], b"ustar\0");
        assert_eq!(&h[263..265], b"00");
        let stored = field_octal(&h[148..156]);
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
        assert_eq!(stored, sum, "header checksum");
        let prefix = field_str(&h[345..500]);
        let short = field_str(&h[0..100]);
        let name = if prefix.is_empty() {
            short
        } else {
            format!("{prefix}/{short}")
        };
        let size = field_octal(&h[124..136]) as usize;
        let data = bytes[at + 512..at + 512 + size].to_vec();
        let padded = size.div_ceil(512) * 512;
        assert!(bytes[at + 512 + size..at + 512 + padded]
            .iter()
            .all(|&b| b == 0));
        out.push(TarEntry {
            name,
            mode: field_octal(&h[100..108]) as u32,
            uid: field_octal(&h[108..116]) as u32,
            gid: field_octal(&h[116..124]) as u32,
            mtime: field_octal(&h[136..148]),
            kind: h[156],
            link: field_str(&h[157..257]),
            data,
        });
        at += 512 + padded;
    }
}

fn layer(entries: &[(&str, Node)]) -> Layer {
    Layer::new(
        entries
            .iter()
            .map(|(p, n)| (p.to_string(), n.clone()))
            .collect(),
    )
    .unwrap()
}

fn paths(t: &Tree) -> Vec<&str> {
    t.iter().map(|(p, _)| p).collect()
}

#[test]
fn diff_id_is_the_sha256_of_the_uncompressed_tar() {
    let l = layer(&[("etc", Node::dir()), ("etc/motd", Node::text("hello\n"))]);
    let tar = l.tar();
    assert_eq!(
        l.diff_id().0.as_str(),
        format!("sha256:{}", sha256_hex(&tar))
    );
    assert_eq!(l.tar_bytes(), tar.len() as u64);
    assert_eq!(l.size(), 6);
}

#[test]
fn chain_ids_follow_the_oci_formula() {
    let d = |s: &str| DiffId(Digest::of(s.as_bytes()));
    let (a, b, c) = (d("a"), d("b"), d("c"));
    let ids = chain_ids(&[a.clone(), b.clone(), c.clone()]);
    // ChainID(L1) = DiffID(L1)
    assert_eq!(ids[0].0, a.0);
    // ChainID(L2) = sha256(ChainID(L1) + " " + DiffID(L2)), computed here by hand.
    let two = format!(
        "sha256:{}",
        sha256_hex(format!("{} {}", a.0, b.0).as_bytes())
    );
    assert_eq!(ids[1].0.as_str(), two);
    let three = format!("sha256:{}", sha256_hex(format!("{two} {}", c.0).as_bytes()));
    assert_eq!(ids[2].0.as_str(), three);
    // A known vector: sha256 of the empty string.
    assert_eq!(
        Digest::of(b"").as_str(),
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn the_tar_reads_back_with_sorted_entries_fixed_mtime_and_root_owner() {
    let big = Content::Synthetic {
        seed: "lib".into(),
        size: 1300,
    };
    let l = layer(&[
        ("usr/lib/libx.so", Node::File(Meta::root(0o755), big)),
        ("usr", Node::dir()),
        ("usr/lib", Node::dir()),
        ("usr/bin/sh", Node::symlink("/bin/busybox")),
        ("usr/bin", Node::dir()),
        (
            "app",
            Node::Dir(Meta {
                mode: 0o750,
                uid: 1000,
                gid: 1000,
            }),
        ),
        ("app/.wh.old", Node::text("")),
    ]);
    let entries = read_tar(&l.tar());
    let names: Vec<_> = entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "app/",
            "app/.wh.old",
            "usr/",
            "usr/bin/",
            "usr/bin/sh",
            "usr/lib/",
            "usr/lib/libx.so"
        ]
    );
    assert!(entries.iter().all(|e| e.mtime == 0));
    let app = &entries[0];
    assert_eq!(
        (app.kind, app.mode, app.uid, app.gid),
        (b'5', 0o750, 1000, 1000)
    );
    let sh = &entries[4];
    assert_eq!((sh.kind, sh.link.as_str()), (b'2', "/bin/busybox"));
    let lib = &entries[6];
    assert_eq!((lib.kind, lib.mode, lib.data.len()), (b'0', 0o755, 1300));
    // Same entries, same bytes: the DiffID is reproducible.
    let again = layer(&[
        ("usr/bin", Node::dir()),
        ("usr", Node::dir()),
        ("app/.wh.old", Node::text("")),
        ("usr/bin/sh", Node::symlink("/bin/busybox")),
        ("usr/lib", Node::dir()),
        (
            "app",
            Node::Dir(Meta {
                mode: 0o750,
                uid: 1000,
                gid: 1000,
            }),
        ),
        (
            "usr/lib/libx.so",
            Node::File(
                Meta::root(0o755),
                Content::Synthetic {
                    seed: "lib".into(),
                    size: 1300,
                },
            ),
        ),
    ]);
    assert_eq!(again.diff_id(), l.diff_id());
}

#[test]
fn a_path_too_long_for_ustar_is_refused() {
    let long = format!("{}/{}", "d".repeat(200), "f".repeat(120));
    let mut m = BTreeMap::new();
    m.insert(long, Node::text("x"));
    assert!(Layer::new(m).is_err());
}

#[test]
fn a_whiteout_deletes_the_name_from_lower_layers() {
    let base = layer(&[
        ("etc", Node::dir()),
        ("etc/a", Node::text("a")),
        ("etc/b", Node::dir()),
        ("etc/b/c", Node::text("c")),
    ]);
    let top = layer(&[("etc", Node::dir()), ("etc/.wh.b", Node::text(""))]);
    let t = top.apply(&base.apply(&Tree::new()));
    assert_eq!(paths(&t), ["etc", "etc/a"]);
}

#[test]
fn a_whiteout_never_hides_a_file_of_its_own_layer() {
    let base = layer(&[("d", Node::dir()), ("d/x", Node::text("old"))]);
    // The same layer both whites out `x` and adds `x`: the whiteout applies to the layers
    // below only, so the new `x` stays.
    let top = layer(&[
        ("d", Node::dir()),
        ("d/.wh.x", Node::text("")),
        ("d/x", Node::text("new")),
        ("d/.wh.y", Node::text("")),
        ("d/y", Node::text("own")),
    ]);
    let t = top.apply(&base.apply(&Tree::new()));
    assert_eq!(paths(&t), ["d", "d/x", "d/y"]);
    assert_eq!(t.get("d/x"), Some(&Node::text("new")));
    assert_eq!(t.get("d/y"), Some(&Node::text("own")));
}

#[test]
fn an_opaque_directory_hides_all_lower_children_but_not_its_own() {
    let base = layer(&[
        ("d", Node::dir()),
        ("d/old1", Node::text("1")),
        ("d/sub", Node::dir()),
        ("d/sub/old2", Node::text("2")),
        ("e", Node::text("e")),
    ]);
    let top = layer(&[
        ("d", Node::dir()),
        ("d/.wh..wh..opq", Node::text("")),
        ("d/new", Node::text("n")),
    ]);
    let t = top.apply(&base.apply(&Tree::new()));
    assert_eq!(paths(&t), ["d", "d/new", "e"]);
}

#[test]
fn a_file_replaces_a_lower_directory_and_its_contents() {
    let base = layer(&[("d", Node::dir()), ("d/x", Node::text("x"))]);
    let top = layer(&[("d", Node::text("now a file"))]);
    let t = top.apply(&base.apply(&Tree::new()));
    assert_eq!(paths(&t), ["d"]);
}

#[test]
fn image_id_is_the_sha256_of_the_config_and_the_manifest_names_the_blobs() {
    let l = layer(&[("hello", Node::text("world\n"))]);
    let mut c = ImageConfig::empty(rfc3339(0));
    c.rootfs.diff_ids.push(l.diff_id().clone());
    c.config.cmd = Some(vec!["/hello".into()]);
    let bytes = c.to_bytes();
    assert_eq!(c.id().as_str(), format!("sha256:{}", sha256_hex(&bytes)));
    let m = Manifest::new(&c, &[&l]);
    assert_eq!(m.config.digest, c.id());
    assert_eq!(m.config.size, bytes.len() as u64);
    assert_eq!(m.layers[0].media_type, LAYER_MEDIA_TYPE);
    // Uncompressed layers: blob digest = DiffID, and its size is the tar's.
    assert_eq!(m.layers[0].digest, l.diff_id().0);
    assert_eq!(m.layers[0].size, l.tar().len() as u64);
    let json: serde_json::Value = serde_json::from_slice(&m.to_bytes()).unwrap();
    assert_eq!(json["schemaVersion"], 2);
    assert_eq!(
        json["mediaType"],
        "application/vnd.oci.image.manifest.v1+json"
    );
}

fn base_tree() -> Arc<Tree> {
    let l = layer(&[
        ("etc", Node::dir()),
        ("etc/hosts", Node::text("127.0.0.1 localhost\n")),
        ("etc/conf.d", Node::dir()),
        ("etc/conf.d/a", Node::text("a")),
        ("etc/conf.d/b", Node::text("b")),
        ("bin", Node::dir()),
        (
            "bin/big",
            Node::File(
                Meta::root(0o755),
                Content::Synthetic {
                    seed: "big".into(),
                    size: 5_000,
                },
            ),
        ),
    ]);
    Arc::new(l.apply(&Tree::new()))
}

#[test]
fn writing_a_lower_file_copies_it_up_and_the_lower_layer_never_changes() {
    let lower = base_tree();
    let before = (*lower).clone();
    let mut o = Overlay::new(lower.clone());
    o.write_file("etc/hosts", Content::text("changed\n"), None)
        .unwrap();
    o.write_file("etc/new", Content::text("n"), None).unwrap();
    assert_eq!(o.copied_up(), ["etc/hosts"]);
    assert_eq!(*lower, before, "the image layers never change");
    assert_eq!(
        o.diff(),
        [
            ("etc".to_string(), Change::Changed),
            ("etc/hosts".to_string(), Change::Changed),
            ("etc/new".to_string(), Change::Added)
        ]
    );
}

#[test]
fn chmod_copies_the_whole_file_up() {
    let mut o = Overlay::new(base_tree());
    o.set_meta("bin/big", Meta::root(0o700)).unwrap();
    let layer = o.to_layer().unwrap();
    assert_eq!(layer.size(), 5_000, "metadata change copies the whole file");
    assert_eq!(o.copied_up(), ["bin/big"]);
}

#[test]
fn deleting_a_lower_file_leaves_a_whiteout_and_a_new_file_just_goes() {
    let mut o = Overlay::new(base_tree());
    o.write_file("etc/tmp", Content::text("t"), None).unwrap();
    o.remove("etc/tmp", false).unwrap();
    o.remove("etc/hosts", false).unwrap();
    let l = o.to_layer().unwrap();
    let names: Vec<_> = l.entries().keys().map(String::as_str).collect();
    assert_eq!(names, ["etc", "etc/.wh.hosts"]);
    assert_eq!(
        o.diff().last().unwrap(),
        &("etc/hosts".to_string(), Change::Deleted)
    );
    let t = l.apply(&base_tree());
    assert!(!t.exists("etc/hosts"));
}

#[test]
fn replacing_a_lower_directory_makes_the_new_one_opaque() {
    let mut o = Overlay::new(base_tree());
    o.remove("etc/conf.d", true).unwrap();
    o.mkdir("etc/conf.d", false).unwrap();
    o.write_file("etc/conf.d/c", Content::text("c"), None)
        .unwrap();
    let l = o.to_layer().unwrap();
    let names: Vec<_> = l.entries().keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "etc",
            "etc/conf.d",
            "etc/conf.d/.wh..wh..opq",
            "etc/conf.d/c"
        ]
    );
    let t = l.apply(&base_tree());
    let conf: Vec<_> = t.children("etc/conf.d").map(|(p, _)| p).collect();
    assert_eq!(conf, ["etc/conf.d/c"]);
    assert_eq!(&t, o.merged(), "the layer reproduces the merged view");
}

#[test]
fn two_overlays_on_one_image_never_see_each_others_changes() {
    let lower = base_tree();
    let mut a = Overlay::new(lower.clone());
    let mut b = Overlay::new(lower.clone());
    a.write_file("etc/hosts", Content::text("a"), None).unwrap();
    b.remove("etc/hosts", false).unwrap();
    assert_eq!(a.merged().get("etc/hosts"), Some(&Node::text("a")));
    assert!(!b.merged().exists("etc/hosts"));
    assert_eq!(
        lower.get("etc/hosts"),
        Some(&Node::text("127.0.0.1 localhost\n"))
    );
}
