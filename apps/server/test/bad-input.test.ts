import { randomBytes } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, createHarness, type Harness, openTicket } from "./harness.js";

let h: Harness;
let zmbKey: string;

const TABLES = [
  "tickets",
  "ticket_messages",
  "ticket_events",
  "contacts",
  "attachments",
  "tier_segments",
] as const;

/** How many rows each table that a ticket request could write holds. */
async function rowCounts(): Promise<Record<(typeof TABLES)[number], number>> {
  const out = {} as Record<(typeof TABLES)[number], number>;
  for (const table of TABLES) {
    const row = await h.ctx.database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}

/** Sends a request and checks that it wrote nothing at all. */
async function writesNothing(send: () => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse> {
  const before = await rowCounts();
  const res = await send();
  expect(await rowCounts()).toEqual(before);
  return res;
}

type ProblemBody = { code: string; status: number; type: string; errors?: Array<{ field: string }> };

/** Checks that a response is a problem+json of this status and code, and returns its body. */
function expectProblem(res: LightMyRequestResponse, status: number, code: string): ProblemBody {
  expect(res.statusCode).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = res.json() as ProblemBody;
  expect(body.code).toBe(code);
  expect(body.status).toBe(status);
  expect(body.type).toBe(`urn:tierdesk:problem:${code}`);
  return body;
}

const fieldsOf = (p: ProblemBody) => (p.errors ?? []).map((e) => e.field);

const validTicket = {
  site: "ZMB",
  subject: "Printer offline",
  description: "The certificate printer at the district office does not respond.",
  requester: { name: "Ireen Banda", email: "ireen.banda@example.org" },
};

beforeAll(async () => {
  h = await createHarness();
  zmbKey = await openTicket(await h.as("agent@demo.test"), validTicket);
});
afterAll(async () => h?.close());

describe("malformed and ill-typed JSON bodies", () => {
  it("a body that is not valid JSON is refused as malformed and nothing is written", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await writesNothing(() => agent.post("/api/v1/tickets", '{"site": "ZMB", "subject": '));
    expectProblem(res, 400, "request.malformed_json");
  });

  it("JSON that is not an object is refused as invalid", async () => {
    const agent = await h.as("agent@demo.test");
    for (const body of ["[1, 2, 3]", '"a ticket"', "42", "null"]) {
      const res = await writesNothing(() => agent.post("/api/v1/tickets", body));
      expect(res.statusCode).toBe(400);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(["request.invalid", "request.malformed_json"]).toContain(res.json().code);
    }
  });

  it("an empty JSON body is refused, not treated as an empty ticket", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await writesNothing(() => agent.post("/api/v1/tickets", ""));
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });

  it("wrong types are refused and each field at fault is named", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await writesNothing(() =>
      agent.post("/api/v1/tickets", { ...validTicket, priority: 5, subject: [] }),
    );
    const problem = expectProblem(res, 400, "request.invalid");
    expect(fieldsOf(problem)).toEqual(expect.arrayContaining(["priority", "subject"]));
  });

  it("an unknown top-level field is refused and named", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await writesNothing(() => agent.post("/api/v1/tickets", { ...validTicket, isAdmin: true }));
    const problem = expectProblem(res, 400, "request.invalid");
    expect(fieldsOf(problem)).toContain("isAdmin");
  });

  it("an unknown field nested in the requester is refused and named with its path", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await writesNothing(() =>
      agent.post("/api/v1/tickets", {
        ...validTicket,
        requester: { email: "someone@example.org", userId: 1 },
      }),
    );
    const problem = expectProblem(res, 400, "request.invalid");
    expect(fieldsOf(problem)).toContain("requester.userId");
  });

  it("missing required fields are refused and named", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await writesNothing(() => agent.post("/api/v1/tickets", { site: "ZMB" }));
    const problem = expectProblem(res, 400, "request.invalid");
    expect(fieldsOf(problem)).toEqual(expect.arrayContaining(["subject", "description"]));
  });

  it("a subject longer than 300 characters is refused and named", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await writesNothing(() =>
      agent.post("/api/v1/tickets", { ...validTicket, subject: "x".repeat(301) }),
    );
    const problem = expectProblem(res, 400, "request.invalid");
    expect(fieldsOf(problem)).toEqual(["subject"]);
  });

  it("a subject of only spaces is refused as empty", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await writesNothing(() => agent.post("/api/v1/tickets", { ...validTicket, subject: "   " }));
    const problem = expectProblem(res, 400, "request.invalid");
    expect(fieldsOf(problem)).toEqual(["subject"]);
  });

  it("a body over the size limit is refused with 413 before it is read", async () => {
    const agent = await h.as("agent@demo.test");
    expect(h.config.bodyLimitBytes).toBe(1024 * 1024);
    const big = JSON.stringify({ ...validTicket, description: "a".repeat(h.config.bodyLimitBytes + 10) });
    const res = await writesNothing(() => agent.post("/api/v1/tickets", big));
    expectProblem(res, 413, "request.too_large");
  });

  it("a reply body too large for the thread is refused and nothing is added to the ticket", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await writesNothing(() =>
      agent.post(`/api/v1/tickets/${zmbKey}/messages`, { body: "b".repeat(50_001) }),
    );
    const problem = expectProblem(res, 400, "request.invalid");
    expect(fieldsOf(problem)).toEqual(["body"]);
  });

  it("a body with invalid UTF-8 bytes is refused", async () => {
    const agent = await h.as("agent@demo.test");
    const json = Buffer.from(JSON.stringify({ ...validTicket, subject: "SUBJ" }));
    const at = json.indexOf("SUBJ");
    const bad = Buffer.concat([json.subarray(0, at), Buffer.from([0xff, 0xfe]), json.subarray(at)]);
    const res = await writesNothing(() => agent.post("/api/v1/tickets", bad));
    expectProblem(res, 400, "request.invalid_utf8");
  });

  it("a NUL character inside a string is refused and the field named", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await writesNothing(() =>
      agent.post("/api/v1/tickets", { ...validTicket, subject: "before\u0000after" }),
    );
    const problem = expectProblem(res, 400, "request.invalid_text");
    expect(fieldsOf(problem)).toEqual(["subject"]);
  });

  it("a lone surrogate inside a nested string is refused and the field named", async () => {
    const agent = await h.as("agent@demo.test");
    const body = JSON.stringify({ ...validTicket, requester: { name: "half \ud800 a character" } });
    expect(body).toContain("\\ud800");
    const res = await writesNothing(() => agent.post("/api/v1/tickets", body));
    const problem = expectProblem(res, 400, "request.invalid_text");
    expect(fieldsOf(problem)).toEqual(["requester.name"]);
  });

  it("__proto__ and constructor.prototype payloads are refused", async () => {
    const agent = await h.as("agent@demo.test");
    const base = JSON.stringify(validTicket).slice(1, -1);
    const payloads = [
      `{${base}, "__proto__": {"hubAdmin": true}}`,
      `{${base}, "requester": {"email": "x@example.org", "__proto__": {"polluted": 1}}}`,
      `{${base}, "constructor": {"prototype": {"polluted": 1}}}`,
    ];
    for (const payload of payloads) {
      const res = await writesNothing(() => agent.post("/api/v1/tickets", payload));
      expectProblem(res, 400, "request.malformed_json");
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).hubAdmin).toBeUndefined();
  });

  it("a text/plain body is refused as the wrong media type and nothing is written", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await writesNothing(() =>
      agent.post("/api/v1/tickets", JSON.stringify(validTicket), { "content-type": "text/plain" }),
    );
    expectProblem(res, 415, "request.unsupported_media_type");
  });

  it("a form-encoded body is refused as the wrong media type", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await writesNothing(() =>
      agent.post("/api/v1/tickets", "site=ZMB&subject=x&description=y", {
        "content-type": "application/x-www-form-urlencoded",
      }),
    );
    expectProblem(res, 415, "request.unsupported_media_type");
  });
});

describe("SQL- and script-looking text", () => {
  it("SQL-looking strings are stored literally, returned verbatim and leave the tables intact", async () => {
    const agent = await h.as("agent@demo.test");
    const before = await rowCounts();
    const subject = "'; drop table tickets; --";
    const description = "%' or 1=1 --";
    const name = "Robert'); DROP TABLE contacts;--";
    const created = await agent.post("/api/v1/tickets", {
      ...validTicket,
      subject,
      description,
      requester: { name, email: "bobby.tables@example.org" },
    });
    expect(created.statusCode).toBe(201);
    const key = created.json().key as string;

    const ticket = (await agent.get(`/api/v1/tickets/${key}`)).json();
    expect(ticket.subject).toBe(subject);
    expect(ticket.requester.name).toBe(name);
    const thread = (await agent.get(`/api/v1/tickets/${key}/messages`)).json();
    expect(thread.items[0].body).toBe(description);

    const after = await rowCounts();
    expect(after.tickets).toBe(before.tickets + 1);
    expect(after.contacts).toBe(before.contacts + 1);
    expect(after.ticket_messages).toBe(before.ticket_messages + 1);

    const found = (
      await agent.get(`/api/v1/tickets?q=${encodeURIComponent("'; drop table")}&limit=100`)
    ).json();
    expect(found.items.map((t: { key: string }) => t.key)).toEqual([key]);
  });

  it("the search filter treats % and _ as literal characters", async () => {
    const agent = await h.as("agent@demo.test");
    const percent = await openTicket(agent, { ...validTicket, subject: "Quota at 100% qzv" });
    const hundreds = await openTicket(agent, { ...validTicket, subject: "Quota at 1000 qzv" });
    const underscore = await openTicket(agent, { ...validTicket, subject: "Column birth_date qzv" });
    const letter = await openTicket(agent, { ...validTicket, subject: "Column birthXdate qzv" });
    const search = async (q: string) => {
      const res = await agent.get(`/api/v1/tickets?q=${encodeURIComponent(q)}&limit=100`);
      expect(res.statusCode).toBe(200);
      return res.json().items as Array<{ key: string; subject: string }>;
    };

    const byPercent = (await search("100%")).map((t) => t.key);
    expect(byPercent).toContain(percent);
    expect(byPercent).not.toContain(hundreds);

    const byUnderscore = (await search("birth_date")).map((t) => t.key);
    expect(byUnderscore).toContain(underscore);
    expect(byUnderscore).not.toContain(letter);

    const onlyPercent = await search("%");
    expect(onlyPercent.map((t) => t.key)).toContain(percent);
    for (const t of onlyPercent) expect(t.subject).toContain("%");
  });

  it("a backslash in the search filter matches literally", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(agent, { ...validTicket, subject: "Export to C:\\reports\\100% fails" });
    const res = await agent.get(`/api/v1/tickets?q=${encodeURIComponent("C:\\reports\\100%")}&limit=100`);
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((t: { key: string }) => t.key)).toEqual([key]);
  });

  it("script-looking strings are stored verbatim as text and served as JSON", async () => {
    const agent = await h.as("agent@demo.test");
    const subject = "<script>alert(1)</script>";
    const body = "<img src=x onerror=alert(1)>";
    const key = await openTicket(agent, { ...validTicket, subject, description: body });
    const reply = await agent.post(`/api/v1/tickets/${key}/messages`, { body: `${subject}${body}` });
    expect(reply.statusCode).toBe(201);

    const res = await agent.get(`/api/v1/tickets/${key}`);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.json().subject).toBe(subject);

    const thread = await agent.get(`/api/v1/tickets/${key}/messages`);
    expect(thread.headers["content-type"]).toMatch(/^application\/json/);
    expect(thread.json().items.map((m: { body: string }) => m.body)).toEqual([body, `${subject}${body}`]);
  });
});

describe("missing, forged and insufficient credentials", () => {
  it("without a session reading or writing tickets answers 401", async () => {
    const anon = h.anonymous();
    expectProblem(await anon.get("/api/v1/tickets"), 401, "auth.unauthenticated");
    expectProblem(await anon.get(`/api/v1/tickets/${zmbKey}`), 401, "auth.unauthenticated");
    const res = await writesNothing(() => anon.post("/api/v1/tickets", validTicket));
    expectProblem(res, 401, "auth.unauthenticated");
  });

  it("a forged or garbage session cookie is not a session", async () => {
    const agent = await h.as("agent@demo.test");
    const cookieValue = decodeURIComponent((agent.cookie ?? "").split("=").slice(1).join("="));
    const [unsigned] = cookieValue.split(/\.(?=[^.]*$)/);
    const forged = [
      "tierdesk_session=garbage",
      `tierdesk_session=${encodeURIComponent(`${unsigned}.${randomBytes(32).toString("base64url")}`)}`,
      `tierdesk_session=${encodeURIComponent(`${randomBytes(32).toString("base64url")}.AAAA`)}`,
      `tierdesk_session=${"x".repeat(5000)}`,
    ];
    for (const cookie of forged) {
      const client = new Client(h.app);
      client.cookie = cookie;
      client.csrf = agent.csrf;
      expectProblem(await client.get("/api/v1/tickets"), 401, "auth.unauthenticated");
      const res = await writesNothing(() => client.post("/api/v1/tickets", validTicket));
      expectProblem(res, 401, "auth.unauthenticated");
    }
  });

  it("an unknown bearer token answers 401 invalid token, even next to a valid session", async () => {
    const agent = await h.as("agent@demo.test");
    const client = new Client(h.app);
    for (const token of [
      `tdk_${randomBytes(32).toString("base64url")}`,
      "garbage",
      `tdk_${"a".repeat(300)}`,
    ]) {
      client.bearer = token;
      expectProblem(await client.get("/api/v1/tickets"), 401, "auth.invalid_token");
    }
    const both = new Client(h.app);
    both.cookie = agent.cookie;
    both.csrf = agent.csrf;
    both.bearer = `tdk_${randomBytes(32).toString("base64url")}`;
    const res = await writesNothing(() => both.post("/api/v1/tickets", validTicket));
    expectProblem(res, 401, "auth.invalid_token");
    const basic = await h.app.inject({
      method: "GET",
      url: "/api/v1/tickets",
      headers: { authorization: `Basic ${Buffer.from("agent@demo.test:demo1234").toString("base64")}` },
    });
    expectProblem(basic, 401, "auth.invalid_token");
  });

  it("a revoked token is refused like an unknown one", async () => {
    const user = await h.ctx.database.db
      .selectFrom("users")
      .select("id")
      .where("email", "=", "agent@demo.test")
      .executeTakeFirstOrThrow();
    const created = await h.ctx.auth.createToken(user.id, { name: "revoked", scopes: ["tickets:read"] });
    const client = new Client(h.app);
    client.bearer = created.token;
    expect((await client.get("/api/v1/tickets")).statusCode).toBe(200);
    await h.ctx.auth.revokeToken(user.id, created.id);
    expectProblem(await client.get("/api/v1/tickets"), 401, "auth.invalid_token");
  });

  it("a read-only token cannot write and writes nothing", async () => {
    const user = await h.ctx.database.db
      .selectFrom("users")
      .select("id")
      .where("email", "=", "agent@demo.test")
      .executeTakeFirstOrThrow();
    const created = await h.ctx.auth.createToken(user.id, { name: "read only", scopes: ["tickets:read"] });
    const client = new Client(h.app);
    client.bearer = created.token;
    const res = await writesNothing(() => client.post("/api/v1/tickets", validTicket));
    expectProblem(res, 403, "auth.scope_missing");
    const reply = await writesNothing(() =>
      client.post(`/api/v1/tickets/${zmbKey}/messages`, { body: "hi" }),
    );
    expectProblem(reply, 403, "auth.scope_missing");
  });

  it("a cookie session write without the CSRF header, or with a wrong one, is refused and writes nothing", async () => {
    const agent = await h.as("agent@demo.test");
    const noHeader = new Client(h.app);
    noHeader.cookie = agent.cookie;
    const res = await writesNothing(() => noHeader.post("/api/v1/tickets", validTicket));
    expectProblem(res, 403, "auth.csrf_failed");
    const patched = await writesNothing(() =>
      noHeader.patch(`/api/v1/tickets/${zmbKey}`, { priority: "low" }),
    );
    expectProblem(patched, 403, "auth.csrf_failed");

    const wrongHeader = new Client(h.app);
    wrongHeader.cookie = agent.cookie;
    wrongHeader.csrf = randomBytes(24).toString("base64url");
    const reply = await writesNothing(() =>
      wrongHeader.post(`/api/v1/tickets/${zmbKey}/messages`, { body: "x" }),
    );
    expectProblem(reply, 403, "auth.csrf_failed");
    expect((await agent.get(`/api/v1/tickets/${zmbKey}`)).json().priority).toBe("normal");
  });
});

describe("ticket keys, other sites' tickets and stale versions", () => {
  it("another site's ticket key answers 404 for every kind of write and read, and writes nothing", async () => {
    const bgd = await h.as("siteadmin-bgd@demo.test");
    const attempts: Array<[string, () => Promise<LightMyRequestResponse>]> = [
      ["patch", () => bgd.patch(`/api/v1/tickets/${zmbKey}`, { priority: "critical" })],
      ["reply", () => bgd.post(`/api/v1/tickets/${zmbKey}/messages`, { body: "Hello from BGD" })],
      ["note", () => bgd.post(`/api/v1/tickets/${zmbKey}/messages`, { kind: "note", body: "Hidden note" })],
      ["events", () => bgd.get(`/api/v1/tickets/${zmbKey}/events`)],
      ["thread", () => bgd.get(`/api/v1/tickets/${zmbKey}/messages`)],
      ["attachments", () => bgd.get(`/api/v1/tickets/${zmbKey}/attachments`)],
      [
        "upload",
        () =>
          bgd.upload(`/api/v1/tickets/${zmbKey}/attachments`, [
            { name: "a.txt", content: Buffer.from("hi") },
          ]),
      ],
    ];
    for (const [, send] of attempts) {
      const res = await writesNothing(send);
      expectProblem(res, 404, "ticket.not_found");
    }
    const ticket = (await (await h.as("agent@demo.test")).get(`/api/v1/tickets/${zmbKey}`)).json();
    expect(ticket.priority).toBe("normal");
  });

  it("a ticket key that does not exist answers 404 like another site's", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await writesNothing(() => agent.patch("/api/v1/tickets/ZMB-999999", { priority: "low" }));
    expectProblem(res, 404, "ticket.not_found");
  });

  it("malformed keys in the path answer a 4xx problem, never a 500", async () => {
    const agent = await h.as("agent@demo.test");
    const keys = [
      "zmb-1",
      "ZMB-0",
      encodeURIComponent("../etc"),
      "ZMB-1%00",
      "ZMB-1'%20or%20'1'='1",
      "%E2%82",
    ];
    for (const key of keys) {
      for (const send of [
        () => agent.get(`/api/v1/tickets/${key}`),
        () => agent.patch(`/api/v1/tickets/${key}`, { priority: "low" }),
        () => agent.post(`/api/v1/tickets/${key}/messages`, { body: "x" }),
      ]) {
        const res = await writesNothing(send);
        expect(res.statusCode, key).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, key).toBeLessThan(500);
        expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      }
    }
    const bad = expectProblem(await agent.get("/api/v1/tickets/zmb-1"), 400, "request.invalid");
    expect(fieldsOf(bad)).toEqual(["key"]);
    expect((await agent.get("/api/v1/tickets/../etc")).statusCode).toBe(404);
  });

  it("a badly percent-encoded path answers a 400 problem", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await writesNothing(() => agent.post("/api/v1/tickets/%E2%82/messages", { body: "x" }));
    expectProblem(res, 400, "request.bad_url");
    expectProblem(await agent.get("/api/v1/tickets/%zz"), 400, "request.bad_url");
  });

  it("an over-long path segment answers a 414 problem", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await writesNothing(() =>
      agent.patch(`/api/v1/tickets/ZMB-${"1".repeat(300)}`, { priority: "low" }),
    );
    expectProblem(res, 414, "request.uri_too_long");
  });

  it("a stale expectedVersion answers 409 and changes nothing", async () => {
    const agent = await h.as("agent@demo.test");
    const key = await openTicket(agent, validTicket);
    const first = await agent.patch(`/api/v1/tickets/${key}`, { priority: "high", expectedVersion: 1 });
    expect(first.statusCode).toBe(200);
    expect(first.json().version).toBe(2);

    const res = await writesNothing(() =>
      agent.patch(`/api/v1/tickets/${key}`, { priority: "low", subject: "Changed", expectedVersion: 1 }),
    );
    const problem = expectProblem(res, 409, "ticket.version_conflict");
    expect(fieldsOf(problem)).toEqual(["expectedVersion"]);
    const now = (await agent.get(`/api/v1/tickets/${key}`)).json();
    expect(now).toMatchObject({ version: 2, priority: "high", subject: validTicket.subject });
  });

  it("a patch with nothing to change is refused", async () => {
    const agent = await h.as("agent@demo.test");
    const res = await writesNothing(() => agent.patch(`/api/v1/tickets/${zmbKey}`, { expectedVersion: 1 }));
    expectProblem(res, 400, "request.invalid");
  });
});

describe("query strings and routes", () => {
  it("a cursor the server did not give out answers 400", async () => {
    const agent = await h.as("agent@demo.test");
    const forgedCursors = [
      "garbage",
      Buffer.from('["a","b"]').toString("base64url"),
      Buffer.from("[1]").toString("base64url"),
      Buffer.from('{"id":1}').toString("base64url"),
    ];
    for (const cursor of forgedCursors) {
      const res = await agent.get(`/api/v1/tickets?cursor=${encodeURIComponent(cursor)}`);
      const problem = expectProblem(res, 400, "request.invalid_cursor");
      expect(fieldsOf(problem)).toEqual(["cursor"]);
    }
    for (const cursor of ["abc", "-1", "1e3", "9".repeat(20)]) {
      for (const path of ["messages", "events"]) {
        const res = await agent.get(`/api/v1/tickets/${zmbKey}/${path}?cursor=${encodeURIComponent(cursor)}`);
        expectProblem(res, 400, "request.invalid_cursor");
      }
    }
  });

  it("an unknown query parameter is refused and named", async () => {
    const agent = await h.as("agent@demo.test");
    const problem = expectProblem(await agent.get("/api/v1/tickets?sneaky=1"), 400, "request.invalid");
    expect(fieldsOf(problem)).toContain("sneaky");
    const thread = expectProblem(
      await agent.get(`/api/v1/tickets/${zmbKey}/messages?order=desc`),
      400,
      "request.invalid",
    );
    expect(fieldsOf(thread)).toContain("order");
  });

  it("a page size beyond the maximum is refused, not capped silently", async () => {
    const agent = await h.as("agent@demo.test");
    for (const limit of ["1000", "0", "-5", "ten"]) {
      const problem = expectProblem(
        await agent.get(`/api/v1/tickets?limit=${limit}`),
        400,
        "request.invalid",
      );
      expect(fieldsOf(problem)).toEqual(["limit"]);
    }
  });

  it("unknown values in list filters are refused and named", async () => {
    const agent = await h.as("agent@demo.test");
    const problem = expectProblem(await agent.get("/api/v1/tickets?status=new,lost"), 400, "request.invalid");
    expect(fieldsOf(problem).some((f) => f.startsWith("status"))).toBe(true);
    const sort = expectProblem(await agent.get("/api/v1/tickets?sort=id;drop"), 400, "request.invalid");
    expect(fieldsOf(sort)).toEqual(["sort"]);
  });

  it("an unknown route answers a 404 problem", async () => {
    const agent = await h.as("agent@demo.test");
    expectProblem(await agent.get("/api/v1/nothing-here"), 404, "route.not_found");
    const res = await writesNothing(() => agent.post("/api/v1/tickets/ZMB-1/teleport", {}));
    expectProblem(res, 404, "route.not_found");
    expectProblem(await h.anonymous().request("PUT", "/api/v1/tickets"), 404, "route.not_found");
  });
});
