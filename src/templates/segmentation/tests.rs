//! The template end to end on real tables: the hidden label is recovered
//! at least as well as scikit-learn's k-means with the true k (minus 0.02),
//! with k chosen automatically and the default columns.

use std::path::{Path, PathBuf};

use super::*;
use crate::compute::{DevicePreference, select_device};
use crate::data::{DataSource, load};
use crate::ml::cluster_metrics::adjusted_rand_index;

fn request(exclude: &str) -> SegmentationRequest {
    SegmentationRequest {
        exclude: vec![exclude.to_owned()],
        include: Vec::new(),
        predicted: None,
        k: None,
        seed: 42,
        representation: Representation::Auto,
    }
}

/// The ARI between the groups found and the hidden `label` column.
fn recovered(table: &Table, label: &str) -> (SegmentationOutcome, f64) {
    let device = select_device(DevicePreference::Cpu).expect("cpu");
    let outcome =
        train_segmentation(table, &request(label), &device, &Progress::silent()).expect("groups");
    let column = table.column(label).expect("label column");
    let mut levels: Vec<String> = Vec::new();
    let truth: Vec<u32> = (0..table.rows)
        .map(|r| {
            let l = column.values.display(r).into_owned();
            match levels.iter().position(|x| *x == l) {
                Some(i) => i as u32,
                None => {
                    levels.push(l);
                    (levels.len() - 1) as u32
                }
            }
        })
        .collect();
    let ari = adjusted_rand_index(&outcome.assignments, &truth);
    (outcome, ari)
}

fn shared(name: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/datasets/segmentation")
        .join(name);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!("skipped: {} is not there", path.display());
        None
    }
}

#[test]
fn penguins_species_are_recovered() {
    let table = load(
        &DataSource::Sample(crate::samples::find("penguins").expect("sample")),
        &Progress::silent(),
    )
    .expect("loads");
    let (outcome, ari) = recovered(&table, "species");
    assert_eq!(outcome.card.k, 3, "{}", outcome.k_sentence());
    // scikit-learn, k = 3 on scaled measurements: 0.79.
    assert!(ari >= 0.77, "ARI {ari}");
    assert_eq!(outcome.profiles.len(), 3);
    assert!(
        outcome
            .profiles
            .iter()
            .all(|p| !p.name.is_empty() && !p.traits.is_empty())
    );
    assert_eq!(
        outcome.profiles.iter().map(|p| p.size).sum::<usize>(),
        table.rows
    );
    // The species column is left out, by the user.
    assert!(
        outcome
            .inputs
            .iter()
            .any(|c| c.column == "species" && !c.is_used())
    );
}

#[test]
fn wine_cultivars_are_recovered() {
    let Some(path) = shared("wine.csv") else {
        return;
    };
    let table = load(&DataSource::File(path), &Progress::silent()).expect("loads");
    let (outcome, ari) = recovered(&table, "target");
    assert_eq!(outcome.card.k, 3, "{}", outcome.k_sentence());
    // scikit-learn, k = 3: 0.90.
    assert!(ari >= 0.88, "ARI {ari}");
}

#[test]
fn same_seed_same_groups_and_another_k_on_request() {
    let table = load(
        &DataSource::Sample(crate::samples::find("penguins").expect("sample")),
        &Progress::silent(),
    )
    .expect("loads");
    let device = select_device(DevicePreference::Cpu).expect("cpu");
    let run = || {
        train_segmentation(&table, &request("species"), &device, &Progress::silent())
            .expect("groups")
    };
    let (a, b) = (run(), run());
    assert_eq!(a.assignments, b.assignments);
    assert_eq!(a.card.centroids, b.card.centroids);
    let four = a
        .with_k(&table, 4, &device.device, &Progress::silent())
        .expect("4 groups");
    assert_eq!((four.card.k, four.profiles.len()), (4, 4));
    assert!(
        four.k_sentence()
            .starts_with("Showing 4 groups, as you chose.")
    );
    assert!(four.assignments.iter().all(|&g| g < 4));
}

#[test]
fn wide_tables_are_compressed_first_and_new_rows_get_the_same_groups() {
    let table = load(
        &DataSource::Sample(crate::samples::find("german_credit").expect("sample")),
        &Progress::silent(),
    )
    .expect("loads");
    let device = select_device(DevicePreference::Cpu).expect("cpu");
    let outcome = train_segmentation(
        &table,
        &request("credit_risk"),
        &device,
        &Progress::silent(),
    )
    .expect("groups");
    let code = outcome
        .card
        .compact
        .as_ref()
        .expect("an autoencoder for a wide table");
    assert!(outcome.card.features.width() > autoencoder::WIDE);
    assert_eq!(outcome.card.representation_width(), code.shape.code);
    assert!(
        outcome.representation.contains("autoencoder"),
        "{}",
        outcome.representation
    );
    // Saved and loaded, the groups put the same rows in the same groups.
    let dir = tempfile::tempdir().expect("temp dir");
    outcome.save(dir.path()).expect("saves");
    let saved = crate::templates::open_as::<super::Segmentation>(dir.path(), &device.device)
        .expect("loads");
    let all: Vec<usize> = (0..table.rows).collect();
    let again = saved.assign(&table, &all, &device.device).expect("assigns");
    assert_eq!(again, outcome.assignments);
    assert_eq!(
        saved.card.names,
        outcome
            .profiles
            .iter()
            .map(|p| p.name.clone())
            .collect::<Vec<_>>()
    );
}
