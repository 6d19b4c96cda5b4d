//! Selectors compiled once per cycle: label selectors (topology spread) and node selectors
//! (nodeSelector, required and preferred node affinity), on top of [`crate::cluster::selector`]
//! (k8s.io/apimachinery/pkg/labels/selector.go) with the node-affinity rules of
//! k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go.

pub use crate::cluster::api::StringMap as Labels;
use crate::cluster::api::{NodeSelectorOperator, NodeSelectorRequirement, NodeSelectorTerm};
pub use crate::cluster::selector::Selector;
use crate::cluster::selector::{Operator, Requirement};

/// A label selector as `LabelSelectorAsSelector` returns it: a nil selector is `Nothing`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabelMatcher {
    /// Matches no pod (a nil or invalid selector).
    Nothing,
    /// Matches when every requirement holds; no requirements match every pod.
    Selector(Selector),
}

impl LabelMatcher {
    /// Whether the labels are selected.
    pub fn matches(&self, labels: &Labels) -> bool {
        match self {
            LabelMatcher::Nothing => false,
            LabelMatcher::Selector(s) => s.matches(labels),
        }
    }

    /// True for the empty selector, which the default spreading treats as "no selector"
    /// (podtopologyspread/common.go `buildDefaultConstraints`: `selector.Empty()`).
    pub fn is_empty(&self) -> bool {
        matches!(self, LabelMatcher::Selector(s) if s.is_empty())
    }
}

/// One `nodeSelectorTerms` entry: expressions on labels and on fields (`metadata.name`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeTerm {
    /// `matchExpressions`; `None` when they did not parse (the term matches nothing).
    pub labels: Option<Selector>,
    /// `matchFields`; `None` when they did not parse.
    pub fields: Option<Selector>,
    /// Whether the term has no requirement at all (matches nothing).
    pub empty: bool,
}

fn requirements(reqs: &[NodeSelectorRequirement]) -> Option<Selector> {
    let mut out = Vec::with_capacity(reqs.len());
    for r in reqs {
        let op = match r.operator {
            NodeSelectorOperator::In => Operator::In,
            NodeSelectorOperator::NotIn => Operator::NotIn,
            NodeSelectorOperator::Exists => Operator::Exists,
            NodeSelectorOperator::DoesNotExist => Operator::DoesNotExist,
            NodeSelectorOperator::Gt => Operator::GreaterThan,
            NodeSelectorOperator::Lt => Operator::LessThan,
            NodeSelectorOperator::Other(_) => return None,
        };
        out.push(Requirement::new(&r.key, op, r.values.clone()).ok()?);
    }
    Some(Selector { requirements: out })
}

impl NodeTerm {
    /// Compiles a term (`nodeSelectorRequirementsAsSelector`).
    pub fn compile(term: &NodeSelectorTerm) -> NodeTerm {
        NodeTerm {
            labels: requirements(&term.match_expressions),
            fields: requirements(&term.match_fields),
            empty: term.match_expressions.is_empty() && term.match_fields.is_empty(),
        }
    }

    /// A term with no requirements, or one that did not parse, matches no node.
    pub fn matches(&self, node_name: &str, labels: &Labels) -> bool {
        if self.empty {
            return false;
        }
        let (Some(label_sel), Some(field_sel)) = (&self.labels, &self.fields) else {
            return false;
        };
        if !label_sel.matches(labels) {
            return false;
        }
        if field_sel.is_empty() {
            return true;
        }
        let mut fields = Labels::new();
        fields.insert("metadata.name".to_owned(), node_name.to_owned());
        field_sel.matches(&fields)
    }
}

/// The pod's required placement: `nodeSelector` AND (any of the required affinity terms)
/// (nodeaffinity.go `GetRequiredNodeAffinity`, `RequiredNodeAffinity.Match`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequiredNodeAffinity {
    /// `spec.nodeSelector`.
    pub node_selector: Labels,
    /// `requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`; `None` when absent.
    pub terms: Option<Vec<NodeTerm>>,
}

impl RequiredNodeAffinity {
    /// Whether the node satisfies the selector and the affinity.
    pub fn matches(&self, node_name: &str, labels: &Labels) -> bool {
        if !self
            .node_selector
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
        {
            return false;
        }
        match &self.terms {
            None => true,
            Some(terms) => terms.iter().any(|t| t.matches(node_name, labels)),
        }
    }

    /// True when nothing is required, so every node matches.
    pub fn is_empty(&self) -> bool {
        self.node_selector.is_empty() && self.terms.is_none()
    }
}
