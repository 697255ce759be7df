//! Daily reconciliation: the journal's accepted payments of a business day against
//! the payment system's registry of the same day, matched by payment id. Each
//! mismatch has a kind that says what fixes it. Pure: the journal and the hub client
//! supply both sides.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::domain::hub::HubStatus;
use crate::domain::money::Money;

/// A payment as the journal holds it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JournalSide {
    /// Its id.
    pub id: Uuid,
    /// Operator code.
    pub operator: String,
    /// Account.
    pub account: String,
    /// Amount for the operator.
    pub amount: Money,
    /// Amount + fee.
    pub total: Money,
    /// Fiscal receipt number.
    pub fiscal_receipt_no: u64,
    /// The hub confirmed it got it.
    pub delivered: bool,
    /// The hub's status as last heard.
    pub hub_status: Option<HubStatus>,
}

/// A payment as the hub's registry lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HubSide {
    /// Its id.
    pub id: Uuid,
    /// Operator code.
    pub operator: String,
    /// Account.
    pub account: String,
    /// Amount for the operator.
    pub amount: Money,
    /// Amount + fee.
    pub total: Money,
    /// Fiscal receipt number.
    pub fiscal_receipt_no: u64,
    /// Its status at the hub now.
    pub status: HubStatus,
}

/// What kind of mismatch, and so what fixes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DifferenceKind {
    /// In the journal, not yet delivered to the hub: send it now.
    Undelivered,
    /// In the journal as delivered, but the hub's registry does not have it: the
    /// central office must find it.
    Lost,
    /// At the hub, not in the journal: must never happen (a payment from another
    /// journal, or one the journal lost); raise it with the central office at once.
    UnknownAtHub,
    /// Amount or total differ.
    Amount,
    /// Account or operator differ.
    Account,
    /// The final status the journal heard is not the hub's now.
    Status,
}

impl DifferenceKind {
    /// Every kind, for tables.
    pub const ALL: [DifferenceKind; 6] = [
        DifferenceKind::Undelivered,
        DifferenceKind::Lost,
        DifferenceKind::UnknownAtHub,
        DifferenceKind::Amount,
        DifferenceKind::Account,
        DifferenceKind::Status,
    ];

    /// The journal's word.
    pub fn as_str(self) -> &'static str {
        match self {
            DifferenceKind::Undelivered => "undelivered",
            DifferenceKind::Lost => "lost",
            DifferenceKind::UnknownAtHub => "unknown_at_hub",
            DifferenceKind::Amount => "amount",
            DifferenceKind::Account => "account",
            DifferenceKind::Status => "status",
        }
    }

    /// The journal's word read back.
    pub fn parse(s: &str) -> Option<DifferenceKind> {
        DifferenceKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Must never happen: said loudly wherever it is shown.
    pub fn is_alarm(self) -> bool {
        matches!(self, DifferenceKind::UnknownAtHub | DifferenceKind::Lost)
    }
}

/// One mismatch: the payment, both sides as far as they exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// Which.
    pub kind: DifferenceKind,
    /// The payment.
    pub payment_id: Uuid,
    /// The journal's side (none: unknown to the journal).
    pub journal: Option<JournalSide>,
    /// The hub's side (none: not in the registry).
    pub hub: Option<HubSide>,
}

/// Compares a day's journal with the hub's registry of that day: each payment's
/// differences, by receipt number (unknown ones last). A payment differing in amount
/// and status has two.
pub fn reconcile(journal: &[JournalSide], hub: &[HubSide]) -> Vec<Difference> {
    let at_hub: BTreeMap<Uuid, &HubSide> = hub.iter().map(|h| (h.id, h)).collect();
    let ours: BTreeMap<Uuid, &JournalSide> = journal.iter().map(|j| (j.id, j)).collect();
    let mut out = Vec::new();
    let mut push = |kind, j: Option<&JournalSide>, h: Option<&HubSide>| {
        out.push(Difference {
            kind,
            payment_id: j.map(|j| j.id).or(h.map(|h| h.id)).unwrap_or_default(),
            journal: j.cloned(),
            hub: h.cloned(),
        })
    };
    for j in journal {
        let Some(h) = at_hub.get(&j.id) else {
            push(
                if j.delivered {
                    DifferenceKind::Lost
                } else {
                    DifferenceKind::Undelivered
                },
                Some(j),
                None,
            );
            continue;
        };
        if j.amount != h.amount || j.total != h.total {
            push(DifferenceKind::Amount, Some(j), Some(h));
        }
        if j.account != h.account || j.operator != h.operator {
            push(DifferenceKind::Account, Some(j), Some(h));
        }
        // A status the till has not heard yet is the poller's to catch up with; a
        // final one that the hub contradicts is a difference.
        if j.hub_status.is_some_and(|s| s.is_final() && s != h.status) {
            push(DifferenceKind::Status, Some(j), Some(h));
        }
    }
    for h in hub {
        if !ours.contains_key(&h.id) {
            push(DifferenceKind::UnknownAtHub, None, Some(h));
        }
    }
    out.sort_by_key(|d| {
        (
            d.journal
                .as_ref()
                .map(|j| j.fiscal_receipt_no)
                .unwrap_or(u64::MAX),
            d.kind,
        )
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn ours(n: u64, delivered: bool) -> JournalSide {
        JournalSide {
            id: Uuid::from_u128(n as u128),
            operator: "MTS".into(),
            account: "9031234567".into(),
            amount: m("100"),
            total: m("102"),
            fiscal_receipt_no: n,
            delivered,
            hub_status: delivered.then_some(HubStatus::Completed),
        }
    }

    fn theirs(j: &JournalSide) -> HubSide {
        HubSide {
            id: j.id,
            operator: j.operator.clone(),
            account: j.account.clone(),
            amount: j.amount,
            total: j.total,
            fiscal_receipt_no: j.fiscal_receipt_no,
            status: HubStatus::Completed,
        }
    }

    #[test]
    fn each_kind_of_mismatch_is_found_once_and_matching_days_have_none() {
        let journal: Vec<_> = (1..=6).map(|n| ours(n, n != 2)).collect();
        let mut hub: Vec<_> = journal.iter().map(theirs).collect();
        assert_eq!(
            reconcile(
                &journal
                    .iter()
                    .filter(|j| j.delivered)
                    .cloned()
                    .collect::<Vec<_>>(),
                &hub.iter()
                    .filter(|h| h.id != journal[1].id)
                    .cloned()
                    .collect::<Vec<_>>()
            ),
            vec![]
        );
        hub.retain(|h| h.id != journal[1].id && h.id != journal[2].id); // 2 undelivered, 3 lost
        hub[1].amount = m("99"); // 4
        hub[2].account = "9030000000".into(); // 5
        hub[3].status = HubStatus::Failed; // 6
        let mut behind = ours(7, true); // the till has not heard the final status yet
        behind.hub_status = Some(HubStatus::Processing);
        hub.push(theirs(&behind));
        let journal: Vec<_> = journal.into_iter().chain([behind]).collect();
        let mut unknown = theirs(&ours(99, true));
        unknown.id = Uuid::from_u128(999);
        hub.push(unknown);
        let found: Vec<(DifferenceKind, u128)> = reconcile(&journal, &hub)
            .iter()
            .map(|d| (d.kind, d.payment_id.as_u128()))
            .collect();
        assert_eq!(
            found,
            [
                (DifferenceKind::Undelivered, 2),
                (DifferenceKind::Lost, 3),
                (DifferenceKind::Amount, 4),
                (DifferenceKind::Account, 5),
                (DifferenceKind::Status, 6),
                (DifferenceKind::UnknownAtHub, 999),
            ]
        );
        for k in DifferenceKind::ALL {
            assert_eq!(DifferenceKind::parse(k.as_str()), Some(k));
        }
    }
}
