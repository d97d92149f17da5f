//! Fetching papers from the arXiv API by id, politely: at most [`BATCH`] ids per request, one
//! request per pause (`--arxiv-pause-ms`, 3 s by default: arXiv's terms of use ask for no more
//! than one every three seconds), a `503` retried after a growing pause, and ids arXiv does not
//! know reported rather than fatal.

use std::time::Duration;

use crate::services::papers::arxiv::ArxivId;
use crate::services::papers::import::{self, ImportError, ImportRecord};

/// The most ids in one request.
pub const BATCH: usize = 100;
/// Attempts of one request answered `503` before giving up.
const ATTEMPTS: u32 = 4;

/// What a fetch found.
pub struct Fetched {
    pub records: Vec<ImportRecord>,
    /// Ids asked for that arXiv did not answer with.
    pub unknown: Vec<String>,
}

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("cannot reach the arXiv API: {0}")]
    Unreachable(String),
    #[error("the arXiv API answered {0}")]
    Status(u16),
    #[error("the arXiv API answered something unreadable: {0}")]
    Unreadable(#[from] ImportError),
}

/// Fetches the papers of `ids` from the API at `url`, `pause` apart; `progress` hears after each
/// batch how many of the ids have been asked for.
pub async fn fetch(
    url: &str,
    ids: &[String],
    pause: Duration,
    mut progress: impl FnMut(usize, usize),
) -> Result<Fetched, FetchError> {
    let client = reqwest::Client::builder()
        .user_agent(concat!(
            "papers/",
            env!("CARGO_PKG_VERSION"),
            " (papers import --arxiv)"
        ))
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| FetchError::Unreachable(e.to_string()))?;
    let mut records = Vec::new();
    let mut asked = 0;
    for (n, batch) in ids.chunks(BATCH).enumerate() {
        if n > 0 {
            tokio::time::sleep(pause).await;
        }
        let query = [
            ("id_list", batch.join(",")),
            ("max_results", batch.len().to_string()),
        ];
        let mut attempt = 0;
        let body = loop {
            attempt += 1;
            let response = client
                .get(url)
                .query(&query)
                .send()
                .await
                .map_err(|e| FetchError::Unreachable(e.to_string()))?;
            let status = response.status().as_u16();
            if status == 503 && attempt < ATTEMPTS {
                tokio::time::sleep(pause * 2u32.pow(attempt)).await;
                continue;
            }
            if !response.status().is_success() {
                return Err(FetchError::Status(status));
            }
            break response
                .text()
                .await
                .map_err(|e| FetchError::Unreachable(e.to_string()))?;
        };
        records.extend(import::parse_file(&body)?);
        asked += batch.len();
        progress(asked, ids.len());
    }
    let found: std::collections::HashSet<&str> =
        records.iter().map(|r| r.paper.arxiv_id.as_str()).collect();
    // Ids are compared as stored: without their version.
    let unknown = ids
        .iter()
        .filter(|id| ArxivId::parse(id).is_none_or(|id| !found.contains(id.as_str())))
        .cloned()
        .collect();
    Ok(Fetched { records, unknown })
}
