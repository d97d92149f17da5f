//! Automatic persisted queries, as Apollo Client and Relay send them: a request may carry
//! `extensions.persistedQuery = { version: 1, sha256Hash }` instead of its `query`. A hash this
//! process holds runs its query; an unknown one answers `PERSISTED_QUERY_NOT_FOUND` (message
//! `PersistedQueryNotFound`, which Apollo Client matches) and the client sends the hash again
//! with the query, which is checked against the hash and kept once it has run. Over GET the
//! hash alone makes a short URL a CDN can cache.
//!
//! The store is a per-process LRU bounded both in entries and in bytes of query text.

use std::sync::Mutex;

use lru::LruCache;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The only version of the protocol.
const VERSION: u64 = 1;

/// The persisted-query part of a request: the SHA-256 of its query, lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct QueryHash(String);

impl QueryHash {
    /// Reads `extensions.persistedQuery`; `Ok(None)` when the request has none.
    pub(super) fn from_extensions(extensions: &Value) -> Result<Option<Self>, String> {
        let Some(persisted) = extensions.get("persistedQuery") else {
            return Ok(None);
        };
        if persisted.get("version").and_then(Value::as_u64) != Some(VERSION) {
            return Err("`extensions.persistedQuery.version` must be 1".into());
        }
        let hash = persisted
            .get("sha256Hash")
            .and_then(Value::as_str)
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or("`extensions.persistedQuery.sha256Hash` must be a SHA-256 in hex")?;
        Ok(Some(Self(hash.to_ascii_lowercase())))
    }

    /// Whether this is the hash of `query`.
    pub(super) fn matches(&self, query: &str) -> bool {
        hex::encode(Sha256::digest(query.as_bytes())) == self.0
    }
}

/// The queries this process has seen run, by hash.
pub struct PersistedQueries {
    store: Mutex<Store>,
}

struct Store {
    queries: LruCache<String, String>,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
}

impl PersistedQueries {
    pub fn new(max_entries: usize, max_bytes: usize) -> Self {
        Self {
            store: Mutex::new(Store {
                queries: LruCache::unbounded(),
                bytes: 0,
                max_entries,
                max_bytes,
            }),
        }
    }

    /// The query persisted under `hash`, if this process holds it.
    pub(super) fn get(&self, hash: &QueryHash) -> Option<String> {
        let mut store = self.store.lock().ok()?;
        store.queries.get(&hash.0).cloned()
    }

    /// Keeps `query` under its hash, evicting the least recently used beyond the bounds. A query
    /// larger than the whole store is not kept (it still ran).
    pub(super) fn put(&self, hash: QueryHash, query: String) {
        let Ok(mut store) = self.store.lock() else {
            return;
        };
        if query.len() > store.max_bytes {
            return;
        }
        store.bytes += query.len();
        if let Some(old) = store.queries.put(hash.0, query) {
            store.bytes -= old.len();
        }
        while store.queries.len() > store.max_entries || store.bytes > store.max_bytes {
            match store.queries.pop_lru() {
                Some((_, evicted)) => store.bytes -= evicted.len(),
                None => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hash_of(query: &str) -> QueryHash {
        QueryHash(hex::encode(Sha256::digest(query.as_bytes())))
    }

    #[test]
    fn the_store_is_bounded_in_entries_and_bytes_least_recently_used_first() {
        let store = PersistedQueries::new(2, 100);
        store.put(hash_of("{ a }"), "{ a }".into());
        store.put(hash_of("{ b }"), "{ b }".into());
        assert!(store.get(&hash_of("{ a }")).is_some()); // a is now the most recent
        store.put(hash_of("{ c }"), "{ c }".into());
        assert!(store.get(&hash_of("{ b }")).is_none());
        assert!(store.get(&hash_of("{ a }")).is_some());
        let big = format!("{{ {} }}", "x".repeat(90));
        store.put(hash_of(&big), big.clone());
        assert!(store.get(&hash_of(&big)).is_some());
        assert!(store.get(&hash_of("{ c }")).is_none()); // the least recent went for the bytes
        assert!(store.get(&hash_of("{ a }")).is_some());
        let huge = "y".repeat(200);
        store.put(hash_of(&huge), huge.clone());
        assert!(store.get(&hash_of(&huge)).is_none());
    }

    #[test]
    fn the_extension_is_read_strictly() {
        let good = json!({ "persistedQuery": { "version": 1, "sha256Hash": "A".repeat(64) } });
        let hash = QueryHash::from_extensions(&good).ok().flatten();
        assert_eq!(hash, Some(QueryHash("a".repeat(64))));
        assert_eq!(QueryHash::from_extensions(&json!({})).ok(), Some(None));
        for bad in [
            json!({ "persistedQuery": { "version": 2, "sha256Hash": "a".repeat(64) } }),
            json!({ "persistedQuery": { "version": 1, "sha256Hash": "abc" } }),
            json!({ "persistedQuery": { "version": 1, "sha256Hash": "g".repeat(64) } }),
            json!({ "persistedQuery": { "version": 1 } }),
        ] {
            assert!(QueryHash::from_extensions(&bad).is_err(), "{bad}");
        }
        assert!(hash_of("{ a }").matches("{ a }"));
        assert!(!hash_of("{ a }").matches("{ b }"));
    }
}
