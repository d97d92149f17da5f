//! Standard GraphQL tooling against the live server (issue 8): the tools' introspection query,
//! response maps in query order, automatic persisted queries, HTTP caching of anonymous reads and
//! Prometheus metrics.

mod caching;
mod introspection;
mod metrics;
mod order;
mod persisted;

use std::path::PathBuf;

/// The checkout's `tests/js` folder, where `.ci/run` installs the pinned npm packages.
pub fn js_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/js"))
}

/// Whether the npm packages are installed. Outside CI a test that needs them skips, loudly; in
/// CI (`CI` set, as `.ci/run` runs) their absence fails the test.
pub fn js_tools_available() -> bool {
    use std::io::Write;
    if js_dir().join("node_modules/graphql").is_dir() {
        return true;
    }
    assert!(
        std::env::var("CI").is_err(),
        "CI is set but tests/js/node_modules is missing: .ci/run installs it with npm ci"
    );
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: graphql-js is not installed; run `npm ci` in tests/js to run this test"
    );
    false
}
