import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../../test/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const URL = "/api/v1/sites/ZMB/channels/email";
const mailbox = {
  address: "Support-ZMB@Tierdesk.test",
  displayName: "ZMB Support",
  imap: { host: "imap.tierdesk.test", user: "support-zmb", password: "imap-secret-1" },
  smtp: { host: "smtp.tierdesk.test", port: 2587, user: "support-zmb", password: "smtp-secret-1" },
};

describe("email channel settings", () => {
  let id: number;

  it("a hub admin adds a mailbox; the passwords are stored sealed and never shown", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const res = await admin.post(`${URL}/mailboxes`, mailbox);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    id = body.id;
    expect(body).toMatchObject({
      address: "support-zmb@tierdesk.test",
      imap: {
        host: "imap.tierdesk.test",
        port: 993,
        tls: true,
        user: "support-zmb",
        folder: "INBOX",
        passwordSet: true,
      },
      smtp: { host: "smtp.tierdesk.test", port: 2587, security: "starttls", passwordSet: true },
    });
    expect(res.body).not.toContain("secret-1");
    const row = await h.ctx.email.repo.mailbox(id);
    expect(row?.imap_password).not.toContain("imap-secret-1");
    expect(h.ctx.secrets.open(row?.imap_password as string)).toBe("imap-secret-1");
    expect((await admin.get(URL)).body).not.toContain("secret-1");
  });

  it("a change without a password keeps it; null removes it", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const kept = await admin.patch(`${URL}/mailboxes/${id}`, { imap: { folder: "Support" } });
    expect(kept.statusCode).toBe(200);
    expect(kept.json().imap).toMatchObject({ folder: "Support", passwordSet: true });
    expect(h.ctx.secrets.open((await h.ctx.email.repo.mailbox(id))?.imap_password as string)).toBe(
      "imap-secret-1",
    );
    const removed = await admin.patch(`${URL}/mailboxes/${id}`, { smtp: { password: null } });
    expect(removed.json().smtp).toMatchObject({ passwordSet: false });
  });

  it("the site's coordinators read the settings, its site admins may not, other sites' people get 404", async () => {
    const read = await (await h.as("coordinator@demo.test")).get(URL);
    expect(read.statusCode).toBe(200);
    expect(read.json().mailboxes.map((m: { address: string }) => m.address)).toEqual([
      "support-zmb@tierdesk.test",
    ]);
    expect(read.json().actions).toEqual(["read"]);
    const coordinatorWrite = await (await h.as("coordinator@demo.test")).patch(`${URL}/mailboxes/${id}`, {
      enabled: false,
    });
    expect(coordinatorWrite.statusCode).toBe(403);
    expect((await (await h.as("siteadmin-zmb@demo.test")).get(URL)).statusCode).toBe(403);
    expect((await (await h.as("siteadmin-bgd@demo.test")).get(URL)).statusCode).toBe(404);
    expect((await (await h.as("requester-zmb@demo.test")).get(URL)).statusCode).toBe(403);
  });

  it("refuses bad input with the fields at fault, and an address used twice", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const bad = await admin.post(`${URL}/mailboxes`, {
      address: "not-an-address",
      imap: { host: "bad host!" },
    });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json().errors.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(["address", "imap.host"]));
    const twice = await admin.post("/api/v1/sites/BGD/channels/email/mailboxes", {
      address: "support-zmb@tierdesk.test",
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe("email.address_taken");
    const noHost = await admin.post(`${URL}/mailboxes`, {
      address: "other@tierdesk.test",
      smtp: { port: 25 },
    });
    expect(noHost.statusCode).toBe(400);
    const elsewhere = await admin.patch(`/api/v1/sites/BGD/channels/email/mailboxes/${id}`, {
      enabled: false,
    });
    expect(elsewhere.statusCode).toBe(404);
  });
});
