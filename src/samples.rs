//! The sample tables bundled inside the program, so that a workshop never
//! needs a download. Sources and licences are in `sample-data/README.md`.

/// A bundled sample table.
#[derive(Debug, PartialEq, Eq)]
pub struct Sample {
    /// Short machine name, used on the command line (`--sample penguins`).
    pub id: &'static str,
    /// Title on its card.
    pub title: &'static str,
    /// One line on what it is good for.
    pub blurb: &'static str,
    /// The column a prediction would usually target, if any.
    pub suggested_target: Option<&'static str>,
    /// The template the sample is for when it suits only one (a log of
    /// decisions suits only the reinforcement template).
    pub template: Option<crate::templates::artefact::TemplateKind>,
    /// The file's bytes (CSV).
    pub bytes: &'static [u8],
}

/// Every bundled sample, in the order the home screen shows them.
pub static SAMPLES: &[Sample] = &[
    Sample {
        id: "penguins",
        title: "Penguins",
        blurb: "344 penguins and their measurements: find the natural groups.",
        suggested_target: Some("species"),
        template: None,
        bytes: include_bytes!("../sample-data/penguins.csv"),
    },
    Sample {
        id: "shop_purchases",
        title: "Shop purchases",
        blurb: "5,885 purchases by 1,200 made-up customers: one row per customer, then find the groups.",
        suggested_target: None,
        template: None,
        bytes: include_bytes!("../sample-data/shop_purchases.csv"),
    },
    Sample {
        id: "german_credit",
        title: "German credit",
        blurb: "1,000 loans, 30% went bad: predict which ones.",
        suggested_target: Some("credit_risk"),
        template: None,
        bytes: include_bytes!("../sample-data/german_credit.csv"),
    },
    Sample {
        id: "titanic",
        title: "Titanic passengers",
        blurb: "Who survived? Shows leaking columns and personal data.",
        suggested_target: Some("Survived"),
        template: None,
        bytes: include_bytes!("../sample-data/titanic.csv"),
    },
    Sample {
        id: "telco_churn",
        title: "Telecom churn",
        blurb: "7,043 phone customers: predict who leaves.",
        suggested_target: Some("churn"),
        template: None,
        bytes: include_bytes!("../sample-data/telco_churn.csv"),
    },
    Sample {
        id: "adult",
        title: "Census income",
        blurb: "4,000 adults from the 1994 US census: predict income over $50K.",
        suggested_target: Some("income"),
        template: None,
        bytes: include_bytes!("../sample-data/adult_4000.csv"),
    },
    Sample {
        id: "open_bandit",
        title: "Fashion recommendations",
        blurb: "2,000 items shown at random and whether they were clicked: learn what to show.",
        suggested_target: Some("click"),
        template: Some(crate::templates::artefact::TemplateKind::Reinforcement),
        bytes: include_bytes!("../sample-data/open_bandit_random_2000.csv"),
    },
    Sample {
        id: "census_drift",
        title: "Employment 2015 vs 2018",
        blurb: "Census rows from two years: see how the population drifted.",
        suggested_target: Some("employed"),
        template: None,
        bytes: include_bytes!("../sample-data/census_employment_2015_2018.csv"),
    },
];

/// The sample with this id (case-insensitive).
pub fn find(id: &str) -> Option<&'static Sample> {
    SAMPLES
        .iter()
        .find(|s| s.id.eq_ignore_ascii_case(id.trim()))
}

/// The sample ids, for error messages.
pub fn ids() -> String {
    SAMPLES.iter().map(|s| s.id).collect::<Vec<_>>().join(", ")
}
