//! kube-apiserver validation of the objects a student writes, worded as the API server words it.
//!
//! Sources: `k8s.io/apimachinery/pkg/util/validation/validation.go` (names, labels, ports),
//! `k8s.io/apimachinery/pkg/util/validation/field/errors.go` (how a field error prints),
//! `pkg/apis/core/validation/validation.go` (pods, services, nodes, tolerations, resources),
//! `pkg/apis/apps/validation/validation.go` (Deployments, ReplicaSets) and kubectl's
//! `cmd/util/helpers.go` (`The Deployment "web" is invalid: …`, one error on the line, several as a
//! bullet list). Every error is collected: the student sees all of them at once.
//!
//! Validation runs on the object after [`super::defaults`] have been applied, as the API server
//! does; unset optional fields are read as their defaults, so an undefaulted object validates the
//! same way.

use std::collections::BTreeSet;
use std::fmt;

use super::api::{
    Container, ContainerPort, Deployment, IntOrString, LabelSelector, LabelSelectorOperator,
    Namespace, Node, NodeSelectorOperator, NodeSelectorTerm, Object, ObjectKind, ObjectMeta, Pod,
    PodSpec, PodTemplateSpec, Probe, ReplicaSet, ResourceRequirements, Service, StringMap,
    TaintEffect, Toleration, TolerationOperator,
};
use super::selector::Selector;

// ---------------------------------------------------------------------------------------------
// Name and label rules (`k8s.io/apimachinery/pkg/util/validation`).

const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QUALIFIED_NAME_ERR: &str = "must consist of alphanumeric characters, '-', '_' or '.', and \
                                  must start and end with an alphanumeric character";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE_ERR: &str = "a valid label must be an empty string or consist of alphanumeric \
                               characters, '-', '_' or '.', and must start and end with an \
                               alphanumeric character";
const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_ERR: &str = "a lowercase RFC 1123 label must consist of lower case \
                                 alphanumeric characters or '-', and must start and end with an \
                                 alphanumeric character";
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_SUBDOMAIN_ERR: &str = "a lowercase RFC 1123 subdomain must consist of lower case \
                                     alphanumeric characters, '-' or '.', and must start and end \
                                     with an alphanumeric character";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL_ERR: &str = "a DNS-1035 label must consist of lower case alphanumeric \
                                 characters or '-', start with an alphabetic character, and end \
                                 with an alphanumeric character";
const ENV_VAR_NAME_FMT: &str = "[-._a-zA-Z][-._a-zA-Z0-9]*";
const ENV_VAR_NAME_ERR: &str = "a valid environment variable name must consist of alphabetic \
                                characters, digits, '_', '-', or '.', and must not start with a digit";
const PORT_RANGE_ERR: &str = "must be between 1 and 65535, inclusive";
const NEGATIVE_ERR: &str = "must be greater than or equal to 0";

/// `RegexError`: the message, the examples (with Kubernetes' own double spaces) and the regex.
fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    let mut s = format!("{msg} (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            s.push_str(" or ");
        }
        s.push_str(&format!("'{e}', "));
    }
    s.push_str(&format!("regex used for validation is '{fmt}')"));
    s
}

fn max_len_error(n: usize) -> String {
    format!("must be no more than {n} characters")
}

/// The message for a label value that does not match (used by selectors too).
pub fn regex_error_label_value() -> String {
    regex_error(
        LABEL_VALUE_ERR,
        LABEL_VALUE_FMT,
        &["MyValue", "my_value", "12345"],
    )
}

fn matches_label_like(
    s: &str,
    first_last: impl Fn(u8) -> bool,
    inner: impl Fn(u8) -> bool,
) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&f), Some(&l)) => first_last(f) && first_last(l) && b.iter().all(|&c| inner(c)),
        _ => false,
    }
}

fn is_alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}
fn is_lower_alnum(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// `IsDNS1123Label`: the messages for `s` (empty when valid). At most 63 characters.
pub fn is_dns1123_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len_error(63));
    }
    if !matches_label_like(s, is_lower_alnum, |c| is_lower_alnum(c) || c == b'-') {
        errs.push(regex_error(
            DNS1123_LABEL_ERR,
            DNS1123_LABEL_FMT,
            &["my-name", "123-abc"],
        ));
    }
    errs
}

/// `IsDNS1123Subdomain`: the messages for `s` (empty when valid). At most 253 characters.
pub fn is_dns1123_subdomain(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 253 {
        errs.push(max_len_error(253));
    }
    let ok = !s.is_empty()
        && s.split('.').all(|part| {
            matches_label_like(part, is_lower_alnum, |c| is_lower_alnum(c) || c == b'-')
        });
    if !ok {
        errs.push(regex_error(
            DNS1123_SUBDOMAIN_ERR,
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

/// `IsDNS1035Label` (Service names): the messages (empty when valid).
pub fn is_dns1035_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len_error(63));
    }
    let b = s.as_bytes();
    let ok = b.first().is_some_and(|c| c.is_ascii_lowercase())
        && matches_label_like(s, is_lower_alnum, |c| is_lower_alnum(c) || c == b'-');
    if !ok {
        errs.push(regex_error(
            DNS1035_LABEL_ERR,
            DNS1035_LABEL_FMT,
            &["my-name", "abc-123"],
        ));
    }
    errs
}

/// `IsQualifiedName` (label keys, annotation keys): an optional DNS subdomain prefix and `/`,
/// then a name of at most 63 characters. The messages (empty when valid).
pub fn is_qualified_name(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = s.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                for m in is_dns1123_subdomain(prefix) {
                    errs.push(format!("prefix part {m}"));
                }
            }
            *name
        }
        _ => {
            errs.push(format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. \
                 'example.com/MyName')",
                regex_error(
                    QUALIFIED_NAME_ERR,
                    QUALIFIED_NAME_FMT,
                    &["MyName", "my.name", "123-abc"]
                )
            ));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push(format!("name part {}", max_len_error(63)));
    }
    if !matches_label_like(name, is_alnum, |c| {
        is_alnum(c) || matches!(c, b'-' | b'_' | b'.')
    }) {
        errs.push(format!(
            "name part {}",
            regex_error(
                QUALIFIED_NAME_ERR,
                QUALIFIED_NAME_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errs
}

/// `IsValidLabelValue` as a yes/no.
pub fn is_valid_label_value(s: &str) -> bool {
    label_value_errors(s).is_empty()
}

fn label_value_errors(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len_error(63));
    }
    if !s.is_empty()
        && !matches_label_like(s, is_alnum, |c| {
            is_alnum(c) || matches!(c, b'-' | b'_' | b'.')
        })
    {
        errs.push(regex_error_label_value());
    }
    errs
}

/// `IsValidPortName` (IANA_SVC_NAME): the messages (empty when valid).
pub fn is_valid_port_name(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 15 {
        errs.push(max_len_error(15));
    }
    if !s.bytes().all(|c| is_lower_alnum(c) || c == b'-') || s.is_empty() {
        errs.push("must contain only alphanumeric characters (a-z, 0-9), and hyphens (-)".into());
    }
    if s.contains("--") {
        errs.push("must not contain consecutive hyphens".into());
    }
    if !s.bytes().any(|c| c.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)".into());
    }
    if s.starts_with('-') || s.ends_with('-') {
        errs.push("must not begin or end with a hyphen".into());
    }
    errs
}

fn is_valid_env_var_name(s: &str) -> bool {
    let b = s.as_bytes();
    b.first()
        .is_some_and(|&c| c.is_ascii_alphabetic() || matches!(c, b'-' | b'.' | b'_'))
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'))
}

// ---------------------------------------------------------------------------------------------
// Field errors.

/// The kind of a field error (`field.ErrorType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorType {
    /// `Not found`.
    NotFound,
    /// `Required value`.
    Required,
    /// `Duplicate value`.
    Duplicate,
    /// `Invalid value`.
    Invalid,
    /// `Unsupported value`.
    NotSupported,
    /// `Forbidden`.
    Forbidden,
    /// `Too long`.
    TooLong,
    /// `Too many`.
    TooMany,
}

impl ErrorType {
    /// How it prints.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::NotFound => "Not found",
            ErrorType::Required => "Required value",
            ErrorType::Duplicate => "Duplicate value",
            ErrorType::Invalid => "Invalid value",
            ErrorType::NotSupported => "Unsupported value",
            ErrorType::Forbidden => "Forbidden",
            ErrorType::TooLong => "Too long",
            ErrorType::TooMany => "Too many",
        }
    }
}

/// The offending value, printed as Go's `field.Error` prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BadValue {
    /// No value is printed.
    Omit,
    /// An integer (`-1`).
    Int(i64),
    /// A string, printed quoted (`"Web"`).
    Str(String),
    /// Already rendered as Go prints it (`map[string]string{"app":"x"}`, `25%`).
    Raw(String),
}

/// One validation error on one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The kind.
    pub type_: ErrorType,
    /// The dotted path (`spec.template.spec.containers[0].name`).
    pub field: String,
    /// The value.
    pub bad_value: BadValue,
    /// The explanation.
    pub detail: String,
}

/// Go's `%q` of a string.
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `%#v` of a `map[string]string`.
pub fn go_string_map(m: &StringMap) -> String {
    if m.is_empty() {
        return "map[string]string(nil)".to_string();
    }
    let pairs: Vec<String> = m
        .iter()
        .map(|(k, v)| format!("{}:{}", go_quote(k), go_quote(v)))
        .collect();
    format!("map[string]string{{{}}}", pairs.join(", "))
}

fn go_label_selector(s: &LabelSelector) -> String {
    let exprs = if s.match_expressions.is_empty() {
        "[]v1.LabelSelectorRequirement(nil)".to_string()
    } else {
        let items: Vec<String> = s
            .match_expressions
            .iter()
            .map(|e| {
                let values: Vec<String> = e.values.iter().map(|v| go_quote(v)).collect();
                format!(
                    "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:[]string{{{}}}}}",
                    go_quote(&e.key),
                    go_quote(e.operator.as_str()),
                    values.join(", ")
                )
            })
            .collect();
        format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{}}}",
        go_string_map(&s.match_labels),
        exprs
    )
}

impl FieldError {
    fn new(
        type_: ErrorType,
        field: impl Into<String>,
        bad_value: BadValue,
        detail: impl Into<String>,
    ) -> Self {
        FieldError {
            type_,
            field: field.into(),
            bad_value,
            detail: detail.into(),
        }
    }

    /// `field.Required`.
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(ErrorType::Required, field, BadValue::Omit, detail)
    }

    /// `field.Invalid`.
    pub fn invalid(field: impl Into<String>, value: BadValue, detail: impl Into<String>) -> Self {
        Self::new(ErrorType::Invalid, field, value, detail)
    }

    /// `field.Forbidden`.
    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(ErrorType::Forbidden, field, BadValue::Omit, detail)
    }

    /// `field.Duplicate`.
    pub fn duplicate(field: impl Into<String>, value: BadValue) -> Self {
        Self::new(ErrorType::Duplicate, field, value, "")
    }

    /// `field.NotSupported`: `supported values: "A", "B"`.
    pub fn not_supported(field: impl Into<String>, value: &str, supported: &[&str]) -> Self {
        let quoted: Vec<String> = supported.iter().map(|s| go_quote(s)).collect();
        Self::new(
            ErrorType::NotSupported,
            field,
            BadValue::Str(value.to_string()),
            format!("supported values: {}", quoted.join(", ")),
        )
    }

    /// The text after the field (`ErrorBody`): `Invalid value: -1: must be …`.
    pub fn body(&self) -> String {
        let mut s = match (self.type_, &self.bad_value) {
            (ErrorType::Required | ErrorType::Forbidden | ErrorType::TooLong, _)
            | (_, BadValue::Omit) => self.type_.as_str().to_string(),
            (t, BadValue::Int(n)) => format!("{}: {n}", t.as_str()),
            (t, BadValue::Str(v)) => format!("{}: {}", t.as_str(), go_quote(v)),
            (t, BadValue::Raw(v)) => format!("{}: {v}", t.as_str()),
        };
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.body())
    }
}

/// An object the API server refuses (HTTP 422 Invalid), with every field error.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct Invalid {
    /// The kind.
    pub kind: ObjectKind,
    /// The object's name.
    pub name: String,
    /// The errors, in the order the API server finds them.
    pub errors: Vec<FieldError>,
}

impl Invalid {
    /// The API server's own status message: `Deployment.apps "web" is invalid: spec.replicas: …`
    /// (several errors as `[a, b]`).
    pub fn status_message(&self) -> String {
        let kind = match self.kind.group() {
            "" => self.kind.as_str().to_string(),
            g => format!("{}.{g}", self.kind.as_str()),
        };
        let errs: Vec<String> = self.errors.iter().map(|e| e.to_string()).collect();
        let agg = if errs.len() == 1 {
            errs[0].clone()
        } else {
            format!("[{}]", errs.join(", "))
        };
        format!("{kind} {} is invalid: {agg}", go_quote(&self.name))
    }
}

impl fmt::Display for Invalid {
    /// As kubectl prints it: `The Deployment "web" is invalid: <error>`, or with several errors
    /// the prefix on its own line (ending `: `) and one `* <error>` line each.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = format!("The {} {} is invalid: ", self.kind, go_quote(&self.name));
        match self.errors.as_slice() {
            [] => f.write_str(prefix.trim_end()),
            [one] => write!(f, "{prefix}{one}"),
            many => {
                f.write_str(&prefix)?;
                for e in many {
                    write!(f, "\n* {e}")?;
                }
                Ok(())
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Validation.

/// Validates an object as kube-apiserver does on create; all errors at once.
pub fn validate(obj: &Object) -> Result<(), Invalid> {
    let errors = validate_errors(obj);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Invalid {
            kind: obj.kind(),
            name: obj.name().to_string(),
            errors,
        })
    }
}

/// The API server's create path short of storage: defaults, mutating admission (pods get their
/// default tolerations and priority), then validation. What a controller or `kubectl apply`
/// hands to the store.
pub fn admit_for_create(mut obj: Object) -> Result<Object, Invalid> {
    super::defaults::apply_defaults(&mut obj);
    super::defaults::admit(&mut obj);
    validate(&obj)?;
    Ok(obj)
}

/// The API server's warnings for an object that is valid but probably not meant
/// (`pkg/api/pod/warnings.go`); kubectl prints each as `Warning: <text>`. Covered: fractional
/// byte values of memory and ephemeral-storage (`100m` of memory is a tenth of a byte).
pub fn warnings(obj: &Object) -> Vec<String> {
    let (spec, path) = match obj {
        Object::Pod(p) => (&p.spec, "spec"),
        Object::Deployment(d) => (&d.spec.template.spec, "spec.template.spec"),
        Object::ReplicaSet(rs) => (&rs.spec.template.spec, "spec.template.spec"),
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    for (kind, containers) in [
        ("initContainers", &spec.init_containers),
        ("containers", &spec.containers),
    ] {
        for (i, c) in containers.iter().enumerate() {
            for (section, list) in [
                ("limits", &c.resources.limits),
                ("requests", &c.resources.requests),
            ] {
                for resource in ["memory", "ephemeral-storage"] {
                    if let Some(q) = list.get(resource) {
                        if q.milli_value() % 1000 != 0 {
                            out.push(format!(
                                "{path}.{kind}[{i}].resources.{section}[{resource}]: fractional \
                                 byte value {} is invalid, must be an integer",
                                go_quote(&q.canonical())
                            ));
                        }
                    }
                }
            }
        }
    }
    out
}

/// The field errors of an object (empty when valid).
pub fn validate_errors(obj: &Object) -> Vec<FieldError> {
    let mut e = Vec::new();
    match obj {
        Object::Namespace(ns) => validate_namespace(ns, &mut e),
        Object::Node(n) => validate_node(n, &mut e),
        Object::Pod(p) => validate_pod(p, &mut e),
        Object::ReplicaSet(rs) => validate_replica_set(rs, &mut e),
        Object::Deployment(d) => validate_deployment(d, &mut e),
        Object::Service(s) => validate_service(s, &mut e),
        Object::EndpointSlice(s) => {
            validate_meta(&s.metadata, NameRule::Subdomain, true, &mut e);
        }
        Object::Event(ev) => {
            validate_meta(&ev.metadata, NameRule::Subdomain, true, &mut e);
        }
    }
    e
}

#[derive(Clone, Copy)]
enum NameRule {
    Subdomain,
    Dns1123Label,
    Dns1035Label,
}

fn validate_meta(meta: &ObjectMeta, rule: NameRule, namespaced: bool, e: &mut Vec<FieldError>) {
    let check = |s: &str| match rule {
        NameRule::Subdomain => is_dns1123_subdomain(s),
        NameRule::Dns1123Label => is_dns1123_label(s),
        NameRule::Dns1035Label => is_dns1035_label(s),
    };
    if !meta.generate_name.is_empty() {
        // A generated name gets a suffix, so only the prefix's characters are checked.
        let trimmed = meta.generate_name.trim_end_matches('-');
        for m in check(if trimmed.is_empty() { "a" } else { trimmed }) {
            e.push(FieldError::invalid(
                "metadata.generateName",
                BadValue::Str(meta.generate_name.clone()),
                m,
            ));
        }
    }
    if meta.name.is_empty() {
        if meta.generate_name.is_empty() {
            e.push(FieldError::required(
                "metadata.name",
                "name or generateName is required",
            ));
        }
    } else {
        for m in check(&meta.name) {
            e.push(FieldError::invalid(
                "metadata.name",
                BadValue::Str(meta.name.clone()),
                m,
            ));
        }
    }
    if namespaced && !meta.namespace.is_empty() {
        for m in is_dns1123_label(&meta.namespace) {
            e.push(FieldError::invalid(
                "metadata.namespace",
                BadValue::Str(meta.namespace.clone()),
                m,
            ));
        }
    }
    if meta.generation < 0 {
        e.push(FieldError::invalid(
            "metadata.generation",
            BadValue::Int(meta.generation),
            NEGATIVE_ERR,
        ));
    }
    validate_labels(&meta.labels, "metadata.labels", e);
    validate_annotations(&meta.annotations, "metadata.annotations", e);
}

fn validate_labels(labels: &StringMap, path: &str, e: &mut Vec<FieldError>) {
    for (k, v) in labels {
        for m in is_qualified_name(k) {
            e.push(FieldError::invalid(path, BadValue::Str(k.clone()), m));
        }
        for m in label_value_errors(v) {
            e.push(FieldError::invalid(path, BadValue::Str(v.clone()), m));
        }
    }
}

/// Total annotation size limit (`TotalAnnotationSizeLimitB`, 256 KiB).
const TOTAL_ANNOTATION_SIZE_LIMIT_B: usize = 256 * 1024;

fn validate_annotations(annotations: &StringMap, path: &str, e: &mut Vec<FieldError>) {
    let mut total = 0usize;
    for (k, v) in annotations {
        for m in is_qualified_name(&k.to_ascii_lowercase()) {
            e.push(FieldError::invalid(path, BadValue::Str(k.clone()), m));
        }
        total += k.len() + v.len();
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT_B {
        e.push(FieldError::new(
            ErrorType::TooLong,
            path,
            BadValue::Omit,
            format!("may not be more than {TOTAL_ANNOTATION_SIZE_LIMIT_B} bytes"),
        ));
    }
}

fn nonnegative(value: i64, path: &str, e: &mut Vec<FieldError>) {
    if value < 0 {
        e.push(FieldError::invalid(
            path,
            BadValue::Int(value),
            NEGATIVE_ERR,
        ));
    }
}

fn validate_namespace(ns: &Namespace, e: &mut Vec<FieldError>) {
    validate_meta(&ns.metadata, NameRule::Dns1123Label, false, e);
}

fn validate_node(n: &Node, e: &mut Vec<FieldError>) {
    validate_meta(&n.metadata, NameRule::Subdomain, false, e);
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for (i, t) in n.spec.taints.iter().enumerate() {
        let p = format!("spec.taints[{i}]");
        for m in is_qualified_name(&t.key) {
            e.push(FieldError::invalid(
                format!("{p}.key"),
                BadValue::Str(t.key.clone()),
                m,
            ));
        }
        let value_errs = label_value_errors(&t.value);
        if !value_errs.is_empty() {
            e.push(FieldError::invalid(
                format!("{p}.value"),
                BadValue::Str(t.value.clone()),
                value_errs.join(";"),
            ));
        }
        validate_taint_effect(&t.effect, false, &format!("{p}.effect"), e);
        if !seen.insert((t.key.clone(), t.effect.as_str().to_string())) {
            e.push(FieldError {
                type_: ErrorType::Duplicate,
                field: p,
                bad_value: BadValue::Raw(format!(
                    "core.Taint{{Key:{}, Value:{}, Effect:{}, TimeAdded:<nil>}}",
                    go_quote(&t.key),
                    go_quote(&t.value),
                    go_quote(t.effect.as_str())
                )),
                detail: "taints must be unique by key and effect pair".into(),
            });
        }
    }
}

fn validate_taint_effect(
    effect: &TaintEffect,
    allow_empty: bool,
    path: &str,
    e: &mut Vec<FieldError>,
) {
    if effect.as_str().is_empty() {
        if !allow_empty {
            e.push(FieldError::required(path, ""));
        }
        return;
    }
    if !effect.is_known() {
        e.push(FieldError::not_supported(
            path,
            effect.as_str(),
            &["NoSchedule", "PreferNoSchedule", "NoExecute"],
        ));
    }
}

fn validate_pod(p: &Pod, e: &mut Vec<FieldError>) {
    validate_meta(&p.metadata, NameRule::Subdomain, true, e);
    validate_pod_spec(&p.spec, "spec", e);
}

fn validate_pod_spec(spec: &PodSpec, path: &str, e: &mut Vec<FieldError>) {
    if spec.containers.is_empty() {
        e.push(FieldError::required(format!("{path}.containers"), ""));
    }
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for (i, c) in spec.containers.iter().enumerate() {
        let cp = format!("{path}.containers[{i}]");
        validate_container(c, &cp, e);
        if !names.insert(c.name.as_str()) {
            e.push(FieldError::duplicate(
                format!("{cp}.name"),
                BadValue::Str(c.name.clone()),
            ));
        }
        validate_probe(
            c.liveness_probe.as_deref(),
            &format!("{cp}.livenessProbe"),
            true,
            e,
        );
        validate_probe(
            c.readiness_probe.as_deref(),
            &format!("{cp}.readinessProbe"),
            false,
            e,
        );
        validate_probe(
            c.startup_probe.as_deref(),
            &format!("{cp}.startupProbe"),
            true,
            e,
        );
    }
    for (i, c) in spec.init_containers.iter().enumerate() {
        let cp = format!("{path}.initContainers[{i}]");
        validate_container(c, &cp, e);
        if !names.insert(c.name.as_str()) {
            e.push(FieldError::duplicate(
                format!("{cp}.name"),
                BadValue::Str(c.name.clone()),
            ));
        }
    }
    if let Some(rp) = &spec.restart_policy {
        if !rp.is_known() {
            e.push(FieldError::not_supported(
                format!("{path}.restartPolicy"),
                rp.as_str(),
                &["Always", "OnFailure", "Never"],
            ));
        }
    }
    if let Some(dns) = &spec.dns_policy {
        const DNS: [&str; 4] = ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"];
        if !DNS.contains(&dns.as_str()) {
            e.push(FieldError::not_supported(
                format!("{path}.dnsPolicy"),
                dns,
                &DNS,
            ));
        }
    }
    validate_labels(&spec.node_selector, &format!("{path}.nodeSelector"), e);
    if let Some(na) = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
    {
        let ap = format!("{path}.affinity.nodeAffinity");
        if let Some(req) = &na.required_during_scheduling_ignored_during_execution {
            let rp = format!("{ap}.requiredDuringSchedulingIgnoredDuringExecution");
            if req.node_selector_terms.is_empty() {
                e.push(FieldError::required(
                    format!("{rp}.nodeSelectorTerms"),
                    "must have at least one node selector term",
                ));
            }
            for (i, term) in req.node_selector_terms.iter().enumerate() {
                validate_node_selector_term(term, &format!("{rp}.nodeSelectorTerms[{i}]"), e);
            }
        }
        for (i, pref) in na
            .preferred_during_scheduling_ignored_during_execution
            .iter()
            .enumerate()
        {
            let pp = format!("{ap}.preferredDuringSchedulingIgnoredDuringExecution[{i}]");
            if !(1..=100).contains(&pref.weight) {
                e.push(FieldError::invalid(
                    format!("{pp}.weight"),
                    BadValue::Int(i64::from(pref.weight)),
                    "must be in the range 1-100",
                ));
            }
            validate_node_selector_term(&pref.preference, &format!("{pp}.preference"), e);
        }
    }
    validate_topology_spread(spec, path, e);
    if let Some(grace) = spec.termination_grace_period_seconds {
        nonnegative(grace, &format!("{path}.terminationGracePeriodSeconds"), e);
    }
    if !spec.node_name.is_empty() {
        for m in is_dns1123_subdomain(&spec.node_name) {
            e.push(FieldError::invalid(
                format!("{path}.nodeName"),
                BadValue::Str(spec.node_name.clone()),
                m,
            ));
        }
    }
    for (i, t) in spec.tolerations.iter().enumerate() {
        validate_toleration(t, &format!("{path}.tolerations[{i}]"), e);
    }
}

fn validate_topology_spread(spec: &PodSpec, path: &str, e: &mut Vec<FieldError>) {
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for (i, c) in spec.topology_spread_constraints.iter().enumerate() {
        let p = format!("{path}.topologySpreadConstraints[{i}]");
        if c.max_skew <= 0 {
            e.push(FieldError::invalid(
                format!("{p}.maxSkew"),
                BadValue::Int(i64::from(c.max_skew)),
                "must be greater than zero",
            ));
        }
        if c.topology_key.is_empty() {
            e.push(FieldError::required(
                format!("{p}.topologyKey"),
                "can not be empty",
            ));
        } else {
            for m in is_qualified_name(&c.topology_key) {
                e.push(FieldError::invalid(
                    format!("{p}.topologyKey"),
                    BadValue::Str(c.topology_key.clone()),
                    m,
                ));
            }
        }
        if !c.when_unsatisfiable.is_known() {
            e.push(FieldError::not_supported(
                format!("{p}.whenUnsatisfiable"),
                c.when_unsatisfiable.as_str(),
                &["DoNotSchedule", "ScheduleAnyway"],
            ));
        }
        if let Some(md) = c.min_domains {
            if md <= 0 {
                e.push(FieldError::invalid(
                    format!("{p}.minDomains"),
                    BadValue::Int(i64::from(md)),
                    "must be greater than 0",
                ));
            } else if c.when_unsatisfiable.as_str() != "DoNotSchedule" {
                e.push(FieldError::invalid(
                    format!("{p}.minDomains"),
                    BadValue::Int(i64::from(md)),
                    "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway",
                ));
            }
        }
        let pair = (
            c.topology_key.clone(),
            c.when_unsatisfiable.as_str().to_string(),
        );
        if !seen.insert(pair) {
            e.push(FieldError::duplicate(
                format!("{p}.{{topologyKey, whenUnsatisfiable}}"),
                BadValue::Raw(format!(
                    "{{{}, {}}}",
                    c.topology_key,
                    c.when_unsatisfiable.as_str()
                )),
            ));
        }
        if let Some(ls) = &c.label_selector {
            validate_label_selector(ls, &format!("{p}.labelSelector"), e);
        }
    }
}

fn validate_node_selector_term(term: &NodeSelectorTerm, path: &str, e: &mut Vec<FieldError>) {
    for (i, r) in term.match_expressions.iter().enumerate() {
        let p = format!("{path}.matchExpressions[{i}]");
        validate_node_requirement(&r.key, &r.operator, &r.values, &p, e);
        for m in is_qualified_name(&r.key) {
            e.push(FieldError::invalid(
                format!("{p}.key"),
                BadValue::Str(r.key.clone()),
                m,
            ));
        }
    }
    for (i, r) in term.match_fields.iter().enumerate() {
        let p = format!("{path}.matchFields[{i}]");
        if r.key != "metadata.name" {
            e.push(FieldError::not_supported(
                format!("{p}.key"),
                &r.key,
                &["metadata.name"],
            ));
        }
        if !matches!(
            r.operator,
            NodeSelectorOperator::In | NodeSelectorOperator::NotIn
        ) {
            e.push(FieldError::invalid(
                format!("{p}.operator"),
                BadValue::Str(r.operator.as_str().to_string()),
                "not a valid selector operator",
            ));
        } else if r.values.len() != 1 {
            e.push(FieldError::required(
                format!("{p}.values"),
                "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
            ));
        }
    }
}

fn validate_node_requirement(
    _key: &str,
    op: &NodeSelectorOperator,
    values: &[String],
    p: &str,
    e: &mut Vec<FieldError>,
) {
    match op {
        NodeSelectorOperator::In | NodeSelectorOperator::NotIn => {
            if values.is_empty() {
                e.push(FieldError::required(
                    format!("{p}.values"),
                    "must be specified when `operator` is 'In' or 'NotIn'",
                ));
            }
        }
        NodeSelectorOperator::Exists | NodeSelectorOperator::DoesNotExist => {
            if !values.is_empty() {
                e.push(FieldError::forbidden(
                    format!("{p}.values"),
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                ));
            }
        }
        NodeSelectorOperator::Gt | NodeSelectorOperator::Lt => {
            if values.len() != 1 {
                e.push(FieldError::required(
                    format!("{p}.values"),
                    "must be specified single value when `operator` is 'Lt' or 'Gt'",
                ));
            }
        }
        NodeSelectorOperator::Other(o) => e.push(FieldError::invalid(
            format!("{p}.operator"),
            BadValue::Str(o.to_string()),
            "not a valid selector operator",
        )),
    }
}

fn validate_toleration(t: &Toleration, p: &str, e: &mut Vec<FieldError>) {
    if !t.key.is_empty() {
        for m in is_qualified_name(&t.key) {
            e.push(FieldError::invalid(
                format!("{p}.key"),
                BadValue::Str(t.key.clone()),
                m,
            ));
        }
    }
    let op = t.operator.as_ref().map_or("", |o| o.as_str());
    if t.key.is_empty() && op != "Exists" {
        e.push(FieldError::invalid(
            format!("{p}.operator"),
            BadValue::Str(op.to_string()),
            "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
        ));
    }
    let effect = t.effect.as_ref().map_or("", |x| x.as_str());
    if t.toleration_seconds.is_some() && effect != "NoExecute" {
        e.push(FieldError::invalid(
            format!("{p}.effect"),
            BadValue::Str(effect.to_string()),
            "effect must be 'NoExecute' when `tolerationSeconds` is set",
        ));
    }
    match t.operator.as_ref() {
        None | Some(TolerationOperator::Equal) => {
            let errs = label_value_errors(&t.value);
            if !errs.is_empty() {
                e.push(FieldError::invalid(
                    format!("{p}.operator"),
                    BadValue::Str(t.value.clone()),
                    errs.join(";"),
                ));
            }
        }
        Some(TolerationOperator::Exists) => {
            if !t.value.is_empty() {
                e.push(FieldError::invalid(
                    format!("{p}.operator"),
                    BadValue::Raw(format!(
                        "core.Toleration{{Key:{}, Operator:\"Exists\", Value:{}, Effect:{}, \
                         TolerationSeconds:(*int64)(nil)}}",
                        go_quote(&t.key),
                        go_quote(&t.value),
                        go_quote(effect)
                    )),
                    "value must be empty when `operator` is 'Exists'",
                ));
            }
        }
        Some(TolerationOperator::Other(o)) if o.is_empty() => {}
        Some(TolerationOperator::Other(o)) => e.push(FieldError::not_supported(
            format!("{p}.operator"),
            o,
            &["Equal", "Exists"],
        )),
    }
    if let Some(eff) = &t.effect {
        validate_taint_effect(eff, true, &format!("{p}.effect"), e);
    }
}

fn validate_container(c: &Container, cp: &str, e: &mut Vec<FieldError>) {
    if c.name.is_empty() {
        e.push(FieldError::required(format!("{cp}.name"), ""));
    } else {
        for m in is_dns1123_label(&c.name) {
            e.push(FieldError::invalid(
                format!("{cp}.name"),
                BadValue::Str(c.name.clone()),
                m,
            ));
        }
    }
    if c.image.is_empty() {
        e.push(FieldError::required(format!("{cp}.image"), ""));
    } else if c.image.trim() != c.image {
        e.push(FieldError::invalid(
            format!("{cp}.image"),
            BadValue::Str(c.image.clone()),
            "must not have leading or trailing whitespace",
        ));
    }
    validate_container_ports(&c.ports, &format!("{cp}.ports"), e);
    for (i, env) in c.env.iter().enumerate() {
        let p = format!("{cp}.env[{i}]");
        if env.name.is_empty() {
            e.push(FieldError::required(format!("{p}.name"), ""));
        } else if !is_valid_env_var_name(&env.name) {
            e.push(FieldError::invalid(
                format!("{p}.name"),
                BadValue::Str(env.name.clone()),
                regex_error(
                    ENV_VAR_NAME_ERR,
                    ENV_VAR_NAME_FMT,
                    &["my.env-name", "MY_ENV.NAME", "MyEnvName1"],
                ),
            ));
        }
        if env.value.as_deref().is_some_and(|v| !v.is_empty()) && env.value_from.is_some() {
            e.push(FieldError::invalid(
                format!("{p}.valueFrom"),
                BadValue::Str(String::new()),
                "may not be specified when `value` is not empty",
            ));
        }
    }
    if let Some(pp) = &c.image_pull_policy {
        if !pp.is_known() {
            e.push(FieldError::not_supported(
                format!("{cp}.imagePullPolicy"),
                pp.as_str(),
                &["Always", "IfNotPresent", "Never"],
            ));
        }
    }
    validate_resources(&c.resources, &format!("{cp}.resources"), e);
}

fn validate_container_ports(ports: &[ContainerPort], path: &str, e: &mut Vec<FieldError>) {
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        let p = format!("{path}[{i}]");
        if !port.name.is_empty() {
            for m in is_valid_port_name(&port.name) {
                e.push(FieldError::invalid(
                    format!("{p}.name"),
                    BadValue::Str(port.name.clone()),
                    m,
                ));
            }
            if !names.insert(port.name.as_str()) {
                e.push(FieldError::duplicate(
                    format!("{p}.name"),
                    BadValue::Str(port.name.clone()),
                ));
            }
        }
        if port.container_port == 0 {
            e.push(FieldError::required(format!("{p}.containerPort"), ""));
        } else if !(1..=65535).contains(&port.container_port) {
            e.push(FieldError::invalid(
                format!("{p}.containerPort"),
                BadValue::Int(i64::from(port.container_port)),
                PORT_RANGE_ERR,
            ));
        }
        if let Some(hp) = port.host_port {
            if hp != 0 && !(1..=65535).contains(&hp) {
                e.push(FieldError::invalid(
                    format!("{p}.hostPort"),
                    BadValue::Int(i64::from(hp)),
                    PORT_RANGE_ERR,
                ));
            }
        }
        if let Some(proto) = &port.protocol {
            validate_protocol(
                proto.as_str(),
                proto.is_known(),
                &format!("{p}.protocol"),
                e,
            );
        }
    }
}

fn validate_protocol(proto: &str, known: bool, path: &str, e: &mut Vec<FieldError>) {
    if proto.is_empty() {
        e.push(FieldError::required(path, ""));
    } else if !known {
        e.push(FieldError::not_supported(
            path,
            proto,
            &["SCTP", "TCP", "UDP"],
        ));
    }
}

fn is_standard_container_resource(name: &str) -> bool {
    matches!(name, "cpu" | "memory" | "ephemeral-storage") || name.starts_with("hugepages-")
}

fn validate_resources(r: &ResourceRequirements, path: &str, e: &mut Vec<FieldError>) {
    for (section, list) in [("limits", &r.limits), ("requests", &r.requests)] {
        for (name, q) in list {
            let p = format!("{path}.{section}[{name}]");
            let name_errs = is_qualified_name(name);
            for m in &name_errs {
                e.push(FieldError::invalid(
                    &p,
                    BadValue::Str(name.clone()),
                    m.clone(),
                ));
            }
            if !name.contains('/') && !is_standard_container_resource(name) {
                e.push(FieldError::invalid(
                    &p,
                    BadValue::Str(name.clone()),
                    "must be a standard resource type or fully qualified",
                ));
                e.push(FieldError::invalid(
                    &p,
                    BadValue::Str(name.clone()),
                    "must be a standard resource for containers",
                ));
            }
            if q.nanos() < 0 {
                e.push(FieldError::invalid(
                    &p,
                    BadValue::Str(q.canonical()),
                    NEGATIVE_ERR,
                ));
            }
        }
    }
    for (name, req) in &r.requests {
        if let Some(limit) = r.limits.get(name) {
            let overcommit = !name.starts_with("hugepages-")
                && (!name.contains('/') || name.contains("kubernetes.io/"));
            if req.nanos() != limit.nanos() && !overcommit {
                e.push(FieldError::invalid(
                    format!("{path}.requests"),
                    BadValue::Str(req.canonical()),
                    format!("must be equal to {name} limit of {}", limit.canonical()),
                ));
            } else if req.nanos() > limit.nanos() {
                e.push(FieldError::invalid(
                    format!("{path}.requests"),
                    BadValue::Str(req.canonical()),
                    format!(
                        "must be less than or equal to {name} limit of {}",
                        limit.canonical()
                    ),
                ));
            }
        }
    }
}

fn validate_probe(
    probe: Option<&Probe>,
    path: &str,
    success_must_be_one: bool,
    e: &mut Vec<FieldError>,
) {
    let Some(probe) = probe else { return };
    let mut handlers = 0;
    if let Some(exec) = &probe.exec {
        handlers += 1;
        if exec.command.is_empty() {
            e.push(FieldError::required(format!("{path}.exec.command"), ""));
        }
    }
    let mut more = |name: &str, e: &mut Vec<FieldError>| -> bool {
        if handlers > 0 {
            e.push(FieldError::forbidden(
                format!("{path}.{name}"),
                "may not specify more than 1 handler type",
            ));
            false
        } else {
            handlers += 1;
            true
        }
    };
    if let Some(http) = &probe.http_get {
        if more("httpGet", e) {
            validate_port_num_or_name(&http.port, &format!("{path}.httpGet.port"), e);
            if !http.scheme.is_empty() && http.scheme != "HTTP" && http.scheme != "HTTPS" {
                e.push(FieldError::not_supported(
                    format!("{path}.httpGet.scheme"),
                    &http.scheme,
                    &["HTTP", "HTTPS"],
                ));
            }
        }
    }
    if let Some(tcp) = &probe.tcp_socket {
        if more("tcpSocket", e) {
            validate_port_num_or_name(&tcp.port, &format!("{path}.tcpSocket.port"), e);
        }
    }
    if let Some(grpc) = &probe.grpc {
        if more("grpc", e) && !(1..=65535).contains(&grpc.port) {
            e.push(FieldError::invalid(
                format!("{path}.grpc.port"),
                BadValue::Int(i64::from(grpc.port)),
                PORT_RANGE_ERR,
            ));
        }
    }
    if handlers == 0 {
        e.push(FieldError::required(path, "must specify a handler type"));
    }
    nonnegative(
        i64::from(probe.initial_delay_seconds),
        &format!("{path}.initialDelaySeconds"),
        e,
    );
    for (name, v) in [
        ("timeoutSeconds", probe.timeout_seconds),
        ("periodSeconds", probe.period_seconds),
        ("successThreshold", probe.success_threshold),
        ("failureThreshold", probe.failure_threshold),
    ] {
        if let Some(v) = v {
            nonnegative(i64::from(v), &format!("{path}.{name}"), e);
        }
    }
    if let Some(g) = probe.termination_grace_period_seconds {
        if g <= 0 {
            e.push(FieldError::invalid(
                format!("{path}.terminationGracePeriodSeconds"),
                BadValue::Int(g),
                "must be greater than 0",
            ));
        }
    }
    if success_must_be_one && probe.success_threshold.unwrap_or(1) != 1 {
        e.push(FieldError::invalid(
            format!("{path}.successThreshold"),
            BadValue::Int(i64::from(probe.success_threshold.unwrap_or(1))),
            "must be 1",
        ));
    }
}

fn validate_port_num_or_name(port: &IntOrString, path: &str, e: &mut Vec<FieldError>) {
    match port {
        IntOrString::Int(n) => {
            if !(1..=65535).contains(n) {
                e.push(FieldError::invalid(
                    path,
                    BadValue::Int(i64::from(*n)),
                    PORT_RANGE_ERR,
                ));
            }
        }
        IntOrString::String(s) => {
            for m in is_valid_port_name(s) {
                e.push(FieldError::invalid(path, BadValue::Str(s.clone()), m));
            }
        }
    }
}

fn validate_label_selector(ls: &LabelSelector, path: &str, e: &mut Vec<FieldError>) {
    validate_labels(&ls.match_labels, &format!("{path}.matchLabels"), e);
    for (i, r) in ls.match_expressions.iter().enumerate() {
        let p = format!("{path}.matchExpressions[{i}]");
        match r.operator {
            LabelSelectorOperator::In | LabelSelectorOperator::NotIn => {
                if r.values.is_empty() {
                    e.push(FieldError::required(
                        format!("{p}.values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            LabelSelectorOperator::Exists | LabelSelectorOperator::DoesNotExist => {
                if !r.values.is_empty() {
                    e.push(FieldError::forbidden(
                        format!("{p}.values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            LabelSelectorOperator::Other(ref o) => e.push(FieldError::invalid(
                format!("{p}.operator"),
                BadValue::Str(o.to_string()),
                "not a valid selector operator",
            )),
        }
        for m in is_qualified_name(&r.key) {
            e.push(FieldError::invalid(
                format!("{p}.key"),
                BadValue::Str(r.key.clone()),
                m,
            ));
        }
        for (j, v) in r.values.iter().enumerate() {
            for m in label_value_errors(v) {
                e.push(FieldError::invalid(
                    format!("{p}.values[{j}]"),
                    BadValue::Str(v.clone()),
                    m,
                ));
            }
        }
    }
}

/// Selector and template checks shared by ReplicaSets and Deployments.
fn validate_selector_and_template(
    selector: Option<&LabelSelector>,
    template: &PodTemplateSpec,
    e: &mut Vec<FieldError>,
) {
    match selector {
        None => e.push(FieldError::required("spec.selector", "")),
        Some(ls) => {
            validate_label_selector(ls, "spec.selector", e);
            if ls.is_empty() {
                e.push(FieldError::invalid(
                    "spec.selector",
                    BadValue::Raw(go_label_selector(ls)),
                    "empty selector is invalid for deployment",
                ));
            }
        }
    }
    // A missing selector converts to "nothing", which matches no labels; an empty one to
    // "everything", which is not checked against the template.
    let converted = match selector {
        None => Ok(None),
        Some(ls) => Selector::from_label_selector(ls).map(Some),
    };
    match converted {
        Err(_) => e.push(FieldError::invalid(
            "spec.selector",
            BadValue::Raw(go_label_selector(
                selector
                    .cloned()
                    .as_ref()
                    .unwrap_or(&LabelSelector::default()),
            )),
            "invalid label selector",
        )),
        Ok(sel) => {
            let matches = match &sel {
                None => false,
                Some(s) => s.is_empty() || s.matches(&template.metadata.labels),
            };
            if !matches {
                e.push(FieldError::invalid(
                    "spec.template.metadata.labels",
                    BadValue::Raw(go_string_map(&template.metadata.labels)),
                    "`selector` does not match template `labels`",
                ));
            }
            validate_labels(&template.metadata.labels, "spec.template.labels", e);
            validate_annotations(
                &template.metadata.annotations,
                "spec.template.annotations",
                e,
            );
            validate_pod_spec(&template.spec, "spec.template.spec", e);
            if let Some(rp) = &template.spec.restart_policy {
                if rp.as_str() != "Always" {
                    e.push(FieldError::not_supported(
                        "spec.template.spec.restartPolicy",
                        rp.as_str(),
                        &["Always"],
                    ));
                }
            }
        }
    }
}

fn validate_replica_set(rs: &ReplicaSet, e: &mut Vec<FieldError>) {
    validate_meta(&rs.metadata, NameRule::Subdomain, true, e);
    nonnegative(i64::from(rs.spec.replicas.unwrap_or(1)), "spec.replicas", e);
    nonnegative(
        i64::from(rs.spec.min_ready_seconds),
        "spec.minReadySeconds",
        e,
    );
    validate_selector_and_template(rs.spec.selector.as_ref(), &rs.spec.template, e);
}

fn percent_or_int_value(v: &IntOrString) -> Option<i64> {
    match v {
        IntOrString::Int(n) => Some(i64::from(*n)),
        IntOrString::String(s) => s.strip_suffix('%')?.parse().ok(),
    }
}

fn validate_positive_int_or_percent(v: &IntOrString, path: &str, e: &mut Vec<FieldError>) {
    match v {
        IntOrString::String(s) => {
            let ok = s
                .strip_suffix('%')
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()));
            if !ok {
                e.push(FieldError::invalid(
                    path,
                    BadValue::Raw(s.clone()),
                    regex_error(
                        "a valid percent string must be a numeric string followed by an ending '%'",
                        "[0-9]+%",
                        &["1%", "93%"],
                    ),
                ));
            }
        }
        IntOrString::Int(n) => nonnegative(i64::from(*n), path, e),
    }
}

fn validate_deployment(d: &Deployment, e: &mut Vec<FieldError>) {
    validate_meta(&d.metadata, NameRule::Subdomain, true, e);
    let spec = &d.spec;
    nonnegative(i64::from(spec.replicas.unwrap_or(1)), "spec.replicas", e);
    validate_selector_and_template(spec.selector.as_ref(), &spec.template, e);

    // Strategy (`ValidateDeploymentStrategy`), reading unset fields as their defaults.
    let strategy_type = spec
        .strategy
        .type_
        .as_ref()
        .map_or("RollingUpdate", |t| t.as_str());
    match strategy_type {
        "Recreate" => {
            if spec.strategy.rolling_update.is_some() {
                e.push(FieldError::forbidden(
                    "spec.strategy.rollingUpdate",
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
        }
        "RollingUpdate" => {
            let ru = spec.strategy.rolling_update.clone().unwrap_or_default();
            let max_unavailable = ru.max_unavailable.unwrap_or(IntOrString::from("25%"));
            let max_surge = ru.max_surge.unwrap_or(IntOrString::from("25%"));
            let mu_path = "spec.strategy.rollingUpdate.maxUnavailable";
            validate_positive_int_or_percent(&max_unavailable, mu_path, e);
            validate_positive_int_or_percent(&max_surge, "spec.strategy.rollingUpdate.maxSurge", e);
            if percent_or_int_value(&max_unavailable) == Some(0)
                && percent_or_int_value(&max_surge) == Some(0)
            {
                e.push(FieldError::invalid(
                    mu_path,
                    BadValue::Raw(max_unavailable.to_string()),
                    "may not be 0 when `maxSurge` is 0",
                ));
            }
            if let IntOrString::String(s) = &max_unavailable {
                if percent_or_int_value(&max_unavailable).is_some_and(|p| p > 100) {
                    e.push(FieldError::invalid(
                        mu_path,
                        BadValue::Raw(s.clone()),
                        "must not be greater than 100%",
                    ));
                }
            }
        }
        other => e.push(FieldError::not_supported(
            "spec.strategy.type",
            other,
            &["Recreate", "RollingUpdate"],
        )),
    }
    nonnegative(i64::from(spec.min_ready_seconds), "spec.minReadySeconds", e);
    if let Some(limit) = spec.revision_history_limit {
        nonnegative(i64::from(limit), "spec.revisionHistoryLimit", e);
    }
    let deadline = spec.progress_deadline_seconds.unwrap_or(600);
    nonnegative(i64::from(deadline), "spec.progressDeadlineSeconds", e);
    if deadline <= spec.min_ready_seconds {
        e.push(FieldError::invalid(
            "spec.progressDeadlineSeconds",
            BadValue::Int(i64::from(deadline)),
            "must be greater than minReadySeconds",
        ));
    }
}

fn validate_service(s: &Service, e: &mut Vec<FieldError>) {
    validate_meta(&s.metadata, NameRule::Dns1035Label, true, e);
    let spec = &s.spec;
    let type_ = spec.type_.as_ref().map_or("ClusterIP", |t| t.as_str());
    let headless = spec.cluster_ip == "None";
    if spec.ports.is_empty() && !headless && type_ != "ExternalName" {
        e.push(FieldError::required("spec.ports", ""));
    }
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for (i, p) in spec.ports.iter().enumerate() {
        let pp = format!("spec.ports[{i}]");
        if spec.ports.len() > 1 && p.name.is_empty() {
            e.push(FieldError::required(format!("{pp}.name"), ""));
        } else if !p.name.is_empty() {
            for m in is_dns1123_label(&p.name) {
                e.push(FieldError::invalid(
                    format!("{pp}.name"),
                    BadValue::Str(p.name.clone()),
                    m,
                ));
            }
            if !names.insert(p.name.as_str()) {
                e.push(FieldError::duplicate(
                    format!("{pp}.name"),
                    BadValue::Str(p.name.clone()),
                ));
            }
        }
        if !(1..=65535).contains(&p.port) {
            e.push(FieldError::invalid(
                format!("{pp}.port"),
                BadValue::Int(i64::from(p.port)),
                PORT_RANGE_ERR,
            ));
        }
        if let Some(proto) = &p.protocol {
            validate_protocol(
                proto.as_str(),
                proto.is_known(),
                &format!("{pp}.protocol"),
                e,
            );
        }
        if let Some(tp) = &p.target_port {
            validate_port_num_or_name(tp, &format!("{pp}.targetPort"), e);
        }
    }
    validate_labels(&spec.selector, "spec.selector", e);
    if !spec.type_.as_ref().is_none_or(|t| t.is_known()) {
        e.push(FieldError::not_supported(
            "spec.type",
            type_,
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        ));
    }
    if type_ == "ClusterIP" {
        for (i, p) in spec.ports.iter().enumerate() {
            if p.node_port.is_some_and(|n| n != 0) {
                e.push(FieldError::forbidden(
                    format!("spec.ports[{i}].nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            }
        }
    }
    if matches!(type_, "NodePort" | "LoadBalancer") {
        for (i, p) in spec.ports.iter().enumerate() {
            if let Some(np) = p.node_port {
                if np != 0 && !(30000..=32767).contains(&np) {
                    e.push(FieldError::invalid(
                        format!("spec.ports[{i}].nodePort"),
                        BadValue::Int(i64::from(np)),
                        "provided port is not in the valid range. The range of valid ports is \
                         30000-32767",
                    ));
                }
            }
        }
    }
    let mut seen: BTreeSet<(String, i32)> = BTreeSet::new();
    for (i, p) in spec.ports.iter().enumerate() {
        let proto = p
            .protocol
            .as_ref()
            .map_or("TCP", |x| x.as_str())
            .to_string();
        if !seen.insert((proto.clone(), p.port)) {
            e.push(FieldError::duplicate(
                format!("spec.ports[{i}]"),
                BadValue::Raw(format!(
                    "core.ServicePort{{Name:\"\", Protocol:{}, AppProtocol:(*string)(nil), \
                     Port:{}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, \
                     NodePort:0}}",
                    go_quote(&proto),
                    p.port
                )),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_rules_have_kubernetes_messages() {
        assert!(is_dns1123_label("web-1").is_empty());
        assert_eq!(
            is_dns1123_label("Web")[0],
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \
             '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or \
             '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
        );
        assert!(is_dns1123_subdomain("a.b-c").is_empty());
        assert!(!is_dns1123_subdomain("a..b").is_empty());
        assert!(is_qualified_name("app.kubernetes.io/name").is_empty());
        assert_eq!(is_qualified_name("").len(), 2);
        assert!(is_valid_port_name("http").is_empty());
        assert!(!is_valid_port_name("80").is_empty());
    }

    #[test]
    fn several_errors_print_as_a_bullet_list() {
        let inv = Invalid {
            kind: ObjectKind::Deployment,
            name: "web".into(),
            errors: vec![
                FieldError::invalid("spec.replicas", BadValue::Int(-1), NEGATIVE_ERR),
                FieldError::required("spec.selector", ""),
            ],
        };
        assert_eq!(
            inv.to_string(),
            "The Deployment \"web\" is invalid: \n* spec.replicas: Invalid value: -1: must be \
             greater than or equal to 0\n* spec.selector: Required value"
        );
        assert_eq!(
            inv.status_message(),
            "Deployment.apps \"web\" is invalid: [spec.replicas: Invalid value: -1: must be \
             greater than or equal to 0, spec.selector: Required value]"
        );
    }
}
