import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";

/** One field at fault in a rejected request, as the server's problem+json lists it. */
export type FieldError = { field: string; message: string; code?: string };

/** An RFC 9457 problem answered by the API (or a network failure, with status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The message for one field, for showing it next to the input. */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((f) => f.field === field || f.field.endsWith(`.${field}`))?.message;
  }
}

let csrfToken: string | null = null;

/** Remembers the session's CSRF token (from sign-in or /me); writes send it as X-CSRF-Token. */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (csrfToken && !["GET", "HEAD", "OPTIONS"].includes(request.method)) {
      request.headers.set("x-csrf-token", csrfToken);
    }
    return request;
  },
};

/** The typed API client (paths and bodies come from the server's OpenAPI document). */
export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });
api.use(csrf);

type Result<T> = { data?: T; error?: unknown; response: Response };

/**
 * Awaits an `api.GET/POST/...` call and returns its data, or throws an ApiError built from the problem+json
 * body. Usage: `const me = await unwrap(api.GET("/api/v1/me"))`.
 */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (e) {
    throw new ApiError(0, "network.failed", e instanceof Error ? e.message : String(e));
  }
  if (result.response.ok) return result.data as T;
  throw toApiError(result.response.status, result.error);
}

function toApiError(status: number, body: unknown): ApiError {
  if (body && typeof body === "object" && "code" in body) {
    const p = body as { code: string; title?: string; detail?: string; errors?: FieldError[] };
    return new ApiError(status, p.code, p.detail ?? p.title ?? p.code, p.errors ?? []);
  }
  return new ApiError(status, `http.${status}`, typeof body === "string" && body ? body : `HTTP ${status}`);
}

/** A fresh key for the Idempotency-Key header, so a retried submission creates one request only. */
export function idempotencyKey(): string {
  // randomUUID exists only in secure contexts; a server reached over plain http on a LAN is not one
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
