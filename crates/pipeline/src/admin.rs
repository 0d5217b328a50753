//! The admin socket: how `dmpgraph ingest`, `delete`, `show`, `stats`,
//! `export` and `query` reach a running `dmpgraph serve`, which holds the
//! store (RocksDB admits one process) and is its only writer.
//!
//! It is a Unix socket at `DIR/private/admin.sock`: `DIR/private` is mode
//! 0700 and the socket 0600, so only the store's owner can connect, and the
//! server also checks each peer's user id (`SO_PEERCRED`) against its own.
//! Nothing listens on the network; a remote machine cannot reach it. (An
//! HTTP endpoint with a token would work from elsewhere, but it would put
//! the private store behind a secret that can leak, and behind the same
//! listener as the public endpoints.)
//!
//! The protocol is one JSON object per line each way: a request
//! (`{"op": "write", "changes": [...]}`) and its answer (`{"status": "ok",
//! "value": ...}` or `{"status": "error", "message": ...}`). Quads travel as
//! N-Quads.

use crate::catalog::{stats_of, Catalog};
use crate::ingest::Sink;
use crate::PipelineError;
use dmpgraph_store::{
    parse_nquads, to_nquads, Change, Condition, Delete, Inconsistency, PrivateView, PublicView,
    RecordEntry, RecordKey, RecordWrite, SourceFormat, Stats, WriteHandle, WriteOutcome,
};
use oxigraph::model::{NamedNode, Quad};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The longest request or answer (one line): a batch of a few hundred plans
/// is a few tens of MiB.
const MAX_MESSAGE: u64 = 1 << 30;

/// Where a store's admin socket is.
pub fn socket_path(dir: &Path) -> PathBuf {
    dir.join("private").join("admin.sock")
}

/// Unix socket addresses hold about 100 bytes; a longer path is reached
/// through the directory's file descriptor (`/proc/self/fd/N/admin.sock`).
struct SocketAddress {
    path: PathBuf,
    /// Keeps the directory's descriptor open while the path is used.
    _dir: Option<std::fs::File>,
}

fn address(dir: &Path) -> Result<SocketAddress, PipelineError> {
    let path = socket_path(dir);
    if path.as_os_str().len() < 100 {
        return Ok(SocketAddress { path, _dir: None });
    }
    let parent = dir.join("private");
    let file = std::fs::File::open(&parent).map_err(|source| PipelineError::Io {
        path: parent.clone(),
        source,
    })?;
    use std::os::fd::AsRawFd;
    Ok(SocketAddress {
        path: PathBuf::from(format!("/proc/self/fd/{}/admin.sock", file.as_raw_fd())),
        _dir: Some(file),
    })
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Request {
    Hello {
        version: String,
    },
    Write {
        changes: Vec<WireChange>,
    },
    Records,
    Find {
        id: String,
    },
    Record {
        key: RecordKey,
    },
    Graph {
        graph: String,
        private: bool,
    },
    Stats {
        verify: bool,
    },
    Query {
        query: String,
        format: Option<String>,
    },
    Annotate {
        annex: Vec<(RecordKey, Vec<(u32, String)>)>,
    },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum Response {
    Ok {
        value: serde_json::Value,
    },
    /// The request was understood but could not be done.
    Error {
        message: String,
    },
    /// A query was refused or failed (the command then exits 1, not 2).
    Refused {
        message: String,
    },
}

#[allow(clippy::large_enum_variant)] // as the store's Change
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
enum WireChange {
    Put {
        key: RecordKey,
        graph: String,
        public: String,
        private: String,
        format: SourceFormat,
        base_iri: Option<String>,
        sets: Vec<String>,
        version: Option<String>,
        source: Option<String>,
        title: Option<String>,
        datasets: Option<u32>,
        madmp_version: Option<String>,
        conditions: Vec<Condition>,
    },
    Delete {
        key: RecordKey,
        conditions: Vec<Condition>,
    },
}

fn from_nquads(text: &str) -> Result<Vec<Quad>, String> {
    parse_nquads(text).map_err(|e| format!("N-Quads: {e}"))
}

impl WireChange {
    fn from_change(c: Change) -> WireChange {
        match c {
            Change::Put(w) => WireChange::Put {
                key: w.key,
                graph: w.graph.into_string(),
                public: to_nquads(&w.public),
                private: to_nquads(&w.private),
                format: w.format,
                base_iri: w.base_iri,
                sets: w.sets,
                version: w.version,
                source: w.source,
                title: w.title,
                datasets: w.datasets,
                madmp_version: w.madmp_version,
                conditions: w.conditions,
            },
            Change::Delete(d) => WireChange::Delete {
                key: d.key,
                conditions: d.conditions,
            },
        }
    }

    fn into_change(self) -> Result<Change, String> {
        Ok(match self {
            WireChange::Put {
                key,
                graph,
                public,
                private,
                format,
                base_iri,
                sets,
                version,
                source,
                title,
                datasets,
                madmp_version,
                conditions,
            } => Change::Put(RecordWrite {
                graph: NamedNode::new(&graph)
                    .map_err(|e| format!("{key}: graph <{graph}>: {e}"))?,
                public: from_nquads(&public).map_err(|e| format!("{key}: public {e}"))?,
                private: from_nquads(&private).map_err(|e| format!("{key}: private {e}"))?,
                key,
                format,
                base_iri,
                sets,
                version,
                source,
                title,
                datasets,
                madmp_version,
                conditions,
            }),
            WireChange::Delete { key, conditions } => Change::Delete(Delete { key, conditions }),
        })
    }
}

/// Runs a query for the admin socket: the query text and the format name
/// asked for, to the answer's bytes, or the reason it was refused.
pub type QueryFn = dyn Fn(&str, Option<&str>) -> Result<Vec<u8>, String> + Send + Sync;

/// What the admin socket serves from.
pub struct Services {
    /// The writer.
    pub writer: WriteHandle,
    /// The public view.
    pub public: PublicView,
    /// The private view (the socket is the owner's only).
    pub private: PrivateView,
    /// How queries are answered (the server's query path).
    pub query: Option<Box<QueryFn>>,
}

/// The listening admin socket of a running server.
pub struct AdminServer {
    path: PathBuf,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    address: SocketAddress,
}

impl AdminServer {
    /// Binds the store's admin socket (replacing a stale one: the caller
    /// holds the store, so no other server can be listening) and serves it
    /// on its own threads.
    pub fn start(dir: &Path, services: Services) -> Result<AdminServer, PipelineError> {
        let path = socket_path(dir);
        let address = address(dir)?;
        let admin_err = |source| PipelineError::Admin {
            path: path.clone(),
            source,
        };
        match std::fs::remove_file(&address.path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(admin_err(e)),
        }
        let listener = UnixListener::bind(&address.path).map_err(admin_err)?;
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&address.path, std::fs::Permissions::from_mode(0o600))
                .map_err(admin_err)?;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let services = Arc::new(services);
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("dmpgraph-admin".into())
            .spawn(move || {
                for conn in listener.incoming() {
                    if flag.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = conn else { continue };
                    let services = services.clone();
                    let _ = std::thread::Builder::new()
                        .name("dmpgraph-admin-conn".into())
                        .spawn(move || serve_connection(stream, &services));
                }
            })
            .map_err(admin_err)?;
        tracing::info!(socket = %path.display(), "admin socket listening (ingest, delete, show, stats, export and query reach this server through it)");
        Ok(AdminServer {
            path,
            stop,
            thread: Some(thread),
            address,
        })
    }

    /// The socket's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Stops listening and removes the socket (connections under way finish).
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        if let Some(t) = self.thread.take() {
            self.stop.store(true, Ordering::SeqCst);
            // Wake the accept loop.
            let _ = UnixStream::connect(&self.address.path);
            let _ = t.join();
            let _ = std::fs::remove_file(&self.address.path);
        }
    }
}

impl Drop for AdminServer {
    fn drop(&mut self) {
        self.halt();
    }
}

fn peer_is_owner(stream: &UnixStream) -> bool {
    match rustix::net::sockopt::socket_peercred(stream) {
        Ok(cred) => cred.uid == rustix::process::geteuid(),
        Err(_) => false,
    }
}

/// Reads one line of at most [`MAX_MESSAGE`] bytes; `None` at the end.
fn read_message(reader: &mut impl BufRead) -> std::io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let n = reader
        .by_ref()
        .take(MAX_MESSAGE)
        .read_until(b'\n', &mut line)?;
    if n == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("a message longer than {MAX_MESSAGE} bytes, or cut short"),
        ));
    }
    line.pop();
    Ok(Some(line))
}

fn write_message(stream: &mut impl Write, value: &impl Serialize) -> std::io::Result<()> {
    let mut bytes = serde_json::to_vec(value)?;
    bytes.push(b'\n');
    stream.write_all(&bytes)?;
    stream.flush()
}

fn serve_connection(stream: UnixStream, services: &Services) {
    // Parsing and hashing what arrives is writing work: readers come first.
    dmpgraph_store::lower_priority(crate::WRITER_NICE);
    if !peer_is_owner(&stream) {
        tracing::warn!("admin socket: refused a peer that is not the store's owner");
        return;
    }
    let Ok(mut out) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    // Requests are read (and writes parsed, hashed and queued to the
    // writer) on this thread; answers are written in order on another, so a
    // client may send its next write while the writer applies the one
    // before. A request other than a write is answered there too, after
    // every write before it: a client reads its own writes.
    let (answers, to_answer) = std::sync::mpsc::sync_channel::<Answer>(1);
    // The scope owns the sending end: when reading stops, it is dropped, and
    // the answering thread ends once it has answered what was read.
    std::thread::scope(move |scope| {
        scope.spawn(move || {
            for a in to_answer {
                let response = settle(a, services);
                if write_message(&mut out, &response).is_err() {
                    return;
                }
            }
        });
        loop {
            let message = match read_message(&mut reader) {
                Ok(Some(m)) => m,
                Ok(None) => return,
                Err(e) => {
                    let _ = answers.send(Answer::Now(Response::Error {
                        message: format!("bad request: {e}"),
                    }));
                    return;
                }
            };
            let a = match serde_json::from_slice::<Request>(&message) {
                Ok(Request::Write { changes }) => queue_write(changes, services),
                Ok(request) => Answer::Read(request),
                Err(e) => Answer::Now(Response::Error {
                    message: format!("bad request: {e}"),
                }),
            };
            if answers.send(a).is_err() {
                return;
            }
        }
    });
}

/// Parses a write's changes and queues them to the writer.
fn queue_write(changes: Vec<WireChange>, s: &Services) -> Answer {
    match changes
        .into_iter()
        .map(WireChange::into_change)
        .collect::<Result<Vec<Change>, String>>()
    {
        Ok(c) => match s.writer.send(c) {
            Ok(pending) => Answer::Write(pending),
            Err(e) => Answer::Now(error(e)),
        },
        Err(message) => Answer::Now(Response::Error { message }),
    }
}

/// The response an answer comes to: a write's once the writer applied it,
/// any other request's once the writes before it are answered.
fn settle(a: Answer, s: &Services) -> Response {
    match a {
        Answer::Now(r) => r,
        Answer::Write(pending) => match pending.wait() {
            Ok(outcomes) => ok(outcomes),
            Err(e) => error(e),
        },
        Answer::Read(request) => answer(request, s),
    }
}

/// What a request is answered with, in order.
enum Answer {
    /// Known already (a request that could not be read).
    Now(Response),
    /// A write's outcomes, once the writer has applied it.
    Write(dmpgraph_store::Pending),
    /// Any other request, answered after the writes before it.
    Read(Request),
}

fn ok(value: impl Serialize) -> Response {
    match serde_json::to_value(value) {
        Ok(value) => Response::Ok { value },
        Err(e) => Response::Error {
            message: e.to_string(),
        },
    }
}

fn error(e: impl std::error::Error) -> Response {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Response::Error { message }
}

fn answer(request: Request, s: &Services) -> Response {
    match request {
        Request::Hello { version } => {
            if version != env!("CARGO_PKG_VERSION") {
                return Response::Error {
                    message: format!(
                        "this server is dmpgraph {}, the command dmpgraph {version}: use the same version",
                        env!("CARGO_PKG_VERSION")
                    ),
                };
            }
            ok(serde_json::json!({ "version": env!("CARGO_PKG_VERSION"), "store": s.public.dir() }))
        }
        Request::Write { changes } => settle(queue_write(changes, s), s),
        Request::Records => match s.public.records() {
            Ok(r) => ok(r),
            Err(e) => error(e),
        },
        Request::Find { id } => match s.public.find(&id) {
            Ok(r) => ok(r),
            Err(e) => error(e),
        },
        Request::Record { key } => match s.public.record(&key) {
            Ok(r) => ok(r),
            Err(e) => error(e),
        },
        Request::Graph { graph, private } => {
            let quads = if private {
                s.private.graph(&graph)
            } else {
                s.public.graph(&graph)
            };
            match quads {
                Ok(q) => ok(to_nquads(&q)),
                Err(e) => error(e),
            }
        }
        Request::Stats { verify } => match stats_of(&s.public, &s.private, verify) {
            Ok(r) => ok(r),
            Err(e) => error(e),
        },
        Request::Annotate { annex } => match s.writer.annotate_items(annex) {
            Ok(n) => ok(n),
            Err(e) => error(e),
        },
        Request::Query { query, format } => match &s.query {
            None => Response::Error {
                message: "this server answers no queries on its admin socket".into(),
            },
            Some(run) => match run(&query, format.as_deref()) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => ok(text),
                    Err(e) => error(e),
                },
                Err(message) => Response::Refused { message },
            },
        },
    }
}

/// A connection to a running server's admin socket.
pub struct AdminClient {
    path: PathBuf,
    reader: BufReader<UnixStream>,
    out: UnixStream,
    /// Writes sent and not yet answered (their answers come first).
    unanswered: usize,
}

/// What a query through the admin socket gave.
pub enum QueryAnswer {
    /// The answer, in the format asked for.
    Answer(String),
    /// The query was refused or failed, and why.
    Refused(String),
}

impl AdminClient {
    /// Connects to the server that holds the store under `dir`; `None` when
    /// none is running there (no socket, or a stale one left by a crash).
    pub fn connect(dir: &Path) -> Result<Option<AdminClient>, PipelineError> {
        let path = socket_path(dir);
        let address = address(dir)?;
        let stream = match UnixStream::connect(&address.path) {
            Ok(s) => s,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
                ) =>
            {
                return Ok(None)
            }
            Err(source) => return Err(PipelineError::Admin { path, source }),
        };
        let out = stream.try_clone().map_err(|source| PipelineError::Admin {
            path: path.clone(),
            source,
        })?;
        let mut client = AdminClient {
            path,
            reader: BufReader::new(stream),
            out,
            unanswered: 0,
        };
        client.call(&Request::Hello {
            version: env!("CARGO_PKG_VERSION").into(),
        })?;
        Ok(Some(client))
    }

    /// The socket's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn exchange(&mut self, request: &Request) -> Result<Response, PipelineError> {
        if self.unanswered > 0 {
            return Err(PipelineError::Protocol {
                path: self.path.clone(),
                message: format!(
                    "a request while {} writes are unanswered (receive their outcomes first)",
                    self.unanswered
                ),
            });
        }
        self.send_request(request)?;
        self.read_response()
    }

    fn send_request(&mut self, request: &Request) -> Result<(), PipelineError> {
        write_message(&mut self.out, request).map_err(|source| PipelineError::Admin {
            path: self.path.clone(),
            source,
        })
    }

    fn read_response(&mut self) -> Result<Response, PipelineError> {
        let line = read_message(&mut self.reader)
            .map_err(|source| PipelineError::Admin {
                path: self.path.clone(),
                source,
            })?
            .ok_or_else(|| PipelineError::Protocol {
                path: self.path.clone(),
                message: "the server closed the connection without answering (did it stop?)".into(),
            })?;
        serde_json::from_slice(&line).map_err(|e| PipelineError::Protocol {
            path: self.path.clone(),
            message: format!("an answer this dmpgraph cannot read: {e}"),
        })
    }

    /// Sends a write without waiting for its answer ([`receive_write`](Self::receive_write)).
    fn send_write(&mut self, changes: Vec<WireChange>) -> Result<(), PipelineError> {
        self.send_request(&Request::Write { changes })?;
        self.unanswered += 1;
        Ok(())
    }

    /// The outcomes of the oldest write sent and not yet answered.
    fn receive_write(&mut self) -> Result<Vec<WriteOutcome>, PipelineError> {
        if self.unanswered == 0 {
            return Ok(Vec::new());
        }
        self.unanswered -= 1;
        match self.read_response()? {
            Response::Ok { value } => {
                serde_json::from_value(value).map_err(|e| PipelineError::Protocol {
                    path: self.path.clone(),
                    message: format!("an answer this dmpgraph cannot read: {e}"),
                })
            }
            Response::Error { message } | Response::Refused { message } => {
                Err(PipelineError::Remote { message })
            }
        }
    }

    fn call(&mut self, request: &Request) -> Result<serde_json::Value, PipelineError> {
        match self.exchange(request)? {
            Response::Ok { value } => Ok(value),
            Response::Error { message } | Response::Refused { message } => {
                Err(PipelineError::Remote { message })
            }
        }
    }

    fn call_as<T: serde::de::DeserializeOwned>(
        &mut self,
        request: &Request,
    ) -> Result<T, PipelineError> {
        let value = self.call(request)?;
        serde_json::from_value(value).map_err(|e| PipelineError::Protocol {
            path: self.path.clone(),
            message: format!("an answer this dmpgraph cannot read: {e}"),
        })
    }

    /// Runs a query on the server's query path.
    pub fn query(
        &mut self,
        query: &str,
        format: Option<&str>,
    ) -> Result<QueryAnswer, PipelineError> {
        match self.exchange(&Request::Query {
            query: query.into(),
            format: format.map(str::to_owned),
        })? {
            Response::Ok { value } => Ok(QueryAnswer::Answer(
                value.as_str().unwrap_or_default().to_string(),
            )),
            Response::Refused { message } => Ok(QueryAnswer::Refused(message)),
            Response::Error { message } => Err(PipelineError::Remote { message }),
        }
    }
}

/// The admin client as a [`Catalog`] needs interior mutability: one request
/// at a time on its connection.
pub struct Remote(std::sync::Mutex<AdminClient>);

impl Remote {
    /// Wraps a connection.
    pub fn new(client: AdminClient) -> Remote {
        Remote(std::sync::Mutex::new(client))
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut AdminClient) -> Result<T, PipelineError>,
    ) -> Result<T, PipelineError> {
        let mut c = self.0.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut c)
    }

    /// Runs a query on the server's query path.
    pub fn query(&self, query: &str, format: Option<&str>) -> Result<QueryAnswer, PipelineError> {
        self.with(|c| c.query(query, format))
    }

    /// The socket's path.
    pub fn path(&self) -> PathBuf {
        self.with(|c| Ok(c.path.clone())).unwrap_or_default()
    }

    fn graph(&self, graph: &str, private: bool) -> Result<Vec<Quad>, PipelineError> {
        let text: String = self.with(|c| {
            c.call_as(&Request::Graph {
                graph: graph.into(),
                private,
            })
        })?;
        from_nquads(&text).map_err(|message| PipelineError::Protocol {
            path: self.path(),
            message,
        })
    }
}

impl Sink for &Remote {
    fn send(&mut self, changes: Vec<Change>) -> Result<(), PipelineError> {
        let changes = changes.into_iter().map(WireChange::from_change).collect();
        self.with(|c| c.send_write(changes))
    }

    fn receive(&mut self) -> Result<Vec<WriteOutcome>, PipelineError> {
        self.with(AdminClient::receive_write)
    }

    fn annotate(
        &mut self,
        annex: Vec<(RecordKey, Vec<(u32, String)>)>,
    ) -> Result<usize, PipelineError> {
        self.with(|c| c.call_as(&Request::Annotate { annex }))
    }
}

impl Catalog for Remote {
    fn location(&self) -> String {
        format!("the running server ({})", self.path().display())
    }
    fn records(&self) -> Result<Vec<RecordEntry>, PipelineError> {
        self.with(|c| c.call_as(&Request::Records))
    }
    fn find(&self, id: &str) -> Result<Vec<RecordEntry>, PipelineError> {
        self.with(|c| c.call_as(&Request::Find { id: id.into() }))
    }
    fn record(&self, key: &RecordKey) -> Result<Option<RecordEntry>, PipelineError> {
        self.with(|c| c.call_as(&Request::Record { key: key.clone() }))
    }
    fn public_graph(&self, graph: &str) -> Result<Vec<Quad>, PipelineError> {
        self.graph(graph, false)
    }
    fn private_graph(&self, graph: &str) -> Result<Vec<Quad>, PipelineError> {
        self.graph(graph, true)
    }
    fn stats(&self, verify: bool) -> Result<(Stats, Option<Vec<Inconsistency>>), PipelineError> {
        self.with(|c| c.call_as(&Request::Stats { verify }))
    }
}
