//! # XSS: output encoding per context
//!
//! Roadmap step: **Web security** (<https://roadmap.sh/backend>): cross-site scripting
//! (XSS) and how a server that renders HTML prevents it.
//!
//! Rendering user input into HTML as-is lets an attacker run script in every reader's
//! browser. Encode every untrusted value for the exact place it lands in the page:
//!
//! 1. `escape_html`: for text between tags (and quoted attributes), encode exactly
//!    `& < > " '` as `&amp; &lt; &gt; &quot; &#x27;` and leave everything else alone.
//! 2. `escape_attr`: OWASP's stricter attribute rule: every ASCII character that is not
//!    a letter or a digit becomes `&#xHH;` (two uppercase hex digits), so the value
//!    stays one value even in an unquoted attribute. Non-ASCII characters pass through.
//! 3. `safe_href`: encoding cannot make `javascript:alert(1)` safe in an `href`: the URL
//!    needs an allow-list. Clean it as a browser does (remove every tab, LF and CR;
//!    trim leading and trailing control characters and spaces). If a `:` comes before
//!    any `/`, `?` or `#`, the part before it is the scheme: allow `http`, `https` and
//!    `mailto` in any case, nothing else. Without a scheme it is a relative URL: allowed.
//!    Return the cleaned URL, or `None` if it is not allowed or empty.
//! 4. `render_comments`: the exact HTML the tests show, using the three functions.
//!
//! Standards:
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html#output-encoding-rules-summary>
//! - <https://url.spec.whatwg.org/#concept-basic-url-parser> (what browsers strip from URLs)
//! - <https://html.spec.whatwg.org/multipage/parsing.html#attribute-value-(unquoted)-state>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::fmt::Write;

/// Schemes a user-supplied link may use. Everything else (`javascript:`, `data:`,
/// `vbscript:`, `file:`, ...) is refused: an allow-list, never a deny-list.
pub const ALLOWED_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

pub struct Comment<'a> {
    pub author: &'a str,
    /// The author's website as typed, possibly empty.
    pub website: &'a str,
    pub body: &'a str,
}

pub fn escape_html(s: &str) -> String {
    // One pass, so an `&` we produce is never encoded a second time.
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
    out
}

pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() && !c.is_ascii_alphanumeric() {
            // Writing to a String cannot fail.
            let _ = write!(out, "&#x{:02X};", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

pub fn safe_href(url: &str) -> Option<String> {
    // What the browser's URL parser does first, so we judge the URL it will see:
    // `java\tscript:` *is* `javascript:` to a browser.
    let cleaned: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let cleaned = cleaned.trim_matches(|c: char| c.is_ascii_control() || c == ' ');
    if cleaned.is_empty() {
        return None;
    }
    // A `:` before the first `/`, `?` or `#` ends a scheme; one after them does not
    // (`/a:b`, `?t=1:2` are relative).
    let end = cleaned.find([':', '/', '?', '#']);
    if let Some(end) = end.filter(|&i| cleaned[i..].starts_with(':')) {
        let scheme = &cleaned[..end];
        if !ALLOWED_SCHEMES
            .iter()
            .any(|allowed| scheme.eq_ignore_ascii_case(allowed))
        {
            return None;
        }
    }
    Some(cleaned.to_string())
}

pub fn render_comments(comments: &[Comment]) -> String {
    let mut html = String::from("<ul class=\"comments\">\n");
    for c in comments {
        let author = escape_html(c.author);
        let _ = write!(html, "<li data-author=\"{}\">", escape_attr(c.author));
        match safe_href(c.website) {
            Some(href) => {
                let href = escape_html(&href);
                let _ = write!(html, "<a href=\"{href}\" rel=\"nofollow ugc\">{author}</a>");
            }
            None => html.push_str(&author),
        }
        let _ = writeln!(html, ": {}</li>", escape_html(c.body));
    }
    html.push_str("</ul>\n");
    html
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_html_encodes_exactly_five_characters() {
        for (input, expected) in [
            (
                "<script>alert(1)</script>",
                "&lt;script&gt;alert(1)&lt;/script&gt;",
            ),
            ("\" onmouseover=alert(1)", "&quot; onmouseover=alert(1)"),
            ("it's", "it&#x27;s"),
            ("a < b && c", "a &lt; b &amp;&amp; c"),
            ("&lt; is already encoded", "&amp;lt; is already encoded"),
            ("café = 5€, 1/2 `x` ok", "café = 5€, 1/2 `x` ok"),
            ("", ""),
        ] {
            assert_eq!(escape_html(input), expected, "{input:?}");
        }
    }

    #[test]
    fn escape_attr_encodes_every_ascii_non_alphanumeric() {
        for (input, expected) in [
            ("Ada99", "Ada99"),
            (
                "\" onmouseover=alert(1)",
                "&#x22;&#x20;onmouseover&#x3D;alert&#x28;1&#x29;",
            ),
            ("x y\tz", "x&#x20;y&#x09;z"),
            ("a'b`c<d>&", "a&#x27;b&#x60;c&#x3C;d&#x3E;&#x26;"),
            ("Zoë 日本", "Zoë&#x20;日本"),
        ] {
            assert_eq!(escape_attr(input), expected, "{input:?}");
        }
    }

    #[test]
    fn safe_href_refuses_script_and_unknown_schemes() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            " javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "DATA:text/html;base64,PHNjcmlwdD4=",
            "vbscript:msgbox(1)",
            "ftp://files.example/",
            "https-evil:x",
            "",
            " \t ",
        ] {
            assert_eq!(safe_href(url), None, "{url:?}");
        }
    }

    #[test]
    fn safe_href_allows_web_mail_and_relative_links() {
        for (url, expected) in [
            ("https://example.com/", "https://example.com/"),
            ("HTTP://EXAMPLE.COM/a", "HTTP://EXAMPLE.COM/a"),
            ("mailto:ada@example.com", "mailto:ada@example.com"),
            ("/users/1?tab=a:b", "/users/1?tab=a:b"),
            ("profile#x:y", "profile#x:y"),
            ("//cdn.example/x.png", "//cdn.example/x.png"),
            ("javascript&#58;alert(1)", "javascript&#58;alert(1)"),
            (" https://example.com/a\tb\n ", "https://example.com/ab"),
        ] {
            assert_eq!(safe_href(url).as_deref(), Some(expected), "{url:?}");
        }
    }

    #[test]
    fn render_comments_exact_html() {
        #[rustfmt::skip]
        let c = |author, website, body| Comment { author, website, body };
        let comments = [
            c("Ada", "https://ada.example/?a=1&b=2", "Hi <b>all</b>"),
            c(
                "Mallory\" onmouseover=\"alert(1)",
                "JaVaScRiPt:alert(document.cookie)",
                "<script>alert('x')</script>",
            ),
            c("Eve", "javascript&#58;alert(1)", ""),
            c("Bob", "", "5 > 3"),
        ];
        let expected = concat!(
            "<ul class=\"comments\">\n",
            "<li data-author=\"Ada\"><a href=\"https://ada.example/?a=1&amp;b=2\" ",
            "rel=\"nofollow ugc\">Ada</a>: Hi &lt;b&gt;all&lt;/b&gt;</li>\n",
            "<li data-author=\"Mallory&#x22;&#x20;onmouseover&#x3D;&#x22;alert&#x28;1&#x29;\">",
            "Mallory&quot; onmouseover=&quot;alert(1): ",
            "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</li>\n",
            "<li data-author=\"Eve\"><a href=\"javascript&amp;#58;alert(1)\" ",
            "rel=\"nofollow ugc\">Eve</a>: </li>\n",
            "<li data-author=\"Bob\">Bob: 5 &gt; 3</li>\n",
            "</ul>\n",
        );
        assert_eq!(render_comments(&comments), expected);
        assert_eq!(render_comments(&[]), "<ul class=\"comments\">\n</ul>\n");
    }
}
