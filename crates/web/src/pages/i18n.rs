//! The pages' texts in English and Swedish (SPEC §7), in one place. Each text is one line of the
//! table below with both languages, so a missing translation does not compile; the seed's labels
//! are used exactly in English, with the seed's casing.

use kinwarden_mail::Lang;

macro_rules! texts {
    ($($field:ident: $en:expr, $sv:expr;)*) => {
        /// Every text a page shows, in one language.
        pub struct Texts {
            $(pub $field: &'static str,)*
        }

        pub static EN: Texts = Texts { $($field: $en,)* };
        pub static SV: Texts = Texts { $($field: $sv,)* };

        #[cfg(test)]
        fn every(texts: &Texts) -> Vec<(&'static str, &'static str)> {
            vec![$((stringify!($field), texts.$field),)*]
        }
    };
}

texts! {
    // System Administrator Portal
    portal_title: "System Administrator Portal", "Systemadministratörsportalen";
    portal_link_sent: "If this address may use the Portal, a login link is on its way to it. The link works once, for 15 minutes.",
        "Om adressen får använda portalen är en inloggningslänk på väg dit. Länken fungerar en gång, i 15 minuter.";
    portal_new_link: "Ask for a new link", "Be om en ny länk";
    mail_limited: "Too many e-mails were asked for this address or from this network. Try again later.",
        "För många e-postmeddelanden har begärts till den här adressen eller från det här nätverket. Försök igen senare.";
    portal_continue_desc: "Select Continue to open the Portal in this browser.", "Välj Fortsätt för att öppna portalen i den här webbläsaren.";
    portal_search_label: "Search by name, id or owner e-mail", "Sök på namn, id eller ägarens e-postadress";
    portal_search: "Search", "Sök";
    portal_name: "Name", "Namn";
    portal_id: "Id", "Id";
    portal_enabled: "Enabled", "Aktiverad";
    portal_owners: "Owners", "Ägare";
    portal_yes: "Yes", "Ja";
    portal_no: "No", "Nej";
    portal_no_match: "No organization matches.", "Ingen organisation matchar.";
    portal_save_terms: "Save terms", "Spara villkoren";
    portal_expiration: "Expiration", "Utgångsdatum";
    portal_record_payment: "Record a payment", "Registrera en betalning";
    portal_from: "From", "Från";
    portal_until: "Until", "Till";
    portal_record_payment_button: "Record payment", "Registrera betalningen";
    portal_ledger: "Ledger", "Huvudbok";
    portal_entry: "Entry", "Post";
    portal_recorded_by: "Recorded by", "Registrerad av";
    portal_no_entries: "No entries.", "Inga poster.";
    portal_connections: "Connections", "Anslutningar";
    portal_billing_sync: "Billing sync", "Faktureringssynkronisering";
    portal_cloud_org: "Cloud organization", "Molnorganisation";
    portal_no_connection: "No billing sync connection. The organization's owner sets it up in the Admin Console: Billing → Subscription → Manage billing sync.",
        "Ingen anslutning för faktureringssynkronisering. Organisationens ägare ställer in den i administratörskonsolen: Fakturering → Prenumeration → Hantera faktureringssynkronisering.";
    portal_next_run: "Next run", "Nästa körning";
    portal_manually_sync: "Manually Sync", "Synkronisera manuellt";
    portal_families: "Families sponsorships", "Families-sponsringar";
    portal_offered_to: "Offered to", "Erbjuden till";
    portal_skipped: "Skipped by the cloud", "Överhoppad av molnet";
    portal_no_offers: "No member has offered a Families sponsorship.", "Ingen medlem har erbjudit en Families-sponsring.";
    portal_pending_removal: "Pending removal", "Väntar på borttagning";
    portal_exchanges: "Recent exchanges with the cloud", "Senaste utbytena med molnet";
    portal_when: "When", "När";
    portal_what: "What", "Vad";
    portal_started_by: "Started by", "Startad av";
    portal_result: "Result", "Resultat";
    portal_nothing_recorded: "Nothing recorded yet.", "Inget registrerat ännu.";
    portal_none: "none", "inget";
    portal_succeeded: "succeeded", "lyckades";
    portal_failed: "failed", "misslyckades";

    // Layout
    site_name: "Kinwarden", "Kinwarden";
    nav_organizations: "Organizations", "Organisationer";
    nav_sponsored_families: "Free Bitwarden Families", "Gratis Bitwarden Familjer";
    nav_settings: "Account settings", "Kontoinställningar";
    log_out: "Log out", "Logga ut";
    language: "Language", "Språk";
    needs_javascript: "This form needs JavaScript: your master password is turned into keys in your browser and is never sent.",
        "Det här formuläret behöver JavaScript: ditt huvudlösenord görs om till nycklar i din webbläsare och skickas aldrig.";
    error_occurred: "An error has occurred.", "Ett fel har inträffat.";
    not_found: "This page does not exist, or you may not see it.", "Sidan finns inte, eller så får du inte se den.";
    submit: "Submit", "Skicka";
    save: "Save", "Spara";
    continue_label: "Continue", "Fortsätt";
    remove: "Remove", "Ta bort";
    options: "Options", "Alternativ";
    never: "Never", "Aldrig";
    // Log in and register
    log_in: "Log in", "Logga in";
    log_in_with_master_password: "Log in with master password", "Logga in med huvudlösenord";
    email: "Email address", "E-postadress";
    master_password: "Master password", "Huvudlösenord";
    retype_master_password: "Re-type master password", "Ange huvudlösenordet igen";
    master_password_desc: "The master password is the password you use to access your vault. Do not forget it: there is no way to recover it.",
        "Huvudlösenordet är lösenordet du använder för att komma åt ditt valv. Glöm det inte: det går inte att återställa.";
    password_too_short: "Master password must be at least 12 characters long.", "Huvudlösenordet måste vara minst 12 tecken långt.";
    passwords_differ: "Master password confirmation does not match.", "Bekräftelsen av huvudlösenordet stämmer inte.";
    create_account: "Create account", "Skapa konto";
    new_here: "New around here?", "Ny här?";
    have_account: "Already have an account?", "Har du redan ett konto?";
    wrong_password: "Username or password is incorrect. Try again.", "Användarnamnet eller lösenordet är felaktigt. Försök igen.";
    too_many_attempts: "Too many login attempts. Try again later.", "För många inloggningsförsök. Försök igen senare.";
    check_email: "Check your email: follow the link we sent to finish creating your account.",
        "Kontrollera din e-post: följ länken vi skickade för att slutföra skapandet av ditt konto.";
    sponsored_login_desc: "You've been offered a free Bitwarden Families Plan Organization. To continue, you need to log into the account that received the offer.",
        "Du har erbjudits en gratis organisation med Bitwarden Families. För att fortsätta måste du logga in på kontot som fick erbjudandet.";
    // Organizations
    organizations: "Organizations", "Organisationer";
    no_organizations: "You are not a member of any organization yet.", "Du är inte medlem i någon organisation än.";
    new_organization: "New organization", "Ny organisation";
    organization_name: "Organization name", "Organisationsnamn";
    billing_email: "Billing email", "E-postadress för fakturering";
    plan: "Plan", "Plan";
    seats: "Seats", "Platser";
    members: "Members", "Medlemmar";
    billing: "Billing", "Fakturering";
    upload_license_file_org: "To create an on-premises hosted organization you need to upload a valid license file.",
        "För att skapa en organisation på egen server måste du ladda upp en giltig licensfil.";
    license_file: "License file", "Licensfil";
    license_file_desc: "Your license file will be named something like bitwarden_organization_license.json",
        "Din licensfil kommer namnges i stil med bitwarden_organization_license.json";
    default_collection: "Default collection", "Standardsamling";
    // Billing → Subscription (cloud)
    subscription: "Subscription", "Prenumeration";
    status: "Status", "Status";
    active: "Active", "Aktiv";
    disabled: "Disabled", "Inaktiverad";
    subscription_period: "Subscription period", "Prenumerationsperiod";
    subscription_expiration: "Subscription expiration", "Förfallodatum för prenumeration";
    never_expires: "Never expires", "Upphör aldrig";
    self_hosting: "Self-hosting", "Egen server";
    self_hosting_desc: "To host Bitwarden on your own server, you will need to upload your license file. To support Free Families plans and advanced billing capabilities for your self-hosted organization, you will need to set up automatic sync in your self-hosted organization.",
        "För att köra Bitwarden på din egen server måste du ladda upp din licensfil. För gratis Families-planer och avancerad fakturering i din organisation på egen server måste du ställa in automatisk synkronisering där.";
    download_license: "Download license", "Hämta licens";
    enter_installation_id: "Enter your installation id", "Ange ditt installations-id";
    set_up_billing_sync: "Set up billing sync", "Ställ in faktureringssynkronisering";
    view_token: "View token", "Visa token";
    generate_billing_token: "Generate billing token", "Generera faktureringstoken";
    confirm_identity: "Confirm your identity to continue.", "Bekräfta din identitet för att fortsätta.";
    generate_token: "Generate token", "Generera token";
    copy_paste_billing_sync: "Copy and paste this token into the billing sync settings of your self-hosted organization.",
        "Kopiera och klistra in denna token i inställningarna för faktureringssynkronisering i din organisation på egen server.";
    billing_sync_token: "Billing sync token", "Token för fakturasynkronisering";
    copy_value: "Copy value", "Kopiera värde";
    value_copied: "Billing sync token copied", "Token för fakturasynkronisering kopierades";
    rotate_token: "Rotate token", "Rotera token";
    rotate_warning: "Rotating the billing sync token will invalidate the previous token. If you proceed, you will need to set up billing sync again on your self-hosted server.",
        "Om du roterar token för fakturasynkronisering slutar den tidigare token att gälla. Om du fortsätter måste du ställa in faktureringssynkronisering igen på din server.";
    token_rotated: "Token rotated", "Token roterad";
    last_sync: "Last sync", "Senaste synkronisering";
    // Billing → Subscription (self-hosted)
    last_license_sync: "Last license sync", "Senaste synkronisering av licens";
    grace_period_end: "Grace period ends", "Respitperioden slutar";
    self_host_grace_period_help: "After the paid period ends, you have 60 days to apply an updated license file. The grace period ends on {date}.",
        "När den betalda perioden har slutat har du 60 dagar på dig att använda en uppdaterad licensfil. Respitperioden slutar {date}.";
    license_in_grace: "The paid period of this license has ended. The organization stays enabled for {days} more day(s), until {date}: renew the subscription in the cloud, then select Sync license or upload the new license file.",
        "Licensens betalda period har slutat. Organisationen förblir aktiverad i {days} dag(ar) till, fram till {date}: förnya prenumerationen i molnet och välj sedan Synkronisera licens eller ladda upp den nya licensfilen.";
    license_expires_soon: "This license expires in {days} day(s), on {date}. Renew the subscription in the cloud, then select Sync license or upload the new license file.",
        "Licensen går ut om {days} dag(ar), den {date}. Förnya prenumerationen i molnet och välj sedan Synkronisera licens eller ladda upp den nya licensfilen.";
    license_has_expired: "This license expired on {date}: the organization is disabled until a new license is applied.",
        "Licensen gick ut {date}: organisationen är inaktiverad tills en ny licens används.";
    last_license_sync_attempt: "Last license sync attempt", "Senaste försök att synkronisera licensen";
    license_sync_by_owner: "by an owner", "av en ägare";
    license_sync_by_job: "automatic refresh", "automatisk förnyelse";
    license_sync_succeeded: "succeeded", "lyckades";
    license_sync_failed: "failed", "misslyckades";
    license_and_billing_management: "License and billing management", "Licens- och faktureringshantering";
    automatic_sync: "Automatic sync", "Automatisk synkronisering";
    automatic_sync_desc: "Automatic sync unlocks Families sponsorships and allows you to sync your license without uploading a file. After making updates in the Bitwarden cloud server, select Sync license to apply changes.",
        "Automatisk synkronisering låser upp Families-sponsring och låter dig synkronisera licensen utan att ladda upp en fil. När du har gjort ändringar i molnet väljer du Synkronisera licens för att tillämpa dem.";
    cloud_communication_off: "Cloud communication is off on this server: set globalSettings__enableCloudCommunication=true and restart it.",
        "Molnkommunikation är avstängd på den här servern: sätt globalSettings__enableCloudCommunication=true och starta om den.";
    manage_billing_sync: "Manage billing sync", "Hantera faktureringssynkronisering";
    billing_sync_key_desc: "A billing sync token from your cloud organization's subscription settings is required to complete this form.",
        "En token för fakturasynkronisering från molnorganisationens prenumerationsinställningar krävs för att fylla i formuläret.";
    billing_sync_saved: "Billing sync token saved: the cloud accepted it.", "Token för fakturasynkronisering sparad: molnet godkände den.";
    sync_license: "Sync license", "Synkronisera licens";
    license_sync_success: "Successfully synced license", "Framgångsrik synkronisering av licens";
    manual_upload: "Manual upload", "Manuell uppladdning";
    manual_upload_desc: "If you do not want to opt into billing sync, manually upload your license here. This will not automatically unlock Families sponsorships.",
        "Om du inte vill använda faktureringssynkronisering laddar du upp licensen manuellt här. Det låser inte upp Families-sponsring.";
    upload_license: "Upload license", "Ladda upp licens";
    license_upload_success: "Successfully uploaded license", "Lyckades ladda upp licens";
    sponsorship_sync: "Sponsorship sync", "Synkronisering av sponsring";
    last_attempt: "Last attempt", "Senaste försök";
    last_success: "Last successful sync", "Senaste lyckade synkronisering";
    next_sync: "Next sync", "Nästa synkronisering";
    last_error: "Last error", "Senaste fel";
    // Members
    invite_member: "Invite member", "Bjud in medlem";
    invite: "Invite", "Bjud in";
    role: "Role", "Roll";
    role_owner: "Owner", "Ägare";
    role_admin: "Admin", "Administratör";
    role_user: "User", "Användare";
    role_custom: "Custom", "Anpassad";
    status_invited: "Invited", "Inbjuden";
    status_accepted: "Accepted", "Accepterad";
    status_confirmed: "Confirmed", "Bekräftad";
    status_revoked: "Revoked", "Återkallad";
    confirm: "Confirm", "Bekräfta";
    confirm_member_desc: "Confirming gives the member the organization key, wrapped in your browser for their public key.",
        "Att bekräfta ger medlemmen organisationens nyckel, krypterad i din webbläsare för medlemmens publika nyckel.";
    invitation_sent: "Invitation sent", "Inbjudan skickad";
    member_confirmed: "Member confirmed", "Medlemmen bekräftades";
    member_removed: "Member removed", "Medlemmen togs bort";
    role_saved: "Role saved", "Rollen sparades";
    invitation_accepted: "You joined the organization. An owner or admin will confirm you.", "Du gick med i organisationen. En ägare eller administratör bekräftar dig.";
    invite_accept_failed: "Unable to accept invitation. Ask an organization admin to send a new invitation.",
        "Det gick inte att acceptera inbjudan. Be en organisationsadministratör att skicka en ny inbjudan.";
    groups: "Groups", "Grupper";
    edit_access: "Collections and groups", "Samlingar och grupper";
    edit_access_desc: "Collection access set here is the member's own; access through a group comes with the group.",
        "Åtkomst till samlingar som ställs in här är medlemmens egen; åtkomst via en grupp följer med gruppen.";
    access_saved: "Access saved", "Åtkomsten sparades";
    choose_from_list: "Choose from the lists on the page.", "Välj i listorna på sidan.";
    // Collections (names are encrypted: shown by external id or id)
    collections: "Collections", "Samlingar";
    collection: "Collection", "Samling";
    collections_encrypted_desc: "Collection names are encrypted with the organization's key, which this server never holds, so each collection shows here by its external id, or else by the start of its id. Create and rename collections in a client: the web vault, or bw create org-collection and bw edit org-collection.",
        "Samlingarnas namn är krypterade med organisationens nyckel, som den här servern aldrig har, så varje samling visas här med sitt externa id, annars med början av sitt id. Skapa och byt namn på samlingar i en klient: webbvalvet, eller bw create org-collection och bw edit org-collection.";
    no_collections: "The organization has no collections yet.", "Organisationen har inga samlingar än.";
    external_id: "External ID", "Externt ID";
    items: "Items", "Objekt";
    access: "Access", "Åtkomst";
    member_or_group: "Member or group", "Medlem eller grupp";
    member: "Member", "Medlem";
    group: "Group", "Grupp";
    nobody_assigned: "Nobody is assigned to this collection.", "Ingen är tilldelad den här samlingen.";
    give_access: "Give access", "Ge åtkomst";
    can_view: "Can view", "Kan visa";
    can_view_except_passwords: "Can view, except passwords", "Kan visa, förutom lösenord";
    can_edit: "Can edit", "Kan redigera";
    can_edit_except_passwords: "Can edit, except passwords", "Kan redigera, förutom lösenord";
    can_manage: "Can manage", "Kan hantera";
    no_access: "No access", "Ingen åtkomst";
    access_removed: "Access removed", "Åtkomsten togs bort";
    delete_collection: "Delete collection", "Radera samlingen";
    delete_collection_desc: "The collection and everyone's access to it go; its items stay in the organization.",
        "Samlingen och allas åtkomst till den försvinner; dess objekt stannar kvar i organisationen.";
    delete_collection_confirm: "Yes, delete this collection", "Ja, radera den här samlingen";
    delete: "Delete", "Radera";
    collection_deleted: "Collection deleted", "Samlingen raderades";
    confirm_delete_needed: "Tick the box to confirm the deletion.", "Kryssa i rutan för att bekräfta borttagningen.";
    collection_refused: "This collection does not exist, or you may not change it.", "Samlingen finns inte, eller så får du inte ändra den.";
    // Free Bitwarden Families (the sponsoring member)
    sponsored_families: "Free Bitwarden Families", "Gratis Bitwarden Familjer";
    sponsored_families_eligible: "You and your family are eligible for Free Bitwarden Families. Redeem with your personal email to keep your data secure even when you are not at work.",
        "Du och din familj har rätt till gratis Bitwarden Familjer. Lös in med din personliga e-post för att skydda dina data även när du inte är på jobbet.";
    families_include: "The Bitwarden for Families plan includes", "Bitwarden for Families-planen omfattar";
    premium_access: "Premium access for up to 6 users", "Premiumåtkomst för upp till 6 användare";
    shared_collections: "Shared collections for family members", "Delade samlingar för familjemedlemmar";
    sponsoring_org_select: "Which Free Families offer would you like to redeem?", "Vilket Free Families-erbjudande skulle du vilja utnyttja?";
    sponsored_email: "Enter your personal email to redeem Bitwarden Families", "Ange din personliga e-postadress för att lösa in Bitwarden Families";
    friendly_name: "Friendly name", "Visningsnamn";
    redeem: "Redeem", "Lös in";
    recipient: "Recipient", "Mottagare";
    sponsoring_org: "Sponsoring organization", "Sponsrande organisation";
    awaiting_sync: "Awaiting Sync", "Väntar på synkronisering";
    sent: "Sent", "Skickat";
    active_until: "Active until", "Aktiv till";
    removed_awaiting_sync: "Removed (awaiting sync)", "Borttagen (i väntan på synkronisering)";
    expires: "Expires", "Upphör";
    skipped_by_cloud: "The cloud did not take this offer at the last sync:", "Molnet tog inte emot erbjudandet vid senaste synkroniseringen:";
    skip_wrong_plan_tier: "the organization's plan cannot sponsor Families plans", "organisationens plan kan inte sponsra Families-planer";
    skip_sponsor_disabled: "the organization has been disabled on the cloud for more than 93 days", "organisationen har varit inaktiverad i molnet i mer än 93 dagar";
    skip_deleted_before_sync: "it was removed before the cloud heard of it", "det togs bort innan molnet fick veta om det";
    sponsorship_created: "Sponsorship created", "Sponsring skapad";
    reclaimed_free_plan: "Reclaimed free plan", "Återvunnen fri planlösning";
    leave_copy: "If you remove an offer or are removed from the sponsoring organization, your Families sponsorship will expire at the next renewal date.",
        "Om du tar bort ett erbjudande eller tas bort från den sponsrande organisationen upphör Families-sponsringen vid nästa förnyelsedatum.";
    no_sponsorship_available: "None of your organizations offers Free Bitwarden Families right now.",
        "Ingen av dina organisationer erbjuder gratis Bitwarden Familjer just nu.";
    cannot_sponsor_self: "You cannot redeem for the active account. Enter a different email.",
        "Du kan inte lösa in för det aktiva kontot. Ange en annan e-postadress.";
    // Redemption (cloud)
    sponsored_families_offer: "Accept Free Bitwarden Families", "Acceptera gratis Bitwarden Familjer";
    accept_help: "Accept offer for an existing organization or create a new Families organization.",
        "Acceptera erbjudandet för en befintlig organisation eller skapa en ny Families-organisation.";
    select_sponsored_org: "Select the organization you would like sponsored", "Välj den organisation som du vill sponsra";
    new_families_org: "New Families organization", "Ny Families-organisation";
    accept_offer: "Accept offer", "Acceptera erbjudandet";
    bad_token: "The link is no longer valid. Please have the sponsor resend the offer.",
        "Länken är inte längre giltig. Be sponsorn att skicka erbjudandet igen.";
    offer_redeemed: "Free Bitwarden Families offer successfully redeemed", "Gratis Bitwarden Families-erbjudande framgångsrikt inlöst";
    free_with_sponsorship: "FREE with sponsorship", "GRATIS med sponsring";
    wrong_account: "This offer was sent to another email address. Log out and log in with that address.",
        "Erbjudandet skickades till en annan e-postadress. Logga ut och logga in med den adressen.";
    // Host page (cloud)
    host_title: "Self-host Bitwarden", "Kör Bitwarden på egen server";
    host_desc: "Enter your email address to get an installation id and key for your server.",
        "Ange din e-postadress för att få ett installations-id och en nyckel till din server.";
    get_installation: "Get installation id", "Hämta installations-id";
    installation_id: "Installation id", "Installations-id";
    installation_key: "Installation key", "Installationsnyckel";
    region: "Data region", "Dataregion";
    env_lines_desc: "Paste these lines into bwdata/env/global.override.env and restart the server. Keep the key secret: it is shown only once.",
        "Klistra in raderna i bwdata/env/global.override.env och starta om servern. Håll nyckeln hemlig: den visas bara en gång.";
}

/// The texts of a language.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &EN,
        Lang::Sv => &SV,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words that are the same in both languages.
    const SAME: [&str; 4] = ["site_name", "plan", "status", "portal_id"];

    #[test]
    fn every_swedish_text_is_there_and_translated() {
        let english = every(&EN);
        let swedish = every(&SV);
        assert_eq!(english.len(), swedish.len());
        for ((field, en), (_, sv)) in english.iter().zip(&swedish) {
            assert!(!sv.trim().is_empty(), "{field} has no Swedish text");
            assert!(!en.trim().is_empty(), "{field} has no English text");
            if !SAME.contains(field) {
                assert_ne!(en, sv, "{field} is not translated");
            }
        }
    }

    #[test]
    fn the_seed_labels_keep_their_english_casing() {
        assert_eq!(EN.set_up_billing_sync, "Set up billing sync");
        assert_eq!(EN.generate_token, "Generate token");
        assert_eq!(EN.manage_billing_sync, "Manage billing sync");
        assert_eq!(EN.automatic_sync, "Automatic sync");
        assert_eq!(EN.sync_license, "Sync license");
        assert_eq!(EN.awaiting_sync, "Awaiting Sync");
    }
}
