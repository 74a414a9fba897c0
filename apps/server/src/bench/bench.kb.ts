/**
 * Knowledge-base scale data for the bench: N articles (generic English pages, their French, Spanish
 * and Portuguese translations, and site variants) with sections, built from support vocabulary and
 * drawn from a seeded random source, so the same seed gives the same articles. Also writes generated
 * pages to a folder, as `tierdesk kb import` reads them.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Insertable } from "kysely";
import type { DatabaseHandle } from "../db/database.js";
import type { KbArticlesTable } from "../db/schema.js";
import { renderMarkdown } from "../modules/kb/kb.markdown.js";
import { prng } from "./bench.seed.js";
import { type Lang, pick, type Random } from "./bench.text.js";

export const KB_PRODUCTS = ["OpenCRVS", "Primero", "DHIS2", "OpenSRP", "MOSIP", "openIMIS"] as const;
const MODULES = [
  "birth registration",
  "death registration",
  "case management",
  "user administration",
  "reports",
  "offline sync",
  "certificates",
  "data export",
  "facility registry",
  "audit log",
  "notifications",
  "integrations",
];
const ROLES = ["registrar", "field agent", "district officer", "system administrator", "case worker"];
const PLACES = ["Lusaka", "Ndola", "Dhaka", "Khulna", "Kampala", "Gulu", "Mombasa", "Kisumu", "Chittagong"];

type Topic = { en: string; fr: string; es: string; pt: string };
/** What articles are about: an action on an object, in four languages. */
const ACTIONS: Topic[] = [
  { en: "Register", fr: "Enregistrer", es: "Registrar", pt: "Registar" },
  { en: "Correct", fr: "Corriger", es: "Corregir", pt: "Corrigir" },
  { en: "Print", fr: "Imprimer", es: "Imprimir", pt: "Imprimir" },
  { en: "Export", fr: "Exporter", es: "Exportar", pt: "Exportar" },
  { en: "Approve", fr: "Approuver", es: "Aprobar", pt: "Aprovar" },
  { en: "Archive", fr: "Archiver", es: "Archivar", pt: "Arquivar" },
  { en: "Configure", fr: "Configurer", es: "Configurar", pt: "Configurar" },
  { en: "Troubleshoot", fr: "Dépanner", es: "Solucionar", pt: "Resolver" },
  { en: "Synchronise", fr: "Synchroniser", es: "Sincronizar", pt: "Sincronizar" },
  { en: "Search for", fr: "Rechercher", es: "Buscar", pt: "Pesquisar" },
  { en: "Reset", fr: "Réinitialiser", es: "Restablecer", pt: "Redefinir" },
  { en: "Import", fr: "Importer", es: "Importar", pt: "Importar" },
];
const OBJECTS: Topic[] = [
  {
    en: "a birth record",
    fr: "un acte de naissance",
    es: "un registro de nacimiento",
    pt: "um registo de nascimento",
  },
  { en: "a death record", fr: "un acte de décès", es: "un registro de defunción", pt: "um registo de óbito" },
  { en: "a certificate", fr: "un certificat", es: "un certificado", pt: "uma certidão" },
  {
    en: "a user account",
    fr: "un compte utilisateur",
    es: "una cuenta de usuario",
    pt: "uma conta de utilizador",
  },
  { en: "a password", fr: "un mot de passe", es: "una contraseña", pt: "uma palavra-passe" },
  { en: "a case", fr: "un dossier", es: "un caso", pt: "um caso" },
  {
    en: "a health facility",
    fr: "un établissement de santé",
    es: "un centro de salud",
    pt: "uma unidade de saúde",
  },
  { en: "a report", fr: "un rapport", es: "un informe", pt: "um relatório" },
  { en: "a tablet", fr: "une tablette", es: "una tableta", pt: "um tablet" },
  { en: "an office", fr: "un bureau", es: "una oficina", pt: "um escritório" },
  { en: "a duplicate record", fr: "un doublon", es: "un registro duplicado", pt: "um registo duplicado" },
  { en: "a form", fr: "un formulaire", es: "un formulario", pt: "um formulário" },
  {
    en: "a marriage record",
    fr: "un acte de mariage",
    es: "un registro de matrimonio",
    pt: "um registo de casamento",
  },
  {
    en: "the two-factor code",
    fr: "le code à deux facteurs",
    es: "el código de dos factores",
    pt: "o código de dois fatores",
  },
];
const HEADINGS: Record<Lang, readonly string[]> = {
  en: [
    "Before you start",
    "Steps",
    "Troubleshooting",
    "Known issues",
    "Permissions",
    "What happens next",
    "Related settings",
    "Offline use",
    "Error messages",
  ],
  fr: [
    "Avant de commencer",
    "Étapes",
    "Dépannage",
    "Problèmes connus",
    "Autorisations",
    "Et ensuite",
    "Paramètres liés",
  ],
  es: [
    "Antes de empezar",
    "Pasos",
    "Solución de problemas",
    "Problemas conocidos",
    "Permisos",
    "Qué sigue",
    "Ajustes relacionados",
  ],
  pt: [
    "Antes de começar",
    "Passos",
    "Resolução de problemas",
    "Problemas conhecidos",
    "Permissões",
    "O que acontece a seguir",
    "Definições relacionadas",
  ],
};
const SENTENCES: Record<Lang, readonly string[]> = {
  en: [
    "Open {module} from the main menu and choose {object}.",
    "Only a {role} with the right permission can do this in {product}.",
    "If the page stays blank, clear the browser cache and sign in again.",
    "The tablet must be online once a day so that records synchronise with the server.",
    "Error {code} means the record was changed by someone else; reload it and try again.",
    "Check that the date of birth is not in the future and that the mother's name is filled in.",
    "The district office in {place} prints certificates on A4 security paper.",
    "An administrator can unlock the account from the team page after five failed sign-ins.",
    "Exports are written as CSV files and sent by email when they are ready.",
    "A late registration needs a supporting document signed by the local leader.",
    "Duplicates are flagged when the name, date of birth and mother's name match an existing record.",
    "The two-factor code is sent by SMS; if it never arrives, check the phone number on the profile.",
    "Reports are refreshed every night at two o'clock; today's figures appear tomorrow.",
    "Use the search bar with the tracking ID printed on the receipt to find the record.",
    "Changes to a registered record need the approval of a second registrar.",
    "When the printer produces an empty page, check the PDF template of {module}.",
    "Backups run every night and are kept for thirty days.",
    "Version {version} changed how {module} validates national ID numbers.",
    "Field agents working offline keep their drafts on the device until the next sync.",
    "If error {code} persists, send the audit log extract to the support team.",
    "Assign the {role} role to the user before they sign in for the first time.",
    "The health facility list is imported from the master facility registry every week.",
  ],
  fr: [
    "Ouvrez {module} depuis le menu principal et choisissez {object}.",
    "Seul un agent disposant de l'autorisation peut le faire dans {product}.",
    "Si la page reste blanche, videz le cache du navigateur et reconnectez-vous.",
    "La tablette doit être connectée une fois par jour pour synchroniser les actes.",
    "L'erreur {code} signifie que l'acte a été modifié par quelqu'un d'autre ; rechargez-le.",
    "Vérifiez que la date de naissance n'est pas dans le futur.",
    "Le bureau de {place} imprime les certificats sur papier sécurisé.",
    "Un administrateur peut débloquer le compte après cinq échecs de connexion.",
    "Les exports sont envoyés par courriel au format CSV.",
    "Un enregistrement tardif demande une pièce justificative signée.",
    "Les doublons sont signalés quand le nom et la date de naissance correspondent.",
    "Le code à deux facteurs est envoyé par SMS ; vérifiez le numéro de téléphone.",
  ],
  es: [
    "Abra {module} desde el menú principal y elija {object}.",
    "Solo un usuario con el permiso adecuado puede hacerlo en {product}.",
    "Si la página queda en blanco, borre la caché del navegador e inicie sesión de nuevo.",
    "La tableta debe conectarse una vez al día para sincronizar los registros.",
    "El error {code} significa que otra persona modificó el registro; recárguelo.",
    "Compruebe que la fecha de nacimiento no esté en el futuro.",
    "La oficina de {place} imprime los certificados en papel de seguridad.",
    "Un administrador puede desbloquear la cuenta tras cinco intentos fallidos.",
    "Las exportaciones se envían por correo electrónico en formato CSV.",
    "Un registro tardío necesita un documento de respaldo firmado.",
    "Los duplicados se marcan cuando coinciden el nombre y la fecha de nacimiento.",
    "El código de dos factores se envía por SMS; revise el número de teléfono.",
  ],
  pt: [
    "Abra {module} no menu principal e escolha {object}.",
    "Só um utilizador com a permissão certa pode fazê-lo no {product}.",
    "Se a página ficar em branco, limpe a cache do navegador e entre de novo.",
    "O tablet deve estar ligado uma vez por dia para sincronizar os registos.",
    "O erro {code} significa que outra pessoa alterou o registo; recarregue-o.",
    "Verifique que a data de nascimento não está no futuro.",
    "O escritório de {place} imprime as certidões em papel de segurança.",
    "Um administrador pode desbloquear a conta após cinco tentativas falhadas.",
    "As exportações são enviadas por correio eletrónico em formato CSV.",
    "Um registo tardio precisa de um documento de suporte assinado.",
    "Os duplicados são assinalados quando o nome e a data de nascimento coincidem.",
    "O código de dois fatores é enviado por SMS; verifique o número de telefone.",
  ],
};

/** One generated article; `parent` is the index of its generic article, `site` a site code for a variant. */
export type GeneratedArticle = {
  title: string;
  language: Lang;
  body: string;
  product: string;
  parent: number | null;
  site: string | null;
};

function fill(r: Random, s: string, lang: Lang, topic: { object: Topic; product: string; module: string }) {
  return s
    .replace("{module}", topic.module)
    .replace("{object}", topic.object[lang])
    .replace("{product}", topic.product)
    .replace("{role}", pick(r, ROLES))
    .replace("{place}", pick(r, PLACES))
    .replace("{code}", `E${1000 + Math.floor(r() * 9000)}`)
    .replace("{version}", `${1 + Math.floor(r() * 4)}.${Math.floor(r() * 10)}`);
}

function body(
  r: Random,
  lang: Lang,
  title: string,
  topic: { object: Topic; product: string; module: string },
) {
  const parts = [`# ${title}`, ""];
  const intro = Array.from({ length: 1 + Math.floor(r() * 2) }, () =>
    fill(r, pick(r, SENTENCES[lang]), lang, topic),
  );
  parts.push(intro.join(" "), "");
  const headings = [...HEADINGS[lang]].sort(() => r() - 0.5).slice(0, 3 + Math.floor(r() * 3));
  for (const h of headings) {
    parts.push(`## ${h}`, "");
    const n = 2 + Math.floor(r() * 5);
    parts.push(Array.from({ length: n }, () => fill(r, pick(r, SENTENCES[lang]), lang, topic)).join(" "), "");
  }
  return parts.join("\n");
}

/**
 * The articles, deterministic from the seed: about 55 % generic English pages, 30 % translations
 * (French, Spanish, Portuguese) and 15 % site variants of a generic page, in that mix throughout.
 */
export function generateKbArticles(
  count: number,
  seed: number,
  sites: readonly string[],
): GeneratedArticle[] {
  const r = prng(seed * 7919 + 17);
  const out: GeneratedArticle[] = [];
  const generics: number[] = [];
  const topicOf = new Map<number, { object: Topic; product: string; module: string; action: Topic }>();
  while (out.length < count) {
    const roll = r();
    if (generics.length < 10 || roll < 0.55) {
      const topic = {
        action: pick(r, ACTIONS),
        object: pick(r, OBJECTS),
        product: pick(r, KB_PRODUCTS),
        module: pick(r, MODULES),
      };
      const title = `${topic.action.en} ${topic.object.en} in ${topic.product} ${topic.module}`;
      topicOf.set(out.length, topic);
      generics.push(out.length);
      out.push({
        title,
        language: "en",
        body: body(r, "en", title, topic),
        product: topic.product,
        parent: null,
        site: null,
      });
    } else {
      const parent = pick(r, generics);
      const topic = topicOf.get(parent) as NonNullable<ReturnType<typeof topicOf.get>>;
      const variant = roll >= 0.85;
      const language: Lang = variant
        ? r() < 0.6
          ? "en"
          : pick(r, ["fr", "es", "pt"] as const)
        : pick(r, ["fr", "es", "pt"] as const);
      const title = `${topic.action[language]} ${topic.object[language]} — ${topic.product}${variant ? "" : ` ${topic.module}`}`;
      const site = variant ? pick(r, sites) : null;
      out.push({
        title,
        language,
        body: body(r, language, title, topic),
        product: topic.product,
        parent,
        site,
      });
    }
  }
  return out;
}

/**
 * Inserts generated articles as published articles of one collection (bulk, 200 per statement, one
 * transaction per 1,000); variants and translations point at their generic article. No revisions:
 * search and the chatbot read only the articles. Returns the ids in generation order.
 */
export async function seedKb(
  database: DatabaseHandle,
  articles: readonly GeneratedArticle[],
  now: number,
): Promise<number[]> {
  const { db } = database;
  const siteIds = new Map(
    (await db.selectFrom("sites").select(["id", "code"]).execute()).map((s) => [s.code, s.id]),
  );
  const existing = await db
    .selectFrom("kb_collections")
    .select("id")
    .where("slug", "=", "bench-kb")
    .executeTakeFirst();
  const collection =
    existing ??
    (await db
      .insertInto("kb_collections")
      .values({
        slug: "bench-kb",
        name: "Bench knowledge base",
        description: null,
        position: 0,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow());
  const ids: number[] = [];
  for (let start = 0; start < articles.length; start += 1000) {
    const chunk = articles.slice(start, start + 1000);
    await db.transaction().execute(async (tx) => {
      for (let i = 0; i < chunk.length; i += 200) {
        const rows: Insertable<KbArticlesTable>[] = chunk.slice(i, i + 200).map((a, j) => {
          const rendered = renderMarkdown(a.body);
          return {
            collection_id: collection.id,
            parent_id: a.parent === null ? null : (ids[a.parent] as number),
            site_id: a.site ? (siteIds.get(a.site) ?? null) : null,
            language: a.language,
            slug: `bench-${start + i + j}`,
            title: a.title,
            body_md: a.body,
            body_html: rendered.html,
            sections: JSON.stringify(rendered.sections),
            audiences: JSON.stringify(["requester", "staff"]),
            product: a.product,
            versions: "[]",
            status: "published",
            position: start + i + j,
            revision: 1,
            based_on_revision: a.parent === null ? null : 1,
            out_of_date: 0,
            source_key: null,
            source_hash: null,
            created_by: null,
            updated_by: null,
            created_at: now,
            updated_at: now,
            published_at: now,
          };
        });
        const inserted = await tx.insertInto("kb_articles").values(rows).returning("id").execute();
        // both databases return the rows of a multi-row insert in the order given
        for (const x of inserted) ids.push(x.id);
      }
    });
  }
  return ids;
}

/** Writes `count` generated English pages as Markdown files with front matter (for `tierdesk kb import`). */
export function writeKbPages(folder: string, count: number, seed: number): void {
  mkdirSync(folder, { recursive: true });
  const pages = generateKbArticles(count * 2, seed + 1, ["ZMB"])
    .filter((a) => a.parent === null)
    .slice(0, count);
  pages.forEach((a, i) => {
    const dir = path.join(folder, MODULES[i % MODULES.length]?.replace(/ /g, "-") ?? "misc");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `page-${i}.md`), `---\nproduct: ${a.product}\n---\n${a.body}`);
  });
}
