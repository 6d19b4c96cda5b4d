//! The `bench` family: runs a workload on bare metal, in a container or in a VM and prints the
//! modelled figure beside the published one ([`crate::host::bench`]).

use super::{CommandSpec, Family, Invocation, Plan};
use crate::error::{CommandError, Result};
use crate::event::{EventKind, ObjectRef};
use crate::host::bench::{self, Platform, Workload, SOURCE};
use crate::image::format::table;
use crate::sim::Sim;
use crate::time::format_duration_ms;

/// The bench family.
pub(super) const FAMILY: Family = Family {
    name: "bench",
    commands: &[CommandSpec {
        name: "bench",
        usage: "bench WORKLOAD --on vm|container|host   |   bench --table",
        summary: "run a workload on a VM, a container or the host; compare with the paper",
        help:
            "bench linpack --on vm      runs Linpack in a KVM guest for its run time (simulated)\n\
               \x20                          and prints the modelled figure next to the paper's\n\
               bench --table              every workload on every platform, paper vs sandbox\n\
               workloads: linpack (CPU), stream (memory bandwidth), netperf-rr (network round\n\
               trip), fio-randio (random I/O), mysql (database). --on vm-tuned is KVM tuned.\n\
               Figures: Felter et al., IBM RC25482 (2014) / ISPASS 2015.",
        schedulable: false,
        handles_redirect: false,
        plan,
    }],
};

fn usage(message: impl Into<String>) -> CommandError {
    FAMILY.commands[0].usage_error(message)
}

fn plan(_sim: &Sim, inv: &Invocation) -> Result<Plan> {
    let mut workload = None;
    let mut on = None;
    let mut show_table = false;
    let mut i = 0;
    while i < inv.args.len() {
        let arg = inv.args[i].as_str();
        match arg.split_once('=') {
            Some(("--on", v)) => on = Some(v.to_string()),
            _ if arg == "--on" => {
                i += 1;
                let v = inv
                    .args
                    .get(i)
                    .ok_or_else(|| usage("flag needs an argument: --on"))?;
                on = Some(v.clone());
            }
            _ if arg == "--table" => show_table = true,
            _ if arg.starts_with('-') => return Err(usage(format!("unknown flag: {arg}"))),
            _ if workload.is_none() => workload = Some(arg.to_string()),
            _ => return Err(usage(format!("unexpected argument \"{arg}\""))),
        }
        i += 1;
    }
    if show_table {
        if let Some(w) = workload {
            return Err(usage(format!("--table takes no workload (got \"{w}\")")));
        }
        if on.is_some() {
            return Err(usage("--table takes no --on"));
        }
        return Ok(Plan::Output(comparison_table()));
    }
    let Some(name) = workload else {
        return Err(usage("expected a workload or --table"));
    };
    let w = bench::workload(&name).ok_or_else(|| {
        usage(format!(
            "unknown workload \"{name}\" (known: {})",
            bench::workload_names()
        ))
    })?;
    let Some(on) = on else {
        return Err(usage("--on is required: vm, container or host"));
    };
    let platform = Platform::parse(&on).ok_or_else(|| {
        usage(format!(
            "unknown platform \"{on}\": expected vm, vm-tuned, container or host"
        ))
    })?;
    let Some(figure) = w.figure(platform) else {
        return Err(usage(format!(
            "the paper gives no {} figure for {}",
            platform.paper_name(),
            w.name
        )));
    };
    Ok(Plan::Effect(Box::new(move |sim, id| {
        let summary = sim.run_for(w.run_ms, Some(id));
        let mut printed = std::mem::take(&mut sim.scheduled_output);
        if summary.paused {
            return printed + &format!("(paused at {} during the benchmark)\n", sim.now());
        }
        sim.record(
            EventKind::BenchRan {
                workload: w.name.to_string(),
                platform: platform.name().to_string(),
                figure_tenths: figure.0,
                unit: w.unit.to_string(),
                run_ms: w.run_ms,
            },
            ObjectRef::new("bench", w.name),
            Some(id),
            format!(
                "{} on {}: {figure} {} in {}",
                w.name,
                platform.name(),
                w.unit,
                format_duration_ms(w.run_ms)
            ),
        );
        printed.push_str(&report(w, platform));
        printed
    })))
}

fn report(w: &Workload, platform: Platform) -> String {
    let o = w.overhead(platform).expect("planned with a figure");
    let figure = w.figure(platform).expect("planned with a figure");
    let mut out = format!(
        "{} ({}, stresses {}) on {} — {}\n",
        w.name,
        w.benchmark,
        w.stresses,
        platform.name(),
        platform.paper_name()
    );
    out.push_str(&format!("  sandbox: {figure} {}\n", w.unit));
    // A figure gets its unit; a remark ("not in FACTS.md", "about half") stands alone.
    let numeric = o
        .paper
        .starts_with(|c: char| c.is_ascii_digit() || c == '≈');
    if numeric {
        out.push_str(&format!("  paper:   {} {}\n", o.paper, w.unit));
    } else {
        out.push_str(&format!("  paper:   {}\n", o.paper));
    }
    out.push_str(&format!("  source:  {} — {SOURCE}\n", o.source));
    let others: Vec<String> = Platform::ALL
        .iter()
        .filter(|p| **p != platform)
        .filter_map(|p| w.figure(*p).map(|f| format!("{} {f}", p.name())))
        .collect();
    out.push_str(&format!("  others:  {} ({})\n", others.join(", "), w.unit));
    out.push_str(&format!(
        "  ran {} of simulated time ({})\n",
        format_duration_ms(w.run_ms),
        w.run_source
    ));
    out
}

fn comparison_table() -> String {
    let mut rows = vec![vec![
        "WORKLOAD".to_string(),
        "PLATFORM".into(),
        "SANDBOX".into(),
        "PAPER".into(),
        "UNIT".into(),
        "SOURCE".into(),
    ]];
    for r in bench::table() {
        rows.push(vec![
            r.workload.to_string(),
            r.platform.name().into(),
            r.sandbox,
            r.paper.into(),
            r.unit.into(),
            r.source.into(),
        ]);
    }
    let mut out = table(&rows);
    out.push_str(&format!(
        "(paper: {SOURCE}; figures via ../shared/FACTS.md — Linpack exact, the rest rounded)\n"
    ));
    out
}
