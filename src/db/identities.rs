//! Links from a provider identity (issuer, subject) to a person on the roster.

use chrono::Utc;
use entity::{identity, person};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};

/// The person already linked to this identity.
pub async fn person_for(
    db: &impl ConnectionTrait,
    issuer: &str,
    subject: &str,
) -> Result<Option<person::Model>, DbErr> {
    let Some(link) = identity::Entity::find()
        .filter(identity::Column::Issuer.eq(issuer))
        .filter(identity::Column::Subject.eq(subject))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let mut active: identity::ActiveModel = link.clone().into();
    active.last_seen_at = Set(Some(Utc::now()));
    active.update(db).await?;
    person::Entity::find_by_id(link.person_id).one(db).await
}

/// Links an identity to a person (first sign-in).
pub async fn link(
    db: &impl ConnectionTrait,
    issuer: &str,
    subject: &str,
    person_id: i64,
) -> Result<(), DbErr> {
    let now = Utc::now();
    identity::ActiveModel {
        issuer: Set(issuer.to_owned()),
        subject: Set(subject.to_owned()),
        person_id: Set(person_id),
        created_at: Set(now),
        last_seen_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Finds the roster person a claim names: by e-mail (case-insensitive) or by staff code.
pub async fn person_by_claim(
    db: &impl ConnectionTrait,
    claim: &str,
    value: &str,
) -> Result<Option<person::Model>, DbErr> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if claim == "email" {
        person::Entity::find()
            .filter(person::Column::Email.eq(value.to_lowercase()))
            .one(db)
            .await
    } else {
        super::people::by_staff_code(db, value).await
    }
}
