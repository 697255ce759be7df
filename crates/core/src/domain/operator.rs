//! Operators (service providers) and their rules: account mask, amount limits, fee.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::money::Money;

/// An operator's short code, e.g. `MTS`; unique in the catalogue.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OperatorCode(String);

impl OperatorCode {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OperatorCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let ok = !s.is_empty()
            && s.len() <= 32
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if ok {
            Ok(OperatorCode(s))
        } else {
            Err(format!(
                "operator code {s:?} must be 1–32 ASCII letters, digits, '-' or '_'"
            ))
        }
    }
}

impl From<OperatorCode> for String {
    fn from(c: OperatorCode) -> String {
        c.0
    }
}

impl fmt::Display for OperatorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One position of an account mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MaskToken {
    /// `#`: any digit.
    Digit,
    /// `X`: a digit or a Latin letter.
    Alnum,
    /// A fixed digit or upper-case letter that must appear as is.
    Literal(char),
}

/// An account number mask such as `##########` (10 digits) or `9#########`
/// (10 digits starting with 9). Alternatives are separated by `|`.
///
/// `#` is a digit, `X` a digit or Latin letter, any other digit or upper-case Latin
/// letter must appear literally. Spaces, dashes, dots and brackets typed by the cashier
/// are ignored, so `(903) 123-45-67` matches `##########`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountMask {
    source: String,
    alternatives: Vec<Vec<MaskToken>>,
}

/// Why an account number does not fit its operator's mask.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// Nothing was typed.
    #[error("account number is empty")]
    Empty,
    /// Characters that are never part of an account number.
    #[error("account number has characters other than digits and letters")]
    BadCharacters,
    /// The wrong number of characters or a wrong fixed part.
    #[error("account number does not match {mask}")]
    Mismatch {
        /// The mask it was checked against.
        mask: AccountMask,
    },
}

impl AccountMask {
    /// The mask as written, e.g. `##########`.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The possible lengths of a matching account, shortest first.
    pub fn lengths(&self) -> Vec<usize> {
        let mut v: Vec<usize> = self.alternatives.iter().map(Vec::len).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// True when every position of every alternative is a digit.
    pub fn digits_only(&self) -> bool {
        self.alternatives.iter().flatten().all(|t| match t {
            MaskToken::Digit => true,
            MaskToken::Literal(c) => c.is_ascii_digit(),
            MaskToken::Alnum => false,
        })
    }

    /// Removes what cashiers type for readability (spaces, dashes, dots, brackets, `+`
    /// is *not* removed) and upper-cases letters.
    pub fn normalize(input: &str) -> String {
        input
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{00A0}' | '-' | '.' | '(' | ')' | '/'))
            .map(|c| c.to_ascii_uppercase())
            .collect()
    }

    /// Checks a typed account; returns its normalised form.
    pub fn validate(&self, input: &str) -> Result<String, AccountError> {
        let normalized = AccountMask::normalize(input.trim());
        if normalized.is_empty() {
            return Err(AccountError::Empty);
        }
        if !normalized.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(AccountError::BadCharacters);
        }
        let chars: Vec<char> = normalized.chars().collect();
        let fits = self.alternatives.iter().any(|alt| {
            alt.len() == chars.len()
                && alt.iter().zip(&chars).all(|(t, c)| match t {
                    MaskToken::Digit => c.is_ascii_digit(),
                    MaskToken::Alnum => c.is_ascii_alphanumeric(),
                    MaskToken::Literal(l) => l == c,
                })
        });
        if fits {
            Ok(normalized)
        } else {
            Err(AccountError::Mismatch { mask: self.clone() })
        }
    }
}

impl FromStr for AccountMask {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let mut alternatives = Vec::new();
        for alt in s.split('|') {
            let mut tokens = Vec::new();
            for c in alt.trim().chars() {
                tokens.push(match c {
                    '#' => MaskToken::Digit,
                    'X' => MaskToken::Alnum,
                    '0'..='9' | 'A'..='W' | 'Y' | 'Z' => MaskToken::Literal(c),
                    _ => {
                        return Err(format!(
                            "account mask {s:?}: {c:?} is not allowed (use # for a digit, X for a digit or letter, digits and capital letters for fixed parts, | between alternatives)"
                        ));
                    }
                });
            }
            if tokens.is_empty() || tokens.len() > 40 {
                return Err(format!(
                    "account mask {s:?}: each alternative needs 1 to 40 positions"
                ));
            }
            alternatives.push(tokens);
        }
        Ok(AccountMask {
            source: s.to_string(),
            alternatives,
        })
    }
}

impl TryFrom<String> for AccountMask {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl From<AccountMask> for String {
    fn from(m: AccountMask) -> String {
        m.source
    }
}

impl fmt::Display for AccountMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// How the shop's fee is computed: `max(minimum, fixed + amount × percent / 100)`,
/// rounded half away from zero to two places.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeRule {
    /// A fixed part added to every payment.
    #[serde(default)]
    pub fixed: Money,
    /// A percentage of the amount, e.g. `1.5`.
    #[serde(default, with = "rust_decimal::serde::str")]
    pub percent: Decimal,
    /// The smallest fee charged.
    #[serde(default)]
    pub minimum: Money,
}

impl FeeRule {
    /// No fee.
    pub fn free() -> FeeRule {
        FeeRule {
            fixed: Money::ZERO,
            percent: Decimal::ZERO,
            minimum: Money::ZERO,
        }
    }

    /// The fee for an amount. Saturates at [`Money::MAX`] (an amount that large is
    /// refused by every ceiling before it is paid).
    pub fn fee(&self, amount: Money) -> Money {
        let proportional = amount.decimal() * self.percent / Decimal::ONE_HUNDRED;
        let fee = Money::from_decimal(self.fixed.decimal() + proportional).unwrap_or(Money::MAX);
        fee.max(self.minimum)
    }

    /// Checks the rule itself: percent between 0 and 100.
    pub fn check(&self) -> Result<(), String> {
        if self.percent.is_sign_negative() || self.percent > Decimal::ONE_HUNDRED {
            return Err(format!(
                "fee percent {} must be between 0 and 100",
                self.percent
            ));
        }
        Ok(())
    }
}

/// The longest phone a document prints (a receipt line holds it with its label).
pub const MAX_PHONE: usize = 24;

/// A service provider the shop takes payments for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operator {
    /// Short unique code.
    pub code: OperatorCode,
    /// Name shown to the cashier and printed on receipts.
    pub name: String,
    /// The operator's tax id (printed on the fiscal receipt).
    pub tax_id: String,
    /// The legal entity (principal) the shop collects for.
    pub legal_entity: String,
    /// Account number mask.
    pub account_mask: AccountMask,
    /// A human description of the account, e.g. "phone number without +7".
    #[serde(default)]
    pub account_hint: String,
    /// The operator's (supplier's) phone, printed on the payment's documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Smallest amount accepted.
    pub min_amount: Money,
    /// Largest amount accepted.
    pub max_amount: Money,
    /// The shop's fee.
    #[serde(default = "FeeRule::free")]
    pub fee: FeeRule,
}

/// Why an amount is refused by an operator's limits.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AmountLimitError {
    /// Below the operator's minimum.
    #[error("amount is below the operator's minimum of {min}")]
    BelowMinimum {
        /// The operator's minimum.
        min: Money,
    },
    /// Above the operator's maximum.
    #[error("amount is above the operator's maximum of {max}")]
    AboveMaximum {
        /// The operator's maximum.
        max: Money,
    },
}

impl Operator {
    /// Checks an amount against the operator's limits.
    pub fn check_amount(&self, amount: Money) -> Result<(), AmountLimitError> {
        if amount < self.min_amount {
            return Err(AmountLimitError::BelowMinimum {
                min: self.min_amount,
            });
        }
        if amount > self.max_amount {
            return Err(AmountLimitError::AboveMaximum {
                max: self.max_amount,
            });
        }
        Ok(())
    }

    /// Checks the operator definition itself (limits ordered, fee sane, names present).
    pub fn check(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err(format!("operator {}: name is empty", self.code));
        }
        if let Some(phone) = &self.phone
            && (phone.trim().is_empty()
                || phone.chars().count() > MAX_PHONE
                || phone.chars().any(char::is_control))
        {
            return Err(format!(
                "operator {}: phone must be one line of at most {MAX_PHONE} characters",
                self.code
            ));
        }
        if self.min_amount.is_zero() || self.min_amount > self.max_amount {
            return Err(format!(
                "operator {}: min_amount must be above zero and not above max_amount",
                self.code
            ));
        }
        self.fee
            .check()
            .map_err(|e| format!("operator {}: {e}", self.code))
    }

    /// True when `query` is part of the code or name (case-insensitive); used by the
    /// cashier's type-to-pick operator field.
    pub fn matches(&self, query: &str) -> bool {
        let q = query.trim().to_lowercase();
        q.is_empty()
            || self.code.as_str().to_lowercase().contains(&q)
            || self.name.to_lowercase().contains(&q)
    }
}

/// The operator catalogue: operators by code, with the version it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// Version tag of the catalogue (from its source).
    pub version: String,
    /// The operators, in display order.
    #[serde(rename = "operator")]
    pub operators: Vec<Operator>,
}

impl Catalogue {
    /// Checks every operator and that codes are unique.
    pub fn check(&self) -> Result<(), String> {
        let mut seen = std::collections::BTreeSet::new();
        for op in &self.operators {
            op.check()?;
            if !seen.insert(op.code.clone()) {
                return Err(format!("operator code {} appears twice", op.code));
            }
        }
        Ok(())
    }

    /// Finds an operator by code.
    pub fn get(&self, code: &str) -> Option<&Operator> {
        self.operators.iter().find(|o| o.code.as_str() == code)
    }

    /// Operators whose code or name contains `query`.
    pub fn search<'a>(&'a self, query: &'a str) -> impl Iterator<Item = &'a Operator> + 'a {
        self.operators.iter().filter(move |o| o.matches(query))
    }
}

/// The demo catalogue of training mode for a currency (PLN: Polish operators; any
/// other: Russian ones).
pub fn demo_catalogue(currency: &str) -> Catalogue {
    let text = match currency {
        "PLN" => include_str!("../../../../assets/demo-catalogue-pln.toml"),
        _ => include_str!("../../../../assets/demo-catalogue-rub.toml"),
    };
    let c: Catalogue = toml::from_str(text).expect("the demo catalogue parses");
    c.check().expect("the demo catalogue is valid");
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(s: &str) -> Money {
        Money::from_decimal(s.parse().unwrap()).unwrap()
    }

    #[test]
    fn mask_table() {
        let ten: AccountMask = "##########".parse().unwrap();
        let prefixed: AccountMask = "9#########".parse().unwrap();
        let alt: AccountMask = "############|##############".parse().unwrap();
        let alnum: AccountMask = "XXXXXX".parse().unwrap();
        let mismatch = |m: &AccountMask| Err(AccountError::Mismatch { mask: m.clone() });
        let cases: Vec<(&AccountMask, &str, Result<String, AccountError>)> = vec![
            (&ten, "9031234567", Ok("9031234567".into())),
            (&ten, "(903) 123-45-67", Ok("9031234567".into())),
            (&ten, " 903 123 45 67 ", Ok("9031234567".into())),
            (&ten, "903123456", mismatch(&ten)),
            (&ten, "90312345678", mismatch(&ten)),
            (&ten, "903123456a", mismatch(&ten)),
            (&ten, "+79031234567", Err(AccountError::BadCharacters)),
            (&ten, "", Err(AccountError::Empty)),
            (&ten, " - ", Err(AccountError::Empty)),
            (
                &ten,
                "９０３１２３４５６７",
                Err(AccountError::BadCharacters),
            ),
            (&prefixed, "9031234567", Ok("9031234567".into())),
            (&prefixed, "8031234567", mismatch(&prefixed)),
            (&alt, "123456789012", Ok("123456789012".into())),
            (&alt, "12345678901234", Ok("12345678901234".into())),
            (&alt, "1234567890123", mismatch(&alt)),
            (&alnum, "ab12cd", Ok("AB12CD".into())),
            (&alnum, "ab12c", mismatch(&alnum)),
        ];
        for (mask, input, expected) in cases {
            assert_eq!(
                mask.validate(input),
                expected,
                "mask {mask} input {input:?}"
            );
        }
    }

    #[test]
    fn mask_parse_errors() {
        for bad in ["", "##|", "#?#", "#x#", &"#".repeat(41)] {
            assert!(
                bad.parse::<AccountMask>().is_err(),
                "{bad:?} should be refused"
            );
        }
        let m: AccountMask = "##########|############".parse().unwrap();
        assert_eq!(m.lengths(), vec![10, 12]);
        assert!(m.digits_only());
        assert!(!"XX".parse::<AccountMask>().unwrap().digits_only());
    }

    #[test]
    fn fee_table() {
        let rule = |fixed: &str, percent: &str, minimum: &str| FeeRule {
            fixed: money(fixed),
            percent: percent.parse().unwrap(),
            minimum: money(minimum),
        };
        let cases = [
            (FeeRule::free(), "100", "0.00"),
            (rule("10", "0", "0"), "100", "10.00"),
            (rule("0.01", "1", "0"), "100", "1.01"),
            (rule("0.01", "1.5", "0"), "333.33", "5.01"), // 4.99995 + .01 → 5.00995 → 5.01
            (rule("0.01", "0", "0"), "100", "0.01"),
            (rule("0.01", "2", "15"), "100", "15.00"), // minimum wins
            (rule("0.01", "2", "15"), "1000", "20.01"), // percent wins
            (rule("0.01", "0.5", "0"), "1", "0.02"),   // 0.005 rounds half up
            (rule("0.01", "0.25", "0"), "1", "0.01"),  // 0.0025 rounds down
        ];
        for (rule, amount, expected) in cases {
            assert_eq!(
                rule.fee(money(amount)),
                money(expected),
                "{rule:?} on {amount}"
            );
        }
    }

    #[test]
    fn operator_limits_and_search() {
        let op = Operator {
            code: "MTS".to_string().try_into().unwrap(),
            name: "МТС".into(),
            tax_id: "7740000076".into(),
            legal_entity: "ПАО «МТС»".into(),
            account_mask: "##########".parse().unwrap(),
            account_hint: String::new(),
            phone: None,
            min_amount: money("10"),
            max_amount: money("15000"),
            fee: FeeRule::free(),
        };
        assert_eq!(op.check_amount(money("10")), Ok(()));
        assert_eq!(
            op.check_amount(money("9.99")),
            Err(AmountLimitError::BelowMinimum { min: money("10") })
        );
        assert_eq!(
            op.check_amount(money("15000.01")),
            Err(AmountLimitError::AboveMaximum {
                max: money("15000")
            })
        );
        assert!(op.matches("мт"));
        assert!(op.matches("mts"));
        assert!(!op.matches("beeline"));
        assert!(op.check().is_ok());
    }

    #[test]
    fn operator_code_rules() {
        assert!(OperatorCode::try_from("MTS-2".to_string()).is_ok());
        assert!(OperatorCode::try_from(String::new()).is_err());
        assert!(OperatorCode::try_from("a b".to_string()).is_err());
    }
}
