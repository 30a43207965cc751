//! The attachment files of deleted items. The rows go in the delete's transaction; the files
//! after it commits, so a failed delete never loses a file whose row remains. A file left
//! behind by a failure here is only disk space, and is logged.

use kinwarden_store::files::AttachmentFiles;

use crate::App;
use crate::records::AttachmentRecord;

/// Where this server keeps attachment files.
pub(crate) fn store(app: &App) -> AttachmentFiles {
    AttachmentFiles::new(app.config.bwdata.join("attachments"))
}

/// Removes the files of `attachments`.
pub(crate) async fn remove(app: &App, attachments: &[AttachmentRecord]) {
    if attachments.is_empty() {
        return;
    }
    let files = store(app);
    let gone: Vec<_> = attachments
        .iter()
        .map(|attachment| (attachment.cipher_id, attachment.id))
        .collect();
    let removed = tokio::task::spawn_blocking(move || {
        gone.into_iter()
            .filter_map(|(cipher, attachment)| {
                files
                    .remove(cipher, attachment)
                    .err()
                    .map(|err| (cipher, attachment, err))
            })
            .collect::<Vec<_>>()
    })
    .await;
    match removed {
        Ok(failures) => {
            for (cipher, attachment, err) in failures {
                tracing::warn!(%cipher, %attachment, error = %err, "could not remove an attachment file");
            }
        }
        Err(err) => tracing::warn!(error = %err, "removing attachment files failed"),
    }
}
