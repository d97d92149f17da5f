//! The one schema extension. Every extension costs each resolved field a boxed call through
//! async-graphql's resolve chain, so everything the schema needs from hooks is in this one, and it
//! does not hook field resolution:
//!
//! - after parsing: the argument values are checked against their types (`limits::Values`), and
//!   the document and variables are kept for the response pass;
//! - after validation: the operation's cost is spent from the request's budget (`limits`);
//! - after execution: the response's maps are put in query order (`order::reorder`).
//!
//! A request carrying [`CheckOnly`] stops after validation with an empty response: the HTTP
//! handler checks queries and mutations this way and executes them on the schema without the
//! extension (`graphql::Schemas`).

use std::sync::{Arc, Mutex, OnceLock};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, SchemaEnv, ServerError, ServerResult, ValidationResult, Variables};

use crate::graphql::{limits, order};

/// Request data asking the hooked schema to check the operation (values, cost) and stop before
/// executing it: the response is empty unless a check failed.
pub struct CheckOnly;

/// The extension, installed once on the schema.
pub struct Operations {
    /// The cost budget of a request that brings none of its own.
    pub max_complexity: usize,
    /// The schema's registry, kept by the first request for the handler's response pass on the
    /// bare schema (async-graphql offers it to extensions and resolvers only).
    pub registry: Arc<OnceLock<SchemaEnv>>,
}

impl ExtensionFactory for Operations {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Operation {
            max_complexity: self.max_complexity,
            registry: self.registry.clone(),
            kept: Mutex::new(None),
        })
    }
}

/// One request's share of the extension.
struct Operation {
    max_complexity: usize,
    registry: Arc<OnceLock<SchemaEnv>>,
    kept: Mutex<Option<(ExecutableDocument, Variables)>>,
}

#[async_trait::async_trait]
impl Extension for Operation {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if self.registry.get().is_none() {
            let _ = self.registry.set(ctx.schema_env.clone());
        }
        let document = next.run(ctx, query, variables).await?;
        limits::Values {
            registry: &ctx.schema_env.registry,
            document: &document,
            variables,
        }
        .check()?;
        if ctx.data_opt::<CheckOnly>().is_some() {
            return Ok(document);
        }
        if let Ok(mut kept) = self.kept.lock() {
            *kept = Some((document.clone(), variables.clone()));
        }
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        limits::spend(ctx, self.max_complexity, result.complexity).map_err(|e| vec![e])?;
        Ok(result)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if ctx.data_opt::<CheckOnly>().is_some() {
            return Response::new(async_graphql::Value::Null);
        }
        let mut response = next.run(ctx, operation_name).await;
        let kept = self.kept.lock().ok().and_then(|mut kept| kept.take());
        if let Some((document, variables)) = kept {
            let registry = &ctx.schema_env.registry;
            order::reorder(
                registry,
                &document,
                &variables,
                operation_name,
                &mut response.data,
            );
        }
        response
    }
}
