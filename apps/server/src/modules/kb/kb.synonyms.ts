import { stemmer as english } from "@orama/stemmers/english";
import { stopwords as enStop } from "@orama/stopwords/english";
import { z } from "zod";
import { type App, actorOf, secured } from "../../app/http.js";
import type { Db } from "../../db/database.js";
import type { Actor } from "../../shared/actor.js";
import { type Clock, toIso } from "../../shared/clock.js";
import { forbidden, invalid } from "../../shared/errors.js";
import { canEditKb, canManageCollections } from "./kb.policy.js";

/**
 * Support vocabulary: the words people use for what the documentation calls by another name ("block
 * her account" for deactivating a user, "the 6 digit code" for two-factor authentication).
 *
 * The rules are written in the synonym format of Solr and Elasticsearch, one rule a line:
 * `a, b, c` says the phrases are equivalent (any of them brings in the others);
 * `a, b => c, d` says that a or b in a question also looks for c and d (not the other way round).
 * `#` starts a comment. Phrases are matched on whole words, whatever their case, accents or
 * inflection ("blocked" matches "block"), ignoring small words between them ("block her account"
 * matches "block account"), and forgiving a typo in a longer word ("deactivte").
 */
export const DEFAULT_SYNONYMS = `
# accounts and access
deactivate, disable, block, suspend, désactiver, bloquer, desactivar, bloquear, desativar
deactivate user, block user, block account, suspend account, close account, lock out user, left the organisation => disable user
user, account, staff member, utilisateur, compte, usuario, cuenta, utilizador, usuário, conta
new user, add user, new account, add staff, new staff, staff member, create account, onboard => create user, new user
forgot password, lost password, forgotten password, can't log in, cannot log in, locked out, mot de passe oublié, olvidé contraseña, esqueci senha => reset password, password reset
password, passcode, pin, mot de passe, contraseña, senha
reset, réinitialiser, restablecer, redefinir
6 digit code, six digit code, verification code, sms code, otp, one time code, authenticator, 2fa, mfa, code on phone => two-factor authentication, reset authentication, two-factor code
log in, login, sign in, connect, session => token, authentication
log out, logout, sign out => invalidate token, delete token
sign up, register myself, create own account, self register => self register
single sign on, sso, google account, microsoft account, azure, government account => identity provider
email address, e-mail => update user
edit user, change user, modify user, update user
list, see all, everyone, show all, view all => query, list, get
# roles and teams
role, permission, access rights, privileges, rôle, rol, papel, função
team, group, unit, office, user group, équipe, equipo, equipa
# records and cases
record, dossier, enregistrement, registro, registo
case, caso, expediente
lost tracking number, forgot tracking number, find record, look up record, look up case, find case, search record, search case, tracking number, tracking id, reference number => search, query, case
open case, new case, create case, start case => create case
close case, remove case, delete case, archive case => disable case
edit, change, modify, update, amend, alter, fix, corriger, modificar, corrigir, editar
correct, correction, fix mistake, wrong, misspelt, misspelled, typo, error on record, mistake => correct record, correction request
duplicate, registered twice, twice, same person, match, matching, doublon, duplicado => potential match
link cases, link together, relate, sibling, brother, sister => relationship
history, who changed, who modified, who edited, modified by => record history
audit, audit trail, audit log, what users did, activity, investigation => audit log, activity log
flag, mark, needing attention, attention, warning, red flag => flag
approve, approval, sign off, validate, valider, aprobar, aprovar
# moving work between people
hand over, handover, hand case, pass on, move to another, another caseworker, for good, transfer, transférer, transferir => transfer
give case, to a colleague, assign, allocate, social worker => assign
refer, referral, service provider, external service, orienter, referir, encaminhar
accept, reject, decline, refuse, incoming => accept or decline
at once, bulk, in bulk, several, multiple => bulk
# files, data and places
attach, attachment, upload, photo, picture, scan, scanned, document, pièce jointe, adjunto, anexo => attach file
remove document, delete document, wrong attachment, delete attachment, remove attachment, remove file => remove a file
export, download, exporter, exportar, descargar, baixar
to excel, to spreadsheet, to csv, excel file => export
import, from spreadsheet, from excel, from csv, from file, upload list, bulk load => import
location, place, district, province, village, region, area, facility, lieu, lugar, localidad, localidade
dropdown, drop down, choice, option list, list of values, select list, picklist => lookup
form, questionnaire, template, formulaire, formulario, formulário
report, chart, statistics, graph, rapport, informe, relatório
dashboard, overview, indicators, numbers, tableau de bord, panel, painel
task, to do list, follow-ups due, due this week, overdue, reminder, tâche, tarea, tarefa => task
notification, notify, push, alert, browser notification, avis, notificación, notificação
saved search, keep search, keep filters, save filters, save my search, favourite search => saved search
settings, configuration, parameters, options, paramètres, configuración, configuração
helpdesk, help desk, support contact, contact details, contact information => contact information
# certificates and printing
certificate, certificat, certificado, acte
print, printer, printing, imprimer, imprimir
blank page, empty page, nothing prints, white page => print certificate, pop-ups
late registration, born years ago, born last year, delayed registration, old birth => late registration
birth, born, newborn, naissance, nacimiento, nascimento
death, died, deceased, décès, defunción, óbito
# web API documentation names an action by its HTTP method (and its page often by the method too)
add, create, new, make, set up => post
edit, change, update, modify, amend, rename => patch
remove, delete, cancel, revoke, withdraw => delete
list, see, view, show, find, look up, read => get
# running the system
backup, back up, copy of data, sauvegarde, copia de seguridad, cópia de segurança
restore, get data back, recover, recovery, data lost, crashed, restaurer, restaurar
https, ssl, tls, certificate for server, secure connection, padlock => ssl
upgrade, update version, new version, migrate, mise à jour, actualizar, atualizar
install, installation, setup, deploy, deployment, set up, installer, instalar
translate, translation, language, interface language, traduire, traducir, traduzir => transifex, translations
performance, load test, slow, stress test => jmeter
`;

/** One rule: any of `when` in a question also looks for every phrase of `add`. */
export type SynonymRule = { when: string[][]; add: string[] };

/** Small words may sit between the words of a phrase ("block her account" is "block account"). */
const stop = new Set([
  ...enStop,
  ...["a", "an", "the", "my", "her", "his", "their", "our", "your", "its", "this", "that", "these"],
  ...["those", "some", "all", "any", "to", "of", "for", "in", "on", "at", "from", "with", "by"],
]);
const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
const WORD = /[\p{L}\p{N}]+/gu;

type Word = { stem: string; stop: boolean };

/** The words of a text as they are compared: folded, stemmed, small words marked. */
function wordsOf(text: string): Word[] {
  return (fold(text).match(WORD) ?? []).map((w) => ({ stem: english(w), stop: stop.has(w) }));
}

/** A phrase's words as they are compared: folded and stemmed, small words kept ("log in" is not "log"). */
export function phraseKey(text: string): string[] {
  return wordsOf(text).map((w) => w.stem);
}

/** Reads rules in the Solr synonym format; a line that says nothing is skipped. */
export function parseSynonyms(text: string): SynonymRule[] {
  const rules: SynonymRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*/, "").trim();
    if (!line) continue;
    const [left = "", right] = line.split("=>", 2);
    const split = (s: string) =>
      s
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean);
    const from = split(left);
    const add = right === undefined ? from : split(right);
    const when = from.map(phraseKey).filter((k) => k.length > 0);
    if (when.length > 0 && add.length > 0) rules.push({ when, add });
  }
  return rules;
}

/**
 * True when the words of `phrase` follow each other in `words`, small words of the question between
 * them aside ("block her account" contains "block account").
 */
function contains(words: string[], small: boolean[], phrase: string[]): boolean {
  for (let i = 0; i + phrase.length <= words.length; i++) {
    if (words[i] !== phrase[0]) continue;
    let at = i + 1;
    let j = 1;
    for (; j < phrase.length; j++) {
      while (at < words.length && words[at] !== phrase[j] && small[at]) at++;
      if (words[at] !== phrase[j]) break;
      at++;
    }
    if (j === phrase.length) return true;
  }
  return false;
}

/** Levenshtein distance, given up once it exceeds `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      row.push(v);
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
    prev = row;
  }
  return prev[b.length] as number;
}

/** The rules' own words, to read a misspelt question word as the one it was meant to be. */
const vocabularies = new WeakMap<readonly SynonymRule[], string[]>();
function vocabulary(rules: readonly SynonymRule[]): string[] {
  let v = vocabularies.get(rules);
  if (!v) {
    v = [...new Set(rules.flatMap((r) => r.when.flat()))].filter((w) => w.length >= 4);
    vocabularies.set(rules, v);
  }
  return v;
}

/**
 * The phrases a question brings in by the rules, without the words it already has (each once, in rule
 * order). The question keeps its own words; these are looked for besides them.
 */
export function expandQuery(query: string, rules: readonly SynonymRule[]): string[] {
  const found = wordsOf(query);
  if (found.length === 0) return [];
  const vocab = vocabulary(rules);
  const known = new Set(vocab);
  // a word of five letters or more that the rules do not know may be a typo of one they do
  const words = found.map(({ stem, stop: small }) => {
    if (small || stem.length < 5 || known.has(stem)) return stem;
    const max = stem.length >= 8 ? 2 : 1;
    return vocab.find((v) => distance(stem, v, max) <= max) ?? stem;
  });
  const small = found.map((w) => w.stop);
  const have = new Set(words);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    if (!rule.when.some((p) => contains(words, small, p))) continue;
    for (const phrase of rule.add) {
      const key = phraseKey(phrase);
      if (key.length === 0 || key.every((k) => have.has(k))) continue;
      const id = key.join(" ");
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(phrase);
    }
  }
  return out;
}

/** The rules shipped with Tierdesk, read once. */
export const defaultSynonymRules: readonly SynonymRule[] = parseSynonyms(DEFAULT_SYNONYMS);

export const synonymsInput = z.strictObject({
  rules: z
    .string()
    .max(200_000)
    .refine((s) => !s.includes("\u0000"), { message: "must not contain NUL characters" })
    .describe("Solr synonym format, one rule a line: `a, b, c` (equivalent) or `a, b => c` (one way)"),
});
export type SynonymsInput = z.infer<typeof synonymsInput>;
export const synonymsView = z.object({
  rules: z.string(),
  /** true while no hub admin has saved rules: these are the ones shipped with Tierdesk */
  shipped: z.boolean(),
  ruleCount: z.number(),
  updatedAt: z.string().nullable(),
});
export type SynonymsView = z.infer<typeof synonymsView>;

/**
 * The synonym rules in force: the newest saved by a hub admin, else the shipped ones. Read when search
 * looks for changes (one small query), parsed again only when a new version was saved, here or in
 * another process.
 */
export function createSynonymStore({
  db,
  clock,
  touch = () => {},
}: {
  db: Db;
  clock: Clock;
  /** tells search that the rules changed, so that its next search reads them */
  touch?: () => void;
}) {
  let cached: { id: number; rules: readonly SynonymRule[] } = { id: 0, rules: defaultSynonymRules };

  const newest = () =>
    db
      .selectFrom("kb_synonyms")
      .select(["id", "rules", "updated_at"])
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();

  const view = (row: Awaited<ReturnType<typeof newest>>): SynonymsView => {
    const rules = row?.rules ?? DEFAULT_SYNONYMS;
    return {
      rules,
      shipped: !row,
      ruleCount: parseSynonyms(rules).length,
      updatedAt: row ? toIso(Number(row.updated_at)) : null,
    };
  };

  return {
    async rules(): Promise<readonly SynonymRule[]> {
      const top = await db
        .selectFrom("kb_synonyms")
        .select("id")
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      if (!top) return defaultSynonymRules;
      if (top.id !== cached.id) {
        const row = await newest();
        if (row) cached = { id: row.id, rules: parseSynonyms(row.rules) };
      }
      return cached.rules;
    },

    /** The rules as text, for editors and hub admins. */
    async get(actor: Actor): Promise<SynonymsView> {
      if (!canEditKb(actor))
        throw forbidden("kb.synonyms_forbidden", "Only knowledge base editors see the synonyms");
      return view(await newest());
    },

    /** Saves a new version of the rules (hub admins); an empty text leaves search with no synonyms. */
    async put(actor: Actor, input: SynonymsInput): Promise<SynonymsView> {
      if (!canManageCollections(actor))
        throw forbidden("kb.synonyms_forbidden", "Only hub admins edit the synonyms");
      const bad = input.rules
        .split(/\r?\n/)
        .map((line, i) => ({ line: line.replace(/#.*/, "").trim(), n: i + 1 }))
        .find(({ line }) => line && (line.split("=>").length > 2 || /^=>|=>$/.test(line)));
      if (bad) throw invalid("kb.synonyms_invalid", `Line ${bad.n} is not a synonym rule`);
      await db
        .insertInto("kb_synonyms")
        .values({ rules: input.rules, updated_by: actor.userId || null, updated_at: clock.now() })
        .execute();
      touch();
      return view(await newest());
    },
  };
}
export type SynonymStore = ReturnType<typeof createSynonymStore>;

/** GET|PUT /kb/synonyms. */
export function kbSynonymRoutes(app: App, store: SynonymStore) {
  const tags = ["knowledge base"];
  app.get(
    "/kb/synonyms",
    {
      schema: {
        tags,
        summary: "The synonym rules search applies to questions (knowledge base editors)",
        security: secured,
        response: { 200: synonymsView },
      },
    },
    async (req) => store.get(actorOf(req, "tickets:read")),
  );
  app.put(
    "/kb/synonyms",
    {
      schema: {
        tags,
        summary: "Replace the synonym rules (hub admins); every version is kept",
        security: secured,
        body: synonymsInput,
        response: { 200: synonymsView },
      },
    },
    async (req) => store.put(actorOf(req, "tickets:write"), req.body),
  );
}
