//! Input that cannot be used: the error of every stage that reads files (`input`, the
//! workbook reader), below both so that neither imports the other for it.

use std::borrow::Cow;
use std::path::PathBuf;

use rust_i18n::t;

use crate::diagnostic::{Diagnostic, Diagnostics, show_path};
use crate::toml_read::MAX_FILE_BYTES;

/// Input that cannot be used; the binary exits with status 2 on any of these.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{}", t!("input.cannot_read", path = show_path(.path), message = .message))]
    Io { path: PathBuf, message: String },
    #[error("{}", t!("input.is_directory", path = show_path(.0)))]
    Directory(PathBuf),
    #[error("{}", t!("input.cannot_write", path = show_path(.path), message = .message))]
    Output { path: PathBuf, message: String },
    #[error("{}", t!("input.not_regular_file", path = show_path(.0)))]
    NotAFile(PathBuf),
    #[error("{}", t!("input.too_large", path = show_path(.0), max = MAX_FILE_BYTES))]
    TooLarge(PathBuf),
    #[error(
        "{}",
        t!("input.not_utf8", shown = show_path(.path), line = .line, column = .column)
    )]
    NotUtf8 {
        path: PathBuf,
        line: usize,
        column: usize,
    },
    #[error(
        "{}",
        t!("input.other_encoding", shown = show_path(.path), what = .what.describe())
    )]
    OtherEncoding { path: PathBuf, what: Unreadable },
    #[error("{}", t!("input.archive", path = show_path(.0)))]
    Archive(PathBuf),
    #[error("{}", t!("input.workbook", path = show_path(.path), message = .message))]
    Workbook { path: PathBuf, message: String },
    #[error("{0}")]
    Invalid(Diagnostics),
}

/// Text in an encoding perfeval does not read, known by its byte-order mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    Utf32Le,
    Utf32Be,
    Utf16Le,
    Utf16Be,
    /// UTF-16 with its mark whose bytes do not decode.
    Utf16Damaged,
}

impl Unreadable {
    /// What the file is, for the message: `UTF-32 (little-endian) text`.
    pub fn describe(self) -> Cow<'static, str> {
        match self {
            Unreadable::Utf32Le => t!("input.encoding_utf32le_text"),
            Unreadable::Utf32Be => t!("input.encoding_utf32be_text"),
            Unreadable::Utf16Le => t!("input.encoding_utf16le_text"),
            Unreadable::Utf16Be => t!("input.encoding_utf16be_text"),
            Unreadable::Utf16Damaged => t!("input.encoding_utf16_damaged"),
        }
    }

    pub(crate) fn is_utf16(self) -> bool {
        matches!(self, Unreadable::Utf16Le | Unreadable::Utf16Be)
    }
}

/// What went wrong with a file, in the current language: the operating system's own
/// words in English (as they always were), the usual cases in Chinese.
pub fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    if crate::lang::current() == crate::lang::Lang::En {
        return e.to_string();
    }
    let text = match e.kind() {
        K::NotFound => t!("input.io_not_found"),
        K::PermissionDenied => t!("input.io_permission_denied"),
        K::AlreadyExists => t!("input.io_already_exists"),
        K::IsADirectory => t!("input.io_is_a_directory"),
        K::NotADirectory => t!("input.io_not_a_directory"),
        K::InvalidData => t!("input.io_invalid_data"),
        K::StorageFull => t!("input.io_storage_full"),
        K::ReadOnlyFilesystem => t!("input.io_read_only_filesystem"),
        K::QuotaExceeded => t!("input.io_quota_exceeded"),
        K::FileTooLarge => t!("input.io_file_too_large"),
        K::ResourceBusy => t!("input.io_resource_busy"),
        K::BrokenPipe => t!("input.io_broken_pipe"),
        K::Interrupted => t!("input.io_interrupted"),
        K::CrossesDevices => t!("input.io_crosses_devices"),
        K::InvalidFilename => t!("input.io_invalid_filename"),
        _ => return e.to_string(),
    };
    text.into_owned()
}

impl From<Diagnostics> for InputError {
    fn from(d: Diagnostics) -> Self {
        InputError::Invalid(d)
    }
}

impl From<Diagnostic> for InputError {
    fn from(d: Diagnostic) -> Self {
        InputError::Invalid(Diagnostics(vec![d]))
    }
}
