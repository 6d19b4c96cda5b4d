//! The Kubernetes API subset as a student meets it: manifests decoded strictly, defaulted and
//! validated with kubectl's and kube-apiserver's own words; quantities and label selectors.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use sim_core::cluster::api::{
    DeploymentStrategyType, ImagePullPolicy, IntOrString, Object, ObjectKind, Protocol,
    RestartPolicy, ServiceType, TaintEffect,
};
use sim_core::cluster::defaults::{admit, apply_defaults};
use sim_core::cluster::manifest::{
    decode, decode_documents, to_json, to_yaml, ManifestErrorKind, MAX_DOCUMENTS,
    MAX_MANIFEST_BYTES,
};
use sim_core::cluster::quantity::Quantity;
use sim_core::cluster::selector::Selector;
use sim_core::cluster::validate::{admit_for_create, validate, warnings};

/// What `kubectl apply -f FILE` would print for the first problem: decode, default, validate.
fn apply_error(text: &str) -> String {
    match accept(text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e,
    }
}

/// The objects a manifest gives once decoded, defaulted (with pod admission) and validated.
fn accept(text: &str) -> Result<Vec<Object>, String> {
    let objects = decode("web.yaml", text).map_err(|e| e.to_string())?;
    objects
        .into_iter()
        .map(|o| admit_for_create(o).map_err(|e| e.to_string()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Manifests exactly as kubectl 1.30 prints them with `--dry-run=client -o yaml`.

const KUBECTL_CREATE_DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - image: nginx
        name: nginx
        resources: {}
status: {}
";

const KUBECTL_CREATE_DEPLOYMENT_WITH_PORT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - image: nginx:1.27
        name: nginx
        ports:
        - containerPort: 80
        resources: {}
status: {}
";

const KUBECTL_RUN: &str = "\
apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    run: nginx
  name: nginx
spec:
  containers:
  - image: nginx
    name: nginx
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
";

const KUBECTL_CREATE_SERVICE_CLUSTERIP: &str = "\
apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  ports:
  - name: 80-8080
    port: 80
    protocol: TCP
    targetPort: 8080
  selector:
    app: web
  type: ClusterIP
status:
  loadBalancer: {}
";

const KUBECTL_CREATE_SERVICE_NODEPORT: &str = "\
apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  ports:
  - name: 80-8080
    port: 80
    protocol: TCP
    targetPort: 8080
  selector:
    app: web
  type: NodePort
status:
  loadBalancer: {}
";

const KUBECTL_EXPOSE_DEPLOYMENT: &str = "\
apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  ports:
  - port: 80
    protocol: TCP
    targetPort: 8080
  selector:
    app: web
status:
  loadBalancer: {}
";

const KUBECTL_CREATE_NAMESPACE: &str = "\
apiVersion: v1
kind: Namespace
metadata:
  creationTimestamp: null
  name: dev
spec: {}
status: {}
";

#[test]
fn kubectl_generated_manifests_are_accepted_as_they_are() {
    for (text, kind) in [
        (KUBECTL_CREATE_DEPLOYMENT, ObjectKind::Deployment),
        (KUBECTL_CREATE_DEPLOYMENT_WITH_PORT, ObjectKind::Deployment),
        (KUBECTL_RUN, ObjectKind::Pod),
        (KUBECTL_CREATE_SERVICE_CLUSTERIP, ObjectKind::Service),
        (KUBECTL_CREATE_SERVICE_NODEPORT, ObjectKind::Service),
        (KUBECTL_EXPOSE_DEPLOYMENT, ObjectKind::Service),
        (KUBECTL_CREATE_NAMESPACE, ObjectKind::Namespace),
    ] {
        let objects = accept(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(objects.len(), 1);
        assert_eq!(objects[0].kind(), kind);
    }
}

#[test]
fn kubectl_generated_manifests_print_back_as_kubectl_prints_them() {
    // `creationTimestamp: null` is how Go prints an unset time; an unset time is simply absent here.
    for text in [
        KUBECTL_CREATE_DEPLOYMENT,
        KUBECTL_RUN,
        KUBECTL_CREATE_SERVICE_CLUSTERIP,
        KUBECTL_CREATE_NAMESPACE,
    ] {
        let objects = decode("web.yaml", text).unwrap();
        let expected: String = text
            .lines()
            .filter(|l| !l.contains("creationTimestamp: null"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(to_yaml(&objects[0]), expected);
    }
}

#[test]
fn multi_document_manifests_decode_in_order_skipping_empty_documents() {
    let text = format!(
        "---\n{KUBECTL_CREATE_DEPLOYMENT}---\n# only a comment\n---\n{KUBECTL_CREATE_SERVICE_CLUSTERIP}\n---\n"
    );
    let objects = decode("app.yaml", &text).unwrap();
    let kinds: Vec<ObjectKind> = objects.iter().map(Object::kind).collect();
    assert_eq!(kinds, [ObjectKind::Deployment, ObjectKind::Service]);
    assert_eq!(objects[1].display_name(), "service/web");
    assert_eq!(objects[0].display_name(), "deployment.apps/web");
}

#[test]
fn a_list_contributes_its_items() {
    let text = "\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    name: dev
- apiVersion: v1
  kind: Pod
  metadata:
    name: p
  spec:
    containers:
    - name: app
      image: nginx
";
    let objects = decode("list.yaml", text).unwrap();
    assert_eq!(objects.len(), 2);
    assert_eq!(objects[1].name(), "p");
    assert!(decode("list.yaml", "apiVersion: v1\nkind: List\n")
        .unwrap()
        .is_empty());
}

#[test]
fn one_bad_document_does_not_hide_the_good_ones() {
    let text = format!(
        "{KUBECTL_CREATE_NAMESPACE}---\napiVersion: apps/v1\nkind: Deploymnt\nmetadata:\n  name: web\n---\n{KUBECTL_RUN}"
    );
    let results = decode_documents("mixed.yaml", &text);
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok());
    assert_eq!(results[1].as_ref().unwrap_err().document(), Some(1));
    assert!(results[2].is_ok());
}

#[test]
fn documents_before_a_syntax_error_are_still_read() {
    let text = format!("{KUBECTL_CREATE_NAMESPACE}---\nkind: Pod\nmetadata: {{name: x\n");
    let results = decode_documents("broken.yaml", &text);
    assert!(results[0].is_ok());
    let err = results.last().unwrap().as_ref().unwrap_err();
    assert!(
        matches!(err.kind(), ManifestErrorKind::Syntax { .. }),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Bad manifests, each with the exact message kubectl shows.

const DEPLOYMENT_HEAD: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n";

fn deployment(spec_tail: &str) -> String {
    format!(
        "{DEPLOYMENT_HEAD}spec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: app\n        image: nginx\n{spec_tail}"
    )
}

#[test]
fn an_unknown_field_is_a_strict_decoding_error_with_its_full_path_and_position() {
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containerz:
      - name: app
";
    let err = decode("web.yaml", text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Error from server (BadRequest): error when creating \"web.yaml\": Deployment in version \
         \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \
         \"spec.template.spec.containerz\""
    );
    assert_eq!(err.location(), Some((8, 7)));
}

#[test]
fn an_unknown_field_inside_a_list_names_the_index() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: b\n    ports:\n    - containerPort: 80\n      protocl: TCP\n";
    assert_eq!(
        apply_error(text),
        "Error from server (BadRequest): error when creating \"web.yaml\": Pod in version \"v1\" \
         cannot be handled as a Pod: strict decoding error: unknown field \
         \"spec.containers[0].ports[0].protocl\""
    );
}

#[test]
fn every_unknown_field_is_listed_in_the_order_the_api_server_meets_them() {
    // kubectl sends JSON with sorted keys: `replica` before `template`, `imagez` before `portz`.
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labelz: {}
spec:
  template:
    spec:
      containers:
      - name: app
        portz: []
        imagez: nginx
  replica: 2
";
    let err = decode("web.yaml", text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Error from server (BadRequest): error when creating \"web.yaml\": Deployment in version \
         \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \
         \"metadata.labelz\", unknown field \"spec.replica\", unknown field \
         \"spec.template.spec.containers[0].imagez\", unknown field \
         \"spec.template.spec.containers[0].portz\""
    );
    // The editor underlines the first one in the file.
    assert_eq!(err.location(), Some((5, 3)));
}

#[test]
fn yaml_merge_keys_are_applied_before_decoding() {
    let text = "\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - &base
    name: a
    image: nginx:1.27-alpine
  - <<: *base
    name: b
";
    let objects = accept(text).unwrap();
    let Object::Pod(pod) = &objects[0] else {
        panic!("not a pod")
    };
    let names: Vec<(&str, &str)> = pod
        .spec
        .containers
        .iter()
        .map(|c| (c.name.as_str(), c.image.as_str()))
        .collect();
    assert_eq!(
        names,
        [("a", "nginx:1.27-alpine"), ("b", "nginx:1.27-alpine")]
    );
    // A misspelt field under a merge is still refused.
    let bad = text.replace("    name: b", "    nme: b");
    assert!(apply_error(&bad).contains("unknown field \"spec.containers[1].nme\""));
}

#[test]
fn yaml_output_quotes_what_would_read_back_as_another_type_as_kubectl_does() {
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    deployment.kubernetes.io/revision: \"1\"
    note: \"a: b\"
    enabled: \"true\"
  labels:
    app: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - image: nginx:1.27-alpine
        name: nginx
";
    let objects = decode("web.yaml", text).unwrap();
    let yaml = to_yaml(&objects[0]);
    assert!(
        yaml.contains("    deployment.kubernetes.io/revision: \"1\"\n"),
        "{yaml}"
    );
    assert!(yaml.contains("    enabled: \"true\"\n"), "{yaml}");
    assert!(yaml.contains("    note: 'a: b'\n"), "{yaml}");
    assert!(
        yaml.contains("      containers:\n      - image: nginx:1.27-alpine\n"),
        "{yaml}"
    );
}

#[test]
fn a_misspelt_kind_has_no_matches() {
    let text = "apiVersion: apps/v1\nkind: Deploymnt\nmetadata:\n  name: web\n";
    assert_eq!(
        apply_error(text),
        "error: resource mapping not found for name: \"web\" namespace: \"\" from \"web.yaml\": \
         no matches for kind \"Deploymnt\" in version \"apps/v1\"\nensure CRDs are installed first"
    );
}

#[test]
fn a_kind_in_the_wrong_group_has_no_matches() {
    let text = "apiVersion: v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: dev\n";
    assert_eq!(
        apply_error(text),
        "error: resource mapping not found for name: \"web\" namespace: \"dev\" from \
         \"web.yaml\": no matches for kind \"Deployment\" in version \"v1\"\nensure CRDs are \
         installed first"
    );
}

#[test]
fn a_missing_kind_is_reported_before_anything_else() {
    assert_eq!(
        apply_error("metadata:\n  name: web\n"),
        "error: error validating \"web.yaml\": error validating data: [apiVersion not set, kind \
         not set]; if you choose to ignore these errors, turn validation off with \
         --validate=false"
    );
}

#[test]
fn yaml_syntax_errors_give_the_line() {
    let err = decode(
        "web.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a: b\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "error: error parsing web.yaml: error converting YAML to JSON: yaml: line 4: mapping \
         values are not allowed in this context"
    );
    assert_eq!(err.location().map(|l| l.0), Some(4));
}

#[test]
fn a_string_where_a_number_belongs_reads_like_go() {
    let text = format!("{DEPLOYMENT_HEAD}spec:\n  replicas: \"3\"\n");
    let err = decode("web.yaml", &text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Error from server (BadRequest): error when creating \"web.yaml\": Deployment in version \
         \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct \
         field DeploymentSpec.spec.replicas of type int32"
    );
    assert_eq!(err.location(), Some((6, 13)));
}

#[test]
fn a_malformed_quantity_is_refused_with_the_apiserver_regexp() {
    let text = deployment("        resources:\n          limits:\n            cpu: 12Q\n");
    assert_eq!(
        apply_error(&text),
        "Error from server (BadRequest): error when creating \"web.yaml\": Deployment in version \
         \"v1\" cannot be handled as a Deployment: quantities must match the regular expression \
         '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    );
}

#[test]
fn negative_replicas_are_invalid() {
    let text = deployment("").replace("spec:\n  selector", "spec:\n  replicas: -1\n  selector");
    assert_eq!(
        apply_error(&text),
        "The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater \
         than or equal to 0"
    );
}

#[test]
fn a_missing_selector_is_required_and_matches_nothing() {
    let text = format!(
        "{DEPLOYMENT_HEAD}spec:\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: app\n        image: nginx\n"
    );
    assert_eq!(
        apply_error(&text),
        "The Deployment \"web\" is invalid: \n* spec.selector: Required value\n* \
         spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: \
         `selector` does not match template `labels`"
    );
}

#[test]
fn a_selector_that_does_not_match_the_template_is_invalid() {
    let text = deployment("").replace("        app: web\n    spec", "        app: x\n    spec");
    assert_eq!(
        apply_error(&text),
        "The Deployment \"web\" is invalid: spec.template.metadata.labels: Invalid value: \
         map[string]string{\"app\":\"x\"}: `selector` does not match template `labels`"
    );
}

#[test]
fn an_empty_selector_is_invalid_for_a_deployment() {
    let text = deployment("").replace(
        "  selector:\n    matchLabels:\n      app: web\n",
        "  selector: {}\n",
    );
    assert_eq!(
        apply_error(&text),
        "The Deployment \"web\" is invalid: spec.selector: Invalid value: \
         v1.LabelSelector{MatchLabels:map[string]string(nil), \
         MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for \
         deployment"
    );
}

#[test]
fn an_uppercase_name_is_not_an_rfc_1123_subdomain() {
    let text = deployment("").replace("name: web", "name: Web");
    assert_eq!(
        apply_error(&text),
        "The Deployment \"Web\" is invalid: metadata.name: Invalid value: \"Web\": a lowercase \
         RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and \
         must start and end with an alphanumeric character (e.g. 'example.com', regex used for \
         validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    );
}

#[test]
fn max_surge_and_max_unavailable_cannot_both_be_zero() {
    let text = deployment("").replace(
        "spec:\n  selector",
        "spec:\n  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 0\n  selector",
    );
    assert_eq!(
        apply_error(&text),
        "The Deployment \"web\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid \
         value: 0: may not be 0 when `maxSurge` is 0"
    );
}

#[test]
fn a_deployment_template_must_restart_always() {
    let text = deployment("      restartPolicy: Never\n");
    assert_eq!(
        apply_error(&text),
        "The Deployment \"web\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \
         \"Never\": supported values: \"Always\""
    );
}

#[test]
fn container_name_and_image_are_required() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - resources: {}\n";
    assert_eq!(
        apply_error(text),
        "The Pod \"p\" is invalid: \n* spec.containers[0].name: Required value\n* \
         spec.containers[0].image: Required value"
    );
}

#[test]
fn container_names_must_be_unique() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: nginx\n  - name: app\n    image: redis\n";
    assert_eq!(
        apply_error(text),
        "The Pod \"p\" is invalid: spec.containers[1].name: Duplicate value: \"app\""
    );
}

#[test]
fn a_container_port_must_be_in_range() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: nginx\n    ports:\n    - containerPort: 70000\n";
    assert_eq!(
        apply_error(text),
        "The Pod \"p\" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: \
         70000: must be between 1 and 65535, inclusive"
    );
}

#[test]
fn requests_may_not_exceed_limits() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: nginx\n    resources:\n      requests:\n        cpu: \"2\"\n      limits:\n        cpu: 1000m\n";
    assert_eq!(
        apply_error(text),
        "The Pod \"p\" is invalid: spec.containers[0].resources.requests: Invalid value: \"2\": \
         must be less than or equal to cpu limit of 1"
    );
}

#[test]
fn an_unknown_taint_effect_in_a_toleration_is_unsupported() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: nginx\n  tolerations:\n  - key: dedicated\n    operator: Exists\n    effect: NoSchedul\n";
    assert_eq!(
        apply_error(text),
        "The Pod \"p\" is invalid: spec.tolerations[0].effect: Unsupported value: \"NoSchedul\": \
         supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""
    );
}

#[test]
fn toleration_seconds_need_no_execute() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: nginx\n  tolerations:\n  - key: dedicated\n    operator: Exists\n    effect: NoSchedule\n    tolerationSeconds: 60\n";
    assert_eq!(
        apply_error(text),
        "The Pod \"p\" is invalid: spec.tolerations[0].effect: Invalid value: \"NoSchedule\": \
         effect must be 'NoExecute' when `tolerationSeconds` is set"
    );
}

#[test]
fn a_service_port_needs_a_valid_number_and_protocol() {
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 0\n    protocol: tcp\n";
    assert_eq!(
        apply_error(text),
        "The Service \"web\" is invalid: \n* spec.ports[0].port: Invalid value: 0: must be \
         between 1 and 65535, inclusive\n* spec.ports[0].protocol: Unsupported value: \"tcp\": \
         supported values: \"SCTP\", \"TCP\", \"UDP\"\n* spec.ports[0].targetPort: Invalid value: \
         0: must be between 1 and 65535, inclusive"
    );
}

#[test]
fn a_cluster_ip_service_may_not_have_a_node_port() {
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n    nodePort: 30080\n";
    assert_eq!(
        apply_error(text),
        "The Service \"web\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when \
         `type` is 'ClusterIP'"
    );
}

#[test]
fn several_service_ports_need_names() {
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n  - port: 443\n";
    assert_eq!(
        apply_error(text),
        "The Service \"web\" is invalid: \n* spec.ports[0].name: Required value\n* \
         spec.ports[1].name: Required value"
    );
}

#[test]
fn a_label_value_with_a_space_is_invalid() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    tier: front end\nspec:\n  containers:\n  - name: app\n    image: nginx\n";
    assert_eq!(
        apply_error(text),
        "The Pod \"p\" is invalid: metadata.labels: Invalid value: \"front end\": a valid label \
         must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and \
         must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or \
         '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    );
}

#[test]
fn a_node_taint_needs_an_effect() {
    let text = "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-1\nspec:\n  taints:\n  - key: dedicated\n    value: gpu\n";
    assert_eq!(
        apply_error(text),
        "The Node \"node-1\" is invalid: spec.taints[0].effect: Required value"
    );
}

#[test]
fn every_error_is_reported_at_once() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: -2\n  revisionHistoryLimit: -1\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: App\n";
    let msg = apply_error(text);
    assert_eq!(msg.matches("\n* ").count(), 4, "{msg}");
    assert!(
        msg.starts_with("The Deployment \"web\" is invalid: \n* spec.replicas: Invalid value: -2")
    );
    assert!(msg.contains("* spec.template.spec.containers[0].name: Invalid value: \"App\""));
    assert!(msg.contains("* spec.template.spec.containers[0].image: Required value"));
    assert!(msg.contains(
        "* spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0"
    ));
}

// ---------------------------------------------------------------------------------------------
// Limits and hostile input.

#[test]
fn billion_laughs_fail_fast() {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        text.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    let manifest = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: lol\n{text}");
    let start = Instant::now();
    let err = decode("lol.yaml", &manifest).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    assert!(
        err.to_string().contains("repetition limit exceeded"),
        "{err}"
    );
}

#[test]
fn deep_nesting_is_refused() {
    let manifest = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nx: {}\n",
        "[".repeat(50_000)
    );
    let err = decode("deep.yaml", &manifest).unwrap_err();
    assert!(
        matches!(err.kind(), ManifestErrorKind::Syntax { .. }),
        "{err}"
    );
}

#[test]
fn oversized_manifests_and_too_many_documents_are_refused() {
    let big = "#".repeat(MAX_MANIFEST_BYTES + 1);
    assert!(matches!(
        decode("big.yaml", &big).unwrap_err().kind(),
        ManifestErrorKind::TooLarge { .. }
    ));
    let many = format!("{KUBECTL_CREATE_NAMESPACE}---\n").repeat(MAX_DOCUMENTS + 1);
    assert_eq!(
        decode("many.yaml", &many).unwrap_err().to_string(),
        "error: many.yaml: more than 1000 objects in one manifest"
    );
}

proptest! {
    #[test]
    fn decoding_never_panics(text in "\\PC{0,200}") {
        let _ = decode_documents("fuzz.yaml", &text);
    }

    #[test]
    fn yaml_shaped_noise_never_panics(
        lines in proptest::collection::vec("( {0,6})(-|[a-zA-Z]{1,8}:)( [a-zA-Z0-9&*\\[\\]{}\"'.%-]{0,10})?", 0..30)
    ) {
        let text = format!("apiVersion: v1\nkind: Pod\n{}", lines.join("\n"));
        let _ = decode_documents("fuzz.yaml", &text);
    }

    #[test]
    fn mutated_kubectl_manifests_decode_or_fail_and_what_decodes_round_trips(
        which in 0usize..7,
        cut in 0usize..2000,
        len in 0usize..40,
        insert in "[ a-zA-Z0-9:\\n\\-\\[\\]{}\"'.%#&*!|>]{0,12}",
    ) {
        let base = [
            KUBECTL_CREATE_DEPLOYMENT,
            KUBECTL_CREATE_DEPLOYMENT_WITH_PORT,
            KUBECTL_RUN,
            KUBECTL_CREATE_SERVICE_CLUSTERIP,
            KUBECTL_CREATE_SERVICE_NODEPORT,
            KUBECTL_EXPOSE_DEPLOYMENT,
            KUBECTL_CREATE_NAMESPACE,
        ][which];
        let at = cut.min(base.len());
        let end = (at + len).min(base.len());
        let text = format!("{}{insert}{}", &base[..at], &base[end..]);
        for result in decode_documents("m.yaml", &text) {
            let Ok(mut obj) = result else { continue };
            apply_defaults(&mut obj);
            admit(&mut obj);
            let _ = validate(&obj);
            let yaml = to_yaml(&obj);
            let again = decode("again.yaml", &yaml);
            prop_assert_eq!(again, Ok(vec![obj]), "{}", yaml);
        }
    }

    #[test]
    fn selector_and_quantity_parsing_never_panic(text in "\\PC{0,60}") {
        let _ = Selector::parse(&text);
        let _ = Quantity::parse(&text);
    }
}

// ---------------------------------------------------------------------------------------------
// Round trips.

#[test]
fn defaulted_objects_round_trip_through_yaml_and_json() {
    let text = format!("{KUBECTL_CREATE_DEPLOYMENT_WITH_PORT}---\n{KUBECTL_RUN}---\n{KUBECTL_CREATE_SERVICE_CLUSTERIP}");
    let objects = accept(&text).unwrap();
    for o in &objects {
        let yaml = to_yaml(o);
        let back = decode("again.yaml", &yaml).unwrap();
        assert_eq!(&back[0], o, "{yaml}");
        let json = to_json(o);
        let back = decode("again.json", &json).unwrap();
        assert_eq!(&back[0], o, "{json}");
    }
}

#[test]
fn json_output_is_sorted_and_indented_like_kubectl() {
    let objects = decode("ns.yaml", KUBECTL_CREATE_NAMESPACE).unwrap();
    assert_eq!(
        to_json(&objects[0]),
        "{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Namespace\",\n    \"metadata\": {\n        \"name\": \"dev\"\n    },\n    \"spec\": {},\n    \"status\": {}\n}"
    );
}

// ---------------------------------------------------------------------------------------------
// Defaults.

#[test]
fn deployment_defaults_are_the_apiservers() {
    let objects = accept(KUBECTL_CREATE_DEPLOYMENT).unwrap();
    let Object::Deployment(d) = &objects[0] else {
        panic!()
    };
    assert_eq!(d.spec.replicas, Some(1));
    assert_eq!(
        d.spec.strategy.type_,
        Some(DeploymentStrategyType::RollingUpdate)
    );
    let ru = d.spec.strategy.rolling_update.as_ref().unwrap();
    assert_eq!(ru.max_surge, Some(IntOrString::from("25%")));
    assert_eq!(ru.max_unavailable, Some(IntOrString::from("25%")));
    assert_eq!(d.spec.revision_history_limit, Some(10));
    assert_eq!(d.spec.progress_deadline_seconds, Some(600));
    let pod = &d.spec.template.spec;
    assert_eq!(pod.restart_policy, Some(RestartPolicy::Always));
    assert_eq!(pod.termination_grace_period_seconds, Some(30));
    assert_eq!(pod.dns_policy.as_deref(), Some("ClusterFirst"));
    assert_eq!(pod.scheduler_name.as_deref(), Some("default-scheduler"));
    assert_eq!(
        pod.containers[0].image_pull_policy,
        Some(ImagePullPolicy::Always)
    );
    // Templates get no admission tolerations: pods get them when they are created.
    assert!(pod.tolerations.is_empty());
}

#[test]
fn a_replica_count_left_out_defaults_to_one() {
    let text = KUBECTL_CREATE_DEPLOYMENT.replace("  replicas: 1\n", "");
    let objects = accept(&text).unwrap();
    let Object::Deployment(d) = &objects[0] else {
        panic!()
    };
    assert_eq!(d.spec.replicas, Some(1));
}

#[test]
fn image_pull_policy_depends_on_the_tag() {
    let objects = accept(KUBECTL_CREATE_DEPLOYMENT_WITH_PORT).unwrap();
    let Object::Deployment(d) = &objects[0] else {
        panic!()
    };
    let c = &d.spec.template.spec.containers[0];
    assert_eq!(c.image_pull_policy, Some(ImagePullPolicy::IfNotPresent));
    assert_eq!(c.ports[0].protocol, Some(Protocol::Tcp));
}

#[test]
fn probes_get_period_10_timeout_1_failure_3_success_1() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: nginx\n    readinessProbe:\n      httpGet:\n        port: 80\n";
    let objects = accept(text).unwrap();
    let Object::Pod(p) = &objects[0] else {
        panic!()
    };
    let probe = p.spec.containers[0].readiness_probe.as_ref().unwrap();
    assert_eq!(
        (
            probe.period_seconds,
            probe.timeout_seconds,
            probe.failure_threshold,
            probe.success_threshold
        ),
        (Some(10), Some(1), Some(3), Some(1))
    );
    assert_eq!(probe.http_get.as_ref().unwrap().path, "/");
}

#[test]
fn service_defaults_to_cluster_ip_tcp_and_target_port_equal_to_port() {
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n";
    let objects = accept(text).unwrap();
    let Object::Service(s) = &objects[0] else {
        panic!()
    };
    assert_eq!(s.spec.type_, Some(ServiceType::ClusterIp));
    assert_eq!(s.spec.ports[0].protocol, Some(Protocol::Tcp));
    assert_eq!(s.spec.ports[0].target_port, Some(IntOrString::Int(80)));
}

#[test]
fn pods_get_300s_not_ready_and_unreachable_tolerations_on_admission() {
    let objects = accept(KUBECTL_RUN).unwrap();
    let Object::Pod(p) = &objects[0] else {
        panic!()
    };
    let tol: Vec<(String, Option<i64>)> = p
        .spec
        .tolerations
        .iter()
        .map(|t| (t.key.clone(), t.toleration_seconds))
        .collect();
    assert_eq!(
        tol,
        [
            ("node.kubernetes.io/not-ready".to_string(), Some(300)),
            ("node.kubernetes.io/unreachable".to_string(), Some(300))
        ]
    );
    assert!(p
        .spec
        .tolerations
        .iter()
        .all(|t| t.effect == Some(TaintEffect::NoExecute)));

    // A pod that already tolerates not-ready keeps its own toleration and gets only the other.
    let text = KUBECTL_RUN.replace(
        "  dnsPolicy",
        "  tolerations:\n  - key: node.kubernetes.io/not-ready\n    operator: Exists\n    effect: NoExecute\n    tolerationSeconds: 10\n  dnsPolicy",
    );
    let objects = accept(&text).unwrap();
    let Object::Pod(p) = &objects[0] else {
        panic!()
    };
    assert_eq!(p.spec.tolerations.len(), 2);
    assert_eq!(p.spec.tolerations[0].toleration_seconds, Some(10));
    assert_eq!(p.spec.tolerations[1].key, "node.kubernetes.io/unreachable");
}

#[test]
fn pod_requests_default_to_limits() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: nginx\n    resources:\n      limits:\n        cpu: 500m\n        memory: 128Mi\n";
    let objects = accept(text).unwrap();
    let Object::Pod(p) = &objects[0] else {
        panic!()
    };
    let req = &p.spec.containers[0].resources.requests;
    assert_eq!(req["cpu"].to_string(), "500m");
    assert_eq!(req["memory"].to_string(), "128Mi");
}

#[test]
fn defaulting_twice_changes_nothing() {
    let mut objects = accept(KUBECTL_CREATE_DEPLOYMENT).unwrap();
    let before = objects.clone();
    for o in &mut objects {
        apply_defaults(o);
        admit(o);
    }
    assert_eq!(objects, before);
}

// ---------------------------------------------------------------------------------------------
// Quantities.

#[test]
fn quantities_parse_exactly_and_print_canonically() {
    // (input, canonical, milli value, value rounded up)
    let table: [(&str, &str, i64, i64); 10] = [
        ("100m", "100m", 100, 1),
        ("1.5Gi", "1536Mi", 1_610_612_736_000, 1_610_612_736),
        ("1536Mi", "1536Mi", 1_610_612_736_000, 1_610_612_736),
        ("0.5", "500m", 500, 1),
        ("1e3", "1e3", 1_000_000, 1000),
        ("2", "2", 2000, 2),
        ("512Mi", "512Mi", 536_870_912_000, 536_870_912),
        ("250m", "250m", 250, 1),
        ("1k", "1k", 1_000_000, 1000),
        ("1000", "1k", 1_000_000, 1000),
    ];
    for (input, canonical, milli, value) in table {
        let q = Quantity::parse(input).unwrap();
        assert_eq!(q.to_string(), canonical, "{input}");
        assert_eq!(q.milli_value(), milli, "{input}");
        assert_eq!(q.value(), value, "{input}");
    }
    assert_eq!(
        Quantity::parse("1.5Gi").unwrap(),
        Quantity::parse("1536Mi").unwrap()
    );
}

#[test]
fn a_quantity_with_an_unknown_suffix_is_refused_in_apiserver_words() {
    assert_eq!(
        Quantity::parse("12Q").unwrap_err().to_string(),
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    );
}

#[test]
fn hundred_milli_bytes_of_memory_is_valid_syntax_but_a_fractional_byte() {
    let q = Quantity::parse("100m").unwrap();
    assert!(!q.is_whole());
    assert_eq!(q.value(), 1);
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: nginx\n    resources:\n      requests:\n        memory: 100m\n";
    let objects = accept(text).unwrap();
    assert_eq!(
        warnings(&objects[0]),
        [
            "spec.containers[0].resources.requests[memory]: fractional byte value \"100m\" is \
          invalid, must be an integer"
        ]
    );
}

#[test]
fn yaml_numbers_are_quantities_too() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: nginx\n    resources:\n      requests:\n        cpu: 0.5\n        memory: 1.5Gi\n      limits:\n        cpu: 2\n";
    let objects = accept(text).unwrap();
    let Object::Pod(p) = &objects[0] else {
        panic!()
    };
    let r = &p.spec.containers[0].resources;
    assert_eq!(r.requests["cpu"].to_string(), "500m");
    assert_eq!(r.requests["memory"].to_string(), "1536Mi");
    assert_eq!(r.limits["cpu"].to_string(), "2");
}

// ---------------------------------------------------------------------------------------------
// Selectors.

fn labels(pairs: &[(&str, &str)]) -> sim_core::cluster::api::StringMap {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn selectors_match_as_kubectl_l_does() {
    let web_front = labels(&[("app", "web"), ("tier", "front"), ("env", "a")]);
    let db = labels(&[("app", "db"), ("tier", "db")]);
    let bare = labels(&[]);
    // (selector, matches web_front, matches db, matches bare)
    let table = [
        ("", true, true, true),
        ("app=web", true, false, false),
        ("app==web", true, false, false),
        ("app!=web", false, true, true),
        ("tier!=db", true, false, true),
        ("env in (a,b)", true, false, false),
        ("env notin (a,b)", false, true, true),
        ("!env", false, true, true),
        ("env", true, false, false),
        ("app=web,tier!=db,env in (a,b)", true, false, false),
        ("app in (web,db),!gone", true, true, false),
    ];
    for (sel, a, b, c) in table {
        let s = Selector::parse(sel).unwrap_or_else(|e| panic!("{sel}: {e}"));
        assert_eq!(
            (s.matches(&web_front), s.matches(&db), s.matches(&bare)),
            (a, b, c),
            "{sel}"
        );
    }
}

#[test]
fn selectors_print_sorted_by_key_as_kubectl_does() {
    let s = Selector::parse("tier!=db, app=web,env in (b,a),!gone,has").unwrap();
    assert_eq!(s.to_string(), "app=web,env in (a,b),!gone,has,tier!=db");
}

#[test]
fn malformed_selectors_have_kubectls_messages() {
    let table = [
        ("app=web,", "found '', expected: identifier after ','"),
        (
            "=web",
            "found '=', expected: !, identifier, or 'end of string'",
        ),
        (
            "app web",
            "unable to parse requirement: found 'web', expected: in, notin, =, ==, !=, gt, lt",
        ),
        (
            "env in (a,b",
            "unable to parse requirement: found '', expected: ',' or ')'",
        ),
        (
            "env in a",
            "unable to parse requirement: found 'a' expected: '('",
        ),
        ("app=web)", "found ')', expected: ',' or 'end of string'"),
    ];
    for (sel, want) in table {
        assert_eq!(Selector::parse(sel).unwrap_err().to_string(), want, "{sel}");
    }
}

#[test]
fn label_selectors_in_objects_match_with_expressions() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n    matchExpressions:\n    - key: tier\n      operator: NotIn\n      values: [db]\n    - key: env\n      operator: Exists\n  template:\n    metadata:\n      labels:\n        app: web\n        env: prod\n    spec:\n      containers:\n      - name: app\n        image: nginx\n";
    let objects = accept(text).unwrap();
    let Object::Deployment(d) = &objects[0] else {
        panic!()
    };
    let sel = d.spec.selector.as_ref().unwrap();
    assert!(sel.matches(&labels(&[("app", "web"), ("env", "x")])));
    assert!(!sel.matches(&labels(&[("app", "web"), ("env", "x"), ("tier", "db")])));
    assert!(!sel.matches(&labels(&[("app", "web")])));
    assert_eq!(sel.to_string(), "app=web,env,tier notin (db)");
}
