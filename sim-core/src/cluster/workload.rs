//! What a pod's container does once started, for the commands the sandbox models: what it
//! prints (and when), and whether and when it exits. The kubelet times the exit from it
//! ([`super::kubelet::workload_exit`]) and writes the output to the container's log
//! ([`super::pod_logs`]), so the two always agree.
//!
//! Modelled: `true`, `false`, `echo …`, `date`, `hostname`, `uname [-a|-r|-s|-m|-n]`, `env`,
//! `sleep N`, and `sh -c '…'` scripts of those joined by `;`, newlines, `&&` and `||`, with
//! `exit [N]`, quotes, `$VAR`/`${VAR}` and output redirections (`>&2` and `2>&1` keep a line in
//! the log; `> FILE` sends it elsewhere). Anything else (an image's own server, a loop, a
//! pipe) runs until stopped: the lines before it are printed, then nothing more.

use crate::time::SimTime;

/// Where a container's command runs.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// `hostname`: the pod's name.
    pub hostname: &'a str,
    /// The environment, in order (`env` prints it).
    pub env: &'a [(String, String)],
    /// The node's kernel release (`uname -r`).
    pub kernel: &'a str,
    /// When the process started (`date` prints the time it runs at).
    pub start: SimTime,
}

impl Context<'_> {
    /// A context for timing only (what is printed is not used).
    pub const TIMING: Context<'static> = Context {
        hostname: "",
        env: &[],
        kernel: "",
        start: SimTime::ZERO,
    };
}

/// What a container's command does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Workload {
    /// The lines it prints, each with the time since the start it is printed at (ms).
    pub output: Vec<(u64, String)>,
    /// When (ms after the start) and with what code it exits; `None`: it runs until stopped.
    pub exit: Option<(u64, i32)>,
}

/// How a statement of a script is joined to the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Seq,
    And,
    Or,
}

/// A container's command followed by its args: the words [`run`] reads.
pub fn command_words(c: &super::api::Container) -> Vec<&str> {
    c.command
        .iter()
        .chain(&c.args)
        .map(String::as_str)
        .collect()
}

/// Runs `words` (the container's command followed by its args) in `ctx`.
pub fn run(words: &[&str], ctx: &Context) -> Workload {
    let mut w = Workload::default();
    match words {
        [sh, "-c", script, ..] if sh.ends_with("sh") => {
            w.exit = script_run(script, ctx, &mut w.output);
        }
        [prog, args @ ..] => {
            let owned: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            w.exit = match program(prog, &owned, ctx, 0, &mut w.output) {
                Some(Done::Code(code)) => Some((0, code)),
                Some(Done::Slept(ms)) => Some((ms, 0)),
                None => None,
            };
        }
        [] => {}
    }
    w
}

/// What one program did.
enum Done {
    /// It ran at once and exited with this code.
    Code(i32),
    /// It slept this long and exited 0.
    Slept(u64),
}

/// Runs one program (not a shell builtin such as `exit`) at `t` ms after the start, printing
/// to `out`. `None`: not modelled.
fn program(
    prog: &str,
    args: &[String],
    ctx: &Context,
    t: u64,
    out: &mut Vec<(u64, String)>,
) -> Option<Done> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut print = |line: String| out.push((t, line));
    match (crate::image::fs::base_name(prog), args.as_slice()) {
        ("true" | ":", _) => {}
        ("false", _) => return Some(Done::Code(1)),
        ("echo", args) => {
            let (escapes, words) = match args {
                ["-n", rest @ ..] => (false, rest),
                ["-e", rest @ ..] => (true, rest),
                ["-E", rest @ ..] => (false, rest),
                rest => (false, rest),
            };
            let text = words.join(" ");
            let text = if escapes {
                text.replace("\\n", "\n").replace("\\t", "\t")
            } else {
                text
            };
            for line in text.split('\n') {
                print(line.to_string());
            }
        }
        ("date", []) => print(crate::logs::date_default(ctx.start.plus_ms(t))),
        ("hostname", []) | ("uname", ["-n"]) => print(ctx.hostname.to_string()),
        ("uname", [] | ["-s"]) => print("Linux".into()),
        ("uname", ["-r"]) => print(ctx.kernel.to_string()),
        ("uname", ["-m"]) => print("x86_64".into()),
        // As `docker exec C uname -a` prints it (`command::isolation`).
        ("uname", ["-a"]) => print(format!(
            "Linux {} {} #1 SMP PREEMPT_DYNAMIC x86_64 Linux",
            ctx.hostname, ctx.kernel
        )),
        ("env", []) => {
            for (k, v) in ctx.env {
                print(format!("{k}={v}"));
            }
        }
        ("sleep", [n]) => {
            let n = n.strip_suffix('s').unwrap_or(n);
            return Some(Done::Slept(n.parse::<u64>().ok()?.saturating_mul(1000)));
        }
        _ => return None,
    }
    Some(Done::Code(0))
}

/// Runs a `sh -c` script, printing to `out`; returns its exit (`None`: it reaches a command
/// that is not modelled and runs on).
fn script_run(script: &str, ctx: &Context, out: &mut Vec<(u64, String)>) -> Option<(u64, i32)> {
    let mut t: u64 = 0;
    let mut last = 0;
    for (op, stmt) in statements(script) {
        let skip = match op {
            Op::Seq => false,
            Op::And => last != 0,
            Op::Or => last == 0,
        };
        if skip {
            continue;
        }
        let (words, to_file) = words(&stmt?, ctx.env)?;
        let Some((prog, args)) = words.split_first() else {
            continue;
        };
        if prog == "exit" {
            return match args {
                [] => Some((t, last)),
                [n] => Some((t, n.parse::<i32>().ok()?.rem_euclid(256))),
                _ => None,
            };
        }
        let mut printed = Vec::new();
        match program(prog, args, ctx, t, &mut printed)? {
            Done::Code(code) => last = code,
            Done::Slept(ms) => {
                t = t.saturating_add(ms);
                last = 0;
            }
        }
        if !to_file {
            out.extend(printed);
        }
    }
    Some((t, last))
}

/// Splits a script into statements, each with the operator before it; quotes protect the
/// separators. A statement is `None` when it holds what is not modelled (a pipe, a background
/// `&`, a subshell, a command substitution, an unterminated quote): it runs on.
fn statements(script: &str) -> Vec<(Op, Option<String>)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut bad = false;
    let mut op = Op::Seq;
    let mut quote: Option<char> = None;
    let mut chars = script.chars().peekable();
    let mut end = |op: &mut Op, next: Op, cur: &mut String, bad: &mut bool| {
        let stmt = std::mem::take(cur);
        out.push((*op, (!*bad).then_some(stmt)));
        *bad = false;
        *op = next;
    };
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (Some('"'), '\\') => {
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                cur.push(c);
            }
            (None, '\\') => {
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (None, ';' | '\n') => end(&mut op, Op::Seq, &mut cur, &mut bad),
            (None, '&') if chars.peek() == Some(&'&') => {
                chars.next();
                end(&mut op, Op::And, &mut cur, &mut bad);
            }
            (None, '|') if chars.peek() == Some(&'|') => {
                chars.next();
                end(&mut op, Op::Or, &mut cur, &mut bad);
            }
            // `2>&1`, `>&2`: a redirection, not a background job.
            (None, '&') if cur.ends_with('>') => cur.push(c),
            (None, '|' | '&' | '`' | '(' | ')' | '<') => bad = true,
            (None, '$') if chars.peek() == Some(&'(') => bad = true,
            (None, c) => cur.push(c),
        }
    }
    if quote.is_some() {
        bad = true;
    }
    end(&mut op, Op::Seq, &mut cur, &mut bad);
    out
}

/// The words of a statement after quote removal and `$VAR` expansion, and whether its stdout
/// goes to a file (`> FILE`, `>> FILE`, `1> FILE`) rather than the log. `None` for a
/// redirection without a target.
fn words(stmt: &str, env: &[(String, String)]) -> Option<(Vec<String>, bool)> {
    let lookup = |name: &str| {
        env.iter()
            .find(|(k, _)| k == name)
            .map_or(String::new(), |(_, v)| v.clone())
    };
    // (text, was any part quoted)
    let mut raw: Vec<(String, bool)> = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut in_word = false;
    let mut chars = stmt.chars().peekable();
    let expand = |chars: &mut std::iter::Peekable<std::str::Chars>, cur: &mut String| {
        let braced = chars.peek() == Some(&'{');
        if braced {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&n) = chars.peek() {
            if n.is_ascii_alphanumeric() || n == '_' {
                name.push(n);
                chars.next();
            } else {
                break;
            }
        }
        if braced && chars.peek() == Some(&'}') {
            chars.next();
        }
        if name.is_empty() && !braced {
            cur.push('$');
        } else {
            cur.push_str(&lookup(&name));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                quoted = true;
                for n in chars.by_ref() {
                    if n == '\'' {
                        break;
                    }
                    cur.push(n);
                }
            }
            '"' => {
                in_word = true;
                quoted = true;
                while let Some(n) = chars.next() {
                    match n {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('"' | '\\' | '$')) => {
                            if let Some(e) = chars.next() {
                                cur.push(e);
                            }
                        }
                        '$' => expand(&mut chars, &mut cur),
                        n => cur.push(n),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '$' => {
                in_word = true;
                expand(&mut chars, &mut cur);
            }
            c if c.is_whitespace() => {
                if in_word {
                    raw.push((std::mem::take(&mut cur), quoted));
                }
                in_word = false;
                quoted = false;
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        raw.push((cur, quoted));
    }
    let mut words = Vec::new();
    let mut to_file = false;
    let mut it = raw.into_iter();
    while let Some((w, quoted)) = it.next() {
        if quoted {
            words.push(w);
            continue;
        }
        let (fd, rest) = match w.strip_prefix('2') {
            Some(r) if r.starts_with('>') => (2, r),
            _ => (
                1,
                w.strip_prefix('1')
                    .filter(|r| r.starts_with('>'))
                    .unwrap_or(&w),
            ),
        };
        let Some(target) = rest.strip_prefix(">>").or_else(|| rest.strip_prefix('>')) else {
            words.push(w);
            continue;
        };
        if target.starts_with('&') {
            // `>&2`, `2>&1`: one stream onto the other, both still in the log.
            continue;
        }
        if target.is_empty() {
            it.next()?;
        }
        if fd == 1 {
            to_file = true;
        }
    }
    Some((words, to_file))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Vec<(String, String)> {
        vec![
            ("PATH".into(), "/bin".into()),
            ("HOSTNAME".into(), "t".into()),
            ("GREETING".into(), "hi there".into()),
        ]
    }

    type Printed = Vec<(u64, String)>;

    fn lines(words: &[&str]) -> (Printed, Option<(u64, i32)>) {
        let env = env();
        let ctx = Context {
            hostname: "t",
            env: &env,
            kernel: "6.8.0-45-generic",
            start: SimTime(2_000),
        };
        let w = run(words, &ctx);
        (w.output, w.exit)
    }

    fn text(out: &[(u64, String)]) -> Vec<&str> {
        out.iter().map(|(_, l)| l.as_str()).collect()
    }

    #[test]
    fn direct_commands_print_and_exit_at_once() {
        let (out, exit) = lines(&["echo", "hello", "world"]);
        assert_eq!(out, [(0, "hello world".to_string())]);
        assert_eq!(exit, Some((0, 0)));
        let (out, _) = lines(&["date"]);
        assert_eq!(text(&out), ["Wed Jan  1 00:00:02 UTC 2025"]);
        assert_eq!(text(&lines(&["hostname"]).0), ["t"]);
        assert_eq!(text(&lines(&["uname"]).0), ["Linux"]);
        assert_eq!(
            text(&lines(&["env"]).0),
            ["PATH=/bin", "HOSTNAME=t", "GREETING=hi there"]
        );
        assert_eq!(lines(&["sleep", "5"]), (vec![], Some((5_000, 0))));
        assert_eq!(lines(&["nginx", "-g", "daemon off;"]), (vec![], None));
        // No shell: `$GREETING` stays as it is.
        assert_eq!(text(&lines(&["echo", "$GREETING"]).0), ["$GREETING"]);
    }

    #[test]
    fn scripts_print_each_line_when_it_runs_and_exit_with_their_code() {
        let (out, exit) = lines(&[
            "sh",
            "-c",
            "echo \"start; now\"; sleep 5; echo $GREETING >&2; date; exit 3",
        ]);
        assert_eq!(
            out,
            [
                (0, "start; now".to_string()),
                (5_000, "hi there".to_string()),
                (5_000, "Wed Jan  1 00:00:07 UTC 2025".to_string()),
            ]
        );
        assert_eq!(exit, Some((5_000, 3)));
        let (out, exit) = lines(&[
            "sh",
            "-c",
            "false && echo no || echo yes; echo '$HOME' > /f",
        ]);
        assert_eq!(text(&out), ["yes"]);
        assert_eq!(exit, Some((0, 0)));
        let (out, exit) = lines(&["/bin/sh", "-c", "echo up; nginx -g 'daemon off;'"]);
        assert_eq!(text(&out), ["up"]);
        assert_eq!(exit, None);
        assert_eq!(lines(&["sh", "-c", "echo a | tr a b"]), (vec![], None));
        let (out, exit) = lines(&["sh", "-c", "echo first; echo a | tr a b; echo never"]);
        assert_eq!((text(&out), exit), (vec!["first"], None));
        assert_eq!(lines(&["sh", "-c", "echo 'open"]), (vec![], None));
    }
}
