//! The two kinds of VM the sandbox models and the guest images they boot. Every constant names
//! its source; where no published figure was found the constant says "ASSUMPTION" and names the
//! nearest source, so a lesson can show the student which numbers are measured and which are not.

use serde::Serialize;

use super::quantity::{GIB, MIB};

/// How a VM is built: a general-purpose VM with a full distribution (QEMU/KVM, firmware,
/// bootloader, systemd), or a Firecracker microVM (direct kernel boot, minimal root filesystem).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// QEMU/KVM with firmware, a bootloader and a full distribution.
    Full,
    /// Firecracker microVM.
    Microvm,
}

/// One phase of a VM's boot, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BootPhase {
    /// Firmware (BIOS/UEFI) and bootloader, up to the first kernel message.
    Firmware,
    /// The guest kernel, up to the start of user space (`/sbin/init`).
    Kernel,
    /// The init system (PID 1) bringing up the base system.
    Init,
    /// The distribution's services (network, cloud-init, snapd, ssh…).
    Services,
    /// The application itself.
    App,
}

impl BootPhase {
    /// Every phase, in boot order.
    pub const ALL: [BootPhase; 5] = [
        BootPhase::Firmware,
        BootPhase::Kernel,
        BootPhase::Init,
        BootPhase::Services,
        BootPhase::App,
    ];

    /// The phase's name as output and events show it.
    pub fn name(self) -> &'static str {
        match self {
            BootPhase::Firmware => "firmware",
            BootPhase::Kernel => "kernel",
            BootPhase::Init => "init",
            BootPhase::Services => "services",
            BootPhase::App => "app",
        }
    }
}

// ---- Full-distribution VM (QEMU/KVM, Ubuntu cloud image) -------------------------------------

/// SeaBIOS under QEMU until the first kernel message: 0.989, 0.932, 0.988 s, "average: 0.969"
/// (cloudius-systems/capstan issue #145, measurements by davedoesdev, 2015, "standard BIOS").
pub const FULL_FIRMWARE_MS: u64 = 969;
/// Ubuntu 23.10 server cloud image (mantic-server-cloudimg-amd64) booted under QEMU by
/// pycloudlib: `systemd-analyze` → "Startup finished in 2.851s (kernel) + 12.240s (userspace) =
/// 15.092s" (canonical/cloud-init pull request #4535, 2023-10-19).
pub const FULL_KERNEL_MS: u64 = 2_851;
/// The same measurement's user space: 12.240 s from PID 1 to "Startup finished".
pub const FULL_USERSPACE_MS: u64 = 12_240;
/// ASSUMPTION: how much of [`FULL_USERSPACE_MS`] systemd spends before it starts the
/// distribution's services (sysinit/basic targets). The source gives only the total; the split
/// is not measured. `init + services` equals the sourced 12.240 s.
pub const FULL_INIT_MS: u64 = 1_000;
/// The rest of the sourced user space: 12,240 − 1,000 ms (cloud-init, snapd, networkd, ssh…).
pub const FULL_SERVICES_MS: u64 = FULL_USERSPACE_MS - FULL_INIT_MS;
/// ASSUMPTION: the application's own start is the workload's cost, not the VM's; it is 0 here
/// and will be the same constant for containers, so it cancels out of every comparison.
pub const APP_START_MS: u64 = 0;
/// QEMU's own memory beyond guest RAM: "Memory used by the qemu process (excluding VM memory)
/// ~30M" (openshift/openshift-docs pull request #32825, OpenShift sandboxed containers sizing
/// table; KubeVirt's `QemuOverhead` was 30Mi too until kubevirt/kubevirt pull request #18388).
pub const FULL_VMM_OVERHEAD_BYTES: u64 = 30 * MIB;
/// Guest memory the guest OS takes before any application: "Guest Linux kernel memory usage at
/// boot ~110M" (openshift/openshift-docs pull request #32825). A lower bound: the distribution's
/// user-space services add to it, by amounts no source we found states.
pub const FULL_GUEST_OS_BYTES: u64 = 110 * MIB;
/// The Ubuntu cloud image's virtual disk size as launched in the same measurement:
/// "size=10737418240" (canonical/cloud-init pull request #4535).
pub const FULL_DISK_BYTES: u64 = 10 * GIB;
/// ASSUMPTION: default vCPUs of a full VM when `--cpus` is not given.
pub const FULL_DEFAULT_CPUS: u32 = 1;
/// ASSUMPTION: default memory of a full VM when `--memory` is not given.
pub const FULL_DEFAULT_MEMORY_BYTES: u64 = GIB;

// ---- Firecracker microVM ----------------------------------------------------------------------

/// Firecracker has no firmware: the VMM loads the guest kernel directly, and its specification
/// counts from the InstanceStart API call (firecracker-microvm/firecracker SPECIFICATION.md).
pub const MICROVM_FIRMWARE_MS: u64 = 0;
/// "It takes `<= 125 ms` to go from receiving the Firecracker InstanceStart API call to the start
/// of the Linux guest user-space `/sbin/init` process" — for "a microVM with `1 CPUs and 128 MiB
/// of RAM`, and a guest OS with the Firecracker-tuned kernel", "measured using a VM with the
/// serial console disabled and a minimal kernel and root file system" (firecracker-microvm/
/// firecracker SPECIFICATION.md, "Overhead"). The sandbox uses the bound itself.
pub const MICROVM_KERNEL_MS: u64 = 125;
/// ASSUMPTION: the spec's minimal root file system has no service manager: its init execs the
/// application directly, so init and services take no modelled time.
pub const MICROVM_INIT_MS: u64 = 0;
/// See [`MICROVM_INIT_MS`].
pub const MICROVM_SERVICES_MS: u64 = 0;
/// "Firecracker's virtual machine manager threads have a memory overhead `<= 5 MiB`" for the
/// 1 vCPU / 128 MiB microVM (firecracker-microvm/firecracker SPECIFICATION.md). The bound itself.
pub const MICROVM_VMM_OVERHEAD_BYTES: u64 = 5 * MIB;
/// ASSUMPTION: memory a Firecracker-tuned kernel and a minimal init take inside the guest. No
/// published figure found; it must fit well inside the spec's 128 MiB test guest.
pub const MICROVM_GUEST_OS_BYTES: u64 = 32 * MIB;
/// ASSUMPTION: size of a microVM's root file system image.
pub const MICROVM_DISK_BYTES: u64 = GIB;
/// "the default microVM will have 1 vCPU and 128 MiB RAM" (firecracker-microvm/firecracker
/// docs/getting-started.md) — also the specification's reference microVM.
pub const MICROVM_DEFAULT_CPUS: u32 = 1;
/// See [`MICROVM_DEFAULT_CPUS`].
pub const MICROVM_DEFAULT_MEMORY_BYTES: u64 = 128 * MIB;
/// The guest kernel a microVM boots. Firecracker boots the uncompressed kernel the host hands it
/// (`boot-source.kernel_image_path`), not one from the guest image. This is Firecracker's CI guest
/// kernel `firecracker-ci/v1.7/x86_64/vmlinux-5.10.204`, the one the v1.7-era getting-started
/// guide downloads (and that many published Firecracker setups reuse).
pub const MICROVM_KERNEL: &str = "5.10.204";

impl Profile {
    /// Parses `full` or `microvm`.
    pub fn parse(text: &str) -> Option<Profile> {
        match text {
            "full" => Some(Profile::Full),
            "microvm" => Some(Profile::Microvm),
            _ => None,
        }
    }

    /// The profile's name as typed and listed.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Full => "full",
            Profile::Microvm => "microvm",
        }
    }

    /// What it is, for sentences: `full VM` or `microVM`.
    pub fn kind(self) -> &'static str {
        match self {
            Profile::Full => "full VM",
            Profile::Microvm => "microVM",
        }
    }

    /// The VMM that runs it.
    pub fn vmm(self) -> &'static str {
        match self {
            Profile::Full => "qemu",
            Profile::Microvm => "firecracker",
        }
    }

    /// How long each boot phase takes, in boot order.
    pub fn phase_ms(self, phase: BootPhase) -> u64 {
        match (self, phase) {
            (Profile::Full, BootPhase::Firmware) => FULL_FIRMWARE_MS,
            (Profile::Full, BootPhase::Kernel) => FULL_KERNEL_MS,
            (Profile::Full, BootPhase::Init) => FULL_INIT_MS,
            (Profile::Full, BootPhase::Services) => FULL_SERVICES_MS,
            (Profile::Microvm, BootPhase::Firmware) => MICROVM_FIRMWARE_MS,
            (Profile::Microvm, BootPhase::Kernel) => MICROVM_KERNEL_MS,
            (Profile::Microvm, BootPhase::Init) => MICROVM_INIT_MS,
            (Profile::Microvm, BootPhase::Services) => MICROVM_SERVICES_MS,
            (_, BootPhase::App) => APP_START_MS,
        }
    }

    /// Milliseconds from `vm start` until the VM is running its app.
    pub fn boot_ms(self) -> u64 {
        BootPhase::ALL.iter().map(|p| self.phase_ms(*p)).sum()
    }

    /// Host memory the VMM itself takes beyond the guest's RAM.
    pub fn vmm_overhead_bytes(self) -> u64 {
        match self {
            Profile::Full => FULL_VMM_OVERHEAD_BYTES,
            Profile::Microvm => MICROVM_VMM_OVERHEAD_BYTES,
        }
    }

    /// Guest memory the guest OS takes before any application.
    pub fn guest_os_bytes(self) -> u64 {
        match self {
            Profile::Full => FULL_GUEST_OS_BYTES,
            Profile::Microvm => MICROVM_GUEST_OS_BYTES,
        }
    }

    /// The VM's disk image size.
    pub fn disk_bytes(self) -> u64 {
        match self {
            Profile::Full => FULL_DISK_BYTES,
            Profile::Microvm => MICROVM_DISK_BYTES,
        }
    }

    /// vCPUs when `--cpus` is not given.
    pub fn default_cpus(self) -> u32 {
        match self {
            Profile::Full => FULL_DEFAULT_CPUS,
            Profile::Microvm => MICROVM_DEFAULT_CPUS,
        }
    }

    /// Memory when `--memory` is not given.
    pub fn default_memory_bytes(self) -> u64 {
        match self {
            Profile::Full => FULL_DEFAULT_MEMORY_BYTES,
            Profile::Microvm => MICROVM_DEFAULT_MEMORY_BYTES,
        }
    }
}

/// A guest OS image a VM can be created from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuestImage {
    /// Its name as `--image` takes it.
    pub name: &'static str,
    /// The kernel release the image ships (`uname -r` in a full VM): the release's GA kernel.
    /// UNVERIFIED: recalled from the distributions' release images, not yet checked against a
    /// source; what matters for the lessons is that it differs from the host's kernel.
    pub kernel: &'static str,
    /// `/etc/os-release`.
    pub os_release: &'static str,
    /// `PRETTY_NAME`, for listings.
    pub pretty_name: &'static str,
}

/// The image a VM gets when `--image` is not given.
pub const DEFAULT_IMAGE: &str = "ubuntu-24.04";

/// Every guest image, sorted by name.
pub const IMAGES: &[GuestImage] = &[
    GuestImage {
        name: "debian-12",
        kernel: "6.1.0-9-amd64",
        pretty_name: "Debian GNU/Linux 12 (bookworm)",
        os_release: "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n\
                     NAME=\"Debian GNU/Linux\"\n\
                     VERSION_ID=\"12\"\n\
                     VERSION=\"12 (bookworm)\"\n\
                     VERSION_CODENAME=bookworm\n\
                     ID=debian\n\
                     HOME_URL=\"https://www.debian.org/\"\n\
                     SUPPORT_URL=\"https://www.debian.org/support\"\n\
                     BUG_REPORT_URL=\"https://bugs.debian.org/\"\n",
    },
    GuestImage {
        name: "ubuntu-22.04",
        kernel: "5.15.0-25-generic",
        pretty_name: "Ubuntu 22.04 LTS",
        os_release: "PRETTY_NAME=\"Ubuntu 22.04 LTS\"\n\
                     NAME=\"Ubuntu\"\n\
                     VERSION_ID=\"22.04\"\n\
                     VERSION=\"22.04 LTS (Jammy Jellyfish)\"\n\
                     VERSION_CODENAME=jammy\n\
                     ID=ubuntu\n\
                     ID_LIKE=debian\n\
                     HOME_URL=\"https://www.ubuntu.com/\"\n\
                     SUPPORT_URL=\"https://help.ubuntu.com/\"\n\
                     BUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"\n\
                     UBUNTU_CODENAME=jammy\n",
    },
    GuestImage {
        name: "ubuntu-24.04",
        kernel: "6.8.0-31-generic",
        pretty_name: "Ubuntu 24.04 LTS",
        os_release: "PRETTY_NAME=\"Ubuntu 24.04 LTS\"\n\
                     NAME=\"Ubuntu\"\n\
                     VERSION_ID=\"24.04\"\n\
                     VERSION=\"24.04 LTS (Noble Numbat)\"\n\
                     VERSION_CODENAME=noble\n\
                     ID=ubuntu\n\
                     ID_LIKE=debian\n\
                     HOME_URL=\"https://www.ubuntu.com/\"\n\
                     SUPPORT_URL=\"https://help.ubuntu.com/\"\n\
                     BUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"\n\
                     UBUNTU_CODENAME=noble\n\
                     LOGO=ubuntu-logo\n",
    },
];

/// Finds a guest image by name.
pub fn image(name: &str) -> Option<&'static GuestImage> {
    IMAGES.iter().find(|i| i.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_microvm_reaches_init_within_the_firecracker_bound() {
        assert!(Profile::Microvm.boot_ms() <= 125);
    }

    #[test]
    fn a_full_vm_boots_in_seconds_and_its_user_space_matches_the_measurement() {
        assert_eq!(FULL_INIT_MS + FULL_SERVICES_MS, 12_240);
        let ms = Profile::Full.boot_ms();
        assert!((1_000..60_000).contains(&ms), "{ms}");
    }

    #[test]
    fn images_are_sorted_and_end_their_os_release_with_a_newline() {
        assert!(IMAGES.windows(2).all(|w| w[0].name < w[1].name));
        assert!(IMAGES.iter().all(|i| i.os_release.ends_with('\n')));
        assert!(image(DEFAULT_IMAGE).is_some());
    }
}
