//! Kills a child `paydesk pay` at each transition (it aborts at the named crash point)
//! and checks what the restarted terminal finds, asks, and does with the answer.

mod common;

use common::{Shop, out};
use paydesk::app::recovery::{self, Question};
use paydesk::crashpoint;
use paydesk::domain::payment::StateName;

struct Case {
    point: &'static str,
    /// The state the restarted terminal finds (`None`: no payment at all).
    state: Option<StateName>,
    question: Option<Question>,
    /// Documents on paper when it died.
    paper: &'static [&'static str],
    /// The answer given, and the state and paper after it.
    answer: Option<(&'static str, StateName, &'static [&'static str])>,
}

const CASES: &[Case] = &[
    Case {
        point: "journal.before_commit",
        state: None,
        question: None,
        paper: &[],
        answer: None,
    },
    Case {
        point: "pre_receipt.intent",
        state: Some(StateName::PreReceiptPrinting),
        question: Some(Question::PreReceiptPrinted { n: 1 }),
        paper: &[],
        answer: Some(("no", StateName::PreReceiptPrinted, &["pre-receipt-1"])),
    },
    Case {
        point: "pre_receipt.printed",
        state: Some(StateName::PreReceiptPrinting),
        question: Some(Question::PreReceiptPrinted { n: 1 }),
        paper: &["pre-receipt-1"],
        answer: Some(("yes", StateName::PreReceiptPrinted, &["pre-receipt-1"])),
    },
    Case {
        point: "pre_receipt.done",
        state: Some(StateName::PreReceiptPrinted),
        question: Some(Question::Signed { n: 1 }),
        paper: &["pre-receipt-1"],
        answer: Some(("no", StateName::Voided, &["pre-receipt-1"])),
    },
    Case {
        point: "signed",
        state: Some(StateName::Signed),
        question: Some(Question::CashTaken { n: 1 }),
        paper: &["pre-receipt-1"],
        answer: Some(("no", StateName::Voided, &["pre-receipt-1"])),
    },
    Case {
        point: "fiscal.intent",
        state: Some(StateName::FiscalPrinting),
        question: Some(Question::FiscalPrinted { n: 1 }),
        paper: &["pre-receipt-1"],
        answer: Some((
            "no",
            StateName::Fiscalized,
            &["pre-receipt-1", "fiscal-receipt-1"],
        )),
    },
    Case {
        point: "fiscal.printed",
        state: Some(StateName::FiscalPrinting),
        question: Some(Question::FiscalPrinted { n: 1 }),
        paper: &["pre-receipt-1", "fiscal-receipt-1"],
        answer: Some((
            "yes",
            StateName::Fiscalized,
            &["pre-receipt-1", "fiscal-receipt-1"],
        )),
    },
    Case {
        point: "fiscal.done",
        state: Some(StateName::Fiscalized),
        question: None,
        paper: &["pre-receipt-1", "fiscal-receipt-1"],
        answer: None,
    },
];

fn paper(shop: &Shop) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(shop.paper_dir())
        .map(|d| {
            d.filter_map(|e| {
                let name = e.ok()?.file_name().into_string().ok()?;
                name.strip_suffix(".txt").map(str::to_string)
            })
            .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn every_crash_point_is_covered_by_a_case() {
    for point in crashpoint::POINTS {
        assert!(
            CASES.iter().any(|c| c.point == *point),
            "no case for {point}"
        );
    }
}

#[test]
fn a_terminal_killed_at_each_transition_asks_one_precise_question() {
    for case in CASES {
        let shop = Shop::new();
        let o = shop.pay_crashing_at(case.point);
        assert!(
            !o.status.success(),
            "{}: the child should have died",
            case.point
        );
        assert_eq!(
            o.status.code(),
            None,
            "{}: killed by a signal, not an exit",
            case.point
        );

        let mut expected_paper: Vec<String> = case.paper.iter().map(|s| s.to_string()).collect();
        expected_paper.sort();
        assert_eq!(paper(&shop), expected_paper, "{}: paper", case.point);

        // The restarted terminal: the same journal, the same recovery code as the GUI.
        let journal = shop.journal();
        let payments = journal.all_payments().unwrap();
        assert_eq!(
            payments.first().map(|p| p.state.name()),
            case.state,
            "{}",
            case.point
        );
        let verify = journal.verify().unwrap();
        assert!(verify.is_ok(), "{}: {:?}", case.point, verify.problems);
        let unfinished = journal.unfinished("TRAIN-01").unwrap();
        assert_eq!(
            unfinished.first().and_then(recovery::question),
            case.question,
            "{}",
            case.point
        );
        drop(journal);

        // The CLI shows the same question in words.
        let listed = shop.paydesk().arg("recovery").output().unwrap();
        let (text, _) = out(&listed);
        match case.question {
            Some(Question::FiscalPrinted { n }) => {
                assert!(
                    text.contains(&format!(
                        "Was payment confirmation No. {n} (МТС, 9031234567, 250.00"
                    )),
                    "{text}"
                )
            }
            Some(Question::PreReceiptPrinted { n }) => {
                assert!(
                    text.contains(&format!("Did pre-receipt No. {n} (МТС")),
                    "{text}"
                )
            }
            Some(_) => assert!(text.contains("pre-receipt No. 1"), "{text}"),
            None => assert!(text.is_empty(), "{}: {text}", case.point),
        }

        if let Some((answer, after, paper_after)) = case.answer {
            let id = unfinished[0].id().to_string();
            let o = shop
                .paydesk()
                .args(["recovery", "--payment", &id, "--answer", answer, "--out"])
                .arg(shop.paper_dir())
                .output()
                .unwrap();
            assert!(o.status.success(), "{}: {}", case.point, out(&o).1);
            let j = shop.journal();
            assert_eq!(
                j.payment(unfinished[0].id()).unwrap().state.name(),
                after,
                "{}",
                case.point
            );
            assert!(j.verify().unwrap().is_ok(), "{}", case.point);
            // A reprint keeps its number: still one fiscal receipt No. 1 on paper.
            let mut expected: Vec<String> = paper_after.iter().map(|s| s.to_string()).collect();
            expected.sort();
            assert_eq!(
                paper(&shop),
                expected,
                "{}: paper after answering {answer}",
                case.point
            );
        }

        // A payment still waiting for an answer is answered before the next one
        // starts: `pay` refuses (exit 2) with the question and the command line,
        // and writes nothing.
        let waiting = shop.journal().unfinished("TRAIN-01").unwrap();
        if let Some(p) = waiting.first() {
            let before = shop.journal().all_payments().unwrap().len();
            let o = shop.pay("100");
            let (_, err) = out(&o);
            assert_eq!(o.status.code(), Some(2), "{}: {err}", case.point);
            assert!(err.contains("waits for an answer"), "{}: {err}", case.point);
            assert!(
                err.contains(&format!("paydesk recovery --payment {}", p.id())),
                "{}: {err}",
                case.point
            );
            assert_eq!(shop.journal().all_payments().unwrap().len(), before);
            // Not signed / cash not taken: void it.
            let o = shop
                .paydesk()
                .args([
                    "recovery",
                    "--payment",
                    &p.id().to_string(),
                    "--answer",
                    "no",
                ])
                .output()
                .unwrap();
            assert!(o.status.success(), "{}: {}", case.point, out(&o).1);
        }

        // Numbers never repeat: the next payment gets the next numbers.
        let o = shop.pay("100");
        assert!(o.status.success(), "{}: {}", case.point, out(&o).1);
        let j = shop.journal();
        let last = j.all_payments().unwrap().into_iter().last().unwrap();
        let expected_pre = if case.state.is_some() { 2 } else { 1 };
        assert_eq!(
            last.state.pre_receipt_no(),
            Some(expected_pre),
            "{}",
            case.point
        );
        assert!(j.verify().unwrap().is_ok(), "{}", case.point);
    }
}
