//! Replacing the private resident directory from the property office's CSV export
//! (`lobby-kiosk residents import`): all rows or none, a bad row rejecting the file.

use super::JourneyError;
use crate::app::App;
pub use crate::directory::DirectoryError;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file has problems (each named by line); nothing was imported.
    #[error(transparent)]
    File(DirectoryError),
    /// The file is good but could not be stored; the previous directory is unchanged.
    #[error(transparent)]
    Store(#[from] JourneyError),
}

/// Reads `text` (in the configured unit format; problems written in the configured
/// language) and puts it in place of the directory in one transaction; returns how many
/// residents it holds now.
pub fn import_csv(app: &App, text: &str) -> Result<usize, ImportError> {
    let residents =
        crate::directory::parse_csv_in(text, &app.unit_format, app.config.language).map_err(ImportError::File)?;
    let count = app.with_store(|s| s.replace_residents(&residents, app.now()));
    Ok(count.map_err(JourneyError::from)?)
}
