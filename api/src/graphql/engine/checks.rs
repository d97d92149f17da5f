//! Checks on a parsed request that async-graphql does not make itself, run before anything
//! executes:
//! - limits on the number of fields (including `__typename`, which its complexity count skips),
//!   aliases and directives of a whole document, fragments counted once per spread;
//! - the depth of selections, with introspection bounded apart: the standard introspection
//!   query of tools (GraphiQL, codegen, Apollo and Relay compilers) nests `ofType` about ten
//!   levels under `__schema`, which is harmless (one chain per type reference), while
//!   `fields → type → fields → …` multiplies at every step and is what needs a bound;
//! - required (non-null) variables that are missing or null, which it lets through as null when
//!   the operation does not use them.

use async_graphql::Value;
use async_graphql::Variables;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// The limits, from configuration.
#[derive(Debug, Clone, Copy)]
pub struct DocumentLimits {
    /// Deepest field nesting of a query, root fields at depth 1 (introspection apart).
    pub max_depth: u64,
    pub max_fields: u64,
    pub max_aliases: u64,
    pub max_directives: u64,
}

#[derive(Default)]
struct Tally {
    fields: u64,
    aliases: u64,
    directives: u64,
}

/// Fragment spreads nest at most this deep when counting (cycles are a validation error anyway).
const MAX_SPREAD_NESTING: usize = 16;

/// Deepest nesting under `__schema` or `__type`: room for graphql-js 17's type references.
pub const MAX_INTROSPECTION_DEPTH: usize = 24;
/// Most list fields that fan out over the schema (`types`, `fields`, `args`, …) on one path under
/// `__schema` or `__type`: the standard query needs three (`types → fields → args`).
pub const MAX_INTROSPECTION_FAN_OUT: usize = 3;
const FAN_OUT_FIELDS: &[&str] = &[
    "types",
    "fields",
    "inputFields",
    "interfaces",
    "possibleTypes",
    "enumValues",
    "args",
    "directives",
];

/// Where a selection set stands: how deep, and whether under introspection (with how many
/// fan-out lists above it).
#[derive(Clone, Copy)]
struct Place {
    depth: usize,
    introspection: Option<usize>,
    spreads: usize,
}

impl DocumentLimits {
    /// `Err(message)` when the document exceeds a limit.
    pub fn check(&self, doc: &ExecutableDocument) -> Result<(), String> {
        let max_depth = usize::try_from(self.max_depth).unwrap_or(usize::MAX);
        for (_, operation) in doc.operations.iter() {
            let root = Place {
                depth: 0,
                introspection: None,
                spreads: 0,
            };
            depth(doc, &operation.node.selection_set.node, root, max_depth)?;
        }
        let mut tally = Tally::default();
        for (_, operation) in doc.operations.iter() {
            tally.directives += operation.node.directives.len() as u64;
            count(doc, &operation.node.selection_set.node, &mut tally, 0);
        }
        if tally.fields > self.max_fields {
            return Err(format!(
                "the query selects {} fields; the limit is {}",
                tally.fields, self.max_fields
            ));
        }
        if tally.aliases > self.max_aliases {
            return Err(format!(
                "the query uses {} aliases; the limit is {}",
                tally.aliases, self.max_aliases
            ));
        }
        if tally.directives > self.max_directives {
            return Err(format!(
                "the query uses {} directives; the limit is {}",
                tally.directives, self.max_directives
            ));
        }
        Ok(())
    }
}

fn count(doc: &ExecutableDocument, set: &SelectionSet, tally: &mut Tally, nesting: usize) {
    if nesting > MAX_SPREAD_NESTING {
        return;
    }
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                tally.fields += 1;
                tally.aliases += u64::from(field.node.alias.is_some());
                tally.directives += field.node.directives.len() as u64;
                count(doc, &field.node.selection_set.node, tally, nesting);
            }
            Selection::InlineFragment(fragment) => {
                tally.directives += fragment.node.directives.len() as u64;
                count(doc, &fragment.node.selection_set.node, tally, nesting);
            }
            Selection::FragmentSpread(spread) => {
                tally.directives += spread.node.directives.len() as u64;
                if let Some(fragment) = doc.fragments.get(&spread.node.fragment_name.node) {
                    tally.directives += fragment.node.directives.len() as u64;
                    count(doc, &fragment.node.selection_set.node, tally, nesting + 1);
                }
            }
        }
    }
}

/// `Err(message)` when a field stands deeper than the limits allow.
fn depth(
    doc: &ExecutableDocument,
    set: &SelectionSet,
    at: Place,
    max_depth: usize,
) -> Result<(), String> {
    if at.spreads > MAX_SPREAD_NESTING {
        return Ok(());
    }
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let name = field.node.name.node.as_str();
                let mut inner = Place {
                    depth: at.depth + 1,
                    ..at
                };
                match at.introspection {
                    None if at.depth == 0 && (name == "__schema" || name == "__type") => {
                        inner.introspection = Some(0);
                    }
                    None if inner.depth > max_depth => {
                        return Err(format!("the query nests deeper than {max_depth} levels"));
                    }
                    None => {}
                    Some(lists) => {
                        let lists = lists + usize::from(FAN_OUT_FIELDS.contains(&name));
                        if inner.depth > MAX_INTROSPECTION_DEPTH
                            || lists > MAX_INTROSPECTION_FAN_OUT
                        {
                            return Err(format!(
                                "introspection nests at most {MAX_INTROSPECTION_DEPTH} levels \
                                 and {MAX_INTROSPECTION_FAN_OUT} lists of types, fields or \
                                 arguments deep"
                            ));
                        }
                        inner.introspection = Some(lists);
                    }
                }
                depth(doc, &field.node.selection_set.node, inner, max_depth)?;
            }
            Selection::InlineFragment(fragment) => {
                depth(doc, &fragment.node.selection_set.node, at, max_depth)?;
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = doc.fragments.get(&spread.node.fragment_name.node) {
                    let inner = Place {
                        spreads: at.spreads + 1,
                        ..at
                    };
                    depth(doc, &fragment.node.selection_set.node, inner, max_depth)?;
                }
            }
        }
    }
    Ok(())
}

/// `Err(message)` when the selected operation declares a non-null variable without a default
/// and the request leaves it out or sets it to null.
pub fn check_required_variables(
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Result<(), String> {
    for (name, operation) in doc.operations.iter() {
        let selected = match (operation_name, name) {
            (Some(wanted), Some(name)) => wanted == name.as_str(),
            (Some(_), None) => false,
            (None, _) => true,
        };
        if !selected {
            continue;
        }
        for definition in &operation.node.variable_definitions {
            let definition = &definition.node;
            if definition.var_type.node.nullable || definition.default_value.is_some() {
                continue;
            }
            let value = variables.get(&definition.name.node);
            if matches!(value, None | Some(Value::Null)) {
                return Err(format!(
                    "variable ${} of non-null type {} must have a value",
                    definition.name.node, definition.var_type.node
                ));
            }
        }
    }
    Ok(())
}
