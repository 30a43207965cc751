//! Folders (reference vault §2): a user's own labels for items, their name encrypted.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /folders`, `PUT /folders/{id}` (`FolderRequestModel`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct FolderRequest {
    /// Required; an encrypted string of at most 1000 characters.
    pub name: Option<String>,
}

/// A folder of an import: an `id` naming one of the user's folders reuses it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct FolderWithIdRequest {
    pub id: Option<String>,
    /// Required; an encrypted string of at most 1000 characters.
    pub name: Option<String>,
}

/// `DELETE /folders` (bulk).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FolderBulkDeleteRequest {
    pub ids: Vec<String>,
}

/// A folder (`folder`); the reference answers no `creationDate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FolderResponse {
    pub id: String,
    pub name: String,
    pub revision_date: String,
    pub object: String,
}

impl FolderResponse {
    pub fn new(id: String, name: String, revision_date: String) -> Self {
        Self {
            id,
            name,
            revision_date,
            object: "folder".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_as_answered() {
        let folder = FolderResponse::new(
            "i".into(),
            "2.n|n|n".into(),
            "2026-08-20T10:00:00.000Z".into(),
        );
        let json = serde_json::to_value(&folder).expect("writes");
        assert_eq!(
            json,
            serde_json::json!({"id": "i", "name": "2.n|n|n",
                "revisionDate": "2026-08-20T10:00:00.000Z", "object": "folder"})
        );
        let request: FolderRequest = serde_json::from_str("{}").expect("reads");
        assert_eq!(request.name, None);
    }
}
