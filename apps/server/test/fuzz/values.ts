import fc from "fast-check";

/** The subset of JSON Schema (as @fastify/swagger emits it from zod) that the fuzz generator understands. */
export type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  propertyNames?: Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
};

// Keywords that only describe; everything else must be understood or the operation is reported as not covered.
const ANNOTATIONS = new Set([
  "description",
  "title",
  "default",
  "examples",
  "example",
  "deprecated",
  "readOnly",
]);
const UNDERSTOOD = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "items",
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "enum",
  "const",
  "anyOf",
  "oneOf",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
]);
const FORMATS = new Set(["email", "date", "date-time", "uri"]);
const TYPES = new Set(["string", "integer", "number", "boolean", "null", "array", "object"]);

/** Why a schema cannot be generated for (a keyword, format or type the generator does not know), or null. */
export function unsupportedIn(schema: Schema | undefined, at = "(schema)"): string | null {
  if (!schema || typeof schema !== "object") return null;
  for (const [k, v] of Object.entries(schema)) {
    if (ANNOTATIONS.has(k)) continue;
    if (!UNDERSTOOD.has(k)) return `${at}: keyword "${k}"`;
    if (k === "format" && !FORMATS.has(v as string)) return `${at}: format "${v}"`;
    if (k === "type") {
      for (const t of [v].flat() as string[]) if (!TYPES.has(t)) return `${at}: type "${t}"`;
    }
  }
  for (const [name, sub] of Object.entries(schema.properties ?? {})) {
    const bad = unsupportedIn(sub, `${at}.${name}`);
    if (bad) return bad;
  }
  for (const sub of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    const bad = unsupportedIn(sub, at);
    if (bad) return bad;
  }
  if (typeof schema.additionalProperties === "object") {
    const bad = unsupportedIn(schema.additionalProperties, `${at}.*`);
    if (bad) return bad;
  }
  return unsupportedIn(schema.items, `${at}[]`) ?? unsupportedIn(schema.propertyNames, `${at} (keys)`);
}

/** JSON text spliced verbatim into a serialised body: numbers JSON.stringify cannot write, deep nesting, duplicate keys. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON.stringify, with RawJson leaves written verbatim. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v) => {
    if (v instanceof RawJson) {
      raws.push(v.text);
      return `\u0001raw${raws.length - 1}\u0001`;
    }
    return v;
  });
  return (text ?? "").replace(/"\\u0001raw(\d+)\\u0001"/g, (_m, i: string) => raws[Number(i)] as string);
}

/** Where a value goes: the operation, the part of the request, and the name of the field or parameter. */
export type Where = { op: string; in: "path" | "query" | "header" | "body"; name: string; path: string[] };

/** Values the API gave out (ids, keys, codes) to use where a schema alone would produce only strangers. */
export type Hints = (where: Where, schema: Schema) => unknown[] | undefined;

/** The JSON types a schema admits, read from type, enum, const or the presence of properties. */
export const typesOf = (s: Schema): string[] => {
  if (s.type) return [s.type].flat();
  if (s.enum) return [...new Set(s.enum.map((v) => (v === null ? "null" : typeof v)))];
  if (s.const !== undefined) return [s.const === null ? "null" : typeof s.const];
  if (s.properties || s.additionalProperties) return ["object"];
  return [];
};

const WORDS = ["Printer offline", "Certificate", "Backup failed", "Login loop", "Rapport", "Sync", "ok", "x"];

function validString(s: Schema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? 60;
  const fits = (v: string) => v.length >= min && v.length <= max;
  if (s.format === "date-time")
    return fc.integer({ min: 1.6e12, max: 1.9e12 }).map((t) => new Date(t).toISOString());
  if (s.format === "date")
    return fc.integer({ min: 1.6e12, max: 1.9e12 }).map((t) => new Date(t).toISOString().slice(0, 10));
  if (s.format === "email") return fc.nat({ max: 9999 }).map((n) => `fuzz${n}@example.org`);
  if (s.format === "uri")
    return fc.constantFrom("https://example.org/a", "https://docs.example.org/x?y=1", "http://localhost:1/");
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern, "u")).filter(fits);
  return fc
    .oneof(
      fc.constantFrom(...WORDS),
      fc.string({ minLength: 1, maxLength: Math.min(max, 40), unit: "grapheme" }),
    )
    .map((v) => (v.length < min ? v.padEnd(min, "x") : v.slice(0, max)))
    .filter((v) => fits(v) && (min === 0 || v.trim().length > 0));
}

function validNumber(s: Schema, integer: boolean): fc.Arbitrary<number> {
  const lo =
    s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (integer ? 1 : 1e-6) : -1000);
  const hi =
    s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - (integer ? 1 : 1e-6) : 1000);
  // Small values reach real rows and realistic durations; the extremes come from the hostile pools.
  const cap = Math.min(hi, Math.max(lo, 0) + 1000);
  return integer
    ? fc.integer({ min: Math.ceil(lo), max: Math.floor(cap) })
    : fc.double({ min: lo, max: cap, noNaN: true, noDefaultInfinity: true });
}

/**
 * A value the schema accepts, preferring the hinted known-good values (ids, codes, keys) where there are some;
 * "full" puts in every optional property (so that a sweep reaches every field), "minimal" none, "random" some.
 */
export type Fill = "random" | "full" | "minimal";

export function validValue(
  schema: Schema,
  where: Where,
  hints: Hints,
  fill: Fill = "random",
): fc.Arbitrary<unknown> {
  const hinted = hints(where, schema);
  const own = fromSchema(schema, where, hints, fill);
  // A path names a row: only real ones, so that a mostly-valid request never lands on a row picked at random.
  if (hinted?.length && where.in === "path") return fc.constantFrom(...hinted);
  return hinted?.length
    ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...hinted) }, { weight: 1, arbitrary: own })
    : own;
}

function fromSchema(s: Schema, where: Where, hints: Hints, fill: Fill): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) {
    // null is valid but rarely interesting; the other branches get most of the draws
    return fc.oneof(
      ...alternatives.map((a) => ({
        weight: typesOf(a).includes("null") ? 1 : 3,
        arbitrary: validValue(a, where, hints, fill),
      })),
    );
  }
  const types = typesOf(s);
  if (types.length > 1)
    return fc.oneof(...types.map((t) => fromSchema({ ...s, type: t }, where, hints, fill)));
  const child = (name: string): Where => ({ ...where, name, path: [...where.path, name] });
  switch (types[0]) {
    case "string":
      return validString(s);
    case "integer":
      return validNumber(s, true);
    case "number":
      return validNumber(s, false);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array": {
      const min = s.minItems ?? 0;
      const item = s.items ? validValue(s.items, child("[]"), hints, fill) : fc.constant("x");
      return fc.array(item, { minLength: min, maxLength: Math.max(min, Math.min(s.maxItems ?? 3, 3)) });
    }
    default: {
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, sub] of Object.entries(s.properties ?? {}))
        model[name] = validValue(sub, child(name), hints, fill);
      const required = (s.required ?? []).filter((k) => k in model);
      if (fill === "minimal") for (const k of Object.keys(model)) if (!required.includes(k)) delete model[k];
      const fixed = fill === "random" ? fc.record(model, { requiredKeys: required }) : fc.record(model);
      if (typeof s.additionalProperties !== "object") return fixed;
      const keys = s.propertyNames
        ? (validValue(s.propertyNames, child("(key)"), hints) as fc.Arbitrary<string>)
        : fc.constantFrom("a", "b", "en");
      const extra = fc.dictionary(keys, validValue(s.additionalProperties, child("*"), hints, fill), {
        maxKeys: 3,
      });
      return fc.tuple(fixed, extra).map(([a, b]) => ({ ...b, ...a }));
    }
  }
}
