//! The printer's own word on whether it can print: real-time status (`DLE EOT n`)
//! before a document, and the paper sensor status (`GS r 1`) after it as a barrier
//! that says the printer processed the whole job.
//!
//! Bits (Epson ESC/POS; the same on the clones we ship profiles for). Every `DLE EOT`
//! answer has the fixed pattern `(b & 0x93) == 0x12`:
//!
//! | n | bit | meaning |
//! |---|-----|---------|
//! | 1 printer | 3 | offline |
//! | 2 offline cause | 2 | cover open |
//! | 2 | 5 | printing stopped by paper end |
//! | 2 | 6 | an error occurred |
//! | 3 error cause | 3 | cutter error |
//! | 3 | 5 | unrecoverable error |
//! | 3 | 6 | auto-recoverable error (head too hot) |
//! | 4 paper | 2+3 | paper near end |
//! | 4 | 5+6 | paper end |

/// `DLE EOT n`.
pub fn realtime_request(n: u8) -> [u8; 3] {
    [0x10, 0x04, n]
}

/// `GS r 1`: answered only after every earlier byte was processed.
pub const BARRIER_REQUEST: [u8; 3] = [0x1D, b'r', 1];

/// True when `b` has the fixed bits of a `DLE EOT` answer.
pub fn is_realtime_answer(b: u8) -> bool {
    b & 0x93 == 0x12
}

/// True when `b` has the fixed bits of a `GS r 1` answer.
pub fn is_barrier_answer(b: u8) -> bool {
    b & 0x90 == 0
}

/// Why the printer cannot print now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Problem {
    /// Out of paper.
    PaperEnd,
    /// The cover is open.
    CoverOpen,
    /// Offline for another reason (e.g. feeding paper, error being cleared).
    Offline,
    /// The cutter jammed.
    CutterError,
    /// An error that needs the printer switched off and on (or service).
    Unrecoverable,
    /// An error that clears itself (e.g. the head is too hot): wait.
    AutoRecoverable,
    /// Another error.
    Error,
    /// The printer did not answer in time: off, unplugged, wrong port or speed.
    NoAnswer,
    /// The printer answered with something that is not a status byte (wrong speed
    /// or not an ESC/POS printer).
    Garbled,
}

/// What the printer said about itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatusReport {
    /// What stops it from printing (empty: ready).
    pub problems: Vec<Problem>,
    /// Paper is near its end: print, but tell the cashier to get a new roll.
    pub paper_near_end: bool,
}

impl StatusReport {
    /// True when nothing stops printing.
    pub fn is_ready(&self) -> bool {
        self.problems.is_empty()
    }

    /// A report of one problem.
    pub fn problem(p: Problem) -> StatusReport {
        StatusReport {
            problems: vec![p],
            paper_near_end: false,
        }
    }

    /// Reads the four answers of `DLE EOT 1..=4` (in that order).
    pub fn from_answers(answers: [u8; 4]) -> StatusReport {
        let [printer, offline, error, paper] = answers;
        if !answers.iter().all(|b| is_realtime_answer(*b)) {
            return StatusReport::problem(Problem::Garbled);
        }
        let mut problems = Vec::new();
        let bit = |b: u8, n: u8| b & (1 << n) != 0;
        if paper & 0x60 != 0 || bit(offline, 5) {
            problems.push(Problem::PaperEnd);
        }
        if bit(offline, 2) {
            problems.push(Problem::CoverOpen);
        }
        if bit(error, 3) {
            problems.push(Problem::CutterError);
        }
        if bit(error, 5) {
            problems.push(Problem::Unrecoverable);
        }
        if bit(error, 6) {
            problems.push(Problem::AutoRecoverable);
        }
        if bit(offline, 6) && problems.is_empty() {
            problems.push(Problem::Error);
        }
        if bit(printer, 3) && problems.is_empty() {
            problems.push(Problem::Offline);
        }
        StatusReport {
            problems,
            paper_near_end: paper & 0x0C != 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_bytes_table() {
        // (DLE EOT 1, 2, 3, 4 answers, problems, near end)
        let ok = 0x12;
        let cases: &[([u8; 4], &[Problem], bool)] = &[
            ([ok, ok, ok, ok], &[], false),
            ([ok, ok, ok, 0x1E], &[], true),
            ([0x1A, 0x32, ok, 0x72], &[Problem::PaperEnd], false),
            ([0x1A, 0x16, ok, ok], &[Problem::CoverOpen], false),
            ([0x1A, 0x52, 0x1A, ok], &[Problem::CutterError], false),
            ([0x1A, 0x52, 0x32, ok], &[Problem::Unrecoverable], false),
            ([0x1A, 0x52, 0x52, ok], &[Problem::AutoRecoverable], false),
            ([0x1A, 0x52, ok, ok], &[Problem::Error], false),
            ([0x1A, ok, ok, ok], &[Problem::Offline], false),
            (
                [0x1A, 0x36, ok, 0x72],
                &[Problem::PaperEnd, Problem::CoverOpen],
                false,
            ),
            ([0xFF, ok, ok, ok], &[Problem::Garbled], false),
        ];
        for (answers, problems, near) in cases {
            let r = StatusReport::from_answers(*answers);
            assert_eq!(r.problems, *problems, "{answers:02X?}");
            assert_eq!(r.paper_near_end, *near, "{answers:02X?}");
            assert_eq!(r.is_ready(), problems.is_empty());
        }
    }
}
