//! Response maps in the order of the query, as the spec's "Serialized Map Ordering" asks.
//!
//! async-graphql resolves the fields of a query's object concurrently and writes each into the
//! response map as it finishes, so a field answered by a DataLoader lands after plain ones and
//! the order can change from run to run. `reorder` puts every map of the response back in the
//! order CollectFields gives (fragments merged where their type condition applies, `@skip` and
//! `@include` honoured), at every level, for every response the engine gives (a query's, a
//! mutation's, each event of a subscription). An object of an interface or union type is ordered
//! for its concrete type, found from its `__typename` when selected or else from the fields it
//! holds. The keys of a field's values are collected once, whatever the number of items that
//! hold it (every paper of a page has its `authors` and `submittedBy` ordered from one set).

use std::cell::OnceCell;

use async_graphql::parser::types::{
    Directive, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use async_graphql::registry::{MetaTypeName, Registry};
use async_graphql::{Name, Positioned, Value, Variables};
use indexmap::IndexMap;

use super::introspection;

/// Fragment spreads nest at most this deep (cycles are a validation error anyway).
const MAX_SPREADS: usize = 16;

/// Puts every map of an operation's response data in the order of the query.
pub fn reorder(
    registry: &Registry,
    document: &ExecutableDocument,
    variables: &Variables,
    operation_name: Option<&str>,
    data: &mut Value,
) {
    let order = Order {
        registry,
        document,
        variables,
    };
    order.response(operation_name, data);
}

/// The fields one response key merges, with the field's name (the key may be an alias) and,
/// when it selects fields, the named type it returns (looked up once per list, not per item).
struct Collected<'a> {
    field: &'a str,
    sets: Vec<&'a SelectionSet>,
    returns: Option<&'a str>,
    /// Whether `returns` is an interface or a union (its items are ordered each for its own
    /// concrete type).
    returns_abstract: bool,
    /// The keys of the values it returns, when that type is an object type: collected once for
    /// every item of the list it stands in (each paper's `submittedBy`, …).
    keys: OnceCell<IndexMap<&'a str, Collected<'a>>>,
}

struct Order<'a> {
    registry: &'a Registry,
    document: &'a ExecutableDocument,
    variables: &'a Variables,
}

impl<'a> Order<'a> {
    fn response(&self, operation_name: Option<&str>, data: &mut Value) {
        let operation = self
            .document
            .operations
            .iter()
            .find(|(name, _)| match operation_name {
                Some(wanted) => name.is_some_and(|n| n.as_str() == wanted),
                None => true,
            })
            .map(|(_, op)| &op.node);
        let Some(operation) = operation else {
            return;
        };
        let root = match operation.ty {
            OperationType::Query => Some(self.registry.query_type.as_str()),
            OperationType::Mutation => self.registry.mutation_type.as_deref(),
            OperationType::Subscription => self.registry.subscription_type.as_deref(),
        };
        if let Some(root) = root {
            self.value(data, root, &[&operation.selection_set.node]);
        }
    }

    /// Orders a value of type `ty` (a named type) selected by `sets`.
    fn value(&self, value: &mut Value, ty: &'a str, sets: &[&'a SelectionSet]) {
        match value {
            Value::List(items) if !self.is_abstract(ty) => {
                // Every item has the same keys: collect them once for the whole list.
                let collected = self.collect_all(ty, sets);
                for item in items {
                    self.value_as(item, ty, &collected);
                }
            }
            Value::List(items) => {
                for item in items {
                    self.value(item, ty, sets);
                }
            }
            Value::Object(map) => {
                let concrete = self.concrete(map, ty, sets);
                let collected = self.collect_all(concrete, sets);
                self.object(map, concrete, &collected);
            }
            _ => {}
        }
    }

    /// Orders a value of the object type `ty` whose fields are `collected`.
    fn value_as(
        &self,
        value: &mut Value,
        ty: &'a str,
        collected: &IndexMap<&'a str, Collected<'a>>,
    ) {
        match value {
            Value::List(items) => {
                for item in items {
                    self.value_as(item, ty, collected);
                }
            }
            Value::Object(map) => self.object(map, ty, collected),
            _ => {}
        }
    }

    fn is_abstract(&self, ty: &str) -> bool {
        self.registry
            .types
            .get(ty)
            .is_some_and(|t| t.possible_types().is_some())
    }

    fn object(
        &self,
        map: &mut IndexMap<Name, Value>,
        ty: &'a str,
        collected: &IndexMap<&'a str, Collected<'a>>,
    ) {
        if ty == "__Schema"
            && let Some(description) = map.get_mut("description")
        {
            // async-graphql answers with the description of the `__Schema` type itself.
            *description = Value::String(introspection::DESCRIPTION.to_owned());
        }
        let in_order = map.len() == collected.len()
            && map
                .keys()
                .zip(collected.keys())
                .all(|(k, c)| k.as_str() == *c);
        if in_order {
            for (value, c) in map.values_mut().zip(collected.values()) {
                self.child(value, c);
            }
            return;
        }
        let mut old = std::mem::take(map);
        for (key, c) in collected {
            let Some((key, mut value)) = old.swap_remove_entry(*key) else {
                continue;
            };
            self.child(&mut value, c);
            map.insert(key, value);
        }
        // Nothing should be left; whatever is keeps its place at the end rather than vanish.
        map.extend(old);
    }

    /// Orders the value of one field.
    fn child(&self, value: &mut Value, collected: &Collected<'a>) {
        let Some(child) = collected.returns else {
            return;
        };
        if collected.returns_abstract {
            self.value(value, child, &collected.sets);
        } else {
            let keys = collected
                .keys
                .get_or_init(|| self.collect_all(child, &collected.sets));
            self.value_as(value, child, keys);
        }
    }

    /// The object type an object of `ty` is: `ty` itself, or for an interface or union the
    /// possible type named by its `__typename`, or else the one whose fields it holds.
    fn concrete(
        &self,
        map: &IndexMap<Name, Value>,
        ty: &'a str,
        sets: &[&'a SelectionSet],
    ) -> &'a str {
        let Some(possible) = self.registry.types.get(ty).and_then(|t| t.possible_types()) else {
            return ty;
        };
        if let Some(Value::String(name)) = map.get("__typename")
            && let Some(found) = possible.get(name.as_str())
        {
            return found;
        }
        possible
            .iter()
            .find(|candidate| {
                let keys = self.collect_all(candidate, sets);
                keys.len() == map.len() && keys.keys().all(|k| map.contains_key(*k))
            })
            .map_or(ty, String::as_str)
    }

    fn collect_all(&self, ty: &str, sets: &[&'a SelectionSet]) -> IndexMap<&'a str, Collected<'a>> {
        let mut collected: IndexMap<&'a str, Collected<'a>> = IndexMap::new();
        for set in sets {
            self.collect(ty, set, &mut collected, 0);
        }
        for entry in collected.values_mut() {
            if !entry.sets.is_empty() {
                entry.returns = self.field_type(ty, entry.field);
                entry.returns_abstract = entry.returns.is_some_and(|t| self.is_abstract(t));
            }
        }
        collected
    }

    /// CollectFields: the response keys of `set` for an object of type `ty`, in order.
    fn collect(
        &self,
        ty: &str,
        set: &'a SelectionSet,
        out: &mut IndexMap<&'a str, Collected<'a>>,
        spreads: usize,
    ) {
        if spreads > MAX_SPREADS {
            return;
        }
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    if !self.included(&field.directives) {
                        continue;
                    }
                    let entry = out
                        .entry(field.response_key().node.as_str())
                        .or_insert_with(|| Collected {
                            field: field.name.node.as_str(),
                            sets: Vec::new(),
                            returns: None,
                            returns_abstract: false,
                            keys: OnceCell::new(),
                        });
                    if !field.selection_set.node.items.is_empty() {
                        entry.sets.push(&field.selection_set.node);
                    }
                }
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    let applies = fragment
                        .type_condition
                        .as_ref()
                        .is_none_or(|c| self.applies(c.node.on.node.as_str(), ty));
                    if applies && self.included(&fragment.directives) {
                        self.collect(ty, &fragment.selection_set.node, out, spreads + 1);
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let spread = &spread.node;
                    let Some(fragment) = self.document.fragments.get(&spread.fragment_name.node)
                    else {
                        continue;
                    };
                    let on = fragment.node.type_condition.node.on.node.as_str();
                    if self.applies(on, ty) && self.included(&spread.directives) {
                        self.collect(ty, &fragment.node.selection_set.node, out, spreads + 1);
                    }
                }
            }
        }
    }

    /// Whether a fragment on `condition` applies to an object of type `ty`.
    fn applies(&self, condition: &str, ty: &str) -> bool {
        condition == ty
            || self
                .registry
                .types
                .get(condition)
                .is_some_and(|c| c.is_possible_type(ty))
    }

    /// Whether `@skip` and `@include` keep a selection.
    fn included(&self, directives: &[Positioned<Directive>]) -> bool {
        directives.iter().all(|directive| {
            let directive = &directive.node;
            let condition = directive
                .get_argument("if")
                .and_then(|value| {
                    value
                        .node
                        .clone()
                        .into_const_with(|name| self.variables.get(&name).cloned().ok_or(()))
                        .ok()
                })
                .map(|value| matches!(value, Value::Boolean(true)));
            match (directive.name.node.as_str(), condition) {
                ("skip", Some(skip)) => !skip,
                ("include", Some(include)) => include,
                _ => true,
            }
        })
    }

    /// The named type a field of `ty` returns.
    fn field_type(&self, ty: &str, field: &str) -> Option<&'a str> {
        let meta = self.registry.types.get(ty)?.field_by_name(field)?;
        Some(MetaTypeName::concrete_typename(&meta.ty))
    }
}
