//! # Clearbox
//!
//! A desktop workbench that lets people who are not data scientists put deep
//! learning to work on their own tables. This library holds all the logic;
//! it knows nothing of egui. Two thin fronts sit on top of it: the GUI
//! (`src/ui/`, eframe) and the command line (`src/cli/`, clap), both in the
//! `clearbox` binary.
//!
//! ## Modules
//!
//! - [`data`]: intake. [`data::load()`] reads a CSV (dialect, encoding and header
//!   sniffed in [`data::sniff`], records checked in [`data::csv`], parsed by
//!   polars in chunks) or a Parquet file ([`data::parquet`], polars, by row
//!   group) into a [`data::Table`]: typed columns (numbers, dictionary-encoded
//!   text, date-times) with an inferred [`data::ColumnRole`]
//!   ([`data::infer`]). The user's changes — roles and one-click fixes — are a
//!   [`data::Recipe`] applied to the original table, so they can be undone,
//!   saved and replayed.
//! - [`health`]: the data-health report. [`health::analyse`] profiles each
//!   column once ([`health::stats`]) and runs the families of checks
//!   (missing and disguised missing, shape, dates, personal data, and, with a
//!   target, imbalance and leakage), giving every column a traffic light,
//!   plain sentences and fixes, plus chart data ([`health::summary`]).
//! - [`ml`]: the building blocks of learning — the target and the kind of
//!   problem ([`ml::task`]), the train/validation/test split (stratified at
//!   random, or by time on a date or year column: [`ml::split`]),
//!   preprocessing fitted on training rows only ([`ml::preprocess`]), the burn network ([`ml::model`]; with no hidden
//!   layers it is the simple logistic/linear model), its training loop with
//!   early stopping and cancellation ([`ml::train`]), and metrics
//!   ([`ml::metrics`], and for groupings the adjusted Rand index and the
//!   silhouette in [`ml::cluster_metrics`]).
//! - [`templates`]: the guided analyses. [`templates::prediction`] chooses
//!   inputs from the health report (leaving out identifiers, personal data,
//!   leaking columns), trains the deep and the simple model on the compute
//!   device, scores both on the test rows, saves a model folder (model card in
//!   RON plus burn weights) and scores new tables.
//!   [`templates::segmentation`] finds natural groups of rows: the same
//!   column choice (no target) and the shared preprocessor in its compact
//!   style, each column's block scaled to count equally (labels unrelated to
//!   the rest count less), burn k-means on the compute device (k-means++,
//!   restarts, large tables sampled then refined in batches) for every k from
//!   2 to 10, a choice of k by silhouette and elbow with a sentence saying
//!   why, a stability check (adjusted Rand index between seeds), profiles in
//!   the columns' own units with names from the two strongest traits, a 2-D
//!   map, and a folder (`segments.ron`) that assigns new rows.
//! - [`explain`]: why a Prediction model predicts what it does. Shapley
//!   values per original input column by KernelSHAP ([`explain::shapley`]:
//!   every coalition — exact values — when the budget covers them, else
//!   coalitions drawn from the Shapley kernel in complementary pairs), each
//!   coalition averaged over a background sample of training rows saved with
//!   the model and evaluated in large batched forward passes on the compute
//!   device ([`explain::value`]). On top: drivers with a stability badge from
//!   reruns and permutation importance with an interval
//!   ([`explain::importance`]), what would flip a yes/no decision
//!   ([`explain::counterfactual`]), sentences ([`explain::sentences`]), the
//!   executive panel ([`explain::panel`]), the HTML letter
//!   ([`explain::letter`]), what-if rows ([`explain::what_if`]) and, for
//!   groups, which columns keep a row in its group ([`explain::segment`]).
//! - [`drift`]: is a model still right about today's data?
//!   [`drift::compare`] measures each column of a current table against a
//!   reference table — numbers by PSI on the reference's deciles, the
//!   Kolmogorov–Smirnov statistic and the Wasserstein distance
//!   ([`drift::numeric`]); labels by PSI, the Jensen–Shannon distance and a χ²
//!   test, with new labels and missing shares ([`drift::categorical`]) — and
//!   judges each by size, confirmed by a Holm-corrected test
//!   ([`drift::verdict`]): unchanged, small ("statistically detectable but
//!   small"), moderate or large. With a saved model ([`drift::model`]) it adds
//!   the model's reliance on each column (permutation importance), the drift
//!   of its predictions and its score on the new rows against its test score.
//!   The outcome is one [`drift::DriftVerdict`] (Stable, Watch, Retrain) with
//!   the two or three facts that decided it, plus chart data.
//!   [`drift::periods`] splits one table by a period column and compares each
//!   period with the first.
//! - [`compute`]: picks the device models run on — a wgpu adapter when a real
//!   graphics card is usable, else burn's `flex` CPU backend — and proves it
//!   with a tiny burn computation before announcing it.
//! - [`jobs`]: long work on worker threads with progress, cancellation and
//!   panic capture.
//! - [`project`]: settings remembered between sessions (recent files, recipes
//!   per file), written atomically.
//! - [`samples`]: the sample tables compiled into the binary.
//! - [`error`]: one error enum whose messages are sentences for the user.
//!
//! ## Data flow
//!
//! ```text
//! file / sample ──load──▶ Table (original) ──Recipe::apply──▶ Table (working)
//!                                                   │
//!                                      health::analyse(target?)
//!                                                   ▼
//!                                             HealthReport ──▶ GUI panels / `clearbox profile --json`
//! ```
//!
//! ```text
//! Table + target ──read_target──▶ TargetValues ──SplitPlan──▶ Split
//!        │                                                     │
//!        └──Preprocessor::fit(train rows)──▶ matrices ──fit (burn, device)──▶ deep + simple Network
//!                                                              │
//!                                   test rows ──▶ Scores ──▶ ModelCard (model.ron) + weights (*.bpk)
//! ```
//!
//! ```text
//! Table ──choose_features──▶ columns ──Features::fit (Preprocessor, compact)──▶ scaled matrix
//!                                                             │
//!                    kmeans (burn, device) for k = 2..10 ──▶ KScore (silhouette, spread) ──choose_k──▶ k
//!                                                             │
//!              stability (reruns, ARI) · profiles (traits, names) · PCA map ──▶ SegmentCard (segments.ron)
//! ```
//!
//! ```text
//! reference Table ─┐                       ┌─ numeric / categorical measures (one thread per core)
//! current Table  ──┼─ drift::compare ──────┤─ Holm correction ──▶ band per column
//! SavedModel?    ──┘   (or compare_periods) └─ model: importance, prediction drift, score
//!                                                   ▼
//!                  DriftReport (verdict + reasons + columns + charts) ──▶ Drift page / `clearbox drift --json`
//! ```
//!
//! ```text
//! SavedModel (weights + card + background rows) + Table rows
//!        │
//!        └─ Coalitions::plan ──▶ masks × background rows ──forward (burn, device)──▶ v(S)
//!                                        │
//!                      shapley::solve (constrained least squares) ──▶ RowExplanation (adds up)
//!                                        │
//!          drivers + stability · permutation importance · counterfactual ──▶ panel / letter / `clearbox explain --json`
//! ```
//!
//! The templates read the working table and the health report: identifiers,
//! personal data and leaking columns found there are left out by default.
//!
//! ## Threading
//!
//! The GUI thread only draws and handles commands. Loading, analysing and the
//! device probe each run as a [`jobs::Job`] on their own thread; a job sends
//! progress through a channel, wakes the GUI through a callback (the GUI
//! passes `request_repaint`), checks a cancel flag between chunks, and turns a
//! panic into an error. Cancelling forgets the job at once, so the window
//! never waits; whatever was open before stays open. Graphics drivers are
//! probed on a separate thread with a time limit, so a broken driver cannot
//! hang start-up. Training takes a [`jobs::Progress`] like every long task and
//! checks its cancel flag between batches; it uses its own burn device,
//! separate from the one eframe draws with, so long kernels never stall a
//! frame. The GUI's prediction wizard runs training as a job and receives
//! each pass's losses through a second channel for its live chart; the
//! segmentation wizard runs the search for groups (and a change of k) as a
//! job the same way. A drift
//! comparison is a job too, and so are the explanation page's drivers and
//! each row's explanation (one row job at a time: a dragged what-if slider
//! asks again when the running one ends). Within a drift comparison,
//! columns are measured in parallel with `std::thread::scope`, one worker
//! per core, checking the cancel flag between columns.

pub mod compute;
pub mod data;
pub mod drift;
pub mod error;
pub mod explain;
pub mod health;
pub mod jobs;
pub mod ml;
pub mod project;
pub mod samples;
pub mod templates;

pub use error::{ClearboxError, Result};
