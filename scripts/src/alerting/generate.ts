/**
 * Writes provisioning/alerting/rules.yaml from provisioning/prometheus/rules/osprey-alerts.yml
 * (`npm run alert-rules`); test/integration/alert-rules.test.ts fails when the two disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { parse, stringify } from 'yaml';

import { grafanaRulesFile, type PrometheusRuleFile } from './grafana-rules';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const PROMETHEUS_ALERTS = 'provisioning/prometheus/rules/osprey-alerts.yml';
export const PROMETHEUS_RECORDING = 'provisioning/prometheus/rules/osprey-recording.yml';
export const GRAFANA_RULES = 'provisioning/alerting/rules.yaml';
/** Options of the generated file; the test regenerates with the same ones. */
export const GRAFANA_RULES_OPTIONS = {
  datasourceUid: 'prometheus',
  folder: 'Osprey',
  interval: '1m',
  // The ingest alerts have no panel of their own on the dashboards they link to.
  panels: {
    OspreyServiceLatencyHigh: 3, // service overview: Latency p50 / p90 / p99 by service
    OspreyServiceErrorRateHigh: 1, // transactions: XLOG, errors in red
    OspreyServiceThroughputDrop: 1, // service map: Trace map
    OspreyJvmDeadlock: 2, // JVM: Deadlocked threads
    OspreyActiveRequestsStuck: 5, // service overview: Active services (equalizer)
    OspreyCheckDown: 1, // health: Synthetic checks
  },
};

const HEADER = `# Generated from ${PROMETHEUS_ALERTS} by \`npm run alert-rules\`: edit that file, then regenerate.
# Grafana-managed alert rules on the Prometheus datasource (uid ${GRAFANA_RULES_OPTIONS.datasourceUid}), which must load
# ${PROMETHEUS_RECORDING}: the alerts read the recorded series.
`;

if (require.main === module) {
  const prometheus = parse(readFileSync(path.join(ROOT, PROMETHEUS_ALERTS), 'utf8')) as PrometheusRuleFile;
  const grafana = grafanaRulesFile(prometheus, GRAFANA_RULES_OPTIONS);
  writeFileSync(
    path.join(ROOT, GRAFANA_RULES),
    HEADER + stringify(grafana, { lineWidth: 0, aliasDuplicateObjects: false })
  );
}
