//! # Metrics in the Prometheus text exposition format
//!
//! Roadmap step: **Observability: metrics** (<https://roadmap.sh/backend>): a service counts
//! what it does (requests, errors, bytes), gauges what it holds (connections, queue depth)
//! and keeps histograms of what it waits for (latency); Prometheus scrapes `GET /metrics`
//! every few seconds. The text format is simple, but strict: one wrong escape or one label
//! set in a different order and the scrape fails or the series splits in two.
//!
//! 1. `valid_metric_name` / `valid_label_name` (data model): a metric name matches
//!    `[a-zA-Z_:][a-zA-Z0-9_:]*`; a label name matches `[a-zA-Z_][a-zA-Z0-9_]*` and does not
//!    start with `__` (reserved for Prometheus itself).
//! 2. `register`: a valid name not registered yet; a counter's name ends in `_total`; a
//!    histogram's bucket bounds are finite and strictly increasing (`+Inf` is implied).
//! 3. `series`: the family of that kind, then the series of these labels, created at zero.
//!    Labels are sorted by name, so the call order does not make a new series; names are
//!    valid and not repeated, and `le` is reserved in a histogram.
//! 4. `observe`: a value goes into the first bucket whose bound is `>=` it (`le` means
//!    "less or equal"), else into the `+Inf` bucket; add it to the sum.
//! 5. `render` (format 0.0.4): families sorted by name, each with `# HELP` (text escaped:
//!    `\` → `\\`, newline → `\n`) and `# TYPE`, then its series sorted by labels:
//!    `name{a="1",b="2"} value`, or just `name value` without labels. Label values escape
//!    `\`, `"` and newline. A histogram writes cumulative `name_bucket` lines with `le` last,
//!    `+Inf` included, then `name_sum` and `name_count`. Every line ends with `\n`.
//!
//! Standards:
//! - <https://prometheus.io/docs/instrumenting/exposition_formats/#text-format-details>
//! - <https://prometheus.io/docs/concepts/data_model/#metric-names-and-labels>
//! - <https://prometheus.io/docs/practices/naming/>
//! - <https://prometheus.io/docs/concepts/metric_types/#histogram>
//! - <https://github.com/prometheus/OpenMetrics/blob/main/specification/OpenMetrics.md#counter>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricError {
    InvalidMetricName,
    InvalidLabelName,
    DuplicateLabel,
    CounterWithoutTotal,
    AlreadyRegistered,
    InvalidBuckets,
    Unknown,
    WrongType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Series {
    Counter(u64),
    Gauge(f64),
    Histogram(Histogram),
}

#[derive(Debug, Clone, PartialEq)]
struct Histogram {
    /// `buckets[i]` counts the values of bucket `i` alone (the last one is `+Inf`).
    buckets: Vec<u64>,
    sum: f64,
    count: u64,
}

/// Label pairs sorted by name.
type Labels = Vec<(String, String)>;
/// Label pairs as a caller passes them: `&[("method", "GET"), ("code", "200")]`.
pub type Pairs<'a> = &'a [(&'a str, &'a str)];

struct Family {
    help: String,
    kind: Kind,
    bounds: Vec<f64>,
    series: BTreeMap<Labels, Series>,
}

#[derive(Default)]
pub struct Registry {
    families: BTreeMap<String, Family>,
}

/// A value or a bucket bound as the text format writes it (Rust already writes `NaN`).
pub fn number(value: f64) -> String {
    match value {
        v if v.is_infinite() && v.is_sign_positive() => "+Inf".to_string(),
        v if v.is_infinite() => "-Inf".to_string(),
        v => v.to_string(),
    }
}

pub fn valid_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':');
    first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

pub fn valid_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') && !name.starts_with("__")
}

pub fn escape_help(text: &str) -> String {
    text.replace('\\', r"\\").replace('\n', r"\n")
}

pub fn escape_label_value(value: &str) -> String {
    escape_help(value).replace('"', r#"\""#)
}

fn label_set(labels: &[(String, String)], le: Option<&str>) -> String {
    let le = le.map(|bound| ("le", bound.to_string()));
    let pairs: Vec<String> = labels
        .iter()
        .map(|(name, value)| (name.as_str(), escape_label_value(value)))
        .chain(le)
        .map(|(name, value)| format!("{name}=\"{value}\""))
        .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", pairs.join(","))
    }
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// `bounds` are the histogram's bucket bounds; empty for a counter or a gauge.
    pub fn register(
        &mut self,
        name: &str,
        help: &str,
        kind: Kind,
        bounds: &[f64],
    ) -> Result<(), MetricError> {
        if !valid_metric_name(name) {
            return Err(MetricError::InvalidMetricName);
        }
        if kind == Kind::Counter && !name.ends_with("_total") {
            return Err(MetricError::CounterWithoutTotal);
        }
        let increasing = bounds.windows(2).all(|pair| pair[0] < pair[1]);
        if !increasing || bounds.iter().any(|b| !b.is_finite()) {
            return Err(MetricError::InvalidBuckets);
        }
        if self.families.contains_key(name) {
            return Err(MetricError::AlreadyRegistered);
        }
        let help = help.to_string();
        let (bounds, series) = (bounds.to_vec(), BTreeMap::new());
        let family = Family {
            help,
            kind,
            bounds,
            series,
        };
        self.families.insert(name.to_string(), family);
        Ok(())
    }

    fn series(
        &mut self,
        name: &str,
        kind: Kind,
        labels: Pairs,
    ) -> Result<&mut Series, MetricError> {
        let family = (self.families.get_mut(name)).ok_or(MetricError::Unknown)?;
        if family.kind != kind {
            return Err(MetricError::WrongType);
        }
        let mut sorted: Labels = (labels.iter())
            .map(|&(n, v)| (n.to_string(), v.to_string()))
            .collect();
        sorted.sort();
        for (i, (label, _)) in sorted.iter().enumerate() {
            if !valid_label_name(label) || (kind == Kind::Histogram && label == "le") {
                return Err(MetricError::InvalidLabelName);
            }
            if i > 0 && sorted[i - 1].0 == *label {
                return Err(MetricError::DuplicateLabel);
            }
        }
        let buckets = vec![0; family.bounds.len() + 1];
        Ok(family.series.entry(sorted).or_insert(match kind {
            Kind::Counter => Series::Counter(0),
            Kind::Gauge => Series::Gauge(0.0),
            Kind::Histogram => Series::Histogram(Histogram {
                buckets,
                sum: 0.0,
                count: 0,
            }),
        }))
    }

    pub fn inc(&mut self, name: &str, labels: Pairs, by: u64) -> Result<(), MetricError> {
        let Series::Counter(total) = self.series(name, Kind::Counter, labels)? else {
            unreachable!("`series` checked the kind")
        };
        *total += by;
        Ok(())
    }

    pub fn set(&mut self, name: &str, labels: Pairs, value: f64) -> Result<(), MetricError> {
        let Series::Gauge(gauge) = self.series(name, Kind::Gauge, labels)? else {
            unreachable!("`series` checked the kind")
        };
        *gauge = value;
        Ok(())
    }

    pub fn observe(&mut self, name: &str, labels: Pairs, value: f64) -> Result<(), MetricError> {
        let bounds = self.families.get(name).map_or(&[][..], |f| &f.bounds);
        let bucket = bounds.iter().position(|&bound| value <= bound);
        let bucket = bucket.unwrap_or(bounds.len());
        let Series::Histogram(h) = self.series(name, Kind::Histogram, labels)? else {
            unreachable!("`series` checked the kind")
        };
        h.buckets[bucket] += 1;
        h.sum += value;
        h.count += 1;
        Ok(())
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for (name, family) in &self.families {
            out += &format!("# HELP {name} {}\n", escape_help(&family.help));
            out += &format!("# TYPE {name} {}\n", family.kind.as_str());
            for (labels, series) in &family.series {
                let set = label_set(labels, None);
                match series {
                    Series::Counter(total) => out += &format!("{name}{set} {total}\n"),
                    Series::Gauge(value) => out += &format!("{name}{set} {}\n", number(*value)),
                    Series::Histogram(h) => {
                        let bounds = family.bounds.iter().chain([&f64::INFINITY]);
                        let mut cumulative = 0;
                        for (bound, n) in bounds.zip(&h.buckets) {
                            cumulative += n;
                            let set = label_set(labels, Some(&number(*bound)));
                            out += &format!("{name}_bucket{set} {cumulative}\n");
                        }
                        out += &format!("{name}_sum{set} {}\n", number(h.sum));
                        out += &format!("{name}_count{set} {}\n", h.count);
                    }
                }
            }
        }
        out
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use MetricError::*;

    /// `requests_total` (counter), `in_flight` (gauge), `req_seconds` (histogram).
    fn registry() -> Registry {
        let mut r = Registry::new();
        r.register("requests_total", "HTTP requests.", Kind::Counter, &[])
            .unwrap();
        r.register("in_flight", "Requests now.", Kind::Gauge, &[])
            .unwrap();
        let bounds = [0.1, 0.5, 1.0];
        r.register("req_seconds", "Latency.", Kind::Histogram, &bounds)
            .unwrap();
        r
    }

    #[test]
    fn metric_names_follow_the_data_model() {
        for good in [
            "http_requests_total",
            "_x",
            ":job:rate5m",
            "a1",
            "A",
            "x:y_Z9",
        ] {
            assert!(valid_metric_name(good), "{good:?} is a valid metric name");
        }
        for bad in [
            "",
            "1xx",
            "http-requests",
            "a.b",
            "café",
            "a b",
            "x{y}",
            "9:",
        ] {
            assert!(
                !valid_metric_name(bad),
                "{bad:?} is not a valid metric name"
            );
        }
    }

    #[test]
    fn label_names_follow_the_data_model() {
        for good in ["code", "_x", "method2", "_", "Le", "a_"] {
            assert!(valid_label_name(good), "{good:?} is a valid label name");
        }
        for bad in ["", "__name__", "__x", "a:b", ":a", "1a", "le-x", "é", "a b"] {
            assert!(!valid_label_name(bad), "{bad:?} is not a valid label name");
        }
    }

    #[test]
    fn registration_checks_names_kinds_and_buckets() {
        let mut r = registry();
        let (c, g, h, nan, inf) = (
            Kind::Counter,
            Kind::Gauge,
            Kind::Histogram,
            f64::NAN,
            f64::INFINITY,
        );
        #[rustfmt::skip]
        let cases: [(&str, Kind, &[f64], _); 12] = [
            ("http-errors_total", c, &[], Err(InvalidMetricName)),
            ("http_errors", c, &[], Err(CounterWithoutTotal)), // counters end in _total
            ("in_flight", g, &[], Err(AlreadyRegistered)),
            ("h", h, &[0.5, 0.5], Err(InvalidBuckets)),        // strictly increasing
            ("h", h, &[1.0, 0.5], Err(InvalidBuckets)),
            ("h", h, &[0.5, nan], Err(InvalidBuckets)),
            ("h", h, &[nan, 0.5], Err(InvalidBuckets)),
            ("h", h, &[0.5, inf], Err(InvalidBuckets)),        // +Inf is implied
            ("h", h, &[-inf], Err(InvalidBuckets)),
            ("h", h, &[nan], Err(InvalidBuckets)),
            ("h", h, &[-1.0, 0.0, 0.5], Ok(())),
            ("errors_total", c, &[], Ok(())),
        ];
        for (name, kind, bounds, expected) in cases {
            let got = r.register(name, "", kind, bounds);
            assert_eq!(got, expected, "register({name:?}, {kind:?}, {bounds:?})");
        }
    }

    #[test]
    fn updates_check_the_name_the_kind_and_the_labels() {
        let mut r = registry();
        assert_eq!(r.inc("nope_total", &[], 1), Err(Unknown));
        assert_eq!(r.observe("nope", &[], 1.0), Err(Unknown));
        assert_eq!(r.inc("in_flight", &[], 1), Err(WrongType));
        assert_eq!(r.set("req_seconds", &[], 1.0), Err(WrongType));
        assert_eq!(r.observe("requests_total", &[], 1.0), Err(WrongType));
        assert_eq!(
            r.inc("requests_total", &[("__name__", "x")], 1),
            Err(InvalidLabelName)
        );
        assert_eq!(
            r.set("in_flight", &[("a:b", "x")], 1.0),
            Err(InvalidLabelName)
        );
        assert_eq!(
            r.observe("req_seconds", &[("le", "1")], 1.0),
            Err(InvalidLabelName)
        );
        let twice = [("code", "200"), ("method", "GET"), ("code", "500")];
        assert_eq!(r.inc("requests_total", &twice, 1), Err(DuplicateLabel));
        let families = r.families.values().map(|family| family.series.len());
        assert_eq!(
            families.sum::<usize>(),
            0,
            "a refused update makes no series"
        );
        let le = r.set("in_flight", &[("le", "x")], 1.0);
        assert_eq!(le, Ok(()), "`le` is reserved in histograms only");
    }

    #[test]
    fn the_exposition_is_exact() {
        let mut r = registry();
        let get = |code| [("method", "GET"), ("code", code)];
        r.inc("requests_total", &[("method", "POST"), ("code", "500")], 1)
            .unwrap();
        r.inc("requests_total", &get("200"), 2).unwrap();
        r.inc("requests_total", &[("code", "200"), ("method", "GET")], 1)
            .unwrap();
        r.inc("requests_total", &get("404"), 0).unwrap();
        r.set("in_flight", &[], 3.0).unwrap();
        r.set("in_flight", &[], -1.5).unwrap();
        for (route, secs) in [
            ("/b", 0.25),
            ("/a", 0.05),
            ("/a", 0.5),
            ("/a", 0.25),
            ("/a", 3.0),
        ] {
            r.observe("req_seconds", &[("route", route)], secs).unwrap();
        }
        let expected = r#"# HELP in_flight Requests now.
# TYPE in_flight gauge
in_flight -1.5
# HELP req_seconds Latency.
# TYPE req_seconds histogram
req_seconds_bucket{route="/a",le="0.1"} 1
req_seconds_bucket{route="/a",le="0.5"} 3
req_seconds_bucket{route="/a",le="1"} 3
req_seconds_bucket{route="/a",le="+Inf"} 4
req_seconds_sum{route="/a"} 3.8
req_seconds_count{route="/a"} 4
req_seconds_bucket{route="/b",le="0.1"} 0
req_seconds_bucket{route="/b",le="0.5"} 1
req_seconds_bucket{route="/b",le="1"} 1
req_seconds_bucket{route="/b",le="+Inf"} 1
req_seconds_sum{route="/b"} 0.25
req_seconds_count{route="/b"} 1
# HELP requests_total HTTP requests.
# TYPE requests_total counter
requests_total{code="200",method="GET"} 3
requests_total{code="404",method="GET"} 0
requests_total{code="500",method="POST"} 1
"#;
        assert_eq!(r.render(), expected);
    }

    #[test]
    fn a_histogram_without_labels_and_values_on_the_bounds() {
        let mut r = Registry::new();
        r.register("size_bytes", "Sizes.", Kind::Histogram, &[-1.0, 100.0, 1e3])
            .unwrap();
        for bytes in [100.0, 1000.0, 1000.5, -1.0, -2.0] {
            r.observe("size_bytes", &[], bytes).unwrap();
        }
        let expected = r#"# HELP size_bytes Sizes.
# TYPE size_bytes histogram
size_bytes_bucket{le="-1"} 2
size_bytes_bucket{le="100"} 3
size_bytes_bucket{le="1000"} 4
size_bytes_bucket{le="+Inf"} 5
size_bytes_sum 2097.5
size_bytes_count 5
"#;
        assert_eq!(r.render(), expected, "`le` means less than or equal");
    }

    #[test]
    fn help_and_label_values_are_escaped() {
        let mut r = Registry::new();
        let help = "Files under C:\\data, \"quoted\"\nsecond line";
        r.register("files", help, Kind::Gauge, &[]).unwrap();
        r.set("files", &[("path", "C:\\dir \"x\"\nend")], 2.0)
            .unwrap();
        r.set("files", &[("path", "")], f64::NAN).unwrap();
        r.set("files", &[("path", "+")], f64::INFINITY).unwrap();
        r.set("files", &[("path", "-")], f64::NEG_INFINITY).unwrap();
        let expected = r#"# HELP files Files under C:\\data, "quoted"\nsecond line
# TYPE files gauge
files{path=""} NaN
files{path="+"} +Inf
files{path="-"} -Inf
files{path="C:\\dir \"x\"\nend"} 2
"#;
        assert_eq!(r.render(), expected);
    }

    #[test]
    fn a_family_without_series_still_has_help_and_type() {
        let mut r = Registry::new();
        r.register("up", "1 if up.", Kind::Gauge, &[]).unwrap();
        r.register("jobs_total", "Jobs run.", Kind::Counter, &[])
            .unwrap();
        let jobs = "# HELP jobs_total Jobs run.\n# TYPE jobs_total counter\n";
        let up = "# HELP up 1 if up.\n# TYPE up gauge\n";
        assert_eq!(r.render(), format!("{jobs}{up}"), "families sorted by name");
        assert_eq!(Registry::new().render(), "");
    }
}
