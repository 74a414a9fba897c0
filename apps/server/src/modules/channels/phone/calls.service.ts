import type { Db } from "../../../db/database.js";
import { type Actor, hasRole, SITE_READ_ROLES, type SiteRole, WORKING_ROLES } from "../../../shared/actor.js";
import type { Clock } from "../../../shared/clock.js";
import { toIso } from "../../../shared/clock.js";
import { forbidden, invalid } from "../../../shared/errors.js";
import { decodeCursor, encodeCursor } from "../../../shared/pagination.js";
import type { SitesService } from "../../sites/sites.service.js";
import type { TicketsService } from "../../tickets/tickets.service.js";
import type { UsersService } from "../../users/users.service.js";
import { type CallRow, createCallsRepository } from "./calls.repository.js";
import type { CallCreate, CallView } from "./calls.schemas.js";

type Deps = { db: Db; clock: Clock; sites: SitesService; users: UsersService; tickets: TicketsService };

// A call cannot have started in the future; a little slack covers the caller's clock running ahead.
const CLOCK_SLACK_MS = 5 * 60_000;

const duration = (s: number) => `${Math.floor(s / 60)} min ${s % 60} s`;

/**
 * Phone calls logged by a site's staff (site admins, and the agents and coordinators above them):
 * a call opens a ticket with channel phone for the caller, found by number, or is added to an
 * existing ticket of the site as an internal note. Each call is kept for reporting.
 */
export function createCallsService({ db, clock, sites, users, tickets }: Deps) {
  const repo = createCallsRepository(db);

  /**
   * The site, 404 for people who cannot see it; then the role needed there. Hub admins see the site
   * (they configure it) but read its calls, as all its data, only through a membership.
   */
  async function siteFor(actor: Actor, code: string, roles: readonly SiteRole[], write: boolean) {
    await sites.get(actor, code);
    const site = (await sites.resolveCodes([code])).found[0] as { id: number; code: string };
    if (!hasRole(actor, site.id, roles))
      throw forbidden(
        "call.forbidden",
        write
          ? `Only the site admins, agents and coordinators of ${site.code} log its calls`
          : `Only staff of ${site.code} read its calls`,
      );
    return site;
  }

  async function views(rows: CallRow[], code: string): Promise<CallView[]> {
    const names = await users.names(rows.map((r) => r.logged_by));
    return rows.map((r) => ({
      id: r.id,
      site: code,
      ticketKey: r.ticket_key,
      openedTicket: r.opened_ticket === 1,
      requesterId: r.contact_id,
      callerName: r.caller_name,
      number: r.number,
      direction: r.direction as CallView["direction"],
      startedAt: toIso(r.started_at),
      durationSeconds: r.duration_seconds,
      summary: r.summary,
      loggedBy: { id: r.logged_by, name: names.get(r.logged_by) ?? "" },
      createdAt: toIso(r.created_at),
    }));
  }

  return {
    /** Logs a call: a new ticket at Level 1 with channel phone, or an internal note on the ticket named. */
    async log(actor: Actor, code: string, input: CallCreate): Promise<CallView> {
      const site = await siteFor(actor, code, WORKING_ROLES, true);
      const startedAt = Date.parse(input.startedAt);
      if (startedAt > clock.now() + CLOCK_SLACK_MS)
        throw invalid("call.in_future", "A call cannot start in the future", [
          { field: "startedAt", message: "in the future" },
        ]);
      const who = input.callerName ? `${input.callerName} (${input.number})` : input.number;
      let ticket: { id: number; key: string; contactId: number };
      let opened: boolean;
      if (input.ticketKey) {
        const t = await tickets.visibleRow(actor, input.ticketKey);
        if (t.site_id !== site.id)
          throw invalid("call.ticket_other_site", `${input.ticketKey} is not a ticket of ${site.code}`, [
            { field: "ticketKey", message: `not a ticket of ${site.code}` },
          ]);
        // Staff-internal: the summary is our paraphrase of what was said (often with identity checks);
        // the caller heard it first-hand, and a public note would mail them our notes.
        await tickets.addMessage(actor, t.key, {
          kind: "note",
          body: `Phone call (${input.direction}) with ${who} at ${input.startedAt}, ${duration(input.durationSeconds)}:\n\n${input.summary}`,
          attachmentIds: [],
        });
        ticket = { id: t.id, key: t.key, contactId: t.contact_id };
        opened = false;
      } else {
        const { ticket: created } = await tickets.create(actor, {
          site: site.code,
          subject: input.subject ?? (input.summary.split("\n")[0] ?? input.summary).slice(0, 300),
          description: input.summary,
          category: input.category,
          priority: input.priority,
          channel: "phone",
          requester: { phone: input.number, ...(input.callerName ? { name: input.callerName } : {}) },
          tags: [],
        });
        const row = await tickets.visibleRow(actor, created.key);
        ticket = { id: row.id, key: row.key, contactId: row.contact_id };
        opened = true;
      }
      const id = await repo.insert({
        site_id: site.id,
        ticket_id: ticket.id,
        contact_id: ticket.contactId,
        caller_name: input.callerName ?? null,
        number: input.number,
        direction: input.direction,
        started_at: startedAt,
        duration_seconds: input.durationSeconds,
        summary: input.summary,
        opened_ticket: opened ? 1 : 0,
        logged_by: actor.userId,
        created_at: clock.now(),
      });
      const [view] = await views([(await repo.byId(id)) as CallRow], site.code);
      return view as CallView;
    },

    /** A site's calls, latest first (its staff and managers). */
    async list(actor: Actor, code: string, page: { limit: number; cursor?: string | undefined }) {
      const site = await siteFor(actor, code, SITE_READ_ROLES, false);
      const after = page.cursor ? (decodeCursor(page.cursor, 2) as [number, number]) : null;
      if (after && !after.every((v) => Number.isSafeInteger(v))) decodeCursor("", 2);
      const rows = await repo.list(site.id, after, page.limit + 1);
      const items = rows.slice(0, page.limit);
      const last = items[items.length - 1];
      return {
        items: await views(items, site.code),
        nextCursor: rows.length > page.limit && last ? encodeCursor([last.started_at, last.id]) : null,
      };
    },
  };
}
export type CallsService = ReturnType<typeof createCallsService>;
