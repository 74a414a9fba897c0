import type { LightMyRequestResponse } from "fastify";
import type { Operation } from "./operations.js";
import type { Hints, Schema, Where } from "./values.js";

/** Values the API gave out, to aim valid-looking requests at real rows. */
export type Harvest = {
  hints: Hints;
  /** The path with every parameter filled from the harvest, or undefined if one has no value. */
  fill: (path: string) => string | undefined;
  /** Keeps the values of an answer from an operation at this path (a created row, say). */
  absorb: (path: string, body: unknown) => void;
  /** Reads every GET operation again. */
  refresh: () => Promise<void>;
};

/** Rows the fuzz must not touch: the actors themselves, their addresses (sign-in throttling) and their tokens. */
export type Protected = { users: number[]; emails: string[]; tokens: number[] };

const PER_KEY = 8;
type Scalar = string | number;

/** The collection a path parameter indexes: "/api/v1/releases/{id}" → "/api/v1/releases". */
const collectionOf = (path: string, name: string) => {
  const at = path.indexOf(`/{${name}}`);
  return at < 0 ? path : path.slice(0, at);
};
const lastStatic = (path: string) =>
  path
    .split("/")
    .filter((s) => s && !s.startsWith("{"))
    .at(-1) ?? "";

function accepts(schema: Schema, v: Scalar): boolean {
  const s = schema.anyOf?.find((a) => a.type !== "null") ?? schema;
  const types = [s.type ?? []].flat();
  if (s.enum) return s.enum.includes(v);
  if (typeof v === "number") {
    if (!types.includes("integer") && !types.includes("number")) return false;
    if (types.includes("integer") && !types.includes("number") && !Number.isInteger(v)) return false;
    if (s.minimum !== undefined && v < s.minimum) return false;
    if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum) return false;
    return s.maximum === undefined || v <= s.maximum;
  }
  if (!types.includes("string")) return false;
  if (s.pattern && !new RegExp(s.pattern, "u").test(v)) return false;
  if (s.maxLength !== undefined && v.length > s.maxLength) return false;
  return s.minLength === undefined || v.length >= s.minLength;
}

/**
 * Calls every GET operation it can fill (parameters from earlier answers) as the given reader, and keeps the
 * scalar values of each answer by key, so that ids, keys and codes in fuzzed requests name real rows.
 */
export async function harvestFrom(
  operations: Operation[],
  get: (url: string) => Promise<LightMyRequestResponse>,
  guard: Protected,
): Promise<Harvest> {
  // "<collection path>#<key>" and "*#<key>" → distinct values, a few of each
  const values = new Map<string, Scalar[]>();
  const add = (key: string, v: Scalar) => {
    const list = values.get(key) ?? [];
    if (list.length < PER_KEY && !list.includes(v)) list.push(v);
    values.set(key, list);
  };
  const forbidden = (path: string, name: string, v: Scalar) =>
    (typeof v === "string" && guard.emails.includes(v.toLowerCase())) ||
    (name === "id" && /\/users$/.test(path) && guard.users.includes(v as number)) ||
    (name === "id" && /tokens$/.test(path) && guard.tokens.includes(v as number));
  const walk = (path: string, body: unknown) => {
    if (Array.isArray(body)) for (const item of body) walk(path, item);
    else if (body && typeof body === "object") {
      for (const [k, v] of Object.entries(body)) {
        if (typeof v === "string" || typeof v === "number") {
          if (forbidden(path, k, v) || (typeof v === "string" && v.length > 200)) continue;
          add(`${path}#${k}`, v);
          add(`*#${k}`, v);
        } else walk(path, v);
      }
    }
  };

  const pathValue = (path: string, name: string): Scalar | undefined =>
    values.get(`${collectionOf(path, name)}#${name}`)?.[0] ??
    (name === "id" ? values.get(`${collectionOf(path, name)}#id`)?.[0] : undefined) ??
    values.get(`*#${name}`)?.[0];
  const fill = (path: string) => {
    let missing = false;
    const url = path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      const v = pathValue(path, name);
      if (v === undefined) missing = true;
      return encodeURIComponent(String(v));
    });
    return missing ? undefined : url;
  };

  // A read of one row (".../{id}") or an action on it (".../{id}/ship") adds to the collection it belongs to.
  const absorb = (path: string, body: unknown) => walk(path.replace(/\/\{[^}]+\}(\/[^{}/]+)?$/, ""), body);

  // Reads only: the stream never ends, so it is left out.
  const reads = operations.filter((op) => op.method === "GET" && !op.stream);
  const refresh = async () => {
    const done = new Set<string>();
    for (let pass = 0; pass < 4; pass++) {
      for (const op of reads) {
        if (done.has(op.id)) continue;
        const url = fill(op.path);
        if (!url) continue;
        done.add(op.id);
        const res = await get(url);
        if (res.statusCode === 200 && /json/.test(String(res.headers["content-type"])))
          absorb(op.path, res.json());
      }
    }
  };
  await refresh();

  const hints: Hints = (where: Where, schema: Schema) => {
    const op = where.op.slice(where.op.indexOf(" ") + 1);
    const name = where.name === "[]" || where.name === "*" ? (where.path.at(-2) ?? where.name) : where.name;
    const candidates: Scalar[] = [];
    if (where.in === "path") candidates.push(...(values.get(`${collectionOf(op, name)}#${name}`) ?? []));
    candidates.push(...(values.get(`*#${name}`) ?? []));
    // expectedVersion, baseRevision: the version or revision of the row
    const plain = /^(?:expected|base|current)([A-Z]\w*)$/.exec(name)?.[1];
    if (plain) candidates.push(...(values.get(`*#${plain[0]?.toLowerCase()}${plain.slice(1)}`) ?? []));
    // fooId / fooIds name rows of the collection called foos
    const base = /^(.+?)Ids?$/.exec(name)?.[1];
    if (base) {
      for (const [key, list] of values) {
        const [path, field] = key.split("#") as [string, string];
        if (field === "id" && path !== "*" && lastStatic(path).startsWith(base)) candidates.push(...list);
      }
    }
    const fit = [...new Set(candidates)].filter(
      (v) => accepts(schema, v) && !forbidden(collectionOf(op, name), name, v),
    );
    return fit.length ? fit : undefined;
  };
  return { hints, fill, absorb, refresh };
}
