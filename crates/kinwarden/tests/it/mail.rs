//! Mail delivery (SPEC §9 "mail") through a running server: queued mail reaches the SMTP sink, or
//! `bwdata/mail/` without an SMTP host, with the Message-ID it was queued with; while SMTP is down
//! it stays queued and goes out once the server is back.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use kinwarden_core::clock::{Clock, ManualClock};
use kinwarden_mail::{Lang, Mail, OrganizationInvite};
use kinwarden_store::{OutboxMail, Store};
use kinwarden_testkit::{SmtpSink, TestServer, backends};
use url::Url;
use uuid::Uuid;

const WAIT: Duration = Duration::from_secs(15);

fn invitation(vault: &Url, lang: Lang) -> Mail {
    invitation_to(vault, lang, "ann@example.com")
}

fn invitation_to(vault: &Url, lang: Lang, email: &str) -> Mail {
    OrganizationInvite {
        organization_id: Uuid::new_v4(),
        organization_user_id: Uuid::new_v4(),
        organization_name: "Åkerö & Co",
        email,
        token: "invite-token+/=",
    }
    .render(vault, lang)
}

/// The outbox row of `id` once `ready` holds for it.
async fn row_when(
    store: &Store,
    id: &str,
    ready: impl Fn(&OutboxMail) -> bool,
) -> anyhow::Result<OutboxMail> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let row = store
            .list_mail()
            .await?
            .into_iter()
            .find(|row| row.id == id)
            .context("queued mail is gone")?;
        if ready(&row) {
            return Ok(row);
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "outbox row never got there: {row:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn queued_mail_goes_out_by_smtp_with_its_message_id() -> anyhow::Result<()> {
    for backend in backends() {
        let sink = SmtpSink::start().await?;
        let server = TestServer::self_hosted()
            .backend(backend.clone())
            .smtp(&sink)
            .start()
            .await?;
        let store = server.store().context("running")?;
        let mail = invitation(&server.url, Lang::Sv);
        let queued = store
            .enqueue_mail(&mail, chrono::Utc::now().timestamp_millis())
            .await?;

        let received = sink.next_message(WAIT).await?;
        let name = backend.name();
        assert_eq!(received.rcpt_to, ["ann@example.com"], "{name}");
        assert_eq!(received.to().as_deref(), Some("ann@example.com"));
        assert_eq!(
            received.subject().as_deref(),
            Some("Du har bjudits in att gå med i Åkerö & Co")
        );
        assert_eq!(received.message_id(), Some(queued.message_id.clone()));
        assert!(
            received.mail_from.starts_with("no-reply@"),
            "{}",
            received.mail_from
        );
        let text = received.text_body().context("text part")?;
        let link = format!(
            "{}/accept-organization?",
            server.url.as_str().trim_end_matches('/')
        );
        assert!(text.contains(&link), "{text}");
        assert!(text.contains("&token=invite-token%2B%2F%3D"), "{text}");
        let html = received.html_body().context("html part")?;
        assert!(html.contains("Åkerö &amp; Co"), "{html}");
        assert!(html.contains("&amp;token=invite-token%2B%2F%3D"));

        let row = row_when(store, &queued.id, |row| row.sent_at.is_some()).await?;
        assert!(
            !row.body_text.contains("invite-token") && !row.body_html.contains("invite-token"),
            "{name}: the token does not outlive the delivery"
        );
        assert_eq!((row.attempts, row.last_error), (1, None), "{name}");
        assert_eq!(sink.messages().len(), 1, "{name}: sent once");
        server.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn without_smtp_mail_is_an_eml_file_in_bwdata() -> anyhow::Result<()> {
    for backend in backends() {
        let server = TestServer::self_hosted()
            .backend(backend.clone())
            .start()
            .await?;
        let store = server.store().context("running")?;
        let mail = invitation(&server.url, Lang::Sv);
        let queued = store
            .enqueue_mail(&mail, chrono::Utc::now().timestamp_millis())
            .await?;
        row_when(store, &queued.id, |row| row.sent_at.is_some()).await?;

        let files: Vec<_> = std::fs::read_dir(server.mail_dir())?
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .map(|entry| entry.path())
            .collect();
        assert_eq!(files.len(), 1, "{}: {files:?}", backend.name());
        assert_eq!(
            files[0].extension().and_then(|ext| ext.to_str()),
            Some("eml")
        );
        let eml = String::from_utf8(std::fs::read(&files[0])?).context("UTF-8")?;
        assert!(eml.contains("\r\nTo: ann@example.com\r\n") || eml.starts_with("To: "));
        assert!(eml.contains(&format!("Message-ID: {}\r\n", queued.message_id)));
        // The bodies are UTF-8 as they are, readable in the file.
        assert!(eml.contains("Åkerö &amp; Co"), "{eml}");
        assert!(eml.contains("Acceptera inbjudan"));
        server.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn mail_waits_while_smtp_is_down_and_goes_out_when_it_is_back() -> anyhow::Result<()> {
    for backend in backends() {
        let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
        let sink = SmtpSink::start().await?;
        sink.set_available(false);
        let server = TestServer::self_hosted()
            .backend(backend.clone())
            .smtp(&sink)
            .clock(clock.clone())
            .start()
            .await?;
        let store = server.store().context("running")?;
        let queued = store
            .enqueue_mail(&invitation(&server.url, Lang::En), clock.now_millis())
            .await?;
        let name = backend.name();

        let failed = row_when(store, &queued.id, |row| row.last_error.is_some()).await?;
        assert_eq!(failed.attempts, 1, "{name}");
        assert_eq!(failed.sent_at, None);
        assert!(
            failed
                .last_error
                .as_deref()
                .unwrap_or_default()
                .contains("421"),
            "{name}: {failed:?}"
        );
        assert!(failed.next_attempt_at > clock.now_millis(), "backed off");
        assert!(sink.refused() >= 1);

        // Before the backoff has passed, waking the worker sends nothing.
        sink.set_available(true);
        store.wake_mail_worker();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(sink.messages().is_empty(), "{name}: retried too early");

        clock.advance(chrono::Duration::minutes(1));
        store.wake_mail_worker();
        let received = sink.next_message(WAIT).await?;
        assert_eq!(received.message_id(), Some(queued.message_id.clone()));
        let sent = row_when(store, &queued.id, |row| row.sent_at.is_some()).await?;
        assert_eq!(sent.attempts, 2, "{name}");
        assert_eq!(sent.message_id, queued.message_id);
        assert_eq!(sent.last_error, None);
        server.stop().await?;
    }
    Ok(())
}

/// A recipient the SMTP server refuses for good (550) is given up after one attempt, with the
/// reason kept and the address left out of it; the next message goes out as usual.
#[tokio::test]
async fn mail_refused_for_good_is_given_up_and_the_rest_goes_out() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let sink = SmtpSink::start().await?;
        sink.refuse_recipient("gone@example.com");
        let server = TestServer::self_hosted()
            .backend(backend.clone())
            .smtp(&sink)
            .start()
            .await?;
        let store = server.store().context("running")?;
        let now = chrono::Utc::now().timestamp_millis();
        let refused = store
            .enqueue_mail(
                &invitation_to(&server.url, Lang::En, "gone@example.com"),
                now,
            )
            .await?;
        let fine = store
            .enqueue_mail(&invitation(&server.url, Lang::En), now + 1)
            .await?;

        let received = sink.next_message(WAIT).await?;
        assert_eq!(
            received.message_id(),
            Some(fine.message_id.clone()),
            "{name}"
        );
        let given_up = row_when(store, &refused.id, |row| row.given_up_at.is_some()).await?;
        assert_eq!((given_up.attempts, given_up.sent_at), (1, None), "{name}");
        let error = given_up.last_error.unwrap_or_default();
        assert!(error.contains("550"), "{name}: {error}");
        assert!(!error.contains("gone@"), "{name}: {error}");
        // Never tried again, however often the worker looks.
        store.wake_mail_worker();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let again = row_when(store, &refused.id, |_| true).await?;
        assert_eq!(again.attempts, 1, "{name}");
        assert_eq!(store.next_mail_due().await?, None, "{name}");
        server.stop().await?;
    }
    Ok(())
}

/// A message that keeps failing is tried for about a day (the worker's `max_attempts`) and then
/// given up with its last error, instead of staying queued for ever.
#[tokio::test]
async fn mail_failing_for_a_day_is_given_up() -> anyhow::Result<()> {
    for backend in backends() {
        let name = backend.name();
        let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
        let sink = SmtpSink::start().await?;
        sink.set_available(false);
        let server = TestServer::self_hosted()
            .backend(backend.clone())
            .smtp(&sink)
            .clock(clock.clone())
            .start()
            .await?;
        let store = server.store().context("running")?;
        let queued = store
            .enqueue_mail(&invitation(&server.url, Lang::En), clock.now_millis())
            .await?;
        let started = clock.now_millis();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        // Each round makes the message due again (past any backoff and lease) and wakes the
        // worker; every claim counts one attempt.
        let given_up = loop {
            let row = row_when(store, &queued.id, |_| true).await?;
            if row.given_up_at.is_some() {
                break row;
            }
            anyhow::ensure!(
                tokio::time::Instant::now() < deadline,
                "{name}: never given up: {row:?}"
            );
            clock.advance(chrono::Duration::hours(2));
            store.wake_mail_worker();
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(given_up.attempts, 30, "{name}");
        assert!(
            given_up
                .last_error
                .as_deref()
                .unwrap_or_default()
                .contains("421"),
            "{name}: {given_up:?}"
        );
        assert!(given_up.given_up_at.unwrap_or_default() > started, "{name}");
        assert_eq!(store.next_mail_due().await?, None, "{name}");
        assert!(sink.messages().is_empty());
        server.stop().await?;
    }
    Ok(())
}

#[tokio::test]
async fn mail_queued_by_another_process_is_found_by_polling() -> anyhow::Result<()> {
    // A Store opened beside the server (like `kinwarden jobs run`) queues mail; the server's
    // worker finds it by polling, with no wake-up from this process's store.
    let sink = SmtpSink::start().await?;
    let server = TestServer::self_hosted().smtp(&sink).start().await?;
    let config = kinwarden_config::Config::load(&server.bwdata, Vec::new())?;
    let other = Store::open(&config.database).await?;
    let queued = other
        .enqueue_mail(
            &invitation(&server.url, Lang::En),
            chrono::Utc::now().timestamp_millis(),
        )
        .await?;
    let received = sink.next_message(WAIT).await?;
    assert_eq!(received.message_id(), Some(queued.message_id));
    other.close().await;
    server.stop().await?;
    Ok(())
}
