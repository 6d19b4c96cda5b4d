//! Images and containers: build + save of a 5-instruction image on an ubuntu base, and
//! `docker diff` of a container whose writable layer holds 10,000 changed files.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use sim_core::command::prepare;
use sim_core::shell::parse_script;
use sim_core::{Session, SimConfig};

/// FROM + four more instructions (two of them make layers), as a student's first Dockerfile.
const DOCKERFILE: &str = "cat > app/Dockerfile <<EOF
FROM ubuntu:24.04
WORKDIR /app
COPY hello.txt .
RUN mkdir -p /data && echo ready > /data/state
CMD [\"cat\", \"/app/hello.txt\"]
EOF
echo hello > app/hello.txt";

fn build_and_save(c: &mut Criterion) {
    let mut group = c.benchmark_group("images");
    group.sample_size(10);
    group.bench_function("build_and_save_5_instructions_on_ubuntu", |b| {
        b.iter_batched(
            || {
                let mut s = Session::new(SimConfig { seed: 1 });
                s.submit(DOCKERFILE);
                s
            },
            |mut s| {
                for e in
                    s.submit("docker build --no-cache -t app:1 app\ndocker save app:1 -o app.tar")
                {
                    assert!(!e.failed(), "{:?}", e.error);
                }
                s
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

/// A running container whose writable layer holds 10,000 new files (20 directories × 500).
fn container_with_10k_changes() -> Session {
    let mut s = Session::new(SimConfig { seed: 1 });
    let mut script = String::from("docker run -d --name c1 alpine:3.20 sleep infinity\n");
    for d in 0..20 {
        let files: Vec<String> = (0..500).map(|f| format!("/data/d{d:02}/f{f:03}")).collect();
        script.push_str(&format!(
            "docker exec c1 sh -c 'mkdir -p /data/d{d:02} && touch {}'\n",
            files.join(" ")
        ));
    }
    for e in s.submit(&script) {
        assert!(!e.failed(), "{:?}", e.error);
    }
    let n = s
        .sim()
        .docker()
        .find_container("c1")
        .unwrap()
        .rootfs
        .upper()
        .len();
    assert!(n >= 10_000, "{n} entries");
    s
}

fn diff(c: &mut Criterion) {
    let s = container_with_10k_changes();
    let line = parse_script("docker diff c1").unwrap().remove(0);
    let mut group = c.benchmark_group("images");
    group.sample_size(20);
    group.bench_function("docker_diff_10k_changed_files", |b| {
        b.iter(|| prepare(s.sim(), &line).ok().is_some())
    });
    group.finish();
}

criterion_group!(benches, build_and_save, diff);
criterion_main!(benches);
