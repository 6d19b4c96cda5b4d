//! A natural logarithm built only from IEEE-754 basic operations, so that it returns the same
//! bits natively and in wasm (a platform `ln` may differ in the last place). PodTopologySpread
//! is the only user: `ln(domains + 2)` with small integer arguments.

const LN_2: f64 = std::f64::consts::LN_2;

/// `ln(x)` for finite `x > 0` (0 for anything else, which callers never pass).
pub fn ln(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 || !x.is_finite() {
        return 0.0;
    }
    // x = m · 2^e with m in [1, 2), by halving/doubling (exact in binary floating point).
    let mut m = x;
    let mut e = 0i32;
    while m >= 2.0 {
        m /= 2.0;
        e += 1;
    }
    while m < 1.0 {
        m *= 2.0;
        e -= 1;
    }
    // Centre m on 1 so the series argument stays within ±0.172.
    if m > std::f64::consts::SQRT_2 {
        m /= 2.0;
        e += 1;
    }
    // ln(m) = 2·atanh(s), s = (m − 1)/(m + 1): s + s³/3 + s⁵/5 + …
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut term = s;
    let mut sum = 0.0;
    let mut k = 1.0;
    for _ in 0..30 {
        sum += term / k;
        term *= s2;
        k += 2.0;
    }
    2.0 * sum + e as f64 * LN_2
}
