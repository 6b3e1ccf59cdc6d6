//! # Authorization: roles, ownership, and the right status code
//!
//! Roadmap step: **Authorization / RBAC** (<https://roadmap.sh/backend>): who may do what,
//! to which object. Broken object- and function-level authorization are the top two
//! entries of the OWASP API Security Top 10.
//!
//! 1. `role_allows`: deny by default; list what each role MAY do. `Viewer`: `Read`.
//!    `Editor`: `Read`, `Create`, `Update`, `Delete`. `Admin`: all of these and
//!    `ManageUsers`. `Suspended`: nothing.
//! 2. `can`: the role must allow the action, and an action on a document needs that
//!    document, owned by the user, unless the user is an `Admin`.
//! 3. `handle`: no user: 401 with `WWW-Authenticate: Bearer`; the role does not allow the
//!    action: 403; a document that does not exist OR is someone else's: 404, so nobody
//!    learns which ids exist. Otherwise 200 (GET), 201 (POST) or 204 (PUT, DELETE). The
//!    user is the authenticated `user`, never an id the client sends (`X-User-Id`).
//!
//! Standards:
//! - <https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html>
//! - <https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/>
//! - <https://owasp.org/API-Security/editions/2023/en/0xa5-broken-function-level-authorization/>
//! - <https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2> (401; §15.5.4 403, §15.5.5 404)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use http::header::WWW_AUTHENTICATE;
use http::{Method, Request, Response, StatusCode};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Suspended,
    Viewer,
    Editor,
    Admin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    Create,
    Update,
    Delete,
    ManageUsers,
}
use Action::*;

pub struct User {
    pub id: u64,
    pub role: Role,
}

pub struct Document {
    pub owner: u64,
}

/// The action a request asks for, and the document id it targets, if any. `None`: no
/// such route (404).
pub fn route(method: &Method, path: &str) -> Option<(Action, Option<u64>)> {
    if path == "/admin/users" && method == Method::GET {
        return Some((ManageUsers, None));
    }
    if path == "/docs" && method == Method::POST {
        return Some((Create, None));
    }
    let id = path.strip_prefix("/docs/")?;
    // The round trip refuses `01` and `+1`, which `parse` accepts.
    let id = id.parse::<u64>().ok().filter(|n| n.to_string() == id)?;
    let action = match *method {
        Method::GET => Read,
        Method::PUT => Update,
        Method::DELETE => Delete,
        _ => return None,
    };
    Some((action, Some(id)))
}

pub fn role_allows(role: Role, action: Action) -> bool {
    // TODO: for each role, the list of actions it MAY do (see the doc comment); anything
    // not listed is denied.
    todo!()
}

pub fn can(user: &User, action: Action, document: Option<&Document>) -> bool {
    // TODO: the role must allow the action. Read, Update and Delete also need the
    // document, owned by `user` unless the user is an Admin.
    todo!()
}

pub fn handle(
    req: &Request<()>,
    user: Option<&User>,
    documents: &BTreeMap<u64, Document>,
) -> Response<()> {
    // TODO: `route` (no route: 404), then in this order: no user: 401 with
    // `WWW-Authenticate: Bearer`; `role_allows` says no: 403; `can` says no: 404;
    // else 201 for Create, 204 for Update and Delete, 200 for the rest.
    todo!()
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use Role::*;

    const ACTIONS: [Action; 5] = [Read, Create, Update, Delete, ManageUsers];

    #[test]
    fn roles_allow_only_what_they_list() {
        #[rustfmt::skip]
        let matrix = [
            (Suspended, [false, false, false, false, false]),
            (Viewer,    [true,  false, false, false, false]),
            (Editor,    [true,  true,  true,  true,  false]),
            (Admin,     [true,  true,  true,  true,  true]),
        ];
        for (role, allowed) in matrix {
            for (action, expected) in ACTIONS.into_iter().zip(allowed) {
                assert_eq!(role_allows(role, action), expected, "{role:?} {action:?}");
            }
        }
    }

    #[test]
    fn documents_need_ownership_unless_admin() {
        let (mine, theirs) = (Document { owner: 1 }, Document { owner: 2 });
        #[rustfmt::skip]
        let cases = [
            // role, action, document: none, mine, someone else's
            (Editor, Read, [false, true, false]),
            (Editor, Update, [false, true, false]),
            (Editor, Delete, [false, true, false]),
            (Editor, Create, [true, true, true]),
            (Viewer, Read, [false, true, false]),
            (Viewer, Delete, [false, false, false]),
            (Admin, Read, [false, true, true]),
            (Admin, Delete, [false, true, true]),
            (Admin, ManageUsers, [true, true, true]),
            (Editor, ManageUsers, [false, false, false]),
            (Suspended, Read, [false, false, false]),
        ];
        for (role, action, expected) in cases {
            let user = User { id: 1, role };
            let got = [None, Some(&mine), Some(&theirs)].map(|doc| can(&user, action, doc));
            assert_eq!(got, expected, "{role:?} {action:?} (none, mine, theirs)");
        }
    }

    fn status(method: &str, path: &str, user: Option<&User>) -> u16 {
        let documents = BTreeMap::from([(10, Document { owner: 1 }), (20, Document { owner: 2 })]);
        // A client-supplied id (bob's): only the authenticated `user` counts.
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header("X-User-Id", "2");
        let req = req.body(()).unwrap();
        let res = handle(&req, user, &documents);
        if res.status() == StatusCode::UNAUTHORIZED {
            assert_eq!(res.headers()[WWW_AUTHENTICATE], "Bearer");
        }
        res.status().as_u16()
    }

    #[test]
    fn http_401_403_404() {
        let user = |id, role| User { id, role };
        let (alice, vera) = (user(1, Editor), user(1, Viewer));
        let (root, gone) = (user(9, Admin), user(1, Suspended));
        #[rustfmt::skip]
        let cases = [
            ("GET", "/docs/10", None, 401),
            ("GET", "/admin/users", None, 401),
            ("GET", "/docs/10", Some(&alice), 200),
            ("PUT", "/docs/10", Some(&alice), 204),
            ("DELETE", "/docs/10", Some(&alice), 204),
            ("POST", "/docs", Some(&alice), 201),
            ("GET", "/docs/20", Some(&alice), 404),    // bob's: hidden
            ("DELETE", "/docs/20", Some(&alice), 404), // bob's: hidden
            ("GET", "/docs/30", Some(&alice), 404),    // missing: the same answer
            ("GET", "/admin/users", Some(&alice), 403),
            ("DELETE", "/docs/10", Some(&vera), 403),  // her own, but viewers cannot delete
            ("DELETE", "/docs/20", Some(&vera), 403),  // 403 without looking at the document
            ("POST", "/docs", Some(&vera), 403),
            ("GET", "/docs/10", Some(&gone), 403),
            ("GET", "/docs/20", Some(&root), 200),
            ("DELETE", "/docs/20", Some(&root), 204),
            ("GET", "/admin/users", Some(&root), 200),
            ("GET", "/docs/010", Some(&alice), 404),
            ("POST", "/docs/10", Some(&alice), 404),
        ];
        for (method, path, user, expected) in cases {
            let who = user.map(|u| u.role);
            assert_eq!(
                status(method, path, user),
                expected,
                "{method} {path} as {who:?}"
            );
        }
    }
}
