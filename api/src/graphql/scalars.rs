//! Custom scalars.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};

/// A calendar date, `YYYY-MM-DD`, meaning that day in UTC.
///
/// Any string is accepted here and checked by the field that takes it, so that a malformed or
/// impossible date (`2025-02-30`) answers `BAD_USER_INPUT` naming the argument.
#[derive(Debug, Clone)]
pub struct Date(pub String);

/// A calendar date, `YYYY-MM-DD` (a day in UTC).
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(text) => Ok(Self(text)),
            other => Err(InputValueError::expected_type(other)),
        }
    }

    /// A string: anything else is refused at validation, before execution.
    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(_))
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}
