import type { Db } from "../../db/database.js";
import { isUniqueViolation } from "../../db/database.js";
import { type Actor, WORKING_ROLES } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso, toIsoOrNull } from "../../shared/clock.js";
import { conflict, invalid } from "../../shared/errors.js";
import { allowedActions } from "../../shared/policy.js";
import type { AttachmentStore } from "../attachments/attachments.store.js";
import type { CategoriesService } from "../categories/categories.service.js";
import { type ContactRow, type ContactsService, contactView } from "../contacts/contacts.service.js";
import type { SitesService } from "../sites/sites.service.js";
import type { UsersService } from "../users/users.service.js";
import type { VendorsService } from "../vendors/vendors.service.js";
import { assigneeNotEligible, ticketNotFound } from "./tickets.errors.js";
import { insertOpened, type Opening } from "./tickets.numbers.js";
import { type TicketSubject, ticketPolicy } from "./tickets.policy.js";
import {
  createTicketsRepository,
  type TicketRow,
  type TicketSort,
  type TicketWithPeople,
} from "./tickets.repository.js";
import type { AttachmentView, Status, TicketListQuery, TicketView } from "./tickets.schemas.js";

export type Deps = {
  db: Db;
  clock: Clock;
  sites: SitesService;
  users: UsersService;
  vendors: VendorsService;
  contacts: ContactsService;
  attachments: AttachmentStore;
  categories: CategoriesService;
};

/** What a write did, for observers such as the SLA clocks. */
export type TicketChange =
  | { type: "created" }
  | { type: "updated"; fields: string[] }
  | { type: "message"; kind: "reply" | "note"; fromRequester: boolean; messageId: number }
  | { type: "tier"; from: number; to: number };
/** Runs inside the write's transaction with the ticket as written; its work commits or fails with it. */
export type TicketObserver = (
  tx: Db,
  ticket: TicketRow,
  before: TicketRow | null,
  change: TicketChange,
  now: number,
) => Promise<void>;

export type MoveOptions = {
  vendorTeamId?: number | null;
  status?: Status;
  event?: Record<string, unknown>;
  inTx?: (tx: Db, ticket: TicketRow) => Promise<void>;
};

export const subjectOf = (t: TicketRow): TicketSubject => ({
  siteId: t.site_id,
  tier: t.tier,
  vendorTeamId: t.vendor_team_id,
  requesterUserId: t.requester_user_id,
});
export const SORTS: Record<TicketListQuery["sort"], TicketSort> = {
  created: { column: "created_at", desc: false },
  "-created": { column: "created_at", desc: true },
  updated: { column: "updated_at", desc: false },
  "-updated": { column: "updated_at", desc: true },
  priority: { column: "priority_rank", desc: false },
  "-priority": { column: "priority_rank", desc: true },
  sla: { column: "sla_due_at", desc: false },
};
const MAX_RETRIES = 3;
const INT_MAX = 2 ** 31 - 1;
/** Whether a decoded list cursor holds values the database can compare with the sort column and the id. */
export const cursorFits = ([value, id]: [unknown, unknown], sort: TicketSort): boolean =>
  Number.isInteger(id) &&
  (id as number) > 0 &&
  (id as number) <= INT_MAX &&
  (Number.isSafeInteger(value) || (value === null && sort.column === "sla_due_at")) &&
  (sort.column !== "priority_rank" || Math.abs(value as number) <= INT_MAX);

/** Whether a row was read with its requester's contact fields and assignee's name (findByKey, findById). */
const hasPeople = (r: TicketRow): r is TicketWithPeople => "requester_email" in r;

/** A concurrent change won the race; the whole read-check-write runs again. */
export class RetryableConflict extends Error {}

/**
 * What the parts of the tickets service share: the repository, the read check, observers, retries
 * and the views. Built once by createTicketsService.
 */
export function createTicketsCore(deps: Deps) {
  const { db, sites, users, vendors, contacts, categories } = deps;
  const repo = createTicketsRepository(db);
  const observers: TicketObserver[] = [];

  /** Tells the observers about a write; `written` is the ticket as written when the caller has it, else it is read. */
  async function notify(
    tx: Db,
    key: string,
    before: TicketRow | null,
    change: TicketChange,
    now: number,
    written?: TicketRow,
  ) {
    if (!observers.length) return;
    const after = written ?? ((await repo.findByKey(key, tx)) as TicketRow);
    for (const observe of observers) await observe(tx, after, before, change, now);
  }

  /**
   * Opens a ticket: writes it with its number, key, first message, tier segment and `ticket.created`
   * event (insertOpened), runs the caller's work that needs the ticket (its files, a channel's record
   * carrying the key), then tells the observers, who see the ticket as opened (the SLA clocks start).
   */
  async function openTicket(
    tx: Db,
    opening: Opening & {
      requesterUserId: number | null;
      withOpened?: (t: TicketRow, messageId: number) => Promise<void>;
    },
  ): Promise<{ ticket: TicketRow; messageId: number }> {
    const { row, messageId } = await insertOpened(tx, opening);
    const t: TicketRow = { ...row, requester_user_id: opening.requesterUserId };
    await opening.withOpened?.(t, messageId);
    await notify(tx, t.key, null, { type: "created" }, row.created_at, t);
    return { ticket: t, messageId };
  }

  /** Requesters and assignees of rows read without them (lists); rows from findByKey carry their own. */
  async function people(rows: TicketRow[]) {
    const bare = rows.filter((r) => !hasPeople(r));
    const [contactRows, names] = bare.length
      ? await Promise.all([
          contacts.byIds(
            db,
            bare.map((r) => r.contact_id),
          ),
          users.names(bare.flatMap((r) => (r.assignee_id ? [r.assignee_id] : []))),
        ])
      : [new Map<number, ContactRow>(), new Map<number, string>()];
    return {
      requester: (r: TicketRow): TicketView["requester"] => {
        if (hasPeople(r)) {
          return {
            id: r.contact_id,
            name: r.requester_name,
            email: r.requester_email,
            phone: r.requester_phone,
            whatsappId: r.requester_whatsapp_id,
            unverified: r.requester_unverified === 1,
          };
        }
        const c = contactRows.get(r.contact_id);
        return c
          ? contactView(c)
          : { id: r.contact_id, name: null, email: null, phone: null, whatsappId: null, unverified: false };
      },
      assignee: (r: TicketRow): TicketView["assignee"] =>
        r.assignee_id
          ? { id: r.assignee_id, name: (hasPeople(r) ? r.assignee_name : names.get(r.assignee_id)) ?? "" }
          : null,
    };
  }

  async function views(actor: Actor, rows: TicketRow[]): Promise<TicketView[]> {
    const [siteCodes, who, teams] = await Promise.all([
      sites.codes(rows.map((r) => r.site_id)),
      people(rows),
      vendors.slugs(rows.flatMap((r) => (r.vendor_team_id ? [r.vendor_team_id] : []))),
    ]);
    return rows.map((r) => {
      return {
        key: r.key,
        site: siteCodes.get(r.site_id) ?? "",
        subject: r.subject,
        status: r.status as Status,
        priority: r.priority as TicketView["priority"],
        category: r.category,
        tier: r.tier,
        channel: r.channel,
        requester: who.requester(r),
        assignee: who.assignee(r),
        vendorTeam: r.vendor_team_id ? (teams.get(r.vendor_team_id) ?? null) : null,
        product: r.product,
        module: r.module,
        productVersion: r.product_version,
        tags: JSON.parse(r.tags) as string[],
        version: r.version,
        createdAt: toIso(r.created_at),
        updatedAt: toIso(r.updated_at),
        firstResponseAt: toIsoOrNull(r.first_response_at),
        resolvedAt: toIsoOrNull(r.resolved_at),
        closedAt: toIsoOrNull(r.closed_at),
        slaDueAt: toIsoOrNull(r.sla_due_at),
        slaState: r.sla_state as TicketView["slaState"],
        actions: allowedActions(ticketPolicy, actor, subjectOf(r)),
      };
    });
  }

  /** Loads a ticket the actor may read; anything else is "not found", so keys of other sites do not leak. */
  async function visible(actor: Actor, key: string, exec: Db = db): Promise<TicketWithPeople> {
    return readable(actor, await repo.findByKey(key, exec));
  }

  /** The row if the actor may read it; anything else is "not found". */
  function readable<T extends TicketRow>(actor: Actor, row: T | undefined): T {
    // Workflows run by the hub itself (a shipped release's job) act on any ticket; what they may change is still checked.
    if (!row || !(actor.via === "system" || ticketPolicy.read(actor, subjectOf(row)))) throw ticketNotFound();
    return row;
  }

  /** Whether someone may hold the ticket: working staff of its site, or its vendor team at Level 3. */
  async function isAssignable(
    userId: number,
    t: { site_id: number; tier: number; vendor_team_id: number | null },
  ) {
    return (
      (await users.hasSiteRole(userId, t.site_id, WORKING_ROLES)) ||
      (t.tier === 3 && t.vendor_team_id !== null && (await users.inVendorTeam(userId, t.vendor_team_id)))
    );
  }

  async function assertAssignable(
    userId: number,
    t: { site_id: number; tier: number; vendor_team_id: number | null },
  ) {
    if (!(await isAssignable(userId, t))) throw assigneeNotEligible();
  }

  /** Runs a write transaction again when a concurrent writer got there first. */
  async function retrying<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (e) {
        if (!(isUniqueViolation(e) || e instanceof RetryableConflict)) throw e;
        if (attempt >= MAX_RETRIES) {
          throw e instanceof RetryableConflict
            ? conflict("ticket.busy", "The ticket is being changed by others; try again")
            : e;
        }
      }
    }
  }

  function attachmentView(
    key: string,
    a: {
      id: number;
      filename: string;
      content_type: string;
      size: number;
      visibility: string;
      message_id: number | null;
      created_at: number;
    },
  ): AttachmentView {
    return {
      id: a.id,
      filename: a.filename,
      contentType: a.content_type,
      size: a.size,
      visibility: a.visibility as AttachmentView["visibility"],
      messageId: a.message_id,
      createdAt: toIso(a.created_at),
      url: `/api/v1/tickets/${key}/attachments/${a.id}`,
    };
  }

  /** Checks category and priority against the reference data; returns the priority's sort rank. */
  async function checkReference(
    category: string | undefined,
    priority: string | undefined,
  ): Promise<number | undefined> {
    if (category !== undefined && !(await categories.isActive(category))) {
      throw invalid("ticket.unknown_category", `There is no active category ${category}`, [
        { field: "category", message: "unknown or inactive category" },
      ]);
    }
    if (priority === undefined) return undefined;
    const rank = await categories.priorityRank(priority);
    if (rank === undefined) {
      throw invalid("ticket.unknown_priority", `There is no priority ${priority}`, [
        { field: "priority", message: "unknown priority" },
      ]);
    }
    return rank;
  }

  return {
    ...deps,
    repo,
    observers,
    notify,
    openTicket,
    views,
    visible,
    readable,
    isAssignable,
    assertAssignable,
    retrying,
    attachmentView,
    checkReference,
  };
}
export type TicketsCore = ReturnType<typeof createTicketsCore>;
