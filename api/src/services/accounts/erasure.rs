//! Leaving the site: erasing an account (GDPR's right to erasure) and exporting everything
//! stored about it (the right to portability).
//!
//! Erasure runs in one transaction. What the user made for others stays in its place without
//! them: comments keep their threads with no author (or become tombstones), moderators' log
//! entries stay. Everything else personal goes: email, password, profile, sessions and API
//! tokens, webhooks, digest subscriptions, notifications, votes and follows (every counter moved
//! to match), the follows of them, collections, claims (pending ones withdrawn, approved author links cleared). The row itself
//! stays, disabled, so the username stays reserved: nobody can take it over to pass as them.

use sea_orm::ConnectionTrait;

use crate::auth::Caller;
use crate::db;
use crate::error::AppError;
use crate::services::Services;

/// The statements of an erasure, in order: `$1` the user, `$2` now, `$3` the email address the
/// account had (for digest subscriptions made without signing in).
const ERASE: &[&str] = &[
    // Votes, with the counters they moved.
    "UPDATE papers SET upvote_count = upvote_count - 1 \
     WHERE id IN (SELECT paper_id FROM paper_upvotes WHERE user_id = $1)",
    "DELETE FROM paper_upvotes WHERE user_id = $1",
    "UPDATE comments SET upvote_count = upvote_count - 1 \
     WHERE id IN (SELECT comment_id FROM comment_upvotes WHERE user_id = $1)",
    "DELETE FROM comment_upvotes WHERE user_id = $1",
    "UPDATE collections SET upvote_count = upvote_count - 1 \
     WHERE id IN (SELECT collection_id FROM collection_upvotes WHERE user_id = $1)",
    "DELETE FROM collection_upvotes WHERE user_id = $1",
    // Their follows, with the follower counts they moved; and the follows of them.
    "UPDATE users SET follower_count = follower_count - 1 \
     WHERE id IN (SELECT followed_user_id FROM follows WHERE user_id = $1)",
    "UPDATE authors SET follower_count = follower_count - 1 \
     WHERE id IN (SELECT author_id FROM follows WHERE user_id = $1)",
    "UPDATE collections SET follower_count = follower_count - 1 \
     WHERE id IN (SELECT collection_id FROM follows WHERE user_id = $1)",
    "UPDATE topics SET follower_count = follower_count - 1 \
     WHERE id IN (SELECT topic_id FROM follows WHERE user_id = $1)",
    "DELETE FROM follows WHERE user_id = $1 OR followed_user_id = $1",
    "UPDATE users SET follower_count = 0 WHERE id = $1",
    // Their collections (items and others' votes on them go with them).
    "DELETE FROM collections WHERE owner_id = $1",
    // Claims: withdrawn, decided ones too (their notes are personal); author links cleared.
    "DELETE FROM authorship_claims WHERE user_id = $1",
    "UPDATE authors SET user_id = NULL WHERE user_id = $1",
    "UPDATE papers SET submitted_by = NULL WHERE submitted_by = $1",
    // Credentials and integrations.
    "DELETE FROM refresh_tokens WHERE user_id = $1",
    "DELETE FROM api_tokens WHERE user_id = $1",
    "DELETE FROM webhooks WHERE user_id = $1",
    "DELETE FROM digest_subscriptions WHERE user_id = $1 OR email = $3",
    // Their inbox; their name on others' notifications and on reports.
    "DELETE FROM notifications WHERE user_id = $1",
    "UPDATE notifications SET actor_id = NULL WHERE actor_id = $1",
    "UPDATE comment_reports SET reporter_id = NULL WHERE reporter_id = $1",
];

/// Comments made tombstones (`eraseComments`): the paper's count first, then the bodies.
const ERASE_COMMENTS: &[&str] = &[
    "UPDATE papers SET comment_count = comment_count - (SELECT COUNT(*) FROM comments c \
       WHERE c.paper_id = papers.id AND c.user_id = $1 AND c.deleted_at IS NULL) \
     WHERE id IN (SELECT paper_id FROM comments WHERE user_id = $1 AND deleted_at IS NULL)",
    "UPDATE comments SET body = '', body_html = '', deleted_at = $2 \
     WHERE user_id = $1 AND deleted_at IS NULL",
];

/// The account row last: no email, no password, no profile, disabled, every token issued so
/// far refused (`password_changed_at`). `$4` is the placeholder address that keeps `email`
/// unique.
const ERASE_ACCOUNT: &[&str] = &[
    "UPDATE comments SET user_id = NULL WHERE user_id = $1",
    "UPDATE users SET email = $4, password_hash = '', display_name = NULL, bio = NULL, \
       avatar_url = NULL, role = 'user', disabled_at = $2, password_changed_at = $2 \
     WHERE id = $1",
];

/// Erases the caller's account. Needs a session (not an API token) and the password, checked
/// and throttled as a sign-in.
pub async fn delete_account(
    services: &Services,
    caller: &Caller,
    password: String,
    erase_comments: bool,
) -> Result<bool, AppError> {
    let db = &services.db;
    let user = caller.with_session()?;
    super::check_password(services, caller, user, password, "password").await?;
    let now = crate::services::now();
    let values: [sea_orm::Value; 4] = [
        user.id.into(),
        now.into(),
        user.email.clone().into(),
        format!("deleted-{}@invalid", user.id).into(),
    ];
    let txn = db::begin_write(db).await?;
    let backend = txn.get_database_backend();
    let comments: &[&str] = if erase_comments { ERASE_COMMENTS } else { &[] };
    for sql in ERASE.iter().chain(comments).chain(ERASE_ACCOUNT) {
        // Each statement takes the values it names; SQLite refuses unused ones.
        let used: Vec<sea_orm::Value> = values
            .iter()
            .enumerate()
            .filter(|(n, _)| sql.contains(&format!("${}", n + 1)))
            .map(|(_, v)| v.clone())
            .collect();
        let numbered = renumber(sql);
        txn.execute_raw(db::statement(backend, &numbered, used))
            .await?;
    }
    txn.commit().await?;
    services.viewers.forget(user.id);
    Ok(true)
}

/// Renumbers the placeholders a statement uses to `$1, $2, …`, keeping their order, so that it
/// takes exactly the values it names (SQLite refuses values a statement does not use).
fn renumber(sql: &str) -> String {
    let mut used: Vec<usize> = (1..=4).filter(|n| sql.contains(&format!("${n}"))).collect();
    used.sort_unstable();
    let mut out = sql.to_owned();
    for (to, from) in used.iter().enumerate() {
        out = out.replace(&format!("${from}"), &format!("#{}", to + 1));
    }
    out.replace('#', "$")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_renumbered_in_order() {
        assert_eq!(renumber("a = $1 AND b = $3"), "a = $1 AND b = $2");
        assert_eq!(renumber("x = $2, y = $4"), "x = $1, y = $2");
    }
}
