//! Error bodies and messages as one line of text, for [`crate::Error`] and its `Display`.
//!
//! [`summarize`] says what a whole error body holds (an HTML page from a gateway, plain text,
//! nothing), for the `message` of an error whose body is no error object. [`one_line`] cleans a message the service sent inside a JSON error object:
//! Glance's, for one, keeps the HTML line breaks and the blank lines of its page template
//! (`"No image found with ID nope<br /><br />\n\n\n"`). Both use the same HTML-to-text
//! conversion.

use reqwest::StatusCode;

/// Longest summary (in characters, before the trailing `…`) [`summarize`] makes.
pub(crate) const MESSAGE_MAX_CHARS: usize = 200;

/// A message from an error body as one line: tags removed and entities decoded when it holds
/// HTML markup (such as Glance's `<br />`), whitespace runs (newlines included) collapsed to
/// one space, the ends trimmed. Unlike [`summarize`] it is not cut: a message is the
/// service's own sentence. Text without markup keeps its `<`, `>` and `&` as they are.
pub(crate) fn one_line(message: &str) -> String {
    if has_markup(message) {
        collapse(&html_text(message))
    } else {
        collapse(message)
    }
}

/// One line saying what an error body holds: the text of an HTML page (tags, scripts and
/// styles removed, entities decoded), or the text itself, with whitespace collapsed and cut
/// to [`MESSAGE_MAX_CHARS`]; for an empty body, the status line.
pub(crate) fn summarize(status: StatusCode, content_type: Option<&str>, body: &str) -> String {
    let is_html = content_type.is_some_and(|ct| ct.to_ascii_lowercase().contains("html"))
        || body.trim_start().starts_with('<');
    let mut text = if is_html {
        collapse(&html_text(body))
    } else {
        collapse(body)
    };
    if text.is_empty() && is_html {
        text = collapse(&html_title(body));
    }
    if text.is_empty() {
        return format!("{status} with an empty body");
    }
    match text.char_indices().nth(MESSAGE_MAX_CHARS) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text,
    }
}

/// Whitespace runs (including newlines) become one space; the ends are trimmed.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `text` holds HTML markup: a comment, or a tag of a common HTML element (`<br />`,
/// `<p>`, `</b>`, ...). Only those count, so that a message such as `Invalid value <none>`
/// keeps its text.
fn has_markup(text: &str) -> bool {
    const ELEMENTS: &[&str] = &[
        "a", "b", "body", "br", "center", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6",
        "head", "hr", "html", "i", "li", "ol", "p", "pre", "span", "strong", "table", "td", "th",
        "title", "tr", "tt", "ul",
    ];
    text.match_indices('<').any(|(at, _)| {
        let tag = &text[at + 1..];
        if tag.starts_with("!--") {
            return true;
        }
        let tag = tag.strip_prefix('/').unwrap_or(tag);
        let name_len = tag
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(tag.len());
        let name = tag[..name_len].to_ascii_lowercase();
        let after = &tag[name_len..];
        ELEMENTS.contains(&name.as_str())
            && (after.starts_with('>')
                || after.starts_with('/')
                || after.starts_with(char::is_whitespace))
            && after.contains('>')
    })
}

/// The visible text of an HTML document: markup, comments and the contents of `head`,
/// `script` and `style` elements removed, each tag replaced by a space, entities decoded.
fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let tag = &rest[start..];
        let opens_markup = tag[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'));
        if !opens_markup {
            // `a < b`: a `<` that starts no tag is text.
            out.push_str(&rest[..start + 1]);
            rest = &rest[start + 1..];
            continue;
        }
        out.push_str(&rest[..start]);
        out.push(' ');
        if let Some(comment) = tag.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let Some(end) = tag.find('>') else {
            // A tag never closed: keep it as text rather than lose the rest.
            out.push_str(tag);
            rest = "";
            break;
        };
        let inner = &tag[1..end];
        rest = &tag[end + 1..];
        let name: String = inner
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if matches!(name.as_str(), "head" | "script" | "style") {
            let closing = format!("</{name}");
            rest = match find_ascii_ci(rest, &closing) {
                Some(at) => rest[at..].find('>').map_or("", |end| &rest[at + end + 1..]),
                None => "",
            };
        }
    }
    out.push_str(rest);
    decode_entities(&out)
}

/// The text of the `<title>` element, if any.
fn html_title(html: &str) -> String {
    let Some(open) = find_ascii_ci(html, "<title") else {
        return String::new();
    };
    let after = &html[open..];
    let Some(start) = after.find('>') else {
        return String::new();
    };
    let text = &after[start + 1..];
    let end = find_ascii_ci(text, "</title").unwrap_or(text.len());
    decode_entities(&text[..end])
}

/// Byte offset of `needle` (ASCII) in `haystack`, ignoring ASCII case.
fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .to_ascii_lowercase()
        .find(&needle.to_ascii_lowercase())
}

/// Decodes the common named entities and numeric character references.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let entity = &rest[amp..];
        let decoded = entity.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &entity[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .map(|hex| u32::from_str_radix(hex, 16))
                    .or_else(|| name.strip_prefix('#').map(str::parse))
                    .and_then(Result::ok)
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &entity[end + 1..];
            }
            None => {
                out.push('&');
                rest = &entity[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_pages_become_their_visible_text() {
        let page = "<!DOCTYPE html>\n<html><head><title>401 Authorization Required</title>\
                    <style>body { color: red }</style></head>\n<body>\n<center><h1>401 \
                    Authorization Required</h1></center>\n<!-- a comment -->\
                    <script>var x = '<b>';</script><hr><center>nginx &amp; friends</center>\n\
                    </body></html>";
        assert_eq!(
            summarize(StatusCode::UNAUTHORIZED, Some("text/html"), page),
            "401 Authorization Required nginx & friends"
        );
    }

    #[test]
    fn an_html_page_with_only_a_title_gives_the_title() {
        let page = "<html><head><title>Bad &quot;Gateway&quot;</title></head><body></body></html>";
        assert_eq!(
            summarize(StatusCode::BAD_GATEWAY, None, page),
            "Bad \"Gateway\""
        );
    }

    #[test]
    fn plain_text_is_collapsed_and_cut() {
        assert_eq!(
            summarize(
                StatusCode::NOT_FOUND,
                Some("text/plain"),
                "404 Not Found\n\n  No image\n"
            ),
            "404 Not Found No image"
        );
        let long = "é".repeat(500);
        let message = summarize(StatusCode::BAD_REQUEST, None, &long);
        assert_eq!(message.chars().count(), MESSAGE_MAX_CHARS + 1);
        assert!(message.ends_with('…'));
    }

    #[test]
    fn an_empty_body_gives_the_status() {
        assert_eq!(
            summarize(StatusCode::INTERNAL_SERVER_ERROR, None, " \n"),
            "500 Internal Server Error with an empty body"
        );
    }

    #[test]
    fn entities_decode() {
        assert_eq!(
            decode_entities("a &lt;b&gt; &#252;&#xE9; &unknown; & c"),
            "a <b> üé &unknown; & c"
        );
    }

    /// Glance's JSON error `message` (webob's page template: the detail, two `<br />`, blank
    /// lines).
    #[test]
    fn glance_messages_lose_their_markup_and_blank_lines() {
        assert_eq!(
            one_line("No image found with ID nope<br /><br />\n\n\n"),
            "No image found with ID nope"
        );
        assert_eq!(
            one_line(
                "The resource could not be found.<br /><br />\nNo image found with ID x\n\n\n"
            ),
            "The resource could not be found. No image found with ID x"
        );
        assert_eq!(one_line("<p>a &amp; b</p><!-- c -->"), "a & b");
    }

    #[test]
    fn messages_without_markup_keep_their_text() {
        assert_eq!(
            one_line("  Invalid value <none>\r\n for  limit "),
            "Invalid value <none> for limit"
        );
        assert_eq!(
            one_line("a < b and c > d &amp; e"),
            "a < b and c > d &amp; e"
        );
        assert_eq!(
            one_line("x".repeat(300).as_str()).len(),
            300,
            "messages are not cut"
        );
        assert_eq!(one_line(""), "");
    }

    #[test]
    fn a_lone_less_than_sign_or_an_unclosed_tag_is_text() {
        assert_eq!(
            summarize(
                StatusCode::BAD_REQUEST,
                Some("text/html"),
                "<p>limit < 1000</p> <b x"
            ),
            "limit < 1000 <b x"
        );
    }
}
