import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.js";
import { type OpsServer, startOpsServer } from "../../src/ops/http.js";
import { Harness } from "./harness.js";

describe("health and metrics endpoints", () => {
  let h: Harness;
  let ops: OpsServer;
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${ops.port}${path}`);
    return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
  };

  beforeAll(async () => {
    h = await Harness.start();
    const app = await h.startApp();
    ops = await startOpsServer({
      port: 0,
      host: "127.0.0.1",
      metrics: app.metrics,
      health: app.health,
      log: silentLogger,
    });
  });
  afterAll(async () => {
    await ops?.close();
    await h?.close();
  });

  it("/healthz reports the gateway, the store and the last poll", async () => {
    const before = await get("/healthz");
    expect(before.status).toBe(200);
    expect(JSON.parse(before.text)).toEqual({ status: "ok", gateway: true, store: true, lastPollAt: null });
    await h.app!.pollOnce();
    const after = JSON.parse((await get("/healthz")).text);
    expect(Date.parse(after.lastPollAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("/metrics counts polls, fetches, stories and deliveries in Prometheus format", async () => {
    await h.discord
      .runCommand("subscribe", {
        channelId: h.channels["ai-news"]!,
        userId: h.admin,
        options: { topic: "ai-hardware" },
      })
      .response();
    h.addItem("techspot", {
      guid: "m1",
      title: "Nvidia ships Rubin GPU samples to cloud providers",
      link: "https://www.techspot.com/m1",
    });
    await h.app!.pollOnce();
    await h.settle();
    const metrics = await get("/metrics");
    expect(metrics.status).toBe(200);
    expect(metrics.type).toContain("text/plain");
    expect(metrics.text).toMatch(/^newsdesk_polls_total 2$/m);
    expect(metrics.text).toMatch(/^newsdesk_feed_fetches_total\{outcome="new_items"\} 1$/m);
    expect(metrics.text).toMatch(/^newsdesk_story_events_total\{event="created"\} 1$/m);
    expect(metrics.text).toMatch(/^newsdesk_deliveries_total\{outcome="posted"\} 1$/m);
    expect(metrics.text).toMatch(/^newsdesk_outbox_depth 0$/m);
    expect(metrics.text).toMatch(/^newsdesk_articles_total 1$/m);
  });

  it("counts failed fetches by kind", async () => {
    h.feeds.set("/decrypt.xml", { status: 500 });
    await h.app!.pollOnce();
    const metrics = await get("/metrics");
    expect(metrics.text).toMatch(/^newsdesk_feed_fetch_errors_total\{kind="[a-z_]+"\} 1$/m);
  });

  it("/healthz turns 503 when the gateway is gone", async () => {
    await h.app!.client.destroy();
    const res = await get("/healthz");
    expect(res.status).toBe(503);
    expect(JSON.parse(res.text).gateway).toBe(false);
    expect((await get("/nope")).status).toBe(404);
  });
});
