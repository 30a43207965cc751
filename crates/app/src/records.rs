//! The stored facts the use-cases hand to their callers (an organization, a member, a user, …),
//! as the store reads them. Callers name them from here, never from the store.

pub use kinwarden_store::{
    AccessLists, AttachmentRecord, BatchSkips, CipherMarks, CipherRecord, CloudSyncWrite,
    CollectionPath, CollectionRecord, ConnectionRecord, FolderRecord, InstallationRecord,
    ItemOwner, JobRunRecord, LicenseTerms, MemberAccessChange, MemberDetails, MemberRecord,
    MemberSponsorship, Membership, NewUser, OfferHold, OrgCipher, OrganizationApiKeyRecord,
    OrganizationRecord, OrganizationRecordPrefixed, OrganizationTerms, OutboxMail, OutcomeRecord,
    QueuedMail, RedeemedSponsorship, SponsorshipEnd, SponsorshipRecord, SubscriptionPeriodRecord,
    SyncedState, UserCipher, UserRecord,
};
