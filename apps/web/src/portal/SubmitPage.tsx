import { type FormEvent, useEffect, useRef, useState } from "react";
import { Link } from "wouter";
import { ApiError, api, idempotencyKey, unwrap } from "../api/client";
import type { Ok } from "../api/types";
import { useSession } from "../app/session";
import { t, useLang } from "../i18n/i18n";
import { ErrorNote, Field, Loading, PageTitle } from "../ui/ui";
import { useAsync, useDebounced } from "../ui/useAsync";
import { Snippet } from "./kb";
import { SitePicker } from "./SitePicker";
import { usePortalSite } from "./site";

type Draft = { subject: string; description: string; name: string; email: string; site: string };
type Receipt = Ok<"/api/v1/portal/requests", "post">;
const DRAFT_KEY = "tierdesk.requestDraft";
const EMPTY: Draft = { subject: "", description: "", name: "", email: "", site: "" };

// The draft survives opening a suggested article and coming back (or a lost connection).
function loadDraft(): Draft {
  try {
    const raw = sessionStorage.getItem(DRAFT_KEY);
    if (raw) return { ...EMPTY, ...(JSON.parse(raw) as Partial<Draft>) };
  } catch {
    // no storage: start empty
  }
  return EMPTY;
}
function saveDraft(d: Draft | null) {
  try {
    if (d) sessionStorage.setItem(DRAFT_KEY, JSON.stringify(d));
    else sessionStorage.removeItem(DRAFT_KEY);
  } catch {
    // no storage: the draft lives in the page only
  }
}

/**
 * "Submit a request", signed in or with a name and an e-mail address: articles that may answer it are
 * suggested while the requester types. A retried submission (slow network) is sent with the same
 * Idempotency-Key, so it never creates a second request.
 */
export function SubmitPage() {
  const session = useSession();
  const lang = useLang();
  const { site, sites, choose } = usePortalSite();
  const [draft, setDraft] = useState<Draft>(() => ({
    ...loadDraft(),
    site: loadDraft().site || (site ?? ""),
  }));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const attempt = useRef(idempotencyKey());
  const anonymous = session.status === "anonymous";
  const siteCode = anonymous ? draft.site.trim().toUpperCase() : site;

  useEffect(() => saveDraft(draft), [draft]);

  const typed = useDebounced(`${draft.subject}\n${draft.description}`.trim().slice(0, 300), 500);
  const suggestions = useAsync(async () => {
    if (typed.length < 4) return null;
    return unwrap(
      api.GET("/api/v1/portal/suggestions", {
        params: {
          query: {
            q: typed,
            lang,
            ...(siteCode && /^[A-Z0-9]{2,10}$/.test(siteCode) ? { site: siteCode } : {}),
          },
        },
      }),
    );
  }, [typed, lang, siteCode]);

  if (session.status === "loading") return <Loading />;
  if (receipt) return <Received receipt={receipt} anonymous={anonymous} />;

  const set = (field: keyof Draft) => (e: { currentTarget: { value: string } }) =>
    setDraft({ ...draft, [field]: e.currentTarget.value });

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const honeypot = String(new FormData(e.currentTarget).get("website") ?? "");
    setBusy(true);
    setError(null);
    try {
      const out = await unwrap(
        api.POST("/api/v1/portal/requests", {
          params: { header: { "idempotency-key": attempt.current } },
          body: {
            subject: draft.subject.trim(),
            description: draft.description.trim(),
            lang,
            ...(siteCode ? { site: siteCode } : {}),
            ...(anonymous ? { name: draft.name.trim(), email: draft.email.trim() } : {}),
            ...(honeypot ? { website: honeypot } : {}),
          },
        }),
      );
      saveDraft(null);
      setReceipt(out);
    } catch (err) {
      // a refused request may be corrected and sent again as a new one
      if (err instanceof ApiError && err.status >= 400 && err.status < 500)
        attempt.current = idempotencyKey();
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (f: string) => (error instanceof ApiError ? error.fieldMessage(f) : undefined);
  const items = suggestions.data?.items ?? [];

  return (
    <div className="stack">
      <PageTitle>{t("portal.submit.title")}</PageTitle>
      <p className="muted">{t("portal.submit.intro")}</p>
      <form onSubmit={submit} className="stack">
        {anonymous && (
          <>
            <p className="muted">
              {t("portal.submit.haveAccount")}{" "}
              <Link href="/signin?next=/requests/new">{t("common.signIn")}</Link>
            </p>
            <Field label={t("common.name")} error={fieldError("name")}>
              {(p) => (
                <input
                  {...p}
                  name="name"
                  autoComplete="name"
                  maxLength={200}
                  required
                  value={draft.name}
                  onChange={set("name")}
                />
              )}
            </Field>
            <Field label={t("common.email")} hint={t("portal.submit.emailHint")} error={fieldError("email")}>
              {(p) => (
                <input
                  {...p}
                  name="email"
                  type="email"
                  autoComplete="email"
                  maxLength={254}
                  required
                  value={draft.email}
                  onChange={set("email")}
                />
              )}
            </Field>
            <Field
              label={t("portal.submit.siteCode")}
              hint={t("portal.submit.siteCodeHint")}
              error={fieldError("site")}
            >
              {(p) => (
                <input
                  {...p}
                  name="site"
                  autoCapitalize="characters"
                  maxLength={10}
                  required
                  value={draft.site}
                  onChange={set("site")}
                />
              )}
            </Field>
          </>
        )}
        {!anonymous && sites.length > 1 && <SitePicker site={site} sites={sites} choose={choose} />}
        <Field
          label={t("portal.submit.subject")}
          hint={t("portal.submit.subjectHint")}
          error={fieldError("subject")}
        >
          {(p) => (
            <input
              {...p}
              name="subject"
              maxLength={300}
              required
              value={draft.subject}
              onChange={set("subject")}
            />
          )}
        </Field>
        <section aria-live="polite" aria-labelledby="suggested" hidden={items.length === 0}>
          <h2 id="suggested">{t("portal.submit.suggested")}</h2>
          <ul className="list">
            {items.map((h) => (
              <li key={h.articleId}>
                <Link href={h.link}>
                  {h.title}
                  {h.heading !== h.title && ` › ${h.heading}`}
                </Link>
                <Snippet html={h.snippet} />
              </li>
            ))}
          </ul>
        </section>
        <Field
          label={t("portal.submit.description")}
          hint={t("portal.submit.descriptionHint")}
          error={fieldError("description")}
        >
          {(p) => (
            <textarea
              {...p}
              name="description"
              rows={8}
              maxLength={20_000}
              required
              value={draft.description}
              onChange={set("description")}
            />
          )}
        </Field>
        {/* a field people never see nor reach; robots fill it in */}
        <div className="trap" aria-hidden="true">
          <input name="website" tabIndex={-1} autoComplete="off" aria-label="website" />
        </div>
        <ErrorNote error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t("common.sending") : t("portal.submit.send")}
        </button>
      </form>
    </div>
  );
}

function Received({ receipt, anonymous }: { receipt: Receipt; anonymous: boolean }) {
  // A repeated send (a retry after a lost answer) comes back without the link, which only the e-mail holds.
  const follow = !anonymous
    ? `/requests/${receipt.key}`
    : receipt.token
      ? `/portal/requests/${receipt.key}?token=${encodeURIComponent(receipt.token)}`
      : null;
  return (
    <div className="stack">
      <PageTitle>{t("portal.submit.thanksTitle")}</PageTitle>
      <p className="notice" role="status">
        {t(anonymous ? "portal.submit.thanksByEmail" : "portal.submit.thanks", { key: receipt.key })}
      </p>
      <p className="row">
        {follow && <Link href={follow}>{t("portal.submit.follow")}</Link>}
        <Link href="/">{t("portal.nav.help")}</Link>
      </p>
    </div>
  );
}
