import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createHarness, type Harness, openTicket } from "../../../test/harness.js";

/**
 * What the knowledge base learns from one site's people (their feedback, the subjects of their
 * tickets) stays with that site's staff: other sites' editors, hub admins without a membership and
 * anonymous searchers never see it or can test for it.
 */
let h: Harness;
let article: number;
let zmbAgent: Client;
let bgdAgent: Client;
let hubAdmin: Client;

beforeAll(async () => {
  h = await createHarness();
  hubAdmin = await h.as("hubadmin@demo.test");
  for (const [email, site] of [
    ["agent-zmb@scope.test", "ZMB"],
    ["agent-bgd@scope.test", "BGD"],
  ] as const) {
    const res = await hubAdmin.post("/api/v1/users", {
      email,
      name: `Agent of ${site}`,
      password: "demo1234",
      memberships: [{ site, role: "agent" }],
    });
    expect(res.statusCode).toBe(201);
  }
  zmbAgent = await h.as("agent-zmb@scope.test");
  bgdAgent = await h.as("agent-bgd@scope.test");
  const collectionId = (
    await hubAdmin.post("/api/v1/kb/collections", { slug: "scope", name: "Scope" })
  ).json().id;
  article = (
    await zmbAgent.post("/api/v1/kb/articles", {
      collectionId,
      title: "Print a birth certificate",
      body: "## Printing\n\nOpen the record and choose **Print certificate**.",
      audiences: ["end_user"],
      status: "published",
    })
  ).json().id;
});
afterAll(async () => h?.close());

describe("knowledge-base feedback stays with the site it came from", () => {
  const MARKER = "zmb-feedback-marker-7f3a";

  it("a ZMB requester's comment on a hub-wide article reaches ZMB's editors, not BGD's nor a hub admin without membership", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    const given = await requester.post(`/api/v1/kb/articles/${article}/feedback`, {
      helpful: false,
      comment: `Did not work for me, call me on +260 97 000 0000 (${MARKER})`,
    });
    expect(given.statusCode).toBe(201);

    const own = await zmbAgent.get("/api/v1/kb/feedback");
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain(MARKER);

    for (const other of [bgdAgent, hubAdmin]) {
      for (const url of ["/api/v1/kb/feedback", `/api/v1/kb/feedback?articleId=${article}&helpful=false`]) {
        const res = await other.get(url);
        expect(res.statusCode).toBe(200);
        expect(res.body).not.toContain(MARKER);
      }
    }
    const [zmb] = (await h.ctx.sites.resolveCodes(["ZMB"])).found;
    expect(given.json().siteId).toBe(zmb?.id);
  });

  it("a ZMB requester's comment on a chatbot answer reaches ZMB's editors only", async () => {
    const marker = "zmb-chatbot-feedback-marker-91c2";
    const requester = await h.as("requester-zmb@demo.test");
    const chat = await requester.post("/api/v1/chatbot/conversations", {
      site: "ZMB",
      question: "How do I print a birth certificate?",
    });
    expect(chat.statusCode).toBe(201);
    const fb = await requester.post(`/api/v1/chatbot/conversations/${chat.json().conversation.id}/feedback`, {
      helpful: false,
      comment: marker,
    });
    expect(fb.statusCode).toBe(201);

    expect((await zmbAgent.get("/api/v1/kb/feedback?kind=chatbot")).body).toContain(marker);
    for (const other of [bgdAgent, hubAdmin]) {
      const res = await other.get("/api/v1/kb/feedback?kind=chatbot");
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(marker);
    }
  });
});

describe("words learned from a ticket's subject wait for an editor of the ticket's site", () => {
  // a made-up word, so that nothing else in the knowledge base or the demo data matches it
  const WORD = "zqxvortel";

  const findsArticle = async (client: Client, q: string) => {
    const res = await client.get(`/api/v1/kb/search?q=${encodeURIComponent(q)}`);
    expect(res.statusCode).toBe(200);
    return (res.json().hits as Array<{ articleId: number }>).some((x) => x.articleId === article);
  };

  let key: string;
  beforeAll(async () => {
    key = await openTicket(zmbAgent, {
      site: "ZMB",
      subject: `Certificate for ${WORD} family will not print`,
      description: "The print button does nothing.",
      requester: { email: "someone@lusaka.example" },
    });
    const reply = await zmbAgent.post(`/api/v1/tickets/${key}/messages`, {
      kind: "reply",
      body: `Please follow https://tierdesk.test/kb/articles/${article} to print it.`,
    });
    expect(reply.statusCode).toBe(201);
  });

  it("a word of a ZMB ticket's subject changes nobody's search results while it waits", async () => {
    expect(await findsArticle(h.anonymous(), WORD)).toBe(false);
    expect(await findsArticle(bgdAgent, WORD)).toBe(false);
    expect(await findsArticle(zmbAgent, WORD)).toBe(false);
  });

  it("other sites' editors and hub admins without membership neither see the waiting word nor act on it", async () => {
    for (const other of [bgdAgent, hubAdmin]) {
      for (const url of [
        "/api/v1/kb/learned-terms",
        `/api/v1/kb/learned-terms?articleId=${article}`,
        `/api/v1/kb/learned-terms?status=pending`,
      ]) {
        const res = await other.get(url);
        expect(res.statusCode).toBe(200);
        expect(res.body).not.toContain(WORD);
      }
    }
    for (const [client, action] of [
      [bgdAgent, "accept"],
      [bgdAgent, "reject"],
      [hubAdmin, "accept"],
    ] as const) {
      const res = await client.post(`/api/v1/kb/articles/${article}/learned-terms/${WORD}/${action}`);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("kb.learned_not_found");
      expect(res.body).not.toContain("evidence");
    }
    const removed = await hubAdmin.delete(`/api/v1/kb/articles/${article}/learned-terms/${WORD}`);
    expect(removed.statusCode).toBe(404);
    expect(removed.json().code).toBe("kb.learned_not_found");
    const mine = (await zmbAgent.get(`/api/v1/kb/learned-terms?articleId=${article}`)).json().items;
    expect(mine).toContainEqual(
      expect.objectContaining({ term: WORD, status: "pending", awaitingReview: 1 }),
    );
  });

  it("a requester of the site cannot accept the word", async () => {
    const res = await (await h.as("requester-zmb@demo.test")).post(
      `/api/v1/kb/articles/${article}/learned-terms/${WORD}/accept`,
    );
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("kb.learned_forbidden");
    expect(await findsArticle(h.anonymous(), WORD)).toBe(false);
  });

  it("once an editor of ZMB accepts the word, search uses it", async () => {
    const res = await zmbAgent.post(`/api/v1/kb/articles/${article}/learned-terms/${WORD}/accept`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ term: WORD, status: "active", awaitingReview: 0 });
    expect(await findsArticle(h.anonymous(), WORD)).toBe(true);
    const again = await zmbAgent.post(`/api/v1/kb/articles/${article}/learned-terms/${WORD}/accept`);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe("kb.learned_not_pending");
  });

  it("a word an editor of ZMB rejects is never searched, even when the ticket links the article again", async () => {
    const word = "vexmorlant";
    const other = await openTicket(zmbAgent, {
      site: "ZMB",
      subject: `The ${word} district is missing`,
      description: "x",
      requester: { email: "someone-else@lusaka.example" },
    });
    const link = { kind: "reply", body: `See /kb/articles/${article}` };
    expect((await zmbAgent.post(`/api/v1/tickets/${other}/messages`, link)).statusCode).toBe(201);
    const rejected = await zmbAgent.post(`/api/v1/kb/articles/${article}/learned-terms/${word}/reject`);
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json()).toMatchObject({ term: word, status: "pending", evidence: 0, awaitingReview: 0 });
    expect((await zmbAgent.post(`/api/v1/tickets/${other}/messages`, link)).statusCode).toBe(201);
    expect(await findsArticle(h.anonymous(), word)).toBe(false);
    expect((await zmbAgent.get(`/api/v1/kb/learned-terms?articleId=${article}`)).body).not.toContain(word);
  });
});
