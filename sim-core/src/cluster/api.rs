//! The typed subset of the Kubernetes API a teaching cluster uses: `core/v1` Namespace, Node, Pod,
//! Service, Event; `apps/v1` ReplicaSet and Deployment; `discovery.k8s.io/v1` EndpointSlice.
//!
//! Field names and JSON/YAML spellings follow `k8s.io/api` (`core/v1/types.go`,
//! `apps/v1/types.go`, `discovery/v1/types.go`) and `k8s.io/apimachinery/pkg/apis/meta/v1`.
//! Every type a user writes denies unknown fields, so a typo is a strict decoding error as with
//! `kubectl apply` (see [`super::manifest`]). Empty and absent fields are not serialized, except
//! where kubectl prints them anyway (`resources: {}`, `strategy: {}`, `status: {}`), so `-o yaml`
//! reads like kubectl's.
//!
//! Enumerated strings (`NoSchedule`, `TCP`, `Always`, …) are enums with an `Other` variant: an
//! unknown value decodes, and validation rejects it in kube-apiserver's words (`Unsupported
//! value: "tcp": supported values: "SCTP", "TCP", "UDP"`), as the real API does.
//!
//! Timestamps are simulated time ([`Timestamp`]), rendered RFC 3339 from the fixed epoch that
//! simulated time zero stands for (`2025-01-01T00:00:00Z`, [`crate::image::config::SIM_EPOCH_UNIX_S`]).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::quantity::Quantity;
use crate::time::SimTime;

pub use super::small_map::SmallMap;
pub use crate::shared::Shared;

/// A resource list: resource name (`cpu`, `memory`, `pods`, `ephemeral-storage`) → quantity.
pub type ResourceList = SmallMap<String, Quantity>;

/// String → string maps (labels, annotations, selectors) in key order.
pub type StringMap = SmallMap<String, String>;

fn is_empty_shared_vec<T>(v: &Shared<Vec<T>>) -> bool {
    v.is_empty()
}
fn is_empty_shared_string(s: &Shared<String>) -> bool {
    s.is_empty()
}
fn is_false(b: &bool) -> bool {
    !*b
}
fn is_zero_i32(n: &i32) -> bool {
    *n == 0
}
fn is_zero_i64(n: &i64) -> bool {
    *n == 0
}

// ---------------------------------------------------------------------------------------------
// Objects held split in memory.

/// Declares `$name`, the in-memory form of the wire struct `$fields` (what YAML and JSON read and
/// write): the fields listed are kept in each value, and the whole `$fields` beside them in a
/// [`Shared`] that equal values (the pods of one template, the versions of one pod) hold once
/// (`share_common`). The `$fields` copies of the listed fields stay at their defaults.
///
/// `with COMPACT, EXPAND` names two functions on the wire struct: one run on a value read (to
/// drop what the in-memory form leaves implied), one on a value written (to put it back).
///
/// Sharing is not observable. A listed field reads and writes as a field; every other field
/// reads through `Deref` and writes through `DerefMut` (which copies the shared part first
/// when another value holds it). The value serializes, deserializes (with `$fields`' strict
/// checks and paths), compares and prints as `$fields` does.
macro_rules! split_struct {
    (
        $(#[$meta:meta])*
        $name:ident in $fields:ident as $wire:literal {
            $($(#[$fmeta:meta])* $f:ident: $t:ty),+ $(,)?
        }
    ) => {
        split_struct! {
            $(#[$meta])*
            $name in $fields as $wire {
                $($(#[$fmeta])* $f: $t,)+
            }
            with |_w: &mut $fields| {}, |_w: &mut $fields| {}
        }
    };
    (
        $(#[$meta:meta])*
        $name:ident in $fields:ident as $wire:literal {
            $($(#[$fmeta:meta])* $f:ident: $t:ty),+ $(,)?
        }
        with $compact:expr, $expand:expr
    ) => {
        $(#[$meta])*
        #[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(from = $wire, into = $wire)]
        pub struct $name {
            $($(#[$fmeta])* pub $f: $t,)+
            /// Every other field, shared copy-on-write.
            common: Shared<$fields>,
        }

        impl From<$fields> for $name {
            fn from(mut w: $fields) -> Self {
                ($compact)(&mut w);
                $name {
                    $($f: std::mem::take(&mut w.$f),)+
                    common: Shared::new(w),
                }
            }
        }

        impl From<$name> for $fields {
            fn from(v: $name) -> Self {
                let mut w = v.common.into_inner();
                $(w.$f = v.$f;)+
                ($expand)(&mut w);
                w
            }
        }

        impl std::ops::Deref for $name {
            type Target = $fields;
            fn deref(&self) -> &$fields {
                &self.common
            }
        }

        impl std::ops::DerefMut for $name {
            fn deref_mut(&mut self) -> &mut $fields {
                &mut self.common
            }
        }

        impl fmt::Debug for $name {
            /// As the wire form prints.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                $fields::from(self.clone()).fmt(f)
            }
        }

        impl $name {
            /// Holds the shared part once with an equal recent one (see
            /// [`crate::shared::Recent`]).
            pub fn share_common_from(&mut self, pool: &mut crate::shared::Recent<$fields>) {
                pool.share(&mut self.common);
            }

            /// Holds the shared part once with `other` when the two are equal; whether they
            /// now hold it once.
            pub fn share_common(&mut self, other: &Self) -> bool {
                self.common.share_if_equal(&other.common);
                Shared::ptr_eq(&self.common, &other.common)
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Enumerated strings.

/// Declares a string enum with the known values and an `Other` catch-all that keeps the text.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this API does not know (validation rejects it). Boxed, so the enum is
            /// one pointer wide (a pod holds several).
            Other(Box<String>),
        }

        impl Default for $name {
            /// The empty string (an unset field): validation reports it.
            fn default() -> Self {
                $name::Other(Box::default())
            }
        }

        impl $name {
            /// Every known value, in the order kube-apiserver lists them in `supported values`.
            pub const KNOWN: &'static [&'static str] = &[$($text),+];

            /// The value as written in YAML.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(s) => s,
                }
            }

            /// Whether this is one of the known values.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($text => $name::$variant,)+
                    other => $name::Other(Box::new(other.to_string())),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok($name::from(s.as_str()))
            }
        }
    };
}

string_enum! {
    /// What a taint does to pods that do not tolerate it.
    TaintEffect {
        /// Do not schedule new pods.
        NoSchedule => "NoSchedule",
        /// Avoid scheduling new pods if possible.
        PreferNoSchedule => "PreferNoSchedule",
        /// Evict running pods too.
        NoExecute => "NoExecute",
    }
}

string_enum! {
    /// How a toleration compares its value with a taint's.
    TolerationOperator {
        /// Any value (the key alone matches).
        Exists => "Exists",
        /// Values must be equal (the default when empty).
        Equal => "Equal",
    }
}

string_enum! {
    /// A label selector requirement's operator.
    LabelSelectorOperator {
        /// The label's value is one of the values.
        In => "In",
        /// The label is absent or its value is none of the values.
        NotIn => "NotIn",
        /// The label is present.
        Exists => "Exists",
        /// The label is absent.
        DoesNotExist => "DoesNotExist",
    }
}

string_enum! {
    /// A node selector requirement's operator.
    NodeSelectorOperator {
        /// Value is one of the values.
        In => "In",
        /// Absent or none of the values.
        NotIn => "NotIn",
        /// Present.
        Exists => "Exists",
        /// Absent.
        DoesNotExist => "DoesNotExist",
        /// Integer value greater than the single value.
        Gt => "Gt",
        /// Integer value less than the single value.
        Lt => "Lt",
    }
}

string_enum! {
    /// A port's transport protocol.
    Protocol {
        /// Stream Control Transmission Protocol.
        Sctp => "SCTP",
        /// TCP (the default).
        Tcp => "TCP",
        /// UDP.
        Udp => "UDP",
    }
}

string_enum! {
    /// When the kubelet restarts a pod's containers.
    RestartPolicy {
        /// Always (the default).
        Always => "Always",
        /// Only after a non-zero exit.
        OnFailure => "OnFailure",
        /// Never.
        Never => "Never",
    }
}

string_enum! {
    /// When the kubelet pulls a container's image.
    ImagePullPolicy {
        /// Every start (the default for `:latest` or no tag).
        Always => "Always",
        /// Never: the image must be on the node.
        Never => "Never",
        /// Only if the node lacks it (the default for any other tag).
        IfNotPresent => "IfNotPresent",
    }
}

string_enum! {
    /// How a Service is exposed.
    ServiceType {
        /// A virtual IP inside the cluster (the default).
        ClusterIp => "ClusterIP",
        /// ClusterIP plus a port on every node.
        NodePort => "NodePort",
        /// NodePort plus an external load balancer.
        LoadBalancer => "LoadBalancer",
        /// A DNS CNAME.
        ExternalName => "ExternalName",
    }
}

string_enum! {
    /// How a Deployment replaces old pods with new ones.
    DeploymentStrategyType {
        /// Kill all old pods, then create new ones.
        Recreate => "Recreate",
        /// Replace gradually (the default).
        RollingUpdate => "RollingUpdate",
    }
}

string_enum! {
    /// What the scheduler does when a topology spread constraint cannot be met.
    UnsatisfiableConstraintAction {
        /// Filter: do not schedule.
        DoNotSchedule => "DoNotSchedule",
        /// Score only.
        ScheduleAnyway => "ScheduleAnyway",
    }
}

string_enum! {
    /// A pod's lifecycle phase.
    PodPhase {
        /// Accepted, not all containers running yet (includes scheduling and pulling).
        Pending => "Pending",
        /// Bound to a node, at least one container running.
        Running => "Running",
        /// All containers exited 0 and will not restart.
        Succeeded => "Succeeded",
        /// All containers terminated, at least one in failure.
        Failed => "Failed",
        /// The state could not be obtained.
        Unknown => "Unknown",
    }
}

string_enum! {
    /// A condition's status.
    ConditionStatus {
        /// The condition holds.
        True => "True",
        /// It does not.
        False => "False",
        /// Nobody knows (e.g. a node stopped reporting).
        Unknown => "Unknown",
    }
}

// ---------------------------------------------------------------------------------------------
// Small shared types.

/// A point in simulated time as the API shows it (`metav1.Time`): RFC 3339 with second
/// precision, counted from the fixed epoch simulated time zero stands for. Held as the
/// millisecond + 1, so an `Option<Timestamp>` (most times a pod has are optional) takes no
/// more room than the time.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(std::num::NonZeroU64);

impl Default for Timestamp {
    /// Simulated time zero.
    fn default() -> Self {
        Timestamp::at(SimTime(0))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Timestamp").field(&self.time()).finish()
    }
}

impl Timestamp {
    /// The timestamp of simulated instant `t` (the last millisecond stands for any later one).
    pub fn at(t: SimTime) -> Self {
        Timestamp(std::num::NonZeroU64::MIN.saturating_add(t.as_ms().min(u64::MAX - 1)))
    }

    /// The simulated instant.
    pub fn time(self) -> SimTime {
        SimTime(self.0.get() - 1)
    }

    /// The RFC 3339 text (`2025-01-01T00:02:00Z`).
    pub fn to_rfc3339(self) -> String {
        crate::image::config::rfc3339(i64::try_from(self.time().as_ms()).unwrap_or(i64::MAX))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let Some(ms) = crate::image::config::parse_rfc3339(&s) else {
            return Err(serde::de::Error::custom(format!(
                "parsing time \"{s}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse"
            )));
        };
        // Times before the simulation started (a manifest copied from a real cluster) are
        // clamped to time zero: the model has no earlier instant.
        Ok(Timestamp::at(SimTime(u64::try_from(ms).unwrap_or(0))))
    }
}

/// An integer or a string such as `25%` or a port name (`intstr.IntOrString`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntOrString {
    /// A number.
    Int(i32),
    /// A string (`25%`, `http`).
    String(String),
}

impl Default for IntOrString {
    fn default() -> Self {
        IntOrString::Int(0)
    }
}

impl fmt::Display for IntOrString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrString::Int(n) => write!(f, "{n}"),
            IntOrString::String(s) => f.write_str(s),
        }
    }
}

impl From<i32> for IntOrString {
    fn from(n: i32) -> Self {
        IntOrString::Int(n)
    }
}

impl From<&str> for IntOrString {
    fn from(s: &str) -> Self {
        IntOrString::String(s.to_string())
    }
}

impl IntOrString {
    /// The value scaled against `total` as `intstr.GetScaledValueFromIntOrPercent` does:
    /// an int is itself, `N%` is `total·N/100` rounded up or down. `None` for a string that is
    /// not a percentage (`invalid value for IntOrString: invalid type: string is not a percentage`).
    pub fn scaled_value(&self, total: i32, round_up: bool) -> Option<i32> {
        match self {
            IntOrString::Int(n) => Some(*n),
            IntOrString::String(s) => {
                let pct: i64 = s.strip_suffix('%')?.parse().ok()?;
                let product = pct.checked_mul(i64::from(total))?;
                let v = if round_up {
                    product.div_euclid(100) + i64::from(product.rem_euclid(100) != 0)
                } else {
                    product.div_euclid(100)
                };
                i32::try_from(v).ok()
            }
        }
    }
}

impl Serialize for IntOrString {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            IntOrString::Int(n) => s.serialize_i32(*n),
            IntOrString::String(v) => s.serialize_str(v),
        }
    }
}

impl<'de> Deserialize<'de> for IntOrString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = IntOrString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<IntOrString, E> {
                i32::try_from(v)
                    .map(IntOrString::Int)
                    .map_err(|_| E::custom(format!("{v} does not fit in a 32-bit integer")))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<IntOrString, E> {
                i32::try_from(v)
                    .map(IntOrString::Int)
                    .map_err(|_| E::custom(format!("{v} does not fit in a 32-bit integer")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<IntOrString, E> {
                Ok(IntOrString::String(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// The kind and API version of an object (`metav1.TypeMeta`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypeMeta {
    /// `v1`, `apps/v1`, `discovery.k8s.io/v1`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    /// `Pod`, `Deployment`, …
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
}

/// A reference from a dependent to its owner (garbage collection walks these).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct OwnerReference {
    /// The owner's API version.
    pub api_version: String,
    /// The owner's kind.
    pub kind: String,
    /// The owner's name.
    pub name: String,
    /// The owner's uid.
    pub uid: String,
    /// Whether the owner is the managing controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
    /// Whether deleting the owner in the foreground waits for this dependent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_owner_deletion: Option<bool>,
}

/// Metadata as written: the wire form of [`ObjectMeta`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename = "ObjectMeta",
    rename_all = "camelCase",
    deny_unknown_fields,
    default
)]
pub struct ObjectMetaFields {
    /// Unique within the namespace (or cluster, for cluster-scoped kinds).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Prefix of a server-generated name, when `name` is empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub generate_name: String,
    /// Empty for cluster-scoped kinds; `default` is applied for namespaced ones.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// Set by the store: deterministic in this model.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    /// Set by the store on every write (a decimal counter here).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resource_version: String,
    /// Incremented by the store on every spec change.
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub generation: i64,
    /// Set by the store; kubectl's dry-run output writes `creationTimestamp: null`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<Timestamp>,
    /// Set when a graceful deletion starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<Timestamp>,
    /// The grace period of that deletion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_grace_period_seconds: Option<i64>,
    /// Labels: selectors match on these.
    #[serde(default, skip_serializing_if = "SmallMap::is_empty")]
    pub labels: StringMap,
    /// Annotations: free-form (`kubectl.kubernetes.io/last-applied-configuration`, …).
    #[serde(default, skip_serializing_if = "SmallMap::is_empty")]
    pub annotations: StringMap,
    /// Owners of this object (shared by the pods of one ReplicaSet).
    #[serde(default, skip_serializing_if = "is_empty_shared_vec")]
    pub owner_references: Shared<Vec<OwnerReference>>,
    /// Finalizers that must be removed before the object goes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finalizers: Vec<String>,
}

split_struct! {
    /// Metadata every object has (`metav1.ObjectMeta`). What the pods of one ReplicaSet have in
    /// common (labels, owner references, …) is held once (see `split_struct!`).
    ObjectMeta in ObjectMetaFields as "ObjectMetaFields" {
        /// Unique within the namespace (or cluster, for cluster-scoped kinds).
        name: String,
        /// Set by the store: deterministic in this model.
        uid: String,
        /// Set by the store on every write (a decimal counter here).
        resource_version: String,
        /// Set by the store; kubectl's dry-run output writes `creationTimestamp: null`.
        creation_timestamp: Option<Timestamp>,
    }
}

impl ObjectMeta {
    /// The owner reference marked `controller: true`, if any.
    pub fn controller_ref(&self) -> Option<&OwnerReference> {
        self.owner_references
            .iter()
            .find(|r| r.controller == Some(true))
    }
}

/// A reference to an object (`corev1.ObjectReference`): Event subjects, endpoint targets.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ObjectReference {
    /// Kind.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// Namespace.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// Name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Uid.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    /// API version.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    /// Resource version seen.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resource_version: String,
    /// Part of the object (`spec.containers{nginx}`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub field_path: String,
}

// ---------------------------------------------------------------------------------------------
// Selectors, taints, tolerations.

/// A label selector (`metav1.LabelSelector`): all of `matchLabels` and all of
/// `matchExpressions` must hold. Matching lives in [`super::selector`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct LabelSelector {
    /// Exact key=value pairs.
    #[serde(default, skip_serializing_if = "SmallMap::is_empty")]
    pub match_labels: StringMap,
    /// Set-based requirements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One set-based requirement of a [`LabelSelector`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct LabelSelectorRequirement {
    /// The label key.
    pub key: String,
    /// In, NotIn, Exists, DoesNotExist.
    pub operator: LabelSelectorOperator,
    /// Values for In/NotIn; empty for Exists/DoesNotExist.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// A node taint: pods that do not tolerate it are kept off (or evicted from) the node.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Taint {
    /// The key (`node.kubernetes.io/unreachable`).
    pub key: String,
    /// The value (may be empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub value: String,
    /// NoSchedule, PreferNoSchedule or NoExecute.
    pub effect: TaintEffect,
    /// When a NoExecute taint was added (set by the node controller).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_added: Option<Timestamp>,
}

impl fmt::Display for Taint {
    /// `key=value:Effect` (or `key:Effect`), as `kubectl taint` and the scheduler print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            write!(f, "{}:{}", self.key, self.effect)
        } else {
            write!(f, "{}={}:{}", self.key, self.value, self.effect)
        }
    }
}

/// A pod's toleration of taints.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Toleration {
    /// The taint key; empty with `Exists` matches every taint.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    /// Exists or Equal (empty means Equal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<TolerationOperator>,
    /// The value to equal.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub value: String,
    /// The effect tolerated; empty (None) tolerates every effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<TaintEffect>,
    /// For NoExecute: how long the pod stays bound after the taint appears (None: forever).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toleration_seconds: Option<i64>,
}

impl Toleration {
    /// Whether this toleration tolerates `taint` (`ToleratesTaint` in
    /// `k8s.io/api/core/v1/toleration.go`): the effect matches (or is empty), the key matches
    /// (or is empty), and with `Equal`/empty the values are equal, with `Exists` any value.
    pub fn tolerates(&self, taint: &Taint) -> bool {
        if let Some(effect) = &self.effect {
            if !effect.as_str().is_empty() && effect != &taint.effect {
                return false;
            }
        }
        if !self.key.is_empty() && self.key != taint.key {
            return false;
        }
        match self.operator.as_ref().map(|o| o.as_str()) {
            None | Some("") | Some("Equal") => self.value == taint.value,
            Some("Exists") => true,
            Some(_) => false,
        }
    }
}

/// Whether some toleration in `tolerations` tolerates `taint` (`TolerationsTolerateTaint`).
pub fn tolerations_tolerate_taint(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| t.tolerates(taint))
}

// ---------------------------------------------------------------------------------------------
// Pods.

/// Resource requests and limits of a container.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ResourceRequirements {
    /// The most the container may use.
    #[serde(default, skip_serializing_if = "SmallMap::is_empty")]
    pub limits: ResourceList,
    /// What the scheduler reserves for it.
    #[serde(default, skip_serializing_if = "SmallMap::is_empty")]
    pub requests: ResourceList,
}

/// A port a container listens on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ContainerPort {
    /// IANA_SVC_NAME, referred to by Services' `targetPort`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The port number (1–65535).
    pub container_port: i32,
    /// A port on the host (rare).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_port: Option<i32>,
    /// TCP (default), UDP or SCTP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    /// The host IP to bind to.
    #[serde(rename = "hostIP", default, skip_serializing_if = "String::is_empty")]
    pub host_ip: String,
}

/// A selector of one field of a pod (`fieldRef`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ObjectFieldSelector {
    /// API version of the path.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    /// `metadata.name`, `status.podIP`, …
    pub field_path: String,
}

/// A key of a ConfigMap or Secret.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct KeySelector {
    /// Name of the ConfigMap/Secret.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The key.
    pub key: String,
    /// Whether it may be missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
}

/// Where an environment variable's value comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct EnvVarSource {
    /// A field of the pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_ref: Option<ObjectFieldSelector>,
    /// A ConfigMap key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map_key_ref: Option<KeySelector>,
    /// A Secret key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_key_ref: Option<KeySelector>,
}

/// An environment variable of a container.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct EnvVar {
    /// The variable name.
    pub name: String,
    /// A literal value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// A value from elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_from: Option<EnvVarSource>,
}

/// `exec` probe action.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ExecAction {
    /// The command, run without a shell.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
}

/// An HTTP header of an `httpGet` probe.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct HttpHeader {
    /// Header name.
    pub name: String,
    /// Header value.
    pub value: String,
}

/// `httpGet` probe action: success is a 2xx or 3xx status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct HttpGetAction {
    /// The path (`/healthz`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    /// A port number or a container port name.
    pub port: IntOrString,
    /// Host (defaults to the pod IP).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host: String,
    /// HTTP or HTTPS (defaulted to HTTP).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scheme: String,
    /// Extra headers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub http_headers: Vec<HttpHeader>,
}

/// `tcpSocket` probe action: success is an accepted connection.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct TcpSocketAction {
    /// A port number or a container port name.
    pub port: IntOrString,
    /// Host (defaults to the pod IP).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host: String,
}

/// `grpc` probe action.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct GrpcAction {
    /// The port.
    pub port: i32,
    /// The service name sent in the health check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
}

/// A readiness, liveness or startup probe. Defaults (`SetDefaults_Probe`): period 10 s,
/// timeout 1 s, failureThreshold 3, successThreshold 1.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Probe {
    /// Run a command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<ExecAction>,
    /// GET a URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_get: Option<HttpGetAction>,
    /// Open a TCP connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp_socket: Option<TcpSocketAction>,
    /// gRPC health check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grpc: Option<GrpcAction>,
    /// Seconds after the container starts before the first probe.
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub initial_delay_seconds: i32,
    /// Seconds before a probe times out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i32>,
    /// Seconds between probes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_seconds: Option<i32>,
    /// Consecutive successes to count as success after a failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_threshold: Option<i32>,
    /// Consecutive failures to count as failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_threshold: Option<i32>,
    /// Grace period when a liveness failure kills the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_grace_period_seconds: Option<i64>,
}

/// One container of a pod.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Container {
    /// DNS label, unique within the pod.
    #[serde(default)]
    pub name: String,
    /// Image reference (`nginx`, `nginx:1.27`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub image: String,
    /// Entrypoint override.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// Arguments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// Working directory.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub working_dir: String,
    /// Ports (informational, and named targets for Services).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ContainerPort>,
    /// Environment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    /// Requests and limits; kubectl prints `resources: {}` when empty.
    #[serde(default)]
    pub resources: ResourceRequirements,
    /// Periodic check of liveness: failure restarts the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness_probe: Option<Box<Probe>>,
    /// Periodic check of readiness: failure removes the pod from Service endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness_probe: Option<Box<Probe>>,
    /// Startup check: the other probes wait for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup_probe: Option<Box<Probe>>,
    /// Always, Never, IfNotPresent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_policy: Option<ImagePullPolicy>,
    /// Defaulted to `/dev/termination-log` by the apiserver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_message_path: Option<String>,
    /// Defaulted to `File` by the apiserver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_message_policy: Option<String>,
}

/// One node selector requirement (`matchExpressions`/`matchFields` entry).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct NodeSelectorRequirement {
    /// Label key (or field name for `matchFields`: only `metadata.name`).
    pub key: String,
    /// In, NotIn, Exists, DoesNotExist, Gt, Lt.
    pub operator: NodeSelectorOperator,
    /// Values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// A term: all its requirements must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct NodeSelectorTerm {
    /// Requirements on node labels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<NodeSelectorRequirement>,
    /// Requirements on node fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_fields: Vec<NodeSelectorRequirement>,
}

/// Terms ORed together.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct NodeSelector {
    /// The terms; one must match.
    #[serde(default)]
    pub node_selector_terms: Vec<NodeSelectorTerm>,
}

/// A weighted preferred term.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PreferredSchedulingTerm {
    /// 1–100.
    pub weight: i32,
    /// The term.
    pub preference: NodeSelectorTerm,
}

/// Node affinity: hard and soft rules on node labels.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct NodeAffinity {
    /// Must match for the pod to be scheduled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_during_scheduling_ignored_during_execution: Option<NodeSelector>,
    /// Adds weight to nodes that match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferred_during_scheduling_ignored_during_execution: Vec<PreferredSchedulingTerm>,
}

/// A term of inter-pod (anti-)affinity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PodAffinityTerm {
    /// Pods this term is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_selector: Option<LabelSelector>,
    /// Namespaces of those pods (empty: the pod's own).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<String>,
    /// The node label whose value is the domain (`kubernetes.io/hostname`).
    pub topology_key: String,
}

/// A weighted pod affinity term.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct WeightedPodAffinityTerm {
    /// 1–100.
    pub weight: i32,
    /// The term.
    pub pod_affinity_term: PodAffinityTerm,
}

/// Inter-pod affinity or anti-affinity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PodAffinity {
    /// Hard rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_during_scheduling_ignored_during_execution: Vec<PodAffinityTerm>,
    /// Soft rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferred_during_scheduling_ignored_during_execution: Vec<WeightedPodAffinityTerm>,
}

/// Scheduling constraints.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Affinity {
    /// Rules on node labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_affinity: Option<NodeAffinity>,
    /// Co-locate with pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_affinity: Option<PodAffinity>,
    /// Keep away from pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_anti_affinity: Option<PodAffinity>,
}

/// Spread pods evenly across topology domains.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct TopologySpreadConstraint {
    /// Largest allowed difference between domains (≥1).
    pub max_skew: i32,
    /// Node label defining domains.
    pub topology_key: String,
    /// DoNotSchedule or ScheduleAnyway.
    pub when_unsatisfiable: UnsatisfiableConstraintAction,
    /// Pods counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_selector: Option<LabelSelector>,
    /// Minimum number of eligible domains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_domains: Option<i32>,
    /// Honor or Ignore node affinity when counting domains (default Honor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_affinity_policy: Option<String>,
    /// Honor or Ignore node taints when counting domains (default Ignore).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_taints_policy: Option<String>,
    /// Pod label keys whose values are added to the selector.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_label_keys: Vec<String>,
}

/// Pod-level security settings (accepted, not modelled; real `-o yaml` prints `{}`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PodSecurityContext {
    /// UID to run as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_user: Option<i64>,
    /// GID to run as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_group: Option<i64>,
    /// Refuse to run as root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_as_non_root: Option<bool>,
    /// Volume group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fs_group: Option<i64>,
}

/// The desired state of a pod as written: the wire form of [`PodSpec`], which holds it split.
/// In a `PodSpec` this value's `node_name` is always empty (the pod's own `node_name` is kept
/// beside it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename = "PodSpec",
    rename_all = "camelCase",
    deny_unknown_fields,
    default
)]
pub struct PodSpecFields {
    /// Init containers, run to completion in order before `containers`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub init_containers: Vec<Container>,
    /// The containers (at least one; shared by the pods of one template).
    #[serde(default)]
    pub containers: Shared<Vec<Container>>,
    /// Always, OnFailure, Never (default Always).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<RestartPolicy>,
    /// Seconds between SIGTERM and SIGKILL (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_grace_period_seconds: Option<i64>,
    /// ClusterFirst (default), Default, None, ClusterFirstWithHostNet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_policy: Option<String>,
    /// Node labels that must all match.
    #[serde(default, skip_serializing_if = "SmallMap::is_empty")]
    pub node_selector: StringMap,
    /// Service account (accepted, not modelled).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub service_account_name: String,
    /// The node the pod is bound to (set by the scheduler's Bind, or by the user to skip it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub node_name: String,
    /// Security settings (accepted, not modelled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<PodSecurityContext>,
    /// Hostname inside the pod.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hostname: String,
    /// Affinity rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Box<Affinity>>,
    /// Which scheduler places the pod (default `default-scheduler`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduler_name: Option<String>,
    /// Tolerations of node taints (shared by the pods of one template).
    #[serde(default, skip_serializing_if = "is_empty_shared_vec")]
    pub tolerations: Shared<Vec<Toleration>>,
    /// Priority class (accepted; preemption reads `priority`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub priority_class_name: String,
    /// Priority (resolved from the class by admission; default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    /// Spread constraints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topology_spread_constraints: Vec<TopologySpreadConstraint>,
    /// Whether to inject service environment variables (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_service_links: Option<bool>,
    /// PreemptLowerPriority (default) or Never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preemption_policy: Option<String>,
}

split_struct! {
    /// The desired state of a pod. The pods of one template share all of it but the binding
    /// (see `split_struct!`).
    PodSpec in PodSpecFields as "PodSpecFields" {
        /// The node the pod is bound to (set by the scheduler's Bind, or by the user to skip it).
        node_name: String,
    }
}

split_struct! {
    /// A condition of a pod (`PodScheduled`, `Initialized`, `ContainersReady`, `Ready`). Its
    /// type, status, reason, message and probe time are held once where equal (every pod's
    /// `Ready=True` shares one; see `split_struct!`); only its transition time is its own.
    PodCondition in PodConditionFields as "PodConditionFields" {
        /// Last changed.
        last_transition_time: Option<Timestamp>,
    }
}

/// A pod condition as written: the wire form of [`PodCondition`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename = "PodCondition",
    rename_all = "camelCase",
    deny_unknown_fields,
    default
)]
pub struct PodConditionFields {
    /// The condition type.
    #[serde(rename = "type")]
    pub type_: String,
    /// True, False, Unknown.
    pub status: ConditionStatus,
    /// Last probed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_probe_time: Option<Timestamp>,
    /// Last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Timestamp>,
    /// One-word reason (`Unschedulable`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Human-readable message.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// A waiting container (`ContainerCreating`, `ErrImagePull`, `CrashLoopBackOff`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ContainerStateWaiting {
    /// Why it waits.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Details.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// A running container.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ContainerStateRunning {
    /// When it (last) started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
}

/// A terminated container.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ContainerStateTerminated {
    /// Exit code.
    pub exit_code: i32,
    /// Signal, if killed by one.
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub signal: i32,
    /// `Completed`, `Error`, `OOMKilled`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Details.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// Start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    /// End.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<Timestamp>,
    /// Runtime id.
    #[serde(
        rename = "containerID",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub container_id: String,
}

/// A container's state: at most one of the three is set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ContainerState {
    /// Waiting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting: Option<Box<ContainerStateWaiting>>,
    /// Running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running: Option<ContainerStateRunning>,
    /// Terminated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminated: Option<Box<ContainerStateTerminated>>,
}

/// A container status as written: the wire form of [`ContainerStatus`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename = "ContainerStatus",
    rename_all = "camelCase",
    deny_unknown_fields,
    default
)]
pub struct ContainerStatusFields {
    /// The container's name.
    pub name: String,
    /// Current state.
    #[serde(default)]
    pub state: ContainerState,
    /// The previous termination, if any.
    #[serde(default)]
    pub last_state: ContainerState,
    /// Passed its readiness probe.
    #[serde(default)]
    pub ready: bool,
    /// Times restarted.
    #[serde(default)]
    pub restart_count: i32,
    /// Image as specified.
    #[serde(default)]
    pub image: String,
    /// Image id (digest) actually run.
    #[serde(rename = "imageID", default)]
    pub image_id: String,
    /// Runtime id (`containerd://…`).
    #[serde(
        rename = "containerID",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub container_id: String,
    /// Passed its startup probe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<bool>,
}

split_struct! {
    /// The status of one container of a pod. What the same container of sibling pods has in
    /// common (name, image, image id, readiness, restarts, last state) is held once (see
    /// `split_struct!`).
    ContainerStatus in ContainerStatusFields as "ContainerStatusFields" {
        /// Current state.
        state: ContainerState,
        /// Runtime id (`containerd://…`).
        container_id: String,
    }
}

/// An IP of a pod or node.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PodIp {
    /// The address.
    pub ip: String,
}

/// A pod's status as written: the wire form of [`PodStatus`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    rename = "PodStatus",
    rename_all = "camelCase",
    deny_unknown_fields,
    default
)]
pub struct PodStatusFields {
    /// Pending, Running, Succeeded, Failed, Unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<PodPhase>,
    /// Conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<PodCondition>,
    /// Message (e.g. why evicted).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// Reason (`Evicted`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// The node the scheduler nominated while preempting for this pod.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub nominated_node_name: String,
    /// The node's IP.
    #[serde(
        rename = "hostIP",
        default,
        skip_serializing_if = "is_empty_shared_string"
    )]
    pub host_ip: Shared<String>,
    /// The node's IPs.
    #[serde(rename = "hostIPs", default, skip_serializing_if = "Vec::is_empty")]
    pub host_ips: Vec<PodIp>,
    /// The pod's IP.
    #[serde(rename = "podIP", default, skip_serializing_if = "String::is_empty")]
    pub pod_ip: String,
    /// The pod's IPs.
    #[serde(rename = "podIPs", default, skip_serializing_if = "Vec::is_empty")]
    pub pod_ips: Vec<PodIp>,
    /// When the kubelet acknowledged the pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Timestamp>,
    /// Init container statuses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub init_container_statuses: Vec<ContainerStatus>,
    /// Container statuses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub container_statuses: Vec<ContainerStatus>,
    /// Guaranteed, Burstable, BestEffort.
    #[serde(rename = "qosClass", default, skip_serializing_if = "String::is_empty")]
    pub qos_class: String,
}

split_struct! {
    /// The observed state of a pod. The rarely set and the shared parts (phase, message,
    /// reason, nominated node, init container statuses, QoS class) are held once where equal
    /// (see `split_struct!`).
    PodStatus in PodStatusFields as "PodStatusFields" {
        /// Conditions.
        conditions: Vec<PodCondition>,
        /// The node's IP (the pods of one node hold it once).
        host_ip: Shared<String>,
        /// The pod's IP.
        pod_ip: String,
        /// When the kubelet acknowledged the pod.
        start_time: Option<Timestamp>,
        /// Container statuses.
        container_statuses: Vec<ContainerStatus>,
    }
    with compact_ips, expand_ips
}

/// `podIPs` and `hostIPs` whose only entry is `podIP` / `hostIP` (validation requires the first
/// entry to be that address, and the kubelet sets no other): left out in memory, where the
/// kubelet sets only `pod_ip` and `host_ip` (the shared part's lists stay empty), and written
/// back by [`expand_ips`]. Every pod saves two one-entry vectors.
fn compact_ips(w: &mut PodStatusFields) {
    fn only(ips: &mut Vec<PodIp>, ip: &str) {
        if matches!(ips.as_slice(), [one] if one.ip == ip) {
            ips.clear();
        }
    }
    only(&mut w.pod_ips, &w.pod_ip);
    only(&mut w.host_ips, w.host_ip.as_str());
}

/// Puts back what [`compact_ips`] leaves out.
fn expand_ips(w: &mut PodStatusFields) {
    fn back(ips: &mut Vec<PodIp>, ip: &str) {
        if ips.is_empty() && !ip.is_empty() {
            ips.push(PodIp { ip: ip.to_string() });
        }
    }
    back(&mut w.pod_ips, &w.pod_ip);
    back(&mut w.host_ips, w.host_ip.as_str());
}

split_struct! {
    /// A pod. Its `apiVersion` and `kind` are held once (see `split_struct!`).
    Pod in PodFields as "PodFields" {
        /// Metadata.
        metadata: ObjectMeta,
        /// Desired state.
        spec: PodSpec,
        /// Observed state.
        status: PodStatus,
    }
}

/// A pod as written: the wire form of [`Pod`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Pod", rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PodFields {
    /// `v1`.
    pub api_version: String,
    /// `Pod`.
    pub kind: String,
    /// Metadata.
    pub metadata: ObjectMeta,
    /// Desired state.
    pub spec: PodSpec,
    /// Observed state.
    pub status: PodStatus,
}

/// A pod template: what ReplicaSets and Deployments stamp pods from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PodTemplateSpec {
    /// Metadata given to the pods (labels must match the selector).
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The pods' spec.
    #[serde(default)]
    pub spec: PodSpec,
}

// ---------------------------------------------------------------------------------------------
// Nodes and namespaces.

/// The desired state of a node.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct NodeSpec {
    /// Pod IP range of the node.
    #[serde(rename = "podCIDR", default, skip_serializing_if = "String::is_empty")]
    pub pod_cidr: String,
    /// Cloud provider id.
    #[serde(
        rename = "providerID",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub provider_id: String,
    /// Cordoned (`kubectl cordon`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub unschedulable: bool,
    /// Taints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
}

/// A condition of a node (`Ready`, `MemoryPressure`, `DiskPressure`, `PIDPressure`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct NodeCondition {
    /// The condition type.
    #[serde(rename = "type")]
    pub type_: String,
    /// True, False, Unknown.
    pub status: ConditionStatus,
    /// Last kubelet heartbeat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_heartbeat_time: Option<Timestamp>,
    /// Last change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Timestamp>,
    /// One-word reason (`KubeletReady`, `NodeStatusUnknown`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Message.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// An address of a node (`InternalIP`, `Hostname`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NodeAddress {
    /// The address type.
    #[serde(rename = "type")]
    pub type_: String,
    /// The address.
    pub address: String,
}

/// Facts about a node's software (`kubectl get nodes -o wide` columns).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct NodeSystemInfo {
    /// Machine id.
    #[serde(rename = "machineID")]
    pub machine_id: String,
    /// System UUID.
    #[serde(rename = "systemUUID")]
    pub system_uuid: String,
    /// Boot id.
    #[serde(rename = "bootID")]
    pub boot_id: String,
    /// `uname -r`.
    pub kernel_version: String,
    /// `Ubuntu 24.04.1 LTS`.
    pub os_image: String,
    /// `containerd://1.7.22`.
    pub container_runtime_version: String,
    /// `v1.31.0`.
    pub kubelet_version: String,
    /// `v1.31.0`.
    pub kube_proxy_version: String,
    /// `linux`.
    pub operating_system: String,
    /// `amd64`.
    pub architecture: String,
}

/// An image present on a node (ImageLocality scores these).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ContainerImage {
    /// Names (repo:tag and repo@digest).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
    /// Size in bytes.
    #[serde(default)]
    pub size_bytes: i64,
}

/// The observed state of a node.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct NodeStatus {
    /// Total resources.
    #[serde(default, skip_serializing_if = "SmallMap::is_empty")]
    pub capacity: ResourceList,
    /// Resources available to pods.
    #[serde(default, skip_serializing_if = "SmallMap::is_empty")]
    pub allocatable: ResourceList,
    /// Conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<NodeCondition>,
    /// Addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<NodeAddress>,
    /// Software facts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_info: Option<NodeSystemInfo>,
    /// Images on the node.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<ContainerImage>,
}

/// A node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Node {
    /// `v1`.
    pub api_version: String,
    /// `Node`.
    pub kind: String,
    /// Metadata (no namespace).
    pub metadata: ObjectMeta,
    /// Desired state.
    pub spec: NodeSpec,
    /// Observed state.
    pub status: NodeStatus,
}

/// The desired state of a namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct NamespaceSpec {
    /// Finalizers (`kubernetes`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finalizers: Vec<String>,
}

/// The observed state of a namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct NamespaceStatus {
    /// Active or Terminating.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phase: String,
}

/// A namespace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Namespace {
    /// `v1`.
    pub api_version: String,
    /// `Namespace`.
    pub kind: String,
    /// Metadata (no namespace).
    pub metadata: ObjectMeta,
    /// Desired state.
    pub spec: NamespaceSpec,
    /// Observed state.
    pub status: NamespaceStatus,
}

// ---------------------------------------------------------------------------------------------
// ReplicaSets and Deployments.

/// The desired state of a ReplicaSet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ReplicaSetSpec {
    /// Desired pods (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// Seconds a pod must be ready to count as available.
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub min_ready_seconds: i32,
    /// Pods it owns (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    /// The pod template.
    #[serde(default)]
    pub template: PodTemplateSpec,
}

/// A condition of a ReplicaSet (`ReplicaFailure`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ReplicaSetCondition {
    /// The condition type.
    #[serde(rename = "type")]
    pub type_: String,
    /// True, False, Unknown.
    pub status: ConditionStatus,
    /// Last change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Timestamp>,
    /// Reason.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Message.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// The observed state of a ReplicaSet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ReplicaSetStatus {
    /// Active pods.
    #[serde(default)]
    pub replicas: i32,
    /// Pods whose labels match the template's.
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub fully_labeled_replicas: i32,
    /// Ready pods.
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub ready_replicas: i32,
    /// Pods ready for at least minReadySeconds.
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub available_replicas: i32,
    /// The generation last acted on.
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub observed_generation: i64,
    /// Conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<ReplicaSetCondition>,
}

/// A ReplicaSet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ReplicaSet {
    /// `apps/v1`.
    pub api_version: String,
    /// `ReplicaSet`.
    pub kind: String,
    /// Metadata.
    pub metadata: ObjectMeta,
    /// Desired state.
    pub spec: ReplicaSetSpec,
    /// Observed state.
    pub status: ReplicaSetStatus,
}

/// Rolling update parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct RollingUpdateDeployment {
    /// Pods that may be unavailable during the update (default 25 %, rounded down).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrString>,
    /// Pods that may exist above `replicas` (default 25 %, rounded up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_surge: Option<IntOrString>,
}

/// How a Deployment rolls out; kubectl prints `strategy: {}` when empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct DeploymentStrategy {
    /// Recreate or RollingUpdate (default).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<DeploymentStrategyType>,
    /// Parameters for RollingUpdate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolling_update: Option<RollingUpdateDeployment>,
}

/// The desired state of a Deployment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct DeploymentSpec {
    /// Desired pods (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// Pods it manages (required, must match the template's labels).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    /// The pod template.
    #[serde(default)]
    pub template: PodTemplateSpec,
    /// The rollout strategy.
    #[serde(default)]
    pub strategy: DeploymentStrategy,
    /// Seconds a new pod must be ready to count as available.
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub min_ready_seconds: i32,
    /// Old ReplicaSets kept for rollback (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i32>,
    /// Rollouts paused.
    #[serde(default, skip_serializing_if = "is_false")]
    pub paused: bool,
    /// Seconds without progress before `Progressing=False` (default 600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress_deadline_seconds: Option<i32>,
}

/// A condition of a Deployment (`Available`, `Progressing`, `ReplicaFailure`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct DeploymentCondition {
    /// The condition type.
    #[serde(rename = "type")]
    pub type_: String,
    /// True, False, Unknown.
    pub status: ConditionStatus,
    /// Last update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update_time: Option<Timestamp>,
    /// Last change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Timestamp>,
    /// Reason (`NewReplicaSetAvailable`, `ProgressDeadlineExceeded`, …).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Message.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// The observed state of a Deployment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct DeploymentStatus {
    /// The generation last acted on.
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub observed_generation: i64,
    /// Pods of all its ReplicaSets.
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub replicas: i32,
    /// Pods of the newest template.
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub updated_replicas: i32,
    /// Ready pods.
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub ready_replicas: i32,
    /// Available pods.
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub available_replicas: i32,
    /// Pods still missing for full availability.
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub unavailable_replicas: i32,
    /// Conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<DeploymentCondition>,
    /// Hash collisions (pod-template-hash).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collision_count: Option<i32>,
}

/// A Deployment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Deployment {
    /// `apps/v1`.
    pub api_version: String,
    /// `Deployment`.
    pub kind: String,
    /// Metadata.
    pub metadata: ObjectMeta,
    /// Desired state.
    pub spec: DeploymentSpec,
    /// Observed state.
    pub status: DeploymentStatus,
}

// ---------------------------------------------------------------------------------------------
// Services and EndpointSlices.

/// A port of a Service.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ServicePort {
    /// Name (required when there are several ports).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// TCP (default), UDP, SCTP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    /// Application protocol hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<String>,
    /// The Service's port.
    #[serde(default)]
    pub port: i32,
    /// The pods' port: number or container port name (default: `port`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_port: Option<IntOrString>,
    /// The node port for NodePort/LoadBalancer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_port: Option<i32>,
}

/// The desired state of a Service.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ServiceSpec {
    /// Ports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ServicePort>,
    /// Pods served (no selector: endpoints are managed by hand).
    #[serde(default, skip_serializing_if = "SmallMap::is_empty")]
    pub selector: StringMap,
    /// Virtual IP (`None` for headless), allocated by the apiserver.
    #[serde(
        rename = "clusterIP",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub cluster_ip: String,
    /// All virtual IPs.
    #[serde(rename = "clusterIPs", default, skip_serializing_if = "Vec::is_empty")]
    pub cluster_ips: Vec<String>,
    /// ClusterIP (default), NodePort, LoadBalancer, ExternalName.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<ServiceType>,
    /// External IPs.
    #[serde(rename = "externalIPs", default, skip_serializing_if = "Vec::is_empty")]
    pub external_ips: Vec<String>,
    /// None (default) or ClientIP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_affinity: Option<String>,
    /// CNAME target for ExternalName.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub external_name: String,
    /// Cluster (default) or Local.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_traffic_policy: Option<String>,
    /// Cluster (default) or Local.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_traffic_policy: Option<String>,
    /// IPv4, IPv6.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ip_families: Vec<String>,
    /// SingleStack (default), PreferDualStack, RequireDualStack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_family_policy: Option<String>,
    /// Publish endpoints of pods that are not ready.
    #[serde(default, skip_serializing_if = "is_false")]
    pub publish_not_ready_addresses: bool,
}

/// An ingress point of a load balancer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct LoadBalancerIngress {
    /// IP.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ip: String,
    /// Hostname.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hostname: String,
}

/// The load balancer's state; kubectl prints `loadBalancer: {}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct LoadBalancerStatus {
    /// Ingress points.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ingress: Vec<LoadBalancerIngress>,
}

/// The observed state of a Service.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ServiceStatus {
    /// Load balancer.
    #[serde(default)]
    pub load_balancer: LoadBalancerStatus,
}

/// A Service: a stable virtual IP in front of the ready pods its selector matches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Service {
    /// `v1`.
    pub api_version: String,
    /// `Service`.
    pub kind: String,
    /// Metadata.
    pub metadata: ObjectMeta,
    /// Desired state.
    pub spec: ServiceSpec,
    /// Observed state.
    pub status: ServiceStatus,
}

/// The state of one endpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct EndpointConditions {
    /// Ready for traffic (the pod is Ready and not terminating).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready: Option<bool>,
    /// Serving (Ready, terminating or not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serving: Option<bool>,
    /// Terminating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminating: Option<bool>,
}

/// One endpoint (a pod) of an EndpointSlice.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Endpoint {
    /// Pod IPs.
    #[serde(default)]
    pub addresses: Vec<String>,
    /// Ready/serving/terminating.
    #[serde(default)]
    pub conditions: EndpointConditions,
    /// Hostname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// The pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_ref: Option<ObjectReference>,
    /// The pod's node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_name: Option<String>,
    /// The node's zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
}

/// A port of an EndpointSlice.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct EndpointPort {
    /// Name (the Service port's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    /// Port number on the pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// Application protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<String>,
}

/// An EndpointSlice (`discovery.k8s.io/v1`): the endpoints of a Service, written by the
/// EndpointSlice controller. It has no spec: its fields are top-level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct EndpointSlice {
    /// `discovery.k8s.io/v1`.
    pub api_version: String,
    /// `EndpointSlice`.
    pub kind: String,
    /// Metadata (label `kubernetes.io/service-name` names the Service).
    pub metadata: ObjectMeta,
    /// IPv4, IPv6 or FQDN.
    pub address_type: String,
    /// Endpoints.
    pub endpoints: Vec<Endpoint>,
    /// Ports.
    pub ports: Vec<EndpointPort>,
}

// ---------------------------------------------------------------------------------------------
// Events.

/// Who reported an event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct EventSource {
    /// `default-scheduler`, `kubelet`, `deployment-controller`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub component: String,
    /// The node, for kubelet events.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host: String,
}

/// A Kubernetes Event (`core/v1`), as `kubectl get events` and `kubectl describe` show them.
/// Not to be confused with the simulation's own [`crate::Event`] log entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Event {
    /// `v1`.
    pub api_version: String,
    /// `Event`.
    pub kind: String,
    /// Metadata.
    pub metadata: ObjectMeta,
    /// The object the event is about.
    pub involved_object: ObjectReference,
    /// One-word reason (`Scheduled`, `Pulling`, `ScalingReplicaSet`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Human-readable message.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// The reporter.
    pub source: EventSource,
    /// First occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_timestamp: Option<Timestamp>,
    /// Last occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_timestamp: Option<Timestamp>,
    /// Occurrences.
    #[serde(skip_serializing_if = "is_zero_i32")]
    pub count: i32,
    /// Normal or Warning.
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub type_: String,
    /// What was done (`Binding`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub action: String,
    /// Reporting controller.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reporting_component: String,
    /// Reporting instance.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reporting_instance: String,
}

// ---------------------------------------------------------------------------------------------
// Kinds and the object enum.

/// The kinds this API serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ObjectKind {
    /// `v1` Namespace (cluster-scoped).
    Namespace,
    /// `v1` Node (cluster-scoped).
    Node,
    /// `v1` Pod.
    Pod,
    /// `apps/v1` ReplicaSet.
    ReplicaSet,
    /// `apps/v1` Deployment.
    Deployment,
    /// `v1` Service.
    Service,
    /// `discovery.k8s.io/v1` EndpointSlice.
    EndpointSlice,
    /// `v1` Event.
    Event,
}

impl ObjectKind {
    /// Every kind.
    pub const ALL: [ObjectKind; 8] = [
        ObjectKind::Namespace,
        ObjectKind::Node,
        ObjectKind::Pod,
        ObjectKind::ReplicaSet,
        ObjectKind::Deployment,
        ObjectKind::Service,
        ObjectKind::EndpointSlice,
        ObjectKind::Event,
    ];

    /// The `kind` string.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Namespace => "Namespace",
            ObjectKind::Node => "Node",
            ObjectKind::Pod => "Pod",
            ObjectKind::ReplicaSet => "ReplicaSet",
            ObjectKind::Deployment => "Deployment",
            ObjectKind::Service => "Service",
            ObjectKind::EndpointSlice => "EndpointSlice",
            ObjectKind::Event => "Event",
        }
    }

    /// The `apiVersion` it is served at.
    pub fn api_version(self) -> &'static str {
        match self {
            ObjectKind::ReplicaSet | ObjectKind::Deployment => "apps/v1",
            ObjectKind::EndpointSlice => "discovery.k8s.io/v1",
            _ => "v1",
        }
    }

    /// The API group (`""` for core).
    pub fn group(self) -> &'static str {
        match self {
            ObjectKind::ReplicaSet | ObjectKind::Deployment => "apps",
            ObjectKind::EndpointSlice => "discovery.k8s.io",
            _ => "",
        }
    }

    /// The plural resource name (`deployments`), as in URLs and `kubectl get`.
    pub fn plural(self) -> &'static str {
        match self {
            ObjectKind::Namespace => "namespaces",
            ObjectKind::Node => "nodes",
            ObjectKind::Pod => "pods",
            ObjectKind::ReplicaSet => "replicasets",
            ObjectKind::Deployment => "deployments",
            ObjectKind::Service => "services",
            ObjectKind::EndpointSlice => "endpointslices",
            ObjectKind::Event => "events",
        }
    }

    /// `deployment.apps` style name kubectl prints in `created`/`configured` lines.
    pub fn singular_with_group(self) -> String {
        let singular = self.as_str().to_ascii_lowercase();
        match self.group() {
            "" => singular,
            g => format!("{singular}.{g}"),
        }
    }

    /// kubectl's short names (`po`, `deploy`, `rs`, `svc`, `no`, `ns`, `ev`).
    pub fn short_names(self) -> &'static [&'static str] {
        match self {
            ObjectKind::Namespace => &["ns"],
            ObjectKind::Node => &["no"],
            ObjectKind::Pod => &["po"],
            ObjectKind::ReplicaSet => &["rs"],
            ObjectKind::Deployment => &["deploy"],
            ObjectKind::Service => &["svc"],
            ObjectKind::EndpointSlice => &[],
            ObjectKind::Event => &["ev"],
        }
    }

    /// Whether objects of this kind live in a namespace.
    pub fn is_namespaced(self) -> bool {
        !matches!(self, ObjectKind::Namespace | ObjectKind::Node)
    }

    /// The kind served at `api_version` named `kind`, exactly as a manifest spells them.
    pub fn from_type_meta(api_version: &str, kind: &str) -> Option<ObjectKind> {
        ObjectKind::ALL
            .into_iter()
            .find(|k| k.as_str() == kind && k.api_version() == api_version)
    }

    /// The kind a `kubectl get` argument names: kind, plural, singular, short name, any case,
    /// optionally with its group (`deployments.apps`).
    pub fn from_resource_arg(arg: &str) -> Option<ObjectKind> {
        let lower = arg.to_ascii_lowercase();
        let (name, group) = match lower.split_once('.') {
            Some((n, g)) => (n.to_string(), Some(g.to_string())),
            None => (lower, None),
        };
        ObjectKind::ALL.into_iter().find(|k| {
            let names_match = k.as_str().eq_ignore_ascii_case(&name)
                || k.plural() == name
                || k.short_names().contains(&name.as_str());
            names_match && group.as_deref().is_none_or(|g| g == k.group())
        })
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Implements `Default` (with apiVersion and kind set) and accessors for a top-level kind.
macro_rules! top_level {
    ($ty:ident, $kind:ident, { $($field:ident),* }) => {
        impl Default for $ty {
            fn default() -> Self {
                $ty {
                    api_version: ObjectKind::$kind.api_version().to_string(),
                    kind: ObjectKind::$kind.as_str().to_string(),
                    metadata: ObjectMeta::default(),
                    $($field: Default::default(),)*
                }
            }
        }

        impl $ty {
            /// The kind.
            pub const KIND: ObjectKind = ObjectKind::$kind;

            /// An object of this kind with this name (and namespace, for namespaced kinds;
            /// pass `""` for cluster-scoped ones) and everything else empty.
            pub fn named(namespace: &str, name: &str) -> Self {
                let mut o = $ty::default();
                o.metadata.name = name.to_string();
                o.metadata.namespace = namespace.to_string();
                o
            }
        }

        impl From<$ty> for Object {
            fn from(o: $ty) -> Object {
                #[allow(clippy::useless_conversion)]
                Object::$kind(Box::new(o.into()))
            }
        }
    };
}

top_level!(Namespace, Namespace, { spec, status });
top_level!(Node, Node, { spec, status });
top_level!(PodFields, Pod, { spec, status });

impl Pod {
    /// The kind.
    pub const KIND: ObjectKind = ObjectKind::Pod;

    /// A pod with this name and namespace and everything else empty.
    pub fn named(namespace: &str, name: &str) -> Self {
        PodFields::named(namespace, name).into()
    }
}

impl From<Pod> for Object {
    fn from(o: Pod) -> Object {
        Object::Pod(Box::new(o))
    }
}
top_level!(ReplicaSet, ReplicaSet, { spec, status });
top_level!(Deployment, Deployment, { spec, status });
top_level!(Service, Service, { spec, status });
top_level!(EndpointSlice, EndpointSlice, { address_type, endpoints, ports });
top_level!(Event, Event, {
    involved_object, reason, message, source, first_timestamp, last_timestamp, count, type_,
    action, reporting_component, reporting_instance
});

/// Any object of the served kinds. Serializes as the object itself (with its `apiVersion` and
/// `kind`), so a `Vec<Object>` prints as kubectl's `-o yaml` of each.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Object {
    /// A Namespace.
    Namespace(Box<Namespace>),
    /// A Node.
    Node(Box<Node>),
    /// A Pod.
    Pod(Box<Pod>),
    /// A ReplicaSet.
    ReplicaSet(Box<ReplicaSet>),
    /// A Deployment.
    Deployment(Box<Deployment>),
    /// A Service.
    Service(Box<Service>),
    /// An EndpointSlice.
    EndpointSlice(Box<EndpointSlice>),
    /// An Event.
    Event(Box<Event>),
}

impl Object {
    /// The kind.
    pub fn kind(&self) -> ObjectKind {
        match self {
            Object::Namespace(_) => ObjectKind::Namespace,
            Object::Node(_) => ObjectKind::Node,
            Object::Pod(_) => ObjectKind::Pod,
            Object::ReplicaSet(_) => ObjectKind::ReplicaSet,
            Object::Deployment(_) => ObjectKind::Deployment,
            Object::Service(_) => ObjectKind::Service,
            Object::EndpointSlice(_) => ObjectKind::EndpointSlice,
            Object::Event(_) => ObjectKind::Event,
        }
    }

    /// The metadata.
    pub fn metadata(&self) -> &ObjectMeta {
        match self {
            Object::Namespace(o) => &o.metadata,
            Object::Node(o) => &o.metadata,
            Object::Pod(o) => &o.metadata,
            Object::ReplicaSet(o) => &o.metadata,
            Object::Deployment(o) => &o.metadata,
            Object::Service(o) => &o.metadata,
            Object::EndpointSlice(o) => &o.metadata,
            Object::Event(o) => &o.metadata,
        }
    }

    /// The metadata, to change.
    pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
        match self {
            Object::Namespace(o) => &mut o.metadata,
            Object::Node(o) => &mut o.metadata,
            Object::Pod(o) => &mut o.metadata,
            Object::ReplicaSet(o) => &mut o.metadata,
            Object::Deployment(o) => &mut o.metadata,
            Object::Service(o) => &mut o.metadata,
            Object::EndpointSlice(o) => &mut o.metadata,
            Object::Event(o) => &mut o.metadata,
        }
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.metadata().name
    }

    /// The namespace: `None` for cluster-scoped kinds, else the one in metadata (which may be
    /// empty until defaulted to the request's namespace).
    pub fn namespace(&self) -> Option<&str> {
        self.kind()
            .is_namespaced()
            .then(|| self.metadata().namespace.as_str())
    }

    /// The type meta as a manifest spells it (`apps/v1`, `Deployment`).
    pub fn type_meta(&self) -> TypeMeta {
        TypeMeta {
            api_version: self.kind().api_version().to_string(),
            kind: self.kind().as_str().to_string(),
        }
    }

    /// `deployment.apps/web` — how kubectl names the object in its output lines.
    pub fn display_name(&self) -> String {
        format!("{}/{}", self.kind().singular_with_group(), self.name())
    }

    /// Sets `apiVersion` and `kind` to this object's kind (objects built in code may leave them
    /// empty; decoded ones carry what the manifest said, which is already the same).
    pub fn set_type_meta(&mut self) {
        let (v, k) = (self.kind().api_version(), self.kind().as_str());
        let (av, kd) = match self {
            Object::Namespace(o) => (&mut o.api_version, &mut o.kind),
            Object::Node(o) => (&mut o.api_version, &mut o.kind),
            Object::Pod(o) => {
                // Written only when different: a write copies the part pods share.
                if o.api_version != v || o.kind != k {
                    let f = &mut ***o;
                    f.api_version = v.to_string();
                    f.kind = k.to_string();
                }
                return;
            }
            Object::ReplicaSet(o) => (&mut o.api_version, &mut o.kind),
            Object::Deployment(o) => (&mut o.api_version, &mut o.kind),
            Object::Service(o) => (&mut o.api_version, &mut o.kind),
            Object::EndpointSlice(o) => (&mut o.api_version, &mut o.kind),
            Object::Event(o) => (&mut o.api_version, &mut o.kind),
        };
        *av = v.to_string();
        *kd = k.to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint(key: &str, value: &str, effect: TaintEffect) -> Taint {
        Taint {
            key: key.into(),
            value: value.into(),
            effect,
            time_added: None,
        }
    }

    #[test]
    fn toleration_rules_follow_tolerates_taint() {
        let t = taint("dedicated", "gpu", TaintEffect::NoSchedule);
        let exists_all = Toleration {
            operator: Some(TolerationOperator::Exists),
            ..Default::default()
        };
        assert!(exists_all.tolerates(&t));
        let equal = Toleration {
            key: "dedicated".into(),
            value: "gpu".into(),
            ..Default::default()
        };
        assert!(equal.tolerates(&t));
        let wrong_value = Toleration {
            key: "dedicated".into(),
            value: "cpu".into(),
            ..Default::default()
        };
        assert!(!wrong_value.tolerates(&t));
        let wrong_effect = Toleration {
            key: "dedicated".into(),
            operator: Some(TolerationOperator::Exists),
            effect: Some(TaintEffect::NoExecute),
            ..Default::default()
        };
        assert!(!wrong_effect.tolerates(&t));
        let empty_effect = Toleration {
            key: "dedicated".into(),
            operator: Some(TolerationOperator::Exists),
            effect: Some(TaintEffect::from("")),
            ..Default::default()
        };
        assert!(empty_effect.tolerates(&t));
    }

    #[test]
    fn int_or_string_scales_percentages_like_intstr() {
        let p = IntOrString::from("25%");
        assert_eq!(p.scaled_value(10, true), Some(3));
        assert_eq!(p.scaled_value(10, false), Some(2));
        assert_eq!(IntOrString::Int(4).scaled_value(10, true), Some(4));
        assert_eq!(IntOrString::from("x").scaled_value(10, true), None);
    }

    #[test]
    fn resource_args_resolve_like_kubectl() {
        assert_eq!(
            ObjectKind::from_resource_arg("deploy"),
            Some(ObjectKind::Deployment)
        );
        assert_eq!(
            ObjectKind::from_resource_arg("deployments.apps"),
            Some(ObjectKind::Deployment)
        );
        assert_eq!(ObjectKind::from_resource_arg("Pods"), Some(ObjectKind::Pod));
        assert_eq!(ObjectKind::from_resource_arg("pods.apps"), None);
        assert_eq!(
            ObjectKind::Deployment.singular_with_group(),
            "deployment.apps"
        );
    }

    #[test]
    fn a_split_pod_reads_writes_and_prints_as_its_wire_form_and_a_change_copies_the_shared_part() {
        let json = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"default","labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx","resources":{}}],"restartPolicy":"Always","nodeName":"node-1"},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","reason":"R"}],"qosClass":"BestEffort"}}"#;
        let a: Pod = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&a).unwrap(), json);
        assert_eq!(a.spec.node_name, "node-1");
        assert_eq!(a.spec.restart_policy, Some(RestartPolicy::Always));
        assert_eq!(a.status.conditions[0].reason, "R");
        // The shared part's own copy of a per-value field stays empty.
        assert_eq!(PodSpecFields::from(a.spec.clone()).node_name, "node-1");
        let mut b = a.clone();
        b.metadata.name = "b".into();
        b.spec.node_name = "node-2".into();
        b.metadata.labels.insert("tier".into(), "front".into());
        assert_eq!(
            a.metadata.labels.len(),
            1,
            "the other holder keeps its labels"
        );
        assert_eq!(b.metadata.labels.len(), 2);
        assert_eq!(a.spec.node_name, "node-1");
        let mut c = b.clone();
        c.metadata.labels.remove("tier");
        assert!(
            c.metadata.share_common(&a.metadata),
            "equal parts are held once"
        );
        assert!(!b.metadata.share_common(&a.metadata));
        assert_eq!(
            format!("{:?}", a.spec),
            format!("{:?}", PodSpecFields::from(a.spec.clone()))
        );
    }

    #[test]
    fn a_split_struct_keeps_the_wire_forms_strict_checks_and_error_paths() {
        let bad = r#"{"spec":{"containers":[],"nodeNmae":"x"}}"#;
        let mut d = serde_json::Deserializer::from_str(bad);
        let err = serde_path_to_error::deserialize::<_, Pod>(&mut d).unwrap_err();
        assert_eq!(err.path().to_string(), "spec.nodeNmae");
        assert!(
            err.to_string().contains("unknown field `nodeNmae`"),
            "{err}"
        );
    }

    #[test]
    fn pod_ips_that_only_repeat_pod_ip_are_implied_in_memory_and_written_back() {
        let one = r#"{"podIP":"10.0.0.1","podIPs":[{"ip":"10.0.0.1"}],"hostIP":"1.1.1.1","hostIPs":[{"ip":"1.1.1.1"}]}"#;
        let s: PodStatus = serde_json::from_str(one).unwrap();
        assert!(s.pod_ips.is_empty() && s.host_ips.is_empty());
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"hostIP":"1.1.1.1","hostIPs":[{"ip":"1.1.1.1"}],"podIP":"10.0.0.1","podIPs":[{"ip":"10.0.0.1"}]}"#
        );
        let two = r#"{"podIP":"10.0.0.1","podIPs":[{"ip":"10.0.0.1"},{"ip":"fd00::1"}]}"#;
        let s: PodStatus = serde_json::from_str(two).unwrap();
        assert_eq!(s.pod_ips.len(), 2, "a second address is kept");
        assert_eq!(serde_json::to_string(&s).unwrap(), two);
        let set = PodStatus {
            pod_ip: "10.0.0.2".into(),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            r#"{"podIP":"10.0.0.2","podIPs":[{"ip":"10.0.0.2"}]}"#
        );
    }
}
