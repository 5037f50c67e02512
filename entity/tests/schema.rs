//! The entities match the migrated schema: every table takes a row and gives it
//! back unchanged, and the defaults and constraints the application relies on
//! hold. On SQLite always, and on a fresh PostgreSQL database per test when
//! `LANTOA_TEST_POSTGRES_URL` is set.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{prelude::*, *};
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait,
    Database, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, Iterable, ModelTrait,
    PrimaryKeyToColumn, PrimaryKeyTrait, QueryFilter, QueryOrder, SqlErr,
};

// ---------------------------------------------------------------- harness

/// Runs `check` on a migrated in-memory SQLite database, then on a fresh
/// PostgreSQL database if one is configured.
async fn on_each_database(
    check: impl AsyncFn(&DatabaseConnection) -> Result<(), DbErr>,
) -> Result<(), DbErr> {
    let sqlite = Database::connect("sqlite::memory:").await?;
    Migrator::up(&sqlite, None).await?;
    check(&sqlite).await?;

    let Ok(url) = std::env::var("LANTOA_TEST_POSTGRES_URL") else {
        return Ok(());
    };
    let admin = Database::connect(&url).await?;
    let name = format!(
        "lantoa_entity_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    );
    admin
        .execute_unprepared(&format!(r#"CREATE DATABASE "{name}""#))
        .await?;
    let outcome = async {
        let db = Database::connect(&with_database(&url, &name)).await?;
        let outcome = match Migrator::up(&db, None).await {
            Ok(()) => check(&db).await,
            Err(err) => Err(err),
        };
        db.close().await?;
        outcome
    }
    .await;
    admin
        .execute_unprepared(&format!(r#"DROP DATABASE "{name}" WITH (FORCE)"#))
        .await?;
    outcome
}

/// The same URL with its database name replaced.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

/// Inserts `model` leaving auto-increment keys to the database, then checks
/// that both the insert and a fresh read give back exactly `model`: the first
/// row of a table gets id 1, so fixtures use that.
async fn round_trip<A>(
    db: &DatabaseConnection,
    model: <A::Entity as EntityTrait>::Model,
) -> Result<(), DbErr>
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A> + PartialEq + std::fmt::Debug,
{
    let mut active = model.clone().into_active_model();
    if <<A::Entity as EntityTrait>::PrimaryKey as PrimaryKeyTrait>::auto_increment() {
        for key in <A::Entity as EntityTrait>::PrimaryKey::iter() {
            active.not_set(key.into_column());
        }
    }
    let table = std::any::type_name::<A>();
    let inserted = active.insert(db).await?;
    assert_eq!(inserted, model, "{table}: insert returns the row as given");
    let stored = A::Entity::find().all(db).await?;
    assert_eq!(stored, vec![model], "{table}: the row reads back unchanged");
    Ok(())
}

fn at(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).expect("a timestamp in range")
}

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid date")
}

/// 2026-03-14T01:02:03.456789Z: microseconds, the finest both databases keep.
const T: i64 = 1_773_450_123_456_789;

fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

fn is_foreign_key_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(SqlErr::ForeignKeyConstraintViolation(_))
    )
}

// --------------------------------------------------------------- fixtures

async fn new_unit(
    db: &DatabaseConnection,
    code: &str,
    parent: Option<&unit::Model>,
) -> Result<unit::Model, DbErr> {
    let inserted = unit::ActiveModel {
        code: Set(code.to_owned()),
        name: Set(format!("Đơn vị {code}")),
        kind: Set("department".to_owned()),
        parent_id: Set(parent.map(|p| p.id)),
        path: Set(String::new()),
        created_at: Set(at(T)),
        updated_at: Set(at(T)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let path = format!(
        "{}{}/",
        parent.map_or("/", |p| p.path.as_str()),
        inserted.id
    );
    let mut active = inserted.into_active_model();
    active.path = Set(path);
    active.update(db).await
}

async fn new_person(
    db: &DatabaseConnection,
    staff_code: &str,
    sort_key: &str,
    unit: &unit::Model,
) -> Result<person::Model, DbErr> {
    person::ActiveModel {
        staff_code: Set(staff_code.to_owned()),
        full_name: Set(format!("Cán bộ {staff_code}")),
        sort_key: Set(sort_key.to_owned()),
        unit_id: Set(unit.id),
        employment_type: Set("cong_chuc".to_owned()),
        created_at: Set(at(T)),
        updated_at: Set(at(T)),
        ..Default::default()
    }
    .insert(db)
    .await
}

fn new_share(
    person: &person::Model,
    source_key: &str,
    platform: &str,
    post_key: Option<&str>,
) -> share::ActiveModel {
    share::ActiveModel {
        person_id: Set(person.id),
        unit_id: Set(person.unit_id),
        source_url: Set(format!("https://{source_key}")),
        source_key: Set(source_key.to_owned()),
        source_host: Set("baochinhphu.vn".to_owned()),
        platform: Set(platform.to_owned()),
        post_key: Set(post_key.map(str::to_owned)),
        shared_on: Set(day(2026, 3, 14)),
        submitted_at: Set(at(T)),
        origin: Set("api".to_owned()),
        ..Default::default()
    }
}

// ------------------------------------------------------------------ tests

#[tokio::test]
async fn every_entity_reads_back_what_was_written() -> Result<(), DbErr> {
    on_each_database(async |db| {
        round_trip::<unit::ActiveModel>(
            db,
            unit::Model {
                id: 1,
                code: "H01".into(),
                name: "Tỉnh Lào Cai".into(),
                kind: "province".into(),
                parent_id: None,
                path: "/1/".into(),
                active: true,
                created_at: at(T),
                updated_at: at(T + 1),
            },
        )
        .await?;
        round_trip::<person::ActiveModel>(
            db,
            person::Model {
                id: 1,
                staff_code: "CB0001".into(),
                full_name: "Nguyễn Thị Ánh".into(),
                sort_key: "nguyen thi anh\u{1}".into(),
                email: Some("anh@laocai.gov.vn".into()),
                unit_id: 1,
                position: Some("Chuyên viên".into()),
                employment_type: "cong_chuc".into(),
                joined_on: Some(day(2015, 9, 1)),
                left_on: Some(day(2030, 12, 31)),
                active: false,
                created_at: at(T),
                updated_at: at(T + 2),
            },
        )
        .await?;
        round_trip::<identity::ActiveModel>(
            db,
            identity::Model {
                id: 1,
                issuer: "https://sso.laocai.gov.vn".into(),
                subject: "a1b2c3".into(),
                person_id: 1,
                created_at: at(T),
                last_seen_at: Some(at(T + 3)),
            },
        )
        .await?;
        round_trip::<role_grant::ActiveModel>(
            db,
            role_grant::Model {
                id: 1,
                person_id: 1,
                role: "unit_head".into(),
                unit_id: Some(1),
                granted_by: Some(1),
                created_at: at(T),
            },
        )
        .await?;
        round_trip::<allowlist_rule::ActiveModel>(
            db,
            allowlist_rule::Model {
                id: 1,
                kind: "host".into(),
                pattern: "baochinhphu.vn".into(),
                category: "press".into(),
                label: "Báo điện tử Chính phủ".into(),
                active: true,
                created_at: at(T),
                created_by: Some("cli".into()),
                updated_at: at(T + 4),
                updated_by: Some("token:sync".into()),
            },
        )
        .await?;
        round_trip::<share::ActiveModel>(
            db,
            share::Model {
                id: 1,
                person_id: 1,
                unit_id: 1,
                source_url: "https://baochinhphu.vn/bai-viet-102260314.htm".into(),
                source_key: format!("baochinhphu.vn/{}", "x".repeat(2000)),
                source_host: "baochinhphu.vn".into(),
                rule_id: Some(1),
                rule_label: Some("Báo điện tử Chính phủ".into()),
                rule_category: Some("press".into()),
                platform: "facebook".into(),
                post_url: Some("https://www.facebook.com/share/p/abc/".into()),
                post_key: Some("facebook:abc".into()),
                shared_on: day(2026, 3, 14),
                submitted_at: at(T),
                status: "rejected".into(),
                review_reason: Some("Không đúng nguồn".into()),
                reviewed_by: Some(1),
                reviewed_at: Some(at(T + 5)),
                idempotency_key: Some("0b7c9a9e-idem".into()),
                origin: "web".into(),
                account_match: "other_person".into(),
                post_account: Some("nguyenvana".into()),
            },
        )
        .await?;
        round_trip::<tally_month::ActiveModel>(
            db,
            tally_month::Model {
                person_id: 1,
                unit_id: 1,
                year: 2026,
                month: 3,
                accepted: 7,
                rejected: 1,
                matched: 3,
                other_person: 1,
                undeclared: 2,
            },
        )
        .await?;
        round_trip::<evaluation_policy::ActiveModel>(
            db,
            evaluation_policy::Model {
                id: 1,
                year: 2026,
                period_start: day(2026, 1, 1),
                period_end: day(2026, 12, 31),
                target: 48,
                month_target: Some(4),
                quarter_target: Some(12),
                levels: r#"[{"name":"tốt","min":48}]"#.into(),
                closed_at: Some(at(T + 6)),
                closed_by: Some(1),
                count_only_own_accounts: true,
                created_at: at(T),
                updated_at: at(T + 7),
            },
        )
        .await?;
        round_trip::<declared_account::ActiveModel>(
            db,
            declared_account::Model {
                id: 1,
                person_id: 1,
                platform: "facebook".into(),
                normalized: "x".repeat(200),
                address: "https://www.facebook.com/Nguyen.Van.A/".into(),
                display_name: Some("Nguyễn Văn A".into()),
                created_at: at(T),
                updated_at: at(T + 8),
            },
        )
        .await?;
        round_trip::<audit_event::ActiveModel>(
            db,
            audit_event::Model {
                id: 1,
                at: at(T),
                actor_person_id: Some(1),
                actor: "CB0001".into(),
                action: "share.review".into(),
                target_type: Some("share".into()),
                target_id: Some("1".into()),
                detail: Some(r#"{"status":"rejected"}"#.into()),
                ip: Some("2001:db8::1".into()),
            },
        )
        .await?;
        round_trip::<session::ActiveModel>(
            db,
            session::Model {
                id: 1,
                id_hash: "a".repeat(64),
                person_id: 1,
                csrf_hash: "b".repeat(64),
                created_at: at(T),
                last_seen_at: at(T + 8),
                expires_at: at(T + 9),
                ended_at: Some(at(T + 10)),
                user_agent: Some("Mozilla/5.0 (Android 14)".into()),
            },
        )
        .await?;
        round_trip::<api_token::ActiveModel>(
            db,
            api_token::Model {
                id: 1,
                person_id: 1,
                name: "đồng bộ".into(),
                token_hash: "c".repeat(64),
                prefix: "lt_3f9a".into(),
                read_only: true,
                created_at: at(T),
                last_used_at: Some(at(T + 11)),
                revoked_at: Some(at(T + 12)),
                expires_at: Some(at(T + 13)),
            },
        )
        .await?;
        round_trip::<evaluation_snapshot::ActiveModel>(
            db,
            evaluation_snapshot::Model {
                id: 1,
                year: 2026,
                person_id: 1,
                staff_code: "CB0001".into(),
                full_name: "Nguyễn Thị Ánh".into(),
                unit_id: 1,
                unit_code: "H01".into(),
                unit_name: "Tỉnh Lào Cai".into(),
                unit_path: "/1/".into(),
                position: Some("Chuyên viên".into()),
                employment_type: "cong_chuc".into(),
                accepted: 50,
                rejected: 2,
                target: Some(48),
                q1: 12,
                q2: 13,
                q3: 12,
                q4: 13,
                met: Some(true),
                level: Some("tốt".into()),
                created_at: at(T),
            },
        )
        .await
    })
    .await
}

#[tokio::test]
async fn omitted_columns_take_their_defaults() -> Result<(), DbErr> {
    on_each_database(async |db| {
        let unit = new_unit(db, "H01", None).await?;
        assert!(unit.active, "a unit is active by default");
        let person = new_person(db, "CB0001", "a", &unit).await?;
        assert!(person.active, "a person is active by default");

        let share = new_share(&person, "baochinhphu.vn/a", "facebook", None)
            .insert(db)
            .await?;
        assert_eq!(share.status, "accepted", "a share is accepted by default");
        assert_eq!(
            share.account_match, "unknown",
            "a share's account match is unknown by default"
        );

        let rule = allowlist_rule::ActiveModel {
            kind: Set("host".into()),
            pattern: Set("baochinhphu.vn".into()),
            category: Set("press".into()),
            label: Set("Báo Chính phủ".into()),
            created_at: Set(at(T)),
            updated_at: Set(at(T)),
            ..Default::default()
        }
        .insert(db)
        .await?;
        assert!(rule.active, "a rule is active by default");

        let token = api_token::ActiveModel {
            person_id: Set(person.id),
            name: Set("script".into()),
            token_hash: Set("d".repeat(64)),
            prefix: Set("lt_d".into()),
            created_at: Set(at(T)),
            ..Default::default()
        }
        .insert(db)
        .await?;
        assert!(!token.read_only, "a token can write by default");

        let tally = tally_month::ActiveModel {
            person_id: Set(person.id),
            unit_id: Set(unit.id),
            year: Set(2026),
            month: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await?;
        assert_eq!(
            (tally.accepted, tally.rejected),
            (0, 0),
            "tallies start at 0"
        );
        assert_eq!(
            (tally.matched, tally.other_person, tally.undeclared),
            (0, 0, 0),
            "match counters start at 0"
        );

        let policy = evaluation_policy::ActiveModel {
            year: Set(2026),
            period_start: Set(day(2026, 1, 1)),
            period_end: Set(day(2026, 12, 31)),
            target: Set(48),
            created_at: Set(at(T)),
            updated_at: Set(at(T)),
            ..Default::default()
        }
        .insert(db)
        .await?;
        assert_eq!(policy.levels, "[]", "a policy has no levels by default");
        assert!(
            !policy.count_only_own_accounts,
            "a policy counts every accepted share by default"
        );
        Ok(())
    })
    .await
}

#[tokio::test]
async fn an_account_is_declared_by_one_person_only() -> Result<(), DbErr> {
    on_each_database(async |db| {
        let unit = new_unit(db, "U1", None).await?;
        let anh = new_person(db, "CB0001", "a", &unit).await?;
        let binh = new_person(db, "CB0002", "b", &unit).await?;
        let declare = |person: i64, platform: &str| declared_account::ActiveModel {
            person_id: Set(person),
            platform: Set(platform.into()),
            normalized: Set("nguyenvana".into()),
            address: Set("@nguyenvana".into()),
            created_at: Set(at(T)),
            updated_at: Set(at(T)),
            ..Default::default()
        };
        declare(anh.id, "facebook").insert(db).await?;
        declare(anh.id, "tiktok")
            .insert(db)
            .await
            .map_err(|err| DbErr::Custom(format!("same name, other platform: {err}")))?;
        let err = declare(binh.id, "facebook")
            .insert(db)
            .await
            .expect_err("one account, one person");
        assert!(is_unique_violation(&err), "{err}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn shares_are_unique_per_source_and_platform_per_post_and_per_idempotency_key()
-> Result<(), DbErr> {
    on_each_database(async |db| {
        let unit = new_unit(db, "H01", None).await?;
        let anh = new_person(db, "CB0001", "a", &unit).await?;
        let binh = new_person(db, "CB0002", "b", &unit).await?;

        new_share(&anh, "src/1", "facebook", None)
            .insert(db)
            .await?;
        new_share(&anh, "src/2", "facebook", None)
            .insert(db)
            .await
            .map_err(|err| DbErr::Custom(format!("two shares without a post key: {err}")))?;
        new_share(&anh, "src/1", "zalo", None)
            .insert(db)
            .await
            .map_err(|err| DbErr::Custom(format!("same source, other platform: {err}")))?;
        new_share(&binh, "src/1", "facebook", None)
            .insert(db)
            .await
            .map_err(|err| DbErr::Custom(format!("same source, other person: {err}")))?;

        let err = new_share(&anh, "src/1", "facebook", None)
            .insert(db)
            .await
            .expect_err("the same source twice on one platform is refused");
        assert!(is_unique_violation(&err), "a unique violation: {err}");

        new_share(&anh, "src/3", "facebook", Some("facebook:1"))
            .insert(db)
            .await?;
        let err = new_share(&binh, "src/4", "facebook", Some("facebook:1"))
            .insert(db)
            .await
            .expect_err("one post counted twice is refused");
        assert!(is_unique_violation(&err), "a unique violation: {err}");

        let mut first = new_share(&anh, "src/5", "facebook", None);
        first.idempotency_key = Set(Some("k1".into()));
        first.insert(db).await?;
        let mut replay = new_share(&anh, "src/6", "facebook", None);
        replay.idempotency_key = Set(Some("k1".into()));
        let err = replay
            .insert(db)
            .await
            .expect_err("an idempotency key is used once per person");
        assert!(is_unique_violation(&err), "a unique violation: {err}");
        let mut other_person = new_share(&binh, "src/6", "facebook", None);
        other_person.idempotency_key = Set(Some("k1".into()));
        other_person
            .insert(db)
            .await
            .map_err(|err| DbErr::Custom(format!("same key, other person: {err}")))?;
        Ok(())
    })
    .await
}

#[tokio::test]
async fn people_with_shares_stay_and_sign_in_data_goes_with_its_person() -> Result<(), DbErr> {
    on_each_database(async |db| {
        let unit = new_unit(db, "H01", None).await?;
        let sharer = new_person(db, "CB0001", "a", &unit).await?;
        new_share(&sharer, "src/1", "facebook", None)
            .insert(db)
            .await?;
        let err = sharer
            .clone()
            .delete(db)
            .await
            .expect_err("a person with shares cannot be deleted");
        assert!(
            is_foreign_key_violation(&err),
            "a foreign key violation: {err}"
        );
        let err = unit
            .clone()
            .delete(db)
            .await
            .expect_err("a unit with people cannot be deleted");
        assert!(
            is_foreign_key_violation(&err),
            "a foreign key violation: {err}"
        );

        let leaver = new_person(db, "CB0002", "b", &unit).await?;
        identity::ActiveModel {
            issuer: Set("https://sso".into()),
            subject: Set("s".into()),
            person_id: Set(leaver.id),
            created_at: Set(at(T)),
            ..Default::default()
        }
        .insert(db)
        .await?;
        session::ActiveModel {
            id_hash: Set("e".repeat(64)),
            person_id: Set(leaver.id),
            csrf_hash: Set("f".repeat(64)),
            created_at: Set(at(T)),
            last_seen_at: Set(at(T)),
            expires_at: Set(at(T)),
            ..Default::default()
        }
        .insert(db)
        .await?;
        api_token::ActiveModel {
            person_id: Set(leaver.id),
            name: Set("t".into()),
            token_hash: Set("0".repeat(64)),
            prefix: Set("lt_0".into()),
            created_at: Set(at(T)),
            ..Default::default()
        }
        .insert(db)
        .await?;
        role_grant::ActiveModel {
            person_id: Set(leaver.id),
            role: Set("staff".into()),
            created_at: Set(at(T)),
            ..Default::default()
        }
        .insert(db)
        .await?;
        tally_month::ActiveModel {
            person_id: Set(leaver.id),
            unit_id: Set(unit.id),
            year: Set(2026),
            month: Set(2),
            ..Default::default()
        }
        .insert(db)
        .await?;
        declared_account::ActiveModel {
            person_id: Set(leaver.id),
            platform: Set("facebook".into()),
            normalized: Set("leaver".into()),
            address: Set("@leaver".into()),
            created_at: Set(at(T)),
            updated_at: Set(at(T)),
            ..Default::default()
        }
        .insert(db)
        .await?;

        leaver.delete(db).await?;
        assert_eq!(Identity::find().all(db).await?, vec![], "identities go");
        assert_eq!(Session::find().all(db).await?, vec![], "sessions go");
        assert_eq!(ApiToken::find().all(db).await?, vec![], "tokens go");
        assert_eq!(RoleGrant::find().all(db).await?, vec![], "role grants go");
        assert_eq!(TallyMonth::find().all(db).await?, vec![], "tallies go");
        assert_eq!(
            DeclaredAccount::find().all(db).await?,
            vec![],
            "declared accounts go"
        );
        Ok(())
    })
    .await
}

#[tokio::test]
async fn deleting_a_rule_keeps_its_shares_and_their_label() -> Result<(), DbErr> {
    on_each_database(async |db| {
        let unit = new_unit(db, "H01", None).await?;
        let person = new_person(db, "CB0001", "a", &unit).await?;
        let rule = allowlist_rule::ActiveModel {
            kind: Set("host".into()),
            pattern: Set("baochinhphu.vn".into()),
            category: Set("press".into()),
            label: Set("Báo Chính phủ".into()),
            created_at: Set(at(T)),
            updated_at: Set(at(T)),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let mut share = new_share(&person, "src/1", "facebook", None);
        share.rule_id = Set(Some(rule.id));
        share.rule_label = Set(Some(rule.label.clone()));
        let share = share.insert(db).await?;

        rule.delete(db).await?;
        let kept = Share::find_by_id(share.id)
            .one(db)
            .await?
            .ok_or_else(|| DbErr::Custom("the share is gone".into()))?;
        assert_eq!(kept.rule_id, None, "the share no longer points at the rule");
        assert_eq!(
            kept.rule_label.as_deref(),
            Some("Báo Chính phủ"),
            "the label stays"
        );
        Ok(())
    })
    .await
}

#[tokio::test]
async fn sort_keys_and_paths_compare_byte_by_byte() -> Result<(), DbErr> {
    on_each_database(async |db| {
        let root = new_unit(db, "H01", None).await?;
        let department = new_unit(db, "S01", Some(&root)).await?;
        let commune = new_unit(db, "X01", Some(&department)).await?;
        let other = new_unit(db, "S02", Some(&root)).await?;
        assert_eq!(
            commune.path,
            format!("/{}/{}/{}/", root.id, department.id, commune.id)
        );

        // A locale-aware collation would put "a" before "B" and ignore the
        // punctuation; a precomputed key needs plain byte order.
        for (code, key) in [("CB1", "a"), ("CB2", "B"), ("CB3", "a-b"), ("CB4", "ab")] {
            new_person(db, code, key, &root).await?;
        }
        let keys: Vec<String> = Person::find()
            .order_by_asc(person::Column::SortKey)
            .all(db)
            .await?
            .into_iter()
            .map(|p| p.sort_key)
            .collect();
        assert_eq!(keys, ["B", "a", "a-b", "ab"], "byte order");

        let prefix = department.path.clone();
        let upper = format!("{}0", &prefix[..prefix.len() - 1]);
        let subtree: Vec<i64> = Unit::find()
            .filter(unit::Column::Path.gte(prefix.as_str()))
            .filter(unit::Column::Path.lt(upper.as_str()))
            .order_by_asc(unit::Column::Path)
            .all(db)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        assert_eq!(
            subtree,
            [department.id, commune.id],
            "the subtree, not {}",
            other.id
        );
        Ok(())
    })
    .await
}
