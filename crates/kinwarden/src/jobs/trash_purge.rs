//! `trash-purge` (SPEC §11): the use-case deletes the items that have been in the trash longer
//! than `kinwarden__trashDays` days, with their attachment files; this maps what it did to the
//! job's text.

use kinwarden_app::App;
use kinwarden_app::jobs::message;
use kinwarden_app::jobs::trash_purge::{self, TrashPurge};

pub async fn run(app: &App) -> Result<String, String> {
    match trash_purge::run(app).await {
        Ok(done) => Ok(text(done)),
        Err(err) => Err(message(&err)),
    }
}

fn text(done: TrashPurge) -> String {
    format!(
        "{} item(s) deleted from the trash, with {} attachment(s)",
        done.items, done.attachments
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_counts_items_and_attachments() {
        assert_eq!(
            text(TrashPurge {
                items: 3,
                attachments: 1
            }),
            "3 item(s) deleted from the trash, with 1 attachment(s)"
        );
    }
}
