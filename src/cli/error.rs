//! The binary's error type: the library's errors plus what only a command-line tool meets (files
//! that cannot be read or written, option combinations that make no sense).

use nnplay::data::DataError;
use nnplay::error::NnError;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Nn(#[from] NnError),
    /// A data problem inside a named file: the message gets the file name in front.
    #[error("{}: {source}", path.display())]
    DataFile { path: PathBuf, source: DataError },
    /// Any other problem with a named file (a model that does not fit the data, a column count).
    #[error("{}: {message}", path.display())]
    File { path: PathBuf, message: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
}

impl From<DataError> for CliError {
    fn from(e: DataError) -> Self {
        CliError::Nn(NnError::Data(e))
    }
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> Self {
        CliError::Usage(message.into())
    }

    /// An I/O failure on `path` (reading, writing or printing).
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        CliError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// A problem with the file at `path`.
    pub fn file(path: &Path, message: impl std::fmt::Display) -> Self {
        CliError::File {
            path: path.to_path_buf(),
            message: message.to_string(),
        }
    }

    /// A data error found while reading `path`.
    pub fn in_file(path: &Path, source: NnError) -> Self {
        match source {
            NnError::Data(source) => CliError::DataFile {
                path: path.to_path_buf(),
                source,
            },
            other => CliError::Nn(other),
        }
    }
}

/// Reads a whole text file, naming it in the error.
pub fn read_text(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|e| CliError::io(path, e))
}

/// Writes a whole file, naming it in the error.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes).map_err(|e| CliError::io(path, e))
}
