//! Organizations: who may act in one, and (on a cloud) their creation on a plan.

pub mod access;
pub mod create;
pub mod response;
pub mod terms;
