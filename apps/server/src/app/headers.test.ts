import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createHarness, type Harness, openTicket, waitFor } from "../../test/harness.js";

const HSTS = "max-age=31536000; includeSubDomains";
// A real 1x1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

/** The headers every answer carries, whatever it is. */
function expectBaseline(res: LightMyRequestResponse | Response, what: string) {
  const get = (name: string) =>
    res instanceof Response ? res.headers.get(name) : (res.headers[name] as string | undefined);
  expect(get("x-content-type-options"), what).toBe("nosniff");
  expect(get("referrer-policy"), what).toBe("same-origin");
  expect(get("x-frame-options"), what).toBe("DENY");
  expect(get("content-security-policy"), what).toMatch(/frame-ancestors 'none'/);
}

/** A directive of a Content-Security-Policy header, as its list of sources. */
function directive(csp: string | undefined, name: string): string[] | undefined {
  for (const part of (csp ?? "").split(";")) {
    const [key, ...values] = part.trim().split(/\s+/);
    if (key === name) return values;
  }
  return undefined;
}

describe("security headers", () => {
  let h: Harness;
  let agent: Client;
  let key: string;
  beforeAll(async () => {
    h = await createHarness();
    agent = await h.as("agent@demo.test");
    key = await openTicket(agent, {
      site: "ZMB",
      subject: "Headers",
      description: "Personal data inside.",
      requester: { email: "joseph.tembo@example.org", name: "Joseph Tembo" },
    });
  });
  afterAll(async () => h?.close());

  it("every API answer, success or problem, is never stored by a cache and cannot be sniffed or framed", async () => {
    const anonymous = h.anonymous();
    const answers: Array<[string, LightMyRequestResponse]> = [
      ["my profile", await agent.get("/api/v1/me")],
      ["a ticket", await agent.get(`/api/v1/tickets/${key}`)],
      ["a ticket list", await agent.get("/api/v1/tickets?site=ZMB")],
      ["a thread", await agent.get(`/api/v1/tickets/${key}/messages`)],
      ["a missing ticket", await agent.get("/api/v1/tickets/ZMB-999999")],
      ["signed out", await anonymous.get("/api/v1/me")],
      ["a wrong password", await anonymous.post("/api/v1/auth/login", { email: "a@b.c", password: "nope" })],
      ["a bad token", await h.app.inject({ url: "/api/v1/me", headers: { authorization: "Bearer x" } })],
      ["an invalid body", await agent.post("/api/v1/tickets", { subject: 7 })],
      ["an unknown route", await agent.get("/api/v1/nothing-here")],
      ["a badly encoded URL", await agent.get("/api/v1/tickets/%E0%A4%A")],
      ["the OpenAPI document", await anonymous.get("/api/openapi.json")],
    ];
    for (const [what, res] of answers) {
      expectBaseline(res, what);
      expect(res.headers["cache-control"], what).toBe("no-store");
      expect(res.headers["strict-transport-security"], what).toBeUndefined();
    }
    expect(answers[0]?.[1].statusCode).toBe(200);
    expect(answers[0]?.[1].json()).toMatchObject({ email: "agent@demo.test" });
  });

  it("a JSON answer allows nothing to load from it, as a document or in a frame", async () => {
    const res = await agent.get(`/api/v1/tickets/${key}`);
    const csp = res.headers["content-security-policy"] as string;
    expect(directive(csp, "default-src")).toEqual(["'none'"]);
    expect(directive(csp, "frame-ancestors")).toEqual(["'none'"]);
  });

  it("a ticket's file downloads under a sandbox, is never cached and cannot be framed", async () => {
    const upload = await agent.upload(`/api/v1/tickets/${key}/attachments`, [
      { name: "national-id.png", content: PNG },
      { name: "notes.txt", content: Buffer.from("case notes\n") },
    ]);
    expect(upload.statusCode).toBe(201);
    for (const item of upload.json().items as Array<{ url: string; filename: string }>) {
      const res = await agent.get(item.url);
      expect(res.statusCode, item.filename).toBe(200);
      expectBaseline(res, item.filename);
      const csp = res.headers["content-security-policy"] as string;
      expect(directive(csp, "sandbox"), item.filename).toEqual([]);
      expect(directive(csp, "default-src"), item.filename).toEqual(["'none'"]);
      expect(res.headers["cache-control"], item.filename).toBe("no-store");
    }
  });

  it("the live event stream carries the same headers as every other answer", async () => {
    const base = await h.app.listen({ port: 0, host: "127.0.0.1" });
    const controller = new AbortController();
    try {
      const res = await fetch(`${base}/api/v1/events/stream`, {
        headers: { cookie: agent.cookie as string, accept: "text/event-stream" },
        signal: controller.signal,
      });
      expect(res.status).toBe(200);
      expectBaseline(res, "the event stream");
      expect(res.headers.get("cache-control")).toMatch(/^no-store/);
    } finally {
      controller.abort();
    }
    await waitFor("the stream to be released", async () => h.ctx.live.listeners() === 0);
  });

  it("the API documentation page runs under a policy that allows only its own scripts and styles", async () => {
    const anonymous = h.anonymous();
    const page = await anonymous.get("/api/docs/");
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expectBaseline(page, "the docs page");
    const csp = page.headers["content-security-policy"] as string;
    expect(directive(csp, "default-src")).toEqual(["'none'"]);
    expect(directive(csp, "script-src")).toEqual(["'self'"]);
    expect(directive(csp, "style-src")?.[0]).toBe("'self'");
    expect(
      directive(csp, "style-src")
        ?.slice(1)
        .every((s) => s.startsWith("'sha256-")),
    ).toBe(true);
    expect(directive(csp, "object-src") ?? directive(csp, "default-src")).toEqual(["'none'"]);
    expect(directive(csp, "base-uri")).toEqual(["'none'"]);
    expect(csp).not.toContain("upgrade-insecure-requests");
    for (const asset of ["swagger-ui-bundle.js", "swagger-initializer.js", "swagger-ui.css"]) {
      const res = await anonymous.get(`/api/docs/static/${asset}`);
      expect(res.statusCode, asset).toBe(200);
      expectBaseline(res, asset);
    }
    const spec = await anonymous.get("/api/docs/json");
    expect(spec.statusCode).toBe(200);
    expect(spec.json().info.title).toBe("Tierdesk API");
  });
});

describe("security headers behind https", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ demo: false, config: { publicUrl: "https://help.example.org" } });
  });
  afterAll(async () => h?.close());

  it("every answer asks browsers to use https only, for a year and on subdomains", async () => {
    const anonymous = h.anonymous();
    const answers: Array<[string, LightMyRequestResponse]> = [
      ["health", await anonymous.get("/healthz")],
      ["the docs", await anonymous.get("/api/docs/")],
      ["the reset page", await anonymous.get("/reset-password")],
      ["a problem", await anonymous.get("/api/v1/me")],
      [
        "a sign-in",
        await anonymous.post("/api/v1/auth/login", { email: "nobody@example.org", password: "x" }),
      ],
      ["an unknown route", await anonymous.get("/nothing")],
      ["a badly encoded URL", await anonymous.get("/api/v1/tickets/%E0%A4%A")],
    ];
    for (const [what, res] of answers) {
      expect(res.headers["strict-transport-security"], what).toBe(HSTS);
      expectBaseline(res, what);
    }
  });
});
