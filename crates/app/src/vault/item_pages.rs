//! Every item a user reaches, a page at a time, for the full sync: the personal items, then the
//! organizations' items held by the collections the user reaches. The ids are read first; each
//! page's rows are read when the page is asked for, so an answer of any size is written with one
//! page of documents in memory (SPEC §10).

use kinwarden_core::ids::{CipherId, CollectionId, UserId};
use kinwarden_proto::vault::responses::CipherDetailsResponse;

use super::reach::{self, Reach, Reached};
use super::respond::cipher_details;
use crate::records::UserRecord;
use crate::{App, AppError};

/// Items per page: large enough that the extra statements cost little next to the rows, small
/// enough that a page's rows and JSON stay near a MiB each. glibc keeps what a request freed in
/// the arena of the thread that allocated it, so the peak of one page, not of one answer, is
/// what stays resident after the syncs.
const PAGE_SIZE: usize = 250;

/// The items of one sync, not yet read.
pub struct ItemPages {
    app: App,
    user: UserId,
    reach: Reach,
    collections: Vec<CollectionId>,
    personal: Vec<CipherId>,
    shared: Vec<CipherId>,
    /// How many of `personal`, then of `shared`, were read.
    personal_read: usize,
    shared_read: usize,
}

impl ItemPages {
    /// The ids of what `user` reaches now, with `reach` (loaded once by the caller, who also
    /// answers the collections from it).
    pub async fn of(app: &App, user: &UserRecord, reach: Reach) -> Result<Self, AppError> {
        let collections = reach.collection_ids();
        Ok(Self {
            personal: app.store.personal_cipher_ids(user.id).await?,
            shared: app.store.cipher_ids_in_collections(&collections).await?,
            app: app.clone(),
            user: user.id,
            reach,
            collections,
            personal_read: 0,
            shared_read: 0,
        })
    }

    /// The next page of items as the user sees them; none when all were given. A page may be
    /// empty when its items went away since the ids were read.
    pub async fn next_page(&mut self) -> Result<Option<Page>, AppError> {
        if let Some(ids) = take_page(&self.personal, &mut self.personal_read) {
            let items = self
                .app
                .store
                .personal_ciphers_among(self.user, ids)
                .await?;
            return Ok(Some(Page {
                app: self.app.clone(),
                items: items.into_iter().map(Reached::personal).collect(),
            }));
        }
        if let Some(ids) = take_page(&self.shared, &mut self.shared_read) {
            let found = self
                .app
                .store
                .ciphers_in_collections_among(self.user, &self.collections, ids)
                .await?;
            return Ok(Some(Page {
                app: self.app.clone(),
                items: found
                    .into_iter()
                    .filter_map(|item| reach::reached(&self.reach, item))
                    .collect(),
            }));
        }
        Ok(None)
    }
}

/// One page of items, answered one by one as they are written.
pub struct Page {
    app: App,
    items: Vec<Reached>,
}

impl Page {
    /// The items' answers, each made when it is asked for.
    pub fn answers(&self) -> impl Iterator<Item = CipherDetailsResponse> + '_ {
        self.items
            .iter()
            .map(|item| cipher_details(&self.app, item))
    }

    /// About how many bytes the page's answers take as JSON: each item's document goes out
    /// twice (as `data` and as its fields), with escaping and the other properties on top.
    pub fn json_size_hint(&self) -> usize {
        self.items
            .iter()
            .map(|item| item.item.cipher.data.len() * 5 / 2 + 512)
            .sum()
    }
}

/// The next at most [`PAGE_SIZE`] ids after the `read` first ones, counted as read.
fn take_page<'a>(ids: &'a [CipherId], read: &mut usize) -> Option<&'a [CipherId]> {
    let start = *read;
    if start >= ids.len() {
        return None;
    }
    let end = ids.len().min(start + PAGE_SIZE);
    *read = end;
    ids.get(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_every_id_once_in_order() {
        for len in [
            0,
            1,
            PAGE_SIZE - 1,
            PAGE_SIZE,
            PAGE_SIZE + 1,
            3 * PAGE_SIZE + 7,
        ] {
            let ids: Vec<CipherId> = (0..len).map(|_| CipherId::new()).collect();
            let mut read = 0;
            let mut seen = Vec::new();
            while let Some(page) = take_page(&ids, &mut read) {
                assert!(!page.is_empty() && page.len() <= PAGE_SIZE);
                seen.extend_from_slice(page);
            }
            assert_eq!(seen, ids, "{len} ids");
        }
    }
}
