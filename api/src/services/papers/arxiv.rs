//! arXiv identifiers: parsed once at the edge into [`ArxivId`].

use std::fmt;

/// An arXiv identifier without its version: new style `2309.00916` (`YYMM.NNNN` or
/// `YYMM.NNNNN`) or old style `hep-th/9901001` (`archive[.SUBJ]/YYMMNNN`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ArxivId(String);

impl ArxivId {
    /// Parses an identifier, accepting and dropping a version suffix (`2309.00916v2`) and an
    /// `arXiv:` prefix.
    pub fn parse(input: &str) -> Option<Self> {
        let trimmed = input.trim();
        let trimmed = trimmed
            .strip_prefix("arXiv:")
            .or_else(|| trimmed.strip_prefix("arxiv:"))
            .unwrap_or(trimmed);
        let id = strip_version(trimmed);
        (is_new_style(id) || is_old_style(id)).then(|| Self(id.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ArxivId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn strip_version(id: &str) -> &str {
    match id.rfind('v') {
        Some(at) if at + 1 < id.len() && id[at + 1..].bytes().all(|b| b.is_ascii_digit()) => {
            &id[..at]
        }
        _ => id,
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn valid_month(yymm: &str) -> bool {
    yymm.get(2..4)
        .and_then(|m| m.parse::<u8>().ok())
        .is_some_and(|m| (1..=12).contains(&m))
}

fn is_new_style(id: &str) -> bool {
    let Some((yymm, number)) = id.split_once('.') else {
        return false;
    };
    yymm.len() == 4
        && all_digits(yymm)
        && valid_month(yymm)
        && (number.len() == 4 || number.len() == 5)
        && all_digits(number)
}

fn is_old_style(id: &str) -> bool {
    let Some((archive, number)) = id.split_once('/') else {
        return false;
    };
    let (name, subject) = archive.split_once('.').unwrap_or((archive, ""));
    let name_ok = !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        && !name.starts_with('-');
    let subject_ok = subject.is_empty()
        || (subject.len() == 2 && subject.bytes().all(|b| b.is_ascii_uppercase()));
    name_ok && subject_ok && number.len() == 7 && all_digits(number) && valid_month(number)
}

#[cfg(test)]
mod tests {
    use super::ArxivId;

    #[test]
    fn accepts_new_and_old_styles_and_drops_versions() {
        for (input, id) in [
            ("2309.00916", "2309.00916"),
            ("2309.00916v2", "2309.00916"),
            ("0704.0001", "0704.0001"),
            ("arXiv:2401.05566", "2401.05566"),
            ("hep-th/9901001", "hep-th/9901001"),
            ("hep-th/9901001v3", "hep-th/9901001"),
            ("math.GT/0309136", "math.GT/0309136"),
        ] {
            assert_eq!(
                ArxivId::parse(input).map(|a| a.to_string()),
                Some(id.to_owned()),
                "{input}"
            );
        }
    }

    #[test]
    fn refuses_malformed_ids() {
        for input in [
            "",
            "2309",
            "2309.009",
            "2313.00916",
            "23a9.00916",
            "2309.00916v",
            "hep-th/99",
            "HEP/9901001",
            "../etc/passwd",
            "2309.00916 OR 1=1",
        ] {
            assert!(ArxivId::parse(input).is_none(), "{input}");
        }
    }
}
