//! What the cashier typed → a [`Quote`] that can be paid, or an error per field.
//!
//! Pure and cheap: the cashier screen runs it on every keystroke to show the fee,
//! the total and the errors beside each field.

use super::money::{Money, MoneyError};
use super::operator::{AccountError, AmountLimitError, Catalogue, Operator};

/// The cashier's input as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaymentInput {
    /// The chosen operator's code (`None` until one is chosen).
    pub operator_code: Option<String>,
    /// The account number as typed.
    pub account: String,
    /// The amount as typed.
    pub amount: String,
}

/// A valid payment, ready for its pre-receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quote {
    /// The operator.
    pub operator: Operator,
    /// The account, normalised.
    pub account: String,
    /// The amount for the operator.
    pub amount: Money,
    /// The shop's fee.
    pub fee: Money,
    /// What the customer pays.
    pub total: Money,
}

/// Why the amount is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Not a valid amount.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Outside the operator's limits.
    #[error(transparent)]
    Limit(#[from] AmountLimitError),
    /// The amount fits, but with the fee the total is above the terminal's ceiling.
    #[error("with the fee the total {total} is above the ceiling of {ceiling}")]
    TotalAboveCeiling {
        /// Amount plus fee.
        total: Money,
        /// The terminal's ceiling for one payment.
        ceiling: Money,
    },
}

/// Why the cash received is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TenderedError {
    /// Not a valid amount.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Less than the customer must pay.
    #[error("less than the total {total}")]
    TooLittle {
        /// What the customer must pay.
        total: Money,
    },
    /// More than any customer hands over for this total (a typing accident): the
    /// change would be above the terminal's `max_change`.
    #[error("more than {max}, the most this till takes for this payment")]
    TooMuch {
        /// The most that may be tendered for this total.
        max: Money,
    },
}

/// Checks the cash received for a total: at least the total, and at most the total
/// plus `max_change` (the terminal's bound on change, see the config's `max_change`).
pub fn check_tendered(
    tendered: Money,
    total: Money,
    max_change: Money,
) -> Result<Money, TenderedError> {
    let max = total.checked_add(max_change).unwrap_or(Money::MAX);
    if tendered < total {
        Err(TenderedError::TooLittle { total })
    } else if tendered > max {
        Err(TenderedError::TooMuch { max })
    } else {
        Ok(tendered)
    }
}

/// Parses and checks what the cashier typed as the cash received.
pub fn parse_tendered(
    input: &str,
    total: Money,
    max_change: Money,
) -> Result<Money, TenderedError> {
    check_tendered(Money::parse(input)?, total, max_change)
}

/// Why the operator field is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OperatorChoiceError {
    /// Nothing chosen, or a code that is not in the catalogue.
    #[error("choose an operator from the catalogue")]
    NotChosen,
}

/// The errors of each field (at least one is set).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntryErrors {
    /// The operator field.
    pub operator: Option<OperatorChoiceError>,
    /// The account field.
    pub account: Option<AccountError>,
    /// The amount field.
    pub amount: Option<AmountError>,
}

impl std::fmt::Display for EntryErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = [
            self.operator.as_ref().map(|e| format!("operator: {e}")),
            self.account.as_ref().map(|e| format!("account: {e}")),
            self.amount.as_ref().map(|e| format!("amount: {e}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for EntryErrors {}

/// The operator's fee and the total for an amount (for the live display); `None`
/// when the total would be above [`Money::MAX`].
pub fn price(operator: &Operator, amount: Money) -> Option<(Money, Money)> {
    let fee = operator.fee.fee(amount);
    Some((fee, amount.checked_add(fee)?))
}

/// Checks the input against the catalogue, the operator's rules and the terminal's
/// ceiling for one payment (`ceiling` applies to the total the customer pays).
pub fn validate(
    catalogue: &Catalogue,
    input: &PaymentInput,
    ceiling: Money,
) -> Result<Quote, EntryErrors> {
    let mut errors = EntryErrors::default();
    let operator = input
        .operator_code
        .as_deref()
        .and_then(|c| catalogue.get(c));
    if operator.is_none() {
        errors.operator = Some(OperatorChoiceError::NotChosen);
    }
    let amount = Money::parse_with_ceiling(&input.amount, ceiling).map_err(AmountError::from);
    let Some(operator) = operator else {
        errors.amount = amount.err();
        return Err(errors);
    };
    let account = operator.account_mask.validate(&input.account);
    let amount = amount.and_then(|a| {
        operator.check_amount(a)?;
        let (fee, total) = price(operator, a).ok_or(AmountError::TotalAboveCeiling {
            total: Money::MAX,
            ceiling,
        })?;
        if total > ceiling {
            return Err(AmountError::TotalAboveCeiling { total, ceiling });
        }
        Ok((a, fee, total))
    });
    match (account, amount) {
        (Ok(account), Ok((amount, fee, total))) => Ok(Quote {
            operator: operator.clone(),
            account,
            amount,
            fee,
            total,
        }),
        (account, amount) => {
            errors.account = account.err();
            errors.amount = amount.err();
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tendered_is_bounded_on_both_sides() {
        let m = |s: &str| Money::parse(s).unwrap();
        let (total, max_change) = (m("505"), m("500000"));
        let cases: &[(&str, Result<Money, TenderedError>)] = &[
            ("505", Ok(m("505"))),
            ("1000", Ok(m("1000"))),
            ("500505", Ok(m("500505"))),
            (
                "500505,01",
                Err(TenderedError::TooMuch { max: m("500505") }),
            ),
            ("504,99", Err(TenderedError::TooLittle { total })),
            (
                "92233720368547758",
                Err(TenderedError::Money(MoneyError::TooLarge {
                    max: Money::MAX,
                })),
            ),
            ("abc", Err(TenderedError::Money(MoneyError::NotANumber))),
        ];
        for (input, expected) in cases {
            assert_eq!(
                &parse_tendered(input, total, max_change),
                expected,
                "{input}"
            );
        }
        // A bound that would overflow saturates at Money::MAX instead.
        assert_eq!(
            check_tendered(Money::MAX, m("1"), Money::MAX),
            Ok(Money::MAX)
        );
    }

    fn catalogue() -> Catalogue {
        toml::from_str(include_str!("../../../../assets/demo-catalogue-rub.toml")).unwrap()
    }

    fn input(op: Option<&str>, account: &str, amount: &str) -> PaymentInput {
        PaymentInput {
            operator_code: op.map(str::to_string),
            account: account.into(),
            amount: amount.into(),
        }
    }

    fn money(s: &str) -> Money {
        Money::from_decimal(s.parse().unwrap()).unwrap()
    }

    #[test]
    fn valid_input_gives_fee_and_total() {
        let q = validate(
            &catalogue(),
            &input(Some("DOMRU"), "1234 5678 9012", "1 000"),
            money("15000"),
        )
        .unwrap();
        assert_eq!(q.account, "123456789012");
        assert_eq!(q.fee, money("20")); // 10 + 1% of 1000
        assert_eq!(q.total, money("1020"));
    }

    #[test]
    fn each_field_gets_its_own_error() {
        let c = catalogue();
        let ceiling = money("15000");
        let cases: Vec<(PaymentInput, EntryErrors)> = vec![
            (
                input(None, "9031234567", "100"),
                EntryErrors {
                    operator: Some(OperatorChoiceError::NotChosen),
                    ..Default::default()
                },
            ),
            (
                input(Some("NOPE"), "9031234567", "abc"),
                EntryErrors {
                    operator: Some(OperatorChoiceError::NotChosen),
                    amount: Some(AmountError::Money(MoneyError::NotANumber)),
                    ..Default::default()
                },
            ),
            (
                input(Some("MTS"), "", "5"),
                EntryErrors {
                    account: Some(AccountError::Empty),
                    amount: Some(AmountError::Limit(AmountLimitError::BelowMinimum {
                        min: money("10"),
                    })),
                    ..Default::default()
                },
            ),
            (
                input(Some("MTS"), "9031234567", "20000"),
                EntryErrors {
                    amount: Some(AmountError::Money(MoneyError::AboveCeiling { ceiling })),
                    ..Default::default()
                },
            ),
            (
                // 14 900 + 1.5% fee (223.50) = 15 123.50: the total breaks the ceiling.
                input(Some("MOSVODO"), "12345678901234", "14900"),
                EntryErrors {
                    amount: Some(AmountError::TotalAboveCeiling {
                        total: money("15123.50"),
                        ceiling,
                    }),
                    ..Default::default()
                },
            ),
        ];
        for (i, expected) in cases {
            assert_eq!(validate(&c, &i, ceiling), Err(expected), "{i:?}");
        }
    }
}
