import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../test/harness.js";
import { AppError } from "../../shared/errors.js";
import type { ContactInput } from "./contacts.service.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

async function siteId(code: string): Promise<number> {
  const site = (await h.ctx.sites.resolveCodes([code])).found[0];
  if (!site) throw new Error(`no site ${code}`);
  return site.id;
}

/** Finds or creates a contact outside any transaction, as a ticket creation would inside one. */
async function findOrCreate(code: string, input: ContactInput) {
  return h.ctx.contacts.findOrCreate(h.ctx.database.db, await siteId(code), input);
}

async function contactsWhere(code: string, field: "email" | "phone" | "whatsapp_id", value: string) {
  return h.ctx.database.db
    .selectFrom("contacts")
    .selectAll()
    .where("site_id", "=", await siteId(code))
    .where(field, "=", value)
    .execute();
}

describe("finding or creating a requester", () => {
  it("finds a contact by email whatever the case, and stores the email in lower case", async () => {
    const created = await findOrCreate("ZMB", { name: "Nomsa Dube", email: "Nomsa.Dube@Example.org" });
    expect(created.email).toBe("nomsa.dube@example.org");
    const found = await findOrCreate("ZMB", { email: "NOMSA.DUBE@example.ORG" });
    expect(found.id).toBe(created.id);
    expect(found.name).toBe("Nomsa Dube");
    expect(await contactsWhere("ZMB", "email", "nomsa.dube@example.org")).toHaveLength(1);
  });

  it("finds a contact by phone number whatever the spacing", async () => {
    const created = await findOrCreate("UGA", { name: "Mutinta", phone: "+260 97 123 4567" });
    expect(created.phone).toBe("+260971234567");
    const found = await findOrCreate("UGA", { phone: "+260971234567" });
    expect(found.id).toBe(created.id);
    const dashed = await findOrCreate("UGA", { phone: "+260-97-123-4567" });
    expect(dashed.id).toBe(created.id);
    expect(await contactsWhere("UGA", "phone", "+260971234567")).toHaveLength(1);
  });

  it("finds a contact by WhatsApp id", async () => {
    const created = await findOrCreate("BGD", { name: "Rahim", whatsappId: "8801712345678" });
    expect(created.whatsapp_id).toBe("8801712345678");
    const found = await findOrCreate("BGD", { whatsappId: "8801712345678" });
    expect(found.id).toBe(created.id);
    expect(await contactsWhere("BGD", "whatsapp_id", "8801712345678")).toHaveLength(1);
  });

  it("fills in a missing phone number and name when found by email", async () => {
    const created = await findOrCreate("ZMB", { email: "grace.phiri@example.org" });
    expect(created.phone).toBeNull();
    expect(created.name).toBeNull();
    const found = await findOrCreate("ZMB", {
      name: "Grace Phiri",
      email: "grace.phiri@example.org",
      phone: "+260 96 555 0199",
    });
    expect(found.id).toBe(created.id);
    expect(found.phone).toBe("+260965550199");
    expect(found.name).toBe("Grace Phiri");
    // The phone now finds the same contact.
    expect((await findOrCreate("ZMB", { phone: "+260965550199" })).id).toBe(created.id);
  });

  it("keeps a name it already has", async () => {
    const created = await findOrCreate("ZMB", { name: "Original Name", email: "keeps-name@example.org" });
    const found = await findOrCreate("ZMB", { name: "Another Name", email: "keeps-name@example.org" });
    expect(found.id).toBe(created.id);
    expect(found.name).toBe("Original Name");
  });

  it("does not take an identifier that another contact of the site holds", async () => {
    const holder = await findOrCreate("ZMB", { email: "holder@example.org", phone: "+260 96 777 0001" });
    const other = await findOrCreate("ZMB", { email: "other@example.org" });
    const found = await findOrCreate("ZMB", { email: "other@example.org", phone: "+260967770001" });
    expect(found.id).toBe(other.id);
    expect(found.phone).toBeNull();
    const phoneHolders = await contactsWhere("ZMB", "phone", "+260967770001");
    expect(phoneHolders.map((c) => c.id)).toEqual([holder.id]);
  });

  it("keeps contacts per site: the same email at two sites is two contacts", async () => {
    const zmb = await findOrCreate("ZMB", { email: "travelling@example.org" });
    const bgd = await findOrCreate("BGD", { email: "travelling@example.org" });
    expect(bgd.id).not.toBe(zmb.id);
    expect(zmb.site_id).toBe(await siteId("ZMB"));
    expect(bgd.site_id).toBe(await siteId("BGD"));
    expect((await findOrCreate("BGD", { email: "travelling@example.org" })).id).toBe(bgd.id);
  });

  it("refuses a requester with no email, phone or WhatsApp id", async () => {
    const attempt = findOrCreate("ZMB", { name: "Nameless" });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ status: 422, code: "contact.identifier_required" });
  });

  it("refuses a ticket whose requester has only a name, with 422 contact.identifier_required", async () => {
    const res = await (await h.as("agent@demo.test")).post("/api/v1/tickets", {
      site: "ZMB",
      subject: "Walk-in with no contact details",
      description: "Came to the office.",
      requester: { name: "Walk-in visitor" },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe("contact.identifier_required");
  });
});

describe("requesters of new tickets", () => {
  it("two tickets opened at once for a brand-new email end with one contact and two tickets", async () => {
    const agent = await h.as("agent@demo.test");
    const email = "first-time-caller@example.org";
    const responses = await Promise.all(
      ["Printer", "Scanner"].map((what) =>
        agent.post("/api/v1/tickets", {
          site: "ZMB",
          subject: `${what} broken`,
          description: "Reported twice at once.",
          requester: { name: "First-time caller", email },
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual([201, 201]);
    const [a, b] = responses.map((r) => r.json());
    expect(a.key).not.toBe(b.key);
    expect(a.requester.id).toBe(b.requester.id);
    const contacts = await contactsWhere("ZMB", "email", email);
    expect(contacts.map((c) => c.id)).toEqual([a.requester.id]);
    const listed = (await agent.get(`/api/v1/tickets?requester=${a.requester.id}&limit=100`)).json();
    expect(listed.items.map((t: { key: string }) => t.key).sort()).toEqual([a.key, b.key].sort());
  });

  it("five tickets opened at once for a brand-new phone number share one contact", async () => {
    const agent = await h.as("agent@demo.test");
    const responses = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        agent.post("/api/v1/tickets", {
          site: "BGD",
          subject: `Call ${n} from the same number`,
          description: "The line kept dropping.",
          requester: { phone: n % 2 ? "+880 1999 000111" : "+8801999000111" },
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
    const contactIds = new Set(responses.map((r) => r.json().requester.id));
    expect(contactIds.size).toBe(1);
    expect(new Set(responses.map((r) => r.json().key)).size).toBe(5);
    expect(await contactsWhere("BGD", "phone", "+8801999000111")).toHaveLength(1);
  });

  it("a ticket for a known phone number goes to the existing contact", async () => {
    const agent = await h.as("agent@demo.test");
    const first = await agent.post("/api/v1/tickets", {
      site: "UGA",
      subject: "Caller one",
      description: "By phone.",
      requester: { phone: "+256 77 000 1234" },
    });
    const second = await agent.post("/api/v1/tickets", {
      site: "UGA",
      subject: "Caller again",
      description: "By phone again.",
      requester: { phone: "+256770001234", email: "caller@example.ug" },
    });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json().requester).toMatchObject({
      id: first.json().requester.id,
      phone: "+256770001234",
      email: "caller@example.ug",
    });
  });
});
