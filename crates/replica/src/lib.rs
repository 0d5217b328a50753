//! dmpgraph's public store replicated to a running SPARQL 1.1 engine
//! (Virtuoso 7, Oxigraph server, or any SPARQL 1.1 Protocol server), and
//! the HTTP client that `/sparql` uses to ask that engine.
//!
//! **What goes to the engine.** A [`Replicator`] reads a
//! [`dmpgraph_store::PublicView`]: the public store and the registry, with
//! no path to the private store. What it sends can only come from there.
//!
//! **How.** The registry is a change log. Each round takes the changes
//! after the engine's position, keeps the last one per record, reads those
//! records' public graphs in batches, each from one snapshot, and sends
//! several records per update request (bounded in bytes): a live record as `DROP SILENT
//! GRAPH <g> ; INSERT DATA { GRAPH <g> { … } }` in the same request, a
//! deleted one as `DROP SILENT GRAPH <g>`. Then the position (the last
//! change sent, when, to which engine) is written atomically to
//! `DIR/public/replicas/NAME.json`. A failed request leaves the position
//! where it was: the round is sent again, whole, after a backoff.
//!
//! ```no_run
//! use dmpgraph_replica::{EngineTables, Replicator};
//! use dmpgraph_store::{Stores, WriterOptions};
//! let tables = EngineTables::from_toml(
//!     "[backend]\nflavour = 'oxigraph'\nurl = 'http://127.0.0.1:7878'\n",
//!     "example",
//! )?;
//! let engine = tables.resolve(&|var| std::env::var(var).ok())?.remove(0);
//! let writer = Stores::open(std::path::Path::new("dmpgraph-data"))?.start_writer(WriterOptions::default());
//! let replicator = Replicator::new(writer.public(), engine)?;
//! let position = replicator.catch_up()?;
//! println!("the engine has every change up to {}", position.seq);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod config;
mod engine;
mod replicate;

pub use config::{read_password, AuthScheme, EngineConfig, EngineTable, EngineTables, Flavour};
pub use engine::{Engine, EngineAnswer};
pub use replicate::{positions, read_position, Position, Replicator};

use std::path::PathBuf;

/// Everything that can go wrong between dmpgraph and an engine.
#[derive(Debug, thiserror::Error)]
pub enum ReplicaError {
    /// A `[backend]` or `[replicas.*]` table is wrong.
    #[error("{origin}: {message}")]
    Config {
        /// The table or file.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// The engine cannot be reached, or its answer cannot be read.
    #[error("engine '{engine}' ({url}) cannot be reached: is it running?")]
    Http {
        /// The engine's name.
        engine: String,
        /// The URL asked.
        url: String,
        /// The error.
        #[source]
        source: reqwest::Error,
    },
    /// The engine did not answer in time.
    #[error("engine '{engine}' ({url}) did not answer in time")]
    Timeout {
        /// The engine's name.
        engine: String,
        /// The URL asked.
        url: String,
    },
    /// The engine refused a request.
    #[error("engine '{engine}' ({url}) answered {status}: {message}")]
    Refused {
        /// The engine's name.
        engine: String,
        /// The URL asked.
        url: String,
        /// Its HTTP status.
        status: u16,
        /// The start of its answer.
        message: String,
    },
    /// The engine cut its answer short (Virtuoso's anytime queries and
    /// ResultSetMaxRows).
    #[error("engine '{engine}' gave a partial answer ({reason}); raise its limits (Virtuoso: [SPARQL] ResultSetMaxRows, MaxQueryExecutionTime)")]
    Partial {
        /// The engine's name.
        engine: String,
        /// Why.
        reason: String,
    },
    /// The credentials cannot be sent.
    #[error("engine '{engine}': {message}")]
    Auth {
        /// The engine's name.
        engine: String,
        /// Why.
        message: String,
    },
    /// The local store failed.
    #[error("reading the public store")]
    Store(#[from] dmpgraph_store::StoreError),
    /// A file (a position, a password) cannot be read or written.
    #[error("{path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A position file is not what dmpgraph writes.
    #[error("{path}: not a replica position; remove it to replicate again from the start")]
    Position {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: serde_json::Error,
    },
}
