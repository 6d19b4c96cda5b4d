//! Byte quantities as Kubernetes and Docker users write them: plain bytes, or a whole number
//! followed by a binary suffix (`Ki`, `Mi`, `Gi`, `Ti`). Parsed exactly, in integers: no floats
//! reach the model or the trace.

/// One kibibyte.
pub const KIB: u64 = 1024;
/// One mebibyte.
pub const MIB: u64 = 1024 * KIB;
/// One gibibyte.
pub const GIB: u64 = 1024 * MIB;
/// One tebibyte.
pub const TIB: u64 = 1024 * GIB;

/// Why a quantity did not parse (the caller puts it into its own error message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuantityError(pub String);

impl std::fmt::Display for QuantityError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses `512Mi`, `2Gi`, `64Gi`, `1Ti`, `4096Ki` or `1048576` (bytes) into bytes.
///
/// Only whole numbers and the binary suffixes are accepted: `1.5Gi`, `2G`, `12Q`, `-1Mi` are
/// refused with a message naming the accepted forms, as is anything that overflows 64 bits.
pub fn parse_bytes(text: &str) -> Result<u64, QuantityError> {
    let invalid = || {
        QuantityError(format!(
            "invalid quantity \"{text}\": use a whole number of bytes, or a whole number followed \
             by Ki, Mi, Gi or Ti (such as 512Mi or 2Gi)"
        ))
    };
    if text.is_empty() || text.len() > 32 {
        return Err(invalid());
    }
    let digits_end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    if digits_end == 0 {
        return Err(invalid());
    }
    let number: u64 = text[..digits_end].parse().map_err(|_| invalid())?;
    let unit = match &text[digits_end..] {
        "" => 1,
        "Ki" => KIB,
        "Mi" => MIB,
        "Gi" => GIB,
        "Ti" => TIB,
        _ => return Err(invalid()),
    };
    number.checked_mul(unit).ok_or_else(|| {
        QuantityError(format!(
            "invalid quantity \"{text}\": larger than the 64-bit byte count the sandbox holds"
        ))
    })
}

/// Formats bytes for people: `2.0 GiB`, `1.5 GiB`, `32 MiB`, `5 MiB`, `512 KiB`, `100 B`.
///
/// GiB and TiB always show one decimal (as `free -h` does); MiB and KiB show one only when the
/// value is not whole. Integer arithmetic, rounded half up, so the text is the same everywhere.
pub fn format_bytes(bytes: u64) -> String {
    let tenths = |unit: u64| -> (u64, u64) {
        let t = (u128::from(bytes) * 10 + u128::from(unit) / 2) / u128::from(unit);
        let t = u64::try_from(t).unwrap_or(u64::MAX);
        (t / 10, t % 10)
    };
    if bytes >= TIB {
        let (whole, tenth) = tenths(TIB);
        format!("{whole}.{tenth} TiB")
    } else if bytes >= GIB {
        let (whole, tenth) = tenths(GIB);
        format!("{whole}.{tenth} GiB")
    } else if bytes >= MIB {
        let (whole, tenth) = tenths(MIB);
        if tenth == 0 {
            format!("{whole} MiB")
        } else {
            format!("{whole}.{tenth} MiB")
        }
    } else if bytes >= KIB {
        let (whole, tenth) = tenths(KIB);
        if tenth == 0 {
            format!("{whole} KiB")
        } else {
            format!("{whole}.{tenth} KiB")
        }
    } else {
        format!("{bytes} B")
    }
}

/// Formats bytes as the shortest exact quantity that [`parse_bytes`] reads back (`2Gi`, `1536Mi`).
pub fn format_quantity(bytes: u64) -> String {
    for (suffix, unit) in [("Ti", TIB), ("Gi", GIB), ("Mi", MIB), ("Ki", KIB)] {
        if bytes >= unit && bytes.is_multiple_of(unit) {
            return format!("{}{suffix}", bytes / unit);
        }
    }
    bytes.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_parse_exactly_in_every_binary_unit() {
        assert_eq!(parse_bytes("1048576").unwrap(), MIB);
        assert_eq!(parse_bytes("4Ki").unwrap(), 4096);
        assert_eq!(parse_bytes("512Mi").unwrap(), 512 * MIB);
        assert_eq!(parse_bytes("64Gi").unwrap(), 64 * GIB);
        assert_eq!(parse_bytes("2Ti").unwrap(), 2 * TIB);
        assert_eq!(parse_bytes("0").unwrap(), 0);
    }

    #[test]
    fn malformed_quantities_are_refused_with_the_accepted_forms() {
        for bad in ["12Q", "", "Gi", "1.5Gi", "-1Mi", "2G", "2gi", "2 Gi", "1e3"] {
            let err = parse_bytes(bad).unwrap_err();
            assert!(
                err.0.starts_with(&format!("invalid quantity \"{bad}\"")),
                "{err}"
            );
        }
        assert!(parse_bytes("99999999999Ti")
            .unwrap_err()
            .0
            .contains("larger than"));
    }

    #[test]
    fn byte_counts_format_for_people_and_as_quantities() {
        assert_eq!(format_bytes(2 * GIB), "2.0 GiB");
        assert_eq!(format_bytes(GIB + GIB / 2), "1.5 GiB");
        assert_eq!(format_bytes(32 * MIB), "32 MiB");
        assert_eq!(format_bytes(MIB + MIB / 2), "1.5 MiB");
        assert_eq!(format_bytes(100), "100 B");
        assert_eq!(format_quantity(2 * GIB), "2Gi");
        assert_eq!(format_quantity(1536 * MIB), "1536Mi");
        assert_eq!(format_quantity(1000), "1000");
        for b in [0, 1, KIB, 3 * MIB, 5 * GIB, 7 * TIB] {
            assert_eq!(parse_bytes(&format_quantity(b)).unwrap(), b);
        }
    }
}
