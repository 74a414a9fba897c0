import { conflict, forbidden, invalid, notFound } from "../../shared/errors.js";

export const deferralNotFound = () => notFound("deferral.not_found", "No such deferral on this ticket");
export const deferralReadForbidden = () =>
  forbidden("deferral.forbidden", "Only staff of the ticket's site see its deferrals");
export const proposeForbidden = () =>
  forbidden(
    "deferral.propose_forbidden",
    "Only agents and coordinators of the ticket's site propose deferrals",
  );
export const decideForbidden = () =>
  forbidden(
    "deferral.decide_forbidden",
    "Only a coordinator of the ticket's site approves or rejects deferrals",
  );
export const samePerson = () =>
  forbidden("deferral.same_person", "A deferral needs two people: someone other than the proposer decides");
export const notLevel3 = () =>
  invalid("deferral.not_level3", "Only Level 3 tickets can be deferred to a release", [
    { field: "tier", message: "must be 3" },
  ]);
export const releaseUnknown = () =>
  invalid("deferral.release_unknown", "No such release", [
    { field: "releaseId", message: "unknown release" },
  ]);
export const releaseNotPlanned = (status: string) =>
  invalid("deferral.release_not_planned", `The release is ${status}, not planned`, [
    { field: "releaseId", message: "must be a planned release" },
  ]);
export const productMismatch = (release: string, ticket: string | null) =>
  invalid(
    "deferral.product_mismatch",
    `The release is of ${release} but the ticket is about ${ticket ?? "no product"}`,
    [{ field: "releaseId", message: "must be a release of the ticket's product" }],
  );
export const pendingExists = () =>
  conflict("deferral.pending_exists", "This ticket already has a deferral waiting for a decision");
export const alreadyDecided = (state: string) =>
  conflict("deferral.already_decided", `This deferral is ${state} already`);
export const ticketFinished = (status: string) =>
  conflict("deferral.ticket_finished", `The ticket is ${status}; there is nothing to defer`);
export const alreadyInRelease = () =>
  conflict("deferral.already_in_release", "The ticket is deferred to this release already");
