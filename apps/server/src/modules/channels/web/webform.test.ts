import { afterAll, beforeAll, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../../test/harness.js";
import { loadDemoKnowledge } from "../../demo/demo.kb.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await loadDemoKnowledge(h.ctx);
});
afterAll(async () => {
  await h?.close();
});

const anonymousRequest = (extra: Record<string, unknown> = {}) => ({
  site: "ZMB",
  subject: "Cannot sign in to the registration app",
  description: "Since this morning the app says my password is wrong.",
  category: "account-access",
  name: "Aline Banda",
  email: "aline.banda@example.org",
  ...extra,
});

it("suggested articles come from the knowledge base for anyone typing a request", async () => {
  const res = await h.anonymous().get("/api/v1/portal/suggestions?q=password%20reset&site=ZMB&lang=en");
  expect(res.statusCode).toBe(200);
  const items = res.json().items as Array<{ articleId: number; title: string }>;
  expect(items.map((i) => i.title)).toContain("Reset a user's password");
  expect(new Set(items.map((i) => i.articleId)).size).toBe(items.length);
  const signedIn = await (await h.as("requester-zmb@demo.test")).get("/api/v1/portal/suggestions?q=password");
  expect(signedIn.statusCode).toBe(200);
  expect((await h.anonymous().get("/api/v1/portal/suggestions?q=x&site=NOPE")).statusCode).toBe(422);
});

it("a filled-in trap field turns the request away and opens nothing", async () => {
  const before = await h.ctx.database.db
    .selectFrom("tickets")
    .select(h.ctx.database.db.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  const res = await h
    .anonymous()
    .post("/api/v1/portal/requests", anonymousRequest({ website: "http://spam.example" }));
  expect(res.statusCode).toBe(400);
  expect(res.json().code).toBe("portal.rejected");
  const after = await h.ctx.database.db
    .selectFrom("tickets")
    .select(h.ctx.database.db.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  expect(Number(after.n)).toBe(Number(before.n));
});

it("someone without an account must give a name, an email and the site", async () => {
  const res = await h
    .anonymous()
    .post("/api/v1/portal/requests", anonymousRequest({ email: undefined, site: undefined }));
  expect(res.statusCode).toBe(422);
  expect(
    res
      .json()
      .errors.map((e: { field: string }) => e.field)
      .sort(),
  ).toEqual(["email", "site"]);
  const badCategory = await h
    .anonymous()
    .post("/api/v1/portal/requests", anonymousRequest({ category: "nonsense" }));
  expect(badCategory.statusCode).toBe(422);
  expect(badCategory.json().errors[0].field).toBe("category");
});

it("an anonymous request is followed and answered through its signed link; a tampered link is not found", async () => {
  const res = await h.anonymous().post("/api/v1/portal/requests", anonymousRequest());
  expect(res.statusCode).toBe(201);
  const { key, token, link } = res.json();
  expect(link).toBe(`http://tierdesk.test/portal/requests/${key}?token=${token}`);

  const page = await h.anonymous().get(`/api/v1/portal/requests/${key}?token=${token}`);
  expect(page.statusCode).toBe(200);
  expect(page.json()).toMatchObject({ key, status: "new", category: "account-access", site: "ZMB" });
  expect(page.json().messages).toMatchObject([{ from: "requester", body: anonymousRequest().description }]);

  const tampered = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
  expect((await h.anonymous().get(`/api/v1/portal/requests/${key}?token=${tampered}`)).statusCode).toBe(404);
  const other = (
    await h.anonymous().post("/api/v1/portal/requests", anonymousRequest({ email: "someone@example.org" }))
  ).json();
  expect((await h.anonymous().get(`/api/v1/portal/requests/${other.key}?token=${token}`)).statusCode).toBe(
    404,
  );

  // Staff see the channel and the requester; an internal note stays out of the requester's page.
  const agent = await h.as("agent@demo.test");
  const ticket = (await agent.get(`/api/v1/tickets/${key}`)).json();
  expect(ticket).toMatchObject({
    channel: "web",
    category: "account-access",
    requester: { email: "aline.banda@example.org" },
  });
  await agent.post(`/api/v1/tickets/${key}/messages`, {
    kind: "note",
    body: "Checked the directory: account locked.",
  });
  await agent.post(`/api/v1/tickets/${key}/messages`, {
    body: "Your account is unlocked; try again.",
    status: "pending-requester",
  });

  const answer = await h
    .anonymous()
    .post(`/api/v1/portal/requests/${key}/replies?token=${token}`, { body: "It works now, thanks." });
  expect(answer.statusCode).toBe(201);
  expect(answer.json()).toMatchObject({ from: "requester", body: "It works now, thanks." });
  const after = (await h.anonymous().get(`/api/v1/portal/requests/${key}?token=${token}`)).json();
  expect(after.status).toBe("open");
  expect(after.messages.map((m: { from: string }) => m.from)).toEqual(["requester", "support", "requester"]);
  expect(JSON.stringify(after)).not.toContain("account locked");
  expect(
    (await h.anonymous().post(`/api/v1/portal/requests/${key}/replies?token=${tampered}`, { body: "x" }))
      .statusCode,
  ).toBe(404);
});

it("the same Idempotency-Key sends a request once, with or without an account", async () => {
  const headers = { "idempotency-key": "form-7f3a9c" };
  const first = await h
    .anonymous()
    .post("/api/v1/portal/requests", anonymousRequest({ email: "twice@example.org" }), headers);
  const again = await h
    .anonymous()
    .post("/api/v1/portal/requests", anonymousRequest({ email: "twice@example.org" }), headers);
  expect([first.statusCode, again.statusCode]).toEqual([201, 200]);
  expect(again.json().key).toBe(first.json().key);
  // Another person's identical key is another request.
  const stranger = await h
    .anonymous()
    .post("/api/v1/portal/requests", anonymousRequest({ email: "other@example.org" }), headers);
  expect(stranger.statusCode).toBe(201);
  expect(stranger.json().key).not.toBe(first.json().key);

  const requester = await h.as("requester-zmb@demo.test");
  const body = {
    subject: "Printer queue stuck",
    description: "Nothing prints since the update.",
    category: "bug",
  };
  const mine = await requester.post("/api/v1/portal/requests", body, headers);
  const mineAgain = await requester.post("/api/v1/portal/requests", body, headers);
  expect([mine.statusCode, mineAgain.statusCode]).toEqual([201, 200]);
  expect(mineAgain.json().key).toBe(mine.json().key);
  const seen = await requester.get(`/api/v1/tickets/${mine.json().key}`);
  expect(seen.statusCode).toBe(200);
  expect(seen.json()).toMatchObject({ site: "ZMB", channel: "web", category: "bug" });
});

it("files uploaded ahead travel with the request, and a forged upload token is refused", async () => {
  const upload = await h
    .anonymous()
    .upload("/api/v1/portal/uploads", [
      { name: "error.txt", content: Buffer.from("Error 401 at login\n"), type: "text/plain" },
    ]);
  expect(upload.statusCode).toBe(201);
  const [file] = upload.json().items;
  expect(file).toMatchObject({ filename: "error.txt", contentType: "text/plain" });

  const res = await h
    .anonymous()
    .post(
      "/api/v1/portal/requests",
      anonymousRequest({ email: "files@example.org", attachments: [file.token] }),
    );
  expect(res.statusCode).toBe(201);
  const { key, token } = res.json();
  const page = (await h.anonymous().get(`/api/v1/portal/requests/${key}?token=${token}`)).json();
  const [attached] = page.messages[0].attachments;
  expect(attached.filename).toBe("error.txt");
  const download = await h.anonymous().get(attached.url);
  expect(download.statusCode).toBe(200);
  expect(download.body).toBe("Error 401 at login\n");

  const [payload, mac] = file.token.split(".");
  const forged = `${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), n: 1 })).toString("base64url")}.${mac}`;
  const refused = await h
    .anonymous()
    .post(
      "/api/v1/portal/requests",
      anonymousRequest({ email: "forger@example.org", attachments: [forged] }),
    );
  expect(refused.statusCode).toBe(422);
  expect(refused.json()).toMatchObject({
    code: "portal.upload_invalid",
    errors: [{ field: "attachments.0" }],
  });
});
