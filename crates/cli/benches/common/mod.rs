//! What the benches share: a plan as `dmpgraph ingest` stores it.

use dmpgraph_model::{CatalogConfig, Dmp};
use dmpgraph_pipeline::records::{self, Context};
use dmpgraph_rdf::Base;
use dmpgraph_store::Change;
use std::path::Path;

/// A plan read from the workbook `source`, as `dmpgraph ingest` writes it
/// (the pipeline's own record write).
#[allow(dead_code)] // not every bench uses it
pub fn plan_write(dmp: &Dmp, base: &Base, catalog: &CatalogConfig, source: &str) -> Change {
    Change::Put(records::plan_write(
        dmp,
        Path::new(source),
        Context {
            base,
            config: catalog,
        },
    ))
}
