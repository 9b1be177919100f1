//! Output files: whole or absent, and never at the cost of what is already there.
//!
//! A regular file (or a path that does not exist yet) is written beside its target under
//! a temporary name and renamed into place only when complete, so an interrupted run
//! leaves the old file, never half a new one. A character device or a FIFO (`/dev/stdout`,
//! a pipe made with `mkfifo`) is written directly: renaming over it would replace the
//! device node with a regular file. Anything else (a directory, a socket, a block
//! device) is refused.
//!
//! Temporary files are named `.perfeval-<pid>-<n>.tmp`. They are removed when the run
//! fails or is interrupted by SIGINT, SIGTERM or SIGHUP (the binary installs the handler
//! that calls [`remove_pending`]); one left by a killed process is recognised by its pid
//! and reported by the next run that writes into the same directory.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rust_i18n::t;

use crate::input::{InputError, io_message};

/// Temporary files being written now, removed by [`remove_pending`] on a signal.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static COUNTER: AtomicUsize = AtomicUsize::new(0);
/// Set once a signal has emptied `PENDING`: no temporary file may be made after that.
static SHUTTING_DOWN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

const PREFIX: &str = ".perfeval-";
const SUFFIX: &str = ".tmp";

/// Whether an existing regular file may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Replace it (a report regenerated).
    Replace,
    /// Refuse (a template must never overwrite anyone's work).
    Keep,
}

/// An output being written; [`OutputFile::commit`] makes it final.
#[derive(Debug)]
pub struct OutputFile {
    target: PathBuf,
    kind: Kind,
    /// Temporary files of ended processes found beside the target.
    pub stale: Vec<PathBuf>,
}

#[derive(Debug)]
enum Kind {
    /// A device or FIFO, written as it is.
    Direct(File),
    /// A temporary file beside the target.
    Staged {
        file: File,
        temp: PathBuf,
        existing: Existing,
    },
    Done,
}

fn fail(path: &Path, message: impl Into<String>) -> InputError {
    InputError::Output {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

impl OutputFile {
    pub fn create(target: &Path, existing: Existing) -> Result<OutputFile, InputError> {
        // The process's own standard streams (`-o /dev/stdout`, whatever the shell
        // redirected them to, `>>` included) are written in place, appending.
        if is_own_stream(target) {
            return OutputFile::direct(target, OpenOptions::new().append(true));
        }
        // Through a symbolic link, the file it points to is the output: a rename beside
        // the link would replace the link instead.
        let resolved;
        let target = match std::fs::symlink_metadata(target) {
            Ok(meta) if meta.file_type().is_symlink() => match std::fs::metadata(target) {
                // A device or FIFO behind the link is written through the link.
                Ok(m) if writes_in_place(&m) => target,
                Ok(_) => {
                    resolved =
                        std::fs::canonicalize(target).map_err(|e| fail(target, io_message(&e)))?;
                    resolved.as_path()
                }
                Err(_) => {
                    return Err(fail(target, t!("output.dangling_link")));
                }
            },
            _ => target,
        };
        match std::fs::metadata(target) {
            Ok(meta) if meta.is_dir() => {
                return Err(fail(target, t!("output.is_directory")));
            }
            Ok(meta) if meta.is_file() => {
                if existing == Existing::Keep {
                    return Err(fail(target, t!("output.exists")));
                }
            }
            Ok(meta) => {
                if writes_in_place(&meta) {
                    return OutputFile::direct(target, OpenOptions::new().write(true));
                }
                return Err(fail(
                    target,
                    t!("output.not_a_file", what = describe(&meta)),
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(fail(target, io_message(&e))),
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let stale = stale_temporaries(&dir);
        let (file, temp) = create_temporary(&dir).map_err(|e| {
            fail(
                target,
                t!(
                    "output.no_temporary",
                    dir = crate::diagnostic::show_path(&dir),
                    message = io_message(&e)
                ),
            )
        })?;
        Ok(OutputFile {
            target: target.to_path_buf(),
            kind: Kind::Staged {
                file,
                temp,
                existing,
            },
            stale,
        })
    }

    /// An output written straight into `target`: a device, a FIFO, or one of the
    /// process's own streams.
    fn direct(target: &Path, options: &OpenOptions) -> Result<OutputFile, InputError> {
        let file = options
            .open(target)
            .map_err(|e| fail(target, io_message(&e)))?;
        Ok(OutputFile {
            target: target.to_path_buf(),
            kind: Kind::Direct(file),
            stale: Vec::new(),
        })
    }

    /// Flushes the output and, for a file, puts it in place of the target.
    pub fn commit(mut self) -> Result<(), InputError> {
        let target = self.target.clone();
        match std::mem::replace(&mut self.kind, Kind::Done) {
            Kind::Direct(mut file) => file.flush().map_err(|e| fail(&target, io_message(&e))),
            Kind::Staged {
                file,
                temp,
                existing,
            } => {
                let result = finish(&file, &temp, &target, existing);
                drop(file);
                if result.is_err() {
                    let _ = std::fs::remove_file(&temp);
                }
                unregister(&temp);
                result
            }
            Kind::Done => Ok(()),
        }
    }
}

fn finish(file: &File, temp: &Path, target: &Path, existing: Existing) -> Result<(), InputError> {
    file.sync_all().map_err(|e| fail(target, io_message(&e)))?;
    // The replaced file's permissions carry over; a new file keeps those it was created
    // with, which follow the umask like any other program's output.
    if let Ok(meta) = std::fs::metadata(target) {
        let _ = file.set_permissions(meta.permissions());
    }
    match existing {
        Existing::Replace => std::fs::rename(temp, target)
            .map_err(|e| fail(target, t!("output.cannot_rename", message = io_message(&e)))),
        // A hard link fails if the name was taken meanwhile: nothing is overwritten.
        Existing::Keep => {
            std::fs::hard_link(temp, target).map_err(|e| {
                if e.kind() == io::ErrorKind::AlreadyExists {
                    fail(target, t!("output.exists"))
                } else {
                    fail(target, io_message(&e))
                }
            })?;
            let _ = std::fs::remove_file(temp);
            Ok(())
        }
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.kind {
            Kind::Direct(f) | Kind::Staged { file: f, .. } => f.write(buf),
            Kind::Done => Err(io::Error::other(t!("output.already_complete").into_owned())),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.kind {
            Kind::Direct(f) | Kind::Staged { file: f, .. } => f.flush(),
            Kind::Done => Ok(()),
        }
    }
}

impl Drop for OutputFile {
    /// An output dropped before its commit (an error, a panic) leaves no temporary file.
    fn drop(&mut self) {
        if let Kind::Staged { temp, .. } = &self.kind {
            let _ = std::fs::remove_file(temp);
            unregister(temp);
        }
    }
}

/// Removes every temporary file being written: called on SIGINT, SIGTERM and SIGHUP
/// before the process exits.
pub fn remove_pending() {
    let pending = match PENDING.lock() {
        Ok(mut p) => {
            SHUTTING_DOWN.store(true, Ordering::SeqCst);
            std::mem::take(&mut *p)
        }
        Err(poisoned) => {
            SHUTTING_DOWN.store(true, Ordering::SeqCst);
            std::mem::take(&mut *poisoned.into_inner())
        }
    };
    for path in pending {
        let _ = std::fs::remove_file(path);
    }
}

/// `false` once the process is shutting down on a signal.
fn register(path: &Path) -> bool {
    match PENDING.lock() {
        Ok(mut p) if !SHUTTING_DOWN.load(Ordering::SeqCst) => {
            p.push(path.to_path_buf());
            true
        }
        _ => false,
    }
}

fn unregister(path: &Path) {
    if let Ok(mut p) = PENDING.lock() {
        p.retain(|x| x != path);
    }
}

/// A new file in `dir`, created with the default mode (0666 less the umask).
fn create_temporary(dir: &Path) -> io::Result<(File, PathBuf)> {
    let pid = std::process::id();
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!("{PREFIX}{pid}-{n}{SUFFIX}"));
        // Registered before it exists, so that a signal between the two cannot leave it.
        if !register(&path) {
            return Err(io::Error::other(t!("output.interrupted").into_owned()));
        }
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => {
                // A signal that came while the file was being made found it registered but
                // perhaps not yet there: remove it here.
                if SHUTTING_DOWN.load(Ordering::SeqCst) {
                    let _ = std::fs::remove_file(&path);
                    return Err(io::Error::other(t!("output.interrupted").into_owned()));
                }
                return Ok((file, path));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => unregister(&path),
            Err(e) => {
                unregister(&path);
                return Err(e);
            }
        }
    }
}

/// The pid in a temporary file's name, if the name is one of ours.
fn temporary_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let (pid, n) = rest.split_once('-')?;
    n.parse::<usize>().ok()?;
    pid.parse().ok()
}

/// Temporary files in `dir` left by processes that have ended (killed with SIGKILL, or
/// by a power cut): the run that finds them says so, and leaves deleting them to people.
fn stale_temporaries(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_str()
                .and_then(temporary_pid)
                .is_some_and(|pid| !process_runs(pid))
        })
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

/// `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` and `/proc/self/fd/N`: names of this
/// process's open files, not files of their own.
fn is_own_stream(path: &Path) -> bool {
    let own = |p: &Path| {
        p.starts_with("/dev/fd")
            || p.starts_with("/proc/self/fd")
            || p == Path::new("/dev/stdout")
            || p == Path::new("/dev/stderr")
    };
    own(path) || std::fs::read_link(path).is_ok_and(|link| own(&link))
}

#[cfg(target_os = "linux")]
fn process_runs(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(not(target_os = "linux"))]
fn process_runs(_pid: u32) -> bool {
    // Without /proc, say nothing rather than call a running process's file stale.
    true
}

#[cfg(unix)]
fn writes_in_place(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    t.is_char_device() || t.is_fifo()
}

#[cfg(not(unix))]
fn writes_in_place(_meta: &std::fs::Metadata) -> bool {
    false
}

#[cfg(unix)]
fn describe(meta: &std::fs::Metadata) -> std::borrow::Cow<'static, str> {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_socket() {
        t!("output.kind_socket")
    } else if kind.is_block_device() {
        t!("output.kind_block_device")
    } else {
        t!("output.kind_special_file")
    }
}

#[cfg(not(unix))]
fn describe(_meta: &std::fs::Metadata) -> std::borrow::Cow<'static, str> {
    t!("output.kind_special_file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_carry_the_pid() {
        assert_eq!(temporary_pid(".perfeval-1234-0.tmp"), Some(1234));
        assert_eq!(temporary_pid(".perfeval-1234-x.tmp"), None);
        assert_eq!(temporary_pid(".perfeval-abc.tmp"), None);
        assert_eq!(temporary_pid("report.csv"), None);
    }
}
