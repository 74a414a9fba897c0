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

const typesOf = (s: Schema): string[] => {
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

/** A hostile value with a short label saying what it is, for reports and the known-failure list. */
export type Hostile = { label: string; value: unknown };

const repeated = new Map<string, string>();
/** The unit repeated to about this length; cached, since the same big strings are offered many times. */
const repeatTo = (unit: string, length: number): string => {
  const key = `${length}:${unit}`;
  let s = repeated.get(key);
  if (s === undefined) {
    s = unit.repeat(Math.max(1, Math.floor(length / unit.length)));
    repeated.set(key, s);
  }
  return s;
};

// Inputs that make naive text transformations (regexes, markdown, HTML) quadratic or worse.
export const PATHOLOGICAL_UNITS = [
  "<!--",
  "<",
  "<a ",
  "<script",
  "[",
  "![",
  "*_",
  "`",
  "&#",
  "\\",
  "](",
  "> ",
  "|",
];

/** Strings for any text position: control characters, broken Unicode, lookalikes, injections, lengths. */
export function hostileStrings(s: Schema = {}): Hostile[] {
  const max = s.maxLength;
  const out: Array<[string, string]> = [
    ["empty", ""],
    ["spaces", "   "],
    ["nul", "\u0000"],
    ["nul-inside", "ab\u0000cd"],
    ["lone-high-surrogate", "\ud800"],
    ["lone-low-surrogate", "x\udfffy"],
    ["reversed-surrogates", "\udc00\ud800"],
    ["bidi-override", "\u202eexe.txt"],
    ["zero-width", "\u200b\u200d\ufeff"],
    ["combining-10k", `e${"\u0301".repeat(10_000)}`],
    ["emoji", "🧨👩🏽‍🚒"],
    ["nan", "NaN"],
    ["infinity", "-Infinity"],
    ["negative", "-1"],
    ["zero", "0"],
    ["non-integer", "1.5"],
    ["exponent", "1e309"],
    ["hex", "0x1f"],
    ["arabic-digits", "١٢٣"],
    ["null-word", "null"],
    ["undefined-word", "undefined"],
    ["proto", "__proto__"],
    ["constructor", "constructor"],
    ["prototype", "prototype"],
    ["to-string", "toString"],
    ["sql", "' OR '1'='1' --"],
    ["like-wildcards", "%_%\\"],
    ["html", "<script>alert(1)</script><img src=x onerror=alert(1)>"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as written
    ["template", "${7*7}{{7*7}}<%= 7*7 %>"],
    ["crlf", "a\r\nSet-Cookie: x=1\r\n\r\n"],
    ["path-traversal", "../../../../etc/passwd"],
    ["javascript-url", "javascript:alert(1)"],
    ["format-string", "%s%s%n%x"],
    ["fullwidth", "ＺＭＢ－１"],
    ["huge-1.1mb", repeatTo("a", 1_100_000)],
  ];
  if (max !== undefined) {
    out.push(["at-max-length", repeatTo("x", max)], ["over-max-length", repeatTo("x", max + 1)]);
    out.push(["over-max-astral", repeatTo("😀", max + 2)]);
  }
  for (const p of pathologicalStrings(s)) out.push([p.label, p.value as string]);
  return out.map(([label, value]) => ({ label, value }));
}

/**
 * Each pathological unit repeated to fill the field, up to 100,000 characters: enough for a quadratic
 * transformation to take seconds, while a linear one stays well inside the request bound.
 */
export function pathologicalStrings(s: Schema = {}): Hostile[] {
  const room = Math.min(s.maxLength ?? 100_000, 100_000);
  return PATHOLOGICAL_UNITS.map((unit) => ({ label: `markup-repeat ${unit}`, value: repeatTo(unit, room) }));
}

/** Numbers around every edge: signs, zero, fractions, integer limits, and values JSON.stringify cannot write. */
export function hostileNumbers(s: Schema = {}): Hostile[] {
  const out: Hostile[] = [
    { label: "zero", value: 0 },
    { label: "negative", value: -1 },
    { label: "negative-zero", value: new RawJson("-0") },
    { label: "non-integer", value: 1.5 },
    { label: "tiny", value: 1e-7 },
    { label: "int32+1", value: 2 ** 31 },
    { label: "unsafe-integer", value: 2 ** 53 + 2 },
    { label: "max-double", value: 1.7976931348623157e308 },
    { label: "min-double", value: -1.7976931348623157e308 },
    { label: "overflow-infinity", value: new RawJson("1e999") },
    { label: "overflow-minus-infinity", value: new RawJson("-1e999") },
    { label: "40-digits", value: new RawJson("1234567890123456789012345678901234567890") },
    { label: "exponent", value: new RawJson("1E2") },
  ];
  if (s.minimum !== undefined) out.push({ label: "below-minimum", value: s.minimum - 1 });
  if (s.maximum !== undefined) out.push({ label: "above-maximum", value: s.maximum + 1 });
  if (s.exclusiveMinimum !== undefined)
    out.push({ label: "at-exclusive-minimum", value: s.exclusiveMinimum });
  return out;
}

export const DEEP = 10_000;
const DEEP_ARRAY = new RawJson(`${"[".repeat(DEEP)}${"]".repeat(DEEP)}`);
const DEEP_OBJECT = new RawJson(`${'{"a":'.repeat(DEEP)}1${"}".repeat(DEEP)}`);
const WIDE_OBJECT = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
const LONG_ARRAY = Array.from({ length: 20_000 }, (_, i) => i);

/** Structures: wrong shapes, deep nesting, prototype keys, huge collections. */
export function hostileStructures(s: Schema = {}): Hostile[] {
  const out: Hostile[] = [
    { label: "null", value: null },
    { label: "true", value: true },
    { label: "empty-array", value: [] },
    { label: "empty-object", value: {} },
    { label: "array-of-strings", value: ["x"] },
    { label: "deep-array", value: DEEP_ARRAY },
    { label: "deep-object", value: DEEP_OBJECT },
    { label: "proto-key", value: new RawJson('{"__proto__":{"hubAdmin":true,"isAdmin":true}}') },
    { label: "constructor-prototype", value: new RawJson('{"constructor":{"prototype":{"hubAdmin":true}}}') },
    { label: "prototype-key", value: { prototype: { hubAdmin: true } } },
    { label: "wide-object", value: WIDE_OBJECT },
    { label: "long-array", value: LONG_ARRAY },
    { label: "nested-mixed", value: [{ a: [{ b: [null, { c: "\u0000" }] }] }] },
  ];
  if (s.maxItems !== undefined) {
    out.push({ label: "over-max-items", value: Array.from({ length: s.maxItems + 1 }, (_, i) => i + 1) });
  }
  return out;
}

/** Hostile JSON values for one body position, weighted towards what breaks its type. */
export function hostileJson(s: Schema): fc.Arbitrary<Hostile> {
  const types = typesOf(s);
  const stringy = types.includes("string") || types.length === 0;
  const numeric = types.includes("integer") || types.includes("number");
  const inner = s.anyOf?.find((a) => typesOf(a).includes("string")) ?? s;
  const strings = hostileStrings(stringy ? (inner.maxLength !== undefined ? inner : s) : {});
  const numbers = hostileNumbers(numeric ? s : {});
  const structures = hostileStructures(types.includes("array") ? s : {});
  if (types.includes("array") && s.items) {
    const itemStrings = hostileStrings(s.items).filter((h) => !h.label.startsWith("huge"));
    structures.push(...itemStrings.map((h) => ({ label: `item ${h.label}`, value: [h.value] })));
    structures.push(...hostileNumbers(s.items).map((h) => ({ label: `item ${h.label}`, value: [h.value] })));
  }
  return fc.oneof(
    { weight: stringy ? 5 : 2, arbitrary: fc.constantFrom(...strings) },
    { weight: numeric ? 5 : 2, arbitrary: fc.constantFrom(...numbers) },
    { weight: 3, arbitrary: fc.constantFrom(...structures) },
  );
}

// Percent-encoding that also writes lone surrogates (as their WTF-8 bytes), which encodeURIComponent refuses.
export function pctEncode(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    let bytes: number[];
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      bytes = [...Buffer.from(s.slice(i, i + 2), "utf8")];
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      bytes = [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)];
    } else if (/[A-Za-z0-9\-_.~]/.test(s[i] as string)) {
      out += s[i];
      continue;
    } else {
      bytes = [...Buffer.from(s[i] as string, "utf8")];
    }
    out += bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");
  }
  return out;
}

const encodedCache = new Map<string, string>();
const encodedOnce = (s: string): string => {
  let e = encodedCache.get(s);
  if (e === undefined) {
    e = pctEncode(s);
    encodedCache.set(s, e);
  }
  return e;
};

/** Hostile URL text for a path or query parameter, already encoded (some deliberately badly). */
export function hostileUrlText(s: Schema): fc.Arbitrary<Hostile> {
  const encoded = [...hostileStrings(s), ...hostileNumbers(s).filter((h) => !(h.value instanceof RawJson))]
    .filter((h) => !h.label.startsWith("markup") || h.label === "markup-repeat <!--")
    .map((h) => ({ label: h.label, value: encodedOnce(String(h.value)) }));
  const raw: Hostile[] = [
    { label: "bad-percent", value: "%" },
    { label: "bad-percent-hex", value: "%zz" },
    { label: "truncated-utf8", value: "%E0%A4%A" },
    { label: "encoded-nul", value: "%00" },
    { label: "encoded-surrogate", value: "%ED%A0%80" },
    { label: "overlong-utf8", value: "%C0%AF" },
    { label: "invalid-utf8", value: "%FF%FE" },
    { label: "encoded-slash", value: "a%2Fb" },
    { label: "dot-dot", value: ".." },
    { label: "encoded-dot-dot", value: "%2e%2e%2F%2e%2e" },
    { label: "double-encoded", value: "%252e%252e" },
    { label: "plus", value: "+" },
    { label: "comma-list", value: ",,,," },
    { label: "long-list", value: Array.from({ length: 200 }, () => "ZMB").join(",") },
    { label: "digits-400", value: "9".repeat(400) },
    { label: "unsafe-integer", value: "9007199254740993" },
    { label: "padded-number", value: "%201%20" },
    { label: "plus-sign", value: "%2B1" },
    { label: "leading-zeros", value: "0000001" },
  ];
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...encoded) },
    { weight: 2, arbitrary: fc.constantFrom(...raw) },
  );
}
