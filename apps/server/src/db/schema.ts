import type { Generated } from "kysely";

/**
 * The database as Kysely sees it. Times are epoch milliseconds (integer on SQLite, bigint on
 * PostgreSQL), flags are 0/1 integers and lists are JSON text, so both dialects read the same.
 */
export interface Database {
  sites: SitesTable;
  vendor_teams: VendorTeamsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  vendor_team_members: VendorTeamMembersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  password_resets: PasswordResetsTable;
  contacts: ContactsTable;
  site_counters: SiteCountersTable;
  tickets: TicketsTable;
  ticket_messages: TicketMessagesTable;
  attachments: AttachmentsTable;
  ticket_events: TicketEventsTable;
  tier_segments: TierSegmentsTable;
  categories: CategoriesTable;
  priorities: PrioritiesTable;
  calendars: CalendarsTable;
  holidays: HolidaysTable;
  sla_policies: SlaPoliciesTable;
  ticket_sla_clocks: TicketSlaClocksTable;
  ticket_dossiers: TicketDossiersTable;
  on_call: OnCallTable;
  releases: ReleasesTable;
  deferrals: DeferralsTable;
  notifications: NotificationsTable;
  jobs: JobsTable;
  kb_collections: KbCollectionsTable;
  kb_articles: KbArticlesTable;
  kb_revisions: KbRevisionsTable;
  kb_searches: KbSearchesTable;
  chatbot_conversations: ChatbotConversationsTable;
  chatbot_turns: ChatbotTurnsTable;
  kb_feedback: KbFeedbackTable;
  kb_synonyms: KbSynonymsTable;
}

export interface SitesTable {
  id: Generated<number>;
  code: string;
  name: string;
  country: string;
  product: string;
  product_version: string | null;
  time_zone: string;
  languages: string;
  created_at: number;
  updated_at: number;
}

export interface VendorTeamsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  product: string | null;
  created_at: number;
}

export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string;
  password_hash: string | null;
  is_hub_admin: number;
  language: string;
  disabled: number;
  created_at: number;
  updated_at: number;
}

export interface MembershipsTable {
  user_id: number;
  site_id: number;
  role: string;
  created_at: number;
}

export interface VendorTeamMembersTable {
  user_id: number;
  team_id: number;
  created_at: number;
}

export interface SessionsTable {
  id_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  prefix: string;
  token_hash: string;
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface PasswordResetsTable {
  token_hash: string;
  user_id: number;
  created_by: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface ContactsTable {
  id: Generated<number>;
  site_id: number;
  name: string | null;
  email: string | null;
  phone: string | null;
  whatsapp_id: string | null;
  user_id: number | null;
  created_at: number;
  updated_at: number;
}

export interface SiteCountersTable {
  site_id: number;
  last_number: number;
}

export interface TicketsTable {
  id: Generated<number>;
  site_id: number;
  number: number;
  key: string;
  subject: string;
  status: string;
  priority: string;
  priority_rank: number;
  category: string;
  tier: number;
  channel: string;
  contact_id: number;
  assignee_id: number | null;
  vendor_team_id: number | null;
  product: string | null;
  module: string | null;
  product_version: string | null;
  tags: string;
  created_by: number | null;
  create_request_key: string | null;
  version: number;
  created_at: number;
  updated_at: number;
  first_response_at: number | null;
  resolved_at: number | null;
  closed_at: number | null;
  sla_due_at: number | null;
  sla_state: string | null;
}

export interface TicketMessagesTable {
  id: Generated<number>;
  ticket_id: number;
  kind: string;
  author_user_id: number | null;
  author_contact_id: number | null;
  body: string;
  channel: string;
  created_at: number;
}

export interface AttachmentsTable {
  id: Generated<number>;
  ticket_id: number;
  message_id: number | null;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  visibility: string;
  uploaded_by_user_id: number | null;
  created_at: number;
}

export interface TicketEventsTable {
  id: Generated<number>;
  ticket_id: number;
  type: string;
  actor_user_id: number | null;
  before: string | null;
  after: string | null;
  created_at: number;
}

export interface TierSegmentsTable {
  id: Generated<number>;
  ticket_id: number;
  tier: number;
  entered_at: number;
  left_at: number | null;
  entered_by: number | null;
  reason: string | null;
}

export interface CategoriesTable {
  key: string;
  name: string;
  /** JSON: target tier ("2", "3") to the checklist shown before escalating there */
  escalation_criteria: string;
  active: number;
  position: number;
  updated_at: number;
}

export interface PrioritiesTable {
  key: string;
  name: string;
  rank: number;
  expedited: number;
  updated_at: number;
}

export interface CalendarsTable {
  id: Generated<number>;
  site_id: number;
  always_open: number;
  /** JSON: [{day, start, end}] in the site's time zone */
  weekly: string;
  version: number;
  updated_at: number;
}

export interface HolidaysTable {
  id: Generated<number>;
  calendar_id: number;
  date: string;
  name: string | null;
}

export interface SlaPoliciesTable {
  id: Generated<number>;
  site_id: number;
  priority: string;
  tier: number;
  first_response_minutes: number | null;
  next_response_minutes: number | null;
  resolution_minutes: number | null;
  warn_percent: number;
  updated_at: number;
}

export interface TicketSlaClocksTable {
  ticket_id: number;
  kind: string;
  state: string;
  target_minutes: number;
  consumed_minutes: number;
  running_since: number | null;
  started_at: number;
  due_at: number | null;
  warn_at: number | null;
  warn_percent: number;
  met_at: number | null;
  warned_at: number | null;
  breached_at: number | null;
}

export interface TicketDossiersTable {
  id: Generated<number>;
  ticket_id: number;
  version: number;
  data: string;
  created_by: number | null;
  created_at: number;
}

export interface OnCallTable {
  user_id: number;
  site_id: number;
  tier: number;
}

export interface ReleasesTable {
  id: Generated<number>;
  product: string;
  version: string;
  planned_date: string | null;
  status: string;
  notes: string | null;
  shipped_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface DeferralsTable {
  id: Generated<number>;
  ticket_id: number;
  release_id: number;
  state: string;
  reason: string;
  proposed_by: number;
  decided_by: number | null;
  decision_note: string | null;
  created_at: number;
  decided_at: number | null;
}

export interface NotificationsTable {
  id: Generated<number>;
  user_id: number;
  kind: string;
  ticket_id: number | null;
  title: string;
  body: string | null;
  dedupe_key: string;
  created_at: number;
  read_at: number | null;
}

export interface JobsTable {
  id: Generated<number>;
  name: string;
  payload: string;
  singleton_key: string | null;
  state: string;
  run_at: number;
  attempts: number;
  max_attempts: number;
  locked_until: number | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface KbCollectionsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: string | null;
  position: number;
  created_at: number;
  updated_at: number;
}

export interface KbArticlesTable {
  id: Generated<number>;
  collection_id: number;
  parent_id: number | null;
  site_id: number | null;
  language: string;
  slug: string;
  title: string;
  body_md: string;
  body_html: string;
  /** JSON list of the sections (anchor, heading, level, text) used by search */
  sections: string;
  /** JSON list of audiences */
  audiences: string;
  product: string | null;
  /** JSON list of product versions; empty means every version */
  versions: string;
  status: string;
  position: number;
  revision: number;
  based_on_revision: number | null;
  out_of_date: number;
  source_key: string | null;
  source_hash: string | null;
  created_by: number | null;
  updated_by: number | null;
  created_at: number;
  updated_at: number;
  published_at: number | null;
}

export interface KbRevisionsTable {
  id: Generated<number>;
  article_id: number;
  number: number;
  title: string;
  body_md: string;
  status: string;
  note: string | null;
  author_id: number | null;
  author_name: string;
  created_at: number;
}

export interface KbSearchesTable {
  id: Generated<number>;
  user_id: number | null;
  site_id: number | null;
  query: string;
  language: string;
  /** JSON object of the filters applied */
  filters: string;
  result_count: number;
  clicked_article_id: number | null;
  clicked_anchor: string | null;
  clicked_at: number | null;
  created_at: number;
}

export interface ChatbotConversationsTable {
  id: Generated<number>;
  site_id: number;
  user_id: number | null;
  language: string;
  /** open, resolved (at L0) or escalated (a ticket was opened) */
  status: string;
  ticket_key: string | null;
  created_at: number;
  updated_at: number;
  resolved_at: number | null;
}

export interface ChatbotTurnsTable {
  id: Generated<number>;
  conversation_id: number;
  /** user or bot */
  role: string;
  kind: string;
  text: string;
  query: string | null;
  /** 0..1000 */
  confidence: number | null;
  /** JSON list of the quoted passages */
  passages: string | null;
  search_id: number | null;
  created_at: number;
}

export interface KbFeedbackTable {
  id: Generated<number>;
  article_id: number | null;
  conversation_id: number | null;
  turn_id: number | null;
  site_id: number | null;
  user_id: number | null;
  /** 0 or 1 */
  helpful: number;
  comment: string | null;
  created_at: number;
}

/** One saved version of the synonym rules (the newest is in force). */
export interface KbSynonymsTable {
  id: Generated<number>;
  /** Solr synonym format, one rule a line */
  rules: string;
  updated_by: number | null;
  updated_at: number;
}
