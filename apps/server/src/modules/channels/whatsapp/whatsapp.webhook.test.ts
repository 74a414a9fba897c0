import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hubSignature, webhookPayload } from "../../../../test/graph-standin.js";
import { createHarness, type Harness } from "../../../../test/harness.js";
import { jobChunks } from "./whatsapp.webhook.js";

const ZMB = {
  phoneNumberId: "100200300",
  accessToken: "zmb-token",
  appSecret: "zmb-app-secret",
  verifyToken: "zmb-verify",
};
const BGD = {
  phoneNumberId: "400500600",
  accessToken: "bgd-token",
  appSecret: "bgd-app-secret",
  verifyToken: "bgd-verify",
};
const WEBHOOK = "/api/v1/channels/whatsapp/webhook";

let h: Harness;
beforeAll(async () => {
  // no worker: these tests look at what the webhook records, not at its processing
  h = await createHarness();
  const admin = await h.as("hubadmin@demo.test");
  for (const [site, s] of [
    ["ZMB", ZMB],
    ["BGD", BGD],
  ] as const) {
    const res = await admin.request("PUT", `/api/v1/sites/${site}/channels/whatsapp`, s);
    expect(res.statusCode).toBe(200);
  }
  countJobs();
});
afterAll(async () => h?.close());

const post = (body: string, signature?: string) =>
  h.app.inject({
    method: "POST",
    url: WEBHOOK,
    headers: {
      "content-type": "application/json",
      ...(signature !== undefined ? { "x-hub-signature-256": signature } : {}),
    },
    payload: body,
  });
const textFrom = (id: string, body = "Hello") =>
  JSON.stringify(
    webhookPayload(ZMB.phoneNumberId, {
      messages: [{ type: "text", from: "260971112222", id, body, timestamp: 1_772_438_400 }],
    }),
  );
const stored = async () =>
  h.ctx.database.db.selectFrom("whatsapp_inbound").select(["wamid", "state"]).execute();
let processJobs = 0;
/** Counts the processing jobs the webhook queues, on either job backend. */
function countJobs() {
  const enqueue = h.ctx.jobs.enqueue.bind(h.ctx.jobs);
  h.ctx.jobs.enqueue = async (exec, name, payload, options) => {
    if (name === "whatsapp.process") processJobs++;
    return enqueue(exec, name, payload, options);
  };
}

describe("webhook verification (the subscription handshake)", () => {
  it("echoes the challenge when the verify token is one of the configured numbers'", async () => {
    const res = await h.app.inject({
      method: "GET",
      url: `${WEBHOOK}?hub.mode=subscribe&hub.verify_token=${BGD.verifyToken}&hub.challenge=1158201444`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe("1158201444");
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
  });

  it("refuses an unknown verify token or a mode other than subscribe", async () => {
    for (const q of [
      "hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1",
      `hub.mode=unsubscribe&hub.verify_token=${ZMB.verifyToken}&hub.challenge=1`,
      "hub.challenge=1",
    ]) {
      const res = await h.app.inject({ method: "GET", url: `${WEBHOOK}?${q}` });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe("whatsapp.verify_failed");
    }
  });
});

describe("signed deliveries", () => {
  it("a badly signed, unsigned or differently signed delivery answers 401 and stores nothing", async () => {
    const body = textFrom("wamid.bad1");
    for (const sig of [
      undefined,
      "",
      "sha256=00",
      hubSignature("not-the-secret", body),
      hubSignature(ZMB.appSecret, `${body} `),
      hubSignature(ZMB.appSecret, body).replace("sha256=", "sha1="),
    ]) {
      const res = await post(body, sig);
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe("whatsapp.bad_signature");
    }
    expect(await stored()).toEqual([]);
  });

  it("a signed message is recorded and acknowledged with 200, queued for processing", async () => {
    const body = textFrom("wamid.good1", "How do I reset a password?");
    const res = await post(body, hubSignature(ZMB.appSecret, body));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "received" });
    expect(await stored()).toEqual([{ wamid: "wamid.good1", state: "queued" }]);
  });

  it("a redelivered message (same message id) is acknowledged but recorded and queued once", async () => {
    const before = processJobs;
    const body = textFrom("wamid.dup1");
    for (let i = 0; i < 3; i++)
      expect((await post(body, hubSignature(ZMB.appSecret, body))).statusCode).toBe(200);
    // the same message in a differently shaped delivery is still the same message
    const again = JSON.stringify({ ...JSON.parse(body), extra: true });
    expect((await post(again, hubSignature(ZMB.appSecret, again))).statusCode).toBe(200);
    expect((await stored()).filter((r) => r.wamid === "wamid.dup1")).toHaveLength(1);
    expect(processJobs).toBe(before + 1);
  });

  it("deliveries arriving together are written together, each message once, and all acknowledged", async () => {
    const bodies = Array.from({ length: 60 }, (_, i) => textFrom(`wamid.burst${i % 40}`, `burst ${i % 40}`));
    const answers = await Promise.all(bodies.map((b) => post(b, hubSignature(ZMB.appSecret, b))));
    expect(answers.map((r) => r.statusCode)).toEqual(bodies.map(() => 200));
    const burst = (await stored()).filter((r) => r.wamid.startsWith("wamid.burst"));
    expect(burst).toHaveLength(40);
  });

  it("a delivery signed with one site's app secret cannot post into another site's number", async () => {
    const body = textFrom("wamid.cross1");
    const res = await post(body, hubSignature(BGD.appSecret, body));
    expect(res.statusCode).toBe(200);
    expect((await stored()).some((r) => r.wamid === "wamid.cross1")).toBe(false);
  });

  it("a signed delivery that is not JSON, or not of the expected shape, is acknowledged and ignored, never a 500", async () => {
    const count = (await stored()).length;
    for (const body of [
      "not json at all",
      '{"object":"page","entry":[]}',
      JSON.stringify({
        object: "whatsapp_business_account",
        entry: [{ changes: [{ field: "messages", value: {} }] }],
      }),
      JSON.stringify({
        object: "whatsapp_business_account",
        entry: [
          {
            changes: [
              {
                field: "messages",
                value: { metadata: { phone_number_id: ZMB.phoneNumberId }, messages: [{ from: "x" }] },
              },
            ],
          },
        ],
      }),
      '{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"100200300"},"messages":[{"from":"260971112222","id":"wamid.nul","timestamp":"1772438400","type":"text","text":{"body":"a\\u0000b"}}]}}]}]}',
    ]) {
      const res = await post(body, hubSignature(ZMB.appSecret, body));
      expect(res.statusCode).toBe(200);
    }
    const rows = await stored();
    // only the last one carried a readable message (its NUL is dropped so the database can keep it)
    expect(rows).toHaveLength(count + 1);
    const nul = await h.ctx.database.db
      .selectFrom("whatsapp_inbound")
      .select("message")
      .where("wamid", "=", "wamid.nul")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(nul.message).text.body).toBe("ab");
  });

  it("a signed delivery nested thousands of levels deep is acknowledged and ignored, never a 500", async () => {
    const count = (await stored()).length;
    const deep = `{"object":"whatsapp_business_account","entry":${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
    const res = await post(deep, hubSignature(ZMB.appSecret, deep));
    expect(res.statusCode).toBe(200);
    expect(await stored()).toHaveLength(count);
  });

  it("a body over the size limit is refused before anything is read", async () => {
    const body = "x".repeat(h.config.bodyLimitBytes + 1);
    const res = await post(body, hubSignature(ZMB.appSecret, body));
    expect(res.statusCode).toBe(413);
  });
});

describe("channel settings", () => {
  it("secrets are write-only: the reply says they are set, never what they are", async () => {
    const coordinator = await h.as("coordinator@demo.test");
    const res = await coordinator.get("/api/v1/sites/ZMB/channels/whatsapp");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      site: "ZMB",
      phoneNumberId: ZMB.phoneNumberId,
      accessTokenSet: true,
      appSecretSet: true,
      verifyTokenSet: true,
      webhookUrl: "http://tierdesk.test/api/v1/channels/whatsapp/webhook",
    });
    for (const secret of [ZMB.accessToken, ZMB.appSecret, ZMB.verifyToken])
      expect(res.body).not.toContain(secret);
    const row = await h.ctx.database.db
      .selectFrom("whatsapp_numbers")
      .selectAll()
      .where("phone_number_id", "=", ZMB.phoneNumberId)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(ZMB.appSecret);
  });

  it("a change without the secrets keeps them, so signed deliveries still verify", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const res = await admin.request("PUT", "/api/v1/sites/ZMB/channels/whatsapp", {
      phoneNumberId: ZMB.phoneNumberId,
      replyTemplate: { name: "support_reply", language: "en" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().replyTemplate).toEqual({ name: "support_reply", language: "en" });
    const body = textFrom("wamid.after-change");
    expect((await post(body, hubSignature(ZMB.appSecret, body))).statusCode).toBe(200);
    expect((await stored()).some((r) => r.wamid === "wamid.after-change")).toBe(true);
  });

  it("a new number needs its secrets, and a phone number id belongs to one site", async () => {
    const admin = await h.as("hubadmin@demo.test");
    const missing = await admin.request("PUT", "/api/v1/sites/UGA/channels/whatsapp", {
      phoneNumberId: "700800900",
    });
    expect(missing.statusCode).toBe(422);
    expect(
      missing
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(["accessToken", "appSecret", "verifyToken"]);
    const taken = await admin.request("PUT", "/api/v1/sites/UGA/channels/whatsapp", { ...ZMB });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe("whatsapp.number_taken");
  });

  it("only hub admins change the settings; the site's other staff may not read them; other sites' people do not see them", async () => {
    const siteAdmin = await h.as("siteadmin-zmb@demo.test");
    expect((await siteAdmin.get("/api/v1/sites/ZMB/channels/whatsapp")).statusCode).toBe(403);
    expect((await siteAdmin.request("PUT", "/api/v1/sites/ZMB/channels/whatsapp", ZMB)).statusCode).toBe(403);
    const coordinator = await h.as("coordinator@demo.test");
    expect((await coordinator.request("PUT", "/api/v1/sites/ZMB/channels/whatsapp", ZMB)).statusCode).toBe(
      403,
    );
    const otherSite = await h.as("siteadmin-bgd@demo.test");
    const hidden = await otherSite.get("/api/v1/sites/ZMB/channels/whatsapp");
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().code).toBe("site.not_found");
  });
});

describe("processing jobs", () => {
  it("one person's messages go to one job, in the order they arrived", () => {
    const inserted = [
      ...Array.from({ length: 30 }, (_, i) => ({ id: 100 + i, wa_id: i % 3 === 0 ? "A" : `P${i}` })),
      { id: 5, wa_id: "A" },
    ];
    const chunks = jobChunks(inserted);
    const withA = chunks.filter((c) => c.some((id) => inserted.find((m) => m.id === id)?.wa_id === "A"));
    expect(withA).toHaveLength(1);
    const aIds = (withA[0] as number[]).filter((id) => inserted.find((m) => m.id === id)?.wa_id === "A");
    expect(aIds).toEqual([5, 100, 103, 106, 109, 112, 115, 118, 121, 124, 127]);
    expect(chunks.flat().sort((a, b) => a - b)).toEqual(inserted.map((m) => m.id).sort((a, b) => a - b));
    expect(chunks.every((c) => c.length <= 25)).toBe(true);
  });
});
