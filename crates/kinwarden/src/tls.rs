//! TLS for the listener (SPEC §3): with `tls=auto`, a local CA and a leaf certificate signed by
//! it, made on first run. A self-signed leaf alone would be refused by rustls/webpki clients
//! (a CA used as an end entity), so the chain is leaf + CA and either works as a trust anchor.

use std::fs;
use std::io;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType,
};

use crate::bwdata::{Bwdata, write_atomic, write_private_atomic};

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot make the TLS certificate: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
}

/// Where `tls=auto` keeps its files.
pub struct AutoTlsFiles {
    pub ca_cert: PathBuf,
    pub ca_key: PathBuf,
    pub certificate: PathBuf,
    pub private_key: PathBuf,
}

impl AutoTlsFiles {
    pub fn of(bwdata: &Bwdata) -> Self {
        let ssl = bwdata.ssl_dir();
        Self {
            ca_cert: ssl.join("ca.crt"),
            ca_key: ssl.join("ca.key"),
            certificate: ssl.join("certificate.crt"),
            private_key: ssl.join("private.key"),
        }
    }
}

/// Makes the CA and the leaf when they are missing. `extra_hosts` are names or addresses the
/// leaf must also cover (the vault host, a specific listen address).
pub fn ensure_auto_certificate(
    bwdata: &Bwdata,
    extra_hosts: &[String],
) -> Result<AutoTlsFiles, TlsError> {
    let files = AutoTlsFiles::of(bwdata);
    if files.certificate.exists() && files.private_key.exists() {
        return Ok(files);
    }
    let (ca_pem, ca_key) = if files.ca_cert.exists() && files.ca_key.exists() {
        let key_pem = read(&files.ca_key)?;
        (read(&files.ca_cert)?, KeyPair::from_pem(&key_pem)?)
    } else {
        let ca_key = KeyPair::generate()?;
        let ca_pem = ca_params().self_signed(&ca_key)?.pem();
        write(&files.ca_cert, ca_pem.as_bytes(), false)?;
        write(&files.ca_key, ca_key.serialize_pem().as_bytes(), true)?;
        (ca_pem, ca_key)
    };
    // The issuer is the CA's name and key; rebuilding it from the same parameters matches the
    // stored CA certificate, so a new leaf chains to it.
    let issuer = Issuer::new(ca_params(), ca_key);
    let (leaf_pem, leaf_key) = make_leaf(&issuer, extra_hosts)?;
    write(
        &files.private_key,
        leaf_key.serialize_pem().as_bytes(),
        true,
    )?;
    let chain = format!("{leaf_pem}{ca_pem}");
    write(&files.certificate, chain.as_bytes(), false)?;
    Ok(files)
}

fn ca_params() -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, "Kinwarden local CA");
    name.push(DnType::OrganizationName, "Kinwarden");
    params.distinguished_name = name;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let now = time_now();
    params.not_before = now - rcgen_days(1);
    params.not_after = now + rcgen_days(3650);
    params
}

fn make_leaf(
    issuer: &Issuer<'_, KeyPair>,
    extra_hosts: &[String],
) -> Result<(String, KeyPair), TlsError> {
    let key = KeyPair::generate()?;
    let mut hosts: Vec<String> = vec!["localhost".into(), "127.0.0.1".into(), "::1".into()];
    for host in extra_hosts {
        if !hosts.contains(host) {
            hosts.push(host.clone());
        }
    }
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(
        DnType::CommonName,
        hosts.get(3).cloned().unwrap_or_else(|| "localhost".into()),
    );
    params.distinguished_name = name;
    params.subject_alt_names = hosts
        .iter()
        .map(|host| match host.parse::<IpAddr>() {
            Ok(ip) => Ok(SanType::IpAddress(ip)),
            Err(_) => host.clone().try_into().map(SanType::DnsName),
        })
        .collect::<Result<_, _>>()?;
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let now = time_now();
    params.not_before = now - rcgen_days(1);
    params.not_after = now + rcgen_days(825);
    let cert = params.signed_by(&key, issuer)?;
    Ok((cert.pem(), key))
}

fn time_now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

fn rcgen_days(days: i64) -> time::Duration {
    time::Duration::days(days)
}

fn read(path: &Path) -> Result<String, TlsError> {
    fs::read_to_string(path).map_err(|source| TlsError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn write(path: &Path, contents: &[u8], private: bool) -> Result<(), TlsError> {
    let result = if private {
        write_private_atomic(path, contents)
    } else {
        write_atomic(path, contents)
    };
    result.map_err(|source| TlsError::Write {
        path: path.to_path_buf(),
        source,
    })
}
