//! The command language: shell-like lines shared by the browser terminal, CLI scripts and lessons.
//!
//! One command per line; words split on blanks; `'single'` and `"double"` quotes; `\` escapes and
//! `\`-newline continuations; `#` comments; `>`/`>>` redirections; here-documents exactly as in a
//! shell (`cat > PATH <<EOF` … `EOF`, `<<'EOF'`, `<<-EOF` strips leading tabs). There is no
//! variable expansion, no pipes and no `;`/`&&` lists: each is reported as an error rather than
//! silently taken literally.

use serde::{Deserialize, Serialize};

use crate::error::{CommandError, Result};
use crate::limits;

/// An output redirection: `> PATH` or `>> PATH`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redirect {
    /// The target path as written.
    pub path: String,
    /// `>>` rather than `>`.
    pub append: bool,
}

/// A here-document: the lines between `<<DELIM` and the line `DELIM`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HereDoc {
    /// The terminating word.
    pub delimiter: String,
    /// The body, each line ending in `\n`.
    pub body: String,
}

/// One parsed command line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandLine {
    /// 1-based line number where the command starts in its script.
    pub line: usize,
    /// The words, quotes and escapes removed.
    pub words: Vec<String>,
    /// An output redirection, if any.
    pub redirect: Option<Redirect>,
    /// A here-document feeding standard input, if any.
    pub heredoc: Option<HereDoc>,
    /// The command as typed (continuations joined, here-document body left out).
    pub source: String,
}

impl CommandLine {
    /// The text the terminal echoes for it, and what a session records as its input: its
    /// source, plus a here-document's body and delimiter.
    pub fn display_text(&self) -> String {
        match &self.heredoc {
            None => self.source.clone(),
            Some(h) => format!("{}\n{}{}", self.source, h.body, h.delimiter),
        }
    }
}

/// The inputs `Session::submit` records for `text`: one per command line (here-documents
/// whole), or the text itself when it does not parse.
pub fn input_texts(text: &str) -> Vec<String> {
    match parse_script(text) {
        Ok(lines) => lines.iter().map(CommandLine::display_text).collect(),
        Err(_) => vec![text.trim_end_matches('\n').to_string()],
    }
}

/// Splits a script into command lines. Blank lines and comment-only lines produce nothing.
pub fn parse_script(text: &str) -> Result<Vec<CommandLine>> {
    let lines: Vec<&str> = text.split('\n').collect();
    let line_count = if text.ends_with('\n') {
        lines.len() - 1
    } else {
        lines.len()
    };
    if line_count > limits::MAX_SCRIPT_LINES {
        return Err(CommandError::ScriptTooLong(line_count));
    }
    for (i, l) in lines.iter().enumerate() {
        if l.len() > limits::MAX_LINE_BYTES {
            return Err(CommandError::LineTooLong {
                line: i + 1,
                len: l.len(),
            });
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = i;
        // Join `\`-newline continuations into one logical line.
        let mut logical = String::new();
        loop {
            let l = lines[i].strip_suffix('\r').unwrap_or(lines[i]);
            i += 1;
            if ends_with_continuation(l) && i < lines.len() {
                logical.push_str(&l[..l.len() - 1]);
                continue;
            }
            logical.push_str(l);
            break;
        }
        if logical.len() > limits::MAX_LINE_BYTES {
            return Err(CommandError::LineTooLong {
                line: start + 1,
                len: logical.len(),
            });
        }
        let lexed = lex_line(&logical, start + 1)?;
        if lexed.words.is_empty() {
            if lexed.redirect.is_some() || lexed.heredoc_delim.is_some() {
                return Err(CommandError::Syntax {
                    line: start + 1,
                    message: "a redirection needs a command before it".into(),
                });
            }
            continue;
        }
        let heredoc = match lexed.heredoc_delim {
            None => None,
            Some((delimiter, strip_tabs)) => {
                let mut body = String::new();
                let mut found = false;
                while i < lines.len() {
                    let raw = lines[i].strip_suffix('\r').unwrap_or(lines[i]);
                    i += 1;
                    let l = if strip_tabs {
                        raw.trim_start_matches('\t')
                    } else {
                        raw
                    };
                    if l == delimiter {
                        found = true;
                        break;
                    }
                    body.push_str(l);
                    body.push('\n');
                }
                if !found {
                    return Err(CommandError::UnterminatedHereDoc(delimiter));
                }
                Some(HereDoc { delimiter, body })
            }
        };
        out.push(CommandLine {
            line: start + 1,
            words: lexed.words,
            redirect: lexed.redirect,
            heredoc,
            source: logical.trim().to_string(),
        });
    }
    Ok(out)
}

/// True when `text` is the start of a command that needs more lines: an open here-document or
/// a trailing `\`. A terminal shows its continuation prompt (`> `) instead of an
/// error for these, as a shell does.
pub fn needs_more_input(text: &str) -> bool {
    if text.lines().last().is_some_and(ends_with_continuation) && !text.ends_with('\n') {
        return true;
    }
    // Quotes do not span lines in this language, so an open quote is an error to show at
    // once, not a reason to wait for more lines.
    matches!(
        parse_script(text),
        Err(CommandError::UnterminatedHereDoc(_))
    )
}

fn ends_with_continuation(line: &str) -> bool {
    // An odd number of trailing backslashes: the last one escapes the newline.
    let n = line.bytes().rev().take_while(|&b| b == b'\\').count();
    n % 2 == 1 && !in_single_quote_at_end(line)
}

fn in_single_quote_at_end(line: &str) -> bool {
    let mut in_single = false;
    let mut in_double = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' if !in_double => in_single = !in_single,
            '"' if !in_single => in_double = !in_double,
            '\\' if !in_single => {
                chars.next();
            }
            _ => {}
        }
    }
    in_single
}

struct Lexed {
    words: Vec<String>,
    redirect: Option<Redirect>,
    heredoc_delim: Option<(String, bool)>,
}

enum Pending {
    None,
    Redirect(bool),
    HereDoc(bool),
}

fn lex_line(line: &str, line_no: usize) -> Result<Lexed> {
    let syntax = |message: String| CommandError::Syntax {
        line: line_no,
        message,
    };
    let mut words = Vec::new();
    let mut redirect = None;
    let mut heredoc_delim = None;
    let mut pending = Pending::None;
    let mut chars = line.chars().peekable();

    loop {
        // Skip blanks between words.
        while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
            chars.next();
        }
        let Some(&c) = chars.peek() else { break };
        if c == '#' {
            break;
        }
        if c == '>' || c == '<' {
            if !matches!(pending, Pending::None) {
                return Err(syntax(format!("unexpected \"{c}\"")));
            }
            chars.next();
            if c == '>' {
                let append = chars.peek() == Some(&'>');
                if append {
                    chars.next();
                }
                pending = Pending::Redirect(append);
            } else if chars.peek() == Some(&'<') {
                chars.next();
                let strip = chars.peek() == Some(&'-');
                if strip {
                    chars.next();
                }
                pending = Pending::HereDoc(strip);
            } else {
                return Err(syntax(
                    "input redirection \"<\" is not supported; use a here-document (<<EOF)".into(),
                ));
            }
            continue;
        }
        if c == '|' || c == ';' || c == '&' {
            return Err(syntax(format!(
                "\"{c}\" is not supported: write one command per line"
            )));
        }
        // A word: quoted and unquoted parts glued together.
        let mut word = String::new();
        let mut quoted = false;
        while let Some(&c) = chars.peek() {
            match c {
                ' ' | '\t' | '>' | '<' | '|' | ';' | '&' => break,
                '\'' => {
                    chars.next();
                    quoted = true;
                    let mut closed = false;
                    for c in chars.by_ref() {
                        if c == '\'' {
                            closed = true;
                            break;
                        }
                        word.push(c);
                    }
                    if !closed {
                        return Err(CommandError::UnterminatedQuote {
                            line: line_no,
                            kind: "single",
                        });
                    }
                }
                '"' => {
                    chars.next();
                    quoted = true;
                    let mut closed = false;
                    while let Some(c) = chars.next() {
                        match c {
                            '"' => {
                                closed = true;
                                break;
                            }
                            '\\' => match chars.peek() {
                                Some(&n) if matches!(n, '"' | '\\' | '$' | '`') => {
                                    word.push(n);
                                    chars.next();
                                }
                                _ => word.push('\\'),
                            },
                            c => word.push(c),
                        }
                    }
                    if !closed {
                        return Err(CommandError::UnterminatedQuote {
                            line: line_no,
                            kind: "double",
                        });
                    }
                }
                '\\' => {
                    chars.next();
                    if let Some(n) = chars.next() {
                        word.push(n);
                    }
                }
                c => {
                    chars.next();
                    word.push(c);
                }
            }
        }
        match std::mem::replace(&mut pending, Pending::None) {
            Pending::None => words.push(word),
            Pending::Redirect(append) => {
                if redirect.is_some() {
                    return Err(syntax("only one output redirection per command".into()));
                }
                if word.is_empty() && !quoted {
                    return Err(syntax("a redirection needs a file name".into()));
                }
                redirect = Some(Redirect { path: word, append });
            }
            Pending::HereDoc(strip) => {
                if heredoc_delim.is_some() {
                    return Err(syntax("only one here-document per command".into()));
                }
                if word.is_empty() {
                    return Err(syntax("a here-document needs a delimiter word".into()));
                }
                heredoc_delim = Some((word, strip));
            }
        }
    }
    match pending {
        Pending::None => Ok(Lexed {
            words,
            redirect,
            heredoc_delim,
        }),
        Pending::Redirect(_) => Err(syntax("a redirection needs a file name".into())),
        Pending::HereDoc(_) => Err(syntax("a here-document needs a delimiter word".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        parse_script(text).unwrap().remove(0).words
    }

    #[test]
    fn words_split_on_blanks_and_honour_quotes_and_escapes() {
        assert_eq!(words("echo a  b"), ["echo", "a", "b"]);
        assert_eq!(words("echo 'a  b' \"c d\""), ["echo", "a  b", "c d"]);
        assert_eq!(
            words(r#"echo "say \"hi\"" it\'s"#),
            ["echo", "say \"hi\"", "it's"]
        );
        assert_eq!(words("echo a'b'\"c\""), ["echo", "abc"]);
        assert_eq!(words("echo ''"), ["echo", ""]);
        assert_eq!(words("echo $HOME"), ["echo", "$HOME"]);
    }

    #[test]
    fn comments_and_blank_lines_produce_nothing() {
        let cmds = parse_script("# a comment\n\n   \necho hi # trailing\n").unwrap();
        assert_eq!(cmds.len(), 1);
        assert_eq!(cmds[0].words, ["echo", "hi"]);
        assert_eq!(cmds[0].line, 4);
        assert_eq!(words("echo 'not # a comment'"), ["echo", "not # a comment"]);
    }

    #[test]
    fn backslash_newline_continues_a_line() {
        let cmds = parse_script("echo a \\\n  b\necho c").unwrap();
        assert_eq!(cmds[0].words, ["echo", "a", "b"]);
        assert_eq!(cmds[1].line, 3);
    }

    #[test]
    fn here_document_collects_lines_until_its_delimiter() {
        let cmds =
            parse_script("cat > Dockerfile <<EOF\nFROM alpine\nRUN echo 'x'\nEOF\nls").unwrap();
        assert_eq!(cmds.len(), 2);
        let c = &cmds[0];
        assert_eq!(c.words, ["cat"]);
        assert_eq!(c.redirect.as_ref().unwrap().path, "Dockerfile");
        assert_eq!(
            c.heredoc.as_ref().unwrap().body,
            "FROM alpine\nRUN echo 'x'\n"
        );
        assert_eq!(c.source, "cat > Dockerfile <<EOF");
        assert_eq!(cmds[1].words, ["ls"]);
    }

    #[test]
    fn quoted_delimiter_and_tab_stripping_work_as_in_a_shell() {
        let c = &parse_script("cat >f <<'END'\n$x\nEND").unwrap()[0];
        assert_eq!(c.heredoc.as_ref().unwrap().body, "$x\n");
        let c = &parse_script("cat >f <<-EOF\n\tindented\n\tEOF").unwrap()[0];
        assert_eq!(c.heredoc.as_ref().unwrap().body, "indented\n");
    }

    #[test]
    fn unterminated_here_document_is_an_error_naming_the_delimiter() {
        let err = parse_script("cat > f <<EOF\nline\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "here-document not terminated: expected \"EOF\""
        );
        assert!(needs_more_input("cat > f <<EOF\nline"));
        assert!(!needs_more_input("cat > f <<EOF\nline\nEOF"));
    }

    #[test]
    fn trailing_backslash_asks_for_more_input_but_an_open_quote_is_an_error() {
        assert!(!needs_more_input("echo 'abc"));
        assert!(needs_more_input("echo abc \\"));
        assert!(!needs_more_input("echo abc"));
        assert_eq!(
            parse_script("echo \"abc").unwrap_err().to_string(),
            "line 1: unterminated double quote"
        );
    }

    #[test]
    fn unsupported_shell_syntax_is_reported_not_ignored() {
        for (text, needle) in [
            ("echo a | grep a", "\"|\" is not supported"),
            ("echo a; echo b", "\";\" is not supported"),
            ("echo a && echo b", "\"&\" is not supported"),
            ("cat < f", "input redirection"),
            ("echo a >", "needs a file name"),
            ("> f", "needs a command"),
        ] {
            let err = parse_script(text).unwrap_err().to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn limits_on_lines_and_scripts_are_enforced_and_stated() {
        let long = format!("echo {}", "x".repeat(limits::MAX_LINE_BYTES));
        let err = parse_script(&long).unwrap_err().to_string();
        assert!(err.contains("at most 65536 bytes (64 KiB)"), "{err}");
        let many = "echo\n".repeat(limits::MAX_SCRIPT_LINES + 1);
        let err = parse_script(&many).unwrap_err().to_string();
        assert_eq!(
            err,
            "script has 10001 lines: a script may be at most 10000 lines"
        );
        assert!(parse_script(&"echo\n".repeat(limits::MAX_SCRIPT_LINES)).is_ok());
    }
}
