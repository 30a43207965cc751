//! [`CloudLink`]: authenticated calls from a self-hosted server to its cloud.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use kinwarden_config::{Config, keys};
use kinwarden_core::clock::Clock;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::Mutex;
use url::Url;

use kinwarden_proto::any_case;
use kinwarden_proto::installations::{CloudErrorAnswer, InstallationTokenAnswer};

use crate::error::{CloudError, NetworkCause};
use crate::tokens::TokenCache;

/// The token lifetime assumed when the identity's answer gives none: an hour, OAuth's usual.
const DEFAULT_TOKEN_LIFETIME_SECONDS: i64 = 3600;

/// Timeouts and retries; tests shorten them.
#[derive(Debug, Clone)]
pub struct LinkSettings {
    /// Bound on one request, connection included.
    pub timeout: Duration,
    /// Tries for a transient failure (1 = no retry).
    pub attempts: u32,
    /// Wait before the first retry; doubled for each further one.
    pub backoff: Duration,
}

impl Default for LinkSettings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            attempts: 3,
            backoff: Duration::from_millis(500),
        }
    }
}

impl LinkSettings {
    /// The configured bound and tries (`kinwarden__cloudTimeout`, `kinwarden__cloudAttempts`).
    pub fn from_config(config: &Config) -> Self {
        Self {
            timeout: config.cloud_timeout,
            attempts: config.cloud_attempts,
            ..Self::default()
        }
    }
}

/// What a host answered to a plain request.
#[derive(Debug, Clone)]
pub struct Probe {
    pub status: u16,
    /// The host's clock, from its `Date` header.
    pub date: Option<chrono::DateTime<chrono::Utc>>,
}

pub struct CloudLink {
    enabled: bool,
    installation_id: Option<String>,
    installation_key: Option<kinwarden_config::Secret>,
    identity_uri: Url,
    api_uri: Url,
    region_contradictions: Vec<String>,
    /// Built at the first call: loading the system's trust store takes longer than the rest of
    /// a server's start (SPEC §10 "start to the first `/alive`").
    http: OnceLock<reqwest::Client>,
    extra_certs: Vec<reqwest::Certificate>,
    timeout: Duration,
    clock: Arc<dyn Clock>,
    settings: LinkSettings,
    tokens: Mutex<TokenCache>,
}

impl CloudLink {
    /// Builds the link from the configuration. The extra CA file, when set, is read here, so a
    /// bad path is reported at start-up rather than at the first sync.
    pub fn new(
        config: &Config,
        clock: Arc<dyn Clock>,
        settings: LinkSettings,
    ) -> Result<Self, CloudError> {
        let mut extra_certs = Vec::new();
        if let Some(path) = &config.cloud_ca_file {
            let pem = std::fs::read(path).map_err(|err| {
                CloudError::Setup(format!(
                    "{}: cannot read {}: {err}",
                    keys::CLOUD_CA_FILE,
                    path.display()
                ))
            })?;
            extra_certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|err| {
                CloudError::Setup(format!(
                    "{}: {} holds no PEM certificate: {err}",
                    keys::CLOUD_CA_FILE,
                    path.display()
                ))
            })?;
        }
        Ok(Self {
            enabled: config.enable_cloud_communication,
            installation_id: config.installation.id.map(|id| id.hyphenated().to_string()),
            installation_key: config.installation.key.clone(),
            identity_uri: config.installation.identity_uri.clone(),
            api_uri: config.installation.api_uri.clone(),
            region_contradictions: config.region_contradictions(),
            http: OnceLock::new(),
            extra_certs,
            timeout: settings.timeout,
            clock,
            settings,
            tokens: Mutex::new(TokenCache::default()),
        })
    }

    /// The HTTPS client, built on first use.
    fn http(&self) -> Result<&reqwest::Client, CloudError> {
        if let Some(client) = self.http.get() {
            return Ok(client);
        }
        let mut builder = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.timeout)
            .user_agent(concat!("Kinwarden/", env!("CARGO_PKG_VERSION")));
        if !self.extra_certs.is_empty() {
            builder = builder.tls_certs_merge(self.extra_certs.clone());
        }
        let client = builder
            .build()
            .map_err(|err| CloudError::Setup(format!("cannot build the HTTPS client: {err}")))?;
        Ok(self.http.get_or_init(|| client))
    }

    pub fn api_uri(&self) -> &Url {
        &self.api_uri
    }

    pub fn identity_uri(&self) -> &Url {
        &self.identity_uri
    }

    /// An installation token for `scope` (`api.installation`, `api.licensing`), from the cache or
    /// fresh from the cloud identity.
    pub async fn token(&self, scope: &str) -> Result<String, CloudError> {
        if !self.enabled {
            return Err(CloudError::Disabled);
        }
        let now = self.clock.now();
        // Held while a token is fetched: calls made at once (a sync keeps two batches in
        // flight) wait for the one fetch instead of each asking the identity server.
        let mut cache = self.tokens.lock().await;
        if let Some(token) = cache.usable(scope, now) {
            return Ok(token);
        }
        let id = self
            .installation_id
            .as_deref()
            .ok_or(CloudError::NotConfigured {
                key: keys::INSTALLATION_ID,
            })?;
        let key = self
            .installation_key
            .as_ref()
            .ok_or(CloudError::NotConfigured {
                key: keys::INSTALLATION_KEY,
            })?;
        let url = join(&self.identity_uri, "connect/token");
        let http = self.http()?;
        let form = [
            ("grant_type", "client_credentials".to_string()),
            ("scope", scope.to_string()),
            ("client_id", format!("installation.{id}")),
            ("client_secret", key.expose().to_string()),
        ];
        let response = self
            .with_retries(&url, || http.post(&url).form(&form).send())
            .await?;
        let status = response.status();
        let body: InstallationTokenAnswer = read_json(&url, response).await?;
        if status == StatusCode::BAD_REQUEST && body.error.as_deref() == Some("invalid_client") {
            return Err(CloudError::InstallationRefused {
                identity: self.identity_uri.to_string(),
                region_hint: (!self.region_contradictions.is_empty())
                    .then(|| self.region_contradictions.join("; ")),
            });
        }
        if !status.is_success() {
            return Err(CloudError::Rejected {
                status: status.as_u16(),
                message: body
                    .error_description
                    .or(body.error)
                    .unwrap_or_else(|| "no reason given".to_string()),
            });
        }
        let token = body.access_token.ok_or_else(|| CloudError::BadAnswer {
            host: host_of(&url),
            detail: "the token answer has no access_token".to_string(),
        })?;
        let lifetime = body.expires_in.unwrap_or(DEFAULT_TOKEN_LIFETIME_SECONDS);
        cache.store(
            scope,
            token.clone(),
            now + chrono::Duration::seconds(lifetime),
        );
        Ok(token)
    }

    /// Calls the cloud API at `path` (relative to `installation__apiUri`) with an installation
    /// token for `scope`, and reads the JSON answer. A token the API refuses is renewed once.
    /// The body is serialized once, whatever the retries and renewals.
    pub(crate) async fn call<R: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        scope: &str,
        body: Option<&B>,
    ) -> Result<R, CloudError> {
        let url = join(&self.api_uri, path);
        // Bytes: each attempt clones a reference, not the batch's few hundred kilobytes.
        let body = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|err| CloudError::Setup(format!("cannot write the request's JSON: {err}")))?
            .map(bytes::Bytes::from);
        for renewed in [false, true] {
            let token = self.token(scope).await?;
            let http = self.http()?;
            let response = self
                .with_retries(&url, || {
                    let mut request = http.request(method.clone(), &url).bearer_auth(&token);
                    if let Some(body) = &body {
                        request = request
                            .header(reqwest::header::CONTENT_TYPE, "application/json")
                            .body(body.clone());
                    }
                    request.send()
                })
                .await?;
            let status = response.status();
            if status == StatusCode::UNAUTHORIZED && !renewed {
                self.tokens.lock().await.forget(scope);
                continue;
            }
            if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
                return Err(CloudError::TokenRefused {
                    status: status.as_u16(),
                });
            }
            if !status.is_success() {
                let body: CloudErrorAnswer = read_json(&url, response).await.unwrap_or_default();
                return Err(CloudError::Rejected {
                    status: status.as_u16(),
                    message: envelope_message(&body).unwrap_or_else(|| status.to_string()),
                });
            }
            return read_json(&url, response).await;
        }
        Err(CloudError::TokenRefused { status: 401 })
    }

    /// One plain request to `url` (no token, no retry), for `kinwarden doctor`: whether the host
    /// answers over HTTPS at all, with its status and `Date` header.
    pub async fn probe(&self, url: &Url) -> Result<Probe, CloudError> {
        let response =
            self.http()?
                .get(url.as_str())
                .send()
                .await
                .map_err(|err| CloudError::Unreachable {
                    host: host_of(url.as_str()),
                    cause: classify(&err),
                })?;
        let date = response
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|value| value.to_str().ok())
            .and_then(|text| chrono::DateTime::parse_from_rfc2822(text).ok())
            .map(|date| date.with_timezone(&chrono::Utc));
        Ok(Probe {
            status: response.status().as_u16(),
            date,
        })
    }

    /// Sends, retrying connection failures, timeouts and gateway errors with doubling waits.
    async fn with_retries<F, Fut>(
        &self,
        url: &str,
        send: F,
    ) -> Result<reqwest::Response, CloudError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<reqwest::Response, reqwest::Error>>,
    {
        let mut wait = self.settings.backoff;
        let mut attempt = 1;
        loop {
            let error = match send().await {
                Ok(response) if matches!(response.status().as_u16(), 502..=504) => {
                    CloudError::Rejected {
                        status: response.status().as_u16(),
                        message: "the cloud's gateway answered with an error".to_string(),
                    }
                }
                Ok(response) => return Ok(response),
                Err(err) => CloudError::Unreachable {
                    host: host_of(url),
                    cause: classify(&err),
                },
            };
            if attempt >= self.settings.attempts || !error.is_transient() {
                return Err(error);
            }
            tracing::warn!(host = %host_of(url), attempt, error = %error, "cloud call failed; retrying");
            tokio::time::sleep(wait).await;
            wait *= 2;
            attempt += 1;
        }
    }
}

/// `base` + `path`, with exactly one `/` between them whether or not the base ends with one.
pub(crate) fn join(base: &Url, path: &str) -> String {
    format!(
        "{}/{}",
        base.as_str().trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

pub(crate) fn host_of(url: &str) -> String {
    Url::parse(url)
        .ok()
        .and_then(|url| {
            Some(format!(
                "{}:{}",
                url.host_str()?,
                url.port_or_known_default()?
            ))
        })
        .unwrap_or_else(|| url.to_string())
}

/// Reads an answer's JSON with property names in any case and numbers that may come as strings,
/// as the reference's client reads the cloud (SPEC §12).
async fn read_json<R: DeserializeOwned>(
    url: &str,
    response: reqwest::Response,
) -> Result<R, CloudError> {
    let bytes = response
        .bytes()
        .await
        .map_err(|err| CloudError::AnswerCut {
            host: host_of(url),
            cause: classify(&err),
        })?;
    any_case::from_slice(&bytes).map_err(|err| CloudError::BadAnswer {
        host: host_of(url),
        detail: format!("not the JSON expected ({err})"),
    })
}

/// The message of a Bitwarden error envelope, with its validation messages.
fn envelope_message(body: &CloudErrorAnswer) -> Option<String> {
    let mut message = body.message.clone()?;
    if let Some(errors) = &body.validation_errors {
        let details: Vec<String> = errors
            .values()
            .filter_map(Value::as_array)
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        if !details.is_empty() {
            message = format!("{message} {}", details.join(" "));
        }
    }
    Some(message)
}

/// Names the network cause from the error and its sources.
fn classify(err: &reqwest::Error) -> NetworkCause {
    if err.is_timeout() {
        return NetworkCause::Timeout;
    }
    let mut chain = Vec::new();
    let mut source: Option<&dyn std::error::Error> = Some(err);
    while let Some(current) = source {
        chain.push(current.to_string());
        source = current.source();
    }
    let text = chain.join(": ").to_lowercase();
    if text.contains("dns error")
        || text.contains("failed to lookup")
        || text.contains("name or service not known")
    {
        NetworkCause::Dns
    } else if text.contains("connection refused") {
        NetworkCause::Refused
    } else if text.contains("certificate") || text.contains("tls") || text.contains("handshake") {
        NetworkCause::Tls(chain.last().cloned().unwrap_or_default())
    } else if text.contains("timed out") {
        NetworkCause::Timeout
    } else {
        NetworkCause::Other(chain.last().cloned().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn joins_with_one_slash() {
        let with = Url::parse("https://cloud.test/api/").expect("url");
        let without = Url::parse("https://cloud.test/api").expect("url");
        assert_eq!(
            join(&with, "/licenses/x"),
            "https://cloud.test/api/licenses/x"
        );
        assert_eq!(
            join(&without, "licenses/x"),
            "https://cloud.test/api/licenses/x"
        );
    }

    #[test]
    fn envelope_messages_in_any_case() {
        let read = |value: Value| {
            any_case::from_value::<CloudErrorAnswer>(value)
                .ok()
                .and_then(|body| envelope_message(&body))
        };
        let camel = json!({"message": "The model state is invalid.", "validationErrors": {"Key": ["Bad key."]}});
        assert_eq!(
            read(camel).as_deref(),
            Some("The model state is invalid. Bad key.")
        );
        let pascal =
            json!({"Message": "Invalid license key.", "ValidationErrors": null, "Object": "error"});
        assert_eq!(read(pascal).as_deref(), Some("Invalid license key."));
        let shouting =
            json!({"MESSAGE": "Invalid Billing Sync Key", "VALIDATIONERRORS": {"K": ["one", 2]}});
        assert_eq!(
            read(shouting).as_deref(),
            Some("Invalid Billing Sync Key one")
        );
        assert_eq!(read(json!({})), None);
    }

    #[test]
    fn host_names_keep_the_port() {
        assert_eq!(
            host_of("https://api.bitwarden.eu/x"),
            "api.bitwarden.eu:443"
        );
        assert_eq!(host_of("https://127.0.0.1:9443/api/"), "127.0.0.1:9443");
    }
}
