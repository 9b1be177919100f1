//! Reading input files from disk and finding the rubric a facts file names.
//!
//! This is where paths become [`SourceFile`](crate::diagnostic::SourceFile)s: size
//! limits, encoding (UTF-8, with a BOM accepted and dropped) and the difference between a
//! missing file and a directory are decided here, so the stages after it only ever see
//! text.
//!
//! - `source`: paths and standard input → text, in whatever encoding it came;
//! - `registry`: the rubrics a facts file may name ([`Registry`]);
//! - `facts`: a facts file loaded against the rubric it names.
//!
//! The error they return, [`InputError`], lives in [`crate::input_error`], below this
//! module and the workbook reader both.

mod facts;
mod registry;
mod source;

pub use crate::input_error::{InputError, Unreadable, io_message};
pub use facts::{load, load_facts, load_source};
pub use registry::{Registry, load_rubric};
pub use source::{encoding_name, read_facts_source, read_source};
