//! Wiring: each command's arguments to the pipeline, its answer to the
//! terminal. Writes reach the store through a running server's admin socket
//! when one holds the store, otherwise through a writer opened here.

use crate::args::{CheckArgs, Command, ConfigArgs};
use crate::{export, harvest, report, serve};
use anyhow::Context as _;
use chrono::NaiveDate;
use dmpgraph_madmp::Version as MadmpVersion;
use dmpgraph_model::{CatalogConfig, Entity, Field, FieldValue, Value, Visibility};
use dmpgraph_pipeline::admin::{AdminClient, Remote};
use dmpgraph_pipeline::ingest::{self, Sink};
use dmpgraph_pipeline::read::{self, FileReport, ReadOptions, Status};
use dmpgraph_pipeline::records::Context;
use dmpgraph_pipeline::show::Shown;
use dmpgraph_pipeline::{Catalog, Local, PipelineError};
use dmpgraph_rdf::{Base, Mapping};
use dmpgraph_store::{RecordEntry, StoreError, WriteOutcome};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

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
            let ctx = Context {
                base: &base,
                config: &config,
            };
            let files = read::collect(&paths)?;
            let bar = progress(files.len(), check.json);
            let target = open_target_on(&store.store, true, check.today)?;
            let reports = {
                let inc = |n: u64| bar.inc(n);
                match &target {
                    Target::Local(local) => ingest::ingest(
                        &mut local.sink(),
                        &ctx,
                        &options,
                        batch_size as usize,
                        &files,
                        &inc,
                    ),
                    Target::Remote(remote) => ingest::ingest(
                        &mut &*remote,
                        &ctx,
                        &options,
                        batch_size as usize,
                        &files,
                        &inc,
                    ),
                }
                .context("writing to the store")?
            };
            bar.finish_and_clear();
            target.finish()?;
            finish(&reports, check.json)
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
            let files = read::collect(&paths)?;
            let bar = progress(files.len(), check.json);
            let reports = read::validate(&files, &options, &|n| bar.inc(n));
            bar.finish_and_clear();
            finish(&reports, check.json)
        }
        Command::Delete { store, json, ids } => delete(&store.store, json, &ids),
        Command::Export(command) => export::run(command),
        Command::Harvest(command) => harvest::run(command),
        Command::Link(command) => crate::linking::run(command),
        Command::Report(command) => crate::linking::report(command),
        Command::ApiToken(command) => crate::serve::api_token(command),
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
            oai_repository_identifier,
            oai_page_size,
            api_prefix,
            config,
            backend,
            today,
        } => serve::serve(
            &store.store,
            addr,
            query_timeout,
            max_rows,
            max_concurrent,
            today,
            dmpgraph_oai::OaiConfig {
                repository_identifier: oai_repository_identifier,
                page_size: oai_page_size as usize,
                ..dmpgraph_oai::OaiConfig::default()
            },
            api_config(&config, &api_prefix)?,
            crate::backend::engines(&config, &backend)?,
        ),
        Command::Replicate {
            store,
            config,
            backend,
            once,
        } => crate::backend::replicate(&store.store, &config, &backend, once),
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

/// Where a command reads and writes: a store opened here, or the server
/// that holds it.
pub(crate) enum Target {
    Local(Local),
    Remote(Remote),
}

impl Target {
    pub(crate) fn catalog(&self) -> &dyn Catalog {
        match self {
            Target::Local(l) => l,
            Target::Remote(r) => r,
        }
    }

    /// Lets a local writer checkpoint and stop.
    pub(crate) fn finish(self) -> anyhow::Result<()> {
        if let Target::Local(l) = self {
            l.shutdown().context("closing the store")?;
        }
        Ok(())
    }
}

/// How long a command waits for a store another process holds (a server
/// starting up, which binds its admin socket right after opening it).
const WAIT_FOR_STORE: Duration = Duration::from_secs(10);

/// The server that holds the store under `dir`, or the store itself.
/// `create`: a missing store is created (ingest); otherwise it is an error.
pub(crate) fn open_target(dir: &Path, create: bool) -> anyhow::Result<Target> {
    open_target_on(dir, create, None)
}

/// As [`open_target`]; a store opened here decides embargoes as of `today`.
pub(crate) fn open_target_on(
    dir: &Path,
    create: bool,
    today: Option<NaiveDate>,
) -> anyhow::Result<Target> {
    if !create && !dir.join("public").is_dir() {
        anyhow::bail!(
            "no store at {} (run `dmpgraph ingest --store {} PATH...` first, or pass --store)",
            dir.display(),
            dir.display()
        );
    }
    let started = Instant::now();
    loop {
        if let Some(client) = AdminClient::connect(dir)? {
            tracing::info!(socket = %client.path().display(), "a server holds the store: handing the work to it, at a lower CPU priority (its readers come first)");
            // Threads started from here on (the ingest's readers and its
            // writer thread, rayon's pool) inherit it.
            dmpgraph_store::lower_priority(dmpgraph_pipeline::WRITER_NICE);
            return Ok(Target::Remote(Remote::new(client)));
        }
        match Local::open_on(dir, true, today) {
            Ok(local) => return Ok(Target::Local(local)),
            Err(PipelineError::Store(StoreError::Locked { .. }))
                if started.elapsed() < WAIT_FOR_STORE =>
            {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e @ PipelineError::Store(StoreError::Locked { .. })) => {
                return Err(anyhow::Error::new(e).context(format!(
                    "the store at {} is held by a process that takes no work through an admin socket (another ingest, delete or export?); wait for it to finish",
                    dir.display()
                )))
            }
            Err(e) => {
                return Err(anyhow::Error::new(e)
                    .context(format!("cannot open the store at {}", dir.display())))
            }
        }
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
/// The maDMP API's settings: the catalog, `--config`'s `[api]` table,
/// `--api-prefix`.
fn api_config(args: &ConfigArgs, prefix: &str) -> anyhow::Result<dmpgraph_api::ApiConfig> {
    let mut api = dmpgraph_api::ApiConfig {
        catalog: load_config(args)?,
        ..dmpgraph_api::ApiConfig::default()
    };
    if let Some(path) = &args.config {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the configuration {}", path.display()))?;
        api = api
            .with_toml(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    }
    api.with_prefix(prefix)
        .map_err(|e| anyhow::anyhow!("--api-prefix {e}"))
}

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

fn delete(dir: &Path, json: bool, ids: &[String]) -> anyhow::Result<ExitCode> {
    let target = open_target(dir, false)?;
    let reports = match &target {
        Target::Local(l) => ingest::delete(l, &mut l.sink(), ids),
        Target::Remote(r) => ingest::delete(r, &mut &*r as &mut dyn Sink, ids),
    }
    .context("deleting")?;
    target.finish()?;
    let failed = reports.iter().any(|r| r.error.is_some());
    if json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    } else {
        for r in &reports {
            let key = r.key.as_deref().unwrap_or(&r.id);
            match (&r.outcome, &r.error) {
                (_, Some(e)) => println!("{}: not deleted: {e}", r.id),
                (Some(WriteOutcome::Deleted { seq }), _) => {
                    println!("{key}: deleted (change {seq}); its tombstone stays")
                }
                (Some(WriteOutcome::AlreadyDeleted), _) => println!("{key}: already deleted"),
                (Some(other), _) => println!("{key}: {other:?}"),
                (None, None) => {}
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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

/// A value as the form writes it: あり/なし for consent, 可/否 for 公表の可否.
fn shown(f: &FieldValue) -> String {
    match (f.field, &f.value) {
        (Field::DatasetConsent, Value::Bool(b)) => (if *b { "あり" } else { "なし" }).into(),
        (Field::StaffPublishable, Value::Bool(b)) => (if *b { "可" } else { "否" }).into(),
        (_, v) => v.to_string(),
    }
}

fn print_entry(entry: &RecordEntry) {
    println!("record   {}", entry.key);
    println!("graph    {}", entry.graph);
    match &entry.madmp_version {
        Some(v) => println!("format   maDMP {v}"),
        None => println!("format   {}", entry.format),
    }
    println!("version  {}", entry.version.as_deref().unwrap_or("-"));
    println!(
        "changed  {} (change {})",
        entry.datestamp.to_rfc3339(),
        entry.seq
    );
    println!("source   {}", entry.source.as_deref().unwrap_or("-"));
    println!("sets     {}", entry.sets.join(" "));
}

fn show(dir: &Path, id: &str, public_only: bool, json: bool) -> anyhow::Result<ExitCode> {
    let target = open_target(dir, false)?;
    let record = dmpgraph_pipeline::show::show(target.catalog(), id, public_only)?;
    target.finish()?;
    if json {
        let doc = match &record {
            Shown::Deleted { entry } => serde_json::json!({ "record": entry }),
            Shown::Graph { entry, quads } => serde_json::json!({ "record": entry, "quads": quads }),
            Shown::Madmp { entry, document } => {
                serde_json::json!({ "record": entry, "document": document })
            }
            Shown::Plan { entry, fields } => {
                serde_json::json!({ "record": entry, "fields": fields })
            }
        };
        println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(ExitCode::SUCCESS);
    }
    match record {
        Shown::Deleted { entry } => {
            print_entry(&entry);
            println!(
                "deleted  {} (its graphs are gone; this tombstone stays)",
                entry.deleted.map(|d| d.to_rfc3339()).unwrap_or_default()
            );
        }
        Shown::Graph { entry, quads } => {
            print_entry(&entry);
            println!("quads    {quads}");
        }
        Shown::Madmp { entry, document } => {
            print_entry(&entry);
            println!("{}", serde_json::to_string_pretty(&document)?);
            if public_only {
                println!("(private values hidden: --public-only; e-mail addresses, persons not to be published and extension keys not listed as public are private)");
            }
        }
        Shown::Plan { entry, fields } => {
            print_entry(&entry);
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
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn stats(dir: &Path, json: bool, verify: bool) -> anyhow::Result<ExitCode> {
    let target = open_target(dir, false)?;
    let (stats, problems) = target.catalog().stats(verify)?;
    target.finish()?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "stats": stats,
                "inconsistencies": problems,
                "replicas": crate::backend::positions_json(dir, stats.last_seq)?,
            }))?
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
        println!("changes        {}", stats.last_seq);
        println!(
            "last change    {}",
            stats.latest_change.map_or("-".into(), |t| t.to_rfc3339())
        );
        for line in crate::backend::position_lines(dir, Some(stats.last_seq))? {
            println!("replica        {line}");
        }
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
