//! The Markdown lesson text is written in, parsed into plain data the app renders as elements
//! (never injected as HTML). The subset lessons use: `#`–`###` headings, paragraphs, `-`/`*`
//! and `1.` lists, `>` quotes, fenced code blocks, and inline `code`, **strong**, *emphasis*
//! and [links](https://…).

use serde::Serialize;

/// A block of text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Block {
    /// `#` (1) to `###` (3).
    Heading(u8, Vec<Inline>),
    /// A paragraph (its lines joined by spaces).
    Paragraph(Vec<Inline>),
    /// A list; each item is one line of inline text.
    List {
        /// Numbered (`1.`) rather than bulleted.
        ordered: bool,
        /// The items.
        items: Vec<Vec<Inline>>,
    },
    /// A `>` quote.
    Quote(Vec<Inline>),
    /// A fenced code block (its text, without the fences).
    Code(String),
}

/// A run of inline text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// `code`.
    Code(String),
    /// **strong**.
    Strong(String),
    /// *emphasis*.
    Emphasis(String),
    /// [text](url), only for `http://` and `https://` URLs (anything else stays text).
    Link {
        /// The text.
        text: String,
        /// The URL.
        url: String,
    },
}

/// Parses lesson Markdown.
pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Option<(bool, Vec<Vec<Inline>>)> = None;
    let mut quote: Vec<&str> = Vec::new();
    let mut code: Option<Vec<&str>> = None;

    fn flush(
        blocks: &mut Vec<Block>,
        para: &mut Vec<&str>,
        list: &mut Option<(bool, Vec<Vec<Inline>>)>,
        quote: &mut Vec<&str>,
    ) {
        if !para.is_empty() {
            blocks.push(Block::Paragraph(inline(&para.join(" "))));
            para.clear();
        }
        if let Some((ordered, items)) = list.take() {
            blocks.push(Block::List { ordered, items });
        }
        if !quote.is_empty() {
            blocks.push(Block::Quote(inline(&quote.join(" "))));
            quote.clear();
        }
    }

    for raw in text.lines() {
        if let Some(lines) = code.as_mut() {
            if raw.trim_start().starts_with("```") {
                blocks.push(Block::Code(lines.join("\n")));
                code = None;
            } else {
                lines.push(raw);
            }
            continue;
        }
        let line = raw.trim();
        if line.starts_with("```") {
            flush(&mut blocks, &mut para, &mut list, &mut quote);
            code = Some(Vec::new());
            continue;
        }
        if line.is_empty() {
            flush(&mut blocks, &mut para, &mut list, &mut quote);
            continue;
        }
        if let Some((level, rest)) = heading(line) {
            flush(&mut blocks, &mut para, &mut list, &mut quote);
            blocks.push(Block::Heading(level, inline(rest)));
            continue;
        }
        if let Some((ordered, rest)) = list_item(line) {
            if !para.is_empty()
                || !quote.is_empty()
                || list.as_ref().is_some_and(|l| l.0 != ordered)
            {
                flush(&mut blocks, &mut para, &mut list, &mut quote);
            }
            list.get_or_insert((ordered, Vec::new()))
                .1
                .push(inline(rest));
            continue;
        }
        if let Some(rest) = line.strip_prefix('>') {
            if !para.is_empty() || list.is_some() {
                flush(&mut blocks, &mut para, &mut list, &mut quote);
            }
            quote.push(rest.trim());
            continue;
        }
        if let Some((_, items)) = list.as_mut() {
            // A continuation line of the last item.
            if raw.starts_with(' ') {
                if let Some(last) = items.last_mut() {
                    last.push(Inline::Text(" ".into()));
                    last.extend(inline(line));
                    continue;
                }
            }
            flush(&mut blocks, &mut para, &mut list, &mut quote);
        }
        if !quote.is_empty() {
            flush(&mut blocks, &mut para, &mut list, &mut quote);
        }
        para.push(line);
    }
    if let Some(lines) = code {
        blocks.push(Block::Code(lines.join("\n")));
    }
    flush(&mut blocks, &mut para, &mut list, &mut quote);
    blocks
}

fn heading(line: &str) -> Option<(u8, &str)> {
    let hashes = line.bytes().take_while(|b| *b == b'#').count();
    let rest = &line[hashes..];
    if (1..=3).contains(&hashes) && rest.starts_with(' ') {
        Some((hashes as u8, rest.trim()))
    } else {
        None
    }
}

fn list_item(line: &str) -> Option<(bool, &str)> {
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return Some((false, rest));
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits < 4 {
        if let Some(rest) = line[digits..].strip_prefix(". ") {
            return Some((true, rest));
        }
    }
    None
}

/// Parses inline markup. Unclosed markers stay as text.
pub fn inline(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let found = match c {
            '`' => span(rest, "`").map(|(inner, after)| (Inline::Code(inner.into()), after)),
            '*' if rest.starts_with("**") => {
                span(rest, "**").map(|(inner, after)| (Inline::Strong(inner.into()), after))
            }
            '*' | '_' => span(rest, &c.to_string())
                .filter(|(inner, _)| !inner.starts_with(' '))
                .map(|(inner, after)| (Inline::Emphasis(inner.into()), after)),
            '[' => link(rest),
            _ => None,
        };
        match found {
            Some((item, after)) => {
                if !plain.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut plain)));
                }
                out.push(item);
                rest = after;
            }
            None => {
                plain.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
    out
}

/// `rest` starts with `marker`: the text up to the closing marker, and what follows it.
fn span<'a>(rest: &'a str, marker: &str) -> Option<(&'a str, &'a str)> {
    let body = &rest[marker.len()..];
    let end = body.find(marker)?;
    if end == 0 {
        return None;
    }
    Some((&body[..end], &body[end + marker.len()..]))
}

fn link(rest: &str) -> Option<(Inline, &str)> {
    let close = rest.find("](")?;
    let text = &rest[1..close];
    let after = &rest[close + 2..];
    let end = after.find(')')?;
    let url = &after[..end];
    if text.is_empty() || !(url.starts_with("https://") || url.starts_with("http://")) {
        return None;
    }
    Some((
        Inline::Link {
            text: text.into(),
            url: url.into(),
        },
        &after[end + 1..],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_lists_and_code_become_blocks() {
        let b = parse("# 제목\n\nOne\ntwo `x`.\n\n- a **b**\n- c\n\n```\n$ ls\n```\n> note");
        assert_eq!(
            b,
            vec![
                Block::Heading(1, vec![Inline::Text("제목".into())]),
                Block::Paragraph(vec![
                    Inline::Text("One two ".into()),
                    Inline::Code("x".into()),
                    Inline::Text(".".into())
                ]),
                Block::List {
                    ordered: false,
                    items: vec![
                        vec![Inline::Text("a ".into()), Inline::Strong("b".into())],
                        vec![Inline::Text("c".into())]
                    ]
                },
                Block::Code("$ ls".into()),
                Block::Quote(vec![Inline::Text("note".into())]),
            ]
        );
    }

    #[test]
    fn html_and_unsafe_links_stay_text() {
        let b = inline("<script>x</script> [a](javascript:alert(1)) [b](https://k8s.io)");
        assert_eq!(
            b,
            vec![
                Inline::Text("<script>x</script> [a](javascript:alert(1)) ".into()),
                Inline::Link {
                    text: "b".into(),
                    url: "https://k8s.io".into()
                }
            ]
        );
    }

    #[test]
    fn unclosed_markers_stay_text() {
        assert_eq!(inline("a * b `c"), vec![Inline::Text("a * b `c".into())]);
    }
}
