//! The HTML report (`--report-html`): one self-contained file — inline CSS, inline SVG
//! charts, no script and nothing to fetch — that prints well to PDF. The page is a minijinja
//! template (`templates/load-report.html`, compiled into the binary); this module turns a
//! [`Report`] into the template's view, with every number formatted here so the template
//! only lays out text.

use crate::Error;
use crate::model::{Report, TagSummary};
use crate::svg::{LineChart, Series};
use crate::text::observed;
use serde::Serialize;

const TEMPLATE_NAME: &str = "load-report.html";
const TEMPLATE: &str = include_str!("../templates/load-report.html");

/// Dark enough to print on white, told apart without colour by their order in the legend.
const BLUE: &str = "#1f5fa8";
const ORANGE: &str = "#c2560c";
const RED: &str = "#b3261e";
const GREY: &str = "#555555";

#[derive(Serialize)]
struct View {
    title: String,
    target: String,
    mix: String,
    duration: String,
    verdict: &'static str,
    verdict_class: &'static str,
    stopped_early: Option<String>,
    generator_bound: bool,
    summary: Vec<(&'static str, String)>,
    thresholds: Vec<ThresholdRow>,
    charts: Vec<Chart>,
    analysis: Vec<String>,
    tag_tables: Vec<TagTable>,
    errors_by_kind: Vec<(String, u64)>,
    generator: Vec<(&'static str, String)>,
    schema_version: u32,
}

#[derive(Serialize)]
struct ThresholdRow {
    expr: String,
    observed: String,
    result: &'static str,
    class: &'static str,
}

#[derive(Serialize)]
struct Chart {
    caption: &'static str,
    svg: String,
}

#[derive(Serialize)]
struct TagTable {
    title: &'static str,
    key: &'static str,
    rows: Vec<TagRow>,
}

#[derive(Serialize)]
struct TagRow {
    name: String,
    requests: u64,
    errors: u64,
    error_rate: String,
    p50: String,
    p95: String,
    p99: String,
    max: String,
    accuracy: String,
}

/// The report as one HTML page.
pub fn html(report: &Report) -> Result<String, Error> {
    let mut env = minijinja::Environment::new();
    // The `.html` name turns on HTML auto-escaping: profile and scenario names are
    // user-written, and only our own SVG is passed through `|safe`. minijinja also escapes
    // `/` by default, which turns every `req/s` into `req&#x2f;s`: harmless in a browser,
    // but it defeats searching the file; outside attributes left unquoted (we have none)
    // escaping `& < > " '` is enough.
    env.set_formatter(|out, state, value| {
        if *state.auto_escape() == minijinja::AutoEscape::Html && !value.is_safe() {
            out.write_str(&escape_html(&value.to_string()))
                .map_err(minijinja::Error::from)
        } else {
            minijinja::escape_formatter(out, state, value)
        }
    });
    env.add_template(TEMPLATE_NAME, TEMPLATE)
        .map_err(Error::Template)?;
    let template = env.get_template(TEMPLATE_NAME).map_err(Error::Template)?;
    template
        .render(minijinja::value::Serde(view(report)))
        .map_err(Error::Template)
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

fn view(r: &Report) -> View {
    let (verdict, verdict_class) = if r.thresholds_ok {
        ("PASS", "pass")
    } else {
        ("FAIL", "fail")
    };
    View {
        title: format!("Load test report: {}", r.profile),
        target: r.target.clone(),
        mix: r.mix.clone(),
        duration: format!(
            "{:.1} s of {:.1} s planned",
            r.duration_s, r.planned_duration_s
        ),
        verdict,
        verdict_class,
        stopped_early: r.stopped_early.clone(),
        generator_bound: r.generator.generator_bound,
        summary: summary_rows(r),
        thresholds: r
            .thresholds
            .iter()
            .map(|v| ThresholdRow {
                expr: v.expr.clone(),
                observed: observed(v.value),
                result: if v.ok { "pass" } else { "FAIL" },
                class: if v.ok { "pass" } else { "fail" },
            })
            .collect(),
        charts: charts(r),
        analysis: r.analysis.as_ref().map(|a| a.lines()).unwrap_or_default(),
        tag_tables: tag_tables(r),
        errors_by_kind: r
            .errors_by_kind
            .iter()
            .map(|(k, n)| (k.clone(), *n))
            .collect(),
        generator: generator_rows(r),
        schema_version: r.schema_version,
    }
}

fn percent(share: f64) -> String {
    format!("{:.3} %", share * 100.0)
}

fn summary_rows(r: &Report) -> Vec<(&'static str, String)> {
    let l = &r.latency_ms;
    let mut rows = vec![
        ("Requests", r.requests.to_string()),
        (
            "Errors",
            format!("{} ({})", r.errors, percent(r.error_rate)),
        ),
        ("Throughput", format!("{:.1} req/s", r.throughput_rps)),
        ("Duration", format!("{:.1} s", r.duration_s)),
        ("Latency p50", format!("{:.2} ms", l.p50)),
        ("Latency p90", format!("{:.2} ms", l.p90)),
        ("Latency p95", format!("{:.2} ms", l.p95)),
        ("Latency p99", format!("{:.2} ms", l.p99)),
        ("Latency max", format!("{:.2} ms", l.max)),
        ("Latency mean", format!("{:.2} ms", l.mean)),
    ];
    if let Some(a) = r.technique_accuracy {
        rows.push((
            "Technique accuracy",
            format!(
                "{:.1} % of {} labelled responses",
                a * 100.0,
                r.technique_checked
            ),
        ));
    }
    rows
}

fn generator_rows(r: &Report) -> Vec<(&'static str, String)> {
    let g = &r.generator;
    vec![
        ("CPU", format!("{:.1} % of one core", g.cpu_percent)),
        ("CPU per request", format!("{:.2} µs", g.cpu_us_per_request)),
        (
            "Generator-bound",
            if g.generator_bound { "yes" } else { "no" }.to_owned(),
        ),
        ("Threads", g.threads.to_string()),
        ("Virtual users", g.virtual_users.to_string()),
        (
            "Schedule lag p50 / p99 / max",
            format!(
                "{:.2} / {:.2} / {:.2} ms",
                g.schedule_lag_ms.p50, g.schedule_lag_ms.p99, g.schedule_lag_ms.max
            ),
        ),
        (
            "Peak memory (RSS)",
            format!("{:.1} MiB", g.max_rss_bytes as f64 / (1024.0 * 1024.0)),
        ),
        ("Late iterations", r.iterations.late.to_string()),
        ("Dropped iterations", r.iterations.dropped.to_string()),
        ("Interrupted requests", r.iterations.interrupted.to_string()),
    ]
}

fn charts(r: &Report) -> Vec<Chart> {
    // Each window is plotted at its end: that is when its figures were known.
    let at = |p: &crate::model::WindowPoint| p.t_s + p.window_s;
    let line = |f: &dyn Fn(&crate::model::WindowPoint) -> f64| -> Vec<(f64, f64)> {
        r.time_series.iter().map(|p| (at(p), f(p))).collect()
    };
    let per_s = |n: u64, p: &crate::model::WindowPoint| {
        if p.window_s > 0.0 {
            n as f64 / p.window_s
        } else {
            0.0
        }
    };
    let mut charts = vec![
        Chart {
            caption: "Throughput",
            svg: LineChart {
                title: "Throughput in requests per second",
                unit: "req/s",
                series: vec![Series {
                    name: "req/s",
                    color: BLUE,
                    points: line(&|p| p.rps),
                }],
            }
            .render(),
        },
        Chart {
            caption: "Latency percentiles",
            svg: LineChart {
                title: "Latency p50, p95 and p99 in milliseconds",
                unit: "ms",
                series: vec![
                    Series {
                        name: "p50",
                        color: BLUE,
                        points: line(&|p| p.p50_ms),
                    },
                    Series {
                        name: "p95",
                        color: ORANGE,
                        points: line(&|p| p.p95_ms),
                    },
                    Series {
                        name: "p99",
                        color: RED,
                        points: line(&|p| p.p99_ms),
                    },
                ],
            }
            .render(),
        },
        Chart {
            caption: "Errors and dropped iterations",
            svg: LineChart {
                title: "Errors and dropped iterations per second",
                unit: "per s",
                series: vec![
                    Series {
                        name: "errors/s",
                        color: RED,
                        points: line(&|p| per_s(p.errors, p)),
                    },
                    Series {
                        name: "dropped/s",
                        color: GREY,
                        points: line(&|p| per_s(p.dropped, p)),
                    },
                ],
            }
            .render(),
        },
        Chart {
            caption: "Active users",
            svg: LineChart {
                title: "Active virtual users and open-model requests in flight",
                unit: "users",
                series: vec![Series {
                    name: "users",
                    color: GREY,
                    points: line(&|p| p.users as f64),
                }],
            }
            .render(),
        },
    ];
    if !r.server_memory.is_empty() {
        charts.push(Chart {
            caption: "Server memory",
            svg: LineChart {
                title: "Server resident memory in MiB",
                unit: "MiB",
                series: vec![Series {
                    name: "RSS",
                    color: BLUE,
                    points: r
                        .server_memory
                        .iter()
                        .map(|m| (m.t_s, m.bytes as f64 / (1024.0 * 1024.0)))
                        .collect(),
                }],
            }
            .render(),
        });
    }
    charts
}

fn tag_tables(r: &Report) -> Vec<TagTable> {
    let rows = |m: &std::collections::BTreeMap<String, TagSummary>| {
        m.iter().map(|(name, s)| tag_row(name.clone(), s)).collect()
    };
    let mut tables = vec![TagTable {
        title: "By endpoint",
        key: "endpoint",
        rows: rows(&r.by_endpoint),
    }];
    if !r.by_region.is_empty() {
        tables.push(TagTable {
            title: "By region",
            key: "region",
            rows: rows(&r.by_region),
        });
    }
    // Scenario × endpoint only adds something when there is more than one scenario.
    let scenarios: std::collections::BTreeSet<&str> =
        r.breakdown.iter().map(|c| c.scenario.as_str()).collect();
    if scenarios.len() > 1 {
        tables.push(TagTable {
            title: "By scenario and endpoint",
            key: "scenario / endpoint",
            rows: r
                .breakdown
                .iter()
                .map(|c| {
                    tag_row(
                        format!("{} / {}", c.scenario, c.endpoint),
                        &TagSummary {
                            requests: c.requests,
                            errors: c.errors,
                            error_rate: crate::model::ratio(c.errors, c.requests),
                            latency_ms: c.latency_ms.clone(),
                            technique_accuracy: (c.technique_checked > 0).then(|| {
                                crate::model::ratio(c.technique_correct, c.technique_checked)
                            }),
                        },
                    )
                })
                .collect(),
        });
    }
    tables
}

fn tag_row(name: String, s: &TagSummary) -> TagRow {
    TagRow {
        name,
        requests: s.requests,
        errors: s.errors,
        error_rate: percent(s.error_rate),
        p50: format!("{:.2}", s.latency_ms.p50),
        p95: format!("{:.2}", s.latency_ms.p95),
        p99: format!("{:.2}", s.latency_ms.p99),
        max: format!("{:.2}", s.latency_ms.max),
        accuracy: s
            .technique_accuracy
            .map_or("–".to_owned(), |a| format!("{:.1} %", a * 100.0)),
    }
}
