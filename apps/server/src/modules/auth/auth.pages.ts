import type { App } from "../../app/http.js";

// The page behind a reset link. The token travels in the URL fragment, so it never reaches logs or
// Referer headers; the page posts it to the API. Kept tiny and script-light for slow connections.
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Set a new password · Tierdesk</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:2rem auto;padding:0 1rem}label,input,button{display:block;width:100%;margin:.4rem 0}input,button{padding:.6rem;font-size:1rem}#msg{margin-top:1rem}</style>
</head><body><h1>Set a new password</h1>
<form id="f"><label for="p1">New password (at least 8 characters)</label><input id="p1" type="password" minlength="8" required autocomplete="new-password">
<label for="p2">Repeat it</label><input id="p2" type="password" minlength="8" required autocomplete="new-password">
<button type="submit">Save password</button></form><p id="msg" role="status"></p>
<script>
const token = new URLSearchParams(location.hash.slice(1)).get("token");
const msg = document.getElementById("msg");
document.getElementById("f").addEventListener("submit", async (e) => {
  e.preventDefault();
  const p1 = document.getElementById("p1").value, p2 = document.getElementById("p2").value;
  if (p1 !== p2) { msg.textContent = "The two passwords differ."; return; }
  const r = await fetch("/api/v1/auth/password-reset", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token, password: p1 }) });
  msg.textContent = r.ok ? "Your password is set. You can sign in now." : ((await r.json()).title || "That did not work.");
});
</script></body></html>`;

/** Serves the page a password-reset link opens. */
export function passwordResetPage(app: App) {
  app.get("/reset-password", { schema: { hide: true } }, async (_req, reply) =>
    reply
      .type("text/html; charset=utf-8")
      .header(
        "content-security-policy",
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
      )
      .send(PAGE),
  );
}
