//! Helpers for the long, single-run measurements that drive a `Session` as a user types
//! (`benches/failover.rs`, `examples/memory_150k.rs`, which include this file by path).

use sim_core::Session;

/// The environment variable `name` as a number, or `default`.
pub fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `script`, asserting every command succeeds; returns each command's output.
pub fn submit(s: &mut Session, script: &str) -> Vec<String> {
    s.submit(script)
        .into_iter()
        .map(|e| {
            assert!(!e.failed(), "{} failed: {:?}", e.command, e.error);
            e.output
        })
        .collect()
}

/// `READY` of `kubectl get deployment web` as (ready, wanted).
pub fn ready(s: &mut Session) -> (usize, usize) {
    let out = submit(s, "kubectl get deployment web");
    let line = out[0].lines().nth(1).unwrap_or_default().to_string();
    let field = line.split_whitespace().nth(1).unwrap_or("0/0").to_string();
    let (a, b) = field.split_once('/').unwrap_or(("0", "0"));
    (a.parse().unwrap_or(0), b.parse().unwrap_or(0))
}
