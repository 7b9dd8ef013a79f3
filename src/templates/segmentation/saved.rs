//! Saved groups are a folder holding `segments.ron`: how columns become
//! numbers, the group centres, names and sizes, the scores and the data's
//! fingerprint. (A prediction model's folder holds `model.ron` instead; the
//! file name tells the two apart.) New rows join the group with the nearest
//! centre.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::SegmentationOutcome;
use super::autoencoder::CompactCode;
use super::choose_k::KScore;
use super::features::Features;
use super::kmeans::{DeviceRows, assign};
use super::stability::StabilityReport;
use crate::data::Table;
use crate::data::export::ExtraColumn;
use crate::error::{ClearboxError, Result, display_name};
use crate::project::write_atomically;

/// The card's file name in a saved-groups folder.
pub const CARD: &str = "segments.ron";

/// Everything about a segmentation needed to explain it and assign new rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentCard {
    /// Always "segmentation": says what kind of folder this is.
    pub template: String,
    /// Clearbox version that made it.
    pub clearbox_version: String,
    /// When.
    pub created: String,
    /// The table it was found on.
    pub data_name: String,
    /// Hash of that table's file.
    pub data_fingerprint: String,
    /// Where it ran.
    pub device: String,
    /// The seed used.
    pub seed: u64,
    /// Number of groups.
    pub k: usize,
    /// How columns become numbers.
    pub features: Features,
    /// For wide tables: the autoencoder's encoder, applied after `features`.
    #[serde(default)]
    pub compact: Option<CompactCode>,
    /// Group centres, one per group, in the scaled numbers.
    pub centroids: Vec<Vec<f32>>,
    /// Group names (editable).
    pub names: Vec<String>,
    /// Rows per group in the table it was found on.
    pub sizes: Vec<usize>,
    /// Score of every k tried.
    pub k_scores: Vec<KScore>,
    /// How repeatable the groups were.
    pub stability: Option<StabilityReport>,
}

impl SegmentCard {
    /// A card before the number of groups is settled.
    pub fn new(
        table: &Table,
        device: &str,
        seed: u64,
        features: Features,
        k_scores: Vec<KScore>,
    ) -> Self {
        Self {
            template: "segmentation".into(),
            clearbox_version: env!("CARGO_PKG_VERSION").to_owned(),
            created: chrono::Utc::now()
                .format("%Y-%m-%d %H:%M:%S UTC")
                .to_string(),
            data_name: table.name.clone(),
            data_fingerprint: table.fingerprint.clone(),
            device: device.to_owned(),
            seed,
            k: 0,
            features,
            compact: None,
            centroids: Vec::new(),
            names: Vec::new(),
            sizes: Vec::new(),
            k_scores,
            stability: None,
        }
    }
}

impl SegmentCard {
    /// Numbers per row as grouped: the code's width, or the scaled columns'.
    pub fn representation_width(&self) -> usize {
        self.compact
            .as_ref()
            .map_or(self.features.width(), |c| c.shape.code)
    }

    /// The rows of `table` as grouped.
    pub fn represent(&self, table: &Table, rows: &[usize]) -> Result<Vec<f32>> {
        let x = self.features.transform(table, rows)?;
        Ok(match &self.compact {
            Some(code) => code.codes(&x),
            None => x,
        })
    }
}

impl SegmentationOutcome {
    /// Saves the groups in the folder `dir` (created if needed), with the
    /// current (possibly edited) group names.
    pub fn save(&self, dir: &Path) -> Result<()> {
        let failed = |detail: String| ClearboxError::SaveFailed {
            path: dir.display().to_string(),
            detail,
        };
        std::fs::create_dir_all(dir).map_err(|e| failed(e.to_string()))?;
        let mut card = self.card.clone();
        card.names = self.profiles.iter().map(|p| p.name.clone()).collect();
        let text = ron::ser::to_string_pretty(&card, ron::ser::PrettyConfig::default())
            .map_err(|e| failed(e.to_string()))?;
        write_atomically(&dir.join(CARD), text.as_bytes())
    }

    /// The table's own columns plus `segment` (the group number, from 1) and
    /// `segment_name`.
    pub fn segment_columns(&self) -> Vec<ExtraColumn> {
        let names: Vec<String> = self.profiles.iter().map(|p| p.name.clone()).collect();
        segment_columns(&self.assignments, &names)
    }
}

/// Saved groups, loaded from their folder.
#[derive(Debug, Clone)]
pub struct SavedSegments {
    /// The card.
    pub card: SegmentCard,
}

impl SavedSegments {
    /// Whether `dir` holds saved groups (rather than a prediction model).
    pub fn is_segments_folder(dir: &Path) -> bool {
        dir.join(CARD).is_file()
    }

    /// Loads the folder `dir`.
    pub fn load(dir: &Path) -> Result<Self> {
        let unreadable = || {
            ClearboxError::BadRequest(format!(
                "'{}' holds a {CARD} that could not be read. The folder may be damaged; find the groups again.",
                display_name(dir)
            ))
        };
        let text = std::fs::read_to_string(dir.join(CARD)).map_err(|_| unreadable())?;
        let card: SegmentCard = ron::from_str(&text).map_err(|_| unreadable())?;
        if card.template != "segmentation"
            || card.centroids.len() != card.k
            || card
                .centroids
                .iter()
                .any(|c| c.len() != card.representation_width())
        {
            return Err(unreadable());
        }
        Ok(Self { card })
    }
}

/// The group of every row of `table` (0-based): the nearest saved centre.
pub fn assign_table(
    saved: &SavedSegments,
    table: &Table,
    device: &burn::tensor::Device,
) -> Result<Vec<u32>> {
    let card = &saved.card;
    let rows: Vec<usize> = (0..table.rows).collect();
    let x = card.represent(table, &rows)?;
    let width = card.representation_width();
    let centroids: Vec<f32> = card.centroids.iter().flatten().copied().collect();
    let on_device = DeviceRows::upload(&x, width, device);
    Ok(assign(&on_device, &centroids, card.k, device)?.0)
}

/// `segment` (1-based group number) and `segment_name` columns for export.
pub fn segment_columns(assignments: &[u32], names: &[String]) -> Vec<ExtraColumn> {
    vec![
        ExtraColumn::Whole(
            "segment".into(),
            assignments.iter().map(|&a| i64::from(a) + 1).collect(),
        ),
        ExtraColumn::Text(
            "segment_name".into(),
            assignments
                .iter()
                .map(|&a| names.get(a as usize).cloned().unwrap_or_default())
                .collect(),
        ),
    ]
}
