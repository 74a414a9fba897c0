import { type Schema, unsupportedIn } from "./values.js";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type Param = { name: string; in: "path" | "query" | "header"; required: boolean; schema: Schema };

/** One operation of the OpenAPI document, as the fuzzer needs it. */
export type Operation = {
  id: string;
  method: Method;
  path: string;
  params: Param[];
  body?: { mediaType: string; schema: Schema; required: boolean };
  /** multipart/form-data uploads: the document names them in the summary, as zod has no schema for a file stream */
  upload: boolean;
  /** answers with a never-ending text/event-stream */
  stream: boolean;
};

/** One request to send, with a label saying what is hostile about it. */
export type FuzzCase = {
  op: string;
  kind: string;
  method: Method;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
};

const METHODS = new Set(["get", "post", "put", "patch", "delete"]);
const BODY_TYPES = new Set(["application/json", "text/calendar", "multipart/form-data"]);

type OpenApiOperation = {
  summary?: string;
  description?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
};

/** Every operation of the document, and those the generator cannot make inputs for (with why). */
export function operationsOf(doc: { paths?: Record<string, Record<string, OpenApiOperation>> }): {
  operations: Operation[];
  uncovered: Array<{ op: string; reason: string }>;
} {
  const operations: Operation[] = [];
  const uncovered: Array<{ op: string; reason: string }> = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [m, o] of Object.entries(item)) {
      if (!METHODS.has(m)) continue;
      const id = `${m.toUpperCase()} ${path}`;
      const fail = (reason: string) => uncovered.push({ op: id, reason });
      const params: Param[] = [];
      let bad: string | null = null;
      for (const p of o.parameters ?? []) {
        if (p.in !== "path" && p.in !== "query" && p.in !== "header")
          bad ??= `parameter ${p.name} in ${p.in}`;
        else params.push({ name: p.name, in: p.in, required: !!p.required, schema: p.schema ?? {} });
        bad ??= unsupportedIn(p.schema, `parameter ${p.name}`);
      }
      for (const name of path.match(/\{[^}]+\}/g) ?? []) {
        if (!params.some((p) => p.in === "path" && `{${p.name}}` === name))
          bad ??= `path ${name} is not described`;
      }
      const content = Object.entries(o.requestBody?.content ?? {});
      const [mediaType, media] = content[0] ?? [];
      if (content.length > 1) bad ??= `several request media types`;
      if (mediaType && !BODY_TYPES.has(mediaType)) bad ??= `request media type ${mediaType}`;
      bad ??= unsupportedIn(media?.schema, "body");
      if (bad) {
        fail(bad);
        continue;
      }
      const text = `${o.summary ?? ""} ${o.description ?? ""}`;
      const stream = Object.values(o.responses ?? {}).some((r) =>
        Object.hasOwn(r.content ?? {}, "text/event-stream"),
      );
      operations.push({
        id,
        method: m.toUpperCase() as Method,
        path,
        params,
        ...(mediaType
          ? { body: { mediaType, schema: media?.schema ?? {}, required: !!o.requestBody?.required } }
          : {}),
        upload: mediaType === "multipart/form-data" || /multipart\/form-data/.test(text),
        stream,
      });
    }
  }
  return { operations, uncovered };
}
