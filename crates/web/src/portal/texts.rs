//! The Portal's language (SPEC §7): the pages' switch cookie, else the browser's
//! `Accept-Language`; its texts are in the pages' one catalogue.

use axum::http::HeaderMap;

use crate::pages::i18n::{self, Texts};
use crate::pages::session::page_lang;

/// The texts and the `lang` attribute for a Portal page answering these headers.
pub fn for_request(headers: &HeaderMap) -> (&'static Texts, &'static str) {
    let lang = page_lang(headers, None);
    (i18n::texts(lang), lang.tag())
}
