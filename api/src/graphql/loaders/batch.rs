//! Batching without a timer: the keys that one pass of the executor asks for are loaded in one
//! call of the loader.
//!
//! A request's resolvers are futures of the request's own task, polled together by the
//! executor (`join_all` over sibling fields and list items). The first resolver to ask for a key
//! becomes the batch's leader and yields to the runtime, which wakes it only once its worker has
//! run out of ready work (tokio's deferred wake-ups) — by then the executor has polled every
//! sibling, and each has added its key. The leader then loads every key at once and hands each
//! waiting resolver the answer. A leader dropped before it answers (its branch of the query was
//! cancelled) lets its waiters notice the closed channel and form a batch of their own.
//!
//! async-graphql's `DataLoader` waited a fixed time instead (1 ms by default, on a timer thread
//! of its own): every nested list paid that wait, and the timer's wake-ups were a third of the
//! server's CPU in a profile of the paper page. `--loader-delay-us` adds a wait after the pass for
//! whoever wants bigger batches at the cost of latency.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::dataloader::Loader;
use tokio::sync::oneshot;

/// What a batch answers each of its waiters.
type Answer<K, V> = Result<Arc<HashMap<K, V>>, async_graphql::Error>;

/// The keys gathered so far and who waits for them.
struct Gathering<K, V> {
    keys: HashSet<K>,
    waiters: Vec<oneshot::Sender<Answer<K, V>>>,
    /// Whether a leader is gathering (it takes the keys and the waiters when it loads).
    led: bool,
}

/// A loader whose keys are gathered per executor pass.
pub struct Batch<K, L: Loader<K>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    loader: L,
    delay: Duration,
    gathering: Mutex<Gathering<K, L::Value>>,
}

/// How a caller takes part in a batch.
enum Role<K, V> {
    Lead,
    Wait(oneshot::Receiver<Answer<K, V>>),
}

impl<K, L> Batch<K, L>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    L: Loader<K, Error = async_graphql::Error>,
{
    pub fn new(loader: L, delay: Duration) -> Self {
        Self {
            loader,
            delay,
            gathering: Mutex::new(Gathering {
                keys: HashSet::new(),
                waiters: Vec::new(),
                led: false,
            }),
        }
    }

    /// The loader itself.
    pub fn loader(&self) -> &L {
        &self.loader
    }

    /// The value of `key`, loaded with the other keys of this pass; `None` if the loader has no
    /// value for it.
    pub async fn load_one(&self, key: K) -> async_graphql::Result<Option<L::Value>> {
        loop {
            let role = {
                let mut gathering = self.lock();
                gathering.keys.insert(key.clone());
                if gathering.led {
                    let (sender, receiver) = oneshot::channel();
                    gathering.waiters.push(sender);
                    Role::Wait(receiver)
                } else {
                    gathering.led = true;
                    Role::Lead
                }
            };
            let answer = match role {
                Role::Lead => self.lead().await,
                Role::Wait(receiver) => match receiver.await {
                    Ok(answer) => answer,
                    // The leader was dropped before answering: gather again.
                    Err(_) => continue,
                },
            };
            return answer.map(|values| values.get(&key).cloned());
        }
    }

    /// Waits for the pass to end, then loads every key gathered and answers every waiter.
    async fn lead(&self) -> Answer<K, L::Value> {
        // Dropped before the keys are taken (the leader's branch was cancelled): the next caller
        // or a waiter, seeing its channel closed, leads instead.
        struct Release<'a, K, V>(&'a Mutex<Gathering<K, V>>, bool);
        impl<K, V> Drop for Release<'_, K, V> {
            fn drop(&mut self) {
                if self.1 {
                    let mut gathering = self.0.lock().unwrap_or_else(|e| e.into_inner());
                    gathering.led = false;
                    // Closing the waiters' channels makes them gather again.
                    gathering.waiters.clear();
                }
            }
        }
        let mut release = Release(&self.gathering, true);
        tokio::task::yield_now().await;
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        let (keys, waiters) = {
            let mut gathering = self.lock();
            gathering.led = false;
            let keys: Vec<K> = gathering.keys.drain().collect();
            (keys, std::mem::take(&mut gathering.waiters))
        };
        release.1 = false;
        // Dropped while loading, the waiters' senders go with it and they gather again.
        let answer = self.loader.load(&keys).await.map(Arc::new);
        for waiter in waiters {
            // A waiter that went away is no one's loss.
            let _ = waiter.send(answer.clone());
        }
        answer
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Gathering<K, L::Value>> {
        self.gathering.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Doubles its keys and counts its calls.
    struct Doubler(AtomicUsize);

    impl Loader<u32> for Doubler {
        type Value = u32;
        type Error = async_graphql::Error;

        async fn load(&self, keys: &[u32]) -> Result<HashMap<u32, u32>, Self::Error> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(keys
                .iter()
                .filter(|k| **k != 0)
                .map(|k| (*k, k * 2))
                .collect())
        }
    }

    fn batch() -> Batch<u32, Doubler> {
        Batch::new(Doubler(AtomicUsize::new(0)), Duration::ZERO)
    }

    #[tokio::test]
    async fn the_keys_of_one_pass_are_loaded_in_one_call() {
        let batch = batch();
        let asks = (0..100).map(|k| batch.load_one(k % 40));
        let values = futures_util::future::try_join_all(asks)
            .await
            .expect("values");
        assert_eq!(values[0], None, "a key the loader lacks");
        assert_eq!(values[41], Some(2));
        assert_eq!(values[99], Some(38));
        assert_eq!(batch.loader().0.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_later_pass_is_a_new_batch() {
        let batch = batch();
        assert_eq!(batch.load_one(1).await.expect("value"), Some(2));
        assert_eq!(batch.load_one(2).await.expect("value"), Some(4));
        assert_eq!(batch.loader().0.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn waiters_of_a_dropped_leader_load_by_themselves() {
        let batch = batch();
        let mut leader = Box::pin(batch.load_one(1));
        let waiter = batch.load_one(2);
        // The leader registers and yields; dropping it abandons the batch.
        assert!(futures_util::poll!(&mut leader).is_pending());
        let mut waiter = Box::pin(waiter);
        assert!(futures_util::poll!(&mut waiter).is_pending());
        drop(leader);
        assert_eq!(waiter.await.expect("value"), Some(4));
    }
}
