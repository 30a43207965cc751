//! Prelogin: the KDF settings a client needs to derive the master key. An unknown address gets
//! the defaults, so the answer does not tell whether an account exists.

use kinwarden_core::kdf::KdfSettings;
use kinwarden_proto::identity::{KdfSettingsModel, PreloginRequest, PreloginResponse};

use crate::{App, AppError};

pub async fn prelogin(app: &App, request: &PreloginRequest) -> Result<PreloginResponse, AppError> {
    let salt = request.email.trim().to_lowercase();
    let kdf = match kinwarden_core::email::normalize(&request.email) {
        Some(email) => app
            .store
            .user_by_email(&email)
            .await?
            .map(|user| KdfSettings {
                kdf: user.kdf,
                iterations: user.kdf_iterations,
                memory: user.kdf_memory,
                parallelism: user.kdf_parallelism,
            })
            .unwrap_or_else(KdfSettings::default_pbkdf2),
        None => KdfSettings::default_pbkdf2(),
    };
    Ok(PreloginResponse {
        kdf: kdf.kdf,
        kdf_iterations: kdf.iterations,
        kdf_memory: kdf.memory,
        kdf_parallelism: kdf.parallelism,
        kdf_settings: KdfSettingsModel {
            kdf_type: kdf.kdf,
            iterations: kdf.iterations,
            memory: kdf.memory,
            parallelism: kdf.parallelism,
        },
        salt,
    })
}
