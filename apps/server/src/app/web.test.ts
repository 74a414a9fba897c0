import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test/harness.js";
import { buildApp } from "./app.js";
import type { App } from "./http.js";

describe("serving the web app", () => {
  let h: Harness;
  let dist: string;
  let web: App;
  let bare: App;
  const script = `console.log(${JSON.stringify("tierdesk ".repeat(200))});`;

  beforeAll(async () => {
    h = await createHarness({ demo: false });
    dist = mkdtempSync(path.join(tmpdir(), "tierdesk-web-dist-"));
    mkdirSync(path.join(dist, "assets"));
    writeFileSync(path.join(dist, "index.html"), '<!doctype html><div id="root"></div>');
    writeFileSync(path.join(dist, "assets", "index-Ab12Cd34.js"), script);
    writeFileSync(path.join(dist, "assets", "index-Ab12Cd34.js.gz"), gzipSync(script));
    web = await buildApp(h.ctx, { logger: false, webDist: dist });
    bare = await buildApp(h.ctx, { logger: false, webDist: path.join(dist, "missing") });
  });
  afterAll(async () => {
    await web?.close();
    await bare?.close();
    await h?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it("answers the app's page, uncached and under a content security policy, for any client route", async () => {
    for (const url of [
      "/",
      "/requests/new",
      "/staff/queues/ZMB?tier=2",
      "/portal/requests/ZMB-1?token=abc",
    ]) {
      const res = await web.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expect(res.headers["cache-control"]).toBe("no-cache");
      expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
      expect(res.body).toContain('<div id="root">');
    }
  });

  it("caches hashed assets for a year and sends them precompressed to browsers that accept gzip", async () => {
    const res = await web.inject({
      method: "GET",
      url: "/assets/index-Ab12Cd34.js",
      headers: { "accept-encoding": "gzip" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(res.rawPayload.length).toBeLessThan(script.length);
    const plain = await web.inject({ method: "GET", url: "/assets/index-Ab12Cd34.js" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body).toBe(script);
  });

  it("answers a missing asset or API route with a 404 problem, never with the app's page", async () => {
    const asset = await web.inject({ method: "GET", url: "/assets/gone-123.js" });
    expect(asset.statusCode).toBe(404);
    expect(asset.headers["content-type"]).toMatch(/^application\/problem\+json/);
    const api = await web.inject({ method: "GET", url: "/api/v1/nothing-here" });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ code: "route.not_found" });
  });

  it("still serves the API without a built web app, and says at / how to build it", async () => {
    const home = await bare.inject({ method: "GET", url: "/" });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain("npm run build");
    expect((await bare.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
    expect((await bare.inject({ method: "GET", url: "/requests/new" })).statusCode).toBe(404);
  });
});
