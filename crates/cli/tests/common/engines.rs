//! SPARQL engines for the backend tests: `oxigraph serve` (PyPI) and
//! Virtuoso 7 (`virtuoso-t`, Debian's virtuoso-opensource), each in a
//! temporary directory on loopback ports, killed (and its files removed)
//! when dropped, restartable over the same database.

use super::s;
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

/// The user dmpgraph writes as, and its password (Virtuoso).
pub const USER: &str = "dmpgraph";
pub const PASSWORD: &str = "replica-secret";

impl EngineProcess {
    /// Starts `oxigraph serve --union-default-graph` over an empty store.
    pub fn oxigraph() -> EngineProcess {
        let mut e = EngineProcess {
            kind: Kind::Oxigraph,
            dir: tempfile::tempdir().unwrap(),
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
        let dir = tempfile::tempdir().unwrap();
        let (sql_port, port) = (free_port(), free_port());
        let d = dir.path().display();
        std::fs::write(
            dir.path().join("virtuoso.ini"),
            format!(
                "[Database]\nDatabaseFile = {d}/virtuoso.db\nErrorLogFile = {d}/virtuoso.log\nLockFile = {d}/virtuoso.lck\nTransactionFile = {d}/virtuoso.trx\nxa_persistent_file = {d}/virtuoso.pxa\nErrorLogLevel = 7\nFileExtend = 200\nStriping = 0\nTempStorage = TempDatabase\n\
                 [TempDatabase]\nDatabaseFile = {d}/virtuoso-temp.db\nTransactionFile = {d}/virtuoso-temp.trx\nStriping = 0\n\
                 [Parameters]\nServerPort = 127.0.0.1:{sql_port}\nDisableUnixSocket = 1\nCheckpointInterval = 60\nCaseMode = 2\nDirsAllowed = ., {d}\nNumberOfBuffers = 10000\nMaxDirtyBuffers = 6000\nMaxQueryMem = 200M\nThreadsPerQuery = 2\n\
                 [HTTPServer]\nServerPort = 127.0.0.1:{port}\nServerRoot = {d}\nServerThreads = 10\nMaxClientConnections = 10\nCharset = UTF-8\nEnabledDavVSP = 0\n\
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

impl Drop for EngineProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
