//! The profile-field policy (seeds' table): which fields a user's profile shows and
//! which of them the user may edit. First Name, Last Name and Profile Picture are always
//! shown; the controlled fields are hidden until an admin enables them. Each save is a
//! new version, and a session keeps the version it signed in with: changes take effect
//! at the user's next sign-in. Values are checked here, the same in the browser and on
//! the server: lengths, phone numbers, postal codes, and countries from ISO 3166.

pub mod inputs;
#[cfg(feature = "ssr")]
pub mod store;

use crate::error::{AppError, Problem};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// ISO 3166-1 alpha-2 codes with their English and Japanese names (CLDR).
static COUNTRIES: &str = include_str!("../../data/countries.tsv");

/// The longest value of most fields, in characters.
const MAX_TEXT_CHARS: usize = 100;
/// The longest address line.
const MAX_ADDRESS_CHARS: usize = 200;
/// The longest employee id.
const MAX_EMPLOYEE_ID_CHARS: usize = 64;

/// One field of a user's profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileField {
    FirstName,
    LastName,
    Picture,
    Company,
    Department,
    Title,
    MobilePhone,
    WorkPhone,
    AddressLine1,
    AddressLine2,
    City,
    State,
    Zip,
    Country,
    EmployeeId,
}

/// How a value of a field is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text(usize),
    Phone,
    Zip,
    Country,
}

impl ProfileField {
    /// Every field, in the order the seeds' table lists them.
    pub const ALL: [ProfileField; 15] = [
        Self::FirstName,
        Self::LastName,
        Self::Picture,
        Self::Company,
        Self::Department,
        Self::Title,
        Self::MobilePhone,
        Self::WorkPhone,
        Self::AddressLine1,
        Self::AddressLine2,
        Self::City,
        Self::State,
        Self::Zip,
        Self::Country,
        Self::EmployeeId,
    ];

    /// The controlled fields: hidden until enabled, their values kept per user.
    pub fn controlled() -> impl Iterator<Item = ProfileField> {
        Self::ALL.into_iter().filter(|field| !field.is_default())
    }

    /// The stored and wire name, e.g. `mobile_phone`.
    pub const fn key(self) -> &'static str {
        match self {
            Self::FirstName => "first_name",
            Self::LastName => "last_name",
            Self::Picture => "picture",
            Self::Company => "company",
            Self::Department => "department",
            Self::Title => "title",
            Self::MobilePhone => "mobile_phone",
            Self::WorkPhone => "work_phone",
            Self::AddressLine1 => "address_line1",
            Self::AddressLine2 => "address_line2",
            Self::City => "city",
            Self::State => "state",
            Self::Zip => "zip",
            Self::Country => "country",
            Self::EmployeeId => "employee_id",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.key() == key)
    }

    /// First Name, Last Name and Profile Picture: always shown.
    pub const fn is_default(self) -> bool {
        matches!(self, Self::FirstName | Self::LastName | Self::Picture)
    }

    const fn kind(self) -> Kind {
        match self {
            Self::MobilePhone | Self::WorkPhone => Kind::Phone,
            Self::Zip => Kind::Zip,
            Self::Country => Kind::Country,
            Self::AddressLine1 | Self::AddressLine2 => Kind::Text(MAX_ADDRESS_CHARS),
            Self::EmployeeId => Kind::Text(MAX_EMPLOYEE_ID_CHARS),
            _ => Kind::Text(MAX_TEXT_CHARS),
        }
    }

    /// Whether the field is chosen from the list of countries.
    pub fn is_country(self) -> bool {
        self.kind() == Kind::Country
    }

    /// The value as stored (trimmed; a country as its upper-case code; empty clears the
    /// field), or the problem with it.
    pub fn parse_value(self, raw: &str) -> Result<String, Problem> {
        let value = raw.trim();
        if value.chars().any(char::is_control) {
            return Err(Problem::ControlCharacters);
        }
        if value.is_empty() {
            return Ok(String::new());
        }
        let max = match self.kind() {
            Kind::Text(max) => max,
            _ => MAX_TEXT_CHARS,
        };
        if value.chars().count() > max {
            return Err(Problem::TooLong { max: max as u32 });
        }
        match self.kind() {
            Kind::Text(_) => Ok(value.to_owned()),
            Kind::Phone if is_phone_number(value) => Ok(value.to_owned()),
            Kind::Phone => Err(Problem::NotAPhoneNumber),
            Kind::Zip if is_postal_code(value) => Ok(value.to_uppercase()),
            Kind::Zip => Err(Problem::NotAPostalCode),
            Kind::Country => {
                let code = value.to_uppercase();
                if countries().any(|(known, _, _)| known == code) {
                    Ok(code)
                } else {
                    Err(Problem::NotACountry)
                }
            }
        }
    }
}

/// A phone number as people write it: an optional `+`, then 6 to 15 digits, grouped by
/// spaces, dashes, dots or parentheses (ITU E.164 allows 15 digits at most).
fn is_phone_number(value: &str) -> bool {
    let body = value.strip_prefix('+').unwrap_or(value);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    body.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')'))
        && (6..=15).contains(&digits)
}

/// A postal code of any country: 2 to 10 letters and digits, with spaces or dashes
/// between them.
fn is_postal_code(value: &str) -> bool {
    let significant = value.chars().filter(char::is_ascii_alphanumeric).count();
    value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
        && (2..=10).contains(&significant)
        && value.starts_with(|c: char| c.is_ascii_alphanumeric())
}

/// Every country: its code, English name and Japanese name.
pub fn countries() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    COUNTRIES
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let mut columns = line.split('\t');
            Some((columns.next()?, columns.next()?, columns.next()?))
        })
}

/// Whether a field is shown and whether its user may edit it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldRule {
    pub enabled: bool,
    pub editable: bool,
}

/// The account's profile-field policy: a rule for every field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProfilePolicy(BTreeMap<ProfileField, FieldRule>);

impl Default for ProfilePolicy {
    /// The default fields shown and editable; the controlled ones hidden.
    fn default() -> Self {
        Self(
            ProfileField::ALL
                .into_iter()
                .map(|field| {
                    let shown = field.is_default();
                    let rule = FieldRule {
                        enabled: shown,
                        editable: shown,
                    };
                    (field, rule)
                })
                .collect(),
        )
    }
}

impl ProfilePolicy {
    /// The rule of `field`; a field the policy does not name keeps its default.
    pub fn rule(&self, field: ProfileField) -> FieldRule {
        self.0.get(&field).copied().unwrap_or(FieldRule {
            enabled: field.is_default(),
            editable: field.is_default(),
        })
    }

    /// Whether the user may change `field` themself.
    pub fn user_may_edit(&self, field: ProfileField) -> bool {
        let rule = self.rule(field);
        rule.enabled && rule.editable
    }

    /// The controlled fields the policy shows, in order.
    pub fn shown_controlled(&self) -> Vec<ProfileField> {
        ProfileField::controlled()
            .filter(|field| self.rule(*field).enabled)
            .collect()
    }

    /// A saved policy: every field named, a hidden field never editable; 400 when it
    /// hides a default field.
    pub fn parse(&self) -> Result<Self, AppError> {
        let mut rules = BTreeMap::new();
        for field in ProfileField::ALL {
            let rule = self.rule(field);
            if field.is_default() && !rule.enabled {
                return Err(AppError::invalid(field.key(), Problem::AlwaysShown));
            }
            let editable = rule.enabled && rule.editable;
            rules.insert(
                field,
                FieldRule {
                    enabled: rule.enabled,
                    editable,
                },
            );
        }
        Ok(Self(rules))
    }

    /// `field` set to `rule`.
    pub fn with(mut self, field: ProfileField, rule: FieldRule) -> Self {
        self.0.insert(field, rule);
        self
    }
}

/// The values of a user's controlled fields, by field; a field without a value is
/// absent.
pub type FieldValues = BTreeMap<ProfileField, String>;

/// Each value of `edits` as stored, or 400 naming the first field whose value is wrong.
pub fn parse_values(edits: &FieldValues) -> Result<FieldValues, AppError> {
    edits
        .iter()
        .map(|(field, raw)| {
            if field.is_default() {
                return Err(AppError::invalid(field.key(), Problem::ReadOnly));
            }
            field
                .parse_value(raw)
                .map(|value| (*field, value))
                .map_err(|problem| AppError::invalid(field.key(), problem))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_digits_as_people_group_them() {
        for good in [
            "+81 3-1234-5678",
            "(555) 010-9999",
            "020 7946 0958",
            "+4915112345678",
        ] {
            assert_eq!(
                ProfileField::MobilePhone.parse_value(good),
                Ok(good.to_owned()),
                "{good}"
            );
        }
        for bad in ["12345", "call me", "+1 555 0100 ext 7", "1234567890123456"] {
            assert_eq!(
                ProfileField::WorkPhone.parse_value(bad),
                Err(Problem::NotAPhoneNumber),
                "{bad}"
            );
        }
    }

    #[test]
    fn postal_codes_and_countries_are_checked_and_stored_in_upper_case() {
        assert_eq!(
            ProfileField::Zip.parse_value(" sw1a 1aa "),
            Ok("SW1A 1AA".into())
        );
        assert_eq!(
            ProfileField::Zip.parse_value("100-0001"),
            Ok("100-0001".into())
        );
        assert_eq!(
            ProfileField::Zip.parse_value("1"),
            Err(Problem::NotAPostalCode)
        );
        assert_eq!(
            ProfileField::Zip.parse_value("12#45"),
            Err(Problem::NotAPostalCode)
        );
        assert_eq!(ProfileField::Country.parse_value("jp"), Ok("JP".into()));
        assert_eq!(
            ProfileField::Country.parse_value("Japan"),
            Err(Problem::NotACountry)
        );
        assert_eq!(
            ProfileField::Country.parse_value("XX"),
            Err(Problem::NotACountry)
        );
        assert_eq!(countries().count(), 249);
    }

    #[test]
    fn lengths_and_control_characters_are_refused_and_blank_clears() {
        assert_eq!(
            ProfileField::Department.parse_value("  "),
            Ok(String::new())
        );
        assert_eq!(
            ProfileField::Department.parse_value(&"x".repeat(101)),
            Err(Problem::TooLong { max: 100 })
        );
        assert!(
            ProfileField::AddressLine1
                .parse_value(&"x".repeat(200))
                .is_ok()
        );
        assert_eq!(
            ProfileField::Title.parse_value("a\u{7}b"),
            Err(Problem::ControlCharacters)
        );
    }

    #[test]
    fn a_policy_never_hides_a_default_field_and_a_hidden_field_is_never_editable() {
        let hidden_name = ProfilePolicy::default().with(
            ProfileField::LastName,
            FieldRule {
                enabled: false,
                editable: false,
            },
        );
        assert_eq!(
            hidden_name.parse(),
            Err(AppError::invalid("last_name", Problem::AlwaysShown))
        );
        let odd = ProfilePolicy::default().with(
            ProfileField::Company,
            FieldRule {
                enabled: false,
                editable: true,
            },
        );
        assert!(!odd.parse().unwrap().rule(ProfileField::Company).editable);
        assert_eq!(ProfilePolicy::default().shown_controlled(), []);
    }

    #[test]
    fn an_unknown_field_or_rule_is_refused_when_read() {
        assert!(
            serde_json::from_str::<ProfilePolicy>(
                r#"{"shoe_size":{"enabled":true,"editable":true}}"#
            )
            .is_err()
        );
        assert!(
            serde_json::from_str::<ProfilePolicy>(
                r#"{"company":{"enabled":true,"editable":true,"x":1}}"#
            )
            .is_err()
        );
        let named: ProfilePolicy =
            serde_json::from_str(r#"{"company":{"enabled":true,"editable":false}}"#).unwrap();
        assert!(named.rule(ProfileField::Company).enabled);
        assert!(named.rule(ProfileField::FirstName).editable);
    }

    #[test]
    fn a_default_field_has_no_stored_value() {
        let mut edits = FieldValues::new();
        edits.insert(ProfileField::FirstName, "Ann".into());
        assert_eq!(
            parse_values(&edits),
            Err(AppError::invalid("first_name", Problem::ReadOnly))
        );
    }
}
