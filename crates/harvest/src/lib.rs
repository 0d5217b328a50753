//! dmpgraph's harvest: one polite HTTP client ([`client`]) and the
//! connectors to the registries and archives that hold what AMED-funded
//! projects deposited ([`sources`]: DataCite, Crossref, JaLC, doi.org's
//! registration-agency look-up, the DDBJ Search API), with what a harvest
//! remembers between runs ([`state`]) and the runs themselves ([`run`]).
//!
//! A run hands the records it maps to a [`run::Store`]; the application
//! crate's store writes them through the single writer, so a harvest runs
//! while the server serves.
//!
//! ```
//! use dmpgraph_harvest::config::{HarvestConfig, Service};
//! let c = HarvestConfig::from_toml("[sources.datacite]\nbase_url = \"http://127.0.0.1:8081/datacite\"\n", "example", &|_| None).unwrap();
//! assert_eq!(c.source(Service::DataCite).base_url, "http://127.0.0.1:8081/datacite");
//! assert_eq!(c.source(Service::Crossref).base_url, "https://api.crossref.org");
//! ```

pub mod client;
pub mod config;
pub mod run;
pub mod sources;
pub mod state;

use std::path::{Path, PathBuf};

/// Everything that can go wrong in a harvest, beyond one record.
#[derive(Debug, thiserror::Error)]
pub enum HarvestError {
    /// The configuration is wrong.
    #[error("{origin}: {message}")]
    Config {
        /// The file or variable.
        origin: String,
        /// What is wrong and what was expected.
        message: String,
    },
    /// The harvest state cannot be read or written.
    #[error("the harvest state {path}")]
    State {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A path could not be created.
    #[error("{path}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The HTTP client could not be made.
    #[error(transparent)]
    Client(#[from] client::FetchError),
    /// The store refused or failed.
    #[error("the store")]
    Store(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The run was interrupted (Ctrl-C); its checkpoint is kept.
    #[error("interrupted; run the same command again to resume")]
    Interrupted,
}

impl HarvestError {
    fn state(path: &Path, e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> HarvestError {
        HarvestError::State {
            path: path.to_path_buf(),
            source: e.into(),
        }
    }
}
