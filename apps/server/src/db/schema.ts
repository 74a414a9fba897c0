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
  sign_in_throttles: SignInThrottlesTable;
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
  kb_learned_evidence: KbLearnedEvidenceTable;
  kb_learned_terms: KbLearnedTermsTable;
  email_mailboxes: EmailMailboxesTable;
  email_messages: EmailMessagesTable;
  email_bounces: EmailBouncesTable;
  email_participants: EmailParticipantsTable;
  whatsapp_numbers: WhatsappNumbersTable;
  whatsapp_chats: WhatsappChatsTable;
  whatsapp_inbound: WhatsappInboundTable;
  whatsapp_statuses: WhatsappStatusesTable;
  whatsapp_outbound: WhatsappOutboundTable;
  portal_requests: PortalRequestsTable;
  requester_languages: RequesterLanguagesTable;
  requester_links: RequesterLinksTable;
  phone_calls: PhoneCallsTable;
  notification_preferences: NotificationPreferencesTable;
  ticket_watchers: TicketWatchersTable;
  notification_deliveries: NotificationDeliveriesTable;
  saved_views: SavedViewsTable;
  canned_replies: CannedRepliesTable;
  ticket_links: TicketLinksTable;
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

/** Failed sign-ins per (account, address), account or address; `key` is a hash of which. */
export interface SignInThrottlesTable {
  key: string;
  failures: number;
  blocked_until: number;
  last_failure_at: number;
  signed_in_at: number | null;
  updated_at: number;
}

export interface ContactsTable {
  id: Generated<number>;
  site_id: number;
  name: string | null;
  email: string | null;
  phone: string | null;
  whatsapp_id: string | null;
  user_id: number | null;
  /** 1 for a contact from an anonymous web form whose address has not been confirmed from its mailbox */
  unverified: Generated<number>;
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
  /** who really sent a message that came in by mail: address, display name */
  sender_address: string | null;
  sender_name: string | null;
  /** the sender check of a mail: known (the ticket's requester or someone they copied), unverified (held as a note for staff), accepted (by staff) */
  sender_status: string | null;
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
  /** a site variant's reach: "body" (it replaces the whole text) or "sections" (those of its headings) */
  overrides: Generated<string>;
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

/** One word of one question that ended with an article, vouched for by one person or ticket. */
export interface KbLearnedEvidenceTable {
  id: Generated<number>;
  article_id: number;
  term: string;
  /** user:<id> or ticket:<id>: each vouches once per word and article */
  witness: string;
  /** search, chatbot or ticket */
  source: string;
  /** 1 when staff linked the article */
  staff: number;
  site_id: number | null;
  /** words of a ticket: pending until an editor of its site says accepted or rejected; null for searches */
  review: string | null;
  created_at: number;
}

/** A word learned for an article's search terms, with how many distinct witnesses vouch for it. */
export interface KbLearnedTermsTable {
  id: Generated<number>;
  article_id: number;
  term: string;
  evidence: number;
  /** active, pending or removed */
  status: string;
  removed_by: number | null;
  created_at: number;
  updated_at: number;
}

/** A support mailbox of a site: read over IMAP (or fed by the SMTP listener), answered over SMTP. */
export interface EmailMailboxesTable {
  id: Generated<number>;
  site_id: number;
  address: string;
  display_name: string | null;
  enabled: number;
  auto_acknowledge: number;
  imap_host: string | null;
  imap_port: number | null;
  imap_tls: number;
  imap_user: string | null;
  /** sealed (shared/secrets.ts) */
  imap_password: string | null;
  imap_folder: string;
  smtp_host: string | null;
  smtp_port: number | null;
  /** tls, starttls or none */
  smtp_security: string;
  smtp_user: string | null;
  /** sealed (shared/secrets.ts) */
  smtp_password: string | null;
  uid_validity: number | null;
  /** the highest UID taken (committed) under uid_validity */
  last_uid: number;
  /** the process reading the mailbox now, and until when its lease runs */
  reader_id: string | null;
  reader_until: number | null;
  last_checked_at: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** One mail taken in or sent out; the unique keys make each one happen once. */
export interface EmailMessagesTable {
  id: Generated<number>;
  /** in or out */
  direction: string;
  /** in: mail, auto-reply, bounce, bulk; out: reply, ack, notice */
  kind: string;
  mailbox_id: number | null;
  /** without angle brackets */
  message_id: string;
  uid_validity: number | null;
  uid: number | null;
  /** outbound: what it answers (reply:<message id>, ack:<email id>, notice:<dedupe key>) */
  dedupe_key: string | null;
  ticket_id: number | null;
  ticket_message_id: number | null;
  contact_id: number | null;
  from_address: string | null;
  /** inbound: the display name the sender gave with their address */
  from_name: string | null;
  to_address: string | null;
  subject: string | null;
  in_reply_to: string | null;
  /** JSON list of Message-IDs */
  reference_ids: string | null;
  /** the original message, kept in the data folder under its hash */
  raw_sha256: string | null;
  /** outbound: JSON of what to send (text, html, attachments) */
  payload: string | null;
  /** in: taken, ignored, bounce; out: queued, sent, failed */
  status: string;
  status_detail: string | null;
  created_at: number;
  sent_at: number | null;
}

/** Addresses a ticket's requester copied on their mail: their replies thread as the requester's own. */
export interface EmailParticipantsTable {
  ticket_id: number;
  /** lower case */
  address: string;
  /** the requester's mail that copied them */
  email_message_id: number | null;
  created_at: number;
}

export interface EmailBouncesTable {
  id: Generated<number>;
  address: string;
  site_id: number | null;
  contact_id: number | null;
  /** our outbound mail that bounced, when the report names it */
  email_message_id: number | null;
  permanent: number;
  status: string | null;
  diagnostic: string | null;
  created_at: number;
}

/** A site's WhatsApp business number (one per site); secrets are sealed (shared/secrets.ts). */
export interface WhatsappNumbersTable {
  id: Generated<number>;
  site_id: number;
  phone_number_id: string;
  display_phone_number: string | null;
  business_account_id: string | null;
  access_token: string;
  app_secret: string;
  verify_token: string;
  language: string;
  reply_template_name: string | null;
  reply_template_language: string | null;
  notice_template_name: string | null;
  notice_template_language: string | null;
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** A person writing to a number: their contact, chatbot conversation and last message (the 24-hour window). */
export interface WhatsappChatsTable {
  id: Generated<number>;
  number_id: number;
  wa_id: string;
  contact_id: number;
  profile_name: string | null;
  conversation_id: number | null;
  last_inbound_at: number | null;
  created_at: number;
  updated_at: number;
}

/** An inbound message as received by the webhook, queued for processing. */
export interface WhatsappInboundTable {
  id: Generated<number>;
  number_id: number;
  wamid: string;
  wa_id: string;
  profile_name: string | null;
  type: string;
  /** JSON: the message object as sent */
  message: string;
  sent_at: number;
  received_at: number;
  /** queued, done or ignored */
  state: string;
  outcome: string | null;
  ticket_id: number | null;
  processed_at: number | null;
}

/** A delivery status of one of our messages, as received; applied to whatsapp_outbound once known. */
export interface WhatsappStatusesTable {
  id: Generated<number>;
  wamid: string;
  status: string;
  at: number;
  recipient_id: string | null;
  error_code: number | null;
  error_title: string | null;
  received_at: number;
  applied_at: number | null;
}

/** A message we send (chatbot answer, staff reply, notice), stored before it is sent. */
export interface WhatsappOutboundTable {
  id: Generated<number>;
  number_id: number;
  wa_id: string;
  contact_id: number | null;
  ticket_id: number | null;
  ticket_message_id: number | null;
  /** chatbot, reply or notice */
  purpose: string;
  body: string;
  /** text or template, chosen when sent */
  kind: string | null;
  template_name: string | null;
  template_language: string | null;
  dedupe_key: string;
  /** queued, sent, delivered, read or failed */
  state: string;
  wamid: string | null;
  error_code: number | null;
  error_title: string | null;
  created_at: number;
  sent_at: number | null;
  delivered_at: number | null;
  read_at: number | null;
  failed_at: number | null;
  updated_at: number;
}

/** What a web request form submission became. */
export interface PortalRequestsTable {
  ticket_id: number;
  contact_id: number;
  /** 1 when sent without signing in */
  anonymous: number;
  language: string;
  ip: string | null;
  created_at: number;
  /** a hash of what the form carried, so a replay with another body is refused (null before 0017) */
  fingerprint: string | null;
}

/** The generation of a ticket's requester links: raised when staff revoke them. */
export interface RequesterLinksTable {
  ticket_id: number;
  generation: number;
  revoked_at: number;
  revoked_by: number | null;
}

/** The language a requester last wrote to us in. */
export interface RequesterLanguagesTable {
  contact_id: number;
  language: string;
  updated_at: number;
}

/** A phone call logged by site staff, kept for reporting. */
export interface PhoneCallsTable {
  id: Generated<number>;
  site_id: number;
  ticket_id: number;
  contact_id: number;
  caller_name: string | null;
  number: string;
  /** inbound or outbound */
  direction: string;
  started_at: number;
  duration_seconds: number;
  summary: string;
  /** 1 when the call opened the ticket */
  opened_ticket: number;
  logged_by: number;
  created_at: number;
}

/** A user's notification settings: the "all" row, and rows per kind group that override it. */
export interface NotificationPreferencesTable {
  user_id: number;
  kind_group: string;
  in_app: number;
  email: number;
  whatsapp: number;
  /** immediate or digest */
  mode: string;
  /** on the "all" row only: the hour (0-23) of the daily digest in time_zone */
  digest_hour: number | null;
  time_zone: string | null;
  updated_at: number;
}

export interface TicketWatchersTable {
  ticket_id: number;
  user_id: number;
  created_at: number;
}

/** One notice to one recipient on one channel, with its delivery state. */
export interface NotificationDeliveriesTable {
  id: Generated<number>;
  dedupe_key: string;
  user_id: number | null;
  contact_id: number | null;
  /** in_app, email or whatsapp */
  channel: string;
  kind: string;
  ticket_id: number | null;
  title: string;
  body: string | null;
  language: string;
  /** queued, sent, failed, skipped, digest (held for the daily digest), sending (taken by a digest) */
  status: string;
  attempts: number;
  last_error: string | null;
  send_after: number | null;
  batch_key: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

/** A user's saved queue view: a name and the list API's filters as JSON. */
export interface SavedViewsTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  filters: string;
  position: number;
  created_at: number;
  updated_at: number;
}

/** A reply text staff insert into the thread; site_id null offers it at every site. */
export interface CannedRepliesTable {
  id: Generated<number>;
  site_id: number | null;
  title: string;
  body: string;
  language: string | null;
  created_by: number | null;
  created_at: number;
  updated_at: number;
}

/** A link between two tickets: related, or duplicate-of (ticket_id merged into other_ticket_id). */
export interface TicketLinksTable {
  id: Generated<number>;
  ticket_id: number;
  other_ticket_id: number;
  kind: string;
  created_by: number | null;
  created_at: number;
}
