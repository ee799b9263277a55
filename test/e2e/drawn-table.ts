/**
 * What a table panel drew, read back from the page: @grafana/ui's TableNG renders an ARIA grid
 * (react-data-grid) that says how many rows it holds and draws only the rows and columns in view,
 * so the reader scrolls it across and down, collecting each cell by its row and column index.
 */
import type { Locator, Page } from 'playwright-core';

export interface DrawnTable {
  /** The grid's own count of data rows (aria-rowcount, less the header row). */
  rowCount: number;
  /** Column headers as drawn (display names), left to right. */
  headers: string[];
  /** Every row's cell texts, in the order drawn, under `headers`. */
  rows: string[][];
  /** Every row's painted canvas pixels per cell (a sparkline's line; 0 for a cell of text), under `headers`. */
  ink: number[][];
}

/** The panel cell titled `title` (its title bar's text, variables replaced). */
export function panelTitled(page: Page, title: string | RegExp): Locator {
  return page.locator('[data-panel-id]').filter({ has: page.getByRole('heading', { name: title, exact: true }) });
}

/** Waits until the panel's grid has drawn at least `minRows` rows, then reads all of it. */
export async function readTable(panel: Locator, minRows = 1): Promise<DrawnTable> {
  const grid = panel.locator('[role=grid]');
  await grid.waitFor({ state: 'visible', timeout: 30_000 });
  await grid.evaluate(
    (el, min) =>
      new Promise<void>((resolve, reject) => {
        const deadline = Date.now() + 30_000;
        const poll = () => {
          if (Number(el.getAttribute('aria-rowcount')) - 1 >= min) {
            resolve();
          } else if (Date.now() > deadline) {
            reject(new Error(`the table drew ${Number(el.getAttribute('aria-rowcount')) - 1} rows, not ${min}`));
          } else {
            setTimeout(poll, 100);
          }
        };
        poll();
      }),
    minRows
  );
  return grid.evaluate(async (el) => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const cells = new Map<string, string>();
    const inks = new Map<string, number>();
    const painted = (canvas: HTMLCanvasElement) => {
      if (canvas.width === 0 || canvas.height === 0) {
        return 0;
      }
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let i = 3; i < data.length; i += 4) {
        count += data[i] > 0 ? 1 : 0;
      }
      return count;
    };
    const collect = () => {
      for (const cell of el.querySelectorAll('[role=row] [aria-colindex]')) {
        const key = `${cell.closest('[role=row]')?.getAttribute('aria-rowindex')}:${cell.getAttribute('aria-colindex')}`;
        cells.set(key, (cell.textContent ?? '').trim());
        inks.set(
          key,
          [...cell.querySelectorAll('canvas')].reduce((sum, canvas) => sum + painted(canvas), 0)
        );
      }
    };
    const columns = Number(el.getAttribute('aria-colcount'));
    const rowCount = Number(el.getAttribute('aria-rowcount')) - 1;
    for (let top = 0; ; top += Math.max(1, el.clientHeight / 2)) {
      el.scrollTop = top;
      for (let left = 0; ; left += Math.max(1, el.clientWidth / 2)) {
        el.scrollLeft = left;
        await frame();
        collect();
        if (el.scrollLeft + el.clientWidth >= el.scrollWidth - 1) {
          break;
        }
      }
      if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) {
        break;
      }
    }
    el.scrollTop = 0;
    el.scrollLeft = 0;
    const line = (row: number) => Array.from({ length: columns }, (_, c) => cells.get(`${row}:${c + 1}`) ?? '');
    const inkLine = (row: number) => Array.from({ length: columns }, (_, c) => inks.get(`${row}:${c + 1}`) ?? 0);
    return {
      rowCount,
      headers: line(1),
      rows: Array.from({ length: rowCount }, (_, r) => line(r + 2)),
      ink: Array.from({ length: rowCount }, (_, r) => inkLine(r + 2)),
    };
  });
}

function columnIndex(table: DrawnTable, header: string): number {
  const index = table.headers.indexOf(header);
  if (index < 0) {
    throw new Error(`no column "${header}" in ${JSON.stringify(table.headers)}`);
  }
  return index;
}

/** The drawn table's column `header`, top to bottom. */
export function column(table: DrawnTable, header: string): string[] {
  const index = columnIndex(table, header);
  return table.rows.map((row) => row[index]);
}

/** The painted canvas pixels of column `header`'s cells, top to bottom. */
export function columnInk(table: DrawnTable, header: string): number[] {
  const index = columnIndex(table, header);
  return table.ink.map((row) => row[index]);
}
