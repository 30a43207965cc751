//! `trash-purge` (SPEC §11, reference vault §8): deletes for good the items that have been in the
//! trash for longer than `kinwarden__trashDays` days, with their attachment files. It runs on a
//! cloud and on a self-hosted server alike.

use kinwarden_core::vault::trash::purge_cutoff;

use crate::vault::files;
use crate::{App, AppError};

/// Items deleted per transaction: small enough that the write lock is held briefly, large enough
/// that a big trash takes few round trips.
const BATCH: u32 = 1000;

/// What a run deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrashPurge {
    /// Items deleted from the trash.
    pub items: u64,
    /// Attachments deleted with them, whose files were then removed (a file that could not be
    /// removed is logged and left as disk space only).
    pub attachments: u64,
}

/// Deletes every item that went to the trash before the cutoff, a batch at a time; each batch's
/// files are removed once its transaction has committed, so a failed batch never loses a file
/// whose item remains.
pub async fn run(app: &App) -> Result<TrashPurge, AppError> {
    // One cutoff for the whole run: an item trashed while it runs is not its business.
    let cutoff = purge_cutoff(app.clock.now_millis(), app.config.trash_days);
    let mut done = TrashPurge::default();
    loop {
        let (items, attachments) = app.store.purge_trash(cutoff, BATCH).await?;
        files::remove(app, &attachments).await;
        done.items += items;
        done.attachments += attachments.len() as u64;
        if items < u64::from(BATCH) {
            return Ok(done);
        }
    }
}
