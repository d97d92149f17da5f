//! What a database error means to a client: classified by the database's own error code (never
//! by message), then turned into an `AppError` in one place.

use sea_orm::DbErr;

use super::AppError;

/// What a database error means, read from the database's error code.
#[derive(Debug, PartialEq, Eq)]
pub enum Failure {
    /// A unique or primary key violation, with the table when the database names it.
    Unique(Option<String>),
    ForeignKey,
    /// A deadlock, a serialisation failure or a busy SQLite database: worth running again.
    Contention,
    Other,
}

/// Classifies a database error by its SQLSTATE (PostgreSQL) or extended result code (SQLite).
pub fn classify(err: &DbErr) -> Failure {
    use sea_orm::{RuntimeErr, sqlx};
    let (DbErr::Exec(RuntimeErr::SqlxError(e))
    | DbErr::Query(RuntimeErr::SqlxError(e))
    | DbErr::Conn(RuntimeErr::SqlxError(e))) = err
    else {
        return Failure::Other;
    };
    let sqlx::Error::Database(e) = e.as_ref() else {
        return Failure::Other;
    };
    let code = e.code().unwrap_or_default();
    let postgres = e
        .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
        .is_some();
    let table = || {
        e.table().map(str::to_owned).or_else(|| {
            // SQLite names the columns: "UNIQUE constraint failed: table.column, …".
            let message = e.message();
            let columns = message.split_once("failed: ")?.1;
            Some(columns.split_once('.')?.0.to_owned())
        })
    };
    match (postgres, code.as_ref()) {
        (true, "23505") | (false, "1555" | "2067") => Failure::Unique(table()),
        (true, "23503") | (false, "787") => Failure::ForeignKey,
        (true, "40001" | "40P01") | (false, "5" | "6" | "517" | "261") => Failure::Contention,
        _ => Failure::Other,
    }
}

/// Every database error becomes an `AppError` here, in one place, by the database's own error
/// code (never by message): a unique violation is `CONFLICT` naming what exists already, a
/// foreign-key violation `NOT_FOUND`, a deadlock or serialisation failure `Contention` (which
/// `db::write` retries), anything else internal.
impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        match classify(&err) {
            Failure::Unique(table) => Self::Conflict(unique_message(table.as_deref())),
            Failure::ForeignKey => {
                Self::NotFound("something it refers to does not exist (any more)".into())
            }
            Failure::Contention => Self::Contention,
            Failure::Other => Self::Internal(err.to_string()),
        }
    }
}

/// What a unique violation on a table means to a client.
fn unique_message(table: Option<&str>) -> String {
    match table {
        Some("users") => "this username or email is taken".into(),
        Some("papers") => "this paper is listed already".into(),
        Some("collection_items") => "the paper is in the collection already".into(),
        Some("collections") => "a collection with this slug exists".into(),
        Some("authorship_claims") => "a claim on this author is pending".into(),
        Some("comment_reports") => "you have an open report on this comment".into(),
        Some("paper_upvotes" | "comment_upvotes" | "collection_upvotes") => {
            "the vote is counted already".into()
        }
        Some(table) => format!("this {} exists already", table.trim_end_matches('s')),
        None => "this exists already".into(),
    }
}
