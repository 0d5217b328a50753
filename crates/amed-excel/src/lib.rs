//! Reads AMED DMP workbooks (様式 別紙1) into dmpgraph's model.
//!
//! Fields are found by their **labels**, never by cell addresses: the label
//! table is data (`mappings/amed-form.toml`, see [`FormSpec`]) and covers the
//! variants seen in filled-in forms (full-/half-width brackets, 全角スペース,
//! footnote marks, older and newer wording). `.xlsx`, `.xls` and `.ods` read
//! alike (calamine). Every problem names the file, sheet and cell.
//!
//! ```no_run
//! let reading = dmpgraph_amed_excel::read_path(
//!     std::path::Path::new("examples/amed/genome-cohort.xlsx"),
//!     chrono::Local::now().date_naive(),
//! )?;
//! for problem in &reading.problems {
//!     eprintln!("{problem}");
//! }
//! println!("{} datasets", reading.dmp.datasets.len());
//! # Ok::<(), dmpgraph_amed_excel::ReadError>(())
//! ```

mod bounds;
mod error;
pub mod limits;
mod load;
mod reader;
mod spec;

pub use error::ReadError;
pub use reader::{read_bytes, read_path, read_path_with, CellRef, Problem, Reading};
pub use spec::{FormSpec, Section, SpecError, Target, BUILTIN_FORM_TOML};
