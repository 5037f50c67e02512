//! Logging a share: verify the source and the post, check the date, store once.

use chrono::{Duration, NaiveDate, Utc};
use entity::{person, share};
use governor::clock::{Clock, DefaultClock};
use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::db::shares::{InsertOutcome, NewShare};
use crate::domain::time::{local_date, parse_date};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::verify::{
    AccountMatch, Allowlist, Platform, account_in_post, check_post, verify_source,
};

/// A share as the person submits it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ShareInput {
    /// The official article's address.
    pub source_url: String,
    /// Where it was shared.
    pub platform: String,
    /// The person's own post, if there is a public address.
    #[serde(default)]
    pub post_url: Option<String>,
    /// The day it was shared (`YYYY-MM-DD` or `dd/mm/yyyy`); today by default.
    #[serde(default)]
    pub shared_on: Option<String>,
    /// Makes retries safe (batch items; the single endpoint uses the header).
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// Which dates are acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRule {
    /// Today or up to this many days back (the API and the web form).
    Recent {
        /// Days back allowed.
        max_backdate_days: u32,
    },
    /// Any day in the past (importing records agencies already keep).
    AnyPast,
}

/// A stored share as clients see it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ShareView {
    /// Share id.
    pub id: i64,
    /// `accepted` or `rejected`.
    pub status: String,
    /// Normalised source URL.
    pub source_url: String,
    /// Source host.
    pub source_host: String,
    /// Platform code.
    pub platform: String,
    /// Normalised post URL.
    pub post_url: Option<String>,
    /// `YYYY-MM-DD`.
    pub shared_on: NaiveDate,
    /// When it was received (UTC).
    pub submitted_at: chrono::DateTime<Utc>,
    /// The allowlist rule it matched, as it was then.
    pub rule: RuleView,
    /// The review decision, if any.
    pub review: Option<ReviewView>,
    /// How the post compared with the declared accounts when it was logged: `matched`,
    /// `other_person`, `undeclared` or `unknown`.
    pub account_match: String,
    /// The account the post address shows (normalised), if it shows one.
    pub post_account: Option<String>,
}

/// The matched rule's label and category.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RuleView {
    /// Label shown to users.
    pub label: Option<String>,
    /// Rule category.
    pub category: Option<String>,
}

/// A reviewer's decision.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReviewView {
    /// `reject` or `restore`.
    pub decision: String,
    /// Why.
    pub reason: Option<String>,
    /// When (UTC).
    pub at: Option<chrono::DateTime<Utc>>,
}

impl From<&share::Model> for ShareView {
    fn from(s: &share::Model) -> Self {
        let review = s.reviewed_at.map(|at| ReviewView {
            decision: if s.status == "rejected" {
                "reject"
            } else {
                "restore"
            }
            .to_owned(),
            reason: s.review_reason.clone(),
            at: Some(at),
        });
        Self {
            id: s.id,
            status: s.status.clone(),
            source_url: s.source_url.clone(),
            source_host: s.source_host.clone(),
            platform: s.platform.clone(),
            post_url: s.post_url.clone(),
            shared_on: s.shared_on,
            submitted_at: s.submitted_at,
            rule: RuleView {
                label: s.rule_label.clone(),
                category: s.rule_category.clone(),
            },
            review,
            account_match: s.account_match.clone(),
            post_account: s.post_account.clone(),
        }
    }
}

/// Longest idempotency key accepted.
const MAX_IDEMPOTENCY_KEY: usize = 200;

/// Checks an idempotency key: 1–200 visible ASCII characters.
pub fn check_idempotency_key(key: &str) -> AppResult<String> {
    let key = key.trim();
    if key.is_empty()
        || key.len() > MAX_IDEMPOTENCY_KEY
        || !key.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(AppError::invalid(
            "invalid_idempotency_key",
            "Khóa Idempotency-Key không hợp lệ (1–200 ký tự ASCII nhìn thấy được).",
        ));
    }
    Ok(key.to_owned())
}

/// Everything a share is checked against, apart from storage.
pub struct Checks<'a> {
    /// The allowlist in force.
    pub allowlist: &'a Allowlist,
    /// The date rule.
    pub dates: DateRule,
    /// The time of the submission.
    pub now: chrono::DateTime<Utc>,
}

impl Checks<'_> {
    /// Today in Asia/Ho_Chi_Minh.
    pub fn today(&self) -> NaiveDate {
        local_date(self.now)
    }
}

/// Verifies a submission for a person and builds the row to store. Pure apart from the clock
/// passed in `checks`, so the API, the web form and the importer agree exactly.
pub fn prepare(
    checks: &Checks<'_>,
    person: &person::Model,
    input: &ShareInput,
    idempotency_key: Option<String>,
    origin: &'static str,
) -> AppResult<NewShare> {
    let platform: Platform = input.platform.parse().map_err(|_| {
        AppError::invalid(
            "invalid_platform",
            format!(
                "Nền tảng «{}» không hợp lệ. Chọn một trong: facebook, zalo, tiktok, youtube, x, instagram, other.",
                crate::domain::roster::truncate_for_message(&input.platform)
            ),
        )
    })?;
    let verification = verify_source(checks.allowlist, &input.source_url);
    if let Some(reason) = verification.reason {
        return Err(AppError::invalid(reason.code(), reason.message_vi()));
    }
    let (Some(source_url), Some(source_host), Some(source_key)) = (
        verification.normalized.clone(),
        verification.host.clone(),
        verification.dedupe_key.clone(),
    ) else {
        return Err(AppError::Internal(
            "accepted source without a normalised form".into(),
        ));
    };
    let post = match input.post_url.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(post) => Some(
            check_post(platform, post)
                .map_err(|err| AppError::invalid(err.code(), err.message_vi()))?,
        ),
    };
    let shared_on = match input.shared_on.as_deref().map(str::trim) {
        None | Some("") => checks.today(),
        Some(text) => parse_date(text).ok_or_else(|| {
            AppError::invalid(
                "invalid_date",
                "Ngày chia sẻ không hợp lệ (dùng dạng dd/mm/yyyy hoặc YYYY-MM-DD).",
            )
        })?,
    };
    check_date(checks, person, shared_on)?;
    let rule = verification.rule;
    Ok(NewShare {
        person_id: person.id,
        unit_id: person.unit_id,
        source_url,
        source_key,
        source_host,
        rule_id: rule.and_then(|r| r.id),
        rule_label: rule.map(|r| r.label.clone()),
        rule_category: rule.map(|r| r.category.to_string()),
        platform: platform.to_string(),
        post_account: post
            .as_ref()
            .and_then(|p| account_in_post(platform, &p.url)),
        post_url: post.as_ref().map(|p| p.url.clone()),
        post_key: post.map(|p| p.key),
        // Set from the declared accounts in the transaction that stores the share.
        account_match: AccountMatch::Unknown,
        shared_on,
        submitted_at: checks.now,
        idempotency_key,
        origin,
    })
}

fn check_date(checks: &Checks<'_>, person: &person::Model, shared_on: NaiveDate) -> AppResult<()> {
    if shared_on > checks.today() {
        return Err(AppError::invalid(
            "invalid_date",
            "Ngày chia sẻ không được ở tương lai.",
        ));
    }
    if let DateRule::Recent { max_backdate_days } = checks.dates
        && shared_on < checks.today() - Duration::days(i64::from(max_backdate_days))
    {
        return Err(AppError::invalid(
            "invalid_date",
            format!("Chỉ ghi nhận lượt chia sẻ trong vòng {max_backdate_days} ngày gần đây."),
        ));
    }
    if person.joined_on.is_some_and(|joined| shared_on < joined)
        || person.left_on.is_some_and(|left| shared_on > left)
    {
        return Err(AppError::invalid(
            "invalid_date",
            "Ngày chia sẻ nằm ngoài thời gian công tác của cán bộ.",
        ));
    }
    Ok(())
}

/// Turns a storage outcome into the share or the conflict the user is told about.
pub fn outcome_to_result(outcome: InsertOutcome) -> AppResult<(share::Model, bool)> {
    match outcome {
        InsertOutcome::Inserted(share) => Ok((share, false)),
        InsertOutcome::Replayed(share) => Ok((share, true)),
        InsertOutcome::Duplicate => Err(AppError::conflict(
            "duplicate",
            "Bạn đã ghi nhận bài viết này trên nền tảng này rồi.",
        )),
        InsertOutcome::PostClaimed => Err(AppError::conflict(
            "post_already_claimed",
            "Bài đăng này đã được ghi nhận cho một lượt chia sẻ khác.",
        )),
    }
}

/// Today's date where the province is.
pub fn today() -> NaiveDate {
    local_date(Utc::now())
}

/// Applies the per-person write limit.
pub fn check_write_rate(state: &AppState, user: &CurrentUser) -> AppResult<()> {
    if let Some(limiter) = &state.write_limiter
        && let Err(not_until) = limiter.check_key(&user.person.id)
    {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        return Err(AppError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    Ok(())
}
