//! The synthetic site, made in memory first: counters need the votes before rows are written.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub(super) struct Paper {
    pub submitted_at: DateTime<Utc>,
    pub authors: Vec<usize>,
    pub upvotes: i32,
    pub comments: i32,
}

pub(super) struct Comment {
    pub paper: usize,
    pub user: usize,
    pub parent: Option<usize>,
    pub depth: i32,
    pub created_at: DateTime<Utc>,
    pub upvotes: i32,
    pub replies: i32,
}

pub(super) struct Collection {
    pub owner: usize,
    pub private: bool,
    pub created_at: DateTime<Utc>,
    pub items: Vec<usize>,
    pub upvotes: i32,
}

/// Everything a seed writes, before it is written.
pub(super) struct World {
    pub rng: StdRng,
    pub now: DateTime<Utc>,
    pub users: usize,
    pub authors: usize,
    pub span: Duration,
    pub papers: Vec<Paper>,
    pub paper_votes: Vec<(usize, usize, DateTime<Utc>)>,
    pub comments: Vec<Comment>,
    pub comment_votes: HashSet<(usize, usize)>,
    pub collections: Vec<Collection>,
    pub collection_votes: HashSet<(usize, usize)>,
}

impl World {
    /// `n` papers and their community, the same for the same `seed`.
    pub fn generate(n: usize, seed: u64, now: DateTime<Utc>) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let users = (n / 5).max(10);
        let authors = (n * 3 / 2).max(10);
        // About 140 papers a day, and at least a week.
        let span = Duration::minutes(
            i64::try_from((n * 24 * 60 / 140).max(7 * 24 * 60)).unwrap_or(i64::MAX / 2),
        );

        let mut papers: Vec<Paper> = (0..n)
            .map(|i| {
                let age = span * i32::try_from(n - i).unwrap_or(i32::MAX)
                    / i32::try_from(n).unwrap_or(1).max(1);
                let count = 1 + (rng.random::<f64>() * 5.0) as usize;
                let mut chosen = Vec::with_capacity(count);
                while chosen.len() < count {
                    // Skewed: a few authors are prolific.
                    let a = (rng.random::<f64>().powi(2) * authors as f64) as usize;
                    if !chosen.contains(&a) {
                        chosen.push(a.min(authors - 1));
                    }
                }
                Paper {
                    submitted_at: now - age,
                    authors: chosen,
                    upvotes: 0,
                    comments: 0,
                }
            })
            .collect();

        // ~10 upvotes per paper on average, heavily skewed.
        let mut paper_votes: Vec<(usize, usize, DateTime<Utc>)> = Vec::with_capacity(n * 10);
        for (p, paper) in papers.iter_mut().enumerate() {
            let votes = ((rng.random::<f64>().powi(3) * 40.0) as usize).min(users);
            for u in rand::seq::index::sample(&mut rng, users, votes) {
                let at =
                    (paper.submitted_at + Duration::minutes(rng.random_range(1..4320))).min(now);
                paper_votes.push((u, p, at));
            }
            paper.upvotes = i32::try_from(votes).unwrap_or(i32::MAX);
        }

        let mut comments: Vec<Comment> = Vec::with_capacity(n);
        let mut by_paper: Vec<Vec<usize>> = vec![Vec::new(); n];
        // A fifth of the comments gather on 50 recent "hot" papers, so that some threads are long.
        let hot: Vec<usize> = (0..50.min(n))
            .map(|k| n - 1 - k * (n / 50).max(1).min(n - 1) / 2)
            .collect();
        for _ in 0..n {
            let p = if rng.random_bool(0.2) {
                hot[rng.random_range(0..hot.len())]
            } else {
                rng.random_range(0..n)
            };
            let parent = if !by_paper[p].is_empty() && rng.random_bool(0.3) {
                Some(by_paper[p][rng.random_range(0..by_paper[p].len())])
            } else {
                None
            };
            let (depth, after) = match parent {
                Some(c) => (comments[c].depth + 1, comments[c].created_at),
                None => (0, papers[p].submitted_at),
            };
            let created_at = (after + Duration::minutes(rng.random_range(1..600))).min(now);
            if let Some(c) = parent {
                comments[c].replies += 1;
            }
            by_paper[p].push(comments.len());
            papers[p].comments += 1;
            comments.push(Comment {
                paper: p,
                user: rng.random_range(0..users),
                parent,
                depth,
                created_at,
                upvotes: 0,
                replies: 0,
            });
        }
        let mut comment_votes = HashSet::new();
        for _ in 0..n / 2 {
            let c = rng.random_range(0..comments.len().max(1));
            if c < comments.len() && comment_votes.insert((rng.random_range(0..users), c)) {
                comments[c].upvotes += 1;
            }
        }

        let mut collections: Vec<Collection> = (0..(n / 20).max(1))
            .map(|_| {
                let size = rng.random_range(5..=30).min(n);
                Collection {
                    owner: rng.random_range(0..users),
                    private: rng.random_bool(0.1),
                    created_at: now
                        - Duration::minutes(rng.random_range(1..(span.num_minutes().max(2)))),
                    items: rand::seq::index::sample(&mut rng, n, size).into_vec(),
                    upvotes: 0,
                }
            })
            .collect();
        let mut collection_votes = HashSet::new();
        for _ in 0..collections.len() * 3 {
            let c = rng.random_range(0..collections.len());
            if !collections[c].private && collection_votes.insert((rng.random_range(0..users), c)) {
                collections[c].upvotes += 1;
            }
        }
        Self {
            rng,
            now,
            users,
            authors,
            span,
            papers,
            paper_votes,
            comments,
            comment_votes,
            collections,
            collection_votes,
        }
    }
}
