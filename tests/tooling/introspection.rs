//! The introspection query every tool starts with passes under the default limits and gives back
//! the committed schema; introspection that fans out over the schema is refused.

use serde_json::json;

use crate::support::{Backend, TestApp, error_codes};
use crate::tooling::{js_dir, js_tools_available};

/// graphql-js 16's `getIntrospectionQuery` with every option on (descriptions, `specifiedByURL`,
/// `isRepeatable`, the schema's description, deprecated input values), as the spec's
/// introspection section and graphql-js write it.
const STANDARD_QUERY: &str = r#"
query IntrospectionQuery {
  __schema {
    description
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives {
      name
      description
      isRepeatable
      locations
      args(includeDeprecated: true) { ...InputValue }
    }
  }
}
fragment FullType on __Type {
  kind
  name
  description
  specifiedByURL
  fields(includeDeprecated: true) {
    name
    description
    args(includeDeprecated: true) { ...InputValue }
    type { ...TypeRef }
    isDeprecated
    deprecationReason
  }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) {
    name
    description
    isDeprecated
    deprecationReason
  }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue {
  name
  description
  type { ...TypeRef }
  defaultValue
  isDeprecated
  deprecationReason
}
fragment TypeRef on __Type {
  kind
  name
  ofType {
    kind
    name
    ofType {
      kind
      name
      ofType {
        kind
        name
        ofType {
          kind
          name
          ofType {
            kind
            name
            ofType {
              kind
              name
              ofType {
                kind
                name
                ofType { kind name }
              }
            }
          }
        }
      }
    }
  }
}
"#;

#[tokio::test]
async fn the_standard_introspection_query_passes_the_default_limits() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let body = app.gql(STANDARD_QUERY, json!({})).await;
    assert!(body.get("errors").is_none(), "refused: {}", body["errors"]);
    let schema = &body["data"]["__schema"];
    assert_eq!(schema["queryType"]["name"], "Query");
    assert_eq!(schema["mutationType"]["name"], "Mutation");
    assert!(
        schema["description"]
            .as_str()
            .is_some_and(|d| d.starts_with("Papers:")),
        "the schema describes itself, not __Schema: {}",
        schema["description"]
    );
    let types = schema["types"].as_array().expect("types");
    let date_time = types
        .iter()
        .find(|t| t["name"] == "DateTime")
        .expect("DateTime");
    assert_eq!(
        date_time["specifiedByURL"],
        "https://datatracker.ietf.org/doc/html/rfc3339"
    );
    app.stop().await;
}

#[tokio::test]
async fn introspection_that_fans_out_over_the_schema_is_refused() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // fields → type → fields → type → fields → type → fields: each step multiplies.
    let fan_out = "{ __type(name: \"Paper\") { fields { type { fields { type { fields { type { \
                   fields { name } } } } } } } } }";
    // types → fields → type → interfaces → possibleTypes: four lists on one path.
    let through_lists = "{ __schema { types { fields { type { interfaces { possibleTypes { name \
                         } } } } } } }";
    for query in [fan_out, through_lists] {
        let body = app.gql(query, json!({})).await;
        assert_eq!(
            error_codes(&body),
            ["GRAPHQL_VALIDATION_FAILED"],
            "{query}: {body}"
        );
        assert!(body.get("data").is_none_or(|d| d.is_null()));
    }
    // A long `ofType` chain is linear, not a fan-out, but still bounded.
    let mut chain = String::from("name");
    for _ in 0..30 {
        chain = format!("ofType {{ {chain} }}");
    }
    let body = app
        .gql(
            &format!("{{ __type(name: \"Paper\") {{ {chain} }} }}"),
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&body), ["GRAPHQL_VALIDATION_FAILED"]);
    // Three lists deep is what tools need, and passes.
    let body = app
        .gql(
            "{ __type(name: \"Query\") { fields { args { type { ofType { name } } } } } }",
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    app.stop().await;
}

#[tokio::test]
async fn introspection_does_not_lift_the_depth_limit_of_ordinary_fields() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // 13 levels of ordinary fields, beside an introspection field that is allowed its own depth.
    let mut deep = String::from("id");
    for _ in 0..5 {
        deep = format!("replies {{ edges {{ node {{ {deep} }} }} }}");
    }
    let query = format!(
        "{{ __schema {{ queryType {{ name }} }} \
         paper(arxivId: \"2401.00001\") {{ comments {{ edges {{ node {{ {deep} }} }} }} }} }}"
    );
    let body = app.gql(&query, json!({})).await;
    assert_eq!(error_codes(&body), ["GRAPHQL_VALIDATION_FAILED"], "{body}");
    app.stop().await;
}

#[tokio::test]
async fn graphql_js_builds_the_committed_schema_from_the_live_server() {
    if !js_tools_available() {
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await;
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let output = tokio::process::Command::new("node")
        .arg(js_dir().join("introspect.mjs"))
        .arg(app.url("/graphql"))
        .arg(schema)
        .output()
        .await
        .expect("node runs");
    assert!(
        output.status.success(),
        "graphql-js: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    app.stop().await;
}
