//! The reinforcement results: what the learned policy, what was done, every
//! action equally and the best single action would have earned, with their
//! likely ranges; the verdict; the diagnostics in words; which action the
//! policy picks for whom; and what to do next.

use clearbox::templates::reinforcement::RewardKind;
use clearbox::templates::reinforcement::evaluate::{Comparison, Estimate, amount_words};
use clearbox::words::percent;
use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Line, Plot, PlotPoints};

use super::commands::{AppCommand, ExplainCommand};
use super::files::FilePurpose;
use super::gloss;
use super::state::{Dataset, PolicyWizard};
use super::theme;

/// Draws the results.
pub fn results_ui(
    ui: &mut Ui,
    _dataset: &Dataset,
    wizard: &PolicyWizard,
    commands: &mut Vec<AppCommand>,
) {
    let Some(outcome) = &wizard.outcome else {
        gloss::label(ui, "No policy yet. Learn one first.");
        return;
    };
    let card = &outcome.card;
    let e = &card.evaluation;
    gloss::label(ui, RichText::new(&e.headline).strong());
    let colour = match e.comparison {
        Comparison::Better => theme::GOOD,
        Comparison::CannotTell => theme::CHECK,
        Comparison::Worse => theme::PROBLEM,
    };
    gloss::coloured(
        ui,
        colour,
        RichText::new(format!("Verdict: {}", e.comparison.word())).strong(),
    )
    .on_hover_text(
        "Better only when the whole likely range of the new policy lies above what was done; \
             worse only when it lies below; otherwise the log cannot tell them apart.",
    );
    gloss::label(ui, &e.verdict);
    gloss::weak(ui, &card.split_sentence);
    gloss::weak(ui, card.reward_model_sentence());
    ui.horizontal(|ui| {
        if gloss::button(ui, "Save the policy…").clicked() {
            commands.push(AppCommand::Pick(FilePurpose::SavePolicy));
        }
        if gloss::button(ui, "Why this action?…")
            .on_hover_text("For any row: which of its inputs made the policy prefer its action over the next best one, and what-if.")
            .clicked()
        {
            commands.push(ExplainCommand::OpenPolicy.into());
        }
        if gloss::button(ui, "Run on a newer file…")
            .on_hover_text("Shadow mode: the policy's choices on newer rows, beside what was actually done there.")
            .clicked()
        {
            commands.push(AppCommand::Pick(FilePurpose::ShadowFile));
        }
    });
    ui.separator();
    let say = |v: f64| amount_words(card.kind, v);
    let unit = match card.kind {
        RewardKind::YesNo => format!(
            "{} = {} per 100 decisions",
            card.roles.reward,
            card.good.as_deref().unwrap_or("1")
        ),
        RewardKind::Amount => format!("{} per decision", card.roles.reward),
    };
    let single = format!("Best single action ('{}')", e.best_single_action);
    let rows: [(&str, &Estimate, Option<&Estimate>); 4] = [
        (
            "The new policy",
            &e.learned.doubly_robust,
            Some(&e.learned.self_normalised),
        ),
        ("What was done", &e.logged, None),
        (
            "Every action equally",
            &e.random.doubly_robust,
            Some(&e.random.self_normalised),
        ),
        (
            single.as_str(),
            &e.best_single.doubly_robust,
            Some(&e.best_single.self_normalised),
        ),
    ];
    gloss::label(
        ui,
        RichText::new(format!("What each would have earned ({unit})")).strong(),
    )
    .on_hover_text(
        "Doubly robust estimate: a reward model's prediction for what each policy would have \
             done, corrected where it agrees with what was done. Likely range: 95% of 1,000 \
             resamples of the decisions. The cross-check weighs only the decisions the policy \
             agrees with (self-normalised importance weighting).",
    );
    values_chart_ui(ui, &rows, card.kind);
    egui::Grid::new("policy values")
        .striped(true)
        .show(ui, |ui| {
            ui.strong("");
            ui.strong("estimate");
            ui.strong("likely range");
            ui.strong("cross-check");
            if wizard.truth.is_some() {
                ui.strong("true value (simulator)");
            }
            ui.end_row();
            let truths = wizard
                .truth
                .map(|t| [t.learned, t.logged, t.random, t.best_single]);
            for (i, (name, estimate, cross)) in rows.iter().enumerate() {
                gloss::label(ui, *name);
                gloss::label(ui, say(estimate.estimate));
                gloss::label(
                    ui,
                    format!("{} to {}", say(estimate.low), say(estimate.high)),
                );
                gloss::label(ui, cross.map_or_else(String::new, |c| say(c.estimate)));
                if let Some(t) = truths {
                    gloss::label(ui, say(t[i]));
                }
                ui.end_row();
            }
        });
    if let Some(t) = wizard.truth {
        gloss::label(
            ui,
            format!(
                "In the simulator the truth is known: the best any policy could do on these decisions \
             is {}; the new policy gets {} of that.",
                say(t.best),
                percent(t.learned / t.best.max(1e-12))
            ),
        );
    }
    ui.add_space(4.0);
    gloss::label(ui, RichText::new("How far to trust it").strong());
    for note in &e.notes {
        gloss::label(ui, format!("• {note}"));
    }
    for finding in &card.findings {
        gloss::coloured(ui, theme::CHECK, format!("• {}", finding.sentence));
    }
    ui.add_space(4.0);
    gloss::label(
        ui,
        RichText::new("Which action the policy picks, and for whom").strong(),
    );
    egui::Grid::new("policy usage")
        .striped(true)
        .show(ui, |ui| {
            for usage in outcome.usage.iter().filter(|u| u.rows > 0) {
                ui.strong(&usage.action);
                gloss::label(ui, format!("{} of rows", percent(usage.share)));
                let traits: Vec<&str> = usage
                    .traits
                    .iter()
                    .take(2)
                    .map(|t| t.sentence.as_str())
                    .collect();
                gloss::label(ui, traits.join(" "));
                ui.end_row();
            }
        });
    super::input_choices::left_out_ui(ui, &outcome.inputs);
    shadow_ui(ui, wizard);
}

/// The four values as bars with their likely ranges.
fn values_chart_ui(
    ui: &mut Ui,
    rows: &[(&str, &Estimate, Option<&Estimate>); 4],
    kind: RewardKind,
) {
    let scale = match kind {
        RewardKind::YesNo => 100.0,
        RewardKind::Amount => 1.0,
    };
    let labels: Vec<String> = rows.iter().map(|(n, _, _)| (*n).to_owned()).collect();
    let bars: Vec<Bar> = rows
        .iter()
        .enumerate()
        .map(|(i, (_, e, _))| {
            Bar::new(i as f64, e.estimate * scale)
                .width(0.6)
                .fill(if i == 0 {
                    theme::DATA
                } else {
                    egui::Color32::GRAY
                })
        })
        .collect();
    Plot::new("policy values chart")
        .height(200.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .show_grid([false, true])
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("estimate", bars));
            for (i, (_, e, _)) in rows.iter().enumerate() {
                let x = i as f64;
                plot.line(
                    Line::new(
                        format!("likely range {i}"),
                        PlotPoints::from(vec![[x, e.low * scale], [x, e.high * scale]]),
                    )
                    .color(theme::PROBLEM)
                    .width(2.0),
                );
            }
        });
}

fn shadow_ui(ui: &mut Ui, wizard: &PolicyWizard) {
    if let Some(job) = &wizard.shadow_running {
        ui.horizontal(|ui| {
            ui.spinner();
            gloss::label(
                ui,
                format!("Running the policy on the newer file: {}", job.message),
            );
        });
    }
    let Some(report) = &wizard.shadow else {
        return;
    };
    ui.add_space(4.0);
    gloss::label(
        ui,
        RichText::new(format!("On '{}' ({} rows)", report.file, report.rows)).strong(),
    );
    for sentence in &report.sentences {
        gloss::label(ui, sentence);
    }
    let picks: Vec<String> = report
        .recommended
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(a, n)| format!("'{a}' {}", percent(*n as f64 / report.rows.max(1) as f64)))
        .collect();
    gloss::weak(ui, format!("The policy recommends: {}.", picks.join(", ")));
}
