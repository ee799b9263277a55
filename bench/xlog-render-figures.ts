/** What the XLOG benchmark page measures and hands back to bench/xlog-render.ts. */
export interface XlogFigures {
  dots: number;
  devicePixelRatio: number;
  plot: string;
  coldMs: number;
  renderMs: number[];
  paintedPixels: number;
  pan: {
    frames: number;
    drawMs: { median: number; p95: number; max: number };
    frameIntervalMs: { median: number; p95: number };
  };
}

export interface UplotFigures {
  dots: number;
  renderMs?: number;
  paintedPixels?: number;
  panMs?: { median: number; max: number };
  /** Why this size failed: an exception, the page crashing, or no draw within the time limit. */
  error?: string;
}
