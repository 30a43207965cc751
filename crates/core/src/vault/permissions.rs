//! Who may do what to a personal item (reference vault §1.6). A personal item belongs to one
//! user, who may do everything with it; anyone else is told it does not exist, so an item's id
//! reveals nothing. Organizations' items, reached through collections, come later.

use crate::ids::UserId;

/// What the caller may do with an item, as the item's answer reports it (`edit`,
/// `viewPassword`, `permissions.delete`, `permissions.restore`) and the routes enforce it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemAccess {
    pub edit: bool,
    pub view_password: bool,
    pub manage: bool,
    pub delete: bool,
    pub restore: bool,
}

impl ItemAccess {
    /// Everything: the owner of a personal item.
    pub const OWNER: Self = Self {
        edit: true,
        view_password: true,
        manage: true,
        delete: true,
        restore: true,
    };
}

/// The caller's access to a personal item of `owner`; `None` when the caller is someone else,
/// which the routes answer as not found (404).
pub fn personal_item_access(owner: UserId, caller: UserId) -> Option<ItemAccess> {
    (owner == caller).then_some(ItemAccess::OWNER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_may_do_everything_and_others_nothing() {
        let owner = UserId::new();
        let stranger = UserId::new();
        assert_eq!(
            personal_item_access(owner, owner),
            Some(ItemAccess {
                edit: true,
                view_password: true,
                manage: true,
                delete: true,
                restore: true,
            })
        );
        assert_eq!(personal_item_access(owner, stranger), None);
    }
}
