import { colorManipulator, type GrafanaTheme2 } from '@grafana/data';

import type { Paint } from './paint';
import { packRgba } from './render';
import type { ColorBy } from './types';

/** A theme colour (hex, rgb() or a named colour) as a packed RGBA word for the pixel buffer. */
export function rgbaWord(color: string): number {
  const { values } = colorManipulator.decomposeColor(colorManipulator.asRgbString(color));
  const [r, g, b] = values;
  const a = values.length > 3 ? Math.round(values[3] * 255) : 255;
  return packRgba(r, g, b, a);
}

/** CSS colour of each legend entry of a paint, in paint order (entry k is paint index k + 1). */
export function paintColors(theme: GrafanaTheme2, colorBy: ColorBy, paint: Paint): string[] {
  const error = theme.visualization.getColorByName('red');
  if (colorBy === 'service') {
    const palette = theme.visualization.palette;
    return paint.entries.map((entry, k) =>
      entry.key === 'error' ? error : theme.visualization.getColorByName(palette[k % palette.length])
    );
  }
  return [theme.visualization.getColorByName('blue'), theme.visualization.getColorByName('orange'), error];
}

/** The palette rasterize reads: word k is paint index k's colour, word 0 unused. */
export function paletteWords(colors: string[]): Uint32Array {
  const words = new Uint32Array(colors.length + 1);
  colors.forEach((c, k) => {
    words[k + 1] = rgbaWord(c);
  });
  return words;
}
