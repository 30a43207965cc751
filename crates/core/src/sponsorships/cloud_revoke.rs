//! Ending a sponsorship on the cloud (reference §4.9): the sponsor revokes it (CloudRevoke, used
//! by C6–C8), or the sponsored Families organization's owner removes it (RemoveSponsorship,
//! C9–C10). Both leave a redeemed sponsorship in place, marked to delete: the Families
//! organization stays sponsored until its period ends, when the daily validation ends it
//! (SPEC §5 step 9).

use super::{Revoke, RevokeError, Sponsorship};

/// Why the sponsored side cannot remove a sponsorship.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemoveError {
    #[error("The requested organization is not currently being sponsored.")]
    NotSponsored,
}

/// CloudRevokeSponsorship: an offer nobody redeemed goes at once; a redeemed sponsorship is
/// marked to delete.
pub fn cloud_revoke(sponsorship: Option<&Sponsorship>) -> Result<Revoke, RevokeError> {
    let sponsorship = sponsorship.ok_or(RevokeError::NotSponsoring)?;
    Ok(if sponsorship.sponsored_organization_id.is_none() {
        Revoke::Delete
    } else {
        Revoke::MarkToDelete
    })
}

/// RemoveSponsorship: only a redeemed sponsorship can be removed, and it is marked to delete.
pub fn remove(sponsorship: Option<&Sponsorship>) -> Result<Revoke, RemoveError> {
    match sponsorship {
        Some(sponsorship) if sponsorship.sponsored_organization_id.is_some() => {
            Ok(Revoke::MarkToDelete)
        }
        _ => Err(RemoveError::NotSponsored),
    }
}

#[cfg(test)]
mod tests {
    //! One test per behaviour of reference §6.2 (CloudRevokeSponsorshipCommandTests) and §6.4
    //! (RemoveSponsorshipCommandTests).

    use super::*;
    use crate::ids::{OrganizationId, OrganizationUserId, SponsorshipId};

    fn sponsorship(redeemed: bool) -> Sponsorship {
        Sponsorship {
            id: SponsorshipId::new(),
            sponsoring_organization_id: Some(OrganizationId::new()),
            sponsoring_organization_user_id: OrganizationUserId::new(),
            sponsored_organization_id: redeemed.then(OrganizationId::new),
            friendly_name: Some("family".into()),
            offered_to_email: (!redeemed).then(|| "family@example.com".to_string()),
            plan_sponsorship_type: Some(0),
            to_delete: false,
            last_sync_date: Some(1),
            valid_until: None,
            is_admin_initiated: false,
            notes: None,
        }
    }

    #[test]
    fn revoking_nothing_says_you_are_not_sponsoring() {
        assert_eq!(cloud_revoke(None), Err(RevokeError::NotSponsoring));
        assert_eq!(
            RevokeError::NotSponsoring.to_string(),
            "You are not currently sponsoring an organization."
        );
    }

    #[test]
    fn revoking_an_unredeemed_offer_deletes_it() {
        assert_eq!(cloud_revoke(Some(&sponsorship(false))), Ok(Revoke::Delete));
    }

    #[test]
    fn revoking_a_redeemed_sponsorship_marks_it_to_delete() {
        assert_eq!(
            cloud_revoke(Some(&sponsorship(true))),
            Ok(Revoke::MarkToDelete)
        );
    }

    #[test]
    fn removing_an_unredeemed_offer_is_refused() {
        assert_eq!(
            remove(Some(&sponsorship(false))),
            Err(RemoveError::NotSponsored)
        );
    }

    #[test]
    fn removing_nothing_is_refused_with_the_same_text() {
        assert_eq!(remove(None), Err(RemoveError::NotSponsored));
        assert_eq!(
            RemoveError::NotSponsored.to_string(),
            "The requested organization is not currently being sponsored."
        );
    }

    #[test]
    fn removing_a_redeemed_sponsorship_marks_it_to_delete() {
        assert_eq!(remove(Some(&sponsorship(true))), Ok(Revoke::MarkToDelete));
    }
}
