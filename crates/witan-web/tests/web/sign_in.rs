//! Sign-in under attack, through the router: guesses sent in parallel, a flood beyond the
//! hashing bound, a stranger trying to lock an account out, password checks, sessions that end
//! or move on, cookie names, the `next` address, and who is believed about the client.

use crate::kit::{
    Answer, PASSWORD, Site, add_user, encode, get_as, post_as, send_to, sign_in, site,
};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use std::net::SocketAddr;
use std::sync::Arc;
use witan_domain::Role;

const ADMIN: &str = "admin@example.org";
const NEW_PASSWORD: &str = "tr0ub4dor and three more";

/// The sign-in form of `router`: its CSRF cookie (`name=value`) and token.
async fn login_form(router: &axum::Router) -> (String, String) {
    let form = send_to(
        router,
        Request::get("/login").body(Body::empty()).expect("request"),
    )
    .await;
    assert_eq!(form.status, StatusCode::OK);
    let cookie = form.cookies()[0]
        .split(';')
        .next()
        .expect("pair")
        .to_owned();
    (cookie, form.csrf())
}

/// A sign-in with the form's `cookies` and `csrf` token.
fn login(cookies: &str, csrf: &str, password: &str, next: &str) -> Request<Body> {
    Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookies)
        .body(Body::from(format!(
            "csrf={}&next={}&email={}&password={}",
            encode(csrf),
            encode(next),
            encode(ADMIN),
            encode(password)
        )))
        .expect("request")
}

/// The request as if it came over a connection from `peer`.
fn from_peer(mut request: Request<Body>, peer: &str) -> Request<Body> {
    let peer: SocketAddr = peer.parse().expect("a socket address");
    request.extensions_mut().insert(ConnectInfo(peer));
    request
}

/// The `name=value` of the session cookie an answer sets under `name`.
fn session_cookie(answer: &Answer, name: &str) -> String {
    answer
        .cookies()
        .into_iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("a {name} cookie in {:?}", answer.cookies()))
        .split(';')
        .next()
        .expect("pair")
        .to_owned()
}

fn retry_after(answer: &Answer) -> Option<u64> {
    answer
        .headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_wrong_guesses_are_all_counted() {
    let site = site().await;
    add_user(&site, ADMIN, Role::Admin, None).await;
    // Permits enough for every guess to reach the count: the count alone must hold them back.
    let router = site.router_with(|mut state| {
        state.workspace = state.workspace.with_hashing_limit(64);
        state
    });
    let (cookie, csrf) = login_form(&router).await;
    let mut guesses = tokio::task::JoinSet::new();
    for _ in 0..30 {
        let router = router.clone();
        let request = login(&cookie, &csrf, "a wrong guess at it", "/workspace");
        guesses.spawn(async move { send_to(&router, request).await.status });
    }
    let statuses = guesses.join_all().await;
    let count = |status| statuses.iter().filter(|s| **s == status).count();
    assert_eq!(
        (
            count(StatusCode::BAD_REQUEST),
            count(StatusCode::TOO_MANY_REQUESTS)
        ),
        (5, 25),
        "five guesses checked, the rest refused unchecked: {statuses:?}"
    );
    let right = send_to(&router, login(&cookie, &csrf, PASSWORD, "/workspace")).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&right).is_some_and(|s| s > 0 && s <= 900));
    assert!(
        right.body.contains("Too many failed sign-ins"),
        "{}",
        right.body
    );
}

#[tokio::test]
async fn a_sign_in_flood_beyond_the_hashing_bound_is_answered_503_at_once() {
    let site = site().await;
    add_user(&site, ADMIN, Role::Admin, None).await;
    let hashing = Arc::new(tokio::sync::Semaphore::new(2));
    let router = site.router_with(|mut state| {
        state.workspace.hashing = hashing.clone();
        state
    });
    let (cookie, csrf) = login_form(&router).await;
    // Two hashes in flight take every permit; three hundred more sign-ins arrive meanwhile.
    let in_flight = hashing
        .clone()
        .acquire_many_owned(2)
        .await
        .expect("permits");
    let mut flood = tokio::task::JoinSet::new();
    for _ in 0..300 {
        let router = router.clone();
        let request = login(&cookie, &csrf, "a wrong guess at it", "/workspace");
        flood.spawn(async move {
            let answer = send_to(&router, request).await;
            (answer.status, retry_after(&answer))
        });
    }
    // Were sign-ins queued for a permit, this would wait for the two hashes: it must not.
    let answers = tokio::time::timeout(std::time::Duration::from_secs(60), flood.join_all())
        .await
        .expect("the flood is answered without waiting for a permit");
    assert!(
        answers.iter().all(|a| *a
            == (
                StatusCode::SERVICE_UNAVAILABLE,
                Some(witan_web::RETRY_AFTER_SECS)
            )),
        "{answers:?}"
    );
    drop(in_flight);
    // Nothing of the flood was counted: the owner still signs in.
    let (cookie, csrf) = login_form(&router).await;
    let owner = send_to(&router, login(&cookie, &csrf, PASSWORD, "/workspace")).await;
    assert_eq!(owner.status, StatusCode::SEE_OTHER, "{}", owner.body);
}

#[tokio::test]
async fn a_stranger_cannot_lock_an_account_out() {
    let site = site().await;
    add_user(&site, ADMIN, Role::Admin, None).await;
    let (cookie, csrf) = login_form(&site.router).await;
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let guess = from_peer(
            login(&cookie, &csrf, "a wrong guess at it", "/workspace"),
            "203.0.113.9:40000",
        );
        statuses.push(send_to(&site.router, guess).await.status);
    }
    assert_eq!(statuses[..5], [StatusCode::BAD_REQUEST; 5]);
    assert_eq!(statuses[5..], [StatusCode::TOO_MANY_REQUESTS; 3]);
    let stranger = from_peer(
        login(&cookie, &csrf, PASSWORD, "/workspace"),
        "203.0.113.9:40001",
    );
    assert_eq!(
        send_to(&site.router, stranger).await.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the guesser's address is locked out, right password or not"
    );
    let owner = from_peer(
        login(&cookie, &csrf, PASSWORD, "/workspace"),
        "198.51.100.20:50000",
    );
    let owner = send_to(&site.router, owner).await;
    assert_eq!(
        owner.status,
        StatusCode::SEE_OTHER,
        "the owner signs in from elsewhere at once: {}",
        owner.body
    );
}

/// A password change form sent with the session `cookie`.
async fn change_password(site: &Site, cookie: &str, csrf: &str, current: &str) -> Answer {
    post_as(
        site,
        "/account/password",
        cookie,
        &[
            ("csrf", csrf),
            ("current_password", current),
            ("new_password", NEW_PASSWORD),
            ("confirm_password", NEW_PASSWORD),
        ],
    )
    .await
}

#[tokio::test]
async fn password_change_attempts_are_limited() {
    let site = site().await;
    add_user(&site, ADMIN, Role::Admin, None).await;
    let (cookie, csrf) = sign_in(&site, ADMIN).await;
    for _ in 0..5 {
        let wrong = change_password(&site, &cookie, &csrf, "a wrong guess at it").await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
        assert!(
            wrong.body.contains("not your current password"),
            "{}",
            wrong.body
        );
    }
    let limited = change_password(&site, &cookie, &csrf, PASSWORD).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&limited).is_some());
    assert!(
        limited.body.contains("Too many failed sign-ins"),
        "{}",
        limited.body
    );
    assert_eq!(
        get_as(&site, "/workspace", &cookie).await.status,
        StatusCode::OK,
        "the session goes on; only the password check is refused"
    );
}

#[tokio::test]
async fn a_password_change_ends_every_session_and_rotates_this_one() {
    let site = site().await;
    add_user(&site, ADMIN, Role::Admin, None).await;
    let (here, csrf) = sign_in(&site, ADMIN).await;
    let (elsewhere, _) = sign_in(&site, ADMIN).await;
    let changed = change_password(&site, &here, &csrf, PASSWORD).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert_eq!(changed.location(), "/account/password?done=1");
    let fresh = session_cookie(&changed, "witan_session");
    assert_ne!(fresh, here);
    for old in [&here, &elsewhere] {
        assert_eq!(
            get_as(&site, "/workspace", old).await.status,
            StatusCode::SEE_OTHER,
            "an old token is refused"
        );
    }
    assert_eq!(
        get_as(&site, "/account/password?done=1", &fresh)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_second_sign_in_ends_the_session_it_was_presented_with() {
    let site = site().await;
    add_user(&site, ADMIN, Role::Admin, None).await;
    let (first, _) = sign_in(&site, ADMIN).await;
    let (login_cookie, csrf) = login_form(&site.router).await;
    let again = send_to(
        &site.router,
        login(
            &format!("{login_cookie}; {first}"),
            &csrf,
            PASSWORD,
            "/workspace",
        ),
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let second = session_cookie(&again, "witan_session");
    assert_ne!(second, first);
    assert_eq!(
        get_as(&site, "/workspace", &first).await.status,
        StatusCode::SEE_OTHER,
        "the session presented at sign-in has ended"
    );
    assert_eq!(
        get_as(&site, "/workspace", &second).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn cookies_are_named_with_host_prefix_when_secure() {
    let site = site().await;
    add_user(&site, ADMIN, Role::Admin, None).await;
    let configured = site.router_with(|mut state| {
        state.secure_cookies = true;
        state
    });
    let proxied = site.router_with(|mut state| {
        state.trusted_proxies = witan_web::TrustedProxies::parse(&["10.0.0.0/8"]).expect("proxies");
        state
    });
    // Behind a trusted proxy that says the client used TLS.
    let via_proxy = |request: Request<Body>| {
        let mut request = from_peer(request, "10.0.0.5:443");
        request
            .headers_mut()
            .insert("x-forwarded-proto", "https".parse().expect("value"));
        request
    };
    for (router, wrap) in [
        (
            &configured,
            &(|r| r) as &dyn Fn(Request<Body>) -> Request<Body>,
        ),
        (&proxied, &via_proxy),
    ] {
        let form = send_to(
            router,
            wrap(Request::get("/login").body(Body::empty()).expect("request")),
        )
        .await;
        let login_cookie = form.cookies()[0].clone();
        assert!(
            login_cookie.starts_with("__Host-witan_login="),
            "{login_cookie}"
        );
        let signed = send_to(
            router,
            wrap(login(
                login_cookie.split(';').next().expect("pair"),
                &form.csrf(),
                PASSWORD,
                "/workspace",
            )),
        )
        .await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
        let set = signed
            .cookies()
            .into_iter()
            .find(|c| c.starts_with("__Host-witan_session="))
            .expect("a __Host- session cookie");
        for attribute in ["Secure", "Path=/", "HttpOnly", "SameSite=Lax"] {
            assert!(set.contains(attribute), "{attribute} in {set}");
        }
        assert!(!set.contains("Domain"), "{set}");
        let cookie = set.split(';').next().expect("pair").to_owned();
        let open = |cookie: String| {
            wrap(
                Request::get("/workspace")
                    .header(header::COOKIE, cookie)
                    .body(Body::empty())
                    .expect("request"),
            )
        };
        assert_eq!(
            send_to(router, open(cookie.clone())).await.status,
            StatusCode::OK
        );
        // The same token under the plain name is not read: only the prefixed cookie counts.
        let plain = cookie.replacen("__Host-", "", 1);
        assert_eq!(
            send_to(router, open(plain)).await.status,
            StatusCode::SEE_OTHER
        );
    }
}

#[tokio::test]
async fn a_next_with_cr_lf_redirects_to_a_safe_place_not_500() {
    let site = site().await;
    add_user(&site, ADMIN, Role::Admin, None).await;
    let (cookie, csrf) = login_form(&site.router).await;
    let signed = send_to(
        &site.router,
        login(
            &cookie,
            &csrf,
            PASSWORD,
            "/workspace\r\nSet-Cookie: planted=1",
        ),
    )
    .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    assert_eq!(signed.location(), "/workspace");
    assert!(!signed.cookies().iter().any(|c| c.contains("planted")));
    for next in [
        "%2Fworkspace%0D%0ASet-Cookie%3A%20planted%3D1",
        "%2Fworkspace%00",
        "%2F%5Cevil.example",
    ] {
        let form = get_as(&site, &format!("/login?next={next}"), "").await;
        assert_eq!(form.status, StatusCode::OK, "{next}");
        assert!(
            form.body.contains("value=\"/workspace\""),
            "{next}: {}",
            form.body
        );
    }
}
