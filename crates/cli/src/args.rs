//! Command-line definitions (clap). No logic here: see `commands`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// dmpgraph reads research Data Management Plans (AMED's Excel form), checks
/// them, and keeps them as RDF in an embedded store with public and private
/// facts apart.
#[derive(Debug, Parser)]
#[command(name = "dmpgraph", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// More log output (-v: info, -vv: debug, -vvv: trace). RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

/// The store options shared by commands that open the store.
#[derive(Debug, Args, Clone)]
pub struct StoreArgs {
    /// The store directory (created if missing).
    #[arg(
        long,
        value_name = "DIR",
        env = "DMPGRAPH_STORE",
        default_value = "./dmpgraph-data"
    )]
    pub store: PathBuf,
}

/// Options of reading and checking plans.
#[derive(Debug, Args, Clone)]
pub struct CheckArgs {
    /// The day the rules are checked on (a publication date in the past
    /// without a DOI is a warning). Default: today.
    #[arg(long, value_name = "YYYY-MM-DD", env = "DMPGRAPH_TODAY")]
    pub today: Option<chrono::NaiveDate>,

    /// Machine-readable output (JSON on stdout).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read DMP workbooks (files or folders, recursively), check them and
    /// store every valid one as its own named graph.
    ///
    /// Exit status: 0 when every file was stored (or was already stored), 1
    /// when any file was rejected (the others are still stored), 2 on a
    /// usage or store error.
    Ingest {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        check: CheckArgs,
        /// Base IRI of record IRIs (where `dmpgraph serve` will answer).
        #[arg(
            long,
            value_name = "IRI",
            env = "DMPGRAPH_BASE_IRI",
            default_value = "http://localhost:8080/"
        )]
        base_iri: String,
        /// Records written per transaction.
        #[arg(long, value_name = "N", default_value_t = 256, value_parser = clap::value_parser!(u16).range(1..))]
        batch_size: u16,
        /// Workbooks (.xlsx, .xls, .ods) or folders of them.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Check DMP workbooks like `ingest` does, storing nothing.
    ///
    /// Exit status: 0 when every file passes (warnings allowed), 1 when any
    /// file has an error.
    Validate {
        #[command(flatten)]
        check: CheckArgs,
        /// Workbooks or folders of them.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Print a stored record, every field with its public/private mark.
    Show {
        #[command(flatten)]
        store: StoreArgs,
        /// Hide private (blue-cell) values.
        #[arg(long)]
        public_only: bool,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// The record id: a DMP's grant number (課題管理番号).
        id: String,
    },
    /// Count the stored records and quads.
    Stats {
        #[command(flatten)]
        store: StoreArgs,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Also check every record's graphs against the registry's hashes.
        #[arg(long)]
        verify: bool,
    },
}
