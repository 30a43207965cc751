//! The access levels the pages offer for a collection, as Bitwarden's web vault names them: the
//! five combinations of `readOnly`, `hidePasswords` and `manage` a client can choose, each with
//! its form value and its label.

use kinwarden_core::vault::collections::Access;

use super::i18n::Texts;

/// A form's value for "no access" (the member page's lists, the Collections page's Remove).
pub const NONE: &str = "none";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    View,
    ViewExceptPasswords,
    Edit,
    EditExceptPasswords,
    Manage,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::View,
        Level::ViewExceptPasswords,
        Level::Edit,
        Level::EditExceptPasswords,
        Level::Manage,
    ];

    /// The level a stored assignment shows as; `manage` wins over flags a client may have sent
    /// with it (the reference stores a member's as sent).
    pub fn of(access: Access) -> Self {
        match (access.manage, access.read_only, access.hide_passwords) {
            (true, _, _) => Self::Manage,
            (false, true, false) => Self::View,
            (false, true, true) => Self::ViewExceptPasswords,
            (false, false, false) => Self::Edit,
            (false, false, true) => Self::EditExceptPasswords,
        }
    }

    pub fn access(self) -> Access {
        let (read_only, hide_passwords, manage) = match self {
            Self::View => (true, false, false),
            Self::ViewExceptPasswords => (true, true, false),
            Self::Edit => (false, false, false),
            Self::EditExceptPasswords => (false, true, false),
            Self::Manage => (false, false, true),
        };
        Access {
            read_only,
            hide_passwords,
            manage,
        }
    }

    pub fn value(self) -> &'static str {
        match self {
            Self::View => "view",
            Self::ViewExceptPasswords => "view-except-passwords",
            Self::Edit => "edit",
            Self::EditExceptPasswords => "edit-except-passwords",
            Self::Manage => "manage",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|level| level.value() == value)
    }

    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Self::View => t.can_view,
            Self::ViewExceptPasswords => t.can_view_except_passwords,
            Self::Edit => t.can_edit,
            Self::EditExceptPasswords => t.can_edit_except_passwords,
            Self::Manage => t.can_manage,
        }
    }
}

/// A form's answer: a level, or no access (`None`); anything else is not one of the lists'.
pub fn parse_choice(value: &str) -> Option<Option<Access>> {
    if value == NONE {
        Some(None)
    } else {
        Level::parse(value).map(|level| Some(level.access()))
    }
}

/// One `<option>` of a level list.
pub struct LevelOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// The options of a level list with `current` selected; `with_none` adds "No access" first
/// (selected when there is no current level).
pub fn options(t: &Texts, current: Option<Access>, with_none: bool) -> Vec<LevelOption> {
    let chosen = current.map(Level::of);
    let none = with_none.then(|| LevelOption {
        value: NONE,
        label: t.no_access,
        selected: chosen.is_none(),
    });
    none.into_iter()
        .chain(Level::ALL.into_iter().map(|level| LevelOption {
            value: level.value(),
            label: level.label(t),
            selected: chosen == Some(level),
        }))
        .collect()
}

/// How a collection is named on the pages: its external id when it has one, else the start of
/// its id (the name is encrypted, see `members::collection_access`).
pub fn collection_label(t: &Texts, id: &str, external_id: Option<&str>) -> String {
    match external_id.map(str::trim).filter(|text| !text.is_empty()) {
        Some(external) => external.to_string(),
        None => format!(
            "{} {}",
            t.collection,
            id.chars().take(8).collect::<String>()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::i18n::{EN, SV};

    #[test]
    fn every_level_reads_back_as_itself() {
        for level in Level::ALL {
            assert_eq!(Level::of(level.access()), level);
            assert_eq!(Level::parse(level.value()), Some(level));
            assert_ne!(level.label(&EN), level.label(&SV));
        }
        assert_eq!(parse_choice(NONE), Some(None));
        assert_eq!(parse_choice("manage"), Some(Some(Access::MANAGE)));
        assert_eq!(parse_choice("owner"), None);
        // A member's manage stored with other flags still shows as manage.
        let odd = Access {
            read_only: true,
            hide_passwords: true,
            manage: true,
        };
        assert_eq!(Level::of(odd), Level::Manage);
    }

    #[test]
    fn a_list_selects_the_current_level_or_no_access() {
        let selected = |options: Vec<LevelOption>| {
            options
                .into_iter()
                .filter(|o| o.selected)
                .map(|o| o.value)
                .collect::<Vec<_>>()
        };
        assert_eq!(selected(options(&EN, None, true)), vec![NONE]);
        assert_eq!(
            selected(options(&EN, Some(Access::EDIT), true)),
            vec!["edit"]
        );
        assert_eq!(options(&EN, Some(Access::EDIT), false).len(), 5);
    }

    #[test]
    fn a_collection_shows_by_external_id_or_short_id() {
        let id = "0a1b2c3d-0000-4000-8000-000000000000";
        assert_eq!(collection_label(&EN, id, Some("eng-team")), "eng-team");
        assert_eq!(collection_label(&EN, id, Some("  ")), "Collection 0a1b2c3d");
        assert_eq!(collection_label(&SV, id, None), "Samling 0a1b2c3d");
    }
}
