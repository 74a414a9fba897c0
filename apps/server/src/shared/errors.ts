/** One field at fault in a request, as listed in a validation problem. */
export type FieldError = { field: string; message: string; code?: string };

/**
 * An error with an HTTP status and a stable dotted code, rendered as RFC 9457 problem+json.
 * Services throw these; the app's error handler renders them.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (code: string, message = "Not found") => new AppError(404, code, message);
export const forbidden = (code = "auth.forbidden", message = "You may not do this") =>
  new AppError(403, code, message);
export const unauthorized = (code = "auth.unauthenticated", message = "Sign in first") =>
  new AppError(401, code, message);
export const conflict = (code: string, message: string, fields?: FieldError[]) =>
  new AppError(409, code, message, fields);
export const invalid = (code: string, message: string, fields?: FieldError[]) =>
  new AppError(422, code, message, fields);
export const badRequest = (code: string, message: string, fields?: FieldError[]) =>
  new AppError(400, code, message, fields);

/** The body of a problem+json response. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
};

export function toProblem(error: AppError, instance?: string, requestId?: string): Problem {
  return {
    type: `urn:tierdesk:problem:${error.code}`,
    title: error.message,
    status: error.status,
    code: error.code,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
    ...(error.fields?.length ? { errors: error.fields } : {}),
  };
}
