//! `lobby-kiosk check`'s fleet line: the central database answers, and this kiosk's role
//! may do what a sync round does.

use super::settings::FleetSettings;

/// `Ok` when the server answers and the role can read and write the change log, or why not
/// (never with the password).
pub fn check(settings: &FleetSettings) -> Result<(), String> {
    let mut client = settings.connect().map_err(|e| e.to_string())?;
    let row = client
        .query_one(
            "SELECT to_regclass('fleet.changes') IS NOT NULL,
                    CASE WHEN to_regclass('fleet.changes') IS NULL THEN false
                         ELSE has_table_privilege('fleet.changes', 'SELECT')
                          AND has_table_privilege('fleet.changes', 'INSERT')
                          AND has_table_privilege('fleet.changes', 'UPDATE') END",
            &[],
        )
        .map_err(|e| {
            let password = settings.password().ok().flatten();
            super::connect::scrub(&e.to_string(), &settings.url, password.as_deref())
        })?;
    let (schema, rights): (bool, bool) = (row.get(0), row.get(1));
    if !schema {
        return Err("the central schema is missing: run `lobby-kiosk fleet migrate --admin-url …`".into());
    }
    if !rights {
        return Err(
            "this kiosk's role may not read and write fleet.changes: re-run `lobby-kiosk fleet add-kiosk`".into(),
        );
    }
    Ok(())
}
