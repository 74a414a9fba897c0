import { type Dirent, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Client, createHarness, type Harness } from "../../../../test/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const anonymousRequest = (extra: Record<string, unknown> = {}) => ({
  site: "ZMB",
  subject: "Certificates print without the district seal",
  description: "Since Monday the printed birth certificates lack the seal.",
  category: "bug",
  name: "Mutale Zulu",
  email: "mutale.zulu@example.org",
  ...extra,
});

const ticketCount = async () =>
  Number(
    (
      await h.ctx.database.db
        .selectFrom("tickets")
        .select(h.ctx.database.db.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** Every file under the data folder's attachments and tmp folders. */
function storedFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(path.join(h.config.dataDir, "attachments"));
  walk(path.join(h.config.dataDir, "tmp"));
  return out;
}

it("replaying an anonymous request answers its key and status but never its private link", async () => {
  const headers = { "idempotency-key": "replay-link-1" };
  const first = await h.anonymous().post("/api/v1/portal/requests", anonymousRequest(), headers);
  expect(first.statusCode).toBe(201);
  expect(first.json().token).toEqual(expect.any(String));

  const again = await h.anonymous().post("/api/v1/portal/requests", anonymousRequest(), headers);
  expect(again.statusCode).toBe(200);
  expect(again.json()).toMatchObject({ key: first.json().key, site: "ZMB", status: "new" });
  expect(again.json()).not.toHaveProperty("token");
  expect(again.json()).not.toHaveProperty("link");
  expect(again.body).not.toContain(first.json().token);
});

it("a signed-in requester's replay does not hand out a private link either", async () => {
  const requester = await h.as("requester-zmb@demo.test");
  const body = { subject: "Backup report missing", description: "The weekly report did not arrive." };
  const headers = { "idempotency-key": "replay-link-2" };
  const first = await requester.post("/api/v1/portal/requests", body, headers);
  const again = await requester.post("/api/v1/portal/requests", body, headers);
  expect([first.statusCode, again.statusCode]).toEqual([201, 200]);
  expect(again.json().key).toBe(first.json().key);
  expect(again.json()).not.toHaveProperty("token");
});

it("the same Idempotency-Key with a different request is refused and changes nothing", async () => {
  const headers = { "idempotency-key": "replay-body-1" };
  const first = await h.anonymous().post("/api/v1/portal/requests", anonymousRequest(), headers);
  expect(first.statusCode).toBe(201);
  const before = await ticketCount();

  const other = await h
    .anonymous()
    .post(
      "/api/v1/portal/requests",
      anonymousRequest({ subject: "Something else entirely", description: "Another text." }),
      headers,
    );
  expect(other.statusCode).toBe(422);
  expect(other.headers["content-type"]).toContain("application/problem+json");
  expect(other.json().code).toBe("idempotency.key_reused");
  expect(other.body).not.toContain(first.json().key);
  expect(other.json()).not.toHaveProperty("token");
  expect(await ticketCount()).toBe(before);
  const ticket = (await (await h.as("agent@demo.test")).get(`/api/v1/tickets/${first.json().key}`)).json();
  expect(ticket).toMatchObject({ subject: anonymousRequest().subject, category: "bug" });

  // A different category is a different request too.
  const recategorised = await h
    .anonymous()
    .post("/api/v1/portal/requests", anonymousRequest({ category: "other" }), headers);
  expect(recategorised.statusCode).toBe(422);
  expect(recategorised.json().code).toBe("idempotency.key_reused");
  const after = (await (await h.as("agent@demo.test")).get(`/api/v1/tickets/${first.json().key}`)).json();
  expect(after.category).toBe("bug");

  const requester = await h.as("requester-zmb@demo.test");
  const mine = { subject: "Printer queue stuck", description: "Nothing prints since the update." };
  const own = { "idempotency-key": "replay-body-2" };
  expect((await requester.post("/api/v1/portal/requests", mine, own)).statusCode).toBe(201);
  const count = await ticketCount();
  const changed = await requester.post(
    "/api/v1/portal/requests",
    { ...mine, description: "Changed my mind." },
    own,
  );
  expect(changed.statusCode).toBe(422);
  expect(changed.json().code).toBe("idempotency.key_reused");
  expect(await ticketCount()).toBe(count);
});

it("an API token without tickets:write can neither open a request nor upload a file through the portal", async () => {
  const requester = await h.as("requester-zmb@demo.test");
  const created = await requester.post("/api/v1/auth/tokens", { name: "Reader", scopes: ["tickets:read"] });
  expect(created.statusCode).toBe(201);
  const api = new Client(h.app);
  api.bearer = created.json().token;
  const before = await ticketCount();
  const files = storedFiles();

  const res = await api.post("/api/v1/portal/requests", {
    subject: "Opened with a read-only token",
    description: "This should not become a ticket.",
  });
  expect(res.statusCode).toBe(403);
  expect(res.headers["content-type"]).toContain("application/problem+json");
  expect(res.json().code).toBe("auth.scope_missing");
  expect(res.json().title).toContain("tickets:write");
  expect(await ticketCount()).toBe(before);

  const upload = await api.upload("/api/v1/portal/uploads", [
    { name: "note.txt", content: Buffer.from("read-only token upload\n"), type: "text/plain" },
  ]);
  expect(upload.statusCode).toBe(403);
  expect(upload.json().code).toBe("auth.scope_missing");
  expect(upload.json().title).toContain("tickets:write");
  expect(storedFiles()).toEqual(files);

  // A token with the scope still may.
  const writer = (
    await requester.post("/api/v1/auth/tokens", { name: "Writer", scopes: ["tickets:read", "tickets:write"] })
  ).json().token;
  api.bearer = writer;
  const ok = await api.post("/api/v1/portal/requests", {
    subject: "Opened with a writing token",
    description: "This one is fine.",
  });
  expect(ok.statusCode).toBe(201);
});
