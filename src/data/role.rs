//! What a column *means*, as opposed to how its values are stored.

use serde::{Deserialize, Serialize};

/// The role of a column: decides how health checks and models treat it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnRole {
    /// A quantity: amounts, counts, measurements.
    Number,
    /// One of a limited set of labels: country, contract type.
    Category,
    /// Two states: yes/no, true/false, 0/1.
    Boolean,
    /// A date or a moment in time.
    Datetime,
    /// Free-form writing: comments, descriptions, names.
    Text,
    /// A code that names a row or what it is about: customer number, ticket id.
    Identifier,
}

impl ColumnRole {
    /// Every role, in the order a menu shows them.
    pub const ALL: [ColumnRole; 6] = [
        Self::Number,
        Self::Category,
        Self::Boolean,
        Self::Datetime,
        Self::Text,
        Self::Identifier,
    ];

    /// The stable machine name (`number`, `category`, ...), as in JSON output.
    pub fn key(self) -> &'static str {
        match self {
            Self::Number => "number",
            Self::Category => "category",
            Self::Boolean => "boolean",
            Self::Datetime => "datetime",
            Self::Text => "text",
            Self::Identifier => "identifier",
        }
    }

    /// The word the screen shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Number => "Number",
            Self::Category => "Category",
            Self::Boolean => "Yes/no",
            Self::Datetime => "Date/time",
            Self::Text => "Free text",
            Self::Identifier => "Identifier",
        }
    }

    /// One sentence on what the role means and how Clearbox uses it.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::Number => "A quantity such as an amount or a count; models use its size.",
            Self::Category => "One of a limited set of labels; models learn each label's effect.",
            Self::Boolean => "One of two states, such as yes or no.",
            Self::Datetime => "A date or time; models use parts such as month and weekday.",
            Self::Text => "Free-form writing; models leave it out for now.",
            Self::Identifier => {
                "A code such as a customer number; it names a row but predicts nothing, \
                 so models leave it out."
            }
        }
    }
}

impl std::str::FromStr for ColumnRole {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.key().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!(
                    "'{s}' is not a column role. Use one of: number, category, boolean, \
                     datetime, text, identifier."
                )
            })
    }
}
