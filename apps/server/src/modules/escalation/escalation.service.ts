import type { Db } from "../../db/database.js";
import { isUniqueViolation } from "../../db/database.js";
import { type Actor, actorUserId, systemActor, WORKING_ROLES } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso } from "../../shared/clock.js";
import { AppError } from "../../shared/errors.js";
import { authorize } from "../../shared/policy.js";
import type { CategoriesService } from "../categories/categories.service.js";
import type { NotificationsService } from "../notifications/notifications.service.js";
import type { SitesService } from "../sites/sites.service.js";
import { ticketPolicy } from "../tickets/tickets.policy.js";
import type { TicketRow } from "../tickets/tickets.repository.js";
import type { TicketDetail } from "../tickets/tickets.schemas.js";
import { subjectOf, type TicketsService } from "../tickets/tickets.service.js";
import type { UsersService } from "../users/users.service.js";
import type { VendorsService } from "../vendors/vendors.service.js";
import {
  type DossierData,
  mergeDossier,
  missingFields,
  renderMarkdown,
  sameDossier,
} from "./escalation.dossier.js";
import {
  answerRequired,
  dossierIncomplete,
  dossierNotFound,
  escalationForbidden,
  escalationRaced,
  evidenceUnknown,
  notForThisMove,
  vendorTeamUndecided,
  vendorTeamUnknown,
} from "./escalation.errors.js";
import { createOnCall } from "./escalation.oncall.js";
import {
  type EscalationSubject,
  escalationPolicy,
  HIGHEST_TIER,
  LOWEST_TIER,
  ON_CALL_ROLES,
  planMove,
} from "./escalation.policy.js";
import { createEscalationRepository, type DossierRow } from "./escalation.repository.js";
import type { DossierInput, DossierView, EscalationInput, EscalationOptions } from "./escalation.schemas.js";

type Deps = {
  db: Db;
  clock: Clock;
  publicUrl: string;
  tickets: TicketsService;
  categories: CategoriesService;
  sites: SitesService;
  users: UsersService;
  vendors: VendorsService;
  notifications: NotificationsService;
};
type SiteInfo = {
  id: number;
  code: string;
  name: string;
  country: string;
  product: string;
  productVersion: string | null;
};
type Team = { id: number; slug: string };

const LEVEL2_ROLES = ON_CALL_ROLES[2];

/**
 * Moving tickets between levels (escalation and hand-back), the versioned Level 3 dossier, and paging
 * the on-call people of the receiving level on the expedited path.
 */
export function createEscalationService(deps: Deps) {
  const { db, clock, tickets, categories, sites, users, vendors, notifications } = deps;
  const repo = createEscalationRepository(db);
  const onCall = createOnCall({ repo, sites, users });
  const base = deps.publicUrl.replace(/\/+$/, "");

  async function siteOf(t: TicketRow): Promise<SiteInfo> {
    const record = await sites.byId(t.site_id);
    // The site is known to exist (the ticket references it); the system actor may read every site.
    const site = await sites.get(systemActor, (record as { code: string }).code);
    return {
      id: t.site_id,
      code: site.code,
      name: site.name,
      country: site.country,
      product: site.product,
      productVersion: site.productVersion,
    };
  }

  async function subjectFor(t: TicketRow): Promise<EscalationSubject> {
    return {
      ...subjectOf(t),
      expedited: await categories.isExpedited(t.priority),
      closed: t.status === "closed",
    };
  }

  /** What the ticket already says, so nobody types it twice; a stored version overrides it. */
  function defaultsOf(t: TicketRow, site: SiteInfo): DossierData {
    const out: DossierData = { summary: t.subject };
    if (t.module) out.module = t.module;
    const version = t.product_version ?? site.productVersion;
    if (version) out.productVersion = version;
    return out;
  }

  /** The dossier as it would be stored now: defaults, the latest version, then the patch. */
  async function compose(t: TicketRow, site: SiteInfo, patch: DossierInput | undefined, exec: Db = db) {
    const latest = await repo.latestDossier(t.id, exec);
    const stored = latest ? (JSON.parse(latest.data) as DossierData) : {};
    const data = mergeDossier({ ...defaultsOf(t, site), ...stored }, patch);
    return { data, changed: !latest || !sameDossier(data, stored), missing: missingFields(data) };
  }

  /** Evidence must be files of this ticket that the actor can see. */
  async function checkEvidence(actor: Actor, key: string, patch: DossierInput | undefined, prefix: string) {
    const ids = patch?.evidence?.attachmentIds ?? [];
    if (!ids.length) return;
    const known = new Set((await tickets.listAttachments(actor, key)).map((a) => a.id));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length) throw evidenceUnknown(`${prefix}evidence.attachmentIds`, unknown);
  }

  async function storeDossier(tx: Db, actor: Actor, t: TicketRow, data: DossierData, complete: boolean) {
    const now = clock.now();
    const version = await repo.insertDossier(tx, {
      ticket_id: t.id,
      data: JSON.stringify(data),
      created_by: actorUserId(actor),
      created_at: now,
    });
    await tickets.recordSystemChange(
      tx,
      t.id,
      {},
      [{ type: "dossier.updated", actorUserId: actorUserId(actor), after: { version, complete } }],
      now,
    );
    return version;
  }

  async function vendorTeamFor(t: TicketRow, site: SiteInfo, slug: string | undefined): Promise<Team> {
    if (slug) {
      const id = (await vendors.resolveSlugs([slug])).ids.get(slug);
      if (id === undefined) throw vendorTeamUnknown(slug);
      return { id, slug };
    }
    const product = t.product ?? site.product;
    const teams = (await vendors.list()).filter((v) => v.product?.toLowerCase() === product.toLowerCase());
    const [team] = teams;
    if (!team || teams.length > 1)
      throw vendorTeamUndecided(
        teams.length
          ? `Several vendor teams work on ${product}; name one`
          : `No vendor team works on ${product}`,
      );
    return { id: team.id, slug: team.slug };
  }

  /** The people to page at the receiving level: its on-call rota, else everyone who works that level. */
  async function pageesFor(actor: Actor, site: SiteInfo, tier: number, team: Team | null): Promise<number[]> {
    let ids = (await repo.onCall(site.id, tier)).map((r) => r.user_id);
    if (!ids.length && tier === HIGHEST_TIER && team) {
      ids = await users.vendorTeamMemberIds(team.id);
    } else if (!ids.length) {
      ids = await users.idsWithSiteRole(site.id, tier === 2 ? LEVEL2_ROLES : WORKING_ROLES);
    }
    return [...new Set(ids)].filter((id) => id !== actor.userId);
  }

  async function view(actor: Actor, t: TicketRow, site: SiteInfo, row: DossierRow): Promise<DossierView> {
    const data = JSON.parse(row.data) as DossierData;
    const ids = data.evidence?.attachmentIds ?? [];
    const files = ids.length
      ? (await tickets.listAttachments(actor, t.key)).filter((a) => ids.includes(a.id))
      : [];
    const names = await users.names(row.created_by ? [row.created_by] : []);
    const summary = data.summary ?? null;
    return {
      ticket: {
        key: t.key,
        url: `${base}/api/v1/tickets/${t.key}`,
        subject: t.subject,
        category: t.category,
        priority: t.priority,
        status: t.status,
        tier: t.tier,
      },
      version: row.version,
      createdAt: toIso(row.created_at),
      createdBy: row.created_by ? { id: row.created_by, name: names.get(row.created_by) ?? "" } : null,
      complete: missingFields(data).length === 0,
      missing: missingFields(data).map((m) => m.field),
      title: `[${t.key}] ${summary ?? t.subject}`,
      labels: [
        "tierdesk",
        `site:${site.code}`,
        `category:${t.category}`,
        ...(data.severity ? [`severity:${data.severity}`] : []),
      ],
      site: { code: site.code, name: site.name, country: site.country },
      product: {
        name: t.product ?? site.product,
        version: data.productVersion ?? null,
        module: data.module ?? null,
      },
      summary,
      description: data.description ?? null,
      stepsToReproduce: data.stepsToReproduce ?? [],
      applicationUrl: data.applicationUrl ?? null,
      impactedUsers: data.impactedUsers ?? null,
      impactedRoles: data.impactedRoles ?? [],
      browserAndDevice: data.browserAndDevice ?? null,
      evidence: {
        attachments: files.map((a) => ({
          id: a.id,
          filename: a.filename,
          contentType: a.contentType,
          size: a.size,
          url: `${base}${a.url}`,
        })),
        noEvidenceReason: data.evidence?.noEvidenceReason ?? null,
      },
      severity: data.severity ?? null,
      workaroundExists: data.workaroundExists ?? null,
      workaround: data.workaround ?? null,
    };
  }

  /** A ticket whose internal side (notes, dossier) the actor may read; requesters get 403 as for events. */
  async function internalRow(actor: Actor, key: string): Promise<TicketRow> {
    const t = await tickets.visibleRow(actor, key);
    authorize(actor, ticketPolicy.readInternal, subjectOf(t));
    return t;
  }

  return {
    /**
     * Moves a ticket up or down one level (critical ones may skip one level up) in one transaction
     * with its tier history, the dossier version and the pages. Returns the ticket, or null when the
     * actor handed it out of their own sight (a vendor engineer handing back from Level 3).
     */
    async escalate(actor: Actor, key: string, input: EscalationInput): Promise<TicketDetail | null> {
      const t = await tickets.visibleRow(actor, key);
      const subject = await subjectFor(t);
      const plan = planMove(actor, subject, input);
      if (!plan.ok) throw plan.error;
      const { from, to } = plan;
      const up = input.direction === "up";
      if (!up && !input.answer) throw answerRequired();
      if (to !== HIGHEST_TIER && input.dossier) throw notForThisMove("dossier");
      if (to !== HIGHEST_TIER && input.vendorTeam) throw notForThisMove("vendorTeam");

      const site = await siteOf(t);
      let team: Team | null = null;
      if (to === HIGHEST_TIER) {
        await checkEvidence(actor, key, input.dossier, "dossier.");
        const draft = await compose(t, site, input.dossier);
        if (draft.missing.length) throw dossierIncomplete(draft.missing);
        team = await vendorTeamFor(t, site, input.vendorTeam);
      }
      const paged = up && subject.expedited ? await pageesFor(actor, site, to, team) : [];
      // The answer goes in as a note by its author before the move: a vendor engineer handing back
      // from Level 3 can no longer write on the ticket afterwards. The tier event carries it too.
      if (!up)
        await tickets.addMessage(actor, key, {
          kind: "note",
          body: `Answer: ${input.answer}`,
          attachmentIds: [],
        });

      await tickets.moveTier(actor, key, to, input.reason, {
        ...(team ? { vendorTeamId: team.id, status: "pending-vendor" as const } : {}),
        ...(from === HIGHEST_TIER
          ? { vendorTeamId: null, ...(t.status === "pending-vendor" ? { status: "open" as const } : {}) }
          : {}),
        event: {
          direction: input.direction,
          expedited: subject.expedited,
          skipped: plan.skipped,
          ...(team ? { vendorTeam: team.slug } : {}),
          ...(input.answer ? { answer: input.answer } : {}),
          ...(input.criteriaChecked ? { criteriaChecked: input.criteriaChecked } : {}),
          ...(paged.length ? { paged } : {}),
        },
        inTx: async (tx, before) => {
          if (before.tier !== from) throw escalationRaced();
          if (to === HIGHEST_TIER) {
            // Composed again inside the transaction, over whatever version is latest now.
            const draft = await compose(before, site, input.dossier, tx);
            if (draft.missing.length) throw dossierIncomplete(draft.missing);
            if (draft.changed) await storeDossier(tx, actor, before, draft.data, true);
          }
          await notifications.queue(tx, {
            userIds: paged,
            kind: "escalation.page",
            ticketId: before.id,
            title: `${before.priority} ticket ${key} escalated to Level ${to}: ${before.subject}`,
            body: input.reason,
            dedupeKey: `escalation.page:${before.id}:${before.version}`,
          });
        },
      });
      try {
        return await tickets.get(actor, key);
      } catch (e) {
        if (e instanceof AppError && e.status === 404) return null;
        throw e;
      }
    },

    /** What the actor may do with the ticket's level: per target tier, the verdict, criteria and dossier gaps. */
    async options(actor: Actor, key: string): Promise<EscalationOptions> {
      const t = await internalRow(actor, key);
      const subject = await subjectFor(t);
      const [criteria, site] = await Promise.all([categories.criteria(t.category), siteOf(t)]);
      const { missing } = await compose(t, site, undefined);
      const moves = [];
      for (let to = LOWEST_TIER; to <= HIGHEST_TIER; to++) {
        if (to === t.tier) continue;
        const direction = to > t.tier ? ("up" as const) : ("down" as const);
        const plan = planMove(actor, subject, { direction, toTier: to });
        moves.push({
          toTier: to,
          direction,
          allowed: plan.ok,
          code: plan.ok ? null : plan.error.code,
          reason: plan.ok ? null : plan.error.message,
          criteria: direction === "up" ? (criteria[String(to) as "2" | "3"] ?? []) : [],
          dossierRequired: to === HIGHEST_TIER,
          dossierMissing: to === HIGHEST_TIER ? missing.map((m) => m.field) : [],
        });
      }
      return {
        key,
        tier: t.tier,
        priority: t.priority,
        category: t.category,
        expedited: subject.expedited,
        moves,
      };
    },

    /** Stores a new dossier version (drafts may be partial); earlier versions stay as they were. */
    async putDossier(actor: Actor, key: string, patch: DossierInput): Promise<DossierView> {
      const t = await internalRow(actor, key);
      if (!escalationPolicy.editDossier(actor, await subjectFor(t)))
        throw escalationForbidden(
          "Only the site's agents and coordinators, or the vendor team on it, edit the dossier",
        );
      await checkEvidence(actor, key, patch, "");
      const site = await siteOf(t);
      for (let attempt = 1; ; attempt++) {
        try {
          const version = await db.transaction().execute(async (tx) => {
            const draft = await compose(t, site, patch, tx);
            return storeDossier(tx, actor, t, draft.data, !draft.missing.length);
          });
          return this.dossier(actor, key, version);
        } catch (e) {
          if (!isUniqueViolation(e) || attempt >= 3) throw e;
        }
      }
    },

    /** The latest dossier version, or the one asked for. */
    async dossier(actor: Actor, key: string, version?: number): Promise<DossierView> {
      const t = await internalRow(actor, key);
      const row = version ? await repo.dossierVersion(t.id, version) : await repo.latestDossier(t.id);
      if (!row) throw dossierNotFound();
      return view(actor, t, await siteOf(t), row);
    },

    dossierMarkdown: (v: DossierView): string => renderMarkdown(v),

    async dossierVersions(actor: Actor, key: string) {
      const t = await internalRow(actor, key);
      const rows = await repo.dossierVersions(t.id);
      const names = await users.names(rows.flatMap((r) => (r.created_by ? [r.created_by] : [])));
      return rows.map((r) => {
        const missing = missingFields(JSON.parse(r.data) as DossierData).map((m) => m.field);
        return {
          version: r.version,
          createdAt: toIso(r.created_at),
          createdBy: r.created_by ? { id: r.created_by, name: names.get(r.created_by) ?? "" } : null,
          complete: missing.length === 0,
          missing,
        };
      });
    },

    ...onCall,
  };
}
export type EscalationService = ReturnType<typeof createEscalationService>;
