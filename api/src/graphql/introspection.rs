//! What introspection says about the schema itself. async-graphql answers `__schema {
//! description }` with the description of the `__Schema` type, the same text for every server;
//! tools that read the schema's description (GraphiQL's docs, codegen) get ours instead, and the
//! committed SDL carries it too (`graphql::sdl`).

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo,
};
use async_graphql::{ServerResult, Value};

/// The schema's description.
pub const DESCRIPTION: &str = "Papers: research papers (arXiv preprints) listed day by day, \
ranked by community upvotes, searched, discussed in comment threads and gathered into \
collections.";

/// The extension, installed once on the schema.
pub struct SchemaDescription;

impl ExtensionFactory for SchemaDescription {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(SchemaDescription)
    }
}

#[async_trait::async_trait]
impl Extension for SchemaDescription {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if info.is_for_introspection && info.parent_type == "__Schema" && info.name == "description"
        {
            return Ok(Some(Value::String(DESCRIPTION.to_owned())));
        }
        next.run(ctx, info).await
    }
}
