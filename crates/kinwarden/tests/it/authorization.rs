//! The authorization matrix: every route the server serves × every kind of caller, on a cloud
//! and on a self-hosted server, with the class of answer each must get (reference §0.3–§0.4).
//! The route list is the served OpenAPI document, built from the same calls as the router: a
//! route without a row here fails the test, and so does a row without a route.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use kinwarden_core::clock::ManualClock;
use kinwarden_testkit::{ClientAccount, Kdf, SmtpSink, TestBackend, TestServer, backends};
use reqwest::Method;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};

use crate::connections::{billing_sync_token, connection};
use crate::license_sync::installation_token;
use crate::organizations::{link_param, owner_with_org};
use crate::self_hosted_license::{Pair, self_hosted_owner, upload};
use crate::support::{Session, confirmed_member, login, register};

const ONLY_SELF_HOSTED: &str = "Only allowed when self hosted.";
const ONLY_CLOUD: &str = "Only allowed when not self hosted.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Caller {
    Anonymous,
    Garbage,
    Expired,
    ThisInstallation,
    OtherInstallation,
    Portal,
    OtherOrgUser,
    User,
    CustomManageUsers,
    Admin,
    Owner,
}

const CALLERS: [Caller; 11] = [
    Caller::Anonymous,
    Caller::Garbage,
    Caller::Expired,
    Caller::ThisInstallation,
    Caller::OtherInstallation,
    Caller::Portal,
    Caller::OtherOrgUser,
    Caller::User,
    Caller::CustomManageUsers,
    Caller::Admin,
    Caller::Owner,
];

impl Caller {
    /// The caller's standing in the organization under test: none below 1.
    fn rank(self) -> u8 {
        match self {
            Self::User => 1,
            Self::CustomManageUsers => 2,
            Self::Admin => 3,
            Self::Owner => 4,
            _ => 0,
        }
    }

    fn is_user(self) -> bool {
        matches!(
            self,
            Self::OtherOrgUser | Self::User | Self::CustomManageUsers | Self::Admin | Self::Owner
        )
    }

    fn is_installation(self) -> bool {
        matches!(self, Self::ThisInstallation | Self::OtherInstallation)
    }
}

/// Who a route admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// No credentials needed.
    Anyone,
    /// Portal pages anyone may open (login).
    PortalOpen,
    /// A System Administrator Portal session; others are sent to the login page.
    Portal,
    /// An installation's token from this server (a cloud).
    Installation,
    /// Any signed-in user; the organization, if any, is checked after (or not at all).
    User,
    /// A member of the organization, any role.
    Member,
    /// Owner, Admin or Custom with `manageUsers`.
    ManageUsers,
    /// Owner or Admin.
    Admin,
    /// Owner only.
    Owner,
}

/// Where a route works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Modes {
    Both,
    /// The reference's `[SelfHosted(NotSelfHostedOnly)]`: a 400 with its message elsewhere.
    Cloud,
    /// The reference's `[SelfHosted(SelfHostedOnly)]`: a 400 with its message elsewhere.
    SelfHosted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    None,
    EmptyJson,
    Json(&'static str),
    EmptyForm,
    /// The Portal's CSRF field (its cookie goes with the Portal caller).
    CsrfForm,
}

struct Row {
    method: &'static str,
    path: &'static str,
    access: Access,
    modes: Modes,
    body: Body,
    /// Changes state for good (removes, revokes, leaves): runs after every other row, and an
    /// admitted caller after the first may find the target gone (404).
    destructive: bool,
    /// The reference refuses some callers with a 400 and this message (start) instead of 403.
    refusal: Option<&'static str>,
    /// The message of the mode check where it is not the reference's filter text.
    mode_message: Option<&'static str>,
    /// Kinwarden's own mode-only route: a plain 404 in the other mode (ARCHITECTURE).
    mode_not_found: bool,
    /// The cloud has no such target (a billing sync connection): 404 for every user there.
    cloud_has_none: bool,
}

const fn row(method: &'static str, path: &'static str, access: Access, modes: Modes) -> Row {
    let body = match method.as_bytes()[0] {
        b'P' => Body::EmptyJson,
        _ => Body::None,
    };
    Row {
        method,
        path,
        access,
        modes,
        body,
        destructive: false,
        refusal: None,
        mode_message: None,
        mode_not_found: false,
        cloud_has_none: false,
    }
}

impl Row {
    const fn body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }

    const fn destructive(mut self) -> Self {
        self.destructive = true;
        self
    }

    const fn refusal(mut self, message: &'static str) -> Self {
        self.refusal = Some(message);
        self
    }

    const fn mode_message(mut self, message: &'static str) -> Self {
        self.mode_message = Some(message);
        self
    }

    const fn mode_not_found(mut self) -> Self {
        self.mode_not_found = true;
        self
    }

    const fn cloud_has_none(mut self) -> Self {
        self.cloud_has_none = true;
        self
    }
}

use Access::*;
use Modes::{Both, Cloud as CloudOnly, SelfHosted as SelfHostedOnly};

const OFFER: &str =
    r#"{"planSponsorshipType":0,"sponsoredEmail":"friend@family.test","friendlyName":"Friend"}"#;
const NEW_ORGANIZATION: &str = r#"{"name":"Matrix","billingEmail":"billing@matrix.test","planType":20,"additionalSeats":1,"key":"4.bWF0cml4"}"#;
const REDEEM: &str = r#"{"sponsoredOrganizationId":"{org_id}","planSponsorshipType":0}"#;
const SEATS: &str = r#"{"seatAdjustment":1}"#;
const CONNECTION: &str = r#"{"type":1,"organizationId":"{org_id}","enabled":true,"config":{"billingSyncKey":"not the token"}}"#;
const NO_PERMISSION: &str = "You do not have permission to ";
const NOT_A_MEMBER: &str = "Unknown Organization User";
const NOT_THE_SPONSOR: &str = "Can only revoke a sponsorship you granted.";
const NOT_THE_OWNER: &str = "Only the owner of an organization can remove sponsorship.";

/// Every route, as the OpenAPI document names it.
const ROWS: &[Row] = &[
    row("GET", "/alive", Anyone, Both),
    row("GET", "/metrics", Anyone, Both),
    row("GET", "/api/openapi.json", Anyone, Both),
    row("GET", "/api/config", Anyone, Both),
    row("GET", "/api/plans", Anyone, Both),
    row("GET", "/api/licenses/public-key", Anyone, CloudOnly),
    row("POST", "/api/installations", Anyone, CloudOnly),
    row("GET", "/api/installations/{id}", Anyone, CloudOnly),
    row("POST", "/identity/accounts/prelogin", Anyone, Both),
    row("POST", "/identity/accounts/prelogin/password", Anyone, Both),
    row(
        "POST",
        "/identity/accounts/register/send-verification-email",
        Anyone,
        Both,
    ),
    row("POST", "/identity/accounts/register/finish", Anyone, Both),
    row("POST", "/identity/connect/token", Anyone, Both).body(Body::EmptyForm),
    row("GET", "/api/sync", User, Both),
    row("GET", "/api/accounts/profile", User, Both),
    row("GET", "/api/accounts/revision-date", User, Both),
    row("POST", "/api/accounts/api-key", User, Both),
    row("POST", "/api/accounts/request-otp", User, Both),
    row("POST", "/api/accounts/verify-password", User, Both),
    row(
        "POST",
        "/api/accounts/key-management/user-key-id",
        User,
        Both,
    ),
    row("GET", "/api/users/{id}/public-key", User, Both),
    row(
        "POST",
        "/api/organization/sponsorship/validate-token",
        User,
        CloudOnly,
    ),
    row(
        "POST",
        "/api/organization/sponsorship/redeem",
        User,
        CloudOnly,
    )
    .body(Body::Json(REDEEM)),
    row("POST", "/api/organizations", User, CloudOnly)
        .body(Body::Json(NEW_ORGANIZATION))
        .mode_message("On a self-hosted server an organization is created from its license file."),
    row("GET", "/api/organizations/{org_id}", Member, Both),
    row(
        "GET",
        "/api/organizations/{org_id}/users",
        ManageUsers,
        Both,
    ),
    row(
        "POST",
        "/api/organizations/{org_id}/users/invite",
        ManageUsers,
        Both,
    ),
    row(
        "GET",
        "/api/organizations/{org_id}/users/{member_id}",
        ManageUsers,
        Both,
    ),
    row(
        "PUT",
        "/api/organizations/{org_id}/users/{member_id}",
        ManageUsers,
        Both,
    ),
    row(
        "POST",
        "/api/organizations/{org_id}/users/{member_id}",
        ManageUsers,
        Both,
    ),
    row(
        "POST",
        "/api/organizations/{org_id}/users/{member_id}/reinvite",
        ManageUsers,
        Both,
    ),
    row(
        "POST",
        "/api/organizations/{org_id}/users/{member_id}/accept",
        User,
        Both,
    ),
    row(
        "POST",
        "/api/organizations/{org_id}/users/{member_id}/confirm",
        ManageUsers,
        Both,
    ),
    row(
        "DELETE",
        "/api/organizations/{org_id}/users/{member_id}",
        ManageUsers,
        Both,
    )
    .destructive(),
    row(
        "POST",
        "/api/organizations/{org_id}/users/{member_id}/remove",
        ManageUsers,
        Both,
    )
    .destructive(),
    row(
        "GET",
        "/api/organizations/{org_id}/subscription",
        Admin,
        Both,
    ),
    row(
        "POST",
        "/api/organizations/{org_id}/subscription",
        Owner,
        CloudOnly,
    )
    .body(Body::Json(SEATS)),
    row("POST", "/api/organizations/{org_id}/api-key", Owner, Both),
    row(
        "POST",
        "/api/organizations/{org_id}/rotate-api-key",
        Owner,
        Both,
    ),
    row(
        "GET",
        "/api/organizations/{org_id}/api-key-information",
        Owner,
        Both,
    ),
    row(
        "GET",
        "/api/organizations/{org_id}/api-key-information/{key_type}",
        Owner,
        Both,
    ),
    row(
        "GET",
        "/api/organizations/{org_id}/billing-sync/status",
        Owner,
        Both,
    ),
    row(
        "GET",
        "/api/organizations/{org_id}/license",
        Owner,
        CloudOnly,
    ),
    row(
        "POST",
        "/api/organizations/licenses/self-hosted",
        User,
        SelfHostedOnly,
    ),
    row(
        "POST",
        "/api/organizations/licenses/self-hosted/{org_id}",
        Owner,
        SelfHostedOnly,
    ),
    row(
        "POST",
        "/api/organizations/licenses/self-hosted/{org_id}/sync",
        Owner,
        SelfHostedOnly,
    ),
    row(
        "GET",
        "/api/licenses/organization/{org_id}",
        Installation,
        CloudOnly,
    )
    .body(Body::EmptyJson),
    row(
        "POST",
        "/api/organization/sponsorship/sync",
        Installation,
        CloudOnly,
    ),
    row(
        "GET",
        "/api/organization/sponsorship/{org_id}/sync-status",
        Owner,
        Both,
    ),
    // The connections controller refuses with 400s (reference §2.7); billing sync connections
    // exist on self-hosted servers only, which each handler says in its own words.
    row("POST", "/api/organizations/connections", Owner, Both)
        .body(Body::Json(CONNECTION))
        .refusal(NO_PERMISSION),
    row("GET", "/api/organizations/connections/enabled", User, Both),
    row(
        "GET",
        "/api/organizations/connections/{conn_org_id}/{connection_type}",
        Owner,
        Both,
    )
    .refusal(NO_PERMISSION),
    row(
        "PUT",
        "/api/organizations/connections/{connection_id}",
        Owner,
        Both,
    )
    .body(Body::Json(CONNECTION))
    .refusal(NO_PERMISSION)
    .cloud_has_none(),
    row(
        "DELETE",
        "/api/organizations/connections/{connection_id}",
        Owner,
        Both,
    )
    .refusal(NO_PERMISSION)
    .cloud_has_none()
    .destructive(),
    row(
        "POST",
        "/api/organization/sponsorship/self-hosted/{org_id}/families-for-enterprise",
        Member,
        SelfHostedOnly,
    )
    .body(Body::Json(OFFER)),
    row(
        "GET",
        "/api/organization/sponsorship/self-hosted/{org_id}/sponsored",
        ManageUsers,
        SelfHostedOnly,
    ),
    row(
        "DELETE",
        "/api/organization/sponsorship/self-hosted/{org_id}",
        Member,
        SelfHostedOnly,
    )
    .refusal(NOT_A_MEMBER)
    .destructive(),
    row(
        "POST",
        "/api/organization/sponsorship/self-hosted/{org_id}/delete",
        Member,
        SelfHostedOnly,
    )
    .refusal(NOT_A_MEMBER)
    .destructive(),
    row(
        "DELETE",
        "/api/organization/sponsorship/self-hosted/{org_id}/{friendly_name}/revoke",
        ManageUsers,
        SelfHostedOnly,
    )
    .destructive(),
    // Offers made on the cloud (reference §4.1 C2, C3).
    row(
        "POST",
        "/api/organization/sponsorship/{org_id}/families-for-enterprise",
        Member,
        CloudOnly,
    )
    .body(Body::Json(OFFER)),
    row(
        "POST",
        "/api/organization/sponsorship/{org_id}/families-for-enterprise/resend",
        ManageUsers,
        CloudOnly,
    ),
    // The cloud's revoke and remove (reference §4.1 C6–C10), refused in the reference's words.
    row(
        "DELETE",
        "/api/organization/sponsorship/{org_id}",
        Member,
        CloudOnly,
    )
    .refusal(NOT_THE_SPONSOR)
    .destructive(),
    row(
        "POST",
        "/api/organization/sponsorship/{org_id}/delete",
        Member,
        CloudOnly,
    )
    .refusal(NOT_THE_SPONSOR)
    .destructive(),
    row(
        "DELETE",
        "/api/organization/sponsorship/{org_id}/{friendly_name}/revoke",
        ManageUsers,
        CloudOnly,
    )
    .destructive(),
    row(
        "DELETE",
        "/api/organization/sponsorship/sponsored/{org_id}",
        Owner,
        CloudOnly,
    )
    .refusal(NOT_THE_OWNER)
    .destructive(),
    row(
        "POST",
        "/api/organization/sponsorship/sponsored/{org_id}/remove",
        Owner,
        CloudOnly,
    )
    .refusal(NOT_THE_OWNER)
    .destructive(),
    row("GET", "/admin", PortalOpen, Both),
    row("GET", "/admin/login", PortalOpen, Both),
    row("POST", "/admin/login", PortalOpen, Both).body(Body::CsrfForm),
    row("GET", "/admin/login/confirm", PortalOpen, Both),
    row("POST", "/admin/login/confirm", PortalOpen, Both).body(Body::CsrfForm),
    row("GET", "/admin/portal.css", PortalOpen, Both),
    row("GET", "/admin/organizations", Portal, Both),
    row("GET", "/admin/organizations/{id}", Portal, Both),
    // Manual sync is a self-hosted server's; Kinwarden's own mode-only pages are 404s.
    row(
        "POST",
        "/admin/organizations/{id}/sync",
        Portal,
        SelfHostedOnly,
    )
    .body(Body::CsrfForm)
    .mode_not_found(),
    // Editing terms and recording payments is a cloud's.
    row("POST", "/admin/organizations/{id}/terms", Portal, CloudOnly)
        .body(Body::CsrfForm)
        .mode_not_found(),
    row(
        "POST",
        "/admin/organizations/{id}/payment",
        Portal,
        CloudOnly,
    )
    .body(Body::CsrfForm)
    .mode_not_found(),
    row("POST", "/admin/logout", PortalOpen, Both)
        .body(Body::CsrfForm)
        .destructive(),
    // Last: members who leave are members no more.
    row("POST", "/api/organizations/{org_id}/leave", Member, Both).destructive(),
];

/// The class of answer a caller must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// 401: no valid credentials.
    Unauthenticated,
    /// 403: valid credentials of the wrong kind (a user token on an installation route …).
    Forbidden,
    /// 401 "Unauthorized.", 403 or 404, or the row's 400 refusal: the caller may not touch
    /// this organization.
    Denied(Option<&'static str>),
    /// 404: no such target.
    NotFound,
    /// Authorization passed: 2xx, or 400 for the test's deliberately incomplete body.
    Admitted,
    /// Like `Admitted`, or 404 once an earlier caller removed the target.
    AdmittedOrGone,
    /// The reference's mode filter: 400 with this message.
    WrongMode(&'static str),
    /// Denied, or the mode filter's 400 when it runs before the membership check.
    DeniedOrWrongMode(Option<&'static str>, &'static str),
    /// A Portal page for the Portal's session: 2xx, 3xx, or 400 for a change it refuses (the
    /// test's forms are incomplete).
    PortalPage,
    /// Open to anyone: any answer but 401, 403 and 5xx.
    Open,
    /// A Portal page anyone may open: 2xx, 3xx, or 400/403 for a form without its CSRF cookie.
    Page,
    /// Sent to the Portal's login page.
    ToLogin,
}

fn expect(row: &Row, caller: Caller, cloud: bool) -> Expect {
    let in_mode = match row.modes {
        Both => true,
        CloudOnly => cloud,
        SelfHostedOnly => !cloud,
    };
    let mode_message =
        row.mode_message
            .unwrap_or(if cloud { ONLY_SELF_HOSTED } else { ONLY_CLOUD });
    let base = match row.access {
        Anyone => return Expect::Open,
        PortalOpen => return Expect::Page,
        Portal => {
            return match (caller == Caller::Portal, in_mode) {
                (false, _) => Expect::ToLogin,
                (true, true) => Expect::PortalPage,
                (true, false) => Expect::NotFound,
            };
        }
        Installation => match caller {
            // A self-hosted server does not know the cloud's installation tokens.
            c if c.is_installation() && cloud => Expect::Admitted,
            c if c.is_user() => Expect::Forbidden,
            _ => Expect::Unauthenticated,
        },
        User | Member | ManageUsers | Admin | Owner => {
            if caller.is_installation() && cloud {
                // A valid token without the `api` scope.
                Expect::Forbidden
            } else if !caller.is_user() {
                Expect::Unauthenticated
            } else {
                let admitted = match row.access {
                    User => true,
                    Member => caller.rank() >= 1,
                    ManageUsers => caller.rank() >= 2,
                    Admin => caller.rank() >= 3,
                    _ => caller == Caller::Owner,
                };
                if cloud && row.cloud_has_none {
                    Expect::NotFound
                } else if admitted {
                    Expect::Admitted
                } else {
                    Expect::Denied(row.refusal)
                }
            }
        }
    };
    match (base, in_mode) {
        (Expect::Admitted | Expect::Denied(_), false) if row.mode_not_found => Expect::NotFound,
        (Expect::Admitted, false) => Expect::WrongMode(mode_message),
        (Expect::Denied(refusal), false) => Expect::DeniedOrWrongMode(refusal, mode_message),
        (Expect::Admitted, true) if row.destructive => Expect::AdmittedOrGone,
        (other, _) => other,
    }
}

fn meets(expect: Expect, status: u16, message: Option<&str>) -> bool {
    let success = (200..300).contains(&status);
    match expect {
        Expect::Unauthenticated => status == 401,
        Expect::Forbidden => status == 403,
        Expect::Denied(refusal) => denied(refusal, status, message),
        Expect::NotFound => status == 404,
        Expect::PortalPage => (200..=400).contains(&status),
        Expect::Admitted => success || status == 400,
        Expect::AdmittedOrGone => success || matches!(status, 400 | 404),
        Expect::WrongMode(text) => status == 400 && message == Some(text),
        Expect::DeniedOrWrongMode(refusal, text) => {
            denied(refusal, status, message) || (status == 400 && message == Some(text))
        }
        Expect::Open => !matches!(status, 401 | 403) && status < 500,
        Expect::Page => (200..400).contains(&status) || matches!(status, 400 | 403),
        Expect::ToLogin => status == 303,
    }
}

fn denied(refusal: Option<&str>, status: u16, message: Option<&str>) -> bool {
    match refusal {
        Some(start) => status == 400 && message.is_some_and(|text| text.starts_with(start)),
        None => matches!(status, 401 | 403 | 404),
    }
}

/// How a caller presents itself.
#[derive(Clone)]
enum Credential {
    None,
    Bearer(String),
    Portal { cookies: String, csrf: String },
}

/// One server under test, its organization, and a credential per caller.
struct World {
    server: TestServer,
    cloud: bool,
    org_id: String,
    member_id: String,
    user_id: String,
    installation_id: String,
    connection_id: String,
    credentials: BTreeMap<Caller, Credential>,
    /// Follows no redirects: the Portal's answer to a stranger is one.
    client: reqwest::Client,
}

fn no_redirects(server: &TestServer) -> anyhow::Result<reqwest::Client> {
    let pem = std::fs::read(server.bwdata.join("ssl/ca.crt"))?;
    Ok(reqwest::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem)?)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()?)
}

/// A user whose token expired: logged in two hours ago on the server's clock.
async fn expired_token(server: &TestServer, clock: &ManualClock) -> anyhow::Result<String> {
    let now = Utc::now();
    clock.set(now - chrono::Duration::hours(2));
    let account = ClientAccount::new(
        "late@elsewhere.test",
        "late password!",
        Kdf::DEFAULT_ITERATIONS,
    )?;
    register(server, &account).await?;
    let session = login(server, &account).await?;
    clock.set(now);
    Ok(session.access_token)
}

async fn other_user(server: &TestServer) -> anyhow::Result<(ClientAccount, Session)> {
    let account = ClientAccount::new(
        "outsider@elsewhere.test",
        "outsider pw!",
        Kdf::DEFAULT_ITERATIONS,
    )?;
    register(server, &account).await?;
    let session = login(server, &account).await?;
    Ok((account, session))
}

/// Members of every role in `org_id`, plus an invited member to act on; answers the sessions
/// and the invited member's id. The Custom member gets `manageUsers` after joining as a User.
async fn members(
    server: &TestServer,
    sink: &SmtpSink,
    owner: &Session,
    org: &kinwarden_testkit::OrganizationKeys,
    org_id: &str,
) -> anyhow::Result<(BTreeMap<Caller, Credential>, String)> {
    let mut credentials = BTreeMap::new();
    for (caller, email, member_type) in [
        (Caller::User, "user@member.test", 2),
        (Caller::CustomManageUsers, "custom@member.test", 2),
        (Caller::Admin, "admin@member.test", 1),
    ] {
        let session =
            confirmed_member(server, sink, owner, org, org_id, email, member_type).await?;
        credentials.insert(caller, Credential::Bearer(session.access_token));
    }
    let list: Value = owner
        .get(server, &format!("/api/organizations/{org_id}/users"))
        .await?
        .json()
        .await?;
    let id_of = |email: &str| {
        list["data"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|member| member["email"] == email)
            .and_then(|member| member["id"].as_str())
            .map(str::to_string)
    };
    let custom = id_of("custom@member.test").expect("custom member");
    let made_custom = owner
        .put(
            server,
            &format!("/api/organizations/{org_id}/users/{custom}"),
            &json!({"type": 4, "permissions": {"manageUsers": true}}),
        )
        .await?;
    anyhow::ensure!(
        made_custom.status() == 200,
        "custom: {}",
        made_custom.status()
    );
    let invited = owner
        .post(
            server,
            &format!("/api/organizations/{org_id}/users/invite"),
            &json!({"emails": ["invited@member.test"], "type": 2}),
        )
        .await?;
    anyhow::ensure!(invited.status() == 200, "invite: {}", invited.status());
    let mail = sink.next_message(Duration::from_secs(20)).await?;
    let member_id = link_param(&mail.text_body().unwrap_or_default(), "organizationUserId")
        .expect("invited member id");
    Ok((credentials, member_id))
}

/// A Portal session by the e-mailed link, as `portal.rs` walks it.
async fn portal_session(server: &TestServer, sink: &SmtpSink) -> anyhow::Result<Credential> {
    let form = server.get("/admin/login").await?;
    let csrf_cookie = form
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|text| text.split(';').next())
        .find(|c| c.starts_with("kw_admin_csrf="))
        .expect("csrf cookie")
        .to_string();
    let csrf = csrf_cookie.trim_start_matches("kw_admin_csrf=").to_string();
    server
        .client
        .post(server.at("/admin/login"))
        .header(COOKIE, &csrf_cookie)
        .form(&[("email", "ops@example.com"), ("csrf", csrf.as_str())])
        .send()
        .await?;
    let mail = sink.next_message(Duration::from_secs(20)).await?;
    let token = link_param(&mail.text_body().unwrap_or_default(), "token").expect("token");
    let client = no_redirects(server)?;
    let confirmed = client
        .post(server.at("/admin/login/confirm"))
        .header(COOKIE, &csrf_cookie)
        .form(&[("token", token.as_str()), ("csrf", csrf.as_str())])
        .send()
        .await?;
    let session = confirmed
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|text| text.split(';').next())
        .find(|c| c.starts_with("kw_admin="))
        .expect("portal session")
        .to_string();
    Ok(Credential::Portal {
        cookies: format!("{session}; {csrf_cookie}"),
        csrf,
    })
}

/// A cloud with an Enterprise organization, its members, installations, and a self-hosted
/// server licensed by it with its own organization, members and billing sync connection.
async fn worlds(backend: TestBackend) -> anyhow::Result<(World, World)> {
    let cloud_sink = SmtpSink::start().await?;
    let cloud_clock = Arc::new(ManualClock::new(Utc::now()));
    let cloud = TestServer::cloud()
        .backend(backend.clone())
        .smtp(&cloud_sink)
        .clock(cloud_clock.clone())
        .setting("adminSettings__admins", "ops@example.com")
        .start()
        .await?;
    let expired = expired_token(&cloud, &cloud_clock).await?;
    let (cloud_owner, cloud_session, cloud_org, cloud_org_id) =
        owner_with_org(&cloud, "owner@cloud.test", 20, 10).await?;
    let (mut cloud_credentials, cloud_member) = members(
        &cloud,
        &cloud_sink,
        &cloud_session,
        &cloud_org,
        &cloud_org_id,
    )
    .await?;
    let (outsider_account, outsider) = other_user(&cloud).await?;
    // The outsider has an organization of their own.
    let mut other_org = kinwarden_testkit::OrganizationKeys::generate()?.create_request(
        &outsider_account,
        "Elsewhere",
        "billing@elsewhere.test",
    )?;
    other_org["planType"] = json!(20);
    other_org["additionalSeats"] = json!(5);
    let made = outsider
        .post(&cloud, "/api/organizations", &other_org)
        .await?;
    anyhow::ensure!(
        made.status() == 200,
        "other organization: {}",
        made.text().await?
    );
    let (this_installation, this_token) =
        installation_token(&cloud, "api.installation api.licensing").await?;
    let (_, other_token) = installation_token(&cloud, "api.installation api.licensing").await?;
    let installation_key: Value = cloud
        .client
        .post(cloud.at("/api/installations"))
        .json(&json!({"email": "ops@selfhost.test"}))
        .send()
        .await?
        .json()
        .await?;

    let sh_sink = SmtpSink::start().await?;
    let sh_clock = Arc::new(ManualClock::new(Utc::now()));
    let base = cloud.url.as_str().trim_end_matches('/').to_string();
    let ca = cloud
        .bwdata
        .join("ssl/ca.crt")
        .to_string_lossy()
        .into_owned();
    let self_hosted = TestServer::self_hosted()
        .backend(backend)
        .smtp(&sh_sink)
        .clock(sh_clock.clone())
        .setting("adminSettings__admins", "ops@example.com")
        .setting("globalSettings__enableCloudCommunication", "true")
        .setting(
            "globalSettings__installation__id",
            installation_key["id"].as_str().unwrap_or_default(),
        )
        .setting(
            "globalSettings__installation__key",
            installation_key["key"].as_str().unwrap_or_default(),
        )
        .setting(
            "globalSettings__installation__identityUri",
            &format!("{base}/identity"),
        )
        .setting(
            "globalSettings__installation__apiUri",
            &format!("{base}/api"),
        )
        .setting("kinwarden__cloudCaFile", &ca)
        .start()
        .await?;
    let pem = cloud.get("/api/licenses/public-key").await?.text().await?;
    std::fs::write(self_hosted.bwdata.join("core/licensing.pub.pem"), pem)?;
    let sh_expired = expired_token(&self_hosted, &sh_clock).await?;
    let pair = Pair {
        cloud,
        self_hosted,
        cloud_owner,
        cloud_session,
        cloud_org_id: cloud_org_id.clone(),
        installation_id: installation_key["id"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        proxy: None,
    };
    let (sh_owner_account, sh_owner, sh_org) = self_hosted_owner(&pair.self_hosted).await?;
    let license = pair.download_license(&pair.installation_id).await?;
    let created: Value = upload(
        &pair.self_hosted,
        &sh_owner,
        "/api/organizations/licenses/self-hosted",
        &license,
        &sh_owner_account,
        &sh_org,
    )
    .await?
    .json()
    .await?;
    let sh_org_id = created["id"].as_str().unwrap_or_default().to_string();
    let token = billing_sync_token(&pair).await?;
    let saved: Value = sh_owner
        .post(
            &pair.self_hosted,
            "/api/organizations/connections",
            &connection(&sh_org_id, &token),
        )
        .await?
        .json()
        .await?;
    let connection_id = saved["id"].as_str().unwrap_or_default().to_string();
    anyhow::ensure!(!connection_id.is_empty(), "connection: {saved}");
    let Pair {
        cloud,
        self_hosted,
        cloud_session,
        ..
    } = pair;
    let (mut sh_credentials, sh_member) =
        members(&self_hosted, &sh_sink, &sh_owner, &sh_org, &sh_org_id).await?;
    let (_, sh_outsider) = other_user(&self_hosted).await?;

    let common = |credentials: &mut BTreeMap<Caller, Credential>, expired: String| {
        credentials.insert(Caller::Anonymous, Credential::None);
        credentials.insert(
            Caller::Garbage,
            Credential::Bearer("not.a.token".to_string()),
        );
        credentials.insert(Caller::Expired, Credential::Bearer(expired));
        credentials.insert(
            Caller::ThisInstallation,
            Credential::Bearer(this_token.clone()),
        );
        credentials.insert(
            Caller::OtherInstallation,
            Credential::Bearer(other_token.clone()),
        );
    };
    common(&mut cloud_credentials, expired);
    cloud_credentials.insert(
        Caller::OtherOrgUser,
        Credential::Bearer(outsider.access_token),
    );
    cloud_credentials.insert(
        Caller::Owner,
        Credential::Bearer(cloud_session.access_token.clone()),
    );
    cloud_credentials.insert(Caller::Portal, portal_session(&cloud, &cloud_sink).await?);
    common(&mut sh_credentials, sh_expired);
    sh_credentials.insert(
        Caller::OtherOrgUser,
        Credential::Bearer(sh_outsider.access_token),
    );
    sh_credentials.insert(
        Caller::Owner,
        Credential::Bearer(sh_owner.access_token.clone()),
    );
    sh_credentials.insert(
        Caller::Portal,
        portal_session(&self_hosted, &sh_sink).await?,
    );
    let cloud_user = cloud_session.user_id(&cloud).await?;
    let sh_user = sh_owner.user_id(&self_hosted).await?;
    Ok((
        World {
            client: no_redirects(&cloud)?,
            server: cloud,
            cloud: true,
            org_id: cloud_org_id,
            member_id: cloud_member,
            user_id: cloud_user,
            installation_id: this_installation.to_string(),
            connection_id: uuid::Uuid::new_v4().to_string(),
            credentials: cloud_credentials,
        },
        World {
            client: no_redirects(&self_hosted)?,
            server: self_hosted,
            cloud: false,
            org_id: sh_org_id,
            member_id: sh_member,
            user_id: sh_user,
            installation_id: this_installation.to_string(),
            connection_id,
            credentials: sh_credentials,
        },
    ))
}

impl World {
    fn path(&self, template: &str) -> String {
        let id = if template.starts_with("/api/installations/") {
            &self.installation_id
        } else if template.starts_with("/api/users/") {
            &self.user_id
        } else {
            &self.org_id
        };
        let mut path = template
            .replace("{org_id}", &self.org_id)
            .replace("{conn_org_id}", &self.org_id)
            .replace("{member_id}", &self.member_id)
            .replace("{connection_id}", &self.connection_id)
            .replace("{connection_type}", "1")
            .replace("{key_type}", "1")
            .replace("{friendly_name}", "Nobody")
            .replace("{id}", id);
        if template.ends_with("/license") {
            path.push_str(&format!("?installationId={}", self.installation_id));
        }
        path
    }

    async fn call(&self, row: &Row, caller: Caller) -> anyhow::Result<(u16, Option<String>)> {
        let method = Method::from_bytes(row.method.as_bytes())?;
        let mut request = self
            .client
            .request(method, self.server.at(&self.path(row.path)));
        let mut csrf = String::new();
        match &self.credentials[&caller] {
            Credential::None => {}
            Credential::Bearer(token) => request = request.bearer_auth(token),
            Credential::Portal {
                cookies,
                csrf: token,
            } => {
                request = request.header(COOKIE, cookies);
                csrf = token.clone();
            }
        }
        request = match row.body {
            Body::None => request,
            Body::EmptyJson => request.json(&json!({})),
            Body::Json(text) => request
                .header("content-type", "application/json")
                .body(text.replace("{org_id}", &self.org_id)),
            Body::EmptyForm => request.form(&[("", "")]),
            Body::CsrfForm => request.form(&[
                ("csrf", csrf.as_str()),
                ("email", "nobody@example.com"),
                ("token", "not-a-token"),
            ]),
        };
        let response = request.send().await?;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        let message = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|body| body["message"].as_str().map(str::to_string));
        Ok((status, message))
    }

    /// The routes the server's document lists, as `METHOD path`.
    async fn served_routes(&self) -> anyhow::Result<BTreeSet<String>> {
        let doc: Value = self.server.get("/api/openapi.json").await?.json().await?;
        let mut routes = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for method in ["get", "put", "post", "delete", "patch", "head"] {
                if item.get(method).is_some() {
                    routes.insert(format!("{} {path}", method.to_uppercase()));
                }
            }
        }
        Ok(routes)
    }
}

#[tokio::test]
async fn every_route_admits_exactly_its_callers_in_both_modes() -> anyhow::Result<()> {
    for backend in backends() {
        let (cloud, self_hosted) = worlds(backend).await?;
        let rows: BTreeSet<String> = ROWS
            .iter()
            .map(|row| format!("{} {}", row.method, row.path))
            .collect();
        assert_eq!(rows.len(), ROWS.len(), "a route has two rows");
        for world in [&cloud, &self_hosted] {
            let served = world.served_routes().await?;
            let missing: Vec<_> = served.difference(&rows).collect();
            let stale: Vec<_> = rows.difference(&served).collect();
            assert!(
                missing.is_empty() && stale.is_empty(),
                "routes without a row: {missing:?}; rows without a route: {stale:?}"
            );
        }

        let mut failures = Vec::new();
        let ordered = ROWS
            .iter()
            .filter(|row| !row.destructive)
            .chain(ROWS.iter().filter(|row| row.destructive));
        for row in ordered {
            for world in [&cloud, &self_hosted] {
                for caller in CALLERS {
                    let wanted = expect(row, caller, world.cloud);
                    let (status, message) = world.call(row, caller).await?;
                    if status >= 500 || !meets(wanted, status, message.as_deref()) {
                        failures.push(format!(
                            "{} {} {} as {caller:?}: {status} {message:?}, wanted {wanted:?}",
                            if world.cloud { "cloud" } else { "self-hosted" },
                            row.method,
                            row.path,
                        ));
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} answers out of place:\n{}",
            failures.len(),
            failures.join("\n")
        );
        cloud.server.stop().await?;
        self_hosted.server.stop().await?;
    }
    Ok(())
}
