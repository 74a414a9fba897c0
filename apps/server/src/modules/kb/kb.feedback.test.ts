import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../test/harness.js";

let h: Harness;
let published: number;
let draft: number;
beforeAll(async () => {
  h = await createHarness();
  const collectionId = (
    await (
      await h.as("hubadmin@demo.test")
    ).post("/api/v1/kb/collections", { slug: "guides", name: "Guides" })
  ).json().id;
  const agent = await h.as("agent@demo.test");
  published = (
    await agent.post("/api/v1/kb/articles", {
      collectionId,
      title: "Print a certificate",
      body: "Choose **Print certificate**.",
      status: "published",
    })
  ).json().id;
  draft = (
    await agent.post("/api/v1/kb/articles", {
      collectionId,
      title: "Unfinished",
      body: "Soon.",
      status: "draft",
    })
  ).json().id;
});
afterAll(async () => h?.close());

describe("was this article helpful?", () => {
  it("a reader says an article helped, with a comment, and editors list it newest first", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    const yes = await requester.post(`/api/v1/kb/articles/${published}/feedback`, { helpful: true });
    expect(yes.statusCode).toBe(201);
    const no = await requester.post(`/api/v1/kb/articles/${published}/feedback`, {
      helpful: false,
      comment: "The button is called Print now",
    });
    expect(no.json()).toMatchObject({
      kind: "article",
      articleId: published,
      conversationId: null,
      helpful: false,
      comment: "The button is called Print now",
    });

    const coordinator = await h.as("coordinator@demo.test");
    const all = (await coordinator.get(`/api/v1/kb/feedback?articleId=${published}`)).json().items;
    expect(all.map((f: { id: number }) => f.id)).toEqual([no.json().id, yes.json().id]);
    const unhelpful = (
      await coordinator.get(`/api/v1/kb/feedback?articleId=${published}&helpful=false`)
    ).json().items;
    expect(unhelpful.map((f: { comment: string | null }) => f.comment)).toEqual([
      "The button is called Print now",
    ]);
  });

  it("only editors read the feedback", async () => {
    for (const email of ["requester-zmb@demo.test", "siteadmin-zmb@demo.test", "manager@demo.test"]) {
      const res = await (await h.as(email)).get("/api/v1/kb/feedback");
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe("kb.feedback_forbidden");
    }
  });

  it("a reader cannot give feedback on an article they cannot read", async () => {
    const requester = await h.as("requester-zmb@demo.test");
    expect(
      (await requester.post(`/api/v1/kb/articles/${draft}/feedback`, { helpful: true })).statusCode,
    ).toBe(404);
    expect((await requester.post("/api/v1/kb/articles/999999/feedback", { helpful: true })).statusCode).toBe(
      404,
    );
    expect(
      (await requester.post(`/api/v1/kb/articles/${published}/feedback`, { comment: "x" })).statusCode,
    ).toBe(400);
  });
});
