//! Creating and updating a connection (reference §2.7 `POST`, `PUT
//! /api/organizations/connections`), and the billing page's *Manage billing sync* → *Save*,
//! which does whichever of the two applies.

use kinwarden_core::connections::ConnectionType;
use kinwarden_core::ids::{ConnectionId, OrganizationId};
use kinwarden_proto::connections::{
    BillingSyncConfigRequest, ConnectionRequest, ConnectionResponse,
};
use serde_json::Value;

use crate::connections::{billing_sync, get, is_owner, parse_org, response, type_name};
use crate::records::{ConnectionRecord, UserRecord};
use crate::{App, AppError};

/// A new connection of the request's type; an organization has at most one of each type.
pub async fn create(
    app: &App,
    user: &UserRecord,
    request: &ConnectionRequest,
) -> Result<ConnectionResponse, AppError> {
    let org_id = parse_org(&request.organization_id)?;
    let kind = type_name(request.connection_type);
    if !is_owner(app, user, org_id).await? {
        return Err(AppError::BadRequest(format!(
            "You do not have permission to create a connection of type {kind}."
        )));
    }
    let config = config_of(request)?;
    let connection_type = known_type(request.connection_type)?;
    if !app
        .store
        .connections_of(org_id, connection_type)
        .await?
        .is_empty()
    {
        return Err(AppError::BadRequest(format!(
            "The requested organization already has a connection of type {kind}. Only one of each connection type may exist per organization."
        )));
    }
    let now = app.clock.now_millis();
    let record = ConnectionRecord {
        id: ConnectionId::new(),
        organization_id: org_id,
        connection_type,
        enabled: request.enabled,
        config: Some(checked_config(app, org_id, connection_type, config, request.enabled).await?),
        created_at: now,
        updated_at: now,
    };
    app.store.save_connection(&record).await?;
    Ok(response(&record, &app.data_key))
}

/// The connection `id` with the request's config and state; its type cannot change.
pub async fn update(
    app: &App,
    user: &UserRecord,
    id: ConnectionId,
    request: &ConnectionRequest,
) -> Result<ConnectionResponse, AppError> {
    let org_id = parse_org(&request.organization_id)?;
    let existing = app
        .store
        .connection(id)
        .await?
        .filter(|c| c.organization_id == org_id)
        .ok_or(AppError::NotFound)?;
    if !is_owner(app, user, existing.organization_id).await? {
        return Err(AppError::BadRequest(
            "You do not have permission to update this connection.".into(),
        ));
    }
    if request.connection_type != existing.connection_type.code() {
        return Err(AppError::BadRequest(
            "The connection type cannot be changed.".into(),
        ));
    }
    let config = config_of(request)?;
    let checked = checked_config(
        app,
        org_id,
        existing.connection_type,
        config,
        request.enabled,
    )
    .await?;
    let record = ConnectionRecord {
        enabled: request.enabled,
        config: Some(checked),
        updated_at: app.clock.now_millis(),
        ..existing
    };
    app.store.save_connection(&record).await?;
    Ok(response(&record, &app.data_key))
}

/// *Manage billing sync* → *Save*: an enabled billing sync connection with this token, updating
/// the one the owner can see or creating it; the token is checked with the cloud first.
pub async fn save_billing_sync(
    app: &App,
    user: &UserRecord,
    org_id: OrganizationId,
    billing_sync_key: &str,
) -> Result<ConnectionResponse, AppError> {
    // What the owner would read back: someone who may not read it creates, and is refused
    // with create's message.
    let existing = get::find(app, user, org_id, ConnectionType::BillingSync)
        .await
        .ok()
        .flatten()
        .map(|found| found.id);
    let request = ConnectionRequest {
        connection_type: ConnectionType::BillingSync.code(),
        organization_id: org_id.to_string(),
        enabled: true,
        config: Some(serde_json::json!({"billingSyncKey": billing_sync_key})),
    };
    match existing {
        Some(id) => update(app, user, id, &request).await,
        None => create(app, user, &request).await,
    }
}

/// The request's config, which every type needs.
fn config_of(request: &ConnectionRequest) -> Result<Value, AppError> {
    request.config.clone().ok_or_else(malformed)
}

fn malformed() -> AppError {
    AppError::BadRequest("Organization Connection configuration malformed".into())
}

/// The config to store, checked per type; for billing sync, against the license and the cloud,
/// and with its token sealed.
async fn checked_config(
    app: &App,
    org_id: OrganizationId,
    connection_type: ConnectionType,
    config: Value,
    enabled: bool,
) -> Result<String, AppError> {
    match connection_type {
        ConnectionType::BillingSync => {
            let parsed: BillingSyncConfigRequest =
                serde_json::from_value(config).map_err(|_| malformed())?;
            billing_sync::checked_config(app, org_id, parsed, enabled)
                .await?
                .stored(org_id, &app.data_key)
        }
        ConnectionType::Scim => Ok(config.to_string()),
    }
}

/// The request's connection type, or the reference's refusal of a number it does not know.
fn known_type(code: i32) -> Result<ConnectionType, AppError> {
    ConnectionType::from_code(code).ok_or_else(|| {
        AppError::BadRequest(format!("Unknown Organization connection Type: {code}"))
    })
}
