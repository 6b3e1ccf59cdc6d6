//! # JSON input validation and problem details
//!
//! Roadmap step: **JSON APIs** (<https://roadmap.sh/backend>): accept only the input
//! you expect; tell the client what is wrong, not how your server works.
//!
//! 1. Make `CreateUser` refuse unknown members: `{"isAdmin":true}` must never reach
//!    the model (mass assignment).
//! 2. `is_plausible_email`: the simple rule documented on it (not RFC 5322).
//! 3. `CreateUser::validate`: return ALL the errors, in the order email, name, age.
//! 4. `problem`: an `application/problem+json` response for a problem type.
//! 5. `create_user` (the body of `POST /users`): not JSON → 400 `MalformedJson`; JSON
//!    of the wrong shape (unknown, missing or duplicate member, wrong type) → 400
//!    `InvalidBody`; invalid values → 422 `Validation`; else 201 with the user as
//!    `application/json`. serde's messages (`line 1 column 7`, type names) stay here.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc9457#section-3> (problem details, `errors`)
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-15.5.21> (422 Unprocessable Content)
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Input_Validation_Cheat_Sheet.html>
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub const EMAIL_INVALID: &str = "must be an email address such as name@example.com";
pub const NAME_BLANK: &str = "must not be blank";
pub const NAME_TOO_LONG: &str = "must be at most 100 characters";
pub const AGE_OUT_OF_RANGE: &str = "must be between 13 and 150";

/// The only members a client may send. Anything else (`isAdmin`, `role`, `id`) is
/// refused, not silently dropped.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub email: String,
    pub name: String,
    /// `i64`, not `u8`: an age of -1 or 300 must reach `validate` (a 422 naming the
    /// field) instead of failing inside serde (a 400).
    pub age: i64,
}

/// `(pointer, detail)`: an entry of the `errors` extension member. RFC 9457 §3
/// points at the member with a JSON Pointer in URI fragment form, such as `#/age`.
pub type FieldError = (&'static str, &'static str);

pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Value,
}

pub enum ProblemType {
    MalformedJson,
    InvalidBody,
    Validation,
}

impl ProblemType {
    /// `(status, type, title, detail)`: fixed texts that we wrote, never serde's.
    #[rustfmt::skip]
    pub fn parts(self) -> (u16, &'static str, &'static str, &'static str) {
        match self {
            ProblemType::MalformedJson => (400, "https://example.com/problems/malformed-json",
                "Malformed JSON", "The request body is not valid JSON."),
            ProblemType::InvalidBody => (400, "https://example.com/problems/invalid-body",
                "Invalid request body", "Send an object with exactly email, name and age."),
            ProblemType::Validation => (422, "https://example.com/problems/validation-error",
                "Your request is not valid.", "Some fields are invalid; see errors."),
        }
    }
}

/// The rule this API documents (deliberately simpler than RFC 5322):
/// 1. at most 254 bytes, with no whitespace or control character anywhere;
/// 2. exactly one `@`, with something before it;
/// 3. after it, a domain of at least two labels separated by `.`, none of them empty
///    (`example.com`, not `localhost`, `.com`, `example.` or `example..com`).
pub fn is_plausible_email(email: &str) -> bool {
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
}

impl CreateUser {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut fail = |pointer, detail| errors.push((pointer, detail));
        if !is_plausible_email(&self.email) {
            fail("#/email", EMAIL_INVALID);
        }
        // `len()` counts UTF-8 bytes: "é" is 2 of them, but one character.
        if self.name.trim().is_empty() {
            fail("#/name", NAME_BLANK);
        } else if self.name.chars().count() > 100 {
            fail("#/name", NAME_TOO_LONG);
        }
        if !(13..=150).contains(&self.age) {
            fail("#/age", AGE_OUT_OF_RANGE);
        }
        errors
    }
}

/// `{"type","title","status","detail"}`, plus `errors` only when there are some.
pub fn problem(kind: ProblemType, errors: Vec<FieldError>) -> Response {
    let (status, type_uri, title, detail) = kind.parts();
    let mut body = json!({ "type": type_uri, "title": title, "status": status, "detail": detail });
    if !errors.is_empty() {
        let errors = errors
            .iter()
            .map(|(p, d)| json!({ "pointer": p, "detail": d }));
        body["errors"] = errors.collect();
    }
    // Not `application/json`: this media type tells clients how to read the body.
    let content_type = "application/problem+json";
    Response {
        status,
        content_type,
        body,
    }
}

pub fn create_user(body: &[u8]) -> Response {
    let user: CreateUser = match serde_json::from_slice(body) {
        Ok(user) => user,
        // Data errors: valid JSON that does not fit `CreateUser`. Syntax and EOF
        // errors: not JSON at all. serde's message (positions, Rust type and field
        // names) may go to our logs, never to the client.
        Err(e) if e.is_data() => return problem(ProblemType::InvalidBody, vec![]),
        Err(_) => return problem(ProblemType::MalformedJson, vec![]),
    };
    let errors = user.validate();
    if !errors.is_empty() {
        return problem(ProblemType::Validation, errors);
    }
    let body = serde_json::to_value(&user).expect("a CreateUser always serializes");
    let (status, content_type) = (201, "application/json");
    Response {
        status,
        content_type,
        body,
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use ProblemType::*;

    fn user(email: &str, name: &str, age: i64) -> Vec<u8> {
        let user = json!({ "email": email, "name": name, "age": age });
        user.to_string().into_bytes()
    }

    /// `create_user(body)` must answer exactly `problem(kind, errors)` and leak nothing.
    fn expect(body: &[u8], kind: ProblemType, errors: &[FieldError]) {
        let (input, resp) = (String::from_utf8_lossy(body), create_user(body));
        let text = resp.body.to_string();
        for leak in "line|column|CreateUser|i64|invalid type|field `|EOF".split('|') {
            assert!(!text.contains(leak), "{input:?} leaks {leak:?}: {text}");
        }
        let expected = problem(kind, errors.to_vec());
        assert_eq!(resp.status, expected.status, "{input:?}: {text}");
        assert_eq!(resp.content_type, "application/problem+json", "{input:?}");
        assert_eq!(resp.body, expected.body, "{input:?}");
    }

    #[test]
    fn a_valid_user_is_created() {
        let resp = create_user(&user("ada@example.com", "Ada Lovelace", 36));
        assert_eq!((resp.status, resp.content_type), (201, "application/json"));
        let expected = json!({ "email": "ada@example.com", "name": "Ada Lovelace", "age": 36 });
        assert_eq!(resp.body, expected);
    }

    #[test]
    fn problem_details_follow_rfc_9457() {
        let ct = "application/problem+json";
        let resp = create_user(b"{");
        let body = json!({"type": "https://example.com/problems/malformed-json",
            "title": "Malformed JSON", "status": 400,
            "detail": "The request body is not valid JSON."});
        let got = (resp.status, resp.content_type, resp.body);
        assert_eq!(got, (400, ct, body), "no `errors` when there are none");
        let resp = create_user(&user("ada@example.com", "Ada", 151));
        let body = json!({"type": "https://example.com/problems/validation-error",
            "title": "Your request is not valid.", "status": 422,
            "detail": "Some fields are invalid; see errors.",
            "errors": [{"pointer": "#/age", "detail": "must be between 13 and 150"}]});
        assert_eq!((resp.status, resp.content_type, resp.body), (422, ct, body));
    }

    #[test]
    fn malformed_json_is_400() {
        #[rustfmt::skip]
        let bodies: [&[u8]; 8] = [b"", b"{", b"{\"email\":", b"{\"email\":\"ada@example.com\",}",
            b"{'email':'ada@example.com'}", b"{\"age\":NaN}", b"{\"name\":\"\xff\"}",
            br#"{"email":"ada@example.com","name":"Ada","age":36} {}"#];
        for body in bodies {
            expect(body, MalformedJson, &[]);
        }
    }

    #[test]
    fn unknown_members_and_wrong_shapes_are_400() {
        for body in [
            r#"{"isAdmin":true}"#,
            r#"{"email":"ada@example.com","name":"Ada","age":36,"isAdmin":true}"#,
            r#"{"email":"ada@example.com","name":"Ada","age":36,"role":"admin"}"#,
            r#"{"Email":"ada@example.com","name":"Ada","age":36}"#,
            r#"{"email":"ada@example.com","name":"Ada","age":"36"}"#,
            r#"{"email":"ada@example.com","name":"Ada","age":36.5}"#,
            r#"{"email":"ada@example.com","name":null,"age":36}"#,
            r#"{"email":"ada@example.com","name":"Ada"}"#,
            r#"{"email":"a@example.com","email":"ada@example.com","name":"Ada","age":36}"#,
            r#"[{"email":"ada@example.com","name":"Ada","age":36}]"#,
            r#"null"#,
        ] {
            expect(body.as_bytes(), InvalidBody, &[]);
        }
    }

    #[test]
    fn every_semantic_error_is_reported_with_422() {
        #[rustfmt::skip]
        let all = [("#/email", EMAIL_INVALID), ("#/name", NAME_BLANK), ("#/age", AGE_OUT_OF_RANGE)];
        expect(&user("not-an-email", "", 7), Validation, &all);
        expect(&user("ada@example.com", "Ada", -1), Validation, &all[2..]);
        expect(&user("ada@", " \t ", 36), Validation, &all[..2]);
        #[rustfmt::skip]
        let ages = [(12, 422), (13, 201), (150, 201), (151, 422), (i64::MIN, 422)];
        for (age, status) in ages {
            let resp = create_user(&user("ada@example.com", "Ada", age));
            assert_eq!(resp.status, status, "age {age}: {}", resp.body);
        }
    }

    #[test]
    fn names_are_counted_in_characters() {
        #[rustfmt::skip]
        let ok = ["A".to_string(), "a".repeat(100), "é".repeat(100), "🦀".repeat(100)];
        for name in ok {
            let resp = create_user(&user("ada@example.com", &name, 36));
            let bytes = name.len();
            assert_eq!(resp.status, 201, "{name:?} ({bytes} bytes): {}", resp.body);
        }
        for name in ["a".repeat(101), "é".repeat(101), "🦀".repeat(101)] {
            let body = user("ada@example.com", &name, 36);
            expect(&body, Validation, &[("#/name", NAME_TOO_LONG)]);
        }
    }

    #[test]
    fn email_rule() {
        #[rustfmt::skip]
        let good = ["ada@example.com", "a.b+tag@mail.example.org", "x@y.z", "名@例え.jp"];
        for email in good {
            assert!(is_plausible_email(email), "{email:?} should be accepted");
        }
        let longest = format!("{}@example.com", "a".repeat(242));
        assert!(is_plausible_email(&longest), "254 bytes are accepted");
        let too_long = format!("a{longest}");
        #[rustfmt::skip]
        let bad = ["", "ada", "@example.com", "ada@", "ada@example", "ada@@example.com",
            "ada@exa@mple.com", "ada @example.com", "ada@example.com\n", "ada@.example.com",
            "ada@example..com", "ada@example.com.", "ada\u{0}@example.com", &too_long];
        for email in bad {
            assert!(!is_plausible_email(email), "{email:?} should be rejected");
        }
    }
}
