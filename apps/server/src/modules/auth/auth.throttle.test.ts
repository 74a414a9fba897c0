import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, testClock } from "../../../test/harness.js";
import { buildApp } from "../../app/app.js";
import { createContext } from "../../app/context.js";
import type { App } from "../../app/http.js";
import { addressGroup } from "./auth.throttle.js";

const SECOND = 1000;

let h: Harness;
// Time moves on by a millisecond at every reading, as it does between concurrent requests.
const fixed = testClock();
const clock = { ...fixed, now: () => fixed.advance(1) };
beforeAll(async () => {
  h = await createHarness({ clock });
});
afterAll(async () => h?.close());

/** Signs in through `app` as if from the client address `from`. */
function signInFrom(from: string, email: string, password: string, app: App = h.app) {
  return app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    remoteAddress: from,
    headers: { "content-type": "application/json" },
    payload: JSON.stringify({ email, password }),
  });
}

let userCounter = 0;
/** A new ZMB agent, so that what one test does to an account touches no other test. */
async function newUser(): Promise<{ email: string; password: string }> {
  const admin = await h.as("hubadmin@demo.test");
  const email = `throttle-${++userCounter}@example.org`;
  const password = "right-password-1";
  const res = await admin.post("/api/v1/users", {
    email,
    name: `Throttle ${userCounter}`,
    password,
    memberships: [{ site: "ZMB", role: "agent" }],
  });
  expect(res.statusCode).toBe(201);
  return { email, password };
}

/** A 429 problem saying how many seconds to wait. */
function waitOf(res: LightMyRequestResponse): number {
  expect(res.statusCode).toBe(429);
  expect(res.headers["content-type"]).toContain("application/problem+json");
  expect(res.json().code).toBe("auth.too_many_attempts");
  const seconds = Number(res.headers["retry-after"]);
  expect(seconds).toBeGreaterThan(0);
  return seconds;
}

const statuses = (all: LightMyRequestResponse[]) => all.map((r) => r.statusCode);
const count = (all: number[], code: number) => all.filter((c) => c === code).length;

describe("guessing one account's password", () => {
  it("twelve wrong passwords sent at once: at most five are checked, the others answer 429", async () => {
    const user = await newUser();
    const all = await Promise.all(
      Array.from({ length: 12 }, (_, i) => signInFrom("198.51.100.1", user.email, `wrong-${i}`)),
    );
    const codes = statuses(all);
    expect(count(codes, 401)).toBeLessThanOrEqual(5);
    expect(count(codes, 401) + count(codes, 429)).toBe(12);
    waitOf(all.find((r) => r.statusCode === 429) as LightMyRequestResponse);
  });

  it("an attacker's failures from one address do not keep the real user out from another", async () => {
    const user = await newUser();
    for (let i = 0; i < 5; i++)
      expect((await signInFrom("198.51.100.2", user.email, `wrong-${i}`)).statusCode).toBe(401);
    waitOf(await signInFrom("198.51.100.2", user.email, "wrong-again"));
    waitOf(await signInFrom("198.51.100.2", user.email, user.password));

    expect((await signInFrom("203.0.113.2", user.email, user.password)).statusCode).toBe(200);
  });

  it("the wait after five failures from one address starts at a second and doubles with each failure", async () => {
    const user = await newUser();
    for (let i = 0; i < 5; i++)
      expect((await signInFrom("198.51.100.3", user.email, `wrong-${i}`)).statusCode).toBe(401);
    const first = waitOf(await signInFrom("198.51.100.3", user.email, "wrong-5"));
    expect(first).toBe(1);
    clock.advance(first * SECOND);
    expect((await signInFrom("198.51.100.3", user.email, "wrong-6")).statusCode).toBe(401);
    const second = waitOf(await signInFrom("198.51.100.3", user.email, "wrong-7"));
    expect(second).toBe(2 * first);
    clock.advance(second * SECOND);
    expect((await signInFrom("198.51.100.3", user.email, user.password)).statusCode).toBe(200);
  });

  it("a successful sign-in clears the count of earlier failures", async () => {
    const user = await newUser();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++)
        expect((await signInFrom("198.51.100.4", user.email, "wrong-pass")).statusCode).toBe(401);
      expect((await signInFrom("198.51.100.4", user.email, user.password)).statusCode).toBe(200);
    }
  });

  it("an account tried from many addresses waits a minute at most, and not where its owner signs in", async () => {
    const user = await newUser();
    expect((await signInFrom("203.0.113.77", user.email, user.password)).statusCode).toBe(200);
    const codes: number[] = [];
    for (let i = 1; i <= 25; i++)
      codes.push((await signInFrom(`198.18.0.${i}`, user.email, `wrong-${i}`)).statusCode);
    expect(count(codes, 429)).toBeGreaterThan(0);

    expect((await signInFrom("203.0.113.77", user.email, user.password)).statusCode).toBe(200);
    const elsewhere = await signInFrom("203.0.113.78", user.email, user.password);
    if (elsewhere.statusCode !== 200) {
      expect(waitOf(elsewhere)).toBeLessThanOrEqual(60);
      clock.advance(60 * SECOND);
      expect((await signInFrom("203.0.113.78", user.email, user.password)).statusCode).toBe(200);
    }
  }, 120_000);
});

describe("signing in together", () => {
  it("colleagues signing in at the same moment from one address are all let in", async () => {
    const people = [];
    for (let i = 0; i < 6; i++) people.push(await newUser());
    const all = await Promise.all(people.map((p) => signInFrom("192.0.2.80", p.email, p.password)));
    expect(statuses(all)).toEqual(people.map(() => 200));
  });
});

describe("guessing from one address", () => {
  it("failures over many accounts from one address do not lock out the others behind it", async () => {
    const colleague = await newUser();
    const newcomer = await newUser();
    expect((await signInFrom("192.0.2.50", colleague.email, colleague.password)).statusCode).toBe(200);
    const codes: number[] = [];
    for (let i = 0; i < 40; i++)
      codes.push((await signInFrom("192.0.2.50", `nobody-${i}@example.org`, "Winter2026!")).statusCode);
    expect(count(codes, 401)).toBeLessThanOrEqual(30);
    expect(count(codes, 429)).toBeGreaterThan(0);

    // Someone who signed in from this address before is judged on their own record only.
    expect((await signInFrom("192.0.2.50", colleague.email, colleague.password)).statusCode).toBe(200);
    // Someone new waits a minute at most, never a quarter of an hour.
    const first = await signInFrom("192.0.2.50", newcomer.email, newcomer.password);
    if (first.statusCode !== 200) {
      expect(waitOf(first)).toBeLessThanOrEqual(60);
      clock.advance(60 * SECOND);
      expect((await signInFrom("192.0.2.50", newcomer.email, newcomer.password)).statusCode).toBe(200);
    }
  }, 120_000);
});

describe("what counts as one address", () => {
  it("the addresses of one IPv6 /64 count as one, and an IPv4 address seen as IPv6 as itself", async () => {
    expect(addressGroup("2001:db8:1:2:3:4:5:6")).toBe(addressGroup("2001:DB8:1:2::ffff"));
    expect(addressGroup("2001:db8:1:2::1")).not.toBe(addressGroup("2001:db8:1:3::1"));
    expect(addressGroup("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(addressGroup("192.0.2.7")).not.toBe(addressGroup("192.0.2.8"));

    const user = await newUser();
    for (let i = 1; i <= 5; i++)
      expect((await signInFrom(`2001:db8:7:7::${i}`, user.email, `wrong-${i}`)).statusCode).toBe(401);
    waitOf(await signInFrom("2001:db8:7:7:abcd::9", user.email, user.password));
    expect((await signInFrom("2001:db8:7:8::1", user.email, user.password)).statusCode).toBe(200);
  });
});

describe("several servers on one database", () => {
  let other: App;
  beforeAll(async () => {
    other = await buildApp(createContext(h.config, h.ctx.database, clock), { logger: false });
    await other.ready();
  });
  afterAll(async () => other?.close());

  it("failures counted by one server count on the other", async () => {
    const user = await newUser();
    const codes: number[] = [];
    for (let i = 0; i < 6; i++)
      codes.push(
        (await signInFrom("198.51.100.9", user.email, `wrong-${i}`, i % 2 ? other : h.app)).statusCode,
      );
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
    waitOf(await signInFrom("198.51.100.9", user.email, user.password, other));
  });

  it("twelve wrong passwords at once, split over two servers, still check at most five", async () => {
    const user = await newUser();
    const all = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        signInFrom("198.51.100.10", user.email, `wrong-${i}`, i % 2 ? other : h.app),
      ),
    );
    const codes = statuses(all);
    expect(count(codes, 401)).toBeLessThanOrEqual(5);
    expect(count(codes, 429)).toBe(12 - count(codes, 401));
  });

  it("the counts are kept in the database, with neither email nor address in plain text", async () => {
    const rows = await h.ctx.database.db.selectFrom("sign_in_throttles").selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain("@example.org");
    expect(stored).not.toContain("198.51.100");
  });
});
