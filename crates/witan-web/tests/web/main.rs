//! The site through its router: real HTTP requests against a demo store on SQLite (`kit.rs`
//! makes the site).

mod api;
mod cache;
mod edge;
mod errors;
mod kit;
mod leak;
mod leak_random;
mod oparl;
mod pages;
mod registers;
mod search;
mod sign_in;
mod snapshots;
mod workspace;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use kit::{encode, far_future, get, site};
use tower::ServiceExt;
use witan_domain::{Audience, Id, IssueId};
use witan_store::{ItemEntry, Page, Store, When};
