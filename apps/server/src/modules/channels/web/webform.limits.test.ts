import { afterAll, beforeAll, expect, it } from "vitest";
import { createHarness, type Harness } from "../../../../test/harness.js";
import { LIMITS } from "./webform.service.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

const request = (email: string) => ({
  site: "ZMB",
  subject: "Need help with a death registration",
  description: "The form rejects the date of death.",
  name: "Chanda Mwila",
  email,
});

it("one person sending too many requests is asked to wait (429 with Retry-After)", async () => {
  for (let i = 0; i < LIMITS.requestsPerContactPerHour; i++)
    expect(
      (await h.anonymous().post("/api/v1/portal/requests", request("chanda@example.org"))).statusCode,
    ).toBe(201);
  const res = await h.anonymous().post("/api/v1/portal/requests", request("Chanda@Example.org"));
  expect(res.statusCode).toBe(429);
  expect(res.headers["content-type"]).toContain("application/problem+json");
  expect(res.json().code).toBe("portal.too_many_requests");
  expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
});

it("one address sending too many requests is asked to wait, whatever the emails", async () => {
  const sent = LIMITS.requestsPerContactPerHour;
  for (let i = sent; i < LIMITS.requestsPerIpPerHour; i++)
    expect(
      (await h.anonymous().post("/api/v1/portal/requests", request(`person${i}@example.org`))).statusCode,
    ).toBe(201);
  const res = await h.anonymous().post("/api/v1/portal/requests", request("new.person@example.org"));
  expect(res.statusCode).toBe(429);
  expect(res.headers["retry-after"]).toBeDefined();
});
