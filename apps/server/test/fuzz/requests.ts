import fc from "fast-check";
import { bodyLevelCases, calendarCases, multipartCases, type Payload } from "./bodies.js";
import { type Hostile, hostileJson, hostileUrlText, pctEncode } from "./hostile.js";
import type { FuzzCase, Method, Operation, Param } from "./operations.js";
import { type Fill, type Hints, type Schema, toJsonText, validValue, type Where } from "./values.js";

/** A request as parts, before one of them is made hostile. */
export type Model = {
  path: Record<string, string>;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  body?: { json: unknown } | { payload: Payload };
};

/** Known-good cursors by operation id, to be truncated and tampered with. */
export type Cursors = Map<string, string>;

const HAS_BODY = new Set<Method>(["POST", "PUT", "PATCH", "DELETE"]);

function formatQuery(name: string, value: unknown, repeat: boolean): Array<[string, string]> {
  if (Array.isArray(value)) {
    return repeat
      ? value.map((v) => [name, pctEncode(String(v))])
      : [[name, value.map((v) => pctEncode(String(v))).join(",")]];
  }
  return [[name, pctEncode(String(value))]];
}

/** A request the schemas accept, with known-good ids, keys and codes where the hints have them. */
export function validModel(op: Operation, hints: Hints, fill: Fill = "random"): fc.Arbitrary<Model> {
  const where = (p: Param): Where => ({ op: op.id, in: p.in, name: p.name, path: [p.name] });
  const params = op.params.map((p) =>
    fc.tuple(
      p.required || p.in === "path" || fill === "full"
        ? fc.constant(true)
        : fill === "random"
          ? fc.boolean()
          : fc.constant(false),
      validValue(p.schema, where(p), hints),
      fc.boolean(),
    ),
  );
  const body: fc.Arbitrary<Model["body"]> = op.upload
    ? fc
        .constantFrom(...multipartCases().filter((c) => c.label.startsWith("valid")))
        .map((c) => ({ payload: c }))
    : op.body?.mediaType === "application/json"
      ? validValue(op.body.schema, { op: op.id, in: "body", name: "(body)", path: [] }, hints, fill).map(
          (json) => ({ json }),
        )
      : op.body?.mediaType === "text/calendar"
        ? fc
            .constantFrom(...calendarCases().filter((c) => c.label.startsWith("valid")))
            .map((c) => ({ payload: c }))
        : fc.constant(undefined);
  return fc.tuple(fc.tuple(...params), body).map(([values, b]) => {
    const model: Model = { path: {}, query: [], headers: {}, ...(b ? { body: b } : {}) };
    op.params.forEach((p, i) => {
      const [present, value, repeat] = values[i] as [boolean, unknown, boolean];
      if (!present) return;
      if (p.in === "path") model.path[p.name] = pctEncode(String(value));
      else if (p.in === "header") model.headers[p.name] = String(value);
      else model.query.push(...formatQuery(p.name, value, repeat));
    });
    return model;
  });
}

export function render(op: Operation, model: Model, kind: string): FuzzCase {
  const url = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => model.path[name] ?? "x");
  const qs = model.query.map(([k, v]) => (v === "\u0000novalue" ? k : `${k}=${v}`)).join("&");
  const headers = { ...model.headers };
  let payload: string | Buffer | undefined;
  if (model.body && "json" in model.body) {
    payload = toJsonText(model.body.json);
    headers["content-type"] ??= "application/json";
  } else if (model.body && "payload" in model.body) {
    payload = model.body.payload.payload;
    if (model.body.payload.contentType !== undefined)
      headers["content-type"] = model.body.payload.contentType;
  }
  return {
    op: op.id,
    kind,
    method: op.method,
    url: qs ? `${url}?${qs}` : url,
    headers,
    ...(payload !== undefined ? { payload } : {}),
  };
}

/** A place in a JSON body with its schema, present in the valid body or optional and absent. */
export type Slot = { path: Array<string | number>; schema: Schema; present: boolean };

export const branch = (s: Schema): Schema => s.anyOf?.find((a) => a.type !== "null") ?? s.oneOf?.[0] ?? s;

export function bodySlots(schema: Schema, value: unknown, path: Array<string | number> = []): Slot[] {
  const s = branch(schema);
  const out: Slot[] = [];
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, sub] of Object.entries(s.properties ?? {})) {
      const present = Object.hasOwn(value, k);
      out.push({ path: [...path, k], schema: sub, present });
      if (present) out.push(...bodySlots(sub, (value as Record<string, unknown>)[k], [...path, k]));
    }
  } else if (Array.isArray(value) && s.items) {
    value.forEach((v, i) => {
      out.push({ path: [...path, i], schema: s.items as Schema, present: true });
      out.push(...bodySlots(s.items as Schema, v, [...path, i]));
    });
  }
  return out;
}

export function setAt(value: unknown, path: Array<string | number>, next: unknown, remove = false): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path as [string | number, ...Array<string | number>];
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  if (rest.length === 0 && remove) delete copy[head];
  else copy[head] = setAt(copy[head], rest, next, remove);
  return copy;
}

/** Bad pagination cursors: random base64, and a real one truncated or with its values swapped for hostile ones. */
function hostileCursors(valid: string | undefined): fc.Arbitrary<Hostile> {
  const random = fc
    .uint8Array({ minLength: 1, maxLength: 120 })
    .map((b) => ({ label: "cursor random-base64", value: Buffer.from(b).toString("base64url") }));
  const shaped = fc
    .constantFrom<unknown[]>(
      ["x", "y"],
      [1e308, -1],
      [null, null],
      ["\u0000", 1],
      ["2026-13-45T99:99:99Z", 1],
      [1, "' OR 1=1 --"],
      [[1], { a: 1 }],
      [1],
      [1, 2, 3, 4, 5, 6, 7, 8],
      "x".repeat(300).split(""),
      [1.5, -0],
      [2 ** 53, "9".repeat(60)],
    )
    .map((v) => ({ label: "cursor forged", value: Buffer.from(JSON.stringify(v)).toString("base64url") }));
  if (!valid) return fc.oneof(random, shaped);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(valid, "base64url").toString("utf8"));
  } catch {
    decoded = undefined;
  }
  const truncated = fc
    .integer({ min: 1, max: Math.max(1, valid.length - 1) })
    .map((n) => ({ label: "cursor truncated", value: valid.slice(0, n) }));
  const flipped = fc.nat({ max: valid.length - 1 }).map((i) => ({
    label: "cursor tampered",
    value: `${valid.slice(0, i)}${valid[i] === "A" ? "B" : "A"}${valid.slice(i + 1)}`,
  }));
  const arbs = [random, shaped, truncated, flipped];
  if (Array.isArray(decoded)) {
    const swapped = fc
      .tuple(
        fc.nat({ max: decoded.length - 1 }),
        fc.constantFrom<unknown>("x", "\u0000", 1e308, -1, 1.5, null, true, "", []),
      )
      .map(([i, v]) => {
        const copy = [...decoded];
        copy[i] = v;
        return {
          label: "cursor value-swapped",
          value: Buffer.from(JSON.stringify(copy)).toString("base64url"),
        };
      });
    arbs.push(swapped);
  }
  return fc.oneof(...arbs);
}

const HEADER_SAFE = /^[\t\x20-\x7e]{0,8000}$/;

/** Every way of making one part of a valid request hostile, as arbitraries over that request. */
export function mutations(op: Operation, model: Model, cursors: Cursors): Array<fc.Arbitrary<FuzzCase>> {
  const out: Array<fc.Arbitrary<FuzzCase>> = [];
  for (const p of op.params) {
    const hostile =
      p.in === "query" && /cursor/i.test(p.name)
        ? hostileCursors(cursors.get(op.id))
        : hostileUrlText(p.schema);
    if (p.in === "path") {
      out.push(
        hostile.map((h) =>
          render(
            op,
            { ...model, path: { ...model.path, [p.name]: h.value as string } },
            `path ${p.name}: ${h.label}`,
          ),
        ),
      );
    } else if (p.in === "query") {
      const others = model.query.filter(([k]) => k !== p.name);
      const mine = model.query.filter(([k]) => k === p.name);
      out.push(
        hostile.map((h) =>
          render(
            op,
            { ...model, query: [...others, [p.name, String(h.value)]] },
            `query ${p.name}: ${h.label}`,
          ),
        ),
        hostile.map((h) =>
          render(
            op,
            {
              ...model,
              query: [
                ...model.query,
                ...(mine.length ? [] : [[p.name, "1"] as [string, string]]),
                [p.name, String(h.value)],
              ],
            },
            `query ${p.name}: duplicated, then ${h.label}`,
          ),
        ),
        fc.constant(
          render(
            op,
            { ...model, query: [...others, [p.name, "\u0000novalue"]] },
            `query ${p.name}: no value`,
          ),
        ),
      );
      if (p.required)
        out.push(fc.constant(render(op, { ...model, query: others }, `query ${p.name}: missing`)));
    } else {
      out.push(
        hostile
          .map((h) => ({ ...h, value: decodeURIComponentSafe(String(h.value)) }))
          .filter((h) => HEADER_SAFE.test(h.value))
          .map((h) =>
            render(
              op,
              { ...model, headers: { ...model.headers, [p.name]: h.value } },
              `header ${p.name}: ${h.label}`,
            ),
          ),
      );
    }
  }
  if (op.params.some((p) => p.in === "query") || op.method === "GET") {
    out.push(
      fc
        .constantFrom<[string, string]>(
          ["__proto__", "1"],
          ["__proto__[hubAdmin]", "true"],
          ["constructor[prototype][hubAdmin]", "true"],
          ["prototype", "x"],
          ["constructor", "x"],
          ["hasOwnProperty", "x"],
          ["zzz-unknown", "1"],
          ["a[]", "1"],
          ["", "x"],
          ["%00", "%00"],
        )
        .map(([k, v]) =>
          render(op, { ...model, query: [...model.query, [k, v]] }, `query key ${k || "(empty)"}`),
        ),
    );
  }
  if (model.body && "json" in model.body) {
    const json = model.body.json;
    const slots = bodySlots(op.body?.schema ?? {}, json);
    for (const slot of slots) {
      const at = slot.path.join(".");
      out.push(
        hostileJson(slot.schema).map((h) =>
          render(op, { ...model, body: { json: setAt(json, slot.path, h.value) } }, `body ${at}: ${h.label}`),
        ),
      );
      if (slot.present && typeof slot.path.at(-1) === "string") {
        out.push(
          fc.constant(
            render(
              op,
              { ...model, body: { json: setAt(json, slot.path, undefined, true) } },
              `body ${at}: removed`,
            ),
          ),
        );
      }
    }
    if (json && typeof json === "object" && !Array.isArray(json)) {
      out.push(
        fc
          .constantFrom("__proto__", "constructor", "prototype", "isAdmin", "hubAdmin", "siteId", "id")
          .map((k) => {
            const text = toJsonText(json)
              .replace(/^\{/, `{${JSON.stringify(k)}:{"hubAdmin":true},`)
              .replace(/,\}$/, "}");
            return render(
              op,
              { ...model, body: { payload: { label: "", contentType: "application/json", payload: text } } },
              `body key ${k}`,
            );
          }),
      );
    }
  }
  return out;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Whole-request hostiles, one constant each: bodies, content types, uploads, calendars and credentials. */
export function requestLevel(op: Operation, model: Model): FuzzCase[] {
  const out: FuzzCase[] = [];
  const validText = model.body && "json" in model.body ? toJsonText(model.body.json) : "{}";
  const withPayload = (p: Payload, prefix: string) => {
    const headers = { ...model.headers };
    delete headers["content-type"];
    return render(op, { ...model, headers, body: { payload: p } }, `${prefix}${p.label}`);
  };
  if (HAS_BODY.has(op.method)) out.push(...bodyLevelCases(validText).map((p) => withPayload(p, "body: ")));
  if (op.upload) out.push(...multipartCases().map((p) => withPayload(p, "multipart: ")));
  if (op.body?.mediaType === "text/calendar")
    out.push(...calendarCases().map((p) => withPayload(p, "ical: ")));
  const credentials: Array<[string, Record<string, string>]> = [
    ["bearer garbage", { authorization: "Bearer tdk_0000000000000000000000000000" }],
    ["bearer empty", { authorization: "Bearer" }],
    ["bearer huge", { authorization: `Bearer ${"A".repeat(7000)}` }],
    ["basic scheme", { authorization: "Basic Zm9vOmJhcg==" }],
    ["forged session cookie", { cookie: "tierdesk_session=s%3Aabc.def" }],
    ["garbage cookie", { cookie: "tierdesk_session=%00%ff;;=;tierdesk_session" }],
    ["wrong csrf", { "x-csrf-token": "not-the-token" }],
  ];
  for (const [label, headers] of credentials) {
    out.push(render(op, { ...model, headers: { ...model.headers, ...headers } }, `auth: ${label}`));
  }
  return out;
}

/**
 * The requests for one operation: a valid one now and then, mostly a valid one with one part made hostile,
 * and whole-request hostiles (bodies, content types, uploads, credentials).
 */
export function requestArbitrary(op: Operation, hints: Hints, cursors: Cursors): fc.Arbitrary<FuzzCase> {
  return validModel(op, hints).chain((model) => {
    const mutants = mutations(op, model, cursors);
    const whole = requestLevel(op, model);
    return fc.oneof(
      { weight: 1, arbitrary: fc.constant(render(op, model, "valid")) },
      ...(mutants.length ? [{ weight: 6, arbitrary: fc.oneof(...mutants) }] : []),
      { weight: 3, arbitrary: fc.constantFrom(...whole) },
    );
  });
}

/** Valid requests with only what the schemas require: to create rows for the fuzz to aim at. */
export function minimalRequests(op: Operation, hints: Hints, seed: number, count: number): FuzzCase[] {
  return fc
    .sample(validModel(op, hints, "minimal"), { seed, numRuns: count })
    .map((m) => render(op, m, "seed"));
}
