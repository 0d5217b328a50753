//! Reading plans as the API serves them: each stored plan (an AMED
//! workbook's or a maDMP document's) as the public maDMP document `dmpgraph
//! export madmp` writes, read from one snapshot of the registry and the
//! public store together, so that a response never holds a plan half
//! written. No path leads to the private store.

use crate::error::ApiError;
use crate::negotiate::Representation;
use chrono::{DateTime, Utc};
use dmpgraph_model::CatalogConfig;
use dmpgraph_pipeline::catalog::{Catalog, PublicSnapshotCatalog};
use dmpgraph_store::{PublicView, RecordEntry, RecordKey, RecordKind};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A plan as served (its validators: [`Reading::validators`]).
#[derive(Debug, Clone)]
pub struct Served {
    /// `{"id": …, "dmp": {…}}`, the id the registry's (a 課題管理番号, a
    /// maDMP `dmp_id` in normal form).
    pub body: Value,
    /// What the version cannot express (the export's notes).
    pub notes: Vec<String>,
}

/// A snapshot's catalog, for one request.
pub struct Reading<'a> {
    catalog: PublicSnapshotCatalog<'a>,
    config: &'a CatalogConfig,
}

impl<'a> Reading<'a> {
    /// Reads through `snapshot`.
    pub fn new(
        snapshot: &'a dmpgraph_store::PublicSnapshot<'a>,
        public: &PublicView,
        config: &'a CatalogConfig,
    ) -> Reading<'a> {
        Reading {
            catalog: PublicSnapshotCatalog::new(snapshot, public.dir().display().to_string()),
            config,
        }
    }

    /// The live plan a client names by `id`: its system id, or its id in
    /// another written form (a DOI as `https://doi.org/…`).
    pub fn plan_entry(&self, id: &str) -> Result<Option<RecordEntry>, ApiError> {
        let key = RecordKey::new(RecordKind::Dmp, id);
        if let Some(e) = self.catalog.record(&key)? {
            return Ok((!e.is_deleted()).then_some(e));
        }
        let normal = dmpgraph_model::identity::Identifier::parse(id).to_string();
        if normal != id {
            if let Some(e) = self
                .catalog
                .record(&RecordKey::new(RecordKind::Dmp, &normal))?
            {
                return Ok((!e.is_deleted()).then_some(e));
            }
        }
        Ok(None)
    }

    /// The base IRI the store's records are minted under (the catalog
    /// record's), for records written through the API.
    pub fn base(&self) -> Result<dmpgraph_rdf::Base, ApiError> {
        let key = RecordKey::new(RecordKind::Catalog, "catalog");
        match self.catalog.record(&key)?.and_then(|e| e.base_iri) {
            Some(iri) => dmpgraph_rdf::Base::new(&iri).map_err(ApiError::internal),
            None => Ok(dmpgraph_rdf::Base::default()),
        }
    }

    /// Every live plan, in key order.
    pub fn plans(&self) -> Result<Vec<RecordEntry>, ApiError> {
        Ok(self
            .catalog
            .records_of(RecordKind::Dmp)?
            .into_iter()
            .filter(|e| !e.is_deleted())
            .collect())
    }

    /// The deposit facts record of a plan, when a link run wrote one (its
    /// changes change the plan's document).
    fn facts(&self, plan: &str) -> Result<Option<RecordEntry>, ApiError> {
        let key = dmpgraph_pipeline::link::link_key(&dmpgraph_rdf::link::status_id(plan));
        Ok(self.catalog.record(&key)?.filter(|e| !e.is_deleted()))
    }

    /// The entity tag and modification time of a plan as `representation`,
    /// without building its document.
    pub fn validators(
        &self,
        entry: &RecordEntry,
        representation: Representation,
    ) -> Result<(String, DateTime<Utc>), ApiError> {
        let facts = self.facts(&entry.key.id)?;
        let mut h = Sha256::new();
        h.update(entry.public_hash.as_bytes());
        let mut modified = entry.datestamp;
        if let Some(f) = &facts {
            h.update(b"\0");
            h.update(f.public_hash.as_bytes());
            modified = modified.max(f.datestamp);
        }
        let hash = hex::encode(&h.finalize()[..12]);
        Ok((format!("\"{hash}-{}\"", representation.tag()), modified))
    }

    /// A plan as `representation`.
    pub fn serve(
        &self,
        entry: &RecordEntry,
        representation: Representation,
    ) -> Result<Served, ApiError> {
        let export = dmpgraph_pipeline::export::madmp_document_of(
            &self.catalog,
            entry,
            representation.version,
            false,
            self.config,
        )?;
        let mut body = export.json;
        if let Value::Object(m) = &mut body {
            m.insert("id".into(), Value::String(entry.key.id.clone()));
            // `$schema` names the version's schema, which a client may
            // check; it is not part of `DMPWithID`.
            m.remove("$schema");
        }
        Ok(Served {
            body,
            notes: export
                .notes
                .iter()
                .map(|n| format!("{}: {}", n.pointer, n.message))
                .collect(),
        })
    }
}
