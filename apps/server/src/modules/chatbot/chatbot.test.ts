import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createHarness, type Harness } from "../../../test/harness.js";
import { systemActor } from "../../shared/actor.js";
import { importDocs } from "../kb/kb.import.js";
import { intentOf, keyWords } from "./chatbot.service.js";

// The corpora live in the shared folder beside the repository and are read from there (as kb.import.test.ts does).
const CORPORA =
  process.env.TIERDESK_CORPORA ??
  fileURLToPath(new URL("../../../../../../shared/corpora/", import.meta.url));
const GITBOOK = path.join(CORPORA, "gitbook-sample");

type Passage = { articleId: number; title: string; link: string; excerpt: string; confidence: number };
type Reply = {
  id: number;
  kind: string;
  text: string;
  query: string | null;
  confidence: number;
  passages: Passage[];
};
type Exchange = {
  conversation: {
    id: number;
    site: string;
    status: string;
    resolvedAtLevel: number | null;
    ticketKey: string | null;
  };
  reply: Reply;
};

let h: Harness;
let requester: Client;
let resetPageId: number;
let printPageId: number;
beforeAll(async () => {
  h = await createHarness();
  await importDocs(h.ctx.kb, systemActor, GITBOOK, { collection: "Registry guide" });
  const pages = await h.ctx.kb.listArticles(systemActor, {
    collection: "registry-guide",
    limit: 100,
    offset: 0,
  });
  resetPageId = pages.find((p) => p.title === "Reset a user password")?.id as number;
  printPageId = pages.find((p) => p.title === "Print a certificate")?.id as number;
  requester = await h.as("requester-zmb@demo.test");
});
afterAll(async () => h?.close());

async function ask(client: Client, question: string, site = "ZMB"): Promise<Exchange> {
  const res = await client.post("/api/v1/chatbot/conversations", { site, question });
  expect(res.statusCode).toBe(201);
  return res.json();
}
async function say(client: Client, id: number, text: string): Promise<Exchange> {
  const res = await client.post(`/api/v1/chatbot/conversations/${id}/messages`, { text });
  expect(res.statusCode).toBe(200);
  return res.json();
}

describe("the chatbot answers from the knowledge base", () => {
  it("answers 'how do I reset a password' by quoting the reset page with a link to its section, and asks whether it helped", async () => {
    expect(resetPageId).toBeGreaterThan(0);
    const { conversation, reply } = await ask(requester, "How do I reset a password?");
    expect(conversation).toMatchObject({
      site: "ZMB",
      status: "open",
      resolvedAtLevel: null,
      ticketKey: null,
    });
    expect(reply.kind).toBe("answer");
    const best = reply.passages[0] as Passage;
    expect(best.articleId).toBe(resetPageId);
    expect(best.link).toBe(`/kb/articles/${resetPageId}#reset-a-user-password`);
    expect(best.excerpt).toContain("reset a password");
    expect(best.excerpt).not.toContain("<mark>");
    expect(best.confidence).toBeGreaterThanOrEqual(0.5);
    expect(best.confidence).toBeLessThanOrEqual(1);
    expect(reply.passages.length).toBeLessThanOrEqual(3);
    expect(reply.text).toContain(best.link);
    expect(reply.text).toContain("reset a password");
    expect(reply.text.trim().endsWith('(or "talk to a person").')).toBe(true);
    expect(reply.text).toContain("Did this help?");
  });

  it("says plainly that it does not know what the weather is in Lusaka, quotes nothing and offers a person", async () => {
    const { conversation, reply } = await ask(requester, "What is the weather in Lusaka?");
    expect(reply.kind).toBe("unknown");
    expect(reply.passages).toEqual([]);
    expect(reply.text).toMatch(/^I don't know/);
    expect(reply.text).toContain("talk to a person");
    expect(conversation.status).toBe("open");
  });

  it("reads a short follow-up in the context of the previous question", async () => {
    const first = await ask(requester, "How do I print a birth certificate?");
    expect(first.reply.passages[0]?.articleId).toBe(printPageId);
    const follow = await say(requester, first.conversation.id, "And for a death?");
    expect(follow.reply.query).toContain("print");
    expect(follow.reply.query).toContain("certificate");
    expect(follow.reply.query).toContain("death");
    expect(follow.reply.passages[0]?.articleId).toBe(printPageId);
    // the same words without the earlier question do not find the printing page
    const alone = await ask(requester, "And for a death?");
    expect(alone.reply.query).toBe("And for a death?");
    expect(alone.reply.passages.map((p) => p.articleId)).not.toContain(printPageId);
    const stored = (await requester.get(`/api/v1/chatbot/conversations/${first.conversation.id}`)).json();
    expect(stored.turns.map((t: { kind: string }) => t.kind)).toEqual([
      "question",
      "answer",
      "follow_up",
      "answer",
    ]);
  });

  it("keeps only the words that say what a question is about", () => {
    expect(keyWords("How do I reset a password?", "en")).toEqual(["reset", "password"]);
    expect(keyWords("Comment réinitialiser le mot de passe ?", "fr")).toEqual([
      "réinitialiser",
      "mot",
      "passe",
    ]);
  });
});

describe("ending a conversation", () => {
  it("'yes' records the conversation as resolved at L0 and stores every turn", async () => {
    const { conversation } = await ask(requester, "pasword reset");
    const done = await say(requester, conversation.id, "Yes, it helped");
    expect(done.conversation).toMatchObject({ status: "resolved", resolvedAtLevel: 0, ticketKey: null });
    expect(done.reply.kind).toBe("resolved");
    const stored = (await requester.get(`/api/v1/chatbot/conversations/${conversation.id}`)).json();
    expect(stored.resolvedAt).not.toBeNull();
    expect(stored.turns.map((t: { role: string; kind: string }) => `${t.role}:${t.kind}`)).toEqual([
      "user:question",
      "bot:answer",
      "user:yes",
      "bot:resolved",
    ]);
    const again = await requester.post(`/api/v1/chatbot/conversations/${conversation.id}/messages`, {
      text: "no",
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe("chatbot.conversation_closed");
  });

  it("'no' opens an L1 ticket at the site for the requester with the whole transcript, and gives its key", async () => {
    const { conversation, reply } = await ask(requester, "How do I reset a password?");
    const handed = await say(requester, conversation.id, "no");
    const key = handed.conversation.ticketKey as string;
    expect(key).toMatch(/^ZMB-\d+$/);
    expect(handed.conversation.status).toBe("escalated");
    expect(handed.conversation.resolvedAtLevel).toBeNull();
    expect(handed.reply.kind).toBe("escalated");
    expect(handed.reply.text).toContain(key);

    const ticket = (await requester.get(`/api/v1/tickets/${key}`)).json();
    expect(ticket.tier).toBe(1);
    expect(ticket.site).toBe("ZMB");
    expect(ticket.requester.email).toBe("requester-zmb@demo.test");
    expect(ticket.tags).toContain("chatbot");
    const first = (await requester.get(`/api/v1/tickets/${key}/messages`)).json().items[0];
    expect(first.body).toContain("How do I reset a password?");
    expect(first.body).toContain(reply.passages[0]?.excerpt);
    expect(first.body).toContain("Chanda Mulenga: no");

    const after = await requester.post(`/api/v1/chatbot/conversations/${conversation.id}/messages`, {
      text: "hello?",
    });
    expect(after.statusCode).toBe(409);
    expect(after.json().title).toContain(key);
  });

  it("asking to talk to a person in French also hands over to a ticket", async () => {
    const { conversation } = await ask(requester, "What is the weather in Lusaka?");
    const handed = await say(requester, conversation.id, "Je veux parler à quelqu'un");
    expect(handed.conversation.ticketKey).toMatch(/^ZMB-\d+$/);
  });

  it("'yes' to the offer of a person after an unknown question opens a ticket rather than marking it solved", async () => {
    const { conversation } = await ask(requester, "What is the weather in Lusaka?");
    const handed = await say(requester, conversation.id, "yes");
    expect(handed.conversation.status).toBe("escalated");
    expect(handed.conversation.resolvedAtLevel).toBeNull();
    expect(handed.conversation.ticketKey).toMatch(/^ZMB-\d+$/);
  });

  it("an agent asking for themselves becomes the requester of the ticket it opens", async () => {
    const agent = await h.as("agent@demo.test");
    const { conversation } = await ask(agent, "What is the weather in Lusaka?", "UGA");
    const handed = await say(agent, conversation.id, "talk to a person");
    const ticket = (await agent.get(`/api/v1/tickets/${handed.conversation.ticketKey}`)).json();
    expect(ticket.site).toBe("UGA");
    expect(ticket.requester.email).toBe("agent@demo.test");
  });

  it("understands yes and no in English, French, Spanish and Portuguese", () => {
    for (const yes of ["yes", "Yes!", "it helped", "Oui", "ça m'a aidé", "Sí", "sim"])
      expect(intentOf(yes)).toBe("yes");
    for (const no of [
      "no",
      "No.",
      "agent",
      "talk to a person",
      "non",
      "parler à une personne",
      "hablar con alguien",
      "não",
      "falar com uma pessoa",
    ])
      expect(intentOf(no)).toBe("no");
    expect(intentOf("how do I register a birth")).toBe("question");
  });
});

describe("who may use the chatbot", () => {
  it("another site's staff get 404 for a ZMB conversation, and a requester cannot ask about another site", async () => {
    const { conversation } = await ask(requester, "How do I reset a password?");
    const bgd = await h.as("siteadmin-bgd@demo.test");
    const read = await bgd.get(`/api/v1/chatbot/conversations/${conversation.id}`);
    expect(read.statusCode).toBe(404);
    expect(read.json().code).toBe("chatbot.conversation_not_found");
    const write = await bgd.post(`/api/v1/chatbot/conversations/${conversation.id}/messages`, { text: "no" });
    expect(write.statusCode).toBe(404);
    expect((await requester.get(`/api/v1/chatbot/conversations/${conversation.id}`)).json().status).toBe(
      "open",
    );

    const elsewhere = await requester.post("/api/v1/chatbot/conversations", {
      site: "BGD",
      question: "reset password",
    });
    expect(elsewhere.statusCode).toBe(403);
  });

  it("the site's staff read a requester's conversation but cannot answer in their name", async () => {
    const { conversation } = await ask(requester, "How do I reset a password?");
    const admin = await h.as("siteadmin-zmb@demo.test");
    expect((await admin.get(`/api/v1/chatbot/conversations/${conversation.id}`)).statusCode).toBe(200);
    const res = await admin.post(`/api/v1/chatbot/conversations/${conversation.id}/messages`, {
      text: "yes",
    });
    expect(res.statusCode).toBe(403);
  });

  it("a hub admin reads a site's conversations only through a membership; without one nothing of them shows", async () => {
    const marker = "zmb-transcript-marker-3e8b";
    const { conversation } = await ask(requester, `How do I reset the password of ${marker}?`);
    const hub = await h.as("hubadmin@demo.test");
    for (const res of [
      await hub.get(`/api/v1/chatbot/conversations/${conversation.id}`),
      await hub.post(`/api/v1/chatbot/conversations/${conversation.id}/messages`, { text: "no" }),
      await hub.post(`/api/v1/chatbot/conversations/${conversation.id}/feedback`, { helpful: false }),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("chatbot.conversation_not_found");
      expect(res.body).not.toContain(marker);
    }
    expect((await requester.get(`/api/v1/chatbot/conversations/${conversation.id}`)).json().status).toBe(
      "open",
    );

    const member = await hub.post("/api/v1/users", {
      email: "hub-manager-zmb@chatbot.test",
      name: "Hub admin who manages ZMB",
      password: "demo1234",
      hubAdmin: true,
      memberships: [{ site: "ZMB", role: "manager" }],
    });
    expect(member.statusCode).toBe(201);
    const through = await (await h.as("hub-manager-zmb@chatbot.test")).get(
      `/api/v1/chatbot/conversations/${conversation.id}`,
    );
    expect(through.statusCode).toBe(200);
    expect(through.body).toContain(marker);
  });

  it("anonymous visitors must sign in (anonymous use is for the portal, later)", async () => {
    const res = await h
      .anonymous()
      .post("/api/v1/chatbot/conversations", { site: "ZMB", question: "reset password" });
    expect(res.statusCode).toBe(401);
  });
});

describe("feedback on chatbot answers", () => {
  it("stores whether an answer helped, with a comment, and editors list it", async () => {
    const { conversation, reply } = await ask(requester, "How do I reset a password?");
    const res = await requester.post(`/api/v1/chatbot/conversations/${conversation.id}/feedback`, {
      helpful: false,
      comment: "The menu is not where it says",
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      kind: "chatbot",
      conversationId: conversation.id,
      turnId: reply.id,
      articleId: resetPageId,
      helpful: false,
      comment: "The menu is not where it says",
    });
    const agent = await h.as("agent@demo.test");
    const list = (await agent.get("/api/v1/kb/feedback?kind=chatbot")).json().items;
    expect(list.map((f: { id: number }) => f.id)).toContain(res.json().id);
    const wrongTurn = await requester.post(`/api/v1/chatbot/conversations/${conversation.id}/feedback`, {
      helpful: true,
      turnId: 999999,
    });
    expect(wrongTurn.statusCode).toBe(422);
  });
});
