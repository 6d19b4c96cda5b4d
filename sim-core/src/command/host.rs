//! The `host` family: what the machine under the VMs (and, later, the containers) is made of.

use super::{CommandSpec, Family, Invocation, Plan};
use crate::error::{CommandError, Result};
use crate::event::{EventKind, ObjectRef};
use crate::host::quantity::{format_bytes, format_quantity, parse_bytes};
use crate::image::format::table;
use crate::limits;
use crate::sim::Sim;

/// The host family.
pub(super) const FAMILY: Family = Family {
    name: "host",
    commands: &[CommandSpec {
        name: "host",
        usage: "host show   |   host set [--cores N] [--memory QUANTITY] [--disk QUANTITY]",
        summary: "show the host machine, or change its cores, memory and disk",
        help:
            "host show    the host OS and kernel, hypervisor, container runtime, and its cores,\n\
               \x20            memory and disk: total, in use by VMs, free\n\
               host set --cores 16 --memory 64Gi --disk 1Ti\n\
               \x20            quantities are bytes or a whole number with Ki, Mi, Gi or Ti;\n\
               \x20            the host cannot shrink below what its VMs use",
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
        [] => Err(usage("expected show or set")),
        [other, ..] => Err(usage(format!("unknown subcommand \"{other}\""))),
    }
}

fn show(sim: &Sim) -> String {
    let host = sim.host();
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
            format_bytes(host.memory_reserved_bytes()),
            format_bytes(host.memory_free_bytes()),
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
        "(memory in use: guest memory + VMM overhead of VMs that are powered on; disk: VM disk \
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
