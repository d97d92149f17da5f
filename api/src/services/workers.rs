//! A fixed set of threads for CPU-heavy work (password hashing, the embedding model) behind a
//! bounded queue.
//!
//! Request handlers never run such work on the async runtime, nor on tokio's blocking pool
//! (which grows to hundreds of threads, each keeping its allocator's arena: a storm of 200
//! logins once took 224 MB). They queue it for a fixed number of threads instead: memory stays
//! bounded by the number of threads however many requests arrive, and a caller waits for a
//! place when the queue is full.

use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{mpsc, oneshot};

use crate::error::AppError;

type Job = Box<dyn FnOnce() + Send>;

/// The threads and their queue. The threads end when the pool is dropped.
pub struct Workers {
    name: &'static str,
    jobs: mpsc::Sender<Job>,
}

impl Workers {
    /// `threads` threads named `papers-{name}-N`, with room for `queue` waiting jobs.
    pub fn new(name: &'static str, threads: usize, queue: usize) -> std::io::Result<Self> {
        let (jobs, waiting) = mpsc::channel::<Job>(queue.max(1));
        let waiting = Arc::new(Mutex::new(waiting));
        for n in 0..threads.max(1) {
            let waiting = waiting.clone();
            std::thread::Builder::new()
                .name(format!("papers-{name}-{n}"))
                .spawn(move || {
                    loop {
                        // One thread waits on the queue at a time; the others wait for it.
                        let job = waiting
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .blocking_recv();
                        match job {
                            Some(job) => job(),
                            None => break,
                        }
                    }
                })?;
        }
        Ok(Self { name, jobs })
    }

    /// Runs `work` on one of the threads, waiting for a place in the queue. Dropping the future
    /// before the work starts does not cancel it; its answer is then dropped.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move || {
            // A caller that gave up (its request timed out) needs no answer, nor the work.
            if reply.is_closed() {
                return;
            }
            let _ = reply.send(work());
        });
        self.jobs
            .send(job)
            .await
            .map_err(|_| AppError::Internal(format!("the {} threads stopped", self.name)))?;
        answer
            .await
            .map_err(|_| AppError::Internal(format!("a {} job was dropped", self.name)))?
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_runs_on_the_threads_and_answers() {
        let workers = Workers::new("test", 2, 4).expect("threads");
        let name = workers
            .run(|| Ok(std::thread::current().name().map(str::to_owned)))
            .await
            .expect("run");
        assert!(name.is_some_and(|n| n.starts_with("papers-test-")));
        let failed = workers
            .run(|| Err::<(), _>(AppError::Internal("no".into())))
            .await;
        assert!(failed.is_err());
    }
}
