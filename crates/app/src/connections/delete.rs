//! Deleting a connection (reference §2.7 `DELETE /api/organizations/connections/{id}`), for an
//! owner of its organization.

use kinwarden_core::ids::ConnectionId;

use crate::connections::{is_owner, type_name};
use crate::records::UserRecord;
use crate::{App, AppError};

pub async fn delete(app: &App, user: &UserRecord, id: ConnectionId) -> Result<(), AppError> {
    let existing = app.store.connection(id).await?.ok_or(AppError::NotFound)?;
    if !is_owner(app, user, existing.organization_id).await? {
        return Err(AppError::BadRequest(format!(
            "You do not have permission to remove this connection of type {}.",
            type_name(existing.connection_type.code())
        )));
    }
    app.store.delete_connection(id).await?;
    Ok(())
}
