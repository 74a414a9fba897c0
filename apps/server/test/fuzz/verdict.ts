/** An answer as the fuzz suite judges it. */
export type Answer = { status: number; type: string; body: string; ms: number };

/** Why an answer breaks the rules (a 5xx, too slow, an error that is not problem+json with a code), or null. */
export function fault(r: Answer, boundMs: number): string | null {
  if (r.status >= 500) return `answered ${r.status}`;
  if (r.ms > boundMs) return `took ${Math.round(r.ms)} ms (bound ${boundMs} ms)`;
  if (r.status >= 400) {
    if (!/^application\/problem\+json/.test(r.type))
      return `error ${r.status} is ${r.type || "untyped"}, not problem+json`;
    let code: unknown;
    try {
      code = (JSON.parse(r.body) as { code?: unknown }).code;
    } catch {
      return `error ${r.status} body is not JSON`;
    }
    if (typeof code !== "string" || !code) return `error ${r.status} has no code`;
  }
  return null;
}
