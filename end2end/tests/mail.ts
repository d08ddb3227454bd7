import { expect } from "@playwright/test";
import crypto from "node:crypto";

/** The REST API of the maildev the app delivers to (started by playwright.config.ts). */
const MAIL_API = `http://127.0.0.1:${process.env.E2E_MAIL_WEB_PORT ?? 3180}/api`;

export type Mail = { subject: string; text: string; html: string };

/** Waits for the newest message to `to` whose subject contains `subject`. */
export async function waitForMail(to: string, subject: string | RegExp): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(
      async () => {
        const res = await fetch(`${MAIL_API}/email`);
        const all = (await res.json()) as {
          subject: string;
          text: string;
          html: string;
          envelope: { to: { address: string }[] };
        }[];
        found = all
          .filter((m) => m.envelope.to.some((t) => t.address === to))
          .filter((m) => (typeof subject === "string" ? m.subject.includes(subject) : subject.test(m.subject)))
          .at(-1);
        return found !== undefined;
      },
      { timeout: 15_000, message: `mail to ${to} about ${subject}` },
    )
    .toBe(true);
  return found!;
}

/** The first link in a message's text part containing `marker`. */
export function linkIn(mail: Mail, marker: string): string {
  const link = mail.text.split(/\s+/).find((w) => w.startsWith("http") && w.includes(marker));
  expect(link, `a link with ${marker} in: ${mail.text}`).toBeTruthy();
  return link!;
}

export function codeIn(mail: Mail): string {
  const code = /\b(\d{6})\b/.exec(mail.text)?.[1];
  expect(code, mail.text).toBeTruthy();
  return code!;
}

/**
 * RFC 6238 (SHA-1, 6 digits, 30 s), written here independently of the server's code: what any
 * authenticator app computes from the key the set-up page shows.
 */
export function authenticatorCode(base32Secret: string, offsetSteps = 0): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const c of base32Secret.replace(/=+$/, "").toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + offsetSteps));
  const mac = crypto.createHmac("sha1", Buffer.from(bytes)).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  return ((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, "0");
}
