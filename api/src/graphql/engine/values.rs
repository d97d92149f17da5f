//! Values of the right type. async-graphql checks at validation that an `Int` argument is an
//! integer but leaves its 32-bit range, and the format of a `DateTime`, to execution. Both are
//! checked here against the schema, for literals, variables and variable defaults, so that a
//! value of the wrong type is always a validation error (`400`, nothing executed), never a field
//! error halfway through.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::registry::{MetaType, MetaTypeName, Registry};
use async_graphql::{Name, ServerResult, Value, Variables};

use super::cost::refusal;

/// Checks the values of a document's arguments against their declared types.
pub(super) struct Values<'a> {
    pub registry: &'a Registry,
    pub document: &'a ExecutableDocument,
    pub variables: &'a Variables,
}

/// Fragment spreads followed at most this deep (cycles are a validation error of their own).
const MAX_SPREADS: usize = 16;

impl Values<'_> {
    pub(super) fn check(&self) -> ServerResult<()> {
        for (_, operation) in self.document.operations.iter() {
            let operation = &operation.node;
            let root = match operation.ty {
                async_graphql::parser::types::OperationType::Query => {
                    Some(self.registry.query_type.as_str())
                }
                async_graphql::parser::types::OperationType::Mutation => {
                    self.registry.mutation_type.as_deref()
                }
                async_graphql::parser::types::OperationType::Subscription => {
                    self.registry.subscription_type.as_deref()
                }
            };
            let Some(root) = root else { continue };
            let defaults: Vec<(&Name, Option<&Value>)> = operation
                .variable_definitions
                .iter()
                .map(|d| {
                    (
                        &d.node.name.node,
                        d.node.default_value.as_ref().map(|v| &v.node),
                    )
                })
                .collect();
            self.selections(&operation.selection_set.node, root, &defaults, 0)?;
        }
        Ok(())
    }

    fn selections(
        &self,
        set: &SelectionSet,
        type_name: &str,
        defaults: &[(&Name, Option<&Value>)],
        spreads: usize,
    ) -> ServerResult<()> {
        if spreads > MAX_SPREADS {
            return Ok(());
        }
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let Some(meta) = self
                        .registry
                        .types
                        .get(type_name)
                        .and_then(|t| t.field_by_name(&field.name.node))
                    else {
                        continue; // an unknown field: validation reports it
                    };
                    for (name, value) in &field.arguments {
                        let Some(argument) = meta.args.get(name.node.as_str()) else {
                            continue;
                        };
                        let value = value
                            .node
                            .clone()
                            .into_const_with(|variable| {
                                Ok::<_, ()>(self.variable(&variable, defaults))
                            })
                            .unwrap_or(Value::Null);
                        if let Err(problem) = self.value(&argument.ty, &value) {
                            return Err(refusal(
                                format!("Invalid value for argument \"{}\": {problem}", name.node),
                                Some(name.pos),
                            ));
                        }
                    }
                    let child = MetaTypeName::concrete_typename(&meta.ty);
                    self.selections(&field.selection_set.node, child, defaults, spreads)?;
                }
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    let on = fragment
                        .type_condition
                        .as_ref()
                        .map_or(type_name, |c| c.node.on.node.as_str());
                    self.selections(&fragment.selection_set.node, on, defaults, spreads)?;
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) =
                        self.document.fragments.get(&spread.node.fragment_name.node)
                    {
                        let on = fragment.node.type_condition.node.on.node.as_str();
                        self.selections(
                            &fragment.node.selection_set.node,
                            on,
                            defaults,
                            spreads + 1,
                        )?;
                    }
                }
            }
        }
        Ok(())
    }

    /// A variable's value: as sent, else its default, else null.
    fn variable(&self, name: &Name, defaults: &[(&Name, Option<&Value>)]) -> Value {
        self.variables.get(name).cloned().unwrap_or_else(|| {
            defaults
                .iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, default)| default.cloned())
                .unwrap_or(Value::Null)
        })
    }

    /// `Err(why)` when `value` does not coerce to the input type `ty` (e.g. `[Int!]!`).
    fn value(&self, ty: &str, value: &Value) -> Result<(), String> {
        match MetaTypeName::create(ty) {
            MetaTypeName::NonNull(inner) => self.value(inner, value),
            MetaTypeName::List(inner) => match value {
                Value::List(items) => items.iter().try_for_each(|item| self.value(inner, item)),
                // A single value where a list is expected is a list of one.
                other => self.value(inner, other),
            },
            MetaTypeName::Named(name) => {
                if matches!(value, Value::Null) {
                    return Ok(()); // nullness is validation's own rule
                }
                match (name, self.registry.types.get(name)) {
                    ("Int", _) => match value {
                        Value::Number(n)
                            if n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()) =>
                        {
                            Ok(())
                        }
                        Value::Number(n) if n.is_i64() || n.is_u64() => Err(format!(
                            "{n} is outside the 32-bit range of Int ({} to {})",
                            i32::MIN,
                            i32::MAX
                        )),
                        _ => Ok(()), // not an integer at all: validation reports it
                    },
                    ("DateTime", _) => match value {
                        Value::String(text)
                            if text.parse::<chrono::DateTime<chrono::Utc>>().is_err() =>
                        {
                            Err(format!("{text:?} is not an RFC 3339 date and time"))
                        }
                        Value::String(_) => Ok(()),
                        _ => Err("a DateTime is a string".into()),
                    },
                    (_, Some(MetaType::InputObject { input_fields, .. })) => match value {
                        Value::Object(fields) => {
                            for (field, item) in fields {
                                if let Some(meta) = input_fields.get(field.as_str()) {
                                    self.value(&meta.ty, item)?;
                                }
                            }
                            Ok(())
                        }
                        _ => Ok(()),
                    },
                    _ => Ok(()),
                }
            }
        }
    }
}
