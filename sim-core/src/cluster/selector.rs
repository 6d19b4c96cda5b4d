//! Label selectors: matching (`matchLabels`, `matchExpressions` with In, NotIn, Exists,
//! DoesNotExist) and kubectl's `-l` syntax (`app=web,tier!=db,env in (a,b),!key,key`), as
//! `k8s.io/apimachinery/pkg/labels/selector.go` parses, prints and matches them.

use std::collections::BTreeSet;
use std::fmt;

use super::api::{LabelSelector, LabelSelectorOperator, StringMap};
use super::validate::{is_qualified_name, is_valid_label_value, regex_error_label_value};

/// Why a selector did not parse; the text is `labels.Parse`'s (kubectl prefixes `error: `).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SelectorError(pub String);

/// Go's `%#v` of a `[]string`.
fn go_strings(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    format!("[]string{{{}}}", quoted.join(", "))
}

/// Longest `-l` text accepted: a limit like every other input's.
pub const MAX_SELECTOR_LEN: usize = 4096;

/// An operator of a parsed requirement (`selection.Operator`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Operator {
    /// `key=value`.
    Equals,
    /// `key==value`.
    DoubleEquals,
    /// `key!=value`.
    NotEquals,
    /// `key in (a,b)`.
    In,
    /// `key notin (a,b)`.
    NotIn,
    /// `key`.
    Exists,
    /// `!key`.
    DoesNotExist,
    /// `key>5` (integer values).
    GreaterThan,
    /// `key<5` (integer values).
    LessThan,
}

/// One requirement of a selector.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Requirement {
    /// The label key.
    pub key: String,
    /// The operator.
    pub operator: Operator,
    /// The values, sorted and without duplicates (as Kubernetes keeps them in a set).
    pub values: Vec<String>,
}

impl Requirement {
    /// A validated requirement (`labels.NewRequirement`).
    pub fn new(key: &str, operator: Operator, values: Vec<String>) -> Result<Self, SelectorError> {
        let key_errs = is_qualified_name(key);
        if !key_errs.is_empty() {
            return Err(SelectorError(format!(
                "key: Invalid value: {key:?}: {}",
                key_errs.join("; ")
            )));
        }
        match operator {
            Operator::In | Operator::NotIn if values.is_empty() => {
                return Err(SelectorError(
                    "values: Invalid value: []string{}: for 'in', 'notin' operators, values set \
                     can't be empty"
                        .to_string(),
                ));
            }
            Operator::Equals | Operator::DoubleEquals | Operator::NotEquals
                if values.len() != 1 =>
            {
                return Err(SelectorError(
                    format!(
                    "values: Invalid value: {}: exact-match compatibility requires one single value",
                    go_strings(&values)
                ),
                ));
            }
            Operator::Exists | Operator::DoesNotExist if !values.is_empty() => {
                return Err(SelectorError(format!(
                    "values: Invalid value: {}: values set must be empty for exists and does not \
                     exist",
                    go_strings(&values)
                )));
            }
            Operator::GreaterThan | Operator::LessThan => {
                if values.len() != 1 {
                    return Err(SelectorError(
                        "values: Invalid value: for 'Gt', 'Lt' operators, exactly one value is \
                         required"
                            .to_string(),
                    ));
                }
                if values[0].parse::<i64>().is_err() {
                    return Err(SelectorError(format!(
                        "values[0]: Invalid value: {:?}: for 'Gt', 'Lt' operators, the value must \
                         be an integer",
                        values[0]
                    )));
                }
            }
            _ => {}
        }
        for (i, v) in values.iter().enumerate() {
            if !is_valid_label_value(v) {
                let detail = if v.len() > 63 {
                    "must be no more than 63 characters".to_string()
                } else {
                    regex_error_label_value()
                };
                return Err(SelectorError(format!(
                    "values[{i}][{key}]: Invalid value: {v:?}: {detail}"
                )));
            }
        }
        let values: BTreeSet<String> = values.into_iter().collect();
        Ok(Requirement {
            key: key.to_string(),
            operator,
            values: values.into_iter().collect(),
        })
    }

    /// Whether `labels` satisfy this requirement (`Requirement.Matches`).
    pub fn matches(&self, labels: &StringMap) -> bool {
        let value = labels.get(&self.key);
        match self.operator {
            Operator::In | Operator::Equals | Operator::DoubleEquals => {
                value.is_some_and(|v| self.values.contains(v))
            }
            Operator::NotIn | Operator::NotEquals => value.is_none_or(|v| !self.values.contains(v)),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let (Some(have), Some(want)) = (
                    value.and_then(|v| v.parse::<i64>().ok()),
                    self.values.first().and_then(|v| v.parse::<i64>().ok()),
                ) else {
                    return false;
                };
                if self.operator == Operator::GreaterThan {
                    have > want
                } else {
                    have < want
                }
            }
        }
    }
}

impl fmt::Display for Requirement {
    /// As `Requirement.String` prints it: `app=web`, `env in (a,b)`, `!key`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.operator == Operator::DoesNotExist {
            f.write_str("!")?;
        }
        f.write_str(&self.key)?;
        let op = match self.operator {
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::In => " in ",
            Operator::NotIn => " notin ",
            Operator::GreaterThan => ">",
            Operator::LessThan => "<",
            Operator::Exists | Operator::DoesNotExist => return Ok(()),
        };
        f.write_str(op)?;
        if matches!(self.operator, Operator::In | Operator::NotIn) {
            write!(f, "({})", self.values.join(","))
        } else {
            f.write_str(self.values.first().map_or("", String::as_str))
        }
    }
}

/// A parsed selector: all requirements must hold; no requirements selects everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Selector {
    /// Requirements, sorted by key.
    pub requirements: Vec<Requirement>,
}

impl Selector {
    /// The selector that matches everything.
    pub fn everything() -> Selector {
        Selector::default()
    }

    /// Whether it has no requirements (matches everything).
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// Whether `labels` satisfy every requirement.
    pub fn matches(&self, labels: &StringMap) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }

    fn sorted(mut requirements: Vec<Requirement>) -> Selector {
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        Selector { requirements }
    }

    /// Parses kubectl's `-l` syntax (`labels.Parse`).
    pub fn parse(text: &str) -> Result<Selector, SelectorError> {
        if text.len() > MAX_SELECTOR_LEN {
            return Err(SelectorError(format!(
                "selector is longer than {MAX_SELECTOR_LEN} characters"
            )));
        }
        Parser::new(text).parse().map(Selector::sorted)
    }

    /// The selector a `metav1.LabelSelector` stands for (`LabelSelectorAsSelector`): an empty
    /// one selects everything.
    pub fn from_label_selector(ls: &LabelSelector) -> Result<Selector, SelectorError> {
        let mut reqs = Vec::new();
        for (k, v) in &ls.match_labels {
            reqs.push(Requirement::new(k, Operator::Equals, vec![v.clone()])?);
        }
        for e in &ls.match_expressions {
            let op = match e.operator {
                LabelSelectorOperator::In => Operator::In,
                LabelSelectorOperator::NotIn => Operator::NotIn,
                LabelSelectorOperator::Exists => Operator::Exists,
                LabelSelectorOperator::DoesNotExist => Operator::DoesNotExist,
                LabelSelectorOperator::Other(ref o) => {
                    return Err(SelectorError(format!(
                        "{o:?} is not a valid label selector operator"
                    )))
                }
            };
            reqs.push(Requirement::new(&e.key, op, e.values.clone())?);
        }
        Ok(Selector::sorted(reqs))
    }
}

impl fmt::Display for Selector {
    /// Requirements joined with `,` (`app=web,tier!=db`); empty for everything.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

impl LabelSelector {
    /// Whether `labels` match: every `matchLabels` pair and every expression. An empty selector
    /// matches everything; an invalid one (unknown operator, bad key) matches nothing, as
    /// controllers treat a selector that fails to convert.
    pub fn matches(&self, labels: &StringMap) -> bool {
        match Selector::from_label_selector(self) {
            Ok(s) => s.matches(labels),
            Err(_) => false,
        }
    }

    /// Whether it has neither labels nor expressions.
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }
}

impl fmt::Display for LabelSelector {
    /// As `kubectl describe` prints it (`app=web`, `env in (a,b)`); `<none>` for empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("<none>");
        }
        match Selector::from_label_selector(self) {
            Ok(s) => write!(f, "{s}"),
            Err(_) => f.write_str("<error>"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The `labels.Parse` lexer and parser.

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    End,
    Identifier(String),
    In,
    NotIn,
    Bang,
    NotEquals,
    OpenPar,
    ClosedPar,
    Comma,
    Equals,
    DoubleEquals,
    GreaterThan,
    LessThan,
}

impl Token {
    fn literal(&self) -> &str {
        match self {
            Token::End => "",
            Token::Identifier(s) => s,
            Token::In => "in",
            Token::NotIn => "notin",
            Token::Bang => "!",
            Token::NotEquals => "!=",
            Token::OpenPar => "(",
            Token::ClosedPar => ")",
            Token::Comma => ",",
            Token::Equals => "=",
            Token::DoubleEquals => "==",
            Token::GreaterThan => ">",
            Token::LessThan => "<",
        }
    }
}

fn is_special(c: char) -> bool {
    matches!(c, '=' | '!' | '(' | ')' | ',' | '>' | '<')
}

fn lex(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if is_special(c) {
            let next = chars.get(i + 1).copied();
            let (tok, len) = match (c, next) {
                ('!', Some('=')) => (Token::NotEquals, 2),
                ('=', Some('=')) => (Token::DoubleEquals, 2),
                ('!', _) => (Token::Bang, 1),
                ('=', _) => (Token::Equals, 1),
                ('(', _) => (Token::OpenPar, 1),
                (')', _) => (Token::ClosedPar, 1),
                (',', _) => (Token::Comma, 1),
                ('>', _) => (Token::GreaterThan, 1),
                _ => (Token::LessThan, 1),
            };
            out.push(tok);
            i += len;
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() && !is_special(chars[i]) {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        out.push(match word.as_str() {
            "in" => Token::In,
            "notin" => Token::NotIn,
            _ => Token::Identifier(word),
        });
    }
    out.push(Token::End);
    out
}

/// Which tokens are keywords: in value position `in`/`notin` are plain identifiers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    KeyAndOperator,
    Values,
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn new(text: &str) -> Parser {
        Parser {
            tokens: lex(text),
            pos: 0,
        }
    }

    fn lookahead(&self, ctx: Context) -> Token {
        let tok = self.tokens.get(self.pos).cloned().unwrap_or(Token::End);
        Self::in_context(tok, ctx)
    }

    fn consume(&mut self, ctx: Context) -> Token {
        let tok = self.lookahead(ctx);
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
        tok
    }

    fn in_context(tok: Token, ctx: Context) -> Token {
        match (ctx, tok) {
            (Context::Values, Token::In) => Token::Identifier("in".into()),
            (Context::Values, Token::NotIn) => Token::Identifier("notin".into()),
            (_, t) => t,
        }
    }

    fn err<T>(msg: String) -> Result<T, SelectorError> {
        Err(SelectorError(msg))
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, SelectorError> {
        let mut reqs = Vec::new();
        loop {
            let tok = self.lookahead(Context::Values);
            match tok {
                Token::Identifier(_) | Token::Bang => {
                    let r = self.parse_requirement().map_err(|e| {
                        SelectorError(format!("unable to parse requirement: {}", e.0))
                    })?;
                    reqs.push(r);
                    let t = self.consume(Context::Values);
                    match t {
                        Token::End => return Ok(reqs),
                        Token::Comma => {
                            let t2 = self.lookahead(Context::Values);
                            if !matches!(t2, Token::Identifier(_) | Token::Bang) {
                                return Self::err(format!(
                                    "found '{}', expected: identifier after ','",
                                    t2.literal()
                                ));
                            }
                        }
                        other => {
                            return Self::err(format!(
                                "found '{}', expected: ',' or 'end of string'",
                                other.literal()
                            ))
                        }
                    }
                }
                Token::End => return Ok(reqs),
                other => {
                    return Self::err(format!(
                        "found '{}', expected: !, identifier, or 'end of string'",
                        other.literal()
                    ))
                }
            }
        }
    }

    fn parse_requirement(&mut self) -> Result<Requirement, SelectorError> {
        let mut does_not_exist = false;
        let mut tok = self.consume(Context::Values);
        if tok == Token::Bang {
            does_not_exist = true;
            tok = self.consume(Context::Values);
        }
        let Token::Identifier(key) = tok else {
            return Self::err(format!("found '{}', expected: identifier", tok.literal()));
        };
        let key_errs = is_qualified_name(&key);
        if !key_errs.is_empty() {
            return Self::err(format!(
                "key: Invalid value: {key:?}: {}",
                key_errs.join("; ")
            ));
        }
        let next = self.lookahead(Context::Values);
        if does_not_exist || matches!(next, Token::End | Token::Comma) {
            let op = if does_not_exist {
                Operator::DoesNotExist
            } else {
                Operator::Exists
            };
            return Requirement::new(&key, op, Vec::new());
        }
        let op_tok = self.consume(Context::KeyAndOperator);
        let op = match op_tok {
            Token::In => Operator::In,
            Token::NotIn => Operator::NotIn,
            Token::Equals => Operator::Equals,
            Token::DoubleEquals => Operator::DoubleEquals,
            Token::NotEquals => Operator::NotEquals,
            Token::GreaterThan => Operator::GreaterThan,
            Token::LessThan => Operator::LessThan,
            other => {
                return Self::err(format!(
                    "found '{}', expected: in, notin, =, ==, !=, gt, lt",
                    other.literal()
                ))
            }
        };
        let values = match op {
            Operator::In | Operator::NotIn => self.parse_values()?,
            _ => self.parse_exact_value()?,
        };
        Requirement::new(&key, op, values)
    }

    fn parse_values(&mut self) -> Result<Vec<String>, SelectorError> {
        let tok = self.consume(Context::Values);
        if tok != Token::OpenPar {
            return Self::err(format!("found '{}' expected: '('", tok.literal()));
        }
        let tok = self.lookahead(Context::Values);
        match tok {
            Token::Identifier(_) | Token::Comma => {
                let values = self.parse_identifiers_list()?;
                let close = self.consume(Context::Values);
                if close != Token::ClosedPar {
                    return Self::err(format!("found '{}', expected: ')'", close.literal()));
                }
                Ok(values)
            }
            Token::ClosedPar => {
                self.consume(Context::Values);
                Ok(vec![String::new()])
            }
            other => Self::err(format!(
                "found '{}', expected: ',', ')' or identifier",
                other.literal()
            )),
        }
    }

    fn parse_identifiers_list(&mut self) -> Result<Vec<String>, SelectorError> {
        let mut values = Vec::new();
        loop {
            let tok = self.consume(Context::Values);
            match tok {
                Token::Identifier(v) => {
                    values.push(v);
                    let next = self.lookahead(Context::Values);
                    match next {
                        Token::Comma => continue,
                        Token::ClosedPar => return Ok(values),
                        other => {
                            return Self::err(format!(
                                "found '{}', expected: ',' or ')'",
                                other.literal()
                            ))
                        }
                    }
                }
                Token::Comma => {
                    // An empty value before a comma, or a trailing one before `)`.
                    if values.is_empty() {
                        values.push(String::new());
                    }
                    let next = self.lookahead(Context::Values);
                    match next {
                        Token::ClosedPar => {
                            values.push(String::new());
                            return Ok(values);
                        }
                        Token::Comma => values.push(String::new()),
                        _ => {}
                    }
                }
                other => {
                    return Self::err(format!(
                        "found '{}', expected: ',', or identifier",
                        other.literal()
                    ))
                }
            }
        }
    }

    fn parse_exact_value(&mut self) -> Result<Vec<String>, SelectorError> {
        let tok = self.lookahead(Context::Values);
        if matches!(tok, Token::End | Token::Comma) {
            return Ok(vec![String::new()]);
        }
        match self.consume(Context::Values) {
            Token::Identifier(v) => Ok(vec![v]),
            other => Self::err(format!("found '{}', expected: identifier", other.literal())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print_round_trip_sorted_by_key() {
        let s = Selector::parse("tier!=db, app=web,env in (b,a),!gone,has").unwrap();
        assert_eq!(s.to_string(), "app=web,env in (a,b),!gone,has,tier!=db");
    }

    #[test]
    fn in_is_a_value_in_value_position() {
        let s = Selector::parse("x=in").unwrap();
        assert_eq!(s.requirements[0].values, vec!["in".to_string()]);
    }
}
