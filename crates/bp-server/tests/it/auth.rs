//! Keys, segments, ownership and the admin role.

use bp_testkit::{Backend, TestServer, assert_error, json_ok};
use serde_json::json;

bp_testkit::both_backends!(
    users_never_see_each_others_rows,
    history_batch_and_feedback_need_a_key,
    admin_routes_need_the_admin_role,
    feedback_once_per_user_and_item,
);

async fn users_never_see_each_others_rows(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (alice, bob) = (
        s.key("free", "user", None).await,
        s.key("pro", "user", None).await,
    );
    let mine = s
        .enhance(Some(&alice), json!({"text": "What causes the seasons?"}))
        .await;
    let id = mine["id"].as_str().unwrap();
    // Bob gets 404, not 403: he cannot even learn that the row exists.
    let r = s.get_as(&format!("/api/v1/history/{id}"), &bob).await;
    assert_error(r, 404, "not_found").await;
    let r = s.delete_as(&format!("/api/v1/history/{id}"), &bob).await;
    assert_error(r, 404, "not_found").await;
    let list = json_ok(s.get_as("/api/v1/history", &bob).await).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 0);
    assert!(list["next_cursor"].is_null());
    // Alice still has it.
    let r = s.get_as(&format!("/api/v1/history/{id}"), &alice).await;
    assert_eq!(r.status(), 200);
    // Every user's rows are for admins only.
    let r = s.get_as("/api/v1/history?scope=all", &bob).await;
    assert_error(r, 403, "forbidden").await;
    let admin = s.key("enterprise", "admin", None).await;
    let all = json_ok(s.get_as("/api/v1/history?scope=all", &admin).await).await;
    assert_eq!(all["data"].as_array().unwrap().len(), 1);
    assert_eq!(all["data"][0]["id"], mine["id"]);
    let r = s.get_as("/api/v1/history?scope=everyone", &admin).await;
    assert_error(r, 400, "validation").await;
    // Everyone's rows come by creation time only (by confidence would sort the table): a
    // confidence order is taken as time in the same direction.
    let by_confidence = json_ok(
        s.get_as("/api/v1/history?scope=all&sort=confidence_desc", &admin)
            .await,
    )
    .await;
    assert_eq!(by_confidence["data"], all["data"]);
    s.stop().await;
}

async fn history_batch_and_feedback_need_a_key(backend: Backend) {
    let s = TestServer::start(backend).await;
    let r = s.get("/api/v1/history").send().await.unwrap();
    assert_error(r, 401, "unauthorized").await;
    let r = s
        .post("/api/v1/batch")
        .json(&json!({"prompts": [{"text": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "unauthorized").await;
    let r = s
        .post("/api/v1/feedback")
        .json(&json!({"prompt_history_id": uuid::Uuid::now_v7(), "rating": 5}))
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "unauthorized").await;
    // A wrong key is refused everywhere, even where anonymous calls are fine.
    let r = s
        .post_json("/api/v1/enhance", "bp_not_a_key", &json!({"text": "hi"}))
        .await;
    assert_error(r, 401, "unauthorized").await;
    let r = s
        .post("/api/v1/enhance")
        .header("authorization", "Basic abc")
        .json(&json!({"text": "hi"}))
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "unauthorized").await;
    s.stop().await;
}

async fn admin_routes_need_the_admin_role(backend: Backend) {
    let s = TestServer::start(backend).await;
    let user = s.key("enterprise", "user", None).await;
    let body = json!({"name": "x", "tier": "free"});
    let r = s
        .post("/api/v1/admin/keys")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "unauthorized").await;
    let r = s.post_json("/api/v1/admin/keys", &user, &body).await;
    assert_error(r, 403, "forbidden").await;
    // A key minted by an admin works, and is stored only as a hash.
    let new_key = s.key("free", "user", None).await;
    assert!(new_key.starts_with("bp_") && new_key.len() > 40);
    let r = s.get_as("/api/v1/history", &new_key).await;
    assert_eq!(r.status(), 200);
    s.stop().await;
}

async fn feedback_once_per_user_and_item(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (alice, bob) = (
        s.key("free", "user", None).await,
        s.key("free", "user", None).await,
    );
    let item = s
        .enhance(
            Some(&alice),
            json!({"text": "Give me a plan to learn the guitar in 3 months"}),
        )
        .await;
    let id = item["id"].as_str().unwrap();
    let feedback = json!({"prompt_history_id": id, "rating": 5, "most_helpful_technique": "step_by_step", "comment": "great"});
    let r = s.post_json("/api/v1/feedback", &alice, &feedback).await;
    assert_eq!(r.status(), 201);
    let r = s.post_json("/api/v1/feedback", &alice, &feedback).await;
    assert_error(r, 409, "conflict").await;
    let r = s.post_json("/api/v1/feedback", &bob, &feedback).await;
    assert_error(r, 404, "not_found").await;
    for bad in [
        json!({"prompt_history_id": id, "rating": 0}),
        json!({"prompt_history_id": id, "rating": 6}),
        json!({"prompt_history_id": "nope", "rating": 3}),
    ] {
        let r = s.post_json("/api/v1/feedback", &alice, &bad).await;
        assert_error(r, 400, "validation").await;
    }
    s.stop().await;
}
