import { afterAll, beforeAll, expect, it } from "vitest";
import { createHarness, type Harness, openTicket } from "../../../test/harness.js";
import { scopeLearnedData } from "./0017_kb_site_scoped_learning_and_feedback.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

it("an upgraded hub stops searching the words its tickets taught and files old feedback under its site", async () => {
  const db = h.ctx.database.db;
  const agent = await h.as("agent@demo.test");
  const admin = await h.as("hubadmin@demo.test");
  const collectionId = (await admin.post("/api/v1/kb/collections", { slug: "up", name: "Up" })).json().id;
  const article = (
    await agent.post("/api/v1/kb/articles", {
      collectionId,
      title: "Sync the tablet",
      body: "Press sync.",
      status: "published",
    })
  ).json().id as number;
  const key = await openTicket(agent, {
    site: "ZMB",
    subject: "Quorvantel tablet sync",
    description: "x",
    requester: { email: "a@b.example" },
  });
  await agent.post(`/api/v1/tickets/${key}/messages`, { kind: "reply", body: `See /kb/articles/${article}` });
  const requester = await h.as("requester-zmb@demo.test");
  await requester.post(`/api/v1/kb/articles/${article}/feedback`, { helpful: false, comment: "no" });
  await agent.post(`/api/v1/kb/articles/${article}/feedback`, { helpful: true });

  // as the hub was before: a ticket's words searched at once, feedback on articles without a site
  await db.updateTable("kb_learned_evidence").set({ review: null }).execute();
  await db.updateTable("kb_learned_terms").set({ status: "active", evidence: 1 }).execute();
  await db.updateTable("kb_feedback").set({ site_id: null }).execute();

  await scopeLearnedData(db);

  const term = await db
    .selectFrom("kb_learned_terms")
    .select(["status", "evidence"])
    .where("article_id", "=", article)
    .where("term", "=", "quorvantel")
    .executeTakeFirstOrThrow();
  expect(term).toEqual({ status: "pending", evidence: 0 });
  const evidence = await db
    .selectFrom("kb_learned_evidence")
    .select("review")
    .where("article_id", "=", article)
    .execute();
  expect(evidence.length).toBeGreaterThan(0);
  expect(evidence.every((e) => e.review === "pending")).toBe(true);

  const [zmb] = (await h.ctx.sites.resolveCodes(["ZMB"])).found;
  const feedback = await db
    .selectFrom("kb_feedback")
    .select(["user_id", "site_id"])
    .where("article_id", "=", article)
    .orderBy("id")
    .execute();
  // the requester belongs to ZMB only; the agent to three sites, so theirs stays with no one site
  expect(feedback.map((f) => f.site_id)).toEqual([zmb?.id, null]);
});
