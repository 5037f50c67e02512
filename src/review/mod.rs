//! Review rules, pure: the flags that help a unit head spot entries worth a second look, and
//! the checks on a review decision. No database or HTTP here.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::time::local_date;
use crate::verify::AccountMatch;

/// Entries of one person within this window on several platforms are flagged as the same article.
pub const SAME_ARTICLE_WINDOW: Duration = Duration::minutes(10);
/// Window for "many entries in a short time".
pub const BURST_WINDOW: Duration = Duration::minutes(10);
/// More than this many entries in `BURST_WINDOW` is a burst.
pub const BURST_SIZE: usize = 10;
/// Entries dated more than this many days before they were logged are flagged.
pub const LATE_DAYS: i64 = 7;

/// Why an entry deserves a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// The same article logged on several platforms within minutes.
    SamePlatformsBurst,
    /// Many entries logged in a short time.
    ManyInShortTime,
    /// Dated long before it was logged.
    LoggedLate,
    /// The post is on an account another person declared.
    OtherPersonsAccount,
}

impl Flag {
    /// Vietnamese explanation shown to reviewers.
    pub fn label_vi(self) -> &'static str {
        match self {
            Flag::SamePlatformsBurst => "Cùng bài viết được ghi trên nhiều nền tảng trong vài phút",
            Flag::ManyInShortTime => "Nhiều lượt ghi nhận trong thời gian ngắn",
            Flag::LoggedLate => "Ngày chia sẻ cách xa ngày ghi nhận",
            Flag::OtherPersonsAccount => "Bài đăng nằm trên tài khoản do người khác khai báo",
        }
    }

    /// English explanation.
    pub fn label_en(self) -> &'static str {
        match self {
            Flag::SamePlatformsBurst => "Same article logged on several platforms within minutes",
            Flag::ManyInShortTime => "Many entries logged in a short time",
            Flag::LoggedLate => "Shared long before it was logged",
            Flag::OtherPersonsAccount => "Posted on an account another person declared",
        }
    }
}

/// What the flags need to know about one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Entry id.
    pub id: i64,
    /// De-duplication key of the article.
    pub source_key: String,
    /// Platform code.
    pub platform: String,
    /// The day it was shared.
    pub shared_on: NaiveDate,
    /// When it was logged.
    pub submitted_at: DateTime<Utc>,
    /// How the post compared with the declared accounts.
    pub account_match: AccountMatch,
}

/// Flags for one person's entries, by entry id (entries without flags are absent).
pub fn flags(entries: &[Entry]) -> HashMap<i64, Vec<Flag>> {
    let mut out: HashMap<i64, Vec<Flag>> = HashMap::new();
    let mut by_time: Vec<&Entry> = entries.iter().collect();
    by_time.sort_by_key(|e| (e.submitted_at, e.id));

    for (i, entry) in by_time.iter().enumerate() {
        // Same article, another platform, within the window either side.
        let twin = by_time.iter().any(|other| {
            other.id != entry.id
                && other.source_key == entry.source_key
                && other.platform != entry.platform
                && (other.submitted_at - entry.submitted_at).abs() <= SAME_ARTICLE_WINDOW
        });
        if twin {
            out.entry(entry.id)
                .or_default()
                .push(Flag::SamePlatformsBurst);
        }
        // Many entries in any window that contains this one.
        let start = by_time[..=i]
            .iter()
            .rev()
            .take_while(|e| entry.submitted_at - e.submitted_at <= BURST_WINDOW)
            .count();
        let end = by_time[i..]
            .iter()
            .take_while(|e| e.submitted_at - entry.submitted_at <= BURST_WINDOW)
            .count();
        if start + end - 1 > BURST_SIZE {
            out.entry(entry.id).or_default().push(Flag::ManyInShortTime);
        }
        if (local_date(entry.submitted_at) - entry.shared_on).num_days() > LATE_DAYS {
            out.entry(entry.id).or_default().push(Flag::LoggedLate);
        }
        if entry.account_match == AccountMatch::OtherPerson {
            out.entry(entry.id)
                .or_default()
                .push(Flag::OtherPersonsAccount);
        }
    }
    out
}

/// A reviewer's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The entry does not count.
    Reject,
    /// The entry counts again.
    Restore,
}

/// Longest rejection reason kept.
pub const MAX_REASON_CHARS: usize = 500;

/// Checks a decision's reason: a rejection needs one (1–500 characters, no control characters).
pub fn check_reason(
    decision: Decision,
    reason: Option<&str>,
) -> Result<Option<String>, &'static str> {
    let reason = reason
        .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|r| !r.is_empty());
    match (&reason, decision) {
        (None, Decision::Reject) => Err("Cần ghi rõ lý do khi loại một lượt chia sẻ."),
        (Some(r), _) if r.chars().count() > MAX_REASON_CHARS => {
            Err("Lý do quá dài (tối đa 500 ký tự).")
        }
        (Some(r), _) if r.chars().any(char::is_control) => Err("Lý do có ký tự không hợp lệ."),
        _ => Ok(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_780_000_000 + minute * 60, 0).unwrap_or_default()
    }

    fn entry(id: i64, key: &str, platform: &str, minute: i64) -> Entry {
        Entry {
            id,
            source_key: key.into(),
            platform: platform.into(),
            shared_on: local_date(at(minute)),
            submitted_at: at(minute),
            account_match: AccountMatch::Unknown,
        }
    }

    #[test]
    fn a_post_on_another_persons_account_is_flagged() {
        let mut theirs = entry(1, "a", "facebook", 0);
        theirs.account_match = AccountMatch::OtherPerson;
        let mut undeclared = entry(2, "b", "facebook", 60);
        undeclared.account_match = AccountMatch::Undeclared;
        let f = flags(&[theirs, undeclared]);
        assert_eq!(f.get(&1), Some(&vec![Flag::OtherPersonsAccount]));
        assert_eq!(
            f.get(&2),
            None,
            "an undeclared account is not a reason to look"
        );
    }

    #[test]
    fn the_same_article_on_two_platforms_within_minutes_is_flagged() {
        let entries = [
            entry(1, "a", "facebook", 0),
            entry(2, "a", "zalo", 3),
            entry(3, "a", "tiktok", 60),
            entry(4, "b", "zalo", 1),
        ];
        let f = flags(&entries);
        assert_eq!(f.get(&1), Some(&vec![Flag::SamePlatformsBurst]));
        assert_eq!(f.get(&2), Some(&vec![Flag::SamePlatformsBurst]));
        assert_eq!(f.get(&3), None, "an hour later is not within minutes");
        assert_eq!(f.get(&4), None, "another article");
    }

    #[test]
    fn a_burst_of_entries_is_flagged_but_a_steady_day_is_not() {
        let burst: Vec<Entry> = (0..12)
            .map(|i| entry(i, &format!("k{i}"), "facebook", i / 2))
            .collect();
        assert!(
            flags(&burst)
                .values()
                .all(|f| f.contains(&Flag::ManyInShortTime))
        );
        let steady: Vec<Entry> = (0..12)
            .map(|i| entry(i, &format!("k{i}"), "facebook", i * 30))
            .collect();
        assert!(flags(&steady).is_empty());
    }

    #[test]
    fn entries_dated_long_before_they_were_logged_are_flagged() {
        let mut late = entry(1, "a", "facebook", 0);
        late.shared_on -= Duration::days(8);
        let mut recent = entry(2, "b", "facebook", 0);
        recent.shared_on -= Duration::days(7);
        let f = flags(&[late, recent]);
        assert_eq!(f.get(&1), Some(&vec![Flag::LoggedLate]));
        assert_eq!(f.get(&2), None, "a week is fine");
    }

    #[test]
    fn a_rejection_needs_a_reason() {
        assert!(check_reason(Decision::Reject, None).is_err());
        assert!(check_reason(Decision::Reject, Some("   ")).is_err());
        assert_eq!(
            check_reason(Decision::Reject, Some(" Không  đúng ")),
            Ok(Some("Không đúng".into()))
        );
        assert_eq!(check_reason(Decision::Restore, None), Ok(None));
        assert!(check_reason(Decision::Reject, Some(&"x".repeat(501))).is_err());
    }
}
