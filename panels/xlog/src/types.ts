import type { YField } from './points';

export interface XlogOptions {
  yField: YField;
  yScale: 'log' | 'linear';
  dotSize: number;
}

export const DEFAULT_OPTIONS: XlogOptions = { yField: 'elapsed', yScale: 'log', dotSize: 3 };
