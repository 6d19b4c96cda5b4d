//! Errors as values: everything a user can get wrong is a `CommandError`, never a panic.

use thiserror::Error;

use crate::limits;

/// A command that could not run. Its `Display` is the message the terminal prints; a command that
/// returns one of these has changed nothing in the simulation.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CommandError {
    /// The first word names no command.
    #[error("unknown command \"{name}\"{}", suggestion_suffix(.suggestion))]
    UnknownCommand {
        /// What was typed.
        name: String,
        /// The closest known command, if one is close enough.
        suggestion: Option<String>,
    },
    /// A duration that is not `<number><unit>`.
    #[error("invalid duration \"{0}\": use a number followed by ms, s, m or h")]
    InvalidDuration(String),
    /// A here-document whose terminator line never came.
    #[error("here-document not terminated: expected \"{0}\"")]
    UnterminatedHereDoc(String),
    /// A quote that was opened and never closed.
    #[error("line {line}: unterminated {kind} quote")]
    UnterminatedQuote {
        /// 1-based line of the script.
        line: usize,
        /// `single` or `double`.
        kind: &'static str,
    },
    /// Wrong arguments for a known command.
    #[error("{command}: {message}\nusage: {usage}")]
    Usage {
        /// The command.
        command: String,
        /// What is wrong.
        message: String,
        /// The command's usage line.
        usage: String,
    },
    /// A path that does not exist in the workspace.
    #[error("{command}: {path}: No such file or directory")]
    NoSuchFile {
        /// The command.
        command: String,
        /// The path as the user wrote it.
        path: String,
    },
    /// A path names a directory where a file was expected.
    #[error("{command}: {path}: Is a directory")]
    IsADirectory {
        /// The command.
        command: String,
        /// The path as the user wrote it.
        path: String,
    },
    /// A path that cannot name a workspace file.
    #[error("{command}: {path}: {reason}")]
    InvalidPath {
        /// The command.
        command: String,
        /// The path as the user wrote it.
        path: String,
        /// Why it is invalid.
        reason: String,
    },
    /// A line longer than the limit.
    #[error(
        "line {line} is {len} bytes long: a line may be at most {} bytes (64 KiB)",
        limits::MAX_LINE_BYTES
    )]
    LineTooLong {
        /// 1-based line number.
        line: usize,
        /// Its length in bytes.
        len: usize,
    },
    /// A file larger than the limit.
    #[error(
        "{path}: file is {len} bytes: a workspace file may be at most {} bytes (1 MiB)",
        limits::MAX_FILE_BYTES
    )]
    FileTooLarge {
        /// The path.
        path: String,
        /// Its size in bytes.
        len: usize,
    },
    /// Binary files over their shared budget.
    #[error(
        "{path}: an archive of {len} bytes does not fit: the workspace's binary files may hold at most {} bytes (256 MiB) in all, and {used} bytes are in use; remove some with rm",
        limits::MAX_BINARY_BYTES
    )]
    BinaryTooLarge {
        /// The path.
        path: String,
        /// Size of the file to write.
        len: usize,
        /// Bytes the other binary files hold.
        used: usize,
    },
    /// Too many workspace files.
    #[error(
        "{path}: the workspace already holds {} files, the most it may hold",
        limits::MAX_FILES
    )]
    TooManyFiles {
        /// The path that could not be created.
        path: String,
    },
    /// A script longer than the limit.
    #[error("script has {0} lines: a script may be at most {max} lines", max = limits::MAX_SCRIPT_LINES)]
    ScriptTooLong(usize),
    /// Too much work scheduled at once.
    #[error(
        "{command}: {} actions are already scheduled, the most the simulation holds",
        limits::MAX_SCHEDULED
    )]
    QueueFull {
        /// The command.
        command: String,
    },
    /// A `docker` command failed; the message is Docker's own wording.
    #[error("{0}")]
    Docker(String),
    /// A `host` or `vm` command failed; the message names the command, the VM and the reason.
    #[error("{0}")]
    Virt(String),
    /// A syntax the command language does not support.
    #[error("line {line}: {message}")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

fn suggestion_suffix(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!("; did you mean \"{s}\"?"),
        None => "; type \"help\" to list the commands".to_string(),
    }
}

/// Result alias for commands.
pub type Result<T, E = CommandError> = std::result::Result<T, E>;
