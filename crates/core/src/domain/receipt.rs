//! Printed documents as data: what a pre-receipt and a payment confirmation say,
//! before any printer width or byte is involved. A receipt printer is not a fiscal
//! device, so nothing here calls itself fiscal: the cash step's document is a
//! payment confirmation, the refund's a refund confirmation. `printing::layout` turns a [`Document`]
//! into lines for a paper width; `printing::escpos` turns lines into bytes.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::payment::{Payment, PaymentState};
use crate::i18n::{Currency, Lang, T};

/// One piece of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A centred title in large bold letters.
    Heading(String),
    /// A centred line in normal letters (wraps on words).
    Centered(String),
    /// Left-aligned text (wraps on words).
    Text(String),
    /// A label on the left and its value on the right.
    Field {
        /// What the value is.
        label: String,
        /// The value, right-aligned.
        value: String,
    },
    /// A field in bold, larger letters (the total).
    Emphasis {
        /// What the value is.
        label: String,
        /// The value, right-aligned.
        value: String,
    },
    /// A full-width dashed rule.
    Rule,
    /// A label and a line to sign on.
    Signature(String),
    /// Empty lines.
    Feed(u8),
    /// A QR code with this text, centred at the end of the document, on printers
    /// that print QR codes (others print nothing for it: its content is also text).
    Qr(String),
}

/// Which document it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// The slip the customer checks and signs.
    PreReceipt,
    /// The cash receipt.
    FiscalReceipt,
    /// A report for the shift manager (not a fiscal document).
    Report,
    /// The cash receipt of money given back ("return of payment").
    RefundReceipt,
    /// The slip of cash put into or taken out of the drawer, or collected.
    CashSlip,
}

impl DocumentKind {
    /// A short name used for files and logs.
    pub fn slug(self) -> &'static str {
        match self {
            DocumentKind::PreReceipt => "pre-receipt",
            DocumentKind::FiscalReceipt => "fiscal-receipt",
            DocumentKind::Report => "report",
            DocumentKind::RefundReceipt => "refund-receipt",
            DocumentKind::CashSlip => "cash-slip",
        }
    }
}

/// A document ready to be laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// Which document.
    pub kind: DocumentKind,
    /// Its number (pre-receipt or fiscal receipt number).
    pub number: u64,
    /// The content, top to bottom.
    pub blocks: Vec<Block>,
}

impl Document {
    /// `pre-receipt-5`, `fiscal-receipt-17`: a name for the print job.
    pub fn job_name(&self) -> String {
        format!("{}-{}", self.kind.slug(), self.number)
    }

    /// Marks a document printed again as a copy: a large "COPY" under its title.
    pub fn mark_copy(&mut self, lang: Lang) {
        let at = self
            .blocks
            .iter()
            .position(|b| matches!(b, Block::Heading(_)))
            .map_or(0, |i| i + 1);
        self.blocks
            .insert(at, Block::Heading(lang.t(T::DocCopy).to_string()));
    }
}

/// The shop (the payment agent) as printed on documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shop {
    /// Legal name.
    pub name: String,
    /// Tax id.
    pub tax_id: String,
    /// Address of the shop.
    #[serde(default)]
    pub address: String,
    /// The agent's phone, printed on every payment document (empty: none set).
    #[serde(default)]
    pub phone: String,
}

/// Everything besides the payment that a document needs.
#[derive(Clone, Debug)]
pub struct DocumentContext {
    /// The shop.
    pub shop: Shop,
    /// The language printed.
    pub lang: Lang,
    /// The shop's time zone.
    pub tz: Tz,
    /// The currency.
    pub currency: Currency,
    /// True in training mode: every document says it is not real.
    pub training: bool,
}

impl DocumentContext {
    /// Money as documents print it: `1 234,50 ₽`.
    pub fn money(&self, m: super::money::Money) -> String {
        format!(
            "{} {}",
            self.lang.money(m),
            self.currency.receipt_sign(self.lang)
        )
    }

    /// A time as documents print it, in the shop's zone.
    pub fn time(&self, t: DateTime<Utc>) -> String {
        self.lang.date_time(&t.with_timezone(&self.tz))
    }

    /// The shop's name, tax id and address (and the training mark).
    pub fn header(&self, blocks: &mut Vec<Block>) {
        let l = self.lang;
        blocks.push(Block::Centered(self.shop.name.clone()));
        blocks.push(Block::Centered(
            l.fill(T::DocTaxId, &[("id", &self.shop.tax_id)]),
        ));
        if !self.shop.address.is_empty() {
            blocks.push(Block::Centered(self.shop.address.clone()));
        }
        if self.training {
            blocks.push(Block::Centered(l.t(T::DocTraining).to_string()));
        }
        blocks.push(Block::Rule);
    }

    /// The operation in words ("Оплата услуг МТС по счёту 9161234567"), the agent's
    /// phone and the operator's, when known (103-ФЗ art. 5: the agent's and the
    /// supplier's details on every document given to the payer).
    fn operation_and_phones(&self, payment: &Payment, blocks: &mut Vec<Block>) {
        let d = &payment.details;
        blocks.push(Block::Text(self.lang.fill(
            T::DocOperation,
            &[("operator", &d.operator.name), ("account", &d.account)],
        )));
        if !self.shop.phone.trim().is_empty() {
            blocks.push(self.field(T::DocAgentPhone, self.shop.phone.clone()));
        }
        if let Some(phone) = &d.operator.phone {
            blocks.push(self.field(T::DocOperatorPhone, phone.clone()));
        }
    }

    pub(crate) fn field(&self, label: T, value: impl Into<String>) -> Block {
        Block::Field {
            label: self.lang.t(label).to_string(),
            value: value.into(),
        }
    }
}

/// Why a document cannot be made for a payment in its current state.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// The pre-receipt needs a number (the payment is a draft).
    #[error("the payment has no pre-receipt number yet")]
    NoPreReceiptNumber,
    /// A fiscal receipt is only printed for a payment whose cash was taken and whose
    /// fiscal receipt was started.
    #[error("a fiscal receipt needs the cash taken and a fiscal receipt number")]
    NotPaid,
}

/// The pre-receipt: what the customer checks and signs before paying.
pub fn pre_receipt(
    ctx: &DocumentContext,
    payment: &Payment,
    printed_at: DateTime<Utc>,
) -> Result<Document, DocumentError> {
    let number = payment
        .state
        .pre_receipt_no()
        .ok_or(DocumentError::NoPreReceiptNumber)?;
    let d = &payment.details;
    let l = ctx.lang;
    let mut b = Vec::new();
    ctx.header(&mut b);
    b.push(Block::Heading(l.t(T::DocPreReceipt).to_string()));
    b.push(Block::Centered(l.fill(T::DocNumber, &[("n", &number)])));
    b.push(Block::Rule);
    b.push(ctx.field(T::DocDateTime, ctx.time(printed_at)));
    b.push(ctx.field(T::DocOperator, d.operator.name.clone()));
    b.push(ctx.field(T::DocAccount, d.account.clone()));
    ctx.operation_and_phones(payment, &mut b);
    b.push(ctx.field(T::DocAmount, ctx.money(d.amount)));
    b.push(ctx.field(T::DocFee, ctx.money(d.fee)));
    b.push(Block::Emphasis {
        label: l.t(T::DocTotalToPay).to_string(),
        value: ctx.money(d.total),
    });
    b.push(ctx.field(T::DocPaymentId, d.id.short()));
    b.push(Block::Rule);
    b.push(Block::Text(l.t(T::DocCheckedByCustomer).to_string()));
    b.push(Block::Feed(1));
    b.push(Block::Signature(l.t(T::DocSignature).to_string()));
    b.push(Block::Feed(1));
    b.push(Block::Centered(l.t(T::DocNotAReceipt).to_string()));
    Ok(Document {
        kind: DocumentKind::PreReceipt,
        number,
        blocks: b,
    })
}

/// The payment confirmation the receipt printer gives at the cash step, with the
/// agent details the law asks for. Refuses a payment whose cash was not taken: no
/// confirmation of payment for money not received.
pub fn fiscal_receipt(
    ctx: &DocumentContext,
    payment: &Payment,
    printed_at: DateTime<Utc>,
) -> Result<Document, DocumentError> {
    let (cash, fiscal) = match &payment.state {
        PaymentState::FiscalPrinting { cash, fiscal, .. }
        | PaymentState::Fiscalized { cash, fiscal, .. } => (*cash, *fiscal),
        _ => return Err(DocumentError::NotPaid),
    };
    let d = &payment.details;
    let l = ctx.lang;
    let mut b = cash_receipt_top(
        ctx,
        payment,
        fiscal.receipt_no,
        T::DocFiscalReceipt,
        T::DocIncome,
    );
    b.push(Block::Rule);
    b.push(ctx.field(T::DocAmount, ctx.money(d.amount)));
    b.push(ctx.field(T::DocFee, ctx.money(d.fee)));
    b.push(Block::Emphasis {
        label: l.t(T::DocTotal).to_string(),
        value: ctx.money(d.total),
    });
    b.push(ctx.field(T::DocCash, ctx.money(cash.tendered)));
    b.push(ctx.field(T::DocChange, ctx.money(cash.change)));
    b.push(Block::Rule);
    b.push(ctx.field(T::DocTerminal, d.terminal_id.clone()));
    b.push(ctx.field(T::DocShift, fiscal.shift_no.to_string()));
    b.push(ctx.field(T::DocReceiptNo, fiscal.receipt_no.to_string()));
    b.push(ctx.field(T::DocDateTime, ctx.time(printed_at)));
    b.push(ctx.field(T::DocCashier, d.cashier.clone()));
    b.push(ctx.field(T::DocPaymentId, d.id.to_string()));
    b.push(Block::Feed(1));
    b.push(Block::Centered(l.t(T::DocThanks).to_string()));
    // What support scans to find the payment: terminal, receipt number, payment id.
    b.push(Block::Qr(format!(
        "paydesk:{}:{}:{}",
        d.terminal_id, fiscal.receipt_no, d.id
    )));
    Ok(Document {
        kind: DocumentKind::FiscalReceipt,
        number: fiscal.receipt_no,
        blocks: b,
    })
}

/// The top of a cash document (the payment's confirmation or its refund's): the
/// shop, the title, number and kind, and the payment agent's details — the same on
/// both, as the law wants them.
fn cash_receipt_top(
    ctx: &DocumentContext,
    payment: &Payment,
    number: u64,
    title: T,
    kind: T,
) -> Vec<Block> {
    let d = &payment.details;
    let l = ctx.lang;
    let mut b = Vec::new();
    ctx.header(&mut b);
    b.push(Block::Heading(l.t(title).to_string()));
    b.push(Block::Centered(l.fill(T::DocNumber, &[("n", &number)])));
    b.push(Block::Centered(l.t(kind).to_string()));
    b.push(Block::Rule);
    b.push(Block::Centered(l.t(T::DocPaymentAgent).to_string()));
    b.push(ctx.field(T::DocSupplier, d.operator.legal_entity.clone()));
    b.push(ctx.field(T::DocSupplierTaxId, d.operator.tax_id.clone()));
    b.push(ctx.field(T::DocOperator, d.operator.name.clone()));
    b.push(ctx.field(T::DocAccount, d.account.clone()));
    ctx.operation_and_phones(payment, &mut b);
    b
}

/// What a refund receipt needs beside the payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundFacts {
    /// The refund receipt's number.
    pub refund_no: u64,
    /// The cash given back.
    pub amount: crate::domain::money::Money,
    /// The shift the cash left.
    pub shift_no: u64,
    /// The manager who approved it.
    pub approved_by: String,
    /// Who paid it out.
    pub cashier: String,
}

/// The refund receipt ("return of payment"): the same agent details as the fiscal
/// receipt, the original receipt's number, the cash given back.
pub fn refund_receipt(
    ctx: &DocumentContext,
    payment: &Payment,
    refund: &RefundFacts,
    printed_at: DateTime<Utc>,
) -> Result<Document, DocumentError> {
    let fiscal = payment.state.fiscal().ok_or(DocumentError::NotPaid)?;
    let d = &payment.details;
    let l = ctx.lang;
    let mut b = cash_receipt_top(
        ctx,
        payment,
        refund.refund_no,
        T::DocRefundConfirmation,
        T::DocRefundIncome,
    );
    b.push(ctx.field(T::DocOriginalReceipt, fiscal.receipt_no.to_string()));
    b.push(Block::Rule);
    b.push(Block::Emphasis {
        label: l.t(T::DocRefunded).to_string(),
        value: ctx.money(refund.amount),
    });
    b.push(Block::Rule);
    b.push(ctx.field(T::DocTerminal, d.terminal_id.clone()));
    b.push(ctx.field(T::DocShift, refund.shift_no.to_string()));
    b.push(ctx.field(T::DocDateTime, ctx.time(printed_at)));
    b.push(ctx.field(T::DocCashier, refund.cashier.clone()));
    b.push(ctx.field(T::DocApprovedBy, refund.approved_by.clone()));
    b.push(ctx.field(T::DocPaymentId, d.id.to_string()));
    Ok(Document {
        kind: DocumentKind::RefundReceipt,
        number: refund.refund_no,
        blocks: b,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Money;
    use crate::domain::payment::{FiscalNumbers, PaymentEvent, tests::details};

    fn ctx() -> DocumentContext {
        DocumentContext {
            shop: Shop {
                name: "ООО «Ромашка»".into(),
                tax_id: "7701234567".into(),
                address: String::new(),
                phone: String::new(),
            },
            lang: Lang::Ru,
            tz: chrono_tz::Europe::Moscow,
            currency: Currency::default(),
            training: false,
        }
    }

    #[test]
    fn fiscal_receipt_is_refused_without_cash() {
        let p = Payment::draft(details("100"));
        let signed = Payment::replay(
            p.details.clone(),
            &[
                PaymentEvent::PreReceiptPrintStarted { pre_receipt_no: 1 },
                PaymentEvent::PreReceiptPrinted,
                PaymentEvent::CustomerSigned,
            ],
        )
        .unwrap();
        assert_eq!(
            fiscal_receipt(&ctx(), &signed, Utc::now()),
            Err(DocumentError::NotPaid)
        );
        assert_eq!(
            pre_receipt(&ctx(), &p, Utc::now()),
            Err(DocumentError::NoPreReceiptNumber)
        );
        let paid = signed
            .apply(&PaymentEvent::CashTaken {
                tendered: Money::from_minor(20_000).unwrap(),
            })
            .unwrap()
            .apply(&PaymentEvent::FiscalPrintStarted {
                fiscal: FiscalNumbers {
                    receipt_no: 17,
                    shift_no: 2,
                },
            })
            .unwrap();
        let doc = fiscal_receipt(&ctx(), &paid, Utc::now()).unwrap();
        assert_eq!(doc.job_name(), "fiscal-receipt-17");
        assert!(doc.blocks.contains(&Block::Field {
            label: "Сдача".into(),
            value: "100,00 руб.".into()
        }));
    }

    #[test]
    fn the_refund_document_is_a_refund_confirmation_with_the_operation_and_phones() {
        let mut d = details("100");
        d.operator.phone = Some("8 800 250-08-90".into());
        let paid = Payment::replay(
            d,
            &[
                PaymentEvent::PreReceiptPrintStarted { pre_receipt_no: 1 },
                PaymentEvent::PreReceiptPrinted,
                PaymentEvent::CustomerSigned,
                PaymentEvent::CashTaken {
                    tendered: Money::from_minor(10_000).unwrap(),
                },
                PaymentEvent::FiscalPrintStarted {
                    fiscal: FiscalNumbers {
                        receipt_no: 5,
                        shift_no: 1,
                    },
                },
                PaymentEvent::FiscalPrinted,
            ],
        )
        .unwrap();
        let mut ctx = ctx();
        ctx.shop.phone = "+7 495 123-45-67".into();
        let facts = RefundFacts {
            refund_no: 1,
            amount: Money::from_minor(10_000).unwrap(),
            shift_no: 1,
            approved_by: "Max".into(),
            cashier: "Anna".into(),
        };
        let doc = refund_receipt(&ctx, &paid, &facts, Utc::now()).unwrap();
        let field = |label: &str, value: &str| Block::Field {
            label: label.into(),
            value: value.into(),
        };
        assert!(
            doc.blocks
                .contains(&Block::Heading("КВИТАНЦИЯ О ВОЗВРАТЕ".into()))
        );
        assert!(
            !doc.blocks
                .iter()
                .any(|b| matches!(b, Block::Heading(h) if h.contains("КАССОВЫЙ")))
        );
        assert!(
            doc.blocks
                .contains(&Block::Text("Оплата услуг MTS по счёту 9031234567".into()))
        );
        assert!(
            doc.blocks
                .contains(&field("Телефон агента", "+7 495 123-45-67"))
        );
        assert!(
            doc.blocks
                .contains(&field("Телефон оператора", "8 800 250-08-90"))
        );
        assert!(doc.blocks.contains(&field("К квитанции №", "5")));
    }
}
