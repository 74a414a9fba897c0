import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createHarness, type Harness, openTicket } from "../../../test/harness.js";
import { systemActor } from "../../shared/actor.js";
import { learnableWords, MAX_TERMS } from "./kb.learning.js";

let h: Harness;
let article: number;
let other: number;
beforeAll(async () => {
  h = await createHarness();
  const collectionId = (
    await (
      await h.as("hubadmin@demo.test")
    ).post("/api/v1/kb/collections", { slug: "learning", name: "Learning" })
  ).json().id;
  const agent = await h.as("agent@demo.test");
  const write = async (title: string, body: string) =>
    (await agent.post("/api/v1/kb/articles", { collectionId, title, body, status: "published" })).json()
      .id as number;
  article = await write(
    "Replace the authenticator app",
    "## Reset the authenticator\n\nOpen the profile page and choose **Reset authenticator**, then scan the new QR code.",
  );
  other = await write("Printer settings", "## Paper\n\nChoose A4 paper in the printer dialog.");
});
afterAll(async () => h?.close());

const found = async (client: Client, q: string, id: number) => {
  const res = await client.get(`/api/v1/kb/search?q=${encodeURIComponent(q)}&site=ZMB`);
  return (res.json().hits as Array<{ articleId: number }>).some((x) => x.articleId === id);
};

/** A reader searches, opens the article and says it helped. */
async function helpfulSearch(client: Client, q: string, id: number) {
  const res = await client.get(`/api/v1/kb/search?q=${encodeURIComponent(q)}&site=ZMB`);
  expect((res.json().hits as Array<{ articleId: number }>).some((x) => x.articleId === id)).toBe(true);
  const click = await client.post(`/api/v1/kb/search/${res.json().searchId}/click`, { articleId: id });
  expect(click.statusCode).toBe(204);
  expect((await client.post(`/api/v1/kb/articles/${id}/feedback`, { helpful: true })).statusCode).toBe(201);
}

describe("search learns from use", () => {
  it("a question that did not find the article finds it once two people confirmed it answered their words", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    const siteAdmin = await h.as("siteadmin-zmb@demo.test");
    expect(await found(requester, "my phone was stolen", article)).toBe(false);

    // one person, however often, is not enough
    for (let i = 0; i < 3; i++) await helpfulSearch(requester, "stolen phone authenticator", article);
    expect(await found(requester, "my phone was stolen", article)).toBe(false);

    await helpfulSearch(siteAdmin, "authenticator on a stolen phone", article);
    expect(await found(requester, "my phone was stolen", article)).toBe(true);
    expect(await found(requester, "my phone was stolen", other)).toBe(false);
  });

  it("a single person, or anyone anonymous, cannot make an article answer their words", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    for (let i = 0; i < 5; i++) await helpfulSearch(requester, "printer dialog cheap casino", other);
    expect(await found(requester, "casino", other)).toBe(false);
    const anonymous = await h.ctx.kb.learning.record({
      articleId: other,
      text: "casino casino",
      language: "en",
      witness: "user:0",
      source: "search",
      staff: false,
      siteId: null,
    });
    expect(anonymous).toEqual([]);
    // a ZMB requester's words are listed to ZMB's staff (agent@demo.test is an agent of ZMB)
    const listed = await (await h.as("agent@demo.test")).get(`/api/v1/kb/learned-terms?articleId=${other}`);
    expect(listed.json().items).toContainEqual(
      expect.objectContaining({ term: "casino", evidence: 1, status: "pending" }),
    );
  });

  it("a staff reply linking an article teaches it the ticket's subject once an editor of the ticket's site accepts the words", async () => {
    const agent = await h.as("agent@demo.test");
    const requester = await h.as("requester-zmb@demo.test");
    expect(await found(requester, "laptop screen cracked", other)).toBe(false);
    const key = await openTicket(agent, {
      site: "ZMB",
      subject: "Laptop screen cracked at the registry",
      description: "The screen is broken.",
      requester: { email: "someone@example.org" },
    });
    const reply = await agent.post(`/api/v1/tickets/${key}/messages`, {
      kind: "reply",
      body: `Please see https://tierdesk.test/kb/articles/${other} and /kb/articles/999999 for the steps.`,
    });
    expect(reply.statusCode).toBe(201);
    expect(await found(requester, "laptop screen cracked", other)).toBe(false);
    for (const term of ["laptop", "screen", "cracked"]) {
      const accepted = await agent.post(`/api/v1/kb/articles/${other}/learned-terms/${term}/accept`);
      expect(accepted.json()).toMatchObject({ term, status: "active", evidence: 1 });
    }
    expect(await found(requester, "laptop screen cracked", other)).toBe(true);
  });

  it("hub admins list and remove learned words, and a removed word stays removed", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const agent = await h.as("agent@demo.test");
    const list = await agent.get(`/api/v1/kb/learned-terms?articleId=${article}&status=active`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toContainEqual(
      expect.objectContaining({ articleId: article, term: "stolen", evidence: 2, status: "active" }),
    );
    expect((await agent.delete(`/api/v1/kb/articles/${article}/learned-terms/stolen`)).statusCode).toBe(403);
    const requester = await h.as("requester-zmb@demo.test");
    expect((await requester.get("/api/v1/kb/learned-terms")).statusCode).toBe(403);

    for (const term of ["stolen", "phone"]) {
      const removed = await admin.delete(`/api/v1/kb/articles/${article}/learned-terms/${term}`);
      expect(removed.json()).toMatchObject({ term, status: "removed" });
    }
    expect(await found(requester, "my phone was stolen", article)).toBe(false);
    await helpfulSearch(await h.as("coordinator@demo.test"), "stolen phone authenticator", article);
    expect(await found(requester, "my phone was stolen", article)).toBe(false);
    expect((await admin.delete(`/api/v1/kb/articles/${article}/learned-terms/nothing`)).statusCode).toBe(404);
  });

  it("a learned word with a NUL character in the address is refused as invalid and nothing changes", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const before = (await admin.get(`/api/v1/kb/learned-terms?articleId=${article}`)).json();
    for (const term of ["%00", "ab%00cd"]) {
      for (const send of [
        () => admin.post(`/api/v1/kb/articles/${article}/learned-terms/${term}/accept`),
        () => admin.post(`/api/v1/kb/articles/${article}/learned-terms/${term}/reject`),
        () => admin.delete(`/api/v1/kb/articles/${article}/learned-terms/${term}`),
      ]) {
        const res = await send();
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().code).toBe("request.invalid");
      }
    }
    expect((await admin.get(`/api/v1/kb/learned-terms?articleId=${article}`)).json()).toEqual(before);
  });

  it("an article keeps at most its best-evidenced learned words", async () => {
    const words =
      "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu anchor beacon canyon dune";
    const list = words.split(" ");
    for (const [i, w] of list.entries())
      for (const witness of [`user:${1000 + i}`, `user:${2000 + i}`])
        await h.ctx.kb.learning.record({
          articleId: other,
          text: w,
          language: "en",
          witness,
          source: "search",
          staff: false,
          siteId: null,
        });
    const active = await h.ctx.kb.learning.list(systemActor, {
      articleId: other,
      status: "active",
      limit: 500,
      offset: 0,
    });
    expect(list.length).toBeGreaterThan(MAX_TERMS);
    expect(active.length).toBe(MAX_TERMS);
  });

  it("learns only words that say something", () => {
    expect(learnableWords("Hello, please help: my 2 phones were stolen yesterday!", "en")).toEqual([
      "phones",
      "stolen",
    ]);
  });
});
