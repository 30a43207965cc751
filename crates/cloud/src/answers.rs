//! The cloud's sponsorship sync answer, read and checked (SPEC §12, the cloud's answers): names
//! in any case (the link reads every answer so), and each date with or without an offset. A date
//! that cannot be read fails the whole answer, naming the item and the field, rather than
//! reaching the self-hosted rows as "no date" (which would read as *Awaiting Sync* again).

use chrono::{DateTime, Utc};
use kinwarden_core::wire_date;
use kinwarden_proto::sponsorship_sync::{SkippedItem, SyncResponse, SyncResultItem};

/// One answered item, its dates read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnsweredSponsorship {
    /// As the cloud echoed it; a self-hosted server matches it against its member ids.
    pub sponsoring_organization_user_id: String,
    pub last_sync_date: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
    pub to_delete: bool,
    pub cloud_sponsorship_removed: bool,
}

/// The cloud's answer to one batch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SponsorshipSyncAnswer {
    pub sponsorships: Vec<AnsweredSponsorship>,
    /// Kinwarden's addition: the items a Kinwarden cloud left out, and why.
    pub skipped: Vec<SkippedItem>,
}

/// Why an answer cannot be used: which item, which field, what it held.
pub fn read_sync_answer(answer: SyncResponse) -> Result<SponsorshipSyncAnswer, String> {
    let sponsorships = answer
        .sponsorships_batch
        .into_iter()
        .enumerate()
        .map(|(index, item)| read_item(index, item))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SponsorshipSyncAnswer {
        sponsorships,
        skipped: answer.skipped,
    })
}

fn read_item(index: usize, item: SyncResultItem) -> Result<AnsweredSponsorship, String> {
    let date = |field: &str, text: Option<&str>| {
        wire_date::parse_optional(text)
            .map_err(|err| format!("sponsorshipsBatch[{index}].{field}: {err}"))
    };
    Ok(AnsweredSponsorship {
        last_sync_date: date("lastSyncDate", item.last_sync_date.as_deref())?,
        valid_until: date("validUntil", item.valid_until.as_deref())?,
        sponsoring_organization_user_id: item.sponsoring_organization_user_id,
        to_delete: item.to_delete,
        cloud_sponsorship_removed: item.cloud_sponsorship_removed,
    })
}

#[cfg(test)]
mod tests {
    use kinwarden_proto::any_case;
    use serde_json::{Value, json};

    use super::*;

    fn read(value: Value) -> Result<SponsorshipSyncAnswer, String> {
        read_sync_answer(any_case::from_value(value).map_err(|err| err.to_string())?)
    }

    fn at(text: &str) -> Option<DateTime<Utc>> {
        wire_date::parse(text).ok()
    }

    #[test]
    fn camel_and_pascal_answers_read_alike() {
        let camel = json!({"sponsorshipsBatch": [{
            "sponsoringOrganizationUserId": "m1", "friendlyName": "F", "offeredToEmail": "f@x.test",
            "planSponsorshipType": 0, "lastSyncDate": "2026-08-20T12:34:56.1234567Z",
            "validUntil": null, "toDelete": false, "cloudSponsorshipRemoved": true,
            "isAdminInitiated": false
        }]});
        let pascal = json!({"SponsorshipsBatch": [{
            "SponsoringOrganizationUserId": "m1", "FriendlyName": "F", "OfferedToEmail": "f@x.test",
            "PlanSponsorshipType": "0", "LastSyncDate": "2026-08-20T12:34:56.1234567",
            "ValidUntil": null, "ToDelete": false, "CloudSponsorshipRemoved": true,
            "IsAdminInitiated": false
        }]});
        let expected = SponsorshipSyncAnswer {
            sponsorships: vec![AnsweredSponsorship {
                sponsoring_organization_user_id: "m1".into(),
                last_sync_date: at("2026-08-20T12:34:56.1234567Z"),
                valid_until: None,
                to_delete: false,
                cloud_sponsorship_removed: true,
            }],
            skipped: Vec::new(),
        };
        assert_eq!(read(camel), Ok(expected.clone()));
        assert_eq!(read(pascal), Ok(expected));
    }

    #[test]
    fn an_unreadable_date_names_its_item_and_field() {
        let answer = json!({"SponsorshipsBatch": [
            {"SponsoringOrganizationUserId": "m1", "LastSyncDate": "2026-08-20T12:00:00Z"},
            {"SponsoringOrganizationUserId": "m2", "LastSyncDate": "2026-08-20T12:00:00Z", "ValidUntil": "next year"}
        ]});
        let refused = read(answer).err().unwrap_or_default();
        assert!(
            refused.starts_with("sponsorshipsBatch[1].validUntil: 'next year' is not"),
            "{refused}"
        );
    }
}
