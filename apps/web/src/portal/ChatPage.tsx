import { type FormEvent, useEffect, useRef, useState } from "react";
import { Link } from "wouter";
import { api, unwrap } from "../api/client";
import type { Ok } from "../api/types";
import { useSession } from "../app/session";
import { t, useLang } from "../i18n/i18n";
import { ErrorNote, Field, Loading, PageTitle } from "../ui/ui";
import { SignInPrompt } from "./kb";
import { SitePicker } from "./SitePicker";
import { usePortalSite } from "./site";

type Exchange = Ok<"/api/v1/chatbot/conversations", "post">;
type Turn = Exchange["reply"];
type Conversation = Exchange["conversation"];
type Line = { who: "me"; text: string } | { who: "bot"; turn: Turn };

// The buttons send the words the chatbot understands in every language.
const SAY = { yes: "yes", no: "no", person: "agent" } as const;

/**
 * The chatbot: it quotes knowledge-base sections with links; "yes" closes the question at L0, "no" or
 * asking for a person opens a request with the conversation attached.
 */
export function ChatPage() {
  const session = useSession();
  const lang = useLang();
  const { site, sites, choose } = usePortalSite();
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const [lines, setLines] = useState<Line[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [draft, setDraft] = useState("");
  const input = useRef<HTMLTextAreaElement>(null);
  const last = useRef<HTMLLIElement>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll each time a line is added
  useEffect(() => {
    last.current?.scrollIntoView({ block: "nearest" });
  }, [lines.length]);

  if (session.status === "loading") return <Loading />;
  if (session.status === "anonymous") {
    return (
      <div className="stack">
        <PageTitle>{t("portal.chat.title")}</PageTitle>
        <SignInPrompt />
      </div>
    );
  }

  async function say(text: string, shown = text) {
    if (!site || !text.trim()) return;
    setBusy(true);
    setError(null);
    setLines((l) => [...l, { who: "me", text: shown }]);
    try {
      const out: Exchange = conversation
        ? await unwrap(
            api.POST("/api/v1/chatbot/conversations/{id}/messages", {
              params: { path: { id: conversation.id } },
              body: { text },
            }),
          )
        : await unwrap(
            api.POST("/api/v1/chatbot/conversations", { body: { site, language: lang, question: text } }),
          );
      setConversation(out.conversation);
      setLines((l) => [...l, { who: "bot", turn: out.reply }]);
      setDraft("");
    } catch (e) {
      setLines((l) => l.slice(0, -1));
      setError(e);
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void say(draft.trim());
  }

  const closed = conversation && conversation.status !== "open";
  const lastBot = [...lines].reverse().find((l) => l.who === "bot");
  const askHelped = !closed && lastBot?.who === "bot" && lastBot.turn.kind === "answer";
  const offerPerson = !closed && lastBot?.who === "bot" && lastBot.turn.kind === "unknown";

  return (
    <div className="stack">
      <PageTitle>{t("portal.chat.title")}</PageTitle>
      <p className="muted">{t("portal.chat.intro")}</p>
      {sites.length > 1 && !conversation && <SitePicker site={site} sites={sites} choose={choose} />}
      <ol className="chat" aria-live="polite" aria-label={t("portal.chat.conversation")}>
        {lines.map((line, i) => (
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: lines are only ever appended
            key={i}
            ref={i === lines.length - 1 ? last : undefined}
            className={line.who === "me" ? "me" : "bot"}
          >
            <span className="visually-hidden">
              {line.who === "me" ? t("portal.chat.you") : t("portal.chat.bot")}:{" "}
            </span>
            {line.who === "me" ? line.text : <BotTurn turn={line.turn} conversation={conversation} />}
          </li>
        ))}
        {busy && (
          <li className="bot">
            <Loading label={t("portal.chat.thinking")} />
          </li>
        )}
      </ol>
      <ErrorNote error={error} />
      {askHelped && (
        <fieldset className="row">
          <legend>{t("portal.chat.helped")}</legend>
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => void say(SAY.yes, t("portal.chat.yes"))}
          >
            {t("portal.chat.yes")}
          </button>
          <button type="button" disabled={busy} onClick={() => void say(SAY.no, t("portal.chat.no"))}>
            {t("portal.chat.no")}
          </button>
        </fieldset>
      )}
      {offerPerson && (
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => void say(SAY.person, t("portal.chat.person"))}
        >
          {t("portal.chat.person")}
        </button>
      )}
      {closed ? (
        <button
          type="button"
          onClick={() => {
            setConversation(null);
            setLines([]);
          }}
        >
          {t("portal.chat.again")}
        </button>
      ) : (
        <form onSubmit={submit} className="stack">
          <Field label={conversation ? t("portal.chat.followUp") : t("portal.chat.question")}>
            {(p) => (
              <textarea
                {...p}
                ref={input}
                rows={3}
                maxLength={2000}
                value={draft}
                onChange={(e) => setDraft(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === "Enter" && !e.shiftKey) submit(e);
                }}
                required
              />
            )}
          </Field>
          <button type="submit" className="primary" disabled={busy || !site || !draft.trim()}>
            {busy ? t("common.sending") : t("portal.chat.ask")}
          </button>
        </form>
      )}
    </div>
  );
}

function BotTurn({ turn, conversation }: { turn: Turn; conversation: Conversation | null }) {
  if (turn.kind === "answer") {
    return (
      <div className="stack">
        <p>{t("portal.chat.found")}</p>
        <ol className="passages">
          {turn.passages.map((p) => (
            <li key={`${p.articleId}#${p.section.anchor}`}>
              <blockquote>{p.excerpt}</blockquote>
              <Link href={p.link}>
                {p.title}
                {p.section.heading !== p.title && ` › ${p.section.heading}`}
              </Link>{" "}
              <span className="muted">
                {t("portal.chat.confidence", { percent: Math.round(p.confidence * 100) })}
              </span>
            </li>
          ))}
        </ol>
      </div>
    );
  }
  if (turn.kind === "unknown") return <p>{t("portal.chat.unknown")}</p>;
  if (turn.kind === "resolved") return <p>{t("portal.chat.resolved")}</p>;
  if (turn.kind === "escalated" && conversation?.ticketKey) {
    return (
      <p>
        {t("portal.chat.escalated", { key: conversation.ticketKey })}{" "}
        <Link href={`/requests/${conversation.ticketKey}`}>{t("portal.chat.openRequest")}</Link>
      </p>
    );
  }
  return <p>{turn.text}</p>;
}
