//! The license upload form (multipart: `license`, `key`, `keys[publicKey]`,
//! `keys[encryptedPrivateKey]`, `collectionName`), read once for the API's license routes and
//! the pages that upload a license. A body that is no multipart form is a 400 in the envelope,
//! not axum's plain-text rejection.

use axum::extract::Multipart;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use kinwarden_app::licenses::self_hosted::MAX_LICENSE_BYTES;
use kinwarden_app::licenses::upload::LicenseUpload;

use crate::http::error::ApiError;

pub async fn read(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<LicenseUpload, ApiError> {
    let mut multipart = multipart.map_err(|rejection| {
        ApiError::BadRequest(format!("Invalid form: {}", rejection.body_text()))
    })?;
    let bad = |err: MultipartError| ApiError::BadRequest(format!("Invalid form: {err}"));
    let mut upload = LicenseUpload::default();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_ascii_lowercase();
        match name.as_str() {
            "license" => {
                let bytes = field.bytes().await.map_err(bad)?;
                if bytes.len() > MAX_LICENSE_BYTES {
                    return Err(ApiError::BadRequest("Invalid license".into()));
                }
                upload.license = Some(bytes.to_vec());
            }
            "key" => upload.key = Some(field.text().await.map_err(bad)?),
            "keys[publickey]" | "keys.publickey" => {
                upload.public_key = Some(field.text().await.map_err(bad)?)
            }
            "keys[encryptedprivatekey]" | "keys.encryptedprivatekey" => {
                upload.encrypted_private_key = Some(field.text().await.map_err(bad)?);
            }
            "collectionname" => {
                upload.collection_name = Some(field.text().await.map_err(bad)?);
            }
            _ => {}
        }
    }
    Ok(upload)
}
