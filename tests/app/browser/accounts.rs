//! Declaring an account from the phone form's "not declared" hint, at 390×844: a share whose
//! post is on an undeclared account offers a link that opens the declare form pre-filled; once
//! declared, the next post on that account matches.

use entity::share;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::ARTICLE;
use super::harness::with_browser;

#[tokio::test]
async fn an_account_is_declared_from_the_not_declared_hint() {
    with_browser("declare_from_hint", |b| async move {
        b.sign_in("DB001").await;
        b.type_into("#source_url", ARTICLE).await;
        b.choose_platform("facebook").await;
        b.type_into(
            "#post_url",
            "https://m.facebook.com/Nguyen.Van.An/posts/pfbid0123abc",
        )
        .await;
        b.click("#share-form button[type=submit]").await;
        b.until(
            "the hint to declare the account",
            10,
            "const l = document.getElementById('declare-link'); return !!l && l.offsetParent !== null;",
        )
        .await;
        let done = b.text("#done").await;
        assert!(done.contains("chưa khai báo"), "{done}");
        b.screenshot("1-hint").await;

        b.click("#declare-link").await;
        b.wait_for("#declare-form").await;
        assert_eq!(
            b.js("return [document.getElementById('platform').value, document.getElementById('address').value];")
                .await,
            json!(["facebook", "nguyenvanan"]),
            "the form is pre-filled with the post's account"
        );
        // Phone-sized: the form fits the screen and its controls are big enough to touch.
        let small = b
            .js("return [...document.querySelectorAll('#declare-form input:not([type=hidden]), #declare-form select, #declare-form button')] \
                 .map(e => [e.id, e.getBoundingClientRect().height]).filter(([, h]) => h > 0 && h < 44);")
            .await;
        assert_eq!(small, json!([]), "targets smaller than 44 px");
        assert_eq!(
            b.js("return document.documentElement.scrollWidth <= window.innerWidth;").await,
            json!(true),
            "no sideways scrolling"
        );
        b.type_into("#display_name", "Nguyễn Văn An").await;
        b.screenshot("2-prefilled").await;
        b.click("#declare-submit").await;
        b.wait_for("#accounts-saved").await;
        let list = b.text("#account-list").await;
        assert!(list.contains("nguyenvanan") && list.contains("Facebook"), "{list}");
        b.screenshot("3-declared").await;
        assert_eq!(b.count("declared_accounts").await, 1);

        // The next post on that account matches, and no hint is offered.
        b.open("/").await;
        b.type_into("#source_url", &format!("{ARTICLE}-2")).await;
        b.choose_platform("facebook").await;
        b.type_into("#post_url", "https://www.facebook.com/nguyenvanan/posts/456")
            .await;
        b.click("#share-form button[type=submit]").await;
        b.until(
            "the confirmation",
            10,
            "const d = document.getElementById('done'); return !d.hidden && d.textContent.includes('Đã ghi nhận');",
        )
        .await;
        assert_eq!(
            b.js("return document.getElementById('declare-link') === null;").await,
            json!(true),
            "no hint for a declared account"
        );
        let matched = share::Entity::find()
            .filter(share::Column::AccountMatch.eq("matched"))
            .all(&b.db)
            .await
            .expect("shares");
        assert_eq!(matched.len(), 1, "the second share matched the declared account");
    })
    .await;
}
