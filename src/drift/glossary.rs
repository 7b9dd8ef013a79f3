//! What each drift measure means, for the hover next to it.

/// Population stability index.
pub const PSI: &str = "Population stability index (PSI): how much the mix of values moved, \
    comparing the share of rows in each bin of the reference's values. Under 0.1: little change; \
    0.1 to 0.25: moderate; over 0.25: large.";
/// Kolmogorov–Smirnov statistic.
pub const KS: &str = "Kolmogorov–Smirnov (KS): the largest gap between the two tables' running \
    shares of rows below a value. 0: the same; 1: no overlap at all.";
/// Wasserstein distance.
pub const WASSERSTEIN: &str = "Wasserstein distance: how far values had to move, on average, to \
    turn the reference into the current table, in reference standard deviations. 0.3 is moderate, \
    0.5 large.";
/// Jensen–Shannon distance.
pub const JS: &str = "Jensen–Shannon distance: how different the two mixes of labels are. 0: the \
    same; 1: no label in common.";
/// The corrected p-value.
pub const P_VALUE: &str = "The chance of a change at least this big if nothing had really \
    changed, corrected for comparing many columns at once (Holm). Under 0.05 the change is real; \
    whether it matters is the size's call.";
/// Missing share.
pub const MISSING: &str = "Share of rows with no value, in the reference and in the current table.";
/// Importance share.
pub const IMPORTANCE: &str = "How much the model relies on this column: how much its predictions \
    change when the column's values are shuffled among the rows, as a share of all columns.";
