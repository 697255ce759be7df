//! ФФД TLVs: what a payment agent's receipt carries beyond the item lines.
//!
//! A TLV is `tag (2 bytes LE), length (2 bytes LE), value`; an STLV's value is TLVs.
//! Strings go to the fiscal storage in CP866 (the ФН's code page); one-byte flags are
//! a single byte.
//!
//! Tag numbers (each checked against two public sources):
//! - Unact/kkm `lib/kkm/constants/tag.rb`: 1021 cashier, 1057 agent sign, 1171
//!   supplier phone, 1203 cashier tax id, 1212 subject, 1214 payment method, 1222
//!   line agent sign, 1223 agent data, 1224 supplier data, 1225 supplier name, 1226
//!   supplier tax id; FiscalTags of evotor/integration-library agrees.
//! - aQsi API client (`aqsi_client`, AgentInfo model, "Данные агента, 1223"): 1044
//!   операция платёжного агента, 1073 телефон платёжного агента, 1074 телефон
//!   оператора по приёму платежей.
//!
//! Agent sign bits (1057 and 1222), Unact/kkm `constants/agent_type.rb` and the
//! dreamkas `Agents` enum: 1 bank payment agent, 2 bank payment subagent, 4 payment
//! agent, 8 payment subagent, 16 attorney, 32 commissioner, 64 other agent.

use crate::text::cp866;

/// A tag number of the ФФД.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(pub u16);

impl Tag {
    /// Кассир (1021).
    pub const CASHIER: Tag = Tag(1021);
    /// Операция платёжного агента (1044).
    pub const AGENT_OPERATION: Tag = Tag(1044);
    /// Признак агента, receipt level (1057).
    pub const AGENT_SIGN: Tag = Tag(1057);
    /// Телефон платёжного агента (1073).
    pub const AGENT_PHONE: Tag = Tag(1073);
    /// Телефон оператора по приёму платежей (1074).
    pub const PAYMENT_OPERATOR_PHONE: Tag = Tag(1074);
    /// Телефон поставщика (1171).
    pub const SUPPLIER_PHONE: Tag = Tag(1171);
    /// ИНН кассира (1203).
    pub const CASHIER_TAX_ID: Tag = Tag(1203);
    /// Признак агента по предмету расчёта, line level (1222).
    pub const LINE_AGENT_SIGN: Tag = Tag(1222);
    /// Данные агента, STLV (1223).
    pub const AGENT_DATA: Tag = Tag(1223);
    /// Данные поставщика, STLV (1224).
    pub const SUPPLIER_DATA: Tag = Tag(1224);
    /// Наименование поставщика (1225).
    pub const SUPPLIER_NAME: Tag = Tag(1225);
    /// ИНН поставщика (1226).
    pub const SUPPLIER_TAX_ID: Tag = Tag(1226);
}

/// Agent sign bit: платёжный агент (1057, 1222).
pub const PAYMENT_AGENT: u8 = 0x04;

/// One TLV: a tag with bytes, or with TLVs inside (an STLV).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tlv {
    /// A plain value.
    Value(Tag, Vec<u8>),
    /// A structure of TLVs.
    Structure(Tag, Vec<Tlv>),
}

impl Tlv {
    /// A string value in the ФН's code page (characters it lacks become '?').
    pub fn text(tag: Tag, s: &str) -> Tlv {
        Tlv::Value(tag, cp866(s))
    }

    /// A one-byte value (a flag mask).
    pub fn byte(tag: Tag, b: u8) -> Tlv {
        Tlv::Value(tag, vec![b])
    }

    /// A tax id: 12 characters, a 10-digit one padded with spaces (ФФД: ИНН is a
    /// string of 12).
    pub fn tax_id(tag: Tag, id: &str) -> Tlv {
        Tlv::Value(tag, format!("{:<12}", id.trim()).into_bytes())
    }

    /// Its tag.
    pub fn tag(&self) -> Tag {
        match self {
            Tlv::Value(t, _) | Tlv::Structure(t, _) => *t,
        }
    }

    /// Its bytes on the wire.
    pub fn encode(&self) -> Vec<u8> {
        let (tag, value) = match self {
            Tlv::Value(t, v) => (*t, v.clone()),
            Tlv::Structure(t, inner) => (*t, inner.iter().flat_map(Tlv::encode).collect()),
        };
        let mut out = Vec::with_capacity(value.len() + 4);
        out.extend_from_slice(&tag.0.to_le_bytes());
        out.extend_from_slice(&(value.len() as u16).to_le_bytes());
        out.extend_from_slice(&value);
        out
    }
}

/// The tags that are structures (their values are read as TLVs).
const STRUCTURES: [Tag; 2] = [Tag::AGENT_DATA, Tag::SUPPLIER_DATA];

/// Why bytes are not TLVs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("TLV cut short at byte {at}")]
pub struct TlvError {
    /// Where.
    pub at: usize,
}

/// Reads TLVs back (structures by [`STRUCTURES`]).
pub fn decode(mut bytes: &[u8]) -> Result<Vec<Tlv>, TlvError> {
    let total = bytes.len();
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let at = total - bytes.len();
        if bytes.len() < 4 {
            return Err(TlvError { at });
        }
        let tag = Tag(u16::from_le_bytes([bytes[0], bytes[1]]));
        let len = u16::from_le_bytes([bytes[2], bytes[3]]) as usize;
        let value = bytes.get(4..4 + len).ok_or(TlvError { at })?;
        out.push(if STRUCTURES.contains(&tag) {
            Tlv::Structure(
                tag,
                decode(value).map_err(|e| TlvError { at: at + 4 + e.at })?,
            )
        } else {
            Tlv::Value(tag, value.to_vec())
        });
        bytes = &bytes[4 + len..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_numbers_are_the_ffd_ones() {
        let table = [
            (Tag::CASHIER, 1021),
            (Tag::AGENT_OPERATION, 1044),
            (Tag::AGENT_SIGN, 1057),
            (Tag::AGENT_PHONE, 1073),
            (Tag::PAYMENT_OPERATOR_PHONE, 1074),
            (Tag::SUPPLIER_PHONE, 1171),
            (Tag::CASHIER_TAX_ID, 1203),
            (Tag::LINE_AGENT_SIGN, 1222),
            (Tag::AGENT_DATA, 1223),
            (Tag::SUPPLIER_DATA, 1224),
            (Tag::SUPPLIER_NAME, 1225),
            (Tag::SUPPLIER_TAX_ID, 1226),
        ];
        for (tag, n) in table {
            assert_eq!(tag.0, n);
        }
        assert_eq!(PAYMENT_AGENT, 4);
    }

    #[test]
    fn a_structure_encodes_its_inner_tlvs_and_reads_back() {
        let s = Tlv::Structure(
            Tag::SUPPLIER_DATA,
            vec![
                Tlv::text(Tag::SUPPLIER_PHONE, "+78005500500"),
                Tlv::text(Tag::SUPPLIER_NAME, "МТС"),
            ],
        );
        let bytes = s.encode();
        // 1224 = 0x04C8; inner: 4+12 and 4+3 bytes.
        assert_eq!(&bytes[..4], &[0xC8, 0x04, 23, 0]);
        // "МТС" in CP866: М 8Ch, Т 92h, С 91h.
        assert!(bytes.ends_with(&[0xC9, 0x04, 3, 0, 0x8C, 0x92, 0x91]));
        assert_eq!(decode(&bytes).unwrap(), vec![s]);
        assert!(decode(&bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn a_ten_digit_tax_id_is_padded_to_twelve() {
        assert_eq!(
            Tlv::tax_id(Tag::SUPPLIER_TAX_ID, "7740000076").encode()[4..],
            *b"7740000076  "
        );
    }
}
