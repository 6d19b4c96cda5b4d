//! Manifests: multi-document YAML in, typed objects out, strictly, with kubectl's error wording.
//!
//! - Documents are separated by `---`; empty documents are skipped; `kind: List` (apiVersion
//!   `v1`) contributes its `items`.
//! - A kind or version this API does not serve is kubectl's `resource mapping not found … no
//!   matches for kind "Deploymnt" in version "apps/v1"`; a missing one is `error validating data:
//!   kind not set`.
//! - An unknown field is the API server's strict decoding error with the full dotted path
//!   (`strict decoding error: unknown field "spec.template.spec.containerz"`), as `kubectl apply`
//!   (field validation `Strict`, the default since Kubernetes 1.27) shows it; the YAML line and
//!   column are kept beside the message for the editor. A wrong type reads like Go's JSON decoder
//!   (`json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type
//!   int32`).
//! - YAML syntax errors are kubectl's `error converting YAML to JSON: yaml: line 7: …`.
//!
//! Limits: a manifest is at most [`MAX_MANIFEST_BYTES`] and [`MAX_DOCUMENTS`] documents; the YAML
//! library bounds nesting (128 levels) and alias expansion (billion laughs fail fast with
//! `repetition limit exceeded`). Decoding never panics.
//!
//! Each document decodes on its own, as kubectl's builder does with `ContinueOnError`: a bad
//! document does not hide the good ones before or after it. A YAML syntax error ends the stream
//! (nothing after it can be read). Every unknown field of a document is reported, as the API
//! server lists them. YAML merge keys (`<<: *base`) are applied. Known gaps: errors in a
//! document with merge keys, and in `List` items, carry no line numbers.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_norway::Value;

use super::api::{
    Deployment, EndpointSlice, Event, Namespace, Node, Object, ObjectKind, Pod, ReplicaSet, Service,
};

/// Largest manifest file accepted (the workspace's per-file limit too).
pub const MAX_MANIFEST_BYTES: usize = 1024 * 1024;
/// Most documents (and `List` items) in one manifest.
pub const MAX_DOCUMENTS: usize = 1000;

/// Why a manifest, or one document of it, was refused; its message is what kubectl prints.
/// (Boxed: the details are large and errors are rare.)
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(transparent)]
pub struct ManifestError(Box<ManifestErrorKind>);

impl From<ManifestErrorKind> for ManifestError {
    fn from(kind: ManifestErrorKind) -> Self {
        ManifestError(Box::new(kind))
    }
}

/// The details of a [`ManifestError`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ManifestErrorKind {
    /// The file is over [`MAX_MANIFEST_BYTES`].
    #[error("error: {file}: the manifest is {size} bytes; the limit is {MAX_MANIFEST_BYTES} bytes (1 MiB)")]
    TooLarge {
        /// The file name.
        file: String,
        /// Its size in bytes.
        size: usize,
    },
    /// More than [`MAX_DOCUMENTS`] documents or List items.
    #[error("error: {file}: more than {MAX_DOCUMENTS} objects in one manifest")]
    TooManyDocuments {
        /// The file name.
        file: String,
    },
    /// Not YAML (or over the YAML library's nesting or alias limits). Ends the stream.
    #[error(
        "error: error parsing {file}: error converting YAML to JSON: yaml: line {line}: {problem}"
    )]
    Syntax {
        /// The file name.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// libyaml's problem (`mapping values are not allowed in this context`).
        problem: String,
    },
    /// A document that is a scalar or a list, not an object.
    #[error("error: unable to decode {file:?}: json: cannot unmarshal {found} into Go value of type map[string]interface {{}}")]
    NotAnObject {
        /// The file name.
        file: String,
        /// 0-based document index.
        document: usize,
        /// JSON type found (`string`, `array`, `number`, `bool`).
        found: &'static str,
    },
    /// `apiVersion` or `kind` missing.
    #[error("error: error validating {file:?}: error validating data: {missing}; if you choose to ignore these errors, turn validation off with --validate=false")]
    MissingTypeMeta {
        /// The file name.
        file: String,
        /// 0-based document index.
        document: usize,
        /// `kind not set` or `[apiVersion not set, kind not set]`.
        missing: String,
    },
    /// A kind/version this API does not serve.
    #[error("error: resource mapping not found for name: {name:?} namespace: {namespace:?} from {file:?}: no matches for kind {kind:?} in version {api_version:?}\nensure CRDs are installed first")]
    NoMatch {
        /// The file name.
        file: String,
        /// 0-based document index.
        document: usize,
        /// `metadata.name` as written.
        name: String,
        /// `metadata.namespace` as written.
        namespace: String,
        /// The kind as written.
        kind: String,
        /// The apiVersion as written.
        api_version: String,
    },
    /// The API server could not decode the object: unknown field, wrong type, bad quantity.
    #[error("Error from server (BadRequest): error when creating {file:?}: {kind} in version {version:?} cannot be handled as a {kind}: {reason}")]
    Decode {
        /// The file name.
        file: String,
        /// 0-based document index.
        document: usize,
        /// The kind (`Deployment`).
        kind: String,
        /// The version without group (`v1`).
        version: String,
        /// `strict decoding error: unknown field "spec.x"`, `json: cannot unmarshal …`,
        /// `quantities must match …`.
        reason: String,
        /// The dotted path of the field (`spec.template.spec.containerz`).
        field: String,
        /// 1-based line of the problem in the file, when the YAML library knows it.
        line: Option<usize>,
        /// 1-based column.
        column: Option<usize>,
    },
}

impl ManifestError {
    /// The details.
    pub fn kind(&self) -> &ManifestErrorKind {
        &self.0
    }

    /// (line, column), 1-based, where the file has them: what the editor underlines.
    pub fn location(&self) -> Option<(usize, usize)> {
        match self.kind() {
            ManifestErrorKind::Syntax { line, column, .. } => Some((*line, *column)),
            ManifestErrorKind::Decode {
                line: Some(l),
                column: Some(c),
                ..
            } => Some((*l, *c)),
            _ => None,
        }
    }

    /// The 0-based document the error is about, if it is about one.
    pub fn document(&self) -> Option<usize> {
        match self.kind() {
            ManifestErrorKind::NotAnObject { document, .. }
            | ManifestErrorKind::MissingTypeMeta { document, .. }
            | ManifestErrorKind::NoMatch { document, .. }
            | ManifestErrorKind::Decode { document, .. } => Some(*document),
            _ => None,
        }
    }
}

/// Decodes every object of a manifest, or the first error (documents before a syntax error are
/// still checked first, so the error is the first in file order).
pub fn decode(file_name: &str, text: &str) -> Result<Vec<Object>, ManifestError> {
    decode_documents(file_name, text).into_iter().collect()
}

/// Decodes each document on its own: one result per object (a `List` gives one per item), in
/// file order. After a YAML syntax error nothing more is read. Empty documents give nothing.
pub fn decode_documents(file_name: &str, text: &str) -> Vec<Result<Object, ManifestError>> {
    let file = file_name.to_string();
    if text.len() > MAX_MANIFEST_BYTES {
        return vec![Err(ManifestError::from(ManifestErrorKind::TooLarge {
            file,
            size: text.len(),
        }))];
    }
    // Pass 1: each document as a plain value, to read its kind (or find the syntax error).
    let mut plans: Vec<Plan> = Vec::new();
    let mut values: Vec<Option<Value>> = Vec::new();
    let mut out: Vec<Result<Object, ManifestError>> = Vec::new();
    let mut stream_error: Option<ManifestError> = None;
    for (index, doc) in serde_norway::Deserializer::from_str(text).enumerate() {
        if index >= MAX_DOCUMENTS {
            stream_error = Some(ManifestError::from(ManifestErrorKind::TooManyDocuments {
                file: file.clone(),
            }));
            break;
        }
        match Value::deserialize(doc) {
            Ok(value) => {
                let p = plan(&file, index, value.clone());
                values.push(matches!(p, Plan::Typed(_)).then_some(value));
                plans.push(p);
            }
            Err(e) => {
                stream_error = Some(syntax_error(&file, &e));
                break;
            }
        }
    }
    // Pass 2: typed decoding of the documents whose kind is served, with positions.
    let typed: Vec<usize> = plans
        .iter()
        .enumerate()
        .filter(|(_, p)| matches!(p, Plan::Typed(_)))
        .map(|(i, _)| i)
        .collect();
    let mut decoded: Vec<Option<Result<Object, ManifestError>>> = vec![None; plans.len()];
    if !typed.is_empty() {
        for (index, doc) in serde_norway::Deserializer::from_str(text).enumerate() {
            if index >= plans.len() {
                break;
            }
            if let Plan::Typed(kind) = plans[index] {
                let merged = values[index].as_ref().filter(|v| has_merge_key(v)).cloned();
                let result = match merged {
                    // YAML merge keys (`<<: *base`): decode the merged value (no positions).
                    Some(mut value) => match value.apply_merge() {
                        Ok(()) => decode_typed(&file, index, kind, value, false),
                        Err(e) => Err(merge_error(&file, index, kind, &e)),
                    },
                    None => decode_typed(&file, index, kind, doc, true),
                };
                let result = match (&values[index], result) {
                    (Some(value), Err(e)) => Err(all_unknown_fields(&file, kind, value, e)),
                    (_, r) => r,
                };
                decoded[index] = Some(result);
            }
            let null_error = matches!(
                decoded[index].as_ref().map(|r| r.as_ref().map_err(ManifestError::kind)),
                Some(Err(ManifestErrorKind::Decode { reason, .. }))
                    if reason.starts_with("json: cannot unmarshal null")
            );
            if null_error {
                // Go's decoder reads `null` as "absent" everywhere; serde only for options.
                // Retry from the value with null entries removed (positions are lost then).
                if let (Plan::Typed(kind), Some(value)) = (&plans[index], values[index].take()) {
                    let retried = decode_typed(&file, index, *kind, strip_nulls(value), false);
                    if retried.is_ok() {
                        decoded[index] = Some(retried);
                    }
                }
            }
        }
    }
    let mut count = 0usize;
    for (index, p) in plans.into_iter().enumerate() {
        let results: Vec<Result<Object, ManifestError>> = match p {
            Plan::Skip => Vec::new(),
            Plan::Fail(e) => vec![Err(e)],
            Plan::Typed(_) => decoded[index].take().into_iter().collect(),
            Plan::Items(items) => items,
        };
        for r in results {
            count += 1;
            if count > MAX_DOCUMENTS {
                out.push(Err(ManifestError::from(
                    ManifestErrorKind::TooManyDocuments { file: file.clone() },
                )));
                return out;
            }
            out.push(r);
        }
    }
    if let Some(e) = stream_error {
        out.push(Err(e));
    }
    out
}

/// Each object of a manifest as the file wrote it, as JSON (merge keys resolved, `List` items
/// one by one), in the order [`decode`] returns them: what kubectl reads into an unstructured
/// object before any default. None where a document cannot be read so (decode then fails).
pub fn source_documents(text: &str) -> Vec<Option<serde_json::Value>> {
    let mut out = Vec::new();
    for doc in serde_norway::Deserializer::from_str(text) {
        let Ok(mut value) = Value::deserialize(doc) else {
            break;
        };
        if value.is_null() {
            continue;
        }
        if value.apply_merge().is_err() {
            out.push(None);
            continue;
        }
        let is_list = str_field(&value, "kind") == Some("List")
            && str_field(&value, "apiVersion") == Some("v1");
        if is_list {
            if let Some(Value::Sequence(items)) = value.get("items") {
                out.extend(items.iter().map(|i| serde_json::to_value(i).ok()));
            }
            continue;
        }
        out.push(serde_json::to_value(&value).ok());
    }
    out
}

/// A value as compact JSON with every object's keys in alphabetical order, as Go's
/// `encoding/json` writes an unstructured object.
pub fn to_compact_sorted_json(v: &serde_json::Value) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::new(&mut out);
    if serde::Serialize::serialize(&Sorted(v), &mut ser).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// A JSON value serialized with every object's keys in alphabetical order, as kubectl prints
/// objects (it renders them from unstructured maps).
struct Sorted<'a>(&'a serde_json::Value);

impl serde::Serialize for Sorted<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            serde_json::Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                let mut m = s.serialize_map(Some(keys.len()))?;
                for k in keys {
                    m.serialize_entry(k, &Sorted(&map[k]))?;
                }
                m.end()
            }
            serde_json::Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&Sorted(item))?;
                }
                seq.end()
            }
            other => other.serialize(s),
        }
    }
}

/// The object as `kubectl get -o yaml` prints it: keys in alphabetical order, empty optional
/// fields left out, `resources: {}`/`strategy: {}`/`status: {}` kept, scalars quoted and
/// wrapped as kubectl's YAML library does ([`super::yaml_emit`]).
pub fn to_yaml(obj: &Object) -> String {
    serde_json::to_value(obj)
        .map(|v| super::yaml_emit::to_yaml(&sorted(v)))
        .unwrap_or_default()
}

/// The value with every object's keys in alphabetical order.
pub(crate) fn sorted(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(String, serde_json::Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(sorted).collect())
        }
        other => other,
    }
}

/// The object as `kubectl get -o json` prints it: keys in alphabetical order, four-space indent.
pub fn to_json(obj: &Object) -> String {
    let Ok(v) = serde_json::to_value(obj) else {
        return String::new();
    };
    value_to_json(&v)
}

/// A JSON value as `kubectl get -o json` prints it (sorted keys, four-space indent).
pub(crate) fn value_to_json(v: &serde_json::Value) -> String {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    if serde::Serialize::serialize(&Sorted(v), &mut ser).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// What to do with one document.
enum Plan {
    /// Empty document.
    Skip,
    /// Refused before typed decoding.
    Fail(ManifestError),
    /// Decode as this kind in pass 2.
    Typed(ObjectKind),
    /// A List's items, already decoded.
    Items(Vec<Result<Object, ManifestError>>),
}

/// The value without map entries whose value is `null` (recursively).
fn strip_nulls(value: Value) -> Value {
    match value {
        Value::Mapping(map) => Value::Mapping(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        Value::Sequence(items) => Value::Sequence(items.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Sequence(_) => "array",
        Value::Mapping(_) => "object",
        Value::Tagged(t) => json_type(&t.value),
    }
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// What `kind`/`apiVersion` say, whether served, and how to proceed.
fn classify(file: &str, index: usize, value: &Value) -> Result<ObjectKind, ManifestError> {
    let api_version = str_field(value, "apiVersion").unwrap_or("");
    let kind = str_field(value, "kind").unwrap_or("");
    if api_version.is_empty() || kind.is_empty() {
        let missing = match (api_version.is_empty(), kind.is_empty()) {
            (true, true) => "[apiVersion not set, kind not set]",
            (true, false) => "apiVersion not set",
            _ => "kind not set",
        };
        return Err(ManifestError::from(ManifestErrorKind::MissingTypeMeta {
            file: file.to_string(),
            document: index,
            missing: missing.to_string(),
        }));
    }
    ObjectKind::from_type_meta(api_version, kind).ok_or_else(|| {
        let meta = value.get("metadata");
        ManifestError::from(ManifestErrorKind::NoMatch {
            file: file.to_string(),
            document: index,
            name: meta
                .and_then(|m| str_field(m, "name"))
                .unwrap_or("")
                .to_string(),
            namespace: meta
                .and_then(|m| str_field(m, "namespace"))
                .unwrap_or("")
                .to_string(),
            kind: kind.to_string(),
            api_version: api_version.to_string(),
        })
    })
}

fn plan(file: &str, index: usize, value: Value) -> Plan {
    match &value {
        Value::Null => return Plan::Skip,
        Value::Mapping(_) => {}
        other => {
            return Plan::Fail(ManifestError::from(ManifestErrorKind::NotAnObject {
                file: file.to_string(),
                document: index,
                found: json_type(other),
            }))
        }
    }
    if str_field(&value, "kind") == Some("List") && str_field(&value, "apiVersion") == Some("v1") {
        return Plan::Items(list_items(file, index, value));
    }
    match classify(file, index, &value) {
        Ok(kind) => Plan::Typed(kind),
        Err(e) => Plan::Fail(e),
    }
}

fn list_items(file: &str, index: usize, value: Value) -> Vec<Result<Object, ManifestError>> {
    let Value::Mapping(mut map) = value else {
        return Vec::new();
    };
    let items = map.remove("items").unwrap_or(Value::Null);
    // `apiVersion`, `kind`, `metadata` (a ListMeta) are all a List may hold besides items.
    let unknown = map
        .keys()
        .filter_map(Value::as_str)
        .find(|k| !matches!(*k, "apiVersion" | "kind" | "metadata"));
    if let Some(k) = unknown {
        return vec![Err(ManifestError::from(ManifestErrorKind::Decode {
            file: file.to_string(),
            document: index,
            kind: "List".to_string(),
            version: "v1".to_string(),
            reason: format!("strict decoding error: unknown field {k:?}"),
            field: k.to_string(),
            line: None,
            column: None,
        }))];
    }
    let items = match items {
        Value::Null => Vec::new(),
        Value::Sequence(items) => items,
        other => {
            return vec![Err(ManifestError::from(ManifestErrorKind::Decode {
                file: file.to_string(),
                document: index,
                kind: "List".to_string(),
                version: "v1".to_string(),
                reason: format!(
                    "json: cannot unmarshal {} into Go struct field List.items of type \
                     []runtime.RawExtension",
                    json_type(&other)
                ),
                field: "items".to_string(),
                line: None,
                column: None,
            }))]
        }
    };
    items
        .into_iter()
        .take(MAX_DOCUMENTS + 1)
        .map(|item| {
            if !matches!(item, Value::Mapping(_)) {
                return Err(ManifestError::from(ManifestErrorKind::NotAnObject {
                    file: file.to_string(),
                    document: index,
                    found: json_type(&item),
                }));
            }
            let kind = classify(file, index, &item)?;
            let item = strip_nulls(item);
            decode_typed(file, index, kind, item.clone(), false)
                .map_err(|e| all_unknown_fields(file, kind, &item, e))
        })
        .collect()
}

/// Most unknown fields one document's error lists.
const MAX_UNKNOWN_FIELDS: usize = 32;

/// Whether a `<<` merge key appears anywhere in the value.
fn has_merge_key(v: &Value) -> bool {
    match v {
        Value::Mapping(m) => m
            .iter()
            .any(|(k, v)| k.as_str() == Some("<<") || has_merge_key(v)),
        Value::Sequence(items) => items.iter().any(has_merge_key),
        Value::Tagged(t) => has_merge_key(&t.value),
        _ => false,
    }
}

/// A merge key whose value is not a mapping (or a list of them), in kubectl's words.
fn merge_error(
    file: &str,
    index: usize,
    kind: ObjectKind,
    e: &serde_norway::Error,
) -> ManifestError {
    let line = e.location().map(|l| l.line()).unwrap_or(1);
    ManifestError::from(ManifestErrorKind::Syntax {
        file: file.to_string(),
        line,
        column: e.location().map(|l| l.column()).unwrap_or(1),
        problem: format!(
            "{} (document {} is a {})",
            strip_location(&e.to_string()),
            index + 1,
            kind.as_str()
        ),
    })
}

/// The API server lists every unknown field of an object, not only the first
/// (`strict decoding error: unknown field "spec.a", unknown field "spec.b"`), in the order its
/// JSON decoder meets them: kubectl sends the object as JSON with sorted keys, so depth-first
/// in key order. serde stops at the first, so the others are found by removing each unknown
/// field from the value and decoding again. The line and column stay those of the first one in
/// the file (what the editor underlines).
fn all_unknown_fields(
    file: &str,
    kind: ObjectKind,
    value: &Value,
    first: ManifestError,
) -> ManifestError {
    const PREFIX: &str = "strict decoding error: ";
    let ManifestErrorKind::Decode { reason, field, .. } = first.kind() else {
        return first;
    };
    if !reason.starts_with("strict decoding error: unknown field ") {
        return first;
    }
    let mut fields = vec![field.clone()];
    let mut value = value.clone();
    while fields.len() < MAX_UNKNOWN_FIELDS {
        let Some(last) = fields.last() else { break };
        if !remove_path(&mut value, last) {
            break;
        }
        match decode_typed(file, 0, kind, value.clone(), false) {
            Err(e) => match e.kind() {
                ManifestErrorKind::Decode { reason, field, .. }
                    if reason.starts_with("strict decoding error: unknown field ")
                        && !fields.contains(field) =>
                {
                    fields.push(field.clone())
                }
                _ => break,
            },
            Ok(_) => break,
        }
    }
    if fields.len() == 1 {
        return first;
    }
    fields.sort_by_key(|f| path_segments(f));
    let listed: Vec<String> = fields
        .iter()
        .map(|f| format!("unknown field {}", go_q(f)))
        .collect();
    let mut kind_details = first.kind().clone();
    if let ManifestErrorKind::Decode { reason, .. } = &mut kind_details {
        *reason = format!("{PREFIX}{}", listed.join(", "));
    }
    ManifestError::from(kind_details)
}

/// A dotted path split for ordering: names compare as text, list indices as numbers.
fn path_segments(path: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut pieces = part.split('[');
        if let Some(name) = pieces.next() {
            out.push((name.to_string(), 0));
        }
        for idx in pieces {
            let n = idx.trim_end_matches(']').parse().unwrap_or(usize::MAX);
            out.push((String::new(), n));
        }
    }
    out
}

/// Removes the field at a dotted path (`spec.template.spec.containers[0].imagez`); false when
/// there is nothing there.
fn remove_path(value: &mut Value, path: &str) -> bool {
    let segments = path_segments(path);
    let Some(((last, _), parents)) = segments.split_last() else {
        return false;
    };
    let mut cur = value;
    for (name, index) in parents {
        let next = if name.is_empty() {
            cur.as_sequence_mut().and_then(|s| s.get_mut(*index))
        } else {
            cur.as_mapping_mut().and_then(|m| m.get_mut(name.as_str()))
        };
        match next {
            Some(v) => cur = v,
            None => return false,
        }
    }
    if last.is_empty() {
        return false;
    }
    cur.as_mapping_mut()
        .is_some_and(|m| m.remove(last.as_str()).is_some())
}

fn decode_as<'de, T, D>(d: D) -> Result<T, serde_path_to_error::Error<D::Error>>
where
    T: DeserializeOwned,
    D: serde::Deserializer<'de>,
{
    serde_path_to_error::deserialize(d)
}

/// Decodes one document (or List item) as `kind`.
fn decode_typed<'de, D>(
    file: &str,
    index: usize,
    kind: ObjectKind,
    d: D,
    has_positions: bool,
) -> Result<Object, ManifestError>
where
    D: serde::Deserializer<'de, Error = serde_norway::Error>,
{
    let result: Result<Object, serde_path_to_error::Error<serde_norway::Error>> = match kind {
        ObjectKind::Namespace => decode_as::<Namespace, _>(d).map(Object::from),
        ObjectKind::Node => decode_as::<Node, _>(d).map(Object::from),
        ObjectKind::Pod => decode_as::<Pod, _>(d).map(Object::from),
        ObjectKind::ReplicaSet => decode_as::<ReplicaSet, _>(d).map(Object::from),
        ObjectKind::Deployment => decode_as::<Deployment, _>(d).map(Object::from),
        ObjectKind::Service => decode_as::<Service, _>(d).map(Object::from),
        ObjectKind::EndpointSlice => decode_as::<EndpointSlice, _>(d).map(Object::from),
        ObjectKind::Event => decode_as::<Event, _>(d).map(Object::from),
    };
    result.map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let location = if has_positions {
            inner.location().map(|l| (l.line(), l.column()))
        } else {
            None
        };
        let message = strip_location(&inner.to_string());
        let (reason, field) = go_reason(kind, &path, &message);
        ManifestError::from(ManifestErrorKind::Decode {
            file: file.to_string(),
            document: index,
            kind: kind.as_str().to_string(),
            version: kind
                .api_version()
                .rsplit('/')
                .next()
                .unwrap_or("v1")
                .to_string(),
            reason,
            field,
            line: location.map(|l| l.0),
            column: location.map(|l| l.1),
        })
    })
}

/// `serde_norway` appends ` at line L column C` (and sometimes `, while parsing …`); kubectl's
/// messages carry the problem alone.
fn strip_location(message: &str) -> String {
    let cut = message.find(" at line ").unwrap_or(message.len());
    let head = &message[..cut];
    // serde_norway prefixes errors inside a document with its own path
    // (`spec.replicas: invalid type…`); the path is reported separately, so drop it.
    match head.split_once(": ") {
        Some((prefix, rest)) if !prefix.is_empty() && !prefix.contains(' ') => rest.to_string(),
        _ => head.to_string(),
    }
}

fn syntax_error(file: &str, e: &serde_norway::Error) -> ManifestError {
    let (line, column) = e
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((1, 1));
    let mut problem = strip_location(&e.to_string());
    if let Some(rest) = problem.strip_prefix(&format!("line {line}: ")) {
        problem = rest.to_string();
    }
    ManifestError::from(ManifestErrorKind::Syntax {
        file: file.to_string(),
        line,
        column,
        problem,
    })
}

/// Turns a serde message at `path` into the API server's reason and the field's dotted path.
fn go_reason(kind: ObjectKind, path: &str, message: &str) -> (String, String) {
    let path = if path == "." { "" } else { path };
    let join = |field: &str| {
        let last = path.rsplit('.').next().unwrap_or("");
        if last == field {
            path.to_string()
        } else if path.is_empty() {
            field.to_string()
        } else {
            format!("{path}.{field}")
        }
    };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or("");
        let field = join(name);
        return (
            format!("strict decoding error: unknown field {}", go_q(&field)),
            field,
        );
    }
    if let Some(rest) = message.strip_prefix("duplicate field `") {
        let name = rest.split('`').next().unwrap_or("");
        let field = join(name);
        return (
            format!("strict decoding error: duplicate field {}", go_q(&field)),
            field,
        );
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            let found = go_json_type(found);
            let go_type = go_type_of(expected);
            let go_path: Vec<&str> = path
                .split('.')
                .map(|s| s.split('[').next().unwrap_or(s))
                .filter(|s| !s.is_empty())
                .collect();
            let owner = go_struct_owner(kind, &go_path);
            return (
                format!(
                    "json: cannot unmarshal {found} into Go struct field {owner}.{} of type {go_type}",
                    go_path.join(".")
                ),
                path.to_string(),
            );
        }
    }
    (message.to_string(), path.to_string())
}

fn go_q(s: &str) -> String {
    super::validate::go_quote(s)
}

fn go_json_type(serde_found: &str) -> &'static str {
    let f = serde_found;
    if f.starts_with("string") || f.starts_with("character") {
        "string"
    } else if f.starts_with("integer") || f.starts_with("floating") {
        "number"
    } else if f.starts_with("boolean") {
        "bool"
    } else if f.starts_with("sequence") {
        "array"
    } else if f.starts_with("map") {
        "object"
    } else {
        "null"
    }
}

fn go_type_of(serde_expected: &str) -> String {
    let e = serde_expected.trim();
    let known = match e {
        "i32" => "int32",
        "i64" => "int64",
        "u32" => "uint32",
        "u64" => "uint64",
        "a string" => "string",
        "a boolean" | "bool" => "bool",
        "an integer or a string" => "intstr.IntOrString",
        "a quantity such as 500m, 2 or 1Gi" => "resource.Quantity",
        "a map" => "map[string]string",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    if let Some(s) = e.strip_prefix("struct ") {
        return format!("v1.{s}");
    }
    if e == "a sequence" {
        return "[]interface {}".to_string();
    }
    e.to_string()
}

/// The Go struct that holds the last field of `path` (`DeploymentSpec` for `spec.replicas`).
fn go_struct_owner(kind: ObjectKind, path: &[&str]) -> String {
    if path.len() < 2 {
        return kind.as_str().to_string();
    }
    let parent = path[path.len() - 2];
    let grand = if path.len() >= 3 {
        path[path.len() - 3]
    } else {
        ""
    };
    let owner = match parent {
        "metadata" => "ObjectMeta",
        "spec" if grand == "template" => "PodSpec",
        "spec" => match kind {
            ObjectKind::Deployment => "DeploymentSpec",
            ObjectKind::ReplicaSet => "ReplicaSetSpec",
            ObjectKind::Pod => "PodSpec",
            ObjectKind::Service => "ServiceSpec",
            ObjectKind::Node => "NodeSpec",
            ObjectKind::Namespace => "NamespaceSpec",
            _ => "Spec",
        },
        "status" => match kind {
            ObjectKind::Deployment => "DeploymentStatus",
            ObjectKind::ReplicaSet => "ReplicaSetStatus",
            ObjectKind::Pod => "PodStatus",
            ObjectKind::Service => "ServiceStatus",
            ObjectKind::Node => "NodeStatus",
            _ => "Status",
        },
        "template" => "PodTemplateSpec",
        "containers" | "initContainers" => "Container",
        "ports" if kind == ObjectKind::Service => "ServicePort",
        "ports" => "ContainerPort",
        "env" => "EnvVar",
        "resources" => "ResourceRequirements",
        "strategy" => "DeploymentStrategy",
        "rollingUpdate" => "RollingUpdateDeployment",
        "selector" | "labelSelector" => "LabelSelector",
        "matchExpressions" if path.contains(&"nodeSelectorTerms") => "NodeSelectorRequirement",
        "matchExpressions" => "LabelSelectorRequirement",
        "tolerations" => "Toleration",
        "taints" => "Taint",
        "livenessProbe" | "readinessProbe" | "startupProbe" => "Probe",
        "httpGet" => "HTTPGetAction",
        "tcpSocket" => "TCPSocketAction",
        "exec" => "ExecAction",
        "affinity" => "Affinity",
        "nodeAffinity" => "NodeAffinity",
        "topologySpreadConstraints" => "TopologySpreadConstraint",
        _ => kind.as_str(),
    };
    owner.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_documents_are_skipped() {
        assert_eq!(decode("x.yaml", "").unwrap(), Vec::new());
        assert_eq!(decode("x.yaml", "---\n---\n").unwrap(), Vec::new());
    }
}
