//! Jumping to any frame of a lesson (issue budget: ≤50 ms in the browser for the longest
//! lesson). For each shipped lesson: start it, run its reference solution, then seek to every
//! frame in a shuffled order (a student scrubbing) and report the median and the slowest jump.
//! `cargo bench -p lessons --bench lesson_seek`. Wall-clock time is read here, in the bench
//! only; the model never reads a clock.

use std::time::Instant;

fn main() {
    let course = lessons::builtin();
    println!(
        "{:<22} {:>7} {:>7} {:>10} {:>10} {:>10}",
        "lesson", "inputs", "frames", "median ms", "p95 ms", "max ms"
    );
    for lesson in &course.lessons {
        let mut started = lessons::runner::start(lesson).expect("lesson starts");
        started.session.submit(&lesson.solution);
        let session = started.session;
        let total = session.total_frames();
        // A fixed scramble of the frames (no RNG needed): stride by a number coprime to total.
        let stride = (1..total.max(2))
            .rev()
            .find(|s| gcd(*s, total) == 1 && *s * 3 < total * 2)
            .unwrap_or(1);
        let mut times = Vec::new();
        let mut s = session.clone();
        let mut frame = 0;
        for _ in 0..total.min(400) {
            frame = (frame + stride) % (total + 1);
            let t = Instant::now();
            s.seek(frame);
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let q = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
        println!(
            "{:<22} {:>7} {:>7} {:>10.2} {:>10.2} {:>10.2}",
            lesson.id,
            session.inputs().count(),
            total,
            q(0.5),
            q(0.95),
            times.last().copied().unwrap_or(0.0)
        );
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}
