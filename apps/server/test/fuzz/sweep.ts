import fc from "fast-check";
import { pathologicalStrings } from "./hostile.js";
import type { FuzzCase, Operation } from "./operations.js";
import {
  bodySlots,
  branch,
  type Cursors,
  type Model,
  mutations,
  render,
  requestLevel,
  setAt,
  validModel,
} from "./requests.js";
import type { Hints, Schema } from "./values.js";

/**
 * A sweep that makes every parameter and body field hostile once (the value drawn from the seed) and sends
 * every whole-request class once, so each is covered whatever the random draws.
 */
export function sweep(op: Operation, hints: Hints, cursors: Cursors, seed: number): FuzzCase[] {
  const [model] = fc.sample(validModel(op, hints, "full"), { seed, numRuns: 1 }) as [Model];
  const out: FuzzCase[] = [render(op, model, "valid")];
  mutations(op, model, cursors).forEach((arb, i) => {
    out.push(...fc.sample(arb, { seed: seed + i, numRuns: 1 }));
  });
  return [
    ...out,
    ...requestLevel(op, model),
    ...worstTexts(op, model),
    ...pastInt32(op, model),
    ...nulInUrl(op, model),
  ];
}

const isString = (s: Schema): boolean =>
  [s.type].flat().includes("string") || !!s.anyOf?.some(isString) || !!s.oneOf?.some(isString);

/**
 * A NUL and a lone surrogate in every path and query parameter that takes text: the JSON parser refuses
 * them in bodies, but URL text reaches the handlers as decoded, and PostgreSQL refuses NUL.
 */
function nulInUrl(op: Operation, model: Model): FuzzCase[] {
  const out: FuzzCase[] = [];
  for (const p of op.params) {
    const s = p.schema.type === "array" && p.schema.items ? p.schema.items : p.schema;
    if (!isString(s) || (p.in !== "path" && p.in !== "query")) continue;
    for (const [label, value] of [
      ["nul-inside", "ab%00cd"],
      ["encoded-surrogate", "ab%ED%A0%80cd"],
    ]) {
      const kind = `${p.in} ${p.name}: ${label}`;
      if (p.in === "path")
        out.push(render(op, { ...model, path: { ...model.path, [p.name]: value as string } }, kind));
      else
        out.push(
          render(
            op,
            { ...model, query: [...model.query.filter(([k]) => k !== p.name), [p.name, value as string]] },
            kind,
          ),
        );
    }
  }
  return out;
}

const isInteger = (s: Schema): boolean =>
  [s.type].flat().includes("integer") || !!s.anyOf?.some(isInteger) || !!s.oneOf?.some(isInteger);

/** Ids and counts one past the 32-bit range, where PostgreSQL integer columns end and SQLite's do not. */
function pastInt32(op: Operation, model: Model): FuzzCase[] {
  const big = 2 ** 31;
  const out: FuzzCase[] = [];
  for (const p of op.params) {
    if (!isInteger(p.schema)) continue;
    const label = `${p.in} ${p.name}: int32+1`;
    if (p.in === "path")
      out.push(render(op, { ...model, path: { ...model.path, [p.name]: String(big) } }, label));
    if (p.in === "query") {
      out.push(
        render(
          op,
          { ...model, query: [...model.query.filter(([k]) => k !== p.name), [p.name, String(big)]] },
          label,
        ),
      );
    }
  }
  if (model.body && "json" in model.body) {
    const json = model.body.json;
    for (const slot of bodySlots(op.body?.schema ?? {}, json)) {
      const s = branch(slot.schema);
      const value = isInteger(s)
        ? big
        : s.type === "array" && s.items && isInteger(s.items)
          ? [big]
          : undefined;
      if (value === undefined) continue;
      out.push(
        render(
          op,
          { ...model, body: { json: setAt(json, slot.path, value) } },
          `body ${slot.path.join(".")}: int32+1`,
        ),
      );
    }
  }
  return out;
}

/** Long text fields are where text transformations run: each gets every pathological string once. */
export const LONG_TEXT = 2000;

function worstTexts(op: Operation, model: Model): FuzzCase[] {
  if (!model.body || !("json" in model.body)) return [];
  const json = model.body.json;
  const out: FuzzCase[] = [];
  for (const slot of bodySlots(op.body?.schema ?? {}, json)) {
    const s = branch(slot.schema);
    if (s.type !== "string" || (s.maxLength ?? Number.POSITIVE_INFINITY) < LONG_TEXT) continue;
    for (const h of pathologicalStrings(s)) {
      out.push(
        render(
          op,
          { ...model, body: { json: setAt(json, slot.path, h.value) } },
          `body ${slot.path.join(".")}: ${h.label}`,
        ),
      );
    }
  }
  return out;
}
