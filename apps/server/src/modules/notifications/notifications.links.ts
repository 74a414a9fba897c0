import { hmac, safeEqual } from "../../shared/tokens.js";

/**
 * Signed links that let a requester without an account follow their request: an HMAC over the
 * ticket and its requester (a contact) under a key derived from the session secret, so nothing is
 * stored, every notice about the same request carries the same link, and a link for one request
 * opens nothing else.
 */
export function createRequesterLinks({ secret, publicUrl }: { secret: string; publicUrl: string }) {
  const key = hmac(secret, "tierdesk requester link v1");
  const token = (ticketId: number, contactId: number) => hmac(key, `${ticketId}.${contactId}`);
  return {
    token,
    /** Whether the token was made for this ticket and requester. */
    verify: (ticketId: number, contactId: number, candidate: string) =>
      safeEqual(candidate, token(ticketId, contactId)),
    /** The portal page of the request, as sent to the requester. */
    url: (ticketKey: string, ticketId: number, contactId: number) =>
      `${publicUrl}/portal/requests/${ticketKey}?token=${token(ticketId, contactId)}`,
  };
}
export type RequesterLinks = ReturnType<typeof createRequesterLinks>;
