//! # Full-text search: an inverted index ranked with BM25
//!
//! Roadmap step: **Search engines (Elasticsearch, Solr)** (<https://roadmap.sh/backend>):
//! `LIKE '%fox%'` reads every row and cannot rank. A search engine keeps, for every term,
//! the documents that contain it and where (the postings), and ranks the matches with BM25.
//!
//! 1. `tokenize`: lowercase, split on every character that is not alphanumeric, drop
//!    `STOP_WORDS`. A term's position counts every word, stop words included (as Lucene
//!    does), so a phrase only matches words that are really at those distances.
//! 2. `add`: record the document's length (its terms, stop words excluded) and, for each
//!    term, the positions where it occurs. Each id is added once.
//! 3. `idf` (Lucene's): `ln(1 + (N - n + 0.5) / (n + 0.5))`, N documents, n containing it.
//!    `score`: BM25 over the distinct query terms, with `tf` the term's count in the
//!    document, `dl` its length, `avgdl` the average length:
//!    `idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl))`.
//! 4. `search`: `All` (every term), `Any` (at least one), `Phrase` (the terms at the same
//!    distances as in the query). Ranked by score, highest first; equal scores by id.
//!
//! Standards:
//! - <https://en.wikipedia.org/wiki/Okapi_BM25>
//! - <https://lucene.apache.org/core/9_12_0/core/org/apache/lucene/search/similarities/BM25Similarity.html>
//! - <https://nlp.stanford.edu/IR-book/html/htmledition/positional-indexes-1.html>
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

use std::collections::{BTreeMap, BTreeSet};

pub const K1: f64 = 1.2;
pub const B: f64 = 0.75;
pub const STOP_WORDS: [&str; 12] = [
    "a", "an", "and", "at", "for", "in", "is", "of", "on", "the", "to", "with",
];

#[derive(Debug, Clone, Copy)]
pub enum Query<'a> {
    All(&'a str),
    Any(&'a str),
    Phrase(&'a str),
}

/// The terms of `text` with their positions.
pub fn tokenize(text: &str) -> Vec<(String, usize)> {
    // TODO: lowercase terms split on non-alphanumeric characters, without stop words,
    // with their positions among ALL the words.
    todo!()
}

#[derive(Default)]
pub struct Index {
    /// Document id -> its length in terms.
    lengths: BTreeMap<u64, usize>,
    /// Term -> document id -> the term's positions in it.
    postings: BTreeMap<String, BTreeMap<u64, Vec<usize>>>,
}

impl Index {
    pub fn add(&mut self, id: u64, text: &str) {
        // TODO: the document's length, and each term's positions in the postings.
        todo!()
    }

    fn docs_with(&self, term: &str) -> Option<&BTreeMap<u64, Vec<usize>>> {
        self.postings.get(term)
    }

    pub fn idf(&self, term: &str) -> f64 {
        // TODO: Lucene's IDF.
        todo!()
    }

    pub fn score(&self, id: u64, terms: &BTreeSet<String>) -> f64 {
        // TODO: the BM25 score of document `id` for these terms.
        todo!()
    }

    /// Whether `id` has the query's terms at the query's distances.
    fn has_phrase(&self, id: u64, phrase: &[(String, usize)]) -> bool {
        // TODO: is there a position of the first term where every other term sits at
        // the same distance as in the query?
        todo!()
    }

    pub fn search(&self, query: Query) -> Vec<(u64, f64)> {
        // TODO: candidates from the postings of the query's terms, filtered by the query
        // kind, scored with BM25, highest first, equal scores by id.
        todo!()
    }
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;
    use Query::*;

    /// Added out of id order on purpose. Scores below: computed independently (Python).
    fn index() -> Index {
        let docs = [
            (7, "quick brown FOX"),
            (3, "The lazy fox sleeps, the brown dog barks at the fox"),
            (5, "Brown fox? Brown fox!"),
            (1, "The quick brown fox jumps over the lazy dog"),
            (6, "Quick brown fox"),
            (2, "A quick brown dog outpaces a quick fox"),
            (4, "Rust is a fast and safe systems language"),
        ];
        let mut index = Index::default();
        for (id, text) in docs {
            index.add(id, text);
        }
        index
    }

    fn terms(list: &[(&str, usize)]) -> Vec<(String, usize)> {
        list.iter()
            .map(|&(term, position)| (term.to_string(), position))
            .collect()
    }

    /// Same ids in the same order, scores within 1e-9.
    fn assert_ranked(query: Query, want: &[(u64, f64)]) {
        let got = index().search(query);
        let ids = |list: &[(u64, f64)]| list.iter().map(|r| r.0).collect::<Vec<_>>();
        assert_eq!(ids(&got), ids(want), "{query:?}: {got:?}");
        for ((id, score), (_, expected)) in got.iter().zip(want) {
            assert!(
                (score - expected).abs() < 1e-9,
                "{query:?}, doc {id}: {score} != {expected}"
            );
        }
    }

    #[test]
    fn tokenize_lowercases_splits_on_non_alphanumerics_and_counts_stop_words() {
        let got = tokenize("The Quick, brown FOX's tail!");
        assert_eq!(
            got,
            terms(&[
                ("quick", 1),
                ("brown", 2),
                ("fox", 3),
                ("s", 4),
                ("tail", 5)
            ])
        );
        let got = tokenize("HTTP/2 and e-mail");
        assert_eq!(got, terms(&[("http", 0), ("2", 1), ("e", 3), ("mail", 4)]));
        assert_eq!(
            tokenize("Straße ÜBER alles"),
            terms(&[("straße", 0), ("über", 1), ("alles", 2)])
        );
        assert_eq!(tokenize(" the, a  OF... "), [], "only stop words");
    }

    #[test]
    fn idf_is_lucenes() {
        let index = index();
        let cases = [
            ("fox", 0.20763936477824455),
            ("rust", 1.6739764335716716),
            ("nope", 16f64.ln()),
        ];
        for (term, want) in cases {
            let got = index.idf(term);
            assert!(
                (got - want).abs() < 1e-12,
                "idf({term}) = {got}, want {want}"
            );
        }
    }

    #[test]
    fn all_finds_documents_with_every_term_ranked_by_bm25() {
        let want = [
            (5, 0.605041857632),
            (6, 0.496528915774),
            (7, 0.496528915774),
        ];
        let rest = [
            (3, 0.435073001866),
            (2, 0.383871094548),
            (1, 0.356880158213),
        ];
        assert_ranked(All("brown fox"), &[&want[..], &rest].concat());
        assert_ranked(All("FOX, brown! The fox."), &[&want[..], &rest].concat());
        assert_ranked(All("rust nope"), &[]);
    }

    #[test]
    fn any_finds_documents_with_at_least_one_term_and_ties_go_by_id() {
        assert_ranked(
            Any("lazy dog"),
            &[
                (1, 1.710009626007),
                (3, 1.710009626007),
                (2, 0.764156664288),
            ],
        );
        assert_ranked(Any("Rust language nope"), &[(4, 3.347952867143)]);
    }

    #[test]
    fn a_phrase_needs_its_terms_next_to_each_other_a_bag_of_words_does_not() {
        let bag = [
            (2, 0.940930292119),
            (6, 0.936199848533),
            (7, 0.936199848533),
            (1, 0.672893641133),
        ];
        assert_ranked(All("quick fox"), &bag);
        assert_ranked(Phrase("quick fox"), &[(2, 0.940930292119)]);
        let phrase = [
            (5, 0.605041857632),
            (6, 0.496528915774),
            (7, 0.496528915774),
            (1, 0.356880158213),
        ];
        assert_ranked(Phrase("brown fox"), &phrase);
        assert_ranked(Phrase("fox brown"), &[(5, 0.605041857632)]);
        assert_ranked(Phrase("brown fox brown"), &[(5, 0.605041857632)]);
    }

    #[test]
    fn phrase_positions_keep_the_gaps_of_stop_words() {
        assert_ranked(Phrase("jumps over the lazy dog"), &[(1, 4.587156621208)]);
        assert_ranked(Phrase("jumps over lazy dog"), &[]);
        assert_ranked(
            Phrase("The brown dog"),
            &[(2, 0.956092211562), (3, 0.888866977937)],
        );
        assert_ranked(Phrase("fox, jumps!"), &[(1, 1.617013576707)]);
    }

    #[test]
    fn a_query_of_stop_words_or_nothing_finds_nothing() {
        for text in ["", "the", "a of THE", "?!"] {
            for query in [All(text), Any(text), Phrase(text)] {
                assert_eq!(index().search(query), [], "{query:?}");
            }
        }
        assert_eq!(Index::default().search(Any("fox")), [], "an empty index");
    }
}
