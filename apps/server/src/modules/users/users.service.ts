import type { Db } from "../../db/database.js";
import { isUniqueViolation } from "../../db/database.js";
import type { Actor, Scope, SiteRole } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso } from "../../shared/clock.js";
import { conflict, forbidden, invalid, notFound } from "../../shared/errors.js";
import { allowedActions, authorize, authorizeVisible } from "../../shared/policy.js";
import { hashPassword } from "../auth/auth.passwords.js";
import type { SitesService } from "../sites/sites.service.js";
import type { VendorsService } from "../vendors/vendors.service.js";
import { listableSiteIds, type UserSubject, userPolicy } from "./users.policy.js";
import { createUsersRepository, type UserRow } from "./users.repository.js";
import type { UserInput, UserUpdate, UserView } from "./users.schemas.js";

type Deps = { db: Db; clock: Clock; sites: SitesService; vendors: VendorsService };
type ActorChangeListener = (userId: number, change: { access: boolean }) => void | Promise<void>;

/** People: staff and requesters, their per-site roles and vendor teams. */
export function createUsersService({ db, clock, sites, vendors }: Deps) {
  const repo = createUsersRepository(db);
  const actorListeners: Array<ActorChangeListener> = [];

  /** What a user's access is made of (hub admin, disabled, memberships, vendor teams), to compare. */
  async function accessOf(id: number): Promise<string> {
    const rows = await repo.actorRows(id);
    return rows.map((r) => (r.kind === "u" ? `u:${r.n1}:${r.n2}` : `${r.kind}:${r.n1}:${r.t1}`)).join("|");
  }

  async function views(actor: Actor, rows: UserRow[]): Promise<UserView[]> {
    const ids = rows.map((r) => r.id);
    const [memberships, teams] = await Promise.all([repo.memberships(ids), repo.teams(ids)]);
    return rows.map((r) => {
      const mine = memberships.filter((m) => m.user_id === r.id);
      const myTeams = teams.filter((t) => t.user_id === r.id);
      const subject: UserSubject = {
        id: r.id,
        hubAdmin: r.is_hub_admin === 1,
        siteIds: [...new Set(mine.map((m) => m.site_id))],
        hasVendorTeam: myTeams.length > 0,
        isStaff: mine.some((m) => m.role !== "requester"),
      };
      return {
        id: r.id,
        email: r.email,
        name: r.name,
        language: r.language,
        hubAdmin: r.is_hub_admin === 1,
        disabled: r.disabled === 1,
        memberships: mine.map((m) => ({ site: m.site_code, role: m.role })),
        vendorTeams: myTeams.map((t) => t.slug),
        createdAt: toIso(r.created_at),
        actions: allowedActions(userPolicy, actor, subject),
      };
    });
  }

  async function subject(id: number): Promise<UserSubject | undefined> {
    const row = await repo.findById(id);
    if (!row) return undefined;
    const [m, t] = await Promise.all([repo.memberships([id]), repo.teams([id])]);
    return {
      id,
      hubAdmin: row.is_hub_admin === 1,
      siteIds: [...new Set(m.map((x) => x.site_id))],
      hasVendorTeam: t.length > 0,
      isStaff: m.some((x) => x.role !== "requester"),
    };
  }

  async function resolveMemberships(list: Array<{ site: string; role: SiteRole }>) {
    const { found, missing } = await sites.resolveCodes(list.map((m) => m.site));
    if (missing.length) {
      throw invalid(
        "user.unknown_site",
        "Some memberships name sites that do not exist",
        missing.map((code) => ({ field: "memberships", message: `no site ${code}` })),
      );
    }
    const byCode = new Map(found.map((s) => [s.code, s.id]));
    return list.map((m) => ({ site_id: byCode.get(m.site) as number, role: m.role }));
  }

  async function resolveTeams(slugs: string[]) {
    const { ids, missing } = await vendors.resolveSlugs(slugs);
    if (missing.length) {
      throw invalid(
        "user.unknown_vendor_team",
        "Some vendor teams do not exist",
        missing.map((slug) => ({ field: "vendorTeams", message: `no vendor team ${slug}` })),
      );
    }
    return slugs.map((s) => ids.get(s) as number);
  }

  async function visible(actor: Actor, id: number): Promise<UserRow> {
    const row = await repo.findById(id);
    const subj = row && (await subject(id));
    if (!row || !subj) throw notFound("user.not_found", "No such user");
    authorizeVisible(actor, userPolicy.read, subj, "user.not_found");
    return row;
  }

  return {
    subject,
    async list(actor: Actor, filter: { site?: string; role?: string; q?: string }): Promise<UserView[]> {
      let siteIds = listableSiteIds(actor);
      if (filter.site) {
        const { found } = await sites.resolveCodes([filter.site]);
        const id = found[0]?.id;
        siteIds = id !== undefined && (siteIds === null || siteIds.includes(id)) ? [id] : [];
      }
      if (siteIds && !siteIds.length) return [];
      const rows = await repo.list({ siteIds, role: filter.role, q: filter.q, limit: 500 });
      return views(actor, rows);
    },
    async get(actor: Actor, id: number): Promise<UserView> {
      const [v] = await views(actor, [await visible(actor, id)]);
      return v as UserView;
    },
    async create(actor: Actor, input: UserInput): Promise<UserView> {
      if (!actor.hubAdmin) throw forbidden();
      const memberships = await resolveMemberships(input.memberships);
      const teamIds = await resolveTeams(input.vendorTeams);
      const now = clock.now();
      try {
        const id = await repo.save({
          row: {
            email: input.email,
            name: input.name,
            password_hash: input.password ? await hashPassword(input.password) : null,
            is_hub_admin: input.hubAdmin ? 1 : 0,
            language: input.language,
            disabled: 0,
            created_at: now,
            updated_at: now,
          },
          memberships,
          teamIds,
          now,
        });
        return this.get(actor, id);
      } catch (e) {
        if (isUniqueViolation(e)) {
          throw conflict("user.email_taken", "A user with this email exists", [
            { field: "email", message: "already in use" },
          ]);
        }
        throw e;
      }
    },
    async update(actor: Actor, id: number, patch: UserUpdate): Promise<UserView> {
      const row = await visible(actor, id);
      const subj = (await subject(row.id)) as UserSubject;
      authorize(actor, userPolicy.update, subj);
      if (actor.userId === id && (patch.hubAdmin === false || patch.disabled === true)) {
        throw invalid(
          "user.cannot_lock_out_self",
          "You cannot remove your own hub-admin role or disable yourself",
        );
      }
      const accessBefore = await accessOf(id);
      await repo.save({
        id,
        row: {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.language !== undefined ? { language: patch.language } : {}),
          ...(patch.disabled !== undefined ? { disabled: patch.disabled ? 1 : 0 } : {}),
          ...(patch.hubAdmin !== undefined ? { is_hub_admin: patch.hubAdmin ? 1 : 0 } : {}),
          updated_at: clock.now(),
        },
        ...(patch.memberships ? { memberships: await resolveMemberships(patch.memberships) } : {}),
        ...(patch.vendorTeams ? { teamIds: await resolveTeams(patch.vendorTeams) } : {}),
        now: clock.now(),
      });
      const access = (await accessOf(id)) !== accessBefore;
      for (const listener of actorListeners) await listener(id, { access });
      return this.get(actor, id);
    },
    /** Loads everything the policies need about a user, or undefined if unknown or disabled. */
    async loadActor(
      userId: number,
      scopes: ReadonlySet<Scope>,
      via: Actor["via"],
    ): Promise<Actor | undefined> {
      const rows = await repo.actorRows(userId);
      const user = rows.find((r) => r.kind === "u");
      if (!user || user.n2) return undefined;
      const roles = new Map<number, Set<SiteRole>>();
      const vendorTeamIds: number[] = [];
      for (const r of rows) {
        if (r.kind === "m") {
          const held = roles.get(r.n1) ?? new Set<SiteRole>();
          held.add(r.t1 as SiteRole);
          roles.set(r.n1, held);
        } else if (r.kind === "t") vendorTeamIds.push(r.n1);
      }
      return {
        userId,
        email: user.t1 as string,
        name: user.t2 as string,
        hubAdmin: user.n1 === 1,
        roles,
        vendorTeamIds,
        scopes,
        via,
      };
    },
    /**
     * Calls `listener` with the user's id after anything an actor is made of (disabled, hub admin,
     * memberships, vendor teams, name) changed in this process, and waits for it; `access` tells whether
     * more than the name changed. The auth service drops its cached actors of that user and their unused
     * reset links; the live hub checks their open streams again.
     */
    onActorChange(listener: ActorChangeListener): void {
      actorListeners.push(listener);
    },
    findByEmail: (email: string) => repo.findByEmail(email),
    findById: (id: number) => repo.findById(id),
    async setPassword(userId: number, password: string): Promise<void> {
      await repo.setPassword(userId, await hashPassword(password), clock.now());
    },
    /** Whether an enabled user holds one of the roles at the site, for assignment checks. */
    async hasSiteRole(userId: number, siteId: number, roles: readonly string[]): Promise<boolean> {
      const row = await db
        .selectFrom("memberships")
        .innerJoin("users", "users.id", "memberships.user_id")
        .select("memberships.user_id")
        .where("memberships.user_id", "=", userId)
        .where("memberships.site_id", "=", siteId)
        .where("memberships.role", "in", roles)
        .where("users.disabled", "=", 0)
        .executeTakeFirst();
      return !!row;
    },
    /** Enabled users holding one of the roles at a site, for notifying a level's people. */
    async idsWithSiteRole(siteId: number, roles: readonly string[], exec: Db = db): Promise<number[]> {
      const rows = await exec
        .selectFrom("memberships")
        .innerJoin("users", "users.id", "memberships.user_id")
        .select("memberships.user_id")
        .distinct()
        .where("memberships.site_id", "=", siteId)
        .where("memberships.role", "in", roles)
        .where("users.disabled", "=", 0)
        .execute();
      return rows.map((r) => r.user_id);
    },
    /** Enabled members of a vendor team, for paging Level 3. */
    async vendorTeamMemberIds(teamId: number, exec: Db = db): Promise<number[]> {
      const rows = await exec
        .selectFrom("vendor_team_members")
        .innerJoin("users", "users.id", "vendor_team_members.user_id")
        .select("vendor_team_members.user_id")
        .where("vendor_team_members.team_id", "=", teamId)
        .where("users.disabled", "=", 0)
        .execute();
      return rows.map((r) => r.user_id);
    },
    async inVendorTeam(userId: number, teamId: number): Promise<boolean> {
      const teams = await repo.teams([userId]);
      return teams.some((t) => t.team_id === teamId);
    },
    /** Names of users by id, for showing authors and assignees. */
    async names(ids: number[]): Promise<Map<number, string>> {
      const unique = [...new Set(ids)];
      if (!unique.length) return new Map();
      const rows = await db.selectFrom("users").select(["id", "name"]).where("id", "in", unique).execute();
      return new Map(rows.map((r) => [r.id, r.name]));
    },
  };
}
export type UsersService = ReturnType<typeof createUsersService>;
