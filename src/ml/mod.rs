//! Machine learning building blocks shared by the templates: what is being
//! predicted ([`task`]), how rows are split ([`split`]), how columns become
//! numbers ([`preprocess`]) and what a saved model cannot read in a new
//! file ([`unread`]), the burn network ([`model`]), its dropout
//! ([`dropout`]), its training loop ([`train`]) and how its step size moves
//! ([`schedule`]), its layers after the first as plain numbers for
//! explanations on the processor ([`dense`]), the simple linear model fitted
//! to convergence ([`glm`]), how results are measured ([`metrics`]) and
//! whether they beat guessing by more than luck ([`skill`]);
//! gradient-boosted trees as a reference the deep model is shown beside
//! ([`trees`]); a graphics card's kernels compiled before the first real run
//! ([`warm`]).

pub mod cluster_metrics;
pub mod dense;
pub mod dropout;
pub mod glm;
pub mod metrics;
pub mod model;
pub mod preprocess;
pub mod schedule;
pub mod skill;
pub mod split;
pub mod task;
pub mod train;
pub mod trees;
pub mod unread;
pub mod warm;
