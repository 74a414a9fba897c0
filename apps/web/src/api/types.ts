import type { paths } from "./schema";

type JsonOf<R> = R extends { content: { "application/json": infer B } } ? B : never;
type Responses<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R }
  ? R
  : never;

/** The JSON body of a route's success reply (200 or 201): `Ok<"/api/v1/me", "get">`. */
export type Ok<P extends keyof paths, M extends keyof paths[P]> =
  | JsonOf<Responses<P, M>[200 & keyof Responses<P, M>]>
  | JsonOf<Responses<P, M>[201 & keyof Responses<P, M>]>;

/** The JSON body a route takes: `Body<"/api/v1/tickets", "post">`. */
export type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { "application/json": infer B } };
}
  ? B
  : never;

/** A route's query parameters. */
export type Query<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  parameters: { query?: infer Q };
}
  ? NonNullable<Q>
  : never;

export type Me = Ok<"/api/v1/me", "get">;
