//! Naming what is wrong with the storage, in the words staff and technicians need:
//! 磁盘已满 (free space) or 存储为只读 (check the SD card or the mount), never SQLite's
//! "disk I/O error" or "unable to open database file".
//!
//! SQLite's error codes do not tell a full disk from a read-only one reliably (a full
//! disk met while creating the WAL index is an I/O error; a read-only folder makes the
//! open itself fail), so the data folder is asked directly: a small scratch file is
//! written and synced there, and the operating system's answer names the cause.

use std::io::{self, Write};
use std::path::Path;

use crate::i18n::Lang;

use super::StoreError;

/// Why records cannot be saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trouble {
    /// No space left on the file system of the data folder.
    Full,
    /// The file system (or the folder) refuses writes: mounted read-only, a
    /// write-protected or worn-out SD card, or permissions.
    ReadOnly,
    /// Writes fail for another reason (a failing card: input/output errors).
    Failing,
}

/// The scratch file [`diagnose`] writes: big enough that a full disk refuses it.
const SCRATCH_NAME: &str = ".storage-check";
const SCRATCH_BYTES: usize = 64 * 1024;

/// Asks the data folder whether it takes a write now; `None` when it does.
pub fn diagnose(data_dir: &Path) -> Option<Trouble> {
    let scratch = data_dir.join(SCRATCH_NAME);
    let written = std::fs::File::create(&scratch).and_then(|mut f| {
        f.write_all(&[0u8; SCRATCH_BYTES])?;
        f.sync_all()
    });
    // The scratch file goes whatever happened; a full disk may have created it empty.
    let _ = std::fs::remove_file(&scratch);
    written.err().map(|e| of_io(&e))
}

/// The trouble an operating-system error names.
pub fn of_io(err: &io::Error) -> Trouble {
    match err.kind() {
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => Trouble::Full,
        io::ErrorKind::ReadOnlyFilesystem | io::ErrorKind::PermissionDenied => Trouble::ReadOnly,
        _ => Trouble::Failing,
    }
}

/// The trouble a database error points at, without asking the folder (`None`: the
/// error is about a record, not the storage).
pub fn of_error(err: &StoreError) -> Option<Trouble> {
    use rusqlite::ErrorCode;
    match err {
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => match e.code {
            ErrorCode::DiskFull => Some(Trouble::Full),
            ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied => Some(Trouble::ReadOnly),
            ErrorCode::SystemIoFailure => Some(Trouble::Failing),
            _ => None,
        },
        StoreError::NoRoom => Some(Trouble::Full),
        StoreError::File { source, .. } | StoreError::DataDir { source, .. } => Some(of_io(source)),
        _ => None,
    }
}

/// The cause for an error the storage gave: the folder's own answer first (it names a
/// full disk behind an "I/O error"), else what the error itself says.
pub fn cause(data_dir: &Path, err: &StoreError) -> Option<Trouble> {
    let from_error = of_error(err)?;
    Some(diagnose(data_dir).unwrap_or(from_error))
}

impl Trouble {
    /// The cause in a few words: 磁盘已满 / 存储为只读 / 存储读写出错.
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Trouble::Full => lang.pick("磁盘已满", "The disk is full"),
            Trouble::ReadOnly => lang.pick("存储为只读", "The storage is read-only"),
            Trouble::Failing => lang.pick("存储读写出错", "The storage fails to read or write"),
        }
    }

    /// What a technician does about it.
    pub fn what_to_do(self, lang: Lang) -> &'static str {
        match self {
            Trouble::Full => lang.pick(
                "请清理数据目录所在磁盘的空间（例如旧的导出文件、日志），终端随后会自动恢复保存。",
                "Please free space on the disk that holds the data folder (old exports or logs, for example); \
                 the kiosk then saves again by itself.",
            ),
            Trouble::ReadOnly => lang.pick(
                "请检查 SD 卡（是否写保护或已损坏）和挂载方式（是否以只读挂载）、数据目录的权限，处理后重启终端。",
                "Please check the SD card (write-protected or worn out?), how it is mounted (read-only?) and the \
                 data folder's permissions, then restart the kiosk.",
            ),
            Trouble::Failing => lang.pick(
                "请检查 SD 卡和系统日志（dmesg），必要时更换存储卡并用备份恢复。",
                "Please check the SD card and the system log (dmesg); replace the card and restore a backup if needed.",
            ),
        }
    }

    /// Said once before a command runs on a database opened for reading only.
    pub fn reading_only(self, lang: Lang, data_dir: &Path) -> String {
        let dir = data_dir.display();
        let name = self.name(lang);
        let todo = self.what_to_do(lang);
        match lang {
            Lang::Zh => format!("{name}（{dir}）：现在只能查看和打印（在场名单照常可用），新的记录无法保存。{todo}"),
            Lang::En => format!(
                "{name} ({dir}): records can be read and printed (the on-site roster works as usual) \
                 but nothing new can be saved. {todo}"
            ),
        }
    }

    /// Said when the database cannot be opened at all, not even for reading.
    pub fn cannot_open(self, lang: Lang, data_dir: &Path) -> String {
        format!(
            "{} {}: {}{}",
            lang.pick("无法打开数据库", "Cannot open the database"),
            data_dir.display(),
            self.name(lang),
            lang.pick("。", ". "),
        ) + self.what_to_do(lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operating_system_answers_name_the_cause() {
        let of = |raw: i32| of_io(&io::Error::from_raw_os_error(raw));
        assert_eq!(of(28), Trouble::Full, "ENOSPC");
        assert_eq!(of(122), Trouble::Full, "EDQUOT");
        assert_eq!(of(30), Trouble::ReadOnly, "EROFS");
        assert_eq!(of(13), Trouble::ReadOnly, "EACCES");
        assert_eq!(of(1), Trouble::ReadOnly, "EPERM");
        assert_eq!(of(5), Trouble::Failing, "EIO");
    }

    #[test]
    fn sqlite_codes_name_the_cause_and_record_errors_name_none() {
        let sqlite =
            |code: i32| StoreError::Sqlite(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None));
        assert_eq!(of_error(&sqlite(rusqlite::ffi::SQLITE_FULL)), Some(Trouble::Full));
        assert_eq!(
            of_error(&sqlite(rusqlite::ffi::SQLITE_READONLY)),
            Some(Trouble::ReadOnly)
        );
        assert_eq!(
            of_error(&sqlite(rusqlite::ffi::SQLITE_CANTOPEN)),
            Some(Trouble::ReadOnly)
        );
        assert_eq!(of_error(&sqlite(rusqlite::ffi::SQLITE_IOERR)), Some(Trouble::Failing));
        assert_eq!(of_error(&sqlite(rusqlite::ffi::SQLITE_CONSTRAINT)), None);
        assert_eq!(of_error(&StoreError::CodeTaken), None);
    }

    #[test]
    fn a_writable_folder_has_no_trouble_and_keeps_no_scratch_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(diagnose(dir.path()), None);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn messages_name_the_cause_and_what_to_do_in_both_languages() {
        let dir = Path::new("/srv/kiosk-data");
        let zh = Trouble::Full.reading_only(Lang::Zh, dir);
        assert!(zh.starts_with("磁盘已满"), "{zh}");
        assert!(zh.contains("清理") && zh.contains("/srv/kiosk-data"), "{zh}");
        let en = Trouble::ReadOnly.cannot_open(Lang::En, dir);
        assert!(en.contains("read-only") && en.contains("SD card"), "{en}");
        assert!(!en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{en}");
        let zh = Trouble::ReadOnly.cannot_open(Lang::Zh, dir);
        assert!(zh.contains("存储为只读") && zh.contains("挂载"), "{zh}");
    }
}
