//! Sync items on the wire (reference §4.1 C1) to the domain's and back. Dates are ISO-8601;
//! a date without an offset is read as UTC, as .NET writes an unspecified `DateTime`.

use chrono::{DateTime, NaiveDateTime};
use kinwarden_core::sponsorships::cloud_sync::{AnsweredItem, SyncedItem};
use kinwarden_proto::sponsorship_sync::{SyncItem, SyncResultItem};

use crate::error::ApiError;
use crate::wire_time;

pub fn synced_item(item: &SyncItem) -> Result<SyncedItem, ApiError> {
    let member = item.sponsoring_organization_user_id.parse().map_err(|_| {
        ApiError::field(
            "SponsoringOrganizationUserId",
            "The SponsoringOrganizationUserId field is not a valid id.",
        )
    })?;
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

fn date(text: Option<&str>, field: &str) -> Result<Option<i64>, ApiError> {
    let Some(text) = text else {
        return Ok(None);
    };
    let millis = DateTime::parse_from_rfc3339(text)
        .map(|dt| dt.timestamp_millis())
        .or_else(|_| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .map(|dt| dt.and_utc().timestamp_millis())
        })
        .map_err(|_| ApiError::field(field, format!("The {field} field is not a valid date.")))?;
    Ok(Some(millis))
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

    /// Robustness: any body sent to the sync route decodes to a request or a 400 in the
    /// envelope, and any decoded item is taken or refused, never a panic.
    mod robustness {
        use kinwarden_proto::sponsorship_sync::{SyncItem, SyncRequest};
        use proptest::prelude::*;
        use serde_json::{Value, json};

        use super::super::synced_item;
        use crate::error::ApiError;

        fn any_text() -> impl Strategy<Value = Value> {
            prop_oneof![
                Just(Value::Null),
                ".{0,30}".prop_map(Value::from),
                Just(json!("2027-01-15T08:00:00.123Z")),
                Just(json!("9999-99-99T99:99:99")),
                Just(json!("0b5c7e9a-1f2e-4c3d-8a9b-0c1d2e3f4a5b")),
                any::<i64>().prop_map(Value::from),
                any::<bool>().prop_map(Value::from),
            ]
        }

        fn any_item() -> impl Strategy<Value = Value> {
            (
                any_text(),
                any_text(),
                any_text(),
                any_text(),
                any_text(),
                any_text(),
                any_text(),
            )
                .prop_map(|(member, name, email, plan, last, valid, delete)| {
                    json!({
                        "sponsoringOrganizationUserId": member,
                        "FriendlyName": name,
                        "offeredToEmail": email,
                        "planSponsorshipType": plan,
                        "lastSyncDate": last,
                        "validUntil": valid,
                        "toDelete": delete,
                    })
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
                let _ = crate::json::decode::<SyncRequest>(&bytes);
            }

            #[test]
            fn any_shaped_body(
                key in any_text(),
                cloud_id in any_text(),
                items in prop::collection::vec(any_item(), 0..4),
            ) {
                let body = json!({
                    "billingSyncKey": key,
                    "SponsoringOrganizationCloudId": cloud_id,
                    "sponsorshipsBatch": items,
                });
                let bytes = serde_json::to_vec(&body).expect("json");
                match crate::json::decode::<SyncRequest>(&bytes) {
                    Ok(request) => {
                        for item in request.sponsorships_batch.unwrap_or_default() {
                            check(&item)?;
                        }
                    }
                    Err(err) => prop_assert!(matches!(err, ApiError::Validation(_))),
                }
            }
        }

        fn check(item: &SyncItem) -> Result<(), TestCaseError> {
            if let Err(err) = synced_item(item) {
                prop_assert!(matches!(
                    err,
                    ApiError::Validation(_) | ApiError::BadRequest(_)
                ));
            }
            Ok(())
        }
    }
}
