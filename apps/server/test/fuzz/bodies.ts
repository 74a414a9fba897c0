import { DEEP } from "./hostile.js";

/** A whole request body with its content type (undefined: no Content-Type header), labelled. */
export type Payload = { label: string; contentType?: string; payload: string | Buffer };

/** Bodies and content types that must be refused before any handler runs, around a valid JSON text. */
export function bodyLevelCases(validJson: string): Payload[] {
  const json = "application/json";
  const cases: Payload[] = [
    { label: "empty", contentType: json, payload: "" },
    { label: "whitespace only", contentType: json, payload: " \r\n\t " },
    { label: "no content type", payload: validJson },
    {
      label: "truncated JSON",
      contentType: json,
      payload: validJson.slice(0, Math.max(1, validJson.length - 2)),
    },
    { label: "unterminated string", contentType: json, payload: '{"a":"' },
    { label: "single quotes", contentType: json, payload: "{'a':1}" },
    { label: "trailing comma", contentType: json, payload: '{"a":1,}' },
    { label: "comment", contentType: json, payload: '{"a":1 /* c */}' },
    { label: "two documents", contentType: json, payload: `${validJson}${validJson}` },
    { label: "NaN literal", contentType: json, payload: '{"a":NaN}' },
    {
      label: "invalid UTF-8",
      contentType: json,
      payload: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    },
    {
      label: "encoded lone surrogate bytes",
      contentType: json,
      payload: Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]),
    },
    { label: "byte order mark", contentType: json, payload: `\ufeff${validJson}` },
    { label: "escaped NUL key", contentType: json, payload: '{"\\u0000":1}' },
    { label: "escaped lone surrogate", contentType: json, payload: '{"a":"\\ud800"}' },
    { label: "JSON array", contentType: json, payload: "[]" },
    { label: "JSON string", contentType: json, payload: '"x"' },
    { label: "JSON number", contentType: json, payload: "0" },
    { label: "JSON null", contentType: json, payload: "null" },
    { label: "JSON true", contentType: json, payload: "true" },
    { label: "deep-array body", contentType: json, payload: `${"[".repeat(DEEP)}${"]".repeat(DEEP)}` },
    { label: "deep-object body", contentType: json, payload: `${'{"a":'.repeat(DEEP)}1${"}".repeat(DEEP)}` },
    { label: "proto key", contentType: json, payload: '{"__proto__":{"hubAdmin":true}}' },
    {
      label: "constructor prototype",
      contentType: json,
      payload: '{"constructor":{"prototype":{"hubAdmin":true}}}',
    },
    {
      label: "duplicate keys",
      contentType: json,
      payload: validJson.replace(/^\{/, '{"site":"ZMB","site":"BGD",'),
    },
    { label: "over body limit", contentType: json, payload: `{"x":"${"a".repeat(1_500_000)}"}` },
    { label: "text/plain", contentType: "text/plain", payload: validJson },
    {
      label: "form-urlencoded",
      contentType: "application/x-www-form-urlencoded",
      payload: "a=1&__proto__[x]=1",
    },
    {
      label: "xml",
      contentType: "application/xml",
      payload: '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
    },
    { label: "multipart without boundary", contentType: "multipart/form-data", payload: validJson },
    {
      label: "utf-16 charset",
      contentType: "application/json; charset=utf-16le",
      payload: Buffer.from(validJson, "utf16le"),
    },
    { label: "latin1 charset", contentType: "application/json; charset=iso-8859-1", payload: validJson },
    { label: "upper-case type", contentType: "APPLICATION/JSON", payload: validJson },
    { label: "vendor json", contentType: "application/vnd.api+json", payload: validJson },
    { label: "problem json", contentType: "application/problem+json", payload: validJson },
    { label: "json lookalike", contentType: "application/jsonx", payload: validJson },
    { label: "calendar type", contentType: "text/calendar", payload: validJson },
    { label: "wildcard type", contentType: "*/*", payload: validJson },
    { label: "empty type", contentType: "", payload: validJson },
    { label: "garbage type", contentType: "\u00ff;;;=", payload: validJson },
  ];
  return cases;
}

const CRLF = "\r\n";
type Part = { headers: string; content: Buffer | string };

const filePart = (filename: string, type: string, content: Buffer | string, name = "file"): Part => ({
  headers: `Content-Disposition: form-data; name="${name}"; filename="${filename}"${CRLF}Content-Type: ${type}`,
  content,
});

function multipart(boundary: string, parts: Part[], close = true): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}${CRLF}${p.headers}${CRLF}${CRLF}`, "latin1"));
    chunks.push(typeof p.content === "string" ? Buffer.from(p.content) : p.content);
    chunks.push(Buffer.from(CRLF));
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--${CRLF}`));
  return Buffer.concat(chunks);
}

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da6364f8ffbf1e0005fe02fea7d6a4520000000049454e44ae426082",
  "hex",
);

let multipartMemo: Payload[] | undefined;

/** Uploads, valid (labelled "valid …") and hostile: truncated, mis-bounded, over the limits, odd file names. */
export function multipartCases(): Payload[] {
  if (multipartMemo) return multipartMemo;
  const b = "----fuzzboundary7MA4YWxkTrZu0gW";
  const type = `multipart/form-data; boundary=${b}`;
  const text = filePart("notes.txt", "text/plain", "The printer at the district office does not respond.");
  const full = multipart(b, [text, filePart("screen.png", "image/png", PNG)]);
  const latin1Name = (bytes: number[]) =>
    Buffer.concat([
      Buffer.from(`--${b}${CRLF}Content-Disposition: form-data; name="file"; filename="a`),
      Buffer.from(bytes),
      Buffer.from(`.txt"${CRLF}Content-Type: text/plain${CRLF}${CRLF}x${CRLF}--${b}--${CRLF}`),
    ]);
  multipartMemo = [
    { label: "valid text file", contentType: type, payload: multipart(b, [text]) },
    { label: "valid two files", contentType: type, payload: full },
    {
      label: "valid empty file",
      contentType: type,
      payload: multipart(b, [filePart("empty.txt", "text/plain", "")]),
    },
    {
      label: "valid script-bearing svg",
      contentType: type,
      payload: multipart(b, [
        filePart(
          "x.svg",
          "image/svg+xml",
          '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        ),
      ]),
    },
    {
      label: "valid html",
      contentType: type,
      payload: multipart(b, [filePart("x.html", "text/html", "<script>alert(1)</script>")]),
    },
    {
      label: "valid exe named png",
      contentType: type,
      payload: multipart(b, [filePart("x.png", "image/png", Buffer.from("MZ\x90\x00\x03\x00\x00\x00"))]),
    },
    {
      label: "truncated in content",
      contentType: type,
      payload: full.subarray(0, Math.floor(full.length * 0.6)),
    },
    { label: "truncated in headers", contentType: type, payload: full.subarray(0, b.length + 30) },
    { label: "truncated before closing boundary", contentType: type, payload: multipart(b, [text], false) },
    { label: "no boundary", contentType: "multipart/form-data", payload: full },
    { label: "wrong boundary", contentType: "multipart/form-data; boundary=other", payload: full },
    { label: "empty body", contentType: type, payload: "" },
    { label: "only closing boundary", contentType: type, payload: `--${b}--${CRLF}` },
    {
      label: "field, not a file",
      contentType: type,
      payload: multipart(b, [{ headers: 'Content-Disposition: form-data; name="file"', content: "x" }]),
    },
    {
      label: "no content disposition",
      contentType: type,
      payload: multipart(b, [{ headers: "Content-Type: text/plain", content: "x" }]),
    },
    {
      label: "other field name",
      contentType: type,
      payload: multipart(b, [filePart("a.txt", "text/plain", "x", "other")]),
    },
    {
      label: "eleven files",
      contentType: type,
      payload: multipart(
        b,
        Array.from({ length: 11 }, (_, i) => filePart(`f${i}.txt`, "text/plain", "x")),
      ),
    },
    {
      label: "six fields",
      contentType: type,
      payload: multipart(
        b,
        Array.from({ length: 6 }, (_, i) => ({
          headers: `Content-Disposition: form-data; name="f${i}"`,
          content: "x",
        })),
      ),
    },
    {
      label: "oversized field",
      contentType: type,
      payload: multipart(b, [
        { headers: 'Content-Disposition: form-data; name="note"', content: "x".repeat(4096) },
        text,
      ]),
    },
    {
      label: "path traversal name",
      contentType: type,
      payload: multipart(b, [filePart("../../../etc/passwd", "text/plain", "x")]),
    },
    {
      label: "long name",
      contentType: type,
      payload: multipart(b, [filePart(`${"n".repeat(1000)}.txt`, "text/plain", "x")]),
    },
    { label: "empty name", contentType: type, payload: multipart(b, [filePart("", "text/plain", "x")]) },
    { label: "NUL in name", contentType: type, payload: latin1Name([0x00]) },
    { label: "lone surrogate bytes in name", contentType: type, payload: latin1Name([0xed, 0xa0, 0x80]) },
    { label: "invalid UTF-8 in name", contentType: type, payload: latin1Name([0xff, 0xfe]) },
    {
      label: "bidi override name",
      contentType: type,
      payload: multipart(b, [filePart("\u202etxt.exe", "text/plain", "x")]),
    },
    {
      label: "garbage part type",
      contentType: type,
      payload: multipart(b, [filePart("a.txt", "\u0000/;;", "x")]),
    },
    {
      label: "2 MB file",
      contentType: type,
      payload: multipart(b, [
        filePart("big.bin", "application/octet-stream", Buffer.alloc(2 * 1024 * 1024, 7)),
      ]),
    },
    {
      label: "random bytes",
      contentType: type,
      payload: Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 131 + 7) % 256)),
    },
    { label: "JSON instead", contentType: "application/json", payload: '{"file":"x"}' },
    {
      label: "nested multipart",
      contentType: type,
      payload: multipart(b, [
        {
          headers:
            'Content-Disposition: form-data; name="file"; filename="n"\r\nContent-Type: multipart/mixed; boundary=inner',
          content: "--inner\r\n\r\nx\r\n--inner--",
        },
      ]),
    },
  ];
  return multipartMemo;
}

const ical = (events: string[], close = true) =>
  [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//fuzz//EN",
    ...events,
    ...(close ? ["END:VCALENDAR"] : []),
  ].join(CRLF);
const event = (lines: string[]) =>
  ["BEGIN:VEVENT", "UID:fuzz@example.org", ...lines, "END:VEVENT"].join(CRLF);
const allDay = (date: string, summary: string, extra: string[] = []) =>
  event([`DTSTART;VALUE=DATE:${date}`, `SUMMARY:${summary}`, ...extra]);

let calendarMemo: Payload[] | undefined;

/** iCalendar files, valid (labelled "valid …") and hostile: repeat rules, bad dates, nesting, sizes. */
export function calendarCases(): Payload[] {
  if (calendarMemo) return calendarMemo;
  const cal = "text/calendar";
  const rrule = (rule: string) => ({
    label: `rrule ${rule}`,
    contentType: cal,
    payload: ical([allDay("20260101", "Repeating", [`RRULE:${rule}`])]),
  });
  calendarMemo = [
    { label: "valid one holiday", contentType: cal, payload: ical([allDay("20261225", "Christmas Day")]) },
    {
      label: "valid three holidays",
      contentType: cal,
      payload: ical([
        allDay("20260101", "New Year"),
        allDay("20260501", "Labour Day"),
        allDay("20261224", "Eve"),
      ]),
    },
    rrule("FREQ=SECONDLY"),
    rrule("FREQ=MINUTELY;COUNT=100000"),
    rrule("FREQ=HOURLY"),
    rrule("FREQ=DAILY"),
    rrule("FREQ=DAILY;UNTIL=99991231"),
    rrule("FREQ=YEARLY;INTERVAL=0"),
    rrule("FREQ=WEEKLY;INTERVAL=-1;BYDAY=XX"),
    rrule("FREQ=NEVER"),
    {
      label: "many daily rules",
      contentType: cal,
      payload: ical(
        Array.from({ length: 50 }, (_, i) =>
          allDay(`202601${String((i % 28) + 1).padStart(2, "0")}`, `H${i}`, ["RRULE:FREQ=DAILY"]),
        ),
      ),
    },
    { label: "impossible date", contentType: cal, payload: ical([allDay("20261345", "Never")]) },
    { label: "year zero", contentType: cal, payload: ical([allDay("00000101", "Zero")]) },
    {
      label: "unknown time zone",
      contentType: cal,
      payload: ical([event(["DTSTART;TZID=Mars/Olympus:20260101T000000", "SUMMARY:x"])]),
    },
    { label: "no start", contentType: cal, payload: ical([event(["SUMMARY:x"])]) },
    { label: "unterminated", contentType: cal, payload: ical([allDay("20260101", "x")], false) },
    {
      label: "deeply nested",
      contentType: cal,
      payload: ical([`${"BEGIN:VEVENT\r\n".repeat(5000)}${"END:VEVENT\r\n".repeat(5000)}`]),
    },
    {
      label: "5000 events",
      contentType: cal,
      payload: ical(
        Array.from({ length: 5000 }, (_, i) =>
          allDay(`2026${String((i % 12) + 1).padStart(2, "0")}01`, `E${i}`),
        ),
      ),
    },
    { label: "1 MB summary", contentType: cal, payload: ical([allDay("20260101", "s".repeat(1_000_000))]) },
    { label: "NUL in summary", contentType: cal, payload: ical([allDay("20260101", "a\u0000b")]) },
    {
      label: "invalid UTF-8",
      contentType: cal,
      payload: Buffer.concat([Buffer.from(ical([allDay("20260101", "x")])), Buffer.from([0xff, 0xfe])]),
    },
    { label: "not a calendar", contentType: cal, payload: "hello" },
    { label: "empty", contentType: cal, payload: "" },
    {
      label: "as JSON",
      contentType: "application/json",
      payload: JSON.stringify(ical([allDay("20260101", "x")])),
    },
  ];
  return calendarMemo;
}
