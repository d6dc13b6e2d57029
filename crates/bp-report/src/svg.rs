//! Line charts as inline SVG: no script, no font or stylesheet to fetch, so the HTML report
//! is one self-contained file that prints as it shows. Output is deterministic (fixed
//! decimals, no ids or timestamps), which keeps the report's snapshot test meaningful.

use std::fmt::Write as _;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 26.0;
const BOTTOM: f64 = 30.0;
/// Gridlines the value axis aims for.
const Y_TICKS: f64 = 5.0;
const X_TICKS: f64 = 6.0;

/// One line of a chart.
pub struct Series<'a> {
    pub name: &'a str,
    /// Stroke colour (CSS colour); dark enough to print on white.
    pub color: &'a str,
    /// `(x, y)`; x in seconds from the run's start.
    pub points: Vec<(f64, f64)>,
}

/// A chart over the run's time: x in seconds, y from 0 in `unit`.
pub struct LineChart<'a> {
    /// The chart's accessible name (`aria-label`).
    pub title: &'a str,
    pub unit: &'a str,
    pub series: Vec<Series<'a>>,
}

impl LineChart<'_> {
    /// The `<svg>` element.
    pub fn render(&self) -> String {
        let finite = |v: &&(f64, f64)| v.0.is_finite() && v.1.is_finite();
        let all = || {
            self.series
                .iter()
                .flat_map(|s| s.points.iter())
                .filter(finite)
        };
        let max_x = all().map(|p| p.0).fold(0.0, f64::max);
        let max_y = all().map(|p| p.1).fold(0.0, f64::max);
        let (y_step, y_top) = axis(max_y, Y_TICKS);
        let (x_step, x_right) = axis(max_x, X_TICKS);
        let plot_w = WIDTH - LEFT - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let sx = |x: f64| LEFT + x / x_right * plot_w;
        let sy = |y: f64| TOP + plot_h - y / y_top * plot_h;
        let mut svg = format!(
            r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}" font-family="sans-serif" font-size="11">"#,
            escape(self.title)
        );
        // Writing into a String cannot fail: the results below are ignored for that reason.
        let mut y = 0.0;
        while y <= y_top + y_step / 2.0 {
            let py = sy(y);
            let _ = write!(
                svg,
                r##"<line x1="{LEFT}" y1="{py:.1}" x2="{:.1}" y2="{py:.1}" stroke="#d9d9d9" stroke-width="1"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#444">{}</text>"##,
                WIDTH - RIGHT,
                LEFT - 6.0,
                py + 4.0,
                tick_label(y, y_step)
            );
            y += y_step;
        }
        let mut x = 0.0;
        while x <= x_right + x_step / 2.0 {
            let px = sx(x);
            let _ = write!(
                svg,
                r##"<text x="{px:.1}" y="{:.1}" text-anchor="middle" fill="#444">{}</text>"##,
                HEIGHT - BOTTOM + 16.0,
                tick_label(x, x_step)
            );
            x += x_step;
        }
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{0:.1}" x2="{1:.1}" y2="{0:.1}" stroke="#888" stroke-width="1"/><text x="{1:.1}" y="{2:.1}" text-anchor="end" fill="#444">s</text><text x="{LEFT}" y="12" fill="#444">{3}</text>"##,
            TOP + plot_h,
            WIDTH - RIGHT,
            HEIGHT - 2.0,
            escape(self.unit)
        );
        let mut legend_x = LEFT + 80.0;
        for s in &self.series {
            let _ = write!(
                svg,
                r##"<rect x="{legend_x:.1}" y="4" width="12" height="3" fill="{0}"/><text x="{1:.1}" y="12" fill="#222">{2}</text>"##,
                escape(s.color),
                legend_x + 16.0,
                escape(s.name)
            );
            legend_x += 24.0 + 7.0 * s.name.chars().count() as f64;
            let points: Vec<String> = s
                .points
                .iter()
                .filter(|p| finite(p))
                .map(|&(x, y)| format!("{:.1},{:.1}", sx(x), sy(y)))
                .collect();
            if !points.is_empty() {
                let _ = write!(
                    svg,
                    r#"<polyline fill="none" stroke="{}" stroke-width="1.6" stroke-linejoin="round" points="{}"/>"#,
                    escape(s.color),
                    points.join(" ")
                );
            }
        }
        if all().next().is_none() {
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#888">no data</text>"##,
                LEFT + plot_w / 2.0,
                TOP + plot_h / 2.0
            );
        }
        svg.push_str("</svg>");
        svg
    }
}

/// A "nice" tick step (1, 2 or 5 × 10^k) for about `ticks` gridlines up to `max`, and the
/// axis end (a whole number of steps at or above `max`; 1 for an empty axis).
fn axis(max: f64, ticks: f64) -> (f64, f64) {
    // NaN and non-positive maxima alike get the empty axis.
    if max.is_nan() || max <= 0.0 {
        return (0.2, 1.0);
    }
    let raw = max / ticks;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = match raw / magnitude {
        n if n <= 1.0 => magnitude,
        n if n <= 2.0 => 2.0 * magnitude,
        n if n <= 5.0 => 5.0 * magnitude,
        _ => 10.0 * magnitude,
    };
    (step, (max / step).ceil().max(1.0) * step)
}

/// Enough decimals to tell ticks `step` apart, and no more.
fn tick_label(value: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    format!("{value:.decimals$}")
}

/// Text and attribute values are escaped even though every caller passes our own words:
/// profile and scenario names come from user-written TOML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_use_nice_steps() {
        assert_eq!(axis(0.0, 5.0), (0.2, 1.0));
        assert_eq!(axis(97.0, 5.0), (20.0, 100.0));
        assert_eq!(axis(1234.0, 5.0), (500.0, 1500.0));
        assert_eq!(axis(0.37, 5.0), (0.1, 0.4));
        assert_eq!(tick_label(0.30000000000000004, 0.1), "0.3");
        assert_eq!(tick_label(1500.0, 500.0), "1500");
    }

    #[test]
    fn renders_lines_legends_and_no_data() {
        let chart = LineChart {
            title: "p95 <ms>",
            unit: "ms",
            series: vec![Series {
                name: "p95",
                color: "#c0392b",
                points: vec![(0.0, 1.0), (1.0, 2.0), (2.0, f64::NAN)],
            }],
        };
        let svg = chart.render();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
        assert!(svg.contains(r#"aria-label="p95 &lt;ms&gt;""#));
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert!(!svg.contains("NaN"));
        let empty = LineChart {
            title: "none",
            unit: "ms",
            series: vec![],
        }
        .render();
        assert!(empty.contains("no data"));
    }
}
