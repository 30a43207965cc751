//! Plans and the billing ledger (SPEC §5 steps 1 and 4, §9): the offered plans, a cloud
//! organization's subscription read from its ledger, the owner's seat changes, and the System
//! Administrator's changes of terms and recorded payments. There is no card processor.

pub mod ledger;
pub mod plans;
pub mod seats;
pub mod subscription;
