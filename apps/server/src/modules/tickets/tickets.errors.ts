import { AppError, conflict, forbidden, invalid, notFound } from "../../shared/errors.js";

export const ticketNotFound = () => notFound("ticket.not_found", "No such ticket");
export const versionConflict = (current: number) =>
  conflict(
    "ticket.version_conflict",
    `The ticket changed meanwhile (now at version ${current}); reload and try again`,
    [{ field: "expectedVersion", message: `current version is ${current}` }],
  );
export const invalidTransition = (from: string, to: string) =>
  invalid("ticket.invalid_status_transition", `A ticket cannot go from ${from} to ${to}`, [
    { field: "status", message: `not allowed from ${from}` },
  ]);
export const deferralOnly = () =>
  invalid(
    "ticket.status_requires_deferral",
    "A ticket is deferred through a deferral proposal and its approval",
    [{ field: "status", message: "use the deferral workflow" }],
  );
export const ticketClosed = () =>
  conflict("ticket.closed", "This ticket is closed; reopen it or open a new one");
export const assigneeNotEligible = () =>
  invalid(
    "ticket.assignee_not_eligible",
    "The assignee must work this ticket's site (or its vendor team at Level 3)",
    [{ field: "assigneeId", message: "not eligible" }],
  );
export const attachmentNotFound = () => new AppError(404, "attachment.not_found", "No such attachment");
export const messageNotFound = () => notFound("message.not_found", "No such message on this ticket");
export const messageNotHeld = () =>
  conflict("message.not_held", "This message is not held for staff: it is no unverified sender's mail");
export const acceptForbidden = () =>
  forbidden(
    "message.accept_forbidden",
    "Only staff working this ticket accept mail from an unverified sender as the requester's reply",
  );
/** One answer for a missing id, another ticket's, a used one and one the actor may not link, so ids cannot be probed. */
export const attachmentNotLinkable = () =>
  invalid("message.attachment_invalid", "Some attachments cannot be linked to this message", [
    { field: "attachmentIds", message: "unknown, already in a message, or not yours to link" },
  ]);
/** Staff may read internal files, so they are told why: a file's visibility is chosen when it is uploaded. */
export const attachmentInternal = () =>
  invalid(
    "message.attachment_internal",
    "A public reply carries only public files; upload the file with visibility=public to send it to the requester",
    [{ field: "attachmentIds", message: "internal file" }],
  );
