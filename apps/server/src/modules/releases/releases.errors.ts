import { conflict, forbidden, notFound } from "../../shared/errors.js";

export const releaseNotFound = () => notFound("release.not_found", "No such release");
export const releaseForbidden = () => forbidden("release.forbidden", "You may not do this with releases");
export const releaseDuplicate = (product: string, version: string) =>
  conflict("releases.duplicate", `${product} ${version} exists already`, [
    { field: "version", message: "already used for this product" },
  ]);
export const releaseAlreadyShipped = () =>
  conflict("release.already_shipped", "This release has shipped already");
export const releaseCancelled = () => conflict("release.cancelled", "This release was cancelled");
