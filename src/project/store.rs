//! Opening a project file: one SQLite database, held by one Clearbox at a
//! time, brought up to this version's schema, its audit trail checked.
//!
//! The file is opened in WAL mode with `locking_mode = EXCLUSIVE`: the
//! first write takes the file's lock and keeps it until the project is
//! closed, so a second Clearbox process gets a clear sentence instead of a
//! file written by two hands. The operating system drops the lock when a
//! process dies, so a killed run never leaves a project locked. Every
//! change is one transaction with its audit event: a run is either absent,
//! marked unfinished, or complete.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};
use serde_json::Value;

use super::audit::{self, Event, EventKind, Trail};
use super::schema::{APPLICATION_ID, MIGRATIONS, current_version};
use crate::error::{ClearboxError, Result, display_name};

/// What a project file is called: `NAME.clearbox`.
pub const EXTENSION: &str = "clearbox";

/// How long to wait for a project another process is closing.
const BUSY_WAIT: Duration = Duration::from_millis(1500);

/// An open project file.
#[derive(Debug)]
pub struct Project {
    conn: Connection,
    path: PathBuf,
    trail: Trail,
}

impl Project {
    /// Opens the project at `path`, creating it when there is no file there.
    pub fn open_or_create(path: &Path) -> Result<Self> {
        Self::connect(path, !path.exists())
    }

    /// Opens an existing project; a missing file is refused.
    pub fn open(path: &Path) -> Result<Self> {
        if !path.exists() {
            return Err(ClearboxError::NotFound {
                file: display_name(path),
            });
        }
        Self::connect(path, false)
    }

    fn connect(path: &Path, create: bool) -> Result<Self> {
        let file = display_name(path);
        let flags = if create {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
        };
        let not_a_project = |e: rusqlite::Error| ClearboxError::NotAProject {
            file: file.clone(),
            detail: e.to_string(),
        };
        let conn = Connection::open_with_flags(path, flags).map_err(|e| opening(path, e))?;
        conn.busy_timeout(BUSY_WAIT).map_err(not_a_project)?;
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")
            .map_err(|e| opening(path, e))?;
        let application: i32 = conn
            .pragma_query_value(None, "application_id", |row| row.get(0))
            .map_err(|e| opening(path, e))?;
        let version: i32 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(|e| opening(path, e))?;
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
            .map_err(|e| opening(path, e))?;
        if application != APPLICATION_ID && (application != 0 || tables > 0) {
            return Err(ClearboxError::NotAProject {
                file,
                detail: "it is a database, but not one Clearbox made".into(),
            });
        }
        if version > current_version() {
            return Err(ClearboxError::ProjectTooNew {
                file,
                version,
                supported: current_version(),
            });
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| opening(path, e))?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(|e| opening(path, e))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| opening(path, e))?;
        let mut project = Self {
            conn,
            path: path.to_path_buf(),
            trail: Trail::Intact { events: 0 },
        };
        // Migrating also takes the write lock, even when nothing is to be
        // migrated: from here on no other process can write.
        project.migrate(version)?;
        project.trail = audit::verify(&project.conn).map_err(|e| opening(path, e))?;
        Ok(project)
    }

    fn migrate(&mut self, from: i32) -> Result<()> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Exclusive)
            .map_err(|e| opening(&path, e))?;
        for migration in &MIGRATIONS[from.max(0) as usize..] {
            tx.execute_batch(migration).map_err(|e| opening(&path, e))?;
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(|e| opening(&path, e))?;
        tx.pragma_update(None, "user_version", current_version())
            .map_err(|e| opening(&path, e))?;
        tx.commit().map_err(|e| opening(&path, e))
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The project's name: its file name without `.clearbox`.
    pub fn name(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| display_name(&self.path))
    }

    /// The audit trail's state when the project was opened (or after the
    /// last [`Project::check_trail`]).
    pub fn trail(&self) -> &Trail {
        &self.trail
    }

    /// Checks the trail again, with everything recorded since it opened.
    pub fn check_trail(&mut self) -> Result<&Trail> {
        self.trail = audit::verify(&self.conn).map_err(|e| self.failed(e))?;
        Ok(&self.trail)
    }

    /// True when nothing may be recorded: the trail is broken, and the
    /// file is kept as it is for whoever reviews it.
    pub fn read_only(&self) -> bool {
        matches!(self.trail, Trail::Broken { .. })
    }

    /// Every event of the trail, oldest first.
    pub fn events(&self) -> Result<Vec<Event>> {
        Ok(audit::events(&self.conn)
            .map_err(|e| self.failed(e))?
            .iter()
            .map(audit::Stored::event)
            .collect())
    }

    /// Records an event that is not a row of its own (a table scored, a
    /// report written).
    pub fn record(&mut self, kind: EventKind, payload: Value) -> Result<()> {
        self.write(|tx| audit::append(tx, kind, &payload).map(|_| ()))
    }

    /// Runs `change` in one transaction, refused on a read-only project.
    pub(crate) fn write<T>(
        &mut self,
        change: impl FnOnce(&Transaction) -> rusqlite::Result<T>,
    ) -> Result<T> {
        if let Trail::Broken { seq, .. } = &self.trail {
            return Err(ClearboxError::ProjectReadOnly {
                file: display_name(&self.path),
                seq: *seq,
            });
        }
        let path = self.path.clone();
        let failed = |e: rusqlite::Error| ClearboxError::SaveFailed {
            path: path.display().to_string(),
            detail: e.to_string(),
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(failed)?;
        let value = change(&tx).map_err(failed)?;
        tx.commit().map_err(failed)?;
        Ok(value)
    }

    /// Copies the whole project, consistently, to a new file at `path`
    /// (for Save as). An existing file there is refused, never replaced.
    pub fn copy_to(&self, path: &Path) -> Result<()> {
        if path.exists() {
            return Err(ClearboxError::BadRequest(format!(
                "'{}' already exists. Choose a new name for the copy.",
                display_name(path)
            )));
        }
        self.conn
            .execute("VACUUM INTO ?1", [path.display().to_string()])
            .map(|_| ())
            .map_err(|e| ClearboxError::SaveFailed {
                path: path.display().to_string(),
                detail: e.to_string(),
            })
    }

    /// The connection, for reading.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// A read that failed, as a sentence naming the project.
    pub(crate) fn failed(&self, e: rusqlite::Error) -> ClearboxError {
        opening(&self.path, e)
    }
}

/// An error while opening or reading `path`, as the user should read it.
fn opening(path: &Path, e: rusqlite::Error) -> ClearboxError {
    let file = display_name(path);
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            ClearboxError::ProjectInUse { file }
        }
        Some(ErrorCode::NotADatabase) => ClearboxError::NotAProject {
            file,
            detail: "it is not a database".into(),
        },
        Some(ErrorCode::CannotOpen) => ClearboxError::NotFound { file },
        Some(ErrorCode::PermissionDenied | ErrorCode::ReadOnly) => {
            ClearboxError::PermissionDenied { file }
        }
        _ => ClearboxError::NotAProject {
            file,
            detail: e.to_string(),
        },
    }
}
