//! Why a command failed, and the exit status that tells a script so.

use std::fmt;
use std::process::ExitCode;

use ims::ErrorKind;

/// The exit statuses of `ims` (also in `ims --help`).
pub const EXIT_CODES: &str = "\
Exit status:
  0  success (also when the reader of the output went away, as in `ims image list | head`)
  1  the service refused: an error status (404, 403, 500...), credentials refused, or no
     image has the name or ID given (or more than one has the name)
  2  usage or configuration: a bad flag or value, a missing or bad setting
  3  network: no connection, a timeout, a connection broken mid-answer
  4  the service's answer could not be used: a body that does not decode (images skipped
     in a list count too), one over the size limit, a redirect or paging link elsewhere";

/// A failed command.
#[derive(Debug)]
pub enum Failure {
    /// From the client library.
    Ims(ims::Error),
    /// A bad combination of flags, found after parsing.
    Usage(String),
    /// No image has the name or ID.
    NotFound(String),
    /// More than one image has the name.
    Ambiguous(String),
    /// Writing the output failed.
    Io(std::io::Error),
    /// The output could not be encoded.
    Encode(String),
    /// This many items of a list did not decode (each was reported on stderr).
    Rejected(usize),
}

impl Failure {
    /// An encoding failure from any error.
    pub fn encode(error: impl fmt::Display) -> Failure {
        Failure::Encode(error.to_string())
    }

    /// Whether the reader of stdout went away: not a failure of the command.
    pub fn is_closed_pipe(&self) -> bool {
        matches!(self, Failure::Io(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// The exit status for this failure.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            Failure::Ims(error) => match error.kind() {
                ErrorKind::Status | ErrorKind::Auth => 1,
                ErrorKind::Config | ErrorKind::InvalidRequest => 2,
                ErrorKind::Connect | ErrorKind::Timeout | ErrorKind::Transport => 3,
                ErrorKind::Decode
                | ErrorKind::BodyTooLarge
                | ErrorKind::Redirect
                | ErrorKind::Paging => 4,
                _ => 1,
            },
            Failure::NotFound(_) | Failure::Ambiguous(_) => 1,
            Failure::Usage(_) => 2,
            Failure::Io(_) | Failure::Encode(_) => 1,
            Failure::Rejected(_) => 4,
        })
    }
}

impl From<ims::Error> for Failure {
    fn from(error: ims::Error) -> Failure {
        Failure::Ims(error)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Ims(error) if error.kind() == ErrorKind::Config => write!(
                f,
                "{error} (on the command line: --os-cloud NAME with clouds.yaml, or --endpoint URL \
                 with OS_AUTH_TOKEN or --no-auth; see `ims --help`)"
            ),
            Failure::Ims(error) => write!(f, "{error}"),
            Failure::Usage(message) | Failure::NotFound(message) | Failure::Ambiguous(message) => {
                f.write_str(message)
            }
            Failure::Io(error) => write!(f, "cannot write the output: {error}"),
            Failure::Encode(message) => write!(f, "cannot encode the output: {message}"),
            Failure::Rejected(1) => f.write_str("1 image could not be read (see above)"),
            Failure::Rejected(n) => write!(f, "{n} images could not be read (see above)"),
        }
    }
}
