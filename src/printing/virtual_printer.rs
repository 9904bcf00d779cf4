//! The default printer: files in the data folder instead of paper.
//!
//! Each job becomes `<seq>-<kind>.bin` (the exact ESC/POS bytes, which can later be
//! replayed to a real printer with `cat x.bin > /dev/usb/lp0`) and `<seq>-<kind>.png`
//! (the preview). Sequences continue after the highest one already in the folder so a
//! restart never overwrites earlier slips, and files are written to a hidden temporary
//! name and renamed, so a crash never leaves half a slip under a real name.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::driver::{DriverError, PrintJob, PrinterDriver};

/// Writes jobs to a folder. See the module doc.
#[derive(Debug, Clone)]
pub struct VirtualPrinter {
    dir: PathBuf,
    /// Next sequence number; found by scanning the folder on first use.
    next: Option<u64>,
}

impl VirtualPrinter {
    /// Does no I/O; the folder is created and scanned on the first job.
    pub fn new(dir: PathBuf) -> Self {
        VirtualPrinter { dir, next: None }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn io_err(path: &Path, source: std::io::Error) -> DriverError {
        DriverError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Highest sequence among `<digits>-...` files in the folder, 0 if none; also sweeps
    /// temporary files a crash left behind.
    fn highest_sequence(&self) -> Result<u64, DriverError> {
        let entries = fs::read_dir(&self.dir).map_err(|e| Self::io_err(&self.dir, e))?;
        let mut max = 0;
        for entry in entries {
            let entry = entry.map_err(|e| Self::io_err(&self.dir, e))?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if let Some(seq) = parse_sequence(&name) {
                max = max.max(seq);
            } else if name.starts_with('.') && name.ends_with(".tmp") {
                // Left by a crash mid-write; the job was never complete. Best effort.
                let _ = fs::remove_file(entry.path());
            }
        }
        Ok(max)
    }

    fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), DriverError> {
        let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
        let tmp = path.with_file_name(format!(".{name}.tmp"));
        let res = (|| {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            fs::rename(&tmp, path)
        })();
        res.map_err(|e| {
            let _ = fs::remove_file(&tmp);
            Self::io_err(path, e)
        })
    }
}

/// The sequence number of a job file name such as `000042-visitor.bin`.
pub fn parse_sequence(file_name: &str) -> Option<u64> {
    let (digits, _) = file_name.split_once('-')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

impl PrinterDriver for VirtualPrinter {
    fn name(&self) -> &str {
        "virtual"
    }

    fn send(&mut self, job: &PrintJob) -> Result<(), DriverError> {
        fs::create_dir_all(&self.dir).map_err(|e| Self::io_err(&self.dir, e))?;
        let mut seq = match self.next {
            Some(n) => n,
            None => self.highest_sequence()?.saturating_add(1),
        };
        let kind = job.kind.as_str();
        // Someone else may have written into the folder since we scanned it.
        while self.dir.join(format!("{seq:06}-{kind}.bin")).exists() {
            seq = self.highest_sequence()?.max(seq).saturating_add(1);
        }
        let base = format!("{seq:06}-{kind}");
        if let Some(png) = &job.preview_png {
            Self::write_atomic(&self.dir.join(format!("{base}.png")), png)?;
        }
        // The .bin goes last: its presence means the job is complete.
        Self::write_atomic(&self.dir.join(format!("{base}.bin")), &job.bytes)?;
        self.next = Some(seq.saturating_add(1));
        Ok(())
    }
}
