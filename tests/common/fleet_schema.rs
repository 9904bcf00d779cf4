//! The central schema as the fleet contract fixes it (tables, the per-compound change
//! counter trigger), for the kiosk-side tests until `fleet migrate` replaces it. Kept in
//! this one place.
#![allow(dead_code)]

pub const CONTRACT_SQL: &str = r#"
CREATE SCHEMA fleet;
CREATE TABLE fleet.compounds (
  compound_id text PRIMARY KEY,
  next_seq    bigint NOT NULL DEFAULT 0
);
CREATE TABLE fleet.kiosks (
  compound_id text NOT NULL REFERENCES fleet.compounds,
  kiosk_id    text NOT NULL,
  role_name   text NOT NULL UNIQUE,
  prefix      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (compound_id, kiosk_id),
  UNIQUE (compound_id, prefix)
);
CREATE TABLE fleet.changes (
  compound_id text   NOT NULL,
  kiosk_id    text   NOT NULL,
  gid         text   NOT NULL,
  tbl         text   NOT NULL,
  version     bigint NOT NULL,
  body        jsonb  NOT NULL,
  kiosk_time  timestamptz NOT NULL,
  seq         bigint NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (compound_id, gid)
);
CREATE INDEX ON fleet.changes (compound_id, seq);
CREATE TABLE fleet.conflicts (
  id bigserial PRIMARY KEY, compound_id text NOT NULL, kiosk_id text NOT NULL, gid text NOT NULL,
  version bigint NOT NULL, body jsonb NOT NULL, kept jsonb NOT NULL, seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE FUNCTION fleet.take_seq() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  UPDATE fleet.compounds SET next_seq = next_seq + 1 WHERE compound_id = NEW.compound_id
    RETURNING next_seq INTO NEW.seq;
  RETURN NEW;
END $$;
CREATE TRIGGER changes_seq BEFORE INSERT OR UPDATE ON fleet.changes
  FOR EACH ROW EXECUTE FUNCTION fleet.take_seq();
"#;

/// Creates the schema in the database at `admin_url` with one compound and its kiosks
/// (`(kiosk_id, prefix)`).
pub fn install(admin_url: &str, compound: &str, kiosks: &[(&str, &str)]) {
    let mut client = postgres::Client::connect(admin_url, postgres::NoTls).expect("the test server answers");
    client
        .batch_execute(CONTRACT_SQL)
        .expect("the contract's schema installs");
    client
        .execute("INSERT INTO fleet.compounds (compound_id) VALUES ($1)", &[&compound])
        .unwrap();
    for (kiosk, prefix) in kiosks {
        let role = format!("kiosk_{compound}_{kiosk}");
        client
            .execute(
                "INSERT INTO fleet.kiosks (compound_id, kiosk_id, role_name, prefix) VALUES ($1, $2, $3, $4)",
                &[&compound, kiosk, &role, prefix],
            )
            .unwrap();
    }
}
