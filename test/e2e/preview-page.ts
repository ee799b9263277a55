/**
 * The dashboard preview's page as preview.e2e.test.ts drives it: every request it makes and every
 * answer the data proxy gave it, recorded; the backend calls read off those requests; the pickers
 * used as a user uses them; the XLOG's dots; full-page screenshots.
 */
import path from 'node:path';

import type { Page, Request } from 'playwright-core';

import { ProxiedAnswers } from './proxied-answers';

/** The data proxy's route of the preview's datasource (uid osprey, route osprey). */
export const PROXY = '/api/datasources/proxy/uid/osprey/osprey';

export class PreviewPage {
  readonly requests: Request[] = [];
  readonly answers: ProxiedAnswers;

  constructor(
    readonly page: Page,
    private readonly screenshots: string
  ) {
    page.on('request', (r) => this.requests.push(r));
    this.answers = new ProxiedAnswers(page, PROXY);
  }

  /** The proxied backend calls to `apiPath` the page has made since `since` (an index into requests). */
  calls(apiPath: string, since = 0): URL[] {
    return this.requests
      .slice(since)
      .map((r) => new URL(r.url()))
      .filter((u) => u.pathname === `${PROXY}${apiPath}`);
  }

  async waitForCall(apiPath: string, since: number, test: (u: URL) => boolean): Promise<URL> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const found = this.calls(apiPath, since).find(test);
      if (found) {
        return found;
      }
      await this.page.waitForTimeout(200);
    }
    throw new Error(`no ${apiPath} call matched; made: ${this.calls(apiPath, since).join('\n')}`);
  }

  /** Picks `option` in one of @grafana/ui's selects, as a user does: open it, type, Enter. */
  async pick(inputId: string, option: string): Promise<void> {
    await this.page.locator(`#${inputId}`).click();
    await this.page.keyboard.type(option);
    await this.page.keyboard.press('Enter');
  }

  /** The XLOG panel's dots, once it has drawn every one it holds. */
  async xlogDots(): Promise<number> {
    const canvas = this.page.locator('[data-testid=osprey-xlog-canvas]');
    await canvas.waitFor({ state: 'visible', timeout: 30_000 });
    await this.page.waitForFunction(
      () => {
        const el = document.querySelector('[data-testid=osprey-xlog-canvas]');
        const dots = Number(el?.getAttribute('data-dots') ?? 0);
        return dots > 0 && el?.getAttribute('data-drawn-dots') === String(dots);
      },
      undefined,
      { timeout: 30_000 }
    );
    return Number(await canvas.getAttribute('data-dots'));
  }

  /**
   * A full-page screenshot with the whole dashboard in the viewport: TableNG leaves rows out of view
   * unpainted (content-visibility), which a full-page capture of a shorter viewport would show blank.
   */
  async screenshot(file: string): Promise<void> {
    const viewport = this.page.viewportSize()!;
    const height = await this.page.evaluate(() => document.documentElement.scrollHeight);
    await this.page.setViewportSize({ width: viewport.width, height });
    await this.page.waitForTimeout(300);
    const where = path.join(this.screenshots, file);
    await this.page.screenshot({ path: where, fullPage: true });
    await this.page.setViewportSize(viewport);
    console.log(`screenshot: ${where}`);
  }
}

/** Polls `url` until it answers 200; the time it first did. */
export async function answeredAt(url: string, deadline: number): Promise<number> {
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false
    );
    if (ok) {
      return Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer`);
}

/** Rows in one order, to compare two tables whatever order each is in. */
export const sortedRows = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();

/** A drawn duration ("850 ms", "1.10 s") in milliseconds. */
export function millis(text: string): number {
  const [, value, unit] = /^([\d.]+)\s*(µs|ms|s|min)$/.exec(text) ?? [];
  const scale = { µs: 0.001, ms: 1, s: 1000, min: 60_000 }[unit as 'ms'];
  if (scale === undefined) {
    throw new Error(`not a duration: ${text}`);
  }
  return Number(value) * scale;
}
