import { sql } from "kysely";
import { type Migration, type MigrationProvider, type MigrationResultSet, Migrator } from "kysely/migration";
import type { Db, Dialect } from "./database.js";
import { sitesUsersAndAccess } from "./migrations/0001_sites_users_and_access.js";
import { contactsAndTickets } from "./migrations/0002_contacts_and_tickets.js";
import { tieredWorkflow } from "./migrations/0003_tiered_workflow.js";
import { knowledgeBase } from "./migrations/0004_knowledge_base.js";
import { chatbotAndFeedback } from "./migrations/0005_chatbot_and_feedback.js";
import { kbSearchTerms } from "./migrations/0006_kb_search_terms.js";
import { slaSweepAndRecomputeIndexes } from "./migrations/0007_sla_sweep_and_recompute_indexes.js";
import { ticketSearch } from "./migrations/0008_ticket_search.js";
import { emailChannel } from "./migrations/0009_email_channel.js";
import { whatsappChannel } from "./migrations/0010_whatsapp_channel.js";
import { webFormCallsAndNotificationPreferences } from "./migrations/0011_web_form_calls_and_notification_preferences.js";
import { staffWorkspace } from "./migrations/0012_staff_workspace.js";
import { kbLearning } from "./migrations/0013_kb_learning.js";
import { kbVariantSections } from "./migrations/0014_kb_variant_sections.js";
import { tierReportIndexes } from "./migrations/0015_tier_report_indexes.js";
import { ticketNumberSequences } from "./migrations/0016_ticket_number_sequences.js";
import { kbSiteScopedLearningAndFeedback } from "./migrations/0017_kb_site_scoped_learning_and_feedback.js";
import { emailSenderCheck } from "./migrations/0018_email_sender_check.js";
import { portalLinksAndUnverifiedContacts } from "./migrations/0019_portal_links_and_unverified_contacts.js";
import { signInThrottles } from "./migrations/0020_sign_in_throttles.js";
import type { DialectMigration } from "./migrations/helpers.js";

// Forward-only and in order; the name is what the database remembers, so never rename one.
const migrations: Array<[string, DialectMigration]> = [
  ["0001_sites_users_and_access", sitesUsersAndAccess],
  ["0002_contacts_and_tickets", contactsAndTickets],
  ["0003_tiered_workflow", tieredWorkflow],
  ["0004_knowledge_base", knowledgeBase],
  ["0005_chatbot_and_feedback", chatbotAndFeedback],
  ["0006_kb_search_terms", kbSearchTerms],
  ["0007_sla_sweep_and_recompute_indexes", slaSweepAndRecomputeIndexes],
  ["0008_ticket_search", ticketSearch],
  ["0009_email_channel", emailChannel],
  ["0010_whatsapp_channel", whatsappChannel],
  ["0011_web_form_calls_and_notification_preferences", webFormCallsAndNotificationPreferences],
  ["0012_staff_workspace", staffWorkspace],
  ["0013_kb_learning", kbLearning],
  ["0014_kb_variant_sections", kbVariantSections],
  ["0015_tier_report_indexes", tierReportIndexes],
  ["0016_ticket_number_sequences", ticketNumberSequences],
  ["0017_kb_site_scoped_learning_and_feedback", kbSiteScopedLearningAndFeedback],
  ["0018_email_sender_check", emailSenderCheck],
  ["0019_portal_links_and_unverified_contacts", portalLinksAndUnverifiedContacts],
  ["0020_sign_in_throttles", signInThrottles],
];

function provider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, m] of migrations) out[name] = { up: (db) => m.up(db, dialect) };
      return out;
    },
  };
}

/** Brings the schema up to date; throws with the failing migration's name if one fails. */
export async function migrateToLatest(db: Db, dialect: Dialect): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one; name ours, so that
  // another schema's kysely_migration tables (another app, or a parallel test) are not mistaken for ours.
  const schema =
    dialect === "postgres"
      ? (await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    provider: provider(dialect),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${failed?.migrationName ?? "(unknown)"} failed: ${cause}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
