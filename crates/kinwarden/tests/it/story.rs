//! SPEC §5 steps 3–9 in one walk, with a cloud and a self-hosted Kinwarden on loopback, mail to
//! SMTP sinks and the cloud on a test clock: an offer awaits sync; a system administrator logs
//! into the Portal with the e-mailed link and syncs it; the recipient registers with the offer's
//! e-mail, creates a Families organization and redeems; the next sync brings the sponsorship's
//! dates back; a revoke marks the cloud row to delete; the cloud's daily validation announces the
//! end with the revert e-mail and ends the sponsorship when its period is over; the next sync
//! clears the self-hosted row. In between, the family shares an item through a collection and a
//! family member reads it with the official CLI (the sponsorship gives a password manager).

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use kinwarden_core::clock::ManualClock;
use kinwarden_testkit::{ClientAccount, Kdf, OrganizationKeys, ReceivedMail, SmtpSink, backends};
use reqwest::header::COOKIE;
use serde_json::{Value, json};

use crate::connections::{connected_org, offer};
use crate::organizations::link_param;
use crate::portal::{confirm_login, hidden, no_redirects, request_login_link};
use crate::self_hosted_license::{PairOptions, pair_setup};
use crate::support::{kinwarden, login};

/// The next message to `to` in the sink, skipping others.
async fn mail_to(sink: &SmtpSink, to: &str) -> anyhow::Result<ReceivedMail> {
    for _ in 0..10 {
        let mail = sink.next_message(Duration::from_secs(20)).await?;
        if mail.rcpt_to.iter().any(|rcpt| rcpt == to) {
            return Ok(mail);
        }
    }
    anyhow::bail!("no mail to {to}")
}

fn link_in(mail: &ReceivedMail, name: &str) -> anyhow::Result<String> {
    let text = mail.text_body().context("a text part")?;
    let start = text.find("https://").context("a link")?;
    link_param(&text[start..], name).context("the link's parameter")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_sponsorship_story() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let self_hosted_mail = SmtpSink::start().await?;
        let cloud_mail = SmtpSink::start().await?;
        let cloud_clock = Arc::new(ManualClock::new(Utc::now()));
        let pair = pair_setup(
            backend,
            10,
            PairOptions {
                extra: &[("adminSettings__admins", "ops@example.com")],
                smtp: Some(&self_hosted_mail),
                cloud_smtp: Some(&cloud_mail),
                cloud_clock: Some(cloud_clock.clone()),
                ..PairOptions::default()
            },
        )
        .await?;
        let server = &pair.self_hosted;
        let cloud_store = pair.cloud.store().context("cloud store")?.clone();

        // Steps 3–5: the organization from its license, the billing sync token saved.
        let (session, org_id) = connected_org(&pair).await?;

        // Step 6: an offer, Awaiting Sync.
        let offered = offer(server, &session, &org_id, "family@example.com").await?;
        assert_eq!(offered.status(), 200, "{name}");
        let sync: Value = session.get(server, "/api/sync").await?.json().await?;
        assert!(sync["profile"]["organizations"][0]["familySponsorshipLastSyncDate"].is_null());

        // Step 7: the Portal, logged into with the e-mailed link; Manually Sync.
        let portal = no_redirects(&server.bwdata.join("ssl/ca.crt"))?;
        let (csrf_cookie, csrf) = request_login_link(server, &portal, "ops@example.com").await?;
        let link_mail = mail_to(&self_hosted_mail, "ops@example.com").await?;
        let login_token = link_in(&link_mail, "token")?;
        let cookie = confirm_login(server, &portal, &csrf_cookie, &csrf, &login_token).await?;
        let page_path = format!("/admin/organizations/{org_id}");
        let page = portal
            .get(server.at(&page_path))
            .header(COOKIE, &cookie)
            .send()
            .await?
            .text()
            .await?;
        let form_csrf = hidden(&page, "csrf").context("csrf on the page")?;
        let synced = portal
            .post(server.at(&format!("{page_path}/sync")))
            .header(COOKIE, &cookie)
            .form(&[("csrf", form_csrf.as_str())])
            .send()
            .await?;
        assert_eq!(synced.status(), 303, "{name}");
        let rows = cloud_store
            .sponsorships_of_organization(pair.cloud_org_id.parse().expect("an id"))
            .await?;
        assert_eq!(rows.len(), 1, "{name}: the cloud has the offer");
        assert_eq!(
            rows[0].offered_to_email.as_deref(),
            Some("family@example.com")
        );

        // Step 8: the offer e-mail; the recipient registers with its token, creates a Families
        // organization and redeems.
        let offer = mail_to(&cloud_mail, "family@example.com").await?;
        let offer_token = link_in(&offer, "token")?;
        let family = ClientAccount::new(
            "family@example.com",
            "family password!",
            Kdf::DEFAULT_ITERATIONS,
        )?;
        let mut finish = family.register_finish()?;
        finish.org_sponsored_free_family_plan_token = Some(offer_token.clone());
        let registered = pair
            .cloud
            .client
            .post(pair.cloud.at("/identity/accounts/register/finish"))
            .json(&finish)
            .send()
            .await?;
        assert_eq!(registered.status(), 200, "{name}");
        let family_session = login(&pair.cloud, &family).await?;
        let keys = OrganizationKeys::generate()?;
        let mut body = keys.create_request(&family, "The Family", "family@example.com")?;
        body["planType"] = json!(22);
        body["additionalSeats"] = json!(0);
        let created: Value = family_session
            .post(&pair.cloud, "/api/organizations", &body)
            .await?
            .json()
            .await?;
        let family_org = created["id"].as_str().context("families org")?.to_string();
        let redeemed = family_session
            .post(
                &pair.cloud,
                &format!("/api/organization/sponsorship/redeem?sponsorshipToken={offer_token}"),
                &json!({"planSponsorshipType": 0, "sponsoredOrganizationId": family_org}),
            )
            .await?;
        assert_eq!(redeemed.status(), 200, "{name}");

        // The family now has a password manager: the owner shares an item with a family
        // member through a collection, who reads it with `bw`.
        crate::vault_org_bw::the_family_shares_an_item(
            &pair.cloud,
            &cloud_mail,
            &family,
            "family password!",
            &family_session,
            &keys,
            &family_org,
        )
        .await?;

        // Step 9: the next sync brings the dates back.
        let (code, out) = kinwarden(server, &["sync"]).await?;
        assert_eq!(code, 0, "{name}: {out}");
        let sync: Value = session.get(server, "/api/sync").await?.json().await?;
        let member_org = &sync["profile"]["organizations"][0];
        assert!(
            member_org["familySponsorshipLastSyncDate"].is_string(),
            "{member_org}"
        );
        assert!(
            member_org["familySponsorshipValidUntil"].is_string(),
            "{member_org}"
        );

        // Redeemed and synced: a new offer of the same member is refused, and the redeemed
        // sponsorship stays as it was.
        let again = session
            .post(
                server,
                &format!(
                    "/api/organization/sponsorship/self-hosted/{org_id}/families-for-enterprise"
                ),
                &json!({"planSponsorshipType": 0, "sponsoredEmail": "another@example.com", "friendlyName": "Another family"}),
            )
            .await?;
        assert_eq!(again.status(), 400, "{name}");
        let refusal: Value = again.json().await?;
        assert_eq!(
            refusal["message"], "Can only sponsor one organization per Organization User.",
            "{name}"
        );
        let unchanged: Value = session.get(server, "/api/sync").await?.json().await?;
        assert_eq!(
            unchanged["profile"]["organizations"][0]["familySponsorshipValidUntil"],
            member_org["familySponsorshipValidUntil"],
            "{name}"
        );
        assert_eq!(
            unchanged["profile"]["organizations"][0]["familySponsorshipFriendlyName"],
            member_org["familySponsorshipFriendlyName"],
            "{name}"
        );

        // The member revokes; the next sync marks the cloud row to delete (it stays sponsored
        // until its period ends).
        let revoked = session
            .delete(
                server,
                &format!("/api/organization/sponsorship/self-hosted/{org_id}"),
            )
            .await?;
        assert_eq!(revoked.status(), 200, "{name}");
        let (code, out) = kinwarden(server, &["sync"]).await?;
        assert_eq!(code, 0, "{name}: {out}");
        let row = cloud_store
            .sponsorship_of_sponsored(family_org.parse().expect("an id"))
            .await?
            .context("still sponsored")?;
        assert!(row.to_delete, "{name}: the cloud row is marked to delete");
        let valid_until = row.valid_until.context("a period end")?;

        // The daily validation announces the end with the revert e-mail, dated the period's end…
        let outcome = pair.cloud.run_job("sponsorship-validation").await?;
        assert!(
            outcome
                .as_ref()
                .is_ok_and(|text| text.contains("1 told of their end")),
            "{name}: {outcome:?}"
        );
        let revert = mail_to(&cloud_mail, "family@example.com").await?;
        assert_eq!(
            revert.subject().as_deref(),
            Some("Your Families Sponsorship was Removed")
        );
        let last_day = chrono::DateTime::<Utc>::from_timestamp_millis(valid_until)
            .context("date")?
            .format("%Y-%m-%d")
            .to_string();
        assert!(
            revert.text_body().unwrap_or_default().contains(&last_day),
            "{name}"
        );
        // A day later (each run of a job is its own slot).
        cloud_clock.advance(chrono::Duration::days(1));
        let again = pair.cloud.run_job("sponsorship-validation").await?;
        assert!(
            again
                .as_ref()
                .is_ok_and(|text| text.contains("0 told of their end")),
            "{name}: announced once: {again:?}"
        );
        assert!(
            cloud_store
                .sponsorship_of_sponsored(family_org.parse().expect("an id"))
                .await?
                .is_some()
        );

        // …and ends it once the period is over: the Families organization is back on its own,
        // unpaid plan and disabled, and the ledger says so.
        cloud_clock.set(
            chrono::DateTime::<Utc>::from_timestamp_millis(valid_until + 60_000).context("date")?,
        );
        let ended = pair.cloud.run_job("sponsorship-validation").await?;
        assert!(
            ended.as_ref().is_ok_and(|text| text.contains("1 ended")),
            "{name}: {ended:?}"
        );
        assert!(
            cloud_store
                .sponsorship_of_sponsored(family_org.parse().expect("an id"))
                .await?
                .is_none()
        );
        let families = cloud_store
            .organization(family_org.parse().expect("an id"))
            .await?
            .context("org")?;
        assert!(
            !families.enabled,
            "{name}: no payment recorded, so disabled"
        );
        let ledger = cloud_store
            .subscription_periods(family_org.parse().expect("an id"))
            .await?;
        assert_eq!(
            ledger.last().map(|p| p.kind.as_str()),
            Some("sponsorshipEnded")
        );

        // The next sync learns the cloud has ended it, and the self-hosted row goes.
        let (code, out) = kinwarden(server, &["sync"]).await?;
        assert_eq!(code, 0, "{name}: {out}");
        let store = server.store().context("store")?;
        assert!(
            store
                .sponsorships_of_organization(org_id.parse().expect("an id"))
                .await?
                .is_empty(),
            "{name}: the self-hosted row is gone"
        );
        pair.stop().await?;
    }
    Ok(())
}
