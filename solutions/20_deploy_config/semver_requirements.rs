//! # Semantic versions and Cargo's version requirements
//!
//! Roadmap step: **CI/CD: releases and dependency versions** (<https://roadmap.sh/backend>):
//! a release number promises what changed (SemVer), and a dependency requirement such as
//! `serde = "1.0.200"` says which future releases a build may pick up. Getting either
//! wrong ships a breaking change in a patch, or a beta to production.
//!
//! 1. `numeric`: a SemVer number: ASCII digits, no leading zero (`0` itself is fine).
//! 2. `Version::parse`: `MAJOR.MINOR.PATCH`, then optionally `-` and dot-separated
//!    pre-release identifiers, then optionally `+` and dot-separated build identifiers.
//!    Identifiers are non-empty, of `[0-9A-Za-z-]`; an all-digit pre-release identifier
//!    is `Numeric` (and follows the no-leading-zero rule); build identifiers are kept as
//!    text (leading zeros allowed).
//! 3. `cmp_precedence`: SemVer §11: major, minor, patch numerically; then a version
//!    without pre-release is greater than one with; then the pre-release identifiers one
//!    by one (numbers numerically, below any text; text in ASCII order; a shorter list
//!    that is a prefix of the other is smaller). Build metadata is ignored.
//! 4. `expand`: what Cargo means by each requirement, as comparators on full versions
//!    (`lo` is the written version with 0 for the missing parts):
//!    - `=1.2.3`, `>1.2.3`, `>=1.2.3`, `<1.2.3`, `<=1.2.3`: one comparator, as written.
//!    - A partial version stands for its whole range: `=1.2` is `>=1.2.0, <1.3.0`, `=1`
//!      is `>=1.0.0, <2.0.0`; `>1.2` is `>=1.3.0`; `<=1.2` is `<1.3.0`; `>=1.2` is
//!      `>=1.2.0`; `<1.2` is `<1.2.0`.
//!    - `~`: `>=lo`, below the next minor (`~1.2.3`: `<1.3.0`), or the next major when
//!      only the major is given (`~1`: `<2.0.0`).
//!    - `^` (and a bare version): `>=lo`, below the next change of the first non-zero
//!      part written: `^1.2.3` is `<2.0.0`, `^0.2.3` is `<0.3.0`, `^0.0.3` is `<0.0.4`;
//!      a part not written counts as non-zero: `^0.0` is `<0.1.0`, `^0` is `<1.0.0`.
//! 5. `VersionReq::matches`: every comparator holds (by precedence), and a pre-release
//!    version is matched only if some comparator has a pre-release on the same
//!    `MAJOR.MINOR.PATCH`: `>=1.2.3-beta` may pick `1.2.3-rc.1`, never `1.3.0-alpha`.
//! 6. `max_satisfying`: the greatest version (by precedence) that matches.
//!
//! Standards:
//! - <https://semver.org/spec/v2.0.0.html#spec-item-9> (§9 pre-release, §10 build, §11
//!   precedence)
//! - <https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html#version-requirement-syntax>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::cmp::Ordering;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ident {
    Numeric(u64),
    Alpha(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: Vec<Ident>,
    pub build: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

fn error<T>(what: &str, text: &str) -> Result<T, ParseError> {
    Err(ParseError(format!("{what}: {text:?}")))
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

/// A number without leading zeros.
pub fn numeric(text: &str) -> Result<u64, ParseError> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !digits || (text.len() > 1 && text.starts_with('0')) {
        return error("not a number without leading zeros", text);
    }
    text.parse().or_else(|_| error("number too large", text))
}

/// Dot-separated identifiers: non-empty, of `[0-9A-Za-z-]`.
fn identifiers(text: &str) -> Result<Vec<&str>, ParseError> {
    let idents: Vec<&str> = text.split('.').collect();
    match idents
        .iter()
        .all(|i| !i.is_empty() && i.chars().all(is_ident_char))
    {
        true => Ok(idents),
        false => error("invalid identifier", text),
    }
}

impl Version {
    pub fn parse(text: &str) -> Result<Version, ParseError> {
        let (rest, build) = match text.split_once('+') {
            Some((rest, build)) => (rest, identifiers(build)?),
            None => (text, vec![]),
        };
        let (core, pre) = match rest.split_once('-') {
            Some((core, pre)) => (core, identifiers(pre)?),
            None => (rest, vec![]),
        };
        let pre = pre
            .into_iter()
            .map(|ident| match ident.bytes().all(|b| b.is_ascii_digit()) {
                true => numeric(ident).map(Ident::Numeric),
                false => Ok(Ident::Alpha(ident.to_string())),
            });
        let [major, minor, patch] = core.split('.').collect::<Vec<_>>()[..] else {
            return error("not MAJOR.MINOR.PATCH", core);
        };
        Ok(Version {
            major: numeric(major)?,
            minor: numeric(minor)?,
            patch: numeric(patch)?,
            pre: pre.collect::<Result<_, _>>()?,
            build: build.into_iter().map(String::from).collect(),
        })
    }

    /// SemVer §11 precedence; build metadata is ignored.
    pub fn cmp_precedence(&self, other: &Version) -> Ordering {
        let triple = |v: &Version| (v.major, v.minor, v.patch);
        triple(self).cmp(&triple(other)).then_with(|| {
            match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    let pairs = self.pre.iter().zip(&other.pre);
                    let first_difference = pairs.map(|(a, b)| cmp_ident(a, b)).find(|o| o.is_ne());
                    first_difference.unwrap_or_else(|| self.pre.len().cmp(&other.pre.len()))
                }
            }
        })
    }
}

fn cmp_ident(a: &Ident, b: &Ident) -> Ordering {
    match (a, b) {
        (Ident::Numeric(a), Ident::Numeric(b)) => a.cmp(b),
        (Ident::Numeric(_), Ident::Alpha(_)) => Ordering::Less,
        (Ident::Alpha(_), Ident::Numeric(_)) => Ordering::Greater,
        (Ident::Alpha(a), Ident::Alpha(b)) => a.cmp(b),
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        let pre = self.pre.iter().map(|ident| match ident {
            Ident::Numeric(n) => n.to_string(),
            Ident::Alpha(s) => s.clone(),
        });
        let pre: Vec<String> = pre.collect();
        if !pre.is_empty() {
            write!(f, "-{}", pre.join("."))?;
        }
        if !self.build.is_empty() {
            write!(f, "+{}", self.build.join("."))?;
        }
        Ok(())
    }
}

/// A comparison with a full version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparator {
    pub op: Op,
    pub version: Version,
}

impl fmt::Display for Comparator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = ["=", ">", ">=", "<", "<="][self.op as usize];
        write!(f, "{op}{}", self.version)
    }
}

/// The operator as written in a requirement (a bare version is `Caret`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReqOp {
    Exact,
    Greater,
    GreaterEq,
    Less,
    LessEq,
    Tilde,
    Caret,
}

/// The version as written in a requirement: full, or only its first parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    Full(Version),
    Major(u64),
    MajorMinor(u64, u64),
}

fn v(major: u64, minor: u64, patch: u64) -> Version {
    let (pre, build) = (vec![], vec![]);
    Version {
        major,
        minor,
        patch,
        pre,
        build,
    }
}

/// What Cargo means by `op` `written`, as comparators that must all hold.
pub fn expand(op: ReqOp, written: Written) -> Vec<Comparator> {
    let c = |op, version| Comparator { op, version };
    // `lo`: the written version; `hi`: the first version after the range it stands for.
    let (lo, hi) = match &written {
        Written::Full(version) => (version.clone(), None),
        Written::Major(major) => (v(*major, 0, 0), Some(v(major + 1, 0, 0))),
        Written::MajorMinor(major, minor) => (v(*major, *minor, 0), Some(v(*major, minor + 1, 0))),
    };
    let (major, minor, patch) = (lo.major, lo.minor, lo.patch);
    let caret_hi = match written {
        Written::Full(_) if major == 0 && minor == 0 => v(0, 0, patch + 1),
        Written::Full(_) | Written::MajorMinor(..) if major == 0 => v(0, minor + 1, 0),
        _ => v(major + 1, 0, 0),
    };
    let tilde_hi = match written {
        Written::Major(_) => v(major + 1, 0, 0),
        _ => v(major, minor + 1, 0),
    };
    match (op, hi) {
        (ReqOp::Exact, None) => vec![c(Op::Eq, lo)],
        (ReqOp::Exact, Some(hi)) => vec![c(Op::Ge, lo), c(Op::Lt, hi)],
        (ReqOp::Greater, None) => vec![c(Op::Gt, lo)],
        (ReqOp::Greater, Some(hi)) => vec![c(Op::Ge, hi)],
        (ReqOp::GreaterEq, _) => vec![c(Op::Ge, lo)],
        (ReqOp::Less, _) => vec![c(Op::Lt, lo)],
        (ReqOp::LessEq, None) => vec![c(Op::Le, lo)],
        (ReqOp::LessEq, Some(hi)) => vec![c(Op::Lt, hi)],
        (ReqOp::Tilde, _) => vec![c(Op::Ge, lo), c(Op::Lt, tilde_hi)],
        (ReqOp::Caret, _) => vec![c(Op::Ge, lo), c(Op::Lt, caret_hi)],
    }
}

/// Comparators that must all hold; none for `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionReq {
    pub comparators: Vec<Comparator>,
}

impl VersionReq {
    /// Parses `*`, or comparators separated by commas: `>=1.2, <1.5`.
    pub fn parse(text: &str) -> Result<VersionReq, ParseError> {
        if text.trim() == "*" {
            return Ok(VersionReq {
                comparators: vec![],
            });
        }
        let mut comparators = vec![];
        for part in text.split(',').map(str::trim) {
            let ops = [
                (">=", ReqOp::GreaterEq),
                ("<=", ReqOp::LessEq),
                (">", ReqOp::Greater),
                ("<", ReqOp::Less),
                ("=", ReqOp::Exact),
                ("~", ReqOp::Tilde),
                ("^", ReqOp::Caret),
            ];
            let found = ops
                .iter()
                .find_map(|(s, op)| Some((part.strip_prefix(s)?, *op)));
            let (rest, op) = found.unwrap_or((part, ReqOp::Caret));
            let rest = rest.trim_start();
            let numbers: Vec<&str> = rest.splitn(3, '.').collect();
            let written = match numbers[..] {
                [major] => Written::Major(numeric(major)?),
                [major, minor] => Written::MajorMinor(numeric(major)?, numeric(minor)?),
                _ => Written::Full(Version::parse(rest)?),
            };
            comparators.extend(expand(op, written));
        }
        Ok(VersionReq { comparators })
    }

    pub fn matches(&self, version: &Version) -> bool {
        let holds = |c: &Comparator| {
            let order = version.cmp_precedence(&c.version);
            match c.op {
                Op::Eq => order.is_eq(),
                Op::Gt => order.is_gt(),
                Op::Ge => order.is_ge(),
                Op::Lt => order.is_lt(),
                Op::Le => order.is_le(),
            }
        };
        let triple = |v: &Version| (v.major, v.minor, v.patch);
        let pre_allowed = version.pre.is_empty()
            || self
                .comparators
                .iter()
                .any(|c| !c.version.pre.is_empty() && triple(&c.version) == triple(version));
        pre_allowed && self.comparators.iter().all(holds)
    }
}

pub fn max_satisfying<'a>(versions: &'a [Version], req: &VersionReq) -> Option<&'a Version> {
    let candidates = versions.iter().filter(|version| req.matches(version));
    candidates.max_by(|a, b| a.cmp_precedence(b))
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    fn ver(text: &str) -> Version {
        Version::parse(text).unwrap_or_else(|e| panic!("{text} is valid: {e:?}"))
    }

    fn req(text: &str) -> VersionReq {
        VersionReq::parse(text).unwrap_or_else(|e| panic!("{text} is valid: {e:?}"))
    }

    /// The comparators a requirement expands to, as text.
    fn expanded(text: &str) -> String {
        let comparators = req(text).comparators;
        let shown: Vec<String> = comparators.iter().map(|c| c.to_string()).collect();
        shown.join(", ")
    }

    #[test]
    fn versions_parse_into_their_parts() {
        let v = ver("1.0.0-alpha.1+exp.sha.5114f85");
        assert_eq!((v.major, v.minor, v.patch), (1, 0, 0));
        let pre = vec![Ident::Alpha("alpha".into()), Ident::Numeric(1)];
        assert_eq!(v.pre, pre);
        assert_eq!(v.build, ["exp", "sha", "5114f85"]);
        let v = ver("10.20.30-x-y.0a.0+001.build-7");
        let (x_y, zero_a) = (Ident::Alpha("x-y".into()), Ident::Alpha("0a".into()));
        assert_eq!((v.major, v.minor, v.patch), (10, 20, 30));
        assert_eq!(
            v.pre,
            [x_y, zero_a, Ident::Numeric(0)],
            "0a is not a number"
        );
        assert_eq!(
            v.build,
            ["001", "build-7"],
            "leading zeros are fine in builds"
        );
        assert_eq!(ver("0.0.0").to_string(), "0.0.0");
    }

    #[test]
    fn malformed_versions_and_leading_zeros_are_rejected() {
        #[rustfmt::skip]
        let bad = [
            "01.0.0", "1.02.0", "1.0.00", "1.0.0-01", "1.0", "1.0.0.0", "v1.0.0", "1.0.0-",
            "1.0.0+", "1.0.0-alpha..1", "1.0.0-al_pha", "1.0.0+b+c", " 1.0.0", "1.-1.0", "",
            "99999999999999999999.0.0",
        ];
        for text in bad {
            assert!(Version::parse(text).is_err(), "{text:?} must be rejected");
        }
        assert_eq!(numeric("0"), Ok(0));
        assert!(numeric("+1").is_err() && numeric("007").is_err());
    }

    #[test]
    fn precedence_follows_the_spec_chain() {
        let chain = "1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < \
            1.0.0-beta.2 < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0 < 2.0.0 < 2.1.0 < 2.1.1 < 10.0.0";
        let chain: Vec<Version> = chain.split(" < ").map(ver).collect();
        for pair in chain.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            assert_eq!(a.cmp_precedence(b), Ordering::Less, "{a} < {b}");
            assert_eq!(b.cmp_precedence(a), Ordering::Greater, "{b} > {a}");
        }
        let (a, b) = (ver("1.0.0-Beta"), ver("1.0.0-alpha"));
        assert_eq!(a.cmp_precedence(&b), Ordering::Less, "ASCII order: B < a");
    }

    #[test]
    fn build_metadata_is_ignored_in_precedence() {
        let (a, b) = (ver("1.0.0+20130313144700"), ver("1.0.0+exp.sha.5114f85"));
        assert_eq!(a.cmp_precedence(&b), Ordering::Equal);
        let (a, b) = (ver("1.0.0-beta+exp.sha.5114f85"), ver("1.0.0-beta"));
        assert_eq!(a.cmp_precedence(&b), Ordering::Equal);
        assert_eq!(
            ver("1.2.3-rc.1").cmp_precedence(&ver("1.2.3-rc.1")),
            Ordering::Equal
        );
    }

    #[test]
    fn caret_tilde_and_partial_versions_expand_as_cargo_says() {
        #[rustfmt::skip]
        let table = [
            ("^1.2.3", ">=1.2.3, <2.0.0"), ("1.2.3", ">=1.2.3, <2.0.0"),
            ("^1.2", ">=1.2.0, <2.0.0"), ("^1", ">=1.0.0, <2.0.0"),
            ("^0.2.3", ">=0.2.3, <0.3.0"), ("^0.2", ">=0.2.0, <0.3.0"),
            ("^0.0.3", ">=0.0.3, <0.0.4"), ("^0.0", ">=0.0.0, <0.1.0"),
            ("^0", ">=0.0.0, <1.0.0"),
            ("~1.2.3", ">=1.2.3, <1.3.0"), ("~1.2", ">=1.2.0, <1.3.0"),
            ("~1", ">=1.0.0, <2.0.0"), ("~0.0.3", ">=0.0.3, <0.1.0"),
            ("=1.2.3", "=1.2.3"), ("=1.2", ">=1.2.0, <1.3.0"), ("=1", ">=1.0.0, <2.0.0"),
            (">1.2.3", ">1.2.3"), (">1.2", ">=1.3.0"), (">1", ">=2.0.0"), (">= 1.2", ">=1.2.0"),
            ("<1.2", "<1.2.0"), ("<=1.2.3", "<=1.2.3"), ("<=1.2", "<1.3.0"), ("<= 1", "<2.0.0"),
            (">=1.2, <1.5", ">=1.2.0, <1.5.0"), ("^1.2.3-beta.2", ">=1.2.3-beta.2, <2.0.0"),
            ("*", ""),
        ];
        for (text, want) in table {
            assert_eq!(expanded(text), want, "{text}");
        }
        for bad in ["", "1.2.x", "^1.2.3.4", ">=", "1.2-beta", "=>1.2", "1.2.3,"] {
            assert!(VersionReq::parse(bad).is_err(), "{bad:?} must be rejected");
        }
    }

    #[test]
    fn requirements_match_by_precedence() {
        #[rustfmt::skip]
        let table = [
            ("^0.2.3", "0.2.3", true), ("^0.2.3", "0.2.9", true),
            ("^0.2.3", "0.3.0", false), ("^0.2.3", "0.2.2", false),
            ("^0.0.3", "0.0.3", true), ("^0.0.3", "0.0.4", false),
            ("^1.2.3", "1.99.0", true), ("^1.2.3", "2.0.0", false),
            ("~1.2", "1.2.99", true), ("~1.2", "1.3.0", false),
            (">=1.2, <1.5", "1.4.9", true), (">=1.2, <1.5", "1.5.0", false),
            (">=1.2, <1.5", "1.1.9", false),
            (">1.2.3", "1.2.3", false), (">1.2.3", "1.2.4", true),
            ("<1.2.3", "1.2.2", true), ("<1.2.3", "1.2.3", false),
            ("<=1.2.3", "1.2.3", true), ("<=1.2.3", "1.2.4", false),
            ("=1.2.3", "1.2.3+build.5", true), ("=1.2.3", "1.2.4", false),
            ("*", "0.0.1", true), ("*", "99.0.0", true),
        ];
        for (r, v, want) in table {
            assert_eq!(req(r).matches(&ver(v)), want, "{r} on {v}");
        }
    }

    #[test]
    fn pre_releases_match_only_when_asked_for_on_the_same_version() {
        #[rustfmt::skip]
        let table = [
            ("*", "1.0.0-alpha", false), (">=1.0.0", "1.1.0-beta", false),
            ("^1.2.3", "2.0.0-alpha", false),
            (">=1.2.3-alpha.1", "1.2.3-alpha.2", true), (">=1.2.3-alpha.1", "1.2.3-alpha.0", false),
            (">=1.2.3-alpha.1", "1.2.3", true), (">=1.2.3-alpha.1", "1.2.4-alpha.1", false),
            ("^1.2.3-beta", "1.2.3-beta.2", true), ("^1.2.3-beta", "1.4.0", true),
            ("^1.2.3-beta", "1.4.0-beta", false),
            (">=1.0.0, <=1.2.3-rc.1", "1.2.3-rc.1", true),
            ("=1.2.3-rc.1", "1.2.3-rc.1+b", true), ("=1.2.3-rc.1", "1.2.3-rc.2", false),
        ];
        for (r, v, want) in table {
            assert_eq!(req(r).matches(&ver(v)), want, "{r} on {v}");
        }
    }

    #[test]
    fn the_highest_matching_version_is_picked_by_precedence() {
        let published = "0.9.0 0.10.0 0.10.1 1.0.0-rc.1 1.0.0 1.1.0 1.2.0-beta.3 2.0.0";
        let versions: Vec<Version> = published.split(' ').map(ver).collect();
        let pick = |r: &str| max_satisfying(&versions, &req(r)).map(|v| v.to_string());
        assert_eq!(pick("^0.9").as_deref(), Some("0.9.0"));
        assert_eq!(pick(">=0.9").as_deref(), Some("2.0.0"));
        assert_eq!(
            pick("0.10").as_deref(),
            Some("0.10.1"),
            "0.10 > 0.9 as numbers"
        );
        assert_eq!(pick("^1").as_deref(), Some("1.1.0"), "not the beta");
        assert_eq!(pick(">=1.2.0-beta, <2").as_deref(), Some("1.2.0-beta.3"));
        assert_eq!(pick("^1.0.0-rc.1, <1.0.0").as_deref(), Some("1.0.0-rc.1"));
        assert_eq!(pick("^3").as_deref(), None);
    }
}
