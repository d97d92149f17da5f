//! Whether a SQLite file has changed: the header of its WAL index, which every commit by any
//! process rewrites.
//!
//! In WAL mode the connections to a file share an index of the log in the `-shm` file beside it,
//! mapped into each process's memory. Its header (the format is documented at
//! <https://sqlite.org/walformat.html>, "The WAL-Index Header") holds a counter raised by every
//! transaction, the last valid frame of the log and that frame's checksum, and the log's salts,
//! which change whenever the log starts over. A commit becomes visible to readers only when a
//! new header is written, so a header that reads the same as before means that nothing was
//! committed in between — by this process, another one or the `sqlite3` shell alike. Reading it
//! costs one `pread` of the page the OS already holds, against a statement through a connection
//! thread for the question "did anything change?".
//!
//! The header is kept twice, one copy after the other; a writer updates the second, then the
//! first, and SQLite's own readers take the header only when both copies agree. So does
//! [`WalIndex::stamp`]: a header caught while it is being written, or a file that is not a WAL
//! index SQLite could use, gives no stamp at all, and callers then know nothing.
//!
//! The `-shm` file is opened once and its descriptor is never closed. SQLite takes its WAL locks
//! on that file with POSIX advisory locks, and closing *any* descriptor of a file drops every
//! such lock the process holds on it: reading the header through a descriptor opened and closed
//! per read took this server's readers' locks away, a `papers backup` beside it then reset the
//! log under them, and the server died of SIGBUS (the backup test caught it). If the path comes
//! to name another file (SQLite deletes the index when the last connection closes, a new one is
//! made on the next open), the new file is opened and the old descriptor is left open too.

use std::fs::File;
use std::mem::ManuallyDrop;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Bytes of one copy of the header.
const HEADER: usize = 48;
/// The WAL-index format version the header starts with (3007000, SQLite 3.7.0's).
const VERSION: u32 = 3_007_000;
/// Offset of the `isInit` byte, 1 once the header is written.
const IS_INIT: usize = 12;

/// The state of a file's log when read: equal stamps mean no commit in between.
pub type Stamp = [u8; HEADER];

/// The WAL index of one SQLite file.
#[derive(Debug)]
pub struct WalIndex {
    shm: PathBuf,
    /// The open index and its (device, inode); never closed (see the module's documentation).
    open: Mutex<Option<Opened>>,
}

#[derive(Debug)]
struct Opened {
    file: ManuallyDrop<File>,
    id: (u64, u64),
}

impl WalIndex {
    /// The index of the database file at `path` (its `-shm` file, whether or not it exists yet).
    pub fn of(path: &Path) -> Self {
        let mut shm = path.as_os_str().to_owned();
        shm.push("-shm");
        Self {
            shm: shm.into(),
            open: Mutex::new(None),
        }
    }

    /// The header now, or none when it cannot be read whole and settled.
    pub fn stamp(&self) -> Option<Stamp> {
        // Which file the path names now: a replaced index is opened anew.
        let now = std::fs::metadata(&self.shm).ok()?;
        let id = (now.dev(), now.ino());
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.as_ref().is_none_or(|opened| opened.id != id) {
            let file = File::open(&self.shm).ok()?;
            let meta = file.metadata().ok()?;
            // Whatever was open before stays open: closing it could drop SQLite's locks.
            *open = Some(Opened {
                file: ManuallyDrop::new(file),
                id: (meta.dev(), meta.ino()),
            });
        }
        let opened = open.as_ref()?;
        let mut both = [0u8; 2 * HEADER];
        opened.file.read_exact_at(&mut both, 0).ok()?;
        let (first, second) = both.split_at(HEADER);
        let version = u32::from_ne_bytes(first[..4].try_into().ok()?);
        if opened.id != id || first != second || version != VERSION || first[IS_INIT] != 1 {
            return None;
        }
        first.try_into().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ConnectionTrait, Database};

    /// Every commit changes the stamp — another connection's included — and reading changes
    /// nothing.
    #[tokio::test]
    async fn a_commit_by_any_connection_changes_the_stamp_and_a_read_does_not()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("papers.db");
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let writer = Database::connect(&url).await?;
        writer
            .execute_unprepared("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER)")
            .await?;
        let other = Database::connect(&url).await?;
        let index = WalIndex::of(&path);

        let before = index.stamp().ok_or("no stamp")?;
        other.execute_unprepared("SELECT COUNT(*) FROM t").await?;
        assert_eq!(index.stamp(), Some(before), "a read changed the stamp");

        other.execute_unprepared("INSERT INTO t VALUES (1)").await?;
        let after_other = index.stamp().ok_or("no stamp")?;
        assert_ne!(
            after_other, before,
            "another connection's commit went unseen"
        );

        writer.execute_unprepared("UPDATE t SET x = 2").await?;
        let after_update = index.stamp().ok_or("no stamp")?;
        assert_ne!(after_update, after_other, "an update went unseen");

        // The log starting over after a checkpoint is a change too (new salts), not a repeat
        // of an earlier stamp.
        writer
            .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await?;
        writer.execute_unprepared("UPDATE t SET x = 3").await?;
        let after_restart = index.stamp().ok_or("no stamp")?;
        assert!(![before, after_other, after_update].contains(&after_restart));

        // Every connection closed (SQLite removes the index), the file opened again: the new
        // index is the one read.
        writer.close().await?;
        other.close().await?;
        let reopened = Database::connect(&url).await?;
        reopened.execute_unprepared("UPDATE t SET x = 4").await?;
        let after_reopen = index
            .stamp()
            .ok_or("no stamp after the index was made anew")?;
        reopened.execute_unprepared("UPDATE t SET x = 5").await?;
        let later = index.stamp().ok_or("no stamp")?;
        assert_ne!(after_reopen, later, "the new index's commits went unseen");
        Ok(())
    }

    #[test]
    fn a_missing_or_foreign_file_gives_no_stamp() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("none.db");
        assert_eq!(WalIndex::of(&path).stamp(), None);
        std::fs::write(dir.path().join("none.db-shm"), [7u8; 200])?;
        assert_eq!(WalIndex::of(&path).stamp(), None);
        Ok(())
    }
}
