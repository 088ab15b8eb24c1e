//! The controls of a list page: links to the neighbouring pages, and the choices of a filter.

use crate::edge::extract::encode;

/// A choice in a filter's drop-down.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Links to the neighbouring pages of a list, keeping its filters.
pub struct Pager {
    pub previous: Option<String>,
    pub next: Option<String>,
    pub number: u32,
}

impl Pager {
    /// The address of page `page` of the list at `path` with these filters (empty ones left out).
    pub fn link(path: &str, params: &[(&str, String)], page: u32) -> String {
        let mut pairs: Vec<String> = params
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        if page > 1 {
            pairs.push(format!("page={page}"));
        }
        if pairs.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", pairs.join("&"))
        }
    }

    pub fn new(path: &str, params: &[(&str, String)], number: u32, has_next: bool) -> Self {
        let link = |page: u32| Self::link(path, params, page);
        Self {
            previous: (number > 1).then(|| link(number - 1)),
            next: has_next.then(|| link(number + 1)),
            number,
        }
    }
}
