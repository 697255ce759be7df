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

/// An amount of money with exactly two decimal places, never negative, never above
/// [`Money::MAX`].
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
    /// Above [`Money::MAX`]: no till handles such a sum (a typing or paste accident).
    #[error("amount is above {max}, the most paydesk handles")]
    TooLarge {
        /// [`Money::MAX`].
        max: Money,
    },
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

    /// The largest amount paydesk handles anywhere: 999 999 999 999.99. Far above any
    /// payment, shift or month of a till, and far below what minor units in an `i64`
    /// (the journal's column) or sums of millions of them can hold, so arithmetic on
    /// money in range never overflows silently.
    // 99_999_999_999_999 minor units = 0x5AF3_107A_3FFF.
    pub const MAX: Money = Money(Decimal::from_parts(0x107A_3FFF, 0x5AF3, 0, false, 2));

    /// Builds money from a decimal, rounding half away from zero to two places.
    /// Returns `None` for negative values and above [`Money::MAX`].
    pub fn from_decimal(d: Decimal) -> Option<Money> {
        if d.is_sign_negative() && !d.is_zero() {
            return None;
        }
        let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        r.rescale(2);
        (r <= Money::MAX.0).then_some(Money(r))
    }

    /// Money from minor units (kopecks, grosze); `None` when negative or above
    /// [`Money::MAX`].
    pub fn from_minor(minor: i64) -> Option<Money> {
        if minor < 0 {
            return None;
        }
        Money::from_decimal(Decimal::new(minor, 2))
    }

    /// The amount in minor units (how the journal stores it).
    pub fn minor(self) -> i64 {
        use rust_decimal::prelude::ToPrimitive;
        // Every `Money` is at most `MAX` (10^14 minor units) by construction.
        (self.0 * Decimal::ONE_HUNDRED)
            .to_i64()
            .expect("money is at most Money::MAX")
    }

    /// The underlying decimal (scale 2).
    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// True for zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Sum; `None` above [`Money::MAX`].
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).and_then(Money::from_decimal)
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
        let d = Decimal::from_str(&text).map_err(|_| MoneyError::TooLarge { max: Money::MAX })?;
        let m = Money::from_decimal(d).ok_or(MoneyError::TooLarge { max: Money::MAX })?;
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
        Money::from_decimal(dec).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{s}: money cannot be negative or above {}",
                Money::MAX
            ))
        })
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
            ("999 999 999 999,99", Ok(Money::MAX)),
            ("1 000 000 000 000", Err(TooLarge { max: Money::MAX })),
            ("100000000000000000", Err(TooLarge { max: Money::MAX })),
            ("92233720368547758", Err(TooLarge { max: Money::MAX })),
            (
                "9999999999999999999999999999999",
                Err(TooLarge { max: Money::MAX }),
            ),
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
    fn max_is_what_it_says_and_arithmetic_stays_below_it() {
        assert_eq!(Money::MAX.to_string(), "999999999999.99");
        assert_eq!(Money::MAX.minor(), 99_999_999_999_999);
        let cent = Money::from_minor(1).unwrap();
        assert_eq!(Money::MAX.checked_add(cent), None);
        assert_eq!(Money::from_minor(Money::MAX.minor() + 1), None);
        assert_eq!(Money::from_minor(i64::MAX), None);
        assert_eq!(Money::MAX.checked_sub(Money::MAX), Some(Money::ZERO));
    }

    #[test]
    fn serde_refuses_three_decimals_and_negatives() {
        assert!(serde_json::from_str::<Money>("\"1.005\"").is_err());
        assert!(serde_json::from_str::<Money>("\"1e20\"").is_err());
        assert!(serde_json::from_str::<Money>("\"100000000000000000\"").is_err());
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
                proptest::prop_assert!(m <= Money::MAX);
                proptest::prop_assert_eq!(m.decimal().scale(), 2);
            }
        }

        #[test]
        fn digit_strings_parse_or_are_refused_never_panic(s in "[0-9 ]{1,31}([.,][0-9]{0,2})?") {
            if let Ok(m) = Money::parse(&s) {
                // minor() would panic on anything out of range.
                proptest::prop_assert!(m.minor() <= Money::MAX.minor());
            }
        }
    }
}
