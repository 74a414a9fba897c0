import type { Config } from "../config/config.js";
import type { DatabaseHandle } from "../db/database.js";
import { createEmbeddedJobs } from "../jobs/jobs.embedded.js";
import type { Jobs } from "../jobs/jobs.js";
import { createPgBossJobs } from "../jobs/jobs.pgboss.js";
import { createAttachmentStore } from "../modules/attachments/attachments.store.js";
import { createAuthService } from "../modules/auth/auth.service.js";
import { createCalendarsService } from "../modules/calendars/calendars.service.js";
import { createCannedService } from "../modules/canned/canned.service.js";
import { createCategoriesService } from "../modules/categories/categories.service.js";
import { createEmailChannel } from "../modules/channels/email/email.service.js";
import { createCallsService } from "../modules/channels/phone/calls.service.js";
import { createWebFormService } from "../modules/channels/web/webform.service.js";
import { createWhatsappChannel } from "../modules/channels/whatsapp/whatsapp.service.js";
import { createChatbotService } from "../modules/chatbot/chatbot.service.js";
import { createContactsService } from "../modules/contacts/contacts.service.js";
import { createDeferralsService } from "../modules/deferrals/deferrals.service.js";
import { createEscalationService } from "../modules/escalation/escalation.service.js";
import { createKbFeedback } from "../modules/kb/kb.feedback.js";
import { createTicketToArticle } from "../modules/kb/kb.fromticket.js";
import { createKbService } from "../modules/kb/kb.service.js";
import { createLinksService } from "../modules/links/links.service.js";
import { createChannelRegistry } from "../modules/notifications/notifications.channels.js";
import { createRequesterLinks } from "../modules/notifications/notifications.links.js";
import { createNotificationsService } from "../modules/notifications/notifications.service.js";
import { createReleasesService } from "../modules/releases/releases.service.js";
import { createSitesService } from "../modules/sites/sites.service.js";
import { createSlaService } from "../modules/sla/sla.service.js";
import { createTicketsService } from "../modules/tickets/tickets.service.js";
import { createUsersService } from "../modules/users/users.service.js";
import { createVendorsService } from "../modules/vendors/vendors.service.js";
import { createLiveHub } from "../modules/workspace/workspace.live.js";
import { createWorkspaceService } from "../modules/workspace/workspace.service.js";
import { type Clock, systemClock } from "../shared/clock.js";
import { createLogger, type Logger } from "../shared/logger.js";
import { createSecretBox } from "../shared/secrets.js";

/** Wires every service once, with explicit dependencies; the app and the CLI share it. */
export function createContext(
  config: Config,
  database: DatabaseHandle,
  clock: Clock = systemClock,
  log: Logger = createLogger(config.logLevel),
) {
  const { db } = database;
  const jobs: Jobs = database.pg
    ? createPgBossJobs({ url: database.pg.url, schema: jobsSchema(database.pg.schema), log })
    : createEmbeddedJobs({ db, clock, log });
  const outbound = createChannelRegistry();
  const secrets = createSecretBox(config.sessionSecret);
  const sites = createSitesService({ db, clock });
  const vendors = createVendorsService({ db, clock });
  const users = createUsersService({ db, clock, sites, vendors });
  const auth = createAuthService({ db, clock, users, publicUrl: config.publicUrl });
  const contacts = createContactsService({ clock });
  const attachments = createAttachmentStore({ dataDir: config.dataDir, maxBytes: config.attachmentMaxBytes });
  const categories = createCategoriesService({ db, clock });
  const tickets = createTicketsService({
    db,
    clock,
    sites,
    users,
    vendors,
    contacts,
    attachments,
    categories,
  });
  categories.onRankChange((key, rank) => tickets.rerankPriority(key, rank));
  const workspace = createWorkspaceService({ db, clock, tickets });
  // PostgreSQL identity values may commit out of order: the live poller looks back over recent ids.
  const live = createLiveHub({
    tickets,
    sites,
    clock,
    log,
    lookback: database.pg ? 100 : 0,
    recheckMs: config.liveRecheckSeconds * 1000,
  });
  tickets.onWrite(async () => live.nudge());
  // Registered after the auth service's own listener, which drops the cached actors first.
  users.onActorChange((userId) => live.recheckUser(userId));
  auth.onCredentialsEnd((userId) => live.recheckUser(userId));
  const canned = createCannedService({ db, clock, sites });
  const links = createLinksService({ db, clock, tickets, sites });
  const notifications = createNotificationsService({
    db,
    clock,
    jobs,
    outbound,
    users,
    sites,
    contacts,
    tickets,
    categories,
    links: createRequesterLinks({
      db,
      clock,
      secret: config.sessionSecret,
      publicUrl: config.publicUrl,
      lifetimeDays: config.requesterLinkDays,
    }),
    retry: config.notificationRetry,
  });
  const escalation = createEscalationService({
    db,
    clock,
    publicUrl: config.publicUrl,
    tickets,
    categories,
    sites,
    users,
    vendors,
    notifications,
  });
  const releases = createReleasesService({ db, clock });
  const deferrals = createDeferralsService({
    db,
    dialect: database.dialect,
    clock,
    jobs,
    tickets,
    releases,
    notifications,
    users,
    sites,
  });
  const calendars = createCalendarsService({ db, clock, sites });
  const sla = createSlaService({
    db,
    clock,
    jobs,
    sites,
    users,
    tickets,
    calendars,
    notifications,
    categories,
  });
  const kb = createKbService({ db, clock, sites, dataDir: config.dataDir });
  const kbFeedback = createKbFeedback({ db, clock, kb, sites });
  const ticketToArticle = createTicketToArticle({ db, clock, kb, tickets });
  const chatbot = createChatbotService({ db, clock, kb, kbFeedback, tickets, sites });
  const webForm = createWebFormService({
    db,
    contacts,
    clock,
    secret: config.sessionSecret,
    sites,
    users,
    kb,
    categories,
    tickets,
    attachments,
    notifications,
  });
  const calls = createCallsService({ db, clock, sites, users, tickets });
  const whatsapp = createWhatsappChannel({
    db,
    clock,
    jobs,
    log,
    secrets,
    sites,
    contacts,
    tickets,
    chatbot,
    attachments,
    outbound,
    publicUrl: config.publicUrl,
    graph: config.whatsappGraph,
  });
  const email = createEmailChannel({
    db,
    clock,
    jobs,
    log,
    config,
    secrets,
    attachments,
    tickets,
    contacts,
    users,
    sites,
    outbound,
  });
  return {
    config,
    database,
    clock,
    log,
    jobs,
    outbound,
    secrets,
    notifications,
    sites,
    vendors,
    users,
    auth,
    contacts,
    tickets,
    categories,
    escalation,
    releases,
    deferrals,
    calendars,
    sla,
    kb,
    kbFeedback,
    ticketToArticle,
    chatbot,
    webForm,
    calls,
    whatsapp,
    email,
    workspace,
    live,
    canned,
    links,
  };
}
export type AppContext = ReturnType<typeof createContext>;

/** pg-boss keeps its tables in a schema of its own beside ours. */
export const jobsSchema = (schema: string) => (schema === "public" ? "pgboss" : `${schema}_jobs`);
