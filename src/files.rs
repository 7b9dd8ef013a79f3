//! Writing files so that a crash or a full disk never leaves half a file.
//! Every file Clearbox writes (settings, recipes, model folders, exports,
//! letters) goes through [`write_atomically`].

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{ClearboxError, Result};

/// Writes `bytes` to `path` through a temporary file in the same folder that
/// is flushed to disk and then renamed over the target: readers see the old
/// file or the new one, never a mix.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let failed = |e: std::io::Error| ClearboxError::SaveFailed {
        path: path.display().to_string(),
        detail: e.to_string(),
    };
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder).map_err(failed)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let temp = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map_err(failed)
}

/// The folder Clearbox keeps its own files in (settings, the log): the
/// platform's per-user configuration folder (`$XDG_CONFIG_HOME/clearbox`,
/// `~/Library/Application Support/Clearbox`, `%APPDATA%\\Clearbox`). `None`
/// when no home folder is known.
pub fn config_folder() -> Option<PathBuf> {
    let env = |key: &str| {
        std::env::var_os(key)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if cfg!(target_os = "windows") {
        Some(env("APPDATA")?.join("Clearbox"))
    } else if cfg!(target_os = "macos") {
        Some(env("HOME")?.join("Library/Application Support/Clearbox"))
    } else {
        Some(
            env("XDG_CONFIG_HOME")
                .or_else(|| env("HOME").map(|h| h.join(".config")))?
                .join("clearbox"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("nested").join("settings.ron");
        write_atomically(&path, b"first version, rather long").expect("writes");
        write_atomically(&path, b"second").expect("writes again");
        assert_eq!(std::fs::read(&path).expect("reads"), b"second");
        let leftovers = std::fs::read_dir(path.parent().expect("parent"))
            .expect("lists")
            .count();
        assert_eq!(leftovers, 1);
    }
}
