//! The host's processes as its kernel sees them: the host OS's own daemons, one VMM process per
//! powered-on VM (the guest's processes live inside the guest kernel and are invisible here),
//! and each container's `containerd-shim` with the container's processes under it, every one
//! with a host PID and the PID namespace it lives in.

use serde::Serialize;

/// The inode number of the initial PID namespace (`PROC_PID_INIT_INO` = 0xEFFFFFFC in the
/// kernel's `include/linux/proc_ns.h`): what `ls -l /proc/1/ns/pid` shows on any host.
pub const HOST_PID_NS: u64 = 0xEFFF_FFFC;

/// ASSUMPTION: where the host's PID counter stands once the host OS has booted; a container's
/// and a VMM's processes get PIDs from here on, in order. Real values depend on the boot.
pub const FIRST_FREE_PID: u32 = 1200;

/// The host OS's own processes (Ubuntu 24.04 server with Docker): (PID, PPID, user, command).
/// ASSUMPTION: the PIDs are plausible values, not measured ones.
pub const HOST_PROCESSES: &[(u32, u32, &str, &str)] = &[
    (1, 0, "root", "/sbin/init"),
    (2, 0, "root", "[kthreadd]"),
    (412, 1, "root", "/usr/lib/systemd/systemd-journald"),
    (455, 1, "root", "/usr/lib/systemd/systemd-udevd"),
    (
        601,
        1,
        "systemd-network",
        "/usr/lib/systemd/systemd-networkd",
    ),
    (
        620,
        1,
        "systemd-resolve",
        "/usr/lib/systemd/systemd-resolved",
    ),
    (702, 1, "root", "/usr/sbin/cron -f -P"),
    (
        731,
        1,
        "root",
        "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups",
    ),
    (804, 1, "root", "/usr/bin/containerd"),
    (
        951,
        1,
        "root",
        "/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock",
    ),
];

/// The PID namespace inode of a container whose shim has host PID `shim_pid`. ASSUMPTION: the
/// kernel numbers namespace inodes from a counter; the sandbox derives one from the shim's PID
/// so that it is unique and stable.
pub fn container_pid_ns(shim_pid: u32) -> u64 {
    HOST_PID_NS + 100 + u64::from(shim_pid)
}

/// A process in the host's view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostProcess {
    /// Host PID.
    pub pid: u32,
    /// Host parent PID.
    pub ppid: u32,
    /// User.
    pub user: String,
    /// PID namespace inode.
    pub pid_ns: u64,
    /// PID inside its own namespace (equal to `pid` in the host's).
    pub ns_pid: u32,
    /// What it belongs to: `host`, `container/NAME`, `vm/NAME`.
    pub owner: String,
    /// CPU time (ms).
    pub cpu_ms: u64,
    /// Command line.
    pub command: String,
}

/// `[[h]:]mm:ss` as procps prints TIME (`00:00:05`).
pub fn procps_time(cpu_ms: u64) -> String {
    let s = cpu_ms / 1000;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// busybox `ps` TIME: `m:ss` (minutes may grow past 59).
pub fn busybox_time(cpu_ms: u64) -> String {
    let s = cpu_ms / 1000;
    format!("{}:{:02}", s / 60, s % 60)
}

/// Go's `text/tabwriter` with the given `minwidth` and `padding` (tabwidth 1, padding with
/// spaces): every cell but the last of a row is padded to max(minwidth, widest cell + padding).
/// `docker top` uses minwidth 20, the other docker tables 10 ([`crate::image::format::table`]),
/// kubectl 6.
pub fn tabwrite(rows: &[Vec<String>], minwidth: usize, padding: usize) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; cols];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            out.push_str(c);
            if i + 1 < r.len() {
                let w = (widths[i] + padding).max(minwidth);
                out.push_str(&" ".repeat(w - c.chars().count()));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_print_as_procps_and_busybox_do() {
        assert_eq!(procps_time(5_400), "00:00:05");
        assert_eq!(procps_time(3_723_000), "01:02:03");
        assert_eq!(busybox_time(65_000), "1:05");
        assert_eq!(busybox_time(0), "0:00");
    }
}
