//! Exports: stored plans as maDMP JSON, stored graphs as RDF. Public by
//! default; private values only when a trusted exchange asks for them.

use crate::catalog::{resolve, Catalog};
use crate::PipelineError;
use dmpgraph_madmp::{amed_to_madmp, AmedExportOptions, Version};
use dmpgraph_model::CatalogConfig;
use dmpgraph_rdf::{graphs_to_dmp, madmp_document, Base};
use dmpgraph_store::{RecordEntry, RecordKind, SourceFormat};
use oxigraph::model::Quad;

/// Which records an export takes.
#[derive(Debug, Clone)]
pub enum Selection {
    /// One record, by an id as a person writes it.
    One(String),
    /// Every stored plan (for RDF: every stored graph, so that a dump holds
    /// exactly what the public endpoint serves).
    All,
}

/// The plans a selection names (deleted records never), in key order.
pub fn selected_plans(
    catalog: &dyn Catalog,
    selection: &Selection,
) -> Result<Vec<RecordEntry>, PipelineError> {
    match selection {
        Selection::One(id) => {
            let e = resolve(catalog, id)?;
            if e.is_deleted() || e.kind() != RecordKind::Dmp {
                return Err(PipelineError::NoRecord {
                    id: id.clone(),
                    store: catalog.location(),
                    hint: if e.is_deleted() {
                        format!(
                            "{} was deleted on {}",
                            e.key,
                            e.deleted.map(|d| d.to_rfc3339()).unwrap_or_default()
                        )
                    } else {
                        format!("{} is not a plan", e.key)
                    },
                });
            }
            Ok(vec![e])
        }
        Selection::All => Ok(catalog
            .records()?
            .into_iter()
            .filter(|e| !e.is_deleted() && e.kind() == RecordKind::Dmp)
            .collect()),
    }
}

/// One stored plan as a maDMP document of `version`, with the export's notes.
pub fn madmp_document_of(
    catalog: &dyn Catalog,
    entry: &RecordEntry,
    version: Version,
    include_private: bool,
    config: &CatalogConfig,
) -> Result<dmpgraph_madmp::Export, PipelineError> {
    let private = if include_private {
        catalog.private_graph(&entry.graph)?
    } else {
        Vec::new()
    };
    let mapping_err = |source| PipelineError::Mapping {
        record: entry.key.to_string(),
        source,
    };
    let doc = if entry.format == SourceFormat::Madmp {
        // A maDMP record keeps its document: the full one privately, its
        // public part (what the privacy rules of mappings/rdf.toml leave:
        // no e-mail address, no person not to be published, no extension
        // key not listed as public) publicly.
        // The public one is read alone, through the graph–predicate index.
        let stored = match madmp_document(&private) {
            Some(v) => Some(v),
            None => catalog
                .public_literal(&entry.graph, dmpgraph_rdf::MADMP_DOCUMENT)?
                .map(|json| {
                    serde_json::from_str(&json).map_err(|e| {
                        dmpgraph_rdf::MappingError::new(format!("stored maDMP document: {e}"))
                    })
                }),
        };
        let mut value = match stored {
            Some(v) => v.map_err(mapping_err)?,
            None => {
                return Err(mapping_err(dmpgraph_rdf::MappingError::new(
                    "its stored maDMP document is missing",
                )))
            }
        };
        if !include_private {
            // The standard requires contact.mbox, an e-mail address (private):
            // a public export names the catalog's published address instead,
            // as for AMED plans.
            if let Some(contact) = value
                .pointer_mut("/dmp/contact")
                .and_then(serde_json::Value::as_object_mut)
            {
                contact
                    .entry("mbox")
                    .or_insert_with(|| serde_json::Value::String(config.contact.mbox.clone()));
            }
        }
        let mut doc = dmpgraph_madmp::from_value(&value, None)
            .map(|(doc, _)| doc)
            .map_err(|source| PipelineError::Document {
                record: entry.key.to_string(),
                source,
            })?;
        put_linked_deposits(catalog, &entry.key.id, &mut doc)?;
        doc
    } else {
        let base = Base::of_record(&entry.graph).map_err(|_| PipelineError::Graph {
            record: entry.key.to_string(),
            graph: entry.graph.clone(),
        })?;
        let mut quads = catalog.public_graph(&entry.graph)?;
        quads.extend(private);
        let dmp = graphs_to_dmp(&quads, &base).map_err(mapping_err)?;
        let options = AmedExportOptions {
            record_iri: &entry.graph,
            catalog: config,
            include_private,
        };
        let mut doc = amed_to_madmp(&dmp, &options);
        put_linked_deposits(catalog, &entry.key.id, &mut doc)?;
        doc
    };
    Ok(dmpgraph_madmp::export(&doc, version))
}

/// The deposits accepted as a plan's datasets (the linker's facts), put
/// into its export.
fn put_linked_deposits(
    catalog: &dyn Catalog,
    plan: &str,
    doc: &mut dmpgraph_madmp::MadmpDocument,
) -> Result<(), PipelineError> {
    for (number, facts) in crate::link::stored_facts(catalog, plan)? {
        let deposits: Vec<dmpgraph_madmp::Deposited> =
            facts.deposits.iter().map(deposited).collect();
        dmpgraph_madmp::put_deposits(doc, number, &deposits);
    }
    Ok(())
}

/// A linked deposit as maDMP shows it.
fn deposited(d: &dmpgraph_rdf::link::EntryDeposit) -> dmpgraph_madmp::Deposited {
    use dmpgraph_madmp::DataAccess;
    use dmpgraph_model::deposit::Access;
    let (identifier, id_type) = match (d.is_doi(), &d.resolvable) {
        (true, Some(u)) => (u.clone(), "doi"),
        (false, Some(u)) => (u.clone(), "url"),
        _ => (d.id.clone(), "other"),
    };
    dmpgraph_madmp::Deposited {
        identifier,
        id_type,
        direct: !matches!(d.relation.as_str(), "IsPartOf" | "IsVersionOf"),
        title: d.title.as_ref().map(|(t, _)| t.clone()),
        landing: d.landing.clone(),
        data_access: match d
            .access
            .as_deref()
            .and_then(dmpgraph_rdf::deposit::access_of_right)
        {
            Some(Access::Open) => DataAccess::Open,
            Some(Access::Restricted) => DataAccess::Restricted,
            _ => DataAccess::Closed,
        },
        issued: d.issued,
        host: (d.repository.name.clone(), d.repository.url.clone()),
    }
}

/// The quads an RDF export holds: one plan's graphs, or with `All` every
/// live record's graph of every kind (plans, the catalog, the vocabulary,
/// and whatever later kinds are stored), which is exactly what the public
/// SPARQL endpoint's default graph is the union of.
pub fn rdf_quads(
    catalog: &dyn Catalog,
    selection: &Selection,
    include_private: bool,
) -> Result<Vec<Quad>, PipelineError> {
    let entries: Vec<RecordEntry> = match selection {
        Selection::One(_) => selected_plans(catalog, selection)?,
        Selection::All => catalog
            .records()?
            .into_iter()
            .filter(|e| !e.is_deleted())
            .collect(),
    };
    let mut quads = Vec::new();
    for entry in &entries {
        quads.extend(catalog.public_graph(&entry.graph)?);
        if include_private {
            quads.extend(catalog.private_graph(&entry.graph)?);
        }
    }
    Ok(quads)
}
