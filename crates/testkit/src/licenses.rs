//! Test licenses "from the facts" (issue 19): a test RSA key with its own self-signed
//! certificate, and license files in the shapes genuine ones arrive in — a tokened camelCase
//! download, a tokened PascalCase admin file, a Signature-only Version 12 file from before
//! tokens, and a token whose `PlanType` claim is a name — signed with it.

use chrono::{DateTime, Duration, Utc};
use kinwarden_core::license::{
    self, Casing, LicenseSigningKey, OrganizationFacts, OrganizationLicense,
};
use serde_json::Value;
use uuid::Uuid;

/// A license signing key and its certificate, as a test's own "cloud".
pub struct TestLicenseKey {
    signing: LicenseSigningKey,
    /// The self-signed certificate (PEM) a server lists in `kinwarden__licenseCertificates`.
    pub certificate_pem: String,
    /// Its SHA-1 thumbprint, upper-case hex.
    pub thumbprint: String,
    x5t: String,
}

impl TestLicenseKey {
    /// A fresh RSA-2048 key and a self-signed certificate for it.
    pub fn generate(common_name: &str) -> anyhow::Result<Self> {
        let (private, _public) = kinwarden_core::tokens::generate_key_pem()?;
        let signing = LicenseSigningKey::from_pem(&private)?;
        let key = rcgen::KeyPair::from_pkcs8_pem_and_sign_algo(&private, &rcgen::PKCS_RSA_SHA256)?;
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new())?;
        let mut name = rcgen::DistinguishedName::new();
        name.push(rcgen::DnType::CommonName, common_name);
        params.distinguished_name = name;
        let certificate = params.self_signed(&key)?;
        Ok(Self {
            signing,
            certificate_pem: certificate.pem(),
            thumbprint: license::thumbprint(certificate.der()),
            x5t: license::x5t(certificate.der()),
        })
    }
}

/// The facts a license is made of.
#[derive(Debug, Clone)]
pub struct LicenseFacts {
    /// The cloud organization's id.
    pub id: Uuid,
    pub installation_id: Uuid,
    pub name: String,
    pub billing_email: String,
    pub plan_type: i32,
    pub seats: Option<i32>,
    pub max_collections: Option<i32>,
    pub license_key: String,
    pub issued: DateTime<Utc>,
    pub expires: DateTime<Utc>,
}

impl LicenseFacts {
    /// An Enterprise (annual) organization with `seats`, issued an hour ago, for a year.
    pub fn enterprise(installation_id: Uuid, seats: i32) -> Self {
        let issued = Utc::now() - Duration::hours(1);
        Self {
            id: Uuid::new_v4(),
            installation_id,
            name: "Test Enterprise".into(),
            billing_email: "billing@test.example".into(),
            plan_type: 20,
            seats: Some(seats),
            max_collections: None,
            license_key: format!("test{}", Uuid::new_v4().simple())
                .chars()
                .take(20)
                .collect(),
            issued,
            expires: issued + Duration::days(365),
        }
    }
}

/// The shape of a license file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LicenseShape {
    /// What the cloud's web vault download saves: camelCase, with a Token, Version 15.
    TokenCamel,
    /// What an admin's "Generate license" writes: PascalCase, with a Token, Version 15.
    TokenPascal,
    /// A license from before tokens: PascalCase, Version 12, Hash and Signature only.
    SignatureOnlyV12,
    /// camelCase with a Token whose `PlanType` claim is the plan's name (tokens before late 2025).
    TokenPlanTypeName,
}

fn unsigned(facts: &LicenseFacts, version: i32) -> OrganizationLicense {
    let org = OrganizationFacts {
        id: facts.id,
        name: facts.name.clone(),
        billing_email: facts.billing_email.clone(),
        plan_type: facts.plan_type,
        seats: facts.seats,
        max_collections: facts.max_collections,
        enabled: true,
        expiration_date: None,
        license_key: facts.license_key.clone(),
    };
    let mut license = license::build(&org, facts.installation_id, facts.issued, version);
    license.expires = Some(facts.expires);
    license.refresh = Some(facts.issued + Duration::days(30));
    license.expiration_without_grace_period = None;
    license
}

/// The reference enum's name of a plan type, for the name-claim shape.
fn plan_type_name(plan_type: i32) -> &'static str {
    match plan_type {
        20 => "EnterpriseAnnually",
        19 => "EnterpriseMonthly",
        18 => "TeamsAnnually",
        17 => "TeamsMonthly",
        _ => "Free",
    }
}

/// The license file (JSON text) of `facts` in `shape`, signed with `key`.
pub fn license_file(
    facts: &LicenseFacts,
    key: &TestLicenseKey,
    shape: LicenseShape,
) -> anyhow::Result<String> {
    let version = match shape {
        LicenseShape::SignatureOnlyV12 => 12,
        _ => license::CURRENT_VERSION,
    };
    let mut signed = license::sign_legacy(unsigned(facts, version), &key.signing)?;
    if shape != LicenseShape::SignatureOnlyV12 {
        let mut claims = license::claims_of(&signed, facts.issued);
        if shape == LicenseShape::TokenPlanTypeName {
            claims.insert(
                "PlanType".into(),
                Value::String(plan_type_name(facts.plan_type).into()),
            );
        }
        signed.token = Some(license::sign_token(&claims, &key.signing, Some(&key.x5t))?);
    }
    let casing = match shape {
        LicenseShape::TokenPascal | LicenseShape::SignatureOnlyV12 => Casing::Pascal,
        LicenseShape::TokenCamel | LicenseShape::TokenPlanTypeName => Casing::Camel,
    };
    Ok(serde_json::to_string_pretty(&signed.to_value(casing))?)
}
