//! `[backend]` and `[replicas.*]` wiring: the engines of the configuration
//! with the command line's overrides, their replicators in `serve`,
//! `dmpgraph replicate`, and their positions for `stats`.

use crate::args::{BackendArgs, ConfigArgs};
use crate::commands::{open_target, Target};
use anyhow::Context;
use dmpgraph_replica::{EngineConfig, EngineTable, EngineTables, Replicator};
use dmpgraph_store::PublicView;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The environment variable holding the `[backend]` password.
pub const PASSWORD_ENV: &str = "DMPGRAPH_BACKEND_PASSWORD";

/// How often a replicator looks at the change log.
const POLL: Duration = Duration::from_secs(1);

/// Every engine of the configuration, `[backend]` first, with the command
/// line's and the environment's overrides of `[backend]`.
pub fn engines(config: &ConfigArgs, args: &BackendArgs) -> anyhow::Result<Vec<EngineConfig>> {
    let (mut tables, origin) = match &config.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the configuration {}", path.display()))?;
            let origin = path.display().to_string();
            (EngineTables::from_toml(&text, &origin)?, origin)
        }
        None => (EngineTables::default(), "the command line".to_string()),
    };
    let overridden = args.backend_url.is_some()
        || args.backend_flavour.is_some()
        || args.backend_user.is_some()
        || args.backend_password_file.is_some();
    if overridden || tables.backend.is_some() {
        let b = tables.backend.get_or_insert_with(EngineTable::default);
        if let Some(url) = &args.backend_url {
            // A URL given here replaces the table's endpoints.
            b.url = Some(url.clone());
            b.query_url = None;
            b.update_url = None;
            b.store_url = None;
        }
        if let Some(f) = &args.backend_flavour {
            b.flavour = Some(
                f.parse()
                    .map_err(|e| anyhow::anyhow!("--backend-flavour: {e}"))?,
            );
        }
        if let Some(u) = &args.backend_user {
            b.user = Some(u.clone());
        }
        if let Some(file) = &args.backend_password_file {
            b.password_file = Some(file.clone());
            b.password_env = None;
        } else if b.password_file.is_none()
            && b.password_env.is_none()
            && std::env::var_os(PASSWORD_ENV).is_some()
        {
            b.password_env = Some(PASSWORD_ENV.into());
        }
    }
    tables
        .resolve(&|var| std::env::var(var).ok())
        .with_context(|| format!("the engines of {origin}"))
}

/// Replicators running on their own threads until [`Replicators::stop`].
pub struct Replicators {
    stop: Arc<AtomicBool>,
}

impl Replicators {
    /// Starts one replicator per engine over `public`: each catches up,
    /// then follows the change log.
    pub fn start(public: &PublicView, engines: &[EngineConfig]) -> anyhow::Result<Replicators> {
        let stop = Arc::new(AtomicBool::new(false));
        for engine in engines {
            let replicator = Replicator::new(public.clone(), engine.clone())
                .with_context(|| format!("engine '{}'", engine.name))?;
            let stop = stop.clone();
            std::thread::Builder::new()
                .name(format!("dmpgraph-replica-{}", engine.name))
                .spawn(move || replicator.run(POLL, &stop))
                .context("starting a replication thread")?;
        }
        Ok(Replicators { stop })
    }

    /// Asks every replicator to stop (a round under way is finished or
    /// dropped; its position is written only once the engine took it).
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// `dmpgraph replicate`.
pub fn replicate(
    dir: &Path,
    config: &ConfigArgs,
    args: &BackendArgs,
    once: bool,
) -> anyhow::Result<ExitCode> {
    let engines = engines(config, args)?;
    if engines.is_empty() {
        anyhow::bail!("no engine to replicate to: give [backend] (or [replicas.NAME]) in --config, or --backend-url and --backend-flavour");
    }
    let target = open_target(dir, false)?;
    let local = match &target {
        Target::Local(l) => l,
        Target::Remote(_) => {
            eprintln!("dmpgraph: a running `dmpgraph serve` holds {} and replicates it itself (started with the same [backend]); positions:", dir.display());
            target.finish()?;
            print_positions(dir)?;
            return Ok(ExitCode::SUCCESS);
        }
    };
    let public = local.public();
    let mut failed = false;
    if once {
        for engine in &engines {
            let replicator = Replicator::new(public.clone(), engine.clone())?;
            match replicator.catch_up() {
                Ok(p) => println!("{}: caught up to change {} ({})", p.name, p.seq, p.engine),
                Err(e) => {
                    failed = true;
                    eprintln!(
                        "dmpgraph: {}: {:#}; the position is kept, run again once the engine is back",
                        engine.name,
                        anyhow::Error::new(e)
                    );
                }
            }
        }
    } else {
        eprintln!("dmpgraph: replicating {} to {} engine(s); stop with Ctrl-C (positions are written after each round)", dir.display(), engines.len());
        let _running = Replicators::start(&public, &engines)?;
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
    target.finish()?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// How far each engine has caught up, as kept in the store directory.
pub fn positions_json(dir: &Path, last_seq: u64) -> anyhow::Result<serde_json::Value> {
    let list: Vec<serde_json::Value> = dmpgraph_replica::positions(dir)?
        .into_iter()
        .map(|p| {
            let mut v = serde_json::to_value(&p).unwrap_or_default();
            v["behind"] = serde_json::json!(last_seq.saturating_sub(p.seq));
            v
        })
        .collect();
    Ok(serde_json::Value::Array(list))
}

/// The positions as lines, for `stats` and `replicate`.
pub fn position_lines(dir: &Path, last_seq: Option<u64>) -> anyhow::Result<Vec<String>> {
    Ok(dmpgraph_replica::positions(dir)?
        .into_iter()
        .map(|p| {
            let behind = last_seq.map_or(String::new(), |l| {
                format!(" of {l} ({} behind)", l.saturating_sub(p.seq))
            });
            let at = p.replicated_at.map_or("never".into(), |t| t.to_rfc3339());
            let failing = match (&p.failing_since, &p.last_error) {
                (Some(since), Some(e)) => format!("; failing since {}: {e}", since.to_rfc3339()),
                _ => String::new(),
            };
            format!(
                "{}  change {}{behind}, at {at}, {}{failing}",
                p.name, p.seq, p.engine
            )
        })
        .collect())
}

fn print_positions(dir: &Path) -> anyhow::Result<()> {
    for line in position_lines(dir, None)? {
        println!("{line}");
    }
    Ok(())
}
