//! # JSON with serde: field names, optional fields, defaults and tagged enums
//!
//! Roadmap step: **JSON APIs** (<https://roadmap.sh/backend>): the shape of the JSON
//! an API sends and accepts, mapped onto Rust types with serde's derive.
//!
//! Rust fields are `snake_case`; the JSON of most public APIs is `camelCase`. Nothing
//! here needs hand-written code: add serde attributes so that
//!
//! 1. `UserDto` is written with camelCase names (`userId`, `displayName`, ...);
//! 2. `UserDto::avatar_url` is left out of the JSON when it is `None` (no `null`);
//! 3. a missing `roles` reads as an empty list, while `userId` and `displayName` stay
//!    required;
//! 4. `Event` is an internally tagged enum: `{"type":"user_created","userId":7,...}`,
//!    with snake_case tag values and camelCase field names.
//!
//! Standards:
//! - <https://www.rfc-editor.org/rfc/rfc8259#section-4> (JSON objects)
//! - <https://serde.rs/attributes.html> (container and field attributes)
//! - <https://serde.rs/enum-representations.html> (internally tagged enums)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserDto {
    pub user_id: u64,
    pub display_name: String,
    // `Option` fields already read a missing member as `None`; this makes the writer
    // omit the member instead of sending `"avatarUrl":null`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    // A missing list is an empty one (`Vec::default()`). It is still always written,
    // so clients can rely on the member being there.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// Domain events as they are published to other services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// `rename_all` renames the variants (the tag values); `rename_all_fields` renames the
// fields inside every struct variant.
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum Event {
    UserCreated { user_id: u64, display_name: String },
    EmailChanged { user_id: u64, new_email: String },
    UserDeleted { user_id: u64 },
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{from_str, to_string};

    fn parse<T: serde::de::DeserializeOwned>(json: &str) -> T {
        from_str(json).unwrap_or_else(|e| panic!("{json} should parse: {e}"))
    }

    fn ada() -> UserDto {
        UserDto {
            user_id: 7,
            display_name: "Ada Lovelace".to_string(),
            avatar_url: None,
            roles: vec!["admin".to_string()],
        }
    }

    #[test]
    fn user_is_written_in_camel_case_without_a_null_avatar() {
        assert_eq!(
            to_string(&ada()).unwrap(),
            r#"{"userId":7,"displayName":"Ada Lovelace","roles":["admin"]}"#
        );
        let with_avatar = UserDto {
            avatar_url: Some("https://example.com/ada.png".to_string()),
            roles: vec![],
            ..ada()
        };
        assert_eq!(
            to_string(&with_avatar).unwrap(),
            r#"{"userId":7,"displayName":"Ada Lovelace","avatarUrl":"https://example.com/ada.png","roles":[]}"#,
            "an empty list is still written"
        );
    }

    #[test]
    fn users_round_trip() {
        let users = [
            ada(),
            UserDto {
                avatar_url: Some("https://example.com/ada.png".to_string()),
                ..ada()
            },
            UserDto {
                user_id: u64::MAX,
                display_name: "\"quotes\" and \u{e9}".to_string(),
                avatar_url: Some(String::new()),
                roles: vec![],
            },
        ];
        for user in users {
            let json = to_string(&user).unwrap();
            assert_eq!(parse::<UserDto>(&json), user, "{json}");
        }
    }

    #[test]
    fn missing_optional_fields_take_their_defaults() {
        let minimal = r#"{"userId":7,"displayName":"Ada Lovelace"}"#;
        let expected = UserDto {
            roles: vec![],
            ..ada()
        };
        assert_eq!(parse::<UserDto>(minimal), expected, "{minimal}");
        // An explicit null is `None` too, and unknown members are ignored here.
        let input = r#"{"userId":7,"displayName":"Ada Lovelace","avatarUrl":null,"theme":"dark"}"#;
        assert_eq!(parse::<UserDto>(input), expected, "{input}");
    }

    #[test]
    fn required_fields_stay_required() {
        for input in [
            r#"{"displayName":"Ada Lovelace"}"#,
            r#"{"userId":7}"#,
            r#"{"user_id":7,"display_name":"Ada Lovelace"}"#,
            r#"{"userId":"7","displayName":"Ada Lovelace"}"#,
            r#"{"userId":7,"displayName":null}"#,
        ] {
            assert!(
                from_str::<UserDto>(input).is_err(),
                "{input} must be rejected"
            );
        }
    }

    #[test]
    fn events_are_internally_tagged() {
        let cases = [
            (
                Event::UserCreated {
                    user_id: 7,
                    display_name: "Ada".to_string(),
                },
                r#"{"type":"user_created","userId":7,"displayName":"Ada"}"#,
            ),
            (
                Event::EmailChanged {
                    user_id: 7,
                    new_email: "ada@example.com".to_string(),
                },
                r#"{"type":"email_changed","userId":7,"newEmail":"ada@example.com"}"#,
            ),
            (
                Event::UserDeleted { user_id: 7 },
                r#"{"type":"user_deleted","userId":7}"#,
            ),
        ];
        for (event, json) in cases {
            assert_eq!(to_string(&event).unwrap(), json, "{event:?}");
            assert_eq!(parse::<Event>(json), event, "{json}");
        }
    }

    #[test]
    fn the_tag_may_come_anywhere_but_must_be_known() {
        let json = r#"{"userId":7,"type":"user_deleted"}"#;
        assert_eq!(
            parse::<Event>(json),
            Event::UserDeleted { user_id: 7 },
            "{json}"
        );
        for input in [
            r#"{"type":"UserDeleted","userId":7}"#,
            r#"{"type":"user_purged","userId":7}"#,
            r#"{"userId":7}"#,
            r#"{"type":"user_deleted","user_id":7}"#,
            r#"{"user_deleted":{"userId":7}}"#,
        ] {
            assert!(
                from_str::<Event>(input).is_err(),
                "{input} must be rejected"
            );
        }
    }
}
