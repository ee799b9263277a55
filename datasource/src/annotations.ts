/** Error bursts as annotation events, from XLOG rows or RED error percentages. */
import type { AnnotationEvent, DataFrame, Field } from '@grafana/data';

import { FRAME_NAMES } from './frames';
import { textAt } from './window-frame';

/** Errors of one service further apart than this start a new burst. */
export const BURST_GAP_MS = 60_000;

export interface Burst {
  time: number;
  timeEnd: number;
  count: number;
}

/** Sorted-or-not instants → runs whose neighbours are at most `gapMs` apart. */
export function clusterInstants(times: number[], gapMs: number): Burst[] {
  const sorted = [...times].sort((a, b) => a - b);
  const bursts: Burst[] = [];
  for (const t of sorted) {
    const last = bursts[bursts.length - 1];
    if (last && t - last.timeEnd <= gapMs) {
      last.timeEnd = t;
      last.count++;
    } else {
      bursts.push({ time: t, timeEnd: t, count: 1 });
    }
  }
  return bursts;
}

const field = (frame: DataFrame, name: string): Field | undefined => frame.fields.find((f) => f.name === name);

function event(service: string, burst: Burst, text: string): AnnotationEvent {
  return {
    time: burst.time,
    timeEnd: burst.timeEnd,
    isRegion: burst.timeEnd > burst.time,
    title: `Errors in ${service}`,
    text,
    tags: ['errors', service],
    color: 'red',
  };
}

/** Error rows of an XLOG frame, per service, clustered into bursts. */
export function transactionErrorEvents(frame: DataFrame): AnnotationEvent[] {
  const time = field(frame, 'endTime')?.values ?? [];
  const status = field(frame, 'status');
  const service = field(frame, 'service');
  const byService = new Map<string, number[]>();
  for (let i = 0; i < time.length; i++) {
    if (textAt(status, i) === 'error') {
      const name = textAt(service, i);
      byService.set(name, [...(byService.get(name) ?? []), Number(time[i])]);
    }
  }
  return [...byService].flatMap(([name, times]) =>
    clusterInstants(times, BURST_GAP_MS).map((b) => event(name, b, `${b.count} failed transaction(s)`))
  );
}

/** Steps of a RED frame with errors, merged while consecutive; the region ends where the last step ends. */
export function redErrorEvents(frame: DataFrame): AnnotationEvent[] {
  const percent = field(frame, 'errorPercent');
  const time = field(frame, 'time');
  if (!percent || !time) {
    return [];
  }
  const step = Number(time.config.interval ?? 0);
  const steps: number[] = [];
  percent.values.forEach((p, i) => {
    if (typeof p === 'number' && p > 0) {
      steps.push(Number(time.values[i]));
    }
  });
  const service = percent.labels?.service ?? frame.name ?? 'service';
  const group = frame.name ?? service;
  return clusterInstants(steps, step).map((b) => {
    const inBurst = percent.values.filter((_p, i) => time.values[i] >= b.time && time.values[i] <= b.timeEnd);
    const peak = Math.max(...inBurst.map(Number));
    return event(service, { ...b, timeEnd: b.timeEnd + step }, `${group}: up to ${peak.toFixed(1)} % errors`);
  });
}

/** Every error burst the frames of an annotation query show. */
export function errorBurstEvents(frames: DataFrame[]): AnnotationEvent[] {
  return frames.flatMap((f) => {
    if (f.name === FRAME_NAMES.transactions) {
      return transactionErrorEvents(f);
    }
    return field(f, 'errorPercent') ? redErrorEvents(f) : [];
  });
}
