//! Opening a connection to the central PostgreSQL from a `postgres://` URL.
//!
//! `sslmode` is read here rather than by the client library: `disable` (plain TCP, for a
//! server on the same machine or a test), `require` (TLS, the server's certificate is not
//! checked: encrypted, not authenticated) and `verify-full` (TLS, the certificate must
//! chain to the web's roots or to `sslrootcert` / `ssl_root_cert` and name the host).
//! No mode given means `verify-full` for a remote host and `disable` for a Unix socket or
//! the local machine. The password never appears in an error: any text from below is
//! scrubbed of it before it is shown.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ConnectError {
    /// The server could not be reached or refused us; the text never holds the password.
    #[error("the central database cannot be reached: {0}")]
    Unreachable(String),
    /// The URL (or the TLS settings) cannot work; the text never holds the password.
    #[error("the fleet url is not usable: {0}")]
    BadUrl(String),
}

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    Disable,
    Require,
    VerifyFull,
}

impl TlsMode {
    pub fn parse(text: &str) -> Option<TlsMode> {
        match text {
            "disable" => Some(TlsMode::Disable),
            "require" | "prefer" | "allow" => Some(TlsMode::Require),
            "verify-full" | "verify-ca" => Some(TlsMode::VerifyFull),
            _ => None,
        }
    }
}

/// A URL taken apart: what the client library parses, and what this module handles.
#[derive(Debug, Clone)]
pub struct Target {
    pub config: postgres::Config,
    pub tls: TlsMode,
    pub root_cert: Option<PathBuf>,
}

impl Target {
    /// Parse `url` (`postgres://user:password@host:port/db?sslmode=…`), with `password`
    /// (from a file or the environment) taking the place of one written in the URL.
    pub fn parse(url: &str, password: Option<&str>, root_cert: Option<&Path>) -> Result<Target, ConnectError> {
        let scrub = |text: String| scrub(&text, url, password);
        let (base, query) = match url.split_once('?') {
            Some((b, q)) => (b, q),
            None => (url, ""),
        };
        let mut tls = None;
        let mut cert = root_cert.map(Path::to_path_buf);
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "sslmode" => {
                    tls = Some(TlsMode::parse(value).ok_or_else(|| {
                        ConnectError::BadUrl(format!(
                            "sslmode \"{}\" is not one of disable, require, verify-full",
                            crate::domain::field::preview(value)
                        ))
                    })?)
                }
                "sslrootcert" => cert = Some(PathBuf::from(value)),
                _ => kept.push(pair),
            }
        }
        let rebuilt = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        let mut config: postgres::Config = rebuilt
            .parse()
            .map_err(|e: postgres::Error| ConnectError::BadUrl(scrub(e.to_string())))?;
        if let Some(password) = password {
            config.password(password);
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        let local = config.get_hosts().iter().all(|h| match h {
            postgres::config::Host::Tcp(name) => name == "localhost" || name == "127.0.0.1" || name == "::1",
            #[cfg(unix)]
            postgres::config::Host::Unix(_) => true,
        });
        let tls = tls.unwrap_or(if local { TlsMode::Disable } else { TlsMode::VerifyFull });
        Ok(Target {
            config,
            tls,
            root_cert: cert,
        })
    }

    /// Open the connection.
    pub fn connect(&self) -> Result<postgres::Client, ConnectError> {
        let password = self
            .config
            .get_password()
            .map(|p| String::from_utf8_lossy(p).into_owned());
        let scrub = |text: String| scrub(&text, "", password.as_deref());
        let mut config = self.config.clone();
        let result = match self.tls {
            TlsMode::Disable => {
                config.ssl_mode(postgres::config::SslMode::Disable);
                config.connect(postgres::NoTls)
            }
            mode => {
                config.ssl_mode(postgres::config::SslMode::Require);
                let tls = rustls_config(mode, self.root_cert.as_deref())?;
                config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls))
            }
        };
        result.map_err(|e| ConnectError::Unreachable(scrub(full_error(&e))))
    }
}

/// The error with its causes (the client's top line alone often says only "error
/// connecting to server").
fn full_error(err: &postgres::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}

/// `text` with the URL's password (and `password`) replaced by `***`.
pub fn scrub(text: &str, url: &str, password: Option<&str>) -> String {
    let mut out = text.to_string();
    if let Some(p) = url_password(url).filter(|p| !p.is_empty()) {
        out = out.replace(&p, "***");
    }
    if let Some(p) = password.filter(|p| !p.is_empty()) {
        out = out.replace(p, "***");
    }
    out
}

/// The password written in a `postgres://user:password@host` URL, if any.
pub fn url_password(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let userinfo = rest.split(['/', '?']).next()?.rsplit_once('@')?.0;
    userinfo.split_once(':').map(|(_, p)| p.to_string())
}

/// The URL with its password replaced by `***`, for messages and `check`.
pub fn redacted(url: &str) -> String {
    match url_password(url).filter(|p| !p.is_empty()) {
        Some(p) => url.replacen(&format!(":{p}@"), ":***@", 1),
        None => url.to_string(),
    }
}

fn rustls_config(mode: TlsMode, root_cert: Option<&Path>) -> Result<rustls::ClientConfig, ConnectError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| ConnectError::BadUrl(e.to_string()))?;
    match mode {
        TlsMode::Require => Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoCheck(provider)))
            .with_no_client_auth()),
        _ => {
            let mut roots = rustls::RootCertStore::empty();
            match root_cert {
                Some(path) => {
                    use rustls::pki_types::pem::PemObject;
                    let certs = rustls::pki_types::CertificateDer::pem_file_iter(path)
                        .map_err(|e| ConnectError::BadUrl(format!("{}: {e}", path.display())))?;
                    for cert in certs {
                        let cert = cert.map_err(|e| ConnectError::BadUrl(format!("{}: {e}", path.display())))?;
                        roots
                            .add(cert)
                            .map_err(|e| ConnectError::BadUrl(format!("{}: {e}", path.display())))?;
                    }
                }
                None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
            }
            Ok(builder.with_root_certificates(roots).with_no_client_auth())
        }
    }
}

/// `sslmode=require`: encrypt, but accept whatever certificate the server shows.
#[derive(Debug)]
struct NoCheck(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for NoCheck {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Connect to `url` (its own password, its own `sslmode`).
pub fn connect(url: &str) -> Result<postgres::Client, ConnectError> {
    Target::parse(url, None, None)?.connect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_found_and_hidden() {
        let url = "postgres://kiosk_a:s3cr%et@db.example.com:5432/fleet?sslmode=require";
        assert_eq!(url_password(url).as_deref(), Some("s3cr%et"));
        assert!(!redacted(url).contains("s3cr"));
        assert!(redacted(url).contains("kiosk_a:***@db.example.com"));
        assert_eq!(scrub("bad s3cr%et here", url, None), "bad *** here");
    }

    #[test]
    fn sslmodes_are_read_and_a_wrong_one_is_named() {
        let t = Target::parse("postgres://u:p@db.example.com/f?sslmode=require", None, None).unwrap();
        assert_eq!(t.tls, TlsMode::Require);
        let t = Target::parse("postgres://u:p@db.example.com/f?sslmode=verify-full", None, None).unwrap();
        assert_eq!(t.tls, TlsMode::VerifyFull);
        let t = Target::parse("postgres://u:p@db.example.com/f", None, None).unwrap();
        assert_eq!(
            t.tls,
            TlsMode::VerifyFull,
            "a remote server is verified unless told otherwise"
        );
        let t = Target::parse("postgres://u:p@127.0.0.1:5/f", None, None).unwrap();
        assert_eq!(t.tls, TlsMode::Disable);
        let err = Target::parse("postgres://u:p@h/f?sslmode=maybe", None, None).unwrap_err();
        assert!(err.to_string().contains("maybe"));
    }

    #[test]
    fn a_password_from_elsewhere_replaces_the_urls() {
        let t = Target::parse("postgres://u@h/f?sslmode=disable", Some("from-file"), None).unwrap();
        assert_eq!(t.config.get_password(), Some(&b"from-file"[..]));
    }

    #[test]
    fn an_unreachable_server_is_named_without_the_password() {
        let Err(err) = connect("postgres://u:topsecret@127.0.0.1:1/f?sslmode=disable") else {
            panic!("nothing listens on port 1")
        };
        assert!(!err.to_string().contains("topsecret"), "{err}");
        assert!(matches!(err, ConnectError::Unreachable(_)));
    }
}
