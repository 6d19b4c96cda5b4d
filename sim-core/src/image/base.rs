//! The registry's images: base images shipped with the sandbox, generated deterministically
//! with realistic file trees and sizes.
//!
//! Sizes are the uncompressed sizes `docker images` shows on linux/amd64 (decimal MB: 1 MB =
//! 1,000,000 bytes). Where a size is marked *verified*, it is the "Virtual Size" of the image in
//! docker-library/repo-info `repos/<image>/local/<tag>.md` (`docker inspect .VirtualSize`,
//! printed in decimal MB by repo-info's `scan-local.sh`), and the compressed size is the
//! linux/amd64 "Total Size" in `repos/<image>/remote/<tag>.md`; each comment names the file, the
//! repo-info commit and the build (image ID / date) it describes. Sizes marked *approximate,
//! unverified* have no such record. The file trees are skeletons of the real ones (the paths a
//! lesson touches are real paths; the bulk of the bytes sits in a few synthetic files so that
//! totals match; the split between those files is not verified, only the totals are).
//!
//! The sandbox's registry resolves `latest` (and short tags such as `alpine`) to the version it
//! ships; the real `nginx:latest`, `python:latest`, `node:latest`, `redis:latest` are
//! Debian-based, larger images.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::config::{rfc3339, History, ImageConfig, Manifest};
use super::fs::{Content, Meta, Node, Tree};
use super::layer::{flatten, Layer, Overlay};
use crate::shared::Shared;

/// One image in the registry.
#[derive(Clone, Debug)]
pub struct RegistryImage {
    /// Repository (`alpine`, `nginx`…), all official images (`docker.io/library/…`).
    pub repository: String,
    /// The canonical tag (`3.20`).
    pub tag: String,
    /// The config (shared with every engine that pulls the image).
    pub config: Shared<ImageConfig>,
    /// Layers, base first.
    pub layers: Vec<Arc<Layer>>,
    /// The manifest (uncompressed layers).
    pub manifest: Manifest,
    /// Simulated time (ms, negative: before the simulation started) the image was created.
    pub created_ms: i64,
    /// The layers flattened (what a pull stores as the image's root filesystem), made once
    /// and shared by every engine that pulls the image.
    pub rootfs: Arc<Tree>,
}

/// Why the registry has no such image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistryError {
    /// No repository of that name.
    NoSuchRepository,
    /// The repository exists but not that tag (or manifest digest).
    NoSuchTag,
}

/// Images and their tags: (repository, tags, canonical tag). A repository may have several
/// rows, one per distinct image; each tag names one image.
const CATALOGUE: &[(&str, &[&str], &str)] = &[
    ("alpine", &["3.20", "3", "latest"], "3.20"),
    ("busybox", &["1.36", "latest"], "1.36"),
    ("debian", &["12", "bookworm", "latest"], "12"),
    ("ubuntu", &["24.04", "noble", "latest"], "24.04"),
    ("nginx", &["1.27-alpine", "alpine", "latest"], "1.27-alpine"),
    // The previous stable line, a distinct image (own config and nginx layers on the same
    // alpine:3.20 base layer), for rolling updates between two real versions.
    ("nginx", &["1.26-alpine"], "1.26-alpine"),
    (
        "python",
        &["3.12-alpine", "alpine", "latest"],
        "3.12-alpine",
    ),
    ("node", &["22-alpine", "alpine", "latest"], "22-alpine"),
    ("redis", &["7.4-alpine", "alpine", "latest"], "7.4-alpine"),
];

/// The repositories the registry holds, with their tags.
pub fn catalogue() -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
    CATALOGUE.iter().map(|(r, tags, _)| (*r, *tags))
}

/// Built once per process: generating is a pure function of the name, so this only saves time.
static MEMO: Mutex<BTreeMap<String, Arc<RegistryImage>>> = Mutex::new(BTreeMap::new());

/// The image `repository:tag` in the registry.
pub fn lookup(repository: &str, tag: &str) -> Result<Arc<RegistryImage>, RegistryError> {
    let mut rows = CATALOGUE
        .iter()
        .filter(|(r, _, _)| *r == repository)
        .peekable();
    if rows.peek().is_none() {
        return Err(RegistryError::NoSuchRepository);
    }
    let (_, _, canonical) = rows
        .find(|(_, tags, _)| tags.contains(&tag))
        .ok_or(RegistryError::NoSuchTag)?;
    let key = format!("{repository}:{canonical}");
    if let Some(img) = MEMO.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(img);
    }
    let img = Arc::new(generate(repository, canonical));
    if let Ok(mut m) = MEMO.lock() {
        m.insert(key, img.clone());
    }
    Ok(img)
}

/// The image of `repository` whose manifest digest is `digest` (`sha256:…`): each shipped
/// image has one manifest, which all its tags name.
pub fn lookup_digest(repository: &str, digest: &str) -> Result<Arc<RegistryImage>, RegistryError> {
    let mut rows = CATALOGUE
        .iter()
        .filter(|(r, _, _)| *r == repository)
        .peekable();
    if rows.peek().is_none() {
        return Err(RegistryError::NoSuchRepository);
    }
    for (_, _, canonical) in rows {
        let img = lookup(repository, canonical)?;
        if img.manifest.digest().as_str() == digest {
            return Ok(img);
        }
    }
    Err(RegistryError::NoSuchTag)
}

const DAY_MS: i64 = 86_400_000;

/// Builds a tree from a few kinds of entries, with a seed prefix for synthetic content.
struct Builder {
    tree: Tree,
    seed: String,
}

impl Builder {
    fn new(seed: &str) -> Builder {
        Builder {
            tree: Tree::new(),
            seed: seed.to_string(),
        }
    }
    fn dirs(&mut self, paths: &[&str]) -> &mut Self {
        for p in paths {
            self.tree.insert(p, Node::dir());
        }
        self
    }
    fn dir_mode(&mut self, path: &str, mode: u32) -> &mut Self {
        self.tree.insert(path, Node::Dir(Meta::root(mode)));
        self
    }
    fn text(&mut self, path: &str, text: &str) -> &mut Self {
        self.tree.insert(path, Node::text(text));
        self
    }
    fn blob(&mut self, path: &str, mode: u32, size: u64) -> &mut Self {
        let content = Content::Synthetic {
            seed: format!("{}:{path}", self.seed),
            size,
        };
        self.tree
            .insert(path, Node::File(Meta::root(mode), content));
        self
    }
    fn links(&mut self, dir: &str, names: &str, target: &str) -> &mut Self {
        for n in names.split_whitespace() {
            self.tree
                .insert(&format!("{dir}/{n}"), Node::symlink(target));
        }
        self
    }
    fn link(&mut self, path: &str, target: &str) -> &mut Self {
        self.tree.insert(path, Node::symlink(target));
        self
    }
    /// Spreads what is missing to reach `total` bytes over `paths` (data files, 0644).
    fn fill_to(&mut self, total: u64, paths: &[&str]) -> &mut Self {
        let missing = total.saturating_sub(self.tree.content_bytes());
        let n = paths.len() as u64;
        for (i, p) in paths.iter().enumerate() {
            let share = missing / n + u64::from((i as u64) < missing % n);
            self.blob(p, 0o644, share);
        }
        self
    }
}

const FHS_DIRS: &[&str] = &[
    "bin",
    "dev",
    "etc",
    "home",
    "lib",
    "media",
    "mnt",
    "opt",
    "proc",
    "run",
    "sbin",
    "srv",
    "sys",
    "usr",
    "usr/bin",
    "usr/lib",
    "usr/local",
    "usr/local/bin",
    "usr/local/lib",
    "usr/local/share",
    "usr/sbin",
    "usr/share",
    "var",
    "var/cache",
    "var/lib",
    "var/log",
    "var/spool",
    "var/opt",
    "var/empty",
];

const PASSWD_ALPINE: &str = "root:x:0:0:root:/root:/bin/sh\nbin:x:1:1:bin:/bin:/sbin/nologin\n\
daemon:x:2:2:daemon:/sbin:/sbin/nologin\nlp:x:4:7:lp:/var/spool/lpd:/sbin/nologin\n\
sync:x:5:0:sync:/sbin:/bin/sync\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n";
const GROUP_ALPINE: &str = "root:x:0:root\nbin:x:1:root,bin,daemon\ndaemon:x:2:root,bin,daemon\n\
wheel:x:10:root\nnogroup:x:65533:\nnobody:x:65534:\n";

/// alpine:3.20 (3.20.3) — one layer from alpine-minirootfs-3.20.3-x86_64.tar.gz.
/// Compressed, *verified*: 3,623,807 bytes (≈3.6 MB), layer
/// `sha256:43c4264eed91be63b206e17d93e75256a6097070ce643c5e8f0379998b44f170` (last modified
/// 2024-09-06), the alpine 3.20.3 base layer of the amd64 image in the docker-library/repo-info
/// remote record for `nginx:stable-alpine3.20-slim` (search-index file id 55119679261; its path
/// in the repository was not resolved; the record for `amazoncorretto:21-alpine3.20-full`, id
/// 55320596071, shows a 3,623,904-byte layer built from the same minirootfs tarball).
/// Uncompressed 7.8 MB: *approximate, unverified* for 3.20 (repo-info holds no
/// `repos/alpine/local/3.20*.md`); the nearest record, `repos/alpine/local/3.21.8.md` (commit
/// 7859ce44, image created 2026-09-17), gives "~ 7.8 Mb" for alpine:3.21.8.
fn alpine_tree() -> Tree {
    let mut b = Builder::new("alpine:3.20");
    b.dirs(FHS_DIRS)
        .dirs(&[
            "etc/apk", "etc/apk/keys", "etc/apk/protected_paths.d", "etc/conf.d", "etc/init.d",
            "etc/network", "etc/profile.d", "etc/ssl", "etc/ssl/certs", "lib/apk", "lib/apk/db",
            "lib/apk/exec", "usr/share/apk", "var/cache/apk", "var/cache/misc", "var/lib/misc",
            "var/local", "var/mail", "etc/crontabs",
        ])
        .dir_mode("root", 0o700)
        .dir_mode("tmp", 0o1777)
        .dir_mode("var/tmp", 0o1777)
        .blob("bin/busybox", 0o755, 809_024)
        .links(
            "bin",
            "arch ash base64 bbconfig cat chattr chgrp chmod chown cp date dd df dmesg \
             dnsdomainname dumpkmap echo egrep false fatattr fdflush fgrep fsync getopt grep \
             gunzip gzip hostname ionice iostat ipcalc kbd_mode kill link linux32 linux64 ln \
             login ls lzop makemime mkdir mknod mktemp more mount mountpoint mpstat mv netstat \
             nice pidof ping ping6 pipe_progress printenv ps pwd reformime rev rm rmdir \
             run-parts sed setpriv setserial sh sleep stat stty su sync tar touch true umount \
             uname usleep watch zcat",
            "/bin/busybox",
        )
        .links(
            "usr/bin",
            "awk basename cut dirname du env expr find head id less md5sum nproc od printf \
             readlink realpath seq sha256sum sort tail tee test tr uniq wc wget which whoami \
             xargs yes",
            "/bin/busybox",
        )
        .links("usr/sbin", "addgroup adduser chroot delgroup deluser", "/bin/busybox")
        .blob("sbin/apk", 0o755, 67_920)
        .blob("lib/ld-musl-x86_64.so.1", 0o755, 657_288)
        .link("lib/libc.musl-x86_64.so.1", "ld-musl-x86_64.so.1")
        .blob("lib/libapk.so.2.14.0", 0o755, 198_528)
        .blob("lib/libcrypto.so.3", 0o755, 4_390_528)
        .blob("lib/libssl.so.3", 0o755, 608_712)
        .blob("lib/libz.so.1.3.1", 0o755, 100_184)
        .link("lib/libz.so.1", "libz.so.1.3.1")
        .blob("usr/bin/ssl_client", 0o755, 14_248)
        .blob("usr/bin/scanelf", 0o755, 66_144)
        .blob("usr/bin/getent", 0o755, 14_264)
        .blob("usr/bin/iconv", 0o755, 22_536)
        .blob("etc/ssl/cert.pem", 0o644, 221_418)
        .text("etc/alpine-release", "3.20.3\n")
        .text(
            "etc/os-release",
            "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\n\
             PRETTY_NAME=\"Alpine Linux v3.20\"\nHOME_URL=\"https://alpinelinux.org/\"\n\
             BUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n",
        )
        .text("etc/hostname", "localhost\n")
        .text("etc/hosts", "127.0.0.1\tlocalhost localhost.localdomain\n::1\t\tlocalhost localhost.localdomain\n")
        .text("etc/passwd", PASSWD_ALPINE)
        .text("etc/group", GROUP_ALPINE)
        .text("etc/shells", "# valid login shells\n/bin/sh\n/bin/ash\n")
        .text("etc/profile", "export PATH=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"\nexport PAGER=less\numask 022\n")
        .text("etc/motd", "Welcome to Alpine!\n")
        .text(
            "etc/apk/repositories",
            "https://dl-cdn.alpinelinux.org/alpine/v3.20/main\nhttps://dl-cdn.alpinelinux.org/alpine/v3.20/community\n",
        )
        .text("etc/apk/arch", "x86_64\n")
        .text(
            "etc/apk/world",
            "alpine-baselayout\nalpine-keys\napk-tools\nbusybox\nlibc-utils\n",
        )
        .text("lib/apk/db/installed", &apk_db_base())
        .fill_to(
            7_800_000,
            &["lib/apk/db/scripts.tar", "usr/share/apk/keys/x86_64.rsa.pub.bundle", "usr/lib/libcrypto-extra.a"],
        );
    b.tree
}

fn apk_db_base() -> String {
    [
        ("alpine-baselayout", "3.6.5-r0"),
        ("alpine-baselayout-data", "3.6.5-r0"),
        ("alpine-keys", "2.4-r1"),
        ("apk-tools", "2.14.4-r1"),
        ("busybox", "1.36.1-r29"),
        ("busybox-binsh", "1.36.1-r29"),
        ("ca-certificates-bundle", "20240705-r0"),
        ("libcrypto3", "3.3.2-r0"),
        ("libssl3", "3.3.2-r0"),
        ("musl", "1.2.5-r0"),
        ("musl-utils", "1.2.5-r0"),
        ("scanelf", "1.3.7-r2"),
        ("ssl_client", "1.36.1-r29"),
        ("zlib", "1.3.1-r1"),
    ]
    .iter()
    .map(|(p, v)| format!("P:{p}\nV:{v}\n\n"))
    .collect()
}

/// busybox:1.36 (1.36.0, glibc variant, the default) — *verified*: 4.87 MB uncompressed,
/// docker-library/repo-info `repos/busybox/local/1.36-glibc.md` (commit 72e4be79; image
/// `sha256:66ba00ad3de8…`, created 2023-01-04); that image ID is the linux/amd64 image of
/// `busybox:1.36` in `repos/busybox/remote/1.36.md` (same commit), 2,592,863 bytes (2.6 MB)
/// compressed. Static glibc build: one binary, hard to tell from a tree.
fn busybox_tree() -> Tree {
    let mut b = Builder::new("busybox:1.36");
    b.dirs(&["bin", "dev", "etc", "home", "lib", "usr", "usr/sbin", "var", "var/spool", "var/www"])
        .dir_mode("root", 0o700)
        .dir_mode("tmp", 0o1777)
        .blob("bin/busybox", 0o755, 1_131_168)
        .links(
            "bin",
            "sh ash cat chmod cp echo ls mkdir mv rm touch ln env id whoami wget head tail \
             sort grep sed awk find xargs true false sleep ps top uname vi tar gzip",
            "busybox",
        )
        .text("etc/passwd", "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n")
        .text("etc/group", "root:x:0:\ndaemon:x:1:\nnogroup:x:65534:\n")
        .fill_to(4_870_000, &["lib/libc.so.6", "lib/libm.so.6", "lib/ld-linux-x86-64.so.2"]);
    b.tree
}

/// The merged-/usr skeleton Debian and Ubuntu share.
fn deb_tree(seed: &str, os_release: &str, total: u64, sources: (&str, &str)) -> Tree {
    let mut b = Builder::new(seed);
    b.dirs(&[
        "boot",
        "dev",
        "etc",
        "etc/apt",
        "etc/apt/apt.conf.d",
        "etc/apt/sources.list.d",
        "etc/dpkg",
        "etc/skel",
        "home",
        "media",
        "mnt",
        "opt",
        "proc",
        "run",
        "srv",
        "sys",
        "usr",
        "usr/bin",
        "usr/lib",
        "usr/lib/x86_64-linux-gnu",
        "usr/lib64",
        "usr/local",
        "usr/local/bin",
        "usr/local/lib",
        "usr/local/sbin",
        "usr/local/share",
        "usr/sbin",
        "usr/share",
        "usr/share/doc",
        "usr/share/locale",
        "usr/share/zoneinfo",
        "var",
        "var/backups",
        "var/cache",
        "var/cache/apt",
        "var/cache/apt/archives",
        "var/lib",
        "var/lib/apt",
        "var/lib/apt/lists",
        "var/lib/dpkg",
        "var/log",
        "var/mail",
        "var/opt",
        "var/spool",
    ])
    .dir_mode("root", 0o700)
    .dir_mode("tmp", 0o1777)
    .dir_mode("var/tmp", 0o1777)
    // Merged /usr: the top-level directories are symlinks.
    .link("bin", "usr/bin")
    .link("lib", "usr/lib")
    .link("lib64", "usr/lib64")
    .link("sbin", "usr/sbin")
    .blob("usr/bin/bash", 0o755, 1_265_648)
    .blob("usr/bin/dash", 0o755, 125_640)
    .link("usr/bin/sh", "dash")
    .blob("usr/bin/coreutils-placeholder", 0o644, 0);
    for (name, size) in [
        ("ls", 151_344),
        ("cat", 43_976),
        ("cp", 151_152),
        ("mv", 147_120),
        ("rm", 72_072),
        ("mkdir", 89_128),
        ("touch", 101_384),
        ("chmod", 64_448),
        ("chown", 72_672),
        ("ln", 72_168),
        ("echo", 35_656),
        ("env", 48_072),
        ("id", 48_064),
        ("whoami", 35_664),
        ("head", 47_816),
        ("tail", 64_360),
        ("sort", 118_280),
        ("grep", 203_152),
        ("sed", 113_224),
        ("find", 224_848),
        ("xargs", 68_560),
        ("true", 35_496),
        ("false", 35_496),
        ("sleep", 35_656),
        ("uname", 35_656),
        ("tar", 531_464),
        ("gzip", 98_136),
        ("apt", 18_824),
        ("apt-get", 51_920),
        ("apt-cache", 88_432),
        ("dpkg", 305_232),
        ("perl", 3_807_864),
        ("readlink", 48_072),
        ("which", 1_091),
    ] {
        b.blob(&format!("usr/bin/{name}"), 0o755, size);
    }
    b.tree.remove_all("usr/bin/coreutils-placeholder");
    b.blob("usr/sbin/useradd", 0o755, 151_568)
        .blob("usr/sbin/groupadd", 0o755, 80_952)
        .blob("usr/lib/x86_64-linux-gnu/libc.so.6", 0o755, 1_922_136)
        .blob("usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30", 0o644, 2_260_296)
        .blob("usr/lib/x86_64-linux-gnu/libapt-pkg.so.6.0.0", 0o644, 2_081_032)
        .blob("usr/lib/x86_64-linux-gnu/libsystemd.so.0.35.0", 0o644, 911_080)
        .blob("usr/lib64/ld-linux-x86-64.so.2", 0o755, 210_968)
        .text("etc/os-release", os_release)
        .text("etc/hostname", "localhost\n")
        .text("etc/passwd", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n")
        .text("etc/group", "root:x:0:\ndaemon:x:1:\nbin:x:2:\nnogroup:x:65534:\n")
        .text("etc/shells", "/bin/sh\n/usr/bin/sh\n/bin/bash\n/usr/bin/bash\n")
        .text(sources.0, sources.1)
        // The official images delete downloaded .debs after each install and keep package
        // lists compressed (docker-clean, docker-gzip-indexes in apt.conf.d).
        .text("etc/apt/apt.conf.d/docker-clean", "DPkg::Post-Invoke { \"rm -f /var/cache/apt/archives/*.deb || true\"; };\n")
        .text("etc/apt/apt.conf.d/docker-gzip-indexes", "Acquire::GzipIndexes \"true\";\n")
        .fill_to(
            total,
            &[
                "var/lib/dpkg/status",
                "usr/share/locale/locale.alias.bundle",
                "usr/lib/x86_64-linux-gnu/perl-base.bundle",
                "usr/share/zoneinfo/tzdata.bundle",
                "usr/lib/x86_64-linux-gnu/gconv.bundle",
            ],
        );
    b.tree
}

/// debian:12 (bookworm) — *verified*: 116.57 MB uncompressed, docker-library/repo-info
/// `repos/debian/local/12.md` (commit 321a824e; image `sha256:a1dd2f4ae2a9…`, created
/// 2026-09-18, base-files 12.4+deb12u15). Compressed: 48,497,091 bytes (48.5 MB) for the amd64
/// image of the 2026-08-03 build in `repos/debian/remote/12.md` (commit 05f354f0). FACTS.md's
/// "≈30 MB compressed / 114 MB uncompressed" does not match these records (30 MB is nearer
/// `debian:12-slim`).
fn debian_tree() -> Tree {
    deb_tree(
        "debian:12",
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n\
         VERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n",
        116_570_000,
        (
            "etc/apt/sources.list.d/debian.sources",
            "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\n\
             Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n",
        ),
    )
}

/// ubuntu:24.04 (noble) — *verified*: 78.16 MB uncompressed, docker-library/repo-info
/// `repos/ubuntu/local/24.04.md` (commit 34e0037a; image `sha256:a6f81fb630d5…`, created
/// 2026-08-17, base-files 13ubuntu10.4). Compressed: 29,764,116 bytes (29.8 MB) for the amd64
/// image of the 2026-09-11 build in `repos/ubuntu/remote/24.04.md` (commit 1c2b9d92). FACTS.md's
/// "≈28 MB compressed / 64 MB uncompressed" does not match these records for 24.04.
fn ubuntu_tree() -> Tree {
    let mut t = deb_tree(
        "ubuntu:24.04",
        "PRETTY_NAME=\"Ubuntu 24.04.1 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"24.04\"\n\
         VERSION=\"24.04.1 LTS (Noble Numbat)\"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\n",
        78_160_000,
        (
            "etc/apt/sources.list.d/ubuntu.sources",
            "Types: deb\nURIs: http://archive.ubuntu.com/ubuntu/\nSuites: noble noble-updates noble-backports\n\
             Components: main universe restricted multiverse\n",
        ),
    );
    // Ubuntu's image ships a non-root user (uid 1000) since 23.04.
    t.insert(
        "etc/passwd",
        Node::text("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nubuntu:x:1000:1000:Ubuntu:/home/ubuntu:/bin/bash\n"),
    );
    t.insert(
        "home/ubuntu",
        Node::Dir(Meta {
            mode: 0o750,
            uid: 1000,
            gid: 1000,
        }),
    );
    t
}

fn history(created_ms: i64, created_by: &str, empty_layer: bool) -> History {
    History {
        created: rfc3339(created_ms),
        created_by: created_by.to_string(),
        comment: if created_by.ends_with("# buildkit") || !created_by.starts_with("/bin/sh") {
            "buildkit.dockerfile.v0".into()
        } else {
            String::new()
        },
        empty_layer,
    }
}

/// A single-layer image from a root filesystem tree (how distribution images are made:
/// `ADD rootfs.tar /`).
fn single(
    repository: &str,
    tag: &str,
    created_ms: i64,
    tree: &Tree,
    added: &str,
    pre: &[(&str, bool)],
    cmd: &[&str],
) -> RegistryImage {
    let layer = Arc::new(layer_or_empty(Layer::from_tree(tree)));
    let mut config = ImageConfig::empty(rfc3339(created_ms));
    for (h, empty) in pre {
        config.history.push(history(created_ms, h, *empty));
    }
    config.history.push(history(
        created_ms,
        &format!("ADD {added} / # buildkit"),
        false,
    ));
    config.rootfs.diff_ids.push(layer.diff_id().clone());
    let cmd: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
    config.history.push(history(
        created_ms,
        &format!("CMD {}", json_list(&cmd)),
        true,
    ));
    config.config.env = vec![PATH_ENV.to_string()];
    config.config.cmd = Some(cmd);
    finish(repository, tag, created_ms, config, vec![layer])
}

/// The default PATH of the official images.
pub const PATH_ENV: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_default()
}

fn layer_or_empty(l: Result<Layer, super::tar::TarError>) -> Layer {
    // Generated trees have short paths; an error here is a bug in this file, which the
    // registry tests catch. Fall back to an empty layer rather than panic.
    l.unwrap_or_else(|_| Layer::new(BTreeMap::new()).unwrap_or_else(|_| unreachable!()))
}

fn finish(
    repository: &str,
    tag: &str,
    created_ms: i64,
    config: ImageConfig,
    layers: Vec<Arc<Layer>>,
) -> RegistryImage {
    let refs: Vec<&Layer> = layers.iter().map(|l| l.as_ref()).collect();
    let manifest = Manifest::new(&config, &refs);
    let rootfs = Arc::new(flatten(refs));
    RegistryImage {
        repository: repository.into(),
        tag: tag.into(),
        config: config.into(),
        layers,
        manifest,
        created_ms,
        rootfs,
    }
}

/// An image built FROM alpine:3.20 with extra layers, as the official `-alpine` variants are.
struct Derived {
    config: ImageConfig,
    layers: Vec<Arc<Layer>>,
    tree: Arc<Tree>,
    created_ms: i64,
}

impl Derived {
    fn from(base: &RegistryImage, created_ms: i64) -> Derived {
        let mut config = (*base.config).clone();
        config.created = rfc3339(created_ms);
        Derived {
            tree: Arc::new(flatten(base.layers.iter().map(|l| l.as_ref()))),
            config,
            layers: base.layers.clone(),
            created_ms,
        }
    }
    fn meta(
        &mut self,
        created_by: &str,
        f: impl FnOnce(&mut super::config::RunConfig),
    ) -> &mut Self {
        f(&mut self.config.config);
        self.config
            .history
            .push(history(self.created_ms, created_by, true));
        self
    }
    fn layer(&mut self, created_by: &str, f: impl FnOnce(&mut Overlay)) -> &mut Self {
        let mut o = Overlay::new(self.tree.clone());
        f(&mut o);
        let layer = Arc::new(layer_or_empty(o.to_layer()));
        self.tree = Arc::new(o.merged().clone());
        self.config.rootfs.diff_ids.push(layer.diff_id().clone());
        self.layers.push(layer);
        self.config
            .history
            .push(history(self.created_ms, created_by, false));
        self
    }
    fn done(self, repository: &str, tag: &str) -> RegistryImage {
        finish(repository, tag, self.created_ms, self.config, self.layers)
    }
}

/// Adds synthetic files (`path`, mode, size) under an overlay, making parents.
fn put(o: &mut Overlay, seed: &str, files: &[(&str, u32, u64)]) {
    for (path, mode, size) in files {
        let _ = o.mkdir(super::fs::parent(path), true);
        // `create`, not `write_file`: the 64 MiB limit is for what users write.
        let content = Content::Synthetic {
            seed: format!("{seed}:{path}"),
            size: *size,
        };
        let _ = o.create(path, Node::File(Meta::root(*mode), content));
    }
}

fn text(o: &mut Overlay, path: &str, mode: u32, body: &str) {
    let _ = o.mkdir(super::fs::parent(path), true);
    let _ = o.write_file(path, Content::text(body), Some(Meta::root(mode)));
}

fn generate(repository: &str, tag: &str) -> RegistryImage {
    match repository {
        "alpine" => single(
            "alpine",
            "3.20",
            -120 * DAY_MS,
            &alpine_tree(),
            "alpine-minirootfs-3.20.3-x86_64.tar.gz",
            &[],
            &["/bin/sh"],
        ),
        "busybox" => single(
            "busybox",
            "1.36",
            -200 * DAY_MS,
            &busybox_tree(),
            "busybox.tar.xz",
            &[],
            &["sh"],
        ),
        "debian" => single(
            "debian",
            "12",
            -60 * DAY_MS,
            &debian_tree(),
            "rootfs.tar.xz",
            &[],
            &["bash"],
        ),
        "ubuntu" => single(
            "ubuntu",
            "24.04",
            -90 * DAY_MS,
            &ubuntu_tree(),
            "file:6df775300d76441aa33f31b22c1afce8dfe35c8ffbc14ef27c27009235b12a95 in",
            &[
                ("ARG RELEASE", true),
                ("ARG LAUNCHPAD_BUILD_ARCH", true),
                ("LABEL org.opencontainers.image.ref.name=ubuntu", true),
                ("LABEL org.opencontainers.image.version=24.04", true),
            ],
            &["/bin/bash"],
        ),
        _ => derived(repository, tag),
    }
}

fn alpine_base() -> Arc<RegistryImage> {
    lookup("alpine", "3.20").unwrap_or_else(|_| Arc::new(generate("alpine", "3.20")))
}

/// The `-alpine` official images (`docker images` sizes, linux/amd64, decimal MB).
///
/// - python:3.12-alpine — *verified for the tag*: 48.89 MB, docker-library/repo-info
///   `repos/python/local/3.12.14-alpine.md` (commit c856ab58; image `sha256:8614a50e0588…`,
///   created 2026-09-17); the same image is the amd64 `python:3.12-alpine` of
///   `repos/python/remote/3.12-alpine.md` (commit 2f6ab1f1): 18,037,743 bytes (18.0 MB)
///   compressed.
/// - node:22-alpine — *verified for the tag*: 167.77 MB, `repos/node/local/22.23-alpine.md`
///   (commit 680e90cf; `node:22-alpine`, image `sha256:d8123cc24255…`, created 2026-09-17,
///   NODE_VERSION 22.23.2). Compressed: 60,697,390 bytes (60.7 MB) for the next build
///   (22.23.3, 2026-09-23) in `repos/node/remote/22-alpine.md` (commit 4211a163).
/// - redis:7.4-alpine — *verified for the tag*: 39.09 MB, `repos/redis/local/7.4.11-alpine.md`
///   (commit 348b32e5; image `sha256:5509c0097c60…`, created 2026-08-18); the same image is the
///   amd64 `redis:7.4-alpine` of `repos/redis/remote/7.4-alpine.md` (commit 1742085a):
///   16,258,831 bytes (16.3 MB) compressed.
/// - nginx:1.27-alpine — ≈48 MB, *approximate, unverified*: repo-info holds no record of an
///   nginx 1.27 image.
/// - nginx:1.26-alpine — ≈47 MB, *approximate, unverified* (ASSUMPTION: 1.26.2, the last 1.26
///   release, on the same Alpine 3.20 base as 1.27.2 — both were built on alpine3.20 in late
///   2024; its nginx layer ≈1 MB smaller). repo-info `repos/nginx/local/` holds no 1.26 record
///   either (its oldest are 1.22/1.23).
///
/// Those records are later builds of the same tags (python 3.12.14 on Alpine 3.24, node 22.23 on
/// Alpine 3.24, redis 7.4.11 on Alpine 3.21) than the versions the ENV lines below name (late
/// 2024 releases on Alpine 3.20, whose sizes no record found here gives); this model keeps the
/// older version strings and the shared alpine:3.20 base layer, and takes the tag's recorded
/// total size.
fn derived(repository: &str, tag: &str) -> RegistryImage {
    let base = alpine_base();
    match repository {
        "nginx" if tag == "1.26-alpine" => {
            nginx(&base, "1.26.2", "1.26-alpine", -70 * DAY_MS, 34_300_000)
        }
        "nginx" => nginx(&base, "1.27.2", "1.27-alpine", -30 * DAY_MS, 35_360_000),
        "python" => {
            let mut d = Derived::from(&base, -20 * DAY_MS);
            d.meta("ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", |c| {
                c.set_env("PATH", "/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
            })
            .meta("ENV LANG=C.UTF-8", |c| c.set_env("LANG", "C.UTF-8"))
            .layer("RUN /bin/sh -c set -eux; apk add --no-cache ca-certificates tzdata; # buildkit", |o| {
                // tzdata: 441 KiB installed (tzdata-2026d-r0 in the package list of repo-info
                // `repos/python/local/3.12.14-alpine.md`, the record the total comes from).
                put(o, "python:3.12", &[("usr/share/zoneinfo/tzdata.bundle", 0o644, 451_584), ("etc/ssl/certs/ca-certificates.crt", 0o644, 221_418)]);
            })
            .meta("ENV PYTHON_VERSION=3.12.7", |c| c.set_env("PYTHON_VERSION", "3.12.7"))
            .layer("RUN /bin/sh -c set -eux; apk add --no-cache --virtual .build-deps ...; ./configure; make; make install; apk del --no-network .build-deps; # buildkit", |o| {
                put(o, "python:3.12", &[
                    ("usr/local/bin/python3.12", 0o755, 18_232),
                    ("usr/local/lib/libpython3.12.so.1.0", 0o755, 24_730_000),
                    ("usr/local/lib/python3.12/stdlib.bundle", 0o644, 11_718_418),
                    ("usr/local/lib/python3.12/site-packages/pip/pip.bundle", 0o644, 3_950_000),
                    ("usr/local/bin/pip3.12", 0o755, 229),
                ]);
                text(o, "usr/local/lib/python3.12/site-packages/README.txt", 0o644, "This directory exists so that 3rd party packages can be installed\nhere.  Read the source for site.py for more details.\n");
            })
            .layer("RUN /bin/sh -c set -eux; for src in idle3 pip3 pydoc3 python3 python3-config; do dst=\"$(echo \"$src\" | tr -d 3)\"; ln -svT \"$src\" \"/usr/local/bin/$dst\"; done # buildkit", |o| {
                for (l, t) in [("python3", "python3.12"), ("python", "python3"), ("pip3", "pip3.12"), ("pip", "pip3")] {
                    let _ = o.create(&format!("usr/local/bin/{l}"), Node::symlink(t));
                }
            })
            .meta("CMD [\"python3\"]", |c| c.cmd = Some(vec!["python3".into()]));
            d.done("python", "3.12-alpine")
        }
        "node" => {
            let mut d = Derived::from(&base, -15 * DAY_MS);
            d.meta("ENV NODE_VERSION=22.11.0", |c| c.set_env("NODE_VERSION", "22.11.0"))
                .layer("RUN /bin/sh -c addgroup -g 1000 node && adduser -u 1000 -G node -s /bin/sh -D node && apk add --no-cache libstdc++ && ... # buildkit", |o| {
                    put(o, "node:22", &[
                        ("usr/local/bin/node", 0o755, 107_966_261),
                        ("usr/local/lib/node_modules/npm/npm.bundle", 0o644, 40_000_000),
                        // libstdc++: 2738 KiB installed (libstdc++-15.2.0-r5 in the package list
                        // of repo-info `repos/node/local/22.23-alpine.md`, the record the total
                        // comes from).
                        ("usr/lib/libstdc++.so.6.0.33", 0o755, 2_803_712),
                        ("usr/local/include/node/headers.bundle", 0o644, 3_900_000),
                    ]);
                    let _ = o.create("usr/local/bin/npm", Node::symlink("../lib/node_modules/npm/bin/npm-cli.js"));
                    let _ = o.create("usr/local/bin/npx", Node::symlink("../lib/node_modules/npm/bin/npx-cli.js"));
                    let _ = o.create("home/node", Node::Dir(Meta { mode: 0o755, uid: 1000, gid: 1000 }));
                })
                .meta("ENV YARN_VERSION=1.22.22", |c| c.set_env("YARN_VERSION", "1.22.22"))
                .layer("RUN /bin/sh -c apk add --no-cache --virtual .build-deps-yarn curl gnupg tar && ... # buildkit", |o| {
                    put(o, "node:22", &[("opt/yarn-v1.22.22/yarn.bundle", 0o644, 5_300_000)]);
                    let _ = o.create("usr/local/bin/yarn", Node::symlink("/opt/yarn-v1.22.22/bin/yarn"));
                })
                .layer("COPY docker-entrypoint.sh /usr/local/bin/ # buildkit", |o| {
                    text(o, "usr/local/bin/docker-entrypoint.sh", 0o755, "#!/bin/sh\nset -e\nexec \"$@\"\n");
                })
                .meta("ENTRYPOINT [\"docker-entrypoint.sh\"]", |c| c.entrypoint = Some(vec!["docker-entrypoint.sh".into()]))
                .meta("CMD [\"node\"]", |c| c.cmd = Some(vec!["node".into()]));
            d.done("node", "22-alpine")
        }
        _ => {
            // redis
            let mut d = Derived::from(&base, -25 * DAY_MS);
            d.layer("RUN /bin/sh -c set -eux; addgroup -S -g 1000 redis; adduser -S -G redis -u 999 redis # buildkit", |o| {
                text(o, "etc/passwd", 0o644, &format!("{PASSWD_ALPINE}redis:x:999:1000:Linux User,,,:/home/redis:/sbin/nologin\n"));
                text(o, "etc/group", 0o644, &format!("{GROUP_ALPINE}redis:x:1000:redis\n"));
            })
            .layer("RUN /bin/sh -c set -eux; apk add --no-cache 'su-exec>=0.2' tzdata # buildkit", |o| {
                // tzdata: 433 KiB installed (tzdata-2026c-r0 in the package list of
                // repo-info `repos/redis/local/7.4.11-alpine.md`, the record the total comes from).
                put(o, "redis:7.4", &[("sbin/su-exec", 0o755, 10_168), ("usr/share/zoneinfo/tzdata.bundle", 0o644, 443_392)]);
            })
            .meta("ENV REDIS_VERSION=7.4.1", |c| c.set_env("REDIS_VERSION", "7.4.1"))
            .layer("RUN /bin/sh -c set -eux; apk add --no-cache --virtual .build-deps ...; make -C /usr/src/redis; make install; # buildkit", |o| {
                put(o, "redis:7.4", &[
                    ("usr/local/bin/redis-server", 0o755, 15_800_000),
                    ("usr/local/bin/redis-cli", 0o755, 8_100_000),
                    ("usr/local/bin/redis-benchmark", 0o755, 5_800_000),
                    ("usr/lib/libssl-redis.bundle", 0o644, 1_136_000),
                ]);
                for l in ["redis-check-aof", "redis-check-rdb", "redis-sentinel"] {
                    let _ = o.create(&format!("usr/local/bin/{l}"), Node::symlink("redis-server"));
                }
            })
            .layer("RUN /bin/sh -c mkdir /data && chown redis:redis /data # buildkit", |o| {
                let _ = o.create("data", Node::Dir(Meta { mode: 0o755, uid: 999, gid: 1000 }));
            })
            .meta("VOLUME [/data]", |_| {})
            .layer("WORKDIR /data", |_| {})
            .layer("COPY docker-entrypoint.sh /usr/local/bin/ # buildkit", |o| {
                text(o, "usr/local/bin/docker-entrypoint.sh", 0o755, "#!/bin/sh\nset -e\nexec \"$@\"\n");
            })
            .meta("ENTRYPOINT [\"docker-entrypoint.sh\"]", |c| c.entrypoint = Some(vec!["docker-entrypoint.sh".into()]))
            .meta("EXPOSE map[6379/tcp:{}]", |c| {
                c.exposed_ports.insert("6379/tcp".into(), Default::default());
            })
            .meta("CMD [\"redis-server\"]", |c| c.cmd = Some(vec!["redis-server".into()]));
            d.config.config.working_dir = "/data".into();
            d.done("redis", "7.4-alpine")
        }
    }
}

/// An official `nginx:VERSION-alpine` image on `base`: NGINX_VERSION `version`, created at
/// `created_ms`, its module bundle `bundle` bytes (the synthetic share that makes the total).
fn nginx(
    base: &RegistryImage,
    version: &str,
    tag: &str,
    created_ms: i64,
    bundle: u64,
) -> RegistryImage {
    let seed = format!(
        "nginx:{}",
        version.rsplit_once('.').map_or(version, |(m, _)| m)
    );
    let mut d = Derived::from(base, created_ms);
    d.meta("LABEL maintainer=NGINX Docker Maintainers <docker-maint@nginx.com>", |c| {
        c.labels.insert("maintainer".into(), "NGINX Docker Maintainers <docker-maint@nginx.com>".into());
    })
    .meta(&format!("ENV NGINX_VERSION={version}"), |c| c.set_env("NGINX_VERSION", version))
    .layer("RUN /bin/sh -c set -x && addgroup -g 101 -S nginx && adduser -S -D -H -u 101 -h /var/cache/nginx -s /sbin/nologin -G nginx -g nginx nginx && apk add --no-cache nginx # buildkit", |o| {
        put(o, &seed, &[
            ("usr/sbin/nginx", 0o755, 1_557_064),
            ("usr/lib/nginx/modules/ngx_http_js_module.so", 0o755, 1_240_000),
            ("usr/lib/libpcre2-8.so.0.13.0", 0o755, 563_808),
            ("usr/lib/libxml2.so.2.12.6", 0o755, 1_482_512),
            ("usr/share/nginx/html/50x.html", 0o644, 497),
            ("usr/lib/nginx/njs-and-geoip.bundle", 0o644, bundle),
        ]);
        text(o, "usr/share/nginx/html/index.html", 0o644, "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n</body>\n</html>\n");
        text(o, "etc/nginx/nginx.conf", 0o644, "user  nginx;\nworker_processes  auto;\nevents {\n    worker_connections  1024;\n}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n");
        text(o, "etc/nginx/conf.d/default.conf", 0o644, "server {\n    listen       80;\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html;\n    }\n}\n");
        let _ = o.mkdir("var/cache/nginx", true);
        let _ = o.mkdir("var/log/nginx", true);
        let _ = o.create("var/log/nginx/access.log", Node::symlink("/dev/stdout"));
        let _ = o.create("var/log/nginx/error.log", Node::symlink("/dev/stderr"));
    })
    .layer("COPY docker-entrypoint.sh / # buildkit", |o| {
        text(o, "docker-entrypoint.sh", 0o775, "#!/bin/sh\nset -e\nexec \"$@\"\n");
    })
    .meta("ENTRYPOINT [\"/docker-entrypoint.sh\"]", |c| c.entrypoint = Some(vec!["/docker-entrypoint.sh".into()]))
    .meta("EXPOSE map[80/tcp:{}]", |c| {
        c.exposed_ports.insert("80/tcp".into(), Default::default());
    })
    .meta("STOPSIGNAL SIGQUIT", |_| {})
    .meta("CMD [\"nginx\" \"-g\" \"daemon off;\"]", |c| {
        c.cmd = Some(vec!["nginx".into(), "-g".into(), "daemon off;".into()])
    });
    d.done("nginx", tag)
}
