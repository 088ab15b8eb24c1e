//! The crawl of the public site as a reader without a session, and what counts as a leak.

use super::*;

/// One answer: its status, headers as text, and body.
pub(super) struct Answer {
    pub(super) url: String,
    pub(super) status: StatusCode,
    pub(super) headers: String,
    pub(super) location: Option<String>,
    pub(super) body: String,
}

pub(super) async fn fetch(router: axum::Router, url: String) -> Answer {
    let response = router
        .oneshot(
            Request::get(request_target(&url))
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    let status = response.status();
    let mut headers = String::new();
    for (name, value) in response.headers() {
        headers += &format!("{name}: {}\n", String::from_utf8_lossy(value.as_bytes()));
    }
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
        .await
        .expect("body");
    Answer {
        url,
        status,
        headers,
        location,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A URL as a request target: characters a URI may not hold are percent-encoded.
pub(super) fn request_target(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii_graphic() && !"{}|\\^`<>\"".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out += &format!("%{b:02X}");
            }
        }
    }
    out
}

/// The site's own address in feeds: requests without a Host header are answered for localhost.
pub(super) const ORIGINS: &[&str] = &["http://localhost", "https://localhost"];

/// A link as the crawl keeps it: a path on this site with its query, without the fragment and
/// with HTML's `&amp;` undone. None for other sites and non-links.
pub(super) fn same_site(raw: &str) -> Option<String> {
    let mut link = raw.trim().replace("&amp;", "&").replace("&#38;", "&");
    for origin in ORIGINS {
        if let Some(rest) = link.strip_prefix(origin) {
            if rest.is_empty() {
                link = "/".to_owned();
            } else if rest.starts_with('/') {
                link = rest.to_owned();
            } else if rest.starts_with(':') {
                // Another port is another site.
                return None;
            }
            break;
        }
    }
    if !link.starts_with('/') || link.starts_with("//") {
        return None;
    }
    if link
        .chars()
        .any(|c| c.is_whitespace() || "<>\"".contains(c))
        || link.len() > 2_000
    {
        return None;
    }
    if let Some(hash) = link.find('#') {
        link.truncate(hash);
    }
    Some(link)
}

/// Every same-site link in a body: quoted strings (HTML attributes, JSON values) that are paths,
/// and absolute URLs of this site wherever they stand (Atom ids, iCalendar URL lines).
pub(super) fn links(body: &str) -> Vec<String> {
    let mut found = Vec::new();
    // Every piece between double quotes, not only every other one: an escaped quote in JSON
    // would shift the count, and a piece outside quotes is never a bare path.
    for quoted in body.split('"') {
        if let Some(link) = same_site(quoted) {
            found.push(link);
        }
    }
    for piece in body.split('\'').skip(1).step_by(2) {
        if piece.starts_with('/')
            && let Some(link) = same_site(piece)
        {
            found.push(link);
        }
    }
    for origin in ORIGINS {
        let mut rest = body;
        while let Some(at) = rest.find(origin) {
            let tail = &rest[at..];
            let end = tail
                .find(|c: char| c.is_whitespace() || "\"'<>)\\".contains(c))
                .unwrap_or(tail.len());
            if let Some(link) = same_site(&tail[..end]) {
                found.push(link);
            }
            rest = &tail[origin.len()..];
        }
    }
    found
}

/// The page number of a search address past [`SEARCH_PAGES_FOLLOWED`], if it is one.
pub(super) fn deep_search_page(url: &str) -> bool {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    matches!(path, "/search" | "/api/v1/search")
        && query
            .split('&')
            .filter_map(|pair| pair.strip_prefix("page="))
            .any(|n| n.parse::<u32>().is_ok_and(|n| n > SEARCH_PAGES_FOLLOWED))
}

/// The marker a search page or a saved search's feed asks for (`/search?q=zqleakmarker01…`),
/// which its title repeats.
pub(super) fn search_question(url: &str) -> Option<&'static str> {
    let (path, query) = url.split_once('?')?;
    if !matches!(path, "/search" | "/search/feed.atom") {
        return None;
    }
    let q = query.split('&').find_map(|pair| pair.strip_prefix("q="))?;
    MARKERS
        .iter()
        .map(|(marker, _, _)| *marker)
        .find(|marker| q.eq_ignore_ascii_case(marker))
}

/// What a leak looks like in a report: the words around the marker.
pub(super) fn context(haystack: &str, at: usize) -> String {
    let start = haystack[..at]
        .char_indices()
        .rev()
        .nth(80)
        .map_or(0, |(i, _)| i);
    let end = haystack[at..]
        .char_indices()
        .nth(100)
        .map_or(haystack.len(), |(i, _)| at + i);
    haystack[start..end].replace('\n', " ")
}

/// Markers in an answer, as failures; `echoed` is a marker the request itself asked for.
pub(super) fn leaks(answer: &Answer, echoed: Option<&str>) -> Vec<String> {
    let mut failures = Vec::new();
    // iCalendar folds long lines; a marker may straddle a fold.
    let body = answer.body.replace("\r\n ", "").replace("\r\n\t", "");
    for (part, text) in [("header", &answer.headers), ("body", &body)] {
        let lower = text.to_lowercase();
        for (marker, what, _) in MARKERS {
            if Some(*marker) == echoed {
                continue;
            }
            if let Some(at) = lower.find(marker) {
                failures.push(format!(
                    "LEAK: {marker} ({what}) in the {part} of {} ({}): …{}…",
                    answer.url,
                    answer.status,
                    context(&lower, at)
                ));
            }
        }
    }
    failures
}

/// The public site, crawled.
pub(super) struct Crawl {
    pub(super) router: axum::Router,
    pub(super) queue: VecDeque<String>,
    pub(super) seen: HashSet<String>,
    pub(super) fetched: usize,
    pub(super) statuses: BTreeMap<u16, usize>,
    /// Search pages past [`SEARCH_PAGES_FOLLOWED`] that were linked to and not followed.
    pub(super) not_followed: HashSet<String>,
    pub(super) failures: Vec<String>,
}

impl Crawl {
    pub(super) fn new(router: axum::Router) -> Self {
        Self {
            router,
            queue: VecDeque::new(),
            seen: HashSet::new(),
            fetched: 0,
            statuses: BTreeMap::new(),
            not_followed: HashSet::new(),
            failures: Vec::new(),
        }
    }

    /// Queues a URL once.
    pub(super) fn seed(&mut self, url: impl Into<String>) {
        let url = url.into();
        if self.seen.insert(url.clone()) {
            self.queue.push_back(url);
        }
    }

    /// Checks an answer and queues what it links to.
    pub(super) fn take(&mut self, answer: &Answer, echoed: Option<&str>) {
        self.fetched += 1;
        *self.statuses.entry(answer.status.as_u16()).or_default() += 1;
        self.failures.extend(leaks(answer, echoed));
        let mut found = links(&answer.body);
        if let Some(location) = &answer.location
            && let Some(link) = same_site(location)
        {
            found.push(link);
        }
        for link in found {
            if deep_search_page(&link) && !self.seen.contains(&link) {
                self.not_followed.insert(link);
            } else {
                self.seed(link);
            }
        }
    }

    /// Fetches everything queued and everything it leads to.
    pub(super) async fn run(&mut self) {
        let mut running = JoinSet::new();
        loop {
            while running.len() < IN_FLIGHT {
                let Some(url) = self.queue.pop_front() else {
                    break;
                };
                assert!(
                    self.fetched + running.len() < MAX_REQUESTS,
                    "the crawl reached its bound of {MAX_REQUESTS} requests with {} still queued; \
                     raise the bound or narrow the seeds rather than cover less",
                    self.queue.len() + 1
                );
                running.spawn(fetch(self.router.clone(), url));
            }
            let Some(done) = running.join_next().await else {
                break;
            };
            let answer = done.expect("request task");
            // A search page and its feed name their question; what they found must still be
            // nothing.
            let echoed = search_question(&answer.url);
            self.take(&answer, echoed);
            if let Some(marker) = echoed
                && (answer.body.contains("<entry>") || answer.body.contains("class=\"results\""))
            {
                self.failures.push(format!(
                    "LEAK: a search for {marker} at {} found something",
                    answer.url
                ));
            }
        }
    }

    /// Fetches one URL now, outside the queue.
    pub(super) async fn one(&mut self, url: &str) -> Answer {
        self.seen.insert(url.to_owned());
        fetch(self.router.clone(), url.to_owned()).await
    }
}

/// Ordinary words of the withheld texts: no markers, nothing too short to mean anything.
pub(super) fn ordinary_words() -> Vec<String> {
    let mut words: Vec<String> = EXEMPT_TEXTS
        .iter()
        .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
        .map(str::to_lowercase)
        .filter(|w| w.len() >= 4 && !w.starts_with("zqleak"))
        .collect();
    words.sort();
    words.dedup();
    words
}

/// A search address in the order the search page writes its own links, so seeds and followed
/// links are the same URL.
pub(super) fn search_url(path: &str, pairs: &[(&str, &str)]) -> String {
    let order = [
        "q",
        "kind",
        "committee",
        "organisation",
        "from",
        "to",
        "key",
        "sort",
        "page",
    ];
    let query: Vec<String> = order
        .iter()
        .filter_map(|name| {
            pairs
                .iter()
                .find(|(k, v)| k == name && !v.is_empty())
                .map(|(k, v)| format!("{k}={}", encode(v)))
        })
        .collect();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}
