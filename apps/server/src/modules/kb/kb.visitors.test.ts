import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../test/harness.js";

let h: Harness;
const ids: Record<string, number> = {};

beforeAll(async () => {
  h = await createHarness();
  const admin = await h.as("hubadmin@demo.test");
  const collectionId = (await admin.post("/api/v1/kb/collections", { slug: "public", name: "Public" })).json()
    .id;
  const write = async (key: string, body: Record<string, unknown>) => {
    const res = await admin.post("/api/v1/kb/articles", { collectionId, status: "published", ...body });
    if (res.statusCode !== 201) throw new Error(res.body);
    ids[key] = res.json().id;
  };
  await write("tablet", {
    title: "Charge the registration tablet",
    audiences: ["end_user"],
    body: "# Charging\n\nPlug the tablet into the solar charger overnight before the outreach visit.",
  });
  await write("database", {
    title: "Rotate the tablet database keys",
    audiences: ["technical"],
    body: "# Keys\n\nRotate the tablet database encryption keys with the vendor's console.",
  });
  await write("draft", {
    title: "Tablet screen replacement",
    audiences: ["end_user"],
    status: "draft",
    body: "# Screen\n\nA cracked tablet screen is replaced by the district office.",
  });
  await write("zmbTablet", {
    parentId: ids.tablet,
    site: "ZMB",
    title: "Charge the registration tablet (Zambia)",
    body: "# Charging\n\nIn Zambia the tablet charges at the district office's solar kiosk.",
  });
});
afterAll(() => h?.close());

describe("the public portal reads the knowledge base without an account", () => {
  it("a visitor searches and finds published end-user guides, not technical ones or drafts", async () => {
    const res = await h.anonymous().get("/api/v1/kb/search?q=tablet");
    expect(res.statusCode).toBe(200);
    const found = res.json().hits.map((i: { familyId: number }) => i.familyId);
    expect(found).toContain(ids.tablet);
    expect(found).not.toContain(ids.database);
    expect(found).not.toContain(ids.draft);
  });

  it("a visitor who came for ZMB reads the ZMB variant; without a site, the generic guide", async () => {
    const zmb = await h.anonymous().get(`/api/v1/kb/articles/${ids.tablet}?site=ZMB`);
    expect(zmb.statusCode).toBe(200);
    expect(zmb.json().id).toBe(ids.zmbTablet);
    expect(zmb.json().shown.kind).toBe("site_variant");
    const generic = await h.anonymous().get(`/api/v1/kb/articles/${ids.tablet}`);
    expect(generic.json().id).toBe(ids.tablet);
  });

  it("a technical guide or a draft answers 404 to a visitor, while staff still read the technical one", async () => {
    expect((await h.anonymous().get(`/api/v1/kb/articles/${ids.database}`)).statusCode).toBe(404);
    expect((await h.anonymous().get(`/api/v1/kb/articles/${ids.draft}`)).statusCode).toBe(404);
    const agent = await h.as("agent@demo.test");
    expect((await agent.get(`/api/v1/kb/articles/${ids.database}`)).statusCode).toBe(200);
  });

  it("a visitor lists the collections and the end-user guides in them", async () => {
    const visitor = h.anonymous();
    expect((await visitor.get("/api/v1/kb/collections")).json().items.length).toBeGreaterThan(0);
    const listed = (await visitor.get("/api/v1/kb/articles?status=published&limit=500")).json().items;
    const listedIds = listed.map((a: { id: number }) => a.id);
    expect(listedIds).toContain(ids.tablet);
    expect(listedIds).not.toContain(ids.database);
    expect(listedIds).not.toContain(ids.draft);
  });

  it("a visitor cannot write to the knowledge base", async () => {
    const res = await h.anonymous().post("/api/v1/kb/articles", { title: "x", body: "y", collectionId: 1 });
    expect(res.statusCode).toBe(401);
  });

  it("one address reading too fast is told to wait, with Retry-After", async () => {
    const visitor = h.anonymous();
    const headers = { "x-forwarded-for": "203.0.113.9" };
    let last = await visitor.get("/api/v1/kb/collections", headers);
    for (let i = 0; i < 300 && last.statusCode === 200; i++)
      last = await visitor.get("/api/v1/kb/collections", headers);
    expect(last.statusCode).toBe(429);
    expect(last.json().code).toBe("kb.too_many_requests");
    expect(Number(last.headers["retry-after"])).toBeGreaterThan(0);
  });
});
