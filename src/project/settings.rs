//! Recent files and per-file recipes, kept in one RON file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::data::Recipe;
use crate::error::Result;
use crate::files::write_atomically;

/// How many recent files the home screen lists.
const RECENT_LIMIT: usize = 8;

/// A file opened before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentFile {
    /// Where it is.
    pub path: PathBuf,
    /// Rows and columns when last opened, for the home screen ("48,842 rows × 16 columns").
    pub shape: (usize, usize),
}

/// Everything remembered between sessions.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Settings {
    /// Most recent first.
    pub recent: Vec<RecentFile>,
    /// The user's changes per file, keyed by the file's path (or `sample:<id>`).
    pub recipes: BTreeMap<String, Recipe>,
    /// Project files opened before, most recent first.
    #[serde(default)]
    pub recent_projects: Vec<PathBuf>,
    /// How the window looks.
    #[serde(default)]
    pub look: Look,
}

/// How the window looks, kept between sessions so a shared workshop laptop
/// keeps the large text or the dark theme it was set to.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Look {
    /// The colours.
    pub theme: ThemeChoice,
    /// Text size, 1 being the usual (0.6 to 3).
    pub text_scale: f32,
}

impl Default for Look {
    fn default() -> Self {
        Self {
            theme: ThemeChoice::System,
            text_scale: 1.0,
        }
    }
}

/// The theme chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeChoice {
    /// Dark text on light.
    Light,
    /// Light text on dark.
    Dark,
    /// As the system says, light where it cannot tell.
    System,
}

/// Where settings live: `settings.ron` in [`crate::files::config_folder`].
pub fn default_path() -> Option<PathBuf> {
    crate::files::config_folder().map(|folder| folder.join("settings.ron"))
}

impl Settings {
    /// Reads settings from `path`. A missing or damaged file gives defaults:
    /// losing the list of recent files must never stop the app from starting.
    pub fn load(path: &Path) -> Self {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| ron::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Writes settings to `path` atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        let text =
            ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default()).map_err(|e| {
                crate::error::ClearboxError::SaveFailed {
                    path: path.display().to_string(),
                    detail: e.to_string(),
                }
            })?;
        write_atomically(path, text.as_bytes())
    }

    /// Puts the project at `path` at the top of the recent projects.
    pub fn remember_project(&mut self, path: &Path) {
        self.recent_projects.retain(|p| p != path);
        self.recent_projects.insert(0, path.to_path_buf());
        self.recent_projects.truncate(RECENT_LIMIT);
    }

    /// Puts `file` at the top of the recent list.
    pub fn remember(&mut self, file: RecentFile) {
        self.recent.retain(|r| r.path != file.path);
        self.recent.insert(0, file);
        self.recent.truncate(RECENT_LIMIT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Fix;

    #[test]
    fn settings_round_trip_and_survive_damage() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("settings.ron");
        let mut settings = Settings::default();
        for i in 0..10 {
            settings.remember(RecentFile {
                path: format!("/d/{i}.csv").into(),
                shape: (i, 2),
            });
        }
        settings.remember(RecentFile {
            path: "/d/3.csv".into(),
            shape: (3, 2),
        });
        assert_eq!(settings.recent.len(), RECENT_LIMIT);
        assert_eq!(settings.recent[0].path, PathBuf::from("/d/3.csv"));
        let mut recipe = Recipe::default();
        recipe.add_fix(Fix::ExcludeColumn {
            column: "id".into(),
        });
        settings.recipes.insert("/d/3.csv".into(), recipe);
        settings.save(&path).expect("saves");
        assert_eq!(Settings::load(&path), settings);
        std::fs::write(&path, "not ron at all (").expect("writes");
        assert_eq!(Settings::load(&path), Settings::default());
    }
}
