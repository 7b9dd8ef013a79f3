//! Handling the reinforcement wizard's commands: guessing and checking the
//! log's roles, learning and judging the policy, running it on a newer file
//! beside what was done (shadow mode), saving it, and the workshop
//! simulator's logs. Everything that reads the log runs as a job.

use std::sync::Arc;
use std::sync::mpsc::Receiver;

use clearbox::ClearboxError;
use clearbox::data::{DataSource, Table, load};
use clearbox::jobs::JobSlot;
use clearbox::templates::reinforcement::simulator::{OFFERS, Truth, simulate};
use clearbox::templates::reinforcement::train::reward_sentence;
use clearbox::templates::reinforcement::{
    LoggedDecisions, Reinforcement, ReinforcementOutcome, ReinforcementRequest, Roles, SavedPolicy,
    TrainingEvent, guess_roles,
};
use clearbox::templates::{Decisions, LogRole, Purpose, choose_inputs};
use clearbox::words::{count, number, percent};

use super::commands::PolicyCommand;
use super::project_flow::{Recording, not_recorded, refresh_after_run, train_in};
use super::runner::{DataEvent, Effect, Env, Generated, Runner, Written};
use super::state::{
    AppState, Banner, LogCheck, Page, PolicyRoles, PolicyStep, PolicyWizard, ShadowReport,
    TrainingView, TrueValues,
};

/// The seed the wizard learns with: results are repeatable.
const SEED: u64 = 42;

/// A learned policy with, for a simulated log, the true values.
pub struct Learned {
    outcome: Arc<ReinforcementOutcome>,
    truth: Option<TrueValues>,
}

/// Background work of the reinforcement wizard.
#[derive(Default)]
pub struct PolicyRunner {
    check: JobSlot<(PolicyRoles, LogCheck)>,
    learning: JobSlot<Learned>,
    events: Option<Receiver<TrainingEvent>>,
    shadow: JobSlot<ShadowReport>,
    simulation: JobSlot<(Table, Truth)>,
}

impl PolicyRunner {
    /// Checks the log with the current roles; with `guess`, fills in roles
    /// the user has not chosen from the columns' names first.
    fn start_check(&mut self, state: &mut AppState, env: &Env<'_>, guess: bool) {
        let Some(dataset) = &state.dataset else {
            return;
        };
        let table = dataset.table.clone();
        let roles = state.policy.roles.clone();
        state.policy.check = None;
        self.check.start("checking the log", env.wake, move |_| {
            let mut roles = roles;
            if guess {
                let (action, reward, propensity, time) = guess_roles(&table);
                roles.action = roles.action.or(action);
                roles.reward = roles.reward.or(reward);
                roles.propensity = roles.propensity.or(propensity);
                roles.time = roles.time.or(time);
            }
            let check = check_log(&table, &roles);
            Ok((roles, check))
        });
    }

    /// Shows a policy a project kept as if it had just been learned, and
    /// checks the log with its roles again for the earlier steps.
    pub fn restore(
        &mut self,
        outcome: Arc<ReinforcementOutcome>,
        state: &mut AppState,
        env: &mut Env<'_>,
    ) {
        let roles = &outcome.card.roles;
        let wizard = &mut state.policy;
        wizard.roles = PolicyRoles {
            action: Some(roles.action.clone()),
            reward: Some(roles.reward.clone()),
            propensity: roles.propensity.clone(),
            time: roles.time.clone(),
        };
        wizard.inputs = outcome.inputs.clone();
        wizard.exploration = outcome.card.exploration;
        wizard.truth = None;
        wizard.outcome = Some(outcome);
        wizard.step = Some(PolicyStep::Results);
        self.start_check(state, env, false);
    }

    fn start_learning(&mut self, state: &mut AppState, env: &Env<'_>) {
        let Some(device) = env.device_or_banner(state) else {
            return;
        };
        let Some(dataset) = &state.dataset else {
            return;
        };
        let wizard = &mut state.policy;
        let (Some(action), Some(reward)) =
            (wizard.roles.action.clone(), wizard.roles.reward.clone())
        else {
            return;
        };
        let decisions = Decisions::exactly(&wizard.inputs);
        let request = ReinforcementRequest {
            roles: Roles {
                action,
                reward,
                propensity: wizard.roles.propensity.clone(),
                time: wizard.roles.time.clone(),
            },
            exclude: decisions.exclude,
            include: decisions.include,
            exploration: wizard.exploration,
            seed: SEED,
        };
        let (table, truth) = (dataset.table.clone(), dataset.truth.clone());
        let recording = Recording::of(env, dataset);
        if let Some(note) = not_recorded(env, &recording) {
            state.banner = Some(note);
        }
        let events = self.learning.start_with_events(
            "learning the policy",
            env.wake,
            move |progress, on_event| {
                let outcome = train_in::<Reinforcement>(
                    recording.as_ref(),
                    &table,
                    &request,
                    &device,
                    progress,
                    on_event,
                )?;
                let truth = truth.map(|t| true_values(&t, &outcome));
                Ok(Learned {
                    outcome: Arc::new(outcome),
                    truth,
                })
            },
        );
        self.events = Some(events);
        wizard.training = Some(TrainingView::default());
        wizard.outcome = None;
        wizard.truth = None;
        wizard.step = Some(PolicyStep::Learn);
    }

    fn start_shadow(&mut self, state: &mut AppState, env: &Env<'_>, path: std::path::PathBuf) {
        let Some(device) = env.device_or_banner(state) else {
            return;
        };
        let Some(outcome) = state.policy.outcome.clone() else {
            return;
        };
        self.shadow.start(
            "running the policy on a newer file",
            env.wake,
            move |progress| {
                let table = load(&DataSource::File(path), &progress.scaled(0.0, 0.5))?;
                let policy = SavedPolicy::from_outcome(&outcome, &device.device);
                shadow(&policy, &table, &device.device)
            },
        );
        state.policy.shadow_running = Some(Default::default());
        state.policy.shadow = None;
    }

    /// Works out the context columns again from the current report,
    /// keeping the user's own decisions.
    fn refresh_inputs(state: &mut AppState) {
        let decisions = Decisions::by_you(&state.policy.inputs);
        Self::refresh_inputs_with(state, &decisions);
    }

    /// Works out the context columns from the current report with `decisions`.
    fn refresh_inputs_with(state: &mut AppState, decisions: &Decisions) {
        let Some(dataset) = &state.dataset else {
            return;
        };
        let (Some(report), Some(action), Some(reward)) = (
            &dataset.report,
            &state.policy.roles.action,
            &state.policy.roles.reward,
        ) else {
            state.policy.inputs.clear();
            return;
        };
        let roles = &state.policy.roles;
        let purpose = Purpose::Act {
            action,
            reward,
            propensity: roles.propensity.as_deref(),
            time: roles.time.as_deref(),
        };
        state.policy.inputs = choose_inputs(&dataset.table, report, purpose, decisions);
    }
}

impl Runner for PolicyRunner {
    type Command = PolicyCommand;

    fn handle(&mut self, command: PolicyCommand, state: &mut AppState, env: &mut Env<'_>) {
        match command {
            PolicyCommand::Start => {
                state.page = Page::Policy;
                if state.policy.step.is_none() {
                    state.policy.step = Some(PolicyStep::Roles);
                    state.policy.exploration =
                        clearbox::templates::reinforcement::DEFAULT_EXPLORATION;
                    self.start_check(state, env, true);
                }
            }
            PolicyCommand::GoToStep(step) => {
                let wizard = &state.policy;
                let usable = wizard.check.as_ref().is_some_and(|c| c.problem.is_none());
                let allowed = match step {
                    PolicyStep::Roles => true,
                    PolicyStep::Check => wizard.check.is_some(),
                    PolicyStep::Learn => self.learning.is_running() || usable,
                    PolicyStep::Results => wizard.outcome.is_some(),
                };
                if allowed {
                    state.policy.step = Some(step);
                }
            }
            PolicyCommand::SetRole { role, column } => {
                let roles = &mut state.policy.roles;
                let slot = match role {
                    LogRole::Action => &mut roles.action,
                    LogRole::Reward => &mut roles.reward,
                    LogRole::Propensity => &mut roles.propensity,
                    LogRole::Time => &mut roles.time,
                };
                *slot = column;
                state.policy.outcome = None;
                Self::refresh_inputs(state);
                self.start_check(state, env, false);
            }
            PolicyCommand::SetInput { column, included } => {
                let decisions = Decisions::by_you_with(&state.policy.inputs, column, included);
                Self::refresh_inputs_with(state, &decisions);
                state.policy.outcome = None;
            }
            PolicyCommand::SetExploration(share) => {
                state.policy.exploration = share.clamp(0.0, 0.5);
                state.policy.outcome = None;
            }
            PolicyCommand::Learn => self.start_learning(state, env),
            PolicyCommand::Cancel => {
                self.learning.cancel();
                self.events = None;
                state.policy.training = None;
                state.policy.step = Some(PolicyStep::Check);
            }
            PolicyCommand::Save(path) => {
                let Some(outcome) = state.policy.outcome.clone() else {
                    return;
                };
                env.write("saving the policy", move |_| {
                    outcome.save(&path)?;
                    Ok(Written::saved(
                        format!(
                        "Saved the policy to '{}'. Recommend actions for new rows with: clearbox predict --model '{}' --data FILE --out FILE",
                        clearbox::error::display_name(&path),
                        path.display()
                        ),
                        "the policy",
                        &path,
                    ))
                });
            }
            PolicyCommand::Shadow(path) => self.start_shadow(state, env, path),
            PolicyCommand::SetSimulatedPolicy(old) => state.simulator.old = old,
            PolicyCommand::SetSimulatedRows(rows) => {
                state.simulator.rows = rows.clamp(1_000, 200_000);
            }
            PolicyCommand::Simulate => {
                let choice = state.simulator;
                state.simulator.generated += 1;
                let seed = choice.generated + 1;
                self.simulation
                    .start("simulating the shop", env.wake, move |_| {
                        Ok(simulate(choice.rows, choice.old, seed))
                    });
                state.loading = Some(super::state::Loading {
                    label: "the simulated shop".into(),
                    job: Default::default(),
                });
            }
        }
    }

    fn poll(&mut self, state: &mut AppState, env: &mut Env<'_>) {
        if let Some(result) = self.simulation.poll() {
            state.loading = None;
            match result {
                Ok((table, truth)) => env.effects.push(Effect::Open(Box::new(Generated {
                    table,
                    truth: Arc::new(truth),
                }))),
                Err(err) => state.banner = Some(Banner::Error(err.to_string())),
            }
        }
        if let Some(result) = self.check.poll() {
            match result {
                Ok((roles, check)) => {
                    state.policy.roles = roles;
                    state.policy.check = Some(check);
                    Self::refresh_inputs(state);
                }
                Err(err) => state.banner = Some(Banner::Error(err.to_string())),
            }
        }
        if let (Some(view), Some(job)) = (&mut state.policy.training, self.learning.view()) {
            view.job = job;
            if let Some(events) = &self.events {
                while let Ok(TrainingEvent::Epoch { model, loss }) = events.try_recv() {
                    match model {
                        clearbox::templates::reinforcement::reward::RewardChoice::Deep => {
                            view.deep.push(loss)
                        }
                        clearbox::templates::reinforcement::reward::RewardChoice::Simple => {
                            view.simple.push(loss)
                        }
                    }
                }
            }
        }
        if let Some(result) = self.learning.poll() {
            refresh_after_run(env);
            self.events = None;
            let wizard = &mut state.policy;
            wizard.training = None;
            match result {
                Ok(learned) => {
                    wizard.outcome = Some(learned.outcome);
                    wizard.truth = learned.truth;
                    wizard.step = Some(PolicyStep::Results);
                }
                Err(ClearboxError::Cancelled) => {}
                Err(err) => {
                    state.banner = Some(Banner::Error(err.to_string()));
                    wizard.step = Some(PolicyStep::Check);
                }
            }
        }
        if let (Some(running), Some(job)) = (&mut state.policy.shadow_running, self.shadow.view()) {
            *running = job;
        }
        if let Some(result) = self.shadow.poll() {
            state.policy.shadow_running = None;
            match result {
                Ok(report) => state.policy.shadow = Some(report),
                Err(ClearboxError::Cancelled) => {}
                Err(err) => state.banner = Some(Banner::Error(err.to_string())),
            }
        }
    }

    fn data_event(&mut self, event: DataEvent, state: &mut AppState, env: &mut Env<'_>) {
        match event {
            DataEvent::TableChanged => {
                self.check.cancel();
                self.learning.cancel();
                self.shadow.cancel();
                self.events = None;
                let exploration = state.policy.exploration;
                state.policy = PolicyWizard {
                    exploration,
                    ..PolicyWizard::default()
                };
                if state.page == Page::Policy {
                    state.page = Page::Data;
                }
            }
            DataEvent::ReportReady => {
                if state.policy.step.is_some() {
                    Self::refresh_inputs(state);
                    if state.policy.check.is_none() && !self.check.is_running() {
                        self.start_check(state, env, true);
                    }
                }
            }
            DataEvent::TargetChanged | DataEvent::DeviceReady => {}
        }
    }
}

/// What the log holds with these roles.
fn check_log(table: &Table, roles: &PolicyRoles) -> LogCheck {
    let (Some(action), Some(reward)) = (&roles.action, &roles.reward) else {
        return LogCheck {
            problem: Some(
                "Choose the column that holds the action taken and the one that holds its reward."
                    .into(),
            ),
            ..LogCheck::default()
        };
    };
    let read = LoggedDecisions::read(
        table,
        &Roles {
            action: action.clone(),
            reward: reward.clone(),
            propensity: roles.propensity.clone(),
            time: roles.time.clone(),
        },
    );
    match read {
        Ok(log) => LogCheck {
            problem: None,
            decisions: log.len(),
            actions: log.k(),
            reward_sentence: reward_sentence(&log, reward),
            findings: clearbox::templates::reinforcement::checks::check_log(&log),
        },
        Err(err) => LogCheck {
            problem: Some(err.to_string()),
            ..LogCheck::default()
        },
    }
}

/// The true values of the policies on the held-out decisions of a simulated log.
fn true_values(truth: &Truth, outcome: &ReinforcementOutcome) -> TrueValues {
    let held = &outcome.held_out;
    let k = OFFERS.len();
    let n = held.rows.len();
    let uniform = vec![1.0 / k as f64; n * k];
    let mut single = vec![0f64; n * k];
    for i in 0..n {
        single[i * k + held.best_single] = 1.0;
    }
    let old: Vec<f64> = held
        .rows
        .iter()
        .flat_map(|&r| truth.old[r * k..(r + 1) * k].iter().copied())
        .collect();
    TrueValues {
        learned: truth.value(&held.rows, &held.learned),
        logged: truth.value(&held.rows, &old),
        random: truth.value(&held.rows, &uniform),
        best_single: truth.value(&held.rows, &single),
        best: truth.best(&held.rows),
    }
}

/// The policy's recommendations on `table` beside what was actually done.
fn shadow(
    policy: &SavedPolicy,
    table: &Table,
    device: &burn::tensor::Device,
) -> clearbox::Result<ShadowReport> {
    let card = &policy.card;
    let rows: Vec<usize> = (0..table.rows).collect();
    let (expected, chances) = policy.judge_rows(table, &rows, device)?;
    let k = card.actions.len();
    let choices = clearbox::templates::reinforcement::policy::choose(&expected, &chances, k, 0.0);
    let mut recommended = vec![0usize; k];
    for &a in &choices.recommended {
        recommended[a] += 1;
    }
    let mut sentences = Vec::new();
    if let Some(column) = table.column(&card.roles.action) {
        let (mut known, mut agree, mut gain) = (0usize, 0usize, 0f64);
        for (row, &best) in choices.recommended.iter().enumerate() {
            let done = column.values.display(row);
            let Some(done) = card.actions.iter().position(|a| *a == done.trim()) else {
                continue;
            };
            known += 1;
            agree += usize::from(done == best);
            gain += expected[row * k + best] - expected[row * k + done];
        }
        if known > 0 {
            let per = gain / known as f64;
            sentences.push(format!(
                "On the {} rows where '{}' records what was done, the policy agrees with it on {}.",
                count(known),
                card.roles.action,
                percent(agree as f64 / known as f64)
            ));
            sentences.push(match card.kind {
                clearbox::templates::reinforcement::RewardKind::YesNo => format!(
                    "Where it disagrees, its choice is expected to gain about {} more successes \
                     per 100 decisions (by its own reward model, so an estimate, not a promise).",
                    number(per * 100.0)
                ),
                clearbox::templates::reinforcement::RewardKind::Amount => format!(
                    "Following it is expected to earn about {} more per decision in '{}' (by its \
                     own reward model, so an estimate, not a promise).",
                    number(per),
                    card.roles.reward
                ),
            });
        }
    } else {
        sentences.push(format!(
            "'{}' has no column '{}', so the policy's choices cannot be set beside what was done.",
            table.name, card.roles.action
        ));
    }
    Ok(ShadowReport {
        file: table.name.clone(),
        rows: table.rows,
        recommended: card.actions.iter().cloned().zip(recommended).collect(),
        sentences,
    })
}
