import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialect, testDatabase } from "../../test/harness.js";
import { openDatabase } from "./database.js";
import { namedStatementClient } from "./pg-statements.js";

const url = process.env.TEST_DATABASE_URL;

describe.skipIf(dialect !== "postgres" || !url)("named PostgreSQL statements", () => {
  let pool: pg.Pool;
  const prepared = async (client: pg.PoolClient) =>
    (await client.query("select name, statement from pg_prepared_statements order by name")).rows as Array<{
      name: string;
      statement: string;
    }>;

  beforeAll(() => {
    pool = new pg.Pool({ connectionString: url, max: 1, Client: namedStatementClient(2) });
  });
  afterAll(() => pool.end());

  it("parses a statement with parameters once per connection and reuses it with other values", async () => {
    const client = await pool.connect();
    try {
      const a = await client.query("select $1::int + 1 as n", [1]);
      const b = await client.query("select $1::int + 1 as n", [41]);
      expect([a.rows[0].n, b.rows[0].n]).toEqual([2, 42]);
      const names = await prepared(client);
      expect(names).toHaveLength(1);
      expect(names[0]?.name).toMatch(/^td_/);
      expect(names[0]?.statement).toBe("select $1::int + 1 as n");
    } finally {
      client.release();
    }
  });

  it("keeps statements without parameters on the simple protocol, and names no more than its limit", async () => {
    const client = await pool.connect();
    try {
      await client.query("select 1");
      await client.query("select $1::text as t", ["two"]);
      const third = await client.query("select $1::text || 'x' as t", ["three"]);
      expect(third.rows[0].t).toBe("threex");
      const names = (await prepared(client)).map((p) => p.statement);
      expect(names.sort()).toEqual(["select $1::int + 1 as n", "select $1::text as t"]);
    } finally {
      client.release();
    }
  });

  it("reports a failing statement's error and the connection goes on working", async () => {
    const client = await pool.connect();
    try {
      await expect(client.query("select $1::int + 1 as n", ["not a number"])).rejects.toThrow(
        /invalid input/,
      );
      const ok = await client.query("select $1::int + 1 as n", [9]);
      expect(ok.rows[0].n).toBe(10);
    } finally {
      client.release();
    }
  });

  it("parses a statement again after its first parse failed (a table created since)", async () => {
    const own = new pg.Pool({ connectionString: url, max: 1, Client: namedStatementClient(10) });
    const client = await own.connect();
    const table = `pg_statements_${process.pid}`;
    try {
      const text = `select count(*)::int as n from ${table} where id > $1`;
      await expect(client.query(text, [0])).rejects.toThrow(/does not exist/);
      await client.query(`create temporary table ${table} (id int)`);
      await client.query(`insert into ${table} values (1), (2)`);
      expect((await client.query(text, [0])).rows[0].n).toBe(2);
      expect((await prepared(client)).map((p) => p.statement)).toEqual([text]);
    } finally {
      client.release();
      await own.end();
    }
  });

  it("runs a statement unnamed after another process's migration changed the table it reads", async () => {
    const own = new pg.Pool({ connectionString: url, max: 1, Client: namedStatementClient(10) });
    const client = await own.connect();
    const table = `pg_statements_alter_${process.pid}`;
    try {
      await client.query(`create temporary table ${table} (id int)`);
      await client.query(`insert into ${table} values (1)`);
      const text = `select * from ${table} where id = $1`;
      expect((await client.query(text, [1])).rows).toEqual([{ id: 1 }]);
      await client.query(`alter table ${table} add column note text`);
      await expect(client.query(text, [1])).rejects.toThrow(/cached plan must not change result type/);
      expect((await client.query(text, [1])).rows).toEqual([{ id: 1, note: null }]);
    } finally {
      client.release();
      await own.end();
    }
  });

  it("the server's connections plan every run of a named statement for its own values", async () => {
    const { config, cleanup } = await testDatabase();
    const named = openDatabase({
      ...(config.database as { dialect: "postgres"; url: string }),
      statements: 500,
    });
    try {
      const { rows } = await sql<{ plan_cache_mode: string }>`show plan_cache_mode`.execute(named.db);
      expect(rows[0]?.plan_cache_mode).toBe("force_custom_plan");
    } finally {
      await named.close();
      await cleanup();
    }
  });

  it("leaves a bulk load's statement with long arrays unnamed", async () => {
    const own = new pg.Pool({ connectionString: url, max: 1, Client: namedStatementClient(10) });
    const client = await own.connect();
    try {
      const ids = Array.from({ length: 1000 }, (_, i) => i + 1);
      const bulk = await client.query("select count(*)::int as n from unnest($1::int4[]) as u(id)", [ids]);
      expect(await prepared(client)).toEqual([]);
      const small = await client.query("select count(*)::int as n from unnest($1::int4[]) as u(id)", [
        [1, 2],
      ]);
      expect([bulk.rows[0].n, small.rows[0].n]).toEqual([1000, 2]);
      const named = (await prepared(client)).map((p) => p.statement);
      expect(named).toEqual(["select count(*)::int as n from unnest($1::int4[]) as u(id)"]);
    } finally {
      client.release();
      await own.end();
    }
  });
});
