//! What the benches share: a plan as `dmpgraph ingest` stores it.

use dmpgraph_model::{CatalogConfig, Dmp};
use dmpgraph_rdf::{Base, Mapping, RecordContext};
use dmpgraph_store::{RecordKind, RecordWrite};

/// A plan read from the workbook `source`, as `dmpgraph ingest` writes it:
/// its graphs (mapped with the built-in mapping), version and public
/// summary.
pub fn plan_write(dmp: &Dmp, base: &Base, catalog: &CatalogConfig, source: &str) -> RecordWrite {
    let ctx = RecordContext {
        base,
        catalog,
        source: Some(source),
    };
    let graphs = Mapping::builtin().dmp_to_graphs(dmp, &ctx);
    RecordWrite {
        id: dmp.id().to_string(),
        kind: RecordKind::Dmp,
        graph: graphs.graph,
        public: graphs.public,
        private: graphs.private,
        version: dmp.version().map(|d| d.to_string()),
        source: Some(source.to_string()),
        summary: serde_json::json!({
            "title": dmp.project.title,
            "datasets": dmp.datasets.len(),
            "created": dmp.created,
            "format": "amed-excel",
        }),
    }
}
