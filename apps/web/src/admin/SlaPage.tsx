import { useEffect, useState } from "react";
import { api, unwrap } from "../api/client";
import type { Ok } from "../api/types";
import { t } from "../i18n/i18n";
import { ErrorNote, Field, Loading, PageTitle } from "../ui/ui";
import { useAsync } from "../ui/useAsync";
import { ActionResult, useAction } from "./forms";
import { SiteTabs } from "./SitePage";

type Policy = Ok<"/api/v1/sites/{code}/sla-policies", "get">["policies"][number];
type Minutes = "firstResponseMinutes" | "nextResponseMinutes" | "resolutionMinutes";
const TARGETS: Minutes[] = ["firstResponseMinutes", "nextResponseMinutes", "resolutionMinutes"];
const label = (m: Minutes) =>
  m === "firstResponseMinutes"
    ? t("admin.sla.firstResponse")
    : m === "nextResponseMinutes"
      ? t("admin.sla.nextResponse")
      : t("admin.sla.resolution");

/** A site's SLA policies: response and resolution targets by priority (and tier), in business minutes. */
export function SlaPage({ params }: { params: { code: string } }) {
  const { code } = params;
  const loaded = useAsync(
    () =>
      Promise.all([
        unwrap(api.GET("/api/v1/sites/{code}/sla-policies", { params: { path: { code } } })),
        unwrap(api.GET("/api/v1/priorities")),
      ]),
    [code],
  );
  const [rows, setRows] = useState<Policy[] | null>(null);
  const action = useAction();
  useEffect(() => setRows(loaded.data?.[0].policies ?? null), [loaded.data]);

  if (loaded.error) return <ErrorNote error={loaded.error} />;
  if (!rows || !loaded.data) return <Loading />;
  const priorities = loaded.data[1].items;
  const set = (i: number, change: Partial<Policy>) =>
    setRows(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const save = async () => {
    const out = await unwrap(
      api.PUT("/api/v1/sites/{code}/sla-policies", { params: { path: { code } }, body: { policies: rows } }),
    );
    setRows(out.policies);
  };

  return (
    <div className="stack">
      <PageTitle>{t("admin.sla.pageTitle", { code })}</PageTitle>
      <SiteTabs code={code} />
      <p className="muted">{t("admin.sla.intro")}</p>
      <form className="stack" onSubmit={action.submit(save)}>
        {rows.length === 0 && <p className="muted">{t("admin.sla.none")}</p>}
        {rows.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
          <fieldset className="card stack" key={i}>
            <legend>{t("admin.sla.policyLegend", { priority: r.priority, tier: tierName(r.tier) })}</legend>
            <div className="row">
              <Field label={t("admin.sla.priority")} error={action.fieldError(`policies.${i}.priority`)}>
                {(p) => (
                  <select
                    {...p}
                    value={r.priority}
                    onChange={(e) => set(i, { priority: e.currentTarget.value })}
                  >
                    {priorities.map((pr) => (
                      <option key={pr.key} value={pr.key}>
                        {pr.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t("admin.sla.tier")} error={action.fieldError(`policies.${i}.tier`)}>
                {(p) => (
                  <select
                    {...p}
                    value={r.tier}
                    onChange={(e) => set(i, { tier: Number(e.currentTarget.value) })}
                  >
                    {[0, 1, 2, 3].map((tier) => (
                      <option key={tier} value={tier}>
                        {tierName(tier)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
            <div className="row">
              {TARGETS.map((m) => (
                <Field
                  key={m}
                  label={label(m)}
                  hint={t("admin.sla.minutesHint")}
                  error={action.fieldError(`policies.${i}.${m}`)}
                >
                  {(p) => (
                    <input
                      {...p}
                      type="number"
                      inputMode="numeric"
                      min={1}
                      max={525600}
                      value={r[m] ?? ""}
                      onChange={(e) => {
                        const v = e.currentTarget.value;
                        set(i, { [m]: v === "" ? null : Number(v) });
                      }}
                    />
                  )}
                </Field>
              ))}
              <Field
                label={t("admin.sla.warnPercent")}
                error={action.fieldError(`policies.${i}.warnPercent`)}
              >
                {(p) => (
                  <input
                    {...p}
                    type="number"
                    min={1}
                    max={99}
                    required
                    value={r.warnPercent}
                    onChange={(e) => set(i, { warnPercent: Number(e.currentTarget.value) })}
                  />
                )}
              </Field>
            </div>
            <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
              {t("admin.sla.remove")}
            </button>
          </fieldset>
        ))}
        <div className="row">
          <button
            type="button"
            onClick={() =>
              setRows([
                ...rows,
                {
                  priority: priorities[0]?.key ?? "normal",
                  tier: 0,
                  firstResponseMinutes: null,
                  nextResponseMinutes: null,
                  resolutionMinutes: null,
                  warnPercent: 75,
                },
              ])
            }
          >
            {t("admin.sla.add")}
          </button>
          <button type="submit" className="primary" disabled={action.busy}>
            {t("admin.sla.save")}
          </button>
        </div>
        <ActionResult action={action} />
      </form>
    </div>
  );
}

const tierName = (tier: number) => (tier === 0 ? t("admin.sla.anyTier") : t("admin.sla.tierN", { tier }));
