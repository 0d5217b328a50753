//! The commands: read → check → map → store, and the views of the store.

use crate::args::{CheckArgs, Command, ConfigArgs};
use crate::report::{self, FileReport, Status};
use crate::{export, files, serve};
use anyhow::Context;
use chrono::NaiveDate;
use dmpgraph_amed_excel::{Problem, ReadError, Reading};
use dmpgraph_madmp::Version as MadmpVersion;
use dmpgraph_model::{CatalogConfig, Entity, Field, FieldValue, Severity, Value, Visibility};
use dmpgraph_rdf::{catalog_graph, graphs_to_dmp, madmp_document, Base, Mapping, RecordContext};
use dmpgraph_store::{RecordKind, RecordWrite, Stores, WriteOutcome};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Ingest {
            store,
            check,
            base_iri,
            batch_size,
            config,
            madmp_version,
            paths,
        } => {
            let base = Base::new(&base_iri).map_err(anyhow::Error::msg)?;
            let options = ReadOptions {
                today: today(&check),
                madmp_version: madmp_version_arg(madmp_version.as_deref())?,
            };
            let config = load_config(&config)?;
            ingest(
                &store.store,
                &check,
                &options,
                &base,
                &config,
                batch_size as usize,
                &paths,
            )
        }
        Command::Validate {
            check,
            madmp_version,
            paths,
        } => {
            let options = ReadOptions {
                today: today(&check),
                madmp_version: madmp_version_arg(madmp_version.as_deref())?,
            };
            validate(&check, &options, &paths)
        }
        Command::Export(command) => export::run(command),
        Command::Fields { write_readme } => fields(write_readme.as_deref()),
        Command::Query {
            store,
            format,
            query,
        } => serve::query(&store.store, format.as_deref(), &query),
        Command::Serve {
            store,
            addr,
            query_timeout,
            max_rows,
            max_concurrent,
            update_token,
        } => serve::serve(
            &store.store,
            addr,
            query_timeout,
            max_rows,
            max_concurrent,
            update_token,
        ),
        Command::Show {
            store,
            public_only,
            json,
            id,
        } => show(&store.store, &id, public_only, json),
        Command::Stats {
            store,
            json,
            verify,
        } => stats(&store.store, json, verify),
    }
}

fn today(check: &CheckArgs) -> NaiveDate {
    check
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

fn fields(write_readme: Option<&Path>) -> anyhow::Result<ExitCode> {
    let table = Mapping::builtin().field_table();
    let Some(readme) = write_readme else {
        print!("{table}");
        return Ok(ExitCode::SUCCESS);
    };
    let text = std::fs::read_to_string(readme)
        .with_context(|| format!("cannot read {}", readme.display()))?;
    let updated = dmpgraph_rdf::replace_field_table(&text, &table).with_context(|| {
        format!(
            "{} has no field-table markers ({} … {})",
            readme.display(),
            dmpgraph_rdf::FIELD_TABLE_BEGIN,
            dmpgraph_rdf::FIELD_TABLE_END
        )
    })?;
    std::fs::write(readme, updated)
        .with_context(|| format!("cannot write {}", readme.display()))?;
    eprintln!("{}: field table updated", readme.display());
    Ok(ExitCode::SUCCESS)
}

fn madmp_version_arg(arg: Option<&str>) -> anyhow::Result<Option<MadmpVersion>> {
    arg.map(|v| {
        v.parse::<MadmpVersion>()
            .map_err(|e| anyhow::anyhow!("--madmp-version: {e}"))
    })
    .transpose()
}

/// The catalog configuration: `--config FILE`, else the built-in one.
pub(crate) fn load_config(args: &ConfigArgs) -> anyhow::Result<CatalogConfig> {
    match &args.config {
        None => Ok(CatalogConfig::builtin().clone()),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the configuration {}", path.display()))?;
            CatalogConfig::from_toml(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
        }
    }
}

/// How input files are read.
struct ReadOptions {
    /// The day AMED's date rules are checked on.
    today: NaiveDate,
    /// Read maDMP JSON as this version instead of detecting it.
    madmp_version: Option<MadmpVersion>,
}

/// A maDMP JSON document read and checked against its version's schema.
struct MadmpReading {
    file: PathBuf,
    /// The record id: the document's `dmp_id` identifier.
    id: String,
    /// The document as it came (extension keys included).
    document: serde_json::Value,
    version: MadmpVersion,
    title: String,
    datasets: usize,
    contributors: usize,
    /// `modified` in UTC, the record's version.
    modified: Option<String>,
}

/// A file read and checked: a plan to store, or the report of why not.
enum Read {
    Plan(Box<Reading>),
    Madmp(Box<MadmpReading>),
    Failed(FileReport),
}

fn rejected(path: &Path, message: String) -> Read {
    Read::Failed(FileReport {
        file: path.to_path_buf(),
        status: Status::Rejected,
        id: None,
        datasets: 0,
        staff: 0,
        problems: vec![Problem {
            severity: Severity::Error,
            file: path.to_path_buf(),
            sheet: None,
            cell: None,
            message,
        }],
    })
}

fn read_madmp(path: &Path, version: Option<MadmpVersion>) -> Read {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return rejected(path, format!("cannot read the file: {e}")),
    };
    let (doc, version) = match dmpgraph_madmp::parse(&bytes, version) {
        Ok(parsed) => parsed,
        Err(e) => return rejected(path, format!("not a valid maDMP document: {e}")),
    };
    // The typed document has been checked; the record keeps the document as it came.
    let document: serde_json::Value =
        match serde_json::from_slice(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes)) {
            Ok(v) => v,
            Err(e) => return rejected(path, format!("not JSON: {e}")),
        };
    let id = doc.dmp.dmp_id.identifier.trim().to_string();
    if id.is_empty() {
        return rejected(
            path,
            "/dmp/dmp_id/identifier: empty; the DMP's identifier is the record's identity".into(),
        );
    }
    if id.chars().any(char::is_control) {
        return rejected(
            path,
            format!("/dmp/dmp_id/identifier: {id:?} holds control characters"),
        );
    }
    let modified = doc.dmp.modified.to_chrono().map(|t| {
        t.with_timezone(&chrono::Utc)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    });
    Read::Madmp(Box::new(MadmpReading {
        file: path.to_path_buf(),
        id,
        title: doc.dmp.title.clone(),
        datasets: doc.dmp.dataset.len(),
        contributors: doc.dmp.contributor.as_ref().map_or(0, Vec::len),
        document,
        version,
        modified,
    }))
}

fn read_one(path: &Path, options: &ReadOptions) -> Read {
    if files::is_madmp_json(path) {
        return read_madmp(path, options.madmp_version);
    }
    match dmpgraph_amed_excel::read_path(path, options.today) {
        Ok(reading) if !reading.is_rejected() => Read::Plan(Box::new(reading)),
        Ok(reading) => Read::Failed(file_report(&reading, Status::Rejected)),
        Err(e) => Read::Failed(FileReport {
            file: path.to_path_buf(),
            status: Status::Rejected,
            id: None,
            datasets: 0,
            staff: 0,
            problems: vec![read_error_problem(&e)],
        }),
    }
}

fn read_error_problem(e: &ReadError) -> Problem {
    let file = e.file().to_path_buf();
    let text = e.to_string();
    let prefix = format!("{}: ", file.display());
    Problem {
        severity: Severity::Error,
        message: text.strip_prefix(&prefix).unwrap_or(&text).to_string(),
        file,
        sheet: None,
        cell: None,
    }
}

fn file_report(reading: &Reading, status: Status) -> FileReport {
    let id = reading.dmp.id();
    FileReport {
        file: reading.file.clone(),
        status,
        id: (!id.is_empty()).then(|| id.to_string()),
        datasets: reading.dmp.datasets.len(),
        staff: reading.dmp.staff.len(),
        problems: reading.problems.clone(),
    }
}

fn progress(len: usize, quiet: bool) -> ProgressBar {
    if quiet || len < 20 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {bar:40} {pos}/{len} workbooks {per_sec} eta {eta}",
        )
        .expect("valid template"),
    );
    bar
}

/// The `format` a record's summary names: where the record came from.
pub(crate) const FORMAT_AMED: &str = "amed-excel";
pub(crate) const FORMAT_MADMP: &str = "madmp";

/// The source format of a stored record (records stored before formats were
/// noted are AMED plans).
pub(crate) fn record_format(entry: &dmpgraph_store::RecordEntry) -> &str {
    entry
        .summary
        .get("format")
        .and_then(serde_json::Value::as_str)
        .unwrap_or(FORMAT_AMED)
}

/// Records created or updated by one ingest from which it compacts the
/// store at its end.
const OPTIMIZE_AFTER: usize = 256;

/// What ingest does with one read file: write it, or reject it.
enum Planned {
    Write(RecordWrite),
    Reject(String),
}

fn ingest(
    dir: &Path,
    check: &CheckArgs,
    options: &ReadOptions,
    base: &Base,
    config: &CatalogConfig,
    batch_size: usize,
    paths: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    let files = files::collect(paths)?;
    let stores =
        Stores::open(dir).with_context(|| format!("cannot open the store at {}", dir.display()))?;
    // The catalog every record's datasets belong to (unchanged: not rewritten).
    stores
        .write_batch(vec![catalog_write(base, config), vocabulary_write()?])
        .context("writing the catalog and vocabulary graphs")?;
    let bar = progress(files.len(), check.json);
    // One slot per file, in input order; stored plans fill theirs after the write.
    let mut reports: Vec<Option<FileReport>> = Vec::with_capacity(files.len());
    for chunk in files.chunks(batch_size) {
        let reads: Vec<Read> = chunk.par_iter().map(|p| read_one(p, options)).collect();
        let mut writes = Vec::new();
        let mut pending = Vec::new();
        for read in reads {
            let (planned, report) = match read {
                Read::Failed(r) => {
                    tracing::info!(file = %r.file.display(), errors = r.errors(), "rejected");
                    reports.push(Some(r));
                    continue;
                }
                Read::Plan(reading) => (
                    Planned::Write(record_write(&reading, base, config)),
                    file_report(&reading, Status::Created),
                ),
                Read::Madmp(reading) => (
                    madmp_write(&stores, &reading, base, config)?,
                    madmp_report(&reading, Status::Created),
                ),
            };
            match planned {
                Planned::Write(write) => {
                    writes.push(write);
                    pending.push((reports.len(), report));
                    reports.push(None);
                }
                Planned::Reject(message) => {
                    let mut report = report;
                    report.status = Status::Rejected;
                    report.problems.push(Problem {
                        severity: Severity::Error,
                        file: report.file.clone(),
                        sheet: None,
                        cell: None,
                        message,
                    });
                    reports.push(Some(report));
                }
            }
        }
        let outcomes = stores.write_batch(writes).context("writing to the store")?;
        for ((slot, mut report), outcome) in pending.into_iter().zip(outcomes) {
            report.status = match &outcome {
                WriteOutcome::Created => Status::Created,
                WriteOutcome::Updated => Status::Updated,
                WriteOutcome::Unchanged => Status::Unchanged,
                WriteOutcome::OlderThanStored { .. } => Status::OlderThanStored,
            };
            if let WriteOutcome::OlderThanStored { stored } = outcome {
                report.problems.push(Problem {
                    severity: Severity::Warning,
                    file: report.file.clone(),
                    sheet: None,
                    cell: None,
                    message: format!(
                        "not stored: the store holds a newer version of {} ({stored})",
                        report.id.as_deref().unwrap_or("-")
                    ),
                });
            }
            tracing::info!(file = %report.file.display(), id = report.id.as_deref().unwrap_or("-"), status = ?report.status, warnings = report.warnings(), "stored");
            reports[slot] = Some(report);
        }
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    let reports: Vec<FileReport> = reports.into_iter().flatten().collect();
    // After a large write, merge the batches' files so that queries read
    // one sorted run instead of one per batch.
    let written = reports
        .iter()
        .filter(|r| matches!(r.status, Status::Created | Status::Updated))
        .count();
    if written >= OPTIMIZE_AFTER {
        let t = std::time::Instant::now();
        stores.optimize().context("compacting the store")?;
        tracing::info!(
            records = written,
            seconds = t.elapsed().as_secs_f64(),
            "compacted the store"
        );
    }
    finish(&reports, check.json)
}

/// The catalog graph as a record (id `catalog`).
fn catalog_write(base: &Base, config: &CatalogConfig) -> RecordWrite {
    let (graph, public) = catalog_graph(base, config);
    RecordWrite {
        id: "catalog".into(),
        kind: RecordKind::Catalog,
        graph,
        public,
        private: Vec::new(),
        version: None,
        source: None,
        summary: serde_json::json!({ "title": config.catalog.title_en, "format": "config" }),
    }
}

/// dmpgraph's vocabulary as a record (id `vocabulary`).
fn vocabulary_write() -> anyhow::Result<RecordWrite> {
    let (graph, public) = dmpgraph_rdf::vocabulary_graph()?;
    Ok(RecordWrite {
        id: "vocabulary".into(),
        kind: RecordKind::Vocabulary,
        graph,
        public,
        private: Vec::new(),
        version: None,
        source: None,
        summary: serde_json::json!({ "title": "dmpgraph vocabulary", "format": "turtle" }),
    })
}

/// A plan as the store takes it: its graphs, version and public summary.
fn record_write(reading: &Reading, base: &Base, config: &CatalogConfig) -> RecordWrite {
    let dmp = &reading.dmp;
    let source = file_name(&reading.file);
    let ctx = RecordContext {
        base,
        catalog: config,
        source: Some(&source),
    };
    let graphs = Mapping::builtin().dmp_to_graphs(dmp, &ctx);
    RecordWrite {
        id: dmp.id().to_string(),
        kind: RecordKind::Dmp,
        graph: graphs.graph,
        public: graphs.public,
        private: graphs.private,
        version: dmp.version().map(|d| d.to_string()),
        source: Some(reading.file.display().to_string()),
        summary: serde_json::json!({
            "title": dmp.project.title,
            "datasets": dmp.datasets.len(),
            "created": dmp.created,
            "format": FORMAT_AMED,
        }),
    }
}

/// A file's name without its folders: provenance must not publish the
/// operator's directory layout.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn madmp_report(reading: &MadmpReading, status: Status) -> FileReport {
    FileReport {
        file: reading.file.clone(),
        status,
        id: Some(reading.id.clone()),
        datasets: reading.datasets,
        staff: reading.contributors,
        problems: Vec::new(),
    }
}

/// A maDMP document as the store takes it, or why it may not be stored.
fn madmp_write(
    stores: &Stores,
    reading: &MadmpReading,
    base: &Base,
    config: &CatalogConfig,
) -> anyhow::Result<Planned> {
    if let Some(own) = base.record_id(&reading.id) {
        return Ok(Planned::Reject(format!(
            "/dmp/dmp_id/identifier: <{}> is dmpgraph's own record '{own}': this is an export of a stored plan; ingest its source instead",
            reading.id
        )));
    }
    if let Some(entry) = stores.record(&reading.id)? {
        if record_format(&entry) != FORMAT_MADMP {
            return Ok(Planned::Reject(format!(
                "/dmp/dmp_id/identifier: '{}' is already the id of a stored {} record (from {}); not replaced by a maDMP document",
                reading.id,
                record_format(&entry),
                entry.source.as_deref().unwrap_or("-")
            )));
        }
    }
    let source = file_name(&reading.file);
    let ctx = RecordContext {
        base,
        catalog: config,
        source: Some(&source),
    };
    let graph = base.record_iri(&reading.id);
    let graphs = match Mapping::builtin().madmp_to_graphs(&reading.document, &graph, &ctx) {
        Ok(g) => g,
        Err(e) => return Ok(Planned::Reject(e.to_string())),
    };
    Ok(Planned::Write(RecordWrite {
        id: reading.id.clone(),
        kind: RecordKind::Dmp,
        graph: graphs.graph,
        public: graphs.public,
        private: graphs.private,
        version: reading.modified.clone(),
        source: Some(reading.file.display().to_string()),
        summary: serde_json::json!({
            "title": reading.title,
            "datasets": reading.datasets,
            "created": reading.modified,
            "format": FORMAT_MADMP,
            "madmp_version": reading.version.as_str(),
        }),
    }))
}

fn finish(reports: &[FileReport], json: bool) -> anyhow::Result<ExitCode> {
    if json {
        report::print_json(reports)?;
    } else {
        report::print_table(reports);
    }
    let rejected = reports.iter().any(|r| r.status == Status::Rejected);
    Ok(if rejected {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn validate(
    check: &CheckArgs,
    options: &ReadOptions,
    paths: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    let files = files::collect(paths)?;
    let bar = progress(files.len(), check.json);
    let reports: Vec<FileReport> = files
        .par_iter()
        .map(|p| {
            let r = match read_one(p, options) {
                Read::Plan(reading) => file_report(&reading, Status::Valid),
                Read::Madmp(reading) => madmp_report(&reading, Status::Valid),
                Read::Failed(r) => r,
            };
            bar.inc(1);
            r
        })
        .collect();
    bar.finish_and_clear();
    finish(&reports, check.json)
}

fn entity_label(e: Entity) -> String {
    match e {
        Entity::Dmp => "1. DMP".into(),
        Entity::Project => "2. 研究開発課題".into(),
        Entity::Pi => "3. 研究開発代表者".into(),
        Entity::Dataset(n) => format!("4. データ No.{n}"),
        Entity::DataManager(n) => format!("4. データ No.{n} 管理者"),
        Entity::Staff(n) => format!("5. データ関連人材 {n}"),
    }
}

/// Opens a store that must already exist: reading commands never create one.
pub(crate) fn open_existing(dir: &Path) -> anyhow::Result<Stores> {
    if !dir.join("public").is_dir() {
        anyhow::bail!(
            "no store at {} (run `dmpgraph ingest --store {} PATH...` first, or pass --store)",
            dir.display(),
            dir.display()
        );
    }
    Stores::open(dir).with_context(|| format!("cannot open the store at {}", dir.display()))
}

/// A value as the form writes it: あり/なし for consent, 可/否 for 公表の可否.
fn shown(f: &FieldValue) -> String {
    match (f.field, &f.value) {
        (Field::DatasetConsent, Value::Bool(b)) => (if *b { "あり" } else { "なし" }).into(),
        (Field::StaffPublishable, Value::Bool(b)) => (if *b { "可" } else { "否" }).into(),
        (_, v) => v.to_string(),
    }
}

fn show(dir: &Path, id: &str, public_only: bool, json: bool) -> anyhow::Result<ExitCode> {
    let stores = open_existing(dir)?;
    let Some(entry) = stores.record(id)? else {
        let known: Vec<String> = stores
            .records()?
            .into_iter()
            .take(10)
            .map(|e| e.id)
            .collect();
        anyhow::bail!(
            "no record '{id}' in {}; stored records include: {}",
            dir.display(),
            if known.is_empty() {
                "none (run `dmpgraph ingest` first)".to_string()
            } else {
                known.join(", ")
            }
        );
    };
    let public = stores.public_graph(&entry.graph)?;
    let private = if public_only {
        Vec::new()
    } else {
        stores.private_graph(&entry.graph)?
    };
    if let Some(document) = madmp_document(&private).or_else(|| madmp_document(&public)) {
        return show_madmp(&entry, document?, public_only, json);
    }
    let mut quads = public;
    quads.extend(private);
    let base = Base::of_record(&entry.graph).map_err(anyhow::Error::msg)?;
    let dmp = graphs_to_dmp(&quads, &base)?;
    let fields = dmp.fields();
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "record": entry, "fields": fields })
            )?
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!("record   {}", entry.id);
    println!("graph    {}", entry.graph);
    println!("version  {}", entry.version.as_deref().unwrap_or("-"));
    println!("changed  {}", entry.datestamp.to_rfc3339());
    println!("source   {}", entry.source.as_deref().unwrap_or("-"));
    println!("hash     {}", entry.public_hash);
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header(["section", "field", "value", "mark"]);
    for f in fields {
        let mark = match f.visibility {
            Visibility::Public => "public",
            Visibility::Private => "PRIVATE",
        };
        table.add_row([
            entity_label(f.entity),
            format!("{} ({})", f.field.label_ja(), f.field.key()),
            shown(&f),
            mark.to_string(),
        ]);
    }
    println!("{table}");
    if public_only {
        println!("(private values hidden: --public-only)");
    }
    Ok(ExitCode::SUCCESS)
}

/// A record that came from maDMP JSON: its document as stored.
fn show_madmp(
    entry: &dmpgraph_store::RecordEntry,
    document: serde_json::Value,
    public_only: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "record": entry, "document": document })
            )?
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!("record   {}", entry.id);
    println!("graph    {}", entry.graph);
    println!(
        "format   maDMP {}",
        entry
            .summary
            .get("madmp_version")
            .and_then(|v| v.as_str())
            .unwrap_or("?")
    );
    println!("version  {}", entry.version.as_deref().unwrap_or("-"));
    println!("changed  {}", entry.datestamp.to_rfc3339());
    println!("source   {}", entry.source.as_deref().unwrap_or("-"));
    println!("{}", serde_json::to_string_pretty(&document)?);
    if public_only {
        println!("(private values hidden: --public-only; e-mail addresses are private)");
    }
    Ok(ExitCode::SUCCESS)
}

fn stats(dir: &Path, json: bool, verify: bool) -> anyhow::Result<ExitCode> {
    let stores = open_existing(dir)?;
    let stats = stores.stats()?;
    let problems = if verify { Some(stores.verify()?) } else { None };
    if json {
        let problems: Option<Vec<serde_json::Value>> = problems.as_ref().map(|ps| {
            ps.iter()
                .map(|p| serde_json::json!({"id": p.id, "problem": p.problem}))
                .collect()
        });
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"stats": stats, "inconsistencies": problems})
            )?
        );
    } else {
        println!("store          {}", dir.display());
        for (kind, n) in &stats.records {
            println!("records ({kind}) {n}");
        }
        if stats.records.is_empty() {
            println!("records        0");
        }
        println!("deleted        {}", stats.deleted);
        println!("public quads   {}", stats.public_quads);
        println!("private quads  {}", stats.private_quads);
        println!(
            "last change    {}",
            stats.latest_change.map_or("-".into(), |t| t.to_rfc3339())
        );
        if let Some(ps) = &problems {
            println!(
                "verify         {}",
                if ps.is_empty() {
                    "ok: every record matches its graphs".to_string()
                } else {
                    format!("{} inconsistencies", ps.len())
                }
            );
            for p in ps {
                println!("  {}: {}", p.id, p.problem);
            }
        }
    }
    Ok(if problems.is_some_and(|p| !p.is_empty()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
