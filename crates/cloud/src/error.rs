//! What can go wrong talking to the cloud, each with the fix in its message (SPEC §6 "Errors
//! name the fix"). Messages never carry the installation key or a token.

use kinwarden_config::keys;

/// Why a request did not reach the cloud or got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkCause {
    Dns,
    Refused,
    Tls(String),
    Timeout,
    Other(String),
}

impl std::fmt::Display for NetworkCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Dns => f.write_str("the host name does not resolve (DNS)"),
            Self::Refused => f.write_str("the connection was refused"),
            Self::Tls(detail) => write!(
                f,
                "the TLS handshake failed ({detail}); if the cloud uses a private CA, set {} to its CA file",
                keys::CLOUD_CA_FILE
            ),
            Self::Timeout => f.write_str("no answer in time (timeout)"),
            Self::Other(detail) => f.write_str(detail),
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum CloudError {
    #[error(
        "cloud communication is disabled: set {}=true in bwdata/env/global.override.env and run `kinwarden restart`",
        keys::ENABLE_CLOUD_COMMUNICATION
    )]
    Disabled,
    #[error(
        "{key} is not set: copy it from the cloud's installation page into bwdata/env/global.override.env and run `kinwarden restart`"
    )]
    NotConfigured { key: &'static str },
    #[error(
        "the cloud identity at {identity} refused this installation's id and key: check {} and {}{}",
        keys::INSTALLATION_ID,
        keys::INSTALLATION_KEY,
        region_hint.as_deref().map(|hint| format!(" ({hint})")).unwrap_or_default()
    )]
    InstallationRefused {
        identity: String,
        region_hint: Option<String>,
    },
    #[error("the cloud at {host} is unreachable: {cause}")]
    Unreachable { host: String, cause: NetworkCause },
    #[error(
        "the cloud refused this installation's access token ({status}); it may have been disabled on the cloud"
    )]
    TokenRefused { status: u16 },
    #[error("the cloud answered {status}: {message}")]
    Rejected { status: u16, message: String },
    #[error("the cloud at {host} answered something this server cannot read: {detail}")]
    BadAnswer { host: String, detail: String },
    /// The answer's head arrived, its body did not: the cloud may have done what was asked.
    #[error(
        "the connection to the cloud at {host} broke while its answer was arriving ({cause}); the cloud may have applied the request, and the next sync reconciles it"
    )]
    AnswerCut { host: String, cause: NetworkCause },
    #[error("cannot prepare calls to the cloud: {0}")]
    Setup(String),
}

impl CloudError {
    /// A short, stable code for recording outcomes (SPEC §6 "Every outcome is recorded").
    pub fn code(&self) -> &'static str {
        match self {
            Self::Disabled => "cloud_communication_disabled",
            Self::NotConfigured { .. } => "installation_not_configured",
            Self::InstallationRefused { .. } => "installation_refused",
            Self::Unreachable { .. } => "cloud_unreachable",
            Self::TokenRefused { .. } => "token_refused",
            Self::Rejected { .. } => "cloud_rejected",
            Self::BadAnswer { .. } => "bad_answer",
            Self::AnswerCut { .. } => "answer_cut",
            Self::Setup(_) => "cloud_client_setup",
        }
    }

    /// Whether trying again soon may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unreachable { cause, .. } => {
                !matches!(cause, NetworkCause::Tls(_) | NetworkCause::Dns)
            }
            Self::Rejected { status, .. } => matches!(status, 502..=504),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_fix() {
        assert!(
            CloudError::Disabled
                .to_string()
                .contains("globalSettings__enableCloudCommunication=true")
        );
        let refused = CloudError::InstallationRefused {
            identity: "https://identity.bitwarden.com/".into(),
            region_hint: Some("region EU but a US host".into()),
        };
        let text = refused.to_string();
        assert!(text.contains("globalSettings__installation__id"));
        assert!(text.contains("region EU but a US host"));
        let tls = CloudError::Unreachable {
            host: "cloud.test:443".into(),
            cause: NetworkCause::Tls("unknown issuer".into()),
        };
        assert!(tls.to_string().contains("kinwarden__cloudCaFile"));
        assert!(tls.to_string().contains("cloud.test:443"));
    }

    #[test]
    fn only_network_trouble_and_gateways_are_transient() {
        let unreachable = |cause| CloudError::Unreachable {
            host: "h".into(),
            cause,
        };
        assert!(unreachable(NetworkCause::Timeout).is_transient());
        assert!(unreachable(NetworkCause::Refused).is_transient());
        assert!(!unreachable(NetworkCause::Dns).is_transient());
        assert!(!unreachable(NetworkCause::Tls("x".into())).is_transient());
        let rejected = |status| CloudError::Rejected {
            status,
            message: String::new(),
        };
        assert!(rejected(503).is_transient());
        assert!(!rejected(500).is_transient());
        assert!(!rejected(400).is_transient());
        assert!(!CloudError::Disabled.is_transient());
    }
}
