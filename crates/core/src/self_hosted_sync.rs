//! The self-hosted side of the sponsorship sync (reference §2.4), as pure functions: what to send
//! for each local row, and what the cloud's answer changes locally. Only rows whose values change
//! are written, so a sync with nothing new writes almost nothing (SPEC §10): a row that had
//! synced before takes the new sync date from its organization's sync stamp, not a write of its
//! own.

use std::collections::HashMap;

use crate::ids::{OrganizationUserId, SponsorshipId};

/// A local row as the sync sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalRow {
    pub id: SponsorshipId,
    pub member_id: OrganizationUserId,
    pub to_delete: bool,
    pub last_sync_date: Option<i64>,
    pub valid_until: Option<i64>,
}

/// What the cloud answered for one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudAnswer {
    pub member_id: OrganizationUserId,
    pub removed: bool,
    pub last_sync_date: Option<i64>,
    pub valid_until: Option<i64>,
    pub to_delete: bool,
}

/// A local row's new sync state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowUpdate {
    pub id: SponsorshipId,
    pub last_sync_date: Option<i64>,
    pub valid_until: Option<i64>,
    pub to_delete: bool,
}

/// The local changes one answered batch calls for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Rows the cloud removed (unredeemed offers that were revoked).
    pub delete: Vec<SponsorshipId>,
    /// Rows whose sync state changed.
    pub update: Vec<RowUpdate>,
    /// Answered rows whose state was already what the cloud said.
    pub unchanged: usize,
    /// Answers for members this server has no row of (it was removed meanwhile): ignored.
    pub unknown: usize,
    /// The earliest sync date the cloud answered: what the organization's stamp may say once
    /// every batch has been answered.
    pub synced_at: Option<i64>,
}

/// Applies the cloud's answers to the local rows. Unlike the reference, an answer for a row that
/// is gone locally is ignored rather than failing the whole sync.
///
/// A revoked row that was never answered (to delete, no sync date: kept because the cloud might
/// have it, see `sponsorships::self_hosted_revoke`) is gone once the batch that carried it is
/// answered: the cloud either ended it (answered removed) or never had it (left it out, or
/// skipped it as `deleted_before_sync`), and either way it has nothing more to do.
pub fn reconcile(local: &[LocalRow], answers: &[CloudAnswer]) -> Changes {
    let by_member: HashMap<OrganizationUserId, &LocalRow> =
        local.iter().map(|row| (row.member_id, row)).collect();
    let mut changes = Changes::default();
    for answer in answers {
        let Some(row) = by_member.get(&answer.member_id) else {
            changes.unknown += 1;
            continue;
        };
        if answer.removed {
            changes.delete.push(row.id);
            continue;
        }
        if let Some(date) = answer.last_sync_date {
            changes.synced_at = Some(changes.synced_at.map_or(date, |at: i64| at.min(date)));
        }
        let update = RowUpdate {
            id: row.id,
            last_sync_date: answer.last_sync_date,
            valid_until: answer.valid_until,
            to_delete: answer.to_delete,
        };
        // A new date alone is carried by the organization's stamp (`Changes::synced_at`).
        let same = row.last_sync_date.is_some() == update.last_sync_date.is_some()
            && row.valid_until == update.valid_until
            && row.to_delete == update.to_delete;
        if same {
            changes.unchanged += 1;
        } else {
            changes.update.push(update);
        }
    }
    let answered: std::collections::HashSet<OrganizationUserId> =
        answers.iter().map(|answer| answer.member_id).collect();
    changes.delete.extend(
        local
            .iter()
            .filter(|row| row.to_delete && row.last_sync_date.is_none())
            .filter(|row| !answered.contains(&row.member_id))
            .map(|row| row.id),
    );
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixed id a test name (`r1`, `m2`) stands for.
    fn id<T: std::str::FromStr>(name: &str) -> T
    where
        T::Err: std::fmt::Debug,
    {
        let number: u64 = name[1..].parse().expect("a numbered name");
        format!("00000000-0000-7000-8000-{number:012}")
            .parse()
            .expect("an id")
    }

    fn row(id_name: &str, member: &str, to_delete: bool, last: Option<i64>) -> LocalRow {
        LocalRow {
            id: id(id_name),
            member_id: id(member),
            to_delete,
            last_sync_date: last,
            valid_until: None,
        }
    }

    fn answer(
        member: &str,
        removed: bool,
        last: Option<i64>,
        valid: Option<i64>,
        to_delete: bool,
    ) -> CloudAnswer {
        CloudAnswer {
            member_id: id(member),
            removed,
            last_sync_date: last,
            valid_until: valid,
            to_delete,
        }
    }

    #[test]
    fn items_the_cloud_removed_are_deleted_locally() {
        let changes = reconcile(
            &[row("r1", "m1", true, Some(1))],
            &[answer("m1", true, Some(2), None, true)],
        );
        assert_eq!(changes.delete, vec![id::<SponsorshipId>("r1")]);
        assert!(changes.update.is_empty());
    }

    #[test]
    fn other_items_take_the_clouds_dates_and_echoed_flag() {
        let changes = reconcile(
            &[row("r1", "m1", false, None)],
            &[answer("m1", false, Some(5), Some(9), false)],
        );
        assert_eq!(
            changes.update,
            vec![RowUpdate {
                id: id("r1"),
                last_sync_date: Some(5),
                valid_until: Some(9),
                to_delete: false
            }]
        );
    }

    #[test]
    fn nothing_changed_writes_nothing() {
        let mut local = row("r1", "m1", false, Some(5));
        local.valid_until = Some(9);
        let changes = reconcile(&[local], &[answer("m1", false, Some(5), Some(9), false)]);
        assert!(changes.update.is_empty() && changes.delete.is_empty());
        assert_eq!(changes.unchanged, 1);
    }

    #[test]
    fn a_revoked_row_the_cloud_never_had_goes_once_its_batch_is_answered() {
        let changes = reconcile(
            &[
                row("r1", "m1", true, None),
                row("r2", "m2", false, None),
                row("r3", "m3", true, Some(4)),
            ],
            &[],
        );
        assert_eq!(changes.delete, vec![id::<SponsorshipId>("r1")]);
        assert!(changes.update.is_empty());
    }

    #[test]
    fn a_new_date_alone_goes_to_the_stamp_and_a_first_date_to_the_row() {
        let mut synced = row("r1", "m1", false, Some(5));
        synced.valid_until = Some(9);
        let changes = reconcile(
            &[synced, row("r2", "m2", false, None)],
            &[
                answer("m1", false, Some(7), Some(9), false),
                answer("m2", false, Some(8), None, false),
            ],
        );
        assert_eq!(changes.unchanged, 1);
        assert_eq!(changes.update.len(), 1);
        assert_eq!(changes.update[0].id, id::<SponsorshipId>("r2"));
        assert_eq!(changes.update[0].last_sync_date, Some(8));
        assert_eq!(changes.synced_at, Some(7));
    }

    #[test]
    fn skipped_items_stay_untouched_and_unknown_answers_are_ignored() {
        let changes = reconcile(
            &[row("r1", "m1", false, None), row("r2", "m2", false, None)],
            &[answer("m3", false, Some(1), None, false)],
        );
        assert_eq!(changes.unknown, 1);
        assert!(changes.update.is_empty() && changes.delete.is_empty());
    }
}
