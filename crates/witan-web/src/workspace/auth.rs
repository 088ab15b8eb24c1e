//! Who is asking: session cookies, the extractors every workspace handler takes, and the sign-in,
//! sign-out and password pages.
//!
//! A workspace handler cannot forget to check: [`Reader`] in its signature means "signed in",
//! [`Signed`] means "signed in and the form carries this session's CSRF token", [`Editor`] adds
//! "and may change records" (clerk or admin), [`Admin`] "and is an admin". Which committee a clerk
//! may change is checked again by every use case in `witan-app`.

use crate::edge::error::{AppError, Refusal};
use crate::edge::forms::{Fields, FormState, Submitted};
use crate::{AppState, Client};
use askama::Template;
use axum::extract::{Form, FromRequest, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use witan_app::{Actor, Error as UseCaseError};
use witan_domain::{Role, User};
use witan_store::{Session, Stored};

/// The cookies witan sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cookie {
    /// The session's token.
    Session,
    /// The CSRF token of the sign-in form, before there is a session to hold one.
    Login,
}

/// How cookies are named, read and set for one request: Secure when configured so or when a
/// trusted proxy says the request came over TLS.
#[derive(Debug, Clone, Copy)]
struct Jar {
    secure: bool,
}

impl Jar {
    fn new(state: &AppState, client: &Client) -> Self {
        Self {
            secure: state.secure_cookies || client.https,
        }
    }

    fn of(state: &AppState, parts: &Parts) -> Self {
        Self::new(
            state,
            &Client::of(&parts.headers, &parts.extensions, &state.trusted_proxies),
        )
    }

    /// A cookie's name, the only place names are made. Secure cookies take the `__Host-` prefix,
    /// so that the browser keeps them to this host, `Path=/` and TLS: no other subdomain and no
    /// plain-HTTP page can set or shadow them. Browsers refuse a `__Host-` cookie without
    /// `Secure`, so plain HTTP keeps plain names.
    fn name(self, cookie: Cookie) -> &'static str {
        match (cookie, self.secure) {
            (Cookie::Session, true) => "__Host-witan_session",
            (Cookie::Session, false) => "witan_session",
            (Cookie::Login, true) => "__Host-witan_login",
            (Cookie::Login, false) => "witan_login",
        }
    }

    /// A cookie's value from the request's `Cookie` headers.
    fn get(self, headers: &HeaderMap, cookie: Cookie) -> Option<&str> {
        let name = self.name(cookie);
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/ and no Domain, Secure when secure.
    fn set(self, cookie: Cookie, value: &str, max_age: i64) -> HeaderValue {
        let name = self.name(cookie);
        let secure = if self.secure { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
        ))
        .unwrap_or(HeaderValue::from_static(""))
    }
}

/// Compares two secrets in time that does not depend on where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A page only for signed-in readers sends others to sign in, and back afterwards.
fn to_sign_in(parts: &Parts) -> Response {
    let next = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .filter(|p| safe_next(p))
        .unwrap_or("/workspace");
    Redirect::to(&format!(
        "/login?next={}",
        crate::edge::extract::encode(next)
    ))
    .into_response()
}

/// Where a sign-in may send the reader on: a path of this site (one leading slash, no `//`, no
/// backslash, nothing but visible ASCII, so no control character can reach the `Location`
/// header), and a workspace or account page at that.
fn safe_next(path: &str) -> bool {
    path.starts_with('/')
        && !path.contains("//")
        && !path.contains('\\')
        && path.bytes().all(|b| b.is_ascii_graphic())
        && (path.starts_with("/workspace") || path.starts_with("/account"))
}

/// Someone signed in (any role).
#[derive(Debug, Clone)]
pub struct Reader {
    pub user: Stored<User>,
    pub session: Session,
}

impl Reader {
    pub fn actor(&self) -> Actor {
        Actor::User(self.user.clone())
    }

    pub fn may_edit(&self) -> bool {
        matches!(self.user.role, Role::Clerk | Role::Admin)
    }
}

impl FromRequestParts<AppState> for Reader {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let jar = Jar::of(state, parts);
        let Some(token) = jar.get(&parts.headers, Cookie::Session) else {
            return Err(to_sign_in(parts));
        };
        match state.workspace.session(token, Utc::now()).await {
            Ok(Some((session, user))) => Ok(Self { user, session }),
            Ok(None) => Err(to_sign_in(parts)),
            Err(e) => Err(AppError::from(e).into_response()),
        }
    }
}

/// A signed-in admin.
#[derive(Debug, Clone)]
pub struct Admin(pub Reader);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let reader = Reader::from_request_parts(parts, state).await?;
        if reader.user.is_admin() {
            Ok(Self(reader))
        } else {
            Err(AppError::Forbidden.into_response())
        }
    }
}

/// A form submitted by someone signed in, carrying their session's CSRF token.
#[derive(Debug)]
pub struct Signed {
    pub reader: Reader,
    pub form: Submitted,
}

impl FromRequest<AppState> for Signed {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let reader = Reader::from_request_parts(&mut parts, state).await?;
        let request = Request::from_parts(parts, body);
        let Form(form) = Form::<Submitted>::from_request(request, state)
            .await
            .map_err(|_| AppError::BadForm.into_response())?;
        let token = form.get("csrf").map_or("", String::as_str);
        if !same_secret(token, &reader.session.csrf_token) {
            return Err(AppError::ExpiredForm.into_response());
        }
        Ok(Self { reader, form })
    }
}

/// A form submitted by someone who may change records (a clerk or an admin).
#[derive(Debug)]
pub struct Editor {
    pub reader: Reader,
    pub form: Submitted,
}

impl Editor {
    pub fn actor(&self) -> Actor {
        self.reader.actor()
    }
}

impl FromRequest<AppState> for Editor {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let Signed { reader, form } = Signed::from_request(request, state).await?;
        if !reader.may_edit() {
            return Err(AppError::Forbidden.into_response());
        }
        Ok(Self { reader, form })
    }
}

/// A file upload form (multipart) submitted by someone who may change records, with its CSRF
/// token checked. The CSRF field comes before the file in the form, so a forged upload is refused
/// before its file is read.
#[derive(Debug)]
pub struct Uploader {
    pub reader: Reader,
    pub form: Submitted,
    /// The file's name and bytes, if one was chosen.
    pub file: Option<(String, Vec<u8>)>,
    /// Whether the upload broke off, usually for being over the size limit.
    pub broken: bool,
}

impl FromRequest<AppState> for Uploader {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let reader = Reader::from_request_parts(&mut parts, state).await?;
        if !reader.may_edit() {
            return Err(AppError::Forbidden.into_response());
        }
        let request = Request::from_parts(parts, body);
        let mut multipart = axum::extract::Multipart::from_request(request, state)
            .await
            .map_err(|_| AppError::BadForm.into_response())?;
        let mut form = Submitted::new();
        let mut file = None;
        let mut broken = false;
        let mut checked = false;
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(_) => {
                    broken = true;
                    break;
                }
            };
            let name = field.name().unwrap_or_default().to_owned();
            if let Some(file_name) = field.file_name().map(str::to_owned) {
                if !checked {
                    return Err(AppError::ExpiredForm.into_response());
                }
                match field.bytes().await {
                    Ok(bytes) if !file_name.is_empty() => file = Some((file_name, bytes.to_vec())),
                    Ok(_) => {}
                    Err(_) => {
                        broken = true;
                        break;
                    }
                }
            } else {
                let Ok(value) = field.text().await else {
                    broken = true;
                    break;
                };
                if name == "csrf" {
                    if !same_secret(&value, &reader.session.csrf_token) {
                        return Err(AppError::ExpiredForm.into_response());
                    }
                    checked = true;
                }
                form.insert(name, value);
            }
        }
        // An upload over the size limit breaks off before its token can be read; it is shown
        // again with the reason (which writes nothing, like any page), never acted on.
        if !checked && !broken {
            return Err(AppError::ExpiredForm.into_response());
        }
        Ok(Self {
            reader,
            form,
            file,
            broken,
        })
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    csrf: &'a str,
    next: &'a str,
    form: FormState,
}

#[derive(Debug, serde::Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, private"),
    );
    response
}

fn login_page(
    jar: Jar,
    status: StatusCode,
    next: &str,
    form: FormState,
) -> Result<Response, AppError> {
    let csrf =
        witan_app::accounts::random_hex(16).map_err(|e| AppError::Internal(e.to_string()))?;
    let next = if safe_next(next) { next } else { "/workspace" };
    let body = LoginPage {
        csrf: &csrf,
        next,
        form,
    }
    .render()?;
    let mut response = (status, Html(body)).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, jar.set(Cookie::Login, &csrf, 3600));
    Ok(no_store(response))
}

pub async fn login_form(
    State(state): State<AppState>,
    client: Client,
    Query(params): Query<NextParam>,
) -> Result<Response, AppError> {
    login_page(
        Jar::new(&state, &client),
        StatusCode::OK,
        params.next.as_deref().unwrap_or("/workspace"),
        FormState::default(),
    )
}

pub async fn login(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    Form(form): Form<Submitted>,
) -> Result<Response, AppError> {
    let jar = Jar::new(&state, &client);
    let next = form
        .get("next")
        .map(String::as_str)
        .filter(|next| safe_next(next))
        .unwrap_or("/workspace")
        .to_owned();
    let expected = jar.get(&headers, Cookie::Login).unwrap_or_default();
    let sent = form.get("csrf").map_or("", String::as_str);
    let mut fields = Fields::new("login", &form);
    if expected.is_empty() || !same_secret(sent, expected) {
        fields.fail(
            "form",
            "This sign-in form had expired. Enter your details again.",
        );
    }
    if fields.raw("email").is_empty() {
        fields.fail("email", "Enter your email address");
    }
    if fields.raw("password").is_empty() {
        fields.fail("password", "Enter your password");
    }
    if !fields.ok() {
        let mut state_ = fields.into_state();
        state_.values.remove("password");
        return login_page(jar, StatusCode::BAD_REQUEST, &next, state_);
    }
    let email = fields.raw("email");
    let password = form.get("password").map_or("", String::as_str);
    let presented = jar.get(&headers, Cookie::Session);
    match state
        .workspace
        .sign_in(email, password, client.address, presented, Utc::now())
        .await
    {
        Ok(signed) => {
            let mut response = Redirect::to(&next).into_response();
            let cookies = response.headers_mut();
            cookies.append(
                header::SET_COOKIE,
                jar.set(
                    Cookie::Session,
                    &signed.token,
                    witan_app::SESSION_HOURS * 3600,
                ),
            );
            cookies.append(header::SET_COOKIE, jar.set(Cookie::Login, "", 0));
            Ok(no_store(response))
        }
        Err(e @ (UseCaseError::BadCredentials | UseCaseError::TooManyAttempts { .. })) => {
            let retry = match &e {
                UseCaseError::TooManyAttempts { seconds } => Some(*seconds),
                _ => None,
            };
            fields.fail("email", &e.to_string());
            let mut state_ = fields.into_state();
            state_.values.remove("password");
            let status = if retry.is_some() {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::BAD_REQUEST
            };
            login_page(jar, status, &next, state_).map(|page| with_retry_after(page, retry))
        }
        Err(e) => Err(e.into()),
    }
}

/// Says when to try again (`Retry-After`), if there is a time to say.
fn with_retry_after(mut response: Response, seconds: Option<i64>) -> Response {
    if let Some(value) = seconds.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

pub async fn logout(
    State(state): State<AppState>,
    client: Client,
    signed: Signed,
) -> Result<Response, AppError> {
    state.workspace.sign_out(&signed.reader.session).await?;
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        Jar::new(&state, &client).set(Cookie::Session, "", 0),
    );
    Ok(no_store(response))
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    csrf: String,
    user: String,
    done: bool,
    form: FormState,
}

pub async fn password_form(
    reader: Reader,
    Query(done): Query<crate::edge::forms::Done>,
) -> Result<Response, AppError> {
    Ok(no_store(
        Html(
            PasswordPage {
                csrf: reader.session.csrf_token.clone(),
                user: reader.user.name.to_string(),
                done: done.done.is_some(),
                form: FormState::default(),
            }
            .render()?,
        )
        .into_response(),
    ))
}

pub async fn change_password(
    State(state): State<AppState>,
    client: Client,
    signed: Signed,
) -> Result<Response, AppError> {
    let Signed { reader, form } = signed;
    let mut fields = Fields::new("password", &form);
    let current = form.get("current_password").map_or("", String::as_str);
    let new = form.get("new_password").map_or("", String::as_str);
    if current.is_empty() {
        fields.fail("current_password", "Enter your current password");
    }
    if new != form.get("confirm_password").map_or("", String::as_str) {
        fields.fail("confirm_password", "The two new passwords are not the same");
    }
    let mut retry = None;
    if fields.ok() {
        match state
            .workspace
            .change_password(&reader.session, current, new, client.address, Utc::now())
            .await
        {
            // Every session of the account has ended, this one too: the reader goes on in a
            // new one.
            Ok(signed) => {
                let mut response = Redirect::to("/account/password?done=1").into_response();
                response.headers_mut().insert(
                    header::SET_COOKIE,
                    Jar::new(&state, &client).set(
                        Cookie::Session,
                        &signed.token,
                        witan_app::SESSION_HOURS * 3600,
                    ),
                );
                return Ok(no_store(response));
            }
            Err(e @ UseCaseError::TooManyAttempts { seconds }) => {
                fields.fail("current_password", &e.to_string());
                retry = Some(seconds);
            }
            Err(e) => match AppError::refusal(e)? {
                Refusal::Field(v) => {
                    fields.check::<()>(Err(v));
                }
                Refusal::Form(reason) => fields.fail("form", &reason),
            },
        }
    }
    let mut shown = fields.into_state();
    for secret in ["current_password", "new_password", "confirm_password"] {
        shown.values.remove(secret);
    }
    let body = PasswordPage {
        csrf: reader.session.csrf_token.clone(),
        user: reader.user.name.to_string(),
        done: false,
        form: shown,
    }
    .render()?;
    let status = if retry.is_some() {
        StatusCode::TOO_MANY_REQUESTS
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(with_retry_after(
        no_store((status, Html(body)).into_response()),
        retry,
    ))
}
