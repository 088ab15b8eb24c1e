//! The bottom layer of the web crate: what every surface (the public site, the JSON API, OParl,
//! the workspace) shares, and nothing that knows any of them.
//!
//! - [`error`]: the one classification of every failure and its three renderings;
//! - [`extract`]: typed path ids, query parameters and paging;
//! - [`forms`]: submitted form fields, checked one by one;
//! - [`answer`]: JSON and HTML answers;
//! - [`caching`]: ETags and the page cache;
//! - [`client`]: who is asking, as far as trusted proxies tell;
//! - [`downloads`]: a document's file, sent with the headers that keep it safe to open;
//! - [`limits`]: security headers and the limits on requests.
//!
//! Nothing here imports a handler module: the route table says which routes the page cache
//! keeps, and each channel's error rendering lives in [`error`].

pub mod answer;
pub mod caching;
pub mod client;
pub mod downloads;
pub mod error;
pub mod extract;
pub mod forms;
mod latest;
pub mod limits;
