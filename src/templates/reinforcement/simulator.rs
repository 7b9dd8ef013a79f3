//! The workshop simulator: a small made-up shop whose customers' true
//! chances of taking each offer are known, so a room can watch a policy
//! learn from a log and compare the off-policy estimates with the truth —
//! and see them fail when the old system hardly explored or logged wrong
//! chances.
//!
//! Customers have an age, a region, a number of visits, a membership and a
//! basket size. Five offers each suit some customers: the effects have
//! thresholds and interactions, so a straight line cannot find them.

use serde::{Deserialize, Serialize};

use crate::data::{ColumnValues, Table, TableOrigin, TextValues, infer};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// The offers, in the order their codes refer to.
pub const OFFERS: [&str; 5] = [
    "bundle",
    "free shipping",
    "gift",
    "loyalty points",
    "ten percent off",
];
const REGIONS: [&str; 4] = ["east", "north", "south", "west"];

/// How the old system chose offers when the log was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OldPolicy {
    /// Every offer equally often.
    Uniform,
    /// A rule of thumb (ten percent off for most), still trying every offer
    /// now and then: the usual case.
    Targeted,
    /// Nearly always the same offer: too little exploration to judge the others.
    NearlyFixed,
    /// Targeted, but the log records the wrong chances (as if uniform).
    WrongChances,
}

impl OldPolicy {
    /// Every choice, for menus.
    pub const ALL: [OldPolicy; 4] = [
        Self::Uniform,
        Self::Targeted,
        Self::NearlyFixed,
        Self::WrongChances,
    ];

    /// In a few words.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Uniform => "every offer equally often",
            Self::Targeted => "a rule of thumb that still tries every offer",
            Self::NearlyFixed => "nearly always the same offer",
            Self::WrongChances => "a rule of thumb, with the wrong chances logged",
        }
    }
}

/// One customer's context.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Customer {
    age: f64,
    region: usize,
    visits: f64,
    member: bool,
    basket: f64,
}

impl Customer {
    fn draw(rng: &mut StdRng) -> Self {
        let u = |rng: &mut StdRng| rng.random::<f64>();
        Self {
            age: (18.0 + 62.0 * u(rng) * u(rng).sqrt()).round(),
            region: rng.random_range(0..REGIONS.len()),
            visits: (-(1.0 - u(rng)).ln() * 6.0).floor(),
            member: u(rng) < 0.35,
            basket: (20.0 + (-(1.0 - u(rng)).ln()) * 60.0).round(),
        }
    }

    /// The true chance that this customer takes each offer.
    fn chances(&self) -> [f64; 5] {
        let young = self.age < 30.0;
        let older = self.age >= 50.0;
        let far = self.region == 3;
        let regular = self.visits >= 5.0;
        let logits = [
            // bundle: frequent visitors with big baskets
            -2.6 + if self.visits >= 8.0 && self.basket >= 60.0 {
                2.4
            } else {
                0.0
            },
            // free shipping: small baskets far away
            -2.2 + if far { 1.3 } else { 0.0 } + if self.basket < 50.0 { 0.8 } else { -0.4 },
            // gift: older members
            -2.8 + if older && self.member { 2.6 } else { 0.0 },
            // loyalty points: regular members only
            -3.0 + if self.member && regular { 2.9 } else { -0.5 },
            // ten percent off: the young, a little for everyone
            -1.9 + if young && !self.member { 1.1 } else { 0.0 },
        ];
        logits.map(|z: f64| 1.0 / (1.0 + (-z).exp()))
    }

    /// The old system's chance of each offer for this customer.
    fn old_policy(&self, old: OldPolicy) -> [f64; 5] {
        match old {
            OldPolicy::Uniform => [0.2; 5],
            OldPolicy::Targeted | OldPolicy::WrongChances => {
                let mut p = [0.08; 5];
                let favourite = if self.member { 3 } else { 4 };
                p[favourite] += 0.6;
                if self.region == 3 {
                    p[1] += 0.1;
                    p[favourite] -= 0.1;
                }
                p
            }
            OldPolicy::NearlyFixed => {
                let mut p = [0.0025; 5];
                p[4] = 0.99;
                p
            }
        }
    }
}

/// The truth behind a simulated log: each row's chance of taking each
/// offer, and the old system's chance of making it.
#[derive(Debug, Clone, PartialEq)]
pub struct Truth {
    /// Each customer's true chance of taking each offer, `rows × 5`.
    pub chances: Vec<f64>,
    /// The old system's chance of each offer for each customer, `rows × 5`.
    pub old: Vec<f64>,
}

impl Truth {
    /// The true value (expected takes per decision) of a policy whose chances
    /// of each offer on `rows` are `policy` (`rows.len() × 5`).
    pub fn value(&self, rows: &[usize], policy: &[f64]) -> f64 {
        let k = OFFERS.len();
        let total: f64 = rows
            .iter()
            .enumerate()
            .map(|(i, &r)| {
                (0..k)
                    .map(|a| policy[i * k + a] * self.chances[r * k + a])
                    .sum::<f64>()
            })
            .sum();
        total / rows.len().max(1) as f64
    }

    /// The best value any policy could have on `rows`.
    pub fn best(&self, rows: &[usize]) -> f64 {
        let k = OFFERS.len();
        rows.iter()
            .map(|&r| {
                self.chances[r * k..(r + 1) * k]
                    .iter()
                    .copied()
                    .fold(0.0, f64::max)
            })
            .sum::<f64>()
            / rows.len().max(1) as f64
    }
}

/// A log of `rows` decisions taken by `old` on the made-up customers, drawn
/// with `seed`, with the truth behind it.
pub fn simulate(rows: usize, old: OldPolicy, seed: u64) -> (Table, Truth) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut columns: [Vec<f64>; 4] = Default::default();
    let (mut region, mut member, mut offer) = (Vec::new(), Vec::new(), Vec::new());
    let (mut propensity, mut clicked, mut day) = (Vec::new(), Vec::new(), Vec::new());
    let mut truth = Vec::with_capacity(rows * OFFERS.len());
    let mut old_truth = Vec::with_capacity(rows * OFFERS.len());
    for i in 0..rows {
        let c = Customer::draw(&mut rng);
        let chances = c.chances();
        let old_chances = c.old_policy(old);
        let u = rng.random::<f64>();
        let mut acc = 0.0;
        let mut taken = OFFERS.len() - 1;
        for (a, p) in old_chances.iter().enumerate() {
            acc += p;
            if u < acc {
                taken = a;
                break;
            }
        }
        let logged = match old {
            OldPolicy::WrongChances => 0.2,
            _ => old_chances[taken],
        };
        columns[0].push(c.age);
        columns[1].push(c.visits);
        columns[2].push(c.basket);
        columns[3].push(rng.random::<f64>());
        region.push(c.region as u32);
        member.push(u32::from(c.member));
        offer.push(taken as u32);
        propensity.push(logged);
        clicked.push(f64::from(u8::from(rng.random::<f64>() < chances[taken])));
        day.push((1 + i * 90 / rows.max(1)) as f64);
        truth.extend(chances);
        old_truth.extend(old_chances);
    }
    let text = |codes: Vec<u32>, levels: &[&str]| {
        ColumnValues::Text(TextValues {
            codes,
            levels: levels.iter().map(|s| s.to_string()).collect(),
        })
    };
    let table = Table {
        name: format!("simulated shop ({})", old.describe()),
        origin: TableOrigin::Sample(format!("simulator-{seed}")),
        columns: vec![
            infer::column("day".into(), ColumnValues::Number(day)),
            infer::column("age".into(), ColumnValues::Number(columns[0].clone())),
            infer::column("region".into(), text(region, &REGIONS)),
            infer::column("visits".into(), ColumnValues::Number(columns[1].clone())),
            infer::column("member".into(), text(member, &["no", "yes"])),
            infer::column("basket".into(), ColumnValues::Number(columns[2].clone())),
            infer::column("noise".into(), ColumnValues::Number(columns[3].clone())),
            infer::column("offer".into(), text(offer, &OFFERS)),
            infer::column("propensity".into(), ColumnValues::Number(propensity)),
            infer::column("clicked".into(), ColumnValues::Number(clicked)),
        ],
        rows,
        notices: Vec::new(),
        fingerprint: format!("simulator-{seed}-{rows}"),
        summarised: None,
    };
    (
        table,
        Truth {
            chances: truth,
            old: old_truth,
        },
    )
}
