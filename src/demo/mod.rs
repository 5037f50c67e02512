//! The example province: deterministic, pure generation of units, people,
//! roles and shares for the demo mode and for benchmarks.
//!
//! [`generate`] builds a whole "Tỉnh Điện Biên" (units, people, roles and a
//! year of shares) from a seed; the same seed and parameters always give the
//! same data. For large runs (25,000 people, ~10 million shares) use
//! [`generate_roster`] and stream the shares with [`for_each_share`] instead
//! of holding them all.
//!
//! What the data promises (tested):
//!
//! * unit codes are unique, every parent exists and comes before its children;
//! * staff codes `DB000001`… and e-mails `db000001@dienbien.gov.vn` are unique;
//! * every unit with people has one `unit_head` (its first person); there is
//!   one `home_affairs` (Sở Nội vụ), one `culture` (Sở VHTTDL) and one `admin`
//!   grant, all province-wide; role holders are employed all year;
//! * shares fall only on days the person is employed, inside `year`, never
//!   after `shares_until`;
//! * every source URL is already normalised and accepted by the seed
//!   allowlist (`data/allowlist-seed.csv`);
//! * no (person, source URL, platform) twice; post URLs (Facebook, TikTok,
//!   YouTube; none for Zalo) are unique across the whole dataset.

mod dataset;
#[cfg(test)]
mod tests;

pub use dataset::{
    DemoParams, DemoPerson, DemoProvince, DemoRole, DemoShare, DemoUnit, for_each_share, generate,
    generate_roster,
};
