//! Identity and version rules, and the record writes they give.
//!
//! - An AMED plan's identity is its 課題管理番号 (full width folded by the
//!   reader); its version is its DMP作成年月日.
//! - A maDMP plan's identity is its `dmp_id` in normal form: a DOI written
//!   any way (`doi:`, `https://doi.org/`, `http://dx.doi.org/`, any letter
//!   case) is `doi:10.…` in lower case, so one DOI is one record; its
//!   version is `modified` in UTC.
//! - An older version than the stored one is not written; the same content
//!   is not written again; a maDMP document never replaces a plan read from
//!   its workbook (a precondition the writer checks when it applies it).

use crate::read::MadmpReading;
use dmpgraph_amed_excel::Reading;
use dmpgraph_model::identity::Identifier;
use dmpgraph_model::{CatalogConfig, Dmp};
use dmpgraph_rdf::{catalog_graph, Base, Mapping, RecordContext};
use dmpgraph_store::{
    default_sets, Change, Condition, RecordKey, RecordKind, RecordWrite, SourceFormat,
};
use std::path::Path;

/// Where records are minted: the base IRI and the catalog configuration.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The base IRI of record IRIs.
    pub base: &'a Base,
    /// The catalog configuration.
    pub config: &'a CatalogConfig,
}

/// The record id of a maDMP plan: its `dmp_id` in normal form.
pub fn madmp_id(dmp_id: &str) -> String {
    Identifier::parse(dmp_id).to_string()
}

/// The key of a plan's record.
pub fn plan_key(id: &str) -> RecordKey {
    RecordKey::new(RecordKind::Dmp, id)
}

/// A file's name without its folders: provenance must not publish the
/// operator's directory layout.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// An AMED plan read from a workbook, as the store takes it.
pub fn amed_write(reading: &Reading, ctx: Context<'_>) -> RecordWrite {
    plan_write(&reading.dmp, &reading.file, ctx)
}

/// An AMED plan read from `file`, as the store takes it.
pub fn plan_write(dmp: &Dmp, file: &Path, ctx: Context<'_>) -> RecordWrite {
    let source = file_name(file);
    let rctx = RecordContext {
        base: ctx.base,
        catalog: ctx.config,
        source: Some(&source),
        client: None,
    };
    let graphs = Mapping::builtin().dmp_to_graphs(dmp, &rctx);
    RecordWrite {
        key: plan_key(dmp.id()),
        graph: graphs.graph,
        public: graphs.public,
        private: graphs.private,
        format: SourceFormat::AmedExcel,
        base_iri: Some(ctx.base.as_str().to_string()),
        sets: default_sets(RecordKind::Dmp, SourceFormat::AmedExcel),
        version: dmp.version().map(|d| d.to_string()),
        source: Some(file.display().to_string()),
        title: Some(dmp.project.title.clone()),
        datasets: Some(dmp.datasets.len() as u32),
        madmp_version: None,
        conditions: Vec::new(),
    }
}

/// A maDMP document as the store takes it, or why it may not be stored.
pub fn madmp_write(reading: &MadmpReading, ctx: Context<'_>) -> Result<RecordWrite, String> {
    madmp_write_for(reading, ctx, None)
}

/// [`madmp_write`] for a client (the name of the maDMP API token it
/// presented), which the record's provenance names.
pub fn madmp_write_for(
    reading: &MadmpReading,
    ctx: Context<'_>,
    client: Option<&str>,
) -> Result<RecordWrite, String> {
    if let Some(own) = ctx.base.record_id(&reading.dmp_id) {
        return Err(format!(
            "/dmp/dmp_id/identifier: <{}> is dmpgraph's own record '{own}': this is an export of a stored plan; ingest its source instead",
            reading.dmp_id
        ));
    }
    let id = madmp_id(&reading.dmp_id);
    let source = file_name(&reading.file);
    let rctx = RecordContext {
        base: ctx.base,
        catalog: ctx.config,
        source: Some(&source),
        client,
    };
    let graph = ctx.base.record_iri(&id);
    // Split by the rules of the version the document was read as (with
    // --madmp-version 1.0, the keys 1.2 brought are extension keys).
    let graphs = Mapping::builtin()
        .madmp_to_graphs_as(&reading.document, reading.version, &graph, &rctx)
        .map_err(|e| e.to_string())?;
    Ok(RecordWrite {
        key: plan_key(&id),
        graph: graphs.graph,
        public: graphs.public,
        private: graphs.private,
        format: SourceFormat::Madmp,
        base_iri: Some(ctx.base.as_str().to_string()),
        sets: default_sets(RecordKind::Dmp, SourceFormat::Madmp),
        version: reading.modified.clone(),
        source: Some(reading.file.display().to_string()),
        title: Some(reading.title.clone()),
        datasets: Some(reading.datasets as u32),
        madmp_version: Some(reading.version.as_str().to_string()),
        // A maDMP document never replaces a plan read from its workbook
        // (whose private values a public export lacks).
        conditions: vec![Condition::SameFormat(SourceFormat::Madmp)],
    })
}

/// The catalog graph as a record (`catalog:catalog`).
pub fn catalog_write(ctx: Context<'_>) -> RecordWrite {
    let (graph, public) = catalog_graph(ctx.base, ctx.config);
    RecordWrite {
        key: RecordKey::new(RecordKind::Catalog, "catalog"),
        graph,
        public,
        private: Vec::new(),
        format: SourceFormat::Config,
        base_iri: Some(ctx.base.as_str().to_string()),
        sets: default_sets(RecordKind::Catalog, SourceFormat::Config),
        version: None,
        source: None,
        title: Some(ctx.config.catalog.title_en.clone()),
        datasets: None,
        madmp_version: None,
        conditions: Vec::new(),
    }
}

/// dmpgraph's vocabulary as a record (`vocabulary:dmpgraph`).
pub fn vocabulary_write() -> Result<RecordWrite, crate::PipelineError> {
    let (graph, public) =
        dmpgraph_rdf::vocabulary_graph().map_err(|source| crate::PipelineError::Mapping {
            record: "vocabulary".into(),
            source,
        })?;
    Ok(RecordWrite {
        key: RecordKey::new(RecordKind::Vocabulary, "dmpgraph"),
        graph,
        public,
        private: Vec::new(),
        format: SourceFormat::Ontology,
        base_iri: None,
        sets: default_sets(RecordKind::Vocabulary, SourceFormat::Ontology),
        version: None,
        source: None,
        title: Some("dmpgraph vocabulary".into()),
        datasets: None,
        madmp_version: None,
        conditions: Vec::new(),
    })
}

/// The writes every ingest starts with: the catalog and the vocabulary
/// (unchanged ones are not written again).
pub fn catalog_writes(ctx: Context<'_>) -> Result<Vec<Change>, crate::PipelineError> {
    Ok(vec![
        Change::Put(catalog_write(ctx)),
        Change::Put(vocabulary_write()?),
    ])
}
