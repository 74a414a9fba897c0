import { afterAll, beforeAll, expect, it } from "vitest";
import { createHarness, dialect, type Harness, waitFor } from "./harness.js";

let h: Harness;
let attempts = 0;
let succeedNow = false;

beforeAll(async () => {
  h = await createHarness();
  h.ctx.jobs.register({
    name: "test.flaky",
    retryLimit: 2,
    retryDelaySeconds: 1,
    leaseSeconds: 30,
    handler: async () => {
      attempts++;
      if (!succeedNow) throw new Error("the vendor tracker answered 503");
    },
  });
  await h.ctx.jobs.init();
});
afterAll(async () => {
  await h.ctx.jobs.stop();
  await h?.close();
});

it(`a job that keeps failing is retried with backoff, then listed as dead for hub admins, who can run it again (${dialect})`, async () => {
  await h.ctx.jobs.enqueue(h.ctx.database.db, "test.flaky", { ticket: "ZMB-1" });
  await h.ctx.jobs.startWorking();
  const admin = await h.as("hubadmin@demo.test");
  await waitFor(
    "the job on the dead-letter list",
    async () => (await admin.get("/api/v1/admin/jobs/dead")).json().items.length > 0,
    60,
  );
  expect(attempts).toBe(3);
  const dead = (await admin.get("/api/v1/admin/jobs/dead")).json().items[0];
  expect(dead).toMatchObject({ name: "test.flaky", payload: { ticket: "ZMB-1" } });
  expect(dead.lastError ?? "").toContain("503");

  expect((await (await h.as("agent@demo.test")).get("/api/v1/admin/jobs/dead")).statusCode).toBe(403);

  succeedNow = true;
  expect((await admin.post(`/api/v1/admin/jobs/dead/${encodeURIComponent(dead.id)}/retry`)).statusCode).toBe(
    204,
  );
  await waitFor("the retried run", async () => attempts === 4, 60);
  await waitFor(
    "the job",
    async () => (await admin.get("/api/v1/admin/jobs/dead")).json().items.length === 0,
  );
  expect((await admin.post(`/api/v1/admin/jobs/dead/${encodeURIComponent(dead.id)}/retry`)).statusCode).toBe(
    404,
  );
}, 120_000);
