import { type Actor, hasRole, isMember, SITE_READ_ROLES } from "../../shared/actor.js";
import type { Policy } from "../../shared/policy.js";

/** What the chatbot policies need to know of a conversation. */
export type ConversationSubject = { siteId: number; userId: number | null };

/**
 * Signed-in members of a site (requesters and staff) ask the chatbot about it: a "no" opens a ticket
 * there in their name, which only members may. Anonymous use is for the public portal, later.
 */
export const canAsk = (a: Actor, siteId: number): boolean => isMember(a, siteId);

export const conversationPolicy = {
  /** the asker and the site's staff who read everything of it (hub admins too only through a membership) */
  read: (a: Actor, c: ConversationSubject) =>
    (c.userId !== null && c.userId === a.userId) || hasRole(a, c.siteId, SITE_READ_ROLES),
  /** only the asker carries on the conversation (and says whether it helped) */
  reply: (a: Actor, c: ConversationSubject) => c.userId !== null && c.userId === a.userId && a.userId > 0,
} satisfies Policy<ConversationSubject>;
