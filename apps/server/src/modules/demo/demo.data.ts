import type { SiteRole } from "../../shared/actor.js";

/** The demo's sites and accounts; README and our own checks rely on these exact values. */
export const DEMO_PASSWORD = "demo1234";

export const DEMO_SITES = [
  {
    code: "ZMB",
    name: "Zambia civil registration",
    country: "Zambia",
    product: "OpenCRVS",
    productVersion: "1.8.1",
    timeZone: "Africa/Lusaka",
    languages: ["en"],
  },
  {
    code: "BGD",
    name: "Bangladesh civil registration",
    country: "Bangladesh",
    product: "OpenCRVS",
    productVersion: "1.7.3",
    timeZone: "Asia/Dhaka",
    languages: ["en", "bn"],
  },
  {
    code: "UGA",
    name: "Uganda child protection",
    country: "Uganda",
    product: "Primero",
    productVersion: "2.11.0",
    timeZone: "Africa/Kampala",
    languages: ["en"],
  },
];

export const DEMO_VENDOR_TEAMS = [
  { slug: "opencrvs-core", name: "OpenCRVS core team", product: "OpenCRVS" },
  { slug: "primero-core", name: "Primero core team", product: "Primero" },
];

const ALL = ["ZMB", "BGD", "UGA"];
const each = (role: SiteRole) => ALL.map((site) => ({ site, role }));

export const DEMO_USERS: Array<{
  email: string;
  name: string;
  hubAdmin?: boolean;
  memberships: Array<{ site: string; role: SiteRole }>;
  vendorTeams?: string[];
}> = [
  { email: "hubadmin@demo.test", name: "Hana Hub-Admin", hubAdmin: true, memberships: [] },
  {
    email: "siteadmin-zmb@demo.test",
    name: "Mwila Banda",
    memberships: [{ site: "ZMB", role: "site_admin" }],
  },
  {
    email: "siteadmin-bgd@demo.test",
    name: "Farhana Akter",
    memberships: [{ site: "BGD", role: "site_admin" }],
  },
  { email: "agent@demo.test", name: "Tomás Agent", memberships: each("agent") },
  { email: "coordinator@demo.test", name: "Chloé Coordinator", memberships: each("coordinator") },
  { email: "engineer@demo.test", name: "Emeka Engineer", memberships: [], vendorTeams: ["opencrvs-core"] },
  { email: "manager@demo.test", name: "Grace Manager", memberships: each("manager") },
  {
    email: "requester-zmb@demo.test",
    name: "Chanda Mulenga",
    memberships: [{ site: "ZMB", role: "requester" }],
  },
];

type Step =
  | { do: "reply"; by: "staff" | "requester"; body: string; status?: string }
  | { do: "note"; body: string }
  | { do: "tier"; tier: number; reason: string }
  | { do: "status"; status: string }
  | { do: "assign" };

/** A demo ticket: who asked, what, and what happened to it since. */
export type DemoTicket = {
  site: string;
  from: { name: string; email?: string; phone?: string; whatsappId?: string } | "requester-zmb";
  channel: "email" | "whatsapp" | "phone" | "web";
  subject: string;
  description: string;
  category: string;
  priority: "critical" | "high" | "normal" | "low";
  steps: Step[];
};

export const DEMO_TICKETS: DemoTicket[] = [
  {
    site: "ZMB",
    from: "requester-zmb",
    channel: "web",
    subject: "Cannot log in after password change",
    description:
      "I changed my password yesterday and now the system says my account is locked. I have 12 birth notifications waiting.",
    category: "account-access",
    priority: "high",
    steps: [
      { do: "assign" },
      {
        do: "reply",
        by: "staff",
        body: "Your account was locked after five failed attempts. I have unlocked it; please sign in again.",
        status: "resolved",
      },
    ],
  },
  {
    site: "ZMB",
    from: { name: "Bwalya Phiri", email: "bwalya.phiri@lusaka-health.example" },
    channel: "email",
    subject: "Birth certificate prints with the wrong district name",
    description:
      "Certificates printed at Chilenje clinic show 'Lusaka Urban' instead of 'Lusaka'. This started after last week's update.",
    category: "configuration",
    priority: "normal",
    steps: [
      { do: "assign" },
      { do: "tier", tier: 2, reason: "Certificate template configuration needs a technical change" },
      {
        do: "note",
        body: "The district list in the country config still has the old name. Fix planned for the next config deploy.",
      },
    ],
  },
  {
    site: "ZMB",
    from: { name: "Mutinta Hichilema", phone: "+260 97 123 4567" },
    channel: "phone",
    subject: "How do I correct a date of birth on a registered record?",
    description:
      "Caller wants to know the steps to correct a date of birth on a record registered last month.",
    category: "training",
    priority: "low",
    steps: [
      {
        do: "reply",
        by: "staff",
        body: "Open the record, choose Correct record, pick the date of birth and attach the supporting document. The guide 'Correct a record' has screenshots.",
        status: "closed",
      },
    ],
  },
  {
    site: "ZMB",
    from: { name: "Joseph Tembo", whatsappId: "260971234568" },
    channel: "whatsapp",
    subject: "Offline sync stuck at 43 records",
    description: "Tablet in Kafue has not synced since Monday, stuck on 43 records pending.",
    category: "connectivity",
    priority: "high",
    steps: [
      { do: "assign" },
      {
        do: "reply",
        by: "staff",
        body: "Please connect to Wi-Fi at the district office and leave the app open for ten minutes. Tell us if the count does not go down.",
        status: "pending-requester",
      },
    ],
  },
  {
    site: "ZMB",
    from: { name: "Esther Zulu", email: "esther.zulu@ndola-registry.example" },
    channel: "email",
    subject: "Search returns no results for records with apostrophes",
    description:
      "Searching for the surname O'Brien returns nothing although the record exists. Reproducible on Chrome and Firefox.",
    category: "bug",
    priority: "normal",
    steps: [
      { do: "assign" },
      { do: "tier", tier: 2, reason: "Looks like a search defect, not configuration" },
      { do: "tier", tier: 3, reason: "Confirmed core search bug: apostrophes are not escaped" },
      { do: "note", body: "Vendor reproduced on 1.8.1; fix targeted for 1.8.2." },
    ],
  },
  {
    site: "ZMB",
    from: { name: "Kelvin Mwansa", email: "kelvin.mwansa@moh.example" },
    channel: "email",
    subject: "National ID verification returns timeout",
    description:
      "Since 08:00 every ID verification times out after 30 seconds. Registrations cannot be completed in any district.",
    category: "performance",
    priority: "critical",
    steps: [
      { do: "assign" },
      { do: "tier", tier: 2, reason: "Service-wide outage of the ID integration" },
      { do: "note", body: "The MOSIP gateway certificate expired overnight; renewed at 10:40." },
      {
        do: "reply",
        by: "staff",
        body: "The ID verification service is back. The cause was an expired certificate; we have added an expiry alert.",
        status: "resolved",
      },
    ],
  },
  {
    site: "ZMB",
    from: "requester-zmb",
    channel: "web",
    subject: "Request: export of monthly registrations by district",
    description: "Could the performance dashboard export monthly registrations per district to Excel?",
    category: "feature-request",
    priority: "low",
    steps: [{ do: "tier", tier: 2, reason: "Needs a product decision" }],
  },
  {
    site: "ZMB",
    from: { name: "Natasha Lungu", phone: "+260 96 555 0101" },
    channel: "phone",
    subject: "New registrar needs an account",
    description:
      "A new registrar starts at Matero on Monday and needs an account with the registration agent role.",
    category: "account-access",
    priority: "normal",
    steps: [
      { do: "assign" },
      {
        do: "reply",
        by: "staff",
        body: "The account is created; the registrar will receive an activation message.",
        status: "resolved",
      },
    ],
  },
  {
    site: "ZMB",
    from: { name: "Peter Chileshe", email: "p.chileshe@kitwe.example" },
    channel: "email",
    subject: "Duplicate records after two clerks registered the same child",
    description: "Two records exist for the same child registered at the same facility within an hour.",
    category: "data-quality",
    priority: "normal",
    steps: [{ do: "tier", tier: 2, reason: "Duplicate handling needs database access" }],
  },
  {
    site: "ZMB",
    from: { name: "Grace Mumba", whatsappId: "260977000111" },
    channel: "whatsapp",
    subject: "Printer prints blank certificates",
    description: "Certificates come out blank from the HP printer at Chawama.",
    category: "other",
    priority: "normal",
    steps: [],
  },
  {
    site: "ZMB",
    from: { name: "Alick Sakala", email: "alick.sakala@registry.example" },
    channel: "email",
    subject: "Possible exposure of records through shared link",
    description:
      "A shared performance link seems to show record details to anyone who has it. Please check urgently.",
    category: "security",
    priority: "critical",
    steps: [
      { do: "assign" },
      { do: "tier", tier: 3, reason: "Potential data exposure in the core product (expedited)" },
    ],
  },
  {
    site: "ZMB",
    from: { name: "Ruth Kunda", phone: "+260 95 222 3344" },
    channel: "phone",
    subject: "Training for new district staff",
    description: "Six new staff in Chongwe need training on declarations and validation.",
    category: "training",
    priority: "low",
    steps: [
      {
        do: "reply",
        by: "staff",
        body: "Training is booked for the 14th at the district office.",
        status: "pending-requester",
      },
    ],
  },
  {
    site: "BGD",
    from: { name: "Md. Rahim Uddin", email: "rahim.uddin@dhaka-city.example" },
    channel: "email",
    subject: "Bengali names show as question marks on certificates",
    description: "Names in Bengali script print as ??? on the A4 certificate. The English version is fine.",
    category: "bug",
    priority: "high",
    steps: [
      { do: "assign" },
      { do: "tier", tier: 2, reason: "Font configuration of the certificate template" },
      { do: "tier", tier: 3, reason: "Core PDF renderer does not embed the Bengali font" },
    ],
  },
  {
    site: "BGD",
    from: { name: "Nusrat Jahan", phone: "+880 1711 000222" },
    channel: "phone",
    subject: "Forgot password",
    description: "Union registrar forgot her password and cannot reach her email.",
    category: "account-access",
    priority: "normal",
    steps: [
      { do: "assign" },
      {
        do: "reply",
        by: "staff",
        body: "Password reset link sent to the registrar's new email address.",
        status: "closed",
      },
    ],
  },
  {
    site: "BGD",
    from: { name: "Kamal Hossain", whatsappId: "8801711000333" },
    channel: "whatsapp",
    subject: "Application very slow in the afternoon",
    description: "Between 14:00 and 16:00 every page takes more than 20 seconds to load in Gazipur.",
    category: "performance",
    priority: "high",
    steps: [
      { do: "tier", tier: 2, reason: "Server load investigation" },
      { do: "note", body: "CPU at 95% during the nightly backup that was moved to 14:00 by mistake." },
    ],
  },
  {
    site: "BGD",
    from: { name: "Sultana Begum", email: "sultana.begum@cox-bazar.example" },
    channel: "email",
    subject: "How to register a late birth (over 5 years)?",
    description: "Which documents are needed for a delayed registration of a 7-year-old child?",
    category: "training",
    priority: "low",
    steps: [
      {
        do: "reply",
        by: "staff",
        body: "For delayed registrations you need the school certificate or vaccination card plus an affidavit. See section 4 of the user guide.",
        status: "resolved",
      },
    ],
  },
  {
    site: "BGD",
    from: { name: "Abdul Karim", email: "abdul.karim@sylhet.example" },
    channel: "email",
    subject: "Union parishad missing from location list",
    description: "The new union 'Jalalabad' is not in the location drop-down.",
    category: "configuration",
    priority: "normal",
    steps: [{ do: "assign" }],
  },
  {
    site: "BGD",
    from: { name: "Tania Sultana", phone: "+880 1811 444555" },
    channel: "phone",
    subject: "Record stuck in 'sent for approval'",
    description: "A death record has been in 'sent for approval' for nine days; the approver sees nothing.",
    category: "data-quality",
    priority: "normal",
    steps: [
      { do: "tier", tier: 2, reason: "Workflow state inconsistency" },
      { do: "status", status: "pending-vendor" },
    ],
  },
  {
    site: "BGD",
    from: { name: "Imran Chowdhury", whatsappId: "8801911666777" },
    channel: "whatsapp",
    subject: "VPN to the data centre drops every hour",
    description: "The district VPN disconnects every 60 minutes, interrupting uploads.",
    category: "connectivity",
    priority: "normal",
    steps: [],
  },
  {
    site: "BGD",
    from: { name: "Rokeya Khatun", email: "rokeya.khatun@rajshahi.example" },
    channel: "email",
    subject: "Request: SMS notification to parents",
    description: "Parents ask to receive an SMS when the certificate is ready.",
    category: "feature-request",
    priority: "low",
    steps: [
      { do: "tier", tier: 2, reason: "Product request to evaluate" },
      { do: "tier", tier: 3, reason: "Needs core notification support" },
    ],
  },
  {
    site: "UGA",
    from: { name: "Sarah Nakato", email: "sarah.nakato@mglsd.example" },
    channel: "email",
    subject: "Case worker cannot see transferred cases",
    description: "Cases transferred from Gulu to Kampala do not appear in the receiving case worker's list.",
    category: "bug",
    priority: "high",
    steps: [{ do: "assign" }, { do: "tier", tier: 2, reason: "Transfer workflow investigation" }],
  },
  {
    site: "UGA",
    from: { name: "Joseph Okello", phone: "+256 772 123456" },
    channel: "phone",
    subject: "Locked out after three failed attempts",
    description: "Social worker in Lira locked out, needs urgent access for a case conference.",
    category: "account-access",
    priority: "high",
    steps: [
      { do: "assign" },
      {
        do: "reply",
        by: "staff",
        body: "Account unlocked and password reset link sent.",
        status: "resolved",
      },
    ],
  },
  {
    site: "UGA",
    from: { name: "Grace Atim", whatsappId: "256772654321" },
    channel: "whatsapp",
    subject: "Offline mode not saving case notes",
    description: "Case notes written offline disappear after the tablet restarts.",
    category: "bug",
    priority: "critical",
    steps: [
      { do: "assign" },
      { do: "tier", tier: 2, reason: "Possible data loss on the mobile app" },
      { do: "note", body: "Reproduced on Android 11 tablets; escalating to Primero core." },
    ],
  },
  {
    site: "UGA",
    from: { name: "Peter Mugisha", email: "peter.mugisha@unicef-ug.example" },
    channel: "email",
    subject: "Add a new referral service type",
    description: "We need 'Legal aid' added as a referral service type.",
    category: "configuration",
    priority: "normal",
    steps: [
      {
        do: "reply",
        by: "staff",
        body: "Added in the lookups; available after you sign out and in again.",
        status: "resolved",
      },
    ],
  },
  {
    site: "UGA",
    from: { name: "Harriet Namubiru", email: "harriet.n@kcca.example" },
    channel: "email",
    subject: "Report shows wrong case counts for October",
    description: "The monthly case load report shows 3 cases for Kawempe, but there are 41 open cases.",
    category: "data-quality",
    priority: "normal",
    steps: [{ do: "assign" }],
  },
  {
    site: "UGA",
    from: { name: "Moses Kato", phone: "+256 701 000888" },
    channel: "phone",
    subject: "Training for GBV module",
    description: "Twenty new case workers need GBV module training before the end of the month.",
    category: "training",
    priority: "low",
    steps: [],
  },
  {
    site: "UGA",
    from: { name: "Doreen Akello", email: "doreen.akello@mglsd.example" },
    channel: "email",
    subject: "Site unreachable from Arua",
    description: "The Primero URL times out from the Arua office since this morning; other sites are fine.",
    category: "connectivity",
    priority: "high",
    steps: [
      { do: "tier", tier: 2, reason: "Network routing issue" },
      {
        do: "reply",
        by: "staff",
        body: "The regional ISP had a routing fault; it is fixed. Please confirm you can reach the site.",
        status: "pending-requester",
      },
    ],
  },
  {
    site: "ZMB",
    from: { name: "Charity Mwale", email: "charity.mwale@chipata.example" },
    channel: "email",
    subject: "Déclaration de naissance bloquée",
    description: "Une déclaration reste bloquée à l'étape de validation depuis trois jours.",
    category: "data-quality",
    priority: "normal",
    steps: [{ do: "assign" }],
  },
  {
    site: "BGD",
    from: { name: "Shafiqul Islam", email: "shafiqul@khulna.example" },
    channel: "email",
    subject: "Certificate QR code does not verify",
    description:
      "Scanning the QR code on new certificates gives 'record not found' on the verification page.",
    category: "bug",
    priority: "high",
    steps: [{ do: "assign" }, { do: "tier", tier: 2, reason: "Verification service configuration" }],
  },
  {
    site: "ZMB",
    from: { name: "Daniel Nkhoma", phone: "+260 97 888 9999" },
    channel: "phone",
    subject: "Tablet screen broken",
    description: "The registration tablet at Mandevu clinic has a cracked screen.",
    category: "other",
    priority: "low",
    steps: [
      {
        do: "reply",
        by: "staff",
        body: "Hardware is handled by the district ICT office; we have forwarded your request to them.",
        status: "closed",
      },
    ],
  },
];

/** Business calendars of the demo sites: a Monday-to-Friday office, a Sunday-to-Thursday week, a lunch break. */
export const DEMO_CALENDARS: Record<
  string,
  {
    weekly: Array<{ day: 0 | 1 | 2 | 3 | 4 | 5 | 6; start: string; end: string }>;
    holidays: Array<{ date: string; name: string }>;
  }
> = {
  ZMB: {
    weekly: ([1, 2, 3, 4, 5] as const).map((day) => ({ day, start: "08:00", end: "17:00" })),
    holidays: [
      { date: "2026-10-24", name: "Independence Day" },
      { date: "2026-12-25", name: "Christmas Day" },
      { date: "2027-01-01", name: "New Year's Day" },
    ],
  },
  BGD: {
    weekly: ([0, 1, 2, 3, 4] as const).map((day) => ({ day, start: "09:00", end: "17:00" })),
    holidays: [
      { date: "2026-12-16", name: "Victory Day" },
      { date: "2027-02-21", name: "International Mother Language Day" },
    ],
  },
  UGA: {
    weekly: ([1, 2, 3, 4, 5] as const).flatMap((day) => [
      { day, start: "08:00", end: "13:00" },
      { day, start: "14:00", end: "17:00" },
    ]),
    holidays: [
      { date: "2026-10-09", name: "Independence Day" },
      { date: "2026-12-25", name: "Christmas Day" },
    ],
  },
};

/** Service levels of the demo sites in business minutes; Level 3 gets longer to resolve. */
export const DEMO_SLA = [
  {
    priority: "critical",
    tier: 0,
    firstResponseMinutes: 30,
    nextResponseMinutes: 60,
    resolutionMinutes: 480,
    warnPercent: 75,
  },
  {
    priority: "high",
    tier: 0,
    firstResponseMinutes: 60,
    nextResponseMinutes: 120,
    resolutionMinutes: 960,
    warnPercent: 75,
  },
  {
    priority: "normal",
    tier: 0,
    firstResponseMinutes: 240,
    nextResponseMinutes: 480,
    resolutionMinutes: 2400,
    warnPercent: 75,
  },
  {
    priority: "low",
    tier: 0,
    firstResponseMinutes: 480,
    nextResponseMinutes: 960,
    resolutionMinutes: 4800,
    warnPercent: 75,
  },
  {
    priority: "normal",
    tier: 3,
    firstResponseMinutes: 240,
    nextResponseMinutes: 960,
    resolutionMinutes: 9600,
    warnPercent: 80,
  },
  {
    priority: "high",
    tier: 3,
    firstResponseMinutes: 120,
    nextResponseMinutes: 480,
    resolutionMinutes: 4800,
    warnPercent: 80,
  },
] as const;
