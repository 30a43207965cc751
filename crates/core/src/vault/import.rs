//! Rules of a personal import (`POST /ciphers/import`, reference vault §7.1). An import writes
//! thousands of rows in one transaction, so a cloud bounds its size; items and folders are
//! validated as if saved one by one, and the links between them are places in the two lists,
//! which the request may get wrong without failing the import.

use super::folders::validate_folder_at;
use super::item::ItemFields;
use super::validate::{ValidationErrors, validate_item_at};

/// The reference's refusal of an import above a cloud's limits.
pub const TOO_MUCH_DATA_MESSAGE: &str = "You cannot import this much data at once.";

/// The reference's refusal when an organization's policy forbids personal items to the user.
pub const PERSONAL_OWNERSHIP_MESSAGE: &str = "You cannot import items into your personal vault \
     because you are a member of an organization which forbids it.";

/// How much one import holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportCounts {
    pub ciphers: usize,
    pub folders: usize,
    pub folder_relationships: usize,
}

/// The most a personal import may hold on a cloud (a self-hosted server has no limit).
pub const CLOUD_LIMITS: ImportCounts = ImportCounts {
    ciphers: 7000,
    folders: 2000,
    folder_relationships: 7000,
};

/// Whether an import of this size may run: anything on a self-hosted server, at most
/// [`CLOUD_LIMITS`] of each on a cloud.
pub fn check_limits(counts: ImportCounts, on_cloud: bool) -> Result<(), &'static str> {
    let over = counts.ciphers > CLOUD_LIMITS.ciphers
        || counts.folders > CLOUD_LIMITS.folders
        || counts.folder_relationships > CLOUD_LIMITS.folder_relationships;
    if on_cloud && over {
        Err(TOO_MUCH_DATA_MESSAGE)
    } else {
        Ok(())
    }
}

/// How much an organization import holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrganizationImportCounts {
    pub ciphers: usize,
    pub collections: usize,
    pub collection_relationships: usize,
    pub folders: usize,
    pub folder_relationships: usize,
}

/// The most an organization import may hold on a cloud (reference vault §7.3).
pub const CLOUD_ORGANIZATION_LIMITS: OrganizationImportCounts = OrganizationImportCounts {
    ciphers: 40_000,
    collections: 2000,
    collection_relationships: 80_000,
    folders: 2000,
    folder_relationships: 80_000,
};

/// The reference's refusal of an organization import by a member who may not make it.
pub const NOT_ENOUGH_PRIVILEGES_MESSAGE: &str =
    "Not enough privileges to import into this organization.";

/// Whether an organization import of this size may run (no limit on a self-hosted server).
pub fn check_organization_limits(
    counts: OrganizationImportCounts,
    on_cloud: bool,
) -> Result<(), &'static str> {
    let max = CLOUD_ORGANIZATION_LIMITS;
    let over = counts.ciphers > max.ciphers
        || counts.collections > max.collections
        || counts.collection_relationships > max.collection_relationships
        || counts.folders > max.folders
        || counts.folder_relationships > max.folder_relationships;
    if on_cloud && over {
        Err(TOO_MUCH_DATA_MESSAGE)
    } else {
        Ok(())
    }
}

/// The collections of each imported item, by place: every pair naming places inside both lists
/// adds one (an item may be in several).
pub fn collections_of_each_item(
    relationships: impl IntoIterator<Item = (i32, i32)>,
    ciphers: usize,
    collections: usize,
) -> Vec<Vec<usize>> {
    let mut of = vec![Vec::new(); ciphers];
    for (cipher, collection) in relationships {
        let (Ok(cipher), Ok(collection)) = (usize::try_from(cipher), usize::try_from(collection))
        else {
            continue;
        };
        if collection >= collections {
            continue;
        }
        if let Some(slot) = of.get_mut(cipher)
            && !slot.contains(&collection)
        {
            slot.push(collection);
        }
    }
    of
}

/// The messages for the folders' names and the items of an import, keyed `Folders[i].Name` and
/// `Ciphers[i]…`; empty when everything passes.
pub fn validate_import(
    folder_names: &[Option<&str>],
    ciphers: &[ItemFields<'_>],
) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    for (i, name) in folder_names.iter().enumerate() {
        validate_folder_at(*name, &format!("Folders[{i}]"), &mut errors);
    }
    for (i, item) in ciphers.iter().enumerate() {
        validate_item_at(item, &format!("Ciphers[{i}]"), &mut errors);
    }
    errors
}

/// The folder of each imported item, by place: `relationships` pairs an item's place with a
/// folder's. A pair naming a place outside either list is skipped, and a later pair for the same
/// item replaces an earlier one, as in the reference; items no pair names have no folder.
pub fn folder_of_each_item(
    relationships: impl IntoIterator<Item = (i32, i32)>,
    ciphers: usize,
    folders: usize,
) -> Vec<Option<usize>> {
    let mut folder_of = vec![None; ciphers];
    for (cipher, folder) in relationships {
        let (Ok(cipher), Ok(folder)) = (usize::try_from(cipher), usize::try_from(folder)) else {
            continue;
        };
        if folder >= folders {
            continue;
        }
        if let Some(slot) = folder_of.get_mut(cipher) {
            *slot = Some(folder);
        }
    }
    folder_of
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_imports_are_bounded_on_a_cloud_and_links_by_place() {
        let small = OrganizationImportCounts {
            ciphers: 40_000,
            collections: 2000,
            collection_relationships: 80_000,
            folders: 0,
            folder_relationships: 0,
        };
        assert_eq!(check_organization_limits(small, true), Ok(()));
        let big = OrganizationImportCounts {
            collections: 2001,
            ..small
        };
        assert_eq!(
            check_organization_limits(big, true),
            Err(TOO_MUCH_DATA_MESSAGE)
        );
        assert_eq!(check_organization_limits(big, false), Ok(()));
        assert_eq!(
            collections_of_each_item([(0, 1), (0, 0), (0, 1), (1, 5), (-1, 0), (2, 0)], 2, 2),
            vec![vec![1, 0], vec![]]
        );
    }
    use proptest::prelude::*;

    fn counts(ciphers: usize, folders: usize, folder_relationships: usize) -> ImportCounts {
        ImportCounts {
            ciphers,
            folders,
            folder_relationships,
        }
    }

    #[test]
    fn a_cloud_bounds_each_list() {
        let cases = [
            (counts(7000, 2000, 7000), true, Ok(())),
            (counts(7001, 0, 0), true, Err(TOO_MUCH_DATA_MESSAGE)),
            (counts(0, 2001, 0), true, Err(TOO_MUCH_DATA_MESSAGE)),
            (counts(0, 0, 7001), true, Err(TOO_MUCH_DATA_MESSAGE)),
            (counts(100_000, 100_000, 100_000), false, Ok(())),
            (counts(0, 0, 0), true, Ok(())),
        ];
        for (c, on_cloud, expected) in cases {
            assert_eq!(check_limits(c, on_cloud), expected, "{c:?} {on_cloud}");
        }
        assert_eq!(
            TOO_MUCH_DATA_MESSAGE,
            "You cannot import this much data at once."
        );
        #[rustfmt::skip]
        let policy = "You cannot import items into your personal vault because you are a member of an organization which forbids it.";
        assert_eq!(PERSONAL_OWNERSHIP_MESSAGE, policy);
    }

    #[test]
    fn links_skip_what_is_out_of_range_and_the_last_pair_wins() {
        let pairs = [(0, 1), (1, 0), (2, 5), (-1, 0), (1, -1), (7, 0), (0, 0)];
        assert_eq!(
            folder_of_each_item(pairs, 3, 2),
            vec![Some(0), Some(0), None]
        );
        assert_eq!(
            folder_of_each_item([(0, 0)], 0, 1),
            Vec::<Option<usize>>::new()
        );
        assert_eq!(folder_of_each_item([(0, 0)], 1, 0), vec![None]);
    }

    #[test]
    fn items_and_folders_are_keyed_by_their_place() {
        let ciphers = [
            ItemFields {
                name: Some("2.AAAA|BBBB|CCCC"),
                ..ItemFields::default()
            },
            ItemFields {
                name: Some("2.AAAA|BBBB|CCCC"),
                notes: Some("in clear"),
                ..ItemFields::default()
            },
        ];
        let errors = validate_import(&[Some("2.AAAA|BBBB|CCCC"), None], &ciphers);
        assert_eq!(
            errors,
            ValidationErrors::from([
                (
                    "Folders[1].Name".to_string(),
                    vec!["The Name field is required.".to_string()]
                ),
                (
                    "Ciphers[1].Notes".to_string(),
                    vec!["Notes is not a valid encrypted string.".to_string()]
                ),
            ])
        );
        assert!(validate_import(&[], &[]).is_empty());
    }

    proptest! {
        #[test]
        fn a_smaller_import_passes_when_a_larger_one_does(
            c in 0usize..10_000, f in 0usize..3_000, r in 0usize..10_000,
            dc in 0usize..10_000, df in 0usize..3_000, dr in 0usize..10_000,
            on_cloud in any::<bool>(),
        ) {
            if check_limits(counts(c + dc, f + df, r + dr), on_cloud).is_ok() {
                prop_assert!(check_limits(counts(c, f, r), on_cloud).is_ok());
            }
        }

        #[test]
        fn every_link_names_a_folder_in_range(
            pairs in proptest::collection::vec((-3i32..20, -3i32..20), 0..40),
            ciphers in 0usize..15,
            folders in 0usize..15,
        ) {
            let links = folder_of_each_item(pairs, ciphers, folders);
            prop_assert_eq!(links.len(), ciphers);
            prop_assert!(links.iter().flatten().all(|f| *f < folders));
        }
    }
}
