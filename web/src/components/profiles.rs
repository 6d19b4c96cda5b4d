//! "Runs anywhere": the cluster profile switcher in the Cluster tab. Three tabs (`local`,
//! `onprem`, `cloud`); for the selected one a PREVIEW of the same manifests running there,
//! computed without touching the user's session: a fresh [`Session`] with the same seed gets the
//! workspace's manifest files as of the frame viewed, `cluster create --profile P`, the
//! `kubectl apply|create -f …` commands the user ran (from the transcript up to that frame) and
//! `run 2m`; its nodes are drawn grouped by zone with their pods. "Use this profile" submits
//! `cluster delete`, `cluster create --profile P` and the same commands to the real session.
//!
//! The preview is cached per (profile, frame, trace hash) and bounded: above
//! [`MAX_PREVIEW_NODES`] nodes or [`MAX_PREVIEW_PODS`] desired pods it is skipped.

use std::collections::BTreeMap;

use sim_core::cluster::api::{Object, ObjectKind};
use sim_core::cluster::store::Key;
use sim_core::cluster::view::cluster_view;
use sim_core::command::shell_quote;
use sim_core::{Session, SimConfig};
use yew::prelude::*;

use crate::i18n::{fill, tr, Lang, Msg};
use crate::state::{Action, Sandbox};

/// The profiles, in the order the tabs show them, with their description.
const PROFILES: [(&str, Msg); 3] = [
    ("local", Msg::PfLocalWhat),
    ("onprem", Msg::PfOnpremWhat),
    ("cloud", Msg::PfCloudWhat),
];
/// Nodes a preview draws at most.
pub const MAX_PREVIEW_NODES: usize = 200;
/// Desired pods a preview simulates at most.
pub const MAX_PREVIEW_PODS: i64 = 2_000;
/// How long the preview runs after the applies.
const PREVIEW_RUN: &str = "run 2m";
/// The here-document delimiter that writes files into the preview session.
const HEREDOC_END: &str = "KSB_PREVIEW_EOF";
/// The node label that names a zone.
const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

/// Properties of [`ProfileSwitcher`].
#[derive(Properties, PartialEq)]
pub struct ProfilesProps {
    /// UI language.
    pub lang: Lang,
    /// The app state.
    pub sandbox: UseReducerHandle<Sandbox>,
}

/// One pod of a preview node.
#[derive(Clone, Debug, PartialEq)]
struct PreviewPod {
    name: String,
    status: String,
    ready: bool,
}

/// One node of a preview.
#[derive(Clone, Debug, PartialEq)]
struct PreviewNode {
    name: String,
    pods: Vec<PreviewPod>,
}

/// What a preview found.
#[derive(Clone, Debug, PartialEq)]
enum Preview {
    /// The map.
    Map {
        /// Nodes by zone (`""`: no zone label).
        zones: BTreeMap<String, Vec<PreviewNode>>,
        /// Pods no node holds.
        pending: usize,
        /// The commands replayed.
        commands: Vec<String>,
        /// The ones that failed there.
        failed: Vec<String>,
    },
    /// Too big to simulate in the page.
    TooBig { nodes: usize, pods: i64 },
}

/// The manifest commands of the transcript (`kubectl apply|create -f …`) that succeeded.
fn manifest_commands(session: &Session) -> Vec<String> {
    session
        .entries()
        .iter()
        .filter(|e| !e.failed())
        .map(|e| e.command.trim().to_string())
        .filter(|c| {
            let words: Vec<&str> = c.split_whitespace().collect();
            words.len() > 2
                && words[0] == "kubectl"
                && (words[1] == "apply" || words[1] == "create")
                && words
                    .iter()
                    .any(|w| *w == "-f" || w.starts_with("--filename") || w.starts_with("-f="))
        })
        .collect()
}

/// The workspace's text files that a manifest command reads (`-f PATH`: the file, or every file
/// under the directory).
fn manifest_files(session: &Session, commands: &[String]) -> Vec<(String, String)> {
    let mut paths: Vec<String> = Vec::new();
    for c in commands {
        let words: Vec<&str> = c.split_whitespace().collect();
        for (i, w) in words.iter().enumerate() {
            let arg = if *w == "-f" || *w == "--filename" {
                words.get(i + 1).copied()
            } else {
                w.strip_prefix("--filename=").or(w.strip_prefix("-f="))
            };
            if let Some(a) = arg {
                let a = a.trim_matches(|c| c == '\'' || c == '"');
                paths.push(a.trim_start_matches("./").trim_end_matches('/').to_string());
            }
        }
    }
    session
        .sim()
        .workspace()
        .files()
        .filter(|(path, _)| {
            paths
                .iter()
                .any(|p| p == path || p.is_empty() || path.starts_with(&format!("{p}/")))
        })
        .filter_map(|(path, content)| Some((path.to_string(), content.as_text()?.to_string())))
        .collect()
}

/// The heredoc that writes `content` at `path`.
fn write_file(path: &str, content: &str) -> String {
    let newline = if content.ends_with('\n') { "" } else { "\n" };
    format!(
        "cat > {} <<'{HEREDOC_END}'\n{content}{newline}{HEREDOC_END}",
        shell_quote(&[path.to_string()])
    )
}

/// Simulates the same manifests on `profile` in a fresh session.
fn compute(
    profile: &str,
    config: SimConfig,
    files: &[(String, String)],
    commands: &[String],
) -> Preview {
    let mut s = Session::new(config);
    for (path, content) in files {
        if !content.lines().any(|l| l == HEREDOC_END) {
            s.submit(&write_file(path, content));
        }
    }
    s.submit(&format!("cluster create --profile {profile}"));
    let mut failed = Vec::new();
    for c in commands {
        if s.submit(c).iter().any(|e| e.failed()) {
            failed.push(c.clone());
        }
    }
    let Some(cluster) = s.sim().cluster() else {
        return Preview::TooBig { nodes: 0, pods: 0 };
    };
    let nodes = cluster.store.count(ObjectKind::Node);
    let pods: i64 = cluster_view(cluster)
        .workloads
        .iter()
        .filter(|w| w.kind == "Deployment" || w.owner.is_none())
        .map(|w| i64::from(w.desired))
        .sum();
    if nodes > MAX_PREVIEW_NODES || pods > MAX_PREVIEW_PODS {
        return Preview::TooBig { nodes, pods };
    }
    s.submit(PREVIEW_RUN);
    let Some(cluster) = s.sim().cluster() else {
        return Preview::TooBig { nodes, pods };
    };
    let view = cluster_view(cluster);
    let mut zones: BTreeMap<String, Vec<PreviewNode>> = BTreeMap::new();
    for n in &view.nodes {
        let zone = match cluster.store.get(&Key::new(ObjectKind::Node, "", &n.name)) {
            Some(Object::Node(node)) => node
                .metadata
                .labels
                .get(ZONE_LABEL)
                .cloned()
                .unwrap_or_default(),
            _ => String::new(),
        };
        zones.entry(zone).or_default().push(PreviewNode {
            name: n.name.clone(),
            pods: n
                .pods
                .iter()
                .map(|p| PreviewPod {
                    name: p.name.clone(),
                    status: p.status.clone(),
                    ready: p.ready,
                })
                .collect(),
        });
    }
    Preview::Map {
        zones,
        pending: view.pending.len(),
        commands: commands.to_vec(),
        failed,
    }
}

/// A pod's class and symbol, as the cluster map draws them.
fn pod_style(p: &PreviewPod) -> (&'static str, &'static str) {
    match p.status.as_str() {
        "Terminating" => ("st-terminating", "✕"),
        "Pending" => ("st-pending", "○"),
        "ContainerCreating" | "PodInitializing" => ("st-creating", "◐"),
        "Running" if p.ready => ("st-ready", "●"),
        "Running" => ("st-running", "◑"),
        _ => ("st-failed", "⚠"),
    }
}

/// The profile switcher.
#[function_component(ProfileSwitcher)]
pub fn profile_switcher(props: &ProfilesProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let selected = use_state(|| None::<&'static str>);
    // The preview depends only on the seed, the manifests and the commands that applied them,
    // so it is keyed on those: stepping or playing does not rebuild it.
    let (commands, files, config) = {
        let session = props.sandbox.session();
        let commands = manifest_commands(&session);
        let files = manifest_files(&session, &commands);
        (commands, files, session.sim().config().clone())
    };
    let preview = use_memo(
        (*selected, commands, files, config),
        move |(profile, commands, files, config)| {
            let profile = (*profile)?;
            Some((
                profile,
                commands.clone(),
                compute(profile, config.clone(), files, commands),
            ))
        },
    );

    let tabs = PROFILES.iter().map(|(name, what)| {
        let name: &'static str = name;
        let is = *selected == Some(name);
        let onclick = {
            let selected = selected.clone();
            Callback::from(move |_: MouseEvent| selected.set(Some(name)))
        };
        html! {
            <button type="button" role="tab" id={format!("profile-tab-{name}")}
                class={classes!("profile-tab", is.then_some("selected"))}
                aria-selected={is.to_string()} aria-controls="profile-preview" data-profile={name}
                onclick={onclick}>
                <strong>{ if is { "◉ " } else { "○ " } }{ name }</strong>
                <span class="pf-what">{ t(*what) }</span>
            </button>
        }
    });

    let body = match preview.as_ref() {
        None => html! { <p class="view-note">{ t(Msg::PfPick) }</p> },
        Some((profile, commands, Preview::TooBig { nodes, pods })) => html! {
            <div id="profile-preview" role="tabpanel" data-profile={*profile} data-skipped="true"
                data-commands={commands.len().to_string()}>
                <p class="view-note">{ fill(t(Msg::PfTooBig), &[
                    ("nodes", &nodes.to_string()), ("pods", &pods.to_string()),
                    ("maxnodes", &MAX_PREVIEW_NODES.to_string()), ("maxpods", &MAX_PREVIEW_PODS.to_string())]) }</p>
            </div>
        },
        Some((
            profile,
            _,
            Preview::Map {
                zones,
                pending,
                commands,
                failed,
            },
        )) => {
            let nodes: usize = zones.values().map(Vec::len).sum();
            let pods: usize = zones
                .values()
                .flatten()
                .map(|n| n.pods.len())
                .sum::<usize>()
                + pending;
            let ready: usize = zones
                .values()
                .flatten()
                .flat_map(|n| &n.pods)
                .filter(|p| p.ready)
                .count();
            let zone_count = zones.keys().filter(|z| !z.is_empty()).count();
            let groups = zones.iter().map(|(zone, nodes)| {
                let title = if zone.is_empty() { t(Msg::PfNoZone).to_string() } else { zone.clone() };
                let boxes = nodes.iter().map(|n| {
                    let chips = n.pods.iter().map(|p| {
                        let (class, sym) = pod_style(p);
                        html! {
                            <span class={classes!("pod-chip", "pf-pod", class)} title={format!("pod {} · {}", p.name, p.status)}
                                data-pod={p.name.clone()} data-ready={p.ready.to_string()}>
                                <span class="pod-sym" aria-hidden="true">{ sym }</span>
                                <span class="pod-name">{ p.name.rsplit('-').next().unwrap_or(&p.name).to_string() }</span>
                            </span>
                        }
                    });
                    html! {
                        <div class="pf-node" data-node={n.name.clone()} data-pods={n.pods.len().to_string()}
                            role="group" aria-label={fill(t(Msg::ClNodeLabel), &[("node", &n.name), ("count", &n.pods.len().to_string())])}>
                            <span class="pf-node-name">{ n.name.clone() }</span>
                            <div class="pod-chips">{ for chips }</div>
                        </div>
                    }
                });
                html! {
                    <div class="pf-zone" data-zone={zone.clone()} role="group" aria-label={title.clone()}>
                        <h5>{ if zone.is_empty() { "" } else { "⬡ " } }{ title }</h5>
                        { for boxes }
                    </div>
                }
            });
            let summary = fill(
                t(Msg::PfSummary),
                &[
                    ("profile", profile),
                    ("commands", &commands.len().to_string()),
                    ("nodes", &nodes.to_string()),
                    ("zones", &zone_count.to_string()),
                    ("ready", &ready.to_string()),
                    ("pods", &pods.to_string()),
                ],
            );
            let mut script = format!("cluster delete\ncluster create --profile {profile}");
            for c in commands {
                script.push('\n');
                script.push_str(c);
            }
            let use_it = {
                let sandbox = props.sandbox.clone();
                let script = script.clone();
                Callback::from(move |_: MouseEvent| {
                    sandbox.dispatch(Action::Submit(script.clone()))
                })
            };
            html! {
                <div id="profile-preview" role="tabpanel" aria-labelledby={format!("profile-tab-{profile}")}
                    data-profile={*profile} data-zones={zone_count.to_string()} data-nodes={nodes.to_string()}
                    data-pods={pods.to_string()} data-ready={ready.to_string()} data-commands={commands.len().to_string()}>
                    <p class="pf-summary">{ summary }</p>
                    if commands.is_empty() {
                        <p class="view-note">{ t(Msg::PfNoManifests) }</p>
                    } else {
                        <ul class="pf-commands" aria-label={t(Msg::PfCommands)}>
                            { for commands.iter().map(|c| {
                                let bad = failed.contains(c);
                                html! { <li class={classes!(bad.then_some("bad"))}>
                                    { if bad { "✕ " } else { "✓ " } }<code>{ c.clone() }</code></li> }
                            }) }
                        </ul>
                    }
                    <div class="pf-zones">{ for groups }</div>
                    if *pending > 0 {
                        <p class="view-note">{ fill(t(Msg::ClPendingLane), &[("count", &pending.to_string())]) }</p>
                    }
                    <button type="button" class="btn pf-use" id="profile-use" title={script.clone()} onclick={use_it}>
                        { "⇄ " }{ fill(t(Msg::PfUse), &[("profile", profile)]) }
                    </button>
                </div>
            }
        }
    };

    html! {
        <section class="panel profile-switcher" id="profile-switcher" aria-labelledby="profiles-title">
            <div class="view-head">
                <h3 id="profiles-title">{ t(Msg::PfTitle) }</h3>
                <span class="view-note">{ t(Msg::PfNote) }</span>
            </div>
            <div class="profile-tabs" role="tablist" aria-label={t(Msg::PfTitle)}>{ for tabs }</div>
            { body }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = "mkdir app
cat > app/web.yaml <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27-alpine
EOF
cluster create --nodes 3
kubectl apply -f ./app/
kubectl apply -f missing.yaml
";

    fn preview(profile: &str) -> (Vec<String>, Preview) {
        let mut s = Session::new(SimConfig { seed: 3 });
        s.submit(MANIFEST);
        let commands = manifest_commands(&s);
        let files = manifest_files(&s, &commands);
        assert_eq!(files.len(), 1, "{files:?}");
        let p = compute(profile, s.sim().config().clone(), &files, &commands);
        (commands, p)
    }

    #[test]
    fn the_preview_replays_the_successful_applies_on_each_profile() {
        let (commands, cloud) = preview("cloud");
        assert_eq!(commands, ["kubectl apply -f ./app/"]);
        let Preview::Map {
            zones,
            pending,
            failed,
            ..
        } = cloud
        else {
            panic!("{cloud:?}")
        };
        assert!(failed.is_empty(), "{failed:?}");
        assert_eq!(pending, 0);
        assert_eq!(
            zones.keys().cloned().collect::<Vec<_>>(),
            ["us-east-1a", "us-east-1b", "us-east-1c"]
        );
        let pods: Vec<&PreviewPod> = zones.values().flatten().flat_map(|n| &n.pods).collect();
        assert_eq!(pods.len(), 3);
        assert!(pods.iter().all(|p| p.ready), "{pods:?}");

        let (_, local) = preview("local");
        let Preview::Map { zones, .. } = local else {
            panic!("{local:?}")
        };
        assert_eq!(zones.len(), 1);
        assert_eq!(zones.values().flatten().count(), 1);
        assert_eq!(zones.values().flatten().next().unwrap().pods.len(), 3);
    }

    #[test]
    fn files_are_written_with_a_quoted_here_document() {
        let cmd = write_file("a.yaml", "x: 1");
        assert_eq!(
            cmd,
            "cat > a.yaml <<'KSB_PREVIEW_EOF'\nx: 1\nKSB_PREVIEW_EOF"
        );
    }
}
