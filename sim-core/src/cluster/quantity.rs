//! Kubernetes resource quantities (`resource.Quantity` in
//! `k8s.io/apimachinery/pkg/api/resource/quantity.go`), exactly, in integers.
//!
//! A quantity is a signed decimal number with an optional suffix: decimal SI (`n`, `u`, `m`,
//! ``, `k`, `M`, `G`, `T`, `P`, `E`), binary SI (`Ki` … `Ei`) or a decimal exponent (`e3`,
//! `E-2`). Like Kubernetes, the value is rounded *up* (away from zero) to a whole number of
//! nano-units, and printed in canonical form: the largest suffix of the written format that keeps
//! the number whole (`1.5Gi` → `1536Mi`, `0.5` → `500m`, `2000` → `2k`, `1e3` → `1e3`).
//!
//! This is the API server's quantity; `crate::host::quantity` is the smaller byte-size syntax of
//! the host model (`512Mi`, `2Gi`, whole numbers only) and is kept apart on purpose.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The regular expression quantities must match, as kube-apiserver quotes it.
pub const QUANTITY_REGEXP: &str = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

const NANOS_PER_UNIT: i128 = 1_000_000_000;

/// Why a quantity did not parse; messages are `resource.ParseQuantity`'s.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    /// Not of the form the regular expression allows (`12Q`, `1.5.5`, ``).
    #[error("quantities must match the regular expression '{QUANTITY_REGEXP}'")]
    FormatWrong,
    /// The number part did not parse.
    #[error("unable to parse quantity's numeric value")]
    Numeric,
    /// The suffix is made of allowed letters but is no suffix (`1KM`, `1mi`).
    #[error("unable to parse quantity's suffix")]
    Suffix,
    /// Larger than this model represents (about 10^29 units).
    #[error("quantity is too large")]
    TooLarge,
}

/// How a quantity was written, which decides how it prints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QuantityFormat {
    /// `m`, `k`, `M`, … or no suffix.
    #[default]
    DecimalSi,
    /// `Ki`, `Mi`, `Gi`, …
    BinarySi,
    /// `e3`, `E-2`.
    DecimalExponent,
}

/// An exact resource quantity, held as a whole number of nano-units (10^-9).
///
/// Equality and order are by value, as `Quantity.Cmp` and apimachinery's semantic equality
/// compare them: `1Gi == 1024Mi`, and `512` equals `0.5Ki` although they print differently.
#[derive(Clone, Copy, Debug, Default)]
pub struct Quantity {
    nanos: i128,
    format: QuantityFormat,
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.nanos == other.nanos
    }
}

impl Eq for Quantity {}

impl std::hash::Hash for Quantity {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.nanos.hash(state);
    }
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

/// Divides a non-negative `n` by `d`, rounding up.
fn div_ceil(n: i128, d: i128) -> i128 {
    n / d + i128::from(n % d != 0)
}

/// `10^e` if it fits.
fn pow10(e: u32) -> Option<i128> {
    10i128.checked_pow(e)
}

impl Quantity {
    /// Parses a quantity as `resource.ParseQuantity` does.
    pub fn parse(text: &str) -> Result<Quantity, QuantityError> {
        if text.is_empty() {
            return Err(QuantityError::FormatWrong);
        }
        let b = text.as_bytes();
        let mut pos = 0;
        let mut positive = true;
        match b[0] {
            b'-' => {
                positive = false;
                pos += 1;
            }
            b'+' => pos += 1,
            _ => {}
        }
        let digits_end = |from: usize| {
            b[from..]
                .iter()
                .position(|c| !c.is_ascii_digit())
                .map_or(b.len(), |p| from + p)
        };
        let num_end = digits_end(pos);
        let num = &text[pos..num_end];
        pos = num_end;
        let mut denom = "";
        if pos < b.len() && b[pos] == b'.' {
            let d_end = digits_end(pos + 1);
            denom = &text[pos + 1..d_end];
            pos = d_end;
        }
        if num.is_empty() && denom.is_empty() && (pos == 0 || b[pos - 1] != b'.') {
            // `k8s` accepts a bare sign or suffix as zero only through its regexp's `[0-9.]+`,
            // which needs at least one digit or dot.
            return Err(QuantityError::FormatWrong);
        }
        // The suffix: letters of the set, then an optional sign and digits, then the end.
        let suffix_start = pos;
        while pos < b.len() && b"eEinumkKMGTP".contains(&b[pos]) {
            pos += 1;
        }
        if pos < b.len() && (b[pos] == b'-' || b[pos] == b'+') {
            pos += 1;
        }
        pos = digits_end(pos);
        if pos != b.len() {
            return Err(QuantityError::FormatWrong);
        }
        let suffix = &text[suffix_start..];
        let (base2, exponent, format) = interpret_suffix(suffix)?;

        // The digits as one integer and a decimal scale: value = mantissa · 10^scale.
        let mut all: String = format!("{num}{denom}");
        let mut scale: i64 = -(denom.len() as i64);
        let trimmed = all.trim_start_matches('0').len();
        all.drain(..all.len() - trimmed);
        while all.ends_with('0') {
            all.pop();
            scale += 1;
        }
        if all.len() > 36 {
            return Err(QuantityError::TooLarge);
        }
        let mantissa: i128 = if all.is_empty() {
            0
        } else {
            all.parse().map_err(|_| QuantityError::Numeric)?
        };
        let nanos = if mantissa == 0 {
            0
        } else if base2 {
            let shifted = if exponent >= 127 {
                None
            } else {
                mantissa.checked_mul(1i128 << exponent)
            };
            let shifted = shifted.ok_or(QuantityError::TooLarge)?;
            scale_to_nanos(shifted, scale + 9)?
        } else {
            scale_to_nanos(mantissa, scale + 9 + i64::from(exponent))?
        };
        Ok(Quantity {
            nanos: if positive { nanos } else { -nanos },
            format,
        })
    }

    /// A quantity of `milli` thousandths (`Quantity::from_milli(250)` is `250m`).
    pub fn from_milli(milli: i64) -> Quantity {
        Quantity {
            nanos: i128::from(milli) * 1_000_000,
            format: QuantityFormat::DecimalSi,
        }
    }

    /// A quantity of whole units in a format (`from_value(1 << 30, BinarySi)` prints `1Gi`).
    pub fn from_value(value: i64, format: QuantityFormat) -> Quantity {
        Quantity {
            nanos: i128::from(value) * NANOS_PER_UNIT,
            format,
        }
    }

    /// The format it prints in.
    pub fn format(&self) -> QuantityFormat {
        self.format
    }

    /// Whether it is zero.
    pub fn is_zero(&self) -> bool {
        self.nanos == 0
    }

    /// The value in nano-units, exact.
    pub fn nanos(&self) -> i128 {
        self.nanos
    }

    /// Thousandths, rounded up away from zero as `Quantity.MilliValue` does (`1n` → 1), saturating
    /// at the `i64` range.
    pub fn milli_value(&self) -> i64 {
        self.scaled(1_000_000)
    }

    /// Whole units, rounded up away from zero as `Quantity.Value` does (`100m` → 1), saturating at
    /// the `i64` range.
    pub fn value(&self) -> i64 {
        self.scaled(NANOS_PER_UNIT)
    }

    fn scaled(&self, per: i128) -> i64 {
        let magnitude = div_ceil(self.nanos.abs(), per);
        let v = if self.nanos < 0 {
            -magnitude
        } else {
            magnitude
        };
        i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
    }

    /// Whether the value is a whole number of units (`100m` memory is not: a fractional byte).
    pub fn is_whole(&self) -> bool {
        self.nanos % NANOS_PER_UNIT == 0
    }

    /// The sum, in this quantity's format, or `None` on overflow.
    pub fn checked_add(&self, other: &Quantity) -> Option<Quantity> {
        Some(Quantity {
            nanos: self.nanos.checked_add(other.nanos)?,
            format: self.format,
        })
    }

    /// The difference, in this quantity's format, or `None` on overflow.
    pub fn checked_sub(&self, other: &Quantity) -> Option<Quantity> {
        Some(Quantity {
            nanos: self.nanos.checked_sub(other.nanos)?,
            format: self.format,
        })
    }

    /// The canonical text (`Quantity.String`).
    pub fn canonical(&self) -> String {
        if self.nanos == 0 {
            return "0".to_string();
        }
        let sign = if self.nanos < 0 { "-" } else { "" };
        let magnitude = self.nanos.abs();
        let mut format = self.format;
        if format == QuantityFormat::BinarySi
            && (magnitude < 1024 * NANOS_PER_UNIT || magnitude % NANOS_PER_UNIT != 0)
        {
            // Below 1Ki, or not a whole number: printed in decimal so nothing is lost.
            format = QuantityFormat::DecimalSi;
        }
        if format == QuantityFormat::BinarySi {
            let mut units = magnitude / NANOS_PER_UNIT;
            let mut exp = 0;
            while exp < 6 && units % 1024 == 0 {
                units /= 1024;
                exp += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][exp];
            return format!("{sign}{units}{suffix}");
        }
        // Decimal: mantissa · 10^exponent with the exponent a multiple of 3 and the mantissa
        // whole (`int64Amount.AsCanonicalBytes`).
        let mut mantissa = magnitude;
        let mut exponent: i32 = -9;
        while mantissa % 10 == 0 {
            mantissa /= 10;
            exponent += 1;
        }
        match exponent.rem_euclid(3) {
            1 => {
                mantissa *= 10;
                exponent -= 1;
            }
            2 => {
                mantissa *= 100;
                exponent -= 2;
            }
            _ => {}
        }
        let suffix = match format {
            QuantityFormat::DecimalExponent => {
                if exponent == 0 {
                    String::new()
                } else {
                    format!("e{exponent}")
                }
            }
            _ => match exponent {
                -9 => "n".to_string(),
                -6 => "u".to_string(),
                -3 => "m".to_string(),
                0 => String::new(),
                3 => "k".to_string(),
                6 => "M".to_string(),
                9 => "G".to_string(),
                12 => "T".to_string(),
                15 => "P".to_string(),
                18 => "E".to_string(),
                e => format!("e{e}"),
            },
        };
        format!("{sign}{mantissa}{suffix}")
    }
}

/// `mantissa · 10^e10`, rounded up to a whole number (nano-units).
fn scale_to_nanos(mantissa: i128, e10: i64) -> Result<i128, QuantityError> {
    if e10 >= 0 {
        let p = u32::try_from(e10)
            .ok()
            .and_then(pow10)
            .ok_or(QuantityError::TooLarge)?;
        mantissa.checked_mul(p).ok_or(QuantityError::TooLarge)
    } else {
        match u32::try_from(-e10).ok().and_then(pow10) {
            Some(p) => Ok(div_ceil(mantissa, p)),
            // Smaller than a nano-unit but not zero: rounds up to one, as Kubernetes does.
            None => Ok(1),
        }
    }
}

/// (binary?, exponent, format) of a suffix (`quantitySuffixer.interpret`).
fn interpret_suffix(suffix: &str) -> Result<(bool, i32, QuantityFormat), QuantityError> {
    let dec = |e| Ok((false, e, QuantityFormat::DecimalSi));
    let bin = |e| Ok((true, e, QuantityFormat::BinarySi));
    match suffix {
        "n" => dec(-9),
        "u" => dec(-6),
        "m" => dec(-3),
        "" => dec(0),
        "k" => dec(3),
        "M" => dec(6),
        "G" => dec(9),
        "T" => dec(12),
        "P" => dec(15),
        "E" => dec(18),
        "Ki" => bin(10),
        "Mi" => bin(20),
        "Gi" => bin(30),
        "Ti" => bin(40),
        "Pi" => bin(50),
        "Ei" => bin(60),
        s if s.len() > 1 && (s.starts_with('e') || s.starts_with('E')) => {
            let e: i64 = s[1..].parse().map_err(|_| QuantityError::Suffix)?;
            // Beyond ±64 the value is either too large or rounds to one nano-unit; clamping
            // keeps the arithmetic bounded.
            Ok((
                false,
                e.clamp(-64, 64) as i32,
                QuantityFormat::DecimalExponent,
            ))
        }
        _ => Err(QuantityError::Suffix),
    }
}

impl std::str::FromStr for Quantity {
    type Err = QuantityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Quantity::parse(s)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.canonical())
    }
}

impl<'de> Deserialize<'de> for Quantity {
    /// From a string (`"500m"`) or a YAML/JSON number (`2`, `0.5`). A number is parsed from its
    /// shortest decimal text, as Kubernetes parses the JSON number's text; no float arithmetic
    /// reaches the value.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a quantity such as 500m, 2 or 1Gi")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Quantity, E> {
                Quantity::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Quantity, E> {
                Ok(Quantity::from_value(v, QuantityFormat::DecimalSi))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Quantity, E> {
                Quantity::parse(&v.to_string()).map_err(E::custom)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Quantity, E> {
                if !v.is_finite() {
                    return Err(E::custom(QuantityError::FormatWrong));
                }
                Quantity::parse(&format!("{v}")).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        Quantity::parse(s).unwrap().canonical()
    }

    #[test]
    fn canonical_forms_match_kubernetes() {
        for (input, want) in [
            ("100m", "100m"),
            ("1.5Gi", "1536Mi"),
            ("0.5", "500m"),
            ("2", "2"),
            ("2000", "2k"),
            ("1e3", "1e3"),
            ("1E3", "1e3"),
            ("1024", "1024"),
            ("1Ki", "1Ki"),
            ("1024Mi", "1Gi"),
            ("512Mi", "512Mi"),
            ("0.5Ki", "512"),
            ("1.5", "1500m"),
            ("0", "0"),
            ("-1", "-1"),
            ("+2", "2"),
            ("1n", "1n"),
            ("0.1n", "1n"),
            ("1.", "1"),
            (".5", "500m"),
            ("5e-1", "500e-3"),
            ("0.00", "0"),
        ] {
            assert_eq!(canon(input), want, "{input}");
        }
    }

    #[test]
    fn values_round_up_as_kubernetes_does() {
        let q = Quantity::parse("100m").unwrap();
        assert_eq!(q.milli_value(), 100);
        assert_eq!(q.value(), 1);
        assert_eq!(Quantity::parse("1.5Gi").unwrap().value(), 1_610_612_736);
        assert_eq!(Quantity::parse("-100m").unwrap().value(), -1);
        assert_eq!(Quantity::parse("1n").unwrap().milli_value(), 1);
    }

    #[test]
    fn malformed_quantities_have_apiserver_messages() {
        let regexp = "quantities must match the regular expression \
                      '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
        for bad in ["12Q", "", "abc", "1.5.5", "1Kb", "--1", "Mi", "1 Gi"] {
            assert_eq!(
                Quantity::parse(bad).unwrap_err().to_string(),
                regexp,
                "{bad}"
            );
        }
        assert_eq!(
            Quantity::parse("1KM").unwrap_err().to_string(),
            "unable to parse quantity's suffix"
        );
        assert_eq!(
            Quantity::parse("1mi").unwrap_err().to_string(),
            "unable to parse quantity's suffix"
        );
    }
}
