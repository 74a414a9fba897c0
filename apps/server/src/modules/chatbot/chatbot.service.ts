import type { Insertable } from "kysely";
import type { Db } from "../../db/database.js";
import type { ChatbotConversationsTable } from "../../db/schema.js";
import { type Actor, hasRole, SCOPES, WORKING_ROLES } from "../../shared/actor.js";
import type { Clock } from "../../shared/clock.js";
import { toIso, toIsoOrNull } from "../../shared/clock.js";
import { conflict, forbidden, invalid, notFound } from "../../shared/errors.js";
import type { ContactInput } from "../contacts/contacts.service.js";
import type { KbFeedback } from "../kb/kb.feedback.js";
import type { SearchHit } from "../kb/kb.schemas.js";
import { termsOf } from "../kb/kb.search.js";
import type { KbService } from "../kb/kb.service.js";
import type { SitesService } from "../sites/sites.service.js";
import type { TicketsService } from "../tickets/tickets.service.js";
import { canAsk, conversationPolicy } from "./chatbot.policy.js";
import { type ConversationRow, createChatbotRepository, type TurnRow } from "./chatbot.repository.js";
import type {
  ChatFeedbackInput,
  ConversationCreate,
  ConversationDetail,
  ConversationStatus,
  ConversationView,
  Exchange,
  Passage,
  TurnKind,
  TurnView,
} from "./chatbot.schemas.js";

/** Below this confidence the chatbot says it does not know rather than guess. */
export const CONFIDENCE_THRESHOLD = 0.5;
/** At most this many passages are quoted in one answer. */
const MAX_PASSAGES = 3;
/** Passages scored below this share of the best hit's score are not quoted beside it. */
const RELATIVE_FLOOR = 0.2;
/** A question with this few key words, after an earlier one, is read in the earlier one's context. */
const FOLLOW_UP_WORDS = 3;

const fold = (s: string) =>
  s
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[’']/g, "'")
    .replace(/[^\p{L}\p{N}' ]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();

// Replies that close the conversation, in English, French, Spanish and Portuguese (compared folded).
const YES = new Set([
  "yes",
  "y",
  "yep",
  "yeah",
  "yes thanks",
  "yes thank you",
  "yes it helped",
  "it helped",
  "that helped",
  "it did",
  "helpful",
  "solved",
  "oui",
  "oui merci",
  "ca m'a aide",
  "cela m'a aide",
  "si",
  "si gracias",
  "me ayudo",
  "sim",
  "sim obrigado",
  "sim obrigada",
  "ajudou",
]);
const NO = new Set([
  "no",
  "n",
  "nope",
  "not really",
  "no thanks",
  "it did not help",
  "it didn't help",
  "didn't help",
  "did not help",
  "agent",
  "an agent",
  "human",
  "a human",
  "person",
  "a person",
  "non",
  "non merci",
  "ca ne m'a pas aide",
  "un agent",
  "une personne",
  "un humain",
  "no me ayudo",
  "agente",
  "un agente",
  "una persona",
  "nao",
  "nao ajudou",
  "atendente",
  "uma pessoa",
]);
// Asking for a person, wherever it is said in the message.
const WANTS_PERSON = [
  /\b(talk|speak|chat) (to|with) (a|an|some|the)? ?(person|human|agent|someone|somebody|people|staff)\b/,
  /\b(real|human) (person|agent|being)\b/,
  /\bparler (a|avec) (un|une|quelqu'un|le|la)\b/,
  /\bhablar con (un|una|alguien|el|la)\b/,
  /\bfalar com (um|uma|alguem|o|a)\b/,
];

/** What a message from the asker means: an answer to "did this help?", or a question. */
export function intentOf(message: string): "yes" | "no" | "question" {
  const f = fold(message);
  if (YES.has(f)) return "yes";
  if (NO.has(f) || WANTS_PERSON.some((r) => r.test(f))) return "no";
  return "question";
}

// Words that carry no topic in a chat question, beyond each language's stop words.
const FILLER = new Set(
  "a an the is are was be of to in on at by with it its this that there how what when where why which who can could would should do does did i me my we our you your please help need want know tell about also and or for then else if ok okay thanks hello hi le la les un une des de du et ou pour puis aussi comment quoi el los las una del y o como que para tambien o os um uma do da e ou tambem".split(
    " ",
  ),
);

/** The words of a question that say what it is about, in order, without repeats. */
export function keyWords(text: string, language: string): string[] {
  const out: string[] = [];
  for (const w of text.match(/[\p{L}\p{N}]+/gu) ?? []) {
    const lower = w.toLowerCase();
    if (FILLER.has(fold(lower))) continue;
    if (!termsOf(lower, language) || !termsOf(lower, "en")) continue;
    if (!out.includes(lower)) out.push(lower);
  }
  return out;
}

/** Edit distance of at most one (a typo), for words long enough to have one. */
function nearly(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.min(a.length, b.length) < 4 || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** How many of the question's key words a passage contains (by stem, or as written with one typo). */
export function coverage(words: readonly string[], passage: string, language: string): number {
  if (words.length === 0) return 0;
  const seen: Array<{ stem: string; word: string }> = [];
  for (const w of passage.match(/[\p{L}\p{N}]+/gu) ?? []) {
    for (const lang of new Set([language, "en"])) {
      const t = termsOf(w, lang);
      if (t) seen.push(t);
    }
  }
  let found = 0;
  for (const w of words) {
    const q = [...new Set([language, "en"])].flatMap((lang) => termsOf(w, lang) ?? []);
    if (
      q.some((t) =>
        seen.some(
          (s) =>
            s.stem === t.stem || nearly(s.word, t.word) || (t.word.length >= 4 && s.word.startsWith(t.word)),
        ),
      )
    )
      found++;
  }
  return found / words.length;
}

/** A search score as 0..1: half-way at SCORE_HALF, rising towards 1. */
const SCORE_HALF = 10;
const saturate = (score: number) => score / (score + SCORE_HALF);

const unescapeHtml = (s: string) =>
  s
    .replace(/<\/?mark>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

/**
 * The passages the chatbot quotes for search hits: each scored by the search score discounted by the
 * share of the question's key words it lacks (a passage with none of them stays below the threshold
 * however high it scored), those far below the best hit or under the threshold left out; with the
 * best confidence seen. The confidence decides what is quoted, the search's order in which order:
 * ordering by confidence put the page search ranked first below others for one question in three
 * (`npm run eval:kb`, tuning set: recall@1 0.507 -> 0.606, recall@3 0.746 -> 0.761).
 */
export function rankPassages(
  hits: readonly SearchHit[],
  words: readonly string[],
  language: string,
): { passages: Passage[]; confidence: number } {
  const scored = hits.map((h) => {
    const excerpt = unescapeHtml(h.snippet);
    const cover = coverage(words, `${h.title} ${h.section.heading} ${excerpt}`, language);
    const confidence = Math.round((0.5 + cover / 2) * saturate(h.score) * 1000) / 1000;
    return {
      articleId: h.articleId,
      title: h.title,
      section: h.section,
      link: h.link,
      excerpt,
      confidence,
    } satisfies Passage;
  });
  // a passage scored far below the best one is noise beside it, however many words it shares
  const best = Math.max(0, ...hits.map((h) => h.score));
  const passages = scored
    .filter((p, i) => p.confidence >= CONFIDENCE_THRESHOLD && (hits[i]?.score ?? 0) >= best * RELATIVE_FLOOR)
    .slice(0, MAX_PASSAGES);
  return { passages, confidence: Math.max(0, ...scored.map((p) => p.confidence)) };
}

type Phrases = {
  found: string;
  unknown: string;
  ask: string;
  resolved: string;
  escalated: (key: string) => string;
};
const PHRASES: Record<string, Phrases> = {
  en: {
    found: "Here is what the knowledge base says:",
    unknown:
      'I don\'t know: nothing in the knowledge base answers this well enough, and I would rather not guess. Would you like to talk to a person? Reply "agent" and I will open a ticket for you.',
    ask: 'Did this help? Reply "yes" or "no" (or "talk to a person").',
    resolved: "Glad it helped. I have noted that this answered your question.",
    escalated: (key) =>
      `I have opened ticket ${key} with our conversation attached; a person from the support team will answer you there.`,
  },
  fr: {
    found: "Voici ce que dit la base de connaissances :",
    unknown:
      "Je ne sais pas : rien dans la base de connaissances ne répond assez bien, et je préfère ne pas deviner. Voulez-vous parler à une personne ? Répondez « agent » et j'ouvrirai un ticket pour vous.",
    ask: "Est-ce que cela vous a aidé ? Répondez « oui » ou « non » (ou « parler à une personne »).",
    resolved: "Tant mieux. J'ai noté que cela a répondu à votre question.",
    escalated: (key) =>
      `J'ai ouvert le ticket ${key} avec notre conversation ; une personne de l'équipe de support vous y répondra.`,
  },
  es: {
    found: "Esto es lo que dice la base de conocimientos:",
    unknown:
      "No lo sé: nada en la base de conocimientos responde lo bastante bien, y prefiero no adivinar. ¿Quiere hablar con una persona? Responda «agente» y abriré un ticket para usted.",
    ask: "¿Le ha ayudado? Responda «sí» o «no» (o «hablar con una persona»).",
    resolved: "Me alegro. He anotado que esto respondió a su pregunta.",
    escalated: (key) =>
      `He abierto el ticket ${key} con nuestra conversación; una persona del equipo de soporte le responderá allí.`,
  },
  pt: {
    found: "Eis o que diz a base de conhecimento:",
    unknown:
      "Não sei: nada na base de conhecimento responde bem o suficiente, e prefiro não adivinhar. Quer falar com uma pessoa? Responda «atendente» e abrirei um ticket para si.",
    ask: "Isto ajudou? Responda «sim» ou «não» (ou «falar com uma pessoa»).",
    resolved: "Ainda bem. Registei que isto respondeu à sua pergunta.",
    escalated: (key) =>
      `Abri o ticket ${key} com a nossa conversa; uma pessoa da equipa de suporte responder-lhe-á lá.`,
  },
};
const phrasesFor = (language: string): Phrases =>
  PHRASES[language.split("-")[0] ?? "en"] ?? (PHRASES.en as Phrases);

/**
 * The chatbot: answers from the knowledge base's sections (quoted, linked, with a confidence), says
 * when it does not know, reads short follow-ups in the context of the previous question, and on
 * "no" hands the conversation to a person as an L1 ticket. Needs no external service.
 */
export function createChatbotService({
  db,
  clock,
  kb,
  kbFeedback,
  tickets,
  sites,
}: {
  db: Db;
  clock: Clock;
  kb: KbService;
  kbFeedback: KbFeedback;
  tickets: TicketsService;
  sites: SitesService;
}) {
  const repo = createChatbotRepository(db);

  const turnView = (t: TurnRow): TurnView => ({
    id: t.id,
    role: t.role as TurnView["role"],
    kind: t.kind as TurnKind,
    text: t.text,
    query: t.query,
    confidence: t.confidence === null ? null : t.confidence / 1000,
    passages: t.passages ? (JSON.parse(t.passages) as Passage[]) : [],
    createdAt: toIso(t.created_at),
  });

  async function conversationView(c: ConversationRow): Promise<ConversationView> {
    return {
      id: c.id,
      site: (await sites.codes([c.site_id])).get(c.site_id) ?? "",
      language: c.language,
      status: c.status as ConversationStatus,
      resolvedAtLevel: c.status === "resolved" ? 0 : null,
      ticketKey: c.ticket_key,
      createdAt: toIso(c.created_at),
      resolvedAt: toIsoOrNull(c.resolved_at),
    };
  }

  /** The conversation if the actor may see it; 404 otherwise, so that others' conversations stay hidden. */
  async function visible(actor: Actor, id: number): Promise<ConversationRow> {
    const c = await repo.conversation(id);
    if (!c || !conversationPolicy.read(actor, { siteId: c.site_id, userId: c.user_id }))
      throw notFound("chatbot.conversation_not_found", "No such conversation");
    return c;
  }

  /** Searches the knowledge base as the asker and turns the hits into quoted, scored passages. */
  async function answer(
    actor: Actor,
    c: Pick<ConversationRow, "language">,
    siteCode: string,
    query: string,
    words: string[],
  ) {
    const result = await kb.searchFor(
      actor,
      { q: query.slice(0, 300), site: siteCode, lang: c.language, limit: 10 },
      "chatbot",
    );
    const { passages, confidence } = rankPassages(result.hits, words, c.language);
    return { passages, confidence, searchId: result.searchId };
  }

  function answerText(language: string, passages: Passage[], linkBase = ""): string {
    const p = phrasesFor(language);
    if (passages.length === 0) return p.unknown;
    const quoted = passages.map(
      (x, i) =>
        `${i + 1}. "${x.excerpt}"\n   — ${x.title}${x.section.heading && x.section.heading !== x.title ? ` › ${x.section.heading}` : ""} (${linkBase}${x.link}, confidence ${Math.round(x.confidence * 100)}%)`,
    );
    return [p.found, "", ...quoted, "", p.ask].join("\n");
  }

  /**
   * A question (or follow-up): the user's turn, then the bot's answer, both stored; a conversation not
   * yet stored (the first question) is stored with them.
   */
  async function ask(
    actor: Actor,
    c: ConversationRow | NewConversation,
    siteCode: string,
    message: string,
    earlier: TurnRow[],
    linkBase = "",
  ) {
    const now = clock.now();
    const own = keyWords(message, c.language);
    const topic = [...earlier].reverse().find((t) => t.role === "user" && t.kind === "question");
    const context = topic && own.length <= FOLLOW_UP_WORDS ? keyWords(topic.text, c.language) : [];
    const words = [...new Set([...context, ...own])];
    // a question is searched as written, as the search box would (its small words let the synonym
    // rules read phrases such as "look up"); a follow-up by the key words of both questions
    const query = context.length > 0 ? words.join(" ") : message;
    const kind: TurnKind = context.length > 0 ? "follow_up" : "question";
    const found = await answer(actor, c, siteCode, query, words);
    // the conversation, the question and its answer in one commit (one wait for the disk)
    return db.transaction().execute(async (tx) => {
      const conversation = "id" in c ? c : await repo.insertConversation(c, tx);
      await repo.insertTurn(
        {
          conversation_id: conversation.id,
          role: "user",
          kind,
          text: message,
          query,
          confidence: null,
          passages: null,
          search_id: null,
          created_at: now,
        },
        tx,
      );
      const reply = await repo.insertTurn(
        {
          conversation_id: conversation.id,
          role: "bot",
          kind: found.passages.length ? "answer" : "unknown",
          text: answerText(c.language, found.passages, linkBase),
          query,
          confidence: Math.round(found.confidence * 1000),
          passages: JSON.stringify(found.passages),
          search_id: found.searchId,
          created_at: now,
        },
        tx,
      );
      if ("id" in c) await repo.updateConversation(c.id, { updated_at: now }, tx);
      return { conversation, reply };
    });
  }

  /** The whole conversation as text, for the ticket that hands it to a person. */
  function transcript(turns: TurnRow[], asker: string): string {
    const lines = turns.map((t) => `${t.role === "user" ? asker : "Tierdesk assistant"}: ${t.text}`);
    return `Conversation with the Tierdesk assistant (chatbot), handed over to a person.\n\n${lines.join("\n\n")}`.slice(
      0,
      50_000,
    );
  }

  /** Opens the ticket that hands a conversation to a person; answers its key. */
  type Opener = (subject: string, turns: TurnRow[]) => Promise<string>;

  /** The web asker's ticket, in their name (staff asking for themselves are its requester). */
  const openAsMember =
    (actor: Actor, c: ConversationRow, siteCode: string): Opener =>
    async (subject, turns) => {
      const staff = hasRole(actor, c.site_id, WORKING_ROLES);
      const { ticket } = await tickets.create(
        actor,
        {
          site: siteCode,
          subject,
          description: transcript(turns, actor.name || "Requester"),
          category: "other",
          priority: "normal",
          tags: ["chatbot"],
          ...(staff ? { requester: { email: actor.email, name: actor.name } } : {}),
        },
        `chatbot-conversation-${c.id}`,
      );
      return ticket.key;
    };

  /** A channel asker's ticket, opened by intake on the channel they wrote from. */
  const openForChannel =
    (asker: ChannelAsker, c: ConversationRow): Opener =>
    async (subject, turns) => {
      const { ticket } = await tickets.openForContact({
        siteId: c.site_id,
        requester: asker.requester,
        channel: asker.channel,
        subject,
        description: transcript(turns, asker.name || "Requester"),
        requestKey: `chatbot-conversation-${c.id}`,
        tags: ["chatbot", asker.channel],
      });
      return ticket.key;
    };

  /** Hands the conversation to a person: records the asker's message (unless already a turn), opens the ticket, says so. */
  async function escalate(c: ConversationRow, message: string, open: Opener, recordMessage = true) {
    const now = clock.now();
    if (recordMessage)
      await repo.insertTurn({
        conversation_id: c.id,
        role: "user",
        kind: intentOf(message),
        text: message,
        query: null,
        confidence: null,
        passages: null,
        search_id: null,
        created_at: now,
      });
    const turns = await repo.turns(c.id);
    const firstQuestion = turns.find((t) => t.role === "user")?.text ?? message;
    const key = await open(`Chatbot: ${firstQuestion}`.slice(0, 300), turns);
    if (!(await repo.closeIfOpen(c.id, { status: "escalated", ticket_key: key, updated_at: now })))
      throw conflict("chatbot.conversation_closed", "This conversation has already ended");
    return repo.insertTurn({
      conversation_id: c.id,
      role: "bot",
      kind: "escalated",
      text: phrasesFor(c.language).escalated(key),
      query: null,
      confidence: null,
      passages: null,
      search_id: null,
      created_at: now,
    });
  }

  /**
   * The asker confirmed an answer helped: its search counts as answered (for the unanswered-questions
   * report), and the question's words are evidence for the article quoted first.
   */
  async function confirmed(actor: Actor, c: ConversationRow, answerTurn: TurnRow | undefined) {
    const first = answerTurn?.passages ? (JSON.parse(answerTurn.passages) as Passage[])[0] : undefined;
    if (!answerTurn || !first) return;
    const turns = await repo.turns(c.id);
    const question = [...turns]
      .reverse()
      .find(
        (t) => t.role === "user" && t.id < answerTurn.id && (t.kind === "question" || t.kind === "follow_up"),
      );
    if (answerTurn.search_id !== null)
      await kb.click(actor, answerTurn.search_id, {
        articleId: first.articleId,
        anchor: first.section.anchor,
      });
    await kb.learning.record({
      articleId: first.articleId,
      text: `${question?.text ?? ""} ${answerTurn.query ?? ""}`,
      language: c.language,
      witness: `user:${c.user_id ?? 0}`,
      source: "chatbot",
      staff: false,
      siteId: c.site_id,
    });
  }

  async function resolve(actor: Actor, c: ConversationRow, message: string, answerTurn: TurnRow | undefined) {
    const now = clock.now();
    if (!(await repo.closeIfOpen(c.id, { status: "resolved", resolved_at: now, updated_at: now })))
      throw conflict("chatbot.conversation_closed", "This conversation has already ended");
    await confirmed(actor, c, answerTurn);
    await repo.insertTurn({
      conversation_id: c.id,
      role: "user",
      kind: "yes",
      text: message,
      query: null,
      confidence: null,
      passages: null,
      search_id: null,
      created_at: now,
    });
    return repo.insertTurn({
      conversation_id: c.id,
      role: "bot",
      kind: "resolved",
      text: phrasesFor(c.language).resolved,
      query: null,
      confidence: null,
      passages: null,
      search_id: null,
      created_at: now,
    });
  }

  async function exchange(c: ConversationRow, reply: TurnRow): Promise<Exchange> {
    return {
      conversation: await conversationView((await repo.conversation(c.id)) as ConversationRow),
      reply: turnView(reply),
    };
  }

  return {
    /** Starts a conversation with a first question and answers it. */
    async start(actor: Actor, input: ConversationCreate): Promise<Exchange> {
      const { found } = await sites.resolveCodes([input.site]);
      const site = found[0];
      if (!site)
        throw invalid("site.not_found", `No site ${input.site}`, [
          { field: "site", message: "unknown site" },
        ]);
      if (!canAsk(actor, site.id) || !actor.userId)
        throw forbidden(
          "chatbot.site_forbidden",
          `You may ask the chatbot about ${site.code} only as one of its members`,
        );
      const now = clock.now();
      const { conversation, reply } = await ask(
        actor,
        {
          site_id: site.id,
          user_id: actor.userId,
          language: input.language ?? "en",
          status: "open",
          ticket_key: null,
          created_at: now,
          updated_at: now,
          resolved_at: null,
        },
        site.code,
        input.question,
        [],
      );
      return exchange(conversation, reply);
    },

    /** A reply from the asker: "yes" closes it at L0, "no" or asking for a person opens a ticket, else a question. */
    async message(actor: Actor, id: number, text: string): Promise<Exchange> {
      const c = await visible(actor, id);
      if (!conversationPolicy.reply(actor, { siteId: c.site_id, userId: c.user_id }))
        throw forbidden("chatbot.not_yours", "Only the person who asked carries on the conversation");
      if (c.status !== "open")
        throw conflict(
          "chatbot.conversation_closed",
          c.ticket_key
            ? `This conversation was handed over as ticket ${c.ticket_key}`
            : "This conversation has ended",
        );
      const siteCode = (await sites.codes([c.site_id])).get(c.site_id) ?? "";
      const intent = intentOf(text);
      const earlier = await repo.turns(c.id);
      const last = [...earlier].reverse().find((t) => t.role === "bot");
      let reply: TurnRow;
      // after "I don't know… would you like to talk to a person?", yes means a person
      if (intent === "no" || (intent === "yes" && last?.kind === "unknown"))
        reply = await escalate(c, text, openAsMember(actor, c, siteCode));
      else if (intent === "yes") {
        reply = await resolve(actor, c, text, last?.kind === "answer" ? last : undefined);
      } else reply = (await ask(actor, c, siteCode, text, earlier)).reply;
      return exchange(c, reply);
    },

    /**
     * A message from someone writing through a channel (WhatsApp), who is not signed in: continues their
     * open conversation or starts one. "Yes" closes it at L0; "no", asking for a person, an answer the
     * bot does not know, or `handOver` (a file the bot cannot read) opens an L1 ticket on that channel.
     */
    async channelMessage(
      asker: ChannelAsker,
      conversationId: number | null,
      text: string,
      options: { handOver?: boolean } = {},
    ): Promise<Exchange> {
      const siteCode = (await sites.codes([asker.siteId])).get(asker.siteId) ?? "";
      const actor = channelActor(asker);
      const existing = conversationId ? await repo.conversation(conversationId) : undefined;
      const now = clock.now();
      const c =
        existing?.status === "open" && existing.site_id === asker.siteId
          ? existing
          : await repo.insertConversation({
              site_id: asker.siteId,
              user_id: null,
              language: asker.language,
              status: "open",
              ticket_key: null,
              created_at: now,
              updated_at: now,
              resolved_at: null,
            });
      const open = openForChannel(asker, c);
      const earlier = c === existing ? await repo.turns(c.id) : [];
      const intent = earlier.length ? intentOf(text) : "question";
      const last = [...earlier].reverse().find((t) => t.role === "bot");
      let reply: TurnRow;
      if (options.handOver || intent === "no" || (intent === "yes" && last?.kind === "unknown"))
        reply = await escalate(c, text, open);
      else if (intent === "yes") {
        reply = await resolve(actor, c, text, last?.kind === "answer" ? last : undefined);
      } else {
        reply = (await ask(actor, c, siteCode, text, earlier, asker.linkBase)).reply;
        // over a channel the bot does not ask "shall I find a person?": it hands over at once
        if (reply.kind === "unknown") reply = await escalate(c, text, open, false);
      }
      return exchange(c, reply);
    },

    /** The conversation with every turn. */
    async get(actor: Actor, id: number): Promise<ConversationDetail> {
      const c = await visible(actor, id);
      return { ...(await conversationView(c)), turns: (await repo.turns(c.id)).map(turnView) };
    },

    /** "Was this answer helpful?", stored with the knowledge base's feedback. */
    async feedback(actor: Actor, id: number, input: ChatFeedbackInput) {
      const c = await visible(actor, id);
      if (!conversationPolicy.reply(actor, { siteId: c.site_id, userId: c.user_id }))
        throw forbidden("chatbot.not_yours", "Only the person who asked gives feedback on the answers");
      const answers = (await repo.turns(c.id)).filter((t) => t.role === "bot");
      const target =
        input.turnId !== undefined ? answers.find((t) => t.id === input.turnId) : answers[answers.length - 1];
      if (!target)
        throw invalid("chatbot.turn_not_found", "No such answer in this conversation", [
          { field: "turnId", message: "unknown answer" },
        ]);
      const first = target.passages ? (JSON.parse(target.passages) as Passage[])[0] : undefined;
      if (input.helpful && target.kind === "answer") await confirmed(actor, c, target);
      return kbFeedback.onChatbotAnswer(
        actor,
        { conversationId: c.id, turnId: target.id, siteId: c.site_id, articleId: first?.articleId ?? null },
        { helpful: input.helpful, ...(input.comment !== undefined ? { comment: input.comment } : {}) },
      );
    },
  };
}
export type ChatbotService = ReturnType<typeof createChatbotService>;

/** A conversation about to be stored with its first question. */
type NewConversation = Omit<Insertable<ChatbotConversationsTable>, "id">;

/** Someone who writes to the chatbot through a channel (WhatsApp) rather than signed in. */
export type ChannelAsker = {
  siteId: number;
  language: string;
  /** the name the channel gives them (a WhatsApp profile name), for the transcript */
  name: string;
  /** who they are, for the contact of the ticket a handover opens */
  requester: ContactInput;
  /** the ticket channel a handover opens the ticket on */
  channel: string;
  /** answers are read outside the web app, so their links are made absolute with this base */
  linkBase: string;
};

/** Searches the knowledge base as a requester of the asker's site would (published material only). */
const channelActor = (asker: ChannelAsker): Actor => ({
  userId: 0,
  email: "",
  name: asker.name,
  hubAdmin: false,
  roles: new Map([[asker.siteId, new Set(["requester" as const])]]),
  vendorTeamIds: [],
  scopes: new Set(SCOPES.filter((s) => s.endsWith(":read"))),
  via: "system",
});
