/**
 * Linear-time helpers for text from outside (article HTML, mail bodies). Regular expressions such as
 * `<script[\s\S]*?<\/script>` or `[ \t]+\n` scan to the end of the text from every place they could
 * start, so a body full of openers that never close, or one long run of spaces, costs the square of
 * its length; these read each character a bounded number of times.
 */

/**
 * Replaces each element of the given names, with everything inside it (`<script ...>...</script>`),
 * by `replacement`, ignoring case; one that is never closed runs to the end of the text, as a browser
 * reads it.
 */
export function dropElements(html: string, names: readonly string[], replacement = ""): string {
  const open = new RegExp(`<(${names.join("|")})(?=[\\s/>]|$)`, "gi");
  let out = "";
  let at = 0;
  for (let m = open.exec(html); m; m = open.exec(html)) {
    out += html.slice(at, m.index) + replacement;
    const close = new RegExp(`</${m[1]}\\s*>`, "gi");
    close.lastIndex = open.lastIndex;
    const end = close.exec(html);
    if (!end) return out;
    at = close.lastIndex;
    open.lastIndex = at;
  }
  return out + html.slice(at);
}

/** The text without spaces and tabs at the end of its lines. */
export const trimLineEnds = (text: string): string =>
  // a run is matched whole once, then kept or dropped by what follows it
  text.replace(/[ \t]+/g, (run, at: number, all: string) =>
    at + run.length === all.length || all[at + run.length] === "\n" ? "" : run,
  );
