//! The model report: one self-contained HTML page (inline CSS, inline SVG
//! charts, no scripts and nothing fetched) that an executive or a
//! model-risk reviewer reads, and that prints to a clean PDF.

use serde_json::Value;

use super::account::Account;
use super::audit::Trail;
use super::runs::{RunId, RunRecord, RunStatus};
use super::store::Project;
use super::svg;
use crate::data::{fingerprint_of, load};
use crate::error::Result;
use crate::explain::letter::escape;
use crate::health::analyse;
use crate::jobs::Progress;
use crate::words::Moment;

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:52rem;\
margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}h1{font-size:1.6rem;margin-bottom:0}\
h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}\
.sub{color:#555;margin-top:.2rem}table{border-collapse:collapse;width:100%;margin:.5rem 0}\
td,th{border-bottom:1px solid #e3e3e3;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#f4f4f4}pre{background:#f7f7f7;padding:.6rem;overflow-x:auto;font-size:.85rem;\
white-space:pre-wrap}figure{margin:1rem 0}figcaption{color:#444;font-size:.9rem}\
.broken{background:#fde8e8;border:2px solid #c0392b;padding:.6rem}.intact{background:#e8f6ee;\
border:1px solid #1e8449;padding:.6rem}@media print{body{margin:0;max-width:none}h2{break-after:avoid}\
figure,table{break-inside:avoid}}";

/// Writes the report of `run` as one HTML page. Reads the run's data again,
/// when it is still there unchanged, to describe its health.
pub fn report(project: &Project, run: RunId, progress: &Progress) -> Result<String> {
    let record = project.run(run)?;
    let health = health(project, &record, progress);
    let explanation = project.latest_explanation(run)?;
    let drift = project.drift_checks(Some(run))?;
    let notes = project.notes(Some(run))?;
    let mut html = String::new();
    let title = format!("{} report: run {}", record.template.name(), run.0);
    html.push_str(&format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>{STYLE}</style></head><body><h1>{t}</h1><p class=\"sub\">Project '{p}' · written {w} \
         by Clearbox {v}</p>",
        t = escape(&title),
        p = escape(&project.name()),
        w = escape(&Moment::now().shown()),
        v = escape(env!("CARGO_PKG_VERSION")),
    ));
    // Checked again now: the report states the trail as it is when written.
    let trail = super::audit::verify(project.conn()).map_err(|e| project.failed(e))?;
    html.push_str(&trail_box(&trail));
    match (&record.status, &record.account) {
        (RunStatus::Finished, Some(account)) => {
            html.push_str(&what_and_data(&record, account, &health));
            html.push_str(&results(account));
        }
        (RunStatus::Failed, _) => html.push_str(&format!(
            "<h2>Outcome</h2><p>This run did not finish: {}</p>",
            escape(
                record
                    .problem
                    .as_deref()
                    .unwrap_or("no reason was recorded.")
            )
        )),
        _ => html.push_str(
            "<h2>Outcome</h2><p>This run never finished: it was interrupted, or is still running. \
             It has no results to report.</p>",
        ),
    }
    html.push_str(&drivers(explanation.as_ref()));
    html.push_str(&drift_section(&drift));
    if !notes.is_empty() {
        html.push_str("<h2>Notes</h2><ul>");
        for (at, text) in &notes {
            html.push_str(&format!(
                "<li>{}: {}</li>",
                escape(&shown(at)),
                escape(text)
            ));
        }
        html.push_str("</ul>");
    }
    html.push_str(&provenance(&record));
    html.push_str("</body></html>");
    Ok(html)
}

fn trail_box(trail: &Trail) -> String {
    let class = match trail {
        Trail::Intact { .. } => "intact",
        Trail::Broken { .. } => "broken",
    };
    format!(
        "<p class=\"{class}\"><strong>Audit trail.</strong> {}</p>",
        escape(&trail.sentence())
    )
}

/// The health of the run's data: checked now when the data is still there
/// unchanged, else as last recorded, else said to be unknown.
fn health(project: &Project, record: &RunRecord, progress: &Progress) -> String {
    let target = record.settings["target"].as_str();
    let unchanged =
        record.data.data_source().ok().filter(|source| {
            fingerprint_of(source).is_ok_and(|now| now == record.data.fingerprint)
        });
    let now = unchanged
        .and_then(|source| load(&source, progress).ok())
        .and_then(|table| analyse(&record.data.recipe.apply(&table), target, progress).ok());
    if let Some(report) = now {
        return format!("{} (checked when this report was written)", report.headline);
    }
    let recorded = project.events().ok().and_then(|events| {
        events
            .into_iter()
            .rev()
            .find(|e| e.kind == "profiled" && e.payload["source"] == record.data.id.0)
            .and_then(|e| {
                e.payload["headline"]
                    .as_str()
                    .map(|h| format!("{h} (checked {})", e.at))
            })
    });
    recorded.unwrap_or_else(|| {
        "Not known: the data is no longer at its recorded place unchanged, and no health check was recorded.".into()
    })
}

fn what_and_data(record: &RunRecord, account: &Account, health: &str) -> String {
    let data = &record.data;
    let left_out: String = if account.left_out.is_empty() {
        "<p>No column was left out.</p>".into()
    } else {
        let rows: String = account
            .left_out
            .iter()
            .map(|(column, why)| {
                format!(
                    "<tr><td>{}</td><td>{}</td></tr>",
                    escape(column),
                    escape(why)
                )
            })
            .collect();
        format!("<table><tr><th>Column left out</th><th>Why</th></tr>{rows}</table>")
    };
    format!(
        "<h2>What it does</h2><p>{purpose}</p><p>It reads {n} columns: {inputs}.</p>\
         <h2>Data</h2><table><tr><th>Source</th><td>{name} ({path})</td></tr>\
         <tr><th>Fingerprint</th><td>{fp} (blake3 of the file's bytes)</td></tr>\
         <tr><th>Rows</th><td>{rows}</td></tr><tr><th>Health</th><td>{health}</td></tr></table>{left_out}\
         <h2>How it was tested</h2><p>{tested}</p>",
        purpose = escape(&account.purpose),
        n = account.inputs.len(),
        inputs = escape(&account.inputs.join(", ")),
        name = escape(&data.name),
        path = escape(&data.path),
        fp = escape(&data.fingerprint),
        rows = data.rows,
        health = escape(health),
        tested = escape(&account.tested),
    )
}

fn results(account: &Account) -> String {
    let sentences: String = account
        .results
        .iter()
        .map(|s| format!("<li>{}</li>", escape(s)))
        .collect();
    format!(
        "<h2>Results against the simple reference</h2><ul>{sentences}</ul>{}",
        svg::bars(&account.chart)
    )
}

fn drivers(explanation: Option<&Value>) -> String {
    let Some(e) = explanation else {
        return "<h2>What drives its answers</h2><p>No explanation was saved for this run yet. \
                Open it on the explanation page, or run <code>clearbox explain --model FOLDER \
                --data FILE --project PROJECT</code>, and write the report again.</p>"
            .into();
    };
    let rows: String = e["global"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .take(10)
        .map(|d| {
            // Explanations kept before "shown" existed give the raw figure.
            let effect = d["shown"].as_str().map_or_else(
                || format!("{:.4}", d["importance"].as_f64().unwrap_or_default()),
                str::to_owned,
            );
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(d["feature"].as_str().unwrap_or_default()),
                escape(&effect),
                escape(d["stability"].as_str().unwrap_or_default())
            )
        })
        .collect();
    format!(
        "<h2>What drives its answers</h2><p>{}</p><table><tr><th>Input</th><th>Average effect \
         (on the {})</th><th>Stability when recomputed</th></tr>{rows}</table>",
        escape(e["summary"].as_str().unwrap_or_default()),
        escape(e["explained"].as_str().unwrap_or("prediction")),
    )
}

fn drift_section(checks: &[super::records::DriftRecord]) -> String {
    if checks.is_empty() {
        return "<h2>Drift checks</h2><p>No drift check has been recorded for this run yet: \
                nobody has compared newer data with its training data in this project.</p>"
            .into();
    }
    let rows: String = checks
        .iter()
        .map(|c| {
            let reasons: Vec<&str> = c.summary["reasons"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            format!(
                "<tr><td>{}</td><td>{} → {}</td><td>{}</td><td>{}</td></tr>",
                escape(&shown(&c.at)),
                escape(&c.reference),
                escape(&c.current),
                escape(&crate::words::capitalised(&c.verdict)),
                escape(&reasons.join(" "))
            )
        })
        .collect();
    format!(
        "<h2>Drift checks</h2><table><tr><th>When</th><th>Compared</th><th>Verdict</th><th>Why</th></tr>{rows}</table>"
    )
}

fn provenance(record: &RunRecord) -> String {
    let settings = serde_json::to_string_pretty(&record.settings).unwrap_or_default();
    let metrics = serde_json::to_string_pretty(&record.metrics).unwrap_or_default();
    format!(
        "<h2>Settings and provenance</h2><table><tr><th>Template</th><td>{template}</td></tr>\
         <tr><th>Seed</th><td>{seed}</td></tr><tr><th>Device</th><td>{device}</td></tr>\
         <tr><th>Clearbox</th><td>{version}</td></tr><tr><th>Started</th><td>{start}</td></tr>\
         <tr><th>Ended</th><td>{end}</td></tr><tr><th>Artefact hash</th><td>{hash}</td></tr>{rerun}</table>\
         <p>The request exactly as given (repeat it with <code>clearbox rerun --run {id}</code>):</p>\
         <pre>{settings}</pre><p>Every recorded figure:</p><pre>{metrics}</pre>",
        template = escape(record.template.name()),
        seed = record.seed,
        device = escape(&record.device),
        version = escape(&record.clearbox_version),
        start = escape(&shown(&record.created_at)),
        end = escape(
            &record
                .ended_at
                .as_deref()
                .map_or("not finished".into(), shown)
        ),
        hash = escape(record.artefact_hash.as_deref().unwrap_or("none")),
        rerun = record.rerun_of.map_or(String::new(), |r| format!(
            "<tr><th>Repeats</th><td>run {}</td></tr>",
            r.0
        )),
        id = record.id.0,
        settings = escape(&settings),
        metrics = escape(&metrics),
    )
}

/// A recorded moment as people read it.
fn shown(recorded: &str) -> String {
    Moment::parse(recorded).map_or_else(|| recorded.to_owned(), |m| m.shown())
}
