//! Money: parsed from what a cashier types, always two decimal places.
//!
//! Amounts are `rust_decimal::Decimal` with scale 2. A value of this type is valid by
//! construction: positive or zero, at most two decimals, never a float.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// The most characters a cashier's amount input may have; longer input is refused
/// before any parsing (protects against pasted garbage).
pub const MAX_INPUT_CHARS: usize = 32;

/// An amount of money with exactly two decimal places, never negative.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

/// Why a typed amount was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Nothing was typed.
    #[error("amount is empty")]
    Empty,
    /// The input is too long to be an amount.
    #[error("amount is too long")]
    TooLong,
    /// Characters other than digits, one separator and grouping spaces.
    #[error("amount is not a number")]
    NotANumber,
    /// A minus sign.
    #[error("amount is negative")]
    Negative,
    /// The amount is zero.
    #[error("amount is zero")]
    Zero,
    /// More than two digits after the separator.
    #[error("amount has more than two decimal places")]
    TooManyDecimals,
    /// Above the terminal's configured ceiling for one payment.
    #[error("amount is above the ceiling of {ceiling}")]
    AboveCeiling {
        /// The configured ceiling.
        ceiling: Money,
    },
}

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Builds money from a decimal, rounding half away from zero to two places.
    /// Returns `None` for negative values.
    pub fn from_decimal(d: Decimal) -> Option<Money> {
        if d.is_sign_negative() && !d.is_zero() {
            return None;
        }
        let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        r.rescale(2);
        Some(Money(r))
    }

    /// Money from minor units (kopecks, grosze).
    pub fn from_minor(minor: i64) -> Option<Money> {
        if minor < 0 {
            return None;
        }
        Some(Money(Decimal::new(minor, 2)))
    }

    /// The amount in minor units (how the journal stores it).
    pub fn minor(self) -> i64 {
        use rust_decimal::prelude::ToPrimitive;
        (self.0 * Decimal::ONE_HUNDRED)
            .to_i64()
            .expect("money fits in i64 minor units")
    }

    /// The underlying decimal (scale 2).
    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// True for zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Sum; `None` on overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// Difference; `None` if it would be negative.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        let d = self.0.checked_sub(other.0)?;
        Money::from_decimal(d)
    }

    /// Parses what a cashier typed: `1234.50`, `1 234,50`, `1234`, `1,5`.
    ///
    /// Accepted: ASCII digits, at most one decimal separator (`.` or `,`), grouping
    /// spaces (including no-break spaces) between digits before the separator.
    /// Everything else — signs, exponents, other scripts' digits — is refused.
    pub fn parse(input: &str) -> Result<Money, MoneyError> {
        if input.chars().count() > MAX_INPUT_CHARS {
            return Err(MoneyError::TooLong);
        }
        let s = input.trim();
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        if s.starts_with('-') || s.starts_with('\u{2212}') {
            return Err(MoneyError::Negative);
        }
        let mut int_part = String::new();
        let mut frac_part = String::new();
        let mut seen_sep = false;
        let mut prev_was_digit = false;
        for c in s.chars() {
            match c {
                '0'..='9' => {
                    if seen_sep {
                        frac_part.push(c)
                    } else {
                        int_part.push(c)
                    }
                    prev_was_digit = true;
                }
                '.' | ',' if !seen_sep && (prev_was_digit || int_part.is_empty()) => {
                    seen_sep = true;
                    prev_was_digit = false;
                }
                // Grouping spaces only between digits of the integer part.
                ' ' | '\u{00A0}' | '\u{202F}' if !seen_sep && prev_was_digit => {
                    prev_was_digit = false;
                }
                _ => return Err(MoneyError::NotANumber),
            }
        }
        if !(prev_was_digit || (seen_sep && frac_part.is_empty() && !int_part.is_empty())) {
            // Trailing grouping space or a lone separator.
            return Err(MoneyError::NotANumber);
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(MoneyError::NotANumber);
        }
        if frac_part.len() > 2 {
            return Err(MoneyError::TooManyDecimals);
        }
        let text = format!(
            "{}.{}",
            if int_part.is_empty() { "0" } else { &int_part },
            if frac_part.is_empty() {
                "0"
            } else {
                &frac_part
            }
        );
        let d = Decimal::from_str(&text).map_err(|_| MoneyError::TooLong)?;
        let m = Money::from_decimal(d).ok_or(MoneyError::Negative)?;
        if m.is_zero() {
            return Err(MoneyError::Zero);
        }
        Ok(m)
    }

    /// Parses and checks against a ceiling for one payment.
    pub fn parse_with_ceiling(input: &str, ceiling: Money) -> Result<Money, MoneyError> {
        let m = Money::parse(input)?;
        if m > ceiling {
            return Err(MoneyError::AboveCeiling { ceiling });
        }
        Ok(m)
    }

    /// Formats with a decimal separator and a thousands separator, e.g. `1 234,50`.
    pub fn format_with(self, decimal_sep: char, group_sep: char) -> String {
        let minor = self.minor();
        let units = (minor / 100).to_string();
        let cents = minor % 100;
        let mut grouped = String::with_capacity(units.len() + units.len() / 3 + 4);
        for (i, c) in units.chars().enumerate() {
            if i > 0 && (units.len() - i).is_multiple_of(3) {
                grouped.push(group_sep);
            }
            grouped.push(c);
        }
        format!("{grouped}{decimal_sep}{cents:02}")
    }
}

impl fmt::Display for Money {
    /// Plain machine form: `1234.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}", self.0)
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let dec = Decimal::from_str(s.trim()).map_err(serde::de::Error::custom)?;
        if dec.scale() > 2 && dec.round_dp(2) != dec {
            return Err(serde::de::Error::custom(format!(
                "{s}: money has at most two decimal places"
            )));
        }
        Money::from_decimal(dec)
            .ok_or_else(|| serde::de::Error::custom(format!("{s}: money cannot be negative")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::from_decimal(Decimal::from_str(s).unwrap()).unwrap()
    }

    #[test]
    fn parse_table() {
        use MoneyError::*;
        let long = "1".repeat(10_000);
        let cases: &[(&str, Result<Money, MoneyError>)] = &[
            ("1234.50", Ok(m("1234.50"))),
            ("1 234,50", Ok(m("1234.50"))),
            ("1\u{00A0}234,50", Ok(m("1234.50"))),
            ("1234", Ok(m("1234"))),
            ("  1234  ", Ok(m("1234"))),
            ("0,5", Ok(m("0.50"))),
            (",5", Ok(m("0.50"))),
            ("12.", Ok(m("12"))),
            ("0.01", Ok(m("0.01"))),
            ("1 000 000", Ok(m("1000000"))),
            ("", Err(Empty)),
            ("   ", Err(Empty)),
            ("abc", Err(NotANumber)),
            ("12a", Err(NotANumber)),
            ("-5", Err(Negative)),
            ("\u{2212}5", Err(Negative)),
            ("+5", Err(NotANumber)),
            ("0", Err(Zero)),
            ("0,00", Err(Zero)),
            ("0,001", Err(TooManyDecimals)),
            ("1.234", Err(TooManyDecimals)),
            ("1e9", Err(NotANumber)),
            ("١٢٣", Err(NotANumber)),
            ("1,2,3", Err(NotANumber)),
            ("1.2.3", Err(NotANumber)),
            ("1  234", Err(NotANumber)),
            ("1 ", Ok(m("1"))),
            (" 1 234", Ok(m("1234"))),
            ("12 ,5", Err(NotANumber)),
            (".", Err(NotANumber)),
            ("NaN", Err(NotANumber)),
            ("inf", Err(NotANumber)),
            (long.as_str(), Err(TooLong)),
        ];
        for (input, expected) in cases {
            let shown: String = input.chars().take(20).collect();
            assert_eq!(&Money::parse(input), expected, "input {shown:?}");
        }
    }

    #[test]
    fn ceiling_is_inclusive() {
        let ceiling = m("15000");
        assert_eq!(Money::parse_with_ceiling("15000", ceiling), Ok(ceiling));
        assert_eq!(
            Money::parse_with_ceiling("15000,01", ceiling),
            Err(MoneyError::AboveCeiling { ceiling })
        );
    }

    #[test]
    fn formatting_table() {
        let cases = [
            ("0.5", ',', ' ', "0,50"),
            ("1234.5", ',', ' ', "1 234,50"),
            ("1234567.89", '.', ',', "1,234,567.89"),
            ("100", ',', ' ', "100,00"),
            ("999", ',', ' ', "999,00"),
            ("1000", ',', ' ', "1 000,00"),
        ];
        for (v, dec, grp, expected) in cases {
            assert_eq!(m(v).format_with(dec, grp), expected);
        }
        assert_eq!(m("12.3").to_string(), "12.30");
    }

    #[test]
    fn minor_units_round_trip() {
        for minor in [0i64, 1, 99, 100, 123_456, 9_999_999_999] {
            assert_eq!(Money::from_minor(minor).unwrap().minor(), minor);
        }
        assert_eq!(Money::from_minor(-1), None);
    }

    #[test]
    fn serde_refuses_three_decimals_and_negatives() {
        assert!(serde_json::from_str::<Money>("\"1.005\"").is_err());
        assert!(serde_json::from_str::<Money>("\"-1\"").is_err());
        assert_eq!(serde_json::from_str::<Money>("\"1.5\"").unwrap(), m("1.50"));
    }

    proptest::proptest! {
        #[test]
        fn formatted_money_parses_back(minor in 1i64..10_000_000_000) {
            let money = Money::from_minor(minor).unwrap();
            for (dec, grp) in [(',', ' '), ('.', ' '), (',', '\u{00A0}')] {
                let text = money.format_with(dec, grp);
                proptest::prop_assert_eq!(Money::parse(&text), Ok(money));
            }
        }

        #[test]
        fn whatever_parses_is_positive_with_two_places(s in "\\PC{0,40}") {
            if let Ok(m) = Money::parse(&s) {
                proptest::prop_assert!(m > Money::ZERO);
                proptest::prop_assert_eq!(m.decimal().scale(), 2);
            }
        }
    }
}
