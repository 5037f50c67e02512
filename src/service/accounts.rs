//! Declared accounts: a person declares, edits and removes their own accounts (one person per
//! account); unit heads and Home Affairs list a subtree's people with their accounts and export
//! the list. Every change and every export is audited.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{declared_account, person, unit};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::CurrentUser;
use crate::db;
use crate::db::accounts::{NewAccount, Stored};
use crate::db::audit::Event;
use crate::error::{AppError, AppResult};
use crate::export::accounts::AccountLine;
use crate::state::AppState;
use crate::verify::{AccountPlatform, MAX_URL_BYTES, normalize_account};

/// Most accounts one person may declare.
pub const MAX_ACCOUNTS_PER_PERSON: usize = 30;
/// Longest display name kept, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 100;

/// An account as the person types it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AccountInput {
    /// `facebook`, `zalo`, `tiktok`, `youtube`, `x`, `instagram`, `linkedin`, `telegram`, `other`.
    pub platform: String,
    /// Profile address or `@handle`.
    pub address: String,
    /// The name shown on the account.
    #[serde(default)]
    pub display_name: Option<String>,
}

/// A declared account as clients see it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AccountView {
    /// Account id.
    pub id: i64,
    /// Platform code.
    pub platform: String,
    /// Platform display name.
    pub platform_label: String,
    /// As typed.
    pub address: String,
    /// The account's identity on its platform.
    pub normalized: String,
    /// The name shown on the account.
    pub display_name: Option<String>,
    /// When declared (UTC).
    pub created_at: DateTime<Utc>,
    /// Last changed (UTC).
    pub updated_at: DateTime<Utc>,
}

impl From<&declared_account::Model> for AccountView {
    fn from(a: &declared_account::Model) -> Self {
        Self {
            id: a.id,
            platform: a.platform.clone(),
            platform_label: platform_label(&a.platform),
            address: a.address.clone(),
            normalized: a.normalized.clone(),
            display_name: a.display_name.clone(),
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// The display name of a platform code (the code itself if unknown).
pub fn platform_label(code: &str) -> String {
    code.parse::<AccountPlatform>()
        .map(|p| p.label().to_owned())
        .unwrap_or_else(|_| code.to_owned())
}

/// The page that declares an account, pre-filled with this one.
pub fn declare_link(platform: &str, account: &str) -> String {
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("platform", platform)
        .append_pair("address", account)
        .finish();
    format!("/me/accounts?{query}")
}

/// Checks what was typed and gives the row to store.
pub fn check(input: &AccountInput) -> AppResult<NewAccount> {
    let platform: AccountPlatform = input.platform.parse().map_err(|_| {
        AppError::invalid(
            "invalid_platform",
            "Nền tảng không hợp lệ. Chọn một trong: facebook, zalo, tiktok, youtube, x, instagram, linkedin, telegram, other.",
        )
    })?;
    let address = input.address.trim();
    if address.len() > MAX_URL_BYTES {
        return Err(AppError::invalid(
            "invalid_account",
            "Địa chỉ tài khoản quá dài.",
        ));
    }
    let normalized = normalize_account(platform, address)
        .map_err(|err| AppError::invalid(err.code(), err.message_vi()))?;
    let display_name = input
        .display_name
        .as_deref()
        .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|n| !n.is_empty());
    if let Some(name) = &display_name
        && (name.chars().count() > MAX_DISPLAY_NAME_CHARS || name.chars().any(char::is_control))
    {
        return Err(AppError::invalid(
            "invalid_display_name",
            "Tên hiển thị không hợp lệ (tối đa 100 ký tự).",
        ));
    }
    Ok(NewAccount {
        platform: platform.as_str().to_owned(),
        normalized,
        address: address.to_owned(),
        display_name,
    })
}

/// The refusal of an account a concurrent request declared first.
async fn taken_meanwhile(state: &AppState, new: &NewAccount, me: i64) -> AppError {
    match db::accounts::owner_of(&state.db, &new.platform, &new.normalized).await {
        Ok(Some(owner)) => taken(owner.person_id, me),
        // Gone again already, or the database away: still not stored, as another person's.
        _ => taken(0, me),
    }
}

fn taken(owner: i64, me: i64) -> AppError {
    if owner == me {
        AppError::conflict(
            "account_already_declared",
            "Bạn đã khai báo tài khoản này rồi.",
        )
    } else {
        AppError::conflict(
            "account_taken",
            "Tài khoản này đã được một cán bộ khác khai báo. Nếu đây là tài khoản của bạn, hãy báo thủ trưởng đơn vị để kiểm tra.",
        )
    }
}

/// The caller's accounts, oldest first.
pub async fn list_own(db: &impl ConnectionTrait, person_id: i64) -> AppResult<Vec<AccountView>> {
    Ok(db::accounts::of_person(db, person_id)
        .await?
        .iter()
        .map(AccountView::from)
        .collect())
}

/// Declares one of the caller's accounts (audited).
pub async fn declare(
    state: &AppState,
    user: &CurrentUser,
    input: &AccountInput,
) -> AppResult<AccountView> {
    let new = check(input)?;
    let txn = state.db.begin().await?;
    if db::accounts::of_person(&txn, user.person.id).await?.len() >= MAX_ACCOUNTS_PER_PERSON {
        return Err(AppError::invalid(
            "too_many_accounts",
            format!("Mỗi người khai báo tối đa {MAX_ACCOUNTS_PER_PERSON} tài khoản."),
        ));
    }
    if let Some(owner) = db::accounts::owner_of(&txn, &new.platform, &new.normalized).await? {
        return Err(taken(owner.person_id, user.person.id));
    }
    let saved = match db::accounts::insert(&txn, user.person.id, &new, state.clock.now()).await? {
        Stored::Saved(model) => model,
        Stored::Taken => {
            txn.rollback().await?;
            return Err(taken_meanwhile(state, &new, user.person.id).await);
        }
    };
    audit_change(&txn, user, "account.declare", &saved).await?;
    txn.commit().await?;
    Ok(AccountView::from(&saved))
}

/// Changes one of the caller's accounts (audited). Another person's account is not found.
pub async fn edit(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    input: &AccountInput,
) -> AppResult<AccountView> {
    let new = check(input)?;
    let txn = state.db.begin().await?;
    let current = own(&txn, user, id).await?;
    if let Some(owner) = db::accounts::owner_of(&txn, &new.platform, &new.normalized).await?
        && owner.id != current.id
    {
        return Err(taken(owner.person_id, user.person.id));
    }
    let saved = match db::accounts::update(&txn, &current, &new, state.clock.now()).await? {
        Stored::Saved(model) => model,
        Stored::Taken => {
            txn.rollback().await?;
            return Err(taken_meanwhile(state, &new, user.person.id).await);
        }
    };
    audit_change(&txn, user, "account.update", &saved).await?;
    txn.commit().await?;
    Ok(AccountView::from(&saved))
}

/// Removes one of the caller's accounts (audited). Shares keep the status they were logged with.
pub async fn remove(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<()> {
    let txn = state.db.begin().await?;
    let current = own(&txn, user, id).await?;
    db::accounts::delete(&txn, current.id).await?;
    audit_change(&txn, user, "account.remove", &current).await?;
    txn.commit().await?;
    Ok(())
}

async fn own(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: i64,
) -> AppResult<declared_account::Model> {
    db::accounts::by_id(db, id)
        .await?
        .filter(|a| a.person_id == user.person.id)
        .ok_or(AppError::NotFound("tài khoản"))
}

async fn audit_change(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    action: &str,
    account: &declared_account::Model,
) -> AppResult<()> {
    db::audit::record(
        db,
        &user.actor(),
        Event {
            action,
            target_type: Some("person"),
            target_id: Some(user.person.staff_code.clone()),
            detail: Some(json!({
                "account_id": account.id,
                "platform": account.platform,
                "normalized": account.normalized,
            })),
        },
    )
    .await?;
    Ok(())
}

/// One person of a unit listing, with their accounts.
#[derive(Debug, Clone, Serialize)]
pub struct PersonAccounts {
    /// Staff code.
    pub staff_code: String,
    /// Full name.
    pub full_name: String,
    /// Unit code.
    pub unit_code: String,
    /// Unit name.
    pub unit_name: String,
    /// The accounts declared (empty: none).
    pub accounts: Vec<AccountView>,
}

/// A subtree's current people with their accounts, in Vietnamese name order.
#[derive(Debug, Clone, Serialize)]
pub struct UnitAccounts {
    /// The subtree's root.
    pub unit: UnitRef,
    /// Current people.
    pub people: usize,
    /// Of those, people with at least one account.
    pub with_accounts: usize,
    /// Of those, people without any.
    pub without_accounts: usize,
    /// Everyone (or one page of them), with their accounts.
    pub items: Vec<PersonAccounts>,
}

/// A unit's code and name.
#[derive(Debug, Clone, Serialize)]
pub struct UnitRef {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// The unit with this code, if the caller may read its subtree. Unknown and out-of-scope units
/// look the same to those who do not see everything, so codes cannot be probed.
pub async fn readable_unit(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
) -> AppResult<unit::Model> {
    match crate::service::export::resolve_scope(&state.db, user, Some(code), false).await? {
        crate::service::export::ExportScope::Unit(unit) => Ok(unit),
        crate::service::export::ExportScope::Province => Err(AppError::Forbidden),
    }
}

/// Everyone currently in the unit's subtree with their declared accounts.
pub async fn of_unit(state: &AppState, unit: &unit::Model) -> AppResult<UnitAccounts> {
    let db = &state.db;
    let ids = db::units::subtree_ids(db, unit).await?;
    let today = state.clock.today();
    let mut people: Vec<person::Model> = db::people::in_units(db, &ids)
        .await?
        .into_iter()
        .filter(|p| crate::auth::is_current(p, today))
        .collect();
    // The stored sort key is the Vietnamese collation key.
    people.sort_by(|a, b| {
        a.sort_key
            .cmp(&b.sort_key)
            .then_with(|| a.full_name.cmp(&b.full_name))
            .then_with(|| a.staff_code.cmp(&b.staff_code))
    });
    let person_ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let mut accounts: HashMap<i64, Vec<AccountView>> = HashMap::new();
    for a in db::accounts::of_people(db, &person_ids).await? {
        accounts
            .entry(a.person_id)
            .or_default()
            .push(AccountView::from(&a));
    }
    let units: HashMap<i64, unit::Model> = db::units::all(db)
        .await?
        .into_iter()
        .filter(|u| ids.contains(&u.id))
        .map(|u| (u.id, u))
        .collect();
    let items: Vec<PersonAccounts> = people
        .into_iter()
        .map(|p| {
            let u = units.get(&p.unit_id);
            PersonAccounts {
                accounts: accounts.remove(&p.id).unwrap_or_default(),
                staff_code: p.staff_code,
                full_name: p.full_name,
                unit_code: u.map(|u| u.code.clone()).unwrap_or_default(),
                unit_name: u.map(|u| u.name.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let with_accounts = items.iter().filter(|p| !p.accounts.is_empty()).count();
    Ok(UnitAccounts {
        unit: UnitRef {
            code: unit.code.clone(),
            name: unit.name.clone(),
        },
        people: items.len(),
        with_accounts,
        without_accounts: items.len() - with_accounts,
        items,
    })
}

/// The listing as export lines: one per account, one per person without any.
pub fn lines(listing: &UnitAccounts) -> Vec<AccountLine> {
    let mut out = Vec::new();
    for p in &listing.items {
        let line = |a: Option<&AccountView>| AccountLine {
            staff_code: p.staff_code.clone(),
            full_name: p.full_name.clone(),
            unit_code: p.unit_code.clone(),
            unit_name: p.unit_name.clone(),
            platform: a.map(|a| a.platform_label.clone()).unwrap_or_default(),
            address: a.map(|a| a.address.clone()).unwrap_or_default(),
            normalized: a.map(|a| a.normalized.clone()).unwrap_or_default(),
            display_name: a.and_then(|a| a.display_name.clone()).unwrap_or_default(),
            declared_on: a
                .map(|a| crate::domain::time::local_date(a.created_at).to_string())
                .unwrap_or_default(),
        };
        if p.accounts.is_empty() {
            out.push(line(None));
        }
        for a in &p.accounts {
            out.push(line(Some(a)));
        }
    }
    out
}

/// One person's account figures for a period: accounts declared now, and accepted shares by
/// match status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AccountFigures {
    /// Accounts declared now.
    pub declared_accounts: u32,
    /// Accepted shares on the person's own declared accounts.
    pub matched: u32,
    /// Accepted shares on another person's declared account.
    pub other_person: u32,
    /// Accepted shares on undeclared accounts.
    pub undeclared: u32,
    /// Accepted shares whose post does not show the account (or has no address).
    pub unknown: u32,
}

/// Account figures of these people for the days `from`..=`to` (bounded lists: a unit's people).
pub async fn figures(
    db: &impl ConnectionTrait,
    people: &[i64],
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> AppResult<HashMap<i64, AccountFigures>> {
    use entity::share;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let mut out: HashMap<i64, AccountFigures> = HashMap::new();
    for chunk in people.chunks(5000) {
        let rows: Vec<(i64, String, i64)> = share::Entity::find()
            .select_only()
            .column(share::Column::PersonId)
            .column(share::Column::AccountMatch)
            .column_as(sea_orm::sea_query::Expr::cust("COUNT(*)"), "n")
            .filter(share::Column::PersonId.is_in(chunk.iter().copied()))
            .filter(share::Column::Status.eq("accepted"))
            .filter(share::Column::SharedOn.between(from, to))
            .group_by(share::Column::PersonId)
            .group_by(share::Column::AccountMatch)
            .into_tuple()
            .all(db)
            .await?;
        for (person, status, n) in rows {
            let n = u32::try_from(n).unwrap_or(0);
            let f = out.entry(person).or_default();
            match status.as_str() {
                "matched" => f.matched += n,
                "other_person" => f.other_person += n,
                "undeclared" => f.undeclared += n,
                _ => f.unknown += n,
            }
        }
        for account in db::accounts::of_people(db, chunk).await? {
            out.entry(account.person_id).or_default().declared_accounts += 1;
        }
    }
    Ok(out)
}

/// Records an export of a unit's accounts list.
pub async fn audit_export(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    listing: &UnitAccounts,
    format: &str,
) -> AppResult<()> {
    db::audit::record(
        db,
        &user.actor(),
        Event {
            action: "export.accounts",
            target_type: Some("unit"),
            target_id: Some(listing.unit.code.clone()),
            detail: Some(json!({
                "format": format,
                "people": listing.people,
                "without_accounts": listing.without_accounts,
            })),
        },
    )
    .await?;
    Ok(())
}
