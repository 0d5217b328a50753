//! dmpgraph's application layer, shared by the command line and the server.
//!
//! It owns what turns files into stored records and stored records into
//! documents: reading a path into records ([`read`]), the identity and
//! version rules and the record writes ([`records`]), ingest and delete
//! through the single writer ([`ingest`]), record lookup, `show` and the
//! exports ([`catalog`], [`show`], [`export`]), and the local admin socket
//! through which commands hand their work to a running server ([`admin`]).
//!
//! Every write goes through a [`Sink`]: the writer of a store this process
//! opened, or a running server's writer, reached through its admin socket.
//! Every read goes through a [`Catalog`]: the views of a store this process
//! opened, or the same views in the running server.
//!
//! ```no_run
//! use dmpgraph_pipeline::{ingest, records::Context, read::ReadOptions, Local};
//! use std::path::PathBuf;
//! let local = Local::open(std::path::Path::new("dmpgraph-data"), true)?;
//! let base = dmpgraph_rdf::Base::new("http://localhost:8080/").unwrap();
//! let config = dmpgraph_model::CatalogConfig::builtin().clone();
//! let ctx = Context { base: &base, config: &config };
//! let files = dmpgraph_pipeline::read::collect(&[PathBuf::from("examples")])?;
//! let reports = ingest::ingest(&mut local.sink(), &ctx, &ReadOptions::default(), 256, &files, &|_| {})?;
//! println!("{} files", reports.len());
//! local.shutdown()?;
//! # Ok::<(), dmpgraph_pipeline::PipelineError>(())
//! ```

pub mod admin;
pub mod catalog;
pub mod export;
pub mod harvest;
pub mod ingest;
pub mod link;
pub mod read;
pub mod records;
pub mod show;

pub use catalog::{Catalog, Local, WRITER_NICE};
pub use ingest::Sink;

use std::path::PathBuf;

/// Everything that can go wrong in the pipeline.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] dmpgraph_store::StoreError),
    /// A path could not be read or written.
    #[error("{path}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// Mapping to or from RDF failed.
    #[error("record '{record}'")]
    Mapping {
        /// The record.
        record: String,
        /// The error.
        #[source]
        source: dmpgraph_rdf::MappingError,
    },
    /// A stored maDMP document cannot be read back.
    #[error("record '{record}': its stored maDMP document")]
    Document {
        /// The record.
        record: String,
        /// The error.
        #[source]
        source: dmpgraph_madmp::ImportError,
    },
    /// A public interface asked for the private store.
    #[error("the private store is not reachable from here (a public interface reads the public store only)")]
    PrivateRefused,
    /// No record answers to an id.
    #[error("no record '{id}' in {store}; {hint}")]
    NoRecord {
        /// The id asked for.
        id: String,
        /// The store.
        store: String,
        /// What is there instead.
        hint: String,
    },
    /// Several records answer to an id.
    #[error("'{id}' names several records ({}); give one as kind:id", keys.join(", "))]
    Ambiguous {
        /// The id asked for.
        id: String,
        /// The records.
        keys: Vec<String>,
    },
    /// The base IRI of a stored record cannot be told from its graph.
    #[error("record '{record}': graph <{graph}> is not of the form BASE/record/ID")]
    Graph {
        /// The record.
        record: String,
        /// Its graph.
        graph: String,
    },
    /// The admin socket failed.
    #[error("admin socket {path}")]
    Admin {
        /// The socket.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The admin socket's peer said something this build does not understand.
    #[error("admin socket {path}: {message}")]
    Protocol {
        /// The socket.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
    /// The running server could not do what was asked; its message.
    #[error("the running server: {message}")]
    Remote {
        /// The server's error, as it reported it.
        message: String,
    },
    /// A JSON value could not be written.
    #[error("JSON")]
    Json(#[from] serde_json::Error),
}
