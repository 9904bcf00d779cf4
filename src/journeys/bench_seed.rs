//! Benchmarks only (the `bench-data` feature, `lobby-kiosk seed-history`): an empty data
//! folder filled with made-up history at the five-year seed's daily rate, so start-up and
//! the dashboard are timed on a kiosk that has been in use.

use super::JourneyError;
use crate::app::App;
pub use crate::store::HistoryScale;

/// Seeds `days` of history ending now (at least ten of each record kind) in one
/// transaction; returns the scale written.
pub fn seed_history(app: &App, days: u32) -> Result<HistoryScale, JourneyError> {
    let five = HistoryScale::FIVE_YEARS;
    let rate = |n: u64| (n * u64::from(days)).div_ceil(five.days as u64).max(10);
    let scale = HistoryScale {
        days: i64::from(days.max(1)),
        visits: rate(five.visits),
        passes: rate(five.passes),
        tickets: rate(five.tickets),
    };
    app.store().seed_history(scale, app.now(), 8)?;
    Ok(scale)
}
