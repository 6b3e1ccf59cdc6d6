//! # JSON Merge Patch and read-only members
//!
//! Roadmap step: **JSON APIs** (<https://roadmap.sh/backend>): partial updates with
//! `PATCH` and an `application/merge-patch+json` body.
//!
//! A merge patch looks like the document it changes: a member with a value sets it,
//! a member with `null` deletes it, objects are merged member by member, and anything
//! else (arrays too) replaces the target as a whole. Your job:
//!
//! 1. `merge_patch`: the algorithm of RFC 7396 §2, on `serde_json::Value`.
//! 2. `apply_patch`, the handler of `PATCH /articles/{id}`: 415 unless the body is a
//!    merge patch (`is_merge_patch`); 400 when the body is not JSON; 422 when the
//!    result changes `id` or `createdAt` (removing one counts as a change), checked in
//!    that order; 422 when the result is not a valid `Article` any more. A patch that
//!    repeats the current value of a read-only member changes nothing, so it is
//!    accepted: clients may send back the document they fetched.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc7396#section-2> (processing merge patches)
//! - <https://www.rfc-editor.org/rfc/rfc7396#appendix-A> (the examples in the tests)
//! - <https://www.rfc-editor.org/rfc/rfc5789#section-2.2> (PATCH error handling)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Members that the server sets and a client may never change.
pub const READ_ONLY: [&str; 2] = ["id", "createdAt"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Article {
    pub id: u64,
    pub created_at: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum PatchError {
    UnsupportedMediaType,
    MalformedPatch,
    ReadOnlyMember(&'static str),
    InvalidResult,
}

impl PatchError {
    pub fn status(&self) -> u16 {
        match self {
            PatchError::UnsupportedMediaType => 415,
            PatchError::MalformedPatch => 400,
            PatchError::ReadOnlyMember(_) | PatchError::InvalidResult => 422,
        }
    }
}

/// `application/merge-patch+json`, compared case-insensitively, parameters ignored.
pub fn is_merge_patch(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/merge-patch+json")
}

pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        // Not an object (arrays included): the patch replaces the target.
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let target = target.as_object_mut().expect("made an object just above");
    for (name, value) in patch {
        if value.is_null() {
            target.remove(name);
        } else {
            // A missing member starts as null, so a nested patch is merged into `{}`
            // and its own nulls disappear (the last example of Appendix A).
            merge_patch(target.entry(name.as_str()).or_insert(Value::Null), value);
        }
    }
}

pub fn apply_patch(
    article: &Article,
    content_type: &str,
    body: &[u8],
) -> Result<Article, PatchError> {
    if !is_merge_patch(content_type) {
        return Err(PatchError::UnsupportedMediaType);
    }
    let patch: Value = serde_json::from_slice(body).map_err(|_| PatchError::MalformedPatch)?;
    let before = serde_json::to_value(article).expect("an Article always serializes");
    let mut after = before.clone();
    merge_patch(&mut after, &patch);
    // Compare results, not the patch: `{"id":1}` on article 1 changes nothing, while
    // a `null` or `[]` patch replaces the whole document and so removes `id`.
    for member in READ_ONLY {
        if after.get(member) != before.get(member) {
            return Err(PatchError::ReadOnlyMember(member));
        }
    }
    serde_json::from_value(after).map_err(|_| PatchError::InvalidResult)
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::from_str;
    use PatchError::*;

    /// RFC 7396 Appendix A: (original, patch, result), all 15 rows.
    #[rustfmt::skip]
    const APPENDIX_A: [(&str, &str, &str); 15] = [
        (r#"{"a":"b"}"#, r#"{"a":"c"}"#, r#"{"a":"c"}"#),
        (r#"{"a":"b"}"#, r#"{"b":"c"}"#, r#"{"a":"b","b":"c"}"#),
        (r#"{"a":"b"}"#, r#"{"a":null}"#, r#"{}"#),
        (r#"{"a":"b","b":"c"}"#, r#"{"a":null}"#, r#"{"b":"c"}"#),
        (r#"{"a":["b"]}"#, r#"{"a":"c"}"#, r#"{"a":"c"}"#),
        (r#"{"a":"c"}"#, r#"{"a":["b"]}"#, r#"{"a":["b"]}"#),
        (r#"{"a":{"b":"c"}}"#, r#"{"a":{"b":"d","c":null}}"#, r#"{"a":{"b":"d"}}"#),
        (r#"{"a":[{"b":"c"}]}"#, r#"{"a":[1]}"#, r#"{"a":[1]}"#),
        (r#"["a","b"]"#, r#"["c","d"]"#, r#"["c","d"]"#),
        (r#"{"a":"b"}"#, r#"["c"]"#, r#"["c"]"#),
        (r#"{"a":"foo"}"#, r#"null"#, r#"null"#),
        (r#"{"a":"foo"}"#, r#""bar""#, r#""bar""#),
        (r#"{"e":null}"#, r#"{"a":1}"#, r#"{"e":null,"a":1}"#),
        (r#"[1,2]"#, r#"{"a":"b","c":null}"#, r#"{"a":"b"}"#),
        (r#"{}"#, r#"{"a":{"bb":{"ccc":null}}}"#, r#"{"a":{"bb":{}}}"#),
    ];

    fn json(text: &str) -> Value {
        from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn article() -> Article {
        Article {
            id: 1,
            created_at: "2024-05-01T12:00:00Z".to_string(),
            title: "Hello".to_string(),
            summary: Some("A first post".to_string()),
            tags: vec!["intro".to_string()],
        }
    }

    fn patch(body: &str) -> Result<Article, PatchError> {
        apply_patch(&article(), "application/merge-patch+json", body.as_bytes())
    }

    #[test]
    fn rfc7396_appendix_a() {
        for (original, patch, result) in APPENDIX_A {
            let mut target = json(original);
            merge_patch(&mut target, &json(patch));
            assert_eq!(target, json(result), "{original} patched with {patch}");
        }
    }

    #[test]
    fn patching_an_article() {
        let body = r#"{"title":"Hello, world","summary":null,"tags":["rust","json"]}"#;
        let expected = Article {
            title: "Hello, world".to_string(),
            summary: None,
            tags: vec!["rust".to_string(), "json".to_string()],
            ..article()
        };
        assert_eq!(patch(body), Ok(expected), "{body}");
        assert_eq!(patch("{}"), Ok(article()), "an empty patch changes nothing");
        let no_tags = Article {
            tags: vec![],
            ..article()
        };
        assert_eq!(patch(r#"{"tags":null}"#), Ok(no_tags), "deleted tags");
    }

    #[test]
    fn read_only_members_cannot_change() {
        let same = r#"{"id":1,"createdAt":"2024-05-01T12:00:00Z","title":"Bye"}"#;
        let expected = Article {
            title: "Bye".to_string(),
            ..article()
        };
        assert_eq!(patch(same), Ok(expected), "no change: {same}");
        for (body, member) in [
            (r#"{"id":2}"#, "id"),
            (r#"{"id":"1"}"#, "id"),
            (r#"{"id":null}"#, "id"),
            (r#"{"createdAt":"2020-01-01T00:00:00Z"}"#, "createdAt"),
            (r#"{"createdAt":null}"#, "createdAt"),
            (r#"{"id":2,"createdAt":null}"#, "id"),
            ("null", "id"),
            ("[]", "id"),
            (r#""Bye""#, "id"),
        ] {
            let err = patch(body).expect_err(body);
            assert_eq!(err, ReadOnlyMember(member), "{body}");
            assert_eq!(err.status(), 422, "{body}");
        }
    }

    #[test]
    fn results_that_are_not_articles_are_422() {
        for body in [
            r#"{"title":null}"#,
            r#"{"title":42}"#,
            r#"{"tags":"rust"}"#,
            r#"{"tags":[1]}"#,
            r#"{"author":"Ada"}"#,
        ] {
            assert_eq!(patch(body), Err(InvalidResult), "{body}");
        }
    }

    #[test]
    fn media_type_and_syntax_are_checked_first() {
        #[rustfmt::skip]
        let accepted = ["application/merge-patch+json; charset=utf-8", "Application/Merge-Patch+JSON"];
        for ct in accepted {
            let result = apply_patch(&article(), ct, br#"{"title":"Bye"}"#);
            assert!(result.is_ok(), "{ct:?}: {result:?}");
        }
        #[rustfmt::skip]
        let refused = ["application/json", "application/json-patch+json", "text/plain", ""];
        for ct in refused {
            let result = apply_patch(&article(), ct, b"{not json");
            assert_eq!(result, Err(UnsupportedMediaType), "{ct:?}");
        }
        #[rustfmt::skip]
        let bodies: [&[u8]; 5] = [b"", b"{", br#"{"title":"Bye",}"#, b"{'title':'Bye'}",
            b"{\"title\":\"\xff\"}"];
        for body in bodies {
            let result = apply_patch(&article(), "application/merge-patch+json", body);
            let input = String::from_utf8_lossy(body);
            assert_eq!(result, Err(MalformedPatch), "{input:?}");
        }
    }
}
