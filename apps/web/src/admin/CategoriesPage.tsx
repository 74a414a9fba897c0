import { useState } from "react";
import { api, unwrap } from "../api/client";
import type { Ok } from "../api/types";
import { t } from "../i18n/i18n";
import { ErrorNote, Field, Loading, PageTitle } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { type Action, ActionResult, useAction } from "./forms";

type Category = Ok<"/api/v1/categories", "get">["items"][number];
type Priority = Ok<"/api/v1/priorities", "get">["items"][number];
const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

/** Ticket categories with the checklist to meet before escalating to L2 and L3, and the priorities. */
export function CategoriesPage() {
  const categories = useAsync(
    () => unwrap(api.GET("/api/v1/categories", { params: { query: { includeInactive: "true" } } })),
    [],
  );
  const priorities = useAsync(() => unwrap(api.GET("/api/v1/priorities")), []);
  return (
    <div className="stack">
      <PageTitle>{t("admin.categories.title")}</PageTitle>
      <p className="muted">{t("admin.categories.intro")}</p>
      <ErrorNote error={categories.error} />
      {!categories.data && !categories.error && <Loading />}
      {categories.data?.items.map((c) => (
        <CategoryForm key={c.key} category={c} onSaved={categories.reload} />
      ))}
      <CategoryForm onSaved={categories.reload} />
      <h2>{t("admin.priorities.title")}</h2>
      <ErrorNote error={priorities.error} />
      {priorities.data?.items.map((p) => (
        <PriorityForm key={p.key} priority={p} onSaved={priorities.reload} />
      ))}
      <PriorityForm onSaved={priorities.reload} />
    </div>
  );
}

function CategoryForm({ category, onSaved }: { category?: Category; onSaved: () => void }) {
  const [key, setKey] = useState(category?.key ?? "");
  const [name, setName] = useState(category?.name ?? "");
  const [l2, setL2] = useState(category?.criteria["2"].join("\n") ?? "");
  const [l3, setL3] = useState(category?.criteria["3"].join("\n") ?? "");
  const [active, setActive] = useState(category?.active ?? true);
  const action = useAction();
  const heading = category ? category.name : t("admin.categories.add");
  const idBase = `cat-${category?.key ?? "new"}`;
  const save = () =>
    unwrap(
      api.PUT("/api/v1/categories/{key}", {
        params: { path: { key: key.trim() } },
        body: { name: name.trim(), criteria: { "2": lines(l2), "3": lines(l3) }, active },
      }),
    ).then(() => {
      if (!category) {
        setKey("");
        setName("");
        setL2("");
        setL3("");
      }
      onSaved();
    });
  return (
    <form className="card stack" aria-labelledby={idBase} onSubmit={action.submit(save)}>
      <h3 id={idBase}>
        {heading}{" "}
        {category && !category.active && <span className="badge warn">{t("admin.categories.retired")}</span>}
      </h3>
      <KeyNameFields
        isNew={!category}
        keyValue={key}
        onKey={setKey}
        name={name}
        onName={setName}
        action={action}
      />
      <div className="two-col-even">
        <Field
          label={t("admin.categories.toL2")}
          hint={t("admin.categories.criteriaHint")}
          error={action.fieldError("criteria.2")}
        >
          {(p) => <textarea {...p} rows={4} value={l2} onChange={(e) => setL2(e.currentTarget.value)} />}
        </Field>
        <Field
          label={t("admin.categories.toL3")}
          hint={t("admin.categories.criteriaHint")}
          error={action.fieldError("criteria.3")}
        >
          {(p) => <textarea {...p} rows={4} value={l3} onChange={(e) => setL3(e.currentTarget.value)} />}
        </Field>
      </div>
      <div className="check">
        <input
          id={`${idBase}-active`}
          type="checkbox"
          checked={active}
          onChange={(e) => setActive(e.currentTarget.checked)}
        />
        <label htmlFor={`${idBase}-active`}>{t("admin.categories.active")}</label>
      </div>
      <div className="row">
        <button type="submit" className={category ? undefined : "primary"} disabled={action.busy}>
          {category ? t("admin.categories.save", { name: category.name }) : t("admin.categories.addButton")}
        </button>
      </div>
      <ActionResult action={action} />
    </form>
  );
}

function PriorityForm({ priority, onSaved }: { priority?: Priority; onSaved: () => void }) {
  const [key, setKey] = useState(priority?.key ?? "");
  const [name, setName] = useState(priority?.name ?? "");
  const [rank, setRank] = useState(String(priority?.rank ?? ""));
  const [expedited, setExpedited] = useState(priority?.expedited ?? false);
  const action = useAction();
  const idBase = `prio-${priority?.key ?? "new"}`;
  const save = () =>
    unwrap(
      api.PUT("/api/v1/priorities/{key}", {
        params: { path: { key: key.trim() } },
        body: { name: name.trim(), rank: Number(rank), expedited },
      }),
    ).then(() => {
      if (!priority) {
        setKey("");
        setName("");
        setRank("");
      }
      onSaved();
    });
  return (
    <form className="card stack" aria-labelledby={idBase} onSubmit={action.submit(save)}>
      <h3 id={idBase}>{priority ? priority.name : t("admin.priorities.add")}</h3>
      <div className="row">
        <KeyNameFields
          isNew={!priority}
          keyValue={key}
          onKey={setKey}
          name={name}
          onName={setName}
          action={action}
        />
        <Field
          label={t("admin.priorities.rank")}
          hint={t("admin.priorities.rankHint")}
          error={action.fieldError("rank")}
        >
          {(p) => (
            <input
              {...p}
              type="number"
              required
              min={0}
              max={1000}
              value={rank}
              onChange={(e) => setRank(e.currentTarget.value)}
            />
          )}
        </Field>
      </div>
      <div className="check">
        <input
          id={`${idBase}-exp`}
          type="checkbox"
          aria-describedby={`${idBase}-exp-hint`}
          checked={expedited}
          onChange={(e) => setExpedited(e.currentTarget.checked)}
        />
        <label htmlFor={`${idBase}-exp`}>{t("admin.priorities.expedited")}</label>
        <p className="hint" id={`${idBase}-exp-hint`}>
          {t("admin.priorities.expeditedHint")}
        </p>
      </div>
      <button type="submit" className={priority ? undefined : "primary"} disabled={action.busy}>
        {priority ? t("admin.categories.save", { name: priority.name }) : t("admin.priorities.addButton")}
      </button>
      <ActionResult action={action} />
    </form>
  );
}

/** The key (asked only when adding; it cannot change) and the name of a category or a priority. */
function KeyNameFields({
  isNew,
  keyValue,
  onKey,
  name,
  onName,
  action,
}: {
  isNew: boolean;
  keyValue: string;
  onKey: (key: string) => void;
  name: string;
  onName: (name: string) => void;
  action: Action;
}) {
  return (
    <>
      {isNew && (
        <Field
          label={t("admin.categories.key")}
          hint={t("admin.categories.keyHint")}
          error={action.fieldError("key")}
        >
          {(p) => (
            <input
              {...p}
              required
              maxLength={50}
              value={keyValue}
              onChange={(e) => onKey(e.currentTarget.value)}
            />
          )}
        </Field>
      )}
      <Field label={t("admin.categories.name")} error={action.fieldError("name")}>
        {(p) => (
          <input
            {...p}
            required
            maxLength={100}
            value={name}
            onChange={(e) => onName(e.currentTarget.value)}
          />
        )}
      </Field>
    </>
  );
}
