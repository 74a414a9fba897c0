import type { ReleaseRow } from "../releases/releases.service.js";

/** How a release is named in messages: product and version. */
export const label = (r: Pick<ReleaseRow, "product" | "version">) => `${r.product} ${r.version}`;
/** The public messages the requester reads in the thread. */
export const messages = {
  deferred: (r: ReleaseRow) =>
    `Your request will be fixed in the maintenance release ${label(r)}, ${
      r.planned_date ? `planned for ${r.planned_date}` : "whose date is not set yet"
    }. The support team confirmed the problem and agreed that it can wait for that release. ` +
    "We will write to you here when the release is out.",
  shipped: (r: ReleaseRow) =>
    `The maintenance release ${label(r)} has shipped with the fix for your request. ` +
    `Once your site runs ${label(r)}, please check that the problem is gone; reply here if it is not.`,
  cancelled: (r: ReleaseRow) =>
    `The maintenance release ${label(r)} that your request was waiting for has been cancelled. ` +
    "Your request is back with the support team, who will plan its fix again.",
};
