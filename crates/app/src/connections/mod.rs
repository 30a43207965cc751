//! Organization connections (reference §2.7): a self-hosted organization's billing sync
//! connection to its cloud organization. Saving an enabled one asks the cloud at once whether it
//! accepts the token for that organization (SPEC §6 "Token checked on Save").

use kinwarden_core::ids::OrganizationId;
pub mod billing_sync;
pub mod delete;
pub mod get;
pub mod save;

use kinwarden_config::Secret;
use kinwarden_core::connections::ConnectionType;
use kinwarden_core::data_key::DataKey;
use kinwarden_core::members::{MemberStatus, MemberType};
use kinwarden_proto::connections::{BillingSyncConfig, ConnectionResponse};

use crate::records::{ConnectionRecord, UserRecord};
use crate::{App, AppError};

/// A billing sync connection's settings, read one way wherever they are used. The token is a
/// [`Secret`], so neither a log line nor a debug print of the settings shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingSyncSettings {
    pub key: Secret,
    /// The cloud organization of the license the token was checked against.
    pub cloud_organization_id: OrganizationId,
    /// When *Sync license* last fetched a license, as the wire writes dates.
    pub last_license_sync: Option<String>,
}

impl BillingSyncSettings {
    /// The settings of a connection as stored (`BillingSyncKey`, `CloudOrganizationId`,
    /// `LastLicenseSync`), the token unsealed with the server's data key. None for a connection
    /// of another type's shape, a config that does not parse or a token that does not open.
    pub fn of(record: &ConnectionRecord, data_key: &DataKey) -> Option<Self> {
        let stored: BillingSyncConfig = serde_json::from_str(record.config.as_deref()?).ok()?;
        let key = if is_sealed(&stored.billing_sync_key) {
            data_key
                .open(
                    &stored.billing_sync_key,
                    &seal_context(record.organization_id),
                )
                .ok()?
        } else {
            // Saved before tokens were sealed; sealed at the next save.
            stored.billing_sync_key
        };
        Some(Self {
            key: Secret::new(key),
            cloud_organization_id: stored.cloud_organization_id.parse().ok()?,
            last_license_sync: stored.last_license_sync,
        })
    }

    /// The config as the connections API answers it to the owner: the token in the clear.
    pub fn to_config(&self) -> BillingSyncConfig {
        BillingSyncConfig {
            billing_sync_key: self.key.expose().to_string(),
            cloud_organization_id: self.cloud_organization_id.to_string(),
            last_license_sync: self.last_license_sync.clone(),
        }
    }

    /// The config as stored for `organization`: the token sealed with the server's data key
    /// (bound to the organization, as the cloud seals its API keys), so a copy of the database
    /// alone does not give it away.
    pub fn stored(
        &self,
        organization: OrganizationId,
        data_key: &DataKey,
    ) -> Result<String, AppError> {
        let sealed = data_key
            .seal(self.key.expose(), &seal_context(organization))
            .map_err(AppError::internal)?;
        let config = BillingSyncConfig {
            billing_sync_key: sealed,
            ..self.to_config()
        };
        serde_json::to_string(&config).map_err(AppError::internal)
    }
}

/// What a sealed token is bound to: its organization and what it is.
fn seal_context(organization: OrganizationId) -> String {
    format!("billing-sync-key/{organization}")
}

/// A token as the cloud makes it is letters and digits only; a sealed one carries its version
/// prefix (`1.`).
fn is_sealed(stored: &str) -> bool {
    stored.contains('.')
}

/// The connection as the API answers it to the owner: a billing sync config with its token
/// unsealed, any other config as stored.
pub fn response(record: &ConnectionRecord, data_key: &DataKey) -> ConnectionResponse {
    let config = match record.connection_type {
        ConnectionType::BillingSync => BillingSyncSettings::of(record, data_key)
            .and_then(|settings| serde_json::to_value(settings.to_config()).ok()),
        ConnectionType::Scim => record
            .config
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok()),
    };
    ConnectionResponse {
        id: Some(record.id.to_string()),
        connection_type: record.connection_type.code(),
        organization_id: record.organization_id.to_string(),
        enabled: record.enabled,
        config,
    }
}

/// The type's name in the reference's messages; an unknown number as is.
fn type_name(connection_type: i32) -> String {
    match ConnectionType::from_code(connection_type) {
        Some(ConnectionType::BillingSync) => "CloudBillingSync".to_string(),
        Some(ConnectionType::Scim) => "Scim".to_string(),
        None => connection_type.to_string(),
    }
}

/// Owners only, for either type (reference §2.7 `HasPermission`; SCIM's ManageScim is an owner
/// or admin here too, and Kinwarden serves no SCIM).
async fn is_owner(
    app: &App,
    user: &UserRecord,
    organization_id: OrganizationId,
) -> Result<bool, AppError> {
    Ok(app
        .store
        .membership(organization_id, user.id)
        .await?
        .is_some_and(|m| m.status == MemberStatus::Confirmed && m.member_type == MemberType::Owner))
}

fn parse_org(raw: &str) -> Result<OrganizationId, AppError> {
    raw.parse::<OrganizationId>().map_err(|_| {
        AppError::field(
            "OrganizationId",
            "The OrganizationId field is not a valid id.",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(config: Option<&str>) -> ConnectionRecord {
        ConnectionRecord {
            id: kinwarden_core::ids::ConnectionId::new(),
            organization_id: OrganizationId::new(),
            connection_type: ConnectionType::BillingSync,
            enabled: true,
            config: config.map(str::to_string),
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn the_billing_sync_config_is_read_as_stored() {
        let (data_key, _) = DataKey::generate().expect("key");
        let cloud_org = "0190a000-0000-7000-8000-000000000001";
        // Saved before tokens were sealed: read as it is.
        let legacy = format!(
            r#"{{"BillingSyncKey":"k","CloudOrganizationId":"{cloud_org}","LastLicenseSync":null}}"#
        );
        let settings =
            BillingSyncSettings::of(&record(Some(&legacy)), &data_key).expect("settings");
        assert_eq!(
            settings.to_config(),
            BillingSyncConfig {
                billing_sync_key: "k".into(),
                cloud_organization_id: cloud_org.into(),
                last_license_sync: None,
            }
        );
        assert!(
            !format!("{settings:?}").contains("\"k\""),
            "the token is not printed"
        );
        assert_eq!(BillingSyncSettings::of(&record(None), &data_key), None);
        assert_eq!(
            BillingSyncSettings::of(&record(Some("{}")), &data_key),
            None
        );
    }

    #[test]
    fn the_token_is_stored_sealed_for_its_organization() {
        let (data_key, _) = DataKey::generate().expect("key");
        let token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123";
        let mut connection = record(None);
        let settings = BillingSyncSettings {
            key: Secret::new(token),
            cloud_organization_id: OrganizationId::new(),
            last_license_sync: None,
        };
        let stored = settings
            .stored(connection.organization_id, &data_key)
            .expect("stored");
        assert!(!stored.contains(token), "{stored}");
        connection.config = Some(stored.clone());
        assert_eq!(
            BillingSyncSettings::of(&connection, &data_key).as_ref(),
            Some(&settings)
        );
        // Moved to another organization's row, it does not open.
        connection.organization_id = OrganizationId::new();
        assert_eq!(BillingSyncSettings::of(&connection, &data_key), None);
    }

    #[test]
    fn type_names_are_the_references() {
        assert_eq!(type_name(1), "CloudBillingSync");
        assert_eq!(type_name(2), "Scim");
        assert_eq!(type_name(7), "7");
    }
}
