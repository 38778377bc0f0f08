//! Codes people type or open as links (group join codes, invites): drawn from the operating
//! system's CSPRNG, from an alphabet without look-alikes, and read back however they were typed.

/// Capital letters and digits that cannot be mistaken for one another on a small screen or
/// read aloud: no 0/O, 1/I/L. Thirty-one characters, so six of them make 887 million codes.
pub const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A uniformly random code of `len` characters of `ALPHABET`.
pub fn new_code(len: usize) -> Result<String, getrandom::Error> {
    // The largest multiple of the alphabet's size that fits in a byte: bytes at or above it
    // are drawn again, so every character is equally likely.
    let n = ALPHABET.len();
    let limit = (256 / n * n) as u8;
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes)?;
        for b in bytes {
            if b < limit && out.len() < len {
                out.push(ALPHABET[usize::from(b) % n] as char);
            }
        }
    }
    Ok(out)
}

/// A code as typed: spaces and dashes aside, lower case as upper ("abc-234", "ABC 234").
/// `None` when it is not `len` characters of the alphabet (a look-alike such as O or 1 is
/// never part of a code, so it is refused rather than guessed at).
pub fn parse_code(typed: &str, len: usize) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let valid = code.len() == len && code.bytes().all(|b| ALPHABET.contains(&b));
    valid.then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_the_alphabet_and_vary() {
        let codes: std::collections::HashSet<String> =
            (0..200).map(|_| new_code(6).unwrap()).collect();
        assert_eq!(
            codes.len(),
            200,
            "six characters of 31 rarely repeat in 200 draws"
        );
        for c in &codes {
            assert_eq!(parse_code(c, 6).as_deref(), Some(c.as_str()));
        }
        let all: String = codes.iter().map(String::as_str).collect();
        for look_alike in ['0', 'O', '1', 'I', 'L'] {
            assert!(!all.contains(look_alike), "{look_alike}");
        }
    }

    #[test]
    fn every_character_is_drawn() {
        let all: String = (0..100).map(|_| new_code(20).unwrap()).collect();
        for &b in ALPHABET {
            assert!(all.contains(b as char), "{}", b as char);
        }
    }

    #[test]
    fn codes_are_read_as_typed() {
        assert_eq!(parse_code("abc-234", 6).as_deref(), Some("ABC234"));
        assert_eq!(parse_code(" AB C2 34 ", 6).as_deref(), Some("ABC234"));
        for bad in [
            "ABC23", "ABC2345", "ABO234", "AB1234", "ABL234", "", "ÁBC234",
        ] {
            assert_eq!(parse_code(bad, 6), None, "{bad}");
        }
    }
}
