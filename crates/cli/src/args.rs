//! Command-line definitions (clap). No logic here: see `commands`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// dmpgraph reads research Data Management Plans (AMED's Excel form), checks
/// them, and keeps them as RDF in an embedded store with public and private
/// facts apart.
#[derive(Debug, Parser)]
#[command(name = "dmpgraph", version, about, long_about = None)]
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
    /// With `dmpgraph serve` running on the store, the records are handed to
    /// the server, which writes them while it serves.
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
        #[command(flatten)]
        config: ConfigArgs,
        /// Read maDMP JSON files as this version of the DMP Common Standard
        /// instead of detecting it from each document.
        #[arg(long, value_name = "VERSION", value_parser = ["1.0", "1.1", "1.2", "1.3"])]
        madmp_version: Option<String>,
        /// Workbooks (.xlsx, .xlsm, .xls, .ods), maDMP JSON files (.json), or
        /// folders of them.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Check DMP workbooks and maDMP JSON files like `ingest` does, storing nothing.
    ///
    /// Exit status: 0 when every file passes (warnings allowed), 1 when any
    /// file has an error.
    Validate {
        #[command(flatten)]
        check: CheckArgs,
        /// Read maDMP JSON files as this version instead of detecting it.
        #[arg(long, value_name = "VERSION", value_parser = ["1.0", "1.1", "1.2", "1.3"])]
        madmp_version: Option<String>,
        /// Workbooks, maDMP JSON files, or folders of them.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Delete stored records: their graphs leave both stores, a tombstone
    /// (id, kind, sets, deleted-at) stays in the registry and the change log.
    ///
    /// With `dmpgraph serve` running on the store, the server does it.
    /// Exit status: 0 when every record was deleted (or was already), 1
    /// when an id names no record, 2 on a usage or store error.
    Delete {
        #[command(flatten)]
        store: StoreArgs,
        /// Print JSON instead of lines.
        #[arg(long)]
        json: bool,
        /// The records: a plan's grant number (課題管理番号), a maDMP plan's
        /// dmp_id (a DOI in any written form), or kind:id.
        #[arg(required = true, value_name = "ID")]
        ids: Vec<String>,
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
        /// The record: a plan's grant number (課題管理番号), a maDMP plan's
        /// dmp_id (a DOI in any written form), or kind:id.
        id: String,
    },
    /// Count the stored records and quads.
    /// Bring the engines of `[backend]` and `[replicas.NAME]` up to date
    /// with the store's change log (what `dmpgraph serve` does as it runs),
    /// then follow it (or stop, with --once).
    ///
    /// Only the public store is sent. Each engine's position (the last
    /// change it has) is kept in DIR/public/replicas/NAME.json. Exit
    /// status: 1 when an engine could not be brought up to date (--once).
    Replicate {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        config: ConfigArgs,
        #[command(flatten)]
        backend: BackendArgs,
        /// Catch up once, then stop.
        #[arg(long)]
        once: bool,
    },
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
    /// Print where every field of AMED's form goes: its public/private mark,
    /// its RDF property path and its maDMP place (from mappings/rdf.toml), as
    /// a Markdown table.
    Fields {
        /// Replace the table in this README between its markers instead.
        #[arg(long, value_name = "FILE", hide = true)]
        write_readme: Option<PathBuf>,
    },
    /// Export stored plans as maDMP JSON or RDF.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Harvest what was deposited: DOIs from DataCite, Crossref and JaLC
    /// (the registry asked of doi.org first), accessions from the DDBJ
    /// Search API (JGA, DRA, BioProject, BioSample), or everything AMED
    /// funded. Each record is stored as its own named graph with its
    /// provenance; a record the source says is gone becomes a tombstone.
    ///
    /// Requests are polite: per-host rate limits and concurrency, retries
    /// with backoff honouring Retry-After, conditional requests (an
    /// unchanged record costs a 304), a User-Agent with a contact address.
    /// An interrupted harvest (Ctrl-C, a crash) resumes when the same
    /// command is run again. With `dmpgraph serve` running on the store,
    /// the records are handed to the server, which writes them while it
    /// serves.
    ///
    /// Exit status: 0 when every target was harvested, 1 when any failed
    /// (the others are stored), 2 on a usage, configuration or store error,
    /// 130 when interrupted (run the same command again to resume).
    #[command(subcommand)]
    Harvest(HarvestCommand),
    /// Link each planned dataset (a plan's entry) to what was deposited:
    /// run the linker, list its links, accept or reject them.
    ///
    /// Links scoring at least `[link] accept_at` are accepted automatically;
    /// the others wait for a curator, whose decision survives every later
    /// run. With `dmpgraph serve` running on the store, the server writes.
    ///
    /// Exit status: 0 on success, 1 when a link changed meanwhile or names
    /// nothing, 2 on a usage or store error.
    #[command(subcommand)]
    Link(LinkCommand),
    /// Reports over the store.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Write tokens of the RDA Common maDMP API (`dmpgraph serve`): made,
    /// listed, revoked in the store's token file (DIR/api-tokens.toml,
    /// names and SHA-256 digests only). A running server sees a change at
    /// its next write request.
    ///
    /// Exit status: 0 on success, 1 when the token named is not there,
    /// 2 on a usage or file error.
    #[command(subcommand)]
    ApiToken(ApiTokenCommand),
    /// Run a SPARQL query over the public store and print the answer.
    ///
    /// Exit status: 0 on an answer, 1 when the query is refused or fails,
    /// 2 on a usage or store error.
    Query {
        #[command(flatten)]
        store: StoreArgs,
        /// Output format: json, xml, csv, tsv (SELECT, ASK) or turtle,
        /// ntriples, nquads, rdfxml, jsonld (CONSTRUCT, DESCRIBE). Default:
        /// tsv for SELECT and ASK, turtle for CONSTRUCT and DESCRIBE.
        #[arg(long, short, value_name = "FORMAT")]
        format: Option<String>,
        /// The query text, `@FILE` to read it from a file, or `-` for stdin.
        query: String,
    },
    /// Serve the public store over HTTP: SPARQL 1.1 Protocol (/sparql),
    /// Graph Store Protocol, read-only (/store), record pages (/record/ID),
    /// /health.
    ///
    /// The server becomes the store's only writer: `dmpgraph ingest`,
    /// `delete` (and `show`, `stats`, `export`, `query`) run meanwhile hand
    /// their work to it through its admin socket (DIR/private/admin.sock,
    /// for the store's owner only). HTTP handlers see the public store and
    /// the registry only: no request can reach a private value.
    Serve {
        #[command(flatten)]
        store: StoreArgs,
        /// Address to listen on.
        #[arg(
            long,
            value_name = "HOST:PORT",
            env = "DMPGRAPH_ADDR",
            default_value = "127.0.0.1:8080"
        )]
        addr: std::net::SocketAddr,
        /// Longest time a query may run before it is stopped (seconds).
        #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
        query_timeout: f64,
        /// Most rows (or triples) in one answer; larger answers get an error.
        #[arg(long, value_name = "N", default_value_t = 100_000)]
        max_rows: usize,
        /// Queries evaluated at once; the others wait (default: the number of cores).
        #[arg(long, value_name = "N")]
        max_concurrent: Option<usize>,
        /// The OAI-PMH repository identifier (items are oai:ID:dmp:…).
        #[arg(
            long,
            value_name = "ID",
            env = "DMPGRAPH_OAI_REPOSITORY",
            default_value = "localhost"
        )]
        oai_repository_identifier: String,
        /// Items per OAI-PMH list page.
        #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
        oai_page_size: u32,
        /// Where the RDA Common maDMP API is served.
        #[arg(long, value_name = "PATH", default_value = dmpgraph_api::DEFAULT_PREFIX)]
        api_prefix: String,
        #[command(flatten)]
        config: ConfigArgs,
        #[command(flatten)]
        backend: BackendArgs,
        /// The day embargoes are decided on: a dataset whose planned
        /// publication date has come opens, with a new OAI-PMH datestamp.
        /// Default: today in Japan (checked every ten minutes).
        #[arg(long, value_name = "YYYY-MM-DD", env = "DMPGRAPH_TODAY")]
        today: Option<chrono::NaiveDate>,
    },
}

/// The SPARQL engine behind `/sparql` (`[backend]` of --config), and its
/// overrides. The password is never a flag: `DMPGRAPH_BACKEND_PASSWORD`,
/// `--backend-password-file`, or `password_file` / `password_env` in the
/// configuration.
#[derive(Debug, Args, Clone, Default)]
pub struct BackendArgs {
    /// The engine's base URL (the flavour's usual paths are added: Virtuoso
    /// /sparql and /sparql-auth, oxigraph /query, /update and /store).
    #[arg(long, value_name = "URL", env = "DMPGRAPH_BACKEND_URL")]
    pub backend_url: Option<String>,
    /// virtuoso, oxigraph or generic.
    #[arg(long, value_name = "FLAVOUR", env = "DMPGRAPH_BACKEND_FLAVOUR", value_parser = ["virtuoso", "oxigraph", "generic"])]
    pub backend_flavour: Option<String>,
    /// The user the engine's updates are made as.
    #[arg(long, value_name = "USER", env = "DMPGRAPH_BACKEND_USER")]
    pub backend_user: Option<String>,
    /// A file whose first line is the engine's password.
    #[arg(long, value_name = "FILE", env = "DMPGRAPH_BACKEND_PASSWORD_FILE")]
    pub backend_password_file: Option<PathBuf>,
}

/// The catalog configuration (titles, publisher, public contact, funder).
#[derive(Debug, Args, Clone)]
pub struct ConfigArgs {
    /// A catalog configuration file (the shape of mappings/catalog.toml);
    /// default: the built-in one.
    #[arg(long, value_name = "FILE", env = "DMPGRAPH_CONFIG")]
    pub config: Option<PathBuf>,
}

/// Which records to export.
#[derive(Debug, Args, Clone)]
#[group(required = true, multiple = false)]
pub struct Selection {
    /// One record, by its id (an AMED plan's grant number, 課題管理番号; a
    /// maDMP plan's dmp_id).
    #[arg(long, value_name = "ID")]
    pub dmp: Option<String>,
    /// Every stored plan.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Stored plans as RDA maDMP JSON (DMP Common Standard 1.3 or 1.2).
    ///
    /// With --out DIR, one file per plan (ID.json); otherwise --dmp prints
    /// the document and --all prints one document per line (JSON Lines).
    Madmp {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        selection: Selection,
        /// Folder to write the documents into (created if missing).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The version of the DMP Common Standard to write.
        #[arg(long = "version", value_name = "VERSION", default_value = "1.3", value_parser = ["1.3", "1.2"])]
        madmp_version: String,
        /// Also export private values (e-mail addresses, unpublishable
        /// staff): for a trusted exchange only.
        #[arg(long)]
        include_private: bool,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Stored record graphs as RDF (the catalog graph too with --all).
    Rdf {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        selection: Selection,
        /// turtle, trig, nquads, ntriples, jsonld or rdfxml. Formats without
        /// named graphs (turtle, ntriples, rdfxml) merge the graphs.
        #[arg(long, value_name = "FORMAT", default_value = "turtle", value_parser = ["turtle", "trig", "nquads", "ntriples", "jsonld", "rdfxml"])]
        format: String,
        /// File to write (default: stdout).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Also export the private graphs: for a trusted exchange only.
        #[arg(long)]
        include_private: bool,
    },
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}

/// Options of every harvest.
#[derive(Debug, Args, Clone)]
pub struct HarvestArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The configuration file (catalog.toml's shape, with `[harvest]` and
    /// `[sources.NAME]` tables: contact, base URLs, rates); default: the
    /// built-in one. `DMPGRAPH_DATACITE_URL` and the like override base URLs.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Base IRI of record IRIs (where `dmpgraph serve` will answer).
    #[arg(
        long,
        value_name = "IRI",
        env = "DMPGRAPH_BASE_IRI",
        default_value = "http://localhost:8080/"
    )]
    pub base_iri: String,
    /// The contact address sent in the User-Agent and as Crossref's
    /// `mailto` (default: `[harvest] contact` of the configuration).
    #[arg(long, value_name = "EMAIL", env = "DMPGRAPH_CONTACT")]
    pub contact: Option<String>,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum HarvestCommand {
    /// Harvest DOIs (any written form: `10.…`, `doi:…`, `https://doi.org/…`).
    Doi {
        #[command(flatten)]
        args: HarvestArgs,
        /// The DOIs.
        #[arg(required = true, value_name = "DOI")]
        dois: Vec<String>,
    },
    /// Harvest accessions from the DDBJ Search API (JGAS…, JGAD…, DRA…,
    /// DRP…, DRX…, DRR…, DRS…, PRJDB…, SAMD…).
    Accession {
        #[command(flatten)]
        args: HarvestArgs,
        /// The accession numbers.
        #[arg(required = true, value_name = "ID")]
        ids: Vec<String>,
    },
    /// Harvest everything the funder of the configuration (AMED) funded:
    /// DataCite's funding references (by name, ROR and Crossref Funder ID),
    /// Crossref's works filtered by funder, and DDBJ entries whose grant
    /// names the funder, searched by the stored plans' 研究開発課題名.
    Funder {
        #[command(flatten)]
        args: HarvestArgs,
        /// Only these grants (an acknowledgement number such as
        /// JP21ek0109555, or a 課題管理番号, in any written form).
        #[arg(long, value_name = "NUMBER", num_args = 1..)]
        award: Vec<String>,
    },
    /// Harvest every DOI and accession that the stored plans point at
    /// (DOI links, repository URLs, descriptions).
    Referenced {
        #[command(flatten)]
        args: HarvestArgs,
    },
}

impl HarvestCommand {
    /// The options every harvest has.
    pub fn args(&self) -> &HarvestArgs {
        match self {
            HarvestCommand::Doi { args, .. }
            | HarvestCommand::Accession { args, .. }
            | HarvestCommand::Funder { args, .. }
            | HarvestCommand::Referenced { args } => args,
        }
    }
}

/// Options of every `link` command.
#[derive(Debug, Args, Clone)]
pub struct LinkArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The configuration file (catalog.toml's shape, with a `[link]` table:
    /// `accept_at`, `propose_at`); default: the built-in one.
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Base IRI of record IRIs (where `dmpgraph serve` will answer).
    #[arg(
        long,
        value_name = "IRI",
        env = "DMPGRAPH_BASE_IRI",
        default_value = "http://localhost:8080/"
    )]
    pub base_iri: String,
}

/// A listing's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// A table for people.
    Table,
    /// JSON.
    Json,
    /// CSV (UTF-8 with a byte-order mark, for Excel).
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum LinkCommand {
    /// Propose links for every stored plan and deposit; re-runnable: what
    /// did not change is not written again, curators' decisions stay.
    Run {
        #[command(flatten)]
        args: LinkArgs,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the links.
    List {
        #[command(flatten)]
        args: LinkArgs,
        /// Only this plan's (its 課題管理番号).
        #[arg(long, value_name = "ID")]
        dmp: Option<String>,
        /// Only links with this status.
        #[arg(long, value_parser = ["proposed", "accepted", "rejected"])]
        status: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Accept a link (a curator's decision).
    Accept {
        #[command(flatten)]
        args: LinkArgs,
        /// The link's id (`link:…`, from `link list`).
        #[arg(value_name = "LINK-ID")]
        id: String,
        /// Why.
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Reject a link (a curator's decision).
    Reject {
        #[command(flatten)]
        args: LinkArgs,
        /// The link's id (`link:…`, from `link list`).
        #[arg(value_name = "LINK-ID")]
        id: String,
        /// Why.
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
}

impl LinkCommand {
    /// The options every link command has.
    pub fn args(&self) -> &LinkArgs {
        match self {
            LinkCommand::Run { args, .. }
            | LinkCommand::List { args, .. }
            | LinkCommand::Accept { args, .. }
            | LinkCommand::Reject { args, .. } => args,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ApiTokenCommand {
    /// Make a token for a client and print it (once: only its digest is kept).
    Add {
        #[command(flatten)]
        store: StoreArgs,
        /// The client's name, which the provenance of what it writes
        /// records (letters, digits, '.', '_', '-').
        name: String,
    },
    /// List the tokens' names and when they were made.
    List {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Revoke a client's token.
    Revoke {
        #[command(flatten)]
        store: StoreArgs,
        /// The client's name.
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// AMED's deposit report: per planned dataset, the sharing method and
    /// date planned, the deadline AMED's rule gives (制限共有 moves to
    /// publication within two years of the project's end), the accepted
    /// deposits with their access, and a status (deposited as planned,
    /// late, with other access, not yet due, overdue, not applicable);
    /// totals per programme and institution.
    Deposits {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        config: ConfigArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        /// The day the report is made as of (YYYY-MM-DD; default today).
        #[arg(long, value_name = "DATE")]
        today: Option<chrono::NaiveDate>,
    },
}
