//! Paths → [`SourceFile`]s: size limits, encodings (UTF-8 with or without a BOM,
//! UTF-16 with its mark, GB18030) and workbooks recognised by their content.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use rust_i18n::t;

use crate::diagnostic::SourceFile;
use crate::input_error::{InputError, Unreadable, io_message};
use crate::toml_read::MAX_FILE_BYTES;

/// The name of the encoding a file was read in (what [`SourceFile::encoding`] holds),
/// for people: `GB18030 (GBK)`, `UTF-16（小端序）`.
pub fn encoding_name(encoding: &str) -> Cow<'static, str> {
    match encoding {
        ENCODING_GB18030 => t!("input.encoding_gb18030"),
        ENCODING_UTF16LE => t!("input.encoding_utf16le"),
        ENCODING_UTF16BE => t!("input.encoding_utf16be"),
        other => Cow::Owned(other.to_string()),
    }
}

// i18n-exempt: the encoding's identifier kept in a SourceFile; encoding_name says it
const ENCODING_GB18030: &str = "GB18030 (GBK)";
const ENCODING_UTF16LE: &str = "UTF-16 (little-endian)";
const ENCODING_UTF16BE: &str = "UTF-16 (big-endian)";

/// Reads a UTF-8 text file, dropping a leading byte-order mark.
pub fn read_source(path: &Path) -> Result<SourceFile, InputError> {
    decode(path, read_bytes(path)?)
}

/// Reads a facts file: TOML text, or an Excel workbook (recognised by its content,
/// whatever its name), which comes back as a source whose lines name their cells.
pub fn read_facts_source(path: &Path) -> Result<SourceFile, InputError> {
    let raw = if path == Path::new("-") {
        read_stdin()?
    } else {
        read_bytes(path)?
    };
    if crate::workbook::is_workbook(&raw) {
        return crate::workbook::read_workbook(path, raw);
    }
    decode(path, raw)
}

/// Standard input's bytes (a facts file given as `-`), within the size limit.
fn read_stdin() -> Result<Vec<u8>, InputError> {
    let path = PathBuf::from("-");
    let mut raw = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::io::stdin().lock(), MAX_FILE_BYTES as u64 + 1),
        &mut raw,
    )
    .map_err(|e| InputError::Io {
        path: path.clone(),
        message: io_message(&e),
    })?;
    if raw.len() > MAX_FILE_BYTES {
        return Err(InputError::TooLarge(path));
    }
    Ok(raw)
}

/// A file's bytes, within the size limit.
fn read_bytes(path: &Path) -> Result<Vec<u8>, InputError> {
    let io = |e: std::io::Error| InputError::Io {
        path: path.to_path_buf(),
        message: match e.kind() {
            std::io::ErrorKind::NotFound => t!("input.no_such_file").into_owned(),
            std::io::ErrorKind::PermissionDenied => t!("input.permission_denied").into_owned(),
            _ => io_message(&e),
        },
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(InputError::Directory(path.to_path_buf()));
    }
    // A FIFO or a device (`/dev/zero`) has no length to check and may never end.
    if !meta.is_file() {
        return Err(InputError::NotAFile(path.to_path_buf()));
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(InputError::TooLarge(path.to_path_buf()));
    }
    // Read at most one byte past the limit, in case the file grew since it was measured.
    let mut raw = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    std::fs::File::open(path)
        .and_then(|f| {
            std::io::Read::read_to_end(
                &mut std::io::Read::take(f, MAX_FILE_BYTES as u64 + 1),
                &mut raw,
            )
        })
        .map_err(io)?;
    if raw.len() > MAX_FILE_BYTES {
        return Err(InputError::TooLarge(path.to_path_buf()));
    }
    Ok(raw)
}

/// Text from a file's bytes: UTF-8, a leading byte-order mark dropped.
fn decode(path: &Path, mut raw: Vec<u8>) -> Result<SourceFile, InputError> {
    // UTF-16 with its byte-order mark: what Windows PowerShell's `>` and Notepad's
    // "Unicode" write. Read, and said so.
    for (bom, encoding, name) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE, ENCODING_UTF16LE),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE, ENCODING_UTF16BE),
    ] {
        if raw.starts_with(bom)
            && other_encoding(&raw).is_some_and(Unreadable::is_utf16)
            && let Some(text) =
                encoding.decode_without_bom_handling_and_without_replacement(&raw[bom.len()..])
        {
            return Ok(SourceFile::transcoded(
                path,
                text.into_owned(),
                crate::diagnostic::sha256_hex(&raw),
                name,
            ));
        }
    }
    if let Some(what) = other_encoding(&raw) {
        return Err(InputError::OtherEncoding {
            path: path.to_path_buf(),
            what: if what.is_utf16() {
                Unreadable::Utf16Damaged
            } else {
                what
            },
        });
    }
    if raw.starts_with(b"PK\x03\x04") {
        return Err(InputError::Archive(path.to_path_buf()));
    }
    let bom = raw.starts_with(b"\xEF\xBB\xBF");
    if bom {
        raw.drain(..3);
    }
    match String::from_utf8(raw) {
        Ok(text) => Ok(SourceFile::decoded(path, text, bom)),
        Err(e) => {
            // Not UTF-8: GB18030 (a superset of GBK), what Notepad on a Chinese Windows
            // and many WPS exports write, when every byte fits it.
            let raw = e.into_bytes();
            if let Some(text) =
                encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(&raw)
            {
                let mut bytes = if bom {
                    b"\xEF\xBB\xBF".to_vec()
                } else {
                    Vec::new()
                };
                bytes.extend_from_slice(&raw);
                return Ok(SourceFile::transcoded(
                    path,
                    text.into_owned(),
                    crate::diagnostic::sha256_hex(&bytes),
                    ENCODING_GB18030,
                ));
            }
            // Where GB18030 fails too: the text decoded up to there gives line and column.
            let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
            let mut decoded = String::with_capacity(raw.len() * 3);
            let _ = decoder.decode_to_string_without_replacement(&raw, &mut decoded, true);
            let line = decoded.matches('\n').count() + 1;
            let line_start = decoded.rfind('\n').map_or(0, |i| i + 1);
            let column = decoded[line_start..].chars().count() + 1;
            Err(InputError::NotUtf8 {
                path: path.to_path_buf(),
                line,
                column,
            })
        }
    }
}

/// The encoding a byte-order mark announces, when it is not UTF-8: what Windows
/// PowerShell's `>` and Notepad's "Unicode" write.
fn other_encoding(raw: &[u8]) -> Option<Unreadable> {
    // UTF-32 first: its little-endian mark begins with UTF-16's.
    if raw.starts_with(b"\xFF\xFE\x00\x00") {
        Some(Unreadable::Utf32Le)
    } else if raw.starts_with(b"\x00\x00\xFE\xFF") {
        Some(Unreadable::Utf32Be)
    } else if raw.starts_with(b"\xFF\xFE") {
        Some(Unreadable::Utf16Le)
    } else if raw.starts_with(b"\xFE\xFF") {
        Some(Unreadable::Utf16Be)
    } else {
        None
    }
}
