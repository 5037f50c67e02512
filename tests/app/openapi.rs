//! The OpenAPI document is generated from the code and covers the whole API: every `/api/v1`
//! route of the router's own table is in it with its method; the docs page and its script are
//! served locally (no other host).

use axum::http::{Method, StatusCode};

use crate::both_databases;

both_databases!(
    every_api_route_is_in_the_openapi_document,
    |app| async move {
        let (status, doc, headers) = app
            .request(Method::GET, "/api/v1/openapi.json", None, None, &[])
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|ct| ct.starts_with("application/json"))
        );
        assert!(
            doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
            "{doc}"
        );
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
        let specs = lantoa::router::routes(&app.state).specs().to_vec();
        let mut missing = Vec::new();
        let mut api_routes = 0;
        for spec in specs.iter().filter(|s| s.path.starts_with("/api/v1/")) {
            api_routes += 1;
            let method = spec.method.as_str().to_ascii_lowercase();
            if doc["paths"][spec.path][&method].is_null() {
                missing.push(format!("{} {}", spec.method, spec.path));
            }
        }
        assert!(
            missing.is_empty(),
            "routes missing from the OpenAPI document (add #[utoipa::path] and list the handler in \
         src/api/openapi.rs): {missing:?}"
        );
        assert!(api_routes >= 10, "{api_routes} API routes");
        // And nothing documented that is not a route.
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for method in item.as_object().expect("operations").keys() {
                assert!(
                    specs
                        .iter()
                        .any(|s| s.path == path && s.method.as_str().eq_ignore_ascii_case(method)),
                    "documented {method} {path} is not a route"
                );
            }
        }
        let (status, page, headers) = app.request(Method::GET, "/api/docs", None, None, &[]).await;
        assert_eq!(status, StatusCode::OK);
        let page = page.as_str().expect("html").to_owned();
        assert!(page.contains("/api/docs/viewer.js") && page.contains("/api/v1/openapi.json"));
        assert!(!page.contains("https://"), "nothing from other hosts");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .is_ok_and(|csp| csp.contains("script-src 'self'"))
        );
        let (status, script, _) = app
            .request(Method::GET, "/api/docs/viewer.js", None, None, &[])
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            script
                .as_str()
                .is_some_and(|s| s.contains("openapi.json") && !s.contains("innerHTML"))
        );
        app.finish().await
    }
);
