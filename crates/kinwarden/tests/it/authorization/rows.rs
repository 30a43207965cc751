//! Every route, as the OpenAPI document names it, with who it admits and where it works.

use super::rules::Access::*;
use super::rules::Modes::{Both, Cloud as CloudOnly, SelfHosted as SelfHostedOnly};
use super::rules::{Body, Row, row};

pub(super) const OFFER: &str =
    r#"{"planSponsorshipType":0,"sponsoredEmail":"friend@family.test","friendlyName":"Friend"}"#;
pub(super) const NEW_ORGANIZATION: &str = r#"{"name":"Matrix","billingEmail":"billing@matrix.test","planType":20,"additionalSeats":1,"key":"4.bWF0cml4"}"#;
pub(super) const REDEEM: &str = r#"{"sponsoredOrganizationId":"{org_id}","planSponsorshipType":0}"#;
pub(super) const SEATS: &str = r#"{"seatAdjustment":1}"#;
pub(super) const CONNECTION: &str = r#"{"type":1,"organizationId":"{org_id}","enabled":true,"config":{"billingSyncKey":"not the token"}}"#;
pub(super) const NO_PERMISSION: &str = "You do not have permission to ";
pub(super) const NOT_A_MEMBER: &str = "Unknown Organization User";
pub(super) const NOT_THE_SPONSOR: &str = "Can only revoke a sponsorship you granted.";
pub(super) const ADMINS_MANAGE_ALL: &str = r#"{"allowAdminAccessToAllCollectionItems":true}"#;
pub(super) const ADMIN_ITEM: &str = r#"{"cipher":{"organizationId":"{org_id}"}}"#;
pub(super) const ADMIN_IDS: &str = r#"{"ids":[],"cipherIds":[],"organizationId":"{org_id}"}"#;
pub(super) const NOT_ENOUGH_PRIVILEGES: &str =
    "Not enough privileges to import into this organization.";
pub(super) const NOT_THE_OWNER: &str = "Only the owner of an organization can remove sponsorship.";

/// Every route, as the OpenAPI document names it.
pub(super) const ROWS: &[Row] = &[
    row("GET", "/alive", Anyone, Both),
    row("GET", "/metrics", Anyone, Both),
    row("GET", "/api/openapi.json", Anyone, Both),
    row("GET", "/api/config", Anyone, Both),
    row("GET", "/api/plans", Anyone, Both),
    row("GET", "/api/licenses/public-key", Anyone, CloudOnly),
    row("GET", "/api/licenses/certificate", Anyone, CloudOnly),
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
    row("GET", "/api/folders", User, Both),
    row("POST", "/api/folders", User, Both),
    row("DELETE", "/api/folders", User, Both).body(Body::EmptyJson),
    row("DELETE", "/api/folders/all", User, Both).destructive(),
    row("GET", "/api/folders/{folder_id}", ItemOwner, Both),
    row("PUT", "/api/folders/{folder_id}", ItemOwner, Both),
    row("POST", "/api/folders/{folder_id}", ItemOwner, Both),
    row("DELETE", "/api/folders/{folder_id}", ItemOwner, Both).destructive(),
    row("POST", "/api/folders/{folder_id}/delete", ItemOwner, Both).destructive(),
    row("GET", "/api/ciphers", User, Both),
    row("POST", "/api/ciphers", User, Both),
    row("DELETE", "/api/ciphers", User, Both).body(Body::EmptyJson),
    row("POST", "/api/ciphers/create", User, Both),
    row("PUT", "/api/ciphers/delete", User, Both),
    row("POST", "/api/ciphers/delete", User, Both),
    row("PUT", "/api/ciphers/restore", User, Both),
    row("PUT", "/api/ciphers/move", User, Both),
    row("POST", "/api/ciphers/move", User, Both),
    row("POST", "/api/ciphers/purge", User, Both),
    row("POST", "/api/ciphers/import", User, Both),
    row("PUT", "/api/ciphers/archive", User, Both),
    row("PUT", "/api/ciphers/unarchive", User, Both),
    row("PUT", "/api/ciphers/{cipher_id}/archive", ItemOwner, Both),
    row("PUT", "/api/ciphers/{cipher_id}/unarchive", ItemOwner, Both),
    row("POST", "/events/collect", User, Both),
    row("GET", "/api/ciphers/{cipher_id}", ItemOwner, Both),
    row("PUT", "/api/ciphers/{cipher_id}", ItemOwner, Both),
    row("POST", "/api/ciphers/{cipher_id}", ItemOwner, Both),
    row("DELETE", "/api/ciphers/{cipher_id}", ItemOwner, Both).destructive(),
    row("GET", "/api/ciphers/{cipher_id}/details", ItemOwner, Both),
    row(
        "GET",
        "/api/ciphers/{cipher_id}/full-details",
        ItemOwner,
        Both,
    ),
    row("PUT", "/api/ciphers/{cipher_id}/partial", ItemOwner, Both),
    row("POST", "/api/ciphers/{cipher_id}/partial", ItemOwner, Both),
    row("PUT", "/api/ciphers/{cipher_id}/delete", ItemOwner, Both),
    row("POST", "/api/ciphers/{cipher_id}/delete", ItemOwner, Both).destructive(),
    row("PUT", "/api/ciphers/{cipher_id}/restore", ItemOwner, Both),
    row(
        "POST",
        "/api/ciphers/{cipher_id}/attachment/v2",
        ItemOwner,
        Both,
    ),
    row(
        "POST",
        "/api/ciphers/{cipher_id}/attachment/{attachment_id}",
        ItemOwner,
        Both,
    ),
    row(
        "GET",
        "/api/ciphers/{cipher_id}/attachment/{attachment_id}",
        ItemOwner,
        Both,
    ),
    row(
        "DELETE",
        "/api/ciphers/{cipher_id}/attachment/{attachment_id}",
        ItemOwner,
        Both,
    )
    .destructive(),
    row(
        "POST",
        "/api/ciphers/{cipher_id}/attachment/{attachment_id}/delete",
        ItemOwner,
        Both,
    )
    .destructive(),
    row("GET", "/api/ciphers/attachment/download", Anyone, Both),
    row("POST", "/api/accounts/api-key", User, Both),
    row("POST", "/api/accounts/rotate-api-key", User, Both),
    row("POST", "/api/accounts/security-stamp", User, Both),
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
    // Collections (SPEC §11): any member lists what they may see and creates (the
    // organization does not limit creation); one collection is read, changed and deleted by
    // owners and admins (the world's organization lets admins manage every collection). Bad
    // bodies get 400 after that.
    row("GET", "/api/collections", User, Both),
    row(
        "GET",
        "/api/organizations/{org_id}/collections",
        Member,
        Both,
    ),
    row(
        "POST",
        "/api/organizations/{org_id}/collections",
        Member,
        Both,
    ),
    row(
        "DELETE",
        "/api/organizations/{org_id}/collections",
        Member,
        Both,
    )
    .body(Body::EmptyJson),
    row(
        "POST",
        "/api/organizations/{org_id}/collections/delete",
        Member,
        Both,
    ),
    row(
        "GET",
        "/api/organizations/{org_id}/collections/details",
        Member,
        Both,
    ),
    row(
        "POST",
        "/api/organizations/{org_id}/collections/bulk-access",
        Member,
        Both,
    ),
    row(
        "GET",
        "/api/organizations/{org_id}/collections/{collection_id}",
        Admin,
        Both,
    ),
    row(
        "PUT",
        "/api/organizations/{org_id}/collections/{collection_id}",
        Admin,
        Both,
    ),
    row(
        "POST",
        "/api/organizations/{org_id}/collections/{collection_id}",
        Admin,
        Both,
    ),
    row(
        "DELETE",
        "/api/organizations/{org_id}/collections/{collection_id}",
        Admin,
        Both,
    )
    .destructive(),
    row(
        "POST",
        "/api/organizations/{org_id}/collections/{collection_id}/delete",
        Admin,
        Both,
    )
    .destructive(),
    row(
        "GET",
        "/api/organizations/{org_id}/collections/{collection_id}/details",
        Admin,
        Both,
    ),
    row(
        "GET",
        "/api/organizations/{org_id}/collections/{collection_id}/users",
        Admin,
        Both,
    ),
    // The world's setting is sent back as it is, so the admin rows keep their meaning.
    row(
        "PUT",
        "/api/organizations/{org_id}/collection-management",
        Owner,
        Both,
    )
    .body(Body::Json(ADMINS_MANAGE_ALL)),
    row("GET", "/api/organizations/{org_id}/export", Member, Both),
    // An organization's items: sharing and collections of the owner's item (the item is
    // personal, so the owner's call is refused with a 400), the admin view, the import.
    row("PUT", "/api/ciphers/share", User, Both),
    row("POST", "/api/ciphers/share", User, Both),
    row("PUT", "/api/ciphers/{cipher_id}/share", ItemOwner, Both),
    row("POST", "/api/ciphers/{cipher_id}/share", ItemOwner, Both),
    row(
        "PUT",
        "/api/ciphers/{cipher_id}/collections",
        ItemOwner,
        Both,
    ),
    row(
        "POST",
        "/api/ciphers/{cipher_id}/collections",
        ItemOwner,
        Both,
    ),
    row(
        "PUT",
        "/api/ciphers/{cipher_id}/collections_v2",
        ItemOwner,
        Both,
    ),
    row(
        "POST",
        "/api/ciphers/{cipher_id}/collections_v2",
        ItemOwner,
        Both,
    ),
    row("GET", "/api/ciphers/organization-details", Admin, Both),
    row(
        "GET",
        "/api/ciphers/organization-details/assigned",
        Member,
        Both,
    ),
    // The admin item routes, on an item of the organization (the world lets owners and admins
    // work on every item).
    row("GET", "/api/ciphers/{cipher_id}/admin", Admin, Both),
    row("PUT", "/api/ciphers/{cipher_id}/admin", Admin, Both),
    row("POST", "/api/ciphers/{cipher_id}/admin", Admin, Both),
    row("DELETE", "/api/ciphers/{cipher_id}/admin", Admin, Both).destructive(),
    row("POST", "/api/ciphers/admin", Admin, Both).body(Body::Json(ADMIN_ITEM)),
    row("DELETE", "/api/ciphers/admin", Admin, Both).body(Body::Json(ADMIN_IDS)),
    row(
        "PUT",
        "/api/ciphers/{cipher_id}/collections-admin",
        Admin,
        Both,
    ),
    row(
        "POST",
        "/api/ciphers/{cipher_id}/collections-admin",
        Admin,
        Both,
    ),
    row("POST", "/api/ciphers/bulk-collections", Admin, Both).body(Body::Json(ADMIN_IDS)),
    row("PUT", "/api/ciphers/{cipher_id}/delete-admin", Admin, Both),
    row("POST", "/api/ciphers/{cipher_id}/delete-admin", Admin, Both).destructive(),
    row("PUT", "/api/ciphers/delete-admin", Admin, Both).body(Body::Json(ADMIN_IDS)),
    row("POST", "/api/ciphers/delete-admin", Admin, Both).body(Body::Json(ADMIN_IDS)),
    row("PUT", "/api/ciphers/{cipher_id}/restore-admin", Admin, Both),
    row("PUT", "/api/ciphers/restore-admin", Admin, Both).body(Body::Json(ADMIN_IDS)),
    row("POST", "/api/ciphers/import-organization", Admin, Both).refusal(NOT_ENOUGH_PRIVILEGES),
    // Groups (SPEC §11): read by whoever manages users or groups, changed by owners, admins
    // and custom members with `manageGroups` (the matrix's custom member has `manageUsers`
    // only); a member's groups are set by whoever manages users too. Others get 404.
    row(
        "GET",
        "/api/organizations/{org_id}/groups",
        ManageUsers,
        Both,
    ),
    row("POST", "/api/organizations/{org_id}/groups", Admin, Both),
    row("DELETE", "/api/organizations/{org_id}/groups", Admin, Both).body(Body::EmptyJson),
    row(
        "POST",
        "/api/organizations/{org_id}/groups/delete",
        Admin,
        Both,
    ),
    row(
        "GET",
        "/api/organizations/{org_id}/groups/{group_id}",
        ManageUsers,
        Both,
    ),
    row(
        "PUT",
        "/api/organizations/{org_id}/groups/{group_id}",
        Admin,
        Both,
    ),
    row(
        "POST",
        "/api/organizations/{org_id}/groups/{group_id}",
        Admin,
        Both,
    ),
    row(
        "DELETE",
        "/api/organizations/{org_id}/groups/{group_id}",
        Admin,
        Both,
    )
    .destructive(),
    row(
        "POST",
        "/api/organizations/{org_id}/groups/{group_id}/delete",
        Admin,
        Both,
    )
    .destructive(),
    row(
        "GET",
        "/api/organizations/{org_id}/groups/{group_id}/details",
        ManageUsers,
        Both,
    ),
    row(
        "GET",
        "/api/organizations/{org_id}/groups/{group_id}/users",
        ManageUsers,
        Both,
    ),
    row(
        "DELETE",
        "/api/organizations/{org_id}/groups/{group_id}/user/{member_id}",
        Admin,
        Both,
    ),
    row(
        "POST",
        "/api/organizations/{org_id}/groups/{group_id}/delete-user/{member_id}",
        Admin,
        Both,
    ),
    row(
        "GET",
        "/api/organizations/{org_id}/users/{member_id}/groups",
        ManageUsers,
        Both,
    ),
    row(
        "PUT",
        "/api/organizations/{org_id}/users/{member_id}/groups",
        ManageUsers,
        Both,
    ),
    row(
        "POST",
        "/api/organizations/{org_id}/users/{member_id}/groups",
        ManageUsers,
        Both,
    ),
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
        "GET",
        "/api/organization/sponsorship/{org_id}/sponsored",
        ManageUsers,
        CloudOnly,
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
    // Last, after the pages' destructive rows too: members who leave are members no more.
    row("POST", "/api/organizations/{org_id}/leave", Member, Both).last(),
];
