//! A share (lượt chia sẻ): one piece of official content a person shared on
//! one platform, as verified when it was logged.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "shares")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    /// The person's unit when the share was logged.
    pub unit_id: i64,
    /// The normalised source URL.
    #[sea_orm(column_type = "Text")]
    pub source_url: String,
    /// Dedupe key of the source: unique with `person_id` and `platform`
    /// (`uq_shares_person_source_platform`). At most 2,100 bytes, ASCII.
    #[sea_orm(column_type = "String(StringLen::N(2100))")]
    pub source_key: String,
    pub source_host: String,
    /// The allowlist rule that matched; `None` once that rule is deleted.
    pub rule_id: Option<i64>,
    /// The rule's label when the share was verified.
    #[sea_orm(column_type = "Text", nullable)]
    pub rule_label: Option<String>,
    pub rule_category: Option<String>,
    pub platform: String,
    /// The normalised post URL.
    #[sea_orm(column_type = "Text", nullable)]
    pub post_url: Option<String>,
    /// Dedupe key of the post, unique when present (`uq_shares_post_key`).
    #[sea_orm(unique)]
    pub post_key: Option<String>,
    /// The day shared, in Asia/Ho_Chi_Minh.
    pub shared_on: Date,
    pub submitted_at: DateTimeUtc,
    /// `accepted` or `rejected`.
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub review_reason: Option<String>,
    /// Person id of the reviewer.
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<DateTimeUtc>,
    /// The client's `Idempotency-Key`, unique per person (`uq_shares_idempotency`).
    pub idempotency_key: Option<String>,
    /// `api`, `web`, `import` or `demo`.
    pub origin: String,
    /// How the post compared with the declared accounts when it was logged: `matched`,
    /// `other_person`, `undeclared` or `unknown`.
    pub account_match: String,
    /// The account the post address shows (normalised), if it shows one.
    pub post_account: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id",
        on_delete = "NoAction"
    )]
    Person,
    #[sea_orm(
        belongs_to = "super::unit::Entity",
        from = "Column::UnitId",
        to = "super::unit::Column::Id",
        on_delete = "NoAction"
    )]
    Unit,
    #[sea_orm(
        belongs_to = "super::allowlist_rule::Entity",
        from = "Column::RuleId",
        to = "super::allowlist_rule::Column::Id",
        on_delete = "SetNull"
    )]
    AllowlistRule,
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl Related<super::unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Unit.def()
    }
}

impl Related<super::allowlist_rule::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AllowlistRule.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
