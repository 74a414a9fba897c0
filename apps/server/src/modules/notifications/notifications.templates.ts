/** The languages requester notices are written in; any other falls back to English. */
export const NOTICE_LANGUAGES = ["en", "fr", "es", "pt", "ar"] as const;
export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];

/**
 * received: a request was taken in; confirm: the same, to an address an anonymous request named and has
 * not confirmed; reply and status: news of the request; link: a fresh link the requester asked for.
 */
export type RequesterTemplate = "received" | "confirm" | "reply" | "status" | "link";
export type TemplateParams = {
  key: string;
  subject: string;
  status: string;
  link: string;
  /** the reply's text, for "reply" */
  reply?: string;
  /** the page confirming the address, for "confirm" */
  confirm?: string;
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
    confirm: {
      title: "[{key}] We received your request: {subject}",
      body: "Thank you. Your request {key} has been received; the support team will answer it.\nFollow it and reply here: {link}\n\nIt was sent without signing in. To confirm that this address is yours (the request then joins your own requests if you have an account with us), open: {confirm}\nIf you did not send this request, ignore this message.",
    },
    reply: {
      title: "[{key}] New reply to your request",
      body: "{reply}\n\nStatus: {status}\nFollow and reply: {link}",
    },
    status: {
      title: "[{key}] Your request is now: {status}",
      body: "{subject}\nFollow and reply: {link}",
    },
    link: {
      title: "[{key}] A new link to your request",
      body: "You asked for a new link to follow your request {key} ({subject}): {link}\nIf you did not ask for it, ignore this message.",
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
    confirm: {
      title: "[{key}] Nous avons reçu votre demande : {subject}",
      body: "Merci. Votre demande {key} a bien été reçue ; l'équipe de support y répondra.\nSuivez-la et répondez ici : {link}\n\nElle a été envoyée sans connexion. Pour confirmer que cette adresse est la vôtre (la demande rejoint alors vos demandes si vous avez un compte chez nous), ouvrez : {confirm}\nSi vous n'avez pas envoyé cette demande, ignorez ce message.",
    },
    reply: {
      title: "[{key}] Nouvelle réponse à votre demande",
      body: "{reply}\n\nStatut : {status}\nSuivre et répondre : {link}",
    },
    status: {
      title: "[{key}] Votre demande est maintenant : {status}",
      body: "{subject}\nSuivre et répondre : {link}",
    },
    link: {
      title: "[{key}] Un nouveau lien vers votre demande",
      body: "Vous avez demandé un nouveau lien pour suivre votre demande {key} ({subject}) : {link}\nSi vous ne l'avez pas demandé, ignorez ce message.",
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
    confirm: {
      title: "[{key}] Hemos recibido su solicitud: {subject}",
      body: "Gracias. Hemos recibido su solicitud {key}; el equipo de soporte le responderá.\nSígala y responda aquí: {link}\n\nSe envió sin iniciar sesión. Para confirmar que esta dirección es suya (la solicitud se une entonces a sus solicitudes si tiene una cuenta con nosotros), abra: {confirm}\nSi usted no envió esta solicitud, ignore este mensaje.",
    },
    reply: {
      title: "[{key}] Nueva respuesta a su solicitud",
      body: "{reply}\n\nEstado: {status}\nSeguir y responder: {link}",
    },
    status: {
      title: "[{key}] Su solicitud ahora está: {status}",
      body: "{subject}\nSeguir y responder: {link}",
    },
    link: {
      title: "[{key}] Un nuevo enlace a su solicitud",
      body: "Pidió un nuevo enlace para seguir su solicitud {key} ({subject}): {link}\nSi no lo pidió, ignore este mensaje.",
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
    confirm: {
      title: "[{key}] Recebemos o seu pedido: {subject}",
      body: "Obrigado. O seu pedido {key} foi recebido; a equipa de suporte irá responder.\nAcompanhe e responda aqui: {link}\n\nFoi enviado sem iniciar sessão. Para confirmar que este endereço é seu (o pedido passa então para os seus pedidos, se tiver uma conta connosco), abra: {confirm}\nSe não enviou este pedido, ignore esta mensagem.",
    },
    reply: {
      title: "[{key}] Nova resposta ao seu pedido",
      body: "{reply}\n\nEstado: {status}\nAcompanhar e responder: {link}",
    },
    status: {
      title: "[{key}] O seu pedido está agora: {status}",
      body: "{subject}\nAcompanhar e responder: {link}",
    },
    link: {
      title: "[{key}] Uma nova ligação para o seu pedido",
      body: "Pediu uma nova ligação para acompanhar o seu pedido {key} ({subject}): {link}\nSe não a pediu, ignore esta mensagem.",
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
    confirm: {
      title: "[{key}] تلقّينا طلبك: {subject}",
      body: "شكرًا لك. تم استلام طلبك {key} وسيرد عليه فريق الدعم.\nتابِع طلبك وردّ عليه من هنا: {link}\n\nأُرسل هذا الطلب دون تسجيل الدخول. لتأكيد أن هذا العنوان لك (فينضم الطلب إلى طلباتك إن كان لديك حساب لدينا)، افتح: {confirm}\nإن لم تُرسل هذا الطلب، فتجاهل هذه الرسالة.",
    },
    reply: {
      title: "[{key}] رد جديد على طلبك",
      body: "{reply}\n\nالحالة: {status}\nللمتابعة والرد: {link}",
    },
    status: {
      title: "[{key}] حالة طلبك الآن: {status}",
      body: "{subject}\nللمتابعة والرد: {link}",
    },
    link: {
      title: "[{key}] رابط جديد لطلبك",
      body: "طلبتَ رابطًا جديدًا لمتابعة طلبك {key} ({subject}): {link}\nإن لم تطلبه، فتجاهل هذه الرسالة.",
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
    confirm: params.confirm ?? "",
    status: texts.statuses[params.status] ?? params.status,
  };
  return {
    title: fill(texts[template].title, values).slice(0, 500),
    body: fill(texts[template].body, values).slice(0, 20_000),
    language: lang,
  };
}
