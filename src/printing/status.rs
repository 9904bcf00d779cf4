//! ESC/POS real-time status: `DLE EOT n` and its one-byte answers.
//!
//! A driver writes `DLE EOT n` (`0x10 0x04 n`, n = 1..=4) and reads one byte back per
//! request. The printer answers these in real time, even when offline or out of paper,
//! so silence means "we do not know", never "fine": [`parse`] turns any missing or
//! malformed answer into [`PrinterState::Unknown`] unless another answer already proves
//! a definite fault.
//!
//! Bits, per the Epson ESC/POS reference (bit 0 = least significant):
//!
//! | n | bit | meaning when 1                    |
//! |---|-----|-----------------------------------|
//! | 1 | 3   | offline                           |
//! | 2 | 2   | cover open                        |
//! | 2 | 3   | paper being fed by the feed button|
//! | 2 | 5   | printing stopped by paper end     |
//! | 2 | 6   | an error occurred                 |
//! | 3 | 3   | autocutter error                  |
//! | 3 | 5   | unrecoverable error               |
//! | 3 | 6   | auto-recoverable error            |
//! | 4 | 2-3 | roll paper near-end sensor: near end |
//! | 4 | 5-6 | roll paper sensor: paper end      |
//!
//! Every answer has fixed bits: bit 1 and bit 4 are 1, bit 0 and bit 7 are 0. A byte that
//! breaks them is not a status answer (line noise, a stray byte of something else) and is
//! treated like no answer.

use std::fmt;

use serde::{Deserialize, Serialize};

/// `DLE EOT` without its `n`.
pub const DLE_EOT: [u8; 2] = [0x10, 0x04];

/// The request for status `n` (1 printer, 2 offline cause, 3 error cause, 4 paper sensor).
pub const fn request(n: u8) -> [u8; 3] {
    [DLE_EOT[0], DLE_EOT[1], n]
}

/// Bits that every real-time status answer must have at fixed values.
const FIXED_MASK: u8 = 0b1001_0011;
/// Their required values: bit 1 and bit 4 set, bit 0 and bit 7 clear.
const FIXED_VALUE: u8 = 0b0001_0010;

const fn bit(b: u8, n: u8) -> bool {
    b & (1 << n) != 0
}

/// What the printer can do right now, most urgent cause first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrinterState {
    /// Online, paper present, no error.
    Ready,
    /// Printable, but the roll is nearly finished: staff should change it soon.
    PaperNearEnd,
    /// No paper: nothing can print.
    PaperOut,
    /// The paper cover is open.
    CoverOpen,
    /// Offline for another reason (feed button held, recoverable error, ...).
    Offline,
    /// The autocutter jammed or failed.
    CutterError,
    /// The printer reports an error it cannot recover from: needs a technician.
    Unrecoverable,
    /// No (valid) answer: unreachable, silent or talking garbage. Never printable.
    Unknown,
}

impl PrinterState {
    /// Whether a job sent now can be expected to print: only [`Ready`](Self::Ready) and
    /// [`PaperNearEnd`](Self::PaperNearEnd).
    pub fn is_printable(self) -> bool {
        matches!(self, PrinterState::Ready | PrinterState::PaperNearEnd)
    }

    /// The stable snake_case name, as in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            PrinterState::Ready => "ready",
            PrinterState::PaperNearEnd => "paper_near_end",
            PrinterState::PaperOut => "paper_out",
            PrinterState::CoverOpen => "cover_open",
            PrinterState::Offline => "offline",
            PrinterState::CutterError => "cutter_error",
            PrinterState::Unrecoverable => "unrecoverable",
            PrinterState::Unknown => "unknown",
        }
    }
}

/// The printer's state in words a desk clerk acts on (the dashboard and `printer status`);
/// `None` for a printer that cannot be asked.
pub fn words(state: Option<PrinterState>, lang: crate::i18n::Lang) -> &'static str {
    match state {
        None => lang.pick(
            "正常（无法查询状态的打印机）",
            "working (this printer cannot report its state)",
        ),
        Some(PrinterState::Ready) => lang.pick("就绪", "ready"),
        Some(PrinterState::PaperNearEnd) => lang.pick("纸快用完了，请准备换纸", "paper nearly out: have a roll ready"),
        Some(PrinterState::PaperOut) => lang.pick("缺纸，请换纸卷", "out of paper: change the roll"),
        Some(PrinterState::CoverOpen) => lang.pick("机盖打开，请合上", "cover open: close it"),
        Some(PrinterState::Offline) => lang.pick("离线，请检查电源和连线", "offline: check the power and cable"),
        Some(PrinterState::CutterError) => lang.pick("切刀故障，请联系维修", "cutter fault: call maintenance"),
        Some(PrinterState::Unrecoverable) => lang.pick("打印机故障，请联系维修", "printer fault: call maintenance"),
        Some(PrinterState::Unknown) => lang.pick("没有应答，请检查电源和连线", "no answer: check the power and cable"),
    }
}

impl fmt::Display for PrinterState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One status reading: the verdict and the raw answers to `DLE EOT 1..=4` (index 0 is
/// n = 1; `None` where no byte came back in time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusReport {
    pub state: PrinterState,
    pub raw: [Option<u8>; 4],
}

impl StatusReport {
    /// Parses the raw answers with [`parse`].
    pub fn from_raw(raw: [Option<u8>; 4]) -> Self {
        StatusReport { state: parse(raw), raw }
    }

    /// Nothing answered at all (for example the connection failed).
    pub fn unknown() -> Self {
        StatusReport {
            state: PrinterState::Unknown,
            raw: [None; 4],
        }
    }

    pub fn is_printable(&self) -> bool {
        self.state.is_printable()
    }
}

/// Whether `b` has the fixed bits of a real-time status answer.
pub fn is_valid_answer(b: u8) -> bool {
    b & FIXED_MASK == FIXED_VALUE
}

/// The printer's state from its answers to `DLE EOT 1..=4` (index 0 is n = 1).
///
/// A missing answer (`None`) or one that breaks the fixed bits counts as "don't know".
/// Definite faults read from valid answers win, most serious first: unrecoverable error,
/// cutter error, cover open, paper out, offline (including auto-recoverable errors and
/// the feed button). Then, if any answer was missing or malformed, the result is
/// [`PrinterState::Unknown`]: silence is never `Ready`. Only with all four answers valid
/// and clean is it `PaperNearEnd` or `Ready`.
pub fn parse(answers: [Option<u8>; 4]) -> PrinterState {
    let valid = answers.map(|a| a.filter(|&b| is_valid_answer(b)));
    let [printer, offline, error, paper] = valid;
    let has = |a: Option<u8>, n: u8| a.is_some_and(|b| bit(b, n));

    if has(error, 5) {
        return PrinterState::Unrecoverable;
    }
    if has(error, 3) {
        return PrinterState::CutterError;
    }
    if has(offline, 2) {
        return PrinterState::CoverOpen;
    }
    // Epson sets both bits of a sensor pair; some clones set one. Either one counts.
    if has(offline, 5) || has(paper, 5) || has(paper, 6) {
        return PrinterState::PaperOut;
    }
    if has(printer, 3) || has(offline, 3) || has(offline, 6) || has(error, 6) {
        return PrinterState::Offline;
    }
    if valid.iter().any(Option::is_none) {
        return PrinterState::Unknown;
    }
    if has(paper, 2) || has(paper, 3) {
        return PrinterState::PaperNearEnd;
    }
    PrinterState::Ready
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The answer with only the fixed bits set: "nothing to report".
    const CLEAN: u8 = 0x12;

    fn with(n: usize, bits: &[u8]) -> [Option<u8>; 4] {
        let mut a = [Some(CLEAN); 4];
        let b = bits.iter().fold(CLEAN, |acc, &i| acc | (1 << i));
        a[n - 1] = Some(b);
        a
    }

    #[test]
    fn requests_are_dle_eot_n() {
        assert_eq!(request(1), [0x10, 0x04, 0x01]);
        assert_eq!(request(4), [0x10, 0x04, 0x04]);
    }

    #[test]
    fn all_clean_is_ready() {
        assert_eq!(parse([Some(CLEAN); 4]), PrinterState::Ready);
    }

    #[test]
    fn typical_epson_answers() {
        // TM-T88 idle: 0x16 from n=1 (drawer bit 2 high), 0x12 elsewhere.
        assert_eq!(
            parse([Some(0x16), Some(0x12), Some(0x12), Some(0x12)]),
            PrinterState::Ready
        );
        // Out of paper: offline, paper-end stop, both paper-end bits.
        assert_eq!(
            parse([Some(0x1E), Some(0x32), Some(0x12), Some(0x72)]),
            PrinterState::PaperOut
        );
        // Cover open: offline, cover bit.
        assert_eq!(
            parse([Some(0x1E), Some(0x16), Some(0x12), Some(0x12)]),
            PrinterState::CoverOpen
        );
        // Near end: both near-end bits.
        assert_eq!(
            parse([Some(0x12), Some(0x12), Some(0x12), Some(0x1E)]),
            PrinterState::PaperNearEnd
        );
    }

    #[test]
    fn n1_bit3_offline() {
        assert_eq!(parse(with(1, &[3])), PrinterState::Offline);
    }

    #[test]
    fn n1_other_bits_are_not_faults() {
        // bit 2 drawer, bit 5 waiting for recovery, bit 6 feed button: informational.
        for b in [2, 5, 6] {
            assert_eq!(parse(with(1, &[b])), PrinterState::Ready, "bit {b}");
        }
    }

    #[test]
    fn n2_bit2_cover_open() {
        assert_eq!(parse(with(2, &[2])), PrinterState::CoverOpen);
    }

    #[test]
    fn n2_bit3_feed_button_is_offline() {
        assert_eq!(parse(with(2, &[3])), PrinterState::Offline);
    }

    #[test]
    fn n2_bit5_paper_end_stop() {
        assert_eq!(parse(with(2, &[5])), PrinterState::PaperOut);
    }

    #[test]
    fn n2_bit6_error_is_offline_without_a_cause() {
        assert_eq!(parse(with(2, &[6])), PrinterState::Offline);
    }

    #[test]
    fn n3_bit3_autocutter() {
        assert_eq!(parse(with(3, &[3])), PrinterState::CutterError);
    }

    #[test]
    fn n3_bit5_unrecoverable() {
        assert_eq!(parse(with(3, &[5])), PrinterState::Unrecoverable);
    }

    #[test]
    fn n3_bit6_auto_recoverable_is_offline() {
        assert_eq!(parse(with(3, &[6])), PrinterState::Offline);
    }

    #[test]
    fn n4_near_end_bits_2_and_3() {
        assert_eq!(parse(with(4, &[2])), PrinterState::PaperNearEnd);
        assert_eq!(parse(with(4, &[3])), PrinterState::PaperNearEnd);
        assert_eq!(parse(with(4, &[2, 3])), PrinterState::PaperNearEnd);
    }

    #[test]
    fn n4_paper_end_bits_5_and_6() {
        assert_eq!(parse(with(4, &[5])), PrinterState::PaperOut);
        assert_eq!(parse(with(4, &[6])), PrinterState::PaperOut);
        assert_eq!(parse(with(4, &[5, 6])), PrinterState::PaperOut);
        // Paper end beats near end.
        assert_eq!(parse(with(4, &[2, 3, 5, 6])), PrinterState::PaperOut);
    }

    #[test]
    fn priority_of_faults() {
        let mut a = [
            Some(CLEAN | 1 << 3),
            Some(CLEAN | 1 << 2 | 1 << 5),
            Some(CLEAN),
            Some(CLEAN | 0x60),
        ];
        assert_eq!(parse(a), PrinterState::CoverOpen);
        a[2] = Some(CLEAN | 1 << 3);
        assert_eq!(parse(a), PrinterState::CutterError);
        a[2] = Some(CLEAN | 1 << 3 | 1 << 5);
        assert_eq!(parse(a), PrinterState::Unrecoverable);
        // Paper out beats a generic offline.
        assert_eq!(
            parse([Some(CLEAN | 1 << 3), Some(CLEAN), Some(CLEAN), Some(CLEAN | 0x60)]),
            PrinterState::PaperOut
        );
    }

    #[test]
    fn fixed_bits_reject_garbage() {
        assert!(is_valid_answer(0x12));
        assert!(is_valid_answer(0x7E));
        assert!(!is_valid_answer(0x00), "bits 1 and 4 missing");
        assert!(!is_valid_answer(0x10), "bit 1 missing");
        assert!(!is_valid_answer(0x02), "bit 4 missing");
        assert!(!is_valid_answer(0x13), "bit 0 set");
        assert!(!is_valid_answer(0x92), "bit 7 set");
        assert!(!is_valid_answer(0xFF));
        for n in 1..=4 {
            for garbage in [0x00, 0x13, 0x92, 0xFF, 0x02, 0x10] {
                let mut a = [Some(CLEAN); 4];
                a[n - 1] = Some(garbage);
                assert_eq!(parse(a), PrinterState::Unknown, "n={n} byte={garbage:#04x}");
            }
        }
    }

    #[test]
    fn garbage_fault_bits_are_ignored() {
        // 0xFF breaks the fixed bits, so its "paper end" bits mean nothing.
        assert_eq!(
            parse([Some(CLEAN), Some(CLEAN), Some(CLEAN), Some(0xFF)]),
            PrinterState::Unknown
        );
    }

    #[test]
    fn silence_is_never_ready() {
        assert_eq!(parse([None; 4]), PrinterState::Unknown);
        for n in 0..4 {
            let mut a = [Some(CLEAN); 4];
            a[n] = None;
            assert_eq!(parse(a), PrinterState::Unknown, "missing n={}", n + 1);
        }
        // Near end is printable only when every answer came back.
        assert_eq!(
            parse([None, Some(CLEAN), Some(CLEAN), Some(CLEAN | 0x0C)]),
            PrinterState::Unknown
        );
    }

    #[test]
    fn a_definite_fault_wins_over_silence() {
        assert_eq!(parse([Some(CLEAN | 1 << 3), None, None, None]), PrinterState::Offline);
        assert_eq!(
            parse([Some(CLEAN), Some(CLEAN | 1 << 2), None, None]),
            PrinterState::CoverOpen
        );
    }

    #[test]
    fn printable_states() {
        use PrinterState::*;
        for s in [Ready, PaperNearEnd] {
            assert!(s.is_printable(), "{s}");
        }
        for s in [PaperOut, CoverOpen, Offline, CutterError, Unrecoverable, Unknown] {
            assert!(!s.is_printable(), "{s}");
        }
    }

    #[test]
    fn serde_snake_case_matches_display() {
        use PrinterState::*;
        for s in [
            Ready,
            PaperNearEnd,
            PaperOut,
            CoverOpen,
            Offline,
            CutterError,
            Unrecoverable,
            Unknown,
        ] {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<PrinterState>(&json).unwrap(), s);
        }
        let r = StatusReport::from_raw([Some(0x12), None, Some(0x12), Some(0x12)]);
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"state":"unknown","raw":[18,null,18,18]}"#
        );
        assert!(!r.is_printable());
    }
}
