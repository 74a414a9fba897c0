import fc from "fast-check";
import { RawJson, type Schema, typesOf } from "./values.js";

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
