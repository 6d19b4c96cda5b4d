//! `docker logs [--tail N] [-t] CONTAINER`: what a container's command printed, from its log
//! ([`crate::logs`]), as the `json-file` driver keeps it across the container's starts.

use super::docker::err;
use super::Plan;
use crate::error::Result;
use crate::sim::Sim;

const USAGE: &str = "\"docker logs\" requires exactly 1 argument.\nSee 'docker logs --help'.\n\nUsage:  docker logs [OPTIONS] CONTAINER\n\nFetch the logs of a container";

/// `docker logs [-n|--tail N] [-t|--timestamps] CONTAINER`.
pub(super) fn plan_logs(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let mut tail: Option<usize> = None;
    let mut timestamps = false;
    let mut names = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if a.starts_with("--") => (f, Some(v)),
            _ => (a, None),
        };
        match flag {
            "-t" | "--timestamps" => timestamps = inline.is_none_or(|v| v != "false"),
            "-n" | "--tail" => {
                let value = match inline {
                    Some(v) => v,
                    None => {
                        i += 1;
                        *args.get(i).ok_or_else(|| {
                            err(format!(
                                "flag needs an argument: {flag}\nSee 'docker logs --help'."
                            ))
                        })?
                    }
                };
                // The daemon reads `all`, a negative or an unparsable count as "every line"
                // (moby `daemon/logs.go`: `strconv.Atoi`, then `tailLines < 0`).
                tail = value
                    .parse::<i64>()
                    .ok()
                    .and_then(|n| usize::try_from(n).ok());
            }
            "-f" | "--follow" => {
                return Err(err(
                    "-f: following a log needs a terminal that streams, which this sandbox does \
                     not have; run docker logs without -f (run or step lets time pass)",
                ))
            }
            f if f.starts_with('-') && f.len() > 1 => {
                return Err(err(format!("unknown flag: {f}\nSee 'docker logs --help'.")))
            }
            name => names.push(name),
        }
        i += 1;
    }
    let [name] = names.as_slice() else {
        return Err(err(USAGE));
    };
    let c = sim.docker.find_container(name).ok_or_else(|| {
        err(format!(
            "Error response from daemon: No such container: {name}"
        ))
    })?;
    let lines = c.log.lines(sim.now());
    Ok(Plan::Output(crate::logs::render(&lines, tail, timestamps)))
}
