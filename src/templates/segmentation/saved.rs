//! Saved groups are an artefact folder ([`crate::templates::artefact`])
//! whose card (`card.ron`) holds how columns become numbers, the group
//! centres, names and sizes, and the scores of every number of groups
//! tried. New rows join the group with the nearest centre.

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use super::SegmentationOutcome;
use super::autoencoder::CompactCode;
use super::choose_k::KScore;
use super::features::Features;
use super::kmeans::{DeviceRows, assign};
use super::membership::{Membership, why_in_group};
use super::stability::StabilityReport;
use crate::data::Table;
use crate::error::Result;
use crate::templates::artefact::{CARD, Folder, FolderWriter, Provenance, Record};
use crate::templates::{Artefact, Grouping, Output};

/// Everything about a segmentation needed to explain it and assign new rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentCard {
    /// Number of groups.
    pub k: usize,
    /// How columns become numbers.
    pub features: Features,
    /// For wide tables: the autoencoder's encoder, applied after `features`.
    pub compact: Option<CompactCode>,
    /// Group centres, one per group, in the numbers rows are grouped on.
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
    pub fn new(features: Features, k_scores: Vec<KScore>) -> Self {
        Self {
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

    /// The columns the groups are found with.
    pub fn columns(&self) -> Vec<String> {
        self.features
            .preprocessor
            .encoders
            .iter()
            .map(|e| e.column().to_owned())
            .collect()
    }

    /// `Err` holds the end of a sentence saying what disagrees.
    fn check(&self) -> std::result::Result<(), String> {
        let retrain = ". Find the groups again";
        let k = self.k;
        if k < 2 {
            return Err(format!("its card holds {k} groups{retrain}"));
        }
        if self.centroids.len() != k || self.names.len() != k || self.sizes.len() != k {
            return Err(format!(
                "its card says {k} groups but holds {} centres, {} names and {} sizes{retrain}",
                self.centroids.len(),
                self.names.len(),
                self.sizes.len()
            ));
        }
        let width = self.features.width();
        let encoders = self.features.preprocessor.encoders.len();
        if width == 0
            || self.features.weights.len() != encoders
            || self.features.shift.len() != width
            || self.features.scale.len() != width
        {
            return Err(format!(
                "its card's column scaling does not match its {encoders} columns{retrain}"
            ));
        }
        if let Some(code) = &self.compact {
            let s = code.shape;
            if s.inputs != width
                || code.w1.len() != s.inputs * s.hidden
                || code.b1.len() != s.hidden
                || code.w2.len() != s.hidden * s.code
                || code.b2.len() != s.code
            {
                return Err(format!(
                    "its compact code does not fit its {width} scaled numbers{retrain}"
                ));
            }
        }
        let grouped = self.representation_width();
        if self.centroids.iter().any(|c| c.len() != grouped) {
            return Err(format!(
                "its group centres are not all {grouped} numbers wide{retrain}"
            ));
        }
        Ok(())
    }
}

impl SegmentationOutcome {
    /// Saves the groups in the folder `dir` (created if needed), with the
    /// current (possibly edited) group names.
    pub fn save(&self, dir: &std::path::Path) -> Result<Record> {
        let mut card = self.card.clone();
        card.names = self.profiles.iter().map(|p| p.name.clone()).collect();
        let mut writer = FolderWriter::create(dir)?;
        writer.ron(CARD, &card)?;
        writer.finish(&self.provenance)
    }

    /// The table's own rows' groups as output: `segment` and `segment_name`.
    pub fn output(&self) -> Output {
        Output::Groups {
            names: self.profiles.iter().map(|p| p.name.clone()).collect(),
            groups: self.assignments.clone(),
        }
    }
}

/// Saved groups, loaded from their folder and checked.
#[derive(Debug, Clone)]
pub struct SavedSegments {
    /// Where they came from.
    pub provenance: Provenance,
    /// The card.
    pub card: SegmentCard,
    /// The columns they read, in order.
    columns: Vec<String>,
}

impl SavedSegments {
    /// Reads an opened segmentation folder, checking that its card agrees with itself.
    pub fn from_folder(folder: &Folder) -> Result<Self> {
        let card: SegmentCard = folder.ron(CARD)?;
        card.check().map_err(|problem| folder.damaged(problem))?;
        Ok(Self {
            provenance: folder.record.provenance.clone(),
            columns: card.columns(),
            card,
        })
    }

    /// The group of every row of `rows` (0-based): the nearest saved centre.
    pub fn assign(&self, table: &Table, rows: &[usize], device: &Device) -> Result<Vec<u32>> {
        let card = &self.card;
        let x = card.represent(table, rows)?;
        let width = card.representation_width();
        let centroids: Vec<f32> = card.centroids.iter().flatten().copied().collect();
        let on_device = DeviceRows::upload(&x, width, device);
        Ok(assign(&on_device, &centroids, card.k, device)?.0)
    }
}

impl Artefact for SavedSegments {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }

    fn inputs(&self) -> &[String] {
        &self.columns
    }

    fn check(&self, table: &Table) -> Result<()> {
        self.card.features.preprocessor.check(table)
    }

    fn unread(&self, table: &Table, rows: &[usize]) -> Vec<crate::ml::unread::Unread> {
        self.card.features.preprocessor.unread(table, rows)
    }

    fn score(&self, table: &Table, rows: &[usize], device: &Device) -> Result<Output> {
        Ok(Output::Groups {
            names: self.card.names.clone(),
            groups: self.assign(table, rows, device)?,
        })
    }

    fn grouping(&self) -> Option<&dyn Grouping> {
        Some(self)
    }
}

impl Grouping for SavedSegments {
    fn names(&self) -> &[String] {
        &self.card.names
    }

    fn memberships(
        &self,
        table: &Table,
        rows: &[usize],
        device: &Device,
    ) -> Result<Vec<Membership>> {
        let all: Vec<usize> = (0..table.rows).collect();
        let assignments = self.assign(table, &all, device)?;
        why_in_group(&self.card, table, &assignments, rows)
    }
}
