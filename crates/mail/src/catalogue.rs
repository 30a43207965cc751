//! Every text of every e-mail, in English and Swedish (SPEC §7): one table per language, so a
//! translator reads one place and a missing translation is a compile error, not a blank line.
//!
//! Texts are plain text; `{name}` marks a value the message fills in (see `render::fill`). To add
//! a message, add its fields here for both languages and a type in `messages.rs`.

use crate::Lang;

pub(crate) struct Texts {
    /// Under every message.
    pub footer: &'static str,
    /// Above a button's link written out, for clients that do not show the button.
    pub link_fallback: &'static str,

    // Organization invitation. {org}: organization name; {email}: the invited address.
    pub invite_subject: &'static str,
    pub invite_heading: &'static str,
    pub invite_body: &'static str,
    pub invite_account: &'static str,
    pub invite_button: &'static str,
    pub invite_ignore: &'static str,

    // Registration e-mail verification. {email}: the address being verified.
    pub verify_subject: &'static str,
    pub verify_heading: &'static str,
    pub verify_body: &'static str,
    pub verify_button: &'static str,
    pub verify_ignore: &'static str,

    // One-time verification code. {code}: the code; {minutes}: how long it works.
    pub code_subject: &'static str,
    pub code_heading: &'static str,
    pub code_body: &'static str,
    pub code_ignore: &'static str,

    // License expired (self-hosted). {org}: organization name; {reason}: why it was disabled.
    pub expired_subject: &'static str,
    pub expired_heading: &'static str,
    pub expired_body: &'static str,
    pub expired_action: &'static str,

    // License expiring soon (self-hosted, SPEC §12). {org}: organization name; {days}: whole
    // days left; {date}: the license's `Expires` (YYYY-MM-DD, UTC).
    pub expiring_subject: &'static str,
    pub expiring_heading: &'static str,
    pub expiring_body: &'static str,
    pub expiring_action: &'static str,
    pub expiring_button: &'static str,

    // System Administrator Portal login link. {minutes}: how long it works.
    pub admin_subject: &'static str,
    pub admin_heading: &'static str,
    pub admin_body: &'static str,
    pub admin_button: &'static str,
    pub admin_ignore: &'static str,

    // Families sponsorship offer (reference §4.3). {org}: the sponsoring organization's name;
    // {email}: the offered address.
    pub offer_subject: &'static str,
    pub offer_heading: &'static str,
    pub offer_body: &'static str,
    pub offer_existing_account: &'static str,
    pub offer_new_account: &'static str,
    pub offer_button: &'static str,
    pub offer_ignore: &'static str,

    // A Families sponsorship ends (reference §4.11 "Reverting"). {org}: the Families
    // organization; {date}: its last sponsored day.
    pub revert_subject: &'static str,
    pub revert_heading: &'static str,
    pub revert_body: &'static str,
    pub revert_action: &'static str,
}

pub(crate) fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &EN,
        Lang::Sv => &SV,
    }
}

static EN: Texts = Texts {
    footer: "This message was sent by Kinwarden.",
    link_fallback: "If the button does not work, copy this link into your browser:",

    invite_subject: "You have been invited to join {org}",
    invite_heading: "Join {org}",
    invite_body: "{org} has invited you to join their organization on Bitwarden, to share passwords and other items with its members.",
    invite_account: "Log in, or create an account, with {email} to accept the invitation.",
    invite_button: "Accept invitation",
    invite_ignore: "If you did not expect this invitation, you can ignore this e-mail.",

    verify_subject: "Verify Your Email",
    verify_heading: "Verify your e-mail address",
    verify_body: "Verify {email} to finish creating your account.",
    verify_button: "Verify email",
    verify_ignore: "If you did not ask to create an account, you can ignore this e-mail.",

    code_subject: "Your Verification Code",
    code_heading: "Your verification code is {code}",
    code_body: "Enter this code to confirm it is you. It works once, for {minutes} minutes.",
    code_ignore: "If you did not ask for a code, someone may know your session: change your master password.",

    expired_subject: "License Expired",
    expired_heading: "The license of {org} has expired",
    expired_body: "Your organization license for {org} is no longer valid ({reason}), so the organization has been disabled on this server.",
    expired_action: "Download a new license from the cloud organization and upload it in Billing → Subscription, or select Sync license if billing sync is set up.",

    expiring_subject: "Your organization license expires in {days} day(s)",
    expiring_heading: "The license of {org} expires on {date}",
    expiring_body: "The organization license of {org} on this server ends in {days} day(s), on {date} (UTC). After that day the organization is disabled until a new license is applied.",
    expiring_action: "Renew the subscription of the cloud organization, then select Sync license in Billing → Subscription, or download the new license there and upload it.",
    expiring_button: "Open the subscription",

    admin_subject: "System Administrator Portal login",
    admin_heading: "Log in to the System Administrator Portal",
    admin_body: "Use this link within {minutes} minutes. It works once.",
    admin_button: "Continue to the Portal",
    admin_ignore: "If you did not ask to log in, you can ignore this e-mail.",

    offer_subject: "Accept your Sponsored Families Plan",
    offer_heading: "A free Families plan from {org}",
    offer_body: "{org} has sponsored a free Families plan for you!",
    offer_existing_account: "Accept the offer to activate your complimentary plan: log in with {email}.",
    offer_new_account: "To accept the offer, create a Bitwarden account with your personal e-mail {email} and activate your complimentary plan.",
    offer_button: "Accept offer",
    offer_ignore: "If you did not expect this offer, you can ignore this e-mail.",

    revert_subject: "Your Families Sponsorship was Removed",
    revert_heading: "The sponsorship of {org} is ending",
    revert_body: "The Families plan of {org} is no longer sponsored. It will remain sponsored until {date}.",
    revert_action: "To keep using {org} after that day, its owner pays for the Families plan; otherwise the organization is disabled.",
};

static SV: Texts = Texts {
    footer: "Det här meddelandet skickades av Kinwarden.",
    link_fallback: "Om knappen inte fungerar kan du kopiera den här länken till din webbläsare:",

    invite_subject: "Du har bjudits in att gå med i {org}",
    invite_heading: "Gå med i {org}",
    invite_body: "{org} har bjudit in dig till sin organisation i Bitwarden, för att dela lösenord och andra objekt med dess medlemmar.",
    invite_account: "Logga in, eller skapa ett konto, med {email} för att acceptera inbjudan.",
    invite_button: "Acceptera inbjudan",
    invite_ignore: "Om du inte väntade dig den här inbjudan kan du bortse från det här e-postmeddelandet.",

    verify_subject: "Verifiera din e-postadress",
    verify_heading: "Verifiera din e-postadress",
    verify_body: "Verifiera {email} för att slutföra skapandet av ditt konto.",
    verify_button: "Verifiera e-postadress",
    verify_ignore: "Om du inte har bett om att skapa ett konto kan du bortse från det här e-postmeddelandet.",

    code_subject: "Din verifieringskod",
    code_heading: "Din verifieringskod är {code}",
    code_body: "Ange koden för att bekräfta att det är du. Den fungerar en gång, i {minutes} minuter.",
    code_ignore: "Om du inte har bett om en kod kan någon känna till din session: byt ditt huvudlösenord.",

    expired_subject: "Licensen har gått ut",
    expired_heading: "Licensen för {org} har gått ut",
    expired_body: "Organisationslicensen för {org} gäller inte längre ({reason}), så organisationen har inaktiverats på den här servern.",
    expired_action: "Hämta en ny licens från molnorganisationen och ladda upp den under Fakturering → Prenumeration, eller välj Synkronisera licens om faktureringssynkronisering är inställd.",

    expiring_subject: "Organisationslicensen går ut om {days} dag(ar)",
    expiring_heading: "Licensen för {org} går ut {date}",
    expiring_body: "Organisationslicensen för {org} på den här servern upphör om {days} dag(ar), den {date} (UTC). Efter den dagen inaktiveras organisationen tills en ny licens används.",
    expiring_action: "Förnya molnorganisationens prenumeration och välj sedan Synkronisera licens under Fakturering → Prenumeration, eller hämta den nya licensen där och ladda upp den.",
    expiring_button: "Öppna prenumerationen",

    admin_subject: "Inloggning till systemadministratörsportalen",
    admin_heading: "Logga in i systemadministratörsportalen",
    admin_body: "Använd länken inom {minutes} minuter. Den fungerar en gång.",
    admin_button: "Fortsätt till portalen",
    admin_ignore: "Om du inte har bett om att logga in kan du bortse från det här e-postmeddelandet.",

    offer_subject: "Acceptera din sponsrade Families-plan",
    offer_heading: "En kostnadsfri Families-plan från {org}",
    offer_body: "{org} har sponsrat en kostnadsfri Families-plan åt dig!",
    offer_existing_account: "Acceptera erbjudandet för att aktivera din kostnadsfria plan: logga in med {email}.",
    offer_new_account: "För att acceptera erbjudandet skapar du ett Bitwarden-konto med din privata e-postadress {email} och aktiverar din kostnadsfria plan.",
    offer_button: "Acceptera erbjudandet",
    offer_ignore: "Om du inte väntade dig det här erbjudandet kan du bortse från det här e-postmeddelandet.",

    revert_subject: "Din Families-sponsring har tagits bort",
    revert_heading: "Sponsringen av {org} upphör",
    revert_body: "Families-planen för {org} sponsras inte längre. Den förblir sponsrad till och med {date}.",
    revert_action: "För att fortsätta använda {org} efter den dagen betalar ägaren för Families-planen; annars inaktiveras organisationen.",
};
