//! How many items one bulk action may name on a cloud (reference vault §1.10): a cloud serves
//! many tenants, so one request may not touch an unbounded number of rows. A self-hosted server
//! sets no limit: its admin owns the whole database.

/// The most items one bulk action may name on a cloud.
pub const CLOUD_BULK_LIMIT: usize = 500;

/// A bulk action on items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkAction {
    SoftDelete,
    Delete,
    Restore,
    Move,
    Archive,
    Unarchive,
}

impl BulkAction {
    /// The reference's refusal of too many items for this action.
    pub fn too_many_message(self) -> &'static str {
        match self {
            Self::SoftDelete => "You can only delete up to 500 items at a time.",
            Self::Delete => {
                "You can only delete up to 500 items at a time. Consider using the \"Purge Vault\" option instead."
            }
            Self::Restore => "You can only restore up to 500 items at a time.",
            Self::Move => "You can only move up to 500 items at a time.",
            Self::Archive => "You can only archive up to 500 items at a time.",
            Self::Unarchive => "You can only unarchive up to 500 items at a time.",
        }
    }
}

/// Refuses a bulk action naming more items than a cloud allows.
pub fn check(action: BulkAction, count: usize, on_cloud: bool) -> Result<(), &'static str> {
    if on_cloud && count > CLOUD_BULK_LIMIT {
        Err(action.too_many_message())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_cloud_limits_and_only_above_the_limit() {
        for (action, count, on_cloud, refused) in [
            (BulkAction::Delete, 501, true, true),
            (BulkAction::Delete, 500, true, false),
            (BulkAction::Delete, 10_000, false, false),
            (BulkAction::Move, 501, true, true),
            (BulkAction::Restore, 0, true, false),
        ] {
            assert_eq!(
                check(action, count, on_cloud).is_err(),
                refused,
                "{action:?} {count}"
            );
        }
        assert_eq!(
            check(BulkAction::Delete, 501, true),
            Err(
                "You can only delete up to 500 items at a time. Consider using the \"Purge Vault\" option instead."
            )
        );
        assert_eq!(
            check(BulkAction::SoftDelete, 501, true),
            Err("You can only delete up to 500 items at a time.")
        );
    }
}
