//! `lantoa demo`: seeds the example province into an embedded SQLite file (once), prints
//! ready-to-use tokens, and serves on loopback.

use std::net::SocketAddr;
use std::path::PathBuf;

use chrono::Datelike;
use entity::{person, role_grant};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use super::{CliError, CliResult};
use crate::db;
use crate::db::audit::Actor;
use crate::demo::{DemoParams, generate};
use crate::domain::roster::Role;
use crate::service::policy::PolicyInput;
use crate::service::seed::{ShareLoader, roster};
use crate::settings::{Secret, Settings};
use crate::verify::Allowlist;

/// The demo's fixed seed: the same province every time.
const DEMO_SEED: u64 = 2241;

/// Seeds (if empty) and serves the demo province.
pub async fn run(mut settings: Settings, bind: SocketAddr, database: PathBuf) -> CliResult {
    if !bind.ip().is_loopback() {
        return Err(CliError(format!(
            "chế độ demo chỉ chạy trên địa chỉ loopback (127.0.0.1), không phải {bind}"
        )));
    }
    settings.database_url = Secret::new(format!("sqlite://{}?mode=rwc", database.display()));
    settings.demo = true;
    settings.bind = bind;
    settings.migrate_on_start = true;
    let db = super::open_database(&settings).await?;
    if person::Entity::find().count(&db).await? == 0 {
        seed(&db).await?;
    }
    print_tokens(&db).await?;
    db.close().await?;
    super::serve::run(settings, Some(bind)).await
}

async fn seed(db: &DatabaseConnection) -> CliResult {
    let today = crate::service::shares::today();
    let year = today.year();
    println!("Đang tạo tỉnh mẫu (lần chạy đầu)…");
    let params = DemoParams {
        people: 200,
        year,
        shares_until: today,
        shares_per_person_per_day: 1.2,
    };
    let province = generate(DEMO_SEED, &params);
    let report = roster(db, &province)
        .await
        .map_err(|e| CliError(e.message()))?;
    let allowlist = Allowlist::new(db::allowlist::active_rules(db).await?);
    let mut loader = ShareLoader::new(db, &allowlist).await?;
    for share in &province.shares {
        loader
            .push(db, share)
            .await
            .map_err(|e| CliError(format!("{e}")))?;
    }
    let shares = loader.finish(db).await?;
    let policy = PolicyInput {
        period_start: None,
        period_end: None,
        target: 300,
        month_target: None,
        quarter_target: None,
        levels: vec![crate::tally::Level {
            name: "Vượt".into(),
            min_percent: 150,
        }],
        count_only_own_accounts: None,
    };
    crate::service::policy::set(db, &Actor::cli(), year, &policy)
        .await
        .map_err(|e| CliError(e.message()))?;
    println!(
        "Đã tạo {} đơn vị, {} cán bộ, {} lượt chia sẻ năm {year}, chỉ tiêu 300 lượt/năm.",
        report.units, report.people, shares
    );
    Ok(())
}

/// Creates a fresh token for one holder of each role and one plain staff member.
async fn print_tokens(db: &DatabaseConnection) -> CliResult {
    println!("Token dùng thử (Authorization: Bearer …):");
    for role in [
        Role::Staff,
        Role::UnitHead,
        Role::HomeAffairs,
        Role::Culture,
        Role::Admin,
    ] {
        let holder = if role == Role::Staff {
            let with_roles: Vec<i64> = role_grant::Entity::find()
                .all(db)
                .await?
                .iter()
                .map(|g| g.person_id)
                .collect();
            person::Entity::find()
                .filter(person::Column::Active.eq(true))
                .filter(person::Column::Id.is_not_in(with_roles))
                .order_by_asc(person::Column::Id)
                .one(db)
                .await?
        } else {
            match role_grant::Entity::find()
                .filter(role_grant::Column::Role.eq(role.as_str()))
                .order_by_asc(role_grant::Column::Id)
                .one(db)
                .await?
            {
                Some(grant) => db::people::by_id(db, grant.person_id).await?,
                None => None,
            }
        };
        if let Some(person) = holder {
            let (_, secret) = db::tokens::create(db, person.id, "demo", false).await?;
            println!(
                "  {:<18} {} – {}: {secret}",
                role.label_vi(),
                person.staff_code,
                person.full_name
            );
        }
    }
    Ok(())
}
