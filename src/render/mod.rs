//! Output formats. Each reads a finished model ([`crate::score::Report`],
//! [`crate::check::CheckReport`]) and returns bytes; none prints, so each is tested as a
//! pure function.

mod basis;
mod batch;
mod check;
mod explain;
mod json;
mod rubric_show;
mod table;
mod template;

pub use basis::basis;
pub use batch::BatchFormat;
pub use check::{CheckJson, CheckJunit, CheckText, junit_unusable};
pub use explain::Explain;
pub use json::Json;
pub use rubric_show::RubricShow;
pub use table::Table;
pub use template::Template;

/// One output format of a model (a score `Report`, a `CheckReport`).
pub trait Render<Model: ?Sized> {
    fn render(&self, model: &Model) -> Vec<u8>;
}
