//! Layout for the image views, as plain data: the colour of a layer by its depth, where each
//! node of the layer-sharing graph goes, which rows of a file tree are open, and which stage
//! view a command should bring up. Unit-tested natively; the components only draw.

use std::collections::BTreeSet;

use sim_core::image::view::{FileChange, FileRow, GraphNodeKind, LayerGraph};

/// Blues by depth, darkest at the base (the foundation) and lighter towards the top; each
/// with the text colour that reads on it at ≥ 4.5:1.
const DEPTH_BLUES: &[(&str, &str)] = &[
    ("#005A8C", "#FFFFFF"),
    ("#0072B2", "#FFFFFF"),
    ("#3D8FC4", "#10161C"),
    ("#56B4E9", "#10161C"),
    ("#86C9EF", "#10161C"),
    ("#B4DDF5", "#10161C"),
];

/// The fill and text colour of a layer `depth` layers above the base (deeper layers than the
/// palette holds take its lightest blue).
pub fn depth_colors(depth: usize) -> (&'static str, &'static str) {
    DEPTH_BLUES[depth.min(DEPTH_BLUES.len() - 1)]
}

/// The writable (container) layer: reddish purple, dark text.
pub const WRITABLE_COLORS: (&str, &str) = ("#CC79A7", "#10161C");

/// The text shown for each file change, with a symbol so colour is never the only cue.
pub fn change_symbol(change: FileChange) -> &'static str {
    match change {
        FileChange::Added => "+",
        FileChange::Changed => "~",
        FileChange::Removed => "−",
        FileChange::Unchanged => " ",
    }
}

/// The CSS class of a file change.
pub fn change_class(change: FileChange) -> &'static str {
    match change {
        FileChange::Added => "fc-added",
        FileChange::Changed => "fc-changed",
        FileChange::Removed => "fc-removed",
        FileChange::Unchanged => "fc-same",
    }
}

/// Where a graph node goes: `slot` counts columns from the left (halves for a node above
/// several), `level` counts rows from the bottom (base layers at 0).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placed {
    /// Column, from 0.
    pub slot: f64,
    /// Row from the bottom, from 0.
    pub level: usize,
}

/// The layout of a layer graph.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GraphLayout {
    /// One place per node, in the graph's node order.
    pub places: Vec<Placed>,
    /// Columns used.
    pub columns: usize,
    /// Rows used.
    pub levels: usize,
}

/// A tidy-tree layout for the layer forest: each image gets a column of its own at the top,
/// and a layer stands centred under the images and layers stacked on it. So a layer that two
/// images share sits between them, one node, with an edge to each.
pub fn layout_graph(graph: &LayerGraph) -> GraphLayout {
    let n = graph.nodes.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut has_parent = vec![false; n];
    for &(a, b) in &graph.edges {
        if a < n && b < n {
            children[a].push(b);
            has_parent[b] = true;
        }
    }
    let mut places = vec![
        Placed {
            slot: 0.0,
            level: 0
        };
        n
    ];
    let mut next_slot = 0usize;
    let mut levels = 0usize;
    // Nodes come in topological order, so a parent's level is known before its children's.
    for i in 0..n {
        if !has_parent[i] {
            places[i].level = 0;
        }
        for &c in &children[i] {
            places[c].level = places[i].level + 1;
        }
        levels = levels.max(places[i].level + 1);
    }
    // Columns: post-order over each tree, leaves left to right.
    for root in (0..n).filter(|i| !has_parent[*i]) {
        let mut stack = vec![(root, false)];
        while let Some((i, done)) = stack.pop() {
            if done {
                places[i].slot = match (children[i].first(), children[i].last()) {
                    (Some(&f), Some(&l)) => (places[f].slot + places[l].slot) / 2.0,
                    _ => {
                        next_slot += 1;
                        (next_slot - 1) as f64
                    }
                };
            } else {
                stack.push((i, true));
                for &c in children[i].iter().rev() {
                    stack.push((c, false));
                }
            }
        }
    }
    GraphLayout {
        places,
        columns: next_slot.max(1),
        levels,
    }
}

/// True for an image node.
pub fn is_image(kind: &GraphNodeKind) -> bool {
    matches!(kind, GraphNodeKind::Image { .. })
}

/// Rows of a file tree that start open: every directory when the tree is small; otherwise the
/// directories leading to what the layer changed, unless that is a flood too (a base layer
/// adds everything), when only the top level shows.
pub fn initially_open(rows: &[FileRow]) -> BTreeSet<String> {
    const SMALL_TREE_ROWS: usize = 80;
    const MOST_CHANGES_OPENED: usize = 40;
    if rows.len() <= SMALL_TREE_ROWS {
        return rows
            .iter()
            .filter(|r| r.is_dir)
            .map(|r| r.path.clone())
            .collect();
    }
    let changed: Vec<&FileRow> = rows
        .iter()
        .filter(|r| r.change != FileChange::Unchanged)
        .collect();
    if changed.len() > MOST_CHANGES_OPENED {
        return BTreeSet::new();
    }
    changed
        .iter()
        .flat_map(|r| {
            r.path
                .match_indices('/')
                .map(|(i, _)| r.path[..i].to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Indexes of the rows to draw: those whose every ancestor directory is open.
pub fn visible_rows(rows: &[FileRow], open: &BTreeSet<String>) -> Vec<usize> {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| {
            r.path
                .match_indices('/')
                .all(|(i, _)| open.contains(&r.path[..i]))
        })
        .map(|(i, _)| i)
        .collect()
}

/// A view of the stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageTab {
    /// Events over simulated time.
    Timeline,
    /// The last build's steps.
    Build,
    /// Images, their layers and files.
    Images,
    /// Containers: the writable layer over the image.
    Containers,
    /// The workspace's files, each downloadable.
    Files,
    /// The host: VM and container stacks, memory, the boot race.
    Host,
    /// The cluster: nodes and pods, desired vs actual, the scheduler's decisions.
    Cluster,
}

impl StageTab {
    /// Every tab, in the order the switcher shows them.
    pub const ALL: [StageTab; 7] = [
        StageTab::Timeline,
        StageTab::Build,
        StageTab::Images,
        StageTab::Containers,
        StageTab::Files,
        StageTab::Host,
        StageTab::Cluster,
    ];

    /// The element id of the tab's button.
    pub fn id(self) -> &'static str {
        match self {
            StageTab::Timeline => "tab-timeline",
            StageTab::Build => "tab-build",
            StageTab::Images => "tab-images",
            StageTab::Containers => "tab-containers",
            StageTab::Files => "tab-files",
            StageTab::Host => "tab-host",
            StageTab::Cluster => "tab-cluster",
        }
    }
}

/// A section of the Host tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostSection {
    /// Both stacks, the host memory bar and the boot race.
    Stacks,
    /// One container's processes, root and cgroup, seen from inside and from the host.
    Isolation,
    /// The benchmark comparison table: the paper's figures beside the sandbox's.
    Bench,
    /// The density experiment: how many VMs and containers fit.
    Density,
}

impl HostSection {
    /// Every section, in the order the switcher shows them.
    pub const ALL: [HostSection; 4] = [
        HostSection::Stacks,
        HostSection::Isolation,
        HostSection::Bench,
        HostSection::Density,
    ];

    /// The element id of the section's button.
    pub fn id(self) -> &'static str {
        match self {
            HostSection::Stacks => "host-sec-stacks",
            HostSection::Isolation => "host-sec-isolation",
            HostSection::Bench => "host-sec-bench",
            HostSection::Density => "host-sec-density",
        }
    }
}

/// `docker exec` flags that take a value as the next word.
const EXEC_VALUE_FLAGS: &[&str] = &["-u", "--user", "-e", "--env", "-w", "--workdir"];

/// The program a `docker exec` line runs (after its flags and the container), if any.
fn exec_program<'a>(words: &[&'a str]) -> Option<&'a str> {
    let mut rest = words.iter().copied();
    while let Some(w) = rest.next() {
        if EXEC_VALUE_FLAGS.contains(&w) {
            rest.next();
        } else if !w.starts_with('-') {
            // `w` is the container; the next word is the program.
            return rest.next().map(|p| p.rsplit('/').next().unwrap_or(p));
        }
    }
    None
}

/// The view a newly typed command brings up, if any: a build shows its steps, `docker save`
/// the files (its archive), other image commands the images; `vm`, `host` and `bench` the
/// host, and so do the commands that look at isolation (`docker top`, `docker stats`, the
/// host's `ps`, a `stress` or `tail /dev/zero` workload run with `docker exec`), with the Host
/// tab's section that shows what they did. Everything else leaves the stage as it is.
pub fn view_for_command(command: &str) -> Option<(StageTab, Option<HostSection>)> {
    let words: Vec<&str> = command.split_whitespace().take(12).collect();
    let host = |section| Some((StageTab::Host, Some(section)));
    match words.as_slice() {
        ["docker", "build" | "buildx", ..] | ["docker", "image", "build", ..] => {
            Some((StageTab::Build, None))
        }
        ["docker", "save", ..] | ["docker", "image", "save", ..] => Some((StageTab::Files, None)),
        ["docker", "images" | "history" | "inspect" | "tag" | "rmi" | "pull" | "image" | "push", ..] => {
            Some((StageTab::Images, None))
        }
        ["docker", "top" | "stats", ..] | ["ps", ..] => host(HostSection::Isolation),
        ["docker", "exec", rest @ ..]
            if exec_program(rest) == Some("stress")
                || (exec_program(rest) == Some("tail") && rest.contains(&"/dev/zero")) =>
        {
            host(HostSection::Isolation)
        }
        ["docker", "run" | "create" | "exec" | "diff" | "commit" | "ps" | "rm" | "start" | "stop" | "kill"
        | "logs" | "container", ..] => Some((StageTab::Containers, None)),
        ["bench", ..] => host(HostSection::Bench),
        ["host", "density", ..] => host(HostSection::Density),
        ["vm" | "host", ..] => host(HostSection::Stacks),
        ["cluster" | "kubectl" | "explain-schedule" | "why", ..] => Some((StageTab::Cluster, None)),
        _ => None,
    }
}

/// The pod an `explain-schedule [-n NS] POD` line names, as `namespace/name` (for the Cluster
/// tab's scheduler panel).
pub fn explain_schedule_pod(command: &str) -> Option<String> {
    let mut words = command.split_whitespace().take(8);
    if words.next() != Some("explain-schedule") {
        return None;
    }
    let mut namespace = "default".to_string();
    let mut pod = None;
    while let Some(w) = words.next() {
        if w == "-n" || w == "--namespace" {
            namespace = words.next()?.to_string();
        } else if let Some(ns) = w.strip_prefix("--namespace=") {
            namespace = ns.to_string();
        } else if !w.starts_with('-') {
            pod = Some(w.strip_prefix("pod/").unwrap_or(w).to_string());
        }
    }
    pod.map(|p| format!("{namespace}/{p}"))
}

/// The tab a newly typed command brings up, if any (see [`view_for_command`]).
pub fn tab_for_command(command: &str) -> Option<StageTab> {
    view_for_command(command).map(|(tab, _)| tab)
}

/// True for a BuildKit progress line that reports a cache hit (`#6 CACHED`).
pub fn is_cached_line(line: &str) -> bool {
    line.trim_end()
        .strip_prefix('#')
        .and_then(|rest| rest.split_once(' '))
        .is_some_and(|(n, word)| {
            !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && word == "CACHED"
        })
}

/// Keeps a label short: at most `max` characters, ending in `…` when cut.
pub fn ellipsize(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// The instruction without the shell and BuildKit decoration, for a small label:
/// `RUN /bin/sh -c apk add curl # buildkit` → `apk add curl`.
pub fn short_instruction(created_by: &str) -> String {
    let s = created_by.trim_end_matches(" # buildkit");
    let s = s
        .strip_prefix("RUN /bin/sh -c ")
        .or_else(|| s.strip_prefix("/bin/sh -c #(nop) "))
        .or_else(|| s.strip_prefix("/bin/sh -c "))
        .unwrap_or(s);
    s.to_string()
}

/// The relative luminance of `#RRGGBB` (WCAG 2).
pub fn luminance(hex: &str) -> f64 {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0);
    let channel = |shift: u32| {
        let c = f64::from((v >> shift) & 0xff) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0)
}

/// The WCAG contrast ratio of two colours.
pub fn contrast(a: &str, b: &str) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::image::view::{layer_files, layer_graph};
    use sim_core::{Session, SimConfig};

    fn session(script: &str) -> Session {
        let mut s = Session::new(SimConfig::default());
        for e in s.submit(script) {
            assert!(e.error.is_none(), "{}: {:?}", e.command, e.error);
        }
        s
    }

    const TWO_IMAGES: &str = "cat > Dockerfile <<'EOF'\nFROM alpine:3.20\nRUN apk add curl\nRUN touch /a\nEOF\ncat > Other <<'EOF'\nFROM alpine:3.20\nRUN apk add curl\nRUN touch /b\nEOF\ndocker build -t a:1 .\ndocker build -t b:1 -f Other .\n";

    #[test]
    fn every_depth_colour_reads_at_wcag_aa_and_gets_lighter_upwards() {
        for depth in 0..10 {
            let (fill, text) = depth_colors(depth);
            assert!(
                contrast(fill, text) >= 4.5,
                "depth {depth}: {fill} on {text}"
            );
        }
        for pair in DEPTH_BLUES.windows(2) {
            assert!(luminance(pair[0].0) < luminance(pair[1].0), "{pair:?}");
        }
        let (fill, text) = WRITABLE_COLORS;
        assert!(contrast(fill, text) >= 4.5);
    }

    #[test]
    fn a_shared_layer_sits_between_the_images_that_share_it() {
        let s = session(TWO_IMAGES);
        let graph = layer_graph(s.sim().docker());
        let layout = layout_graph(&graph);
        assert_eq!(layout.columns, 2, "one column per image");
        let node = |pred: &dyn Fn(&GraphNodeKind) -> bool| {
            graph.nodes.iter().position(|n| pred(&n.kind)).unwrap()
        };
        let base = node(&|k| matches!(k, GraphNodeKind::Layer { depth: 0, .. }));
        assert_eq!(layout.places[base].level, 0);
        assert_eq!(layout.places[base].slot, 0.5, "centred over both images");
        let images: Vec<usize> = (0..graph.nodes.len())
            .filter(|i| is_image(&graph.nodes[*i].kind))
            .collect();
        let slots: Vec<f64> = images.iter().map(|i| layout.places[*i].slot).collect();
        assert_eq!(slots, [0.0, 1.0]);
        // base, apk, touch, image: four rows.
        assert_eq!(layout.levels, 4);
        assert!(images.iter().all(|i| layout.places[*i].level == 3));
    }

    #[test]
    fn an_empty_graph_lays_out_to_nothing() {
        let layout = layout_graph(&LayerGraph::default());
        assert!(layout.places.is_empty());
        assert_eq!(layout.levels, 0);
    }

    #[test]
    fn small_trees_open_fully_and_base_layers_show_their_top_level() {
        let s = session(TWO_IMAGES);
        let img = s.sim().docker().find("a:1").unwrap();
        let top = layer_files(img, img.layers.len() - 1, false).unwrap();
        let open = initially_open(&top.rows);
        assert_eq!(visible_rows(&top.rows, &open).len(), top.rows.len());
        let base = layer_files(img, 0, false).unwrap();
        assert!(base.rows.len() > 80, "{}", base.rows.len());
        let open = initially_open(&base.rows);
        let shown = visible_rows(&base.rows, &open);
        assert!(shown.iter().all(|i| base.rows[*i].depth == 0));
        // The aggregate view of the top layer opens the way to what it changed.
        let agg = layer_files(img, img.layers.len() - 1, true).unwrap();
        let open = initially_open(&agg.rows);
        let shown: Vec<&str> = visible_rows(&agg.rows, &open)
            .into_iter()
            .map(|i| agg.rows[i].path.as_str())
            .collect();
        assert!(shown.contains(&"a"), "{shown:?}");
        assert!(!shown.iter().any(|p| p.starts_with("usr/bin/")));
    }

    #[test]
    fn docker_commands_pick_their_tab() {
        assert_eq!(
            tab_for_command("docker build -t app:1 ."),
            Some(StageTab::Build)
        );
        assert_eq!(
            tab_for_command("docker history app:1"),
            Some(StageTab::Images)
        );
        assert_eq!(
            tab_for_command("docker image prune -f"),
            Some(StageTab::Images)
        );
        assert_eq!(
            tab_for_command("docker diff c1"),
            Some(StageTab::Containers)
        );
        assert_eq!(
            tab_for_command("docker save alpine:3.20 -o alpine.tar"),
            Some(StageTab::Files)
        );
        assert_eq!(
            tab_for_command("docker image save -o a.tar app:1"),
            Some(StageTab::Files)
        );
        assert_eq!(tab_for_command("vm start a"), Some(StageTab::Host));
        assert_eq!(tab_for_command("host show"), Some(StageTab::Host));
        assert_eq!(
            tab_for_command("bench linpack --on vm"),
            Some(StageTab::Host)
        );
        assert_eq!(tab_for_command("ls"), None);
        assert_eq!(
            view_for_command("docker exec hog stress --vm 1 --vm-bytes 300M"),
            Some((StageTab::Host, Some(HostSection::Isolation)))
        );
        assert_eq!(
            view_for_command("docker exec -u 0 hog /usr/bin/tail /dev/zero"),
            Some((StageTab::Host, Some(HostSection::Isolation)))
        );
        assert_eq!(
            view_for_command("docker exec hog tail /etc/hosts"),
            Some((StageTab::Containers, None))
        );
        assert_eq!(
            view_for_command("docker exec hog sh -c 'echo hi > /x'"),
            Some((StageTab::Containers, None))
        );
        assert_eq!(
            view_for_command("docker logs --tail 5 web"),
            Some((StageTab::Containers, None))
        );
        assert_eq!(tab_for_command("kubectl logs web"), Some(StageTab::Cluster));
        assert_eq!(
            view_for_command("docker top hog"),
            Some((StageTab::Host, Some(HostSection::Isolation)))
        );
        assert_eq!(
            view_for_command("bench --table"),
            Some((StageTab::Host, Some(HostSection::Bench)))
        );
        assert_eq!(
            view_for_command("host density --max 50"),
            Some((StageTab::Host, Some(HostSection::Density)))
        );
        assert_eq!(
            view_for_command("vm start a"),
            Some((StageTab::Host, Some(HostSection::Stacks)))
        );
        assert_eq!(tab_for_command("echo docker build"), None);
        assert_eq!(
            tab_for_command("cluster create --nodes 3"),
            Some(StageTab::Cluster)
        );
        assert_eq!(
            tab_for_command("kubectl scale deployment web --replicas=5"),
            Some(StageTab::Cluster)
        );
        assert_eq!(
            tab_for_command("why deployment/web"),
            Some(StageTab::Cluster)
        );
        assert_eq!(
            tab_for_command("explain-schedule web-1"),
            Some(StageTab::Cluster)
        );
        assert_eq!(
            explain_schedule_pod("explain-schedule web-abc"),
            Some("default/web-abc".to_string())
        );
        assert_eq!(
            explain_schedule_pod("explain-schedule -n kube-system pod/dns"),
            Some("kube-system/dns".to_string())
        );
        assert_eq!(explain_schedule_pod("kubectl get pods"), None);
    }

    #[test]
    fn only_buildkit_cache_hit_lines_count_as_cached() {
        assert!(is_cached_line("#6 CACHED\n"));
        assert!(!is_cached_line("#6 [2/5] RUN apk add curl"));
        assert!(!is_cached_line("echo CACHED"));
        assert!(!is_cached_line("# CACHED"));
    }

    #[test]
    fn long_labels_are_cut_with_an_ellipsis() {
        assert_eq!(ellipsize("RUN apk add curl", 40), "RUN apk add curl");
        assert_eq!(ellipsize("abcdef", 4), "abc…");
        assert_eq!(ellipsize("레이어레이어", 3), "레이…");
        assert_eq!(
            short_instruction("RUN /bin/sh -c apk add curl # buildkit"),
            "apk add curl"
        );
        assert_eq!(
            short_instruction("COPY hello.txt /app/ # buildkit"),
            "COPY hello.txt /app/"
        );
    }
}
