import type { AppContext } from "../../app/context.js";
import { createContext } from "../../app/context.js";
import type { Config } from "../../config/config.js";
import type { DatabaseHandle } from "../../db/database.js";
import { type Actor, SCOPES, systemActor } from "../../shared/actor.js";
import {
  DEMO_CALENDARS,
  DEMO_PASSWORD,
  DEMO_SITES,
  DEMO_SLA,
  DEMO_TICKETS,
  DEMO_USERS,
  DEMO_VENDOR_TEAMS,
  type DemoTicket,
} from "./demo.data.js";

const HOUR = 3600_000;

/**
 * Loads the demo sites, accounts and tickets unless they are there already. Tickets go through the
 * real services as the real demo users, on a clock that starts a month ago, so every rule applies.
 */
export async function loadDemo(config: Config, database: DatabaseHandle): Promise<{ loaded: boolean }> {
  let now = Date.now() - 30 * 24 * HOUR;
  const ctx = createContext(config, database, { now: () => now });
  if (await ctx.users.findByEmail("hubadmin@demo.test")) return { loaded: false };

  try {
    await seed(
      ctx,
      () => now,
      (t) => {
        now = t;
      },
    );
  } finally {
    await ctx.jobs.stop();
  }
  return { loaded: true };
}

async function seed(ctx: AppContext, clock: () => number, setClock: (t: number) => void) {
  for (const site of DEMO_SITES) {
    await ctx.sites.create(systemActor, site);
    const cal = DEMO_CALENDARS[site.code];
    if (cal) await ctx.calendars.put(systemActor, site.code, { alwaysOpen: false, ...cal });
    await ctx.sla.setPolicies(
      systemActor,
      site.code,
      DEMO_SLA.map((p) => ({ ...p })),
    );
  }
  for (const team of DEMO_VENDOR_TEAMS) await ctx.vendors.create(systemActor, team);
  for (const u of DEMO_USERS) {
    await ctx.users.create(systemActor, {
      email: u.email,
      name: u.name,
      password: DEMO_PASSWORD,
      language: "en",
      hubAdmin: u.hubAdmin ?? false,
      memberships: u.memberships,
      vendorTeams: u.vendorTeams ?? [],
    });
  }
  const actors = new Map<string, Actor>();
  for (const u of DEMO_USERS) {
    const row = await ctx.users.findByEmail(u.email);
    const actor = row && (await ctx.users.loadActor(row.id, new Set(SCOPES), "session"));
    if (actor) actors.set(u.email, actor);
  }
  const who = (email: string) => actors.get(email) as Actor;

  for (const [i, t] of DEMO_TICKETS.entries()) {
    setClock(Date.now() - (30 - i * 0.9) * 24 * HOUR);
    await demoTicket(ctx, t, who, () => setClock(clock() + (1 + (i % 5)) * HOUR));
  }
}

async function demoTicket(ctx: AppContext, t: DemoTicket, who: (email: string) => Actor, tick: () => void) {
  const firstLine =
    t.site === "UGA" ? who("agent@demo.test") : who(`siteadmin-${t.site.toLowerCase()}@demo.test`);
  const agent = who("agent@demo.test");
  const team = t.site === "UGA" ? "primero-core" : "opencrvs-core";
  const { ticket } =
    t.from === "requester-zmb"
      ? await ctx.tickets.create(who("requester-zmb@demo.test"), base(t))
      : await ctx.tickets.create(firstLine, { ...base(t), channel: t.channel, requester: t.from });
  let tier = 1;
  for (const step of t.steps) {
    tick();
    const staff = tier >= 2 ? agent : firstLine;
    switch (step.do) {
      case "assign":
        await ctx.tickets.update(staff, ticket.key, { assigneeId: staff.userId });
        break;
      case "reply":
        await ctx.tickets.addMessage(staff, ticket.key, {
          kind: "reply",
          body: step.body,
          attachmentIds: [],
          ...(step.status ? { status: step.status as never } : {}),
        });
        break;
      case "note":
        await ctx.tickets.addMessage(staff, ticket.key, { kind: "note", body: step.body, attachmentIds: [] });
        break;
      case "status":
        await ctx.tickets.update(staff, ticket.key, { status: step.status as never });
        break;
      case "tier": {
        const vendorTeamId =
          step.tier === 3 ? (await ctx.vendors.resolveSlugs([team])).ids.get(team) : undefined;
        await ctx.tickets.moveTier(step.tier === 3 ? agent : firstLine, ticket.key, step.tier, step.reason, {
          vendorTeamId,
        });
        if (step.tier === 3) await ctx.tickets.update(agent, ticket.key, { status: "pending-vendor" });
        tier = step.tier;
        break;
      }
    }
  }
}

const base = (t: DemoTicket) => ({
  site: t.site,
  subject: t.subject,
  description: t.description,
  category: t.category as never,
  priority: t.priority,
  tags: [],
});
