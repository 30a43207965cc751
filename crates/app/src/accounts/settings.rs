//! The account's own settings: its language (pages and mails follow it) and the id of the user
//! key its client reports.

use kinwarden_mail::Lang;

use crate::records::UserRecord;
use crate::{App, AppError};

/// The culture new accounts get; an account that still has it has chosen nothing.
pub const DEFAULT_CULTURE: &str = "en-US";

/// The culture stored for a language chosen on the pages.
pub fn culture_of(lang: Lang) -> &'static str {
    match lang {
        Lang::Sv => "sv-SE",
        Lang::En => DEFAULT_CULTURE,
    }
}

/// Sets the account's language.
pub async fn set_language(app: &App, user: &UserRecord, lang: Lang) -> Result<(), AppError> {
    app.store
        .set_user_culture(user.id, culture_of(lang), app.clock.now_millis())
        .await?;
    Ok(())
}

/// Records the id of the user key the account's client uses (newer clients send it after
/// logging in).
pub async fn set_user_key_id(app: &App, user: &UserRecord, key_id: &str) -> Result<(), AppError> {
    if key_id.is_empty() || key_id.len() > 100 {
        return Err(AppError::field(
            "UserKeyId",
            "The UserKeyId field is required.",
        ));
    }
    app.store
        .set_user_key_id(user.id, key_id, app.clock.now_millis())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_is_stored_as_sv_se_and_anything_else_as_the_default() {
        assert_eq!(culture_of(Lang::Sv), "sv-SE");
        assert_eq!(culture_of(Lang::En), DEFAULT_CULTURE);
        assert_eq!(
            culture_of(Lang::from_tag("sv-FI").unwrap_or_default()),
            "sv-SE"
        );
    }
}
