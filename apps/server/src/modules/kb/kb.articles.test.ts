import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../test/harness.js";

let h: Harness;
let collectionId: number;
beforeAll(async () => {
  h = await createHarness();
  const res = await (await h.as("hubadmin@demo.test")).post("/api/v1/kb/collections", {
    slug: "registration",
    name: "Registration",
  });
  collectionId = res.json().id;
});
afterAll(async () => h?.close());

const write = async (email: string, body: Record<string, unknown>) =>
  (await h.as(email)).post("/api/v1/kb/articles", { collectionId, ...body });

describe("collections", () => {
  it("only hub admins add or change collections; everyone signed in lists them", async () => {
    for (const email of ["agent@demo.test", "coordinator@demo.test", "requester-zmb@demo.test"]) {
      const res = await (await h.as(email)).post("/api/v1/kb/collections", { slug: "x", name: "X" });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe("kb.collections_forbidden");
    }
    const admin = await h.as("hubadmin@demo.test");
    expect(
      (await admin.post("/api/v1/kb/collections", { slug: "registration", name: "Again" })).statusCode,
    ).toBe(409);
    const renamed = await admin.patch(`/api/v1/kb/collections/${collectionId}`, {
      name: "Civil registration",
    });
    expect(renamed.json()).toMatchObject({ name: "Civil registration", actions: ["update"] });
    const listed = await (await h.as("requester-zmb@demo.test")).get("/api/v1/kb/collections");
    expect(listed.json().items).toEqual([expect.objectContaining({ slug: "registration", actions: [] })]);
  });
});

describe("writing articles", () => {
  it("agents and coordinators write articles; site admins, managers, requesters and engineers cannot", async () => {
    for (const email of ["agent@demo.test", "coordinator@demo.test", "hubadmin@demo.test"]) {
      const res = await write(email, { title: `By ${email}`, body: "Text." });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ status: "draft", revision: 1, language: "en" });
    }
    for (const email of [
      "siteadmin-zmb@demo.test",
      "manager@demo.test",
      "requester-zmb@demo.test",
      "engineer@demo.test",
    ]) {
      const res = await write(email, { title: "Nope", body: "Text." });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe("kb.edit_forbidden");
    }
  });

  it("drafts are hidden from readers until published", async () => {
    const draft = (await write("agent@demo.test", { title: "Close a month", body: "Steps." })).json();
    const reader = await h.as("requester-zmb@demo.test");
    expect((await reader.get(`/api/v1/kb/articles/${draft.id}`)).statusCode).toBe(404);
    const list = await reader.get("/api/v1/kb/articles");
    expect(list.json().items.map((a: { id: number }) => a.id)).not.toContain(draft.id);
    await (await h.as("agent@demo.test")).patch(`/api/v1/kb/articles/${draft.id}`, { status: "published" });
    const read = await reader.get(`/api/v1/kb/articles/${draft.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ status: "published", actions: ["read"] });
    expect(read.json().publishedAt).not.toBeNull();
  });

  it("the stored HTML never carries script from the Markdown", async () => {
    const res = await write("agent@demo.test", {
      title: "Tricky",
      body: '# Tricky\n\n<script>document.cookie</script><img src="https://x.example/a.png" onerror="alert(1)">\n\n[x](javascript:alert(1))',
    });
    expect(res.json().html).not.toMatch(/<script|onerror|href="javascript:/i);
    expect(res.json().html).toContain('<img src="https://x.example/a.png" />');
  });

  it("every edit keeps a revision with who and when, and two revisions can be compared", async () => {
    const agent = await h.as("agent@demo.test");
    const created = (
      await write("agent@demo.test", { title: "Print a certificate", body: "Choose **Print**.\n\nSign it." })
    ).json();
    await agent.patch(`/api/v1/kb/articles/${created.id}`, {
      body: "Choose **Print certificate**.\n\nSign it.",
      note: "button renamed",
    });
    const coordinator = await h.as("coordinator@demo.test");
    const edited = await coordinator.patch(`/api/v1/kb/articles/${created.id}`, {
      title: "Print a birth certificate",
    });
    expect(edited.json().revision).toBe(3);

    const revisions = (await agent.get(`/api/v1/kb/articles/${created.id}/revisions`)).json().items;
    expect(revisions.map((r: { number: number; authorName: string }) => [r.number, r.authorName])).toEqual([
      [3, "Chloé Coordinator"],
      [2, "Tomás Agent"],
      [1, "Tomás Agent"],
    ]);
    expect(revisions[1].note).toBe("button renamed");
    const first = await agent.get(`/api/v1/kb/articles/${created.id}/revisions/1`);
    expect(first.json().body).toBe("Choose **Print**.\n\nSign it.");

    const diff = (await agent.get(`/api/v1/kb/articles/${created.id}/diff?from=1&to=3`)).json();
    expect(diff.patch).toContain("-Choose **Print**.");
    expect(diff.patch).toContain("+Choose **Print certificate**.");
    expect(diff.patch).toContain("+# Print a birth certificate");
    expect(diff.changes).toContainEqual({ kind: "same", text: "\nSign it.\n" });
  });

  it("an edit made on an old revision is refused instead of overwriting a newer one", async () => {
    const agent = await h.as("agent@demo.test");
    const a = (await write("agent@demo.test", { title: "Backups", body: "Nightly." })).json();
    await agent.patch(`/api/v1/kb/articles/${a.id}`, { body: "Nightly at 01:00.", baseRevision: 1 });
    const stale = await agent.patch(`/api/v1/kb/articles/${a.id}`, { body: "Weekly.", baseRevision: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe("kb.revision_conflict");
    expect((await agent.get(`/api/v1/kb/articles/${a.id}?exact=true`)).json().body).toBe("Nightly at 01:00.");
  });

  it("an edit that changes nothing adds no revision", async () => {
    const agent = await h.as("agent@demo.test");
    const a = (await write("agent@demo.test", { title: "Same", body: "Same." })).json();
    const res = await agent.patch(`/api/v1/kb/articles/${a.id}`, { title: "Same" });
    expect(res.json().revision).toBe(1);
  });
});

describe("country variants and translations", () => {
  let generic: { id: number };
  beforeAll(async () => {
    generic = (
      await write("agent@demo.test", {
        title: "Reset a user password",
        body: "# Reset a user password\n\nUse **Team**.",
        status: "published",
      })
    ).json();
    const variant = (body: Record<string, unknown>) =>
      write("coordinator@demo.test", { parentId: generic.id, status: "published", ...body });
    expect(
      (
        await variant({
          title: "Réinitialiser un mot de passe",
          body: "Utilisez **Équipe**.",
          language: "fr",
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (await variant({ title: "Reset a password (Zambia)", body: "Call the ZMB help line.", site: "ZMB" }))
        .statusCode,
    ).toBe(201);
  });

  it("a ZMB reader gets the ZMB variant and a BGD reader the generic article, each told which one it is", async () => {
    const zmb = (
      await (await h.as("requester-zmb@demo.test")).get(`/api/v1/kb/articles/${generic.id}`)
    ).json();
    expect(zmb).toMatchObject({ title: "Reset a password (Zambia)", site: "ZMB", familyId: generic.id });
    expect(zmb.shown).toMatchObject({ kind: "site_variant", site: "ZMB", language: "en" });
    const bgd = (
      await (await h.as("siteadmin-bgd@demo.test")).get(`/api/v1/kb/articles/${generic.id}`)
    ).json();
    expect(bgd).toMatchObject({ id: generic.id, title: "Reset a user password" });
    expect(bgd.shown).toMatchObject({
      kind: "generic",
      site: null,
      explanation: "Showing the general version in your language.",
    });
  });

  it("a French reader at ZMB gets the French translation when ZMB has no French variant, then the ZMB French one once written", async () => {
    const reader = await h.as("requester-zmb@demo.test");
    const before = (await reader.get(`/api/v1/kb/articles/${generic.id}?lang=fr`)).json();
    expect(before).toMatchObject({
      title: "Réinitialiser un mot de passe",
      shown: { kind: "translation", language: "fr" },
    });
    await write("agent@demo.test", {
      parentId: generic.id,
      site: "ZMB",
      language: "fr",
      title: "Réinitialiser (Zambie)",
      body: "Appelez la ligne ZMB.",
      status: "published",
    });
    const after = (await reader.get(`/api/v1/kb/articles/${generic.id}?lang=fr`)).json();
    expect(after).toMatchObject({
      title: "Réinitialiser (Zambie)",
      shown: { kind: "site_variant", site: "ZMB", language: "fr" },
    });
  });

  it("a reader cannot pick another site's variant, while editors may preview any site", async () => {
    const bgd = await h.as("siteadmin-bgd@demo.test");
    const res = await bgd.get(`/api/v1/kb/articles/${generic.id}?site=ZMB`);
    expect(res.statusCode).toBe(403);
    const hub = (
      await (await h.as("hubadmin@demo.test")).get(`/api/v1/kb/articles/${generic.id}?site=ZMB`)
    ).json();
    expect(hub.site).toBe("ZMB");
  });

  it("a second text for the same site and language is refused", async () => {
    const res = await write("agent@demo.test", {
      parentId: generic.id,
      site: "ZMB",
      title: "Again",
      body: "x",
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe("kb.variant_exists");
  });

  it("changing the generic article flags its translations and variants as possibly out of date until they are edited", async () => {
    const agent = await h.as("agent@demo.test");
    const family = async () =>
      (await agent.get(`/api/v1/kb/articles/${generic.id}/family`)).json().items as Array<{
        id: number;
        title: string;
        outOfDate: boolean;
      }>;
    expect((await family()).every((a) => !a.outOfDate)).toBe(true);
    await agent.patch(`/api/v1/kb/articles/${generic.id}`, {
      body: "# Reset a user password\n\nUse **Team** → **Reset password**.",
    });
    const flagged = await family();
    expect(
      flagged
        .filter((a) => a.outOfDate)
        .map((a) => a.title)
        .sort(),
    ).toEqual(["Reset a password (Zambia)", "Réinitialiser (Zambie)", "Réinitialiser un mot de passe"]);
    const french = flagged.find((a) => a.title === "Réinitialiser un mot de passe") as { id: number };
    await agent.patch(`/api/v1/kb/articles/${french.id}`, {
      body: "Utilisez **Équipe** → **Réinitialiser**.",
    });
    const after = await family();
    expect(after.find((a) => a.id === french.id)?.outOfDate).toBe(false);
    expect(after.find((a) => a.title === "Reset a password (Zambia)")?.outOfDate).toBe(true);
  });

  it("a status change of the generic article does not flag its translations", async () => {
    const g = (
      await write("agent@demo.test", { title: "Status only", body: "Text.", status: "published" })
    ).json();
    const t = (
      await write("agent@demo.test", { parentId: g.id, language: "es", title: "Solo estado", body: "Texto." })
    ).json();
    const agent = await h.as("agent@demo.test");
    await agent.patch(`/api/v1/kb/articles/${g.id}`, { status: "archived" });
    expect((await agent.get(`/api/v1/kb/articles/${t.id}?exact=true`)).json().outOfDate).toBe(false);
  });

  it("a variant must adapt a generic article", async () => {
    const noParent = await write("agent@demo.test", { site: "ZMB", title: "Orphan", body: "x" });
    expect(noParent.json().code).toBe("kb.variant_needs_parent");
    const child = (
      await (await h.as("agent@demo.test")).get(`/api/v1/kb/articles/${generic.id}/family`)
    ).json().items[1];
    const nested = await write("agent@demo.test", {
      parentId: child.id,
      language: "pt",
      title: "Neto",
      body: "x",
    });
    expect(nested.json().code).toBe("kb.parent_not_generic");
  });
});
