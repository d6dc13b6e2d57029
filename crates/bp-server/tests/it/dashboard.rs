//! The embedded dashboard is served by the binary itself, with no network.

use bp_testkit::{Backend, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_and_its_bundle_are_served() {
    let s = TestServer::start(Backend::Sqlite).await;
    let page = s.get("/dashboard").send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    // OWASP API8: the page runs its own bundle only (no inline script or style), is never
    // framed, and the browser does not sniff types or send a referrer.
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(!csp.contains("unsafe"), "{csp}");
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"src="/dashboard/app.js""#), "{html}");
    assert!(
        !html.contains("<script>") && !html.contains(" style="),
        "nothing inline: {html}"
    );
    for (path, kind) in [
        ("/dashboard/app.js", "text/javascript; charset=utf-8"),
        ("/dashboard/app.css", "text/css; charset=utf-8"),
    ] {
        let r = s.get(path).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["content-type"], kind, "{path}");
        assert!(r.bytes().await.unwrap().len() > 1000, "{path}");
    }
    let missing = s.get("/dashboard/nope.js").send().await.unwrap();
    assert_eq!(missing.status(), 404);
    // The server's address leads a person to the dashboard.
    let root = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(s.url("/"))
        .send()
        .await
        .unwrap();
    assert!(root.status().is_redirection());
    assert_eq!(root.headers()["location"], "/dashboard");
    s.stop().await;
}
