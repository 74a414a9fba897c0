import { type FormEvent, type Ref, useImperativeHandle, useRef, useState } from "react";
import { api, unwrap } from "../api/client";
import { t } from "../i18n/i18n";
import { ErrorNote } from "../ui/ui";
import { useAsync, useDebounced } from "../ui/useAsync";
import { STATUSES, statusLabel } from "./labels";
import type { TicketData } from "./ticketData";

type Kind = "reply" | "note";
type Status = (typeof STATUSES)[number];

/** Writes a public reply or an internal note, with canned replies, knowledge-base links and files. */
export function ReplyBox({
  data,
  onEditing,
  onSent,
  ref,
}: {
  data: TicketData;
  onEditing: (editing: boolean) => void;
  onSent: () => void;
  ref: Ref<{ focus: (kind: Kind) => void }>;
}) {
  const tk = data.ticket;
  const mayReply = tk.actions.includes("reply");
  const mayNote = tk.actions.includes("note");
  const [kind, setKind] = useState<Kind>(mayReply ? "reply" : "note");
  const [body, setBody] = useState("");
  const [status, setStatus] = useState<"" | Status>("");
  const [files, setFiles] = useState<FileList | null>(null);
  const [kbQuery, setKbQuery] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const text = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  useImperativeHandle(ref, () => ({
    focus(k: Kind) {
      if ((k === "reply" && mayReply) || (k === "note" && mayNote)) setKind(k);
      text.current?.focus();
    },
  }));
  const canned = useAsync(
    () => unwrap(api.GET("/api/v1/canned-replies", { params: { query: { site: tk.site } } })),
    [tk.site],
  );
  const kbText = useDebounced(kbQuery.trim(), 300);
  const kb = useAsync(
    (signal) =>
      kbText.length < 2
        ? Promise.resolve(null)
        : unwrap(
            api.GET("/api/v1/kb/search", {
              params: { query: { q: kbText, site: tk.site, limit: 5 } },
              signal,
            }),
          ),
    [kbText, tk.site],
  );
  if (!mayReply && !mayNote) return null;

  const insert = (snippet: string) => {
    setBody((b) => (b ? `${b.replace(/\s*$/, "")}\n\n${snippet}` : snippet));
    onEditing(true);
    text.current?.focus();
  };

  async function send(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      let attachmentIds: number[] = [];
      if (files?.length) {
        const form = new FormData();
        for (const f of files) form.append("file", f);
        const uploaded = await unwrap(
          api.POST("/api/v1/tickets/{key}/attachments", {
            params: { path: { key: tk.key }, query: { visibility: kind === "note" ? "internal" : "public" } },
            body: form as never,
            bodySerializer: (b: unknown) => b as FormData,
          }),
        );
        attachmentIds = uploaded.items.map((a) => a.id);
      }
      await unwrap(
        api.POST("/api/v1/tickets/{key}/messages", {
          params: { path: { key: tk.key } },
          body: { kind, body, attachmentIds, ...(status ? { status } : {}) },
        }),
      );
      setBody("");
      setStatus("");
      setFiles(null);
      if (fileInput.current) fileInput.current.value = "";
      onEditing(false);
      onSent();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="reply-title" className={`card reply-box ${kind}`}>
      <h2 id="reply-title">{kind === "note" ? t("staff.reply.noteTitle") : t("staff.reply.title")}</h2>
      <form className="stack" onSubmit={(e) => void send(e)}>
        <fieldset className="row">
          <legend className="visually-hidden">{t("staff.reply.kind")}</legend>
          {mayReply && (
            <label className="check">
              <input type="radio" name="kind" checked={kind === "reply"} onChange={() => setKind("reply")} />
              {t("staff.reply.public")}
            </label>
          )}
          {mayNote && (
            <label className="check">
              <input type="radio" name="kind" checked={kind === "note"} onChange={() => setKind("note")} />
              {t("staff.reply.internal")}
            </label>
          )}
        </fieldset>
        <div className="field">
          <label htmlFor="reply-body">
            {kind === "note" ? t("staff.reply.noteLabel") : t("staff.reply.label")}
          </label>
          <textarea
            id="reply-body"
            ref={text}
            required
            value={body}
            onChange={(e) => setBody(e.currentTarget.value)}
            onFocus={() => onEditing(true)}
            onBlur={() => onEditing(body.trim().length > 0)}
          />
        </div>
        <div className="row">
          {canned.data && canned.data.items.length > 0 && (
            <>
              <label htmlFor="canned" className="visually-hidden">
                {t("staff.reply.canned")}
              </label>
              <select
                id="canned"
                className="inline"
                value=""
                onChange={(e) => {
                  const c = canned.data?.items.find((x) => String(x.id) === e.currentTarget.value);
                  if (c) insert(c.body);
                }}
              >
                <option value="">{t("staff.reply.canned")}</option>
                {canned.data.items.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.title}
                  </option>
                ))}
              </select>
            </>
          )}
          {tk.actions.includes("changeStatus") && (
            <>
              <label htmlFor="reply-status" className="visually-hidden">
                {t("staff.reply.statusAfter")}
              </label>
              <select
                id="reply-status"
                className="inline"
                value={status}
                onChange={(e) => setStatus(e.currentTarget.value as Status)}
              >
                <option value="">{t("staff.reply.keepStatus")}</option>
                {STATUSES.filter((s) => s !== "new" && s !== "deferred").map((s) => (
                  <option key={s} value={s}>
                    {t("staff.reply.thenStatus", { status: statusLabel(s) })}
                  </option>
                ))}
              </select>
            </>
          )}
        </div>
        <details>
          <summary>{t("staff.reply.kb")}</summary>
          <div className="field">
            <label htmlFor="kb-search">{t("staff.reply.kbSearch")}</label>
            <input
              id="kb-search"
              type="search"
              value={kbQuery}
              onChange={(e) => setKbQuery(e.currentTarget.value)}
            />
          </div>
          <ul className="list">
            {kb.data?.hits.map((h) => (
              <li key={`${h.articleId}-${h.section.anchor}`} className="row">
                <span>
                  {h.title} — {h.section.heading}
                </span>
                <button
                  type="button"
                  onClick={() => insert(`${h.title}: ${new URL(h.link, window.location.origin).href}`)}
                >
                  {t("staff.reply.insertLink")}
                </button>
              </li>
            ))}
          </ul>
          {kb.data && kb.data.hits.length === 0 && <p className="muted">{t("staff.reply.kbNone")}</p>}
        </details>
        {tk.actions.includes("attach") && (
          <div className="field">
            <label htmlFor="reply-files">{t("staff.reply.files")}</label>
            <input
              id="reply-files"
              ref={fileInput}
              type="file"
              multiple
              onChange={(e) => setFiles(e.currentTarget.files)}
            />
          </div>
        )}
        <ErrorNote error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {kind === "note" ? t("staff.reply.sendNote") : t("staff.reply.send")}
        </button>
      </form>
    </section>
  );
}
