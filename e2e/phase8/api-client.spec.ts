// The OpenAPI document is the contract clients are generated from: a client made by
// standard tools (openapi-typescript's types for openapi-fetch, `npm run api` from the
// document the server serves, pinned in docs/openapi.json) type-checks (`tsc`) and does the
// main things against a live server. A request the document forbids does not compile.
import { expect, test } from "@playwright/test";
import createClient from "openapi-fetch";
import type { paths } from "./support/api.gen";
import { Server } from "./support/server";

test("a client generated from the document enhances, batches, pages history, rates and reads metrics", async () => {
  const server = await Server.start();
  try {
    const key = server.cli(["keys", "create", "--name", "client", "--tier", "pro"]).trim().split("\n").pop() ?? "";
    const api = createClient<paths>({ baseUrl: server.url, headers: { Authorization: `Bearer ${key}` } });

    const enhanced = await api.POST("/api/v1/enhance", {
      body: { text: "Explain how a hash map handles collisions", exclude_techniques: ["role_play"] },
    });
    expect(enhanced.response.status).toBe(200);
    const row = enhanced.data!;
    expect(row.techniques_used).not.toContain("role_play");

    const batch = await api.POST("/api/v1/batch", {
      body: { prompts: [{ text: "Write a haiku about rain" }, { text: "Summarise the plot of Hamlet" }] },
    });
    expect(batch.data!.results.map((r) => r.original_text)).toEqual([
      "Write a haiku about rain",
      "Summarise the plot of Hamlet",
    ]);
    // Refused whole, with the document's error body.
    const refused = await api.POST("/api/v1/batch", { body: { prompts: [{ text: "ok" }, { text: " " }] } });
    expect(refused.response.status).toBe(400);
    expect(refused.error!.error.message).toContain("prompts[1]");

    // Keyset pages: 3 rows, 2 then 1, the total on request.
    const first = await api.GET("/api/v1/history", { params: { query: { limit: 2, include_total: true } } });
    expect(first.data!.total_records).toBe(3);
    expect(first.data!.data).toHaveLength(2);
    const cursor = first.data!.next_cursor;
    expect(typeof cursor).toBe("string");
    const second = await api.GET("/api/v1/history", { params: { query: { limit: 2, cursor: cursor! } } });
    expect(second.data!.data).toHaveLength(1);
    expect(second.data!.next_cursor ?? null).toBeNull();
    const one = await api.GET("/api/v1/history/{id}", { params: { path: { id: row.id } } });
    expect(one.data!.enhanced_text).toBe(row.enhanced_text);

    const feedback = await api.POST("/api/v1/feedback", {
      body: { prompt_history_id: row.id, rating: 5, most_helpful_technique: row.techniques_used[0] },
    });
    expect(feedback.response.status).toBe(201);

    // Metrics, narrowed by an enum the document names the way the server reads it. They are
    // the service's figures: the user's key is refused (as documented), a viewer's reads them.
    const asUser = await api.GET("/api/v1/metrics/summary", { params: { query: { from: "-5m" } } });
    expect(asUser.response.status).toBe(403);
    expect(asUser.error?.error.code).toBe("forbidden");
    const viewer = createClient<paths>({ baseUrl: server.url, headers: { Authorization: `Bearer ${server.viewerKey}` } });
    const summary = await viewer.GET("/api/v1/metrics/summary", {
      params: { query: { from: "-5m", technique: row.techniques_used[0] } },
    });
    expect(summary.response.status).toBe(200);
    expect(summary.data!.satisfaction.ratings).toBe(1);

    // What the document forbids does not compile: Rust-style enum names, strings for numbers.
    if (Math.random() > 2) {
      // @ts-expect-error the wire name is `chain_of_thought`
      await api.GET("/api/v1/history", { params: { query: { technique: "ChainOfThought" } } });
      // @ts-expect-error a rating is a number
      await api.POST("/api/v1/feedback", { body: { prompt_history_id: row.id, rating: "5" } });
    }
  } finally {
    await server.stop();
  }
});
