//! Uploads kept between an import's preview and its confirmation.

use lantoa::db::import_drafts;

use crate::both_databases;
use crate::helpers::{ROSTER_CSV, UNITS_CSV};

both_databases!(
    a_draft_is_only_for_its_uploader_and_kind,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        let content = "staff_code,full_name\nDB001,Nguyễn Văn An\n".as_bytes();
        let token = import_drafts::save(&app.db, "roster", 7, "nhân sự.csv", content)
            .await
            .expect("saved");
        assert_eq!(token.len(), 64, "256-bit token, hex");

        let draft = import_drafts::load(&app.db, &token, "roster", 7)
            .await
            .expect("query")
            .expect("the uploader finds it");
        assert_eq!(draft.content, content);
        assert_eq!(draft.file_name, "nhân sự.csv");

        let other_person = import_drafts::load(&app.db, &token, "roster", 8)
            .await
            .expect("query");
        assert!(other_person.is_none(), "another person cannot confirm it");
        let other_kind = import_drafts::load(&app.db, &token, "units", 7)
            .await
            .expect("query");
        assert!(
            other_kind.is_none(),
            "a roster upload is not a units upload"
        );
        let wrong_token = import_drafts::load(&app.db, &"0".repeat(64), "roster", 7)
            .await
            .expect("query");
        assert!(wrong_token.is_none());

        let stored: i64 = app.count("import_drafts").await;
        assert_eq!(stored, 1);
        import_drafts::discard(&app.db, &token)
            .await
            .expect("discarded");
        assert!(
            import_drafts::load(&app.db, &token, "roster", 7)
                .await
                .expect("query")
                .is_none()
        );
        assert_eq!(app.count("import_drafts").await, 0);
        app.finish().await;
    }
);
