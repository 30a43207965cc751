//! The client's full sync: the profile with its organizations, the user's folders, the
//! collections they reach and every item they reach (the trash included); sends are not served
//! (`[]`).

use kinwarden_proto::sync::SyncHead;
use serde_json::json;

use super::profile;
use crate::records::UserRecord;
use crate::vault::item_pages::ItemPages;
use crate::vault::reach::Reach;
use crate::{App, AppError};

/// What `GET /api/sync` answers: everything but the items, and the items to be read a page at
/// a time as the answer is written.
pub struct SyncAnswer {
    pub head: SyncHead,
    pub items: ItemPages,
}

/// What `GET /api/sync` answers; `with_domains` adds the (empty) equivalent-domain lists.
pub async fn sync(
    app: &App,
    user: &UserRecord,
    with_domains: bool,
) -> Result<SyncAnswer, AppError> {
    let profile = profile::build(app, user).await?;
    // What the user reaches is loaded once, for the collections and the items alike.
    let reach = Reach::of(app, user).await?;
    let collections = crate::vault::collections::reached(app, &reach).await?;
    let items = ItemPages::of(app, user, reach).await?;
    let domains = with_domains.then(
        || json!({ "equivalentDomains": [], "globalEquivalentDomains": [], "object": "domains" }),
    );
    let head = SyncHead {
        profile,
        folders: crate::vault::folders::list(app, user).await?,
        collections,
        policies: Vec::new(),
        domains,
        sends: Vec::new(),
        user_decryption: json!({
            "masterPasswordUnlock": {
                "kdf": {
                    "kdfType": user.kdf,
                    "iterations": user.kdf_iterations,
                    "memory": user.kdf_memory,
                    "parallelism": user.kdf_parallelism,
                },
                "masterKeyEncryptedUserKey": user.user_key,
                "masterKeyWrappedUserKey": user.user_key,
                "salt": user.email,
            }
        }),
        object: "sync".to_string(),
    };
    Ok(SyncAnswer { head, items })
}
