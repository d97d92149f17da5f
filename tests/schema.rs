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

#[test]
fn every_type_and_field_is_documented() {
    let sdl = api::graphql::sdl();
    // Each definition line of an object, interface, enum or input must follow a description.
    let lines: Vec<&str> = sdl.lines().collect();
    let mut undocumented = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let is_definition = ["type ", "interface ", "enum ", "input ", "scalar "]
            .iter()
            .any(|k| trimmed.starts_with(k) && !line.starts_with(' '))
            || (line.starts_with('\t') && trimmed.chars().next().is_some_and(char::is_alphabetic));
        let builtin = trimmed.starts_with("schema")
            || trimmed.starts_with("directive")
            || lines[..i]
                .iter()
                .rev()
                .find(|l| !l.starts_with('\t'))
                .is_some_and(|l| l.starts_with("schema"));
        if is_definition && !builtin {
            let previous = i
                .checked_sub(1)
                .map(|j| lines[j].trim())
                .unwrap_or_default();
            if !previous.ends_with("\"\"\"") && !previous.starts_with('"') {
                undocumented.push(trimmed.to_owned());
            }
        }
    }
    assert!(undocumented.is_empty(), "undocumented: {undocumented:#?}");
}
