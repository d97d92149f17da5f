//! Writing the synthetic site: multi-row inserts in one transaction, with explicit ids.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::{
    author, collection, collection_item, collection_upvote, comment, comment_upvote, paper,
    paper_author, paper_topic, paper_upvote, topic, user,
};
use rand::Rng;
use sea_orm::sea_query::{Query, SimpleExpr};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityName, EntityTrait};

use crate::db;
use crate::error::AppError;
use crate::services::accounts::passwords;
use crate::services::discussion::markdown;
use crate::services::papers::trending;
use crate::services::seed::generate::World;
use crate::services::seed::words::{VOCABULARY, WORDS, author_name, vocabulary_word, words};
use crate::services::seed::{SYNTHETIC_PASSWORD, SeedReport};

/// Writes the world in one transaction.
pub(super) async fn write(db: &DatabaseConnection, world: World) -> Result<SeedReport, AppError> {
    let World {
        mut rng,
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
    } = world;
    let vocabulary: Vec<String> = (0..VOCABULARY).map(vocabulary_word).collect();
    let password_hash = passwords::hash_now(SYNTHETIC_PASSWORD)?;
    let txn = db::begin_write(db).await?;
    let mut report = SeedReport::default();
    let id = |i: usize| i64::try_from(i + 1).unwrap_or(i64::MAX);

    report.users = insert(
        &txn,
        user::Entity,
        &[
            user::Column::Id,
            user::Column::Username,
            user::Column::DisplayName,
            user::Column::Email,
            user::Column::PasswordHash,
            user::Column::Role,
            user::Column::Bio,
            user::Column::AvatarUrl,
            user::Column::CreatedAt,
            user::Column::DisabledAt,
            user::Column::PasswordChangedAt,
        ],
        (0..users).map(|u| {
            vec![
                id(u).into(),
                format!("user{u}").into(),
                format!("Synthetic User {u}").into(),
                format!("user{u}@example.org").into(),
                password_hash.clone().into(),
                user::Role::User.into(),
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
        author::Entity,
        &[
            author::Column::Id,
            author::Column::Name,
            author::Column::UserId,
        ],
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
        paper::Entity,
        &[
            paper::Column::Id,
            paper::Column::ArxivId,
            paper::Column::Title,
            paper::Column::Abstract,
            paper::Column::PublishedAt,
            paper::Column::SubmittedAt,
            paper::Column::SubmittedBy,
            paper::Column::GithubRepo,
            paper::Column::ProjectPage,
            paper::Column::UpvoteCount,
            paper::Column::CommentCount,
            paper::Column::TrendingScore,
            paper::Column::SourceUpvotes,
            paper::Column::AuthorNames,
            paper::Column::PrimaryCategory,
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
                    topics_of(p).first().map(|t| (*t).to_owned()).into(),
                ]
            })
            .collect::<Vec<_>>()
            .into_iter(),
    )
    .await?;
    report.author_links = insert(
        &txn,
        paper_author::Entity,
        &[
            paper_author::Column::PaperId,
            paper_author::Column::Position,
            paper_author::Column::AuthorId,
        ],
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
    let topic_ids: HashMap<String, i64> = topic::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|t| (t.slug, t.id.0))
        .collect();
    insert(
        &txn,
        paper_topic::Entity,
        &[
            paper_topic::Column::PaperId,
            paper_topic::Column::TopicId,
            paper_topic::Column::Position,
        ],
        (0..papers.len()).flat_map(|p| {
            let topic_ids = &topic_ids;
            topics_of(p)
                .into_iter()
                .enumerate()
                .filter_map(move |(pos, slug)| {
                    Some(vec![
                        id(p).into(),
                        (*topic_ids.get(slug)?).into(),
                        i32::try_from(pos).unwrap_or(0).into(),
                    ])
                })
        }),
    )
    .await?;
    txn.execute_unprepared(
        "UPDATE topics SET paper_count = \
         (SELECT COUNT(*) FROM paper_topics WHERE paper_topics.topic_id = topics.id)",
    )
    .await?;
    report.paper_upvotes = insert(
        &txn,
        paper_upvote::Entity,
        &[
            paper_upvote::Column::UserId,
            paper_upvote::Column::PaperId,
            paper_upvote::Column::CreatedAt,
        ],
        paper_votes
            .iter()
            .map(|&(u, p, at)| vec![id(u).into(), id(p).into(), at.into()]),
    )
    .await?;
    report.comments = insert(
        &txn,
        comment::Entity,
        &[
            comment::Column::Id,
            comment::Column::PaperId,
            comment::Column::UserId,
            comment::Column::ParentId,
            comment::Column::Depth,
            comment::Column::Body,
            comment::Column::BodyHtml,
            comment::Column::CreatedAt,
            comment::Column::EditedAt,
            comment::Column::DeletedAt,
            comment::Column::HiddenAt,
            comment::Column::HiddenReason,
            comment::Column::HiddenBy,
            comment::Column::UpvoteCount,
            comment::Column::ReplyCount,
        ],
        comments
            .iter()
            .enumerate()
            .map(|(c, comment)| {
                let body = format!("Comment {c} on *{}*.", WORDS[c % WORDS.len()]);
                let html = Some(markdown::to_safe_html(&body));
                vec![
                    id(c).into(),
                    id(comment.paper).into(),
                    Some(id(comment.user)).into(),
                    comment.parent.map(id).into(),
                    comment.depth.into(),
                    body.into(),
                    html.into(),
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
        comment_upvote::Entity,
        &[
            comment_upvote::Column::UserId,
            comment_upvote::Column::CommentId,
            comment_upvote::Column::CreatedAt,
        ],
        comment_votes
            .iter()
            .map(|&(u, c)| vec![id(u).into(), id(c).into(), now.into()]),
    )
    .await?;
    report.collections = insert(
        &txn,
        collection::Entity,
        &[
            collection::Column::Id,
            collection::Column::Slug,
            collection::Column::OwnerId,
            collection::Column::Title,
            collection::Column::Description,
            collection::Column::IsPrivate,
            collection::Column::CreatedAt,
            collection::Column::UpdatedAt,
            collection::Column::UpvoteCount,
            collection::Column::ItemCount,
            collection::Column::TrendingScore,
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
        collection_item::Entity,
        &[
            collection_item::Column::CollectionId,
            collection_item::Column::PaperId,
            collection_item::Column::Position,
            collection_item::Column::Note,
            collection_item::Column::AddedAt,
        ],
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
        collection_upvote::Entity,
        &[
            collection_upvote::Column::UserId,
            collection_upvote::Column::CollectionId,
            collection_upvote::Column::CreatedAt,
        ],
        collection_votes
            .iter()
            .map(|&(u, c)| vec![id(u).into(), id(c).into(), now.into()]),
    )
    .await?;

    if txn.get_database_backend() == DbBackend::Postgres {
        // Rows were written with explicit ids: move each id sequence past them.
        let tables = [
            user::Entity.table_name(),
            author::Entity.table_name(),
            paper::Entity.table_name(),
            comment::Entity.table_name(),
            collection::Entity.table_name(),
        ];
        for table in tables {
            txn.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"
            ))
            .await?;
        }
    }
    txn.commit().await?;
    Ok(report)
}

/// The fields a synthetic paper is filed under, most of them in machine learning as on the site
/// it models.
const SEED_TOPICS: [&str; 12] = [
    "cs.CL", "cs.LG", "cs.CV", "cs.AI", "stat.ML", "cs.RO", "cs.IR", "cs.CR", "eess.AS", "cs.DC",
    "cs.HC", "q-bio.NC",
];

/// Paper `p`'s topics, primary first: one to three, skewed towards the first of
/// [`SEED_TOPICS`], derived from `p` alone (the seed's random stream stays as it was).
fn topics_of(p: usize) -> Vec<&'static str> {
    let mut h = (p as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5851_F42D_4C95_7F2D;
    let mut next = || {
        h ^= h >> 29;
        h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        h ^= h >> 32;
        let unit = (h % 10_000) as f64 / 10_000.0;
        SEED_TOPICS[((unit * unit) * SEED_TOPICS.len() as f64) as usize % SEED_TOPICS.len()]
    };
    let count = 1 + (p % 3);
    let mut topics: Vec<&'static str> = Vec::with_capacity(count);
    for _ in 0..count * 2 {
        let topic = next();
        if !topics.contains(&topic) && topics.len() < count {
            topics.push(topic);
        }
    }
    topics
}

/// Inserts rows in multi-row statements, as many rows per statement as the databases' limits on
/// bound parameters allow; returns the number of rows.
async fn insert<C: ConnectionTrait, E: EntityTrait>(
    txn: &C,
    table: E,
    columns: &[E::Column],
    rows: impl Iterator<Item = Vec<SimpleExpr>>,
) -> Result<usize, AppError> {
    // SQLite allows 32,766 parameters per statement, PostgreSQL 65,535.
    let per_statement = (30_000 / columns.len()).max(1);
    let mut total = 0;
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        let mut statement = Query::insert();
        statement.into_table(table).columns(columns.iter().copied());
        for row in rows.by_ref().take(per_statement) {
            statement.values(row).map_err(|e| {
                AppError::Internal(format!("seed row for {}: {e}", table.table_name()))
            })?;
            total += 1;
        }
        txn.execute(&statement).await?;
    }
    Ok(total)
}
