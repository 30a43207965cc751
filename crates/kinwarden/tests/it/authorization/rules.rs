//! The matrix's vocabulary: the callers, who a route admits, where it works, and the class of
//! answer each caller must get. The pages (`page_rows.rs`) know a signed-in user by the console's
//! session cookie only: a bearer token or a Portal session is no one there.

use self::Access::*;
use self::Modes::{Both, Cloud as CloudOnly, SelfHosted as SelfHostedOnly};

pub(super) const ONLY_SELF_HOSTED: &str = "Only allowed when self hosted.";
pub(super) const ONLY_CLOUD: &str = "Only allowed when not self hosted.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Caller {
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

pub(super) const CALLERS: [Caller; 11] = [
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
    pub(super) fn rank(self) -> u8 {
        match self {
            Self::User => 1,
            Self::CustomManageUsers => 2,
            Self::Admin => 3,
            Self::Owner => 4,
            _ => 0,
        }
    }

    pub(super) fn is_user(self) -> bool {
        matches!(
            self,
            Self::OtherOrgUser | Self::User | Self::CustomManageUsers | Self::Admin | Self::Owner
        )
    }

    pub(super) fn is_installation(self) -> bool {
        matches!(self, Self::ThisInstallation | Self::OtherInstallation)
    }
}

/// Who a route admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Access {
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
    /// The caller's own folder or item: the world makes one of each for the organization's
    /// owner; every other user gets 404 and learns nothing about it.
    ItemOwner,
    /// A page anyone may open or a form anyone may send: 2xx or 3xx.
    PageOpen,
    /// `/`: to the organizations with a page session, else to the login page.
    PageHome,
    /// A page for any signed-in user; anyone else is sent to the login page.
    PageSignedIn,
    /// An organization page for Owner, Admin or Custom with `manageUsers`; other users get the
    /// 404 page, anyone else the login page.
    PageManageUsers,
    /// An organization page for its owners; other users get the 404 page.
    PageOwner,
}

impl Access {
    pub(super) fn is_page(self) -> bool {
        matches!(
            self,
            Self::PageOpen
                | Self::PageHome
                | Self::PageSignedIn
                | Self::PageManageUsers
                | Self::PageOwner
        )
    }
}

/// Where a route works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Modes {
    Both,
    /// The reference's `[SelfHosted(NotSelfHostedOnly)]`: a 400 with its message elsewhere.
    Cloud,
    /// The reference's `[SelfHosted(SelfHostedOnly)]`: a 400 with its message elsewhere.
    SelfHosted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Body {
    None,
    EmptyJson,
    Json(&'static str),
    EmptyForm,
    /// The Portal's CSRF field (its cookie goes with the Portal caller).
    CsrfForm,
    /// A page's form: these fields (`{org_id}` filled in) and the pages' CSRF field.
    PageForm(&'static [(&'static str, &'static str)]),
    /// A page's multipart form with a part that is no license; its CSRF token in the query.
    PageUpload,
}

pub(super) struct Row {
    pub(super) method: &'static str,
    pub(super) path: &'static str,
    pub(super) access: Access,
    pub(super) modes: Modes,
    pub(super) body: Body,
    /// Changes state for good (removes, revokes, leaves): runs after every other row, and an
    /// admitted caller after the first may find the target gone (404).
    pub(super) destructive: bool,
    /// Ends the callers' membership (leave): after the destructive rows too.
    pub(super) last: bool,
    /// The reference refuses some callers with a 400 and this message (start) instead of 403.
    pub(super) refusal: Option<&'static str>,
    /// The message of the mode check where it is not the reference's filter text.
    pub(super) mode_message: Option<&'static str>,
    /// Kinwarden's own mode-only route: a plain 404 in the other mode (ARCHITECTURE).
    pub(super) mode_not_found: bool,
    /// The cloud has no such target (a billing sync connection): 404 for every user there.
    pub(super) cloud_has_none: bool,
}

pub(super) const fn row(
    method: &'static str,
    path: &'static str,
    access: Access,
    modes: Modes,
) -> Row {
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
        last: false,
        refusal: None,
        mode_message: None,
        mode_not_found: false,
        cloud_has_none: false,
    }
}

/// A page route: a POST sends a form with nothing but the CSRF field unless `body` says more.
pub(super) const fn page(
    method: &'static str,
    path: &'static str,
    access: Access,
    modes: Modes,
) -> Row {
    let mut page = row(method, path, access, modes);
    if let Body::EmptyJson = page.body {
        page.body = Body::PageForm(&[]);
    }
    page
}

impl Row {
    pub(super) fn in_mode(&self, cloud: bool) -> bool {
        match self.modes {
            Both => true,
            CloudOnly => cloud,
            SelfHostedOnly => !cloud,
        }
    }

    pub(super) const fn body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }

    pub(super) const fn destructive(mut self) -> Self {
        self.destructive = true;
        self
    }

    pub(super) const fn last(mut self) -> Self {
        self.destructive = true;
        self.last = true;
        self
    }

    pub(super) const fn refusal(mut self, message: &'static str) -> Self {
        self.refusal = Some(message);
        self
    }

    pub(super) const fn mode_message(mut self, message: &'static str) -> Self {
        self.mode_message = Some(message);
        self
    }

    pub(super) const fn mode_not_found(mut self) -> Self {
        self.mode_not_found = true;
        self
    }

    pub(super) const fn cloud_has_none(mut self) -> Self {
        self.cloud_has_none = true;
        self
    }
}

/// The class of answer a caller must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Expect {
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
    /// A page or a form's answer: 2xx or 3xx.
    Shown,
    /// A page for a signed-in user: 2xx, or 3xx anywhere but the login page.
    PageAdmitted,
    /// 303 to the pages' login page.
    ToPageLogin,
    /// 303 to this path.
    Redirect(&'static str),
    /// 403: a form without the CSRF field.
    CsrfRefused,
}

/// What came back: the status, the JSON envelope's message, and where a redirect points.
#[derive(Debug)]
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) message: Option<String>,
    pub(super) location: Option<String>,
}

pub(super) fn expect(row: &Row, caller: Caller, cloud: bool) -> Expect {
    let in_mode = row.in_mode(cloud);
    if row.access.is_page() {
        return page_expect(row.access, caller, in_mode);
    }
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
        PageOpen | PageHome | PageSignedIn | PageManageUsers | PageOwner => {
            unreachable!("pages are answered above")
        }
        Installation => match caller {
            // A self-hosted server does not know the cloud's installation tokens.
            c if c.is_installation() && cloud => Expect::Admitted,
            c if c.is_user() => Expect::Forbidden,
            _ => Expect::Unauthenticated,
        },
        User | Member | ManageUsers | Admin | Owner | ItemOwner => {
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
                } else if row.access == ItemOwner {
                    if caller == Caller::Owner {
                        Expect::Admitted
                    } else {
                        Expect::NotFound
                    }
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

/// A page of the other mode is not there for anyone (ARCHITECTURE: Kinwarden's own mode-only
/// pages answer 404). Only the user callers hold a page session.
fn page_expect(access: Access, caller: Caller, in_mode: bool) -> Expect {
    let signed_in = caller.is_user();
    match access {
        _ if !in_mode => Expect::NotFound,
        PageOpen => Expect::Shown,
        PageHome if signed_in => Expect::Redirect("/organizations"),
        PageHome => Expect::Redirect("/login"),
        _ if !signed_in => Expect::ToPageLogin,
        PageSignedIn => Expect::PageAdmitted,
        PageManageUsers if caller.rank() >= 2 => Expect::PageAdmitted,
        PageOwner if caller == Caller::Owner => Expect::PageAdmitted,
        _ => Expect::NotFound,
    }
}

pub(super) fn meets(expect: Expect, answer: &Answer) -> bool {
    let (status, message) = (answer.status, answer.message.as_deref());
    let location = answer.location.as_deref().unwrap_or_default();
    let to_login = location == "/login" || location.starts_with("/login?");
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
        Expect::Shown => (200..400).contains(&status),
        Expect::PageAdmitted => success || ((300..400).contains(&status) && !to_login),
        Expect::ToPageLogin => status == 303 && to_login,
        Expect::Redirect(path) => status == 303 && location == path,
        Expect::CsrfRefused => status == 403,
    }
}

pub(super) fn denied(refusal: Option<&str>, status: u16, message: Option<&str>) -> bool {
    match refusal {
        Some(start) => status == 400 && message.is_some_and(|text| text.starts_with(start)),
        None => matches!(status, 401 | 403 | 404),
    }
}
