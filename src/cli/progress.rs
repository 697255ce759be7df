//! A progress bar for long commands, drawn on stderr only when stderr is a terminal:
//! on a pipe or in a file nothing is written, so scripts read clean output.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How often the bar is redrawn at most.
const REDRAW_EVERY: Duration = Duration::from_millis(100);

/// The bar's width in cells.
const WIDTH: usize = 30;

/// One progress bar on stderr.
pub struct Progress {
    drawing: bool,
    started: Instant,
    drawn: Option<Instant>,
}

impl Progress {
    /// A bar that draws only if stderr is a terminal.
    pub fn on_stderr() -> Progress {
        Progress {
            drawing: std::io::stderr().is_terminal(),
            started: Instant::now(),
            drawn: None,
        }
    }

    /// Says how far the work is: `percent` (0–100) with a label and a detail
    /// ("450 000 of 1 000 000 payments"). Redrawn at most ten times a second.
    pub fn show(&mut self, label: &str, percent: u8, detail: &str) {
        if !self.drawing || self.drawn.is_some_and(|t| t.elapsed() < REDRAW_EVERY) {
            return;
        }
        self.drawn = Some(Instant::now());
        let filled = WIDTH * usize::from(percent.min(100)) / 100;
        let line = format!(
            "\r\x1b[2K{label} [{}{}] {percent:>3}% {detail} {}s",
            "#".repeat(filled),
            "-".repeat(WIDTH - filled),
            self.started.elapsed().as_secs()
        );
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
        let _ = err.flush();
    }

    /// Removes the bar (before the result is printed).
    pub fn finish(&mut self) {
        if self.drawing && self.drawn.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(b"\r\x1b[2K");
            let _ = err.flush();
        }
        self.drawn = None;
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
