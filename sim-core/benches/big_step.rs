//! One `step` (one instant: a traffic tick to a Service over 15,000 endpoints) on a cluster of
//! 500 nodes and 15,000 running pods: the model's part of a UI tick in the browser (issue
//! budget for the whole tick: p95 ≤16 ms). Also `cluster_view`, which the stage draws from.
//! `cargo bench -p sim-core --bench big_step`. Wall-clock time is read here only.

use std::time::Instant;

use sim_core::{Session, SimConfig};

fn main() {
    let mut s = Session::new(SimConfig { seed: 1 });
    let setup = "cluster create --nodes 500\n\
        kubectl create deployment big --image=nginx:1.27-alpine --replicas=15000\nrun 3m\n\
        cat > big-svc.yaml <<'EOF'\napiVersion: v1\nkind: Service\nmetadata:\n  name: big\nspec:\n  selector:\n    app: big\n  ports:\n  - port: 80\nEOF\n\
        kubectl apply -f big-svc.yaml\ntraffic start svc/big\nrun 5s";
    let t = Instant::now();
    for e in s.submit(setup) {
        assert!(e.error.is_none(), "{}: {:?}", e.command, e.error);
    }
    println!(
        "setup: {:.1} s, {} events",
        t.elapsed().as_secs_f64(),
        s.sim().log().len()
    );
    let mut steps = Vec::new();
    let mut views = Vec::new();
    for _ in 0..40 {
        let t = Instant::now();
        s.submit("step");
        steps.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let v = sim_core::cluster::view::cluster_view(s.sim().cluster().expect("cluster"));
        views.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(v);
    }
    println!("step:         {}", summary(steps));
    println!("cluster_view: {}", summary(views));
}

fn summary(mut t: Vec<f64>) -> String {
    t.sort_by(|a, b| a.total_cmp(b));
    let q = |p: f64| t[((t.len() - 1) as f64 * p).round() as usize];
    format!(
        "median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        q(0.5),
        q(0.95),
        t[t.len() - 1]
    )
}
