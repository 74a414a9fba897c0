import { conflict, forbidden, notFound } from "../../../shared/errors.js";

export const siteNotFound = (code: string) => notFound("site.not_found", `No site ${code}`);
export const mailboxNotFound = () => notFound("email.mailbox_not_found", "No such mailbox at this site");
export const settingsForbidden = () =>
  forbidden(
    "email.settings_forbidden",
    "Only hub admins change channel settings; coordinators may read them",
  );
export const addressTaken = (address: string) =>
  conflict("email.address_taken", `${address} is already a mailbox`, [
    { field: "address", message: "already used by a mailbox" },
  ]);
