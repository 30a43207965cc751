//! What an attachment may cost (reference vault §1.5, §3.1–3.3; SPEC §11). Files are stored on
//! the operator's disk or bucket, so every upload is bounded twice: by a size per file
//! (`kinwarden__attachmentMaxSize`) and by a quota per owner, 1 GiB for a premium user and the
//! plan's or license's `MaxStorageGb` for an organization. The client declares the encrypted
//! size when it reserves the upload; the bytes that arrive must then match that declaration.

/// One mebibyte.
pub const MIB: i64 = 1024 * 1024;
/// One gibibyte.
pub const GIB: i64 = 1024 * MIB;

/// The default largest file (SPEC §11); the reference's text says "500 MB" for it.
pub const DEFAULT_MAX_FILE_SIZE: i64 = 500 * MIB;
/// The storage a premium user has for the files of personal items.
pub const PREMIUM_USER_QUOTA: i64 = GIB;
/// How far the bytes received may be from the size declared at reservation, either way, as the
/// reference allows.
pub const SIZE_LEEWAY: i64 = MIB;

/// The reference's refusal of an empty file.
pub const NO_DATA_MESSAGE: &str = "No data to attach.";
/// The reference's refusal of an attachment on a personal item of a user without premium.
pub const PREMIUM_REQUIRED_MESSAGE: &str = "You must have premium status to use attachments.";
/// The reference's refusal of an attachment on an item of an organization without storage.
pub const ORGANIZATION_CANNOT_USE_MESSAGE: &str = "This organization cannot use attachments.";
/// The reference's refusal when the owner's quota would be exceeded.
pub const NOT_ENOUGH_STORAGE_MESSAGE: &str = "Not enough storage available.";
/// The reference's refusal when sharing an item's attachments into a full organization.
pub const ORGANIZATION_NOT_ENOUGH_STORAGE_MESSAGE: &str =
    "Not enough storage available for this organization.";
/// The reference's refusal when the uploaded bytes do not match the reservation.
pub const SIZE_MISMATCH_MESSAGE: &str = "File received does not match expected file length.";

/// The refusal of a file larger than `max_bytes`: the reference's "Max file size is 500 MB."
/// for the default, the configured size in the same words otherwise.
pub fn max_size_message(max_bytes: i64) -> String {
    format!("Max file size is {}.", size_name(max_bytes))
}

/// Whose storage an attachment counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageOwner {
    /// The owner of a personal item.
    User { premium: bool },
    /// The organization owning the item; `None` when its plan or license grants no storage.
    Organization { max_storage_gb: Option<i16> },
}

/// Why an upload is refused (each a 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentRefusal {
    TooLarge { max_bytes: i64 },
    NoData,
    PremiumRequired,
    OrganizationCannotUse,
    NotEnoughStorage,
    SizeMismatch,
}

impl AttachmentRefusal {
    /// The reference's text for this refusal.
    pub fn message(self) -> String {
        match self {
            Self::TooLarge { max_bytes } => max_size_message(max_bytes),
            Self::NoData => NO_DATA_MESSAGE.to_string(),
            Self::PremiumRequired => PREMIUM_REQUIRED_MESSAGE.to_string(),
            Self::OrganizationCannotUse => ORGANIZATION_CANNOT_USE_MESSAGE.to_string(),
            Self::NotEnoughStorage => NOT_ENOUGH_STORAGE_MESSAGE.to_string(),
            Self::SizeMismatch => SIZE_MISMATCH_MESSAGE.to_string(),
        }
    }
}

/// The first check of a reservation, before anything is loaded: the declared size against the
/// largest file. (An empty file is refused later, with the storage check, as the reference
/// orders it.)
pub fn check_max_size(file_size: i64, max_bytes: i64) -> Result<(), AttachmentRefusal> {
    if file_size > max_bytes {
        Err(AttachmentRefusal::TooLarge { max_bytes })
    } else {
        Ok(())
    }
}

/// The owner's quota in bytes, or why the owner may not attach files at all.
pub fn quota(owner: StorageOwner) -> Result<i64, AttachmentRefusal> {
    match owner {
        StorageOwner::User { premium: true } => Ok(PREMIUM_USER_QUOTA),
        StorageOwner::User { premium: false } => Err(AttachmentRefusal::PremiumRequired),
        StorageOwner::Organization {
            max_storage_gb: Some(gb),
        } => Ok(i64::from(gb).saturating_mul(GIB)),
        StorageOwner::Organization {
            max_storage_gb: None,
        } => Err(AttachmentRefusal::OrganizationCannotUse),
    }
}

/// Whether `requested` more bytes fit beside the `used` bytes of the owner, in the reference's
/// order: an empty file, then the owner's right to attach at all, then the room left. The edit
/// permission and the stale check come before this and are the caller's.
pub fn check_storage(
    owner: StorageOwner,
    used: i64,
    requested: i64,
) -> Result<(), AttachmentRefusal> {
    if requested < 1 {
        return Err(AttachmentRefusal::NoData);
    }
    let remaining = quota(owner)?.saturating_sub(used);
    if remaining < requested {
        Err(AttachmentRefusal::NotEnoughStorage)
    } else {
        Ok(())
    }
}

/// Whether the bytes that arrived match the reservation: within the leeway of the declared
/// size, and not larger than the largest file.
pub fn check_received(
    declared: i64,
    received: i64,
    max_bytes: i64,
) -> Result<(), AttachmentRefusal> {
    let near = received >= declared.saturating_sub(SIZE_LEEWAY)
        && received <= declared.saturating_add(SIZE_LEEWAY);
    if near && received <= max_bytes {
        Ok(())
    } else {
        Err(AttachmentRefusal::SizeMismatch)
    }
}

/// An attachment's size for people (`sizeName`), as the reference writes it: "N Bytes" below
/// 1 KiB, otherwise KB, MB or GB with up to two decimals ("1.31 KB", "500 MB").
pub fn size_name(bytes: i64) -> String {
    let magnitude = bytes.unsigned_abs();
    // The reference shifts whole units away before its last division, so do the same.
    let (shifted, suffix) = if magnitude >= 1 << 30 {
        (bytes >> 20, "GB")
    } else if magnitude >= 1 << 20 {
        (bytes >> 10, "MB")
    } else if magnitude >= 1 << 10 {
        (bytes, "KB")
    } else {
        return format!("{bytes} Bytes");
    };
    // Hundredths, rounded half away from zero, in integers so no float rounding creeps in.
    let hundredths = i128::from(shifted) * 100;
    let half = if hundredths < 0 { -512 } else { 512 };
    let rounded = (hundredths + half) / 1024;
    let sign = if rounded < 0 { "-" } else { "" };
    let rounded = rounded.unsigned_abs();
    let (whole, fraction) = (rounded / 100, rounded % 100);
    let number = match fraction {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    };
    format!("{number} {suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PREMIUM: StorageOwner = StorageOwner::User { premium: true };

    #[test]
    fn sizes_for_people() {
        let cases = [
            (0, "0 Bytes"),
            (1, "1 Bytes"),
            (1023, "1023 Bytes"),
            (1024, "1 KB"),
            (1152, "1.13 KB"),
            (1337, "1.31 KB"),
            (1536, "1.5 KB"),
            (MIB - 1, "1024 KB"),
            (MIB, "1 MB"),
            (DEFAULT_MAX_FILE_SIZE, "500 MB"),
            (501 * MIB, "501 MB"),
            (GIB, "1 GB"),
            (GIB + GIB / 4, "1.25 GB"),
            (-2048, "-2 KB"),
        ];
        for (bytes, expected) in cases {
            assert_eq!(size_name(bytes), expected, "{bytes}");
        }
    }

    #[test]
    fn the_default_limit_speaks_the_reference_text() {
        assert_eq!(
            AttachmentRefusal::TooLarge {
                max_bytes: DEFAULT_MAX_FILE_SIZE
            }
            .message(),
            "Max file size is 500 MB."
        );
        assert_eq!(
            check_max_size(DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_FILE_SIZE),
            Ok(())
        );
        assert_eq!(
            check_max_size(DEFAULT_MAX_FILE_SIZE + 1, DEFAULT_MAX_FILE_SIZE),
            Err(AttachmentRefusal::TooLarge {
                max_bytes: DEFAULT_MAX_FILE_SIZE
            })
        );
    }

    #[test]
    fn storage_checks_in_the_reference_order() {
        let org = |gb| StorageOwner::Organization { max_storage_gb: gb };
        let cases = [
            (PREMIUM, 0, 1337, Ok(())),
            (PREMIUM, 0, GIB, Ok(())),
            (PREMIUM, 1, GIB, Err(AttachmentRefusal::NotEnoughStorage)),
            (PREMIUM, GIB - 10, 10, Ok(())),
            (
                PREMIUM,
                GIB - 10,
                11,
                Err(AttachmentRefusal::NotEnoughStorage),
            ),
            (
                PREMIUM,
                2 * GIB,
                1,
                Err(AttachmentRefusal::NotEnoughStorage),
            ),
            (PREMIUM, 0, 0, Err(AttachmentRefusal::NoData)),
            (
                StorageOwner::User { premium: false },
                0,
                0,
                Err(AttachmentRefusal::NoData),
            ),
            (
                StorageOwner::User { premium: false },
                0,
                1,
                Err(AttachmentRefusal::PremiumRequired),
            ),
            (
                org(None),
                0,
                1,
                Err(AttachmentRefusal::OrganizationCannotUse),
            ),
            (org(Some(0)), 0, 1, Err(AttachmentRefusal::NotEnoughStorage)),
            (org(Some(100)), 99 * GIB, GIB, Ok(())),
            (
                org(Some(100)),
                99 * GIB,
                GIB + 1,
                Err(AttachmentRefusal::NotEnoughStorage),
            ),
        ];
        for (owner, used, requested, expected) in cases {
            assert_eq!(
                check_storage(owner, used, requested),
                expected,
                "{owner:?} {used} {requested}"
            );
        }
    }

    #[test]
    fn refusals_speak_the_reference_texts() {
        let cases = [
            (AttachmentRefusal::NoData, "No data to attach."),
            (
                AttachmentRefusal::PremiumRequired,
                "You must have premium status to use attachments.",
            ),
            (
                AttachmentRefusal::OrganizationCannotUse,
                "This organization cannot use attachments.",
            ),
            (
                AttachmentRefusal::NotEnoughStorage,
                "Not enough storage available.",
            ),
            (
                AttachmentRefusal::SizeMismatch,
                "File received does not match expected file length.",
            ),
        ];
        for (refusal, text) in cases {
            assert_eq!(refusal.message(), text);
        }
    }

    #[test]
    fn received_bytes_within_one_mebibyte_of_the_declaration() {
        let max = DEFAULT_MAX_FILE_SIZE;
        let cases = [
            (1337, 1337, true),
            (1337, 1337 + MIB, true),
            (1337, 1337 + MIB + 1, false),
            (2 * MIB, MIB, true),
            (2 * MIB, MIB - 1, false),
            (max, max, true),
            (max, max + 1, false),
            (max + MIB, max, true),
        ];
        for (declared, received, ok) in cases {
            assert_eq!(
                check_received(declared, received, max).is_ok(),
                ok,
                "{declared} {received}"
            );
        }
    }

    proptest! {
        #[test]
        fn more_use_never_makes_room(
            used in 0i64..2 * GIB,
            more in 0i64..GIB,
            requested in 1i64..2 * GIB,
        ) {
            if check_storage(PREMIUM, used + more, requested).is_ok() {
                prop_assert!(check_storage(PREMIUM, used, requested).is_ok());
            }
        }

        #[test]
        fn size_names_never_panic(bytes in any::<i64>()) {
            let name = size_name(bytes);
            prop_assert!(name.ends_with("Bytes") || name.ends_with("B"));
        }
    }
}
