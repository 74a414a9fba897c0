import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createHarness, type Harness, openTicket } from "./harness.js";

// Row ids are 32-bit integers on PostgreSQL; a larger one must be refused as invalid input before it
// reaches a query, where PostgreSQL would fail with "value out of range for type integer" (a 500).
const PAST_INT32 = 2 ** 31;

const TABLES = [
  "users",
  "api_tokens",
  "password_resets",
  "notifications",
  "tickets",
  "ticket_messages",
  "ticket_events",
  "attachments",
  "tier_segments",
  "ticket_dossiers",
  "on_call",
  "saved_views",
  "kb_articles",
  "kb_revisions",
] as const;

let h: Harness;
let key: string;
let viewId: number;
let articleId: number;

/** Rows per table and every ticket's version: what a refused request must leave as it was. */
async function snapshot() {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await h.ctx.database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  const versions = await h.ctx.database.db
    .selectFrom("tickets")
    .select(["id", "version"])
    .orderBy("id")
    .execute();
  return { counts, versions };
}

beforeAll(async () => {
  h = await createHarness();
  const agent = await h.as("agent@demo.test");
  key = await openTicket(agent, {
    site: "ZMB",
    subject: "Printer offline",
    description: "The certificate printer does not respond.",
    requester: { name: "Ireen Banda", email: "ireen.banda@example.org" },
  });
  const view = await agent.post("/api/v1/views", { name: "Mine", filters: { assignee: "me" } });
  viewId = view.json().id;
  // The demo has no articles; the id is refused before the article is looked up, so any id shows it.
  const articles = await (await h.as("hubadmin@demo.test")).get("/api/v1/kb/articles");
  articleId = articles.json().items[0]?.id ?? 1;
});
afterAll(async () => h?.close());

type Case = {
  who: string;
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  url: () => string;
  body?: () => unknown;
};

const CASES: Record<string, Case> = {
  "a user id": { who: "hubadmin@demo.test", method: "GET", url: () => `/api/v1/users/${PAST_INT32}` },
  "a user id to change": {
    who: "hubadmin@demo.test",
    method: "PATCH",
    url: () => `/api/v1/users/${PAST_INT32}`,
    body: () => ({ name: "Someone" }),
  },
  "a user id to send a reset link for": {
    who: "hubadmin@demo.test",
    method: "POST",
    url: () => `/api/v1/users/${PAST_INT32}/password-reset`,
  },
  "an API token id to revoke": {
    who: "agent@demo.test",
    method: "DELETE",
    url: () => `/api/v1/auth/tokens/${PAST_INT32}`,
  },
  "a notification id to mark read": {
    who: "agent@demo.test",
    method: "POST",
    url: () => `/api/v1/notifications/${PAST_INT32}/read`,
  },
  "an attachment id of a ticket": {
    who: "agent@demo.test",
    method: "GET",
    url: () => `/api/v1/tickets/${key}/attachments/${PAST_INT32}`,
  },
  "an attachment id of a portal request": {
    who: "anonymous",
    method: "GET",
    url: () => `/api/v1/portal/requests/${key}/attachments/${PAST_INT32}?token=${"a".repeat(40)}`,
  },
  "a requester filter": {
    who: "agent@demo.test",
    method: "GET",
    url: () => `/api/v1/tickets?requester=${PAST_INT32}`,
  },
  "an assignee filter": {
    who: "agent@demo.test",
    method: "GET",
    url: () => `/api/v1/tickets?assignee=${PAST_INT32}`,
  },
  "the assignee of a new ticket": {
    who: "agent@demo.test",
    method: "POST",
    url: () => "/api/v1/tickets",
    body: () => ({
      site: "ZMB",
      subject: "Scanner offline",
      description: "The scanner does not respond.",
      requester: { name: "Ireen Banda", email: "ireen.banda@example.org" },
      assigneeId: PAST_INT32,
    }),
  },
  "the assignee of a ticket": {
    who: "agent@demo.test",
    method: "PATCH",
    url: () => `/api/v1/tickets/${key}`,
    body: () => ({ assigneeId: PAST_INT32 }),
  },
  "the expected version of a ticket": {
    who: "agent@demo.test",
    method: "PATCH",
    url: () => `/api/v1/tickets/${key}`,
    body: () => ({ priority: "high", expectedVersion: PAST_INT32 }),
  },
  "an attachment of a reply": {
    who: "agent@demo.test",
    method: "POST",
    url: () => `/api/v1/tickets/${key}/messages`,
    body: () => ({ body: "See the log.", attachmentIds: [PAST_INT32] }),
  },
  "an attachment of a dossier": {
    who: "agent@demo.test",
    method: "PUT",
    url: () => `/api/v1/tickets/${key}/dossier`,
    body: () => ({ evidence: { attachmentIds: [PAST_INT32] } }),
  },
  "a user on call": {
    who: "hubadmin@demo.test",
    method: "PUT",
    url: () => "/api/v1/sites/ZMB/on-call",
    body: () => ({ entries: [{ userId: PAST_INT32, tier: 1 }] }),
  },
  "the collection of an article draft": {
    who: "agent@demo.test",
    method: "POST",
    url: () => `/api/v1/tickets/${key}/article-draft`,
    body: () => ({ collectionId: PAST_INT32 }),
  },
  "the base revision of an article": {
    who: "hubadmin@demo.test",
    method: "PATCH",
    url: () => `/api/v1/kb/articles/${articleId}`,
    body: () => ({ title: "Renamed", baseRevision: PAST_INT32 }),
  },
  "the assignee of a saved view": {
    who: "agent@demo.test",
    method: "POST",
    url: () => "/api/v1/views",
    body: () => ({ name: "Theirs", filters: { assignee: PAST_INT32 } }),
  },
  "the assignee of a saved view being changed": {
    who: "agent@demo.test",
    method: "PATCH",
    url: () => `/api/v1/views/${viewId}`,
    body: () => ({ filters: { assignee: PAST_INT32 } }),
  },
};

describe("ids past the 32-bit range of the database", () => {
  for (const [what, c] of Object.entries(CASES)) {
    it(`${what} past 2^31 - 1 is refused as invalid and nothing changes`, async () => {
      const client: Client = c.who === "anonymous" ? h.anonymous() : await h.as(c.who);
      const before = await snapshot();
      const res = await client.request(c.method, c.url(), c.body?.() as Record<string, unknown> | undefined);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe("request.invalid");
      expect(await snapshot()).toEqual(before);
    });
  }
});
