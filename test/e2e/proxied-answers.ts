/**
 * The backend's answers as the page received them through the data proxy (which forwards them as
 * they are), recorded as they arrive, and a table panel read together with the answer it was drawn
 * from: the comparison of what the page drew against what the backend said, for the same query.
 */
import { tableFromIPC } from 'apache-arrow';
import type { Page } from 'playwright-core';

import { ARROW_STREAM_MEDIA_TYPE } from '@osprey/model';

import { type DrawnTable, panelTitled, readTable } from './drawn-table';

interface Answer {
  url: URL;
  at: number;
  body: Promise<unknown>;
}

export class ProxiedAnswers {
  private readonly answers: Answer[] = [];

  constructor(
    page: Page,
    private readonly proxy: string
  ) {
    page.on('response', (response) => {
      const url = new URL(response.url());
      const type = response.headers()['content-type'] ?? '';
      if (!url.pathname.startsWith(proxy) || !response.ok()) {
        return;
      }
      // A page navigated away from takes its answers' bodies with it: those answers read as undefined.
      if (type.includes('application/json')) {
        this.answers.push({ url, at: Date.now(), body: response.json().catch(() => undefined) });
      } else if (type.startsWith(ARROW_STREAM_MEDIA_TYPE)) {
        // An XLOG window: its rows, as the JSON answer of the same query names them.
        const rows = response.body().then((bytes) =>
          tableFromIPC(bytes)
            .toArray()
            .map((row) => row.toJSON())
        );
        const body = rows.then((transactions) => ({ transactions })).catch(() => undefined);
        this.answers.push({ url, at: Date.now(), body });
      }
    });
  }

  /**
   * The newest answer from the backend path `apiPath` (without the proxy's prefix; a pattern matches
   * it) to a request `of` accepts, if any: panels of one dashboard may ask the same path.
   */
  latest(apiPath: string | RegExp, of: (url: URL) => boolean = () => true): Answer | undefined {
    const matches = (pathname: string) => (typeof apiPath === 'string' ? pathname === apiPath : apiPath.test(pathname));
    return this.answers.filter((a) => matches(a.url.pathname.slice(this.proxy.length)) && of(a.url)).pop();
  }
}

/** How long an answer is on the page before its table is read: the panel redraws within a frame or two. */
const SETTLE_MS = 500;

/**
 * The table panel titled `title` as drawn, with the newest answer the page had from `apiPath` (to a
 * request `of` accepts, when given): read again if a newer answer came while it was read. Until `ready(answer)` holds, the dashboard is
 * refreshed (the refresh button), as a user waiting for data would.
 */
export async function drawnFrom<T>(
  page: Page,
  answers: ProxiedAnswers,
  title: string | RegExp,
  apiPath: string | RegExp,
  ready: (answer: T) => boolean = () => true,
  of?: (url: URL) => boolean
): Promise<{ table: DrawnTable; answer: T; url: URL }> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const before = answers.latest(apiPath, of);
    const answer = (await before?.body) as T | undefined;
    if (!before || answer === undefined || !ready(answer)) {
      await page.getByTestId('data-testid RefreshPicker run button').click();
      await page.waitForTimeout(2000);
      continue;
    }
    await page.waitForTimeout(Math.max(0, before.at + SETTLE_MS - Date.now()));
    const table = await readTable(panelTitled(page, title), 0);
    if (answers.latest(apiPath, of) === before) {
      return { table, answer, url: before.url };
    }
  }
  throw new Error(`no answer from ${apiPath} that the table "${title}" could be read against`);
}
