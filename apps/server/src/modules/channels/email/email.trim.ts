/**
 * Trimming a reply to what the requester wrote this time: the quoted earlier mail (Gmail, Apple Mail,
 * Thunderbird, Outlook; English, French, Spanish, Portuguese) and the signature go, the original mail
 * is kept elsewhere. Used for replies only: a new request keeps all of its text, since a forwarded
 * mail or a pasted conversation there is the request itself.
 */

// "On Mon, 2 Mar 2026 at 11:02, Ana <ana@x> wrote:" and its translations; clients wrap it over two lines.
// Written so that a run of spaces can be matched one way only ("\s*:?\s*" would try every split of it).
const ATTRIBUTION = [
  /^On\b.{0,300}\bwrote(?::\s*)?$/is,
  /^Le\b.{0,300}\ba [ée]crit\s*(?::\s*)?$/is,
  /^El\b.{0,300}\bescribi[óo]\s*(?::\s*)?$/is,
  /^Em\b.{0,300}\bescreveu\s*(?::\s*)?$/is,
  /^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}.{0,200}\b(wrote|a [ée]crit|escribi[óo]|escreveu)\s*(?::\s*)?$/is,
];
/** An attribution is one short line, or two when a client wraps it; longer lines are not tried. */
const MAX_ATTRIBUTION = 600;
const SEPARATORS = [
  /^-{2,}\s*(Original Message|Message d'origine|Mensaje original|Mensagem original|Message original)\s*-{2,}\s*$/i,
  /^_{10,}\s*$/,
  /^-{5,}\s*(Forwarded message|Message transf[ée]r[ée]|Mensaje reenviado|Mensagem encaminhada)/i,
];
// Outlook's header block of the quoted mail: "From:" then "Sent:"/"Date:" within a few lines.
const FROM_LINE = /^\*?(From|De|Von)\s*:/i;
const SENT_LINE = /^\*?(Sent|Date|Envoy[ée]|Enviado|Enviada|Gesendet|Data|Fecha)\s*(?:(el|em|le)\s*)?:/i;
const SIGNATURE = /^--\s*$/;
const MOBILE = /^(Sent from my|Envoy[ée] de mon|Enviado desde mi|Enviado do meu|Get Outlook for)\b/i;

/** Where the quoted earlier mail starts; one pass over the lines (each looked at a bounded number of times). */
function quoteStart(lines: string[]): number {
  const trimmed = lines.map((l) => l.trim());
  // quotedFrom[i]: every line from i to the end is blank or quoted
  const quotedFrom: boolean[] = new Array(trimmed.length + 1).fill(true);
  for (let i = trimmed.length - 1; i >= 0; i--) {
    const l = trimmed[i] as string;
    quotedFrom[i] = (!l || l.startsWith(">")) && (quotedFrom[i + 1] as boolean);
  }
  for (let i = 0; i < trimmed.length; i++) {
    const line = trimmed[i] as string;
    const pair = `${line} ${trimmed[i + 1] ?? ""}`;
    const tryLine = line.length <= MAX_ATTRIBUTION;
    const tryPair = line && pair.length <= MAX_ATTRIBUTION;
    if (ATTRIBUTION.some((re) => (tryLine && re.test(line)) || (tryPair && re.test(pair)))) return i;
    if (SEPARATORS.some((re) => re.test(line))) return i;
    if (FROM_LINE.test(line) && trimmed.slice(i + 1, i + 5).some((l) => SENT_LINE.test(l))) return i;
    // A block of quoted lines that runs to the end of the mail is the earlier message.
    if (line.startsWith(">") && quotedFrom[i]) return i;
  }
  return lines.length;
}

/** The new part of a reply; the whole text when trimming would leave nothing. */
export function trimReply(text: string): { body: string; trimmed: boolean } {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let end = quoteStart(lines);
  const signature = lines.slice(0, end).findIndex((l) => SIGNATURE.test(l) || MOBILE.test(l.trim()));
  if (signature >= 0) end = signature;
  const body = lines.slice(0, end).join("\n").trim();
  if (!body) return { body: text.trim(), trimmed: false };
  return { body, trimmed: body !== text.trim() };
}
