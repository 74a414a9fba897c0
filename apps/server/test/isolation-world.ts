import { randomBytes, scryptSync } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { createRequesterLinks } from "../src/modules/notifications/notifications.links.js";
import { SCOPES, systemActor } from "../src/shared/actor.js";
import { systemClock } from "../src/shared/clock.js";
import type { Harness } from "./harness.js";
import { type Caller, multipart, nextIp, type Req, send } from "./isolation-http.js";

// The data of the isolation matrix (isolation-matrix.test.ts): two sites planted alike through the API, the
// actors' own site and a foreign one, every text of each carrying a marker string of that site.

/**
 * The marker strings planted in one site's data, by who may legitimately read them from outside the site:
 * `t` nobody (tickets, threads, calls, chats, feedback, views...), `c` hub admins (the site's configuration
 * and people), `k` knowledge-base editors of any site (the site's draft variant of a hub-wide article).
 */
export type Markers = { t: string; c: string; k: string };
export type MarkerClass = keyof Markers;

const marker = (site: string, cls: string) =>
  `mk${site.slice(0, 2).toLowerCase()}${cls}${randomBytes(5).toString("hex")}${Math.floor(Math.random() * 10)}`;
/** The first characters of a marker: a search for them would find it, and the full marker is never echoed. */
export const prefixOf = (m: string) => m.slice(0, 10);

export const SITE_ROLE_NAMES = ["requester", "site_admin", "agent", "coordinator", "manager"] as const;
export type PersonRole = (typeof SITE_ROLE_NAMES)[number] | "engineer";
const PEOPLE: PersonRole[] = [...SITE_ROLE_NAMES, "engineer"];
const PASSWORD = "matrix-password-1";

export type Person = { id: number; email: string; caller: Caller };

/** Everything planted at one site, by name; the matrix table fills operations' parameters from it. */
export type SiteWorld = {
  code: string;
  siteId: number;
  siteName: string;
  markers: Markers;
  vendorSlug: string;
  people: Record<PersonRole, Person>;
  /** tickets by purpose; `main` was opened by the requester, `l3` is at Level 3 with the vendor team */
  tickets: Record<TicketName, { key: string; id: number }>;
  attachments: { public: number; internal: number; evidence: number; spare: number[] };
  conversation: { open: number; openTurn: number; handedOver: number };
  cannedReplies: number[];
  views: number[];
  links: number[];
  deferrals: number[];
  notifications: number[];
  tokens: number[];
  mailbox: number;
  email: number;
  /** the thread message of a stranger's mail, held for the site's staff to accept */
  heldMessage: number;
  /** a word its tickets taught the generic article, waiting for the site's review, and one it accepted */
  kb: { variant: number; search: number; learnedTerm: string; activeTerm: string };
  /** how the site's contacts are known: the staff-opened tickets' requester, a caller, a web-form visitor */
  contacts: { email: string; number: string; visitor: string };
  /** a web-form request, its link's token and file, unused upload tokens and the one the request used */
  portal: {
    key: string;
    token: string;
    /** the token of the confirmation link mailed to the visitor's address */
    confirm: string;
    attachment: number;
    uploadTokens: string[];
    usedUpload: string;
  };
  release: number;
};

export type TicketName =
  | "main"
  | "l3"
  | "l3b"
  | "l3c"
  | "l3d"
  | "byAgent"
  | "phone"
  | "chatbot"
  | "email"
  | "portal"
  | "spare1"
  | "spare2"
  | "spare3";

/** Shared by both sites: the hub-wide collection and generic article, and the release of their product. */
export type HubWorld = { collection: number; article: number; release: number; product: string };

type Res = LightMyRequestResponse;
function ok(res: Res, what: string): Res {
  if (res.statusCode >= 300) throw new Error(`planting ${what}: ${res.statusCode} ${res.body}`);
  return res;
}

/** Signs in and returns the session as a caller. */
export async function signIn(h: Harness, label: string, email: string, password = PASSWORD): Promise<Caller> {
  const caller: Caller = { label, ip: nextIp() };
  const res = ok(
    await send(h, caller, { method: "POST", url: "/api/v1/auth/login", body: { email, password } }),
    `sign-in of ${email}`,
  );
  const set = res.cookies.find((c) => c.name === "tierdesk_session");
  caller.cookie = `tierdesk_session=${set?.value}`;
  caller.csrf = res.json().csrfToken;
  return caller;
}

// The server's scrypt costs about a second per sign-in on a busy two-core machine; these users' hash is
// the same self-describing scrypt format at a low cost, so signing in stays the real path but is quick.
const CHEAP_HASH = (() => {
  const salt = randomBytes(16);
  const key = scryptSync(PASSWORD, salt, 32, { N: 2 ** 10, r: 8, p: 1 });
  return ["scrypt", 2 ** 10, 8, 1, salt.toString("base64url"), key.toString("base64url")].join("$");
})();

type PersonInput = {
  email: string;
  name: string;
  hubAdmin?: boolean;
  memberships?: Array<{ site: string; role: string }>;
  vendorTeams?: string[];
};

/** Adds a user through the users service as the system, with the matrix's password. */
async function createUser(h: Harness, input: PersonInput): Promise<{ id: number; email: string }> {
  const user = await h.ctx.users.create(systemActor, {
    email: input.email,
    name: input.name,
    language: "en",
    hubAdmin: input.hubAdmin ?? false,
    memberships: (input.memberships ?? []) as never,
    vendorTeams: input.vendorTeams ?? [],
  });
  await h.ctx.database.db
    .updateTable("users")
    .set({ password_hash: CHEAP_HASH })
    .where("id", "=", user.id)
    .execute();
  return { id: user.id, email: user.email };
}

/** A way in for a user: a session signed in with the password (actors), or an API token with every scope. */
async function wayIn(
  h: Harness,
  label: string,
  user: { id: number; email: string },
  via: "session" | "token",
) {
  if (via === "session") return signIn(h, label, user.email);
  const token = await h.ctx.auth.createToken(user.id, { name: `planting ${label}`, scopes: [...SCOPES] });
  return { label, bearer: token.token, ip: nextIp() };
}

/** Adds a user and signs them in (or gives them a token). */
export async function addPerson(
  h: Harness,
  label: string,
  input: PersonInput,
  via: "session" | "token",
): Promise<Person> {
  const user = await createUser(h, input);
  return { ...user, caller: await wayIn(h, label, user, via) };
}

/** The token of the confirmation link the server mails to the address an anonymous request named. */
async function confirmationToken(h: Harness, key: string): Promise<string> {
  const row = await h.ctx.tickets.visibleRow(systemActor, key);
  const links = createRequesterLinks({
    db: h.ctx.database.db,
    clock: systemClock,
    secret: h.config.sessionSecret,
    publicUrl: h.config.publicUrl,
    lifetimeDays: h.config.requesterLinkDays,
  });
  return new URL(links.confirmUrl(key, row.id, row.contact_id)).searchParams.get("token") as string;
}

/** The hub-wide objects both sites use. */
export async function plantHub(h: Harness, hubAdmin: Caller, product: string): Promise<HubWorld> {
  const post = async (url: string, body: unknown, what: string) =>
    ok(await send(h, hubAdmin, { method: "POST", url, body }), what).json();
  const collection = await post(
    "/api/v1/kb/collections",
    { slug: "matrix-guides", name: "Matrix guides" },
    "a collection",
  );
  const article = await post(
    "/api/v1/kb/articles",
    {
      collectionId: collection.id,
      title: "Printing a birth certificate",
      body: "## Printing\n\nOpen the record, choose Print certificate and pick the printer.\n\n## Printer offline\n\nRestart the printer and try again.",
      audiences: ["end_user", "site_admin"],
      status: "published",
    },
    "the generic article",
  );
  const release = await post(
    "/api/v1/releases",
    { product, version: "9.9.9", plannedDate: "2026-12-01" },
    "a release",
  );
  return { collection: collection.id, article: article.id, release: release.id, product };
}

/**
 * Plants a site and everything of it: people in every role (the engineer in the site's own vendor team),
 * tickets in every state and channel with replies, notes, attachments, a Level 3 dossier and deferrals,
 * calls, chats, feedback, searches, learned terms, canned replies, views, links, tokens, a mailbox with a
 * mail, the portal, on-call, calendar and SLA. Each text carries the site's markers.
 */
export async function plantSite(
  h: Harness,
  hub: HubWorld,
  hubAdmin: Caller,
  code: string,
  via: "session" | "token",
): Promise<SiteWorld> {
  const markers: Markers = { t: marker(code, "t"), c: marker(code, "c"), k: marker(code, "k") };
  const { t, c, k } = markers;
  const lower = code.toLowerCase();
  // the ways a site's contacts are found again carry no marker, so a request naming one is no echo of it
  const contactEmail = `contact.${randomBytes(4).toString("hex")}@${lower}.example`;
  const visitorEmail = `visitor.${randomBytes(4).toString("hex")}@${lower}.example`;
  const callerNumber = `+260 97${Math.floor(1_000_000 + Math.random() * 8_999_999)}`;
  const vendorSlug = `${lower}-vendor`;
  const siteName = `Site ${code} ${c}`;
  await h.ctx.sites.create(systemActor, {
    code,
    name: siteName,
    country: "Matrixland",
    product: hub.product,
    productVersion: "1.8.1",
    timeZone: "UTC",
    languages: ["en"],
  });
  await h.ctx.vendors.create(systemActor, {
    slug: vendorSlug,
    name: `Vendor of ${code}`,
    product: hub.product,
  });
  const siteId = (await h.ctx.sites.resolveCodes([code])).found[0]?.id as number;

  // one at a time into the database, then signed in together (scrypt runs on the thread pool)
  const created: Array<[PersonRole, { id: number; email: string }]> = [];
  for (const role of PEOPLE)
    created.push([
      role,
      await createUser(h, {
        email: `${role.replace("_", "-")}.${c}@${lower}.test`,
        name: `${role} ${c}`,
        memberships: role === "engineer" ? [] : [{ site: code, role }],
        vendorTeams: role === "engineer" ? [vendorSlug] : [],
      }),
    ]);
  const people = Object.fromEntries(
    await Promise.all(
      created.map(
        async ([role, u]) => [role, { ...u, caller: await wayIn(h, `${code} ${role}`, u, via) }] as const,
      ),
    ),
  ) as Record<PersonRole, Person>;
  const as = (role: PersonRole) => people[role].caller;
  const req = async (who: Caller, method: Req["method"], url: string, body?: unknown) =>
    ok(await send(h, who, { method, url, ...(body !== undefined ? { body } : {}) }), `${method} ${url}`);
  const post = async (who: Caller, url: string, body: unknown = {}) =>
    (await req(who, "POST", url, body)).json();
  const upload = async (who: Caller, key: string, name: string, visibility: "public" | "internal") =>
    ok(
      await send(h, who, {
        method: "POST",
        url: `/api/v1/tickets/${key}/attachments?visibility=${visibility}`,
        raw: multipart([{ name, content: `file ${name} ${t}` }]),
      }),
      `upload ${name}`,
    ).json().items[0].id as number;
  const ticketOf = async (key: string) => ({
    key,
    id: (await h.ctx.tickets.visibleRow(systemActor, key)).id,
  });

  // configuration: calendar with a holiday, SLA, on-call, canned replies, a mailbox, WhatsApp, tokens
  await req(hubAdmin, "PUT", `/api/v1/sites/${code}/calendar`, {
    alwaysOpen: false,
    weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: "08:00", end: "17:00" })),
    holidays: [{ date: "2026-12-25", name: `Holiday ${c}` }],
  });
  await req(hubAdmin, "PUT", `/api/v1/sites/${code}/sla-policies`, {
    policies: [{ priority: "normal", firstResponseMinutes: 240, resolutionMinutes: 2400 }],
  });
  await req(as("coordinator"), "PUT", `/api/v1/sites/${code}/on-call`, {
    entries: [{ userId: people.agent.id, tier: 2 }],
  });
  const cannedReplies: number[] = [];
  for (const n of [1, 2, 3])
    cannedReplies.push(
      (
        await post(as("coordinator"), "/api/v1/canned-replies", {
          site: code,
          title: `Canned ${n} ${c}`,
          body: `Hello ${c}`,
        })
      ).id,
    );
  const mailbox = (
    await post(hubAdmin, `/api/v1/sites/${code}/channels/email/mailboxes`, {
      address: `support@${lower}.test`,
      displayName: `Support ${c}`,
    })
  ).id as number;
  await req(hubAdmin, "PUT", `/api/v1/sites/${code}/channels/whatsapp`, {
    phoneNumberId: `${siteId}00100200`,
    displayPhoneNumber: "+260 000 000",
    accessToken: `token-${code}`,
    appSecret: `secret-${code}`,
    verifyToken: `verify-${code}`,
  });
  const tokens: number[] = [];
  for (const n of [1, 2, 3])
    tokens.push(
      (await h.ctx.auth.createToken(people.agent.id, { name: `Token ${n} ${c}`, scopes: ["tickets:read"] }))
        .id,
    );

  // tickets: the requester's own, with a reply, a note and files; assigned so the agent is notified
  const main = await post(as("requester"), "/api/v1/tickets", {
    site: code,
    subject: `Printer offline ${t}`,
    description: `The certificate printer does not answer ${t}`,
  });
  const publicFile = await upload(as("site_admin"), main.key, `${t}-public.txt`, "public");
  const internalFile = await upload(as("agent"), main.key, `${t}-internal.txt`, "internal");
  const spare: number[] = [];
  for (const n of [1, 2, 3, 4])
    spare.push(await upload(as("agent"), main.key, `${t}-spare${n}.txt`, "public"));
  await post(as("site_admin"), `/api/v1/tickets/${main.key}/messages`, {
    kind: "reply",
    body: `Please restart it ${t}, see /kb/articles/${hub.article}`,
    attachmentIds: [publicFile],
  });
  await post(as("agent"), `/api/v1/tickets/${main.key}/messages`, {
    kind: "note",
    body: `Internal note ${t}`,
  });
  await post(as("requester"), `/api/v1/tickets/${main.key}/messages`, {
    kind: "reply",
    body: `Still broken ${t}`,
  });
  await req(as("site_admin"), "PATCH", `/api/v1/tickets/${main.key}`, { assigneeId: people.agent.id });
  await req(as("agent"), "PUT", `/api/v1/tickets/${main.key}/watchers/me`);
  await req(as("agent"), "POST", `/api/v1/tickets/${main.key}/presence`, { mode: "viewing" });

  // a ticket staff opened for a contact, escalated to Level 3 with a dossier for the site's vendor team
  const openFor = (subject: string) =>
    post(as("agent"), "/api/v1/tickets", {
      site: code,
      subject: `${subject} ${t}`,
      description: `Details ${t}`,
      category: "bug",
      requester: { name: `Contact ${t}`, email: contactEmail },
    });
  const toL3 = async (key: string) => {
    await post(as("agent"), `/api/v1/tickets/${key}/escalations`, {
      direction: "up",
      reason: `Needs L2 ${t}`,
    });
    const evidence = await upload(as("agent"), key, `${t}-evidence.txt`, "internal");
    await req(as("agent"), "PUT", `/api/v1/tickets/${key}/dossier`, {
      module: `Module ${t}`,
      summary: `Summary ${t}`,
      description: `Dossier ${t}`,
      stepsToReproduce: [`Step ${t}`],
      productVersion: "1.8.1",
      applicationUrl: "https://crvs.example.org/records",
      impactedUsers: `Users ${t}`,
      impactedRoles: ["registrar"],
      browserAndDevice: "Chrome",
      evidence: { attachmentIds: [evidence] },
      severity: "high",
      workaroundExists: false,
    });
    const up = await send(h, as("agent"), {
      method: "POST",
      url: `/api/v1/tickets/${key}/escalations`,
      body: { direction: "up", reason: `Vendor bug ${t}`, vendorTeam: vendorSlug },
    });
    if (up.statusCode !== 200) {
      const criteria = (await req(as("agent"), "GET", `/api/v1/tickets/${key}/escalation`)).json();
      throw new Error(`escalating ${key} to L3: ${up.statusCode} ${up.body} ${JSON.stringify(criteria)}`);
    }
    return evidence;
  };
  const l3 = await openFor("Certificates print the wrong district");
  const evidence = await toL3(l3.key);
  const l3b = await openFor("Registrations are lost offline");
  await toL3(l3b.key);
  const l3c = await openFor("Duplicate records");
  await toL3(l3c.key);
  const l3d = await openFor("Audit log gaps");
  await toL3(l3d.key);
  // a word of its own, which the site's staff accept for search below (the marker word stays pending)
  const activeTerm = `zq${randomBytes(4).toString("hex")}`;
  const byAgent = await openFor(`Slow search ${activeTerm}`);
  const spares = [await openFor("Spare one"), await openFor("Spare two"), await openFor("Spare three")];

  // deferrals to the hub's release, proposed by the agent, waiting for a coordinator
  const deferrals: number[] = [];
  for (const key of [l3.key, l3b.key])
    deferrals.push(
      (
        await post(as("agent"), `/api/v1/tickets/${key}/deferrals`, {
          releaseId: hub.release,
          reason: `Can wait ${t}`,
        })
      ).id,
    );

  // links between the site's tickets
  const links: number[] = [];
  for (const other of [l3.key, byAgent.key]) {
    const items = (await post(as("agent"), `/api/v1/tickets/${main.key}/links`, { ticket: other }))
      .items as Array<{ id: number; ticket: { key: string } }>;
    const made = items.find((i) => JSON.stringify(i).includes(other));
    if (!made) throw new Error(`link to ${other} not listed: ${JSON.stringify(items)}`);
    links.push(made.id);
  }

  // a phone call, a chat handed over to a ticket and one still open, with feedback
  const phone = await post(as("agent"), `/api/v1/sites/${code}/calls`, {
    callerName: `Caller ${t}`,
    number: callerNumber,
    startedAt: "2026-03-02T09:00:00Z",
    durationSeconds: 120,
    summary: `Call about ${t}`,
  });
  const chat = await post(as("requester"), "/api/v1/chatbot/conversations", {
    site: code,
    question: `How do I print a certificate ${t}`,
  });
  const handover = await post(
    as("requester"),
    `/api/v1/chatbot/conversations/${chat.conversation.id}/messages`,
    {
      text: "talk to a person",
    },
  );
  const chatbotKey = handover.conversation.ticketKey as string;
  if (!chatbotKey) throw new Error(`the chatbot opened no ticket: ${JSON.stringify(handover)}`);
  const open = await post(as("requester"), "/api/v1/chatbot/conversations", {
    site: code,
    question: `Where is the printer setting ${t}`,
  });
  await post(as("requester"), `/api/v1/chatbot/conversations/${open.conversation.id}/feedback`, {
    helpful: false,
    comment: `Chat feedback ${t}`,
  });

  // the knowledge base: the site's variant of the generic article, a search, feedback, a learned term
  const variant = await post(as("agent"), "/api/v1/kb/articles", {
    collectionId: hub.collection,
    parentId: hub.article,
    site: code,
    title: `Printing at ${code} ${k}`,
    body: `## Printing\n\nUse the printer in room ${k}.`,
    audiences: ["site_admin"],
    // published articles are read by everyone signed in, by design: a draft is the site's own until it is out
    status: "draft",
  });
  const search = (
    await req(
      as("requester"),
      "GET",
      `/api/v1/kb/search?q=${encodeURIComponent(`certificate printer ${t}`)}&site=${code}`,
    )
  ).json();
  await post(as("requester"), `/api/v1/kb/articles/${hub.article}/feedback`, {
    helpful: true,
    comment: `Article feedback ${t}`,
  });
  await send(h, as("requester"), {
    method: "GET",
    url: `/api/v1/kb/search?q=${encodeURIComponent(`zzyzx ${t}`)}&site=${code}`,
  });

  // a saved view, a mail that opened a ticket, a web-form request with a file
  const views: number[] = [];
  for (const n of [1, 2])
    views.push(
      (await post(as("agent"), "/api/v1/views", { name: `View ${n} ${t}`, filters: { site: [code], q: t } }))
        .id,
    );
  const mailboxRow = await h.ctx.email.repo.mailbox(mailbox);
  if (!mailboxRow) throw new Error("the mailbox was not stored");
  const mail = (from: string, subject: string, id: string) =>
    h.ctx.email.inbound.take(
      mailboxRow,
      Buffer.from(
        [
          `From: ${from}`,
          `To: support@${lower}.test`,
          `Subject: ${subject}`,
          `Message-ID: <${id}@sender.test>`,
          "Date: Mon, 02 Mar 2026 09:00:00 +0000",
          "Content-Type: text/plain; charset=utf-8",
          "",
          `The registry is down ${t}`,
          "",
        ].join("\r\n"),
      ),
      null,
    );
  const taken = await mail(`Mail Sender ${t} <${t}@sender.test>`, `Mail about ${t}`, t);
  if (taken.outcome !== "opened") throw new Error(`the mail opened no ticket: ${JSON.stringify(taken)}`);
  const emailKey = taken.ticketKey;
  // a stranger's mail threaded by the key is held for staff to accept
  const held = await mail(
    `Stranger ${t} <stranger.${t}@elsewhere.test>`,
    `Re: [${emailKey}] Mail about ${t}`,
    `${t}.2`,
  );
  if (held.outcome !== "held") throw new Error(`the stranger's mail was not held: ${JSON.stringify(held)}`);
  const heldMessage = (await h.ctx.email.repo.message(held.emailId))?.ticket_message_id as number;
  const anonymous: Caller = { label: "planting visitor", ip: nextIp() };
  const uploadTokens: string[] = [];
  for (const n of [1, 2, 3])
    uploadTokens.push(
      ok(
        await send(h, anonymous, {
          method: "POST",
          url: "/api/v1/portal/uploads",
          raw: multipart([{ name: `${t}-portal${n}.txt`, content: t }]),
        }),
        "a portal upload",
      ).json().items[0].token,
    );
  const receipt = ok(
    await send(h, anonymous, {
      method: "POST",
      url: "/api/v1/portal/requests",
      body: {
        site: code,
        subject: `Portal request ${t}`,
        description: `From the web form ${t}`,
        name: `Visitor ${t}`,
        email: visitorEmail,
        attachments: [uploadTokens[0]],
      },
    }),
    "a portal request",
  ).json();
  const portalView = ok(
    await send(h, anonymous, {
      method: "GET",
      url: `/api/v1/portal/requests/${receipt.key}?token=${receipt.token}`,
    }),
    "the portal page",
  ).json();

  const notifications = (await req(as("agent"), "GET", "/api/v1/notifications"))
    .json()
    .items.map((n: { id: number }) => n.id);
  const emails = (await req(as("agent"), "GET", `/api/v1/tickets/${emailKey}/emails`)).json().items;
  // a staff reply linking the article teaches it the ticket's words; the site's agent lets search use one
  await post(as("agent"), `/api/v1/tickets/${byAgent.key}/messages`, {
    kind: "reply",
    body: `See /kb/articles/${hub.article}`,
  });
  await post(as("agent"), `/api/v1/kb/articles/${hub.article}/learned-terms/${activeTerm}/accept`);
  // the site's own staff review the words its tickets taught
  const learned = (await req(as("agent"), "GET", "/api/v1/kb/learned-terms?limit=500")).json()
    .items as Array<{
    term: string;
  }>;
  const learnedTerm = learned.find((l) => l.term.toLowerCase().includes(t.slice(0, 6)))?.term ?? t;

  return {
    code,
    siteId,
    siteName,
    markers,
    vendorSlug,
    people,
    tickets: {
      main: await ticketOf(main.key),
      l3: await ticketOf(l3.key),
      l3b: await ticketOf(l3b.key),
      l3c: await ticketOf(l3c.key),
      l3d: await ticketOf(l3d.key),
      byAgent: await ticketOf(byAgent.key),
      phone: await ticketOf(phone.ticketKey),
      chatbot: await ticketOf(chatbotKey),
      email: await ticketOf(emailKey),
      portal: await ticketOf(receipt.key),
      spare1: await ticketOf(spares[0].key),
      spare2: await ticketOf(spares[1].key),
      spare3: await ticketOf(spares[2].key),
    },
    attachments: { public: publicFile, internal: internalFile, evidence, spare },
    contacts: { email: contactEmail, number: callerNumber, visitor: visitorEmail },
    conversation: {
      open: open.conversation.id,
      openTurn: open.reply.id,
      handedOver: chat.conversation.id,
    },
    cannedReplies,
    views,
    links,
    deferrals,
    notifications,
    tokens,
    mailbox,
    email: emails[0]?.id,
    heldMessage,
    kb: { variant: variant.id, search: search.searchId ?? search.id, learnedTerm, activeTerm },
    portal: {
      key: receipt.key,
      token: receipt.token,
      confirm: await confirmationToken(h, receipt.key),
      attachment: portalView.messages?.flatMap(
        (m: { attachments?: Array<{ id: number }> }) => m.attachments ?? [],
      )[0]?.id,
      uploadTokens: uploadTokens.slice(1),
      usedUpload: uploadTokens[0] as string,
    },
    release: hub.release,
  };
}

/**
 * The foreign site with every id, key and token replaced by one that exists nowhere: what the server
 * answers for an object that is not there, to compare with its answer for one that is someone else's.
 */
export function missingOf(w: SiteWorld): SiteWorld {
  let n = 0;
  const id = () => 2_000_000_000 + ++n;
  const forged = randomBytes(32).toString("base64url");
  return {
    ...w,
    code: "ZQX9",
    siteId: id(),
    people: Object.fromEntries(
      Object.entries(w.people).map(([role, p]) => [role, { ...p, id: id() }]),
    ) as SiteWorld["people"],
    tickets: Object.fromEntries(
      Object.keys(w.tickets).map((name) => [name, { key: `${w.code}-${900_000 + ++n}`, id: id() }]),
    ) as SiteWorld["tickets"],
    attachments: { public: id(), internal: id(), evidence: id(), spare: w.attachments.spare.map(id) },
    contacts: {
      email: `nobody.${forged.slice(0, 8)}@nowhere.example`,
      number: `+260 96${Math.floor(1_000_000 + Math.random() * 8_999_999)}`,
      visitor: `nobody.${forged.slice(8, 16)}@nowhere.example`,
    },
    conversation: { open: id(), openTurn: id(), handedOver: id() },
    cannedReplies: w.cannedReplies.map(id),
    views: w.views.map(id),
    links: w.links.map(id),
    deferrals: w.deferrals.map(id),
    notifications: w.notifications.map(id),
    tokens: w.tokens.map(id),
    mailbox: id(),
    email: id(),
    heldMessage: id(),
    kb: { variant: id(), search: id(), learnedTerm: "zqxnosuchterm", activeTerm: "zqxnosuchword" },
    portal: {
      key: `${w.code}-${900_000 + ++n}`,
      token: forged,
      confirm: `${Date.now().toString(36)}.0.${forged}`,
      attachment: id(),
      uploadTokens: w.portal.uploadTokens.map(() => `${forged}.${forged}`),
      usedUpload: `${forged}.${forged}`,
    },
  };
}
