//! `schema.graphql` is the public contract: it must be what the code's schema builder makes.

#[test]
fn committed_schema_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let generated = api::graphql::sdl();
    assert!(
        committed == generated,
        "schema.graphql differs from the schema the code builds; regenerate it with\n\
         \n    cargo run -q -- schema > schema.graphql\n\nand review the diff"
    );
}

const INTROSPECTION: &str = "{ __schema { types { name kind description
  fields(includeDeprecated: true) { name description args { name description } }
  inputFields { name description }
  enumValues(includeDeprecated: true) { name description } } } }";

#[tokio::test]
async fn every_type_field_argument_and_value_is_documented() {
    let app = crate::support::TestApp::spawn(crate::support::Backend::Sqlite).await;
    let data = app.data(INTROSPECTION, serde_json::json!({})).await;
    let builtin = ["Int", "Float", "String", "Boolean", "ID"];
    let documented = |v: &serde_json::Value| {
        v["description"]
            .as_str()
            .is_some_and(|d| !d.trim().is_empty())
    };
    let mut missing = Vec::new();
    for ty in data["__schema"]["types"].as_array().expect("types") {
        let name = ty["name"].as_str().unwrap_or_default();
        if name.starts_with("__") || builtin.contains(&name) {
            continue;
        }
        if !documented(ty) {
            missing.push(name.to_owned());
        }
        for field in ty["fields"].as_array().into_iter().flatten() {
            let field_name = field["name"].as_str().unwrap_or_default();
            if !documented(field) {
                missing.push(format!("{name}.{field_name}"));
            }
            for arg in field["args"].as_array().into_iter().flatten() {
                if !documented(arg) {
                    missing.push(format!("{name}.{field_name}({})", arg["name"]));
                }
            }
        }
        for list in ["inputFields", "enumValues"] {
            for item in ty[list].as_array().into_iter().flatten() {
                if !documented(item) {
                    missing.push(format!("{name}.{}", item["name"]));
                }
            }
        }
    }
    assert!(missing.is_empty(), "undocumented: {missing:#?}");
}
