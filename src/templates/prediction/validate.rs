//! Checks that a prediction card agrees with itself before anything is
//! built from it, so a hand-edited or mixed-up folder is refused with a
//! sentence instead of failing part-way through scoring.

use super::{ChosenModel, ModelCard, ModelPart, Scores};
use crate::ml::task::{MAX_CLASSES, TaskKind};

/// `Err` holds the end of a sentence: what disagrees, and what to do.
pub(super) fn check_card(card: &ModelCard) -> Result<(), String> {
    let retrain = ". Train it again";
    let target = &card.target;
    let classes = target.classes.len();
    match target.task {
        TaskKind::Binary if classes != 2 => {
            return Err(format!(
                "its card says '{}' is yes/no but lists {classes} classes{retrain}",
                target.name
            ));
        }
        TaskKind::Multiclass if !(3..=MAX_CLASSES).contains(&classes) => {
            return Err(format!(
                "its card says '{}' is a choice among several classes but lists {classes}{retrain}",
                target.name
            ));
        }
        TaskKind::Regression
            if card
                .amount_scale
                .is_none_or(|(m, sd)| !(m.is_finite() && sd.is_finite() && sd > 0.0)) =>
        {
            return Err(format!(
                "its card says '{}' is an amount but holds no usable scale for it{retrain}",
                target.name
            ));
        }
        TaskKind::Binary | TaskKind::Multiclass if card.amount_scale.is_some() => {
            return Err(format!(
                "its card says '{}' is a choice of classes but also holds an amount scale{retrain}",
                target.name
            ));
        }
        _ => {}
    }
    let names: Vec<&str> = card
        .preprocessor
        .encoders
        .iter()
        .map(|e| e.column())
        .collect();
    if names != card.inputs.iter().map(String::as_str).collect::<Vec<_>>() {
        return Err(format!(
            "its card lists {} input columns but encodes {}{retrain}",
            card.inputs.len(),
            names.len()
        ));
    }
    let width = card.preprocessor.width();
    if width == 0 {
        return Err(format!("its card reads no input columns{retrain}"));
    }
    for (part, name) in [(&card.deep, "deep"), (&card.simple, "simple")] {
        check_part(card, part, name, width)?;
    }
    if card.chosen == ChosenModel::Trees {
        let Some(trees) = &card.trees else {
            return Err(format!(
                "its card keeps the tree model but holds no figures for it{retrain}"
            ));
        };
        if !scores_fit(card, &trees.test) || card.target.task == TaskKind::Multiclass {
            return Err(format!(
                "its tree model's test scores are for another kind of prediction than '{}'{retrain}",
                card.target.name
            ));
        }
        threshold_fits(card, trees.threshold, "tree")?;
    }
    Ok(())
}

/// Whether `scores` are the kind the card's target has.
fn scores_fit(card: &ModelCard, scores: &Scores) -> bool {
    matches!(
        (card.target.task, scores),
        (TaskKind::Binary, Scores::Binary(_))
            | (TaskKind::Multiclass, Scores::Multiclass(_))
            | (TaskKind::Regression, Scores::Regression(_))
    )
}

/// A yes/no model needs a threshold between 0 and 1.
fn threshold_fits(card: &ModelCard, threshold: Option<f64>, name: &str) -> Result<(), String> {
    match (card.target.task, threshold) {
        (TaskKind::Binary, Some(t)) if (0.0..=1.0).contains(&t) => Ok(()),
        (TaskKind::Binary, _) => Err(format!(
            "its {name} model has no usable threshold for flagging rows. Train it again"
        )),
        _ => Ok(()),
    }
}

fn check_part(card: &ModelCard, part: &ModelPart, name: &str, width: usize) -> Result<(), String> {
    let shape = &part.shape;
    if shape.inputs != width {
        return Err(format!(
            "its {name} model reads {} numbers per row but its inputs give {width}. Train it again",
            shape.inputs
        ));
    }
    if shape.outputs != card.outputs() {
        return Err(format!(
            "its {name} model gives {} outputs but '{}' needs {} (one per class, or one for an \
             amount). Train it again",
            shape.outputs,
            card.target.name,
            card.outputs()
        ));
    }
    if shape.hidden.contains(&0) || !(0.0..1.0).contains(&shape.dropout) {
        return Err(format!(
            "its {name} model has a layer of no width or an impossible dropout. Train it again"
        ));
    }
    if !scores_fit(card, &part.test) {
        return Err(format!(
            "its {name} model's test scores are for another kind of prediction than '{}'. Train it again",
            card.target.name
        ));
    }
    threshold_fits(card, part.threshold, name)
}
