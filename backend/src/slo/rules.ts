import type { SloDefinition } from '@osprey/model';

/**
 * Prometheus recording rules for the SLOs' burn rates over the series Osprey's /metrics exposes:
 * availability from `osprey_transaction_errors_total` / `osprey_transactions_total`, latency from
 * the `osprey_transaction_duration_seconds` bucket at the threshold (an edge, so the count is exact)
 * over its `_count`. Each SLO gets `slo:burn_rate{slo, service, endpoint?, objective, window}` for
 * every window the multi-window, multi-burn-rate alerts of the Google SRE workbook (chapter 5,
 * "Alerting on SLOs") read: the alerts in osprey-alerts.yml are the same for every SLO, because a
 * burn rate divides the error ratio by the SLO's own budget (1 − target).
 */

/** Burn-rate windows: each alert's long window and the short one that stops it soon after recovery. */
export const BURN_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}

export interface RecordingRuleFile {
  groups: Array<{ name: string; interval?: string; rules: RecordingRule[] }>;
}

export const BURN_RATE_SERIES = 'slo:burn_rate';

/** A PromQL string literal: JSON's escapes are Go's for everything a label value holds. */
const quote = (value: string): string => JSON.stringify(value);

function selector(slo: SloDefinition, extra: Record<string, string> = {}): string {
  const labels: Record<string, string> = {
    service: slo.service,
    ...(slo.endpoint === undefined ? {} : { endpoint: slo.endpoint }),
    ...extra,
  };
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(',')}}`;
}

/** The bad share of an SLO's transactions over `window`; NaN (no alert) without traffic. */
export function errorRatio(slo: SloDefinition, window: string): string {
  if (slo.objective === 'availability') {
    return `sum(rate(osprey_transaction_errors_total${selector(slo)}[${window}])) / sum(rate(osprey_transactions_total${selector(slo)}[${window}]))`;
  }
  // prom-client writes bucket edges as JavaScript prints the number of seconds: 0.25, 1, 2.5.
  const le = String(slo.thresholdMs! / 1000);
  const good = `sum(rate(osprey_transaction_duration_seconds_bucket${selector(slo, { le })}[${window}]))`;
  return `1 - ${good} / sum(rate(osprey_transaction_duration_seconds_count${selector(slo)}[${window}]))`;
}

/** Recording rules of every SLO; an SLO list without entries gives a file with no groups. */
export function sloRecordingRules(slos: readonly SloDefinition[]): RecordingRuleFile {
  return {
    groups: slos.map((slo) => ({
      name: `osprey-slo-${slo.name}`,
      rules: BURN_WINDOWS.map((window) => ({
        record: BURN_RATE_SERIES,
        expr: `(${errorRatio(slo, window)}) / ${Number((1 - slo.target / 100).toPrecision(12))}`,
        labels: {
          slo: slo.name,
          service: slo.service,
          ...(slo.endpoint === undefined ? {} : { endpoint: slo.endpoint }),
          objective: slo.objective,
          window,
        },
      })),
    })),
  };
}
