//! Stored name sort keys: rewritten by the migration step when this build computes them
//! differently (an ICU data or key layout change, a restored backup), so `ORDER BY sort_key`
//! stays the Vietnamese order.

use entity::person;
use lantoa::domain::names::sort_key;
use sea_orm::sea_query::Expr;
use sea_orm::{EntityTrait, QueryOrder};

use crate::both_databases;
use crate::helpers::{ROSTER_CSV, UNITS_CSV};

both_databases!(
    migrating_rewrites_stale_sort_keys_and_keeps_fresh_ones,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        let settings = app.test_db.settings();
        let report = lantoa::db::migrate(&settings).await.expect("migrate");
        assert_eq!(report.rekeyed_people, 0, "fresh keys are left alone");

        // Keys of an older layout (digits only) that order the roster backwards.
        person::Entity::update_many()
            .col_expr(
                person::Column::SortKey,
                Expr::cust(
                    "CASE staff_code WHEN 'DB001' THEN '9' WHEN 'DB004' THEN '1' ELSE sort_key END",
                ),
            )
            .exec(&app.db)
            .await
            .expect("stale keys");
        let report = lantoa::db::migrate(&settings).await.expect("migrate again");
        assert_eq!(report.rekeyed_people, 2, "the two stale keys are rewritten");

        let people = person::Entity::find()
            .order_by_asc(person::Column::SortKey)
            .all(&app.db)
            .await
            .expect("people");
        for p in &people {
            assert_eq!(p.sort_key, sort_key(&p.full_name), "{}", p.full_name);
        }
        let names: Vec<&str> = people.iter().map(|p| p.full_name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Nguyễn Văn An",
                "Lò Thị Bình",
                "Trần Đức Chính",
                "Quàng Văn Dũng"
            ],
            "the database orders by given name"
        );
        let report = lantoa::db::migrate(&settings).await.expect("third migrate");
        assert_eq!(report.rekeyed_people, 0, "nothing left to rewrite");
        app.finish().await
    }
);
