//! # Health checks: liveness and readiness
//!
//! Roadmap step: **Observability: health checks** (<https://roadmap.sh/backend>): an
//! orchestrator restarts a process whose liveness probe fails, and a load balancer stops
//! sending traffic to one whose readiness probe fails. Mixing the two up turns a database
//! outage into every instance restarting in a loop.
//!
//! 1. `verdict`: a dependency that answered is `Pass`; one that did not is `Fail` when the
//!    service cannot work without it (`critical`), `Warn` when it can, degraded.
//! 2. `health_response`: the body as `application/health+json`, with
//!    `Cache-Control: no-store` (a probe must see now, not a cached pass); 200 for `pass`
//!    and `warn`, 503 for `fail`.
//! 3. `livez`: the process is up: always `{"status":"pass"}`. It never asks a dependency:
//!    a database outage must not get every instance restarted.
//! 4. `readyz`: while `Starting` or `Draining` the answer is `fail` at once, with the phase
//!    (`"starting"`, `"draining"`) as `output`, and no probe runs. While `Serving`, run
//!    each probe once; `checks` maps each dependency's key to a one-element array of
//!    `{"componentType", "status", "output"}` (`output`, the probe's error, only when it
//!    did not pass); the overall `status` is the worst verdict.
//!
//! Standards:
//! - <https://datatracker.ietf.org/doc/html/draft-inadarei-api-health-check-06#section-3>
//!   (§3.1 status and HTTP codes, §3.5 output, §4 the checks object)
//! - <https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/>
//! - <https://kubernetes.io/docs/reference/using-api/health-checks/> (`/livez`, `/readyz`)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use serde_json::{json, Map, Value};
use std::cell::Cell;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Still connecting, warming caches, running migrations.
    Starting,
    Serving,
    /// Shutting down: finishing the requests in flight, taking no new ones.
    Draining,
}

/// A verdict, from best to worst: `Pass < Warn < Fail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Pass,
    Warn,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

pub struct Dependency {
    /// The key in `checks`: `componentName:measurementName`, e.g. `postgres:connections`.
    pub key: &'static str,
    /// `componentType`: `datastore`, `component` or `system`.
    pub component_type: &'static str,
    /// Without it the service cannot serve a single request.
    pub critical: bool,
    /// Asks the dependency (a `SELECT 1`, a `PING`); `Err` says what went wrong.
    pub probe: Box<dyn Fn() -> Result<(), String>>,
}

pub fn verdict(critical: bool, probed: &Result<(), String>) -> Status {
    // TODO: pass, or what a failed dependency means for the service.
    todo!()
}

pub fn health_response(status: Status, body: &Value) -> Response<Vec<u8>> {
    // TODO: the JSON body, the status code for `status`, the two headers.
    todo!()
}

pub struct Health {
    /// The server moves it: `Serving` once started, `Draining` on SIGTERM.
    pub phase: Cell<Phase>,
    dependencies: Vec<Dependency>,
}

impl Health {
    pub fn new(dependencies: Vec<Dependency>) -> Self {
        let phase = Cell::new(Phase::Starting);
        Health {
            phase,
            dependencies,
        }
    }

    /// The router: `GET /livez` and `GET /readyz`.
    pub fn handle(&self, req: &Request<()>) -> Response<Vec<u8>> {
        match (req.method(), req.uri().path()) {
            (&Method::GET, "/livez") => self.livez(),
            (&Method::GET, "/readyz") => self.readyz(),
            _ => {
                let mut res = Response::new(Vec::new());
                *res.status_mut() = StatusCode::NOT_FOUND;
                res
            }
        }
    }

    pub fn livez(&self) -> Response<Vec<u8>> {
        // TODO: the process is up; nothing else is asked.
        todo!()
    }

    pub fn readyz(&self) -> Response<Vec<u8>> {
        // TODO: fail at once unless serving; else probe each dependency once, and answer
        // the worst verdict with the `checks` object.
        todo!()
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    /// A dependency whose state the test sets, and that counts the probes it answers.
    #[derive(Default)]
    struct Fake {
        down: Cell<Option<&'static str>>,
        probes: Cell<u32>,
    }

    fn dependency(key: &'static str, critical: bool, fake: &Rc<Fake>) -> Dependency {
        let fake = Rc::clone(fake);
        let probe = Box::new(move || {
            fake.probes.set(fake.probes.get() + 1);
            fake.down.get().map_or(Ok(()), |why| Err(why.to_string()))
        });
        let component_type = "datastore";
        Dependency {
            key,
            component_type,
            critical,
            probe,
        }
    }

    /// A service that needs its database and can do without its cache.
    fn service() -> (Health, Rc<Fake>, Rc<Fake>) {
        let (db, cache) = (Rc::new(Fake::default()), Rc::new(Fake::default()));
        let health = Health::new(vec![
            dependency("postgres:connections", true, &db),
            dependency("redis:responseTime", false, &cache),
        ]);
        (health, db, cache)
    }

    fn get(health: &Health, path: &str) -> (u16, String) {
        let res = health.handle(&Request::get(path).body(()).unwrap());
        let body = String::from_utf8(res.body().clone()).unwrap();
        (res.status().as_u16(), body)
    }

    #[test]
    fn readiness_follows_the_state_of_the_dependencies() {
        let (health, db, cache) = service();
        health.phase.set(Phase::Serving);
        #[rustfmt::skip]
        let table = [
            // database down?  cache down?       code  status
            (None,             None,             200, "\"status\":\"pass\""),
            (None,             Some("timeout"),  200, "\"status\":\"warn\""),
            (Some("refused"),  None,             503, "\"status\":\"fail\""),
            (Some("refused"),  Some("timeout"),  503, "\"status\":\"fail\""),
        ];
        for (db_down, cache_down, code, status) in table {
            db.down.set(db_down);
            cache.down.set(cache_down);
            let (got_code, body) = get(&health, "/readyz");
            let state = format!("database {db_down:?}, cache {cache_down:?}: {body}");
            assert_eq!(got_code, code, "{state}");
            assert!(body.ends_with(&format!("{status}}}")), "{state}");
        }
        let probes = (db.probes.get(), cache.probes.get());
        assert_eq!(probes, (4, 4), "each request probes each dependency once");
    }

    #[test]
    fn the_body_lists_every_check_with_the_output_of_the_failed_ones() {
        let (health, _db, cache) = service();
        health.phase.set(Phase::Serving);
        cache.down.set(Some("no reply within 200 ms"));
        let expected = concat!(
            r#"{"checks":{"#,
            r#""postgres:connections":[{"componentType":"datastore","status":"pass"}],"#,
            r#""redis:responseTime":[{"componentType":"datastore","#,
            r#""output":"no reply within 200 ms","status":"warn"}]"#,
            r#"},"status":"warn"}"#,
        );
        assert_eq!(get(&health, "/readyz"), (200, expected.to_string()));
    }

    #[test]
    fn not_ready_while_starting_or_draining_and_nothing_is_probed() {
        let (health, db, cache) = service();
        let starting = r#"{"output":"starting","status":"fail"}"#.to_string();
        assert_eq!(
            get(&health, "/readyz"),
            (503, starting),
            "a new Health starts"
        );
        health.phase.set(Phase::Draining);
        let draining = r#"{"output":"draining","status":"fail"}"#.to_string();
        assert_eq!(get(&health, "/readyz"), (503, draining));
        assert_eq!((db.probes.get(), cache.probes.get()), (0, 0), "no probe");
    }

    #[test]
    fn liveness_passes_in_every_phase_and_never_asks_a_dependency() {
        let (health, db, cache) = service();
        db.down.set(Some("refused"));
        cache.down.set(Some("refused"));
        for phase in [Phase::Starting, Phase::Serving, Phase::Draining] {
            health.phase.set(phase);
            let pass = r#"{"status":"pass"}"#.to_string();
            assert_eq!(get(&health, "/livez"), (200, pass), "{phase:?}");
        }
        assert_eq!((db.probes.get(), cache.probes.get()), (0, 0), "no probe");
    }

    #[test]
    fn every_answer_is_health_json_and_never_cached() {
        let (health, db, _cache) = service();
        let mut answers = vec![health.livez(), health.readyz()];
        health.phase.set(Phase::Serving);
        answers.push(health.readyz());
        db.down.set(Some("refused"));
        answers.push(health.readyz());
        for res in answers {
            let header = |name| res.headers().get(name).map(|v| v.to_str().unwrap());
            assert_eq!(header(CONTENT_TYPE), Some("application/health+json"));
            assert_eq!(
                header(CACHE_CONTROL),
                Some("no-store"),
                "a proxy must not cache it"
            );
        }
    }

    #[test]
    fn verdicts_and_status_codes() {
        let down = Err("refused".to_string());
        #[rustfmt::skip]
        let table = [
            (true, Ok(()), Status::Pass, 200),
            (false, Ok(()), Status::Pass, 200),
            (true, down.clone(), Status::Fail, 503), // the service cannot work
            (false, down, Status::Warn, 200),         // degraded, still serving
        ];
        for (critical, probed, status, code) in table {
            assert_eq!(verdict(critical, &probed), status, "{critical} {probed:?}");
            let res = health_response(status, &json!({ "status": status.as_str() }));
            assert_eq!(res.status().as_u16(), code, "{status:?}");
        }
    }

    #[test]
    fn only_get_livez_and_get_readyz_are_served() {
        let (health, _db, _cache) = service();
        assert_eq!(get(&health, "/healthz").0, 404);
        assert_eq!(get(&health, "/livez/x").0, 404);
        let post = Request::post("/livez").body(()).unwrap();
        assert_eq!(health.handle(&post).status(), StatusCode::NOT_FOUND);
    }
}
