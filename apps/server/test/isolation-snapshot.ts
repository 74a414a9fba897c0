import { type Kysely, sql } from "kysely";
import type { Harness } from "./harness.js";
import type { SiteWorld } from "./isolation-world.js";

// Every row of the database that belongs to, or points at, one site: its own rows and those of its
// tickets, people, contacts, chats, calendar, mailboxes, WhatsApp numbers and articles, found by column
// name in every table, so a table added later is covered without a change here.

type Kind =
  | "site"
  | "ticket"
  | "user"
  | "contact"
  | "conversation"
  | "calendar"
  | "mailbox"
  | "number"
  | "article";

/** Which ids a column holds, by its name. */
const COLUMN_KINDS: Record<string, Kind> = {
  site_id: "site",
  ticket_id: "ticket",
  other_ticket_id: "ticket",
  user_id: "user",
  author_user_id: "user",
  uploaded_by_user_id: "user",
  actor_user_id: "user",
  assignee_id: "user",
  created_by: "user",
  updated_by: "user",
  proposed_by: "user",
  decided_by: "user",
  logged_by: "user",
  author_id: "user",
  entered_by: "user",
  removed_by: "user",
  contact_id: "contact",
  author_contact_id: "contact",
  conversation_id: "conversation",
  calendar_id: "calendar",
  mailbox_id: "mailbox",
  number_id: "number",
  article_id: "article",
  clicked_article_id: "article",
};

/**
 * Tables whose rows belong to a site only through some of their columns. A search is recorded under the
 * site it was read as, and KB editors and portal visitors may read as any site by design: a search is the
 * site's when one of its people made it.
 */
const OWNED_THROUGH: Record<string, string[]> = { kb_searches: ["user_id"] };

/** The tables whose own id is of a kind. */
const TABLE_KINDS: Record<string, Kind> = {
  sites: "site",
  tickets: "ticket",
  users: "user",
  contacts: "contact",
  chatbot_conversations: "conversation",
  calendars: "calendar",
  email_mailboxes: "mailbox",
  whatsapp_numbers: "number",
  kb_articles: "article",
};

/** The tables of kinds found through the site id (users are the site's people, known in advance). */
const BY_SITE: Array<[Kind, string]> = [
  ["ticket", "tickets"],
  ["contact", "contacts"],
  ["conversation", "chatbot_conversations"],
  ["calendar", "calendars"],
  ["mailbox", "email_mailboxes"],
  ["number", "whatsapp_numbers"],
  ["article", "kb_articles"],
];

async function columnsByTable(h: Harness): Promise<Map<string, string[]>> {
  const db = h.ctx.database.db as unknown as Kysely<Record<string, unknown>>;
  const out = new Map<string, string[]>();
  if (h.ctx.database.dialect === "postgres") {
    const rows = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = current_schema() order by table_name, ordinal_position`.execute(db);
    for (const r of rows.rows) out.set(r.table_name, [...(out.get(r.table_name) ?? []), r.column_name]);
    return out;
  }
  const tables = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
  for (const t of tables.rows) {
    const cols = await sql<{ name: string }>`select name from pragma_table_info(${t.name})`.execute(db);
    out.set(
      t.name,
      cols.rows.map((c) => c.name),
    );
  }
  return out;
}

/** The rows of every table that belong to or point at the site, each table's rows sorted, by table. */
export async function foreignRows(h: Harness, site: SiteWorld): Promise<Record<string, string[]>> {
  const db = h.ctx.database.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const ids = new Map<Kind, unknown[]>([
    ["site", [site.siteId]],
    ["user", Object.values(site.people).map((p) => p.id)],
  ]);
  for (const [kind, table] of BY_SITE) {
    const rows = await db.selectFrom(table).select("id").where("site_id", "=", site.siteId).execute();
    ids.set(
      kind,
      rows.map((r) => r.id),
    );
  }
  const out: Record<string, string[]> = {};
  for (const [table, columns] of await columnsByTable(h)) {
    const conditions: Array<[string, unknown[]]> = [];
    const self = TABLE_KINDS[table];
    if (self && columns.includes("id")) conditions.push(["id", ids.get(self) ?? []]);
    for (const c of OWNED_THROUGH[table] ?? columns) {
      const kind = COLUMN_KINDS[c];
      if (kind) conditions.push([c, ids.get(kind) ?? []]);
    }
    const live = conditions.filter(([, values]) => values.length > 0);
    if (!live.length) continue;
    const rows = await db
      .selectFrom(table)
      .selectAll()
      .where((eb) => eb.or(live.map(([c, values]) => eb(eb.ref(c), "in", values))))
      .execute();
    out[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}
