//! The cloud's calls, one typed method each, with its path and token scope chosen here so no
//! caller has to know them (reference §2.4 and §5.1).

use kinwarden_proto::installations::{LicenseSyncRequest, scope};
use kinwarden_proto::sponsorship_sync::{SYNC_PATH, SyncRequest, SyncResponse};
use reqwest::Method;
use serde_json::Value;

use crate::answers::{SponsorshipSyncAnswer, read_sync_answer};
use crate::link::{host_of, join};
use crate::{CloudError, CloudLink};

impl CloudLink {
    /// Sends one batch of an organization's sponsorships and reads the cloud's answer for it,
    /// its dates included: an answer with a date this server cannot read is a
    /// [`CloudError::BadAnswer`] naming the field.
    pub async fn sync_sponsorships(
        &self,
        request: &SyncRequest,
    ) -> Result<SponsorshipSyncAnswer, CloudError> {
        let answer: SyncResponse = self
            .call(Method::POST, SYNC_PATH, scope::INSTALLATION, Some(request))
            .await?;
        read_sync_answer(answer).map_err(|detail| CloudError::BadAnswer {
            host: host_of(&join(self.api_uri(), SYNC_PATH)),
            detail,
        })
    }

    /// Whether the cloud accepts `billing_sync_key` for its organization `cloud_organization_id`:
    /// an empty sync batch, which a Bitwarden cloud answers too and which checks exactly that
    /// token (SPEC §6 "Token checked on Save").
    pub async fn check_billing_sync_token(
        &self,
        billing_sync_key: &str,
        cloud_organization_id: &str,
    ) -> Result<(), CloudError> {
        let empty = SyncRequest {
            billing_sync_key: billing_sync_key.to_string(),
            sponsoring_organization_cloud_id: cloud_organization_id.to_string(),
            sponsorships_batch: Some(Vec::new()),
        };
        self.call::<Value, _>(Method::POST, SYNC_PATH, scope::INSTALLATION, Some(&empty))
            .await
            .map(|_| ())
    }

    /// A fresh license of the cloud organization `cloud_organization_id`, as the JSON document
    /// the cloud signed; the caller verifies it.
    pub async fn fetch_license(
        &self,
        cloud_organization_id: &str,
        request: &LicenseSyncRequest,
    ) -> Result<Value, CloudError> {
        let path = format!("licenses/organization/{cloud_organization_id}");
        self.call(Method::GET, &path, scope::LICENSING, Some(request))
            .await
    }
}
