//! The one schema extension. Every extension costs each resolved field a boxed call through
//! async-graphql's resolve chain, so everything the schema needs from hooks is in this one, and it
//! does not hook field resolution:
//!
//! - after parsing: the argument values are checked against their types (`limits::Values`), and
//!   the document and variables are kept for the response pass;
//! - after validation: the operation's cost is spent from the request's budget (`limits`);
//! - after execution: the response's maps are put in query order (`order::reorder`).

use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Variables};

use crate::graphql::{limits, order};

/// The extension, installed once on the schema.
pub struct Operations {
    /// The cost budget of a request that brings none of its own.
    pub max_complexity: usize,
}

impl ExtensionFactory for Operations {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Operation {
            max_complexity: self.max_complexity,
            kept: Mutex::new(None),
        })
    }
}

/// One request's share of the extension.
struct Operation {
    max_complexity: usize,
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
        let document = next.run(ctx, query, variables).await?;
        limits::Values {
            registry: &ctx.schema_env.registry,
            document: &document,
            variables,
        }
        .check()?;
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
