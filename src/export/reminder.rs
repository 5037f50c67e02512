//! The yearly deadline: every unit reports its results to Sở VHTTDL before 30 November.
//! Dashboards show a reminder during the month before it.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// Days before the deadline from which the reminder shows.
pub const REMIND_DAYS: i64 = 30;

/// A reminder to send the annual report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Reminder {
    /// The work year being reported.
    pub year: i32,
    /// 30 November of that year.
    pub deadline: NaiveDate,
    /// Days from today to the deadline (0 on the day itself).
    pub days_left: i64,
}

impl Reminder {
    /// The deadline as dd/mm/yyyy.
    pub fn deadline_vi(&self) -> String {
        crate::domain::time::format_vi(self.deadline)
    }

    /// What the banner says, in Vietnamese.
    pub fn message_vi(&self) -> String {
        if self.days_left == 0 {
            format!(
                "Hôm nay ({}) là hạn cuối gửi báo cáo kết quả thực hiện Chỉ thị 2241 năm {} về Sở Văn hóa, Thể thao và Du lịch.",
                self.deadline_vi(),
                self.year
            )
        } else {
            format!(
                "Còn {} ngày đến hạn gửi báo cáo kết quả thực hiện Chỉ thị 2241 năm {} về Sở Văn hóa, Thể thao và Du lịch (trước ngày {}).",
                self.days_left,
                self.year,
                self.deadline_vi()
            )
        }
    }

    /// What the banner says, in English.
    pub fn message_en(&self) -> String {
        if self.days_left == 0 {
            format!(
                "Today ({}) is the deadline for the {} report to the Department of Culture, Sports and Tourism.",
                self.deadline_vi(),
                self.year
            )
        } else {
            format!(
                "{} days left to send the {} report to the Department of Culture, Sports and Tourism (due {}).",
                self.days_left,
                self.year,
                self.deadline_vi()
            )
        }
    }
}

/// The reminder to show on `today`, if any: from 31 October to 30 November inclusive.
pub fn due(today: NaiveDate) -> Option<Reminder> {
    let deadline = NaiveDate::from_ymd_opt(today.year(), 11, 30)?;
    let days_left = (deadline - today).num_days();
    (0..=REMIND_DAYS).contains(&days_left).then_some(Reminder {
        year: today.year(),
        deadline,
        days_left,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).expect("date")
    }

    #[test]
    fn the_reminder_shows_in_the_month_before_30_november() {
        let cases = [
            (date(10, 30), None, "31 days before: not yet"),
            (date(10, 31), Some(30), "30 days before"),
            (date(11, 23), Some(7), "a week before"),
            (date(11, 30), Some(0), "the day itself"),
            (date(12, 1), None, "after the deadline"),
            (date(3, 1), None, "spring"),
        ];
        for (today, days, msg) in cases {
            assert_eq!(due(today).map(|r| r.days_left), days, "{msg}");
        }
        let r = due(date(11, 23)).expect("due");
        assert!(r.message_vi().contains("Còn 7 ngày"), "{}", r.message_vi());
        assert!(r.message_vi().contains("30/11/2026"));
        assert!(
            due(date(11, 30))
                .expect("due")
                .message_vi()
                .starts_with("Hôm nay")
        );
    }
}
