//! Output formats. Each reads a finished [`Report`] and returns bytes; none prints, so
//! each is tested as a pure function.

mod basis;
mod explain;
mod json;
mod table;

use crate::score::Report;

pub use basis::basis;
pub use explain::Explain;
pub use json::Json;
pub use table::Table;

/// One output format.
pub trait Render {
    fn render(&self, report: &Report<'_>) -> Vec<u8>;
}
