//! The vectors in the database (`paper_embeddings`): which papers lack one of the current model,
//! writing a batch, reading them back for the index.

use entity::{paper, paper_embedding};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::error::AppError;
use crate::ids::PaperId;

use super::index::Quantized;

/// A paper to embed: its id and text.
#[derive(Debug, Clone)]
pub struct Pending {
    pub id: PaperId,
    pub title: String,
    pub r#abstract: String,
}

/// The papers without a vector of `model`, newest first (a new submission is embedded before an
/// old backlog), at most `limit`.
pub async fn lacking(
    db: &impl ConnectionTrait,
    model: &str,
    limit: u64,
) -> Result<Vec<Pending>, AppError> {
    let embedded = Query::select()
        .expr(Expr::val(1))
        .from(paper_embedding::Entity)
        .and_where(
            Expr::col((paper_embedding::Entity, paper_embedding::Column::PaperId))
                .equals((paper::Entity, paper::Column::Id)),
        )
        .and_where(paper_embedding::Column::Model.eq(model))
        .to_owned();
    let rows: Vec<(PaperId, String, String)> = paper::Entity::find()
        .select_only()
        .columns([
            paper::Column::Id,
            paper::Column::Title,
            paper::Column::Abstract,
        ])
        .filter(Expr::exists(embedded).not())
        .order_by_desc(paper::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title, r#abstract)| Pending {
            id,
            title,
            r#abstract,
        })
        .collect())
}

/// How many papers lack a vector of `model`.
pub async fn count_lacking(db: &DatabaseConnection, model: &str) -> Result<u64, AppError> {
    let papers = count_papers(db).await?;
    Ok(papers.saturating_sub(count(db, model).await?))
}

/// How many papers there are.
pub async fn count_papers(db: &DatabaseConnection) -> Result<u64, AppError> {
    Ok(paper::Entity::find().count(db).await?)
}

/// How many vectors of `model` there are.
pub async fn count(db: &impl ConnectionTrait, model: &str) -> Result<u64, AppError> {
    Ok(paper_embedding::Entity::find()
        .filter(paper_embedding::Column::Model.eq(model))
        .count(db)
        .await?)
}

/// Writes vectors of `model`; a paper that has one already keeps it.
pub async fn save(
    db: &impl ConnectionTrait,
    model: &str,
    vectors: &[(PaperId, Vec<f32>)],
) -> Result<(), AppError> {
    if vectors.is_empty() {
        return Ok(());
    }
    let now = crate::services::now();
    let rows = vectors
        .iter()
        .map(|(id, vector)| paper_embedding::ActiveModel {
            paper_id: sea_orm::Set(*id),
            model: sea_orm::Set(model.to_owned()),
            dimensions: sea_orm::Set(i32::try_from(vector.len()).unwrap_or(i32::MAX)),
            vector: sea_orm::Set(to_bytes(vector)),
            created_at: sea_orm::Set(now),
        });
    paper_embedding::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([
                paper_embedding::Column::PaperId,
                paper_embedding::Column::Model,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Deletes the vectors of every model but `model`; how many went.
pub async fn drop_other_models(db: &DatabaseConnection, model: &str) -> Result<u64, AppError> {
    Ok(paper_embedding::Entity::delete_many()
        .filter(paper_embedding::Column::Model.ne(model))
        .exec(db)
        .await?
        .rows_affected)
}

/// How many vectors of other models there are.
pub async fn count_other_models(db: &DatabaseConnection, model: &str) -> Result<u64, AppError> {
    Ok(paper_embedding::Entity::find()
        .filter(paper_embedding::Column::Model.ne(model))
        .count(db)
        .await?)
}

/// Vectors read per statement when loading them all: a page of 384-dimension vectors is 6 MB.
const LOAD_PAGE: u64 = 4096;

/// Every vector of `model`, quantised page by page and handed to `take` a page at a time, so
/// that loading never holds more than a page of full vectors.
pub async fn load_all(
    db: &DatabaseConnection,
    model: &str,
    dimensions: usize,
    mut take: impl FnMut(Vec<(PaperId, Quantized)>),
) -> Result<(), AppError> {
    let mut after = PaperId(i64::MIN);
    loop {
        let page: Vec<(PaperId, Vec<u8>)> = paper_embedding::Entity::find()
            .select_only()
            .columns([
                paper_embedding::Column::PaperId,
                paper_embedding::Column::Vector,
            ])
            .filter(paper_embedding::Column::Model.eq(model))
            .filter(paper_embedding::Column::PaperId.gt(after))
            .order_by_asc(paper_embedding::Column::PaperId)
            .limit(LOAD_PAGE)
            .into_tuple()
            .all(db)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.0;
        let full = page.len() as u64 == LOAD_PAGE;
        take(
            page.into_iter()
                .filter_map(|(id, bytes)| {
                    let vector = from_bytes(&bytes);
                    (vector.len() == dimensions).then(|| (id, Quantized::new(&vector)))
                })
                .collect(),
        );
        if !full {
            break;
        }
    }
    Ok(())
}

/// The vectors of `model` of some papers.
pub async fn load(
    db: &DatabaseConnection,
    model: &str,
    ids: &[PaperId],
) -> Result<Vec<(PaperId, Vec<f32>)>, AppError> {
    let rows: Vec<(PaperId, Vec<u8>)> = paper_embedding::Entity::find()
        .select_only()
        .columns([
            paper_embedding::Column::PaperId,
            paper_embedding::Column::Vector,
        ])
        .filter(paper_embedding::Column::Model.eq(model))
        .filter(paper_embedding::Column::PaperId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, bytes)| (id, from_bytes(&bytes)))
        .collect())
}

fn to_bytes(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn from_bytes(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_round_trip_through_bytes() {
        let v = vec![0.25, -1.5, f32::MIN_POSITIVE, 3.0e-7];
        assert_eq!(from_bytes(&to_bytes(&v)), v);
    }
}
