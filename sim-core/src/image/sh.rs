//! The small shell that RUN (and `docker exec`) interpret: `&&`, `||`, `;`, quotes, `$VAR`,
//! `>`/`>>`, globs, and the programs that change files (`mkdir`, `touch`, `cp`, `mv`, `rm`,
//! `chmod`, `chown`, `ln`, `echo`, `apk`, `apt-get`, `pip`, `adduser`…), applied to an
//! [`Overlay`]. A program that is not in the image fails as `/bin/sh` reports it (exit 127).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::fs::{base_name, join, parent, resolve, Content, Meta, Node, Tree};
use super::layer::{FsError, Overlay};
use super::packages::{self, Package};

/// Most commands one script may run (a limit, not a shell rule).
pub const MAX_COMMANDS: usize = 1_000;
/// Most output a script may print (bytes).
pub const MAX_OUTPUT_BYTES: usize = 256 * 1024;

/// Where a script runs: environment, working directory, user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    /// Environment variables.
    pub env: BTreeMap<String, String>,
    /// Working directory (tree form: no leading `/`).
    pub cwd: String,
    /// User id new files belong to.
    pub uid: u32,
    /// Group id new files belong to.
    pub gid: u32,
}

impl Context {
    /// Root in `/` with `env`.
    pub fn new(env: BTreeMap<String, String>) -> Context {
        Context {
            env,
            cwd: String::new(),
            uid: 0,
            gid: 0,
        }
    }
}

/// What a script did: its output (stdout and stderr interleaved, as a build log shows) and its
/// exit code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The output.
    pub output: String,
    /// 0 for success.
    pub exit_code: i32,
}

/// The flavour of `/bin/sh`, which words its errors differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// BusyBox ash (Alpine, busybox): `/bin/sh: foo: not found`.
    Busybox,
    /// dash (Debian, Ubuntu): `/bin/sh: 1: foo: not found`.
    Dash,
    /// bash.
    Bash,
    /// No `/bin/sh` in the image.
    Missing,
}

/// Follows symlinks in `path` (all components but the last, and the last too when
/// `follow_last`), as the kernel resolves a path. At most 40 hops (Linux's MAXSYMLINKS).
pub fn resolve_links(tree: &Tree, path: &str, follow_last: bool) -> String {
    let mut todo: Vec<String> = path
        .split('/')
        .filter(|p| !p.is_empty())
        .rev()
        .map(String::from)
        .collect();
    let mut done = String::new();
    let mut hops = 0;
    while let Some(c) = todo.pop() {
        let cand = join(&done, &c);
        let last = todo.is_empty();
        match tree.get(&cand) {
            Some(Node::Symlink(_, target)) if (!last || follow_last) && hops < 40 => {
                hops += 1;
                let base = if target.starts_with('/') {
                    ""
                } else {
                    done.as_str()
                };
                let next = resolve(base, target);
                todo.extend(
                    next.split('/')
                        .filter(|p| !p.is_empty())
                        .rev()
                        .map(String::from),
                );
                done = String::new();
            }
            _ => done = cand,
        }
    }
    done
}

/// Which shell `/bin/sh` is.
pub fn flavour(tree: &Tree) -> Flavour {
    let sh = resolve_links(tree, "bin/sh", true);
    match tree.get(&sh) {
        None => Flavour::Missing,
        Some(_) if sh.ends_with("busybox") => Flavour::Busybox,
        Some(_) if sh.ends_with("bash") => Flavour::Bash,
        Some(_) => Flavour::Dash,
    }
}

/// The message `/bin/sh` prints for a program it cannot find.
pub fn not_found(flavour: Flavour, program: &str) -> String {
    match flavour {
        Flavour::Dash => format!("/bin/sh: 1: {program}: not found"),
        Flavour::Bash => format!("/bin/sh: line 1: {program}: command not found"),
        _ => format!("/bin/sh: {program}: not found"),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Word(String, bool),
    And,
    Or,
    Semi,
    Redirect {
        append: bool,
        stderr: bool,
    },
    /// `2>&1`, `>&2`, `1>&2`: one stream onto the other.
    DupErr,
}

/// Lexes a script, expanding `$VAR` (not inside single quotes). `Err` names unsupported syntax.
fn lex(script: &str, env: &BTreeMap<String, String>) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    let chars: Vec<char> = script.chars().collect();
    let mut i = 0;
    let var = |name: &str| env.get(name).cloned();
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' => i += 1,
            '&' if chars.get(i + 1) == Some(&'&') => {
                toks.push(Tok::And);
                i += 2;
            }
            '|' if chars.get(i + 1) == Some(&'|') => {
                toks.push(Tok::Or);
                i += 2;
            }
            ';' => {
                toks.push(Tok::Semi);
                i += 1;
            }
            '|' => return Err("pipes (\"|\")".into()),
            '&' => return Err("background jobs (\"&\")".into()),
            '<' => return Err("input redirection (\"<\")".into()),
            '`' => return Err("command substitution (`…`)".into()),
            '(' | ')' => return Err("subshells (\"( … )\")".into()),
            '2' if chars.get(i + 1) == Some(&'>') => {
                if chars.get(i + 2) == Some(&'&') && chars.get(i + 3) == Some(&'1') {
                    toks.push(Tok::DupErr);
                    i += 4;
                } else {
                    let append = chars.get(i + 2) == Some(&'>');
                    toks.push(Tok::Redirect {
                        append,
                        stderr: true,
                    });
                    i += if append { 3 } else { 2 };
                }
            }
            // `>&2`, `1>&2`, `>&1`: output is kept interleaved (stdout and stderr as one log),
            // so a duplication changes nothing, as `2>&1` does not.
            '>' if chars.get(i + 1) == Some(&'&')
                && chars.get(i + 2).is_some_and(|d| matches!(d, '1' | '2')) =>
            {
                toks.push(Tok::DupErr);
                i += 3;
            }
            '1' if chars.get(i + 1) == Some(&'>')
                && chars.get(i + 2) == Some(&'&')
                && chars.get(i + 3).is_some_and(|d| matches!(d, '1' | '2')) =>
            {
                toks.push(Tok::DupErr);
                i += 4;
            }
            '1' if chars.get(i + 1) == Some(&'>') => {
                let append = chars.get(i + 2) == Some(&'>');
                toks.push(Tok::Redirect {
                    append,
                    stderr: false,
                });
                i += if append { 3 } else { 2 };
            }
            '>' => {
                let append = chars.get(i + 1) == Some(&'>');
                toks.push(Tok::Redirect {
                    append,
                    stderr: false,
                });
                i += if append { 2 } else { 1 };
            }
            _ => {
                let mut w = String::new();
                let mut glob = false;
                while i < chars.len() {
                    let c = chars[i];
                    match c {
                        ' ' | '\t' | '\n' | ';' | '|' | '&' | '>' | '<' | '(' | ')' => break,
                        '\'' => {
                            i += 1;
                            while i < chars.len() && chars[i] != '\'' {
                                w.push(chars[i]);
                                i += 1;
                            }
                            if i >= chars.len() {
                                return Err("an unterminated quote".into());
                            }
                            i += 1;
                        }
                        '"' => {
                            i += 1;
                            let mut inner = String::new();
                            while i < chars.len() && chars[i] != '"' {
                                if chars[i] == '\\'
                                    && i + 1 < chars.len()
                                    && "\"\\$`".contains(chars[i + 1])
                                {
                                    if chars[i + 1] == '$' {
                                        inner.push_str("\\$");
                                    } else {
                                        inner.push(chars[i + 1]);
                                    }
                                    i += 2;
                                    continue;
                                }
                                if chars[i] == '$' && chars.get(i + 1) == Some(&'(') {
                                    return Err("command substitution ($( … ))".into());
                                }
                                inner.push(chars[i]);
                                i += 1;
                            }
                            if i >= chars.len() {
                                return Err("an unterminated quote".into());
                            }
                            i += 1;
                            w.push_str(&super::dockerfile::substitute(&inner, &var));
                        }
                        '\\' => {
                            if let Some(&n) = chars.get(i + 1) {
                                w.push(n);
                            }
                            i += 2;
                        }
                        '$' => {
                            if chars.get(i + 1) == Some(&'(') {
                                return Err("command substitution ($( … ))".into());
                            }
                            let start = i;
                            i += 1;
                            if chars.get(i) == Some(&'{') {
                                while i < chars.len() && chars[i] != '}' {
                                    i += 1;
                                }
                                i += 1;
                            } else {
                                while i < chars.len()
                                    && (chars[i].is_ascii_alphanumeric() || chars[i] == '_')
                                {
                                    i += 1;
                                }
                            }
                            let piece: String = chars[start..i.min(chars.len())].iter().collect();
                            w.push_str(&super::dockerfile::substitute(&piece, &var));
                            continue;
                        }
                        '*' | '?' => {
                            glob = true;
                            w.push(c);
                            i += 1;
                        }
                        _ => {
                            w.push(c);
                            i += 1;
                        }
                    }
                }
                toks.push(Tok::Word(w, glob));
            }
        }
    }
    Ok(toks)
}

/// `*` and `?` against one name (a leading `.` is only matched explicitly, as in sh).
fn glob_match(pattern: &str, name: &str) -> bool {
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    fn m(p: &[char], n: &[char]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some('*'), _) => m(&p[1..], n) || (!n.is_empty() && m(p, &n[1..])),
            (Some('?'), Some(_)) => m(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => m(&p[1..], &n[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    m(&p, &n)
}

/// Expands a glob word against the tree (the last component only); no match leaves the word.
fn expand_glob(tree: &Tree, cwd: &str, word: &str) -> Vec<String> {
    let dir_part = word.rsplit_once('/').map(|(d, _)| d);
    let pat = base_name(word);
    if dir_part.is_some_and(|d| d.contains(['*', '?'])) {
        return vec![word.to_string()];
    }
    let dir_abs = resolve_links(
        tree,
        &resolve(
            cwd,
            dir_part.map_or(".", |d| if d.is_empty() { "/" } else { d }),
        ),
        true,
    );
    let mut out: Vec<String> = tree
        .children(&dir_abs)
        .map(|(p, _)| base_name(p))
        .filter(|n| glob_match(pat, n))
        .map(|n| match dir_part {
            Some(d) => format!("{d}/{n}"),
            None => n.to_string(),
        })
        .collect();
    if out.is_empty() {
        out.push(word.to_string());
    }
    out
}

struct Cmd {
    words: Vec<String>,
    stdout_to: Option<(String, bool)>,
    stderr_null: bool,
}

/// A failed program: its message and exit code.
type Fail = (String, i32);

/// Runs a shell script (`/bin/sh -c SCRIPT`).
pub fn run_script(o: &mut Overlay, script: &str, ctx: &mut Context) -> Outcome {
    let fl = flavour(o.merged());
    if fl == Flavour::Missing {
        return Outcome {
            output: "exec: \"/bin/sh\": stat /bin/sh: no such file or directory\n".into(),
            exit_code: 127,
        };
    }
    let mut out = String::new();
    let toks = match lex(script, &ctx.env) {
        Ok(t) => t,
        Err(what) => {
            return Outcome {
                output: format!("/bin/sh: the sandbox's shell does not support {what}\n"),
                exit_code: 2,
            }
        }
    };
    // Split into (operator before, command) pairs.
    let mut seq: Vec<(Option<Tok>, Vec<Tok>)> = vec![(None, Vec::new())];
    for t in toks {
        match t {
            Tok::And | Tok::Or | Tok::Semi => seq.push((Some(t), Vec::new())),
            t => {
                if let Some(last) = seq.last_mut() {
                    last.1.push(t);
                }
            }
        }
    }
    let mut status = 0;
    for (n, (op, toks)) in seq.into_iter().enumerate() {
        if n >= MAX_COMMANDS {
            out.push_str("/bin/sh: the sandbox runs at most 1000 commands per script\n");
            return Outcome {
                output: out,
                exit_code: 2,
            };
        }
        match op {
            Some(Tok::And) if status != 0 => continue,
            Some(Tok::Or) if status == 0 => continue,
            _ => {}
        }
        if toks.is_empty() {
            continue;
        }
        let cmd = match build_cmd(o.merged(), &ctx.cwd, toks) {
            Ok(c) => c,
            Err(m) => {
                let _ = writeln!(out, "/bin/sh: {m}");
                status = 2;
                continue;
            }
        };
        if cmd.words.first().map(String::as_str) == Some("exit") {
            status = cmd
                .words
                .get(1)
                .and_then(|c| c.parse().ok())
                .unwrap_or(status);
            return Outcome {
                output: out,
                exit_code: status,
            };
        }
        status = match run_cmd(o, ctx, fl, &cmd) {
            Ok(text) => match &cmd.stdout_to {
                Some((path, append)) => match redirect_write(o, ctx, path, *append, &text) {
                    Ok(()) => 0,
                    Err(m) => {
                        let _ = writeln!(out, "/bin/sh: can't create {path}: {m}");
                        1
                    }
                },
                None => {
                    out.push_str(&text);
                    0
                }
            },
            Err((msg, code)) => {
                if !cmd.stderr_null && !msg.is_empty() {
                    out.push_str(&msg);
                    if !msg.ends_with('\n') {
                        out.push('\n');
                    }
                }
                code
            }
        };
        if out.len() > MAX_OUTPUT_BYTES {
            out.truncate(MAX_OUTPUT_BYTES);
            out.push_str("\n[output truncated at 256 KiB by the sandbox]\n");
        }
    }
    Outcome {
        output: out,
        exit_code: status,
    }
}

/// Runs an exec-form command (no shell: no variables, no globs, no operators).
pub fn run_exec(o: &mut Overlay, argv: &[String], ctx: &mut Context) -> Outcome {
    if argv.len() >= 3
        && matches!(argv[0].as_str(), "/bin/sh" | "sh" | "/bin/bash" | "bash")
        && argv[1] == "-c"
    {
        return run_script(o, &argv[2], ctx);
    }
    let fl = flavour(o.merged());
    let cmd = Cmd {
        words: argv.to_vec(),
        stdout_to: None,
        stderr_null: false,
    };
    if let Some(p) = argv.first() {
        if find_program(o.merged(), ctx, p).is_none() {
            return Outcome {
                output: format!("exec: \"{p}\": executable file not found in $PATH\n"),
                exit_code: 127,
            };
        }
    }
    match run_cmd(o, ctx, fl, &cmd) {
        Ok(text) => Outcome {
            output: text,
            exit_code: 0,
        },
        Err((mut m, code)) => {
            if !m.is_empty() && !m.ends_with('\n') {
                m.push('\n');
            }
            Outcome {
                output: m,
                exit_code: code,
            }
        }
    }
}

fn build_cmd(tree: &Tree, cwd: &str, toks: Vec<Tok>) -> Result<Cmd, String> {
    let mut words = Vec::new();
    let mut stdout_to = None;
    let mut stderr_null = false;
    let mut it = toks.into_iter();
    while let Some(t) = it.next() {
        match t {
            Tok::Word(w, glob) => {
                if words.is_empty()
                    && matches!(
                        w.as_str(),
                        "if" | "for" | "while" | "case" | "until" | "function"
                    )
                {
                    return Err(format!("the sandbox's shell does not support \"{w}\""));
                }
                if glob {
                    words.extend(expand_glob(tree, cwd, &w));
                } else {
                    words.push(w);
                }
            }
            Tok::Redirect { append, stderr } => {
                let Some(Tok::Word(target, _)) = it.next() else {
                    return Err("syntax error: redirection needs a file".into());
                };
                if stderr {
                    stderr_null = target == "/dev/null";
                } else if target != "/dev/null" {
                    stdout_to = Some((target, append));
                } else {
                    stdout_to = None;
                }
            }
            Tok::DupErr => {}
            _ => {}
        }
    }
    Ok(Cmd {
        words,
        stdout_to,
        stderr_null,
    })
}

fn redirect_write(
    o: &mut Overlay,
    ctx: &Context,
    path: &str,
    append: bool,
    text: &str,
) -> Result<(), String> {
    let p = resolve_links(o.merged(), &resolve(&ctx.cwd, path), true);
    let mut content = Vec::new();
    if append {
        if let Some(Node::File(_, c)) = o.merged().get(&p) {
            match c {
                Content::Bytes(b) => content.extend_from_slice(b),
                Content::Synthetic { .. } => {
                    return Err("the sandbox cannot append to a binary file".into())
                }
            }
        }
    }
    content.extend_from_slice(text.as_bytes());
    let meta = o.merged().get(&p).map(Node::meta).unwrap_or(Meta {
        mode: 0o644,
        uid: ctx.uid,
        gid: ctx.gid,
    });
    o.write_file(&p, Content::Bytes(content), Some(meta))
        .map_err(|e| fs_reason(&e))
}

fn fs_reason(e: &FsError) -> String {
    match e {
        FsError::NotFound(_) => "nonexistent directory".into(),
        FsError::NotADirectory(_) => "Not a directory".into(),
        FsError::IsADirectory(_) => "Is a directory".into(),
        FsError::Exists(_) => "File exists".into(),
        FsError::NotEmpty(_) => "Directory not empty".into(),
        FsError::Limit(m) => m.clone(),
    }
}

fn path_dirs(ctx: &Context) -> Vec<String> {
    ctx.env
        .get("PATH")
        .cloned()
        .unwrap_or_else(|| "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into())
        .split(':')
        .map(String::from)
        .collect()
}

/// Finds a program the way `execvp` does: a name with `/` is a path, others are searched in PATH.
pub fn find_program(tree: &Tree, ctx: &Context, name: &str) -> Option<String> {
    let candidates: Vec<String> = if name.contains('/') {
        vec![resolve(&ctx.cwd, name)]
    } else {
        path_dirs(ctx)
            .iter()
            .map(|d| resolve("", &format!("{d}/{name}")))
            .collect()
    };
    candidates.into_iter().find(|c| {
        let real = resolve_links(tree, c, true);
        matches!(tree.get(&real), Some(Node::File(..)))
    })
}

const BUILTINS: &[&str] = &[
    "echo", "cd", "true", "false", ":", "set", "export", "exit", "printf", "umask", "unset",
];
const SIMULATED: &[&str] = &[
    "mkdir", "touch", "cp", "mv", "rm", "rmdir", "chmod", "chown", "ln", "cat", "ls", "apk",
    "apt-get", "apt", "pip", "pip3", "adduser", "addgroup", "useradd", "groupadd", "whoami", "id",
    "pwd", "env", "uname", "sleep", "test", "[",
];

/// True when the sandbox's shell runs `program` (a builtin or a simulated program) to
/// completion; `sleep` counts as not, since it is how a container is kept running.
pub fn runs_to_completion(program: &str) -> bool {
    program != "sleep" && (BUILTINS.contains(&program) || SIMULATED.contains(&program))
}

fn run_cmd(o: &mut Overlay, ctx: &mut Context, fl: Flavour, cmd: &Cmd) -> Result<String, Fail> {
    let Some((prog, args)) = cmd.words.split_first() else {
        return Ok(String::new());
    };
    // Assignments before a command (`A=1 cmd`) are not supported; a lone `A=1` sets a variable.
    if cmd.words.len() == 1 && prog.contains('=') && !prog.starts_with('=') {
        if let Some((k, v)) = prog.split_once('=') {
            ctx.env.insert(k.into(), v.into());
        }
        return Ok(String::new());
    }
    let name = base_name(prog);
    let cant = if fl == Flavour::Busybox {
        "can't"
    } else {
        "cannot"
    };
    if BUILTINS.contains(&prog.as_str()) {
        return builtin(ctx, prog, args);
    }
    if find_program(o.merged(), ctx, prog).is_none() {
        return Err((not_found(fl, prog), 127));
    }
    if !SIMULATED.contains(&name) {
        return Err((
            format!(
                "{name}: the sandbox does not simulate this program (it only runs {})",
                SIMULATED.join(", ")
            ),
            127,
        ));
    }
    let (flags, operands) = split_flags(args);
    let abs = |p: &str, tree: &Tree| resolve_links(tree, &resolve(&ctx.cwd, p), false);
    let owner = Meta {
        mode: 0,
        uid: ctx.uid,
        gid: ctx.gid,
    };
    match name {
        "mkdir" => {
            let parents = flags.contains('p');
            for p in &operands {
                let path = abs(p, o.merged());
                if let Err(e) = o.mkdir(&path, parents) {
                    return Err((
                        format!("mkdir: {cant} create directory '{p}': {}", fs_reason(&e)),
                        1,
                    ));
                }
                let _ = o.set_meta(
                    &path,
                    Meta {
                        mode: 0o755,
                        ..owner
                    },
                );
            }
            Ok(String::new())
        }
        "touch" => {
            for p in &operands {
                let path = resolve_links(o.merged(), &resolve(&ctx.cwd, p), true);
                let r = match o.merged().get(&path).cloned() {
                    // Changing a lower file's times copies it up too.
                    Some(n) => o.set_meta(&path, n.meta()),
                    None => o.write_file(
                        &path,
                        Content::Bytes(Vec::new()),
                        Some(Meta {
                            mode: 0o644,
                            ..owner
                        }),
                    ),
                };
                if let Err(e) = r {
                    return Err((
                        format!(
                            "touch: {p}: {}",
                            fs_reason(&e)
                                .replace("nonexistent directory", "No such file or directory")
                        ),
                        1,
                    ));
                }
            }
            Ok(String::new())
        }
        "rm" => {
            let recursive = flags.contains('r') || flags.contains('R');
            let force = flags.contains('f');
            let mut failed = String::new();
            for p in &operands {
                let path = abs(p, o.merged());
                if path.is_empty() {
                    failed.push_str("rm: refusing to remove '/' in the sandbox\n");
                    continue;
                }
                match o.remove(&path, recursive) {
                    Ok(()) => {}
                    Err(FsError::NotFound(_)) if force => {}
                    Err(e) => {
                        let _ = writeln!(
                            failed,
                            "rm: {cant} remove '{p}': {}",
                            fs_reason(&e)
                                .replace("nonexistent directory", "No such file or directory")
                        );
                    }
                }
            }
            if failed.is_empty() {
                Ok(String::new())
            } else {
                Err((failed, 1))
            }
        }
        "rmdir" => {
            for p in &operands {
                let path = abs(p, o.merged());
                if o.merged().children(&path).next().is_some() {
                    return Err((format!("rmdir: '{p}': Directory not empty"), 1));
                }
                o.remove(&path, true)
                    .map_err(|e| (format!("rmdir: '{p}': {}", fs_reason(&e)), 1))?;
            }
            Ok(String::new())
        }
        "cp" | "mv" => {
            let recursive =
                name == "mv" || flags.contains('r') || flags.contains('R') || flags.contains('a');
            if operands.len() < 2 {
                return Err((format!("{name}: missing destination file operand"), 1));
            }
            let (srcs, dst) = operands.split_at(operands.len() - 1);
            let dst_path = resolve_links(o.merged(), &resolve(&ctx.cwd, &dst[0]), true);
            let dst_is_dir = o.merged().is_dir(&dst_path);
            if srcs.len() > 1 && !dst_is_dir {
                return Err((format!("{name}: target '{}' is not a directory", dst[0]), 1));
            }
            for s in srcs {
                let src = abs(s, o.merged());
                let Some(node) = o.merged().get(&src).cloned() else {
                    return Err((
                        format!("{name}: {cant} stat '{s}': No such file or directory"),
                        1,
                    ));
                };
                if node.is_dir() && !recursive {
                    return Err((
                        format!("{name}: -r not specified; omitting directory '{s}'"),
                        1,
                    ));
                }
                let target = if dst_is_dir {
                    join(&dst_path, base_name(&src))
                } else {
                    dst_path.clone()
                };
                if target == src || target.starts_with(&format!("{src}/")) {
                    return Err((
                        format!("{name}: cannot copy a directory, '{s}', into itself"),
                        1,
                    ));
                }
                copy_tree(
                    o,
                    &src,
                    &target,
                    if name == "cp" && !flags.contains('a') && !flags.contains('p') {
                        Some(owner)
                    } else {
                        None
                    },
                )
                .map_err(|e| {
                    (
                        format!("{name}: {cant} create '{}': {}", dst[0], fs_reason(&e)),
                        1,
                    )
                })?;
                if name == "mv" {
                    let _ = o.remove(&src, true);
                }
            }
            Ok(String::new())
        }
        "chmod" => {
            let Some((mode, paths)) = operands.split_first() else {
                return Err(("chmod: missing operand".into(), 1));
            };
            for p in paths {
                let path = resolve_links(o.merged(), &resolve(&ctx.cwd, p), true);
                let mut targets = vec![path.clone()];
                if flags.contains('R') {
                    targets.extend(o.merged().descendants(&path).map(|(q, _)| q.to_string()));
                }
                for t in targets {
                    let Some(node) = o.merged().get(&t).cloned() else {
                        return Err((format!("chmod: {p}: No such file or directory"), 1));
                    };
                    let m = node.meta();
                    let Some(new) = apply_mode(m.mode, mode, node.is_dir()) else {
                        return Err((format!("chmod: invalid mode '{mode}'"), 1));
                    };
                    o.set_meta(&t, Meta { mode: new, ..m })
                        .map_err(|e| (format!("chmod: {e}"), 1))?;
                }
            }
            Ok(String::new())
        }
        "chown" => {
            let Some((spec, paths)) = operands.split_first() else {
                return Err(("chown: missing operand".into(), 1));
            };
            let (u, g) = spec
                .split_once([':', '.'])
                .map_or((spec.as_str(), None), |(u, g)| (u, Some(g)));
            let uid = lookup_id(o.merged(), "etc/passwd", u)
                .ok_or_else(|| (format!("chown: unknown user {u}"), 1))?;
            let gid = match g {
                Some(g) if !g.is_empty() => lookup_id(o.merged(), "etc/group", g)
                    .ok_or_else(|| (format!("chown: unknown group {g}"), 1))?,
                _ => uid,
            };
            for p in paths {
                let path = resolve_links(o.merged(), &resolve(&ctx.cwd, p), true);
                let mut targets = vec![path.clone()];
                if flags.contains('R') {
                    targets.extend(o.merged().descendants(&path).map(|(q, _)| q.to_string()));
                }
                for t in targets {
                    let Some(node) = o.merged().get(&t).cloned() else {
                        return Err((format!("chown: {p}: No such file or directory"), 1));
                    };
                    o.set_meta(
                        &t,
                        Meta {
                            uid,
                            gid,
                            ..node.meta()
                        },
                    )
                    .map_err(|e| (format!("chown: {e}"), 1))?;
                }
            }
            Ok(String::new())
        }
        "ln" => {
            if !flags.contains('s') {
                return Err((
                    "ln: the sandbox only makes symbolic links (ln -s)".into(),
                    1,
                ));
            }
            let [target, link] = operands.as_slice() else {
                return Err(("ln: usage: ln -s TARGET LINK".into(), 1));
            };
            let mut path = abs(link, o.merged());
            if o.merged().is_dir(&resolve_links(o.merged(), &path, true)) {
                path = join(&resolve_links(o.merged(), &path, true), base_name(target));
            }
            if o.merged().exists(&path) {
                if !flags.contains('f') {
                    return Err((format!("ln: {link}: File exists"), 1));
                }
                let _ = o.remove(&path, false);
            }
            o.create(
                &path,
                Node::Symlink(
                    Meta {
                        mode: 0o777,
                        ..owner
                    },
                    target.clone(),
                ),
            )
            .map_err(|e| (format!("ln: {link}: {}", fs_reason(&e)), 1))?;
            Ok(String::new())
        }
        "cat" => {
            let mut text = String::new();
            for p in &operands {
                let path = resolve_links(o.merged(), &resolve(&ctx.cwd, p), true);
                match o.merged().get(&path) {
                    Some(Node::File(_, c)) => match c.as_text() {
                        Some(t) => text.push_str(t),
                        None => {
                            let _ = writeln!(text, "[{} bytes of binary data]", c.size());
                        }
                    },
                    Some(Node::Dir(_)) => {
                        return Err(("cat: read error: Is a directory".to_string(), 1))
                    }
                    _ => {
                        return Err((
                            format!("cat: {cant} open '{p}': No such file or directory"),
                            1,
                        ))
                    }
                }
            }
            Ok(text)
        }
        "ls" => ls(o.merged(), ctx, &flags, &operands, cant),
        "pwd" => Ok(format!("/{}\n", ctx.cwd)),
        "whoami" => Ok(format!("{}\n", user_name(o.merged(), ctx.uid))),
        "id" => Ok(format!(
            "uid={0}({1}) gid={2}({2})\n",
            ctx.uid,
            user_name(o.merged(), ctx.uid),
            ctx.gid
        )),
        "uname" => Ok(if flags.contains('r') {
            format!("{}\n", crate::host::HOST_KERNEL)
        } else {
            "Linux\n".into()
        }),
        "env" => Ok(ctx.env.iter().map(|(k, v)| format!("{k}={v}\n")).collect()),
        "sleep" | "test" | "[" => Ok(String::new()),
        "apk" => apk(o, args),
        "apt-get" | "apt" => apt_get(o, args),
        "pip" | "pip3" => pip(o, ctx, args),
        "adduser" | "useradd" => add_user(o, name, args),
        "addgroup" | "groupadd" => add_group(o, args),
        _ => Err((format!("{name}: not simulated"), 127)),
    }
}

fn builtin(ctx: &mut Context, prog: &str, args: &[String]) -> Result<String, Fail> {
    match prog {
        "echo" => {
            let (nl, words) = match args.split_first() {
                Some((f, rest)) if f == "-n" => (false, rest),
                Some((f, rest)) if f == "-e" => (true, rest),
                _ => (true, args),
            };
            let mut s = words.join(" ");
            if nl {
                s.push('\n');
            }
            Ok(s)
        }
        "printf" => {
            let Some((fmt, rest)) = args.split_first() else {
                return Ok(String::new());
            };
            let mut s = fmt.replace("\\n", "\n").replace("\\t", "\t");
            for a in rest {
                s = s.replacen("%s", a, 1);
            }
            Ok(s)
        }
        "cd" => {
            ctx.cwd = resolve(&ctx.cwd, args.first().map_or("/root", String::as_str));
            Ok(String::new())
        }
        "export" => {
            for a in args {
                if let Some((k, v)) = a.split_once('=') {
                    ctx.env.insert(k.into(), v.into());
                }
            }
            Ok(String::new())
        }
        "unset" => {
            for a in args {
                ctx.env.remove(a);
            }
            Ok(String::new())
        }
        "false" => Err((String::new(), 1)),
        _ => Ok(String::new()),
    }
}

/// Splits `-rf`, `-p` style flags (letters collected) from operands; `--` ends flags. Long
/// flags are kept as operands for the programs that read them.
fn split_flags(args: &[String]) -> (String, Vec<String>) {
    let mut flags = String::new();
    let mut ops = Vec::new();
    let mut done = false;
    for a in args {
        if !done && a == "--" {
            done = true;
        } else if !done && a.starts_with('-') && !a.starts_with("--") && a.len() > 1 {
            flags.push_str(&a[1..]);
        } else if !done && a.starts_with("--") {
            match a.as_str() {
                "--recursive" => flags.push('r'),
                "--force" => flags.push('f'),
                "--parents" => flags.push('p'),
                "--symbolic" => flags.push('s'),
                _ => {}
            }
        } else {
            ops.push(a.clone());
        }
    }
    (flags, ops)
}

fn copy_tree(o: &mut Overlay, src: &str, dst: &str, owner: Option<Meta>) -> Result<(), FsError> {
    let node = o
        .merged()
        .get(src)
        .cloned()
        .ok_or_else(|| FsError::NotFound(src.into()))?;
    let below: Vec<(String, Node)> = o
        .merged()
        .descendants(src)
        .map(|(p, n)| (format!("{dst}{}", &p[src.len()..]), n.clone()))
        .collect();
    let own = |n: Node| match owner {
        Some(m) => {
            let mode = n.meta().mode;
            n.with_meta(Meta { mode, ..m })
        }
        None => n,
    };
    if let Some(existing) = o.merged().get(dst) {
        if !(existing.is_dir() && node.is_dir()) {
            o.remove(dst, true)?;
        }
    }
    if !o.merged().is_dir(dst) || !node.is_dir() {
        o.create(dst, own(node))?;
    }
    for (p, n) in below {
        if o.merged().get(&p).is_some_and(|e| e.is_dir() && n.is_dir()) {
            continue;
        }
        o.create(&p, own(n))?;
    }
    Ok(())
}

/// Applies an octal (`755`) or symbolic (`u+x`, `go-w`, `+x`, `a=r`) mode.
fn apply_mode(old: u32, spec: &str, is_dir: bool) -> Option<u32> {
    if let Ok(m) = u32::from_str_radix(spec, 8) {
        return (m <= 0o7777).then_some(m);
    }
    let mut mode = old;
    for clause in spec.split(',') {
        let pos = clause.find(['+', '-', '='])?;
        let (who, rest) = clause.split_at(pos);
        let (op, perms) = rest.split_at(1);
        let mut mask = 0;
        for w in if who.is_empty() {
            "a".chars()
        } else {
            who.chars()
        } {
            mask |= match w {
                'u' => 0o700,
                'g' => 0o070,
                'o' => 0o007,
                'a' => 0o777,
                _ => return None,
            };
        }
        let mut bits = 0;
        for p in perms.chars() {
            bits |= match p {
                'r' => 0o444,
                'w' => 0o222,
                'x' => 0o111,
                'X' if is_dir || old & 0o111 != 0 => 0o111,
                'X' => 0,
                _ => return None,
            };
        }
        let bits = bits & mask;
        mode = match op {
            "+" => mode | bits,
            "-" => mode & !bits,
            _ => (mode & !mask) | bits,
        };
    }
    Some(mode)
}

fn lookup_id(tree: &Tree, file: &str, name: &str) -> Option<u32> {
    if let Ok(n) = name.parse() {
        return Some(n);
    }
    let text = tree.get(file).and_then(|n| match n {
        Node::File(_, c) => c.as_text(),
        _ => None,
    })?;
    text.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.first() == Some(&name))
            .then(|| f.get(2)?.parse().ok())
            .flatten()
    })
}

fn user_name(tree: &Tree, uid: u32) -> String {
    let text = tree.get("etc/passwd").and_then(|n| match n {
        Node::File(_, c) => c.as_text(),
        _ => None,
    });
    text.and_then(|t| {
        t.lines().find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.get(2) == Some(&uid.to_string().as_str())).then(|| f[0].to_string())
        })
    })
    .unwrap_or_else(|| uid.to_string())
}

/// `ls [-l] [-a] [PATH...]` in busybox's long format (dates are the fixed layer mtime).
fn ls(
    tree: &Tree,
    ctx: &Context,
    flags: &str,
    operands: &[String],
    cant: &str,
) -> Result<String, Fail> {
    let long = flags.contains('l');
    let all = flags.contains('a');
    let ops: Vec<String> = if operands.is_empty() {
        vec![".".into()]
    } else {
        operands.to_vec()
    };
    let mut out = String::new();
    let line = |out: &mut String, name: &str, n: &Node| {
        if long {
            let m = n.meta();
            let size = match n {
                Node::Dir(_) => 4096,
                Node::Symlink(_, t) => t.len() as u64,
                Node::File(_, c) => c.size(),
            };
            let link = match n {
                Node::Symlink(_, t) => format!(" -> {t}"),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "{} {:>4} {:<8} {:<8} {:>9} Jan  1  1970 {name}{link}",
                n.mode_string(),
                if n.is_dir() { 2 } else { 1 },
                user_name(tree, m.uid),
                user_name(tree, m.gid),
                size
            );
        } else {
            let _ = writeln!(out, "{name}");
        }
    };
    for (i, p) in ops.iter().enumerate() {
        // As GNU and busybox ls: with -l a symlink operand is listed itself, not followed.
        let path = resolve_links(tree, &resolve(&ctx.cwd, p), !long);
        let Some(node) = (if path.is_empty() {
            Some(Node::dir())
        } else {
            tree.get(&path).cloned()
        }) else {
            return Err((
                format!("ls: {cant} access '{p}': No such file or directory"),
                1,
            ));
        };
        if !node.is_dir() {
            line(&mut out, p, &node);
            continue;
        }
        if ops.len() > 1 {
            let _ = writeln!(out, "{}{p}:", if i > 0 { "\n" } else { "" });
        }
        if long {
            let _ = writeln!(out, "total {}", tree.children(&path).count() * 4);
        }
        if all {
            line(&mut out, ".", &node);
            line(&mut out, "..", &Node::dir());
        }
        for (cp, cn) in tree.children(&path) {
            let name = base_name(cp);
            if all || !name.starts_with('.') {
                line(&mut out, name, cn);
            }
        }
    }
    Ok(out)
}

fn text_of(tree: &Tree, path: &str) -> String {
    match tree.get(path) {
        Some(Node::File(_, c)) => c.as_text().unwrap_or("").to_string(),
        _ => String::new(),
    }
}

fn install_files(o: &mut Overlay, p: &Package, root: &str, seed: &str) -> Result<(), Fail> {
    for (path, mode, size) in p.files {
        let full = if root.is_empty() {
            path.to_string()
        } else {
            format!("{root}/{path}")
        };
        let full = resolve_links(o.merged(), &full, false);
        o.mkdir(parent(&full), true)
            .map_err(|e| (format!("{}: {e}", p.name), 1))?;
        let content = Content::Synthetic {
            seed: format!("{seed}:{}-{}:{path}", p.name, p.version),
            size: *size,
        };
        if o.merged().exists(&full) {
            let _ = o.remove(&full, true);
        }
        o.create(&full, Node::File(Meta::root(*mode), content))
            .map_err(|e| (format!("{}: {e}", p.name), 1))?;
    }
    for (path, target) in p.links() {
        let full = if root.is_empty() {
            path.to_string()
        } else {
            format!("{root}/{path}")
        };
        o.mkdir(parent(&full), true)
            .map_err(|e| (format!("{}: {e}", p.name), 1))?;
        if o.merged().exists(&full) {
            let _ = o.remove(&full, true);
        }
        o.create(&full, Node::symlink(target))
            .map_err(|e| (format!("{}: {e}", p.name), 1))?;
    }
    Ok(())
}

fn mib(bytes: u64) -> u64 {
    bytes.div_ceil(1024 * 1024)
}

/// `apk add` / `apk update` (Alpine 3.20). Without `--no-cache` the downloaded indexes stay in
/// `/var/cache/apk` and so in the layer — the reason Dockerfiles use `--no-cache`.
fn apk(o: &mut Overlay, args: &[String]) -> Result<String, Fail> {
    let Some((sub, rest)) = args.split_first() else {
        return Err(("apk-tools 2.14.4, compiled for x86_64.\nusage: apk [<OPTIONS>...] COMMAND [<ARGUMENTS>...]".into(), 1));
    };
    let mut no_cache = false;
    let mut names = Vec::new();
    let mut skip = false;
    for a in rest {
        if skip {
            skip = false;
            continue;
        }
        match a.as_str() {
            "--no-cache" => no_cache = true,
            "--virtual" | "-t" => skip = true,
            a if a.starts_with('-') => {}
            a => names.push(a.to_string()),
        }
    }
    let mut out = String::from(
        "fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz\n\
         fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/community/x86_64/APKINDEX.tar.gz\n",
    );
    if !no_cache {
        // Index sizes approximate (Alpine 3.20 main ≈2.4 MB, community ≈2.3 MB).
        for (name, size) in [
            ("APKINDEX.83b4a5fd.tar.gz", 2_400_000),
            ("APKINDEX.9c0d22e5.tar.gz", 2_300_000),
        ] {
            let path = format!("var/cache/apk/{name}");
            let _ = o.mkdir("var/cache/apk", true);
            let _ = o.write_file(
                &path,
                Content::Synthetic {
                    seed: format!("apk-index:{name}"),
                    size,
                },
                Some(Meta::root(0o644)),
            );
        }
    }
    match sub.as_str() {
        "update" => {
            out.push_str("v3.20.3-1-g1d4a3ee6e0f [https://dl-cdn.alpinelinux.org/alpine/v3.20/main]\nv3.20.3-1-gb8e0c5b2a5f [https://dl-cdn.alpinelinux.org/alpine/v3.20/community]\nOK: 24166 distinct packages available\n");
            Ok(out)
        }
        "add" => {
            let db = text_of(o.merged(), "lib/apk/db/installed");
            let installed = |n: &str| db.contains(&format!("P:{n}\n"));
            let list = match packages::resolve(packages::APK, &names, &installed) {
                Ok(l) => l,
                Err(missing) => {
                    let _ = write!(out, "ERROR: unable to select packages:\n  {missing} (no such package):\n    required by: world[{missing}]\n");
                    return Err((out, 1));
                }
            };
            let total = list.len();
            let mut db = db.clone();
            for (i, p) in list.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "({}/{total}) Installing {} ({})",
                    i + 1,
                    p.name,
                    p.version
                );
                install_files(o, p, "", "apk")?;
                let _ = write!(db, "P:{}\nV:{}\n\n", p.name, p.version);
            }
            let _ = o.write_file("lib/apk/db/installed", Content::text(&db), None);
            let mut world = text_of(o.merged(), "etc/apk/world");
            for n in &names {
                if !world.lines().any(|l| l == n) {
                    let _ = writeln!(world, "{n}");
                }
            }
            let _ = o.write_file("etc/apk/world", Content::text(&world), None);
            let count = db.matches("P:").count();
            let _ = writeln!(
                out,
                "OK: {} MiB in {count} packages",
                mib(o.merged().content_bytes())
            );
            Ok(out)
        }
        "del" => Err(("apk del: not simulated by the sandbox".into(), 1)),
        other => Err((format!("apk: unknown command '{other}'"), 1)),
    }
}

fn is_ubuntu(tree: &Tree) -> bool {
    text_of(tree, "etc/os-release").contains("ID=ubuntu")
}

/// `apt-get update | install [-y] | clean` (Debian 12 / Ubuntu 24.04). The images ship empty
/// package lists, so `install` before `update` cannot find anything.
fn apt_get(o: &mut Overlay, args: &[String]) -> Result<String, Fail> {
    let (flags, ops) = split_flags(args);
    let yes = flags.contains('y') || args.iter().any(|a| a == "--yes" || a == "--assume-yes");
    let Some((sub, names)) = ops.split_first() else {
        return Err(("E: Invalid operation".into(), 100));
    };
    let ubuntu = is_ubuntu(o.merged());
    match sub.as_str() {
        "update" => {
            // Sizes approximate: the compressed indexes apt keeps (docker-gzip-indexes).
            let lists: &[(&str, &str, u64)] = if ubuntu {
                &[
                    (
                        "archive.ubuntu.com_ubuntu_dists_noble_InRelease",
                        "http://archive.ubuntu.com/ubuntu noble InRelease",
                        256_000,
                    ),
                    (
                        "archive.ubuntu.com_ubuntu_dists_noble_main_binary-amd64_Packages.lz4",
                        "http://archive.ubuntu.com/ubuntu noble/main amd64 Packages",
                        1_808_000,
                    ),
                    (
                        "archive.ubuntu.com_ubuntu_dists_noble_universe_binary-amd64_Packages.lz4",
                        "http://archive.ubuntu.com/ubuntu noble/universe amd64 Packages",
                        19_300_000,
                    ),
                ]
            } else {
                &[
                    (
                        "deb.debian.org_debian_dists_bookworm_InRelease",
                        "http://deb.debian.org/debian bookworm InRelease",
                        151_000,
                    ),
                    (
                        "deb.debian.org_debian_dists_bookworm-updates_InRelease",
                        "http://deb.debian.org/debian bookworm-updates InRelease",
                        55_400,
                    ),
                    (
                        "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4",
                        "http://deb.debian.org/debian bookworm/main amd64 Packages",
                        8_792_000,
                    ),
                ]
            };
            let mut out = String::new();
            let mut total = 0;
            for (i, (file, url, size)) in lists.iter().enumerate() {
                let path = format!("var/lib/apt/lists/{file}");
                o.write_file(
                    &path,
                    Content::Synthetic {
                        seed: format!("apt-list:{file}"),
                        size: *size,
                    },
                    Some(Meta::root(0o644)),
                )
                .map_err(|e| (format!("E: {e}"), 100))?;
                let _ = writeln!(out, "Get:{} {url} [{} kB]", i + 1, size / 1000);
                total += size;
            }
            let _ = writeln!(out, "Fetched {} kB\nReading package lists...", total / 1000);
            Ok(out)
        }
        "install" => {
            let mut out = String::from("Reading package lists...\nBuilding dependency tree...\nReading state information...\n");
            let have_lists = o
                .merged()
                .children("var/lib/apt/lists")
                .any(|(p, _)| p.ends_with("Packages.lz4"));
            let installed = |n: &str| o.merged().exists(&format!("var/lib/dpkg/info/{n}.list"));
            let list = if have_lists {
                packages::resolve(packages::APT, names, &installed)
            } else {
                Err(names.first().cloned().unwrap_or_default())
            };
            let list = match list {
                Ok(l) => l,
                Err(missing) => {
                    let _ = writeln!(out, "E: Unable to locate package {missing}");
                    return Err((out, 100));
                }
            };
            if list.is_empty() {
                out.push_str("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n");
                return Ok(out);
            }
            let names: Vec<&str> = list.iter().map(|p| p.name).collect();
            let size: u64 = list.iter().map(|p| p.size()).sum();
            let _ = write!(
                out,
                "The following NEW packages will be installed:\n  {}\n0 upgraded, {} newly installed, 0 to remove and 0 not upgraded.\nAfter this operation, {} kB of additional disk space will be used.\n",
                names.join(" "),
                names.len(),
                size / 1000
            );
            if !yes {
                out.push_str("Do you want to continue? [Y/n] Abort.\n");
                return Err((out, 1));
            }
            for p in &list {
                install_files(o, p, "", "apt")?;
                let files: String = p.files.iter().map(|f| format!("/{}\n", f.0)).collect();
                let _ = o.mkdir("var/lib/dpkg/info", true);
                let _ = o.write_file(
                    &format!("var/lib/dpkg/info/{}.list", p.name),
                    Content::text(&files),
                    Some(Meta::root(0o644)),
                );
                let _ = writeln!(out, "Setting up {} ({}) ...", p.name, p.version);
            }
            Ok(out)
        }
        "clean" => Ok(String::new()),
        other => Err((format!("E: Invalid operation {other}"), 100)),
    }
}

/// `pip install [--no-cache-dir] [-r FILE] PKG...`. Distribution Pythons (Alpine's py3-pip,
/// Debian's python3-pip) are marked EXTERNALLY-MANAGED (PEP 668) and refuse.
fn pip(o: &mut Overlay, ctx: &Context, args: &[String]) -> Result<String, Fail> {
    let Some((sub, rest)) = args.split_first() else {
        return Err(("\nUsage:   \n  pip <command> [options]\n".into(), 1));
    };
    if sub != "install" {
        return Err((format!("ERROR: unknown command \"{sub}\""), 1));
    }
    let mut no_cache = false;
    let mut breaks = false;
    let mut names: Vec<String> = Vec::new();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--no-cache-dir" => no_cache = true,
            "--break-system-packages" => breaks = true,
            "-r" | "--requirement" => {
                let Some(f) = it.next() else {
                    return Err(("ERROR: -r option requires 1 argument".into(), 2));
                };
                let path = resolve_links(o.merged(), &resolve(&ctx.cwd, f), true);
                let Some(Node::File(_, c)) = o.merged().get(&path) else {
                    return Err((format!("ERROR: Could not open requirements file: [Errno 2] No such file or directory: '{f}'"), 1));
                };
                names.extend(
                    c.as_text()
                        .unwrap_or("")
                        .lines()
                        .map(|l| l.split('#').next().unwrap_or("").trim())
                        .filter(|l| !l.is_empty())
                        .map(String::from),
                );
            }
            a if a.starts_with('-') => {}
            a => names.push(a.to_string()),
        }
    }
    let tree = o.merged();
    let managed = [
        "usr/lib/python3.12/EXTERNALLY-MANAGED",
        "usr/lib/python3.11/EXTERNALLY-MANAGED",
    ]
    .iter()
    .any(|p| tree.exists(p));
    if managed && !breaks {
        return Err((
            "error: externally-managed-environment\n\n× This environment is externally managed\n╰─> To install Python packages system-wide, use the distribution's packages\n    (apk add py3-xyz / apt install python3-xyz), or a virtual environment.\n\nnote: If you believe this is a mistake, please contact your Python installation or OS distribution provider. You can override this, at the risk of breaking your Python installation or OS, by passing --break-system-packages.\nhint: See PEP 668 for the detailed specification."
                .into(),
            1,
        ));
    }
    let site = if tree.exists("usr/local/lib/python3.12") {
        "usr/local/lib/python3.12/site-packages"
    } else if tree.exists("usr/lib/python3.12") {
        "usr/lib/python3.12/site-packages"
    } else {
        "usr/local/lib/python3.11/dist-packages"
    };
    let installed = |n: &str| tree.exists(&format!("{site}/{}", n.replace('-', "_")));
    let mut out = String::new();
    let list = match packages::resolve(packages::PIP, &names, &installed) {
        Ok(l) => l,
        Err(missing) => {
            let _ = write!(out, "ERROR: Could not find a version that satisfies the requirement {missing} (from versions: none)\nERROR: No matching distribution found for {missing}\n");
            return Err((out, 1));
        }
    };
    for p in &list {
        let _ = writeln!(
            out,
            "Collecting {}\n  Downloading {}-{}-py3-none-any.whl ({} kB)",
            p.name,
            p.name.replace('-', "_"),
            p.version,
            p.size() / 3000
        );
    }
    if list.is_empty() {
        return Ok(out);
    }
    let _ = writeln!(
        out,
        "Installing collected packages: {}",
        list.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
    );
    for p in &list {
        install_files(o, p, site, "pip")?;
        let info = format!(
            "{site}/{}-{}.dist-info/METADATA",
            p.name.replace('-', "_"),
            p.version
        );
        let _ = o.mkdir(parent(&info), true);
        let _ = o.write_file(
            &info,
            Content::text(&format!(
                "Metadata-Version: 2.1\nName: {}\nVersion: {}\n",
                p.name, p.version
            )),
            Some(Meta::root(0o644)),
        );
        if !no_cache {
            // pip keeps the downloaded wheels in its cache unless told --no-cache-dir.
            let cache = format!("root/.cache/pip/http-v2/{}-{}.whl", p.name, p.version);
            let _ = o.mkdir(parent(&cache), true);
            let _ = o.write_file(
                &cache,
                Content::Synthetic {
                    seed: format!("pip-cache:{}", p.name),
                    size: p.size() / 3,
                },
                Some(Meta::root(0o644)),
            );
        }
    }
    let mut done: Vec<String> = list
        .iter()
        .map(|p| format!("{}-{}", p.name, p.version))
        .collect();
    done.sort();
    let _ = writeln!(out, "Successfully installed {}", done.join(" "));
    out.push_str("WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the system package manager. It is recommended to use a virtual environment instead: https://pip.pypa.io/warnings/venv\n");
    Ok(out)
}

fn next_id(text: &str, field: usize, from: u32) -> u32 {
    text.lines()
        .filter_map(|l| l.split(':').nth(field)?.parse::<u32>().ok())
        .filter(|&id| (from..60_000).contains(&id))
        .max()
        .map_or(from, |m| m + 1)
}

/// `adduser [-D] [-S] [-u UID] [-G GROUP] NAME` (busybox) and `useradd [-m] [-u UID] NAME`.
fn add_user(o: &mut Overlay, prog: &str, args: &[String]) -> Result<String, Fail> {
    let mut uid = None;
    let mut group = None;
    let mut system = false;
    let mut make_home = prog == "adduser";
    let mut name = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-u" => uid = it.next().and_then(|u| u.parse().ok()),
            "-G" | "-g" => group = it.next().cloned(),
            "-S" | "-r" | "--system" => system = true,
            "-m" => make_home = true,
            "-H" | "-M" => make_home = false,
            "-h" | "-s" | "-c" | "-k" | "-d" => {
                it.next();
            }
            a if a.starts_with('-') => {}
            a => name = Some(a.to_string()),
        }
    }
    let Some(name) = name else {
        return Err((format!("{prog}: missing user name"), 1));
    };
    let passwd = text_of(o.merged(), "etc/passwd");
    if passwd
        .lines()
        .any(|l| l.split(':').next() == Some(name.as_str()))
    {
        return Err((format!("{prog}: user '{name}' in use"), 1));
    }
    let uid = uid.unwrap_or_else(|| next_id(&passwd, 2, if system { 100 } else { 1000 }));
    let mut groups = text_of(o.merged(), "etc/group");
    let gid = match &group {
        Some(g) => lookup_id(o.merged(), "etc/group", g)
            .ok_or_else(|| (format!("{prog}: unknown group {g}"), 1))?,
        None => {
            let gid = if system {
                next_id(&groups, 2, 101)
            } else {
                uid
            };
            let _ = writeln!(groups, "{name}:x:{gid}:");
            let _ = o.write_file("etc/group", Content::text(&groups), None);
            gid
        }
    };
    let home = format!("home/{name}");
    let line = format!("{name}:x:{uid}:{gid}:Linux User,,,:/{home}:/bin/sh\n");
    o.write_file(
        "etc/passwd",
        Content::text(&format!("{passwd}{line}")),
        None,
    )
    .map_err(|e| (format!("{prog}: {e}"), 1))?;
    if make_home && !system {
        let _ = o.mkdir("home", true);
        let _ = o.create(
            &home,
            Node::Dir(Meta {
                mode: 0o755,
                uid,
                gid,
            }),
        );
    }
    Ok(String::new())
}

/// `addgroup [-S] [-g GID] NAME` and `groupadd [-r] [-g GID] NAME`.
fn add_group(o: &mut Overlay, args: &[String]) -> Result<String, Fail> {
    let mut gid = None;
    let mut system = false;
    let mut name = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-g" => gid = it.next().and_then(|g| g.parse().ok()),
            "-S" | "-r" | "--system" => system = true,
            a if a.starts_with('-') => {}
            a => name = Some(a.to_string()),
        }
    }
    let Some(name) = name else {
        return Err(("addgroup: missing group name".into(), 1));
    };
    let groups = text_of(o.merged(), "etc/group");
    if groups
        .lines()
        .any(|l| l.split(':').next() == Some(name.as_str()))
    {
        return Err((format!("addgroup: group '{name}' in use"), 1));
    }
    let gid = gid.unwrap_or_else(|| next_id(&groups, 2, if system { 101 } else { 1000 }));
    o.write_file(
        "etc/group",
        Content::text(&format!("{groups}{name}:x:{gid}:\n")),
        None,
    )
    .map_err(|e| (format!("addgroup: {e}"), 1))?;
    Ok(String::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn alpine() -> Overlay {
        let img = super::super::base::lookup("alpine", "3.20").unwrap();
        Overlay::new(Arc::new(super::super::layer::flatten(
            img.layers.iter().map(|l| l.as_ref()),
        )))
    }

    fn ctx() -> Context {
        let mut env = BTreeMap::new();
        env.insert(
            "PATH".into(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
        );
        Context::new(env)
    }

    #[test]
    fn and_lists_stop_at_the_first_failure_and_files_change() {
        let mut o = alpine();
        let r = run_script(
            &mut o,
            "mkdir -p /app/data && echo hi > /app/data/f && foo && touch /never",
            &mut ctx(),
        );
        assert_eq!(r.exit_code, 127);
        assert_eq!(r.output, "/bin/sh: foo: not found\n");
        assert_eq!(o.merged().get("app/data/f"), Some(&Node::text("hi\n")));
        assert!(!o.merged().exists("never"));
    }

    #[test]
    fn stream_duplications_keep_the_interleaved_output_and_1_redirects_stdout() {
        let mut o = alpine();
        let r = run_script(
            &mut o,
            "echo to-stderr >&2; echo also 1>&2; ls /nope 2>&1; echo kept 1>/k; echo more 1>>/k",
            &mut ctx(),
        );
        assert_eq!(r.exit_code, 0, "{}", r.output);
        assert_eq!(
            r.output,
            "to-stderr\nalso\nls: can't access '/nope': No such file or directory\n"
        );
        assert_eq!(o.merged().get("k"), Some(&Node::text("kept\nmore\n")));
        // A plain `&` is still a background job, which this shell does not run.
        let r = run_script(&mut o, "sleep 1 &", &mut ctx());
        assert_ne!(r.exit_code, 0);
    }

    #[test]
    fn variables_globs_and_cd_work() {
        let mut o = alpine();
        let mut c = ctx();
        c.env.insert("NAME".into(), "web".into());
        let r = run_script(
            &mut o,
            "mkdir /x; cd /x; touch a.txt b.txt c.log; rm -f *.txt; echo \"$NAME ${NAME}\" > n; ls",
            &mut c,
        );
        assert_eq!(r.exit_code, 0, "{}", r.output);
        assert_eq!(r.output, "c.log\nn\n");
        assert_eq!(o.merged().get("x/n"), Some(&Node::text("web web\n")));
    }

    #[test]
    fn apk_add_installs_dependencies_and_without_no_cache_keeps_indexes() {
        let mut o = alpine();
        let r = run_script(&mut o, "apk add curl", &mut ctx());
        assert_eq!(r.exit_code, 0, "{}", r.output);
        assert!(
            r.output.contains("Installing curl (8.11.0-r2)"),
            "{}",
            r.output
        );
        assert!(o.merged().exists("usr/bin/curl"));
        assert!(o.merged().children("var/cache/apk").count() == 2);
        let mut o = alpine();
        run_script(&mut o, "apk add --no-cache curl", &mut ctx());
        assert_eq!(o.merged().children("var/cache/apk").count(), 0);
        let r = run_script(&mut o, "apk add nosuch", &mut ctx());
        assert_eq!(r.exit_code, 1);
        assert!(r.output.contains("nosuch (no such package)"));
    }

    #[test]
    fn chmod_accepts_octal_and_symbolic_modes() {
        assert_eq!(apply_mode(0o644, "755", false), Some(0o755));
        assert_eq!(apply_mode(0o644, "+x", false), Some(0o755));
        assert_eq!(apply_mode(0o755, "go-rx", false), Some(0o700));
        assert_eq!(apply_mode(0o644, "u=rwx,g=r", false), Some(0o744));
        assert_eq!(apply_mode(0o644, "z+q", false), None);
    }

    #[test]
    fn debian_sh_is_dash_and_apt_needs_update_first() {
        let img = super::super::base::lookup("debian", "12").unwrap();
        let mut o = Overlay::new(Arc::new(super::super::layer::flatten(
            img.layers.iter().map(|l| l.as_ref()),
        )));
        assert_eq!(flavour(o.merged()), Flavour::Dash);
        let r = run_script(&mut o, "apk add curl", &mut ctx());
        assert_eq!(
            (r.exit_code, r.output.as_str()),
            (127, "/bin/sh: 1: apk: not found\n")
        );
        let r = run_script(&mut o, "apt-get install -y curl", &mut ctx());
        assert_eq!(r.exit_code, 100);
        assert!(r.output.ends_with("E: Unable to locate package curl\n"));
        let r = run_script(
            &mut o,
            "apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
            &mut ctx(),
        );
        assert_eq!(r.exit_code, 0, "{}", r.output);
        assert!(o.merged().exists("usr/bin/curl"));
        assert_eq!(o.merged().children("var/lib/apt/lists").count(), 0);
    }
}
