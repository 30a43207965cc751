//! Sync items on the wire (reference §4.1 C1) to the domain's and back. Dates are ISO-8601;
//! a date without an offset is read as UTC, as .NET writes an unspecified `DateTime`
//! (`kinwarden_core::wire_date`).

use kinwarden_core::sponsorships::cloud_sync::{AnsweredItem, SyncedItem};
use kinwarden_core::wire_date;
use kinwarden_proto::sponsorship_sync::{SyncItem, SyncResultItem};

use crate::error::AppError;
use crate::wire_time;

/// The longest friendly name or address an item may carry (reference §2.1's request model).
const MAX_TEXT: usize = 256;

pub fn synced_item(item: &SyncItem) -> Result<SyncedItem, AppError> {
    let member = item.sponsoring_organization_user_id.parse().map_err(|_| {
        AppError::field(
            "SponsoringOrganizationUserId",
            "The SponsoringOrganizationUserId field is not a valid id.",
        )
    })?;
    // What the cloud mails offers to and shows: the lengths the offer's own request allows,
    // and an address that is one (a self-hosted server checked it when the offer was made).
    for (field, value) in [
        ("FriendlyName", item.friendly_name.as_deref()),
        ("OfferedToEmail", item.offered_to_email.as_deref()),
    ] {
        if value.is_some_and(|value| value.chars().count() > MAX_TEXT) {
            return Err(AppError::field(
                field,
                format!(
                    "The field {field} must be a string or array type with a maximum length of '{MAX_TEXT}'."
                ),
            ));
        }
    }
    if item
        .offered_to_email
        .as_deref()
        .is_some_and(|email| kinwarden_core::email::normalize(email).is_none())
    {
        return Err(AppError::field(
            "OfferedToEmail",
            "The OfferedToEmail field is not a supported e-mail address format.",
        ));
    }
    Ok(SyncedItem {
        sponsoring_organization_user_id: member,
        friendly_name: item.friendly_name.clone(),
        offered_to_email: item.offered_to_email.clone(),
        plan_sponsorship_type: item.plan_sponsorship_type,
        last_sync_date: date(item.last_sync_date.as_deref(), "LastSyncDate")?,
        valid_until: date(item.valid_until.as_deref(), "ValidUntil")?,
        to_delete: item.to_delete,
    })
}

pub fn answered(item: &AnsweredItem) -> SyncResultItem {
    SyncResultItem {
        sponsoring_organization_user_id: item.sponsoring_organization_user_id.to_string(),
        friendly_name: item.friendly_name.clone(),
        offered_to_email: item.offered_to_email.clone(),
        plan_sponsorship_type: item.plan_sponsorship_type,
        last_sync_date: Some(wire_time::from_millis(item.last_sync_date)),
        valid_until: item.valid_until.map(wire_time::from_millis),
        to_delete: item.to_delete,
        cloud_sponsorship_removed: item.cloud_sponsorship_removed,
        // Sync never carries admin-initiated offers (reference §4.1: always false).
        is_admin_initiated: false,
    }
}

/// A request's date, read by the same rules as the cloud's answers (`wire_date`).
fn date(text: Option<&str>, field: &str) -> Result<Option<i64>, AppError> {
    wire_date::parse_optional(text)
        .map(|date| date.map(|date| date.timestamp_millis()))
        .map_err(|_| AppError::field(field, format!("The {field} field is not a valid date.")))
}

#[cfg(test)]
mod tests {
    use super::date;

    #[test]
    fn dates_with_and_without_offset() {
        assert_eq!(
            date(Some("2027-01-15T08:00:00.123Z"), "d").ok(),
            Some(Some(1_800_000_000_123))
        );
        assert_eq!(
            date(Some("2027-01-15T08:00:00.123"), "d").ok(),
            Some(Some(1_800_000_000_123))
        );
        assert_eq!(date(None, "d").ok(), Some(None));
        assert!(date(Some("yesterday"), "d").is_err());
    }
}
