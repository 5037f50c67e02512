//! The bodies the OpenAPI document describes: the error shape, and documentation-only mirrors of
//! the handlers' input types, so the handlers' own types stay free of documentation derives.

use utoipa::ToSchema;

/// The error shape of every API error: a stable code and a Vietnamese message.
#[derive(ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The inside of an error.
#[derive(ToSchema)]
pub struct ErrorDetail {
    /// Stable machine code, e.g. `not_allowlisted`, `duplicate`, `unavailable`.
    pub code: String,
    /// Vietnamese message for the user.
    pub message: String,
}

/// One share to log.
#[derive(ToSchema)]
pub struct ShareIn {
    /// The official article's address.
    pub source_url: String,
    /// `facebook`, `zalo`, `tiktok`, `youtube`, `x`, `instagram` or `other`.
    pub platform: String,
    /// The address of the person's own post, when it has one.
    pub post_url: Option<String>,
    /// The day it was shared (`YYYY-MM-DD`), today by default.
    pub shared_on: Option<String>,
    /// Makes a retry return the first answer (batch items; single shares use the header).
    pub idempotency_key: Option<String>,
}

/// Several shares at once.
#[derive(ToSchema)]
pub struct BatchIn {
    /// At most `LANTOA_MAX_BATCH_ITEMS` items.
    pub items: Vec<ShareIn>,
}

/// A URL to check without storing anything.
#[derive(ToSchema)]
pub struct VerifyIn {
    /// The address to verify.
    pub url: String,
}

/// A new API token.
#[derive(ToSchema)]
pub struct TokenIn {
    /// A name to recognise it by.
    pub name: String,
    /// A read-only token cannot change anything.
    pub read_only: Option<bool>,
}

/// A review decision on one entry.
#[derive(ToSchema)]
pub struct ReviewIn {
    /// `reject` or `restore`.
    pub decision: String,
    /// Why (required to reject).
    pub reason: Option<String>,
}

/// A review decision on several entries.
#[derive(ToSchema)]
pub struct ReviewBulkIn {
    /// The entries.
    pub ids: Vec<i64>,
    /// `reject` or `restore`.
    pub decision: String,
    /// Why (required to reject).
    pub reason: Option<String>,
}

/// A declared account.
#[derive(ToSchema)]
pub struct AccountIn {
    /// `facebook`, `zalo`, `tiktok`, `youtube`, `x`, `instagram`, `linkedin`, `telegram` or `other`.
    pub platform: String,
    /// The profile address (`https://www.facebook.com/ten.cua.ban`) or `@handle`.
    pub address: String,
    /// The name shown on the account.
    pub display_name: Option<String>,
}

/// A year's evaluation policy.
#[derive(ToSchema)]
pub struct PolicyIn {
    /// Shares a person needs in the period.
    pub target: u32,
    /// First day of the period (`YYYY-MM-DD`), 1 January by default.
    pub period_start: Option<String>,
    /// Last day of the period (`YYYY-MM-DD`), 31 December by default.
    pub period_end: Option<String>,
    /// Count only shares on the person's own declared accounts or that cannot tell (default
    /// off; absent keeps the stored choice).
    pub count_only_own_accounts: Option<bool>,
}

/// An allowlist rule to add or edit.
#[derive(ToSchema)]
pub struct RuleIn {
    /// `suffix`, `host`, `prefix` or `exclude`.
    pub kind: String,
    /// The pattern (`baodienbienphu.vn`, `facebook.com/thongtinchinhphu`).
    pub pattern: String,
    /// `government`, `party`, `press` or `official_social`.
    pub category: String,
    /// The label shown to users.
    pub label: String,
    /// Confirms that registration under a public suffix is restricted (needed for a suffix rule
    /// on one, such as `gov.vn`); recorded in the audit entry.
    pub confirm_restricted_suffix: Option<bool>,
}

/// An allowlist CSV to plan or import.
#[derive(ToSchema)]
pub struct AllowlistImportIn {
    /// `kind,pattern,category,label` lines, with the header.
    pub csv: String,
    /// As for adding a rule.
    pub confirm_restricted_suffix: Option<bool>,
    /// `true` imports (all or nothing); absent or `false` only plans.
    pub apply: Option<bool>,
}

/// A unit to add.
#[derive(ToSchema)]
pub struct UnitIn {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// `province`, `department`, `agency`, `commune`, `ward`, `organization`, `press`, `division`.
    pub kind: String,
    /// The parent's code; absent for a root.
    pub parent_code: Option<String>,
}

/// A unit's new name and/or new parent.
#[derive(ToSchema)]
pub struct UnitChangeIn {
    /// The new name.
    pub name: Option<String>,
    /// The new parent's code (the unit moves with everything below it).
    pub parent_code: Option<String>,
}

/// A person's details.
#[derive(ToSchema)]
pub struct PersonIn {
    /// Staff code (adding only).
    pub staff_code: Option<String>,
    /// Unit code (adding only).
    pub unit: Option<String>,
    /// Full name.
    pub full_name: String,
    /// Work e-mail.
    pub email: Option<String>,
    /// Position.
    pub position: Option<String>,
    /// `can_bo`, `cong_chuc`, `vien_chuc` or `nguoi_lao_dong`.
    pub employment_type: String,
    /// First day, `dd/mm/yyyy` or `yyyy-mm-dd`.
    pub joined_on: Option<String>,
}

/// The unit a person moves to.
#[derive(ToSchema)]
pub struct MoveIn {
    /// The unit's code.
    pub unit: String,
}

/// A person's last day.
#[derive(ToSchema)]
pub struct LeaveIn {
    /// `dd/mm/yyyy` or `yyyy-mm-dd`.
    pub left_on: String,
}

/// A role to grant or revoke.
#[derive(ToSchema)]
pub struct RoleIn {
    /// The person's staff code.
    pub staff_code: String,
    /// `unit_head`, `home_affairs`, `culture` or `admin`.
    pub role: String,
    /// The unit a unit head heads (unit heads only).
    pub unit: Option<String>,
}
