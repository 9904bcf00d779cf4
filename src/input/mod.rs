//! On-screen Chinese input for the kiosk keyboard (pure logic, no UI).
//!
//! - [`pinyin`]: pinyin input method engine; the character dictionary is
//!   compiled into the binary and indexed once on first use.
//! - [`surnames`]: common single and compound Chinese surnames.
//! - [`scan`]: telling a USB barcode scanner's burst from typing, and what it read.

pub mod pinyin;
pub mod scan;
pub mod surnames;
