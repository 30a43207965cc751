//! The messages Kinwarden sends. Each is a small type holding what the message needs (passed in
//! by the use-case that causes it) and a `render` that picks its texts from the catalogue and
//! builds its absolute links.

use url::Url;
use uuid::Uuid;

use crate::catalogue::texts;
use crate::links::{host_of, link};
use crate::render::{self, Block, fill};
use crate::{Lang, Mail, MailKind};

/// "You have been invited to join {org}" (SPEC §9 "members"): links to
/// `/accept-organization?organizationId=…&organizationUserId=…&email=…&token=…`.
#[derive(Debug, Clone)]
pub struct OrganizationInvite<'a> {
    pub organization_id: Uuid,
    pub organization_user_id: Uuid,
    pub organization_name: &'a str,
    /// The invited address; the mail goes there.
    pub email: &'a str,
    /// The signed invitation token.
    pub token: &'a str,
}

impl OrganizationInvite<'_> {
    pub fn render(&self, vault: &Url, lang: Lang) -> Mail {
        let t = texts(lang);
        let args = [("org", self.organization_name), ("email", self.email)];
        let organization_id = self.organization_id.to_string();
        let organization_user_id = self.organization_user_id.to_string();
        let url = link(
            vault,
            "accept-organization",
            &[
                ("organizationId", &organization_id),
                ("organizationUserId", &organization_user_id),
                ("email", self.email),
                ("token", self.token),
            ],
        );
        compose(
            MailKind::OrganizationInvite,
            vault,
            lang,
            self.email,
            fill(t.invite_subject, &args),
            vec![
                Block::Heading(fill(t.invite_heading, &args)),
                Block::Paragraph(fill(t.invite_body, &args)),
                Block::Paragraph(fill(t.invite_account, &args)),
                Block::Button {
                    label: t.invite_button.to_string(),
                    url,
                },
                Block::Note(t.invite_ignore.to_string()),
            ],
        )
        .sent_for(self.organization_id)
    }
}

/// "Verify Your Email" for a new registration (SPEC §9 "register"): links to
/// `/finish-signup?token=…&email=…`.
#[derive(Debug, Clone)]
pub struct VerifyEmail<'a> {
    /// The address being verified; the mail goes there.
    pub email: &'a str,
    /// The e-mail verification token.
    pub token: &'a str,
}

impl VerifyEmail<'_> {
    pub fn render(&self, vault: &Url, lang: Lang) -> Mail {
        let t = texts(lang);
        let args = [("email", self.email)];
        let url = link(
            vault,
            "finish-signup",
            &[("token", self.token), ("email", self.email)],
        );
        compose(
            MailKind::VerifyEmail,
            vault,
            lang,
            self.email,
            fill(t.verify_subject, &args),
            vec![
                Block::Heading(t.verify_heading.to_string()),
                Block::Paragraph(fill(t.verify_body, &args)),
                Block::Button {
                    label: t.verify_button.to_string(),
                    url,
                },
                Block::Note(t.verify_ignore.to_string()),
            ],
        )
    }
}

/// "Your Verification Code": a one-time code that proves the account holder again, in place of
/// the master password (the billing sync token dialog accepts either).
#[derive(Debug, Clone)]
pub struct VerificationCode<'a> {
    pub email: &'a str,
    pub code: &'a str,
    pub minutes: u32,
}

impl VerificationCode<'_> {
    pub fn render(&self, vault: &Url, lang: Lang) -> Mail {
        let t = texts(lang);
        let minutes = self.minutes.to_string();
        let args = [("code", self.code), ("minutes", minutes.as_str())];
        compose(
            MailKind::VerificationCode,
            vault,
            lang,
            self.email,
            t.code_subject.to_string(),
            vec![
                Block::Heading(fill(t.code_heading, &args)),
                Block::Paragraph(fill(t.code_body, &args)),
                Block::Note(t.code_ignore.to_string()),
            ],
        )
    }
}

/// "License Expired": the twice-daily validation disabled an organization (reference §5.6).
#[derive(Debug, Clone)]
pub struct LicenseExpired<'a> {
    pub billing_email: &'a str,
    pub organization_name: &'a str,
    pub reason: &'a str,
}

impl LicenseExpired<'_> {
    pub fn render(&self, vault: &Url, lang: Lang) -> Mail {
        let t = texts(lang);
        let args = [("org", self.organization_name), ("reason", self.reason)];
        compose(
            MailKind::LicenseExpired,
            vault,
            lang,
            self.billing_email,
            t.expired_subject.to_string(),
            vec![
                Block::Heading(fill(t.expired_heading, &args)),
                Block::Paragraph(fill(t.expired_body, &args)),
                Block::Paragraph(t.expired_action.to_string()),
            ],
        )
    }
}

/// "Your organization license expires in N days" (SPEC §12): to each owner of a self-hosted
/// organization 30, 7 and 1 days before the license's `Expires`, with a link to the
/// organization's subscription page.
#[derive(Debug, Clone)]
pub struct LicenseExpiring<'a> {
    pub email: &'a str,
    pub organization_id: Uuid,
    pub organization_name: &'a str,
    pub days_left: i64,
    /// `Expires`, as the owner reads it (YYYY-MM-DD, UTC).
    pub date: &'a str,
}

impl LicenseExpiring<'_> {
    pub fn render(&self, vault: &Url, lang: Lang) -> Mail {
        let t = texts(lang);
        let days = self.days_left.to_string();
        let args = [
            ("org", self.organization_name),
            ("days", days.as_str()),
            ("date", self.date),
        ];
        let path = format!(
            "organizations/{}/billing/subscription",
            self.organization_id
        );
        let url = link(vault, &path, &[]);
        compose(
            MailKind::LicenseExpiring,
            vault,
            lang,
            self.email,
            fill(t.expiring_subject, &args),
            vec![
                Block::Heading(fill(t.expiring_heading, &args)),
                Block::Paragraph(fill(t.expiring_body, &args)),
                Block::Paragraph(t.expiring_action.to_string()),
                Block::Button {
                    label: t.expiring_button.to_string(),
                    url,
                },
            ],
        )
        .sent_for(self.organization_id)
    }
}

/// The System Administrator Portal's login link (SPEC §9): `/admin/login/confirm?token=…`.
#[derive(Debug, Clone)]
pub struct AdminLogin<'a> {
    pub email: &'a str,
    pub token: &'a str,
    pub minutes: u32,
}

impl AdminLogin<'_> {
    pub fn render(&self, vault: &Url, lang: Lang) -> Mail {
        let t = texts(lang);
        let minutes = self.minutes.to_string();
        let args = [("minutes", minutes.as_str())];
        let url = link(vault, "admin/login/confirm", &[("token", self.token)]);
        compose(
            MailKind::AdminLogin,
            vault,
            lang,
            self.email,
            t.admin_subject.to_string(),
            vec![
                Block::Heading(t.admin_heading.to_string()),
                Block::Paragraph(fill(t.admin_body, &args)),
                Block::Button {
                    label: t.admin_button.to_string(),
                    url,
                },
                Block::Note(t.admin_ignore.to_string()),
            ],
        )
    }
}

/// "Accept your Sponsored Families Plan" (reference §4.3): links to
/// `/accept-families-for-enterprise?token=…&email=…`, with `&register=true` when no account
/// has the address yet.
#[derive(Debug, Clone)]
pub struct SponsorshipOffer<'a> {
    /// The sponsoring organization's name.
    pub organization_name: &'a str,
    /// The offered address; the mail goes there.
    pub email: &'a str,
    /// The signed offer token.
    pub token: &'a str,
    pub existing_account: bool,
}

impl SponsorshipOffer<'_> {
    pub fn render(&self, vault: &Url, lang: Lang) -> Mail {
        let t = texts(lang);
        let args = [("org", self.organization_name), ("email", self.email)];
        let mut params = vec![("token", self.token), ("email", self.email)];
        if !self.existing_account {
            params.push(("register", "true"));
        }
        let url = link(vault, "accept-families-for-enterprise", &params);
        let account = if self.existing_account {
            t.offer_existing_account
        } else {
            t.offer_new_account
        };
        compose(
            MailKind::SponsorshipOffer,
            vault,
            lang,
            self.email,
            t.offer_subject.to_string(),
            vec![
                Block::Heading(fill(t.offer_heading, &args)),
                Block::Paragraph(fill(t.offer_body, &args)),
                Block::Paragraph(fill(account, &args)),
                Block::Button {
                    label: t.offer_button.to_string(),
                    url,
                },
                Block::Note(t.offer_ignore.to_string()),
            ],
        )
    }
}

/// "Your Families Sponsorship was Removed" (reference §4.11 "Reverting"): to the Families
/// organization's billing address, with the last sponsored day.
#[derive(Debug, Clone)]
pub struct SponsorshipReverting<'a> {
    pub billing_email: &'a str,
    pub organization_name: &'a str,
    /// The last sponsored day, already formatted (`YYYY-MM-DD`).
    pub date: &'a str,
}

impl SponsorshipReverting<'_> {
    pub fn render(&self, vault: &Url, lang: Lang) -> Mail {
        let t = texts(lang);
        let args = [("org", self.organization_name), ("date", self.date)];
        compose(
            MailKind::SponsorshipReverting,
            vault,
            lang,
            self.billing_email,
            t.revert_subject.to_string(),
            vec![
                Block::Heading(fill(t.revert_heading, &args)),
                Block::Paragraph(fill(t.revert_body, &args)),
                Block::Paragraph(fill(t.revert_action, &args)),
            ],
        )
    }
}

fn compose(
    kind: MailKind,
    vault: &Url,
    lang: Lang,
    to: &str,
    subject: String,
    blocks: Vec<Block>,
) -> Mail {
    Mail {
        kind,
        organization: None,
        to: to.to_string(),
        text: render::text(lang, &blocks),
        html: render::html(lang, &subject, &blocks),
        subject,
        lang,
        origin_host: host_of(vault),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> Url {
        Url::parse("https://vault.example.com:8443/bw/").expect("url")
    }

    fn invite() -> OrganizationInvite<'static> {
        OrganizationInvite {
            organization_id: Uuid::from_u128(1),
            organization_user_id: Uuid::from_u128(2),
            organization_name: "Acme <script>alert(1)</script> & Co",
            email: "ann+test@example.com",
            token: "tok/en+with=odd&chars",
        }
    }

    const INVITE_LINK: &str = "https://vault.example.com:8443/bw/accept-organization?organizationId=00000000-0000-0000-0000-000000000001&organizationUserId=00000000-0000-0000-0000-000000000002&email=ann%2Btest%40example.com&token=tok%2Fen%2Bwith%3Dodd%26chars";

    #[test]
    fn invitation_in_english() {
        let mail = invite().render(&vault(), Lang::En);
        assert_eq!(mail.to, "ann+test@example.com");
        assert_eq!(
            mail.subject,
            "You have been invited to join Acme <script>alert(1)</script> & Co"
        );
        assert_eq!(mail.lang, Lang::En);
        assert_eq!(mail.origin_host, "vault.example.com");
        assert!(mail.text.contains(INVITE_LINK), "{}", mail.text);
        assert!(mail.text.contains("Accept invitation:\n"));
        // In HTML the link's `&` separators are escaped, and so is the organization's name.
        let html_link = INVITE_LINK.replace('&', "&amp;");
        assert!(
            mail.html.contains(&format!("href=\"{html_link}\"")),
            "{}",
            mail.html
        );
        assert!(!mail.html.contains("<script>"));
        assert!(
            mail.html
                .contains("Acme &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co")
        );
        assert!(mail.html.contains("<html lang=\"en\">"));
    }

    #[test]
    fn invitation_in_swedish() {
        let mail = invite().render(&vault(), Lang::Sv);
        assert!(
            mail.subject
                .starts_with("Du har bjudits in att gå med i Acme")
        );
        assert!(mail.text.contains("Acceptera inbjudan:\n"));
        assert!(mail.html.contains(">Acceptera inbjudan</a>"));
        assert!(mail.html.contains("<html lang=\"sv\">"));
        assert!(mail.text.contains(INVITE_LINK));
        assert!(!mail.html.contains("Accept invitation"));
    }

    #[test]
    fn verification_in_both_languages() {
        let verify = VerifyEmail {
            email: "bo@example.se",
            token: "abc.def",
        };
        let link =
            "https://vault.example.com:8443/bw/finish-signup?token=abc.def&email=bo%40example.se";
        let en = verify.render(&vault(), Lang::En);
        assert_eq!(en.subject, "Verify Your Email");
        assert_eq!(en.to, "bo@example.se");
        assert!(en.text.contains(link));
        assert!(en.html.contains(&link.replace('&', "&amp;")));
        assert!(en.html.contains(">Verify email</a>"));

        let sv = verify.render(&vault(), Lang::Sv);
        assert_eq!(sv.subject, "Verifiera din e-postadress");
        assert!(sv.text.contains("Verifiera e-postadress:\n"));
        assert!(sv.text.contains("slutföra skapandet av ditt konto"));
        assert!(sv.text.contains(link));
    }

    #[test]
    fn links_are_absolute() {
        let mail = invite().render(&Url::parse("http://127.0.0.1:9000").expect("url"), Lang::En);
        for line in mail.text.lines().filter(|line| line.contains("://")) {
            assert!(
                line.starts_with("http://127.0.0.1:9000/accept-organization?"),
                "{line}"
            );
        }
        assert!(!mail.html.contains("href=\"/"));
    }

    #[test]
    fn sponsorship_offer_in_both_languages() {
        let offer = SponsorshipOffer {
            organization_name: "Acme & Co",
            email: "kid+1@example.se",
            token: "a.b.c",
            existing_account: false,
        };
        let link = "https://vault.example.com:8443/bw/accept-families-for-enterprise?token=a.b.c&email=kid%2B1%40example.se&register=true";
        let en = offer.render(&vault(), Lang::En);
        assert_eq!(en.to, "kid+1@example.se");
        assert_eq!(en.subject, "Accept your Sponsored Families Plan");
        assert!(en.text.contains(link), "{}", en.text);
        assert!(
            en.text
                .contains("Acme & Co has sponsored a free Families plan for you!")
        );
        assert!(en.html.contains("Acme &amp; Co"));
        let sv = offer.render(&vault(), Lang::Sv);
        assert_eq!(sv.subject, "Acceptera din sponsrade Families-plan");
        assert!(sv.text.contains("Acceptera erbjudandet:\n"));
        assert!(sv.text.contains(link));

        let existing = SponsorshipOffer {
            existing_account: true,
            ..offer
        }
        .render(&vault(), Lang::En);
        assert!(!existing.text.contains("register=true"));
        assert!(
            existing
                .text
                .contains("accept-families-for-enterprise?token=a.b.c&email=kid%2B1%40example.se")
        );
    }

    #[test]
    fn sponsorship_reverting_names_the_last_day_in_both_languages() {
        let revert = SponsorshipReverting {
            billing_email: "family@example.se",
            organization_name: "The Smiths",
            date: "2027-11-25",
        };
        let en = revert.render(&vault(), Lang::En);
        assert_eq!(en.to, "family@example.se");
        assert_eq!(en.subject, "Your Families Sponsorship was Removed");
        assert!(
            en.text
                .contains("It will remain sponsored until 2027-11-25.")
        );
        let sv = revert.render(&vault(), Lang::Sv);
        assert_eq!(sv.subject, "Din Families-sponsring har tagits bort");
        assert!(sv.text.contains("till och med 2027-11-25"));
    }

    #[test]
    fn license_expiring_in_both_languages_links_the_subscription() {
        let notice = LicenseExpiring {
            email: "owner@example.com",
            organization_id: Uuid::from_u128(7),
            organization_name: "Acme & Co",
            days_left: 7,
            date: "2027-03-01",
        };
        let en = notice.render(&vault(), Lang::En);
        assert_eq!(en.kind, MailKind::LicenseExpiring);
        assert_eq!(en.to, "owner@example.com");
        assert_eq!(en.subject, "Your organization license expires in 7 day(s)");
        assert!(en.text.contains("on 2027-03-01 (UTC)"), "{}", en.text);
        assert!(
            en.text.contains(
                "https://vault.example.com:8443/bw/organizations/00000000-0000-0000-0000-000000000007/billing/subscription"
            ),
            "{}",
            en.text
        );
        assert!(en.html.contains("Acme &amp; Co"), "{}", en.html);
        let sv = notice.render(&vault(), Lang::Sv);
        assert_eq!(sv.subject, "Organisationslicensen går ut om 7 dag(ar)");
        assert!(sv.text.contains("Öppna prenumerationen"), "{}", sv.text);
    }
}
