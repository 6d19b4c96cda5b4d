//! The Dockerfile parser: instructions, line continuations, comments, parser directives,
//! variable substitution, multi-stage builds. Errors are worded as BuildKit words them.

use std::collections::BTreeMap;
use std::fmt;

/// Longest Dockerfile accepted (bytes) and most instructions in one.
pub const MAX_DOCKERFILE_BYTES: usize = 256 * 1024;
/// Most instructions in one Dockerfile.
pub const MAX_INSTRUCTIONS: usize = 500;

/// A parse error, as `dockerfile parse error on line N: …`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line (0 for errors about the whole file).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(
                f,
                "dockerfile parse error on line {}: {}",
                self.line, self.message
            )
        }
    }
}

/// A command in shell form (`RUN apk add x`) or exec form (`RUN ["apk", "add", "x"]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Form {
    /// Run with `/bin/sh -c`.
    Shell(String),
    /// Run directly.
    Exec(Vec<String>),
}

impl Form {
    /// As the image config stores it (`["/bin/sh","-c","…"]` for shell form).
    pub fn to_argv(&self) -> Vec<String> {
        match self {
            Form::Shell(s) => vec!["/bin/sh".into(), "-c".into(), s.clone()],
            Form::Exec(v) => v.clone(),
        }
    }
}

/// What a COPY or ADD copies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopySpec {
    /// Sources (context paths, or paths in the stage named by `from`).
    pub sources: Vec<String>,
    /// Destination in the image.
    pub dest: String,
    /// `--from=STAGE|IMAGE`.
    pub from: Option<String>,
    /// `--chown=USER[:GROUP]`.
    pub chown: Option<String>,
    /// `--chmod=MODE`.
    pub chmod: Option<u32>,
}

/// One instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `FROM image [AS name]`.
    From {
        /// Image reference (variables substituted).
        image: String,
        /// Stage name.
        alias: Option<String>,
    },
    /// `RUN`.
    Run(Form),
    /// `COPY`.
    Copy(CopySpec),
    /// `ADD` (local files only in the sandbox).
    Add(CopySpec),
    /// `ENV k=v …`.
    Env(Vec<(String, String)>),
    /// `ARG name[=default]`.
    Arg(String, Option<String>),
    /// `WORKDIR`.
    Workdir(String),
    /// `USER`.
    User(String),
    /// `LABEL k=v …`.
    Label(Vec<(String, String)>),
    /// `EXPOSE 80 443/tcp`.
    Expose(Vec<String>),
    /// `CMD`.
    Cmd(Form),
    /// `ENTRYPOINT`.
    Entrypoint(Form),
}

/// An instruction with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// First line (1-based).
    pub line: usize,
    /// Last line (continuations).
    pub end_line: usize,
    /// The instruction as BuildKit prints it in progress: keyword upper-cased, continuation
    /// lines joined, arguments as written (before substitution).
    pub text: String,
    /// What it does.
    pub kind: Kind,
}

/// One build stage: a FROM and what follows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    /// The FROM instruction.
    pub from: Instruction,
    /// Base image reference (substituted), or an earlier stage's name.
    pub base: String,
    /// `AS name`.
    pub name: Option<String>,
    /// The instructions after FROM.
    pub instructions: Vec<Instruction>,
}

/// A parsed Dockerfile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dockerfile {
    /// ARGs before the first FROM (usable in FROM lines).
    pub global_args: Vec<(String, Option<String>)>,
    /// The stages, in order; the last is the one built.
    pub stages: Vec<Stage>,
    /// The source lines (for error excerpts).
    pub lines: Vec<String>,
}

const KEYWORDS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Substitutes `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME:+alt}` from `vars`; `\$` is
/// a literal `$`. Unknown names expand to nothing, as in Docker.
pub fn substitute(text: &str, vars: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1) == Some(&'$') {
            out.push('$');
            i += 2;
            continue;
        }
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        if chars.get(i + 1) == Some(&'{') {
            if let Some(end) = chars[i + 2..].iter().position(|&c| c == '}') {
                let inner: String = chars[i + 2..i + 2 + end].iter().collect();
                let value = if let Some((name, def)) = inner.split_once(":-") {
                    vars(name)
                        .filter(|v| !v.is_empty())
                        .unwrap_or_else(|| def.to_string())
                } else if let Some((name, alt)) = inner.split_once(":+") {
                    vars(name)
                        .filter(|v| !v.is_empty())
                        .map(|_| alt.to_string())
                        .unwrap_or_default()
                } else {
                    vars(&inner).unwrap_or_default()
                };
                out.push_str(&value);
                i += end + 3;
                continue;
            }
        }
        let start = i + 1;
        let mut j = start;
        while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
            j += 1;
        }
        if j == start {
            out.push('$');
            i += 1;
        } else {
            let name: String = chars[start..j].iter().collect();
            out.push_str(&vars(&name).unwrap_or_default());
            i = j;
        }
    }
    out
}

/// Splits words on blanks with `"…"` and `'…'` quoting and `\` escapes (quotes removed).
pub fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '"' | '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    cur.push(q);
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

fn parse_form(args: &str) -> Form {
    let t = args.trim();
    if t.starts_with('[') {
        if let Ok(v) = serde_json::from_str::<Vec<String>>(t) {
            return Form::Exec(v);
        }
    }
    Form::Shell(t.to_string())
}

/// `k=v k2="v 2"`, or the legacy `k v with spaces` (ENV only).
fn parse_pairs(
    keyword: &str,
    args: &str,
    line: usize,
    legacy: bool,
) -> Result<Vec<(String, String)>, ParseError> {
    let words = split_words(args);
    let err = |m: String| ParseError { line, message: m };
    if words.is_empty() {
        return Err(err(format!("{keyword} requires at least one argument")));
    }
    if !words[0].contains('=') {
        if !legacy {
            return Err(err(format!(
                "{keyword} names can not be blank or need a value: use {keyword} key=value"
            )));
        }
        let (k, rest) = args
            .trim()
            .split_once([' ', '\t'])
            .ok_or_else(|| err(format!("{keyword} must have two arguments")))?;
        return Ok(vec![(k.to_string(), split_words(rest).join(" "))]);
    }
    words
        .into_iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => Err(err(format!(
                "Syntax error - can't find = in \"{w}\". Must be of the form: name=value"
            ))),
        })
        .collect()
}

fn parse_copy(keyword: &str, args: &str, line: usize) -> Result<CopySpec, ParseError> {
    let err = |m: String| ParseError { line, message: m };
    let mut words: Vec<String> = if args.trim_start().starts_with('[') {
        serde_json::from_str(args.trim()).unwrap_or_else(|_| split_words(args))
    } else {
        split_words(args)
    };
    let (mut from, mut chown, mut chmod) = (None, None, None);
    while words.first().is_some_and(|w| w.starts_with("--")) {
        let flag = words.remove(0);
        let (name, value) = flag.split_once('=').unwrap_or((flag.as_str(), ""));
        match name {
            "--from" if keyword == "COPY" => from = Some(value.to_string()),
            "--chown" => chown = Some(value.to_string()),
            "--chmod" => {
                chmod =
                    Some(u32::from_str_radix(value, 8).map_err(|_| {
                        err(format!("invalid chmod parameter: invalid mode {value:?}"))
                    })?)
            }
            "--link" => {}
            _ => return Err(err(format!("unknown flag: {}", &name[2..]))),
        }
    }
    if words.len() < 2 {
        return Err(err(format!(
            "{keyword} requires at least two arguments, but only one was provided. Destination could not be determined"
        )));
    }
    let dest = words.pop().unwrap_or_default();
    Ok(CopySpec {
        sources: words,
        dest,
        from,
        chown,
        chmod,
    })
}

/// Parses a Dockerfile.
pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
    if text.len() > MAX_DOCKERFILE_BYTES {
        return Err(ParseError {
            line: 0,
            message: format!(
                "the Dockerfile is {} bytes: the sandbox reads at most {MAX_DOCKERFILE_BYTES} bytes (256 KiB)",
                text.len()
            ),
        });
    }
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut escape = '\\';
    // Parser directives: `# key=value` lines at the very top. `escape` is honoured; the others
    // (`syntax`, `check`) only matter to BuildKit's frontend and are ignored.
    let mut first = 0;
    for l in &lines {
        let Some(rest) = l.trim().strip_prefix('#') else {
            break;
        };
        let Some((k, v)) = rest.split_once('=') else {
            break;
        };
        if k.trim().eq_ignore_ascii_case("escape") && v.trim() == "`" {
            escape = '`';
        }
        first += 1;
    }
    // Join continuation lines; drop comments and blank lines (also inside continuations).
    let mut logical: Vec<(usize, usize, String)> = Vec::new();
    let mut i = first;
    while i < lines.len() {
        let start = i;
        let mut acc = String::new();
        loop {
            let l = lines[i].trim_end_matches('\r');
            i += 1;
            let t = l.trim_start();
            if t.starts_with('#') || (t.is_empty() && !acc.is_empty()) {
                if i < lines.len() && !acc.is_empty() {
                    continue;
                }
                break;
            }
            let trimmed = l.trim_end();
            if let Some(body) = trimmed.strip_suffix(escape) {
                acc.push_str(body);
                if i < lines.len() {
                    continue;
                }
            } else {
                acc.push_str(l);
            }
            break;
        }
        if !acc.trim().is_empty() {
            logical.push((start + 1, i, acc.trim().to_string()));
        }
    }
    if logical.is_empty() {
        return Err(ParseError {
            line: 0,
            message: "the Dockerfile cannot be empty".into(),
        });
    }
    if logical.len() > MAX_INSTRUCTIONS {
        return Err(ParseError {
            line: 0,
            message: format!(
                "the Dockerfile has {} instructions: the sandbox builds at most {MAX_INSTRUCTIONS}",
                logical.len()
            ),
        });
    }
    let mut global_args = Vec::new();
    let mut stages: Vec<Stage> = Vec::new();
    for (line, end_line, text) in logical {
        let (word, args) = text
            .split_once(|c: char| c.is_whitespace())
            .map(|(w, a)| (w, a.trim()))
            .unwrap_or((text.as_str(), ""));
        let keyword = word.to_ascii_uppercase();
        let err = |m: String| ParseError { line, message: m };
        if !KEYWORDS.contains(&keyword.as_str()) {
            return Err(err(format!("unknown instruction: {keyword}")));
        }
        let needs_args = |n: &str| -> Result<(), ParseError> {
            if args.is_empty() {
                Err(err(format!("{n} requires at least one argument")))
            } else {
                Ok(())
            }
        };
        let shown = format!("{keyword} {args}").trim_end().to_string();
        let kind = match keyword.as_str() {
            "FROM" => {
                let w = split_words(args);
                let (image, alias) = match w.as_slice() {
                    [image] => (image.clone(), None),
                    [image, as_, name] if as_.eq_ignore_ascii_case("as") => {
                        (image.clone(), Some(name.to_ascii_lowercase()))
                    }
                    _ => return Err(err("FROM requires either one or three arguments".into())),
                };
                Kind::From { image, alias }
            }
            "RUN" => {
                needs_args("RUN")?;
                Kind::Run(parse_form(args))
            }
            "CMD" => {
                needs_args("CMD")?;
                Kind::Cmd(parse_form(args))
            }
            "ENTRYPOINT" => {
                needs_args("ENTRYPOINT")?;
                Kind::Entrypoint(parse_form(args))
            }
            "COPY" | "ADD" => {
                let spec = parse_copy(&keyword, args, line)?;
                if keyword == "COPY" {
                    Kind::Copy(spec)
                } else {
                    Kind::Add(spec)
                }
            }
            "ENV" => Kind::Env(parse_pairs("ENV", args, line, true)?),
            "LABEL" => Kind::Label(parse_pairs("LABEL", args, line, false)?),
            "ARG" => {
                let w = split_words(args);
                let [one] = w.as_slice() else {
                    return Err(err("ARG requires exactly one argument".into()));
                };
                match one.split_once('=') {
                    Some((k, v)) => Kind::Arg(k.to_string(), Some(v.to_string())),
                    None => Kind::Arg(one.clone(), None),
                }
            }
            "WORKDIR" => {
                let w = split_words(args);
                let [one] = w.as_slice() else {
                    return Err(err("WORKDIR requires exactly one argument".into()));
                };
                Kind::Workdir(one.clone())
            }
            "USER" => {
                let w = split_words(args);
                let [one] = w.as_slice() else {
                    return Err(err("USER requires exactly one argument".into()));
                };
                Kind::User(one.clone())
            }
            "EXPOSE" => {
                needs_args("EXPOSE")?;
                Kind::Expose(split_words(args))
            }
            other => {
                return Err(err(format!(
                    "{other} is a real Dockerfile instruction, but the sandbox does not simulate it"
                )))
            }
        };
        let ins = Instruction {
            line,
            end_line,
            text: shown,
            kind,
        };
        match &ins.kind {
            Kind::From { image, alias } => stages.push(Stage {
                base: image.clone(),
                name: alias.clone(),
                from: ins.clone(),
                instructions: Vec::new(),
            }),
            Kind::Arg(k, v) if stages.is_empty() => global_args.push((k.clone(), v.clone())),
            _ => match stages.last_mut() {
                Some(s) => s.instructions.push(ins),
                None => return Err(err("no build stage in current context".into())),
            },
        }
    }
    if stages.is_empty() {
        return Err(ParseError {
            line: 0,
            message: "no build stage in current context".into(),
        });
    }
    // Substitute global ARGs in FROM lines.
    let defaults: BTreeMap<String, String> = global_args
        .iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v)))
        .collect();
    for s in &mut stages {
        s.base = substitute(&s.base, &|n| defaults.get(n).cloned());
        if let Kind::From { image, .. } = &mut s.from.kind {
            *image = s.base.clone();
        }
    }
    Ok(Dockerfile {
        global_args,
        stages,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuations_comments_and_directives_are_handled() {
        let df = parse(
            "# syntax=docker/dockerfile:1\n# a comment\nFROM alpine:3.20 AS base\nRUN apk add \\\n  # inline comment\n  curl\n\nCMD [\"sh\"]\n",
        )
        .unwrap();
        let s = &df.stages[0];
        assert_eq!(s.name.as_deref(), Some("base"));
        assert_eq!(
            s.instructions[0].kind,
            Kind::Run(Form::Shell("apk add   curl".into()))
        );
        assert_eq!((s.instructions[0].line, s.instructions[0].end_line), (4, 6));
        assert_eq!(
            s.instructions[1].kind,
            Kind::Cmd(Form::Exec(vec!["sh".into()]))
        );
    }

    #[test]
    fn errors_are_worded_as_buildkit_words_them() {
        let e = parse("FROM alpine\nRUN true\nRUNN x\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "dockerfile parse error on line 3: unknown instruction: RUNN"
        );
        let e = parse("RUN x\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "dockerfile parse error on line 1: no build stage in current context"
        );
        let e = parse("FROM alpine\nCOPY x\n").unwrap_err();
        assert!(e
            .to_string()
            .contains("COPY requires at least two arguments"));
        assert_eq!(
            parse("\n# only\n").unwrap_err().to_string(),
            "the Dockerfile cannot be empty"
        );
    }

    #[test]
    fn variables_substitute_with_defaults() {
        let vars = |n: &str| (n == "V").then(|| "1.0".to_string());
        assert_eq!(
            substitute("app-$V-${V}-${X:-d}-${V:+y}-\\$V", &vars),
            "app-1.0-1.0-d-y-$V"
        );
        let df = parse("ARG TAG=3.20\nFROM alpine:${TAG}\n").unwrap();
        assert_eq!(df.stages[0].base, "alpine:3.20");
    }

    #[test]
    fn env_and_copy_flags_parse() {
        let df = parse("FROM a\nENV A=1 B=\"two words\"\nENV C legacy value\nCOPY --from=build --chmod=755 a b /dst/\n").unwrap();
        let ins = &df.stages[0].instructions;
        assert_eq!(
            ins[0].kind,
            Kind::Env(vec![
                ("A".into(), "1".into()),
                ("B".into(), "two words".into())
            ])
        );
        assert_eq!(
            ins[1].kind,
            Kind::Env(vec![("C".into(), "legacy value".into())])
        );
        let Kind::Copy(c) = &ins[2].kind else {
            panic!()
        };
        assert_eq!(
            (c.from.as_deref(), c.chmod, c.dest.as_str()),
            (Some("build"), Some(0o755), "/dst/")
        );
        assert_eq!(c.sources, ["a", "b"]);
    }
}
