//! `dmpgraph link` and `dmpgraph report deposits`: wiring of the linker
//! (dmpgraph-link) to the store (dmpgraph-pipeline's links).

use crate::args::{LinkCommand, ListFormat, ReportCommand};
use crate::commands::{load_config, open_target, Target};
use anyhow::Context as _;
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use dmpgraph_link::text::Glossary;
use dmpgraph_link::{Link, LinkConfig, Status};
use dmpgraph_pipeline::link::{self, DecisionError};
use dmpgraph_pipeline::Sink;
use dmpgraph_rdf::Base;
use std::process::ExitCode;

fn link_config(path: Option<&std::path::Path>) -> anyhow::Result<LinkConfig> {
    match path {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read the configuration {}", p.display()))?;
            Ok(LinkConfig::from_toml(&text, &p.display().to_string())?)
        }
        None => Ok(LinkConfig::default()),
    }
}

fn with_sink<T>(target: &Target, f: impl FnOnce(&mut dyn Sink) -> T) -> T {
    match target {
        Target::Local(local) => f(&mut local.sink()),
        Target::Remote(remote) => f(&mut &*remote),
    }
}

pub(crate) fn run(command: LinkCommand) -> anyhow::Result<ExitCode> {
    let args = command.args().clone();
    let base = Base::new(&args.base_iri).map_err(anyhow::Error::msg)?;
    let catalog_config = load_config(&args.config)?;
    let config = link_config(args.config.config.as_deref())?;
    let target = open_target(&args.store.store, false)?;
    let now = chrono::Utc::now();
    let code = match &command {
        LinkCommand::Run { json, .. } => {
            let s = with_sink(&target, |sink| {
                link::run(
                    target.catalog(),
                    sink,
                    &catalog_config.funder,
                    Glossary::builtin(),
                    &config,
                    &base,
                    now,
                )
            })?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&s)?);
            } else {
                println!(
                    "{} plans ({} linked again, {} unchanged since their last run), {} dataset entries, {} deposits: links new {}, changed {}, unchanged {}, removed {}",
                    s.plans, s.plans_linked, s.plans_unchanged, s.entries, s.deposits, s.new, s.changed, s.unchanged, s.removed
                );
                let count = |m: &std::collections::BTreeMap<String, usize>| {
                    m.iter()
                        .map(|(k, v)| format!("{k} {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                println!("by status: {}", count(&s.by_status));
                println!("by method: {}", count(&s.by_method));
                for id in &s.conflicts {
                    println!("changed meanwhile (left as it is; run again): {id}");
                }
                for (k, why) in &s.unreadable {
                    eprintln!("dmpgraph: {k} left out: {why}");
                }
            }
            if s.conflicts.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        LinkCommand::List {
            dmp,
            status,
            format,
            ..
        } => {
            let status = status
                .as_deref()
                .map(str::parse::<Status>)
                .transpose()
                .map_err(anyhow::Error::msg)?;
            let links = link::list(target.catalog(), dmp.as_deref(), status)?;
            print_links(&links, *format)?;
            ExitCode::SUCCESS
        }
        LinkCommand::Accept { id, note, .. } | LinkCommand::Reject { id, note, .. } => {
            let status = if matches!(command, LinkCommand::Accept { .. }) {
                Status::Accepted
            } else {
                Status::Rejected
            };
            let r = with_sink(&target, |sink| {
                link::decide(
                    target.catalog(),
                    sink,
                    &base,
                    &catalog_config.funder,
                    id,
                    status,
                    note.as_deref(),
                    now,
                )
            });
            match r {
                Ok(l) => {
                    println!("{} {}: {} → {}", status.as_str(), l.id, l.entry, l.deposit);
                    ExitCode::SUCCESS
                }
                Err(e @ (DecisionError::NoLink { .. } | DecisionError::Changed { .. })) => {
                    eprintln!("dmpgraph: {e}");
                    ExitCode::from(1)
                }
                Err(e) => return Err(anyhow::Error::new(e)),
            }
        }
    };
    target.finish()?;
    Ok(code)
}

fn print_links(links: &[Link], format: ListFormat) -> anyhow::Result<()> {
    match format {
        ListFormat::Json => println!("{}", serde_json::to_string_pretty(links)?),
        ListFormat::Csv => {
            let mut out = std::io::stdout().lock();
            std::io::Write::write_all(&mut out, "\u{feff}".as_bytes())?;
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "id",
                "plan",
                "dataset",
                "deposit",
                "method",
                "relation",
                "via",
                "score",
                "status",
                "decided_by",
                "made",
                "note",
                "evidence",
            ])?;
            for l in links {
                w.write_record([
                    l.id.clone(),
                    l.entry.plan.clone(),
                    l.entry.dataset.to_string(),
                    l.deposit.to_string(),
                    l.method.as_str().into(),
                    l.relation.clone(),
                    l.via.as_ref().map(|v| v.to_string()).unwrap_or_default(),
                    format!("{:.4}", l.score),
                    l.status.as_str().into(),
                    format!("{:?}", l.decided_by).to_lowercase(),
                    l.made.to_rfc3339(),
                    l.note.clone().unwrap_or_default(),
                    evidence(l),
                ])?;
            }
            w.flush()?;
        }
        ListFormat::Table => {
            let mut t = Table::new();
            t.load_preset(UTF8_FULL_CONDENSED);
            t.set_header([
                "link", "entry", "deposit", "method", "score", "status", "evidence",
            ]);
            for l in links {
                t.add_row([
                    l.id.clone(),
                    l.entry.to_string(),
                    l.deposit.to_string(),
                    l.method.as_str().into(),
                    format!("{:.3}", l.score),
                    format!("{} ({:?})", l.status.as_str(), l.decided_by).to_lowercase(),
                    evidence(l),
                ]);
            }
            println!("{t}");
            println!("{} links", links.len());
        }
    }
    Ok(())
}

fn evidence(l: &Link) -> String {
    l.evidence
        .iter()
        .filter(|e| e.weight > 0.0)
        .map(|e| {
            let f = serde_json::to_value(e.feature)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            format!("{f}: {}", e.deposited)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(crate) fn report(command: ReportCommand) -> anyhow::Result<ExitCode> {
    let ReportCommand::Deposits {
        store,
        config,
        format,
        today,
    } = command;
    let funder = load_config(&config)?.funder;
    let target = open_target(&store.store, false)?;
    let today = today.unwrap_or_else(|| chrono::Local::now().date_naive());
    let (report, read) = link::deposit_report(target.catalog(), &funder, today)?;
    target.finish()?;
    if read.computed > 0 {
        eprintln!(
            "{} of {} plans changed since the last `dmpgraph link run` (or were never linked): computed from their records",
            read.computed,
            read.computed + read.kept
        );
        if read.computed <= 10 {
            eprintln!("  {}", read.computed_plans.join(", "));
        }
    }
    for (key, reason) in &read.unreadable {
        eprintln!("warning: {key} left out: {reason}");
    }
    match format {
        ListFormat::Json => println!("{}", serde_json::to_string_pretty(&report.to_json())?),
        ListFormat::Csv => report.write_csv(std::io::stdout().lock())?,
        ListFormat::Table => println!("{}", report.to_table()),
    }
    Ok(ExitCode::SUCCESS)
}
