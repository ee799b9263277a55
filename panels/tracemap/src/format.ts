import type { MapNode } from './graph';
import type { ColorBy } from './types';

/** Calls per second: more digits the smaller the figure, none above 100. */
export function formatRate(perSecond: number): string {
  const digits = perSecond >= 100 ? 0 : perSecond >= 10 ? 1 : 2;
  return `${perSecond.toFixed(digits)}/s`;
}

export function formatPercent(ratio: number): string {
  const percent = ratio * 100;
  return percent === 0 ? '0%' : percent < 0.1 ? '<0.1%' : `${percent.toFixed(percent < 10 ? 1 : 0)}%`;
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${ms.toFixed(ms >= 10 ? 0 : 1)} ms`;
}

/** The label an edge carries: calls/s · error % · p95, leaving out what the frame did not have. */
export function edgeLabel(e: { rate?: number; errorRatio?: number; p95?: number }): string {
  const parts: string[] = [];
  if (e.rate !== undefined) {
    parts.push(formatRate(e.rate));
  }
  if (e.errorRatio !== undefined) {
    parts.push(`${formatPercent(e.errorRatio)} err`);
  }
  if (e.p95 !== undefined) {
    parts.push(`p95 ${formatMs(e.p95)}`);
  }
  return parts.join(' · ');
}

/** Cuts a label to `max` characters with an ellipsis, so it stays inside its node box. */
export function fitLabel(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/**
 * A node's second line: a leaf group its worst error %, a database or external its kind and error %,
 * a service rate · error % · p95, or rate · Apdex · error % when nodes are coloured by Apdex.
 */
export function nodeStats(n: MapNode, colorBy: ColorBy): string {
  if (n.group?.by === 'leaves') {
    return n.errorRatio === undefined ? '' : `worst ${formatPercent(n.errorRatio)} err`;
  }
  if (n.kind !== 'service' && n.subtitle) {
    return n.errorRatio ? `${n.subtitle} · ${formatPercent(n.errorRatio)} err` : n.subtitle;
  }
  const rate = n.rate !== undefined ? formatRate(n.rate) : undefined;
  const errors = n.errorRatio !== undefined ? `${formatPercent(n.errorRatio)} err` : undefined;
  const parts = (
    colorBy === 'apdex'
      ? [rate, n.apdex !== undefined ? `Apdex ${n.apdex.toFixed(2)}` : undefined, errors]
      : [rate, errors, n.p95 !== undefined ? `p95 ${formatMs(n.p95)}` : undefined]
  ).filter(Boolean);
  return n.group ? `${n.subtitle} · ${parts.join(' · ')}` : parts.join(' · ') || (n.subtitle ?? '');
}
