//! The terminal's multi-line input, as a shell's line editor handles it: Enter on a command that
//! needs more (an open here-document, a trailing `\`) commits the line and shows a `> `
//! continuation prompt; Enter on a complete command submits every committed line with it.

use sim_core::shell::needs_more_input;

/// What Enter did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Enter {
    /// The line was committed; the command needs more lines.
    Continue,
    /// The command is complete: here is its whole text.
    Submit(String),
}

/// The lines already committed to the command being typed (shown above the input).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PendingInput {
    lines: Vec<String>,
}

impl PendingInput {
    /// The committed lines, oldest first.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// True when no line is committed (the prompt is `$`, not `>`).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The command so far: the committed lines and then `current`.
    pub fn text_with(&self, current: &str) -> String {
        if self.lines.is_empty() {
            return current.to_string();
        }
        let mut text = self.lines.join("\n");
        text.push('\n');
        text.push_str(current);
        text
    }

    /// True when the command so far, with `current`, still needs more lines.
    pub fn needs_more(&self, current: &str) -> bool {
        let text = self.text_with(current);
        needs_more_input(&text)
    }

    /// Enter pressed with `current` in the input.
    pub fn enter(&mut self, current: &str) -> Enter {
        if self.needs_more(current) {
            self.lines.push(current.to_string());
            return Enter::Continue;
        }
        let text = self.text_with(current);
        self.lines.clear();
        Enter::Submit(text)
    }

    /// Backspace in an empty input: the last committed line comes back for editing.
    pub fn reopen_last(&mut self) -> Option<String> {
        self.lines.pop()
    }

    /// Ctrl+C: abandons the command.
    pub fn cancel(&mut self) {
        self.lines.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_here_document_continues_until_its_delimiter() {
        let mut p = PendingInput::default();
        assert_eq!(p.enter("cat > hello.txt <<EOF"), Enter::Continue);
        assert_eq!(p.enter("Hello"), Enter::Continue);
        assert_eq!(p.lines(), ["cat > hello.txt <<EOF", "Hello"]);
        assert_eq!(
            p.enter("EOF"),
            Enter::Submit("cat > hello.txt <<EOF\nHello\nEOF".into())
        );
        assert!(p.is_empty());
    }

    #[test]
    fn backslashes_continue_and_complete_commands_submit() {
        let mut p = PendingInput::default();
        // The core's parser has no multi-line quotes: an open quote is submitted (and fails).
        assert_eq!(p.enter("echo 'a"), Enter::Submit("echo 'a".into()));
        assert_eq!(p.enter("echo a \\"), Enter::Continue);
        assert_eq!(p.enter("b"), Enter::Submit("echo a \\\nb".into()));
        assert_eq!(p.enter("ls"), Enter::Submit("ls".into()));
    }

    #[test]
    fn backspace_reopens_and_ctrl_c_cancels() {
        let mut p = PendingInput::default();
        p.enter("cat > f <<EOF");
        p.enter("line");
        assert_eq!(p.reopen_last().as_deref(), Some("line"));
        p.cancel();
        assert!(p.is_empty());
        assert_eq!(p.reopen_last(), None);
    }
}
