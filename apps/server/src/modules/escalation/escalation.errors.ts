import { conflict, forbidden, invalid, notFound } from "../../shared/errors.js";

export const invalidMove = (message: string) =>
  invalid("escalation.invalid_move", message, [{ field: "toTier", message }]);
export const escalationForbidden = (message: string) => forbidden("escalation.forbidden", message);
export const escalationOnClosed = () =>
  conflict("escalation.ticket_closed", "A closed ticket is not escalated; reopen it first");
export const escalationRaced = () =>
  conflict("escalation.conflict", "The ticket moved to another level meanwhile; reload and try again");
export const answerRequired = () =>
  invalid("escalation.answer_required", "Handing a ticket back down needs an answer", [
    { field: "answer", message: "required when direction is down" },
  ]);
export const notForThisMove = (field: "dossier" | "vendorTeam") =>
  invalid("escalation.not_applicable", `${field} is only given when escalating to Level 3`, [
    { field, message: "only for an escalation to Level 3" },
  ]);
export const dossierIncomplete = (missing: Array<{ field: string; message: string }>) =>
  invalid(
    "escalation.dossier_incomplete",
    `The Level 3 dossier is incomplete: ${missing.map((m) => m.field).join(", ")}`,
    missing,
  );
export const evidenceUnknown = (field: string, ids: number[]) =>
  invalid("escalation.dossier_invalid", `Attachments ${ids.join(", ")} are not files of this ticket`, [
    { field, message: "unknown attachment of this ticket" },
  ]);
export const vendorTeamUnknown = (slug: string) =>
  invalid("escalation.unknown_vendor_team", `No vendor team ${slug}`, [
    { field: "vendorTeam", message: "unknown vendor team" },
  ]);
export const vendorTeamUndecided = (reason: string) =>
  invalid("escalation.vendor_team_required", reason, [
    { field: "vendorTeam", message: "name the vendor team" },
  ]);
export const dossierNotFound = () => notFound("dossier.not_found", "This ticket has no such dossier version");
export const onCallForbidden = () =>
  forbidden("on_call.forbidden", "Only hub admins and the site's coordinators manage its on-call people");
export const onCallNotEligible = (fields: Array<{ field: string; message: string }>) =>
  invalid("on_call.not_eligible", "Some people cannot be on call for that level at this site", fields);
