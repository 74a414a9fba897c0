import { sql } from "kysely";
import type { DialectMigration } from "./helpers.js";

/**
 * Accent folding for PostgreSQL's search expression: built-in `translate` is immutable (an index can
 * use it) and needs no extension, unlike `unaccent`. The repository folds the user's text with the
 * same table, so both sides of the LIKE agree. Changing these strings needs a new migration that
 * redefines the `search_subject` column.
 */
export const FOLD_FROM = "ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿ";
export const FOLD_TO = "aaaaaaaaaaaacceeeeeeeeiiiiiiiinnoooooooooooouuuuuuuuyyy";

/**
 * Ticket text search (bench/PLANS.md, "Search").
 *
 * SQLite: an FTS5 index of ticket subjects with external content (the text stays in `tickets`, the
 * index holds only tokens), kept in step by triggers on `tickets`. Triggers rather than the
 * repository: tickets are written by the service, the demo seed and the bench generator's bulk
 * inserts, and a trigger runs inside whichever transaction writes the row, so no writer can forget.
 * `unicode61 remove_diacritics 2` makes "declaracion" find "Declaración" and "declaration" find
 * "Déclaration"; `prefix='2 3'` keeps short prefix queries cheap.
 *
 * PostgreSQL: pg_trgm's GIN index on `search_subject`, the lowered, accent-folded subject as a stored
 * generated column (folding at write time: `translate` on every row at read time took 860 ms for a
 * common word over 200,000 tickets in the bench, where the plain LIKE scan took about 100 ms).
 * Trigrams keep the substring semantics of the former `lower(subject) like '%…%'` (any part of a word, `%` and `_` literal through
 * the escape) while letting LIKE use an index; a tsvector would only match whole words or prefixes.
 * The extension goes in `public` once per database (under an advisory lock, since test files migrate
 * their own schemas in parallel), never in a schema of its own that could be dropped with it.
 */
export const ticketSearch: DialectMigration = {
  async up(db, dialect) {
    if (dialect === "sqlite") {
      await sql`create virtual table tickets_fts using fts5(subject, content='tickets', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2", prefix='2 3')`.execute(db);
      await sql`create trigger tickets_fts_insert after insert on tickets begin
        insert into tickets_fts(rowid, subject) values (new.id, new.subject);
      end`.execute(db);
      await sql`create trigger tickets_fts_delete after delete on tickets begin
        insert into tickets_fts(tickets_fts, rowid, subject) values ('delete', old.id, old.subject);
      end`.execute(db);
      await sql`create trigger tickets_fts_update after update of subject on tickets begin
        insert into tickets_fts(tickets_fts, rowid, subject) values ('delete', old.id, old.subject);
        insert into tickets_fts(rowid, subject) values (new.id, new.subject);
      end`.execute(db);
      await sql`insert into tickets_fts(tickets_fts) values ('rebuild')`.execute(db);
      return;
    }
    await sql`select pg_advisory_xact_lock(738214007)`.execute(db);
    const existing = await sql<{ schema: string }>`select n.nspname as schema from pg_extension e
      join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db);
    let schema = existing.rows[0]?.schema;
    if (!schema) {
      await sql`create extension if not exists pg_trgm schema public`.execute(db);
      schema = "public";
    }
    await sql`alter table tickets add column search_subject text generated always as
      (translate(lower(subject), ${sql.lit(FOLD_FROM)}, ${sql.lit(FOLD_TO)})) stored`.execute(db);
    await sql`create index tickets_search_subject_trgm_idx on tickets
      using gin (search_subject ${sql.id(schema, "gin_trgm_ops")})`.execute(db);
  },
};
