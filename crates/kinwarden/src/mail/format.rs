//! One outbox row as an RFC 5322 message: the stored Message-ID, the time it was queued as its
//! Date, and a text and an HTML alternative. Formatting the same row twice gives the same bytes,
//! so a retried `.eml` or SMTP delivery is the same message.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kinwarden_store::OutboxMail;
use lettre::Message;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};

use super::DeliveryError;

/// How bodies are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bodies {
    /// Whatever is safe on any SMTP server (7-bit, quoted-printable or base64): a relay need not
    /// support 8BITMIME.
    SevenBitSafe,
    /// UTF-8 as is (`8bit`), so an `.eml` file reads as text (SPEC §3); falls back to the safe
    /// form for a body that 8bit cannot carry.
    Utf8,
}

pub(crate) fn message(
    mail: &OutboxMail,
    from: &Mailbox,
    bodies: Bodies,
) -> Result<Message, DeliveryError> {
    let to: Mailbox = mail
        .recipient
        .parse()
        .map_err(|_| DeliveryError::BadRecipient(mail.recipient.clone()))?;
    Message::builder()
        .message_id(Some(mail.message_id.clone()))
        .date(queued_at(mail.created_at))
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .multipart(
            // A boundary from the row id, not a random one, keeps the bytes stable across retries;
            // a UUID never occurs in the bodies we render.
            MultiPart::alternative()
                .boundary(format!("kinwarden-{}", mail.id))
                .singlepart(part(ContentType::TEXT_PLAIN, &mail.body_text, bodies))
                .singlepart(part(ContentType::TEXT_HTML, &mail.body_html, bodies)),
        )
        .map_err(|err| DeliveryError::Compose(err.to_string()))
}

/// The Date header: when the message was queued. The date formatter cannot write years past
/// 9999, so a nonsensical stored time is clamped rather than allowed to panic.
fn queued_at(created_at_ms: i64) -> SystemTime {
    const LAST_WRITABLE_MS: u64 = 253_402_300_799_000;
    let ms = u64::try_from(created_at_ms)
        .unwrap_or(0)
        .min(LAST_WRITABLE_MS);
    UNIX_EPOCH + Duration::from_millis(ms)
}

fn part(content_type: ContentType, text: &str, bodies: Bodies) -> SinglePart {
    let body = match bodies {
        Bodies::SevenBitSafe => Body::new(text.to_string()),
        Bodies::Utf8 => eight_bit(text).unwrap_or_else(|| Body::new(text.to_string())),
    };
    SinglePart::builder().header(content_type).body(body)
}

/// `text` as an 8bit body, if it can be one (RFC 2045 §2.8, RFC 5322 §2.1.1): CRLF line ends,
/// no NUL, no line over 998 octets. lettre's own choice turns any line over 76 characters, which
/// every HTML body has, into quoted-printable, so the check is made here.
fn eight_bit(text: &str) -> Option<Body> {
    let crlf = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n");
    if crlf.contains('\0') || crlf.split("\r\n").any(|line| line.len() > 998) {
        return None;
    }
    Some(Body::dangerous_pre_encoded(
        crlf.into_bytes(),
        ContentTransferEncoding::EightBit,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> OutboxMail {
        OutboxMail {
            id: "0b0e9f6e-1111-2222-3333-444455556666".into(),
            message_id: "<abc@vault.example.com>".into(),
            recipient: "bo@example.se".into(),
            subject: "Du har bjudits in att gå med i Åkerö".into(),
            body_text: "Hej på dig\n\nhttps://v.example/a?x=1&y=2\n".into(),
            body_html: "<p>Hej på dig</p>\n".into(),
            created_at: 1_800_000_000_000,
            attempts: 1,
            next_attempt_at: 0,
            sent_at: None,
            last_error: None,
            draft: None,
            kind: "organization-invite".into(),
            given_up_at: None,
        }
    }

    fn from() -> Mailbox {
        "Kinwarden <no-reply@vault.example.com>"
            .parse()
            .expect("from")
    }

    #[test]
    fn utf8_message_has_the_stored_id_and_reads_as_text() {
        let bytes = message(&row(), &from(), Bodies::Utf8)
            .expect("message")
            .formatted();
        let text = String::from_utf8(bytes).expect("UTF-8");
        assert!(
            text.contains("Message-ID: <abc@vault.example.com>\r\n"),
            "{text}"
        );
        assert!(text.contains("To: bo@example.se\r\n"));
        assert!(text.contains("From: Kinwarden <no-reply@vault.example.com>\r\n"));
        assert!(
            text.contains("Date: Fri, 15 Jan 2027 08:00:00 +0000\r\n"),
            "{text}"
        );
        assert!(text.contains("Content-Transfer-Encoding: 8bit"));
        assert!(text.contains("Hej på dig"));
        assert!(text.contains("https://v.example/a?x=1&y=2"));
        assert!(text.contains("multipart/alternative"));
    }

    #[test]
    fn long_lines_stay_8bit_up_to_the_limit() {
        let long = format!("<p>å{}</p>\n", "x".repeat(400));
        let body = eight_bit(&long).expect("fits");
        assert_eq!(body.encoding(), ContentTransferEncoding::EightBit);
        assert_eq!(body.into_vec(), long.replace('\n', "\r\n").into_bytes());
        assert!(eight_bit(&"y".repeat(999)).is_none());
        assert!(eight_bit("nul\0").is_none());
        let mut row = row();
        row.body_html = long;
        let text = String::from_utf8(message(&row, &from(), Bodies::Utf8).expect("m").formatted())
            .expect("UTF-8");
        assert!(text.contains(&format!("<p>å{}</p>", "x".repeat(400))));
    }

    #[test]
    fn the_same_row_formats_to_the_same_bytes() {
        let one = message(&row(), &from(), Bodies::SevenBitSafe)
            .expect("one")
            .formatted();
        let two = message(&row(), &from(), Bodies::SevenBitSafe)
            .expect("two")
            .formatted();
        assert_eq!(one, two);
        assert!(one.is_ascii(), "safe for any relay");
    }

    #[test]
    fn a_bad_recipient_is_named() {
        let mut bad = row();
        bad.recipient = "nobody".into();
        let err = message(&bad, &from(), Bodies::Utf8).expect_err("bad");
        assert!(matches!(err, DeliveryError::BadRecipient(_)));
    }
}
