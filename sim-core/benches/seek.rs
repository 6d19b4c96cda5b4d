//! Seeking on the timeline of a 10,000-event trace (issue budget: ≤50 ms in the browser).

use criterion::{criterion_group, criterion_main, Criterion};
use sim_core::{Session, SimConfig};

/// 2,500 scheduled commands and one `run` that fires them all: 10,002 events, 5,000 frames.
fn ten_thousand_event_session() -> Session {
    let mut script = String::new();
    for i in 0..2_500 {
        script.push_str(&format!("after {}s echo tick {i}\n", i + 1));
    }
    script.push_str("run 1h\n");
    let mut session = Session::new(SimConfig { seed: 7 });
    session.submit(&script);
    assert_eq!(session.sim().log().len(), 10_002);
    session
}

fn seek(c: &mut Criterion) {
    let session = ten_thousand_event_session();
    let total = session.total_frames();
    let mut group = c.benchmark_group("seek_10k_events");
    group.sample_size(20);
    for (name, frame) in [
        ("to_start", 0),
        ("to_middle", total / 2),
        ("to_end_minus_1", total - 1),
    ] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || session.clone(),
                |mut s| {
                    s.seek(frame);
                    s
                },
                criterion::BatchSize::LargeInput,
            )
        });
    }
    group.bench_function("trace_hash", |b| b.iter(|| session.sim().trace_hash()));
    group.finish();
}

criterion_group!(benches, seek);
criterion_main!(benches);
