//! Data intake: reading files into a [`Table`], inferring column roles, and
//! recording the user's changes in a [`Recipe`].

pub mod csv;
pub mod export;
pub mod infer;
pub mod load;
pub mod parquet;
pub mod profile;
pub mod recipe;
mod records;
pub mod role;
pub mod rows;
pub mod sniff;
pub mod summary;
pub mod table;
pub mod text_builder;
pub mod written;

pub use load::{DataSource, fingerprint, fingerprint_of, load};
pub use recipe::{Fix, Recipe};
pub use role::ColumnRole;
pub use summary::PerKey;
pub use table::{Column, ColumnValues, Table, TableOrigin, TextValues};
