/**
 * Realistic-looking ticket text for the scale-data generator: subjects per category and message
 * bodies built from sentence pools, in English and (for sites that speak them) French, Spanish and
 * Portuguese. Everything is drawn from the caller's seeded random source, so it is deterministic.
 */
export type Random = () => number;
export type Lang = "en" | "fr" | "es" | "pt";

export const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;

const SUBJECTS: Record<Lang, Record<string, readonly string[]>> = {
  en: {
    training: [
      "How do I register a late birth?",
      "Training needed on the new approval screen",
      "Where is the guide for district registrars?",
    ],
    configuration: [
      "Add a new health facility to {module}",
      "Change the certificate template for {module}",
      "Update the list of offices in {module}",
    ],
    "account-access": [
      "Cannot log in after password reset",
      "Account locked for registrar at {place}",
      "Two-factor code never arrives",
    ],
    bug: [
      "Error 500 when saving a record in {module}",
      "{module} shows a blank page after submit",
      "Duplicate records created in {module}",
    ],
    "data-quality": [
      "Wrong dates of birth imported from paper records",
      "Duplicate persons in {module}",
      "Missing village names in the export",
    ],
    performance: [
      "{module} very slow in the afternoon",
      "Search takes more than a minute",
      "Reports time out at month end",
    ],
    connectivity: [
      "Offline sync fails at {place}",
      "Tablets at {place} cannot reach the server",
      "VPN drops every few minutes",
    ],
    "feature-request": [
      "Allow printing two certificates at once",
      "Add SMS notification for approved records",
      "Export to CSV from {module}",
    ],
    security: ["Suspicious logins from an unknown address", "Shared account used by several clerks"],
    other: ["Question about the next release", "Request for a meeting with the vendor"],
  },
  fr: {
    training: ["Comment enregistrer une naissance tardive ?", "Formation sur le nouvel écran d'approbation"],
    configuration: ["Ajouter un centre de santé dans {module}", "Modifier le modèle de certificat"],
    "account-access": ["Impossible de se connecter après réinitialisation", "Compte bloqué à {place}"],
    bug: ["Erreur 500 à l'enregistrement dans {module}", "Page blanche après validation dans {module}"],
    "data-quality": ["Dates de naissance erronées après import", "Doublons de personnes dans {module}"],
    performance: ["{module} très lent l'après-midi", "La recherche prend plus d'une minute"],
    connectivity: [
      "La synchronisation hors ligne échoue à {place}",
      "Les tablettes n'atteignent pas le serveur",
    ],
    "feature-request": [
      "Imprimer deux certificats à la fois",
      "Notification SMS pour les dossiers approuvés",
    ],
    security: ["Connexions suspectes depuis une adresse inconnue"],
    other: ["Question sur la prochaine version"],
  },
  es: {
    training: ["¿Cómo registro un nacimiento tardío?", "Capacitación sobre la nueva pantalla de aprobación"],
    configuration: [
      "Agregar un establecimiento de salud en {module}",
      "Cambiar la plantilla del certificado",
    ],
    "account-access": ["No puedo iniciar sesión después de restablecer", "Cuenta bloqueada en {place}"],
    bug: ["Error 500 al guardar un registro en {module}", "Página en blanco después de enviar en {module}"],
    "data-quality": ["Fechas de nacimiento erróneas al importar", "Personas duplicadas en {module}"],
    performance: ["{module} muy lento por la tarde", "La búsqueda tarda más de un minuto"],
    connectivity: ["La sincronización sin conexión falla en {place}", "Las tabletas no llegan al servidor"],
    "feature-request": ["Imprimir dos certificados a la vez", "Notificación SMS de registros aprobados"],
    security: ["Inicios de sesión sospechosos desde una dirección desconocida"],
    other: ["Pregunta sobre la próxima versión"],
  },
  pt: {
    training: ["Como registar um nascimento tardio?", "Formação sobre o novo ecrã de aprovação"],
    configuration: ["Adicionar uma unidade sanitária no {module}", "Alterar o modelo de certidão"],
    "account-access": ["Não consigo entrar depois de redefinir a senha", "Conta bloqueada em {place}"],
    bug: ["Erro 500 ao gravar um registo no {module}", "Página em branco depois de submeter no {module}"],
    "data-quality": ["Datas de nascimento erradas após importação", "Pessoas duplicadas no {module}"],
    performance: ["{module} muito lento à tarde", "A pesquisa demora mais de um minuto"],
    connectivity: ["A sincronização offline falha em {place}", "Os tablets não chegam ao servidor"],
    "feature-request": ["Imprimir duas certidões de uma vez", "Notificação por SMS dos registos aprovados"],
    security: ["Acessos suspeitos de um endereço desconhecido"],
    other: ["Pergunta sobre a próxima versão"],
  },
};

const SENTENCES: Record<Lang, { requester: readonly string[]; staff: readonly string[] }> = {
  en: {
    requester: [
      "Since this morning the registrars at {place} cannot finish their work.",
      "We tried again after clearing the browser cache, with the same result.",
      "The error appears only when the record has an attachment.",
      "This blocks about {n} registrations a day in our office.",
      "I attach a screenshot of the message we see.",
      "It worked fine last week before the update.",
      "Please advise as soon as possible, the campaign starts on Monday.",
      "The problem happens on the tablets and on the desktop computers.",
      "Our supervisor asked me to open this ticket.",
      "Thank you, it works now.",
      "We still see the problem on two of the five computers.",
      "Could you call me on the office phone?",
    ],
    staff: [
      "Thank you for the details, we are looking into it.",
      "Could you tell us the version shown at the bottom of the login page?",
      "Please try again now; we restarted the synchronisation service.",
      "This is a known issue and a fix is planned for the next release.",
      "I have escalated this to the national team with the logs you sent.",
      "Can you send the exact time when the error happened?",
      "The configuration was updated; please check and confirm.",
      "We reproduced the problem on the test server.",
      "Internal: the vendor asked for the server logs of {n} May.",
      "Closing this ticket as the requester confirmed it is solved.",
    ],
  },
  fr: {
    requester: [
      "Depuis ce matin, les agents de {place} ne peuvent plus terminer leur travail.",
      "Nous avons réessayé après avoir vidé le cache du navigateur.",
      "Cela bloque environ {n} enregistrements par jour.",
      "Je joins une capture d'écran du message.",
      "Merci, cela fonctionne maintenant.",
      "Le problème persiste sur deux ordinateurs.",
    ],
    staff: [
      "Merci pour les détails, nous examinons le problème.",
      "Pouvez-vous indiquer la version affichée sur la page de connexion ?",
      "Veuillez réessayer maintenant ; le service de synchronisation a été redémarré.",
      "Un correctif est prévu pour la prochaine version.",
    ],
  },
  es: {
    requester: [
      "Desde esta mañana los registradores de {place} no pueden terminar su trabajo.",
      "Volvimos a intentar después de borrar la caché del navegador.",
      "Esto bloquea unos {n} registros por día.",
      "Adjunto una captura de pantalla del mensaje.",
      "Gracias, ya funciona.",
      "El problema sigue en dos computadoras.",
    ],
    staff: [
      "Gracias por los detalles, lo estamos revisando.",
      "¿Puede indicar la versión que aparece en la página de inicio de sesión?",
      "Intente de nuevo ahora; reiniciamos el servicio de sincronización.",
      "Hay una corrección prevista para la próxima versión.",
    ],
  },
  pt: {
    requester: [
      "Desde esta manhã os conservadores de {place} não conseguem terminar o trabalho.",
      "Tentámos de novo depois de limpar a cache do navegador.",
      "Isto bloqueia cerca de {n} registos por dia.",
      "Junto uma captura de ecrã da mensagem.",
      "Obrigado, já funciona.",
      "O problema continua em dois computadores.",
    ],
    staff: [
      "Obrigado pelos detalhes, estamos a analisar.",
      "Pode indicar a versão mostrada na página de entrada?",
      "Tente de novo agora; reiniciámos o serviço de sincronização.",
      "Há uma correção prevista para a próxima versão.",
    ],
  },
};

const PLACES = ["Kasama", "the district office", "the central hospital", "Mbale", "the registry", "Ward 7"];

function fill(r: Random, template: string, module: string): string {
  return template
    .replace("{module}", module)
    .replace("{place}", pick(r, PLACES))
    .replace("{n}", String(2 + Math.floor(r() * 60)));
}

export function subjectText(r: Random, lang: Lang, category: string, module: string): string {
  const pool = SUBJECTS[lang][category] ?? SUBJECTS.en[category] ?? SUBJECTS.en.other ?? [];
  return fill(r, pick(r, pool), module);
}

/** A message body of 1 to 12 sentences (most are short, a few are long). */
export function bodyText(r: Random, lang: Lang, from: "requester" | "staff", module: string): string {
  const pool = SENTENCES[lang][from];
  const x = r();
  const count =
    x < 0.5 ? 1 + Math.floor(r() * 2) : x < 0.9 ? 3 + Math.floor(r() * 3) : 6 + Math.floor(r() * 7);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(fill(r, pick(r, pool), module));
  return out.join(" ");
}
