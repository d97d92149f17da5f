//! The checker's one extension. It checks and stops: every operation the checker sees has been
//! prepared by the engine, which executes it on the schema without extensions afterwards.
//!
//! - after parsing: the argument values are checked against their types (`values`);
//! - after validation: the operation's cost is spent from the request's budget (`cost`);
//! - at execution: nothing runs; the response is empty unless a check failed.

use std::sync::{Arc, OnceLock};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, SchemaEnv, ServerError, ServerResult, ValidationResult, Variables};

use super::{PapersSchema, cost, values};

/// The extension, installed once on the checker.
pub(super) struct Checks {
    /// The cost budget of a request that brings none of its own.
    pub max_complexity: usize,
}

impl ExtensionFactory for Checks {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Check {
            max_complexity: self.max_complexity,
        })
    }
}

/// One request's share of the extension.
struct Check {
    max_complexity: usize,
}

/// Request data asking for the schema's registry: async-graphql lends it to extensions only.
struct Probe(Arc<OnceLock<SchemaEnv>>);

/// The checker's registry, borrowed by checking an empty query while the engine is built
/// (`None` only if async-graphql refused that query).
pub(super) async fn registry_of(checker: &PapersSchema) -> Option<SchemaEnv> {
    let slot = Arc::new(OnceLock::new());
    let probe = async_graphql::Request::new("{ __typename }").data(Probe(slot.clone()));
    checker.execute(probe).await;
    slot.get().cloned()
}

#[async_trait::async_trait]
impl Extension for Check {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        values::Values {
            registry: &ctx.schema_env.registry,
            document: &document,
            variables,
        }
        .check()?;
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        cost::spend(ctx, self.max_complexity, result.complexity).map_err(|e| vec![e])?;
        Ok(result)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        _operation_name: Option<&str>,
        _next: NextExecute<'_>,
    ) -> Response {
        if let Some(Probe(slot)) = ctx.data_opt::<Probe>() {
            let _ = slot.set(ctx.schema_env.clone());
        }
        Response::new(async_graphql::Value::Null)
    }
}
