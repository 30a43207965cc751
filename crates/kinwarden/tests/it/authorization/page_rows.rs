//! Every page route (`kinwarden_web::PAGE_ROUTES`, the list the console's router is made from),
//! with who it admits and where it exists. The forms are complete enough to pass the form
//! parser and the CSRF check, and never complete enough to change anything the other rows
//! need: a wrong password, an empty e-mail address, a file that is no license.

use super::rules::Access::*;
use super::rules::Modes::{Both, Cloud as CloudOnly, SelfHosted as SelfHostedOnly};
use super::rules::{Body, Row, page};

const WRONG_PASSWORD: &[(&str, &str)] = &[
    ("email", "nobody@example.com"),
    ("masterPasswordHash", "bm90IGl0"),
];

pub(super) const PAGE_ROWS: &[Row] = &[
    page("GET", "/", PageHome, Both),
    page("GET", "/login", PageOpen, Both),
    page("POST", "/login", PageOpen, Both).body(Body::PageForm(WRONG_PASSWORD)),
    page("POST", "/logout", PageOpen, Both),
    page("GET", "/register", PageOpen, Both),
    // Without the hash the browser's script makes: the form again, asking for JavaScript.
    page("POST", "/register", PageOpen, Both).body(Body::PageForm(&[("email", "")])),
    page("GET", "/finish-signup", PageOpen, Both),
    page("POST", "/lang", PageOpen, Both).body(Body::PageForm(&[("lang", "en")])),
    page("GET", "/settings", PageSignedIn, Both),
    page("POST", "/settings", PageSignedIn, Both).body(Body::PageForm(&[("culture", "en-US")])),
    page("GET", "/organizations", PageSignedIn, Both),
    page("POST", "/organizations/new", PageSignedIn, SelfHostedOnly).body(Body::PageUpload),
    // No name: the organizations page again with the refusal.
    page("POST", "/organizations/create", PageSignedIn, CloudOnly),
    page("GET", "/accept-organization", PageSignedIn, Both),
    page(
        "GET",
        "/organizations/{org_id}/members",
        PageManageUsers,
        Both,
    ),
    page(
        "POST",
        "/organizations/{org_id}/members/invite",
        PageManageUsers,
        Both,
    )
    .body(Body::PageForm(&[("emails", ""), ("type", "2")])),
    page(
        "POST",
        "/organizations/{org_id}/members/{member_id}/confirm",
        PageManageUsers,
        Both,
    ),
    // The invited member is a User already.
    page(
        "POST",
        "/organizations/{org_id}/members/{member_id}/role",
        PageManageUsers,
        Both,
    )
    .body(Body::PageForm(&[("type", "2")])),
    // Neither list shown: the member's collections and groups stay as they are.
    page(
        "POST",
        "/organizations/{org_id}/members/{member_id}/access",
        PageManageUsers,
        Both,
    ),
    page(
        "GET",
        "/organizations/{org_id}/collections",
        PageManageUsers,
        Both,
    ),
    // Nobody and no level named: the page again with the refusal.
    page(
        "POST",
        "/organizations/{org_id}/collections/{collection_id}/access",
        PageManageUsers,
        Both,
    )
    .body(Body::PageForm(&[("principal", ""), ("level", "")])),
    // Without the ticked confirmation nothing is deleted.
    page(
        "POST",
        "/organizations/{org_id}/collections/{collection_id}/delete",
        PageManageUsers,
        Both,
    ),
    page(
        "GET",
        "/organizations/{org_id}/billing/subscription",
        PageOwner,
        Both,
    ),
    page(
        "GET",
        "/organizations/{org_id}/billing/license",
        PageOwner,
        CloudOnly,
    ),
    page(
        "POST",
        "/organizations/{org_id}/billing/token",
        PageOwner,
        CloudOnly,
    )
    .body(Body::PageForm(WRONG_PASSWORD)),
    page(
        "POST",
        "/organizations/{org_id}/billing/connection",
        PageOwner,
        SelfHostedOnly,
    )
    .body(Body::PageForm(&[("billingSyncKey", "not the token")])),
    // Through the world's billing sync connection: a fresh license of the same terms.
    page(
        "POST",
        "/organizations/{org_id}/billing/sync-license",
        PageOwner,
        SelfHostedOnly,
    ),
    page(
        "POST",
        "/organizations/{org_id}/billing/upload",
        PageOwner,
        SelfHostedOnly,
    )
    .body(Body::PageUpload),
    page("GET", "/sponsored-families", PageSignedIn, Both),
    page("POST", "/sponsored-families/offer", PageSignedIn, Both).body(Body::PageForm(&[
        ("organizationId", "{org_id}"),
        ("sponsoredEmail", ""),
    ])),
    page(
        "GET",
        "/accept-families-for-enterprise",
        PageSignedIn,
        CloudOnly,
    ),
    page(
        "POST",
        "/accept-families-for-enterprise",
        PageSignedIn,
        CloudOnly,
    )
    .body(Body::PageForm(&[
        ("token", ""),
        ("organizationId", "{org_id}"),
    ])),
    page("GET", "/host", PageOpen, CloudOnly),
    page("POST", "/host", PageOpen, CloudOnly).body(Body::PageForm(&[("email", "")])),
    page("GET", "/static/console.js", PageOpen, Both),
    page("GET", "/static/console.css", PageOpen, Both),
    page("GET", "/favicon.ico", PageOpen, Both),
    // The first manager removes the invited member; the others see the list without it.
    page(
        "POST",
        "/organizations/{org_id}/members/{member_id}/remove",
        PageManageUsers,
        Both,
    )
    .destructive(),
    // Takes back the caller's own offer for the organization, where it made one.
    page("POST", "/sponsored-families/revoke", PageSignedIn, Both)
        .body(Body::PageForm(&[("organizationId", "{org_id}")]))
        .destructive(),
];
