import { type Selectable, sql } from "kysely";
import type { Db } from "../../db/database.js";
import type { UsersTable } from "../../db/schema.js";
import { containsText } from "../../shared/text.js";

export type UserRow = Selectable<UsersTable>;
export type MembershipRow = { user_id: number; site_id: number; site_code: string; role: string };
export type TeamRow = { user_id: number; team_id: number; slug: string };
/**
 * One row of the actor query: kind "u" is the user (n1 = is_hub_admin, n2 = disabled, t1 = email,
 * t2 = name), "m" a membership (n1 = site id, t1 = role, t2 = site code), "t" a vendor team (n1 = team
 * id, t2 = slug). Ordered by kind, then t2, then t1, as `memberships` and `teams` order theirs.
 */
export type ActorRow = {
  kind: "u" | "m" | "t";
  n1: number;
  n2: number;
  t1: string | null;
  t2: string | null;
};

/** SQL for users, memberships and vendor-team membership. */
export function createUsersRepository(db: Db) {
  return {
    findById: (id: number) => db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst(),
    findByEmail: (email: string) =>
      db.selectFrom("users").selectAll().where("email", "=", email.toLowerCase()).executeTakeFirst(),
    /** Users, optionally only those with a membership at one of `siteIds` (null: everyone). */
    list(filter: { siteIds: number[] | null; role?: string; q?: string; limit: number }): Promise<UserRow[]> {
      let q = db
        .selectFrom("users")
        .selectAll("users")
        .orderBy("users.name")
        .orderBy("users.id")
        .limit(filter.limit);
      if (filter.siteIds || filter.role) {
        q = q.where("users.id", "in", (sub) => {
          let m = sub.selectFrom("memberships").select("memberships.user_id");
          if (filter.siteIds)
            m = m.where("memberships.site_id", "in", filter.siteIds.length ? filter.siteIds : [-1]);
          if (filter.role) m = m.where("memberships.role", "=", filter.role);
          return m;
        });
      }
      if (filter.q) {
        const text = filter.q;
        q = q.where((eb) => eb.or([containsText("users.name", text), containsText("users.email", text)]));
      }
      return q.execute();
    },
    memberships(userIds: number[]): Promise<MembershipRow[]> {
      if (!userIds.length) return Promise.resolve([]);
      return db
        .selectFrom("memberships")
        .innerJoin("sites", "sites.id", "memberships.site_id")
        .select(["memberships.user_id", "memberships.site_id", "sites.code as site_code", "memberships.role"])
        .where("memberships.user_id", "in", userIds)
        .orderBy("sites.code")
        .orderBy("memberships.role")
        .execute();
    },
    teams(userIds: number[]): Promise<TeamRow[]> {
      if (!userIds.length) return Promise.resolve([]);
      return db
        .selectFrom("vendor_team_members")
        .innerJoin("vendor_teams", "vendor_teams.id", "vendor_team_members.team_id")
        .select(["vendor_team_members.user_id", "vendor_team_members.team_id", "vendor_teams.slug"])
        .where("vendor_team_members.user_id", "in", userIds)
        .orderBy("vendor_teams.slug")
        .execute();
    },
    /**
     * The user, their memberships and their vendor teams in one round trip (UNION ALL), for the
     * actor of every authenticated request.
     */
    async actorRows(userId: number): Promise<ActorRow[]> {
      const res = await sql<ActorRow>`
        select 'u' as kind, u.is_hub_admin as n1, u.disabled as n2, u.email as t1, u.name as t2
          from users u where u.id = ${userId}
        union all
        select 'm', m.site_id, 0, m.role, s.code
          from memberships m join sites s on s.id = m.site_id where m.user_id = ${userId}
        union all
        select 't', vm.team_id, 0, null, vt.slug
          from vendor_team_members vm join vendor_teams vt on vt.id = vm.team_id where vm.user_id = ${userId}
        order by kind, t2, t1`.execute(db);
      return res.rows.map((r) => ({ ...r, n1: Number(r.n1), n2: Number(r.n2) }));
    },
    /** Inserts or updates a user with its memberships and teams in one transaction. */
    save(input: {
      id?: number;
      row: Partial<Omit<UserRow, "id">>;
      memberships?: Array<{ site_id: number; role: string }>;
      teamIds?: number[];
      now: number;
    }): Promise<number> {
      return db.transaction().execute(async (tx) => {
        let id = input.id;
        if (id === undefined) {
          const created = await tx
            .insertInto("users")
            .values(input.row as Omit<UserRow, "id">)
            .returning("id")
            .executeTakeFirstOrThrow();
          id = created.id;
        } else if (Object.keys(input.row).length) {
          await tx.updateTable("users").set(input.row).where("id", "=", id).execute();
        }
        if (input.memberships) {
          await tx.deleteFrom("memberships").where("user_id", "=", id).execute();
          const unique = new Map(input.memberships.map((m) => [`${m.site_id}:${m.role}`, m]));
          if (unique.size) {
            await tx
              .insertInto("memberships")
              .values(
                [...unique.values()].map((m) => ({ user_id: id as number, ...m, created_at: input.now })),
              )
              .execute();
          }
        }
        if (input.teamIds) {
          await tx.deleteFrom("vendor_team_members").where("user_id", "=", id).execute();
          const teams = [...new Set(input.teamIds)];
          if (teams.length) {
            await tx
              .insertInto("vendor_team_members")
              .values(teams.map((team_id) => ({ user_id: id as number, team_id, created_at: input.now })))
              .execute();
          }
        }
        return id;
      });
    },
    setPassword: (id: number, hash: string, now: number) =>
      db.updateTable("users").set({ password_hash: hash, updated_at: now }).where("id", "=", id).execute(),
  };
}
export type UsersRepository = ReturnType<typeof createUsersRepository>;
