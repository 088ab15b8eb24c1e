//! The behaviour every store must show, written once against the [`Store`] trait, one story a
//! function, grouped by theme.
//!
//! Each backend's tests run every story on a fresh, empty store, one test per story per backend
//! (see `tests/store/suite.rs`, whose `stories!` list names each story once). A story panics with
//! a message saying what went wrong. [`kit`] is the test kit every crate's tests share.

#![allow(clippy::unwrap_used)]

mod accounts;
mod alerts;
mod escalations;
mod exempt;
pub mod kit;
mod minutes;
mod open_data;
mod records;
mod registers;
mod search;

pub use accounts::*;
pub use alerts::*;
pub use escalations::*;
pub use exempt::*;
pub use minutes::*;
pub use open_data::*;
pub use records::*;
pub use registers::*;
pub use search::*;

use crate::*;
use kit::{Council, at, council, date, item, meeting, minutes, text, title};
use witan_domain::*;

fn open_items(record: &MeetingRecord) -> Vec<&ItemRecord> {
    record
        .agenda
        .as_ref()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            ItemEntry::Open(r) => Some(r.as_ref()),
            ItemEntry::Withheld { .. } => None,
        })
        .collect()
}
