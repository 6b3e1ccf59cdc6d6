//! # A document store: MongoDB-style queries and a secondary index
//!
//! Roadmap step: **Document databases (MongoDB)** (<https://roadmap.sh/backend>): documents
//! are JSON trees without a fixed schema, queried with filter documents such as
//! `{"age": {"$gte": 18}, "address.city": "Paris"}`. A field may be missing, `null`, or of
//! another type in each document, and the operators have precise answers for all three.
//!
//! 1. `lookup`: a dotted path (`"address.city"`, `"tags.0"`: a number indexes an array).
//!    A path through anything else is missing.
//! 2. `compare`: numbers with numbers (by value: `85` equals `85.0`), strings with strings;
//!    other values only compare equal (`==`). Anything else is not comparable (`None`).
//! 3. `parse_filter`: each top-level key is a field path or `$and` (a non-empty array of
//!    filters). A field's value is a literal (equality) or an object of operators
//!    (`$eq $ne $gt $gte $lt $lte $in`; `$in` takes an array). Anything else is an error:
//!    an unknown operator silently ignored would match everything.
//! 4. `holds`: `$eq: null` matches a missing field too, `$ne` is exactly its negation (it
//!    matches a missing field), `$in` is any `$eq`; `$gt`.. match only comparable values.
//! 5. `Collection`: results in id order. One secondary index on a path (a missing field is
//!    indexed as `null`); `find` uses it for equality on that path and counts it in
//!    `index_lookups`, and counts the documents it looked at in `docs_examined`; `insert`
//!    (which may replace) and `remove` keep the index up to date.
//! 6. `project`: a new document with only the given paths, nested as in the original.
//!
//! Arrays are compared as whole values here (MongoDB also matches single elements).
//!
//! Standards:
//! - <https://www.mongodb.com/docs/manual/reference/operator/query-comparison/>
//! - <https://www.mongodb.com/docs/manual/tutorial/query-for-null-fields/>
//! - <https://www.mongodb.com/docs/manual/core/document/#dot-notation>
//! - <https://www.mongodb.com/docs/manual/tutorial/project-fields-from-query-results/>
//! - <https://www.mongodb.com/docs/manual/core/index-single/>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq)]
pub enum QueryError {
    UnknownOperator(String),
    /// The operand of this operator has the wrong type.
    BadOperand(&'static str),
    /// A filter that is not a JSON object.
    NotAnObject,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Eq(Value),
    Ne(Value),
    Gt(Value),
    Gte(Value),
    Lt(Value),
    Lte(Value),
    In(Vec<Value>),
}

/// A parsed filter: every `(path, op)` must hold.
pub type Filter = Vec<(String, Op)>;

pub fn lookup<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(doc, |value, segment| match value {
        Value::Object(fields) => fields.get(segment),
        Value::Array(items) => items.get(segment.parse::<usize>().ok()?),
        _ => None,
    })
}

pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => (a == b).then_some(Ordering::Equal),
    }
}

fn operator(name: &str, operand: &Value) -> Result<Op, QueryError> {
    let operand = operand.clone();
    Ok(match name {
        "$eq" => Op::Eq(operand),
        "$ne" => Op::Ne(operand),
        "$gt" => Op::Gt(operand),
        "$gte" => Op::Gte(operand),
        "$lt" => Op::Lt(operand),
        "$lte" => Op::Lte(operand),
        "$in" => match operand {
            Value::Array(items) => Op::In(items),
            _ => return Err(QueryError::BadOperand("$in")),
        },
        _ => return Err(QueryError::UnknownOperator(name.to_string())),
    })
}

pub fn parse_filter(filter: &Value) -> Result<Filter, QueryError> {
    let fields = filter.as_object().ok_or(QueryError::NotAnObject)?;
    let mut conditions = Vec::new();
    for (key, value) in fields {
        match value {
            // Everything here is ANDed, so `$and`'s filters simply add their conditions.
            _ if key == "$and" => match value.as_array() {
                Some(filters) if !filters.is_empty() => {
                    for sub in filters {
                        conditions.extend(parse_filter(sub)?);
                    }
                }
                _ => return Err(QueryError::BadOperand("$and")),
            },
            _ if key.starts_with('$') => return Err(QueryError::UnknownOperator(key.clone())),
            Value::Object(ops) if ops.keys().any(|k| k.starts_with('$')) => {
                for (name, operand) in ops {
                    conditions.push((key.clone(), operator(name, operand)?));
                }
            }
            literal => conditions.push((key.clone(), Op::Eq(literal.clone()))),
        }
    }
    Ok(conditions)
}

fn equals(field: Option<&Value>, operand: &Value) -> bool {
    match field {
        None => operand.is_null(),
        Some(value) => compare(value, operand) == Some(Ordering::Equal),
    }
}

pub fn holds(doc: &Value, path: &str, op: &Op) -> bool {
    let field = lookup(doc, path);
    let ordered = |operand: &Value, wanted: fn(Ordering) -> bool| {
        field
            .and_then(|value| compare(value, operand))
            .is_some_and(wanted)
    };
    match op {
        Op::Eq(operand) => equals(field, operand),
        Op::Ne(operand) => !equals(field, operand),
        Op::In(operands) => operands.iter().any(|operand| equals(field, operand)),
        Op::Gt(operand) => ordered(operand, Ordering::is_gt),
        Op::Gte(operand) => ordered(operand, Ordering::is_ge),
        Op::Lt(operand) => ordered(operand, Ordering::is_lt),
        Op::Lte(operand) => ordered(operand, Ordering::is_le),
    }
}

/// Puts `value` at the dotted `path` in `out`, creating the objects on the way.
fn insert_at(out: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            out.insert(path.to_string(), value);
        }
        Some((head, rest)) => {
            let child = out.entry(head).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(child) = child {
                insert_at(child, rest, value);
            }
        }
    }
}

pub fn project(doc: &Value, paths: &[&str]) -> Value {
    let mut out = Map::new();
    for path in paths {
        if let Some(value) = lookup(doc, path) {
            insert_at(&mut out, path, value.clone());
        }
    }
    Value::Object(out)
}

/// The index key of a field: missing and `null` share one; numbers by value.
fn index_key(field: Option<&Value>) -> String {
    match field {
        None | Some(Value::Null) => "null".to_string(),
        Some(Value::Number(n)) => format!("n:{}", n.as_f64().unwrap_or(f64::NAN)),
        Some(other) => other.to_string(),
    }
}

#[derive(Default)]
pub struct Collection {
    docs: BTreeMap<u64, Value>,
    /// The indexed path, and index key -> ids.
    index: Option<(String, BTreeMap<String, BTreeSet<u64>>)>,
    /// How many `find`s were answered through the index.
    pub index_lookups: usize,
    /// How many documents `find` looked at (MongoDB's `totalDocsExamined`).
    pub docs_examined: usize,
}

impl Collection {
    pub fn get(&self, id: u64) -> Option<&Value> {
        self.docs.get(&id)
    }

    fn unindex(&mut self, id: u64) {
        if let (Some((path, entries)), Some(doc)) = (&mut self.index, self.docs.get(&id)) {
            let key = index_key(lookup(doc, path));
            if let Some(ids) = entries.get_mut(&key) {
                ids.remove(&id);
            }
        }
    }

    pub fn insert(&mut self, id: u64, doc: Value) {
        self.unindex(id); // a replaced document leaves its old key
        if let Some((path, entries)) = &mut self.index {
            let key = index_key(lookup(&doc, path));
            entries.entry(key).or_default().insert(id);
        }
        self.docs.insert(id, doc);
    }

    pub fn remove(&mut self, id: u64) -> Option<Value> {
        self.unindex(id);
        self.docs.remove(&id)
    }

    pub fn create_index(&mut self, path: &str) {
        let mut entries: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
        for (&id, doc) in &self.docs {
            entries
                .entry(index_key(lookup(doc, path)))
                .or_default()
                .insert(id);
        }
        self.index = Some((path.to_string(), entries));
    }

    pub fn find(&mut self, filter: &Value) -> Result<Vec<u64>, QueryError> {
        let filter = parse_filter(filter)?;
        let matching = |id: &u64| {
            filter
                .iter()
                .all(|(path, op)| holds(&self.docs[id], path, op))
        };
        let indexed = self.index.as_ref().and_then(|(indexed, entries)| {
            filter.iter().find_map(|(path, op)| match op {
                Op::Eq(value) if path == indexed => Some(entries.get(&index_key(Some(value)))),
                _ => None,
            })
        });
        // The index narrows the candidates; the other conditions still apply.
        let candidates: Vec<u64> = match indexed {
            Some(ids) => ids.into_iter().flatten().copied().collect(),
            None => self.docs.keys().copied().collect(),
        };
        self.index_lookups += usize::from(indexed.is_some());
        self.docs_examined += candidates.len();
        let ids = candidates.into_iter().filter(matching).collect();
        Ok(ids)
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Inserted out of id order on purpose.
    #[rustfmt::skip]
    fn people() -> Collection {
        let mut people = Collection::default();
        people.insert(5, json!({"name": "Edsger", "age": 72, "email": "ed@example.com",
                                "address": "Austin"}));
        people.insert(2, json!({"name": "Linus", "age": 28, "email": "li@example.com",
                                "address": {"city": "Helsinki"}}));
        people.insert(4, json!({"name": "Alan", "age": "41", "email": null}));
        people.insert(1, json!({"name": "Ada", "age": 36, "email": "ada@example.com",
                                "address": {"city": "London", "zip": "N1"},
                                "tags": ["admin", "math"]}));
        people.insert(3, json!({"name": "Grace", "age": 85.0, "address": {"city": "Arlington"}}));
        people
    }

    fn ids(people: &mut Collection, filter: &Value) -> Vec<u64> {
        let found = people.find(filter);
        found.unwrap_or_else(|e| panic!("{filter} failed: {e:?}"))
    }

    /// `(filter, the ids it finds, why)`.
    fn expect(people: &mut Collection, cases: &[(Value, &[u64], &str)]) {
        for (filter, want, why) in cases {
            assert_eq!(ids(people, filter), *want, "{filter}: {why}");
        }
    }

    #[test]
    #[rustfmt::skip]
    fn equality_on_fields_and_dotted_paths_in_id_order() {
        expect(&mut people(), &[
            (json!({}), &[1, 2, 3, 4, 5], "an empty filter matches all, in id order"),
            (json!({"name": "Ada"}), &[1], "a literal means equality"),
            (json!({"address.city": "London"}), &[1], "a dotted path"),
            (json!({"tags.1": "math"}), &[1], "a number indexes an array"),
            (json!({"address.city": "Austin"}), &[], "5's address is a string, not an object"),
            (json!({"address": {"city": "Helsinki"}}), &[2], "a whole subdocument"),
            (json!({"address": {"city": "London"}}), &[], "1's address has a zip too"),
            (json!({"age": 85, "name": "Grace"}), &[3], "85 equals 85.0; both conditions"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn comparisons_only_compare_numbers_with_numbers_and_strings_with_strings() {
        expect(&mut people(), &[
            (json!({"age": {"$gt": 30}}), &[1, 3, 5], "4's age is a string"),
            (json!({"age": {"$gte": 36, "$lt": 85}}), &[1, 5], "both bounds"),
            (json!({"age": {"$lte": 36.0}}), &[1, 2], "36 <= 36.0"),
            (json!({"age": {"$lt": 28}}), &[], "strictly less"),
            (json!({"age": {"$gt": "30"}}), &[4], "strings compare with strings"),
            (json!({"name": {"$gte": "E", "$lt": "H"}}), &[3, 5], "string order"),
            (json!({"email": {"$gt": null}}), &[], "null is not ordered"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn missing_fields_equal_null_and_ne_matches_them() {
        expect(&mut people(), &[
            (json!({"email": null}), &[3, 4], "missing or null"),
            (json!({"email": {"$eq": null}}), &[3, 4], "the same"),
            (json!({"email": {"$ne": null}}), &[1, 2, 5], "present and not null"),
            (json!({"email": {"$ne": "ada@example.com"}}), &[2, 3, 4, 5], "$ne matches missing"),
            (json!({"email": {"$gte": ""}}), &[1, 2, 5], "a missing field is not ordered"),
            (json!({"nope": {"$ne": 1}}), &[1, 2, 3, 4, 5], "nobody has it"),
            (json!({"nope": 1}), &[], "nobody has it"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn in_and_and() {
        expect(&mut people(), &[
            (json!({"name": {"$in": ["Grace", "Ada", "Nobody"]}}), &[1, 3], "any of them"),
            (json!({"email": {"$in": [null, "ed@example.com"]}}), &[3, 4, 5], "null: missing too"),
            (json!({"name": {"$in": []}}), &[], "none of nothing"),
            (json!({"$and": [{"age": {"$gt": 30}}, {"age": {"$lt": 80}}]}), &[1, 5], "both"),
            (json!({"$and": [{"$and": [{"age": {"$gt": 30}}]}], "name": {"$ne": "Ada"}}), &[3, 5],
             "nested, and next to a field"),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn malformed_filters_are_errors_even_on_an_empty_collection() {
        use QueryError::*;
        let cases = [
            (json!({"age": {"$foo": 1}}), UnknownOperator("$foo".into())),
            (json!({"$where": "this.admin"}), UnknownOperator("$where".into())),
            (json!({"$or": [{"age": 1}]}), UnknownOperator("$or".into())),
            (json!({"age": {"$gt": 1, "max": 2}}), UnknownOperator("max".into())),
            (json!({"name": {"$in": "Ada"}}), BadOperand("$in")),
            (json!({"$and": []}), BadOperand("$and")),
            (json!({"$and": {"age": 1}}), BadOperand("$and")),
            (json!({"$and": [5]}), NotAnObject),
            (json!(["name", "Ada"]), NotAnObject),
        ];
        for (filter, want) in cases {
            assert_eq!(people().find(&filter), Err(want.clone()), "{filter}");
            assert_eq!(Collection::default().find(&filter), Err(want), "{filter}");
        }
    }

    #[test]
    fn projection_keeps_only_the_given_paths() {
        let p = people();
        let ada = project(p.get(1).unwrap(), &["name", "address.city", "tags", "nope"]);
        let want = json!({"name": "Ada", "address": {"city": "London"}, "tags": ["admin", "math"]});
        assert_eq!(ada, want);
        let both = project(p.get(1).unwrap(), &["address.zip", "address.city"]);
        assert_eq!(both, json!({"address": {"city": "London", "zip": "N1"}}));
        assert_eq!(project(p.get(5).unwrap(), &["address.city"]), json!({}));
        assert_eq!(
            project(p.get(4).unwrap(), &["email"]),
            json!({"email": null})
        );
    }

    #[test]
    #[rustfmt::skip]
    fn the_index_answers_equality_on_its_path_and_is_counted() {
        let mut p = people();
        expect(&mut p, &[(json!({"email": "li@example.com"}), &[2], "a scan")]);
        assert_eq!((p.index_lookups, p.docs_examined), (0, 5), "no index yet");
        p.create_index("email");
        expect(&mut p, &[(json!({"email": "li@example.com", "name": "Linus"}), &[2], "indexed")]);
        assert_eq!((p.index_lookups, p.docs_examined), (1, 6), "one candidate, not a scan");
        expect(&mut p, &[
            (json!({"age": {"$gt": 30}, "email": {"$eq": "li@example.com"}}), &[], "and age"),
            (json!({"email": null}), &[3, 4], "a missing field is indexed as null"),
            (json!({"email": "nobody@example.com"}), &[], "no such key"),
        ]);
        assert_eq!((p.index_lookups, p.docs_examined), (4, 9));
        expect(&mut p, &[
            (json!({"email": {"$ne": null}}), &[1, 2, 5], "$ne scans"),
            (json!({"name": "Ada"}), &[1], "another field scans"),
        ]);
        assert_eq!((p.index_lookups, p.docs_examined), (4, 19));
        p.create_index("age");
        expect(&mut p, &[
            (json!({"age": 85}), &[3], "85 and 85.0 share a key"),
            (json!({"age": "41"}), &[4], "the string \"41\" is another key"),
        ]);
        assert_eq!((p.index_lookups, p.docs_examined), (6, 21));
    }

    #[test]
    fn the_index_follows_inserts_replacements_and_removals() {
        let mut p = people();
        p.create_index("address.city");
        let london = json!({"address.city": "London"});
        p.insert(6, json!({"name": "Tim", "address": {"city": "London"}}));
        assert_eq!(ids(&mut p, &london), [1, 6]);
        p.insert(1, json!({"name": "Ada", "address": {"city": "Paris"}}));
        assert_eq!(
            ids(&mut p, &london),
            [6],
            "the replaced document left London"
        );
        assert_eq!(ids(&mut p, &json!({"address.city": "Paris"})), [1]);
        assert_eq!(p.remove(6).map(|d| d["name"].clone()), Some(json!("Tim")));
        assert_eq!(ids(&mut p, &london), [0; 0]);
        assert_eq!(ids(&mut p, &json!({"address.city": null})), [4, 5]);
        assert_eq!(
            (p.remove(6), p.index_lookups, p.docs_examined),
            (None, 5, 6)
        );
    }
}
