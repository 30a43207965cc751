//! A member's offer made on a cloud (reference §4.1 C2, C3): the same rules as on a self-hosted
//! server (`offer`), but the cloud is where offers are mailed, so the offer e-mail is queued with
//! the row in one transaction, and can be sent again.

use kinwarden_core::ids::OrganizationId;
use kinwarden_core::sponsorships::{CreateError, Offer, OfferRequest};
use kinwarden_store::StoreError;

use crate::organizations::access::OrgAccess;
use crate::records::UserRecord;
use crate::sponsorships::offer::{create_error, decide, find_by_friendly_name};
use crate::sponsorships::offers::offer_draft;
use crate::sponsorships::rows::{to_domain, to_record};
use crate::{App, AppError};

/// C2: the caller offers a Families sponsorship as a member of `org_id`; the offer e-mail goes
/// out at once. An offer with the same friendly name is mailed again, unchanged (reference §4.1
/// C2 step 4).
pub async fn create(
    app: &App,
    user: &UserRecord,
    org_id: OrganizationId,
    request: &OfferRequest,
) -> Result<(), AppError> {
    let (org, offer) = decide(app, user, org_id, request).await?;
    crate::mail_allowance::require(app, org.id, org.seats, 1).await?;
    let now = app.clock.now_millis();
    match offer {
        Offer::Existing(existing) => {
            if let Some(mail) = offer_draft(app, &org.name, &existing) {
                app.store.enqueue_draft(&mail, now).await?;
            }
        }
        Offer::Save { sponsorship, .. } => {
            let Some(mail) = offer_draft(app, &org.name, &sponsorship) else {
                return Err(AppError::internal("an offer without an address"));
            };
            match app
                .store
                .save_offer_with_mail(&to_record(&sponsorship), &mail, now)
                .await
            {
                Ok(()) => {}
                // Another offer of the same member was saved between our read and this write.
                Err(StoreError::Conflict) => return Err(create_error(CreateError::OnePerMember)),
                Err(err) => return Err(err.into()),
            }
        }
    }
    Ok(())
}

/// C3: sends an outstanding offer's e-mail again. No offer of that name is not an error (the
/// reference answers 200 and sends nothing).
pub async fn resend(
    app: &App,
    access: &OrgAccess,
    sponsored_friendly_name: &str,
) -> Result<(), AppError> {
    let Some(row) = find_by_friendly_name(app, access.org.id, sponsored_friendly_name).await?
    else {
        return Ok(());
    };
    let sponsorship = to_domain(&row);
    let Some(mail) = offer_draft(app, &access.org.name, &sponsorship) else {
        return Err(AppError::BadRequest(
            "Cannot find an outstanding sponsorship offer for this organization.".into(),
        ));
    };
    crate::mail_allowance::require(app, access.org.id, access.org.seats, 1).await?;
    app.store
        .enqueue_draft(&mail, app.clock.now_millis())
        .await?;
    Ok(())
}
