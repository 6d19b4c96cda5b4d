//! The `host` family: what the machine under the VMs (and, later, the containers) is made of.

use super::{CommandSpec, Family, Invocation, Plan};
use crate::error::{CommandError, Result};
use crate::event::{EventKind, ObjectRef};
use crate::host::density::{self, Budget, DensityRow};
use crate::host::profile::{self, Profile};
use crate::host::quantity::{format_bytes, format_quantity, parse_bytes};
use crate::image::container::{Behaviour, Container};
use crate::image::engine::parse_reference;
use crate::image::format::table;
use crate::limits;
use crate::sim::Sim;

/// The host family.
pub(super) const FAMILY: Family = Family {
    name: "host",
    commands: &[CommandSpec {
        name: "host",
        usage: "host show   |   host set [--cores N] [--memory QUANTITY] [--disk QUANTITY]   |   \
                host density [--vm-profile full|microvm] [--vm-memory QUANTITY] [--image IMAGE] \
                [--max N]",
        summary: "show the host machine, change its cores, memory and disk, or measure how many \
                  VMs and containers fit on it",
        help:
            "host show    the host OS and kernel, hypervisor, container runtime, and its cores,\n\
               \x20            memory and disk: total, in use by VMs, free\n\
               host set --cores 16 --memory 64Gi --disk 1Ti\n\
               \x20            quantities are bytes or a whole number with Ki, Mi, Gi or Ti;\n\
               \x20            the host cannot shrink below what its VMs use\n\
               host density [--vm-profile full|microvm] [--vm-memory 2Gi] [--image nginx:1.27-alpine] [--max 100000]\n\
               \x20            an experiment on a copy of the host (nothing is started): VMs of\n\
               \x20            each profile (or only --vm-profile) one by one until the next\n\
               \x20            does not fit, then containers of the image running its default\n\
               \x20            command; a VM holds its guest memory + VMM overhead, a container\n\
               \x20            only its processes' memory. --max caps each kind (default 100000)",
        schedulable: true,
        handles_redirect: false,
        plan,
    }, super::isolation::PS],
};

fn err(message: impl Into<String>) -> CommandError {
    CommandError::Virt(message.into())
}

fn usage(message: impl Into<String>) -> CommandError {
    FAMILY.commands[0].usage_error(message)
}

fn plan(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    let args: Vec<&str> = inv.args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["show"] => Ok(Plan::Output(show(sim))),
        ["show", extra, ..] => Err(usage(format!("unexpected argument \"{extra}\""))),
        ["set", rest @ ..] => plan_set(sim, rest),
        ["density", rest @ ..] => plan_density(sim, rest),
        [] => Err(usage("expected show, set or density")),
        [other, ..] => Err(usage(format!("unknown subcommand \"{other}\""))),
    }
}

fn show(sim: &Sim) -> String {
    let host = sim.host();
    let containers_bytes = sim.docker.containers_memory_bytes(sim.now().as_ms());
    let mut out = String::new();
    out.push_str(&format!("OS:          {}\n", host.os));
    out.push_str(&format!("Kernel:      {}\n", host.kernel));
    out.push_str(&format!("Hypervisor:  {}\n", host.hypervisor));
    out.push_str(&format!("Runtime:     {}\n", host.runtime));
    out.push_str(&format!(
        "VMs:         {} defined, {} powered on\n\n",
        host.vms.len(),
        host.vms.values().filter(|v| v.reserved_bytes() > 0).count()
    ));
    let vcpus: u32 = host
        .vms
        .values()
        .filter(|v| v.reserved_bytes() > 0)
        .map(|v| v.cpus)
        .sum();
    let rows = vec![
        vec![
            "RESOURCE".to_string(),
            "TOTAL".into(),
            "IN USE".into(),
            "FREE".into(),
        ],
        vec![
            "cpu".into(),
            format!("{} cores", host.cores),
            format!("{vcpus} vCPUs"),
            "-".into(),
        ],
        vec![
            "memory".into(),
            format_bytes(host.memory_bytes),
            format_bytes(host.memory_reserved_bytes() + containers_bytes),
            format_bytes(host.memory_free_bytes().saturating_sub(containers_bytes)),
        ],
        vec![
            "disk".into(),
            format_bytes(host.disk_bytes),
            format_bytes(host.disk_used_bytes()),
            format_bytes(host.disk_free_bytes()),
        ],
    ];
    out.push_str(&table(&rows));
    out.push_str(
        "(memory in use: guest memory + VMM overhead of VMs that are powered on, plus the memory \
         containers' processes use; disk: VM disk \
         images; vCPUs of powered-on VMs may exceed the cores, as KVM allows)\n",
    );
    out
}

fn plan_set(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let host = sim.host();
    let (mut cores, mut memory, mut disk) = (None, None, None);
    let mut i = 0;
    while i < args.len() {
        let flag = args[i];
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (flag, None),
        };
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                *args
                    .get(i)
                    .ok_or_else(|| usage(format!("flag needs an argument: {name}")))?
            }
        };
        match name {
            "--cores" => {
                let n = value
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=limits::MAX_HOST_CORES).contains(n))
                    .ok_or_else(|| {
                        err(format!(
                            "host set: invalid --cores \"{value}\": must be a whole number from 1 \
                             to {}",
                            limits::MAX_HOST_CORES
                        ))
                    })?;
                cores = Some(n);
            }
            "--memory" | "--disk" => {
                let bytes = parse_bytes(value).map_err(|e| err(format!("host set: {e}")))?;
                let max = if name == "--memory" {
                    limits::MAX_HOST_MEMORY_BYTES
                } else {
                    limits::MAX_HOST_DISK_BYTES
                };
                if bytes == 0 || bytes > max {
                    return Err(err(format!(
                        "host set: {name} {value} is out of range: must be more than 0 and at \
                         most {}",
                        format_quantity(max)
                    )));
                }
                if name == "--memory" {
                    memory = Some(bytes);
                } else {
                    disk = Some(bytes);
                }
            }
            f if f.starts_with('-') => return Err(usage(format!("unknown flag: {f}"))),
            other => return Err(usage(format!("unexpected argument \"{other}\""))),
        }
        i += 1;
    }
    if cores.is_none() && memory.is_none() && disk.is_none() {
        return Err(usage("nothing to set: give --cores, --memory or --disk"));
    }
    if let (Some(n), Some(vm)) = (cores, host.widest_vm()) {
        if vm.cpus > n {
            return Err(err(format!(
                "host set: cannot set {n} cores: VM {} has {} vCPUs; a VM cannot have more vCPUs \
                 than the host has cores",
                vm.name, vm.cpus
            )));
        }
    }
    if let Some(m) = memory {
        let used = host.memory_reserved_bytes();
        if m < used {
            return Err(err(format!(
                "host set: cannot shrink memory to {}: powered-on VMs reserve {} (short by {}); \
                 stop some VMs first",
                format_bytes(m),
                format_bytes(used),
                format_bytes(used - m)
            )));
        }
    }
    if let Some(d) = disk {
        let used = host.disk_used_bytes();
        if d < used {
            return Err(err(format!(
                "host set: cannot shrink disk to {}: VM disk images use {} (short by {}); delete \
                 some VMs first",
                format_bytes(d),
                format_bytes(used),
                format_bytes(used - d)
            )));
        }
    }
    let cores = cores.unwrap_or(host.cores);
    let memory_bytes = memory.unwrap_or(host.memory_bytes);
    let disk_bytes = disk.unwrap_or(host.disk_bytes);
    Ok(Plan::Effect(Box::new(move |sim, id| {
        // Running hogs get a new share of the cores from now on.
        super::isolation::settle_cpu(sim);
        sim.host.cores = cores;
        sim.host.memory_bytes = memory_bytes;
        sim.host.disk_bytes = disk_bytes;
        let text = format!(
            "host: {cores} cores, {} memory, {} disk",
            format_bytes(memory_bytes),
            format_bytes(disk_bytes)
        );
        sim.record(
            EventKind::HostConfigured {
                cores,
                memory_bytes,
                disk_bytes,
            },
            ObjectRef::new("host", "host"),
            Some(id),
            text.clone(),
        );
        format!("{text}\n")
    })))
}

/// The image `host density` starts containers of when `--image` is not given.
const DENSITY_IMAGE: &str = "nginx:1.27-alpine";
/// How many instances of one kind `host density` starts at most when `--max` is not given.
const DENSITY_MAX: u64 = 100_000;

fn plan_density(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let (mut profile_text, mut memory_text, mut image_text, mut max_text) =
        (None, None, None, None);
    let mut i = 0;
    while i < args.len() {
        let flag = args[i];
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v)),
            _ => (flag, None),
        };
        let slot = match name {
            "--vm-profile" => &mut profile_text,
            "--vm-memory" => &mut memory_text,
            "--image" => &mut image_text,
            "--max" => &mut max_text,
            f if f.starts_with('-') => return Err(usage(format!("unknown flag: {f}"))),
            other => return Err(usage(format!("unexpected argument \"{other}\""))),
        };
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                *args
                    .get(i)
                    .ok_or_else(|| usage(format!("flag needs an argument: {name}")))?
            }
        };
        *slot = Some(value);
        i += 1;
    }
    let fail = |reason: String| err(format!("host density: {reason}"));
    let profiles = match profile_text {
        None => vec![Profile::Full, Profile::Microvm],
        Some(p) => vec![Profile::parse(p)
            .ok_or_else(|| fail(format!("unknown --vm-profile \"{p}\": use full or microvm")))?],
    };
    let vm_memory = match memory_text {
        None => None,
        Some(m) => {
            let bytes = parse_bytes(m).map_err(|e| fail(e.to_string()))?;
            if bytes > limits::MAX_HOST_MEMORY_BYTES {
                return Err(fail(format!(
                    "--vm-memory {m} is more than the largest host the sandbox models ({})",
                    format_bytes(limits::MAX_HOST_MEMORY_BYTES)
                )));
            }
            for p in &profiles {
                if bytes <= p.guest_os_bytes() {
                    return Err(fail(format!(
                        "--vm-memory {m} is too small: the guest OS of a {} VM alone takes {}",
                        p.name(),
                        format_bytes(p.guest_os_bytes())
                    )));
                }
            }
            Some(bytes)
        }
    };
    let max = match max_text {
        None => DENSITY_MAX,
        Some(n) => n
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=limits::MAX_DENSITY_INSTANCES).contains(n))
            .ok_or_else(|| {
                fail(format!(
                    "invalid --max \"{n}\": must be a whole number from 1 to {}",
                    limits::MAX_DENSITY_INSTANCES
                ))
            })?,
    };
    let image = image_text.unwrap_or(DENSITY_IMAGE);
    let argv = default_command(sim, image).map_err(fail)?;
    let processes = super::isolation::start_processes(&argv);

    // The starting point: what VMs reserve and what containers' processes hold now.
    let host = sim.host();
    let containers_bytes = sim.docker.containers_memory_bytes(sim.now().as_ms());
    let budget = Budget {
        memory_free_bytes: host.memory_free_bytes().saturating_sub(containers_bytes),
        disk_free_bytes: host.disk_free_bytes(),
        max,
    };
    let mut rows: Vec<DensityRow> = profiles
        .iter()
        .map(|p| {
            let memory = vm_memory.unwrap_or_else(|| p.default_memory_bytes());
            density::vm_row(*p, profile::DEFAULT_IMAGE, memory, &budget)
        })
        .collect();
    rows.push(density::container_row(image, processes, &budget));
    let (memory_bytes, disk_bytes) = (host.memory_bytes, host.disk_bytes);
    Ok(Plan::Effect(Box::new(move |sim, id| {
        let out = density_table(memory_bytes, disk_bytes, &budget, &rows);
        let summary: Vec<String> = rows
            .iter()
            .map(|r| format!("{} {}", r.started, row_kind(r)))
            .collect();
        sim.record(
            EventKind::DensityMeasured {
                memory_bytes,
                free_memory_bytes: budget.memory_free_bytes,
                free_disk_bytes: budget.disk_free_bytes,
                max: budget.max,
                rows,
            },
            ObjectRef::new("host", "host"),
            Some(id),
            format!("density experiment: {} fit", summary.join(", ")),
        );
        out
    })))
}

/// The command a container of `image` runs by default (ENTRYPOINT + CMD), from the local image
/// or the registry's; it must keep running, or it would hold no memory.
fn default_command(sim: &Sim, image: &str) -> std::result::Result<Vec<String>, String> {
    let config = match sim.docker.find(image) {
        Some(img) => img.config.config.clone(),
        None => {
            let r = parse_reference(image)
                .map_err(|e| format!("--image \"{image}\": invalid reference format: {e}"))?;
            let plan = sim
                .docker
                .plan_pull(&sim.registry, &r)
                .map_err(|e| format!("--image {image}: {e}"))?;
            plan.image.config.config.clone()
        }
    };
    let mut argv = config.entrypoint.clone().unwrap_or_default();
    argv.extend(config.cmd.clone().unwrap_or_default());
    if argv.is_empty() {
        return Err(format!("--image {image}: the image has no default command"));
    }
    if Container::behaviour(&argv) != Behaviour::Service {
        return Err(format!(
            "--image {image}: its default command \"{}\" exits at once, so no container of it \
             stays running to hold memory; pick an image that runs a service, such as {}",
            argv.join(" "),
            DENSITY_IMAGE
        ));
    }
    Ok(argv)
}

fn row_kind(r: &DensityRow) -> String {
    match r.kind.as_str() {
        "vm" => {
            Profile::parse(&r.profile)
                .map_or("VM", |p| p.kind())
                .to_string()
                + "s"
        }
        _ => "containers".into(),
    }
}

fn density_table(
    memory_bytes: u64,
    disk_bytes: u64,
    budget: &Budget,
    rows: &[DensityRow],
) -> String {
    let mut out = format!(
        "Density on this host: {} memory ({} free), {} disk ({} free); at most {} of each kind\n",
        format_bytes(memory_bytes),
        format_bytes(budget.memory_free_bytes),
        format_bytes(disk_bytes),
        format_bytes(budget.disk_free_bytes),
        budget.max
    );
    let mut table_rows = vec![["KIND", "PER INSTANCE", "STARTED", "LIMITED BY"]
        .map(String::from)
        .to_vec()];
    for r in rows {
        let (kind, parts) = match r.kind.as_str() {
            "vm" => (
                Profile::parse(&r.profile)
                    .map_or("VM", |p| p.kind())
                    .to_string(),
                r.parts
                    .iter()
                    .map(|p| format!("{} {}", format_bytes(p.bytes), p.label))
                    .collect::<Vec<_>>()
                    .join(" + "),
            ),
            _ => {
                let n = r.parts.len();
                let each = r.parts.first().map_or(0, |p| p.bytes);
                let parts = if r.parts.iter().all(|p| p.bytes == each) {
                    format!(
                        "{n} process{} × {}",
                        if n == 1 { "" } else { "es" },
                        format_bytes(each)
                    )
                } else {
                    r.parts
                        .iter()
                        .map(|p| format_bytes(p.bytes))
                        .collect::<Vec<_>>()
                        .join(" + ")
                };
                (format!("container ({})", r.image), parts)
            }
        };
        table_rows.push(vec![
            kind,
            format!("{} ({parts})", format_bytes(r.per_instance_bytes)),
            r.started.to_string(),
            r.limit.clone(),
        ]);
    }
    out.push_str(&table(&table_rows));
    out.push_str(
        "(an experiment on a copy of the host: nothing was started. A VM holds its guest memory \
         and its VMM's overhead from power-on, whatever its guest uses; a container holds only its \
         processes' resident memory and shares its image's layers and the host's kernel)\n",
    );
    out
}
