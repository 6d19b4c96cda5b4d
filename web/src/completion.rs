//! Tab completion of command names in the terminal input.
//!
//! Completes the word under a command-name position: the first word, the word after `help`, and
//! the command word after `after DURATION`. Other words (paths, durations) are left alone.

/// What pressing Tab does to the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// The new input text, when Tab changes it.
    pub text: Option<String>,
    /// The names that still match, listed when Tab cannot decide between them.
    pub candidates: Vec<&'static str>,
}

/// Completes the command name being typed at the end of `input` against `names`.
///
/// A single match is completed and followed by a space; several matches are extended to their
/// longest common prefix, and listed when that adds nothing.
pub fn complete(input: &str, names: &[&'static str]) -> Completion {
    let none = Completion {
        text: None,
        candidates: Vec::new(),
    };
    // Only the last line of a single-line command is completed: inside a here-document body
    // a Tab means nothing.
    if input.contains('\n') {
        return none;
    }
    let (head, word) = match input.rfind(char::is_whitespace) {
        Some(i) => (&input[..=i], &input[i + 1..]),
        None => ("", input),
    };
    if !is_command_position(head) {
        return none;
    }
    let matches: Vec<&'static str> = names
        .iter()
        .copied()
        .filter(|n| n.starts_with(word))
        .collect();
    match matches.as_slice() {
        [] => none,
        [only] => Completion {
            text: Some(format!("{head}{only} ")),
            candidates: Vec::new(),
        },
        many => {
            let prefix = common_prefix(many);
            if prefix.len() > word.len() {
                Completion {
                    text: Some(format!("{head}{prefix}")),
                    candidates: Vec::new(),
                }
            } else {
                Completion {
                    text: None,
                    candidates: many.to_vec(),
                }
            }
        }
    }
}

/// True when the word that follows `head` (the text before it) names a command.
fn is_command_position(head: &str) -> bool {
    let words: Vec<&str> = head.split_whitespace().collect();
    matches!(words.as_slice(), [] | ["help"] | ["after", _])
}

fn common_prefix<'a>(names: &[&'a str]) -> &'a str {
    let first = names[0];
    let mut len = first.len();
    for n in &names[1..] {
        len = first
            .char_indices()
            .zip(n.chars())
            .take_while(|((_, a), b)| a == b)
            .map(|((i, a), _)| i + a.len_utf8())
            .last()
            .unwrap_or(0)
            .min(len);
    }
    &first[..len]
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: &[&str] = &[
        "after", "cat", "clock", "echo", "help", "history", "ls", "run",
    ];

    #[test]
    fn a_unique_prefix_completes_with_a_space() {
        assert_eq!(complete("ec", NAMES).text.as_deref(), Some("echo "));
        assert_eq!(
            complete("help ca", NAMES).text.as_deref(),
            Some("help cat ")
        );
        assert_eq!(
            complete("after 10s ec", NAMES).text.as_deref(),
            Some("after 10s echo ")
        );
    }

    #[test]
    fn several_matches_extend_to_the_common_prefix_or_are_listed() {
        assert_eq!(complete("hi", NAMES).text.as_deref(), Some("history "));
        let c = complete("h", NAMES);
        assert_eq!(c.text, None);
        assert_eq!(c.candidates, ["help", "history"]);
        let c = complete("c", NAMES);
        assert_eq!(c.candidates, ["cat", "clock"]);
    }

    #[test]
    fn arguments_and_here_document_bodies_are_not_completed() {
        assert_eq!(complete("cat he", NAMES), complete("zzz", NAMES));
        assert_eq!(complete("cat > f <<EOF\nec", NAMES).text, None);
        assert_eq!(complete("echo hi ec", NAMES).text, None);
    }
}
