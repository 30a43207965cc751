//! Organization connections (reference §2.7): a self-hosted organization's billing sync
//! connection to its cloud organization. Saving an enabled one asks the cloud at once whether it
//! accepts the token for that organization (SPEC §6 "Token checked on Save").

pub mod billing_sync;
pub mod delete;
pub mod get;
pub mod save;

use kinwarden_core::connections::ConnectionType;
use kinwarden_core::members::{MemberStatus, MemberType};
use kinwarden_proto::connections::{BillingSyncConfig, ConnectionResponse};

use crate::records::{ConnectionRecord, UserRecord};
use crate::{App, AppError};

/// The billing sync connection's config as stored (`BillingSyncKey`, `CloudOrganizationId`,
/// `LastLicenseSync`): the one reading of it, wherever it is used. None for a connection of
/// another type's shape or a config that does not parse.
pub fn billing_sync_config(record: &ConnectionRecord) -> Option<BillingSyncConfig> {
    record
        .config
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
}

/// The connection as the API answers it: `config` as stored.
pub fn response(record: &ConnectionRecord) -> ConnectionResponse {
    ConnectionResponse {
        id: Some(record.id.clone()),
        connection_type: record.connection_type,
        organization_id: record.organization_id.clone(),
        enabled: record.enabled,
        config: record
            .config
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok()),
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
async fn is_owner(app: &App, user: &UserRecord, organization_id: &str) -> Result<bool, AppError> {
    Ok(app
        .store
        .membership(organization_id, &user.id)
        .await?
        .is_some_and(|m| {
            m.status == MemberStatus::Confirmed.code() && m.member_type == MemberType::Owner.code()
        }))
}

fn parse_org(raw: &str) -> Result<String, AppError> {
    raw.parse::<kinwarden_core::ids::OrganizationId>()
        .map(|id| id.to_string())
        .map_err(|_| {
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
            id: "c".into(),
            organization_id: "o".into(),
            connection_type: ConnectionType::BillingSync.code(),
            enabled: true,
            config: config.map(str::to_string),
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn the_billing_sync_config_is_read_as_stored() {
        let stored = r#"{"BillingSyncKey":"k","CloudOrganizationId":"c","LastLicenseSync":null}"#;
        let config = billing_sync_config(&record(Some(stored)));
        assert_eq!(
            config,
            Some(BillingSyncConfig {
                billing_sync_key: "k".into(),
                cloud_organization_id: "c".into(),
                last_license_sync: None,
            })
        );
        assert_eq!(billing_sync_config(&record(None)), None);
        assert_eq!(billing_sync_config(&record(Some("{}"))), None);
    }

    #[test]
    fn type_names_are_the_references() {
        assert_eq!(type_name(1), "CloudBillingSync");
        assert_eq!(type_name(2), "Scim");
        assert_eq!(type_name(7), "7");
    }
}
