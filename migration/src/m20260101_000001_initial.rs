//! The initial schema: units, people, sign-in, allowlist, shares, tallies,
//! evaluation policies and snapshots, audit events, sessions and API tokens.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();

        manager
            .create_table(
                Table::create()
                    .table(Units::Table)
                    .col(big_pk_auto(Units::Id))
                    .col(string(Units::Code))
                    .col(string(Units::Name))
                    .col(string(Units::Kind))
                    .col(big_integer_null(Units::ParentId))
                    .col(bytewise(backend, string(Units::Path)))
                    .col(boolean(Units::Active).default(true))
                    .col(timestamp_with_time_zone(Units::CreatedAt))
                    .col(timestamp_with_time_zone(Units::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_units_parent_id",
                        (Units::Table, Units::ParentId),
                        (Units::Table, Units::Id),
                        ForeignKeyAction::NoAction,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, "uq_units_code", Units::Table, [Units::Code], true).await?;
        create_index(
            manager,
            "idx_units_parent_id",
            Units::Table,
            [Units::ParentId],
            false,
        )
        .await?;
        create_index(
            manager,
            "idx_units_path",
            Units::Table,
            [Units::Path],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(People::Table)
                    .col(big_pk_auto(People::Id))
                    .col(string(People::StaffCode))
                    .col(string(People::FullName))
                    .col(bytewise(backend, string(People::SortKey)))
                    .col(string_null(People::Email))
                    .col(big_integer(People::UnitId))
                    .col(string_null(People::Position))
                    .col(string(People::EmploymentType))
                    .col(date_null(People::JoinedOn))
                    .col(date_null(People::LeftOn))
                    .col(boolean(People::Active).default(true))
                    .col(timestamp_with_time_zone(People::CreatedAt))
                    .col(timestamp_with_time_zone(People::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_people_unit_id",
                        (People::Table, People::UnitId),
                        (Units::Table, Units::Id),
                        ForeignKeyAction::NoAction,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "uq_people_staff_code",
            People::Table,
            [People::StaffCode],
            true,
        )
        .await?;
        create_index(
            manager,
            "idx_people_sort_key",
            People::Table,
            [People::SortKey],
            false,
        )
        .await?;
        create_index(
            manager,
            "idx_people_email",
            People::Table,
            [People::Email],
            false,
        )
        .await?;
        create_index(
            manager,
            "idx_people_unit_id",
            People::Table,
            [People::UnitId],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Identities::Table)
                    .col(big_pk_auto(Identities::Id))
                    .col(string(Identities::Issuer))
                    .col(string(Identities::Subject))
                    .col(big_integer(Identities::PersonId))
                    .col(timestamp_with_time_zone(Identities::CreatedAt))
                    .col(timestamp_with_time_zone_null(Identities::LastSeenAt))
                    .foreign_key(&mut foreign_key(
                        "fk_identities_person_id",
                        (Identities::Table, Identities::PersonId),
                        (People::Table, People::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "uq_identities_issuer_subject",
            Identities::Table,
            [Identities::Issuer, Identities::Subject],
            true,
        )
        .await?;
        create_index(
            manager,
            "idx_identities_person_id",
            Identities::Table,
            [Identities::PersonId],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(RoleGrants::Table)
                    .col(big_pk_auto(RoleGrants::Id))
                    .col(big_integer(RoleGrants::PersonId))
                    .col(string(RoleGrants::Role))
                    .col(big_integer_null(RoleGrants::UnitId))
                    .col(big_integer_null(RoleGrants::GrantedBy))
                    .col(timestamp_with_time_zone(RoleGrants::CreatedAt))
                    .foreign_key(&mut foreign_key(
                        "fk_role_grants_person_id",
                        (RoleGrants::Table, RoleGrants::PersonId),
                        (People::Table, People::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    // A grant scoped to a unit means nothing once the unit is gone.
                    .foreign_key(&mut foreign_key(
                        "fk_role_grants_unit_id",
                        (RoleGrants::Table, RoleGrants::UnitId),
                        (Units::Table, Units::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "idx_role_grants_person_id",
            RoleGrants::Table,
            [RoleGrants::PersonId],
            false,
        )
        .await?;
        create_index(
            manager,
            "idx_role_grants_unit_id",
            RoleGrants::Table,
            [RoleGrants::UnitId],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(AllowlistRules::Table)
                    .col(big_pk_auto(AllowlistRules::Id))
                    .col(string(AllowlistRules::Kind))
                    .col(string(AllowlistRules::Pattern))
                    .col(string(AllowlistRules::Category))
                    .col(text(AllowlistRules::Label))
                    .col(boolean(AllowlistRules::Active).default(true))
                    .col(timestamp_with_time_zone(AllowlistRules::CreatedAt))
                    .col(string_null(AllowlistRules::CreatedBy))
                    .col(timestamp_with_time_zone(AllowlistRules::UpdatedAt))
                    .col(string_null(AllowlistRules::UpdatedBy))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "uq_allowlist_rules_kind_pattern",
            AllowlistRules::Table,
            [AllowlistRules::Kind, AllowlistRules::Pattern],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Shares::Table)
                    .col(big_pk_auto(Shares::Id))
                    .col(big_integer(Shares::PersonId))
                    .col(big_integer(Shares::UnitId))
                    .col(text(Shares::SourceUrl))
                    // Bounded so that the unique index below stays within
                    // PostgreSQL's B-tree entry limit (about 2,700 bytes).
                    .col(string_len(Shares::SourceKey, SOURCE_KEY_MAX_LEN))
                    .col(string(Shares::SourceHost))
                    .col(big_integer_null(Shares::RuleId))
                    .col(text_null(Shares::RuleLabel))
                    .col(string_null(Shares::RuleCategory))
                    .col(string(Shares::Platform))
                    .col(text_null(Shares::PostUrl))
                    .col(string_null(Shares::PostKey))
                    .col(date(Shares::SharedOn))
                    .col(timestamp_with_time_zone(Shares::SubmittedAt))
                    .col(string(Shares::Status).default("accepted"))
                    .col(text_null(Shares::ReviewReason))
                    .col(big_integer_null(Shares::ReviewedBy))
                    .col(timestamp_with_time_zone_null(Shares::ReviewedAt))
                    .col(string_null(Shares::IdempotencyKey))
                    .col(string(Shares::Origin))
                    .foreign_key(&mut foreign_key(
                        "fk_shares_person_id",
                        (Shares::Table, Shares::PersonId),
                        (People::Table, People::Id),
                        ForeignKeyAction::NoAction,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_shares_unit_id",
                        (Shares::Table, Shares::UnitId),
                        (Units::Table, Units::Id),
                        ForeignKeyAction::NoAction,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_shares_rule_id",
                        (Shares::Table, Shares::RuleId),
                        (AllowlistRules::Table, AllowlistRules::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "uq_shares_person_source_platform",
            Shares::Table,
            [Shares::PersonId, Shares::SourceKey, Shares::Platform],
            true,
        )
        .await?;
        // Both databases treat NULLs as distinct in a unique index, so shares
        // without a post address never collide here.
        create_index(
            manager,
            "uq_shares_post_key",
            Shares::Table,
            [Shares::PostKey],
            true,
        )
        .await?;
        create_index(
            manager,
            "uq_shares_idempotency",
            Shares::Table,
            [Shares::PersonId, Shares::IdempotencyKey],
            true,
        )
        .await?;
        create_index(
            manager,
            "idx_shares_person_shared_on",
            Shares::Table,
            [Shares::PersonId, Shares::SharedOn],
            false,
        )
        .await?;
        create_index(
            manager,
            "idx_shares_unit_shared_on",
            Shares::Table,
            [Shares::UnitId, Shares::SharedOn],
            false,
        )
        .await?;
        create_index(
            manager,
            "idx_shares_shared_on",
            Shares::Table,
            [Shares::SharedOn],
            false,
        )
        .await?;
        create_index(
            manager,
            "idx_shares_rule_id",
            Shares::Table,
            [Shares::RuleId],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(TallyMonths::Table)
                    .col(big_integer(TallyMonths::PersonId))
                    .col(big_integer(TallyMonths::UnitId))
                    .col(integer(TallyMonths::Year))
                    .col(integer(TallyMonths::Month))
                    .col(integer(TallyMonths::Accepted).default(0))
                    .col(integer(TallyMonths::Rejected).default(0))
                    .primary_key(
                        Index::create()
                            .name("pk_tally_months")
                            .col(TallyMonths::PersonId)
                            .col(TallyMonths::UnitId)
                            .col(TallyMonths::Year)
                            .col(TallyMonths::Month),
                    )
                    .foreign_key(&mut foreign_key(
                        "fk_tally_months_person_id",
                        (TallyMonths::Table, TallyMonths::PersonId),
                        (People::Table, People::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        "fk_tally_months_unit_id",
                        (TallyMonths::Table, TallyMonths::UnitId),
                        (Units::Table, Units::Id),
                        ForeignKeyAction::NoAction,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "idx_tally_months_unit_year",
            TallyMonths::Table,
            [TallyMonths::UnitId, TallyMonths::Year],
            false,
        )
        .await?;
        create_index(
            manager,
            "idx_tally_months_year",
            TallyMonths::Table,
            [TallyMonths::Year],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(EvaluationPolicies::Table)
                    .col(big_pk_auto(EvaluationPolicies::Id))
                    .col(integer(EvaluationPolicies::Year))
                    .col(date(EvaluationPolicies::PeriodStart))
                    .col(date(EvaluationPolicies::PeriodEnd))
                    .col(integer(EvaluationPolicies::Target))
                    .col(integer_null(EvaluationPolicies::MonthTarget))
                    .col(integer_null(EvaluationPolicies::QuarterTarget))
                    .col(text(EvaluationPolicies::Levels).default("[]"))
                    .col(timestamp_with_time_zone_null(EvaluationPolicies::ClosedAt))
                    .col(big_integer_null(EvaluationPolicies::ClosedBy))
                    .col(timestamp_with_time_zone(EvaluationPolicies::CreatedAt))
                    .col(timestamp_with_time_zone(EvaluationPolicies::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "uq_evaluation_policies_year",
            EvaluationPolicies::Table,
            [EvaluationPolicies::Year],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(big_pk_auto(AuditEvents::Id))
                    .col(timestamp_with_time_zone(AuditEvents::At))
                    // No foreign key: the trail outlives the people in it.
                    .col(big_integer_null(AuditEvents::ActorPersonId))
                    .col(string(AuditEvents::Actor))
                    .col(string(AuditEvents::Action))
                    .col(string_null(AuditEvents::TargetType))
                    .col(string_null(AuditEvents::TargetId))
                    .col(text_null(AuditEvents::Detail))
                    .col(string_null(AuditEvents::Ip))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "idx_audit_events_at",
            AuditEvents::Table,
            [AuditEvents::At],
            false,
        )
        .await?;
        create_index(
            manager,
            "idx_audit_events_actor_person_id",
            AuditEvents::Table,
            [AuditEvents::ActorPersonId],
            false,
        )
        .await?;
        create_index(
            manager,
            "idx_audit_events_action",
            AuditEvents::Table,
            [AuditEvents::Action],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(big_pk_auto(Sessions::Id))
                    .col(string(Sessions::IdHash))
                    .col(big_integer(Sessions::PersonId))
                    .col(string(Sessions::CsrfHash))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Sessions::EndedAt))
                    .col(string_null(Sessions::UserAgent))
                    .foreign_key(&mut foreign_key(
                        "fk_sessions_person_id",
                        (Sessions::Table, Sessions::PersonId),
                        (People::Table, People::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "uq_sessions_id_hash",
            Sessions::Table,
            [Sessions::IdHash],
            true,
        )
        .await?;
        create_index(
            manager,
            "idx_sessions_person_id",
            Sessions::Table,
            [Sessions::PersonId],
            false,
        )
        .await?;
        create_index(
            manager,
            "idx_sessions_expires_at",
            Sessions::Table,
            [Sessions::ExpiresAt],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(big_pk_auto(ApiTokens::Id))
                    .col(big_integer(ApiTokens::PersonId))
                    .col(string(ApiTokens::Name))
                    .col(string(ApiTokens::TokenHash))
                    .col(string(ApiTokens::Prefix))
                    .col(boolean(ApiTokens::ReadOnly).default(false))
                    .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::ExpiresAt))
                    .foreign_key(&mut foreign_key(
                        "fk_api_tokens_person_id",
                        (ApiTokens::Table, ApiTokens::PersonId),
                        (People::Table, People::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "uq_api_tokens_token_hash",
            ApiTokens::Table,
            [ApiTokens::TokenHash],
            true,
        )
        .await?;
        create_index(
            manager,
            "idx_api_tokens_person_id",
            ApiTokens::Table,
            [ApiTokens::PersonId],
            false,
        )
        .await?;

        // Frozen figures: no foreign keys, they must survive later changes.
        manager
            .create_table(
                Table::create()
                    .table(EvaluationSnapshots::Table)
                    .col(big_pk_auto(EvaluationSnapshots::Id))
                    .col(integer(EvaluationSnapshots::Year))
                    .col(big_integer(EvaluationSnapshots::PersonId))
                    .col(string(EvaluationSnapshots::StaffCode))
                    .col(string(EvaluationSnapshots::FullName))
                    .col(big_integer(EvaluationSnapshots::UnitId))
                    .col(string(EvaluationSnapshots::UnitCode))
                    .col(string(EvaluationSnapshots::UnitName))
                    .col(string_null(EvaluationSnapshots::Position))
                    .col(string(EvaluationSnapshots::EmploymentType))
                    .col(integer(EvaluationSnapshots::Accepted))
                    .col(integer(EvaluationSnapshots::Rejected))
                    .col(integer_null(EvaluationSnapshots::Target))
                    .col(integer(EvaluationSnapshots::Q1))
                    .col(integer(EvaluationSnapshots::Q2))
                    .col(integer(EvaluationSnapshots::Q3))
                    .col(integer(EvaluationSnapshots::Q4))
                    .col(boolean_null(EvaluationSnapshots::Met))
                    .col(string_null(EvaluationSnapshots::Level))
                    .col(timestamp_with_time_zone(EvaluationSnapshots::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // Leads with `year`, so it also serves queries by year alone.
        create_index(
            manager,
            "uq_evaluation_snapshots_year_person",
            EvaluationSnapshots::Table,
            [EvaluationSnapshots::Year, EvaluationSnapshots::PersonId],
            true,
        )
        .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables: [DynIden; 12] = [
            EvaluationSnapshots::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            AuditEvents::Table.into_iden(),
            EvaluationPolicies::Table.into_iden(),
            TallyMonths::Table.into_iden(),
            Shares::Table.into_iden(),
            AllowlistRules::Table.into_iden(),
            RoleGrants::Table.into_iden(),
            Identities::Table.into_iden(),
            People::Table.into_iden(),
            Units::Table.into_iden(),
        ];
        for table in tables {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// Longest `shares.source_key` the schema accepts; the application must
/// reject longer keys before inserting (SQLite does not enforce the length).
const SOURCE_KEY_MAX_LEN: u32 = 2100;

/// Makes a text column compare byte by byte on PostgreSQL, as SQLite's default
/// `BINARY` collation already does: `people.sort_key` is a precomputed
/// collation key and `units.path` is searched by prefix, so neither may be
/// reordered by the server's locale.
fn bytewise(backend: DbBackend, mut column: ColumnDef) -> ColumnDef {
    if backend == DbBackend::Postgres {
        column.extra(r#"COLLATE "C""#);
    }
    column
}

/// A named foreign key. Rows that others depend on (units, people with shares)
/// are protected with `NO ACTION` rather than `RESTRICT`: both refuse the
/// delete, but SQLite reports a `RESTRICT` refusal as a trigger error that
/// `DbErr::sql_err()` cannot classify, while `NO ACTION` gives the ordinary
/// foreign-key error on both databases.
fn foreign_key<T, C, RT, RC>(
    name: &str,
    (from_table, from_column): (T, C),
    (to_table, to_column): (RT, RC),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement
where
    T: IntoIden,
    C: IntoIden,
    RT: IntoIden,
    RC: IntoIden,
{
    ForeignKey::create()
        .name(name)
        .from(from_table.into_iden(), from_column)
        .to(to_table.into_iden(), to_column)
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::NoAction)
        .to_owned()
}

async fn create_index<T, C>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    columns: impl IntoIterator<Item = C>,
    unique: bool,
) -> Result<(), DbErr>
where
    T: IntoIden,
    C: IntoIden,
{
    let mut index = Index::create();
    index.name(name).table(table.into_iden());
    for column in columns {
        index.col(column.into_iden());
    }
    if unique {
        index.unique();
    }
    manager.create_index(index).await
}

#[derive(DeriveIden)]
enum Units {
    Table,
    Id,
    Code,
    Name,
    Kind,
    ParentId,
    Path,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
    StaffCode,
    FullName,
    SortKey,
    Email,
    UnitId,
    Position,
    EmploymentType,
    JoinedOn,
    LeftOn,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Identities {
    Table,
    Id,
    Issuer,
    Subject,
    PersonId,
    CreatedAt,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum RoleGrants {
    Table,
    Id,
    PersonId,
    Role,
    UnitId,
    GrantedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AllowlistRules {
    Table,
    Id,
    Kind,
    Pattern,
    Category,
    Label,
    Active,
    CreatedAt,
    CreatedBy,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum Shares {
    Table,
    Id,
    PersonId,
    UnitId,
    SourceUrl,
    SourceKey,
    SourceHost,
    RuleId,
    RuleLabel,
    RuleCategory,
    Platform,
    PostUrl,
    PostKey,
    SharedOn,
    SubmittedAt,
    Status,
    ReviewReason,
    ReviewedBy,
    ReviewedAt,
    IdempotencyKey,
    Origin,
}

#[derive(DeriveIden)]
enum TallyMonths {
    Table,
    PersonId,
    UnitId,
    Year,
    Month,
    Accepted,
    Rejected,
}

#[derive(DeriveIden)]
enum EvaluationPolicies {
    Table,
    Id,
    Year,
    PeriodStart,
    PeriodEnd,
    Target,
    MonthTarget,
    QuarterTarget,
    Levels,
    ClosedAt,
    ClosedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    At,
    ActorPersonId,
    Actor,
    Action,
    TargetType,
    TargetId,
    Detail,
    Ip,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    IdHash,
    PersonId,
    CsrfHash,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    EndedAt,
    UserAgent,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    PersonId,
    Name,
    TokenHash,
    Prefix,
    ReadOnly,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum EvaluationSnapshots {
    Table,
    Id,
    Year,
    PersonId,
    StaffCode,
    FullName,
    UnitId,
    UnitCode,
    UnitName,
    Position,
    EmploymentType,
    Accepted,
    Rejected,
    Target,
    Q1,
    Q2,
    Q3,
    Q4,
    Met,
    Level,
    CreatedAt,
}
