import { multipart, type Req } from "./isolation-http.js";
import {
  type HubWorld,
  type MarkerClass,
  prefixOf,
  type SiteWorld,
  type TicketName,
} from "./isolation-world.js";

// The isolation matrix's table: for every operation of the OpenAPI document ("METHOD path"), how to name the
// foreign site's objects in it, or why it names none. isolation-matrix.test.ts fails on an operation missing
// here and on an entry the document no longer has.

/** The roles of the matrix's actors, who all belong to the own site only (hub admins to none). */
export type RoleName =
  | "requester"
  | "site_admin"
  | "agent"
  | "coordinator"
  | "manager"
  | "engineer"
  | "hub_admin";

/**
 * Fills one request. `s` is the site whose object the request names: the foreign site (the probe), the
 * actor's own site (the sanity check) or a copy of the foreign site whose ids and keys exist nowhere (what
 * "not found" looks like). `own` is always the actor's own site, for requests that mix the two.
 */
export type Fill = (s: SiteWorld, own: SiteWorld, hub: HubWorld) => Req;

export type Probe = {
  what: string;
  req: Fill;
  /**
   * An object probe answers exactly as for an object that does not exist (same status and problem code),
   * holds no foreign marker, and changes nothing. A scan probe (lists, search, anything without one object)
   * is only checked for foreign markers.
   */
  scan?: true;
  /** the role whose request against its own site's object must succeed (2xx), so a broken fill cannot pass */
  positive?: RoleName | "anonymous";
  /** and whose answer must show the own site's marker of this class, so a list that shows nothing cannot pass */
  shows?: MarkerClass;
  /** who reaches the foreign object by design: hub admins (a site's configuration, its people) or KB editors */
  mayReach?: "hub_admin" | "kb_editor";
  /** the object's existence is public (site codes: anyone may file a request at any site), so 403 is fine */
  existencePublic?: true;
  /** KB editors see who wrote each revision, people of the foreign site too (their names: marker c) */
  editorsSeeAuthors?: true;
};

/** An operation that names owned objects (probes), or one that names none (with why, and optional scans). */
export type Entry = { probes: Probe[] } | { none: string; probes?: Probe[] };

const get = (url: string): Req => ({ method: "GET", url });
const q = (v: string) => encodeURIComponent(v);
const key = (s: SiteWorld, t: TicketName = "main") => s.tickets[t].key;
let unique = 0;
const fresh = (what: string) => `${what}-${Date.now().toString(36)}-${++unique}`;

const REQUESTER = { name: "Matrix Caller", email: "caller@matrix.test" };
const DOSSIER = (evidence: number) => ({
  module: "Certificates",
  summary: "Certificates print the wrong district",
  description: "Every certificate printed since the upgrade shows the old district name.",
  stepsToReproduce: ["Open a registered record", "Print the certificate"],
  productVersion: "1.8.1",
  applicationUrl: "https://crvs.example.org/records",
  impactedUsers: "All registrars of the site",
  impactedRoles: ["registrar"],
  browserAndDevice: "Chrome 126 on Windows 11",
  evidence: { attachmentIds: [evidence] },
  severity: "high",
  workaroundExists: false,
});

/** A GET of a ticket's sub-resource: the foreign main ticket (agents) and the foreign Level 3 ticket (engineers). */
const readTicket = (sub: string, shows?: MarkerClass, first: TicketName = "main"): Probe[] => [
  {
    what: "a foreign ticket",
    req: (s) => get(`/api/v1/tickets/${key(s, first)}${sub}`),
    positive: "agent",
    ...(shows ? { shows } : {}),
  },
  {
    what: "a foreign Level 3 ticket of another vendor team",
    req: (s) => get(`/api/v1/tickets/${key(s, "l3")}${sub}`),
    positive: "engineer",
  },
];

const ICS = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "PRODID:-//matrix//EN",
  "BEGIN:VEVENT",
  "UID:matrix-holiday@test",
  "DTSTART;VALUE=DATE:20261226",
  "SUMMARY:Boxing day",
  "END:VEVENT",
  "END:VCALENDAR",
  "",
].join("\r\n");

export const MATRIX: Record<string, Entry> = {
  "POST /api/v1/auth/login": {
    none: "signs in with the caller's own email and password; names no stored object",
  },
  "POST /api/v1/auth/logout": {
    none: "ends the caller's own session (sending it would sign the matrix's actors out)",
  },
  "GET /api/v1/me": {
    none: "the caller's own account",
    probes: [{ what: "who am I", scan: true, req: () => get("/api/v1/me"), positive: "agent", shows: "c" }],
  },
  "GET /api/v1/auth/tokens": {
    none: "the caller's own tokens",
    probes: [
      { what: "my tokens", scan: true, req: () => get("/api/v1/auth/tokens"), positive: "agent", shows: "c" },
    ],
  },
  "POST /api/v1/auth/tokens": { none: "makes a token for the caller only" },
  "DELETE /api/v1/auth/tokens/{id}": {
    probes: [
      {
        what: "another user's token",
        req: (s) => ({ method: "DELETE", url: `/api/v1/auth/tokens/${s.tokens[0]}` }),
        positive: "agent",
      },
    ],
  },
  "POST /api/v1/auth/password-reset": {
    none: "takes a one-time reset token (a secret sent to the user), not a stored id",
  },

  "GET /api/v1/sites": {
    none: "the caller's sites",
    probes: [
      { what: "my sites", scan: true, req: () => get("/api/v1/sites"), positive: "agent", shows: "c" },
    ],
  },
  "POST /api/v1/sites": { none: "adds a new site (hub admins); names no existing one" },
  "GET /api/v1/sites/{code}": {
    probes: [
      {
        what: "a foreign site",
        req: (s) => get(`/api/v1/sites/${s.code}`),
        positive: "agent",
        shows: "c",
        mayReach: "hub_admin",
      },
    ],
  },
  "PATCH /api/v1/sites/{code}": {
    probes: [
      {
        what: "a foreign site",
        req: (s) => ({ method: "PATCH", url: `/api/v1/sites/${s.code}`, body: { country: "Matrixland" } }),
        positive: "hub_admin",
        mayReach: "hub_admin",
      },
    ],
  },

  "GET /api/v1/users": {
    probes: [
      {
        what: "the users of a foreign site",
        scan: true,
        req: (s) => get(`/api/v1/users?site=${s.code}`),
        positive: "site_admin",
        shows: "c",
        mayReach: "hub_admin",
      },
      {
        what: "users found by a foreign name",
        scan: true,
        req: (s) => get(`/api/v1/users?q=${prefixOf(s.markers.c)}`),
      },
      { what: "every user I may see", scan: true, req: () => get("/api/v1/users") },
    ],
  },
  "POST /api/v1/users": {
    probes: [
      {
        what: "a new user with a membership at a foreign site",
        req: (s) => ({
          method: "POST",
          url: "/api/v1/users",
          body: {
            email: `${fresh("new")}@matrix.test`,
            name: "New person",
            memberships: [{ site: s.code, role: "requester" }],
          },
        }),
        positive: "hub_admin",
        mayReach: "hub_admin",
        existencePublic: true,
      },
    ],
  },
  "GET /api/v1/users/{id}": {
    probes: [
      {
        what: "a foreign site's agent",
        req: (s) => get(`/api/v1/users/${s.people.agent.id}`),
        positive: "site_admin",
        shows: "c",
        mayReach: "hub_admin",
      },
      {
        what: "a foreign Level 3 engineer",
        req: (s) => get(`/api/v1/users/${s.people.engineer.id}`),
        mayReach: "hub_admin",
      },
    ],
  },
  "PATCH /api/v1/users/{id}": {
    probes: [
      {
        what: "a foreign site's agent",
        req: (s) => ({
          method: "PATCH",
          url: `/api/v1/users/${s.people.agent.id}`,
          body: { language: "en" },
        }),
        positive: "hub_admin",
        mayReach: "hub_admin",
      },
    ],
  },
  "POST /api/v1/users/{id}/password-reset": {
    probes: [
      {
        what: "a foreign site's requester",
        req: (s) => ({ method: "POST", url: `/api/v1/users/${s.people.requester.id}/password-reset` }),
        positive: "site_admin",
        mayReach: "hub_admin",
      },
    ],
  },
  "GET /api/v1/vendor-teams": {
    none: "the hub's vendor teams, shared by every site",
    probes: [{ what: "vendor teams", scan: true, req: () => get("/api/v1/vendor-teams"), positive: "agent" }],
  },
  "POST /api/v1/vendor-teams": { none: "adds a hub-wide vendor team (hub admins)" },

  "GET /api/v1/tickets": {
    probes: [
      {
        what: "the tickets of a foreign site",
        scan: true,
        req: (s) => get(`/api/v1/tickets?site=${s.code}&limit=100`),
        positive: "agent",
        shows: "t",
      },
      {
        what: "a search for a foreign subject",
        scan: true,
        req: (s) => get(`/api/v1/tickets?q=${prefixOf(s.markers.t)}`),
        positive: "agent",
        shows: "t",
      },
      {
        what: "the tickets of a foreign requester",
        scan: true,
        req: (s) => get(`/api/v1/tickets?requester=${s.people.requester.id}&limit=100`),
      },
      {
        what: "the tickets of a foreign assignee",
        scan: true,
        req: (s) => get(`/api/v1/tickets?assignee=${s.people.agent.id}&limit=100`),
      },
      {
        what: "every ticket I may see",
        scan: true,
        req: () => get("/api/v1/tickets?limit=100&sort=-updated"),
      },
      { what: "Level 3 tickets", scan: true, req: () => get("/api/v1/tickets?tier=3&limit=100") },
    ],
  },
  "POST /api/v1/tickets": {
    probes: [
      {
        what: "a ticket at a foreign site",
        req: (s) => ({
          method: "POST",
          url: "/api/v1/tickets",
          body: {
            site: s.code,
            subject: "Matrix ticket",
            description: "Opened by the isolation matrix",
            requester: REQUESTER,
          },
        }),
        positive: "agent",
        existencePublic: true,
      },
      {
        what: "a ticket at my site for a foreign site's contact",
        req: (s, own) => ({
          method: "POST",
          url: "/api/v1/tickets",
          body: {
            site: own.code,
            subject: "Matrix ticket",
            description: "Opened by the isolation matrix",
            requester: { email: s.contacts.email },
          },
        }),
        positive: "agent",
      },
      {
        what: "a ticket assigned to a foreign agent",
        req: (s, own) => ({
          method: "POST",
          url: "/api/v1/tickets",
          body: {
            site: own.code,
            subject: "Matrix ticket",
            description: "Opened by the isolation matrix",
            requester: REQUESTER,
            assigneeId: s.people.agent.id,
          },
        }),
        positive: "agent",
      },
    ],
  },
  "GET /api/v1/tickets/{key}": { probes: readTicket("", "t") },
  "PATCH /api/v1/tickets/{key}": {
    probes: [
      {
        what: "a foreign ticket",
        req: (s) => ({ method: "PATCH", url: `/api/v1/tickets/${key(s)}`, body: { tags: ["matrix"] } }),
        positive: "agent",
      },
      {
        what: "a foreign Level 3 ticket's status",
        req: (s) => ({
          method: "PATCH",
          url: `/api/v1/tickets/${key(s, "l3")}`,
          body: { status: "pending-vendor" },
        }),
        positive: "engineer",
      },
      {
        what: "my ticket assigned to a foreign agent",
        req: (s, own) => ({
          method: "PATCH",
          url: `/api/v1/tickets/${key(own)}`,
          body: { assigneeId: s.people.agent.id },
        }),
        positive: "agent",
      },
    ],
  },
  "GET /api/v1/tickets/{key}/messages": { probes: readTicket("/messages?limit=100", "t") },
  "POST /api/v1/tickets/{key}/messages": {
    probes: [
      {
        what: "a note on a foreign ticket",
        req: (s) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(s)}/messages`,
          body: { kind: "note", body: "Matrix note" },
        }),
        positive: "agent",
      },
      {
        what: "a note on a foreign Level 3 ticket",
        req: (s) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(s, "l3")}/messages`,
          body: { kind: "note", body: "Matrix note" },
        }),
        positive: "engineer",
      },
      {
        what: "a reply on my ticket linking a foreign public file",
        req: (s, own) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(own)}/messages`,
          body: { kind: "reply", body: "Matrix reply", attachmentIds: [s.attachments.spare[0]] },
        }),
        positive: "agent",
      },
      {
        what: "a reply on my ticket linking a foreign internal file",
        req: (s, own) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(own)}/messages`,
          body: { kind: "note", body: "Matrix note", attachmentIds: [s.attachments.internal] },
        }),
        positive: "agent",
      },
    ],
  },
  "POST /api/v1/tickets/{key}/messages/{id}/accept": {
    probes: [
      {
        what: "a stranger's mail held on a foreign ticket",
        req: (s) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(s, "email")}/messages/${s.heldMessage}/accept`,
        }),
        positive: "agent",
      },
      {
        what: "a stranger's mail held on a foreign ticket, through my ticket",
        req: (s, own) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(own, "email")}/messages/${s.heldMessage}/accept`,
        }),
      },
    ],
  },
  "GET /api/v1/tickets/{key}/events": { probes: readTicket("/events?limit=100", "t") },
  "GET /api/v1/tickets/{key}/attachments": { probes: readTicket("/attachments", "t") },
  "POST /api/v1/tickets/{key}/attachments": {
    probes: [
      {
        what: "a file on a foreign ticket",
        req: (s) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(s)}/attachments?visibility=internal`,
          raw: multipart([{ name: "matrix.txt", content: "matrix" }]),
        }),
        positive: "agent",
      },
      {
        what: "a file on a foreign Level 3 ticket",
        req: (s) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(s, "l3")}/attachments?visibility=internal`,
          raw: multipart([{ name: "matrix.txt", content: "matrix" }]),
        }),
        positive: "engineer",
      },
    ],
  },
  "GET /api/v1/tickets/{key}/attachments/{id}": {
    probes: [
      {
        what: "a foreign ticket's public file",
        req: (s) => get(`/api/v1/tickets/${key(s)}/attachments/${s.attachments.public}`),
        positive: "agent",
        shows: "t",
      },
      {
        what: "a foreign public file through my ticket",
        req: (s, own) => get(`/api/v1/tickets/${key(own)}/attachments/${s.attachments.public}`),
        positive: "agent",
      },
      {
        what: "a foreign internal file through my ticket",
        req: (s, own) => get(`/api/v1/tickets/${key(own)}/attachments/${s.attachments.internal}`),
        positive: "agent",
      },
      {
        what: "a foreign Level 3 dossier's evidence",
        req: (s) => get(`/api/v1/tickets/${key(s, "l3")}/attachments/${s.attachments.evidence}`),
        positive: "engineer",
      },
    ],
  },

  "POST /api/v1/tickets/{key}/escalations": {
    probes: [
      {
        what: "escalating a foreign ticket",
        req: (s) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(s, "spare1")}/escalations`,
          body: { direction: "up", reason: "Matrix escalation" },
        }),
        positive: "agent",
      },
      {
        what: "handing back a foreign Level 3 ticket",
        req: (s) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(s, "l3d")}/escalations`,
          body: { direction: "down", reason: "Matrix hand-back", answer: "Fixed in the next release" },
        }),
        positive: "engineer",
      },
    ],
  },
  "GET /api/v1/tickets/{key}/escalation": { probes: readTicket("/escalation") },
  "PUT /api/v1/tickets/{key}/dossier": {
    probes: [
      {
        what: "a foreign Level 3 dossier",
        req: (s) => ({
          method: "PUT",
          url: `/api/v1/tickets/${key(s, "l3")}/dossier`,
          body: DOSSIER(s.attachments.evidence),
        }),
        positive: "engineer",
      },
      {
        what: "my dossier citing foreign evidence",
        req: (s, own) => ({
          method: "PUT",
          url: `/api/v1/tickets/${key(own, "l3")}/dossier`,
          body: DOSSIER(s.attachments.evidence),
        }),
        positive: "engineer",
      },
    ],
  },
  "GET /api/v1/tickets/{key}/dossier": {
    probes: [
      ...readTicket("/dossier", "t", "l3"),
      {
        what: "a foreign dossier for a tracker",
        req: (s) => get(`/api/v1/tickets/${key(s, "l3")}/dossier?format=markdown`),
        positive: "engineer",
        shows: "t",
      },
    ],
  },
  "GET /api/v1/tickets/{key}/dossier/versions": { probes: readTicket("/dossier/versions", undefined, "l3") },
  "GET /api/v1/sites/{code}/on-call": {
    probes: [
      {
        what: "a foreign site's rota",
        req: (s) => get(`/api/v1/sites/${s.code}/on-call`),
        positive: "coordinator",
        shows: "c",
        mayReach: "hub_admin",
      },
    ],
  },
  "PUT /api/v1/sites/{code}/on-call": {
    probes: [
      {
        what: "a foreign site's rota",
        req: (s, own) => ({
          method: "PUT",
          url: `/api/v1/sites/${s.code}/on-call`,
          body: { entries: [{ userId: own.people.agent.id, tier: 2 }] },
        }),
        positive: "coordinator",
        mayReach: "hub_admin",
      },
      {
        what: "a foreign agent on my rota",
        req: (s, own) => ({
          method: "PUT",
          url: `/api/v1/sites/${own.code}/on-call`,
          body: { entries: [{ userId: s.people.agent.id, tier: 2 }] },
        }),
        positive: "coordinator",
      },
    ],
  },

  "GET /api/v1/categories": {
    none: "hub-wide reference data: no site owns a category",
    probes: [
      {
        what: "categories",
        scan: true,
        req: () => get("/api/v1/categories?includeInactive=true"),
        positive: "agent",
      },
    ],
  },
  "PUT /api/v1/categories/{key}": { none: "hub-wide reference data (hub admins): no site owns a category" },
  "GET /api/v1/priorities": {
    none: "hub-wide reference data: no site owns a priority",
    probes: [{ what: "priorities", scan: true, req: () => get("/api/v1/priorities"), positive: "agent" }],
  },
  "PUT /api/v1/priorities/{key}": { none: "hub-wide reference data (hub admins): no site owns a priority" },
  "GET /api/v1/notifications": {
    none: "the caller's own notifications",
    probes: [
      {
        what: "my notifications",
        scan: true,
        req: () => get("/api/v1/notifications?limit=200"),
        positive: "agent",
        shows: "t",
      },
    ],
  },
  "POST /api/v1/notifications/{id}/read": {
    probes: [
      {
        what: "a foreign agent's notification",
        req: (s) => ({ method: "POST", url: `/api/v1/notifications/${s.notifications[0]}/read` }),
        positive: "agent",
      },
    ],
  },
  "GET /api/v1/notifications/preferences": {
    none: "the caller's own settings",
    probes: [
      {
        what: "my settings",
        scan: true,
        req: () => get("/api/v1/notifications/preferences"),
        positive: "agent",
      },
    ],
  },
  "PUT /api/v1/notifications/preferences": { none: "replaces the caller's own settings" },
  "GET /api/v1/tickets/{key}/watchers": { probes: readTicket("/watchers", "c") },
  "PUT /api/v1/tickets/{key}/watchers/me": {
    probes: [
      {
        what: "watching a foreign ticket",
        req: (s) => ({ method: "PUT", url: `/api/v1/tickets/${key(s)}/watchers/me` }),
        positive: "agent",
      },
    ],
  },
  "DELETE /api/v1/tickets/{key}/watchers/me": {
    probes: [
      {
        what: "unwatching a foreign ticket",
        req: (s) => ({ method: "DELETE", url: `/api/v1/tickets/${key(s)}/watchers/me` }),
        positive: "agent",
      },
    ],
  },
  "GET /api/v1/tickets/{key}/notifications": { probes: readTicket("/notifications?limit=200") },

  "GET /api/v1/releases": {
    none: "releases are product-wide: no site owns one",
    probes: [{ what: "releases", scan: true, req: () => get("/api/v1/releases"), positive: "agent" }],
  },
  "POST /api/v1/releases": { none: "plans a product-wide release" },
  "GET /api/v1/releases/{id}": {
    none: "a product-wide release, which both sites' tickets are deferred to: scanned for foreign tickets",
    probes: [
      {
        what: "the shared release",
        scan: true,
        req: (_s, _own, hub) => get(`/api/v1/releases/${hub.release}`),
        positive: "agent",
      },
    ],
  },
  "PATCH /api/v1/releases/{id}": {
    none: "a product-wide release: any site's Level 2 staff plan it by design",
  },
  "POST /api/v1/releases/{id}/ship": {
    none: "product-wide: shipping resolves every site's deferred tickets by design, so it is not sent",
  },
  "GET /api/v1/tickets/{key}/deferrals": { probes: readTicket("/deferrals", "t", "l3") },
  "POST /api/v1/tickets/{key}/deferrals": {
    probes: [
      {
        what: "deferring a foreign Level 3 ticket",
        req: (s, _own, hub) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(s, "l3c")}/deferrals`,
          body: { releaseId: hub.release, reason: "Matrix deferral" },
        }),
        positive: "agent",
      },
    ],
  },
  "POST /api/v1/tickets/{key}/deferrals/{id}/approve": {
    probes: [
      {
        what: "approving a foreign deferral",
        req: (s) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(s, "l3")}/deferrals/${s.deferrals[0]}/approve`,
          body: {},
        }),
        positive: "coordinator",
      },
      {
        what: "approving a foreign deferral through my ticket",
        req: (s, own) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(own, "l3")}/deferrals/${s.deferrals[0]}/approve`,
          body: {},
        }),
      },
    ],
  },
  "POST /api/v1/tickets/{key}/deferrals/{id}/reject": {
    probes: [
      {
        what: "rejecting a foreign deferral",
        req: (s) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(s, "l3b")}/deferrals/${s.deferrals[1]}/reject`,
          body: { note: "Matrix rejection" },
        }),
        positive: "coordinator",
      },
      {
        what: "rejecting a foreign deferral through my ticket",
        req: (s, own) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(own, "l3b")}/deferrals/${s.deferrals[1]}/reject`,
          body: { note: "Matrix rejection" },
        }),
      },
    ],
  },

  "GET /api/v1/sites/{code}/calendar": {
    probes: [
      {
        what: "a foreign site's calendar",
        req: (s) => get(`/api/v1/sites/${s.code}/calendar`),
        positive: "agent",
        shows: "c",
        mayReach: "hub_admin",
      },
    ],
  },
  "PUT /api/v1/sites/{code}/calendar": {
    probes: [
      {
        what: "a foreign site's calendar",
        req: (s) => ({ method: "PUT", url: `/api/v1/sites/${s.code}/calendar`, body: { alwaysOpen: true } }),
        positive: "hub_admin",
        mayReach: "hub_admin",
      },
    ],
  },
  "POST /api/v1/sites/{code}/calendar/holidays/import": {
    probes: [
      {
        what: "holidays into a foreign site's calendar",
        req: (s) => ({
          method: "POST",
          url: `/api/v1/sites/${s.code}/calendar/holidays/import`,
          raw: { payload: ICS, contentType: "text/calendar" },
        }),
        positive: "hub_admin",
        mayReach: "hub_admin",
      },
    ],
  },
  "GET /api/v1/sites/{code}/sla-policies": {
    probes: [
      {
        what: "a foreign site's service levels",
        req: (s) => get(`/api/v1/sites/${s.code}/sla-policies`),
        positive: "agent",
        mayReach: "hub_admin",
      },
    ],
  },
  "PUT /api/v1/sites/{code}/sla-policies": {
    probes: [
      {
        what: "a foreign site's service levels",
        req: (s) => ({
          method: "PUT",
          url: `/api/v1/sites/${s.code}/sla-policies`,
          body: { policies: [{ priority: "normal", firstResponseMinutes: 240, resolutionMinutes: 2400 }] },
        }),
        positive: "hub_admin",
        mayReach: "hub_admin",
      },
    ],
  },
  "GET /api/v1/tickets/{key}/sla": { probes: readTicket("/sla") },
  "GET /api/v1/admin/jobs/dead": {
    none: "hub operations (hub admins): jobs belong to the hub, not to a site",
    probes: [
      { what: "dead jobs", scan: true, req: () => get("/api/v1/admin/jobs/dead"), positive: "hub_admin" },
    ],
  },
  "POST /api/v1/admin/jobs/dead/{id}/retry": {
    none: "hub operations (hub admins): a job belongs to the hub, not to a site",
  },
  "GET /api/v1/admin/tokens": {
    none: "every live token, for hub admins",
    probes: [
      {
        what: "every token",
        scan: true,
        req: () => get("/api/v1/admin/tokens"),
        positive: "hub_admin",
        shows: "c",
      },
    ],
  },
  "DELETE /api/v1/admin/tokens/{id}": {
    probes: [
      {
        what: "a foreign agent's token",
        req: (s) => ({ method: "DELETE", url: `/api/v1/admin/tokens/${s.tokens[1]}` }),
        positive: "hub_admin",
        mayReach: "hub_admin",
      },
    ],
  },

  "GET /api/v1/kb/collections": {
    none: "hub-wide collections",
    probes: [
      { what: "collections", scan: true, req: () => get("/api/v1/kb/collections"), positive: "agent" },
    ],
  },
  "POST /api/v1/kb/collections": { none: "adds a hub-wide collection (hub admins)" },
  "PATCH /api/v1/kb/collections/{id}": { none: "a hub-wide collection (hub admins)" },
  "GET /api/v1/kb/articles": {
    probes: [
      {
        what: "every article",
        scan: true,
        req: () => get("/api/v1/kb/articles?limit=200"),
        positive: "agent",
        shows: "k",
      },
      {
        what: "published articles",
        scan: true,
        req: () => get("/api/v1/kb/articles?status=published&limit=200"),
      },
    ],
  },
  "POST /api/v1/kb/articles": {
    probes: [
      {
        what: "a variant for a foreign site",
        req: (s, _own, hub) => ({
          method: "POST",
          url: "/api/v1/kb/articles",
          body: {
            collectionId: hub.collection,
            parentId: hub.article,
            site: s.code,
            language: "fr",
            title: "Imprimer",
            body: "## Imprimer\n\nTexte.",
            status: "draft",
          },
        }),
        positive: "agent",
        mayReach: "kb_editor",
        existencePublic: true,
      },
    ],
  },
  "GET /api/v1/kb/articles/{id}": {
    probes: [
      {
        what: "a foreign site's variant",
        req: (s) => get(`/api/v1/kb/articles/${s.kb.variant}?exact=true`),
        positive: "agent",
        shows: "k",
        mayReach: "kb_editor",
      },
      {
        what: "a foreign site's variant as read by that site",
        req: (s) => get(`/api/v1/kb/articles/${s.kb.variant}?site=${s.code}`),
        mayReach: "kb_editor",
      },
      {
        // anyone may read the public guides as a visitor of any site: only markers are checked
        what: "the generic article read as a foreign site",
        scan: true,
        req: (s, _own, hub) => get(`/api/v1/kb/articles/${hub.article}?site=${s.code}`),
        positive: "agent",
      },
    ],
  },
  "PATCH /api/v1/kb/articles/{id}": {
    probes: [
      {
        what: "a foreign site's variant",
        req: (s) => ({
          method: "PATCH",
          url: `/api/v1/kb/articles/${s.kb.variant}`,
          body: { position: 0, note: "Matrix edit" },
        }),
        positive: "agent",
        mayReach: "kb_editor",
      },
    ],
  },
  "GET /api/v1/kb/articles/{id}/family": {
    probes: [
      {
        what: "a foreign site's variant",
        req: (s) => get(`/api/v1/kb/articles/${s.kb.variant}/family`),
        positive: "agent",
        shows: "k",
        mayReach: "kb_editor",
      },
      {
        what: "the generic article's family",
        scan: true,
        req: (_s, _own, hub) => get(`/api/v1/kb/articles/${hub.article}/family`),
        mayReach: "kb_editor",
      },
    ],
  },
  "GET /api/v1/kb/articles/{id}/revisions": {
    probes: [
      {
        what: "a foreign site's variant",
        req: (s) => get(`/api/v1/kb/articles/${s.kb.variant}/revisions`),
        positive: "agent",
        mayReach: "kb_editor",
        editorsSeeAuthors: true,
      },
    ],
  },
  "GET /api/v1/kb/articles/{id}/revisions/{number}": {
    probes: [
      {
        what: "a foreign site's variant",
        req: (s) => get(`/api/v1/kb/articles/${s.kb.variant}/revisions/1`),
        positive: "agent",
        shows: "k",
        mayReach: "kb_editor",
        editorsSeeAuthors: true,
      },
    ],
  },
  "GET /api/v1/kb/articles/{id}/diff": {
    probes: [
      {
        what: "a foreign site's variant",
        req: (s) => get(`/api/v1/kb/articles/${s.kb.variant}/diff?from=1&to=1`),
        positive: "agent",
        mayReach: "kb_editor",
      },
    ],
  },
  "POST /api/v1/kb/preview": { none: "renders the Markdown it is sent; stores and names nothing" },
  "GET /api/v1/kb/assets/{name}": { none: "content-addressed images of imported hub-wide pages" },
  "GET /api/v1/kb/search": {
    probes: [
      {
        what: "a search for a foreign variant as that site",
        scan: true,
        req: (s) => get(`/api/v1/kb/search?q=${prefixOf(s.markers.k)}&site=${s.code}`),
        positive: "site_admin",
        mayReach: "kb_editor",
      },
      {
        what: "a search for a foreign variant",
        scan: true,
        req: (s) => get(`/api/v1/kb/search?q=${prefixOf(s.markers.k)}`),
        mayReach: "kb_editor",
      },
      {
        what: "a search for a foreign ticket's words",
        scan: true,
        req: (s) => get(`/api/v1/kb/search?q=${prefixOf(s.markers.t)}`),
      },
      {
        what: "a search for printing",
        scan: true,
        req: () => get(`/api/v1/kb/search?q=${q("printer room")}`),
      },
    ],
  },
  "POST /api/v1/kb/search/{id}/click": {
    probes: [
      {
        what: "a foreign requester's search",
        req: (s, _own, hub) => ({
          method: "POST",
          url: `/api/v1/kb/search/${s.kb.search}/click`,
          body: { articleId: hub.article },
        }),
        positive: "requester",
      },
      {
        what: "my search opening a foreign draft variant",
        req: (s, own) => ({
          method: "POST",
          url: `/api/v1/kb/search/${own.kb.search}/click`,
          body: { articleId: s.kb.variant },
        }),
        mayReach: "kb_editor",
      },
    ],
  },
  "POST /api/v1/kb/suggest": {
    probes: [
      {
        what: "suggestions as a foreign site",
        scan: true,
        req: (s) => ({
          method: "POST",
          url: "/api/v1/kb/suggest",
          body: { subject: `printer ${prefixOf(s.markers.k)}`, site: s.code },
        }),
        positive: "site_admin",
        mayReach: "kb_editor",
      },
      {
        what: "suggestions for a foreign ticket's words",
        scan: true,
        req: (s) => ({ method: "POST", url: "/api/v1/kb/suggest", body: { subject: prefixOf(s.markers.t) } }),
      },
    ],
  },
  "GET /api/v1/kb/synonyms": {
    none: "hub-wide synonym rules",
    probes: [{ what: "synonyms", scan: true, req: () => get("/api/v1/kb/synonyms"), positive: "agent" }],
  },
  "PUT /api/v1/kb/synonyms": { none: "replaces the hub-wide synonym rules (editors)" },
  "GET /api/v1/kb/learned-terms": {
    probes: [
      {
        what: "learned terms",
        scan: true,
        req: () => get("/api/v1/kb/learned-terms?limit=500"),
        positive: "agent",
        shows: "t",
      },
      {
        what: "pending learned terms",
        scan: true,
        req: () => get("/api/v1/kb/learned-terms?status=pending&limit=500"),
      },
      {
        what: "terms of a foreign draft variant",
        scan: true,
        req: (s) => get(`/api/v1/kb/learned-terms?articleId=${s.kb.variant}`),
      },
    ],
  },
  "DELETE /api/v1/kb/articles/{id}/learned-terms/{term}": {
    probes: [
      {
        what: "a term learned from a foreign ticket, waiting for that site's review",
        req: (s, _own, hub) => ({
          method: "DELETE",
          url: `/api/v1/kb/articles/${hub.article}/learned-terms/${q(s.kb.learnedTerm)}`,
        }),
      },
      {
        // a word in search is the hub's: hub admins remove it for good, whichever site taught it
        what: "a term a foreign site accepted for search",
        req: (s, _own, hub) => ({
          method: "DELETE",
          url: `/api/v1/kb/articles/${hub.article}/learned-terms/${q(s.kb.activeTerm)}`,
        }),
        positive: "hub_admin",
        mayReach: "hub_admin",
      },
    ],
  },
  "POST /api/v1/kb/articles/{id}/learned-terms/{term}/accept": {
    probes: [
      {
        what: "accepting a term learned from a foreign ticket",
        req: (s, _own, hub) => ({
          method: "POST",
          url: `/api/v1/kb/articles/${hub.article}/learned-terms/${q(s.kb.learnedTerm)}/accept`,
        }),
        positive: "agent",
      },
    ],
  },
  "POST /api/v1/kb/articles/{id}/learned-terms/{term}/reject": {
    probes: [
      {
        what: "rejecting a term learned from a foreign ticket",
        req: (s, _own, hub) => ({
          method: "POST",
          url: `/api/v1/kb/articles/${hub.article}/learned-terms/${q(s.kb.learnedTerm)}/reject`,
        }),
        positive: "coordinator",
      },
    ],
  },
  "GET /api/v1/kb/unanswered": {
    probes: [
      {
        what: "a foreign site's unanswered questions",
        scan: true,
        req: (s) => get(`/api/v1/kb/unanswered?site=${s.code}`),
        positive: "coordinator",
        shows: "t",
      },
      { what: "every unanswered question", scan: true, req: () => get("/api/v1/kb/unanswered") },
    ],
  },
  "POST /api/v1/kb/articles/{id}/feedback": {
    probes: [
      {
        what: "feedback on a foreign site's variant",
        req: (s) => ({
          method: "POST",
          url: `/api/v1/kb/articles/${s.kb.variant}/feedback`,
          body: { helpful: false },
        }),
        positive: "agent",
        mayReach: "kb_editor",
      },
    ],
  },
  "GET /api/v1/kb/feedback": {
    probes: [
      {
        what: "every feedback",
        scan: true,
        req: () => get("/api/v1/kb/feedback?limit=500"),
        positive: "agent",
        shows: "t",
      },
      { what: "chatbot feedback", scan: true, req: () => get("/api/v1/kb/feedback?kind=chatbot&limit=500") },
      {
        what: "feedback on a foreign draft variant",
        scan: true,
        req: (s) => get(`/api/v1/kb/feedback?articleId=${s.kb.variant}`),
      },
    ],
  },
  "POST /api/v1/tickets/{key}/article-draft": {
    probes: [
      {
        what: "a draft from a foreign ticket",
        req: (s) => ({ method: "POST", url: `/api/v1/tickets/${key(s)}/article-draft`, body: {} }),
        positive: "agent",
      },
    ],
  },

  "POST /api/v1/chatbot/conversations": {
    probes: [
      {
        what: "a chat as a foreign site",
        req: (s) => ({
          method: "POST",
          url: "/api/v1/chatbot/conversations",
          body: { site: s.code, question: "How do I print a certificate?" },
        }),
        positive: "requester",
        existencePublic: true,
      },
    ],
  },
  "GET /api/v1/chatbot/conversations/{id}": {
    probes: [
      {
        what: "a foreign chat handed over",
        req: (s) => get(`/api/v1/chatbot/conversations/${s.conversation.handedOver}`),
        positive: "requester",
        shows: "t",
      },
      {
        what: "a foreign chat still open",
        req: (s) => get(`/api/v1/chatbot/conversations/${s.conversation.open}`),
        positive: "agent",
        shows: "t",
      },
    ],
  },
  "POST /api/v1/chatbot/conversations/{id}/messages": {
    probes: [
      {
        what: "carrying on a foreign chat",
        req: (s) => ({
          method: "POST",
          url: `/api/v1/chatbot/conversations/${s.conversation.open}/messages`,
          body: { text: "Which printer?" },
        }),
        positive: "requester",
      },
    ],
  },
  "POST /api/v1/chatbot/conversations/{id}/feedback": {
    probes: [
      {
        what: "feedback on a foreign chat",
        req: (s) => ({
          method: "POST",
          url: `/api/v1/chatbot/conversations/${s.conversation.open}/feedback`,
          body: { helpful: true },
        }),
        positive: "requester",
      },
      {
        what: "feedback on my chat about a foreign answer",
        req: (s, own) => ({
          method: "POST",
          url: `/api/v1/chatbot/conversations/${own.conversation.open}/feedback`,
          body: { helpful: true, turnId: s.conversation.openTurn },
        }),
        positive: "requester",
      },
    ],
  },

  "GET /api/v1/portal/suggestions": {
    probes: [
      {
        what: "suggestions as a foreign site",
        scan: true,
        req: (s) =>
          get(`/api/v1/portal/suggestions?q=${q(`printer ${prefixOf(s.markers.k)}`)}&site=${s.code}`),
        positive: "requester",
      },
      {
        what: "suggestions for a foreign ticket's words",
        scan: true,
        req: (s) => get(`/api/v1/portal/suggestions?q=${prefixOf(s.markers.t)}`),
      },
    ],
  },
  "POST /api/v1/portal/requests": {
    probes: [
      {
        // Anyone may send the form to any site, and files are named by upload tokens, secrets of their uploader.
        // Limits per address and per person make the answers differ by order, so only markers are checked
        // (and the foreign visitor's contact must stay untouched).
        what: "a web-form request at my site in a foreign visitor's name",
        scan: true,
        req: (s, own) => ({
          method: "POST",
          url: "/api/v1/portal/requests",
          body: {
            site: own.code,
            subject: "Matrix request",
            description: "Sent by the isolation matrix",
            name: "Matrix Visitor",
            email: s.contacts.visitor,
          },
        }),
        positive: "anonymous",
      },
    ],
  },
  "GET /api/v1/portal/requests/{key}": {
    probes: [
      {
        what: "a foreign request with my link's token",
        req: (s, own) => get(`/api/v1/portal/requests/${s.portal.key}?token=${own.portal.token}`),
        positive: "anonymous",
        shows: "t",
      },
    ],
  },
  "POST /api/v1/portal/requests/{key}/replies": {
    probes: [
      {
        what: "a reply to a foreign request with my link's token",
        req: (s, own) => ({
          method: "POST",
          url: `/api/v1/portal/requests/${s.portal.key}/replies?token=${own.portal.token}`,
          body: { body: "Matrix reply" },
        }),
        positive: "anonymous",
      },
    ],
  },
  "GET /api/v1/portal/requests/{key}/attachments/{id}": {
    probes: [
      {
        what: "a foreign request's file with my link's token",
        req: (s, own) =>
          get(
            `/api/v1/portal/requests/${s.portal.key}/attachments/${s.portal.attachment}?token=${own.portal.token}`,
          ),
        positive: "anonymous",
      },
      {
        what: "a foreign request's file through my link",
        req: (s, own) =>
          get(
            `/api/v1/portal/requests/${own.portal.key}/attachments/${s.portal.attachment}?token=${own.portal.token}`,
          ),
        positive: "anonymous",
      },
      {
        what: "a foreign ticket's public file through my link",
        req: (s, own) =>
          get(
            `/api/v1/portal/requests/${own.portal.key}/attachments/${s.attachments.public}?token=${own.portal.token}`,
          ),
      },
      {
        what: "a foreign ticket's internal file through my link",
        req: (s, own) =>
          get(
            `/api/v1/portal/requests/${own.portal.key}/attachments/${s.attachments.internal}?token=${own.portal.token}`,
          ),
      },
    ],
  },
  "POST /api/v1/portal/requests/{key}/confirm": {
    probes: [
      {
        what: "confirming a foreign request with my confirmation link's token",
        req: (s, own) => ({
          method: "POST",
          url: `/api/v1/portal/requests/${s.portal.key}/confirm`,
          body: { token: own.portal.confirm },
        }),
        positive: "anonymous",
      },
    ],
  },
  "POST /api/v1/portal/links": {
    probes: [
      {
        // answered alike for any address: the new links go only to the address itself
        what: "new links for a foreign visitor's address",
        req: (s) => ({ method: "POST", url: "/api/v1/portal/links", body: { email: s.contacts.visitor } }),
        positive: "anonymous",
      },
    ],
  },
  "DELETE /api/v1/tickets/{key}/requester-links": {
    probes: [
      {
        what: "revoking a foreign requester's links",
        req: (s) => ({ method: "DELETE", url: `/api/v1/tickets/${key(s, "portal")}/requester-links` }),
        positive: "agent",
      },
    ],
  },
  "POST /api/v1/portal/uploads": {
    none: "stores new files and answers their upload tokens; names nothing stored",
  },

  "POST /api/v1/sites/{code}/calls": {
    probes: [
      {
        what: "a call at a foreign site",
        req: (s) => ({
          method: "POST",
          url: `/api/v1/sites/${s.code}/calls`,
          body: {
            number: "+260 977 000 222",
            startedAt: "2026-03-02T10:00:00Z",
            durationSeconds: 30,
            summary: "Matrix call",
          },
        }),
        positive: "agent",
      },
      {
        what: "a call at my site from a foreign site's caller",
        req: (s, own) => ({
          method: "POST",
          url: `/api/v1/sites/${own.code}/calls`,
          body: {
            number: s.contacts.number,
            startedAt: "2026-03-02T10:00:00Z",
            durationSeconds: 30,
            summary: "Matrix call",
          },
        }),
        positive: "agent",
      },
      {
        what: "a call at my site added to a foreign ticket",
        req: (s, own) => ({
          method: "POST",
          url: `/api/v1/sites/${own.code}/calls`,
          body: {
            number: "+260 977 000 222",
            startedAt: "2026-03-02T10:00:00Z",
            durationSeconds: 30,
            summary: "Matrix call",
            ticketKey: key(s),
          },
        }),
        positive: "agent",
      },
    ],
  },
  "GET /api/v1/sites/{code}/calls": {
    probes: [
      {
        what: "a foreign site's calls",
        req: (s) => get(`/api/v1/sites/${s.code}/calls`),
        positive: "agent",
        shows: "t",
      },
    ],
  },
  "GET /api/v1/sites/{code}/channels/whatsapp": {
    probes: [
      {
        what: "a foreign site's WhatsApp number",
        req: (s) => get(`/api/v1/sites/${s.code}/channels/whatsapp`),
        positive: "coordinator",
        mayReach: "hub_admin",
      },
    ],
  },
  "PUT /api/v1/sites/{code}/channels/whatsapp": {
    probes: [
      {
        what: "a foreign site's WhatsApp number",
        req: (s) => ({
          method: "PUT",
          url: `/api/v1/sites/${s.code}/channels/whatsapp`,
          body: { phoneNumberId: `${s.siteId}00100200`, displayPhoneNumber: "+260 000 000" },
        }),
        positive: "hub_admin",
        mayReach: "hub_admin",
      },
    ],
  },
  "GET /api/v1/tickets/{key}/whatsapp-messages": { probes: readTicket("/whatsapp-messages") },
  "GET /api/v1/sites/{code}/channels/email": {
    probes: [
      {
        what: "a foreign site's mailboxes",
        req: (s) => get(`/api/v1/sites/${s.code}/channels/email`),
        positive: "coordinator",
        shows: "c",
        mayReach: "hub_admin",
      },
    ],
  },
  "POST /api/v1/sites/{code}/channels/email/mailboxes": {
    probes: [
      {
        what: "a mailbox at a foreign site",
        req: (s) => ({
          method: "POST",
          url: `/api/v1/sites/${s.code}/channels/email/mailboxes`,
          body: { address: `${fresh("box")}@matrix.test`, enabled: false },
        }),
        positive: "hub_admin",
        mayReach: "hub_admin",
      },
    ],
  },
  "PATCH /api/v1/sites/{code}/channels/email/mailboxes/{id}": {
    probes: [
      {
        what: "a foreign site's mailbox",
        req: (s) => ({
          method: "PATCH",
          url: `/api/v1/sites/${s.code}/channels/email/mailboxes/${s.mailbox}`,
          body: { autoAcknowledge: true },
        }),
        positive: "hub_admin",
        mayReach: "hub_admin",
      },
      {
        what: "a foreign mailbox through my site",
        req: (s, own) => ({
          method: "PATCH",
          url: `/api/v1/sites/${own.code}/channels/email/mailboxes/${s.mailbox}`,
          body: { autoAcknowledge: true },
        }),
        positive: "hub_admin",
      },
    ],
  },
  "POST /api/v1/sites/{code}/channels/email/mailboxes/{id}/check": {
    probes: [
      {
        what: "reading a foreign site's mailbox",
        req: (s) => ({
          method: "POST",
          url: `/api/v1/sites/${s.code}/channels/email/mailboxes/${s.mailbox}/check`,
        }),
        positive: "hub_admin",
        mayReach: "hub_admin",
      },
      {
        what: "reading a foreign mailbox through my site",
        req: (s, own) => ({
          method: "POST",
          url: `/api/v1/sites/${own.code}/channels/email/mailboxes/${s.mailbox}/check`,
        }),
        positive: "hub_admin",
      },
    ],
  },
  "GET /api/v1/tickets/{key}/emails": {
    probes: [
      {
        what: "a foreign ticket's mails",
        req: (s) => get(`/api/v1/tickets/${key(s, "email")}/emails`),
        positive: "agent",
        shows: "t",
      },
    ],
  },
  "GET /api/v1/tickets/{key}/emails/{id}/original": {
    probes: [
      {
        what: "a foreign mail's original",
        req: (s) => get(`/api/v1/tickets/${key(s, "email")}/emails/${s.email}/original`),
        positive: "agent",
        shows: "t",
      },
      {
        what: "a foreign mail's original through my ticket",
        req: (s, own) => get(`/api/v1/tickets/${key(own, "email")}/emails/${s.email}/original`),
        positive: "agent",
      },
    ],
  },

  "GET /api/v1/queues": {
    none: "the caller's own queues, counting the tickets they may see",
    probes: [{ what: "my queues", scan: true, req: () => get("/api/v1/queues"), positive: "agent" }],
  },
  "GET /api/v1/views": {
    none: "the caller's own saved views",
    probes: [
      { what: "my views", scan: true, req: () => get("/api/v1/views"), positive: "agent", shows: "t" },
    ],
  },
  "POST /api/v1/views": {
    none: "a view is the caller's own; a site filter only narrows the tickets the caller may see",
    probes: [
      {
        what: "a view filtered on a foreign site",
        scan: true,
        req: (s) => ({
          method: "POST",
          url: "/api/v1/views",
          body: { name: fresh("Matrix view"), filters: { site: [s.code] } },
        }),
        positive: "agent",
      },
    ],
  },
  "PATCH /api/v1/views/{id}": {
    probes: [
      {
        what: "a foreign agent's view",
        req: (s) => ({
          method: "PATCH",
          url: `/api/v1/views/${s.views[0]}`,
          body: { name: "Renamed by the matrix" },
        }),
        positive: "agent",
      },
    ],
  },
  "DELETE /api/v1/views/{id}": {
    probes: [
      {
        what: "a foreign agent's view",
        req: (s) => ({ method: "DELETE", url: `/api/v1/views/${s.views[1]}` }),
        positive: "agent",
      },
    ],
  },
  "POST /api/v1/tickets/{key}/presence": {
    probes: [
      {
        what: "presence on a foreign ticket",
        req: (s) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(s)}/presence`,
          body: { mode: "viewing" },
        }),
        positive: "agent",
      },
      {
        what: "presence on a foreign Level 3 ticket",
        req: (s) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(s, "l3")}/presence`,
          body: { mode: "viewing" },
        }),
        positive: "engineer",
      },
    ],
  },
  "GET /api/v1/events/stream": {
    none: "the live stream never ends, so inject cannot read it: the test 'live streams...' opens one per actor over HTTP",
  },
  "GET /api/v1/canned-replies": {
    probes: [
      {
        what: "a foreign site's canned replies",
        scan: true,
        req: (s) => get(`/api/v1/canned-replies?site=${s.code}`),
        positive: "agent",
        shows: "c",
        mayReach: "hub_admin",
      },
      {
        what: "every canned reply I may use",
        scan: true,
        req: () => get("/api/v1/canned-replies"),
        mayReach: "hub_admin",
      },
    ],
  },
  "POST /api/v1/canned-replies": {
    probes: [
      {
        what: "a canned reply at a foreign site",
        req: (s) => ({
          method: "POST",
          url: "/api/v1/canned-replies",
          body: { site: s.code, title: "Matrix", body: "Matrix canned reply" },
        }),
        positive: "coordinator",
        mayReach: "hub_admin",
        existencePublic: true,
      },
    ],
  },
  "PATCH /api/v1/canned-replies/{id}": {
    probes: [
      {
        what: "a foreign site's canned reply",
        req: (s) => ({
          method: "PATCH",
          url: `/api/v1/canned-replies/${s.cannedReplies[0]}`,
          body: { language: "en" },
        }),
        positive: "coordinator",
        mayReach: "hub_admin",
      },
    ],
  },
  "DELETE /api/v1/canned-replies/{id}": {
    probes: [
      {
        what: "a foreign site's canned reply",
        req: (s) => ({ method: "DELETE", url: `/api/v1/canned-replies/${s.cannedReplies[1]}` }),
        positive: "coordinator",
        mayReach: "hub_admin",
      },
    ],
  },
  "GET /api/v1/tickets/{key}/links": { probes: readTicket("/links", "t") },
  "POST /api/v1/tickets/{key}/links": {
    probes: [
      {
        what: "linking a foreign ticket to mine",
        req: (s, own) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(s)}/links`,
          body: { ticket: key(own, "spare3") },
        }),
        positive: "agent",
      },
      {
        what: "linking my ticket to a foreign one",
        req: (s, own) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(own, "byAgent")}/links`,
          body: { ticket: key(s, "spare3") },
        }),
        positive: "agent",
      },
    ],
  },
  "DELETE /api/v1/tickets/{key}/links/{id}": {
    probes: [
      {
        what: "a foreign link",
        req: (s) => ({ method: "DELETE", url: `/api/v1/tickets/${key(s)}/links/${s.links[1]}` }),
        positive: "agent",
      },
      {
        what: "a foreign link through my ticket",
        req: (s, own) => ({ method: "DELETE", url: `/api/v1/tickets/${key(own)}/links/${s.links[0]}` }),
        positive: "agent",
      },
    ],
  },
  "POST /api/v1/tickets/{key}/merge": {
    probes: [
      {
        what: "merging a foreign ticket into mine",
        req: (s, own) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(s, "spare2")}/merge`,
          body: { into: key(own) },
        }),
        positive: "agent",
      },
      {
        what: "merging my ticket into a foreign one",
        req: (s, own) => ({
          method: "POST",
          url: `/api/v1/tickets/${key(own, "spare3")}/merge`,
          body: { into: key(s) },
        }),
      },
    ],
  },
  "GET /api/v1/channels/whatsapp/webhook": {
    none: "Meta's verification handshake, answered only to a site's verify token",
  },
  "POST /api/v1/channels/whatsapp/webhook": {
    none: "Meta's deliveries, taken only when signed with a site's app secret",
  },
};
