//! # GraphQL: a lexer and a recursive-descent parser
//!
//! Roadmap step: **GraphQL** (<https://roadmap.sh/backend>): a GraphQL server receives a
//! query as text, and everything (validation, depth limits, execution) starts from the
//! syntax tree its parser builds. The parser also reads untrusted input, so its errors
//! must say where, and hostile nesting must not crash it.
//!
//! A subset of the language: one `query` (named or not, with variable definitions) or a
//! `{ … }` shorthand; fields with aliases, arguments and nested selection sets; values are
//! ints, strings, `true`/`false`/`null`, enum names and `$variables`.
//!
//! 1. `location`: the 1-based line and column of a byte offset, in characters; `\n`, `\r`
//!    and `\r\n` each end a line.
//! 2. `Lexer::token`: skip the ignored tokens (spaces, tabs, line ends, commas, a BOM, `#`
//!    comments to the line end), then read a punctuator `! $ ( ) : [ ] { }`, a name
//!    (`_A-Za-z` then `_0-9A-Za-z`), an int, a string, or `End`; anything else is an error.
//! 3. `Lexer::int`: an optional `-`, then `0`, or a digit 1–9 and more digits; then no
//!    digit, `.` or name character (no leading zeros, no floats); within `i64`.
//! 4. `Lexer::string`: `"…"` on one line, with the escapes of `ESCAPES` (this subset has
//!    no `\u`).
//! 5. The parser: `operation`, `type_ref` (`Name` or `[Type]`, then an optional `!`, kept
//!    without spaces), `selection_set` (at most `MAX_NESTING` deep), `field`, `value`.
//!    Selection sets, arguments and variable definitions hold one item or more.
//!
//! An error points at the offending character (a bad escape's `\`, a float's `.`), or at
//! the first character of an unexpected token, or of an int out of range. An unterminated
//! string stops at its line end, or at the end of input (just after the last character).
//!
//! Standards:
//! - <https://spec.graphql.org/October2021/#sec-Language> (§2, the whole chapter)
//! - <https://spec.graphql.org/October2021/#sec-Language.Source-Text.Ignored-Tokens>
//! - <https://spec.graphql.org/October2021/#sec-String-Value>
//! - <https://spec.graphql.org/October2021/#sec-Errors.Error-Result-Format> (locations)
//!
//! The tests at the bottom are the specification: make them pass, do not edit them.

pub const MAX_NESTING: usize = 32;
/// After a `\`: the escaped character and what it stands for.
#[rustfmt::skip]
pub const ESCAPES: [(char, char); 8] = [
    ('"', '"'), ('\\', '\\'), ('/', '/'), ('b', '\u{8}'),
    ('f', '\u{c}'), ('n', '\n'), ('r', '\r'), ('t', '\t'),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    String(String),
    Boolean(bool),
    Null,
    Enum(String),
    Variable(String),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Field {
    pub alias: Option<String>,
    pub name: String,
    pub arguments: Vec<(String, Value)>,
    pub selections: Vec<Field>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Operation {
    pub name: Option<String>,
    /// `$name` (without the `$`) and its type: `ID!`, `[String!]`.
    pub variables: Vec<(String, String)>,
    pub selections: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    Punct(char),
    Name(String),
    Int(i64),
    Str(String),
    End,
}

/// An error at a byte offset of the source.
type Res<T> = Result<T, (usize, String)>;

fn err<T>(offset: usize, message: impl Into<String>) -> Res<T> {
    Err((offset, message.into()))
}

fn is_name_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic()
}

fn is_name_continue(c: char) -> bool {
    is_name_start(c) || c.is_ascii_digit()
}

pub fn location(source: &str, offset: usize) -> (usize, usize) {
    // TODO: count lines and columns up to `offset`: `\n`, `\r` and `\r\n` end a line.
    todo!()
}

struct Lexer<'a> {
    src: &'a str,
    /// The byte offset of the next character.
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat_while(&mut self, f: impl Fn(char) -> bool) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(&f) {
            self.bump();
        }
        &self.src[start..self.pos]
    }

    /// The next token and the offset where it starts.
    fn token(&mut self) -> Res<(Tok, usize)> {
        // TODO: skip the ignored tokens, then read one token and note where it starts.
        todo!()
    }

    fn int(&mut self) -> Res<i64> {
        // TODO: an optional `-`, then `0` or digits not starting with 0; nothing that
        // continues a number or a name may follow; within `i64`.
        todo!()
    }

    fn string(&mut self) -> Res<String> {
        // TODO: from the opening `"` to the closing one, on one line, with `ESCAPES`.
        todo!()
    }
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    /// The current token and its offset.
    tok: Tok,
    at: usize,
    nesting: usize,
}

impl Parser<'_> {
    /// Moves to the next token and returns the current one.
    fn advance(&mut self) -> Res<Tok> {
        let (tok, at) = self.lexer.token()?;
        self.at = at;
        Ok(std::mem::replace(&mut self.tok, tok))
    }

    fn unexpected<T>(&self, expected: &str) -> Res<T> {
        err(
            self.at,
            format!("expected {expected}, found {:?}", self.tok),
        )
    }

    /// Consumes the punctuator `c` if it is the current token.
    fn eat(&mut self, c: char) -> Res<bool> {
        let found = self.tok == Tok::Punct(c);
        if found {
            self.advance()?;
        }
        Ok(found)
    }

    fn expect(&mut self, c: char) -> Res<()> {
        match self.eat(c)? {
            true => Ok(()),
            false => self.unexpected(&format!("{c:?}")),
        }
    }

    fn name(&mut self) -> Res<String> {
        let Tok::Name(name) = &self.tok else {
            return self.unexpected("a name");
        };
        let name = name.clone();
        self.advance()?;
        Ok(name)
    }

    /// One `item` or more, up to the punctuator `close` (the opening one is consumed).
    fn many<T>(&mut self, close: char, item: fn(&mut Self) -> Res<T>) -> Res<Vec<T>> {
        let mut items = vec![item(self)?];
        while !self.eat(close)? {
            items.push(item(self)?);
        }
        Ok(items)
    }

    fn operation(&mut self) -> Res<Operation> {
        // TODO: `{…}` alone, or `query`, an optional name, optional variable definitions
        // (`$name: Type`), and the selection set.
        todo!()
    }

    fn type_ref(&mut self) -> Res<String> {
        // TODO: `Name` or `[Type]`, each with an optional `!`, without recursion.
        todo!()
    }

    fn selection_set(&mut self) -> Res<Vec<Field>> {
        // TODO: `{`, one field or more, `}`, at most `MAX_NESTING` deep.
        todo!()
    }

    fn field(&mut self) -> Res<Field> {
        // TODO: an optional alias, the name, optional arguments, an optional selection set.
        todo!()
    }

    fn value(&mut self) -> Res<Value> {
        // TODO: a variable, an int, a string, true/false/null, or an enum name.
        todo!()
    }
}

pub fn parse(source: &str) -> Result<Operation, ParseError> {
    let run = || {
        let mut lexer = Lexer {
            src: source,
            pos: 0,
        };
        let (tok, at) = lexer.token()?;
        let mut parser = Parser {
            lexer,
            tok,
            at,
            nesting: 0,
        };
        let operation = parser.operation()?;
        match parser.tok {
            Tok::End => Ok(operation),
            _ => parser.unexpected("the end of the document"),
        }
    };
    run().map_err(|(offset, message)| {
        let (line, column) = location(source, offset);
        ParseError {
            line,
            column,
            message,
        }
    })
}

fn main() {}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(alias: Option<&str>, name: &str, args: Vec<(&str, Value)>, sel: Vec<Field>) -> Field {
        let (alias, name) = (alias.map(String::from), name.to_string());
        let arguments = args.into_iter().map(|(n, v)| (n.to_string(), v)).collect();
        Field {
            alias,
            name,
            arguments,
            selections: sel,
        }
    }

    fn leaf(name: &str) -> Field {
        field(None, name, vec![], vec![])
    }

    fn error_at(source: &str) -> (usize, usize) {
        let error = parse(source).expect_err(source);
        assert!(!error.message.is_empty());
        (error.line, error.column)
    }

    #[test]
    fn the_query_shorthand() {
        let hero = field(None, "hero", vec![], vec![leaf("name")]);
        let expected = Operation {
            selections: vec![hero],
            ..Operation::default()
        };
        assert_eq!(parse("{ hero { name } }"), Ok(expected));
    }

    #[test]
    fn a_named_query_with_variables_aliases_and_arguments() {
        let source = r#"
            query HeroAndFriends($episode: Episode!, $ids: [ID!]!, $first: Int) {
              leader: hero(episode: $episode, first: -3) {
                name
                friends(after: "c\"ur\\soré", active: true, tag: null, order: DESC) { id }
              }
              count
            }"#;
        let friends_args = vec![
            ("after", Value::String("c\"ur\\soré".into())),
            ("active", Value::Boolean(true)),
            ("tag", Value::Null),
            ("order", Value::Enum("DESC".into())),
        ];
        let friends = field(None, "friends", friends_args, vec![leaf("id")]);
        let hero_args = vec![
            ("episode", Value::Variable("episode".into())),
            ("first", Value::Int(-3)),
        ];
        let leader = field(
            Some("leader"),
            "hero",
            hero_args,
            vec![leaf("name"), friends],
        );
        let variables = [("episode", "Episode!"), ("ids", "[ID!]!"), ("first", "Int")];
        let expected = Operation {
            name: Some("HeroAndFriends".into()),
            variables: variables.map(|(n, t)| (n.into(), t.into())).to_vec(),
            selections: vec![leader, leaf("count")],
        };
        assert_eq!(parse(source), Ok(expected));
    }

    #[test]
    fn commas_comments_and_a_bom_are_ignored() {
        let source = "\u{feff}query # the operation\n{a,,b # c { d }\r\tc(x: 1,,y: 2,)}";
        let c = field(
            None,
            "c",
            vec![("x", Value::Int(1)), ("y", Value::Int(2))],
            vec![],
        );
        assert_eq!(parse(source).unwrap().selections, [leaf("a"), leaf("b"), c]);
        let lists = parse("query($m: [[Int]!]) {a}").unwrap().variables;
        assert_eq!(lists, [("m".to_string(), "[[Int]!]".to_string())]);
        let field_named_query = parse("{ query }").unwrap().selections;
        assert_eq!(
            field_named_query,
            [leaf("query")],
            "a keyword only where expected"
        );
    }

    #[test]
    fn ints_and_strings() {
        let value = |v: &str| {
            parse(&format!("{{a(v: {v})}}")).map(|op| op.selections[0].arguments[0].1.clone())
        };
        assert_eq!(value("0"), Ok(Value::Int(0)));
        assert_eq!(value("-0"), Ok(Value::Int(0)));
        assert_eq!(value("-9223372036854775808"), Ok(Value::Int(i64::MIN)));
        assert_eq!(value("9223372036854775807"), Ok(Value::Int(i64::MAX)));
        assert_eq!(value("1234567890"), Ok(Value::Int(1_234_567_890)));
        assert_eq!(value(r#""""#), Ok(Value::String(String::new())));
        let escapes = Value::String("\"\\/\u{8}\u{c}\n\r\té€ #,".into());
        assert_eq!(value(r#""\"\\\/\b\f\n\r\té€ #,""#), Ok(escapes));
        assert_eq!(value("truex"), Ok(Value::Enum("truex".into())));
    }

    #[test]
    fn errors_point_at_the_offending_token_or_character() {
        #[rustfmt::skip]
        let cases = [
            ("{ hero { name }", (1, 16)),         // the end of input
            ("{ hero(id: ) }", (1, 12)),          // not a value
            ("mutation { a }", (1, 1)),           // only queries
            ("{ a } { b }", (1, 7)),              // one operation
            ("{ }", (1, 3)),                      // a selection set is never empty
            ("{ a() }", (1, 5)),                  // nor are arguments
            ("query Q() { a }", (1, 9)),          // nor variable definitions
            ("query Q($id ID) { a }", (1, 13)),   // `:` is missing
            ("query Q($id: [ID) { a }", (1, 17)), // `]` is missing
            ("query Q { a: }", (1, 14)),          // an alias needs a name
            ("{ a @skip }", (1, 5)),              // no directives in this subset
            ("{ a(x: 1.5) }", (1, 9)),            // the `.`: no floats
            ("{ a(x: 1e5) }", (1, 9)),
            ("{ a(x: 007) }", (1, 9)),            // the digit after a leading zero
            ("{ a(x: -) }", (1, 9)),              // a lone minus
            ("{ a(x: 99999999999999999999) }", (1, 8)), // too big for i64: its start
            ("{ a(x: \"ab\\q\") }", (1, 11)),    // the `\` of a bad escape
            ("{ a(x: \"\\u00e9\") }", (1, 9)),   // no \u in this subset
            ("{ a(x: \"abc) }", (1, 15)),         // an unterminated string: the end
            ("{ a(x: $) }", (1, 9)),
        ];
        for (source, position) in cases {
            assert_eq!(error_at(source), position, "{source:?}");
        }
    }

    #[test]
    fn lines_end_at_lf_cr_and_crlf() {
        assert_eq!(
            error_at("{\n  a\n  b(x: \"oops\n}"),
            (3, 13),
            "stops at the line end"
        );
        assert_eq!(
            error_at("{\r\n a\r b\n\n c @}"),
            (5, 4),
            "CRLF is one line end"
        );
        assert_eq!(error_at("{ a }\r\r\n%"), (3, 1));
        assert_eq!(
            error_at("# ünïcödé\n{ a(x: \"é\", y: ?) }"),
            (2, 16),
            "characters, not bytes"
        );
        assert_eq!(location("a\r\nb", 3), (2, 1));
        assert_eq!(location("ab\rcd", 4), (2, 2));
        assert_eq!(location("€€", 6), (1, 3));
    }

    #[test]
    fn nesting_is_limited() {
        let nested = |depth: usize| format!("{}{}", "{a".repeat(depth), "}".repeat(depth));
        assert!(parse(&nested(MAX_NESTING)).is_ok(), "32 levels are fine");
        assert_eq!(error_at(&nested(MAX_NESTING + 1)), (1, 65), "the 33rd `{{`");
        let siblings = format!("{{ {} }}", "a { b } ".repeat(MAX_NESTING + 1));
        assert!(parse(&siblings).is_ok(), "siblings are not nested");
        let hostile = nested(100_000);
        assert!(parse(&hostile).is_err(), "an error, not a stack overflow");
        let lists = format!(
            "query($v: {}Int{}) {{a}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(parse(&lists).is_ok(), "list types do not recurse");
    }
}
