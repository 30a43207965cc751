//! Creating and updating a connection (reference §2.7 `POST`, `PUT
//! /api/organizations/connections`), and the billing page's *Manage billing sync* → *Save*,
//! which does whichever of the two applies.

use kinwarden_core::connections::ConnectionType;
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
    if !is_owner(app, user, &org_id).await? {
        return Err(AppError::BadRequest(format!(
            "You do not have permission to create a connection of type {kind}."
        )));
    }
    if !app
        .store
        .connections_of(&org_id, request.connection_type)
        .await?
        .is_empty()
    {
        return Err(AppError::BadRequest(format!(
            "The requested organization already has a connection of type {kind}. Only one of each connection type may exist per organization."
        )));
    }
    let now = app.clock.now_millis();
    let record = ConnectionRecord {
        id: uuid::Uuid::new_v4().to_string(),
        organization_id: org_id.clone(),
        connection_type: request.connection_type,
        enabled: request.enabled,
        config: Some(checked_config(app, &org_id, request).await?.to_string()),
        created_at: now,
        updated_at: now,
    };
    app.store.save_connection(&record).await?;
    Ok(response(&record))
}

/// The connection `id` with the request's config and state; its type cannot change.
pub async fn update(
    app: &App,
    user: &UserRecord,
    id: &str,
    request: &ConnectionRequest,
) -> Result<ConnectionResponse, AppError> {
    let org_id = parse_org(&request.organization_id)?;
    let existing = app
        .store
        .connection(id)
        .await?
        .filter(|c| c.organization_id == org_id)
        .ok_or(AppError::NotFound)?;
    if !is_owner(app, user, &existing.organization_id).await? {
        return Err(AppError::BadRequest(
            "You do not have permission to update this connection.".into(),
        ));
    }
    if request.connection_type != existing.connection_type {
        return Err(AppError::BadRequest(
            "The connection type cannot be changed.".into(),
        ));
    }
    let record = ConnectionRecord {
        enabled: request.enabled,
        config: Some(checked_config(app, &org_id, request).await?.to_string()),
        updated_at: app.clock.now_millis(),
        ..existing
    };
    app.store.save_connection(&record).await?;
    Ok(response(&record))
}

/// *Manage billing sync* → *Save*: an enabled billing sync connection with this token, updating
/// the one the owner can see or creating it; the token is checked with the cloud first.
pub async fn save_billing_sync(
    app: &App,
    user: &UserRecord,
    org_id: &str,
    billing_sync_key: &str,
) -> Result<ConnectionResponse, AppError> {
    // What the owner would read back: someone who may not read it creates, and is refused
    // with create's message.
    let existing = match parse_org(org_id) {
        Ok(parsed) => get::find(app, user, &parsed, ConnectionType::BillingSync)
            .await
            .ok()
            .flatten()
            .map(|found| found.id),
        Err(_) => None,
    };
    let request = ConnectionRequest {
        connection_type: ConnectionType::BillingSync.code(),
        organization_id: org_id.to_string(),
        enabled: true,
        config: Some(serde_json::json!({"billingSyncKey": billing_sync_key})),
    };
    match existing {
        Some(id) => update(app, user, &id, &request).await,
        None => create(app, user, &request).await,
    }
}

/// The config to store, checked per type; for billing sync, against the license and the cloud.
async fn checked_config(
    app: &App,
    org_id: &str,
    request: &ConnectionRequest,
) -> Result<Value, AppError> {
    let config = request.config.clone().ok_or_else(|| {
        AppError::BadRequest("Organization Connection configuration malformed".into())
    })?;
    match ConnectionType::from_code(request.connection_type) {
        Some(ConnectionType::BillingSync) => {
            let parsed: BillingSyncConfigRequest =
                serde_json::from_value(config).map_err(|_| {
                    AppError::BadRequest("Organization Connection configuration malformed".into())
                })?;
            billing_sync::checked_config(app, org_id, parsed, request.enabled).await
        }
        Some(ConnectionType::Scim) => Ok(config),
        None => Err(AppError::BadRequest(format!(
            "Unknown Organization connection Type: {}",
            request.connection_type
        ))),
    }
}
