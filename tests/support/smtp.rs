//! A real SMTP server for tests: `tests/py/smtp_sink.py` (aiosmtpd) in its own process, keeping
//! each accepted message as JSON in a temporary directory.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

pub struct SmtpSink {
    pub port: u16,
    dir: tempfile::TempDir,
    _child: tokio::process::Child,
}

impl SmtpSink {
    /// Starts the sink, or `None` (loudly, outside CI only) without the test virtualenv.
    pub async fn start() -> Option<Self> {
        let python = crate::support::process::venv_python("aiosmtpd")?;
        let dir = tempfile::tempdir().expect("a temporary directory");
        let port = crate::support::process::free_port();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/py/smtp_sink.py");
        let mut child = tokio::process::Command::new(python)
            .arg(script)
            .arg(port.to_string())
            .arg(dir.path())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start the SMTP sink");
        let stdout = child.stdout.take().expect("the sink's stdout");
        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .expect("the SMTP sink starts in time")
            .expect("the sink's output");
        assert_eq!(ready.as_deref(), Some("ready"));
        Some(Self {
            port,
            dir,
            _child: child,
        })
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages accepted so far, in order.
    pub fn messages(&self) -> Vec<Value> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .expect("the sink's directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| {
                serde_json::from_str(&std::fs::read_to_string(p).expect("a message")).expect("JSON")
            })
            .collect()
    }

    /// Waits (up to 30 s) for at least `n` messages; returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Value> {
        for _ in 0..600 {
            let messages = self.messages();
            if messages.len() >= n {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {n} mails, got {:?}", self.messages());
    }

    /// Refuses these recipients from now on (an empty list accepts everyone again).
    pub fn reject(&self, recipients: &[&str]) {
        std::fs::write(self.dir.path().join("reject.txt"), recipients.join("\n"))
            .expect("write the reject list");
    }
}
