//! DataLoaders: every child and list field of a page is fetched in one batched query per kind,
//! whatever the page size. Built per request (see `RequestData`), so nothing is cached across
//! requests or viewers.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{author, paper};
use sea_orm::DatabaseConnection;

use crate::error::AppError;
use crate::services::papers::{self, PaperAuthorEntry};

fn gql(err: AppError) -> async_graphql::Error {
    err.into_gql()
}

/// Papers by row id.
pub struct PaperById(pub DatabaseConnection);

impl Loader<i64> for PaperById {
    type Value = paper::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        papers::find_by_ids(&self.0, keys).await.map_err(gql)
    }
}

/// Authors by row id.
pub struct AuthorById(pub DatabaseConnection);

impl Loader<i64> for AuthorById {
    type Value = author::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        papers::authors_by_ids(&self.0, keys).await.map_err(gql)
    }
}

/// A paper's ordered author list, by paper id.
pub struct AuthorsOfPaper(pub DatabaseConnection);

impl Loader<i64> for AuthorsOfPaper {
    type Value = Vec<PaperAuthorEntry>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        papers::authors_of(&self.0, keys).await.map_err(gql)
    }
}

/// The loaders of one request.
pub struct Loaders {
    pub paper_by_id: DataLoader<PaperById>,
    pub author_by_id: DataLoader<AuthorById>,
    pub authors_of_paper: DataLoader<AuthorsOfPaper>,
}

impl Loaders {
    pub fn new(db: &DatabaseConnection) -> Self {
        let spawn = tokio::spawn;
        Self {
            paper_by_id: DataLoader::new(PaperById(db.clone()), spawn),
            author_by_id: DataLoader::new(AuthorById(db.clone()), spawn),
            authors_of_paper: DataLoader::new(AuthorsOfPaper(db.clone()), spawn),
        }
    }
}
