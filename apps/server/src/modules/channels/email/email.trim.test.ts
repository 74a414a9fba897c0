import { describe, expect, it } from "vitest";
import { trimReply } from "./email.trim.js";

describe("trimming quoted history from replies", () => {
  it("keeps only the new text above a Gmail attribution wrapped over two lines", () => {
    const text =
      "It works now, thanks!\n\nOn Mon, 2 Mar 2026 at 11:02, ZMB Support <support@x.test>\nwrote:\n\n> Please clear the cache.\n";
    expect(trimReply(text)).toEqual({ body: "It works now, thanks!", trimmed: true });
  });

  it("cuts an Outlook reply at its From/Sent header block", () => {
    const text =
      "Still failing in one office.\n\nFrom: ZMB Support <support@x.test>\nSent: 02 March 2026 11:02\nTo: Mwansa\nSubject: Re: printing\n\nPlease clear the cache.";
    expect(trimReply(text).body).toBe("Still failing in one office.");
  });

  it("cuts at an Original Message separator and at Outlook's underscore line", () => {
    expect(trimReply("Yes.\n-----Original Message-----\nFrom: a\n").body).toBe("Yes.");
    expect(trimReply("Oui.\n________________________________\nDe : a\nEnvoyé : hier\n").body).toBe("Oui.");
  });

  it("recognises French, Spanish and Portuguese attributions", () => {
    expect(trimReply("Merci.\n\nLe lun. 2 mars 2026 à 11:02, Support <s@x> a écrit :\n> Bonjour").body).toBe(
      "Merci.",
    );
    expect(
      trimReply("Gracias.\n\nEl lun, 2 mar 2026 a las 11:02, Soporte (<s@x>) escribió:\n> Hola").body,
    ).toBe("Gracias.");
    expect(
      trimReply("Obrigado.\n\nEm seg., 2 de mar. de 2026 às 11:02, Suporte <s@x> escreveu:\n> Olá").body,
    ).toBe("Obrigado.");
  });

  it("drops the signature after the dash-dash-space separator and mobile footers", () => {
    expect(trimReply("Done.\n\n-- \nMwansa Phiri\nRegistration Officer").body).toBe("Done.");
    expect(trimReply("Done.\n\nSent from my iPhone").body).toBe("Done.");
  });

  it("removes a trailing block of quoted lines but keeps answers written between quotes", () => {
    expect(trimReply("Agreed.\n\n> earlier text\n> more").body).toBe("Agreed.");
    const inline = "> Which browser?\nFirefox 128.\n> Which office?\nLusaka.";
    expect(trimReply(inline).body).toBe(inline);
  });

  it("keeps the whole text when nothing but a quote is left", () => {
    expect(trimReply("> only a quote\n> here")).toEqual({ body: "> only a quote\n> here", trimmed: false });
  });
});
