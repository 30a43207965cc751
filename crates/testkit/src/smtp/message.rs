//! A message as the SMTP sink received it, with the readings a test needs: headers (unfolded,
//! RFC 2047 words decoded) and the text and HTML bodies (transfer encoding undone).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM`).
    pub mail_from: String,
    /// The envelope recipients (`RCPT TO`).
    pub rcpt_to: Vec<String>,
    /// The message as sent after `DATA`, CRLF line ends, dot-stuffing undone.
    pub data: String,
}

impl ReceivedMail {
    pub(crate) fn new(mail_from: String, rcpt_to: Vec<String>, data: String) -> Self {
        Self {
            mail_from,
            rcpt_to,
            data,
        }
    }

    /// The first header of that name (any case), unfolded and decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = split_head(&self.data);
        header_in(head, name)
    }

    pub fn to(&self) -> Option<String> {
        self.header("To")
    }

    pub fn subject(&self) -> Option<String> {
        self.header("Subject")
    }

    pub fn message_id(&self) -> Option<String> {
        self.header("Message-ID")
    }

    /// The `text/plain` part, decoded.
    pub fn text_body(&self) -> Option<String> {
        self.part("text/plain")
    }

    /// The `text/html` part, decoded.
    pub fn html_body(&self) -> Option<String> {
        self.part("text/html")
    }

    fn part(&self, wanted: &str) -> Option<String> {
        find_part(&self.data, wanted)
    }
}

/// Headers and body of a message or a MIME part.
fn split_head(entity: &str) -> (&str, &str) {
    entity
        .split_once("\r\n\r\n")
        .or_else(|| entity.split_once("\n\n"))
        .unwrap_or((entity, ""))
}

fn header_in(head: &str, name: &str) -> Option<String> {
    let mut unfolded: Vec<String> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = unfolded.last_mut() {
                last.push(' ');
                last.push_str(line.trim_start());
            }
        } else {
            unfolded.push(line.to_string());
        }
    }
    unfolded.iter().find_map(|line| {
        let (field, value) = line.split_once(':')?;
        field
            .trim()
            .eq_ignore_ascii_case(name)
            .then(|| decode_words(value.trim()))
    })
}

/// The first part of type `wanted` in `entity`, looking inside multiparts.
fn find_part(entity: &str, wanted: &str) -> Option<String> {
    let (head, body) = split_head(entity);
    let content_type = header_in(head, "Content-Type").unwrap_or_else(|| "text/plain".into());
    let media = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if media.starts_with("multipart/") {
        let boundary = parameter(&content_type, "boundary")?;
        let delimiter = format!("--{boundary}");
        return body
            .split(delimiter.as_str())
            .skip(1)
            .take_while(|part| !part.starts_with("--"))
            .find_map(|part| find_part(part.trim_start_matches(['\r', '\n']), wanted));
    }
    if media != wanted {
        return None;
    }
    let encoding = header_in(head, "Content-Transfer-Encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    // The line break before the next boundary belongs to the delimiter, not the body.
    let body = body.strip_suffix("\r\n").unwrap_or(body);
    Some(decode_body(body, &encoding))
}

fn parameter(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|param| {
        let (key, val) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| val.trim().trim_matches('"').to_string())
    })
}

fn decode_body(body: &str, encoding: &str) -> String {
    let bytes = match encoding {
        "base64" => {
            let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            STANDARD.decode(compact).unwrap_or_default()
        }
        "quoted-printable" => {
            quoted_printable::decode(body, quoted_printable::ParseMode::Robust).unwrap_or_default()
        }
        _ => body.as_bytes().to_vec(),
    };
    String::from_utf8_lossy(&bytes).replace("\r\n", "\n")
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`) in a header value; the
/// space between two encoded words is dropped, as the RFC says.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut pending_space = String::new();
    let mut last_was_word = false;
    for token in value.split(' ') {
        match decode_word(token) {
            Some(decoded) => {
                if !last_was_word {
                    out.push_str(&pending_space);
                }
                out.push_str(&decoded);
                last_was_word = true;
            }
            None => {
                out.push_str(&pending_space);
                out.push_str(token);
                last_was_word = false;
            }
        }
        pending_space = " ".into();
    }
    out
}

fn decode_word(token: &str) -> Option<String> {
    let inner = token.strip_prefix("=?")?.strip_suffix("?=")?;
    let mut pieces = inner.splitn(3, '?');
    let _charset = pieces.next()?;
    let encoding = pieces.next()?.to_ascii_lowercase();
    let text = pieces.next()?;
    let bytes = match encoding.as_str() {
        "b" => STANDARD.decode(text).ok()?,
        "q" => {
            quoted_printable::decode(text.replace('_', " "), quoted_printable::ParseMode::Robust)
                .ok()?
        }
        _ => return None,
    };
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW: &str = "From: Kinwarden <no-reply@v.example>\r\n\
        To: bo@example.se\r\n\
        Subject: =?utf-8?b?RHUgaGFyIGJqdWRpdHMgaW4gYXR0IGfDpSBtZWQgaQ==?=\r\n \
        =?utf-8?b?IMOFa2Vyw7Y=?=\r\n\
        Message-ID: <abc@v.example>\r\n\
        Content-Type: multipart/alternative;\r\n boundary=\"kinwarden-1\"\r\n\
        \r\n\
        --kinwarden-1\r\n\
        Content-Type: text/plain; charset=utf-8\r\n\
        Content-Transfer-Encoding: quoted-printable\r\n\
        \r\n\
        Hej p=C3=A5 dig, https://v.example/a?x=3D1&y=3D2 l=\r\n\
        ong\r\n\
        --kinwarden-1\r\n\
        Content-Type: text/html; charset=utf-8\r\n\
        Content-Transfer-Encoding: base64\r\n\
        \r\n\
        PHA+SGVqPC9wPg==\r\n\
        --kinwarden-1--\r\n";

    fn mail() -> ReceivedMail {
        ReceivedMail::new(
            "n@v.example".into(),
            vec!["bo@example.se".into()],
            RAW.into(),
        )
    }

    #[test]
    fn headers_are_unfolded_and_decoded() {
        let mail = mail();
        assert_eq!(mail.to().as_deref(), Some("bo@example.se"));
        assert_eq!(
            mail.subject().as_deref(),
            Some("Du har bjudits in att gå med i Åkerö")
        );
        assert_eq!(mail.message_id().as_deref(), Some("<abc@v.example>"));
        assert_eq!(mail.header("missing"), None);
    }

    #[test]
    fn bodies_are_decoded() {
        let mail = mail();
        assert_eq!(
            mail.text_body().as_deref(),
            Some("Hej på dig, https://v.example/a?x=1&y=2 long")
        );
        assert_eq!(mail.html_body().as_deref(), Some("<p>Hej</p>"));
    }

    #[test]
    fn plain_words_keep_their_spaces() {
        assert_eq!(decode_words("Hello  there"), "Hello  there");
        assert_eq!(decode_words("=?utf-8?q?a_b?= c"), "a b c");
    }
}
