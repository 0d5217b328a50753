//! `dmpgraph serve` and `dmpgraph query`: the public store over HTTP with
//! the server as the store's single writer, and the same query path from
//! the command line.

use crate::commands::{open_target, Target};
use anyhow::Context;
use dmpgraph_pipeline::admin::{AdminServer, QueryAnswer, Services};
use dmpgraph_pipeline::{Local, WRITER_NICE};
use dmpgraph_server::query::ParsedQuery;
use dmpgraph_server::{format_from_name, Config, Limits, Offer};
use dmpgraph_store::StoreError;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// The query text of the argument: itself, `@FILE`, or `-` for stdin.
fn query_text(arg: &str) -> anyhow::Result<String> {
    if arg == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the query from stdin")?;
        Ok(text)
    } else if let Some(file) = arg.strip_prefix('@') {
        std::fs::read_to_string(file).with_context(|| format!("cannot read the query file {file}"))
    } else {
        Ok(arg.to_string())
    }
}

pub fn query(dir: &Path, format: Option<&str>, arg: &str) -> anyhow::Result<ExitCode> {
    let text = query_text(arg)?;
    // Refused queries (exit 1) and a format the query cannot be written in
    // (a usage error, exit 2) are told apart here, wherever it then runs.
    let parsed = match ParsedQuery::parse(&text) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("dmpgraph: query refused: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    if let Some(name) = format {
        if !format_from_name(name, parsed.offer()).is_some_and(|f| f.fits(parsed.offer())) {
            anyhow::bail!(
                "--format {name}: a {} query is written as {}",
                parsed.form(),
                match parsed.offer() {
                    Offer::Results => "json, xml, csv or tsv",
                    _ => "turtle, ntriples, nquads, rdfxml or jsonld",
                }
            );
        }
    }
    let target = open_target(dir, false)?;
    let answer = match &target {
        Target::Local(local) => match dmpgraph_server::run_query(&local.public(), &text, format) {
            Ok(bytes) => QueryAnswer::Answer(String::from_utf8(bytes)?),
            Err(reason) => QueryAnswer::Refused(reason),
        },
        Target::Remote(remote) => remote.query(&text, format)?,
    };
    target.finish()?;
    match answer {
        QueryAnswer::Answer(text) => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        QueryAnswer::Refused(reason) => {
            eprintln!("dmpgraph: {reason}");
            Ok(ExitCode::from(1))
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub fn serve(
    dir: &Path,
    addr: SocketAddr,
    query_timeout: f64,
    max_rows: usize,
    max_concurrent: Option<usize>,
    today: Option<chrono::NaiveDate>,
    oai: dmpgraph_oai::OaiConfig,
    api: dmpgraph_api::ApiConfig,
    engines: Vec<dmpgraph_replica::EngineConfig>,
) -> anyhow::Result<ExitCode> {
    if !(query_timeout.is_finite() && query_timeout > 0.0) {
        anyhow::bail!("--query-timeout {query_timeout}: expected a positive number of seconds");
    }
    let mut limits = Limits {
        query_timeout: Duration::from_secs_f64(query_timeout),
        max_rows,
        ..Limits::default()
    };
    if let Some(n) = max_concurrent {
        limits.max_concurrent = n.max(1);
    }
    if !dir.join("public").is_dir() {
        anyhow::bail!(
            "no store at {}: run `dmpgraph ingest --store {} PATH…` first, or pass the right --store",
            dir.display(),
            dir.display()
        );
    }
    // In the server, rayon's threads only prepare writes (hashes, N-Quads):
    // they run, as the writer does, below the readers' priority.
    let _ = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("dmpgraph-prepare-{i}"))
        .start_handler(|_| dmpgraph_store::lower_priority(WRITER_NICE))
        .build_global();
    // The server is the store's only writer, and others hand it their work.
    let local = Local::for_server(dir, today)
        .with_context(|| format!("cannot open the store at {}", dir.display()))?;
    // Embargoes end at midnight in Japan: the writer lifts them as the day
    // comes (opening the store lifted those already due).
    let releaser = local.handle();
    std::thread::Builder::new()
        .name("dmpgraph-embargoes".into())
        .spawn(move || loop {
            std::thread::sleep(Duration::from_secs(600));
            match releaser.release_embargoes(None) {
                Ok(_) => {}
                Err(StoreError::WriterStopped) => return,
                Err(e) => tracing::error!(error = %e, "lifting embargoes failed"),
            }
        })
        .context("starting the embargo thread")?;
    let query_view = local.public();
    let admin = AdminServer::start(
        dir,
        Services {
            writer: local.handle(),
            public: local.public(),
            private: local.private(),
            query: Some(Box::new(move |text, format| {
                dmpgraph_server::run_query(&query_view, text, format)
            })),
        },
    )?;
    // Only the public view is replicated: the engines never see the
    // private store. The one of `[backend]` also answers /sparql.
    let replicators = crate::backend::Replicators::start(&local.public(), &engines)?;
    let engine = match engines.iter().find(|e| e.serves_queries) {
        Some(c) => Some(
            dmpgraph_replica::Engine::new(c.clone())
                .with_context(|| format!("engine '{}'", c.name))?,
        ),
        None => None,
    };
    let engine_note = engine
        .as_ref()
        .map(|e| {
            format!(
                " (answered by the engine '{}' at {})",
                e.name(),
                e.config().query_url
            )
        })
        .unwrap_or_default();
    let config = Config {
        addr,
        limits,
        oai,
        engine,
    };
    let prefix = api.prefix.clone();
    let tokens = dmpgraph_api::auth::Tokens::new(
        &api.tokens,
        Some(dir.join(dmpgraph_api::auth::TOKEN_FILE)),
    )?;
    let writes = dmpgraph_api::Writes {
        handle: local.handle(),
        tokens,
    };
    let routes = dmpgraph_api::router(local.public(), writes, api);
    let served = dmpgraph_server::run_with(local.public(), config, routes, |bound| {
        eprintln!(
            "dmpgraph: serving {} on http://{bound}/ (SPARQL at /sparql{engine_note}, OAI-PMH at /oai, the maDMP API at {prefix}); writes through {}",
            dir.display(),
            admin.path().display()
        );
    });
    replicators.stop();
    admin.stop();
    local.shutdown().context("closing the store")?;
    served?;
    Ok(ExitCode::SUCCESS)
}

/// `dmpgraph api-token add|list|revoke`.
pub fn api_token(command: crate::args::ApiTokenCommand) -> anyhow::Result<ExitCode> {
    use crate::args::ApiTokenCommand;
    use dmpgraph_api::auth;
    let file = |store: &std::path::Path| -> anyhow::Result<std::path::PathBuf> {
        if !store.join("public").is_dir() {
            anyhow::bail!(
                "no store at {}: run `dmpgraph ingest --store {} PATH…` first, or pass the right --store",
                store.display(),
                store.display()
            );
        }
        Ok(store.join(auth::TOKEN_FILE))
    };
    match command {
        ApiTokenCommand::Add { store, name } => {
            let path = file(&store.store)?;
            let token = auth::add_token(&path, &name)?;
            eprintln!(
                "dmpgraph: token '{name}' added to {}; it is shown once, here:",
                path.display()
            );
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
        ApiTokenCommand::List { store } => {
            for t in auth::read_file(&file(&store.store)?)? {
                println!("{}\t{}", t.name, t.created.as_deref().unwrap_or("-"));
            }
            Ok(ExitCode::SUCCESS)
        }
        ApiTokenCommand::Revoke { store, name } => {
            let path = file(&store.store)?;
            if auth::revoke_token(&path, &name)? {
                eprintln!("dmpgraph: token '{name}' revoked");
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("dmpgraph: no token '{name}' in {}", path.display());
                Ok(ExitCode::from(1))
            }
        }
    }
}
