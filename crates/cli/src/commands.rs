//! The commands: read → check → map → store, and the views of the store.

use crate::args::{CheckArgs, Command};
use crate::files;
use crate::report::{self, FileReport, Status};
use anyhow::Context;
use chrono::NaiveDate;
use dmpgraph_amed_excel::{Problem, ReadError, Reading};
use dmpgraph_model::{Entity, Field, FieldValue, Severity, Value, Visibility};
use dmpgraph_rdf::{dmp_to_graphs, graphs_to_dmp, Base};
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
            paths,
        } => {
            let base = Base::new(&base_iri).map_err(anyhow::Error::msg)?;
            ingest(&store.store, &check, &base, batch_size as usize, &paths)
        }
        Command::Validate { check, paths } => validate(&check, &paths),
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

/// A file read and checked: a plan to store, or the report of why not.
enum Read {
    Plan(Box<Reading>),
    Failed(FileReport),
}

fn read_one(path: &Path, today: NaiveDate) -> Read {
    match dmpgraph_amed_excel::read_path(path, today) {
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

fn ingest(
    dir: &Path,
    check: &CheckArgs,
    base: &Base,
    batch_size: usize,
    paths: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    let files = files::collect(paths)?;
    let stores =
        Stores::open(dir).with_context(|| format!("cannot open the store at {}", dir.display()))?;
    let today = today(check);
    let bar = progress(files.len(), check.json);
    // One slot per file, in input order; stored plans fill theirs after the write.
    let mut reports: Vec<Option<FileReport>> = Vec::with_capacity(files.len());
    for chunk in files.chunks(batch_size) {
        let reads: Vec<Read> = chunk.par_iter().map(|p| read_one(p, today)).collect();
        let mut writes = Vec::new();
        let mut pending = Vec::new();
        for read in reads {
            match read {
                Read::Failed(r) => {
                    tracing::info!(file = %r.file.display(), errors = r.errors(), "rejected");
                    reports.push(Some(r))
                }
                Read::Plan(reading) => {
                    writes.push(record_write(&reading, base));
                    pending.push((reports.len(), reading));
                    reports.push(None);
                }
            }
        }
        let outcomes = stores.write_batch(writes).context("writing to the store")?;
        for ((slot, reading), outcome) in pending.into_iter().zip(outcomes) {
            let status = match &outcome {
                WriteOutcome::Created => Status::Created,
                WriteOutcome::Updated => Status::Updated,
                WriteOutcome::Unchanged => Status::Unchanged,
                WriteOutcome::OlderThanStored { .. } => Status::OlderThanStored,
            };
            let mut report = file_report(&reading, status);
            if let WriteOutcome::OlderThanStored { stored } = outcome {
                report.problems.push(Problem {
                    severity: Severity::Warning,
                    file: reading.file.clone(),
                    sheet: None,
                    cell: None,
                    message: format!("not stored: the store holds a newer version of {} (DMP作成年月日 {stored})", reading.dmp.id()),
                });
            }
            tracing::info!(file = %report.file.display(), id = report.id.as_deref().unwrap_or("-"), status = ?report.status, warnings = report.warnings(), "stored");
            reports[slot] = Some(report);
        }
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    let reports: Vec<FileReport> = reports.into_iter().flatten().collect();
    finish(&reports, check.json)
}

/// A plan as the store takes it: its graphs, version and public summary.
fn record_write(reading: &Reading, base: &Base) -> RecordWrite {
    let dmp = &reading.dmp;
    let graphs = dmp_to_graphs(dmp, base);
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
        }),
    }
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

fn validate(check: &CheckArgs, paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let files = files::collect(paths)?;
    let today = today(check);
    let bar = progress(files.len(), check.json);
    let reports: Vec<FileReport> = files
        .par_iter()
        .map(|p| {
            let r = match read_one(p, today) {
                Read::Plan(reading) => file_report(&reading, Status::Valid),
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
fn open_existing(dir: &Path) -> anyhow::Result<Stores> {
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
    let mut quads = stores.public_graph(&entry.graph)?;
    if !public_only {
        quads.extend(stores.private_graph(&entry.graph)?);
    }
    let base = Base::new(entry.graph.split("record/").next().unwrap_or_default())
        .map_err(anyhow::Error::msg)?;
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
