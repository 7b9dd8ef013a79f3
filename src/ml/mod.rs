//! Machine learning building blocks shared by the templates: what is being
//! predicted ([`task`]), how rows are split ([`split`]), how columns become
//! numbers ([`preprocess`]), the burn network ([`model`]), its training loop
//! ([`train`]) and how results are measured ([`metrics`]).

pub mod cluster_metrics;
pub mod metrics;
pub mod model;
pub mod preprocess;
pub mod split;
pub mod task;
pub mod train;
