//! The endpoints' happy paths and contracts, on both stores.

use bp_testkit::{Backend, TestServer, assert_error, json_ok};
use serde_json::{Value, json};

bp_testkit::both_backends!(
    enhance_returns_the_contract_and_lands_in_history,
    identical_requests_hit_the_cache,
    batch_refuses_invalid_prompts_whole_naming_each,
    history_pages_filters_searches_and_sorts,
    analyze_and_techniques,
    probes_answer,
);

async fn enhance_returns_the_contract_and_lands_in_history(backend: Backend) {
    let s = TestServer::start(backend).await;
    let key = s.key("pro", "user", None).await;
    let text = "Write a Python function that checks whether a string is a palindrome.";
    let body = s.enhance(Some(&key), json!({"text": text})).await;
    for field in [
        "id",
        "original_text",
        "enhanced_text",
        "intent",
        "complexity",
        "techniques_used",
        "confidence",
        "processing_time_ms",
        "cached",
    ] {
        assert!(body.get(field).is_some(), "missing {field}: {body}");
    }
    assert_eq!(body["original_text"], text);
    assert!(body["enhanced_text"].as_str().unwrap().contains(text));
    assert_eq!(body["intent"], "code_generation");
    assert_eq!(body["cached"], false);
    let id = body["id"].as_str().unwrap();
    // The 200 means the row is committed: it is readable at once.
    let item = json_ok(s.get_as(&format!("/api/v1/history/{id}"), &key).await).await;
    assert_eq!(item["id"], id);
    assert_eq!(item["enhanced_text"], body["enhanced_text"]);
    assert_eq!(item["techniques_used"], body["techniques_used"]);
    // Anonymous enhancement works too.
    let anon = s.enhance(None, json!({"text": "hello there"})).await;
    assert_eq!(anon["intent"], "conversation");
    s.stop().await;
}

async fn identical_requests_hit_the_cache(backend: Backend) {
    let s = TestServer::start(backend).await;
    let request = json!({"text": "Summarize the French revolution", "prefer_techniques": ["structured_output"]});
    let first = s.enhance(None, request.clone()).await;
    let second = s.enhance(None, request).await;
    assert_eq!(
        (first["cached"].as_bool(), second["cached"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(first["enhanced_text"], second["enhanced_text"]);
    assert_ne!(
        first["id"], second["id"],
        "each request is its own history row"
    );
    // Different options are a different cache entry.
    let other = s
        .enhance(None, json!({"text": "Summarize the French revolution"}))
        .await;
    assert_eq!(other["cached"], false);
    s.stop().await;
}

async fn batch_refuses_invalid_prompts_whole_naming_each(backend: Backend) {
    let s = TestServer::start(backend).await;
    let key = s.key("pro", "user", None).await;
    let prompts = json!({"prompts": [
        {"text": "Translate 'good morning' into Italian"},
        {"text": ""},
        {"text": "Plan a three-day trip to Lisbon"},
        {"text": "x", "prefer_techniques": ["telepathy"]},
    ]});
    let body = assert_error(
        s.post_json("/api/v1/batch", &key, &prompts).await,
        400,
        "validation",
    )
    .await;
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("prompts[1]") && message.contains("prompts[3]"),
        "{message}"
    );
    assert!(
        !message.contains("prompts[0]") && !message.contains("prompts[2]"),
        "{message}"
    );
    // Nothing of it was stored.
    let listed = json_ok(s.get_as("/api/v1/history", &key).await).await;
    assert!(listed["data"].as_array().unwrap().is_empty(), "{listed}");
    // A valid batch: every prompt answered, each in history.
    let valid = json!({"prompts": [
        {"text": "Translate 'good morning' into Italian"},
        {"text": "Plan a three-day trip to Lisbon"},
    ]});
    let body = json_ok(s.post_json("/api/v1/batch", &key, &valid).await).await;
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for r in results {
        let id = r["id"].as_str().unwrap();
        let got = s.get_as(&format!("/api/v1/history/{id}"), &key).await;
        assert_eq!(got.status(), 200);
    }
    // 100 items is the most a batch takes.
    let hundred: Vec<Value> = (0..100)
        .map(|i| json!({"text": format!("Explain fact number {i} about owls")}))
        .collect();
    let body = json_ok(
        s.post_json("/api/v1/batch", &key, &json!({"prompts": hundred}))
            .await,
    )
    .await;
    assert_eq!(body["results"].as_array().unwrap().len(), 100);
    s.stop().await;
}

async fn history_pages_filters_searches_and_sorts(backend: Backend) {
    let s = TestServer::start(backend).await;
    let key = s.key("pro", "user", None).await;
    let texts = [
        "Translate 'thank you very much' into German",
        "Write a haiku about autumn rain",
        "What is the speed of light?",
        "Write a SQL query that counts orders per customer",
        "Translate 'see you tomorrow' into Spanish",
    ];
    for t in texts {
        s.enhance(Some(&key), json!({"text": t})).await;
    }
    let page = |q: &str| {
        let s = &s;
        let key = key.clone();
        let q = q.to_owned();
        async move { json_ok(s.get_as(&format!("/api/v1/history?{q}"), &key).await).await }
    };
    let all = page("limit=2&include_total=true").await;
    assert_eq!(all["total_records"], 5);
    assert_eq!(
        all["data"][0]["original_text"], texts[4],
        "newest first by default"
    );
    // Keyset pages: each page's `next_cursor` leads to the next; the last has none.
    let cursor = |p: &serde_json::Value| p["next_cursor"].as_str().unwrap().to_owned();
    let second = page(&format!("limit=2&cursor={}", cursor(&all))).await;
    assert_eq!(second["data"][0]["original_text"], texts[2]);
    let last = page(&format!("limit=2&cursor={}", cursor(&second))).await;
    assert_eq!(last["data"].as_array().unwrap().len(), 1);
    assert!(last["next_cursor"].is_null(), "{last}");
    assert!(
        last.get("total_records").is_none(),
        "a total only when asked for"
    );
    // Only texts of the cursor's form are accepted; in another order, a cursor is that
    // order's position (here: after the newest row's time, ascending, nothing is left).
    let r = s.get_as("/api/v1/history?cursor=not-a-cursor", &key).await;
    assert_error(r, 400, "validation").await;
    let other_order = page(&format!("sort=created_at_asc&cursor={}", cursor(&all))).await;
    assert!(other_order["data"].as_array().is_some(), "{other_order}");
    let oldest = page("sort=created_at_asc&limit=1").await;
    assert_eq!(oldest["data"][0]["original_text"], texts[0]);
    let translations = page("intent=translation").await;
    assert_eq!(translations["data"].as_array().unwrap().len(), 2);
    // A total would count the whole history, not the filter's rows: none is given.
    let filtered = page("include_total=true&intent=translation").await;
    assert_eq!(filtered["data"].as_array().unwrap().len(), 2);
    assert!(filtered.get("total_records").is_none(), "{filtered}");
    let search = page("search=HAIKU").await;
    assert_eq!(search["data"].as_array().unwrap().len(), 1);
    let first = page("sort=created_at_asc&limit=1").await;
    let technique = first["data"][0]["techniques_used"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let by_technique = page(&format!("technique={technique}")).await;
    assert!(by_technique["data"].as_array().unwrap().iter().all(|i| {
        i["techniques_used"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == technique.as_str())
    }));
    let by_primary = page(&format!("primary_technique={technique}")).await;
    let primaries = by_primary["data"].as_array().unwrap();
    assert!(
        !primaries.is_empty()
            && primaries
                .iter()
                .all(|i| i["techniques_used"][0] == technique.as_str())
    );
    // The key's tier is the segment; requests without X-Region are the server's default region.
    let pro = page("segment=pro").await;
    assert_eq!(pro["data"].as_array().unwrap().len(), 5);
    assert_eq!(
        page("segment=enterprise").await["data"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        page("region=local").await["data"].as_array().unwrap().len(),
        5
    );
    assert_eq!(
        page("region=nowhere").await["data"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let future = page("date_from=2999-01-01T00:00:00Z").await;
    assert_eq!(future["data"].as_array().unwrap().len(), 0);
    let past = page("date_to=2000-01-01T00:00:00Z").await;
    assert_eq!(past["data"].as_array().unwrap().len(), 0);
    let everything = page("date_from=2000-01-01T00:00:00Z&date_to=2999-01-01T00:00:00Z").await;
    assert_eq!(everything["data"].as_array().unwrap().len(), 5);
    // Delete removes it for good.
    let id = all["data"][0]["id"].as_str().unwrap();
    let deleted = s.delete_as(&format!("/api/v1/history/{id}"), &key).await;
    assert_eq!(deleted.status(), 204);
    let gone = s.get_as(&format!("/api/v1/history/{id}"), &key).await;
    assert_eq!(gone.status(), 404);
    s.stop().await;
}

async fn analyze_and_techniques(backend: Backend) {
    let s = TestServer::start(backend).await;
    let a = json_ok(
        s.post("/api/v1/analyze")
            .json(&json!({"text": "tl;dr of this report please"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(a["intent"], "summarization");
    assert_eq!(a["intent_scores"].as_array().unwrap().len(), 3);
    assert!(!a["suggested_techniques"].as_array().unwrap().is_empty());
    let t = json_ok(s.get("/api/v1/techniques").send().await.unwrap()).await;
    assert_eq!(t.as_array().unwrap().len(), 12);
    assert!(
        t.as_array()
            .unwrap()
            .iter()
            .all(|x| !x["description"].as_str().unwrap().is_empty())
    );
    s.stop().await;
}

async fn probes_answer(backend: Backend) {
    let s = TestServer::start(backend).await;
    let health = s.get("/health").send().await.unwrap();
    assert!(health.headers().contains_key("x-request-id"));
    assert_eq!(json_ok(health).await["status"], "ok");
    let ready = json_ok(s.get("/ready").send().await.unwrap()).await;
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["storage"], "ok");
    s.stop().await;
}
