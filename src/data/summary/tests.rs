use super::*;
use crate::data::TextValues;
use crate::data::{DataSource, Fix, Recipe, load};
use crate::jobs::Progress;

/// A purchase log: two customers on several rows, one on one row, and a
/// purchase with no customer.
const LOG: &str = "\
customer_id,date,amount,channel,returned,note,order_no
C1,2024-01-01,10,web,no,first,1
C2,2024-01-05,100,shop,yes,big,2
C1,2024-01-11,30,web,yes,,1
C1,2024-01-21,20,shop,no,again,3
,2024-01-25,5,web,no,who,4
C3,2024-01-31,7,web,no,,5
";

fn log() -> Table {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("log.csv");
    std::fs::write(&path, LOG).expect("writes");
    load(&DataSource::File(path), &Progress::silent()).expect("reads")
}

fn numbers(table: &Table, name: &str) -> Vec<f64> {
    match table.named(name).expect("column").values.as_ref() {
        ColumnValues::Number(v) => v.clone(),
        other => panic!("'{name}' should hold numbers, not {other:?}"),
    }
}

fn shown(table: &Table, name: &str) -> Vec<String> {
    let values = &table.named(name).expect("column").values;
    (0..table.rows)
        .map(|r| values.display(r).into_owned())
        .collect()
}

#[test]
fn a_log_becomes_one_row_per_key_with_plain_figures() {
    let per = PerKey {
        key: "customer_id".into(),
    };
    let summary = per.summarise(&log()).expect("summarises");
    assert_eq!(
        summary.rows, 3,
        "one row per customer; the row without one is left out"
    );
    assert_eq!(shown(&summary, "customer_id"), ["C1", "C2", "C3"]);
    assert_eq!(
        summary.named("customer_id").expect("key").role,
        ColumnRole::Identifier
    );
    assert_eq!(numbers(&summary, "rows per customer"), [3.0, 1.0, 1.0]);
    // Counted back from the log's latest date, 2024-01-31.
    assert_eq!(numbers(&summary, "days since last date"), [10.0, 26.0, 0.0]);
    assert_eq!(
        numbers(&summary, "days since first date"),
        [30.0, 26.0, 0.0]
    );
    assert_eq!(numbers(&summary, "total amount"), [60.0, 100.0, 7.0]);
    assert_eq!(numbers(&summary, "average amount"), [20.0, 100.0, 7.0]);
    assert_eq!(
        shown(&summary, "most common channel"),
        ["web", "shop", "web"]
    );
    let share = numbers(&summary, "share returned");
    assert!((share[0] - 1.0 / 3.0).abs() < 1e-9 && share[1] == 1.0 && share[2] == 0.0);
    assert!(
        summary.column("note").is_none(),
        "free text says nothing as a figure"
    );
    assert_eq!(summary.summarised, Some(per));
    let notice = summary.notices.last().expect("a notice");
    assert!(
        notice.contains("Summarised 6 rows into 3, one per customer_id")
            && notice.contains("1 row without a customer_id was left out")
            && notice.contains("counted back from the latest date, 2024-01-31"),
        "{notice}"
    );
}

#[test]
fn a_missing_key_is_an_error_naming_it_and_a_recipe_skips_it() {
    let per = PerKey { key: "shop".into() };
    let err = per
        .summarise(&log())
        .expect_err("no such column")
        .to_string();
    assert!(err.contains("shop") && err.contains("log.csv"), "{err}");
    let mut recipe = Recipe::default();
    recipe.add_fix(Fix::SummarisePer {
        column: "shop".into(),
    });
    assert_eq!(recipe.apply(&log()).rows, 6, "last month's recipe replays");
}

#[test]
fn a_recipe_summarises_with_the_roles_the_user_chose() {
    let mut recipe = Recipe::default();
    recipe.add_fix(Fix::SummarisePer {
        column: "customer_id".into(),
    });
    // Amounts read as labels are counted, not totalled; order numbers
    // read as keys count orders.
    recipe.roles.insert("amount".into(), ColumnRole::Category);
    recipe
        .roles
        .insert("order_no".into(), ColumnRole::Identifier);
    let summary = recipe.apply(&log());
    assert_eq!(summary.rows, 3);
    assert_eq!(
        numbers(&summary, "number of different order_no"),
        [2.0, 1.0, 1.0]
    );
    assert!(summary.column("total amount").is_none());
    assert_eq!(shown(&summary, "most common amount"), ["10", "100", "7"]);
    assert!(
        recipe.fixes[0]
            .describe()
            .starts_with("One row per customer:"),
        "{}",
        recipe.fixes[0].describe()
    );
}

#[test]
fn what_a_row_stands_for_is_named_from_the_key() {
    let noun = |key: &str| PerKey { key: key.into() }.noun();
    assert_eq!(noun("customer_id"), "customer");
    assert_eq!(noun("CustomerID"), "customer");
    assert_eq!(noun("AccountHolderNo"), "account holder");
    assert_eq!(noun("SKU"), "SKU");
    assert_eq!(noun("account number"), "account");
    assert_eq!(noun("policy_no"), "policy");
    assert_eq!(noun("id"), "id");
    let count = |key: &str, n| PerKey { key: key.into() }.count(n);
    assert_eq!(count("customer_id", 23_570), "23,570 customers");
    assert_eq!(count("policy_no", 2), "2 policies");
    assert_eq!(count("address_id", 2), "2 addresses");
    assert_eq!(count("day_id", 1), "1 day");
    assert_eq!(rows_in_words(None, 3), "3 rows");
}

#[test]
fn a_newer_file_is_summed_up_like_the_one_on_screen() {
    let per = PerKey {
        key: "customer_id".into(),
    };
    let summary = per.summarise(&log()).expect("summarises");
    let newer = summarised_like(&summary, log()).expect("summarises alike");
    assert_eq!(newer.rows, 3);
    let unchanged = summarised_like(&log(), log()).expect("nothing to do");
    assert_eq!(unchanged.rows, 6);
    // A summary written out and read back is not summed up twice.
    let mut exported = summary.clone();
    exported.summarised = None;
    let kept = summarised_like(&summary, exported).expect("already one row per key");
    assert_eq!(numbers(&kept, "rows per customer"), [3.0, 1.0, 1.0]);
}

#[test]
fn a_label_each_key_holds_one_of_stays_the_keys_own() {
    // Each customer has one plan and either churned or not.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("visits.csv");
    std::fs::write(
        &path,
        "customer_id,plan,churned,minutes\n\
         C1,basic,yes,3\nC1,basic,yes,5\nC2,pro,no,40\nC2,pro,no,50\nC3,pro,no,20\n",
    )
    .expect("writes");
    let visits = load(&DataSource::File(path), &Progress::silent()).expect("reads");
    let per = PerKey {
        key: "customer_id".into(),
    };
    let summary = per.summarise(&visits).expect("summarises");
    assert_eq!(shown(&summary, "plan"), ["basic", "pro", "pro"]);
    assert_eq!(shown(&summary, "churned"), ["yes", "no", "no"]);
    assert_eq!(
        summary.named("churned").expect("churned").role,
        ColumnRole::Boolean,
        "still a yes/no question a model can predict"
    );
    assert!(summary.column("share churned").is_none());
    // New visits where a customer changed plan: a model that learned
    // 'plan' still gets 'plan' (their most common one, the first among
    // equals)…
    let mut changed = visits.clone();
    let plan = changed.column_index("plan").expect("plan");
    changed.columns[plan].values = std::sync::Arc::new(ColumnValues::Text(TextValues {
        codes: vec![0, 1, 1, 1, 1],
        levels: vec!["basic".into(), "pro".into()],
    }));
    let wanted = vec!["plan".to_owned()];
    let again = per.summarise_for(&changed, &wanted).expect("summarises");
    assert_eq!(shown(&again, "plan"), ["basic", "pro", "pro"]);
    assert!(again.column("most common plan").is_none());
    // …and without a model, the disagreement shows as a most common plan.
    let plain = per.summarise(&changed).expect("summarises");
    assert!(plain.column("plan").is_none() && plain.column("most common plan").is_some());
}
