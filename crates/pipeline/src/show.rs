//! `show`: one stored record, every field with its public/private mark.

use crate::catalog::{resolve, Catalog};
use crate::PipelineError;
use dmpgraph_model::FieldValue;
use dmpgraph_rdf::{graphs_to_dmp, madmp_document, Base};
use dmpgraph_store::RecordEntry;

/// What `show` shows.
#[derive(Debug)]
pub enum Shown {
    /// An AMED plan: its fields, each with its mark.
    Plan {
        /// Its registry entry.
        entry: RecordEntry,
        /// Its fields (private ones only when asked for).
        fields: Vec<FieldValue>,
    },
    /// A maDMP plan: its document as stored.
    Madmp {
        /// Its registry entry.
        entry: RecordEntry,
        /// The document (without e-mail addresses when public only).
        document: serde_json::Value,
    },
    /// Another kind of record (catalog, vocabulary): how many quads it has.
    Graph {
        /// Its registry entry.
        entry: RecordEntry,
        /// Its public quads.
        quads: usize,
    },
    /// A deleted record: its tombstone.
    Deleted {
        /// Its registry entry (`deleted` says when).
        entry: RecordEntry,
    },
}

/// The record `id` names, as `show` prints it.
pub fn show(catalog: &dyn Catalog, id: &str, public_only: bool) -> Result<Shown, PipelineError> {
    let entry = resolve(catalog, id)?;
    if entry.is_deleted() {
        return Ok(Shown::Deleted { entry });
    }
    let public = catalog.public_graph(&entry.graph)?;
    let private = if public_only {
        Vec::new()
    } else {
        catalog.private_graph(&entry.graph)?
    };
    if let Some(document) = madmp_document(&private).or_else(|| madmp_document(&public)) {
        let document = document.map_err(|source| PipelineError::Mapping {
            record: entry.key.to_string(),
            source,
        })?;
        return Ok(Shown::Madmp { entry, document });
    }
    if entry.kind() != dmpgraph_store::RecordKind::Dmp {
        return Ok(Shown::Graph {
            quads: public.len(),
            entry,
        });
    }
    let mut quads = public;
    quads.extend(private);
    let base = Base::of_record(&entry.graph).map_err(|_| PipelineError::Graph {
        record: entry.key.to_string(),
        graph: entry.graph.clone(),
    })?;
    let dmp = graphs_to_dmp(&quads, &base).map_err(|source| PipelineError::Mapping {
        record: entry.key.to_string(),
        source,
    })?;
    Ok(Shown::Plan {
        fields: dmp.fields(),
        entry,
    })
}
