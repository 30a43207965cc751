//! Kinwarden's domain: the rules of each use-case as plain functions and types, talking to the
//! world only through traits such as [`clock::Clock`].

pub mod clock;
