import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Client, createHarness, type Harness, openTicket } from "../../../test/harness.js";
import { DEMO_PASSWORD } from "../demo/demo.data.js";

/** A dossier with every field the support model requires before Level 3. */
const FULL_DOSSIER = {
  module: "Certificates",
  summary: "Certificates print the wrong district",
  description: "Every certificate printed since the upgrade shows the old district name.",
  stepsToReproduce: ["Open a registered record", "Print the certificate"],
  productVersion: "1.8.1",
  applicationUrl: "https://crvs.example.org/records",
  impactedUsers: "All registrars of the site",
  impactedRoles: ["registrar"],
  browserAndDevice: "Chrome 126 on Windows 11",
  evidence: { noEvidenceReason: "The printer output was not photographed" },
  severity: "high",
  workaroundExists: false,
};

type Move = { from: 1 | 2 | 3; priority: "critical" | "normal"; body: Record<string, unknown>; to: number };
const MOVES: Record<string, Move> = {
  "1->2": {
    from: 1,
    priority: "normal",
    to: 2,
    body: { direction: "up", reason: "Needs a configuration change" },
  },
  "2->3": {
    from: 2,
    priority: "normal",
    to: 3,
    body: { direction: "up", reason: "Core product bug", dossier: FULL_DOSSIER },
  },
  "1->3 critical": {
    from: 1,
    priority: "critical",
    to: 3,
    body: { direction: "up", toTier: 3, reason: "Service down", dossier: FULL_DOSSIER },
  },
  "1->3 non-critical": {
    from: 1,
    priority: "normal",
    to: 3,
    body: { direction: "up", toTier: 3, reason: "Skipping", dossier: FULL_DOSSIER },
  },
  "3->2": {
    from: 3,
    priority: "normal",
    to: 2,
    body: { direction: "down", reason: "Configuration issue", answer: "Change the district list" },
  },
  "2->1": {
    from: 2,
    priority: "normal",
    to: 1,
    body: { direction: "down", reason: "Training need", answer: "Show the registrar the guide" },
  },
};
const MOVE_NAMES = Object.keys(MOVES);

const EMAIL: Record<string, string> = {
  requester: "requester-zmb@demo.test",
  site_admin: "siteadmin-zmb@demo.test",
  agent: "agent@demo.test",
  coordinator: "coordinator@demo.test",
  manager: "manager@demo.test",
  engineer: "engineer@demo.test",
  hub_admin: "hubadmin@demo.test",
};

// Own site: ZMB, whose product's vendor team is the engineer's. Hub admins hold no site role, so no
// ticket is theirs to see. 204: the engineer handed the ticket back and can no longer see it.
const OWN_SITE: Record<string, number[]> = {
  //            1->2 2->3 1->3c 1->3n 3->2 2->1
  requester: [403, 403, 403, 403, 403, 403],
  site_admin: [200, 403, 403, 403, 403, 403],
  agent: [200, 200, 200, 422, 200, 200],
  coordinator: [200, 200, 200, 422, 200, 200],
  manager: [403, 403, 403, 403, 403, 403],
  engineer: [404, 404, 404, 404, 204, 404],
  hub_admin: [404, 404, 404, 404, 404, 404],
};

const rows = Object.entries(OWN_SITE).flatMap(([role, statuses]) =>
  MOVE_NAMES.flatMap((move, i) => [
    { role, move, site: "its own", status: statuses[i] as number },
    // MWI runs Primero (another vendor team) and nobody of the demo holds a role there.
    { role, move, site: "another", status: 404 },
  ]),
);

let h: Harness;
let agentMwi: Client;
beforeAll(async () => {
  h = await createHarness();
  const admin = await h.as("hubadmin@demo.test");
  const site = await admin.post("/api/v1/sites", {
    code: "MWI",
    name: "Malawi child protection",
    country: "Malawi",
    product: "Primero",
    timeZone: "Africa/Blantyre",
  });
  expect(site.statusCode).toBe(201);
  const user = await admin.post("/api/v1/users", {
    email: "agent-mwi@demo.test",
    name: "Mphatso Agent",
    password: DEMO_PASSWORD,
    memberships: [{ site: "MWI", role: "agent" }],
  });
  expect(user.statusCode).toBe(201);
  agentMwi = await h.as("agent-mwi@demo.test");
});
afterAll(async () => {
  await h?.ctx.jobs.stop();
  await h?.close();
});

/** A ticket at the given level: ZMB tickets come from the demo requester, so they can see their own. */
async function ticketAt(own: boolean, from: number, priority: string): Promise<string> {
  const base = {
    subject: "Certificates print the wrong district",
    description: "Since the upgrade.",
    priority,
  };
  const key = own
    ? await openTicket(await h.as("requester-zmb@demo.test"), { ...base, site: "ZMB", category: "bug" })
    : await openTicket(agentMwi, {
        ...base,
        site: "MWI",
        category: "bug",
        requester: { email: "r@mwi.example" },
      });
  const staff = own ? await h.as("agent@demo.test") : agentMwi;
  if (from >= 2) {
    const res = await staff.post(`/api/v1/tickets/${key}/escalations`, { direction: "up", reason: "setup" });
    expect(res.statusCode).toBe(200);
  }
  if (from >= 3) {
    const res = await staff.post(`/api/v1/tickets/${key}/escalations`, {
      direction: "up",
      reason: "setup",
      dossier: FULL_DOSSIER,
    });
    expect(res.statusCode).toBe(200);
  }
  return key;
}

describe("the escalation matrix: every role by every level move, own site and another site", () => {
  test.each(rows)(
    "a $role escalating $move on a ticket of $site site gets $status",
    async ({ role, move, site, status }) => {
      const m = MOVES[move] as Move;
      const own = site === "its own";
      const key = await ticketAt(own, m.from, m.priority);
      const client = await h.as(EMAIL[role] as string);
      const res = await client.post(`/api/v1/tickets/${key}/escalations`, m.body);
      expect(res.statusCode, res.body).toBe(status);

      const staff = own ? await h.as("agent@demo.test") : agentMwi;
      const after = (await staff.get(`/api/v1/tickets/${key}`)).json();
      expect(after.tier).toBe(status === 200 || status === 204 ? m.to : m.from);
      if (status === 200) expect(res.json().tier).toBe(m.to);
      if (status === 403) expect(res.json().code).toBe("escalation.forbidden");
      if (status === 404) expect(res.json().code).toBe("ticket.not_found");
      if (status === 422) expect(res.json().errors).toEqual([expect.objectContaining({ field: "toTier" })]);
    },
  );
});
