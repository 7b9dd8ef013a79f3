//! Which label of a yes/no reward written in words counts as the success
//! the policy seeks. The prediction template puts the outcome worth
//! catching last ("bad" credit, "churn", "fraud"); a reward is the
//! opposite, something to earn, so those words name the failure here. A
//! policy that sought the wrong label would recommend the worst action
//! with confidence.

/// Labels that name a success, in lower case.
const SUCCESSES: &[&str] = &[
    "1",
    "yes",
    "y",
    "true",
    "t",
    "good",
    "success",
    "successful",
    "won",
    "win",
    "clicked",
    "click",
    "bought",
    "purchased",
    "converted",
    "accepted",
    "positive",
    "opened",
    "responded",
    "paid",
    "renewed",
    "retained",
    "kept",
];

/// Labels that name a failure, in lower case.
const FAILURES: &[&str] = &[
    "0",
    "no",
    "n",
    "false",
    "f",
    "bad",
    "fail",
    "failed",
    "failure",
    "lost",
    "loss",
    "churn",
    "churned",
    "default",
    "defaulted",
    "fraud",
    "declined",
    "rejected",
    "negative",
    "ignored",
    "unsubscribed",
    "cancelled",
    "canceled",
];

/// Which of `labels` (a yes/no reward's two labels) is the success: a
/// known success word, else the one beside a known failure word, else
/// `usual` (the label the prediction template would put last, which the
/// reader is then told about).
pub fn success_of(labels: [&str; 2], usual: usize) -> usize {
    let is = |words: &[&str], label: &str| words.contains(&label.trim().to_lowercase().as_str());
    let [first, second] = labels;
    match (
        is(SUCCESSES, first) && !is(SUCCESSES, second),
        is(SUCCESSES, second) && !is(SUCCESSES, first),
    ) {
        (true, _) => 0,
        (_, true) => 1,
        _ if is(FAILURES, first) && !is(FAILURES, second) => 1,
        _ if is(FAILURES, second) && !is(FAILURES, first) => 0,
        _ => usual,
    }
}

#[cfg(test)]
mod tests {
    use super::success_of;

    #[test]
    fn the_success_is_the_label_worth_earning() {
        // The prediction template's order puts "bad" last; a reward seeks "good".
        assert_eq!(success_of(["good", "bad"], 1), 0);
        assert_eq!(success_of(["Bad", "Good"], 0), 1);
        assert_eq!(success_of(["churned", "stayed"], 0), 1);
        assert_eq!(success_of(["accepted", "declined"], 1), 0);
        assert_eq!(success_of(["no", "yes"], 1), 1);
        assert_eq!(success_of(["False", "True"], 0), 1);
        // Words it does not know keep the usual order.
        assert_eq!(success_of(["red", "blue"], 1), 1);
        assert_eq!(success_of(["red", "blue"], 0), 0);
        // Two success words say nothing about which is better.
        assert_eq!(success_of(["yes", "won"], 1), 1);
    }
}
