//! One renderer for every message: a message is a subject and a few blocks, written out once as
//! plain text and once as an HTML document. Catalogue texts and inserted values are plain text;
//! this is the only place that turns them into HTML, and it escapes all of them, so no message
//! can forget to.

use std::fmt::Write;

use crate::{Lang, catalogue};

/// A piece of a message body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    Heading(String),
    Paragraph(String),
    /// A call to action: a button in HTML, `label: url` in text. `url` must be absolute.
    Button {
        label: String,
        url: String,
    },
    /// Small print such as "ignore this if it was not you".
    Note(String),
}

/// Replaces each `{name}` in a catalogue text with its value, in one pass over the template so
/// that a value which itself looks like a placeholder (an organization named `{email}`) stays as
/// it is. Values are inserted verbatim; escaping happens when the result is rendered.
pub(crate) fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let value = after.find('}').and_then(|end| {
            let name = &after[..end];
            args.iter()
                .find(|(candidate, _)| *candidate == name)
                .map(|(_, value)| (*value, end))
        });
        match value {
            Some((value, end)) => {
                out.push_str(value);
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Escapes text for HTML element content and double-quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The plain-text body: blocks separated by blank lines, links printed in full.
pub(crate) fn text(lang: Lang, blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Heading(text) | Block::Paragraph(text) | Block::Note(text) => {
                out.push_str(text);
            }
            Block::Button { label, url } => {
                let _ = write!(out, "{label}:\n{url}");
            }
        }
        out.push_str("\n\n");
    }
    out.push_str("-- \n");
    out.push_str(catalogue::texts(lang).footer);
    out.push('\n');
    out
}

/// The HTML body: a small self-contained document with inline styles, as mail clients ignore
/// style sheets. Each block is one line, well below SMTP's 998-character line limit for all but
/// very long links, which the transfer encoding then wraps.
pub(crate) fn html(lang: Lang, subject: &str, blocks: &[Block]) -> String {
    let texts = catalogue::texts(lang);
    let mut out = String::new();
    let _ = writeln!(out, "<!DOCTYPE html>");
    let _ = writeln!(out, "<html lang=\"{}\">", lang.tag());
    let _ = writeln!(
        out,
        "<head><meta charset=\"utf-8\"><title>{}</title></head>",
        escape(subject)
    );
    let _ = writeln!(
        out,
        "<body style=\"margin:0;padding:24px;background:#f3f6f9;font-family:Helvetica,Arial,sans-serif;color:#1b2029;\">"
    );
    let _ = writeln!(
        out,
        "<div style=\"max-width:560px;margin:0 auto;padding:24px;background:#ffffff;border-radius:6px;\">"
    );
    for block in blocks {
        match block {
            Block::Heading(text) => {
                let _ = writeln!(out, "<h1 style=\"font-size:20px;\">{}</h1>", escape(text));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "<p>{}</p>", escape(text));
            }
            Block::Button { label, url } => {
                let url = escape(url);
                let _ = writeln!(
                    out,
                    "<p><a href=\"{url}\" style=\"display:inline-block;padding:10px 20px;background:#175ddc;color:#ffffff;text-decoration:none;border-radius:4px;\">{}</a></p>",
                    escape(label)
                );
                let _ = writeln!(
                    out,
                    "<p style=\"font-size:12px;color:#5a6170;\">{}<br><a href=\"{url}\" style=\"word-break:break-all;\">{url}</a></p>",
                    escape(texts.link_fallback)
                );
            }
            Block::Note(text) => {
                let _ = writeln!(
                    out,
                    "<p style=\"font-size:12px;color:#5a6170;\">{}</p>",
                    escape(text)
                );
            }
        }
    }
    let _ = writeln!(out, "</div>");
    let _ = writeln!(
        out,
        "<p style=\"text-align:center;font-size:12px;color:#5a6170;\">{}</p>",
        escape(texts.footer)
    );
    let _ = writeln!(out, "</body>\n</html>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_every_named_placeholder() {
        assert_eq!(
            fill("{a} and {b}, again {a}", &[("a", "1"), ("b", "{a}")]),
            "1 and {a}, again 1"
        );
        assert_eq!(fill("no args {x} {", &[]), "no args {x} {");
        assert_eq!(fill("å{a}ö", &[("a", "ä")]), "åäö");
    }

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn html_escapes_every_block_and_the_link() {
        let blocks = [
            Block::Heading("<h>".into()),
            Block::Paragraph("a & b".into()),
            Block::Button {
                label: "<go>".into(),
                url: "https://v.example/x?a=1&b=2".into(),
            },
            Block::Note("\"n\"".into()),
        ];
        let out = html(Lang::En, "<subject>", &blocks);
        assert!(out.contains("<title>&lt;subject&gt;</title>"));
        assert!(out.contains("<h1 style=\"font-size:20px;\">&lt;h&gt;</h1>"));
        assert!(out.contains("<p>a &amp; b</p>"));
        assert!(out.contains("href=\"https://v.example/x?a=1&amp;b=2\""));
        assert!(out.contains(">&lt;go&gt;</a>"));
        assert!(out.contains("&quot;n&quot;"));
        assert!(out.contains("<html lang=\"en\">"));
        assert!(out.lines().all(|line| line.len() < 998));
    }

    #[test]
    fn text_prints_links_whole() {
        let blocks = [
            Block::Paragraph("Hello".into()),
            Block::Button {
                label: "Go".into(),
                url: "https://v.example/x?a=1&b=2".into(),
            },
        ];
        let out = text(Lang::Sv, &blocks);
        assert!(out.starts_with("Hello\n\nGo:\nhttps://v.example/x?a=1&b=2\n\n-- \n"));
    }
}
