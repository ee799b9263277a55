/**
 * Pan and zoom as an SVG viewBox. The view keeps the panel's aspect ratio, so one scale (screen pixels
 * per layout unit) maps pointer positions to layout units on both axes.
 */
export interface View {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const MIN_SCALE = 0.01;
export const MAX_SCALE = 4;
const FIT_MARGIN = 12;

export const scaleOf = (view: View, pixelWidth: number): number => pixelWidth / view.width;

/** The whole layout, centred, with a margin; never enlarged beyond 1:1 so a small map keeps its size. */
export function fitView(size: { width: number; height: number }, pixelWidth: number, pixelHeight: number): View {
  const w = Math.max(1, pixelWidth - 2 * FIT_MARGIN);
  const h = Math.max(1, pixelHeight - 2 * FIT_MARGIN);
  const scale = Math.min(1, w / Math.max(1, size.width), h / Math.max(1, size.height));
  const width = Math.max(1, pixelWidth) / scale;
  const height = Math.max(1, pixelHeight) / scale;
  return { x: (size.width - width) / 2, y: (size.height - height) / 2, width, height };
}

/** Zooms by `factor` keeping the layout point under the pixel (px, py) where it is. */
export function zoomAt(view: View, px: number, py: number, factor: number, pixelWidth: number): View {
  const scale = scaleOf(view, pixelWidth);
  const next = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale * factor));
  const ux = view.x + px / scale;
  const uy = view.y + py / scale;
  const ratio = scale / next;
  return { x: ux - px / next, y: uy - py / next, width: view.width * ratio, height: view.height * ratio };
}

/** Moves the view with a drag of (dx, dy) pixels: the map follows the pointer. */
export function panBy(view: View, dx: number, dy: number, pixelWidth: number): View {
  const scale = scaleOf(view, pixelWidth);
  return { ...view, x: view.x - dx / scale, y: view.y - dy / scale };
}
