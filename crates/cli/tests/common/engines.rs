//! SPARQL engines for the backend tests: `oxigraph serve` (PyPI) and
//! Virtuoso 7 (`virtuoso-t`, Debian's virtuoso-opensource), each in a
//! temporary directory on loopback ports, killed (and its files removed)
//! when dropped, restartable over the same database. Self-contained: the
//! `engines` bench includes it too.

use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParser, SliceQueryResultsParserOutput,
};
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Whether `program` can be run; on CI (`CI=true`) a missing one fails
/// the test, elsewhere it is skipped loudly. (`virtuoso-t --version`
/// exits 1, so only whether it starts counts.)
pub fn engine_ready(program: &str) -> bool {
    match Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(_) => true,
        Err(e) => {
            let message = format!("this check needs `{program}` (.ci/run installs it): {e}");
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{message}");
            }
            let _ = writeln!(std::io::stderr(), "SKIPPED: {message}");
            false
        }
    }
}

fn s(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn wait_for_port(port: u16, what: &str, log: &Path) {
    let t = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            t.elapsed() < Duration::from_secs(90),
            "{what} does not listen on 127.0.0.1:{port}:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A query's answer in comparable form: SELECT answers as sorted rows
/// (each row its sorted `?var=term` pairs, terms in N-Triples form), ASK as
/// `true`/`false`, CONSTRUCT and DESCRIBE as sorted N-Triples lines.
pub fn canonical(body: &str, form_is_graph: bool) -> Vec<String> {
    if form_is_graph {
        let mut lines: Vec<String> = body
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect();
        lines.sort();
        return lines;
    }
    match QueryResultsParser::from_format(QueryResultsFormat::Json)
        .for_slice(body.as_bytes())
        .unwrap_or_else(|e| panic!("not SPARQL JSON ({e}): {body}"))
    {
        SliceQueryResultsParserOutput::Boolean(b) => vec![b.to_string()],
        SliceQueryResultsParserOutput::Solutions(rows) => {
            let mut out: Vec<String> = rows
                .map(|r| {
                    let r = r.expect("a solution");
                    let mut cells: Vec<String> =
                        r.iter().map(|(v, t)| format!("{v}={t}")).collect();
                    cells.sort();
                    cells.join(" ")
                })
                .collect();
            out.sort();
            out
        }
    }
}

/// SPARQL JSON writes non-ASCII as `\uXXXX` (Virtuoso does): the dump is
/// searched in plain text.
pub fn decode_json_escapes(text: &str) -> String {
    if !text.trim_start().starts_with('{') {
        return text.to_owned();
    }
    let v: serde_json::Value = serde_json::from_str(text).expect("JSON");
    let mut out = String::new();
    fn walk(v: &serde_json::Value, out: &mut String) {
        match v {
            serde_json::Value::String(s) => {
                out.push_str(s);
                out.push('\n');
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            serde_json::Value::Object(m) => m.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    walk(&v, &mut out);
    out
}

/// Which engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Oxigraph,
    Virtuoso,
}

/// A running engine.
pub struct EngineProcess {
    pub kind: Kind,
    dir: tempfile::TempDir,
    child: Option<Child>,
    /// The HTTP port.
    pub port: u16,
    /// Virtuoso's SQL port.
    sql_port: u16,
}

/// Virtuoso's memory and threads (`virtuoso.ini`).
#[derive(Debug, Clone)]
pub struct VirtuosoSize {
    /// `NumberOfBuffers` (8 kB pages).
    pub buffers: u32,
    /// `MaxDirtyBuffers`.
    pub max_dirty_buffers: u32,
    /// `[HTTPServer] ServerThreads` and `MaxClientConnections`.
    pub http_threads: u32,
    /// `ThreadsPerQuery`.
    pub threads_per_query: u32,
    /// `MaxQueryMem`, in MB.
    pub max_query_mem_mb: u32,
    /// Where its folder is made.
    pub in_dir: Option<PathBuf>,
}

impl Default for VirtuosoSize {
    /// A test's: 80 MB of buffers, 10 HTTP threads.
    fn default() -> VirtuosoSize {
        VirtuosoSize {
            buffers: 10_000,
            max_dirty_buffers: 6_000,
            http_threads: 10,
            threads_per_query: 2,
            max_query_mem_mb: 200,
            in_dir: None,
        }
    }
}

/// The user dmpgraph writes as, and its password (Virtuoso).
pub const USER: &str = "dmpgraph";
pub const PASSWORD: &str = "replica-secret";

impl EngineProcess {
    /// Starts `oxigraph serve --union-default-graph` over an empty store.
    pub fn oxigraph() -> EngineProcess {
        EngineProcess::oxigraph_in(None)
    }

    /// Starts `oxigraph serve` as [`EngineProcess::oxigraph`] does, its
    /// store in a new folder under `in_dir`.
    pub fn oxigraph_in(in_dir: Option<&Path>) -> EngineProcess {
        let dir = match in_dir {
            Some(d) => tempfile::tempdir_in(d),
            None => tempfile::tempdir(),
        }
        .unwrap();
        let mut e = EngineProcess {
            kind: Kind::Oxigraph,
            dir,
            child: None,
            port: free_port(),
            sql_port: 0,
        };
        e.start();
        e
    }

    /// Starts Virtuoso 7 over an empty database (its own `virtuoso.ini`:
    /// loopback ports, small buffers, `DirsAllowed` its directory, no row
    /// or time cap on SPARQL answers) with a user allowed SPARQL updates.
    pub fn virtuoso() -> EngineProcess {
        EngineProcess::virtuoso_sized(&VirtuosoSize::default())
    }

    /// Starts Virtuoso 7 as [`EngineProcess::virtuoso`] does, with these
    /// buffers and threads, its files in a new folder under `in_dir` (the
    /// system's temporary folder when `None`).
    pub fn virtuoso_sized(size: &VirtuosoSize) -> EngineProcess {
        let dir = match &size.in_dir {
            Some(d) => tempfile::tempdir_in(d),
            None => tempfile::tempdir(),
        }
        .unwrap();
        let VirtuosoSize {
            buffers,
            max_dirty_buffers,
            http_threads,
            threads_per_query,
            max_query_mem_mb,
            ..
        } = size;
        let (sql_port, port) = (free_port(), free_port());
        let d = dir.path().display();
        std::fs::write(
            dir.path().join("virtuoso.ini"),
            format!(
                "[Database]\nDatabaseFile = {d}/virtuoso.db\nErrorLogFile = {d}/virtuoso.log\nLockFile = {d}/virtuoso.lck\nTransactionFile = {d}/virtuoso.trx\nxa_persistent_file = {d}/virtuoso.pxa\nErrorLogLevel = 7\nFileExtend = 200\nStriping = 0\nTempStorage = TempDatabase\n\
                 [TempDatabase]\nDatabaseFile = {d}/virtuoso-temp.db\nTransactionFile = {d}/virtuoso-temp.trx\nStriping = 0\n\
                 [Parameters]\nServerPort = 127.0.0.1:{sql_port}\nDisableUnixSocket = 1\nCheckpointInterval = 60\nCaseMode = 2\nDirsAllowed = ., {d}\nNumberOfBuffers = {buffers}\nMaxDirtyBuffers = {max_dirty_buffers}\nMaxQueryMem = {max_query_mem_mb}M\nThreadsPerQuery = {threads_per_query}\n\
                 [HTTPServer]\nServerPort = 127.0.0.1:{port}\nServerRoot = {d}\nServerThreads = {http_threads}\nMaxClientConnections = {http_threads}\nCharset = UTF-8\nEnabledDavVSP = 0\n\
                 [SPARQL]\nResultSetMaxRows = 1000000\nMaxQueryExecutionTime = 0\nMaxQueryCostEstimationTime = 0\n"
            ),
        )
        .unwrap();
        let mut e = EngineProcess {
            kind: Kind::Virtuoso,
            dir,
            child: None,
            port,
            sql_port,
        };
        e.start();
        let sql = format!(
            "DB.DBA.USER_CREATE('{USER}', '{PASSWORD}'); GRANT SPARQL_SELECT TO \"{USER}\"; GRANT SPARQL_UPDATE TO \"{USER}\";"
        );
        let out = Command::new("isql-vt")
            .args([
                &format!("127.0.0.1:{sql_port}"),
                "dba",
                "dba",
                &format!("exec={sql}"),
            ])
            .output()
            .expect("isql-vt runs");
        assert!(
            out.status.success() && !String::from_utf8_lossy(&out.stdout).contains("Error"),
            "isql-vt: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        e
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("engine.log")
    }

    /// (Re)starts the engine over its database.
    pub fn start(&mut self) {
        assert!(self.child.is_none(), "already running");
        let log = std::fs::File::create(self.log()).unwrap();
        let mut c = match self.kind {
            Kind::Oxigraph => {
                let mut c = Command::new("oxigraph");
                c.args([
                    "serve",
                    "--location",
                    s(&self.dir.path().join("store")),
                    "--bind",
                    &format!("127.0.0.1:{}", self.port),
                    "--union-default-graph",
                ]);
                c
            }
            Kind::Virtuoso => {
                let mut c = Command::new("virtuoso-t");
                c.args(["+foreground", "+configfile"])
                    .arg(self.dir.path().join("virtuoso.ini"))
                    .current_dir(self.dir.path());
                c
            }
        };
        let child = c
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .expect("the engine starts");
        self.child = Some(child);
        wait_for_port(self.port, &format!("{:?}", self.kind), &self.log());
        if self.kind == Kind::Virtuoso {
            wait_for_port(self.sql_port, "Virtuoso's SQL port", &self.log());
        }
    }

    /// Kills the engine (SIGKILL: as a crash or a lost machine would).
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        // The port is free once nothing listens.
        let t = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_ok()
            && t.elapsed() < Duration::from_secs(10)
        {
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The base URL (`--backend-url`).
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `--backend-flavour`.
    pub fn flavour(&self) -> &'static str {
        match self.kind {
            Kind::Oxigraph => "oxigraph",
            Kind::Virtuoso => "virtuoso",
        }
    }

    /// The query endpoint, asked directly (not through dmpgraph).
    pub fn query_url(&self) -> String {
        match self.kind {
            Kind::Oxigraph => format!("{}/query", self.url()),
            Kind::Virtuoso => format!("{}/sparql", self.url()),
        }
    }

    /// `dmpgraph serve`'s backend arguments; the password file is written
    /// into `work`.
    pub fn serve_args(&self, work: &Path) -> Vec<String> {
        let mut args = vec![
            "--backend-url".to_string(),
            self.url(),
            "--backend-flavour".into(),
            self.flavour().into(),
        ];
        if self.kind == Kind::Virtuoso {
            let file = work.join("engine-password");
            std::fs::write(&file, format!("{PASSWORD}\n")).unwrap();
            args.extend([
                "--backend-user".into(),
                USER.into(),
                "--backend-password-file".into(),
                s(&file).into(),
            ]);
        }
        args
    }
}

impl EngineProcess {
    /// A `[backend]` table naming this engine `name` (its position file),
    /// the password file written into `work`.
    pub fn backend_toml(&self, name: &str, work: &Path) -> String {
        let mut toml = format!(
            "[backend]\nname = \"{name}\"\nflavour = \"{}\"\nurl = \"{}\"\n",
            self.flavour(),
            self.url()
        );
        if self.kind == Kind::Virtuoso {
            let file = work.join(format!("{name}-password"));
            std::fs::write(&file, format!("{PASSWORD}\n")).unwrap();
            toml.push_str(&format!(
                "user = \"{USER}\"\npassword_file = \"{}\"\n",
                s(&file)
            ));
        }
        toml
    }

    /// A query sent to the engine itself (not through dmpgraph): the body
    /// of its 200 answer.
    pub fn ask(&self, query: &str, accept: &str) -> String {
        let agent = ureq::Agent::new_with_config(
            ureq::config::Config::builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(120)))
                .build(),
        );
        let mut response = agent
            .post(&self.query_url())
            .header("Accept", accept)
            .send_form([("query", query)])
            .unwrap_or_else(|e| panic!("{:?}: {e}", self.kind));
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(1 << 30)
            .read_to_string()
            .unwrap_or_else(|e| panic!("{:?}: {e}", self.kind));
        assert_eq!(status, 200, "{:?}: {query}: {body}", self.kind);
        body
    }

    /// Everything the engine holds, as text to search: every quad of every
    /// graph by SELECT (JSON's escapes decoded) and by CONSTRUCT (N-Triples).
    pub fn dump(&self) -> String {
        let select = self.ask(
            "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
            "application/sparql-results+json",
        );
        let construct = self.ask(
            "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
            "application/n-triples",
        );
        format!("{}\n{construct}", decode_json_escapes(&select))
    }

    /// The engine's own folder (Virtuoso reads bulk-load files from it).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Loads an N-Quads file with the engine's own bulk loader: `oxigraph
    /// load` into the stopped server's store, or Virtuoso's `ld_dir` and
    /// `rdf_loader_run()` (the file must be in [`EngineProcess::dir`]),
    /// then a checkpoint.
    pub fn bulk_load(&mut self, nquads: &Path) {
        match self.kind {
            Kind::Oxigraph => {
                self.kill();
                let status = Command::new("oxigraph")
                    .args([
                        "load",
                        "--location",
                        s(&self.dir.path().join("store")),
                        "--file",
                        s(nquads),
                    ])
                    .stdout(Stdio::null())
                    .status()
                    .expect("oxigraph load runs");
                assert!(status.success(), "oxigraph load: {status}");
                // As `oxigraph load` advises for a read-heavy workload.
                let status = Command::new("oxigraph")
                    .args(["optimize", "--location", s(&self.dir.path().join("store"))])
                    .stdout(Stdio::null())
                    .status()
                    .expect("oxigraph optimize runs");
                assert!(status.success(), "oxigraph optimize: {status}");
                self.start();
            }
            Kind::Virtuoso => {
                let folder = nquads.parent().expect("a folder");
                let name = nquads.file_name().and_then(|n| n.to_str()).expect("a name");
                let sql = format!(
                    "ld_dir('{}', '{name}', 'urn:dmpgraph:bulk-default'); rdf_loader_run(); checkpoint; SELECT COUNT(*) FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;",
                    s(folder)
                );
                let out = Command::new("isql-vt")
                    .args([
                        &format!("127.0.0.1:{}", self.sql_port),
                        "dba",
                        "dba",
                        &format!("exec={sql}"),
                    ])
                    .output()
                    .expect("isql-vt runs");
                let text = String::from_utf8_lossy(&out.stdout);
                assert!(
                    out.status.success() && !text.contains("Error"),
                    "Virtuoso's bulk loader: {text}{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
    }

    /// Bytes of the engine's files.
    pub fn disk_bytes(&self) -> u64 {
        fn walk(p: &Path) -> u64 {
            std::fs::read_dir(p).map_or(0, |entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| match e.metadata() {
                        Ok(m) if m.is_dir() => walk(&e.path()),
                        Ok(m) => m.len(),
                        Err(_) => 0,
                    })
                    .sum()
            })
        }
        walk(self.dir.path())
    }

    /// The engine's version line.
    pub fn version(&self) -> String {
        let (program, arg) = match self.kind {
            Kind::Oxigraph => ("oxigraph", "--version"),
            Kind::Virtuoso => ("virtuoso-t", "-?"),
        };
        Command::new(program)
            .arg(arg)
            .output()
            .ok()
            .map(|o| {
                let text = format!(
                    "{}{}",
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(&o.stderr)
                );
                let line = text
                    .lines()
                    .find(|l| l.contains("Version") || l.contains("oxigraph"))
                    .unwrap_or(program)
                    .trim();
                match self.kind {
                    // "Version 7.2.5.3229-pthreads as of Feb  8 2023"
                    Kind::Virtuoso => format!("Virtuoso Open Source {line}"),
                    Kind::Oxigraph => line.to_string(),
                }
            })
            .unwrap_or_else(|| program.to_string())
    }
}

impl Drop for EngineProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
