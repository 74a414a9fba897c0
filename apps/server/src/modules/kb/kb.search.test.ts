import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../test/harness.js";
import { systemActor } from "../../shared/actor.js";
import { importDocs } from "./kb.import.js";

const CORPORA =
  process.env.TIERDESK_CORPORA ??
  fileURLToPath(new URL("../../../../../../shared/corpora/", import.meta.url));

let h: Harness;
let collectionId: number;
const ids: Record<string, number> = {};
type Hit = {
  articleId: number;
  familyId: number;
  title: string;
  section: { anchor: string; heading: string };
  link: string;
  snippet: string;
  shown: { kind: string; site: string | null; language: string };
};

beforeAll(async () => {
  h = await createHarness();
  await importDocs(h.ctx.kb, systemActor, path.join(CORPORA, "gitbook-sample"), {
    collection: "Registry guide",
  });
  const admin = await h.as("hubadmin@demo.test");
  collectionId = (await admin.post("/api/v1/kb/collections", { slug: "faq", name: "FAQ" })).json().id;
  const write = async (key: string, body: Record<string, unknown>) => {
    const res = await admin.post("/api/v1/kb/articles", { collectionId, status: "published", ...body });
    if (res.statusCode !== 201) throw new Error(res.body);
    ids[key] = res.json().id;
  };
  await write("naissances", {
    title: "Enregistrer une naissance",
    language: "fr",
    audiences: ["end_user"],
    body: "# Enregistrer une naissance\n\nLa déclaration est vérifiée par l'agent d'enregistrement, puis le registraire l'approuve.",
  });
  await write("nascimento", {
    title: "Registar um nascimento",
    language: "pt",
    body: "Os nascimentos são registados pelo registador depois da declaração.",
  });
  await write("offline", {
    title: "Working offline",
    product: "OpenCRVS",
    versions: ["1.9"],
    audiences: ["site_admin", "technical"],
    body: "# Working offline\n\nThe app keeps working without a network.\n\n## Synchronising the outbox\n\nRecords waiting in the outbox are sent when the tablet reconnects; keep the application open until the outbox is empty.\n\n## Clearing the cache\n\nClearing browser data deletes records that were not sent yet.",
  });
  await write("deactivate", {
    title: "Deactivate a user",
    body: "A system administrator deactivates an account from the team page.",
  });
  await write("deactivate-zmb", {
    parentId: ids.deactivate,
    site: "ZMB",
    title: "Deactivate a user in Zambia",
    body: "In Zambia the provincial registrar deactivates accounts after a written request.",
  });
  await write("draft", {
    title: "Secret draft about passwords",
    body: "Password draft text.",
    status: "draft",
  });
});
afterAll(async () => h?.close());

const search = async (email: string, query: string) => {
  const res = await (await h.as(email)).get(`/api/v1/kb/search?${query}`);
  expect(res.statusCode).toBe(200);
  return res.json() as { searchId: number; total: number; hits: Hit[] };
};
const titles = (r: { hits: Hit[] }) => r.hits.map((x) => x.title);

describe("searching the knowledge base", () => {
  it("'pasword reset' finds the page about resetting a password first", async () => {
    const r = await search("requester-zmb@demo.test", "q=pasword%20reset");
    expect(titles(r)[0]).toBe("Reset a user password");
    expect(r.hits[0]?.snippet).toContain("<mark>password</mark>");
  });

  it("tolerates a typo in a longer word and finds words by their stem", async () => {
    expect(titles(await search("agent@demo.test", "q=certficate"))[0]).toBe("Print a certificate");
    expect(titles(await search("agent@demo.test", "q=registering%20births"))[0]).toBe("Register a birth");
  });

  it("finds a French word by its stem and without its accents", async () => {
    const stem = await search("agent@demo.test", "q=enregistrements&lang=fr");
    expect(stem.hits[0]?.articleId).toBe(ids.naissances);
    const accents = await search("agent@demo.test", "q=declaration%20verifiee&lang=fr");
    expect(accents.hits[0]?.articleId).toBe(ids.naissances);
    expect(accents.hits[0]?.snippet).toContain("<mark>déclaration</mark>");
  });

  it("stems Portuguese too", async () => {
    const r = await search("agent@demo.test", "q=nascimento&lang=pt");
    expect(r.hits[0]?.articleId).toBe(ids.nascimento);
  });

  it("matches the word being typed as a prefix", async () => {
    expect(titles(await search("agent@demo.test", "q=outb"))[0]).toBe("Working offline");
    expect(titles(await search("agent@demo.test", "q=restore%20scri"))[0]).toBe("Back up and restore");
  });

  it("returns the section that answers, with a deep link to its heading and the words marked", async () => {
    const r = await search("agent@demo.test", "q=outbox%20empty");
    const hit = r.hits[0] as Hit;
    expect(hit.section).toEqual({ anchor: "synchronising-the-outbox", heading: "Synchronising the outbox" });
    expect(hit.link).toBe(`/kb/articles/${ids.offline}#synchronising-the-outbox`);
    expect(hit.snippet).toMatch(/<mark>outbox<\/mark>.*<mark>empty<\/mark>/);
    expect(hit.snippet).not.toMatch(/<(?!\/?mark>)/);
  });

  it("filters by collection, audience, product, version and language", async () => {
    const q = "q=records";
    expect(titles(await search("agent@demo.test", `${q}&collection=faq`))).not.toContain("Correct a record");
    expect(titles(await search("agent@demo.test", `${q}&collection=registry-guide`))).toContain(
      "Correct a record",
    );
    expect(titles(await search("agent@demo.test", `${q}&audience=technical`))).toEqual([
      "Working offline",
      "Working offline",
    ]);
    expect(titles(await search("agent@demo.test", `${q}&version=2.0&collection=faq`))).not.toContain(
      "Working offline",
    );
    expect(titles(await search("agent@demo.test", `${q}&version=1.9&product=OpenCRVS`))).toContain(
      "Working offline",
    );
    expect(titles(await search("agent@demo.test", `${q}&product=DHIS2`))).not.toContain("Working offline");
    const fr = await search("agent@demo.test", "q=registraire&language=fr&lang=fr");
    expect(fr.hits.map((x) => x.articleId)).toEqual([ids.naissances]);
  });

  it("shows a ZMB reader the ZMB variant and a BGD reader the generic article", async () => {
    const zmb = await search("requester-zmb@demo.test", "q=deactivate%20account");
    expect(zmb.hits[0]).toMatchObject({
      title: "Deactivate a user in Zambia",
      familyId: ids.deactivate,
      shown: { kind: "site_variant", site: "ZMB" },
    });
    expect(titles(zmb)).not.toContain("Deactivate a user");
    const bgd = await search("siteadmin-bgd@demo.test", "q=deactivate%20account");
    expect(bgd.hits[0]).toMatchObject({ title: "Deactivate a user", shown: { kind: "generic", site: null } });
    expect(titles(bgd)).not.toContain("Deactivate a user in Zambia");
  });

  it("never returns drafts", async () => {
    expect(titles(await search("agent@demo.test", "q=secret%20draft"))).not.toContain(
      "Secret draft about passwords",
    );
  });

  it("finds a page edited a moment ago", async () => {
    const agent = await h.as("agent@demo.test");
    await agent.patch(`/api/v1/kb/articles/${ids.deactivate}`, {
      body: "Deactivate from the team page; reactivation restores access.",
    });
    expect(titles(await search("siteadmin-bgd@demo.test", "q=reactivation"))).toEqual(["Deactivate a user"]);
  });
  it("an archived article leaves the results at once", async () => {
    const agent = await h.as("agent@demo.test");
    expect(titles(await search("agent@demo.test", "q=clearing%20browser%20data"))).toContain(
      "Working offline",
    );
    await agent.patch(`/api/v1/kb/articles/${ids.offline}`, { status: "archived" });
    expect(titles(await search("agent@demo.test", "q=clearing%20browser%20data"))).not.toContain(
      "Working offline",
    );
    await agent.patch(`/api/v1/kb/articles/${ids.offline}`, { status: "published" });
  });
});

describe("recording searches", () => {
  it("records every search with its result count, and the result the searcher opened", async () => {
    const r = await search("requester-zmb@demo.test", "q=print%20certificate");
    const empty = await search("requester-zmb@demo.test", "q=xylophone");
    expect(empty.total).toBe(0);
    // records are written in batches (PostgreSQL): readers of the table wait for them
    await h.ctx.kb.flushSearches();
    const rows = await h.ctx.database.db
      .selectFrom("kb_searches")
      .selectAll()
      .where("id", "in", [r.searchId, empty.searchId])
      .orderBy("id")
      .execute();
    expect(rows.map((x) => [x.query, x.result_count, x.clicked_article_id])).toEqual([
      ["print certificate", r.total, null],
      ["xylophone", 0, null],
    ]);
    const client = await h.as("requester-zmb@demo.test");
    const hit = r.hits[0] as Hit;
    const click = await client.post(`/api/v1/kb/search/${r.searchId}/click`, {
      articleId: hit.articleId,
      anchor: hit.section.anchor,
    });
    expect(click.statusCode).toBe(204);
    const row = await h.ctx.database.db
      .selectFrom("kb_searches")
      .selectAll()
      .where("id", "=", r.searchId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ clicked_article_id: hit.articleId, clicked_anchor: hit.section.anchor });
  });

  it("nobody records a click on someone else's search", async () => {
    const r = await search("requester-zmb@demo.test", "q=backup");
    const other = await (await h.as("agent@demo.test")).post(`/api/v1/kb/search/${r.searchId}/click`, {
      articleId: 1,
    });
    expect(other.statusCode).toBe(404);
  });
});

describe("suggestions while a request is written", () => {
  it("offers the articles that answer a draft request, recorded like a search", async () => {
    const res = await (await h.as("requester-zmb@demo.test")).post("/api/v1/kb/suggest", {
      subject: "Printer gives blank page",
      description: "When I print the certificate the page comes out blank.",
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().hits[0].title).toBe("Print a certificate");
    await h.ctx.kb.flushSearches();
    const row = await h.ctx.database.db
      .selectFrom("kb_searches")
      .selectAll()
      .where("id", "=", res.json().searchId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.filters).source).toBe("suggest");
  });
});

describe("images of imported pages", () => {
  it("are served by their content's name, to portal visitors without an account too", async () => {
    const png = Buffer.from(
      "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
      "hex",
    );
    const url = (await h.ctx.kb.storeAsset(png)) as string;
    expect(await h.ctx.kb.storeAsset(Buffer.from("<svg onload='alert(1)'/>"))).toBeUndefined();
    const res = await (await h.as("requester-zmb@demo.test")).get(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("image/png");
    expect(res.rawPayload).toEqual(png);
    // Named by a SHA-256 of their bytes, so nobody can list them; public guides show them to visitors.
    expect((await h.anonymous().get(url)).statusCode).toBe(200);
    const traversal = await (await h.as("requester-zmb@demo.test")).get(
      "/api/v1/kb/assets/..%2F..%2Fsecret.png",
    );
    expect(traversal.statusCode).toBe(404);
  });
});
