//! Objects resolved directly: the fields an object answers from its own data are written into
//! the response in place, and only the others go through async-graphql's per-field machinery.
//!
//! async-graphql resolves every field of every object as a boxed future polled in a
//! `FuturesUnordered`, with a path node, a cloned name and a map insert each. A feed page of 50
//! papers with three authors each is about 600 such fields, most of them a column copied into a
//! string: that machinery, not the database, was most of the feed's cost (issue 10). A type that
//! implements [`PlainFields`] and is returned wrapped in [`Direct`] answers those fields without
//! it. The schema does not change: `Direct<T>` is registered as `T`.
//!
//! What stays on async-graphql's own path, unchanged: fields with arguments or with directives
//! (`@skip`/`@include` are removed before execution; others are custom), fragments, response
//! keys selected twice (their selections merge), and every field `plain_field` does not answer
//! (loaders, context, errors). Those still run concurrently, so loaders batch across siblings as
//! before.

use std::borrow::Cow;

use async_graphql::ServerResult;
use async_graphql::parser::types::{Field, Selection};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::resolve_container;
use async_graphql::{ContainerType, ContextSelectionSet, Name, OutputType, Positioned, Value};
use indexmap::IndexMap;

/// An object type whose plain fields can be answered without context.
pub trait PlainFields {
    /// The value of the argument-less field `name`, exactly as its resolver would give it, when
    /// the object holds it; `None` sends the field through its resolver.
    fn plain_field(&self, name: &str) -> Option<Value>;
}

impl<T: PlainFields + ?Sized> PlainFields for &T {
    fn plain_field(&self, name: &str) -> Option<Value> {
        (**self).plain_field(name)
    }
}

/// An optional text column as its resolver gives it: null or the string.
pub fn optional(text: Option<&str>) -> Value {
    text.map_or(Value::Null, |text| Value::String(text.to_owned()))
}

/// `T`, resolved directly (see the module). In the schema it is `T` itself.
pub struct Direct<T>(pub T);

impl<T: PlainFields + ContainerType + OutputType> OutputType for Direct<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        self.0.introspection_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        resolve_direct(ctx, &self.0).await
    }
}

/// The fields of a selection set when they are all plain field selections without directives
/// and with distinct response keys; `None` when anything needs async-graphql's own handling.
fn simple_fields<'a>(ctx: &ContextSelectionSet<'a>) -> Option<Vec<&'a Positioned<Field>>> {
    let items = &ctx.item.node.items;
    let mut fields = Vec::with_capacity(items.len());
    for selection in items {
        let Selection::Field(field) = &selection.node else {
            return None;
        };
        if !field.node.directives.is_empty() {
            return None;
        }
        let key = field.node.response_key();
        if fields
            .iter()
            .any(|seen: &&Positioned<Field>| seen.node.response_key().node == key.node)
        {
            return None;
        }
        fields.push(field);
    }
    Some(fields)
}

async fn resolve_direct<T: PlainFields + ContainerType + OutputType>(
    ctx: &ContextSelectionSet<'_>,
    root: &T,
) -> ServerResult<Value> {
    let Some(fields) = simple_fields(ctx) else {
        return resolve_container(ctx, root).await;
    };
    // Each response key in query order, with its value once known.
    let mut slots: Vec<(&Name, Option<Value>)> = Vec::with_capacity(fields.len());
    let mut pending = Vec::new();
    for (slot, field) in fields.into_iter().enumerate() {
        let name = field.node.name.node.as_str();
        let value = if name == "__typename" {
            Some(Value::String(root.introspection_type_name().into_owned()))
        } else if field.node.arguments.is_empty() {
            root.plain_field(name)
        } else {
            None
        };
        if value.is_none() {
            pending.push(async move {
                let ctx_field = ctx.with_field(field);
                (slot, root.resolve_field(&ctx_field).await)
            });
        }
        slots.push((&field.node.response_key().node, value));
    }
    // As async-graphql does: a field that fails is reported and left out of its object.
    for (slot, result) in futures_util::future::join_all(pending).await {
        match result {
            Ok(value) => slots[slot].1 = Some(value.unwrap_or_default()),
            Err(error) => ctx.add_error(error),
        }
    }
    let object: IndexMap<Name, Value> = slots
        .into_iter()
        .filter_map(|(key, value)| Some((key.clone(), value?)))
        .collect();
    Ok(if object.is_empty() {
        Value::Null
    } else {
        Value::Object(object)
    })
}
