//! `POST /ciphers/import` (reference vault §7.1): items and folders of one user, linked by their
//! places in the two lists.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ciphers::CipherRequest;
use super::folders::FolderWithIdRequest;
use super::lenient;

/// A personal import (`ImportCiphersRequestModel`); each list is empty when left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct ImportCiphersRequest {
    pub folders: Vec<FolderWithIdRequest>,
    /// Saved as personal items: `organizationId` and `folderId` are not read.
    pub ciphers: Vec<CipherRequest>,
    /// Item place → folder place.
    pub folder_relationships: Vec<RelationshipRequest>,
}

/// One link of an import: `key` is the item's place, `value` the folder's (or collection's).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct RelationshipRequest {
    #[serde(deserialize_with = "lenient::i32")]
    pub key: i32,
    #[serde(deserialize_with = "lenient::i32")]
    pub value: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_as_the_cli_sends_it() {
        let request: ImportCiphersRequest = serde_json::from_str(
            r#"{"ciphers":[{"type":2,"name":"2.n|n|n","secureNote":{"type":0}}],
                "folders":[{"name":"2.f|f|f","id":null}],
                "folderRelationships":[{"key":0,"value":0}]}"#,
        )
        .expect("reads");
        assert_eq!(request.ciphers.len(), 1);
        assert_eq!(
            request.folder_relationships,
            vec![RelationshipRequest { key: 0, value: 0 }]
        );
        let empty: ImportCiphersRequest = serde_json::from_str("{}").expect("reads");
        assert!(empty.ciphers.is_empty() && empty.folders.is_empty());
    }
}
