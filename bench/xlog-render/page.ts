/**
 * The benchmark page: one Chromium page, one data set, both renderers. Bundled by bench/xlog-render.ts;
 * `window.runXlogBench()` returns the figures.
 */
import uPlot from 'uplot';

import { createRaster, packRgba, rasterize, transformY, type RasterView } from '../../panels/xlog/src/render';
import { logDomain } from '../../panels/xlog/src/scale';
import type { UplotFigures, XlogFigures } from '../xlog-render-figures';

const WIDTH = 900;
const HEIGHT = 400;
const WINDOW_MS = 15 * 60_000;
const T0 = 1_763_800_000_000;
const DOT = 3;

/** Scouter-like traffic: log-normal elapsed around 40 ms, a slow tail, 3 % errors, spread over 15 minutes. */
function traffic(n: number) {
  let seed = 2463534242;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return ((seed >>> 0) + 0.5) / 4294967296;
  };
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const paint = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = T0 + next() * WINDOW_MS;
    const normal = Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
    y[i] = Math.exp(Math.log(40) + normal * (next() < 0.05 ? 2 : 0.8));
    paint[i] = next() < 0.03 ? 3 : 1;
  }
  return { x, y, paint };
}

const sorted = (a: number[]) => [...a].sort((p, q) => p - q);
const pct = (a: number[], p: number) => sorted(a)[Math.min(a.length - 1, Math.floor(a.length * p))];
const round = (v: number) => Math.round(v * 100) / 100;

function painted(canvas: HTMLCanvasElement): number {
  const ctx = canvas.getContext('2d')!;
  const data = new Uint32Array(ctx.getImageData(0, 0, canvas.width, canvas.height).data.buffer);
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    n += data[i] >>> 24 === 0 ? 0 : 1;
  }
  return n;
}

function canvasIn(host: HTMLElement): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(WIDTH * dpr);
  canvas.height = Math.round(HEIGHT * dpr);
  canvas.style.width = `${WIDTH}px`;
  canvas.style.height = `${HEIGHT}px`;
  host.replaceChildren(canvas);
  return canvas;
}

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

/** The XLOG panel's renderer: log y transform once, then rasterise + putImageData per render. */
function xlogRenderer(canvas: HTMLCanvasElement, data: ReturnType<typeof traffic>, n: number) {
  const ctx = canvas.getContext('2d')!;
  const palette = new Uint32Array([0, packRgba(87, 148, 242), packRgba(255, 152, 48), packRgba(242, 73, 92)]);
  const raster = createRaster(canvas.width, canvas.height);
  const image = new ImageData(new Uint8ClampedArray(raster.pixels.buffer as ArrayBuffer), canvas.width, canvas.height);
  let ty: Float64Array | undefined;
  let domain: [number, number] = [1, 10];
  return (x0: number) => {
    if (!ty) {
      ty = transformY(data.y, n, 'log');
      domain = logDomain(data.y, n);
    }
    const view: RasterView = {
      width: canvas.width,
      height: canvas.height,
      x0,
      x1: x0 + WINDOW_MS,
      t0: Math.log10(domain[0]),
      t1: Math.log10(domain[1]),
      dot: DOT * (window.devicePixelRatio || 1),
    };
    rasterize(data.x, ty, data.paint, n, palette, view, raster);
    ctx.putImageData(image, 0, 0);
  };
}

/** Called on each uPlot draw after the first (panning waits on it). */
let uplotDrew: (() => void) | undefined;

/**
 * uPlot as a scatter (mode 2, its points path builder) over the same dots, handed over in the arrays
 * it takes; resolves at its first draw hook, so the time covers building the chart and drawing it.
 */
function uplotScatter(host: HTMLElement, xs: number[], ys: number[]) {
  return new Promise<{ plot: uPlot; ms: number }>((resolve, reject) => {
    let first = true;
    const started = performance.now();
    try {
      new uPlot(
        {
          mode: 2,
          width: WIDTH,
          height: HEIGHT,
          legend: { show: false },
          cursor: { show: false },
          scales: { x: { time: true }, y: { distr: 3 } },
          series: [
            {},
            {
              stroke: 'rgb(87,148,242)',
              fill: 'rgb(87,148,242)',
              paths: uPlot.paths.points!(),
              points: { show: true, size: DOT, width: 0 },
            },
          ],
          hooks: {
            draw: [
              (u) => {
                if (first) {
                  first = false;
                  resolve({ plot: u, ms: performance.now() - started });
                } else {
                  uplotDrew?.();
                }
              },
            ],
          },
        },
        [null, [xs, ys]] as unknown as uPlot.AlignedData,
        host
      );
    } catch (err) {
      reject(err);
    }
  });
}

const DOTS = 1_000_000;

/** The panel's renderer on DOTS dots: first render, ten full renders, then 120 frames of live sliding. */
async function runXlog(): Promise<XlogFigures> {
  const data = traffic(DOTS);
  const canvas = canvasIn(document.getElementById('plot')!);
  const draw = xlogRenderer(canvas, data, DOTS);
  let started = performance.now();
  draw(T0);
  const coldMs = performance.now() - started;
  const renderMs: number[] = [];
  for (let i = 0; i < 10; i++) {
    started = performance.now();
    draw(T0);
    renderMs.push(performance.now() - started);
  }
  const paintedPixels = painted(canvas);

  // Live: the window slides right each frame (dots drift left), one full render per frame.
  const drawMs: number[] = [];
  const intervals: number[] = [];
  let last = await nextFrame();
  for (let f = 0; f < 120; f++) {
    started = performance.now();
    draw(T0 + f * 2000);
    drawMs.push(performance.now() - started);
    const now = await nextFrame();
    intervals.push(now - last);
    last = now;
  }
  return {
    dots: DOTS,
    devicePixelRatio: window.devicePixelRatio,
    plot: `${WIDTH}×${HEIGHT} CSS px, ${DOT} px dots`,
    coldMs: round(coldMs),
    renderMs: renderMs.map(round),
    paintedPixels,
    pan: {
      frames: drawMs.length,
      drawMs: { median: round(pct(drawMs, 0.5)), p95: round(pct(drawMs, 0.95)), max: round(Math.max(...drawMs)) },
      frameIntervalMs: { median: round(pct(intervals, 0.5)), p95: round(pct(intervals, 0.95)) },
    },
  };
}

/** uPlot on the first n of the same dots: time to its first draw, pixels painted, then 10 pans. */
async function runUplot(n: number, pan: boolean): Promise<UplotFigures> {
  const data = traffic(DOTS);
  const host = document.getElementById('plot')!;
  const seconds = Array.from(data.x.subarray(0, n), (t) => t / 1000);
  const elapsed = Array.from(data.y.subarray(0, n));
  await nextFrame();
  const { plot, ms } = await uplotScatter(host, seconds, elapsed);
  const paintedPixels = painted(plot.ctx.canvas);
  const panMs: number[] = [];
  for (let f = 1; pan && f <= 10; f++) {
    const drew = new Promise<void>((resolve) => {
      uplotDrew = resolve;
    });
    const started = performance.now();
    plot.setScale('x', { min: (T0 + f * 2000) / 1000, max: (T0 + f * 2000 + WINDOW_MS) / 1000 });
    await drew;
    panMs.push(performance.now() - started);
    await nextFrame();
  }
  plot.destroy();
  return {
    dots: n,
    renderMs: round(ms),
    paintedPixels,
    panMs: panMs.length ? { median: round(pct(panMs, 0.5)), max: round(Math.max(...panMs)) } : undefined,
  };
}

Object.assign(window, { runXlog, runUplot });
document.body.dataset.ready = 'true';
