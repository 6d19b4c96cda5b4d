//! A small package catalogue for `apk add`, `apt-get install -y` and `pip install`.
//!
//! Versions are those of Alpine 3.20, Debian 12 and PyPI in late 2024. Installed sizes are
//! *approximate and unverified*: written from memory, rounded, meant to be in the range of
//! pkgs.alpinelinux.org "Installed size", packages.debian.org "Installed-Size" and the unpacked
//! size of the PyPI wheels. A check on 2026-11-25 found no stored record for these exact
//! versions (pkgs.alpinelinux.org pages were found only for other branches, v3.12–v3.19 and
//! v3.21–v3.24, whose sizes differ: Alpine's tzdata, for one, is 3.1 MiB installed in v3.16 and
//! ≈442 KiB in v3.24), so no figure below was changed; treat each as unverified until checked
//! against the page for its version. Each package installs a few real paths whose sizes add up
//! to its installed size.

/// One package.
#[derive(Debug)]
pub struct Package {
    /// Name.
    pub name: &'static str,
    /// Version as the package manager prints it.
    pub version: &'static str,
    /// Packages it depends on (installed first).
    pub deps: &'static [&'static str],
    /// Files it installs: (path, mode, size in bytes). pip paths are relative to site-packages.
    pub files: &'static [(&'static str, u32, u64)],
}

/// Symlinks packages install, as (package name, package version, path, target): the commands
/// people type (`python3`, `pip`, `vim`) are links to versioned binaries in the real packages.
pub const LINKS: &[(&str, &str, &str, &str)] = &[
    ("python3", "3.12.7-r0", "usr/bin/python3", "python3.12"),
    ("python3", "3.12.7-r0", "usr/bin/python", "python3"),
    ("py3-pip", "24.0-r2", "usr/bin/pip", "pip3"),
    ("python3", "3.11.2-1+b1", "usr/bin/python3", "python3.11"),
    ("vim", "2:9.0.1378-2", "usr/bin/vim", "vim.basic"),
];

impl Package {
    /// The symlinks this package installs, as (path, target).
    pub fn links(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        LINKS
            .iter()
            .filter(|(n, v, _, _)| *n == self.name && *v == self.version)
            .map(|(_, _, path, target)| (*path, *target))
    }

    /// Installed size in bytes.
    pub fn size(&self) -> u64 {
        self.files.iter().map(|f| f.2).sum()
    }
}

macro_rules! pkg {
    ($name:literal, $ver:literal, [$($dep:literal),*], [$(($path:literal, $mode:literal, $size:literal)),* $(,)?]) => {
        Package { name: $name, version: $ver, deps: &[$($dep),*], files: &[$(($path, $mode, $size)),*] }
    };
}

/// Alpine 3.20 packages (main and community).
pub const APK: &[Package] = &[
    pkg!(
        "ca-certificates",
        "20240705-r0",
        [],
        [
            ("etc/ssl/certs/ca-certificates.crt", 0o644, 221_418),
            ("usr/sbin/update-ca-certificates", 0o755, 14_360),
            ("usr/share/ca-certificates/mozilla.bundle", 0o644, 452_000)
        ]
    ),
    pkg!(
        "brotli-libs",
        "1.1.0-r2",
        [],
        [
            ("usr/lib/libbrotlicommon.so.1.1.0", 0o755, 136_000),
            ("usr/lib/libbrotlidec.so.1.1.0", 0o755, 51_000),
            ("usr/lib/libbrotlienc.so.1.1.0", 0o755, 580_000)
        ]
    ),
    pkg!(
        "c-ares",
        "1.33.1-r0",
        [],
        [("usr/lib/libcares.so.2.17.1", 0o755, 189_000)]
    ),
    pkg!(
        "libidn2",
        "2.3.7-r0",
        ["libunistring"],
        [("usr/lib/libidn2.so.0.4.0", 0o755, 141_000)]
    ),
    pkg!(
        "libunistring",
        "1.2-r0",
        [],
        [("usr/lib/libunistring.so.5.1.0", 0o755, 1_690_000)]
    ),
    pkg!(
        "nghttp2-libs",
        "1.62.1-r0",
        [],
        [("usr/lib/libnghttp2.so.14.28.2", 0o755, 169_000)]
    ),
    pkg!(
        "libpsl",
        "0.21.5-r1",
        [],
        [("usr/lib/libpsl.so.5.3.5", 0o755, 77_000)]
    ),
    pkg!(
        "zstd-libs",
        "1.5.6-r0",
        [],
        [("usr/lib/libzstd.so.1.5.6", 0o755, 767_000)]
    ),
    pkg!(
        "libcurl",
        "8.11.0-r2",
        [
            "ca-certificates",
            "brotli-libs",
            "c-ares",
            "libidn2",
            "libpsl",
            "nghttp2-libs",
            "zstd-libs"
        ],
        [("usr/lib/libcurl.so.4.8.0", 0o755, 661_000)]
    ),
    pkg!(
        "curl",
        "8.11.0-r2",
        ["libcurl"],
        [("usr/bin/curl", 0o755, 251_000)]
    ),
    pkg!(
        "pcre2",
        "10.43-r0",
        [],
        [("usr/lib/libpcre2-8.so.0.13.0", 0o755, 563_808)]
    ),
    pkg!(
        "git",
        "2.45.2-r0",
        ["libcurl", "pcre2"],
        [
            ("usr/bin/git", 0o755, 3_770_000),
            ("usr/libexec/git-core/git-core.bundle", 0o644, 10_900_000),
            ("usr/share/git-core/templates/description", 0o644, 73)
        ]
    ),
    pkg!(
        "ncurses-terminfo-base",
        "6.4_p20240420-r2",
        [],
        [("etc/terminfo/terminfo.bundle", 0o644, 44_000)]
    ),
    pkg!(
        "readline",
        "8.2.10-r0",
        ["ncurses-terminfo-base"],
        [("usr/lib/libreadline.so.8.2", 0o755, 275_000)]
    ),
    pkg!(
        "bash",
        "5.2.26-r0",
        ["readline"],
        [("bin/bash", 0o755, 1_200_000)]
    ),
    pkg!(
        "libffi",
        "3.4.6-r0",
        [],
        [("usr/lib/libffi.so.8.1.4", 0o755, 47_000)]
    ),
    pkg!(
        "sqlite-libs",
        "3.45.3-r1",
        [],
        [("usr/lib/libsqlite3.so.0.8.6", 0o755, 1_460_000)]
    ),
    pkg!(
        "python3",
        "3.12.7-r0",
        ["libffi", "sqlite-libs", "readline"],
        [
            ("usr/bin/python3.12", 0o755, 14_000),
            ("usr/lib/libpython3.12.so.1.0", 0o755, 5_300_000),
            ("usr/lib/python3.12/stdlib.bundle", 0o644, 34_000_000),
            ("usr/lib/python3.12/EXTERNALLY-MANAGED", 0o644, 522)
        ]
    ),
    pkg!(
        "py3-pip",
        "24.0-r2",
        ["python3"],
        [
            ("usr/bin/pip3", 0o755, 219),
            (
                "usr/lib/python3.12/site-packages/pip/pip.bundle",
                0o644,
                12_800_000
            )
        ]
    ),
    pkg!(
        "nodejs",
        "20.15.1-r0",
        ["ca-certificates", "brotli-libs", "c-ares"],
        [("usr/bin/node", 0o755, 46_700_000)]
    ),
    pkg!(
        "npm",
        "10.8.0-r0",
        ["nodejs"],
        [
            ("usr/lib/node_modules/npm/npm.bundle", 0o644, 12_300_000),
            ("usr/bin/npm", 0o755, 53)
        ]
    ),
    pkg!(
        "nginx",
        "1.26.2-r0",
        ["pcre2"],
        [
            ("usr/sbin/nginx", 0o755, 1_300_000),
            ("etc/nginx/nginx.conf", 0o644, 3_208)
        ]
    ),
    pkg!(
        "tzdata",
        "2024b-r0",
        [],
        [("usr/share/zoneinfo/tzdata.bundle", 0o644, 1_600_000)]
    ),
    pkg!(
        "vim",
        "9.1.0707-r0",
        ["ncurses-terminfo-base"],
        [
            ("usr/bin/vim", 0o755, 3_300_000),
            ("usr/share/vim/vim91/runtime.bundle", 0o644, 30_000_000)
        ]
    ),
];

/// Debian 12 (bookworm) packages not in the base image.
pub const APT: &[Package] = &[
    pkg!(
        "ca-certificates",
        "20230311",
        ["openssl"],
        [
            ("etc/ssl/certs/ca-certificates.crt", 0o644, 219_000),
            ("usr/share/ca-certificates/mozilla.bundle", 0o644, 160_000)
        ]
    ),
    pkg!(
        "openssl",
        "3.0.15-1~deb12u1",
        [],
        [
            ("usr/bin/openssl", 0o755, 1_000_000),
            ("usr/lib/x86_64-linux-gnu/libssl.so.3", 0o644, 688_000)
        ]
    ),
    pkg!(
        "libcurl4",
        "7.88.1-10+deb12u8",
        ["libnghttp2-14", "librtmp1", "libssh2-1"],
        [("usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0", 0o644, 780_000)]
    ),
    pkg!(
        "libnghttp2-14",
        "1.52.0-1+deb12u2",
        [],
        [(
            "usr/lib/x86_64-linux-gnu/libnghttp2.so.14.24.1",
            0o644,
            172_000
        )]
    ),
    pkg!(
        "librtmp1",
        "2.4+20151223.gitfa8646d.1-2+b2",
        [],
        [("usr/lib/x86_64-linux-gnu/librtmp.so.1", 0o644, 121_000)]
    ),
    pkg!(
        "libssh2-1",
        "1.10.0-3+b1",
        [],
        [("usr/lib/x86_64-linux-gnu/libssh2.so.1.0.1", 0o644, 270_000)]
    ),
    pkg!(
        "curl",
        "7.88.1-10+deb12u8",
        ["libcurl4", "ca-certificates"],
        [("usr/bin/curl", 0o755, 276_000)]
    ),
    pkg!(
        "wget",
        "1.21.3-1+b2",
        ["ca-certificates"],
        [("usr/bin/wget", 0o755, 3_700_000)]
    ),
    pkg!(
        "git",
        "1:2.39.5-0+deb12u1",
        ["libcurl4", "perl"],
        [
            ("usr/bin/git", 0o755, 3_900_000),
            ("usr/lib/git-core/git-core.bundle", 0o644, 31_000_000)
        ]
    ),
    pkg!(
        "perl",
        "5.36.0-7+deb12u1",
        [],
        [("usr/share/perl/5.36/perl.bundle", 0o644, 19_000_000)]
    ),
    pkg!(
        "python3",
        "3.11.2-1+b1",
        ["libpython3.11-stdlib"],
        [
            ("usr/bin/python3.11", 0o755, 6_800_000),
            ("usr/lib/python3.11/EXTERNALLY-MANAGED", 0o644, 645)
        ]
    ),
    pkg!(
        "libpython3.11-stdlib",
        "3.11.2-6+deb12u4",
        [],
        [("usr/lib/python3.11/stdlib.bundle", 0o644, 29_000_000)]
    ),
    pkg!(
        "python3-pip",
        "23.0.1+dfsg-1",
        ["python3"],
        [
            ("usr/bin/pip3", 0o755, 221),
            (
                "usr/lib/python3/dist-packages/pip/pip.bundle",
                0o644,
                9_100_000
            )
        ]
    ),
    pkg!(
        "nginx",
        "1.22.1-9+deb12u1",
        [],
        [
            ("usr/sbin/nginx", 0o755, 1_400_000),
            ("etc/nginx/nginx.conf", 0o644, 1_447)
        ]
    ),
    pkg!(
        "vim",
        "2:9.0.1378-2",
        [],
        [
            ("usr/bin/vim.basic", 0o755, 3_800_000),
            ("usr/share/vim/vim90/runtime.bundle", 0o644, 33_000_000)
        ]
    ),
    pkg!(
        "nodejs",
        "18.19.0+dfsg-6~deb12u2",
        ["ca-certificates"],
        [("usr/bin/node", 0o755, 55_000_000)]
    ),
];

/// PyPI packages (pure-Python wheels unless noted).
pub const PIP: &[Package] = &[
    pkg!(
        "markupsafe",
        "3.0.2",
        [],
        [
            ("markupsafe/__init__.py", 0o644, 10_975),
            (
                "markupsafe/_speedups.cpython-312-x86_64-linux-musl.so",
                0o755,
                44_000
            )
        ]
    ),
    pkg!(
        "jinja2",
        "3.1.4",
        ["markupsafe"],
        [
            ("jinja2/__init__.py", 0o644, 1_932),
            ("jinja2/jinja2.bundle", 0o644, 770_000)
        ]
    ),
    pkg!(
        "itsdangerous",
        "2.2.0",
        [],
        [
            ("itsdangerous/__init__.py", 0o644, 1_438),
            ("itsdangerous/itsdangerous.bundle", 0o644, 45_000)
        ]
    ),
    pkg!(
        "click",
        "8.1.7",
        [],
        [
            ("click/__init__.py", 0o644, 3_138),
            ("click/click.bundle", 0o644, 460_000)
        ]
    ),
    pkg!(
        "blinker",
        "1.9.0",
        [],
        [
            ("blinker/__init__.py", 0o644, 317),
            ("blinker/blinker.bundle", 0o644, 30_000)
        ]
    ),
    pkg!(
        "werkzeug",
        "3.1.3",
        ["markupsafe"],
        [
            ("werkzeug/__init__.py", 0o644, 188),
            ("werkzeug/werkzeug.bundle", 0o644, 1_400_000)
        ]
    ),
    pkg!(
        "flask",
        "3.1.0",
        ["werkzeug", "jinja2", "itsdangerous", "click", "blinker"],
        [
            ("flask/__init__.py", 0o644, 2_625),
            ("flask/flask.bundle", 0o644, 290_000)
        ]
    ),
    pkg!(
        "idna",
        "3.10",
        [],
        [
            ("idna/__init__.py", 0o644, 868),
            ("idna/idna.bundle", 0o644, 470_000)
        ]
    ),
    pkg!(
        "urllib3",
        "2.2.3",
        [],
        [
            ("urllib3/__init__.py", 0o644, 6_979),
            ("urllib3/urllib3.bundle", 0o644, 600_000)
        ]
    ),
    pkg!(
        "certifi",
        "2024.8.30",
        [],
        [
            ("certifi/__init__.py", 0o644, 94),
            ("certifi/cacert.pem", 0o644, 292_041)
        ]
    ),
    pkg!(
        "charset-normalizer",
        "3.4.0",
        [],
        [
            ("charset_normalizer/__init__.py", 0o644, 1_590),
            (
                "charset_normalizer/charset_normalizer.bundle",
                0o644,
                400_000
            )
        ]
    ),
    pkg!(
        "requests",
        "2.32.3",
        ["charset-normalizer", "idna", "urllib3", "certifi"],
        [
            ("requests/__init__.py", 0o644, 4_963),
            ("requests/requests.bundle", 0o644, 200_000)
        ]
    ),
    pkg!(
        "gunicorn",
        "23.0.0",
        [],
        [
            ("gunicorn/__init__.py", 0o644, 255),
            ("gunicorn/gunicorn.bundle", 0o644, 600_000)
        ]
    ),
    pkg!(
        "numpy",
        "2.1.3",
        [],
        [
            ("numpy/__init__.py", 0o644, 22_000),
            ("numpy/core.bundle", 0o644, 37_000_000),
            ("numpy.libs/libscipy_openblas64.so", 0o755, 24_000_000)
        ]
    ),
    pkg!(
        "redis",
        "5.2.0",
        [],
        [
            ("redis/__init__.py", 0o644, 1_738),
            ("redis/redis.bundle", 0o644, 1_200_000)
        ]
    ),
];

/// Finds `name` in `catalogue`.
pub fn find(catalogue: &'static [Package], name: &str) -> Option<&'static Package> {
    let wanted = name.to_ascii_lowercase().replace('_', "-");
    catalogue.iter().find(|p| p.name == wanted)
}

/// The packages to install for `names`, dependencies before dependents, each once, leaving out
/// those `installed` says are there. `Err` names the first unknown package.
pub fn resolve(
    catalogue: &'static [Package],
    names: &[String],
    installed: &dyn Fn(&str) -> bool,
) -> Result<Vec<&'static Package>, String> {
    fn visit(
        catalogue: &'static [Package],
        p: &'static Package,
        installed: &dyn Fn(&str) -> bool,
        out: &mut Vec<&'static Package>,
        depth: usize,
    ) {
        if depth > 16 || installed(p.name) || out.iter().any(|q| q.name == p.name) {
            return;
        }
        for d in p.deps {
            if let Some(dep) = find(catalogue, d) {
                visit(catalogue, dep, installed, out, depth + 1);
            }
        }
        out.push(p);
    }
    let mut out = Vec::new();
    for n in names {
        let Some(p) = find(catalogue, strip_version(n)) else {
            return Err(n.clone());
        };
        visit(catalogue, p, installed, &mut out, 0);
    }
    Ok(out)
}

/// `flask==3.0` and `su-exec>=0.2` name `flask` and `su-exec`.
pub fn strip_version(spec: &str) -> &str {
    spec.split(['=', '>', '<', '~', '!', '['])
        .next()
        .unwrap_or(spec)
}
