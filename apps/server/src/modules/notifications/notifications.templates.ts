/** The languages requester notices are written in; any other falls back to English. */
export const NOTICE_LANGUAGES = ["en", "fr", "es", "pt", "ar"] as const;
export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];

export type RequesterTemplate = "received" | "reply" | "status";
export type TemplateParams = {
  key: string;
  subject: string;
  status: string;
  link: string;
  /** the reply's text, for "reply" */
  reply?: string;
};

type Texts = {
  statuses: Record<string, string>;
} & Record<RequesterTemplate, { title: string; body: string }>;

const TEXTS: Record<NoticeLanguage, Texts> = {
  en: {
    statuses: {
      new: "new",
      open: "in progress",
      "pending-requester": "waiting for your answer",
      "pending-vendor": "waiting for the vendor",
      deferred: "deferred to a coming release",
      resolved: "resolved",
      closed: "closed",
    },
    received: {
      title: "[{key}] We received your request: {subject}",
      body: "Thank you. Your request {key} has been received; the support team will answer it.\nFollow it and reply here: {link}",
    },
    reply: {
      title: "[{key}] New reply to your request",
      body: "{reply}\n\nStatus: {status}\nFollow and reply: {link}",
    },
    status: {
      title: "[{key}] Your request is now: {status}",
      body: "{subject}\nFollow and reply: {link}",
    },
  },
  fr: {
    statuses: {
      new: "nouvelle",
      open: "en cours",
      "pending-requester": "en attente de votre réponse",
      "pending-vendor": "en attente du fournisseur",
      deferred: "reportée à une prochaine version",
      resolved: "résolue",
      closed: "fermée",
    },
    received: {
      title: "[{key}] Nous avons reçu votre demande : {subject}",
      body: "Merci. Votre demande {key} a bien été reçue ; l'équipe de support y répondra.\nSuivez-la et répondez ici : {link}",
    },
    reply: {
      title: "[{key}] Nouvelle réponse à votre demande",
      body: "{reply}\n\nStatut : {status}\nSuivre et répondre : {link}",
    },
    status: {
      title: "[{key}] Votre demande est maintenant : {status}",
      body: "{subject}\nSuivre et répondre : {link}",
    },
  },
  es: {
    statuses: {
      new: "nueva",
      open: "en curso",
      "pending-requester": "esperando su respuesta",
      "pending-vendor": "esperando al proveedor",
      deferred: "aplazada a una próxima versión",
      resolved: "resuelta",
      closed: "cerrada",
    },
    received: {
      title: "[{key}] Hemos recibido su solicitud: {subject}",
      body: "Gracias. Hemos recibido su solicitud {key}; el equipo de soporte le responderá.\nSígala y responda aquí: {link}",
    },
    reply: {
      title: "[{key}] Nueva respuesta a su solicitud",
      body: "{reply}\n\nEstado: {status}\nSeguir y responder: {link}",
    },
    status: {
      title: "[{key}] Su solicitud ahora está: {status}",
      body: "{subject}\nSeguir y responder: {link}",
    },
  },
  pt: {
    statuses: {
      new: "novo",
      open: "em curso",
      "pending-requester": "a aguardar a sua resposta",
      "pending-vendor": "a aguardar o fornecedor",
      deferred: "adiado para uma próxima versão",
      resolved: "resolvido",
      closed: "fechado",
    },
    received: {
      title: "[{key}] Recebemos o seu pedido: {subject}",
      body: "Obrigado. O seu pedido {key} foi recebido; a equipa de suporte irá responder.\nAcompanhe e responda aqui: {link}",
    },
    reply: {
      title: "[{key}] Nova resposta ao seu pedido",
      body: "{reply}\n\nEstado: {status}\nAcompanhar e responder: {link}",
    },
    status: {
      title: "[{key}] O seu pedido está agora: {status}",
      body: "{subject}\nAcompanhar e responder: {link}",
    },
  },
  ar: {
    statuses: {
      new: "جديد",
      open: "قيد المعالجة",
      "pending-requester": "بانتظار ردك",
      "pending-vendor": "بانتظار المورّد",
      deferred: "مؤجَّل إلى إصدار قادم",
      resolved: "تم الحل",
      closed: "مغلق",
    },
    received: {
      title: "[{key}] تلقّينا طلبك: {subject}",
      body: "شكرًا لك. تم استلام طلبك {key} وسيرد عليه فريق الدعم.\nتابِع طلبك وردّ عليه من هنا: {link}",
    },
    reply: {
      title: "[{key}] رد جديد على طلبك",
      body: "{reply}\n\nالحالة: {status}\nللمتابعة والرد: {link}",
    },
    status: {
      title: "[{key}] حالة طلبك الآن: {status}",
      body: "{subject}\nللمتابعة والرد: {link}",
    },
  },
};

/** The notice language for a BCP 47 tag: its base language if we write in it, else English. */
export function noticeLanguage(tag: string | null | undefined): NoticeLanguage {
  const base = (tag ?? "").split("-")[0]?.toLowerCase() ?? "";
  return (NOTICE_LANGUAGES as readonly string[]).includes(base) ? (base as NoticeLanguage) : "en";
}

/** Fills a template in one pass, so text inside the values (a reply quoting "{link}") stays as written. */
const fill = (template: string, values: Record<string, string>): string =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);

/** A requester notice's title and body in their language. */
export function renderRequesterNotice(
  template: RequesterTemplate,
  language: string,
  params: TemplateParams,
): { title: string; body: string; language: NoticeLanguage } {
  const lang = noticeLanguage(language);
  const texts = TEXTS[lang];
  const values = {
    key: params.key,
    subject: params.subject,
    link: params.link,
    reply: params.reply ?? "",
    status: texts.statuses[params.status] ?? params.status,
  };
  return {
    title: fill(texts[template].title, values).slice(0, 500),
    body: fill(texts[template].body, values).slice(0, 20_000),
    language: lang,
  };
}
