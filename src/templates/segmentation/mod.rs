//! The segmentation template: "show me the kinds of customers I have".
//! Finds natural groups of rows with k-means on the compute device, chooses
//! how many, checks they are repeatable, describes each group in words, and
//! saves the groups so new rows can be assigned to them.
//!
//! Steps: [`features`] (columns → scaled numbers, via the shared
//! preprocessor) → [`kmeans`] for every k in a range → [`choose_k()`] →
//! [`stability`] → [`profile`] and a 2-D [`pca`] map → [`saved`].

pub mod autoencoder;
pub mod choose_k;
pub mod features;
pub mod kmeans;
pub mod membership;
pub mod pca;
pub mod profile;
pub mod saved;
pub mod stability;

use std::sync::Arc;

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::index::sample;

pub use autoencoder::{CompactCode, Representation};
pub use choose_k::{KChoice, KScore, choose_k};
pub use features::{ColumnWeight, Features};
pub use kmeans::{Clustering, KMeansOptions};
pub use pca::Map;
pub use profile::{SegmentId, SegmentProfile, Trait};
pub use saved::{SavedSegments, SegmentCard};
pub use stability::{Stability, StabilityReport};

use std::path::Path;

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use super::Template;
use super::artefact::{Folder, Provenance, Record, TemplateKind};
use super::inputs::{Decisions, InputChoice, Purpose, choose_inputs, used_columns};
use crate::compute::ComputeDevice;
use crate::data::Table;
use crate::error::{ClearboxError, Result};
use crate::jobs::Progress;
use crate::ml::cluster_metrics::silhouette;

/// The numbers of groups tried when the user does not name one.
pub const K_RANGE: std::ops::RangeInclusive<usize> = 2..=10;
/// Example rows kept per group.
pub const EXAMPLES: usize = 5;

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentationRequest {
    /// Columns the user wants left out.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Columns the user wants used even though the health report would leave them out.
    #[serde(default)]
    pub include: Vec<String>,
    /// The column chosen for prediction on the data page, left out unless included.
    #[serde(default)]
    pub predicted: Option<String>,
    /// A number of groups to use instead of the chosen one.
    #[serde(default)]
    pub k: Option<usize>,
    /// Seed: same seed, same data, same device → same groups.
    pub seed: u64,
    /// How rows are represented (the app decides by default).
    #[serde(default)]
    pub representation: Representation,
}

/// The segmentation template: natural groups of rows, described and named.
#[derive(Debug, Clone, Copy)]
pub struct Segmentation;

impl Template for Segmentation {
    const KIND: TemplateKind = TemplateKind::Segmentation;
    type Request = SegmentationRequest;
    type Event = std::convert::Infallible;
    type Outcome = SegmentationOutcome;
    type Saved = SavedSegments;

    fn train(
        table: &Table,
        request: &SegmentationRequest,
        device: &ComputeDevice,
        progress: &Progress,
        _on_event: &dyn Fn(std::convert::Infallible),
    ) -> Result<SegmentationOutcome> {
        train_segmentation(table, request, device, progress)
    }

    fn save(outcome: &SegmentationOutcome, dir: &Path) -> Result<Record> {
        outcome.save(dir)
    }

    fn load(folder: &Folder, _device: &Device) -> Result<SavedSegments> {
        SavedSegments::from_folder(folder)
    }

    fn seed(request: &SegmentationRequest) -> u64 {
        request.seed
    }
}

/// One row of the group comparison chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// What is compared ("grocery", "island: Biscoe").
    pub feature: String,
    /// Per group, how far it sits from the rest, in spreads.
    pub strengths: Vec<f64>,
}

/// A finished segmentation.
#[derive(Debug, Clone)]
pub struct SegmentationOutcome {
    /// Where it came from: data, request, seed, device, version, time.
    pub provenance: Provenance,
    /// What is saved: features, centres, names.
    pub card: SegmentCard,
    /// Which columns were used and why others were not.
    pub inputs: Vec<InputChoice>,
    /// The choice made automatically, and why.
    pub automatic: KChoice,
    /// The group of each row of the table.
    pub assignments: Vec<u32>,
    /// The groups described.
    pub profiles: Vec<SegmentProfile>,
    /// The 2-D map.
    pub map: Map,
    /// The groups side by side on the features that set them apart.
    pub comparison: Vec<Comparison>,
    /// Per group, the rows nearest its centre.
    pub examples: Vec<Vec<usize>>,
    /// Why each group's most typical row is in it rather than the next-nearest group.
    pub memberships: Vec<membership::Membership>,
    /// How the rows were represented, in words.
    pub representation: String,
    /// The rows as grouped (scaled columns, or their compact code), kept so
    /// another k can be shown without starting over.
    pub features_matrix: Arc<Vec<f32>>,
    /// The grouping for every k tried.
    pub tried: Arc<Vec<Clustering>>,
}

/// Finds the groups of `table`.
pub fn train_segmentation(
    table: &Table,
    request: &SegmentationRequest,
    device: &ComputeDevice,
    progress: &Progress,
) -> Result<SegmentationOutcome> {
    progress.report(0.0, "Checking the data");
    let report = crate::health::analyse(table, None, &progress.scaled(0.0, 0.05))?;
    let decisions = Decisions {
        exclude: request.exclude.clone(),
        include: request.include.clone(),
    };
    let purpose = Purpose::Group {
        predicted: request.predicted.as_deref(),
    };
    let inputs = choose_inputs(table, &report, purpose, &decisions);
    let used = used_columns(&inputs);
    if used.is_empty() {
        return Err(ClearboxError::BadRequest(
            "No column is left to find groups with: every column was left out. Include some columns."
                .into(),
        ));
    }
    let top = (*K_RANGE.end()).min(table.rows.saturating_sub(1));
    if table.rows < 3 || top < 2 {
        return Err(ClearboxError::BadRequest(format!(
            "'{}' has {} rows, too few to find groups in. Use a table with at least a dozen rows.",
            table.name, table.rows
        )));
    }
    if let Some(k) = request.k.filter(|&k| k < 2 || k >= table.rows) {
        return Err(ClearboxError::BadRequest(format!(
            "{k} groups cannot be formed from {} rows. Choose between 2 and {}.",
            table.rows,
            table.rows - 1
        )));
    }
    progress.report(0.05, "Scaling the columns");
    let (features, scaled) = Features::fit(table, &used, progress)?;
    let (x, compact) = if request.representation.compresses(features.width()) {
        progress.report(0.06, "Learning a compact representation");
        let code = autoencoder::train_autoencoder(
            &scaled,
            features.width(),
            request.seed,
            &device.device,
            &progress.scaled(0.06, 0.1),
        )?;
        (code.codes(&scaled), Some(code))
    } else {
        (scaled, None)
    };
    let width = compact.as_ref().map_or(features.width(), |c| c.shape.code);
    let representation = match &compact {
        Some(code) => format!(
            "a compact code of {} numbers learned by a small autoencoder from the {} scaled numbers of the chosen columns, because the table is wide",
            code.shape.code,
            features.width()
        ),
        None => format!(
            "the chosen columns, scaled so each counts equally (labels unrelated to the rest count less){}",
            if request.representation == Representation::Auto {
                "; the table is narrow enough to compare rows directly, so no autoencoder was needed"
            } else {
                ""
            }
        ),
    };
    let mut ks: Vec<usize> = (*K_RANGE.start()..=top).collect();
    if let Some(k) = request.k.filter(|k| !ks.contains(k)) {
        ks.push(k);
    }
    let sample_rows = silhouette_rows(table.rows, request.seed);
    let sample_x = kmeans::gather(&x, width, &sample_rows);
    let mut tried = Vec::with_capacity(ks.len());
    let mut scores = Vec::with_capacity(ks.len());
    for (i, &k) in ks.iter().enumerate() {
        let part = progress.scaled(
            0.08 + 0.62 * i as f32 / ks.len() as f32,
            0.62 / ks.len() as f32,
        );
        part.report(0.0, &format!("Trying {k} groups"));
        let found = kmeans::kmeans(
            &x,
            width,
            &KMeansOptions::new(k, request.seed),
            &device.device,
            &part,
        )?;
        let labels: Vec<u32> = sample_rows.iter().map(|&r| found.assignments[r]).collect();
        scores.push(KScore {
            k,
            silhouette: silhouette(&sample_x, width, &labels, k),
            spread: found.inertia,
        });
        tried.push(found);
    }
    let in_range: Vec<KScore> = scores
        .iter()
        .filter(|s| K_RANGE.contains(&s.k))
        .copied()
        .collect();
    let automatic = choose_k(&in_range);
    let chosen = request.k.unwrap_or(automatic.k);
    let mut card = SegmentCard::new(features, scores);
    card.compact = compact;
    let partial = Partial {
        provenance: Provenance::new(
            TemplateKind::Segmentation,
            table,
            &device.label(),
            request.seed,
            request,
        ),
        card,
        representation,
        inputs,
        automatic,
        features_matrix: Arc::new(x),
        tried: Arc::new(tried),
    };
    partial.finish(table, chosen, &device.device, &progress.scaled(0.7, 0.3))
}

/// Everything that does not depend on the chosen k.
struct Partial {
    provenance: Provenance,
    card: SegmentCard,
    representation: String,
    inputs: Vec<InputChoice>,
    automatic: KChoice,
    features_matrix: Arc<Vec<f32>>,
    tried: Arc<Vec<Clustering>>,
}

impl SegmentationOutcome {
    /// The same analysis shown with `k` groups: stability, profiles and views
    /// are redone, the groupings already found are reused.
    pub fn with_k(
        &self,
        table: &Table,
        k: usize,
        device: &burn::tensor::Device,
        progress: &Progress,
    ) -> Result<SegmentationOutcome> {
        let mut tried = (*self.tried).clone();
        if !tried.iter().any(|c| c.k == k) {
            let width = self.card.representation_width();
            let found = kmeans::kmeans(
                &self.features_matrix,
                width,
                &KMeansOptions::new(k, self.provenance.seed),
                device,
                &progress.scaled(0.0, 0.3),
            )?;
            tried.push(found);
        }
        // The groups shown are the user's choice of k: a rerun must find the same.
        let mut provenance = self.provenance.clone();
        if let Some(settings) = provenance.settings.as_object_mut() {
            settings.insert("k".into(), k.into());
        }
        Partial {
            provenance,
            card: self.card.clone(),
            representation: self.representation.clone(),
            inputs: self.inputs.clone(),
            automatic: self.automatic.clone(),
            features_matrix: self.features_matrix.clone(),
            tried: Arc::new(tried),
        }
        .finish(table, k, device, &progress.scaled(0.3, 0.7))
    }

    /// The silhouette of the groups shown, when it was measured.
    pub fn silhouette(&self) -> Option<f64> {
        self.card
            .k_scores
            .iter()
            .find(|score| score.k == self.card.k)
            .map(|score| score.silhouette)
    }

    /// The sentence explaining the number of groups shown.
    pub fn k_sentence(&self) -> String {
        if self.card.k == self.automatic.k {
            self.automatic.sentence.clone()
        } else {
            format!(
                "Showing {} groups, as you chose. {}",
                self.card.k, self.automatic.sentence
            )
        }
    }
}

impl Partial {
    fn finish(
        self,
        table: &Table,
        k: usize,
        device: &burn::tensor::Device,
        progress: &Progress,
    ) -> Result<SegmentationOutcome> {
        let width = self.card.representation_width();
        let x = &self.features_matrix;
        let found = self
            .tried
            .iter()
            .find(|c| c.k == k)
            .cloned()
            .ok_or_else(|| ClearboxError::BadRequest(format!("{k} groups were not tried.")))?;
        let found = largest_first(found, width);
        progress.report(0.0, "Checking the groups are repeatable");
        let stability = stability::measure_stability(
            x,
            width,
            &found,
            &KMeansOptions::new(k, self.provenance.seed),
            device,
            &progress.scaled(0.0, 0.85),
        )?;
        progress.report(0.85, "Describing the groups");
        let used: Vec<String> = self
            .card
            .features
            .weights
            .iter()
            .filter(|w| w.weight >= 0.1)
            .map(|w| w.column.clone())
            .collect();
        let profiles = profile::profile_segments(table, &used, &found.assignments, k);
        let comparison = comparison(table, &profiles, &found.assignments, k);
        let examples = nearest_rows(x, width, &found, EXAMPLES);
        let map = pca::map_2d(x, width);
        let mut card = self.card;
        card.k = k;
        card.centroids = found
            .centroids
            .chunks(width.max(1))
            .map(<[f32]>::to_vec)
            .collect();
        card.names = profiles.iter().map(|p| p.name.clone()).collect();
        card.sizes = profiles.iter().map(|p| p.size).collect();
        card.stability = Some(stability);
        // Why each group's most typical row belongs there, column by column.
        let typical: Vec<usize> = examples
            .iter()
            .filter_map(|rows| rows.first().copied())
            .collect();
        let memberships = membership::why_in_group(&card, table, &found.assignments, &typical)
            .unwrap_or_default();
        progress.report(1.0, "Done");
        Ok(SegmentationOutcome {
            provenance: self.provenance,
            memberships,
            card,
            inputs: self.inputs,
            automatic: self.automatic,
            assignments: found.assignments,
            profiles,
            map,
            comparison,
            examples,
            representation: self.representation,
            features_matrix: self.features_matrix,
            tried: self.tried,
        })
    }
}

/// The rows the silhouette is measured on: all of a small table, else a seeded sample.
fn silhouette_rows(rows: usize, seed: u64) -> Vec<usize> {
    if rows <= choose_k::SILHOUETTE_ROWS {
        return (0..rows).collect();
    }
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5EED);
    let mut picked = sample(&mut rng, rows, choose_k::SILHOUETTE_ROWS).into_vec();
    picked.sort_unstable();
    picked
}

/// Renumbers groups from largest to smallest, so group 1 is the biggest
/// whatever order k-means found them in.
fn largest_first(found: Clustering, width: usize) -> Clustering {
    let k = found.k;
    let mut sizes = vec![0usize; k];
    for &a in &found.assignments {
        sizes[a as usize] += 1;
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| sizes[b].cmp(&sizes[a]).then(a.cmp(&b)));
    let mut new_id = vec![0u32; k];
    for (new, &old) in order.iter().enumerate() {
        new_id[old] = new as u32;
    }
    let centroids = order
        .iter()
        .flat_map(|&old| found.centroids[old * width..(old + 1) * width].to_vec())
        .collect();
    Clustering {
        k,
        centroids,
        assignments: found
            .assignments
            .iter()
            .map(|&a| new_id[a as usize])
            .collect(),
        inertia: found.inertia,
    }
}

/// Per group, the `count` rows nearest its centre: typical examples.
fn nearest_rows(x: &[f32], width: usize, found: &Clustering, count: usize) -> Vec<Vec<usize>> {
    let mut best: Vec<Vec<(f32, usize)>> = vec![Vec::new(); found.k];
    for (row, &g) in found.assignments.iter().enumerate() {
        let centre = &found.centroids[g as usize * width..(g as usize + 1) * width];
        let d: f32 = x[row * width..(row + 1) * width]
            .iter()
            .zip(centre)
            .map(|(a, b)| (a - b) * (a - b))
            .sum();
        let list = &mut best[g as usize];
        if list.len() < count || list.last().is_some_and(|l| d < l.0) {
            list.push((d, row));
            list.sort_by(|a, b| a.0.total_cmp(&b.0));
            list.truncate(count);
        }
    }
    best.into_iter()
        .map(|l| l.into_iter().map(|(_, r)| r).collect())
        .collect()
}

/// The comparison chart: the traits that name the groups, for every group.
fn comparison(
    table: &Table,
    profiles: &[SegmentProfile],
    assignments: &[u32],
    k: usize,
) -> Vec<Comparison> {
    let mut keys: Vec<(String, Option<String>)> = Vec::new();
    for p in profiles {
        for t in p.traits.iter().take(2) {
            let key = (t.column.clone(), t.label.clone());
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys.truncate(8);
    keys.into_iter()
        .map(|(column, label)| Comparison {
            feature: match &label {
                Some(l) => format!("{column}: {l}"),
                None => column.clone(),
            },
            strengths: profile::strengths_on(table, &column, label.as_deref(), assignments, k),
        })
        .collect()
}

#[cfg(test)]
mod tests;
