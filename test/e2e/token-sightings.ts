/**
 * Everything a page's JavaScript can read, and everything it sent and received, as text to search
 * for a secret: window's properties (walked a few levels deep), localStorage, sessionStorage,
 * document.cookie and the browser's cookies, the document's HTML, and every request's URL, headers
 * and body with its answer's headers and body.
 */
import type { BrowserContext, Page, Request } from 'playwright-core';

export interface Seen {
  where: string;
  text: string;
}

/** The page's JavaScript-visible state, one entry per place a string was found. */
export async function browserState(page: Page, context: BrowserContext): Promise<Seen[]> {
  const inPage = await page.evaluate(() => {
    const found: Array<{ where: string; text: string }> = [];
    // window reaches itself (globalThis, self, frames): walked once, from the top.
    const visited = new WeakSet<object>([window]);
    let budget = 500_000;
    const walk = (value: unknown, where: string, depth: number) => {
      if (budget-- <= 0) {
        return;
      }
      if (typeof value === 'string') {
        found.push({ where, text: value });
        return;
      }
      // DOM nodes are read as the document's HTML below.
      if (value === null || typeof value !== 'object' || value instanceof Node || depth > 5 || visited.has(value)) {
        return;
      }
      visited.add(value);
      let keys: string[] = [];
      try {
        keys = Object.keys(value);
      } catch {
        return;
      }
      for (const key of keys) {
        try {
          walk((value as Record<string, unknown>)[key], `${where}.${key}`, depth + 1);
        } catch {
          // A getter that throws holds nothing readable.
        }
      }
    };
    for (const key of Object.getOwnPropertyNames(window)) {
      try {
        walk((window as unknown as Record<string, unknown>)[key], `window.${key}`, 0);
      } catch {
        // As above.
      }
    }
    const storage = (name: 'localStorage' | 'sessionStorage') => {
      const s = window[name];
      for (let i = 0; i < s.length; i++) {
        found.push({ where: name, text: `${s.key(i)}=${s.getItem(s.key(i)!)}` });
      }
    };
    storage('localStorage');
    storage('sessionStorage');
    found.push({ where: 'document.cookie', text: document.cookie });
    found.push({ where: 'document HTML', text: document.documentElement.outerHTML });
    return found;
  });
  const cookies = (await context.cookies()).map((c) => ({ where: 'cookies', text: `${c.name}=${c.value}` }));
  return [...inPage, ...cookies];
}

/** Every request the page made and every answer it got, as text. */
export async function networkTraffic(requests: Request[]): Promise<Seen[]> {
  const seen: Seen[] = [];
  for (const request of requests) {
    const where = `${request.method()} ${request.url()}`;
    seen.push({ where, text: request.url() });
    seen.push({ where: `${where} request headers`, text: JSON.stringify(await request.allHeaders()) });
    seen.push({ where: `${where} request body`, text: request.postData() ?? '' });
    const response = await request.response();
    if (response) {
      seen.push({ where: `${where} answer headers`, text: JSON.stringify(await response.allHeaders()) });
      // An answer the page dropped before reading it (a superseded query) has no body to read.
      const body = await response.body().catch(() => undefined);
      seen.push({ where: `${where} answer body`, text: body?.toString('latin1') ?? '' });
    }
  }
  return seen;
}

/** The places `secret` was seen, without the text around it. */
export function sightings(seen: Seen[], secret: string): Array<{ where: string }> {
  return seen.filter((s) => s.text.includes(secret)).map(({ where }) => ({ where }));
}
