//! Without an SMTP host, each message becomes one `.eml` file in `bwdata/mail/` (SPEC §3, §9):
//! RFC 5322, UTF-8 bodies, written atomically so a reader never sees half a message.

use std::path::PathBuf;

use kinwarden_store::OutboxMail;
use lettre::message::Mailbox;

use super::format::{self, Bodies};
use super::{DeliveryError, Mailer};
use crate::bwdata::write_atomic;

pub struct EmlDirMailer {
    dir: PathBuf,
    from: Mailbox,
}

impl EmlDirMailer {
    pub fn new(dir: PathBuf, from: Mailbox) -> Self {
        Self { dir, from }
    }

    /// `<queued time>-<row id>.eml`: sorted by time in a listing, and the same name on a retry,
    /// so delivering a message twice (after a crash before it was marked sent) leaves one file.
    fn file_name(mail: &OutboxMail) -> String {
        let stamp = chrono::DateTime::from_timestamp_millis(mail.created_at)
            .map(|at| at.format("%Y%m%dT%H%M%S%.3fZ").to_string())
            .unwrap_or_else(|| mail.created_at.to_string());
        format!("{stamp}-{}.eml", mail.id)
    }
}

impl Mailer for EmlDirMailer {
    async fn deliver(&self, mail: &OutboxMail) -> Result<(), DeliveryError> {
        let bytes = format::message(mail, &self.from, Bodies::Utf8)?.formatted();
        let path = self.dir.join(Self::file_name(mail));
        let target = path.clone();
        // File writes and fsync block; keep them off the async workers.
        let written = tokio::task::spawn_blocking(move || write_atomic(&target, &bytes)).await;
        match written {
            Ok(Ok(())) => Ok(()),
            Ok(Err(source)) => Err(DeliveryError::File { path, source }),
            Err(join) => Err(DeliveryError::File {
                path,
                source: std::io::Error::other(join.to_string()),
            }),
        }
    }

    fn describe(&self) -> String {
        format!(".eml files in {}", self.dir.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str) -> OutboxMail {
        OutboxMail {
            id: id.into(),
            message_id: format!("<{id}@v.example>"),
            recipient: "ann@example.com".into(),
            subject: "Välkommen".into(),
            body_text: "Hej!\n".into(),
            body_html: "<p>Hej!</p>\n".into(),
            created_at: 1_800_000_000_123,
            attempts: 1,
            next_attempt_at: 0,
            sent_at: None,
            last_error: None,
            draft: None,
            kind: "organization-invite".into(),
            given_up_at: None,
        }
    }

    #[tokio::test]
    async fn one_file_per_message_even_when_delivered_twice() {
        let dir = tempfile::tempdir().expect("dir");
        let mailer = EmlDirMailer::new(
            dir.path().join("mail"),
            "no-reply@v.example".parse().expect("from"),
        );
        mailer.deliver(&row("a")).await.expect("first");
        mailer.deliver(&row("a")).await.expect("again");
        mailer.deliver(&row("b")).await.expect("other");
        let mut names: Vec<String> = std::fs::read_dir(dir.path().join("mail"))
            .expect("list")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["20270115T080000.123Z-a.eml", "20270115T080000.123Z-b.eml"]
        );
        let text = std::fs::read_to_string(dir.path().join("mail").join(&names[0])).expect("read");
        assert!(text.contains("\r\nTo: ann@example.com\r\n") || text.starts_with("To: "));
        assert!(text.contains("Hej!"));
    }

    #[tokio::test]
    async fn an_unwritable_directory_is_an_error_naming_the_path() {
        let dir = tempfile::tempdir().expect("dir");
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x").expect("write");
        let mailer = EmlDirMailer::new(blocker.join("mail"), "a@b.example".parse().expect("from"));
        let err = mailer
            .deliver(&row("a"))
            .await
            .expect_err("not a directory");
        assert!(err.to_string().contains("file/mail"), "{err}");
    }
}
