//! The shape of lesson and index files, checked before typed decoding so that one pass reports
//! every structural problem (unknown fields, missing fields, wrong types) with its field path.
//! serde's own decoding stops at the first; it runs afterwards and then cannot fail on shape.

use serde_json::Value;

use crate::{Problem, Problems, MAX_ITEMS, MAX_LESSON_BYTES};

/// What a value must look like.
pub(crate) enum Shape {
    /// A string.
    Str,
    /// A whole number ≥ 0.
    UInt,
    /// A list of values of one shape.
    List(&'static Shape),
    /// A mapping with these fields.
    Obj(&'static [Field]),
    /// A mapping with exactly one key, chosen from these variants.
    OneOf(&'static [(&'static str, &'static Shape)]),
}

/// A field of an [`Shape::Obj`].
pub(crate) struct Field {
    pub name: &'static str,
    pub required: bool,
    pub shape: &'static Shape,
}

/// A required field.
pub(crate) const fn req(name: &'static str, shape: &'static Shape) -> Field {
    Field {
        name,
        required: true,
        shape,
    }
}

/// An optional field.
pub(crate) const fn opt(name: &'static str, shape: &'static Shape) -> Field {
    Field {
        name,
        required: false,
        shape,
    }
}

pub(crate) const STR: Shape = Shape::Str;
pub(crate) const UINT: Shape = Shape::UInt;
pub(crate) const STR_LIST: Shape = Shape::List(&STR);
const TEXT: Shape = Shape::Obj(&[req("ko", &STR), req("en", &STR)]);
const TEXT_LIST: Shape = Shape::List(&TEXT);

const PREDICT: Shape = Shape::Obj(&[
    req("question", &TEXT),
    req("choices", &TEXT_LIST),
    req("answer", &UINT),
    req("explain", &TEXT),
]);
const DEMO: Shape = Shape::Obj(&[
    req("before", &TEXT),
    req("command", &STR),
    req("after", &TEXT),
    opt("predict", &PREDICT),
]);
const PAGE: Shape = Shape::OneOf(&[("text", &TEXT), ("demo", &DEMO)]);
const GOAL: Shape = Shape::Obj(&[req("text", &TEXT), req("check", &crate::goal::CHECK)]);
const RULES: Shape = Shape::OneOf(&[("allowed", &STR_LIST), ("disabled", &STR_LIST)]);

const LESSON: Shape = Shape::Obj(&[
    req("id", &STR),
    req("title", &TEXT),
    req("summary", &TEXT),
    opt("seed", &UINT),
    opt("time_scale", &UINT),
    opt("setup", &STR),
    opt("intro", &Shape::List(&PAGE)),
    req("goals", &Shape::List(&GOAL)),
    opt("hints", &TEXT_LIST),
    req("solution", &STR),
    opt("commands", &RULES),
    req("learned", &TEXT),
    opt("score", &Shape::Obj(&[req("traffic", &STR)])),
]);

const CHAPTER: Shape = Shape::Obj(&[req("title", &TEXT), req("lessons", &STR_LIST)]);
const INDEX: Shape = Shape::Obj(&[req("chapters", &Shape::List(&CHAPTER))]);

/// Reads YAML into a JSON value; a syntax error carries its line and column.
pub(crate) fn load_yaml(text: &str) -> Result<Value, Problems> {
    let fail = |message: String, message_ko: String, location| Problems {
        problems: vec![Problem {
            location,
            ..Problem::new("", message, message_ko)
        }],
    };
    if text.len() > MAX_LESSON_BYTES {
        return Err(fail(
            format!(
                "the file is {} bytes; the limit is {MAX_LESSON_BYTES} bytes",
                text.len()
            ),
            format!(
                "파일이 {}바이트예요. 최대 {MAX_LESSON_BYTES}바이트까지 읽어요",
                text.len()
            ),
            None,
        ));
    }
    serde_norway::from_str::<Value>(text).map_err(|e| {
        let location = e.location().map(|l| (l.line(), l.column()));
        let mut message = e.to_string();
        // serde_norway appends " at line L column C"; the location says it already.
        if let Some(i) = message.find(" at line ") {
            message.truncate(i);
        }
        fail(
            format!("invalid YAML: {message}"),
            format!("YAML 문법이 틀렸어요: {message}"),
            location,
        )
    })
}

pub(crate) fn check_lesson(v: &Value) -> Result<(), Problems> {
    check(v, &LESSON)
}

pub(crate) fn check_index(v: &Value) -> Result<(), Problems> {
    check(v, &INDEX)
}

fn check(v: &Value, shape: &Shape) -> Result<(), Problems> {
    let mut problems = Vec::new();
    walk(v, shape, "", &mut problems);
    crate::Problems::result(problems)
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

fn walk(v: &Value, shape: &Shape, path: &str, out: &mut Vec<Problem>) {
    match shape {
        Shape::Str => {
            if !v.is_string() {
                out.push(Problem::new(
                    path,
                    format!("must be a string, not {}", type_name(v)),
                    format!("문자열이어야 해요 (지금은 {})", type_name_ko(v)),
                ));
            }
        }
        Shape::UInt => {
            if !v.is_u64() {
                out.push(Problem::new(
                    path,
                    format!("must be a whole number ≥ 0, not {}", type_name(v)),
                    format!("0 이상의 정수여야 해요 (지금은 {})", type_name_ko(v)),
                ));
            }
        }
        Shape::List(item) => match v {
            Value::Array(items) => {
                if items.len() > MAX_ITEMS {
                    out.push(Problem::new(
                        path,
                        format!("has {} items; the limit is {MAX_ITEMS}", items.len()),
                        format!(
                            "항목이 {}개예요. 최대 {MAX_ITEMS}개까지 쓸 수 있어요",
                            items.len()
                        ),
                    ));
                }
                for (i, x) in items.iter().enumerate().take(MAX_ITEMS) {
                    walk(x, item, &format!("{path}[{i}]"), out);
                }
            }
            _ => out.push(Problem::new(
                path,
                format!("must be a list, not {}", type_name(v)),
                format!("목록이어야 해요 (지금은 {})", type_name_ko(v)),
            )),
        },
        Shape::Obj(fields) => {
            let Value::Object(map) = v else {
                out.push(Problem::new(
                    path,
                    format!("must be a mapping, not {}", type_name(v)),
                    format!("매핑(키: 값)이어야 해요 (지금은 {})", type_name_ko(v)),
                ));
                return;
            };
            // Document order is lost in the JSON value; keys come sorted, which keeps the
            // report stable.
            for (key, value) in map {
                match fields.iter().find(|f| f.name == key) {
                    Some(f) => walk(value, f.shape, &join(path, key), out),
                    None => {
                        let (en, ko) = unknown(key, fields.iter().map(|f| f.name));
                        out.push(Problem::new(&join(path, key), en, ko))
                    }
                }
            }
            for f in fields.iter().filter(|f| f.required) {
                if !map.contains_key(f.name) {
                    out.push(Problem::new(
                        &join(path, f.name),
                        "missing required field",
                        "꼭 있어야 하는 필드가 없어요",
                    ));
                }
            }
        }
        Shape::OneOf(variants) => {
            let names: Vec<&str> = variants.iter().map(|(n, _)| *n).collect();
            let Value::Object(map) = v else {
                out.push(Problem::new(
                    path,
                    format!(
                        "must be a mapping with one of: {}, not {}",
                        names.join(", "),
                        type_name(v)
                    ),
                    format!(
                        "{} 중 하나를 키로 가진 매핑이어야 해요 (지금은 {})",
                        names.join(", "),
                        type_name_ko(v)
                    ),
                ));
                return;
            };
            if map.len() != 1 {
                let has = map.keys().cloned().collect::<Vec<_>>().join(", ");
                out.push(Problem::new(
                    path,
                    format!(
                        "must have exactly one of: {} (it has {})",
                        names.join(", "),
                        if map.is_empty() { "none" } else { &has }
                    ),
                    format!(
                        "{} 중 정확히 하나만 있어야 해요 (지금은 {})",
                        names.join(", "),
                        if map.is_empty() {
                            "하나도 없어요"
                        } else {
                            &has
                        }
                    ),
                ));
            }
            for (key, value) in map {
                match variants.iter().find(|(n, _)| n == key) {
                    Some((_, shape)) => walk(value, shape, &join(path, key), out),
                    None => {
                        let (en, ko) = unknown(key, names.iter().copied());
                        out.push(Problem::new(&join(path, key), en, ko))
                    }
                }
            }
        }
    }
}

/// The message for an unknown field, in English and Korean, with the closest known field when
/// it looks like a typo.
fn unknown<'a>(key: &str, known: impl Iterator<Item = &'a str> + Clone) -> (String, String) {
    let close = known
        .clone()
        .filter(|k| {
            // Close enough to be a typo, not just another short word.
            let d = edit_distance(k, key);
            d <= 2 && d * 3 <= key.chars().count()
        })
        .min_by_key(|k| edit_distance(k, key));
    match close {
        Some(k) => (
            format!("unknown field \"{key}\" (did you mean \"{k}\"?)"),
            format!("없는 필드예요: \"{key}\" (혹시 \"{k}\" 아닌가요?)"),
        ),
        None => {
            let list = known.collect::<Vec<_>>().join(", ");
            (
                format!("unknown field \"{key}\"; known fields: {list}"),
                format!("없는 필드예요: \"{key}\". 쓸 수 있는 필드: {list}"),
            )
        }
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_u64() => "a whole number",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// [`type_name`] in Korean.
fn type_name_ko(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "참/거짓 값",
        Value::Number(n) if n.is_u64() => "정수",
        Value::Number(_) => "숫자",
        Value::String(_) => "문자열",
        Value::Array(_) => "목록",
        Value::Object(_) => "매핑",
    }
}

/// Levenshtein distance over chars (keys are short; bounded by the file size limit).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
