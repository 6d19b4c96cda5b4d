//! The workload model behind `bench`: how fast a CPU-bound, memory-bandwidth, network
//! round-trip, random-I/O and database workload runs on bare metal, in a container and in a VM.
//!
//! Every figure comes from Felter, Ferreira, Rajamony, Rubio, "An Updated Performance Comparison
//! of Virtual Machines and Linux Containers", IBM Research Report RC25482 (2014), ISPASS 2015,
//! as `../shared/FACTS.md` ("Containers vs virtual machines") records it. The paper's own tables
//! could not be read from the reference library (only its first page was stored), so the figures
//! are FACTS.md's — exact for Linpack, rounded for the rest — and each row says which. The table
//! number (Table I: PXZ, Linpack, STREAM, RandomAccess) is recalled from the paper, UNVERIFIED
//! against a stored copy. Where FACTS.md gives no figure for a platform the row says ASSUMPTION.
//!
//! ASSUMPTION: the sandbox's host performs as the paper's test machine; the figures are not scaled
//! by `host set --cores`. The model is integer arithmetic in tenths of the unit: a platform's
//! figure is the native figure times an overhead ratio (`num / den`), rounded half up.

use serde::Serialize;

/// The paper, as every row names it.
pub const SOURCE: &str = "Felter et al., IBM RC25482 (2014) / ISPASS 2015";

/// Where a workload runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    /// Bare metal: the host's kernel, no isolation layer.
    Host,
    /// A Docker container: the host's kernel, namespaces and cgroups.
    Container,
    /// A KVM guest as the paper first ran it ("untuned": QEMU defaults).
    Vm,
    /// A KVM guest with the paper's tuning (CPU model passthrough, vCPU pinning…), where the
    /// paper measured one.
    VmTuned,
}

impl Platform {
    /// Every platform, in table order.
    pub const ALL: [Platform; 4] = [
        Platform::Host,
        Platform::Container,
        Platform::Vm,
        Platform::VmTuned,
    ];

    /// Parses the value of `--on` (`vm-tuned` is accepted too).
    pub fn parse(text: &str) -> Option<Platform> {
        match text {
            "host" => Some(Platform::Host),
            "container" => Some(Platform::Container),
            "vm" => Some(Platform::Vm),
            "vm-tuned" => Some(Platform::VmTuned),
            _ => None,
        }
    }

    /// The name as `--on` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Platform::Host => "host",
            Platform::Container => "container",
            Platform::Vm => "vm",
            Platform::VmTuned => "vm-tuned",
        }
    }

    /// What the paper calls it.
    pub fn paper_name(self) -> &'static str {
        match self {
            Platform::Host => "native",
            Platform::Container => "Docker",
            Platform::Vm => "KVM (untuned)",
            Platform::VmTuned => "KVM (tuned)",
        }
    }
}

/// A figure in tenths of its unit (fixed point, one decimal).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Tenths(pub u64);

impl std::fmt::Display for Tenths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

/// How one platform's figure relates to native, and what the paper says about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overhead {
    /// The platform.
    pub platform: Platform,
    /// Modelled figure = native × `num` / `den`.
    pub num: u64,
    /// See [`Overhead::num`].
    pub den: u64,
    /// The paper's figure as FACTS.md gives it, or why there is none.
    pub paper: &'static str,
    /// Where the figure comes from (or ASSUMPTION and why).
    pub source: &'static str,
}

/// A benchmark workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Workload {
    /// The name `bench` takes.
    pub name: &'static str,
    /// What it stresses.
    pub stresses: &'static str,
    /// The benchmark the paper ran.
    pub benchmark: &'static str,
    /// The unit of its figure.
    pub unit: &'static str,
    /// True when a larger figure is better (throughput); false for a latency.
    pub higher_is_better: bool,
    /// Native figure in tenths of the unit.
    pub native: Tenths,
    /// Simulated time one run takes.
    pub run_ms: u64,
    /// Why the run takes that long.
    pub run_source: &'static str,
    /// Every platform the model covers, in [`Platform::ALL`] order (a workload without a tuned-KVM
    /// figure has no `VmTuned` row).
    pub overheads: &'static [Overhead],
}

const fn same(platform: Platform, paper: &'static str, source: &'static str) -> Overhead {
    Overhead {
        platform,
        num: 1,
        den: 1,
        paper,
        source,
    }
}

/// Every workload, in table order.
pub const WORKLOADS: &[Workload] = &[
    Workload {
        name: "linpack",
        stresses: "CPU (floating point)",
        benchmark: "Linpack (HPL)",
        unit: "GFLOPS",
        higher_is_better: true,
        native: Tenths(2908),
        run_ms: 60_000,
        run_source: "ASSUMPTION: 60 s, one problem size solved once",
        overheads: &[
            same(
                Platform::Host,
                "290.8",
                "FACTS.md: native 290.8 GFLOPS (paper Table I)",
            ),
            same(
                Platform::Container,
                "≈ native",
                "FACTS.md: \"Docker ≈ native\" (paper Table I); modelled as equal",
            ),
            Overhead {
                platform: Platform::Vm,
                num: 2413,
                den: 2908,
                paper: "241.3",
                source: "FACTS.md: KVM untuned 241.3 GFLOPS (paper Table I)",
            },
            Overhead {
                platform: Platform::VmTuned,
                num: 2842,
                den: 2908,
                paper: "284.2",
                source: "FACTS.md: KVM tuned 284.2 GFLOPS (paper Table I)",
            },
        ],
    },
    Workload {
        name: "stream",
        stresses: "memory bandwidth",
        benchmark: "STREAM",
        unit: "% of native",
        higher_is_better: true,
        native: Tenths(1000),
        run_ms: 10_000,
        run_source: "ASSUMPTION: 10 s, STREAM's four kernels repeated",
        overheads: &[
            same(Platform::Host, "100.0", "native is the reference"),
            same(
                Platform::Container,
                "not in FACTS.md",
                "ASSUMPTION: no memory virtualization layer, so native",
            ),
            Overhead {
                platform: Platform::Vm,
                num: 98,
                den: 100,
                paper: "−1..−3 %",
                source: "FACTS.md (rounded): STREAM −1..−3 %; modelled at the midpoint −2 %",
            },
        ],
    },
    Workload {
        name: "netperf-rr",
        stresses: "network round trip",
        benchmark: "netperf TCP_RR",
        unit: "µs added per round trip",
        higher_is_better: false,
        native: Tenths(0),
        run_ms: 10_000,
        run_source: "netperf's default test length, 10 s (-l 10)",
        overheads: &[
            same(Platform::Host, "0.0", "native is the reference"),
            same(
                Platform::Container,
                "not in FACTS.md",
                "ASSUMPTION: host networking (--net=host) adds nothing; FACTS.md notes Docker's \
                 NAT adds latency too, without a figure",
            ),
            // Added latency is not a ratio of native (0): the row's figure is set directly.
            Overhead {
                platform: Platform::Vm,
                num: 300,
                den: 0,
                paper: "≈30",
                source: "FACTS.md (rounded): KVM adds ≈30 µs per round trip; both reach 9.3 Gbps",
            },
        ],
    },
    Workload {
        name: "fio-randio",
        stresses: "random I/O",
        benchmark: "fio, random read/write",
        unit: "% of native IOPS",
        higher_is_better: true,
        native: Tenths(1000),
        run_ms: 60_000,
        run_source: "ASSUMPTION: 60 s (fio --runtime=60)",
        overheads: &[
            same(Platform::Host, "100.0", "native is the reference"),
            same(
                Platform::Container,
                "not in FACTS.md",
                "ASSUMPTION: a volume on the host's file system, so native",
            ),
            Overhead {
                platform: Platform::Vm,
                num: 1,
                den: 2,
                paper: "about half",
                source: "FACTS.md (rounded): random I/O, KVM about half the IOPS",
            },
        ],
    },
    Workload {
        name: "mysql",
        stresses: "database (CPU, memory, I/O, network)",
        benchmark: "MySQL under SysBench OLTP",
        unit: "% of native throughput",
        higher_is_better: true,
        native: Tenths(1000),
        run_ms: 60_000,
        run_source: "ASSUMPTION: 60 s of SysBench OLTP",
        overheads: &[
            same(Platform::Host, "100.0", "native is the reference"),
            same(
                Platform::Container,
                "not in FACTS.md",
                "ASSUMPTION: host networking and a volume, so native",
            ),
            Overhead {
                platform: Platform::Vm,
                num: 60,
                den: 100,
                paper: "overhead >40 %",
                source:
                    "FACTS.md (rounded): MySQL, KVM overhead >40 %; modelled at the bound, 60.0",
            },
        ],
    },
];

/// Finds a workload by name.
pub fn workload(name: &str) -> Option<&'static Workload> {
    WORKLOADS.iter().find(|w| w.name == name)
}

/// Every workload's name, comma separated (for errors and usage).
pub fn workload_names() -> String {
    WORKLOADS
        .iter()
        .map(|w| w.name)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Workload {
    /// The model's row for a platform, if the workload has one.
    pub fn overhead(&self, platform: Platform) -> Option<&'static Overhead> {
        // `WORKLOADS` is `'static`, so look the row up there to hand out a `'static` reference.
        let w = workload(self.name)?;
        w.overheads.iter().find(|o| o.platform == platform)
    }

    /// The modelled figure on a platform: native × num / den, rounded half up (den 0: the
    /// figure is `num` itself, for additive overheads such as latency).
    pub fn figure(&self, platform: Platform) -> Option<Tenths> {
        let o = self.overhead(platform)?;
        if o.den == 0 {
            return Some(Tenths(self.native.0 + o.num));
        }
        Some(Tenths((self.native.0 * o.num + o.den / 2) / o.den))
    }
}

/// One row of the comparison table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    /// Workload name.
    pub workload: &'static str,
    /// Unit of both figures.
    pub unit: &'static str,
    /// Platform.
    pub platform: Platform,
    /// The sandbox's figure, formatted.
    pub sandbox: String,
    /// The paper's figure, as cited.
    pub paper: &'static str,
    /// Where it comes from.
    pub source: &'static str,
}

/// The comparison table: every workload × every platform the model covers.
pub fn table() -> Vec<Row> {
    let mut rows = Vec::new();
    for w in WORKLOADS {
        for p in Platform::ALL {
            let (Some(o), Some(f)) = (w.overhead(p), w.figure(p)) else {
                continue;
            };
            rows.push(Row {
                workload: w.name,
                unit: w.unit,
                platform: p,
                sandbox: f.to_string(),
                paper: o.paper,
                source: o.source,
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_workload_has_host_container_and_vm_rows() {
        for w in WORKLOADS {
            for p in [Platform::Host, Platform::Container, Platform::Vm] {
                assert!(w.figure(p).is_some(), "{} on {}", w.name, p.name());
            }
        }
    }

    #[test]
    fn tenths_format_as_one_decimal() {
        assert_eq!(Tenths(2908).to_string(), "290.8");
        assert_eq!(Tenths(5).to_string(), "0.5");
    }
}
