//! `dmpgraph harvest`: wiring of the harvester (dmpgraph-harvest) to the
//! store (dmpgraph-pipeline's deposit store), with a progress bar, Ctrl-C
//! and a summary.

use crate::args::{HarvestArgs, HarvestCommand};
use crate::commands::{load_config, open_target, Target};
use anyhow::{bail, Context as _};
use dmpgraph_harvest::config::HarvestConfig;
use dmpgraph_harvest::run::{Harvester, Summary, Target as Wanted};
use dmpgraph_harvest::state::State;
use dmpgraph_harvest::HarvestError;
use dmpgraph_model::award::AwardNumber;
use dmpgraph_pipeline::harvest::{grant_titles, referenced, DepositStore};
use dmpgraph_pipeline::Sink;
use dmpgraph_rdf::Base;
use indicatif::{ProgressBar, ProgressStyle};
use std::process::ExitCode;
use std::sync::atomic::Ordering;

/// The harvest configuration: the `[harvest]` and `[sources.*]` tables of
/// `--config` (or the defaults), the environment's base URLs, `--contact`.
fn harvest_config(args: &HarvestArgs) -> anyhow::Result<HarvestConfig> {
    let env = |k: &str| std::env::var(k).ok();
    let mut c = match &args.config.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the configuration {}", path.display()))?;
            HarvestConfig::from_toml(&text, &path.display().to_string(), &env)?
        }
        None => HarvestConfig::from_toml("", "the built-in configuration", &env)?,
    };
    if let Some(contact) = &args.contact {
        c.set_contact(contact);
    }
    if c.contact.is_none() {
        tracing::warn!("no contact address (--contact, DMPGRAPH_CONTACT or [harvest] contact): Crossref and DataCite ask harvesters to name one");
    }
    Ok(c)
}

/// What a harvest asks for, read from the command line.
enum Asked {
    Records {
        run: &'static str,
        targets: Vec<Wanted>,
    },
    Funder {
        awards: Vec<AwardNumber>,
    },
    Referenced,
}

fn asked(command: &HarvestCommand) -> anyhow::Result<Asked> {
    Ok(match command {
        HarvestCommand::Doi { dois, .. } => {
            let mut targets = Vec::new();
            for (i, d) in dois.iter().enumerate() {
                match Wanted::parse(d) {
                    Some(t @ Wanted::Doi(_)) => targets.push(t),
                    _ => bail!("argument {} '{d}': not a DOI (expected 10.NNNN/…, doi:10.…, or https://doi.org/10.…)", i + 1),
                }
            }
            Asked::Records {
                run: "doi",
                targets,
            }
        }
        HarvestCommand::Accession { ids, .. } => {
            let mut targets = Vec::new();
            for (i, a) in ids.iter().enumerate() {
                match Wanted::parse(a) {
                    Some(t @ Wanted::Accession(_)) => targets.push(t),
                    _ => bail!("argument {} '{a}': not an accession number (expected JGAS…, JGAD…, DRA…, DRP…, DRX…, DRR…, DRS…, PRJDB…, SAMD…)", i + 1),
                }
            }
            Asked::Records {
                run: "accession",
                targets,
            }
        }
        HarvestCommand::Funder { award, .. } => {
            let mut awards = Vec::new();
            for a in award {
                match AwardNumber::parse(a) {
                    Some(n) => awards.push(n),
                    None => bail!("--award '{a}': not an AMED award number (expected JP21ek0109555, 21ek0109555 or a 16-character 課題管理番号 such as 21ek0109555h0001)"),
                }
            }
            Asked::Funder { awards }
        }
        HarvestCommand::Referenced { .. } => Asked::Referenced,
    })
}

pub(crate) fn run(command: HarvestCommand) -> anyhow::Result<ExitCode> {
    let args = command.args().clone();
    let base = Base::new(&args.base_iri).map_err(anyhow::Error::msg)?;
    let catalog_config = load_config(&args.config)?;
    let config = harvest_config(&args)?;
    let asked = asked(&command)?;
    let dir = &args.store.store;
    let target = open_target(dir, true)?;
    let state = State::open(dir)
        .context("cannot open the harvest state (is another harvest running on this store?)")?;
    let mut harvester = Harvester::new(config, catalog_config.funder.clone(), state)?;

    let bar = if args.quiet || args.json {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {msg} {bar:30} {pos}/{len} {per_sec} eta {eta}",
            )
            .expect("valid template"),
        );
        bar
    };
    {
        let bar = bar.clone();
        harvester.on_progress(move |p| {
            bar.set_message(p.label.clone());
            if let Some(t) = p.total {
                bar.set_length(t);
            }
            bar.set_position(p.done);
        });
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let stop = harvester.stop_flag();
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            stop.store(true, Ordering::Relaxed);
            eprintln!(
                "dmpgraph: stopping at the next record; run the same command again to resume"
            );
        }
    });

    // What the stored plans point at, and their grant titles, read before
    // the harvest writes.
    let (targets, titles) = match &asked {
        Asked::Records { targets, .. } => (targets.clone(), Vec::new()),
        Asked::Funder { .. } => (Vec::new(), grant_titles(target.catalog())?),
        Asked::Referenced => {
            let refs = referenced(target.catalog())?;
            for r in &refs {
                tracing::info!(target = %r.target, plans = ?r.found_in.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(), "referenced");
            }
            (refs.into_iter().map(|r| r.target).collect(), Vec::new())
        }
    };
    if matches!(asked, Asked::Referenced) && targets.is_empty() {
        eprintln!("dmpgraph: the stored plans point at no DOI or accession");
    }

    let result = runtime.block_on(async {
        match &target {
            Target::Local(local) => {
                harvest_into(
                    &harvester,
                    &mut local.sink(),
                    &base,
                    &asked,
                    &targets,
                    &titles,
                )
                .await
            }
            Target::Remote(remote) => {
                harvest_into(&harvester, &mut &*remote, &base, &asked, &targets, &titles).await
            }
        }
    });
    bar.finish_and_clear();
    runtime.shutdown_background();
    target.finish()?;
    match result {
        Ok(summary) => {
            print_summary(&summary, args.json)?;
            Ok(if summary.failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Err(HarvestError::Interrupted) => {
            eprintln!("dmpgraph: interrupted; what was harvested is stored; run the same command again to resume");
            Ok(ExitCode::from(130))
        }
        Err(e) => Err(anyhow::Error::new(e).context("harvesting")),
    }
}

async fn harvest_into(
    harvester: &Harvester,
    sink: &mut dyn Sink,
    base: &Base,
    asked: &Asked,
    targets: &[Wanted],
    titles: &[String],
) -> Result<Summary, HarvestError> {
    let mut store = DepositStore::new(sink, base.clone());
    match asked {
        Asked::Records { run, .. } => harvester.records(&mut store, run, targets).await,
        Asked::Referenced => harvester.records(&mut store, "referenced", targets).await,
        Asked::Funder { awards } => harvester.funder(&mut store, awards, titles).await,
    }
}

fn print_summary(s: &Summary, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(s)?);
        return Ok(());
    }
    println!(
        "fetched {}, new {}, changed {}, unchanged {}, deleted {}, skipped (not the funder's) {}, resumed {}, failed {}",
        s.fetched,
        s.new,
        s.changed,
        s.unchanged,
        s.deleted,
        s.skipped,
        s.resumed,
        s.failed.len()
    );
    if s.restarted > 0 {
        println!(
            "restarted {} search(es) from the first page: the source refused a checkpointed cursor (expired)",
            s.restarted
        );
    }
    for f in &s.failed {
        match &f.url {
            Some(u) => println!("failed: {} ({}, {u}): {}", f.target, f.source, f.reason),
            None => println!("failed: {} ({}): {}", f.target, f.source, f.reason),
        }
    }
    Ok(())
}
