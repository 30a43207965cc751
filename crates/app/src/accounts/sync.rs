//! The client's full sync: the profile with its organizations, the user's folders, the
//! collections they reach and every item they reach (the trash included); sends are not served
//! (`[]`).

use kinwarden_proto::sync::SyncResponse;
use serde_json::json;

use super::profile;
use crate::records::UserRecord;
use crate::{App, AppError};

/// What `GET /api/sync` answers; `with_domains` adds the (empty) equivalent-domain lists.
pub async fn sync(
    app: &App,
    user: &UserRecord,
    with_domains: bool,
) -> Result<SyncResponse, AppError> {
    let profile = profile::build(app, user).await?;
    // What the user reaches is loaded once, for the collections and the items alike.
    let (reach, items) = crate::vault::reach::everything(app, user).await?;
    let domains = with_domains.then(
        || json!({ "equivalentDomains": [], "globalEquivalentDomains": [], "object": "domains" }),
    );
    Ok(SyncResponse {
        profile,
        folders: crate::vault::folders::list(app, user).await?,
        collections: crate::vault::collections::reached(app, &reach).await?,
        policies: Vec::new(),
        ciphers: items
            .iter()
            .map(|item| crate::vault::cipher_details(app, item))
            .collect(),
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
    })
}
