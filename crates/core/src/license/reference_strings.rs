//! The data strings, byte for byte, against strings the reference produced: the worked example
//! (a genuine Version 15 license), the reference's known-good strings for the deterministic
//! license of every version, and the Hash of its published fixture files.

use serde_json::json;

use super::*;

/// The worked example's facts, as the cloud's camelCase download has them.
fn worked_example() -> OrganizationLicense {
    OrganizationLicense::from_json(
        br#"{
        "licenseKey": "O1RVhFIS1Q1QEGHt7rAE",
        "installationId": "987c97d6-7d62-48cd-b15a-b34501415265",
        "id": "302056ca-21d7-44d2-855b-b345014013e7",
        "name": "mssql",
        "billingEmail": "sysadm@me.com",
        "businessName": null,
        "enabled": true,
        "plan": "Enterprise (Annually)",
        "planType": 20,
        "seats": 1,
        "maxCollections": null,
        "usePolicies": true,
        "useSso": true,
        "useKeyConnector": false,
        "useScim": true,
        "useGroups": true,
        "useEvents": true,
        "useDirectory": true,
        "useTotp": true,
        "use2fa": true,
        "useApi": true,
        "useResetPassword": true,
        "maxStorageGb": 1,
        "selfHost": true,
        "usersGetPremium": true,
        "useCustomPermissions": true,
        "version": 15,
        "issued": "2025-08-27T13:46:25.487421Z",
        "refresh": "2025-09-02T19:25:23Z",
        "expires": "2025-09-02T19:25:23Z",
        "expirationWithoutGracePeriod": null,
        "usePasswordManager": true,
        "useSecretsManager": false,
        "smSeats": null,
        "smServiceAccounts": null,
        "useRiskInsights": true,
        "limitCollectionCreationDeletion": false,
        "allowAdminAccessToAllCollectionItems": false,
        "trial": true,
        "licenseType": 1,
        "useOrganizationDomains": true,
        "useAdminSponsoredFamilies": true,
        "hash": "OOU7jlD2fg5a39Y97697xv7Wg95K75BMGwI04adTcSU=",
        "signature": "",
        "token": null
    }"#,
    )
    .expect("the example parses")
}

#[test]
fn the_worked_example_signature_data_is_byte_for_byte() {
    let expected = "license:organization|AllowAdminAccessToAllCollectionItems:false|BillingEmail:sysadm@me.com|BusinessName:|Enabled:true|ExpirationWithoutGracePeriod:|Expires:1756841123|Hash:OOU7jlD2fg5a39Y97697xv7Wg95K75BMGwI04adTcSU=|Id:302056ca-21d7-44d2-855b-b345014013e7|InstallationId:987c97d6-7d62-48cd-b15a-b34501415265|Issued:1756302385|LicenseKey:O1RVhFIS1Q1QEGHt7rAE|LimitCollectionCreationDeletion:false|MaxCollections:|MaxStorageGb:1|Name:mssql|Plan:Enterprise (Annually)|PlanType:20|Refresh:1756841123|Seats:1|SelfHost:true|SmSeats:|SmServiceAccounts:|Trial:true|Use2fa:true|UseApi:true|UseCustomPermissions:true|UseDirectory:true|UseEvents:true|UseGroups:true|UseKeyConnector:false|UsePasswordManager:true|UsePolicies:true|UseResetPassword:true|UsersGetPremium:true|UseScim:true|UseSecretsManager:false|UseSso:true|UseTotp:true|Version:15";
    let license = worked_example();
    assert_eq!(legacy_data(&license, Variant::Signature), expected);
    // Its Hash is the hash of its hash data.
    assert_eq!(
        license.hash.as_deref(),
        Some(hash_of(&legacy_data(&license, Variant::Hash)).as_str())
    );
}

/// The reference's deterministic license of `version` (all flags on, SM seats set).
fn deterministic(version: i32) -> OrganizationLicense {
    OrganizationLicense::from_value(json!({
        "LicenseKey": "myLicenseKey",
        "InstallationId": "78900000-0000-0000-0000-000000000123",
        "Id": "12300000-0000-0000-0000-000000000456",
        "Name": "myOrg", "BillingEmail": "myBillingEmail", "Plan": "myPlan",
        "Enabled": true, "PlanType": 11, "Seats": 10, "MaxCollections": 2, "MaxStorageGb": 100,
        "UsePolicies": true, "UseSso": true, "UseKeyConnector": true, "UseScim": true,
        "UseGroups": true, "UseEvents": true, "UseDirectory": true, "UseTotp": true,
        "Use2fa": true, "UseApi": true, "UseResetPassword": true, "SelfHost": true,
        "UsersGetPremium": true, "UseCustomPermissions": true, "Version": version,
        "Issued": "2025-09-26T12:00:01Z", "Refresh": "2025-10-26T12:00:01Z",
        "Expires": "2025-03-01T00:00:00Z", "UsePasswordManager": true,
        "UseSecretsManager": true, "SmSeats": 5, "SmServiceAccounts": 8,
        "LimitCollectionCreationDeletion": true, "AllowAdminAccessToAllCollectionItems": true,
        "UseOrganizationDomains": true
    }))
    .expect("parses")
}

#[test]
fn the_reference_known_good_strings() {
    let cases = [
        (
            1,
            "license:organization|BillingEmail:myBillingEmail|BusinessName:|Enabled:true|Expires:1740787200|Id:12300000-0000-0000-0000-000000000456|InstallationId:78900000-0000-0000-0000-000000000123|LicenseKey:myLicenseKey|MaxCollections:2|MaxStorageGb:100|Name:myOrg|Plan:myPlan|PlanType:11|Seats:10|SelfHost:true|Trial:false|UseDirectory:true|UseGroups:true|UseTotp:true|Version:1",
            "WSyM/Q+vgOuWeF6XBH+RSfUqvf7NDtP3fgNfcbXYqKc=",
        ),
        (
            12,
            "license:organization|BillingEmail:myBillingEmail|BusinessName:|Enabled:true|ExpirationWithoutGracePeriod:|Expires:1740787200|Id:12300000-0000-0000-0000-000000000456|InstallationId:78900000-0000-0000-0000-000000000123|LicenseKey:myLicenseKey|MaxCollections:2|MaxStorageGb:100|Name:myOrg|Plan:myPlan|PlanType:11|Seats:10|SelfHost:true|Trial:false|Use2fa:true|UseApi:true|UseCustomPermissions:true|UseDirectory:true|UseEvents:true|UseGroups:true|UseKeyConnector:true|UsePolicies:true|UseResetPassword:true|UsersGetPremium:true|UseScim:true|UseSso:true|UseTotp:true|Version:12",
            "rWecCXB0kuqi/RW3C8u2rLZRDMR49W3W4Q3eL2tZ3j8=",
        ),
        (
            15,
            "license:organization|AllowAdminAccessToAllCollectionItems:true|BillingEmail:myBillingEmail|BusinessName:|Enabled:true|ExpirationWithoutGracePeriod:|Expires:1740787200|Id:12300000-0000-0000-0000-000000000456|InstallationId:78900000-0000-0000-0000-000000000123|LicenseKey:myLicenseKey|LimitCollectionCreationDeletion:true|MaxCollections:2|MaxStorageGb:100|Name:myOrg|Plan:myPlan|PlanType:11|Seats:10|SelfHost:true|SmSeats:5|SmServiceAccounts:8|Trial:false|Use2fa:true|UseApi:true|UseCustomPermissions:true|UseDirectory:true|UseEvents:true|UseGroups:true|UseKeyConnector:true|UsePasswordManager:true|UsePolicies:true|UseResetPassword:true|UsersGetPremium:true|UseScim:true|UseSecretsManager:true|UseSso:true|UseTotp:true|Version:15",
            "3VjOyWJu38N4epIzhDzjRR80zQ651wnYkQCd+DIzeAs=",
        ),
        (
            16,
            "license:organization|AllowAdminAccessToAllCollectionItems:true|BillingEmail:myBillingEmail|BusinessName:|Enabled:true|ExpirationWithoutGracePeriod:|Expires:1740787200|Id:12300000-0000-0000-0000-000000000456|InstallationId:78900000-0000-0000-0000-000000000123|LicenseKey:myLicenseKey|LimitCollectionCreationDeletion:true|MaxCollections:2|MaxStorageGb:100|Name:myOrg|Plan:myPlan|PlanType:11|Seats:10|SelfHost:true|SmSeats:5|SmServiceAccounts:8|Trial:false|Use2fa:true|UseApi:true|UseCustomPermissions:true|UseDirectory:true|UseEvents:true|UseGroups:true|UseKeyConnector:true|UsePasswordManager:true|UsePolicies:true|UseResetPassword:true|UsersGetPremium:true|UseScim:true|UseSecretsManager:true|UseSso:true|UseTotp:true|Version:16",
            "Oo5KFBoX8pMcklJ4oJAqgv77/WA8+gDPxq6+/Fjffwc=",
        ),
    ];
    for (version, hash_data, hash) in cases {
        let mut license = deterministic(version);
        assert_eq!(
            legacy_data(&license, Variant::Hash),
            hash_data,
            "v{version}"
        );
        assert_eq!(hash_of(hash_data), hash, "v{version}");
        license.hash = Some(hash.into());
        let signature_data = legacy_data(&license, Variant::Signature);
        assert!(
            signature_data.contains(&format!("|Hash:{hash}|"))
                && signature_data.contains("|Issued:1758888001|")
                && signature_data.contains("|Refresh:1761480001|"),
            "v{version}: {signature_data}"
        );
    }
}

/// The reference's published fixture files (PascalCase, `\u002B` escapes, 6-digit fractions that
/// round up): their Hash is the hash of the data string Kinwarden makes.
#[test]
fn the_reference_fixture_files_hash_as_published() {
    let fixtures = [
        r#"{"LicenseKey":"myLicenseKey","InstallationId":"78900000-0000-0000-0000-000000000123","Id":"12300000-0000-0000-0000-000000000456","Name":"myOrg","BillingEmail":"myBillingEmail","BusinessName":"myBusinessName","Enabled":true,"Plan":"myPlan","PlanType":11,"Seats":10,"MaxCollections":2,"UsePolicies":true,"UseSso":true,"UseKeyConnector":true,"UseScim":true,"UseGroups":true,"UseEvents":true,"UseDirectory":true,"UseTotp":true,"Use2fa":true,"UseApi":true,"UseResetPassword":true,"MaxStorageGb":100,"SelfHost":true,"UsersGetPremium":true,"UseCustomPermissions":true,"Version":11,"Issued":"2023-11-23T03:15:41.632267Z","Refresh":"2023-11-30T03:15:41.632267Z","Expires":"2023-11-30T03:15:41.632267Z","ExpirationWithoutGracePeriod":null,"Trial":true,"LicenseType":1,"Hash":"eMSljdMAlFiiVYP/DI8LwNtSZZy6cJaC\u002BAdmYGd1RTs=","Signature":""}"#,
        r#"{"LicenseKey":"myLicenseKey","InstallationId":"78900000-0000-0000-0000-000000000123","Id":"12300000-0000-0000-0000-000000000456","Name":"myOrg","BillingEmail":"myBillingEmail","BusinessName":"myBusinessName","Enabled":true,"Plan":"myPlan","PlanType":11,"Seats":10,"MaxCollections":2,"UsePolicies":true,"UseSso":true,"UseKeyConnector":true,"UseScim":true,"UseGroups":true,"UseEvents":true,"UseDirectory":true,"UseTotp":true,"Use2fa":true,"UseApi":true,"UseResetPassword":true,"MaxStorageGb":100,"SelfHost":true,"UsersGetPremium":true,"UseCustomPermissions":true,"Version":14,"Issued":"2023-12-14T02:03:33.374297Z","Refresh":"2023-12-07T22:42:33.970597Z","Expires":"2023-12-21T02:03:33.374297Z","ExpirationWithoutGracePeriod":null,"UsePasswordManager":true,"UseSecretsManager":true,"SmSeats":5,"SmServiceAccounts":8,"LimitCollectionCreationDeletion":true,"AllowAdminAccessToAllCollectionItems":true,"Trial":true,"LicenseType":1,"Hash":"EZl4IvJaa1E5mPmlfp4p5twAtlmaxlF1yoZzVYP4vog=","Signature":""}"#,
    ];
    for text in fixtures {
        let license = OrganizationLicense::from_json(text.as_bytes()).expect("fixture parses");
        assert_eq!(
            license.hash.as_deref(),
            Some(hash_of(&legacy_data(&license, Variant::Hash)).as_str()),
            "version {}",
            license.version
        );
    }
}
