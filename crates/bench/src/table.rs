//! The one table the benchmark prints (Markdown, so it can be pasted as is).

use std::fmt;
use std::time::Duration;

pub struct Line {
    figure: String,
    measured: String,
    floor: String,
    ratio: Option<f64>,
    target: String,
    /// None: not measured in this run (the line says why).
    met: Option<bool>,
    reference: String,
}

impl Line {
    /// A figure that must stay at or below `limit` times its floor.
    pub fn ratio(
        figure: String,
        measured: String,
        floor: String,
        ratio: f64,
        target: impl Into<String>,
        limit: f64,
        reference: String,
    ) -> Self {
        Self {
            figure,
            measured,
            floor,
            ratio: Some(ratio),
            target: target.into(),
            met: Some(ratio <= limit),
            reference,
        }
    }

    /// A figure that must reach at least `limit` times its floor or peer.
    pub fn at_least(
        figure: String,
        measured: String,
        floor: String,
        ratio: f64,
        target: impl Into<String>,
        limit: f64,
        reference: String,
    ) -> Self {
        Self {
            figure,
            measured,
            floor,
            ratio: Some(ratio),
            target: target.into(),
            met: Some(ratio >= limit),
            reference,
        }
    }

    /// A figure with an absolute target.
    pub fn absolute(
        figure: String,
        measured: String,
        met: bool,
        target: impl Into<String>,
        reference: String,
    ) -> Self {
        Self {
            figure,
            measured,
            floor: String::new(),
            ratio: None,
            target: target.into(),
            met: Some(met),
            reference,
        }
    }

    /// A figure this run could not measure: `why` stands in its place, `floor` may still be
    /// shown.
    pub fn skipped(figure: String, why: String, floor: String, target: impl Into<String>) -> Self {
        Self {
            figure,
            measured: why,
            floor,
            ratio: None,
            target: target.into(),
            met: None,
            reference: String::new(),
        }
    }
}

#[derive(Default)]
pub struct Table {
    lines: Vec<Line>,
}

impl Table {
    pub fn push(&mut self, line: Line) {
        eprintln!(
            "  {}: {} | {} | {}",
            line.figure,
            line.measured,
            line.floor,
            line.ratio.map(|r| format!("{r:.2}")).unwrap_or_default()
        );
        self.lines.push(line);
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "| figure | measured | floor or peer (same run) | ratio | target | met | reference (SPEC §10) |"
        )?;
        writeln!(f, "|---|---|---|---|---|---|---|")?;
        for line in &self.lines {
            writeln!(
                f,
                "| {} | {} | {} | {} | {} | {} | {} |",
                line.figure,
                line.measured,
                line.floor,
                line.ratio.map(|r| format!("{r:.2}")).unwrap_or_default(),
                line.target,
                match line.met {
                    Some(true) => "yes",
                    Some(false) => "**no**",
                    None => "not measured",
                },
                line.reference
            )?;
        }
        Ok(())
    }
}

pub fn secs(duration: Duration) -> String {
    format!("{:.2} s", duration.as_secs_f64())
}

pub fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}
