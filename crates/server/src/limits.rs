//! What keeps the server responsive: a bounded number of queries at once,
//! each on a blocking thread with a time limit and a row limit.

use crate::query::{QueryError, RunLimits};
use oxigraph::sparql::CancellationToken;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The limits of the query path.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Longest evaluation of one query (also the longest wait for a slot).
    pub query_timeout: Duration,
    /// Most rows (solutions) or triples in one answer.
    pub max_rows: usize,
    /// Queries evaluated at once; the others wait for a slot.
    pub max_concurrent: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            query_timeout: Duration::from_secs(30),
            max_rows: 100_000,
            max_concurrent: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }
}

/// Admits queries to the blocking threads.
#[derive(Clone)]
pub(crate) struct Gate {
    slots: Arc<Semaphore>,
    limits: Limits,
}

impl Gate {
    pub(crate) fn new(limits: Limits) -> Gate {
        Gate {
            slots: Arc::new(Semaphore::new(limits.max_concurrent.max(1))),
            limits,
        }
    }

    /// The time limit of one query.
    pub(crate) fn timeout(&self) -> Duration {
        self.limits.query_timeout
    }

    /// Runs `job` on a blocking thread once a slot is free. Past the time
    /// limit the job's cancellation token fires and the caller gets
    /// [`QueryError::Timeout`] at once; the job keeps its slot until it
    /// has noticed, so the count of running evaluations stays honest.
    pub(crate) async fn run<T, F>(&self, job: F) -> Result<T, QueryError>
    where
        T: Send + 'static,
        F: FnOnce(&RunLimits) -> Result<T, QueryError> + Send + 'static,
    {
        let timeout = self.limits.query_timeout;
        let slot = tokio::time::timeout(timeout, Arc::clone(&self.slots).acquire_owned())
            .await
            .map_err(|_| QueryError::Busy)?
            .map_err(|_| QueryError::Busy)?;
        let run_limits = RunLimits {
            max_rows: self.limits.max_rows,
            cancel: CancellationToken::new(),
            timeout,
        };
        let cancel = run_limits.cancel.clone();
        let handle = tokio::task::spawn_blocking(move || {
            let _slot = slot;
            job(&run_limits)
        });
        match tokio::time::timeout(timeout, handle).await {
            Ok(Ok(result)) => result,
            Ok(Err(join)) => Err(QueryError::Evaluation(format!(
                "the query task failed: {join}"
            ))),
            Err(_) => {
                cancel.cancel();
                Err(QueryError::Timeout(timeout))
            }
        }
    }
}

impl Gate {
    /// Runs an engine's query: `ask` (the request) then `write` (its
    /// answer parsed and written again, on a blocking thread) once a slot
    /// is free, both within the time limit.
    pub(crate) async fn run_remote<A, W>(
        &self,
        engine: String,
        ask: A,
        write: W,
    ) -> Result<Vec<u8>, QueryError>
    where
        A: std::future::Future<Output = Result<dmpgraph_replica::EngineAnswer, QueryError>>,
        W: FnOnce(dmpgraph_replica::EngineAnswer, &RunLimits) -> Result<Vec<u8>, QueryError>
            + Send
            + 'static,
    {
        let timeout = self.limits.query_timeout;
        let started = tokio::time::Instant::now();
        let slot = tokio::time::timeout(timeout, Arc::clone(&self.slots).acquire_owned())
            .await
            .map_err(|_| QueryError::Busy)?
            .map_err(|_| QueryError::Busy)?;
        let run_limits = RunLimits {
            max_rows: self.limits.max_rows,
            cancel: CancellationToken::new(),
            timeout,
        };
        let work = async move {
            let answer = ask.await?;
            // The slot is held while the answer is written again.
            let handle = tokio::task::spawn_blocking(move || {
                let _slot = slot;
                write(answer, &run_limits)
            });
            handle
                .await
                .map_err(|join| QueryError::Evaluation(format!("the query task failed: {join}")))?
        };
        match tokio::time::timeout_at(started + timeout, work).await {
            Ok(result) => result,
            Err(_) => Err(QueryError::EngineTimeout(engine)),
        }
    }
}
