//! The Shtrih-M standard lower level: control bytes and the STX frame.
//!
//! Source: «Протокол работы ККТ с ФН» v1.17 (Штрих-М, 2021), section «Стандартный
//! нижний уровень», p. 8–9: `STX, N, command, data…, LRC` where N counts the command
//! and data bytes (not STX, N or LRC) and LRC is the XOR of every byte after STX.
//! Control bytes (p. 9, «Коды знаков»): ENQ 05h, STX 02h, ACK 06h, NAK 15h.

/// Enquiry: "are you ready / do you have an answer for me?"
pub const ENQ: u8 = 0x05;
/// Start of a frame.
pub const STX: u8 = 0x02;
/// The frame was received whole (or: an answer is being prepared).
pub const ACK: u8 = 0x06;
/// A line error (or: waiting for a command).
pub const NAK: u8 = 0x15;

/// The most command + data bytes one frame carries (N is one byte).
pub const MAX_BODY: usize = 255;

/// LRC: the XOR of the length byte and the body.
pub fn lrc(len: u8, body: &[u8]) -> u8 {
    body.iter().fold(len, |acc, b| acc ^ b)
}

/// A frame around `body` (command code and data).
///
/// # Panics
/// When `body` is empty or longer than [`MAX_BODY`]: every command is built by
/// this crate with its size known, so that is a bug here, not bad input.
pub fn encode(body: &[u8]) -> Vec<u8> {
    assert!(
        !body.is_empty() && body.len() <= MAX_BODY,
        "a frame body is 1 to 255 bytes, got {}",
        body.len()
    );
    let len = body.len() as u8;
    let mut out = Vec::with_capacity(body.len() + 3);
    out.push(STX);
    out.push(len);
    out.extend_from_slice(body);
    out.push(lrc(len, body));
    out
}

/// Why bytes are not a frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// The first byte is not STX.
    #[error("no STX at the start (got {0:#04x})")]
    NoStx(u8),
    /// Fewer bytes than the length byte announces.
    #[error("frame cut short: {got} of {want} bytes")]
    Short {
        /// Bytes present.
        got: usize,
        /// Bytes announced (whole frame).
        want: usize,
    },
    /// The LRC does not match.
    #[error("LRC mismatch: computed {computed:#04x}, received {received:#04x}")]
    Lrc {
        /// What the body gives.
        computed: u8,
        /// What came on the line.
        received: u8,
    },
    /// A zero length byte.
    #[error("empty frame")]
    Empty,
}

/// The body of one whole frame (`STX N body LRC`), checked.
pub fn decode(bytes: &[u8]) -> Result<&[u8], FrameError> {
    let (&first, rest) = bytes
        .split_first()
        .ok_or(FrameError::Short { got: 0, want: 3 })?;
    if first != STX {
        return Err(FrameError::NoStx(first));
    }
    let &len = rest.first().ok_or(FrameError::Short { got: 1, want: 3 })?;
    if len == 0 {
        return Err(FrameError::Empty);
    }
    let want = len as usize + 3;
    if bytes.len() < want {
        return Err(FrameError::Short {
            got: bytes.len(),
            want,
        });
    }
    let body = &bytes[2..2 + len as usize];
    let received = bytes[2 + len as usize];
    let computed = lrc(len, body);
    if computed != received {
        return Err(FrameError::Lrc { computed, received });
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked examples captured from a device in re-star-ru/shtrih-m-driver
    /// `docs/out.txt` (MIT): cancel receipt (88h) with password 30, and its answer.
    #[test]
    fn frames_match_bytes_captured_from_a_device() {
        assert_eq!(
            encode(&[0x88, 0x1E, 0x00, 0x00, 0x00]),
            [0x02, 0x05, 0x88, 0x1E, 0x00, 0x00, 0x00, 0x93]
        );
        assert_eq!(
            decode(&[0x02, 0x03, 0x88, 0x00, 0x1E, 0x95]).unwrap(),
            [0x88, 0x00, 0x1E]
        );
        // Short status (10h) with password 30.
        assert_eq!(
            encode(&[0x10, 0x1E, 0x00, 0x00, 0x00]),
            [0x02, 0x05, 0x10, 0x1E, 0x00, 0x00, 0x00, 0x0B]
        );
        // FN status (FF01h) with password 30.
        assert_eq!(
            encode(&[0xFF, 0x01, 0x1E, 0x00, 0x00, 0x00]),
            [0x02, 0x06, 0xFF, 0x01, 0x1E, 0x00, 0x00, 0x00, 0xE6]
        );
    }

    #[test]
    fn a_damaged_frame_is_refused() {
        let mut f = encode(&[0x10, 1, 2, 3, 4]);
        f[3] ^= 0x40;
        assert!(matches!(decode(&f), Err(FrameError::Lrc { .. })));
        assert_eq!(decode(&f[..4]), Err(FrameError::Short { got: 4, want: 8 }));
        assert_eq!(decode(&[0x06]), Err(FrameError::NoStx(0x06)));
    }

    proptest::proptest! {
        #[test]
        fn every_body_round_trips(body in proptest::collection::vec(proptest::num::u8::ANY, 1..=255)) {
            let f = encode(&body);
            proptest::prop_assert_eq!(decode(&f).unwrap(), &body[..]);
        }
    }
}
