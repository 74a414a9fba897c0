/** Roles granted per site by a membership. Engineers belong to vendor teams instead. */
export const SITE_ROLES = ["requester", "site_admin", "agent", "coordinator", "manager"] as const;
export type SiteRole = (typeof SITE_ROLES)[number];

/** Every role of the support model, for documentation and the policy matrix. */
export const ALL_ROLES = [...SITE_ROLES, "engineer", "hub_admin"] as const;
export type Role = (typeof ALL_ROLES)[number];

/** Scopes an API token may carry; a session carries them all. */
export const SCOPES = [
  "tickets:read",
  "tickets:write",
  "sites:read",
  "sites:write",
  "users:read",
  "users:write",
] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is making a request, with everything the policies need, loaded once per request. */
export type Actor = {
  userId: number;
  email: string;
  name: string;
  hubAdmin: boolean;
  /** siteId to the roles held there */
  roles: ReadonlyMap<number, ReadonlySet<SiteRole>>;
  vendorTeamIds: readonly number[];
  scopes: ReadonlySet<Scope>;
  via: "session" | "token" | "system";
};

/** Staff roles that work a site's tickets (not requesters, not read-only managers). */
export const WORKING_ROLES: readonly SiteRole[] = ["site_admin", "agent", "coordinator"];
/** Roles that may read everything of a site. */
export const SITE_READ_ROLES: readonly SiteRole[] = ["site_admin", "agent", "coordinator", "manager"];

export function hasRole(actor: Actor, siteId: number, roles: readonly SiteRole[]): boolean {
  const held = actor.roles.get(siteId);
  return !!held && roles.some((r) => held.has(r));
}

export const isMember = (actor: Actor, siteId: number): boolean => (actor.roles.get(siteId)?.size ?? 0) > 0;

/** The sites where the actor holds any of the given roles. */
export function sitesWithRole(actor: Actor, roles: readonly SiteRole[]): number[] {
  const out: number[] = [];
  for (const [siteId, held] of actor.roles) if (roles.some((r) => held.has(r))) out.push(siteId);
  return out;
}

export const isEngineer = (actor: Actor): boolean => actor.vendorTeamIds.length > 0;

/** The actor for the command line and start-up tasks: a hub admin with every scope. */
export const systemActor: Actor = {
  userId: 0,
  email: "system@tierdesk.local",
  name: "Tierdesk",
  hubAdmin: true,
  roles: new Map(),
  vendorTeamIds: [],
  scopes: new Set(SCOPES),
  via: "system",
};

/**
 * Someone on the public portal without an account, reading the knowledge base as a requester of the
 * site they came for (or of no site), and nothing more. Records written for them carry no user.
 */
export const visitorActor = (siteId: number | null): Actor => ({
  userId: 0,
  email: "",
  name: "portal visitor",
  hubAdmin: false,
  roles: siteId === null ? new Map() : new Map([[siteId, new Set<SiteRole>(["requester"])]]),
  vendorTeamIds: [],
  scopes: new Set<Scope>(["tickets:read"]),
  via: "session",
});

/** The user id to record for an actor's writes; start-up, CLI and job work is recorded as no one. */
export const actorUserId = (a: Actor): number | null => (a.via === "system" ? null : a.userId);
