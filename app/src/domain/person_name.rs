//! A person's first or last name, parsed the same way in the browser and on the server.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// A first or last name: trimmed, 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

/// Why a text is not a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("Enter a name.")]
    Empty,
    #[error("A name is at most {MAX_NAME_CHARS} characters.")]
    TooLong,
    #[error("A name cannot contain control characters.")]
    ControlCharacter,
}

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, NameError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(NameError::TooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(NameError::ControlCharacter);
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PersonName {
    type Error = NameError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PersonName> for String {
    fn from(name: PersonName) -> Self {
        name.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_must_be_short_printable_and_present() {
        assert_eq!(PersonName::parse("  Ann ").unwrap().as_str(), "Ann");
        assert_eq!(PersonName::parse(" "), Err(NameError::Empty));
        assert_eq!(
            PersonName::parse("a\u{7}b"),
            Err(NameError::ControlCharacter)
        );
        assert_eq!(
            PersonName::parse(&"x".repeat(MAX_NAME_CHARS + 1)),
            Err(NameError::TooLong)
        );
        assert!(PersonName::parse(&"渡".repeat(MAX_NAME_CHARS)).is_ok());
    }

    proptest! {
        #[test]
        fn a_parsed_name_parses_again_to_itself(input in "\\PC{0,120}") {
            if let Ok(name) = PersonName::parse(&input) {
                prop_assert_eq!(PersonName::parse(name.as_str()), Ok(name.clone()));
            }
        }
    }
}
