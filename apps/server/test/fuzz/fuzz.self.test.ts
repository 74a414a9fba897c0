import { describe, expect, it } from "vitest";
import { operationsOf } from "./operations.js";
import { sweep } from "./sweep.js";
import { fault } from "./verdict.js";

const problem = (code: string) => JSON.stringify({ type: `urn:tierdesk:problem:${code}`, status: 400, code });

describe("the fuzz suite's own checks", () => {
  it("a problem+json error with a code passes; a 5xx, a slow answer, an HTML error or an error without a code does not", () => {
    const ok = {
      status: 400,
      type: "application/problem+json; charset=utf-8",
      body: problem("request.invalid"),
      ms: 3,
    };
    expect(fault(ok, 5000)).toBeNull();
    expect(fault({ status: 200, type: "application/json", body: "{}", ms: 3 }, 5000)).toBeNull();
    expect(fault({ ...ok, status: 500 }, 5000)).toMatch(/answered 500/);
    expect(fault({ ...ok, status: 200, ms: 5001 }, 5000)).toMatch(/took 5001 ms/);
    expect(fault({ ...ok, type: "text/html" }, 5000)).toMatch(/not problem\+json/);
    expect(fault({ ...ok, body: "<html>" }, 5000)).toMatch(/not JSON/);
    expect(fault({ ...ok, body: JSON.stringify({ status: 400 }) }, 5000)).toMatch(/no code/);
  });

  it("an operation with a schema the generator does not understand is reported, not silently skipped", () => {
    const doc = {
      paths: {
        "/api/v1/things": {
          post: { requestBody: { content: { "application/json": { schema: { not: { type: "string" } } } } } },
          get: { parameters: [{ name: "q", in: "query", schema: { type: "string" } }] },
        },
        "/api/v1/things/{id}": { get: { parameters: [] } },
        "/api/v1/blobs": {
          put: { requestBody: { content: { "application/xml": { schema: { type: "string" } } } } },
        },
      },
    };
    const { operations, uncovered } = operationsOf(doc as Parameters<typeof operationsOf>[0]);
    expect(operations.map((o) => o.id)).toEqual(["GET /api/v1/things"]);
    expect(uncovered).toEqual([
      { op: "POST /api/v1/things", reason: 'body: keyword "not"' },
      { op: "GET /api/v1/things/{id}", reason: "path {id} is not described" },
      { op: "PUT /api/v1/blobs", reason: "request media type application/xml" },
    ]);
  });

  it("the same seed draws the same requests, and another seed others", () => {
    const { operations } = operationsOf({
      paths: {
        "/api/v1/notes": {
          post: {
            requestBody: {
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: { text: { type: "string", maxLength: 50 }, n: { type: "integer" } },
                    required: ["text"],
                  },
                },
              },
            },
          },
        },
      },
    });
    const op = operations[0] as (typeof operations)[number];
    const hints = () => undefined;
    const draw = (seed: number) =>
      sweep(op, hints, new Map(), seed).map((c) => `${c.kind} ${c.url} ${String(c.payload).slice(0, 80)}`);
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    // every field of the body was made hostile at least once
    expect(draw(7).some((k) => k.startsWith("body text:"))).toBe(true);
    expect(draw(7).some((k) => k.startsWith("body n:"))).toBe(true);
  });
});
