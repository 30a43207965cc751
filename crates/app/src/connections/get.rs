//! Reading a connection (reference §2.7 `GET
//! /api/organizations/connections/{organizationId}/{type}`), for an owner.

use kinwarden_config::Mode;
use kinwarden_core::connections::ConnectionType;
use kinwarden_core::ids::OrganizationId;
use kinwarden_proto::connections::ConnectionResponse;

use crate::connections::{is_owner, parse_org, response, type_name};
use crate::records::{ConnectionRecord, UserRecord};
use crate::{App, AppError};

/// The organization's connection of `connection_type` (a number or the type's name), or the
/// reference's empty answer when it has none.
pub async fn get(
    app: &App,
    user: &UserRecord,
    org_id: &str,
    connection_type: &str,
) -> Result<ConnectionResponse, AppError> {
    let org_id = parse_org(org_id)?;
    let connection_type = match connection_type.to_ascii_lowercase().as_str() {
        "1" | "cloudbillingsync" => ConnectionType::BillingSync,
        "2" | "scim" => ConnectionType::Scim,
        other => {
            return Err(AppError::BadRequest(format!(
                "Unknown Organization connection Type: {other}"
            )));
        }
    };
    let found = find(app, user, org_id, connection_type).await?;
    Ok(found
        .as_ref()
        .map(|record| response(record, &app.data_key))
        .unwrap_or(ConnectionResponse {
            id: None,
            connection_type: 0,
            organization_id: uuid::Uuid::nil().to_string(),
            enabled: false,
            config: None,
        }))
}

/// The organization's first connection of the type, after the owner check; `org_id` is
/// parsed already.
pub(super) async fn find(
    app: &App,
    user: &UserRecord,
    org_id: OrganizationId,
    connection_type: ConnectionType,
) -> Result<Option<ConnectionRecord>, AppError> {
    let kind = type_name(connection_type.code());
    if !is_owner(app, user, org_id).await? {
        return Err(AppError::BadRequest(format!(
            "You do not have permission to retrieve a connection of type {kind}."
        )));
    }
    if connection_type == ConnectionType::BillingSync && app.config.mode == Mode::Cloud {
        return Err(AppError::BadRequest(
            "Cannot get a CloudBillingSync connection outside of a self-hosted instance.".into(),
        ));
    }
    Ok(app
        .store
        .connections_of(org_id, connection_type)
        .await?
        .into_iter()
        .next())
}
