//! Running a lesson: starting it (its data opened), reading the app's state
//! into the lesson's [`Facts`] every frame, ticking off the current step
//! when its check passes, and offering the hint after a while.

use std::time::{Duration, Instant};

use clearbox::lessons::{Facts, Lesson, LessonData, ModelFacts, Screen};

use super::commands::{AppCommand, DataCommand, LessonCommand, PolicyCommand};
use super::runner::{Effect, Env};
use super::state::{AppState, Banner, LessonView, Page};

/// How long a learner works on a step before its hint is offered.
pub const HINT_AFTER: Duration = Duration::from_secs(45);

/// Handles the lesson commands.
pub fn handle(command: LessonCommand, state: &mut AppState, env: &mut Env<'_>) {
    match command {
        LessonCommand::Start(index) => {
            let Some(lesson) = state.lessons.get(index).cloned() else {
                return;
            };
            start(lesson, state, env);
        }
        LessonCommand::Load(path) => {
            let loaded = clearbox::lessons::file::files_at(&path).and_then(|files| {
                files
                    .iter()
                    .map(|f| clearbox::lessons::file::load(f))
                    .collect::<clearbox::error::Result<Vec<Lesson>>>()
            });
            match loaded {
                Ok(lessons) => {
                    let count = lessons.len();
                    let first = state.lessons.len();
                    state.lessons.extend(lessons);
                    state.banner = Some(Banner::Info(format!(
                        "{} added to the lessons on the home screen.",
                        if count == 1 {
                            "1 lesson".to_owned()
                        } else {
                            format!("{count} lessons")
                        }
                    )));
                    if count == 1 {
                        handle(LessonCommand::Start(first), state, env);
                    }
                }
                Err(err) => state.banner = Some(Banner::Error(err.to_string())),
            }
        }
        LessonCommand::ShowHint => {
            if let Some(lesson) = &mut state.lesson {
                lesson.hint_shown = true;
            }
        }
        LessonCommand::Stop => state.lesson = None,
    }
}

/// Opens a lesson's data and puts the lesson in the side panel.
fn start(lesson: Lesson, state: &mut AppState, env: &mut Env<'_>) {
    let open: AppCommand = match &lesson.data {
        LessonData::Sample(id) => match clearbox::samples::find(id) {
            Some(sample) => DataCommand::OpenSample(sample.id).into(),
            None => return,
        },
        LessonData::Broken(id, broken) => match clearbox::samples::find(id) {
            Some(sample) => DataCommand::OpenBroken(sample.id, broken.clone()).into(),
            None => return,
        },
        LessonData::File(path) => DataCommand::OpenFile(path.clone()).into(),
        LessonData::Simulator(rows) => {
            env.effects.push(Effect::Command(
                PolicyCommand::SetSimulatedRows(*rows).into(),
            ));
            PolicyCommand::Simulate.into()
        }
    };
    env.effects.push(Effect::Command(open));
    state.lesson = Some(LessonView {
        done: vec![false; lesson.steps.len()],
        lesson,
        since: Instant::now(),
        hint_shown: false,
    });
}

/// Ticks off the current step (and any after it already done) when its check passes.
pub fn tick(state: &mut AppState) {
    let Some(view) = &state.lesson else {
        return;
    };
    if view.finished() {
        return;
    }
    let facts = facts(state);
    let Some(view) = &mut state.lesson else {
        return;
    };
    while let Some(current) = view.current() {
        if !view.lesson.steps[current].check.passes(&facts) {
            break;
        }
        view.done[current] = true;
        view.since = Instant::now();
        view.hint_shown = false;
    }
}

/// What the learner has done, read off the app's state.
pub fn facts(state: &AppState) -> Facts {
    let screen = match state.page {
        Page::Home => Screen::Home,
        Page::Data => Screen::Data,
        Page::Predict => Screen::Prediction,
        Page::Segment => Screen::Segmentation,
        Page::Explain => Screen::Explanation,
        Page::Drift => Screen::Drift,
        Page::Policy => Screen::Reinforcement,
        Page::Runs => Screen::Home,
    };
    let dataset = state.dataset.as_ref();
    let model = state.prediction.outcome.as_ref().map(|outcome| ModelFacts {
        value: outcome.card.chosen_test().value(),
        inputs: outcome.card.inputs.clone(),
    });
    let drift = state
        .drift
        .report
        .as_ref()
        .map(|r| r.verdict)
        .or_else(|| state.drift.periods.as_ref().map(|p| p.latest.verdict));
    Facts {
        screen: Some(screen).filter(|_| dataset.is_some() || screen == Screen::Home),
        target: dataset.and_then(|d| d.target.clone()),
        inputs: state
            .prediction
            .inputs
            .iter()
            .map(|i| (i.column.clone(), i.is_used()))
            .collect(),
        model,
        groups: state.segmentation.outcome.as_ref().map(|o| o.card.k),
        policy: state.policy.outcome.is_some(),
        drivers: state.explain.panel.is_some() || !state.explain.drivers.is_empty(),
        drift,
        fixed: dataset
            .map(|d| {
                d.recipe
                    .fixes
                    .iter()
                    .map(|f| f.column().to_owned())
                    .collect()
            })
            .unwrap_or_default(),
        inspected: dataset
            .and_then(|d| d.selected.and_then(|i| d.table.columns.get(i)))
            .map(|c| c.name.clone())
            .into_iter()
            .chain(state.drift.selected.clone())
            .collect(),
    }
}
