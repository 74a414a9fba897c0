import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { canRunBrowser, chromiumMissing, DEMO_PASSWORD, DESKTOP, useServerAndBrowser } from "./support.js";

/** Records every Content-Security-Policy violation the page reports, from its first script on. */
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  await page.exposeFunction("__cspViolation", (v: string) => seen.push(v));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as unknown as { __cspViolation: (v: string) => void }).__cspViolation(
        `${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`,
      ),
    );
  });
  return seen;
}

// Every payload sets window.__xss; a trap on that name reports where it ran.
const IMG = "<img src=x onerror=window.__xss=1>";
const SVG = '"><svg onload=window.__xss=1>';
const PAYLOAD = `${IMG} <script>window.__xss=1</script> ${SVG} javascript:window.__xss=1 [x](javascript:window.__xss=1)`;
/** A field's payload, led by a marker word that shows the field was rendered (for fields of 200 characters or more). */
const evil = (marker: string) => `${marker} ${PAYLOAD}`;
/** The same for fields of at most 100 characters. */
const evilShort = (marker: string) => `${marker} ${IMG} ${SVG}`;
/** Markdown that tries every way into an article's HTML. */
const EVIL_MARKDOWN = [
  "XSSarticlebody starts here.",
  "",
  IMG,
  "",
  "<script>window.__xss=1</script>",
  "",
  SVG,
  "",
  "[a markdown link](javascript:window.__xss=1) and [an encoded one](&#106;avascript:window.__xss=1)",
  "",
  '<a href="javascript:window.__xss=1">a raw link</a> <a href=" JaVaScRiPt:window.__xss=1">a spaced one</a>',
  "",
  '<iframe src="javascript:window.__xss=1"></iframe><object data="javascript:window.__xss=1"></object>',
  "",
  '![an image](x" onerror="window.__xss=1) <details open ontoggle=window.__xss=1>x</details>',
  "",
  '<form action="javascript:window.__xss=1"><button formaction="javascript:window.__xss=1">go</button></form>',
].join("\n");

/**
 * What in the page could run a planted script: inline event handlers, script URLs in link or source
 * attributes, frames and plugins, scripts other than the app's own bundle. Runs in the page.
 */
function scriptableParts(): string[] {
  const found: string[] = [];
  const URL_ATTRS = new Set([
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "srcdoc",
    "poster",
  ]);
  for (const el of Array.from(document.querySelectorAll("*"))) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers skip control characters in URLs
      const value = attr.value.replace(/[\u0000-\u0020]/g, "").toLowerCase();
      if (name.startsWith("on")) found.push(`<${el.tagName.toLowerCase()} ${name}>`);
      if (URL_ATTRS.has(name) && /^(javascript|vbscript|data:text\/html)/.test(value))
        found.push(`<${el.tagName.toLowerCase()} ${name}="${attr.value}">`);
    }
    if (["IFRAME", "FRAME", "OBJECT", "EMBED"].includes(el.tagName))
      found.push(`<${el.tagName.toLowerCase()}>`);
    if (el.tagName === "SCRIPT" && !(el as HTMLScriptElement).src.startsWith(`${location.origin}/assets/`))
      found.push(`<script> ${(el.textContent ?? "").slice(0, 60)}`);
  }
  return found;
}

type Session = {
  context: BrowserContext;
  page: Page;
  /** Calls the API as this person (JSON in and out), failing on any error status. */
  call: (method: string, path: string, data?: unknown) => Promise<Record<string, unknown>>;
  /** Uploads one text file to a ticket and returns its id. */
  upload: (key: string, filename: string, visibility?: "public" | "internal") => Promise<number>;
};

describe.skipIf(!canRunBrowser())("security in the browser", () => {
  const rig = useServerAndBrowser();
  /** Where a planted script ran, and which dialogs opened: both stay empty. */
  const ran: string[] = [];
  const dialogs: string[] = [];

  /**
   * A browser context signed in as a demo account (or anonymous). The page's CSP is bypassed on purpose:
   * the test proves the app never turns data into markup, whatever the policy would block behind it.
   */
  async function session(email?: string): Promise<Session> {
    const base = rig.server.url;
    const context = await rig.browser.newContext({ viewport: DESKTOP, bypassCSP: true });
    await context.exposeFunction("__xssRan", (where: string) => ran.push(where));
    await context.addInitScript(() => {
      Object.defineProperty(window, "__xss", {
        get: () => undefined,
        set: () => (window as unknown as { __xssRan: (w: string) => void }).__xssRan(location.href),
      });
    });
    let csrf = "";
    if (email) {
      const res = await context.request.post(`${base}/api/v1/auth/login`, {
        data: { email, password: DEMO_PASSWORD },
      });
      expect(res.status(), email).toBe(200);
      csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
    }
    const headers = csrf ? { "x-csrf-token": csrf } : undefined;
    const page = await context.newPage();
    page.on("dialog", async (d) => {
      dialogs.push(`${d.type()}: ${d.message()} at ${page.url()}`);
      await d.dismiss();
    });
    return {
      context,
      page,
      async call(method, path, data) {
        const res = await context.request.fetch(`${base}/api/v1${path}`, { method, data, headers });
        if (res.status() >= 300) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
        return res.status() === 204 ? {} : ((await res.json()) as Record<string, unknown>);
      },
      async upload(key, filename, visibility = "public") {
        const res = await context.request.post(
          `${base}/api/v1/tickets/${key}/attachments?visibility=${visibility}`,
          {
            headers,
            multipart: { file: { name: filename, mimeType: "text/plain", buffer: Buffer.from("a log\n") } },
          },
        );
        if (res.status() !== 201) throw new Error(`upload ${filename}: ${res.status()} ${await res.text()}`);
        return ((await res.json()) as { items: Array<{ id: number }> }).items[0]?.id as number;
      },
    };
  }

  /**
   * Opens a page, waits until every marker is on screen (so the planted fields really were rendered) and
   * every image has loaded or failed (so an onerror would have fired), then looks for anything scriptable.
   */
  async function visit(s: Session, path: string, markers: string[]) {
    await s.page.goto(`${rig.server.url}${path}`);
    // attached, not visible: some texts sit in closed <select>s or <details>
    for (const m of markers) await s.page.getByText(m).first().waitFor({ state: "attached" });
    await s.page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
    expect(await s.page.evaluate(scriptableParts), path).toEqual([]);
    expect(ran, path).toEqual([]);
  }

  it("the API documentation works under its content security policy, with nothing blocked", async () => {
    // The real policy applies here (no bypass), so a blocked script or style would show.
    const context = await rig.browser.newContext({ viewport: DESKTOP });
    const signedIn = await context.request.post(`${rig.server.url}/api/v1/auth/login`, {
      data: { email: "agent@demo.test", password: DEMO_PASSWORD },
    });
    expect(signedIn.status()).toBe(200);
    const page = await context.newPage();
    const violations = await watchViolations(page);
    const res = await page.goto(`${rig.server.url}/api/docs/`);
    expect(res?.headers()["content-security-policy"]).toContain("script-src 'self'");
    // a large document on a busy machine: Playwright's own waits (30 s), not expect.poll's one second
    await page.locator(".swagger-ui .info .title", { hasText: "Tierdesk API" }).waitFor();
    expect(await page.locator(".opblock").count()).toBeGreaterThan(20);
    // an operation tried out with the session: its parameters, example answers and the live answer
    const categories = page.locator(".opblock-get", {
      has: page.locator('[data-path="/api/v1/categories"]'),
    });
    await categories.locator(".opblock-summary").click();
    await categories.locator(".try-out__btn").click();
    await categories.locator(".execute").click();
    await categories.locator(".live-responses-table .response-col_status", { hasText: "200" }).waitFor();
    expect(violations).toEqual([]);
    await context.close();
  });

  it("the checks notice a script planted in a page: its handler in the markup and its run", async () => {
    const s = await session();
    await s.page.goto(`${rig.server.url}/`);
    await s.page.evaluate((html) => document.body.insertAdjacentHTML("beforeend", html), IMG);
    await s.page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
    expect(await s.page.evaluate(scriptableParts)).toEqual(["<img onerror>"]);
    await expect.poll(() => ran.length).toBe(1);
    ran.length = 0;
    await s.context.close();
  });

  it("no planted script runs on any page that shows people's text: workspace, ticket, portal, knowledge base, administration", async () => {
    const [admin, agent, requester, visitor] = await Promise.all([
      session("hubadmin@demo.test"),
      session("agent@demo.test"),
      session("requester-zmb@demo.test"),
      session(),
    ]);
    const db = rig.server.ctx.database.db;
    const userId = async (email: string) =>
      (await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;

    // names and reference data (hub admin)
    await admin.call("PATCH", "/sites/ZMB", { name: evil("XSSsitename") });
    await admin.call("PATCH", `/users/${await userId("agent@demo.test")}`, { name: evil("XSSagentname") });
    await admin.call("PATCH", `/users/${await userId("requester-zmb@demo.test")}`, {
      name: evil("XSSrequestername"),
    });
    await admin.call("PUT", "/categories/other", {
      name: evilShort("XSScategory"),
      criteria: { "2": [evil("XSScriterion")] },
    });
    await admin.call("POST", "/canned-replies", {
      site: "ZMB",
      title: evil("XSScannedtitle"),
      body: evil("XSScannedbody"),
    });
    await admin.call("POST", "/auth/tokens", { name: evilShort("XSStoken"), scopes: ["tickets:read"] });
    const collection = await admin.call("POST", "/kb/collections", {
      slug: "xss",
      name: evil("XSScollection"),
    });
    const article = await admin.call("POST", "/kb/articles", {
      collectionId: collection.id,
      title: evil("XSSarticletitle"),
      body: EVIL_MARKDOWN,
      status: "published",
      audiences: ["end_user"],
    });
    const now = Date.now();
    await db
      .insertInto("jobs")
      .values({
        name: "e2e.xss",
        payload: JSON.stringify({ note: evil("XSSjobpayload") }),
        singleton_key: null,
        state: "dead",
        run_at: now,
        attempts: 1,
        max_attempts: 1,
        locked_until: null,
        locked_by: null,
        last_error: evil("XSSjoberror"),
        created_at: now,
        updated_at: now,
      })
      .execute();

    // a request and its thread: the requester's words, a staff reply and note, files named to break out
    const ticket = await requester.call("POST", "/tickets", {
      site: "ZMB",
      subject: evil("XSSsubject"),
      description: evil("XSSdescription"),
    });
    const key = ticket.key as string;
    const mine = await requester.upload(key, `XSSrequesterfile ${IMG}.txt`);
    await requester.call("POST", `/tickets/${key}/messages`, {
      body: evil("XSSrequesterreply"),
      attachmentIds: [mine],
    });
    const files = [
      await agent.upload(key, `XSSstafffile ${IMG}.txt`),
      await agent.upload(key, "XSSquotefile' onmouseover='window.__xss=1' x='.txt"),
    ];
    await agent.call("POST", `/tickets/${key}/messages`, {
      body: evil("XSSstaffreply"),
      attachmentIds: files,
    });
    await agent.call("POST", `/tickets/${key}/messages`, { kind: "note", body: evil("XSSnote") });
    await agent.call("POST", `/tickets/${key}/escalations`, { direction: "up", reason: evil("XSSreason") });
    const view = await agent.call("POST", "/views", {
      name: evilShort("XSSview"),
      filters: { q: "XSSsubject" },
    });
    // and one from the web form, followed through its private link
    const receipt = await visitor.call("POST", "/portal/requests", {
      site: "ZMB",
      subject: evil("XSSwebsubject"),
      description: evil("XSSwebdescription"),
      name: evil("XSSwebname"),
      email: "xss.visitor@example.org",
    });
    const link = new URL(receipt.link as string);

    const pages: Array<[Session, string, string[]]> = [
      // the staff workspace
      [agent, `/staff?queue=view-${view.id}`, ["XSSview", "XSSsubject"]],
      [
        agent,
        `/staff/tickets/${key}`,
        ["XSSsubject", "XSSdescription", "XSSrequesterreply", "XSSstaffreply"],
      ],
      [agent, "/staff/kb", ["XSSarticletitle"]],
      [agent, `/staff/kb/articles/${article.id}`, ["XSSarticlebody"]],
      [agent, `/staff/kb/articles/${article.id}/history`, ["XSSarticletitle"]],
      // the requester portal, signed in and not
      [requester, "/", ["XSScollection", "XSSarticletitle"]],
      [requester, "/requests", ["XSSsubject"]],
      [requester, `/requests/${key}`, ["XSSsubject", "XSSstaffreply", "XSSstafffile", "XSSquotefile"]],
      [requester, `/kb/articles/${article.id}`, ["XSSarticletitle", "XSSarticlebody"]],
      [requester, "/kb/search?q=XSSarticlebody", ["XSSarticletitle"]],
      [visitor, `${link.pathname}${link.search}`, ["XSSwebsubject", "XSSwebdescription"]],
      [visitor, `/kb/articles/${article.id}`, ["XSSarticlebody"]],
      // administration
      [admin, "/admin/sites", ["XSSsitename"]],
      [admin, "/admin/sites/ZMB", ["Site ZMB"]],
      [admin, "/admin/users", ["XSSagentname", "XSSrequestername"]],
      [admin, `/admin/users/${await userId("agent@demo.test")}`, ["XSSagentname"]],
      [admin, "/admin/categories", ["XSScategory"]],
      [admin, "/admin/canned", ["XSScannedtitle"]],
      [admin, "/admin/tokens", ["XSStoken"]],
      [admin, "/admin/jobs", ["XSSjoberror"]],
      // Community topics (issue 14) and notices (issue 15) add their pages here, with their texts planted above.
    ];
    for (const [who, path, markers] of pages) await visit(who, path, markers);

    // the ticket page once more, with a canned reply put into the reply box and the internal side shown
    await visit(agent, `/staff/tickets/${key}`, ["XSSnote", "XSSstafffile", "XSSreason", "XSScategory"]);
    const canned = agent.page.locator("#canned");
    const option = await canned.locator("option", { hasText: "XSScannedtitle" }).getAttribute("value");
    await canned.selectOption(option ?? "");
    await expect.poll(() => agent.page.locator("textarea").first().inputValue()).toContain("XSScannedbody");
    expect(await agent.page.evaluate(scriptableParts)).toEqual([]);

    expect(ran).toEqual([]);
    expect(dialogs).toEqual([]);
    await Promise.all([admin, agent, requester, visitor].map((s) => s.context.close()));
  });
});

if (!canRunBrowser()) console.warn(chromiumMissing);
