//! Synthetic data for scale: `papers seed --synthetic N [--seed S]`. Deterministic for a given
//! seed; proportions as on a busy instance (for N papers: N/5 users, ~3N author links, ~10N paper
//! upvotes, N comments of which ~30% replies, N/20 collections); counters equal to their rows.
//! Everything is generated in memory first (counters need the votes), then written with
//! multi-row inserts in one transaction.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::sea_query::{Alias, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait};

use crate::db;
use crate::error::AppError;
use crate::services::accounts::passwords;
use crate::services::papers::trending;

/// The password of every synthetic user (for benchmarks that sign in).
pub const SYNTHETIC_PASSWORD: &str = "synthetic-password";

const FIRST: &[&str] = &[
    "Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John", "Margaret", "Claude",
    "Tim", "Radia", "Leslie", "Shafi", "Yann", "Geoffrey", "Fei", "Andrew", "Daphne", "Yoshua",
    "Jürgen", "Sepp", "Ilya", "Oriol", "Demis", "Ian", "Kaiming", "Ross", "Ashish", "Noam",
    "Jakob", "Llion", "Aidan", "Lukasz", "Niki", "Chen", "Wei", "Yuki", "Priya", "Amara",
];
const LAST: &[&str] = &[
    "Lovelace",
    "Turing",
    "Hopper",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Allen",
    "McCarthy",
    "Hamilton",
    "Shannon",
    "Berners-Lee",
    "Perlman",
    "Lamport",
    "Goldwasser",
    "LeCun",
    "Hinton",
    "Li",
    "Ng",
    "Koller",
    "Bengio",
    "Schmidhuber",
    "Hochreiter",
    "Sutskever",
    "Vinyals",
    "Hassabis",
    "Goodfellow",
    "He",
    "Girshick",
    "Vaswani",
    "Shazeer",
    "Uszkoreit",
    "Jones",
    "Gomez",
    "Kaiser",
    "Parmar",
    "Wang",
    "Zhang",
    "Tanaka",
    "Sharma",
    "Okafor",
];
const WORDS: &[&str] = &[
    "training",
    "language",
    "models",
    "scaling",
    "attention",
    "reinforcement",
    "learning",
    "vision",
    "transformer",
    "diffusion",
    "retrieval",
    "reasoning",
    "alignment",
    "benchmark",
    "efficient",
    "sparse",
    "mixture",
    "experts",
    "speech",
    "multimodal",
    "agents",
    "robotics",
    "graph",
    "neural",
    "optimization",
    "data",
    "synthetic",
    "evaluation",
    "instruction",
    "tuning",
    "pretraining",
    "inference",
    "quantization",
    "distillation",
    "contrastive",
    "representation",
    "generative",
];

/// How many rows of each kind a seed wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct SeedReport {
    pub users: usize,
    pub authors: usize,
    pub papers: usize,
    pub author_links: usize,
    pub paper_upvotes: usize,
    pub comments: usize,
    pub comment_upvotes: usize,
    pub collections: usize,
    pub collection_items: usize,
    pub collection_upvotes: usize,
}

struct Paper {
    submitted_at: DateTime<Utc>,
    authors: Vec<usize>,
    upvotes: i32,
    comments: i32,
}

struct Comment {
    paper: usize,
    user: usize,
    parent: Option<usize>,
    depth: i32,
    created_at: DateTime<Utc>,
    upvotes: i32,
    replies: i32,
}

struct Collection {
    owner: usize,
    private: bool,
    created_at: DateTime<Utc>,
    items: Vec<usize>,
    upvotes: i32,
}

/// Syllables of the made-up words that fill out the vocabulary behind the real ones.
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ne", "su", "ra", "ti", "vo", "de", "pa", "gu", "shi",
];
/// How many words titles and abstracts draw from.
const VOCABULARY: usize = 4_000;

/// Word `rank` of the vocabulary: the real words first, then made-up ones.
fn vocabulary_word(rank: usize) -> String {
    if let Some(word) = WORDS.get(rank) {
        return (*word).to_owned();
    }
    let mut i = rank - WORDS.len() + SYLLABLES.len();
    let mut word = String::new();
    while i > 0 {
        word.push_str(SYLLABLES[i % SYLLABLES.len()]);
        i /= SYLLABLES.len();
    }
    word
}

/// `n` words drawn with Zipf-like frequencies (word `r` about `1/r` as often as the first), as
/// text is: a few words everywhere, most words rare. Searches then select as they would on real
/// abstracts, rather than matching every paper.
fn words(rng: &mut StdRng, vocabulary: &[String], n: usize) -> String {
    (0..n)
        .map(|_| {
            let rank = (vocabulary.len() as f64).powf(rng.random::<f64>()) as usize - 1;
            vocabulary[rank.min(vocabulary.len() - 1)].as_str()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Author `i`'s name: first name, initial and last name, distinct for the first 41,600 authors
/// and then numbered.
fn author_name(i: usize) -> String {
    let first = FIRST[i % FIRST.len()];
    let last = LAST[(i / FIRST.len()) % LAST.len()];
    let initial =
        char::from(b'A' + u8::try_from((i / (FIRST.len() * LAST.len())) % 26).unwrap_or(0));
    let round = i / (FIRST.len() * LAST.len() * 26);
    if round == 0 {
        format!("{first} {initial}. {last}")
    } else {
        format!("{first} {initial}. {last} {round}")
    }
}

/// Seeds `n` papers and their community into an empty database.
pub async fn seed(db: &DatabaseConnection, n: usize, seed: u64) -> Result<SeedReport, AppError> {
    if entity::paper::Entity::find().count(db).await? > 0
        || entity::user::Entity::find().count(db).await? > 0
    {
        return Err(AppError::Conflict(
            "synthetic data goes into an empty database (start with --no-demo or a new file)"
                .into(),
        ));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let now = crate::services::now();
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
            let at = (paper.submitted_at + Duration::minutes(rng.random_range(1..4320))).min(now);
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

    let vocabulary: Vec<String> = (0..VOCABULARY).map(vocabulary_word).collect();
    let password_hash = passwords::hash_now(SYNTHETIC_PASSWORD)?;
    let txn = db::begin_write(db).await?;
    let mut report = SeedReport::default();
    let id = |i: usize| i64::try_from(i + 1).unwrap_or(i64::MAX);

    report.users = insert(
        &txn,
        "users",
        &[
            "id",
            "username",
            "display_name",
            "email",
            "password_hash",
            "role",
            "bio",
            "avatar_url",
            "created_at",
            "disabled_at",
            "password_changed_at",
        ],
        (0..users).map(|u| {
            vec![
                id(u).into(),
                format!("user{u}").into(),
                format!("Synthetic User {u}").into(),
                format!("user{u}@example.org").into(),
                password_hash.clone().into(),
                "user".into(),
                Option::<String>::None.into(),
                Option::<String>::None.into(),
                (now - span).into(),
                Option::<DateTime<Utc>>::None.into(),
                (now - span).into(),
            ]
        }),
    )
    .await?;
    report.authors = insert(
        &txn,
        "authors",
        &["id", "name", "user_id"],
        (0..authors).map(|a| {
            vec![
                id(a).into(),
                author_name(a).into(),
                Option::<i64>::None.into(),
            ]
        }),
    )
    .await?;
    report.papers = insert(
        &txn,
        "papers",
        &[
            "id",
            "arxiv_id",
            "title",
            "abstract",
            "published_at",
            "submitted_at",
            "submitted_by",
            "github_repo",
            "project_page",
            "upvote_count",
            "comment_count",
            "trending_score",
            "source_upvotes",
            "author_names",
        ],
        papers
            .iter()
            .enumerate()
            .map(|(p, paper)| {
                let arxiv = format!("{}.{:05}", paper.submitted_at.format("%y%m"), p % 100_000);
                let title = words(&mut rng, &vocabulary, 8);
                let abstract_text = format!(
                    "{}. {}.",
                    words(&mut rng, &vocabulary, 40),
                    words(&mut rng, &vocabulary, 40)
                );
                let names: Vec<String> = paper.authors.iter().map(|&a| author_name(a)).collect();
                let submitter = rng.random_bool(0.2).then(|| id(rng.random_range(0..users)));
                vec![
                    id(p).into(),
                    arxiv.into(),
                    title.into(),
                    abstract_text.into(),
                    Some(paper.submitted_at - Duration::days(rng.random_range(0..4))).into(),
                    paper.submitted_at.into(),
                    submitter.into(),
                    Option::<String>::None.into(),
                    Option::<String>::None.into(),
                    paper.upvotes.into(),
                    paper.comments.into(),
                    trending::score(paper.upvotes, paper.submitted_at, now).into(),
                    Option::<i32>::None.into(),
                    names.join(", ").into(),
                ]
            })
            .collect::<Vec<_>>()
            .into_iter(),
    )
    .await?;
    report.author_links = insert(
        &txn,
        "paper_authors",
        &["paper_id", "position", "author_id"],
        papers.iter().enumerate().flat_map(|(p, paper)| {
            paper.authors.iter().enumerate().map(move |(pos, &a)| {
                vec![
                    id(p).into(),
                    i32::try_from(pos).unwrap_or(0).into(),
                    id(a).into(),
                ]
            })
        }),
    )
    .await?;
    report.paper_upvotes = insert(
        &txn,
        "paper_upvotes",
        &["user_id", "paper_id", "created_at"],
        paper_votes
            .iter()
            .map(|&(u, p, at)| vec![id(u).into(), id(p).into(), at.into()]),
    )
    .await?;
    report.comments = insert(
        &txn,
        "comments",
        &[
            "id",
            "paper_id",
            "user_id",
            "parent_id",
            "depth",
            "body",
            "created_at",
            "edited_at",
            "deleted_at",
            "hidden_at",
            "hidden_reason",
            "hidden_by",
            "upvote_count",
            "reply_count",
        ],
        comments
            .iter()
            .enumerate()
            .map(|(c, comment)| {
                vec![
                    id(c).into(),
                    id(comment.paper).into(),
                    Some(id(comment.user)).into(),
                    comment.parent.map(id).into(),
                    comment.depth.into(),
                    format!("Comment {c} on *{}*.", WORDS[c % WORDS.len()]).into(),
                    comment.created_at.into(),
                    Option::<DateTime<Utc>>::None.into(),
                    Option::<DateTime<Utc>>::None.into(),
                    Option::<DateTime<Utc>>::None.into(),
                    Option::<String>::None.into(),
                    Option::<i64>::None.into(),
                    comment.upvotes.into(),
                    comment.replies.into(),
                ]
            })
            .collect::<Vec<_>>()
            .into_iter(),
    )
    .await?;
    report.comment_upvotes = insert(
        &txn,
        "comment_upvotes",
        &["user_id", "comment_id", "created_at"],
        comment_votes
            .iter()
            .map(|&(u, c)| vec![id(u).into(), id(c).into(), now.into()]),
    )
    .await?;
    report.collections = insert(
        &txn,
        "collections",
        &[
            "id",
            "slug",
            "owner_id",
            "title",
            "description",
            "is_private",
            "created_at",
            "updated_at",
            "upvote_count",
            "item_count",
            "trending_score",
        ],
        collections
            .iter()
            .enumerate()
            .map(|(c, col)| {
                let title = format!("Reading list {c}: {}", WORDS[c % WORDS.len()]);
                let slug = format!("user{}/reading-list-{c}-{}", col.owner, id(c));
                vec![
                    id(c).into(),
                    slug.into(),
                    id(col.owner).into(),
                    title.into(),
                    Some(words(&mut rng, &vocabulary, 12)).into(),
                    col.private.into(),
                    col.created_at.into(),
                    col.created_at.into(),
                    col.upvotes.into(),
                    i32::try_from(col.items.len()).unwrap_or(0).into(),
                    trending::score(col.upvotes, col.created_at, now).into(),
                ]
            })
            .collect::<Vec<_>>()
            .into_iter(),
    )
    .await?;
    report.collection_items = insert(
        &txn,
        "collection_items",
        &["collection_id", "paper_id", "position", "note", "added_at"],
        collections.iter().enumerate().flat_map(|(c, col)| {
            col.items.iter().enumerate().map(move |(pos, &p)| {
                vec![
                    id(c).into(),
                    id(p).into(),
                    i32::try_from(pos).unwrap_or(0).into(),
                    (pos % 3 == 0)
                        .then(|| format!("Why paper {p} matters"))
                        .into(),
                    col.created_at.into(),
                ]
            })
        }),
    )
    .await?;
    report.collection_upvotes = insert(
        &txn,
        "collection_upvotes",
        &["user_id", "collection_id", "created_at"],
        collection_votes
            .iter()
            .map(|&(u, c)| vec![id(u).into(), id(c).into(), now.into()]),
    )
    .await?;

    if txn.get_database_backend() == DbBackend::Postgres {
        // Rows were written with explicit ids: move each id sequence past them.
        for table in ["users", "authors", "papers", "comments", "collections"] {
            txn.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"
            ))
            .await?;
        }
    }
    txn.commit().await?;
    Ok(report)
}

/// Inserts rows in multi-row statements, as many rows per statement as the databases' limits on
/// bound parameters allow; returns the number of rows.
async fn insert<C: ConnectionTrait>(
    txn: &C,
    table: &str,
    columns: &[&str],
    rows: impl Iterator<Item = Vec<SimpleExpr>>,
) -> Result<usize, AppError> {
    // SQLite allows 32,766 parameters per statement, PostgreSQL 65,535.
    let per_statement = (30_000 / columns.len()).max(1);
    let mut total = 0;
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        let mut statement = Query::insert();
        statement
            .into_table(Alias::new(table))
            .columns(columns.iter().map(|c| Alias::new(*c)));
        for row in rows.by_ref().take(per_statement) {
            statement
                .values(row)
                .map_err(|e| AppError::Internal(format!("seed row for {table}: {e}")))?;
            total += 1;
        }
        txn.execute(&statement).await?;
    }
    Ok(total)
}
