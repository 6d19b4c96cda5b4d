//! YAML out, as `kubectl get -o yaml` writes it.
//!
//! kubectl renders an object to JSON and converts that with `sigs.k8s.io/yaml`, whose emitter is
//! a fork of go-yaml v2.4 (a Go port of libyaml). This module follows that emitter's choices so
//! the sandbox's output reads like the real one line for line:
//!
//! - keys in the order given (the caller sorts them, as kubectl's maps are sorted), two-space
//!   indentation, sequences inside mappings not indented (`containers:` then `- image: …`);
//! - a string that would read back as something else (a number, `true`, `null`, a timestamp,
//!   YAML 1.1's `yes`/`on`/`y`, the empty string) is double-quoted: `"1"`,
//!   `creationTimestamp: "2024-05-01T10:00:00Z"` (go-yaml's `encoder.stringv`);
//! - a string that plain style cannot hold (`: ` or ` #` inside, a leading indicator such as
//!   `*` or `-\u{20}`, surrounding spaces) is single-quoted, and one with control characters
//!   double-quoted with escapes (libyaml's `yaml_emitter_analyze_scalar`);
//! - a string with a line break is a literal block (`|`, `|-` without a final newline, `|+` with
//!   several);
//! - plain and single-quoted strings wrap at a space once a line is past 80 columns
//!   (libyaml's `best_width`), continuing two spaces deeper;
//! - empty mappings and sequences are `{}` and `[]`.
//!
//! Known difference: double-quoted strings are never wrapped (go-yaml wraps those too, with a
//! `\` continuation); the objects here have no long strings that need double quotes.

use serde_json::Value;

/// libyaml's `best_width`: plain and single-quoted scalars break at a space past this column.
const BEST_WIDTH: usize = 80;
/// Indentation step.
const INDENT: usize = 2;

/// `value` as a YAML document (no `---`), ending with a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => mapping(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => sequence(&mut out, items, 0),
        scalar => {
            inline(&mut out, scalar, 0);
            out.push('\n');
        }
    }
    out
}

/// Writes a non-empty mapping whose keys start at column `indent`; the cursor is at the start
/// of a line indented to `indent` already, or at the start of a fresh line.
fn mapping(out: &mut String, map: &serde_json::Map<String, Value>, indent: usize) {
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 || !at_indent(out, indent) {
            pad(out, indent);
        }
        write_string(out, k, indent + INDENT, false);
        out.push(':');
        match v {
            Value::Object(m) if !m.is_empty() => {
                out.push('\n');
                mapping(out, m, indent + INDENT);
            }
            // Sequences in a mapping are indentless, as go-yaml writes them.
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                sequence(out, items, indent);
            }
            scalar => {
                out.push(' ');
                inline(out, scalar, indent + INDENT);
                out.push('\n');
            }
        }
    }
}

/// Writes a non-empty sequence with its dashes at column `indent`.
fn sequence(out: &mut String, items: &[Value], indent: usize) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !at_indent(out, indent) {
            pad(out, indent);
        }
        out.push_str("- ");
        match item {
            // The first key goes on the dash's line; the rest line up under it.
            Value::Object(m) if !m.is_empty() => mapping(out, m, indent + INDENT),
            Value::Array(inner) if !inner.is_empty() => sequence(out, inner, indent + INDENT),
            scalar => {
                inline(out, scalar, indent + INDENT);
                out.push('\n');
            }
        }
    }
}

/// Whether the current line holds only `indent` spaces so far (a `- ` prefix counts).
fn at_indent(out: &str, indent: usize) -> bool {
    let line = out.rsplit('\n').next().unwrap_or("");
    !line.is_empty() && line.len() == indent && line.ends_with(' ')
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// The column the cursor is at (characters since the last newline).
fn column(out: &str) -> usize {
    out.rsplit('\n').next().unwrap_or("").chars().count()
}

/// A scalar, or an empty mapping/sequence, after `key: ` or `- `. `indent` is where wrapped
/// lines and literal block lines continue.
fn inline(out: &mut String, v: &Value, indent: usize) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(out, s, indent, true),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
    }
}

/// How a string is written.
#[derive(Debug, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

fn write_string(out: &mut String, s: &str, indent: usize, allow_breaks: bool) {
    match style(s, allow_breaks) {
        Style::Plain => write_breaking(out, s, indent, allow_breaks, false),
        Style::Single => {
            out.push('\'');
            write_breaking(out, s, indent, allow_breaks, true);
            out.push('\'');
        }
        Style::Double => write_double(out, s),
        Style::Literal => write_literal(out, s, indent),
    }
}

/// go-yaml's choice (`stringv`) refined by libyaml's analysis of what each style can hold.
fn style(s: &str, allow_breaks: bool) -> Style {
    if s.contains('\n') && allow_breaks {
        return if s.chars().any(special) || s.contains(" \n") {
            Style::Double
        } else {
            Style::Literal
        };
    }
    if resolves_to_non_string(s) || s.chars().any(special) || s.contains('\n') {
        return Style::Double;
    }
    if plain_allowed(s) {
        Style::Plain
    } else {
        Style::Single
    }
}

/// Characters no style but double quotes can hold: control characters other than the line
/// break, the byte-order mark, and the Unicode line/paragraph separators.
fn special(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}' | '\u{85}')
}

/// libyaml's `yaml_emitter_analyze_scalar`, block context: whether plain style keeps the text.
fn plain_allowed(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let (Some(&first), Some(&last)) = (chars.first(), chars.last()) else {
        return false;
    };
    if s.starts_with("---") || s.starts_with("...") {
        let next = chars.get(3);
        if next.is_none_or(|c| *c == ' ' || *c == '\t') {
            return false;
        }
    }
    if first == ' ' || last == ' ' {
        return false;
    }
    let blank_or_end = |i: usize| chars.get(i).is_none_or(|c| *c == ' ' || *c == '\t');
    for (i, &c) in chars.iter().enumerate() {
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => return false,
                '?' | ':' | '-' if blank_or_end(1) => return false,
                _ => {}
            }
        } else {
            if c == ':' && blank_or_end(i + 1) {
                return false;
            }
            if c == '#' && chars[i - 1] == ' ' {
                return false;
            }
        }
    }
    true
}

/// Plain or single-quoted text, breaking at a space once past [`BEST_WIDTH`] (libyaml's
/// `yaml_emitter_write_plain` / `write_single_quoted`).
fn write_breaking(out: &mut String, s: &str, indent: usize, allow_breaks: bool, quoted: bool) {
    let chars: Vec<char> = s.chars().collect();
    let mut col = column(out);
    let mut spaces = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let next_is_space = chars.get(i + 1) == Some(&' ');
            let inner = !quoted || (i != 0 && i + 1 != chars.len());
            if allow_breaks && !spaces && col > BEST_WIDTH && !next_is_space && inner {
                out.push('\n');
                pad(out, indent);
                col = indent;
            } else {
                out.push(' ');
                col += 1;
            }
            spaces = true;
        } else {
            if quoted && c == '\'' {
                out.push('\'');
                col += 1;
            }
            out.push(c);
            col += 1;
            spaces = false;
        }
    }
}

fn write_double(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if special(c) => {
                let n = c as u32;
                if n <= 0xff {
                    out.push_str(&format!("\\x{n:02X}"));
                } else {
                    out.push_str(&format!("\\u{n:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A literal block scalar: `|` keeps one final newline, `|-` none, `|+` several; an indentation
/// indicator when the text starts with a space.
fn write_literal(out: &mut String, s: &str, indent: usize) {
    out.push('|');
    if s.starts_with(' ') {
        out.push_str(&INDENT.to_string());
    }
    let trailing = s.len() - s.trim_end_matches('\n').len();
    match trailing {
        0 => out.push('-'),
        1 => {}
        _ => out.push('+'),
    }
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            pad(out, indent);
            out.push_str(line);
        }
    }
    // The caller ends the line.
}

/// Whether go-yaml v2's `resolve` would read the plain text as something other than a string:
/// null, a YAML 1.1 bool, an int or float (Go's `strconv` with base prefixes and `_`), ±.inf,
/// .nan, a base-60 float or a timestamp.
pub fn resolves_to_non_string(s: &str) -> bool {
    const WORDS: [&str; 38] = [
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
        ".NaN",
    ];
    if WORDS.contains(&s) || s == ".NAN" || s == "<<" {
        return true;
    }
    let Some(first) = s.chars().next() else {
        return true;
    };
    if !(first.is_ascii_digit() || matches!(first, '+' | '-' | '.')) {
        return false;
    }
    let plain: String = s.chars().filter(|c| *c != '_').collect();
    go_int(&plain) || go_float(&plain) || base60(s) || (first.is_ascii_digit() && timestamp(s))
}

/// Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint` syntax: optional sign, then decimal, `0x`,
/// `0o`, `0b` or a leading-zero octal.
fn go_int(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = body.to_ascii_lowercase();
    let (digits, radix) = if let Some(d) = lower.strip_prefix("0x") {
        (d, 16)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (d, 8)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (d, 2)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (&lower[1..], 8)
    } else {
        (lower.as_str(), 10)
    };
    !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix))
}

/// Go's `strconv.ParseFloat(s, 64)` syntax for decimal floats (and `inf`/`nan` words).
fn go_float(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let lower = body.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return true;
    }
    if lower.starts_with("0x") {
        // Hex floats need a `p` exponent.
        return lower.contains('p');
    }
    let (mantissa, exponent) = match lower.split_once('e') {
        Some((m, e)) => (m, Some(e)),
        None => (lower.as_str(), None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_ok = (!int.is_empty() || !frac.is_empty())
        && int.chars().all(|c| c.is_ascii_digit())
        && frac.chars().all(|c| c.is_ascii_digit());
    let exp_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    digits_ok && exp_ok
}

/// YAML 1.1 base-60 floats (`190:20:30`), which go-yaml v2 always quotes.
fn base60(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (whole, _frac) = body.split_once('.').unwrap_or((body, ""));
    let mut parts = whole.split(':');
    let Some(head) = parts.next() else {
        return false;
    };
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && head.starts_with(|c: char| c.is_ascii_digit())
        && head.chars().all(|c| c.is_ascii_digit() || c == '_')
        && rest.iter().all(|p| {
            (1..=2).contains(&p.len())
                && p.chars().all(|c| c.is_ascii_digit())
                && p.parse::<u32>().is_ok_and(|n| n < 60)
        })
}

/// go-yaml v2's timestamp formats: `2006-1-2`, optionally followed by `T`, `t` or a space and
/// `15:4:5` with fractional seconds and a zone (`Z` or `±07:00`).
fn timestamp(s: &str) -> bool {
    let (date, time) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let d: Vec<&str> = date.split('-').collect();
    let date_ok = d.len() == 3
        && d[0].len() == 4
        && (1..=2).contains(&d[1].len())
        && (1..=2).contains(&d[2].len())
        && d.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()));
    if !date_ok {
        return false;
    }
    let Some(time) = time else {
        return true;
    };
    let (clock, zone) = match time.find(['Z', '+', '-']) {
        Some(i) => (&time[..i], &time[i..]),
        None => (time, ""),
    };
    let (hms, frac) = clock.split_once('.').unwrap_or((clock, ""));
    let t: Vec<&str> = hms.split(':').collect();
    let time_ok = t.len() == 3
        && t.iter()
            .all(|p| (1..=2).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()))
        && frac.chars().all(|c| c.is_ascii_digit());
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || (zone.len() == 6
            && zone[1..3].chars().all(|c| c.is_ascii_digit())
            && &zone[3..4] == ":"
            && zone[4..].chars().all(|c| c.is_ascii_digit()));
    time_ok && zone_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_that_read_as_other_types_are_double_quoted_as_kubectl_prints_them() {
        // Keys too: YAML 1.1 reads a plain `n` or `y` as a bool, so go-yaml writes `"n":`.
        let v = json!({
            "a": "1", "b": "true", "c": "", "d": "2024-05-01T10:00:00Z", "e": "on",
            "f": "0x1F", "g": "1e3", "h": "1_000", "i": "nginx", "j": "100m", "k": "1.27",
            "l": "null", "m": "190:20:30", "n": "2024-05-01", "o": "v1.31.0", "p": "~"
        });
        let y = to_yaml(&v);
        assert_eq!(
            y,
            "a: \"1\"\nb: \"true\"\nc: \"\"\nd: \"2024-05-01T10:00:00Z\"\ne: \"on\"\nf: \"0x1F\"\n\
             g: \"1e3\"\nh: \"1_000\"\ni: nginx\nj: 100m\nk: \"1.27\"\nl: \"null\"\n\
             m: \"190:20:30\"\n\"n\": \"2024-05-01\"\no: v1.31.0\np: \"~\"\n"
        );
    }

    #[test]
    fn sequences_in_mappings_are_indentless_and_maps_in_sequences_line_up() {
        let v = json!({
            "spec": {"containers": [{"image": "nginx", "name": "web", "ports": [{"containerPort": 80}]}],
                     "selector": {}, "args": [], "replicas": 3},
            "status": {}
        });
        assert_eq!(
            to_yaml(&v),
            "spec:\n  args: []\n  containers:\n  - image: nginx\n    name: web\n    ports:\n    \
             - containerPort: 80\n  replicas: 3\n  selector: {}\nstatus: {}\n"
        );
    }

    #[test]
    fn text_plain_style_cannot_hold_is_single_quoted_and_quotes_are_doubled() {
        let v = json!({"a": "*", "b": "a: b", "c": "- x", "d": "it's # here", "e": " lead",
                       "f": "key:", "g": "a-b:c", "h": "x #y", "i": "a#b"});
        assert_eq!(
            to_yaml(&v),
            "a: '*'\nb: 'a: b'\nc: '- x'\nd: 'it''s # here'\ne: ' lead'\nf: 'key:'\ng: a-b:c\n\
             h: 'x #y'\ni: a#b\n"
        );
    }

    #[test]
    fn control_characters_are_escaped_in_double_quotes() {
        assert_eq!(to_yaml(&json!({"a": "x\ty"})), "a: \"x\\ty\"\n");
        assert_eq!(
            to_yaml(&json!({"a": "say \"hi\"\u{1}"})),
            "a: \"say \\\"hi\\\"\\x01\"\n"
        );
    }

    #[test]
    fn multi_line_text_is_a_literal_block_with_its_chomping_indicator() {
        let v = json!({"m": {"x": "a\nb\n", "y": "a\nb", "z": "a\n\n"}});
        assert_eq!(
            to_yaml(&v),
            "m:\n  x: |\n    a\n    b\n  \"y\": |-\n    a\n    b\n  z: |+\n    a\n\n"
        );
    }

    #[test]
    fn long_plain_text_wraps_at_a_space_past_eighty_columns_two_spaces_deeper() {
        let words = "word ".repeat(30);
        let v = json!({"status": {"message": words.trim_end()}});
        let y = to_yaml(&v);
        let lines: Vec<&str> = y.lines().collect();
        assert!(lines.len() > 2, "{y}");
        assert!(lines[1].starts_with("  message: word"));
        assert!(lines[2].starts_with("    word"), "{y}");
        // Each line breaks at the first space after column 80.
        assert!(lines[1].len() > BEST_WIDTH && lines[1].len() <= BEST_WIDTH + 5);
        // Reading it back gives the same text.
        let back: serde_json::Value = serde_norway::from_str(&y).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn what_is_written_reads_back_as_the_same_value() {
        let v = json!({
            "a": ["1", "x", {"k": "y: z", "n": null, "t": true, "f": 1.5}, ["in", "ner"]],
            "b": "line\n  indented\n", "c": " spaced", "d": "quote'\"", "e": -3,
            "f": "#tag", "g": "a\tb", "h": "---", "i": "@x", "j": "%y"
        });
        let y = to_yaml(&v);
        let back: serde_json::Value = serde_norway::from_str(&y).unwrap();
        assert_eq!(back, v, "{y}");
    }
}
