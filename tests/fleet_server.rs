//! The fleet tests' own PostgreSQL server starts, takes passwords, and stops.

mod common;

use common::pg::PgServer;

#[test]
fn a_throwaway_server_starts_and_answers_over_tcp() {
    let server = PgServer::start();
    let url = server.create_database("smoke");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let row = client.query_one("SELECT current_user::text, 1 + 1", &[]).unwrap();
    assert_eq!(row.get::<_, String>(0), "postgres");
    assert_eq!(row.get::<_, i32>(1), 2);
    let wrong = server.url_for("postgres", "not-the-password", "smoke");
    assert!(
        postgres::Client::connect(&wrong, postgres::NoTls).is_err(),
        "a wrong password must be refused"
    );
}
