//! # Clearbox
//!
//! A desktop workbench that lets people who are not data scientists put deep
//! learning to work on their own tables. This library holds all the logic;
//! it knows nothing of egui. Two thin fronts sit on top of it: the GUI
//! (`src/ui/`, eframe) and the command line (`src/cli/`, clap), both in the
//! `clearbox` binary.
//!
//! ## Modules, as a one-way stack
//!
//! Each layer uses only the layers above it in this list; nothing refers
//! back up (no cycles).
//!
//! 1. Foundations: [`error`] (one error enum whose messages are sentences
//!    for the user), [`words`] (numbers, shares, durations and moments
//!    written the way people read them — every sentence builds its figures
//!    with these), [`files`] (every write is atomic), [`jobs`] (background
//!    work with progress, cancellation and panic capture), [`log`] (details
//!    kept out of the terminal), [`samples`] (the tables compiled into the
//!    binary) and [`compute`] (a wgpu adapter when a real graphics card is
//!    usable, else burn's `flex` CPU backend, proven with a tiny computation
//!    before it is announced; the `gpu-cache` Cargo feature adds Vulkan
//!    SPIR-V and keeps compiled kernels on disk, and `fusion` is a default
//!    feature, both for the graphics-card start-up benchmark's variants).
//! 2. [`data`]: intake. [`data::load()`] reads a CSV (dialect, encoding and
//!    header sniffed in [`data::sniff`], records checked in `data/records.rs`,
//!    parsed by polars in chunks) or a Parquet file ([`data::parquet`], by row
//!    group) into a [`data::Table`]: typed columns with an inferred
//!    [`data::ColumnRole`] ([`data::infer`]; amounts written with currency
//!    or per cent signs and thousands separators read as numbers, with a
//!    note: [`data::written`]) and descriptive statistics
//!    ([`data::profile`]). The user's changes — roles and one-click fixes —
//!    are a [`data::Recipe`] applied to the original table, so they can be
//!    undone, saved and replayed (`clearbox profile --recipe`, `clearbox
//!    train --recipe`; a project records the original table and the recipe).
//!    One fix reshapes the table: a log whose key repeats (a customer's
//!    purchases) becomes one row per key ([`data::summary`]: rows, days
//!    since the last and the first date, totals and averages, shares of
//!    yes, most common labels; `--per COLUMN` on the command line). The
//!    table then says so (`Table::summarised`), every model trained on it
//!    records it in its provenance, and scoring, drift and the Data page's
//!    newer files sum new rows up the same way before reading them.
//! 3. [`ml`]: the building blocks of learning — the target and the kind of
//!    problem ([`ml::task`]), the train/validation/test split (stratified at
//!    random, or by time: [`ml::split`]), preprocessing fitted on training
//!    rows only ([`ml::preprocess`]), the burn network ([`ml::model`]), its
//!    training loop with early stopping (a long pass checked part-way, as
//!    the reinforcement template's networks on long logs are) and
//!    cancellation ([`ml::train`]) and
//!    its step size ([`ml::schedule`]: halving when progress stalls, or, for
//!    the prediction template's deep model on 4 000 training rows or more,
//!    held large and then glided to zero once the validation loss stalls), the
//!    simple model — a logistic or linear regression on the plain inputs,
//!    L2 penalty chosen on validation rows, fitted to convergence (Newton's
//!    method for one output and few inputs, else L-BFGS) and held in a
//!    network with no hidden layers ([`ml::glm`]) —,
//!    gradient-boosted trees on the same plain inputs ([`ml::trees`],
//!    forust-ml), and
//!    metrics ([`ml::metrics`], [`ml::cluster_metrics`]) and whether a
//!    figure beats guessing by more than luck ([`ml::skill`]).
//! 4. [`health`]: the data-health report. [`health::analyse`] runs the
//!    families of checks (missing and disguised missing, shape, dates,
//!    personal data, and, with a target, imbalance and leakage), giving every
//!    column a traffic light, plain sentences and fixes, plus chart data.
//! 5. [`templates`]: the guided analyses, all of one shape (below):
//!    [`templates::prediction`] learns a column with a deep model, a
//!    simple model and gradient-boosted trees, and keeps the deep model
//!    unless the simple one scores better or the trees clearly better on
//!    the validation rows (on the rotations' figures when cross-validated;
//!    its [`templates::prediction::Scorer`] is a network or the trees),
//!    and warns wherever its figures appear when the kept model does no
//!    better than guessing; [`templates::segmentation`] finds natural groups of rows with
//!    k-means, chooses how many, checks they are repeatable and names them;
//!    [`templates::reinforcement`] learns from a log of decisions (context,
//!    action, reward, and the old system's chances, logged or estimated;
//!    contexts encoded with fewer pieces per number than for prediction:
//!    [`ml::preprocess::EncoderStyle::Rewards`]) which action to take where, and estimates on held-out decisions what
//!    it would have earned (doubly robust, with a self-normalised
//!    cross-check and bootstrap intervals) against what was done, every
//!    action equally and the best single action; its simulated shop lets a
//!    workshop compare the estimates with the truth.
//! 6. [`explain`] and [`drift`], which take any artefact that offers what
//!    they need: Shapley attributions, drivers with stability, permutation
//!    importance, decision changes, sentences, the executive panel and the
//!    letter for any [`templates::Explainable`] model (a plain network
//!    also hands over its first layer, so a masked row's first layer is
//!    built from per-column parts instead of run on every masked row:
//!    [`explain::value`], and on the processor masked rows that come out
//!    the same are run once: [`explain::distinct`]; a tree model hands over
//!    its trees, so each coalition looks up the leaves it reaches:
//!    [`explain::trees`]); column drift (PSI,
//!    KS, Wasserstein; PSI, Jensen–Shannon, χ²; Holm-corrected) and, for any
//!    [`templates::Artefact`], its reliance on each column, the drift of its
//!    answers and its score on new rows, with a Stable / Watch / Retrain
//!    [`drift::DriftVerdict`]; champion and challenger for prediction models.
//! 7. [`project`]: what Clearbox keeps — recent files and each file's
//!    recipe between sessions, and the project file (below): every run
//!    recorded with its data, settings, figures and artefact, an audit
//!    trail, and reruns that check a result repeats.
//! 8. [`bench`](mod@bench): speed figures for `clearbox bench`, with the synthetic
//!    tables they run on. No other module uses it.
//! 9. Teaching, beside the stack and used only by the fronts:
//!    [`glossary`] (every technical term the app shows, from
//!    `assets/glossary.ron`: meaning, everyday comparison, why it matters;
//!    `find_in` names the terms a piece of text uses, so the GUI can put
//!    their entries on its hover) and [`lessons`] (workshop lessons as RON
//!    files: data to open and steps whose [`lessons::Check`]s are evaluated
//!    on [`lessons::Facts`], a plain summary the GUI reads off its state each
//!    frame; files are checked with errors naming their line, eleven ship in
//!    `assets/lessons/`; [`lessons::breaks`] sets up "break the model"
//!    challenges: a sample with a leak, swapped answers, a drifted batch or
//!    blanked values, seeded so every laptop gets the same table).
//!
//! ## The template abstraction
//!
//! A template implements [`templates::Template`]: a `Request` (plain data,
//! serialisable: kept in the artefact's provenance so a run can be
//! repeated), `train` (a job: progress, cancellation, live `Event`s for
//! charts), an `Outcome` in memory (what the results page shows), `save`
//! and `load`. Everything a template saves is an artefact folder
//! ([`templates::artefact`]):
//!
//! ```text
//! NAME/
//!   artefact.json   layout format, provenance (template kind, Clearbox version,
//!                   created, data name + fingerprint + rows (+ the key its rows
//!                   were summed up per, when they were), device, seed, the
//!                   request), and every other file with its size and blake3 hash
//!   card.ron        the template's card: what it needs to score and explain
//!   *.bpk, *.bin    weights and arrays (prediction: deep.bpk, simple.bpk,
//!                   trees.json (forust-ml's JSON, when trees were fitted),
//!                   background.bin, and test.bin with inputs.ron: the test
//!                   rows' predictions and the input choices, so a project
//!                   reopens the results page exactly; a policy: reward_0.bpk…
//!                   for its reward networks, chances_a.bpk and chances_b.bpk
//!                   for the old system's chances, background.bin;
//!                   segmentation keeps everything in its card)
//! ```
//!
//! [`templates::Folder::open`] refuses, with one sentence naming the folder,
//! a missing path, a file, an empty folder, an earlier layout, a damaged or
//! foreign record, and any listed file that is missing, cut short or not the
//! one saved; the template's `load` then checks that its card agrees with
//! itself (classes against outputs, task against scale, widths against
//! encoders, centres against k) and with its weights. A loaded artefact is a
//! [`templates::Artefact`]: it lists its inputs, checks a table, and scores
//! rows into one [`templates::Output`] shape (classes with probabilities,
//! amounts, groups, or recommended actions with every action's expected
//! reward), which the command line writes as columns and drift compares,
//! and says what in a new file it cannot read as it was trained to
//! ([`ml::unread`]: text in a number column, many empty numbers or unknown
//! labels), which `clearbox predict` prints as notes. Capabilities it may offer: a network to explain
//! ([`templates::Explainable`]), groups whose membership can be explained
//! ([`templates::Grouping`]), a known outcome with its test score
//! ([`templates::KnownOutcome`]). [`templates::open`] is the one place a
//! folder's kind becomes a template.
//!
//! ### Adding a template
//!
//! 1. `src/templates/NAME/`: the request, `train`, the card with its checks,
//!    `impl Template` and `impl Artefact` (with the capabilities it offers).
//! 2. [`templates::TemplateKind`]: a variant, its name and its artefact's
//!    noun; [`templates::open`]: one arm. [`templates::Output`] gets a
//!    variant only if its answers are of a new shape.
//! 3. `src/cli/NAME.rs` and the `--template` value in `src/cli/train.rs`,
//!    with the options only it reads refused for the others.
//! 4. `src/ui/`: its wizard's state in `state.rs`, its command enum in
//!    `commands.rs`, a `Runner` in `NAME_flow.rs`, its pages, and one arm
//!    each in `app.rs`'s dispatch and page match.
//!
//! 5. [`project::Accountable`] in `src/project/account.rs` (its figures,
//!    headline and account in words for the run history and the report),
//!    and one arm in [`project::rerun`], so a recorded run can be repeated.
//!
//! Prediction and drift CLI verbs, explanations and drift checks need no
//! change: they work through the traits; [`project::train_recorded`]
//! records any template's run.
//!
//! ## The project file
//!
//! `NAME.clearbox` is one SQLite database (bundled SQLite; readable by any
//! SQLite tool), opened in WAL mode with `synchronous = FULL` and an
//! exclusive lock held while it is open, so a second Clearbox gets a
//! sentence rather than a file written by two hands. `PRAGMA
//! application_id` marks it as Clearbox's; `PRAGMA user_version` counts the
//! migrations applied ([`project::schema::MIGRATIONS`]): older files are
//! migrated on open, newer ones refused. Its tables:
//!
//! ```text
//! sources        id, name, location (path or sample:ID), bytes, fingerprint (blake3),
//!                rows, columns (JSON: name, role), recipe (JSON: the user's roles
//!                and fixes), added_at
//! runs           id, template, source_id, request (JSON, the template's request),
//!                seed, device, clearbox_version, started_at, ended_at,
//!                status (running | finished | failed), metrics (JSON), headline,
//!                account (JSON: what it does, inputs, columns left out and why,
//!                how it was tested, results in words, a chart), artefact (the
//!                artefact.json record), artefact_hash, problem, rerun_of
//! artefact_files run_id, name, bytes (BLOB), blake3: the artefact folder, inside
//! drift_checks   id, run_id, at, reference, current, verdict, summary (JSON)
//! explanations   id, run_id, at, data, payload (JSON: drivers and stability)
//! promotions     id, at, champion, challenger (run ids), payload (JSON)
//! notes          id, at, run_id, text
//! audit_events   seq, at, kind, payload (JSON), prev_hash, hash
//! ```
//!
//! Every change is one transaction that writes its row and appends its
//! audit event; an event that records a row carries the row's full content.
//! `hash` = blake3 of `prev_hash` and the event's `seq`, `at`, `kind` and
//! `payload`. [`project::audit`] checks, on every open, the chain, every row
//! against the latest event that recorded it, and every stored artefact
//! file against its record; a broken trail opens the project read-only. A
//! run is written when it starts and when it ends, so a killed process
//! leaves it marked unfinished, never half-written.
//!
//! ## Data flow
//!
//! ```text
//! file / sample ──load──▶ Table (original) ──Recipe::apply──▶ Table (working;
//!                                                   │        one row per key after SummarisePer)
//!                                                   │
//!                                      health::analyse(target?)
//!                                                   ▼
//!                                             HealthReport ──▶ GUI panels / `clearbox profile --json`
//!
//! working Table + report ──choose_inputs──▶ InputChoice per column (used / left out, and why)
//!        │
//!        └──Template::train (job) ──▶ Outcome ──save──▶ artefact folder
//!                                                          │
//!                        templates::open ──▶ dyn Artefact ─┼─ score ──▶ Output ──▶ `clearbox predict`
//!                                                          ├─ explainable ──▶ explain (Shapley, drivers, letter)
//!                                                          ├─ grouping ──▶ why each row is in its group
//!                                                          └─ score + outcome ──▶ drift::compare with a model
//! ```
//!
//! Reinforcement: `Roles ──Decisions::read──▶ actions, rewards, chances`;
//! 55% of the decisions learn, 15% stop learning early and 30% judge (the
//! oldest, next and newest when a time column is given); chances
//! cross-fitted; reward ensemble against a linear model; policy greedy
//! among the actions tried for similar rows; on the judged decisions a
//! second reward model, cross-fitted there, for the doubly robust estimate.
//!
//! Prediction: `TargetValues ──SplitPlan──▶ Measuring`. Tables of 5 000
//! rows or more with a random split, and every split by time, are
//! `HeldOut(Split)`: the preprocessor fitted on the training rows, the
//! simple model's penalty, the trees' size and the deep network's last pass
//! chosen on the validation rows, the kept model too (the test rows
//! choose nothing), all three scored on the test rows.
//! Smaller tables are `CrossValidated`: the same on each of 5 stratified
//! rotations, every row scored once by models that had not seen it (the
//! card keeps the pooled figures and each rotation's), then the saved
//! preprocessor, simple model, deep network and trees refitted on every row
//! with the median penalty, number of passes, number of trees and threshold
//! of the rotations.
//! Segmentation: the scaled columns (an autoencoder's code for wide
//! tables), k-means for k = 2..10, k chosen by silhouette and elbow,
//! stability by ARI between seeds, profiles and names. Drift: reference and
//! current tables measured column by column (one thread per core), judged
//! by size confirmed by a Holm-corrected test, weighed by what the artefact
//! relies on.
//!
//! ## Threading
//!
//! The window thread only draws and dispatches commands. Every piece of
//! long work — loading, applying a recipe and checking health, checking a
//! target and a split, training, finding groups, explaining, comparing,
//! ranking test rows for the results page — runs as a [`jobs::Job`] on its
//! own thread: it sends progress through a channel, wakes the window through
//! a callback (the GUI passes `request_repaint`, so the library knows nothing
//! of egui), checks a cancel flag between chunks, and turns a panic into an
//! error. The GUI keeps each job in a [`jobs::JobSlot`]: starting a job in a
//! slot cancels the one before and its result can never land; dropping a job
//! cancels it. Every file the window writes (settings, recipes, models,
//! groups, exports, letters, promotions) goes to one background writer that
//! runs writes one at a time, so none races another and the window never
//! waits on a disk; closing the window writes what still waits. Each GUI
//! page has a runner with one command enum, matched without a catch-all, so
//! a command nobody handles does not compile. Training uses its own burn
//! device, separate from the one eframe draws with; inside a prediction job
//! the simple model (on one core) and then the trees are fitted on a
//! scoped thread beside the deep model (the deep model alone leaves cores
//! idle), and the job waits for both.
//! Inside burn's CPU backend, matrix products split across rayon's current
//! pool (burn's `rayon` and `simd` features). On the processor, every
//! training pass, its evaluation and scoring run on Clearbox's own pool of
//! model workers ([`compute::on_workers`]): from a worker a split needs no
//! sleeping hand-off, and the pool is not the global one the trees fit on,
//! so a training step never waits behind a tree job. Networks that do not
//! depend on each other (the reinforcement template's reward ensemble, its
//! cross-fitted halves) train side by side on scoped threads on the
//! processor ([`compute::side_by_side`]); each is seeded and its weights
//! drawn under one lock ([`ml::model::seeded`]) and draws its dropout masks
//! from a stream of its own, so the results do not depend on which ran
//! first. When the device check
//! finds a real graphics card, the window starts a warm-up job
//! ([`ml::warm`]) that trains throwaway networks so the card's kernels are
//! compiled before the user presses Train; a training run that starts
//! during it waits for it, as both seed the process's one random-number
//! source. Explanations run in
//! cache-sized blocks on the global pool (on the processor a plain
//! network's masked rows go through its layers after the first as plain
//! numbers, one matrix product per layer: [`ml::dense`]), and so do a policy's bootstrap
//! resamples (each from its own seed, so the intervals do not depend on
//! the number of cores). Opening a file codes its columns' values,
//! recognises their types and roles, and the health check checks its
//! columns, side by side on the global pool: each column's work is its
//! own. An open project is one
//! `Arc<Mutex<Project>>`: a training job locks it only to record its run's
//! start and end (so a killed process leaves the run marked unfinished),
//! opening and listing runs are jobs, and every other record (the table
//! and its fixes, drift checks, saves, promotions, notes, reports) goes
//! through the writer. Reopening a project loads its table as recorded (a
//! job that checks the fingerprint first), then a job brings back the
//! newest prediction run on it from the artefact stored in the project,
//! and another computes its newest groups and policy again from their
//! records ([`project::replay`]), checking the figures against the record.
//! The command line's verbs run under the same panic capture
//! ([`jobs::catch`]); panic details go to the [`log`].

pub mod bench;
pub mod compute;
pub mod data;
pub mod drift;
pub mod error;
pub mod explain;
pub mod files;
pub mod glossary;
pub mod health;
pub mod jobs;
pub mod lessons;
pub mod log;
pub mod ml;
pub mod project;
pub mod samples;
pub mod templates;
pub mod words;

pub use error::{ClearboxError, Result};
