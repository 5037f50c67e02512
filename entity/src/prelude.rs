//! The entity types under their table's singular name: `Unit`, `Person`, `Share`, ….

pub use super::allowlist_rule::Entity as AllowlistRule;
pub use super::api_token::Entity as ApiToken;
pub use super::app_setting::Entity as AppSetting;
pub use super::audit_event::Entity as AuditEvent;
pub use super::declared_account::Entity as DeclaredAccount;
pub use super::evaluation_policy::Entity as EvaluationPolicy;
pub use super::evaluation_snapshot::Entity as EvaluationSnapshot;
pub use super::identity::Entity as Identity;
pub use super::import_draft::Entity as ImportDraft;
pub use super::person::Entity as Person;
pub use super::role_grant::Entity as RoleGrant;
pub use super::session::Entity as Session;
pub use super::share::Entity as Share;
pub use super::share_rollup::Entity as ShareRollup;
pub use super::tally_month::Entity as TallyMonth;
pub use super::unit::Entity as Unit;
