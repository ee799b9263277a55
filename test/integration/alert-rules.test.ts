/**
 * The alert rules as files: Prometheus' own promtool checks and unit-tests the Prometheus rules, the
 * Grafana provisioning agrees with them rule by rule, and every reference in provisioning/alerting
 * (datasource, dashboard, contact point, environment variable) resolves.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { parse } from 'yaml';

import {
  GRAFANA_RULES,
  GRAFANA_RULES_OPTIONS,
  PROMETHEUS_ALERTS,
  PROMETHEUS_RECORDING,
  PROMETHEUS_SLO,
  SLO_EXAMPLE_CONFIG,
} from '../../scripts/src/alerting/generate';
import {
  EXPRESSION_DATASOURCE_UID,
  type GrafanaRulesFile,
  grafanaRulesFile,
  OP_SYMBOLS,
  type PrometheusRuleFile,
  type ThresholdOp,
} from '../../scripts/src/alerting/grafana-rules';
import { sloRulesFile } from '../../backend/src/slo/rules-file';
import { bundledDashboards } from '../dashboards/bundled';

const root = path.resolve(__dirname, '../..');
const RULES_DIR = 'provisioning/prometheus/rules';
const readYaml = <T>(rel: string): T => parse(readFileSync(path.join(root, rel), 'utf8')) as T;

interface DashboardPanel {
  id: number;
  panels?: DashboardPanel[];
}

/** The bundled dashboards' uids, the only targets of the alerts' dashboard links. */
const DASHBOARD_UIDS = [
  'osprey-service-overview',
  'osprey-transactions',
  'osprey-service-map',
  'osprey-jvm',
  'osprey-containers',
  'osprey-hosts',
  'osprey-health',
];
const SEVERITIES = ['warning', 'critical'];

const prometheus = readYaml<PrometheusRuleFile>(PROMETHEUS_ALERTS);
const grafana = readYaml<GrafanaRulesFile>(GRAFANA_RULES);
const promAlerts = prometheus.groups.flatMap((g) => g.rules);
const grafanaRules = grafana.groups.flatMap((g) => g.rules);

interface ContactPoints {
  apiVersion: number;
  contactPoints: Array<{
    name: string;
    receivers: Array<{ uid: string; type: string; settings: Record<string, string> }>;
  }>;
}
interface Route {
  receiver?: string;
  object_matchers?: Array<[string, string, string]>;
  routes?: Route[];
}

describe('Prometheus rules (promtool)', () => {
  const promtool = (...args: string[]) => execFileSync('promtool', args, { cwd: root, encoding: 'utf8' });

  it('pass promtool check rules', () => {
    // execFileSync throws on a non-zero exit, with promtool's complaint in the error.
    const out = promtool('check', 'rules', PROMETHEUS_RECORDING, PROMETHEUS_SLO, PROMETHEUS_ALERTS);
    for (const file of [PROMETHEUS_RECORDING, PROMETHEUS_SLO]) {
      const recording = readYaml<PrometheusRuleFile>(file).groups.flatMap((g) => g.rules).length;
      expect(out).toContain(`SUCCESS: ${recording} rules found`);
    }
    expect(out).toContain(`SUCCESS: ${promAlerts.length} rules found`);
  });

  it(`${PROMETHEUS_SLO} is what osprey slo-rules makes of ${SLO_EXAMPLE_CONFIG}`, () => {
    const committed = readFileSync(path.join(root, PROMETHEUS_SLO), 'utf8');
    expect(committed).toBe(sloRulesFile(SLO_EXAMPLE_CONFIG, readFileSync(path.join(root, SLO_EXAMPLE_CONFIG), 'utf8')));
  });

  it('pass promtool test rules: each alert fires with its labels and annotations, healthy series do not; SLO burn rates page when fast, ticket when slow, stay silent within budget', () => {
    const testFile = `${RULES_DIR}/osprey-alerts.test.yml`;
    expect(promtool('test', 'rules', testFile)).toContain('SUCCESS');
    const tested = readYaml<{ tests: Array<{ alert_rule_test?: Array<{ alertname: string }> }> }>(testFile);
    const alertnames = new Set(tested.tests.flatMap((t) => (t.alert_rule_test ?? []).map((a) => a.alertname)));
    expect([...alertnames].sort()).toEqual(promAlerts.map((r) => r.alert).sort());
  });

  it('are loaded by provisioning/prometheus/prometheus.yml, which keeps Osprey’s instance label', () => {
    const config = readYaml<{
      rule_files: string[];
      scrape_configs: Array<{ job_name: string; honor_labels?: boolean }>;
    }>('provisioning/prometheus/prometheus.yml');
    expect(config.rule_files.map((f) => path.basename(f)).sort()).toEqual(
      [PROMETHEUS_ALERTS, PROMETHEUS_RECORDING, PROMETHEUS_SLO].map((f) => path.basename(f)).sort()
    );
    expect(config.scrape_configs.find((j) => j.job_name === 'osprey')?.honor_labels).toBe(true);
  });

  it('label every alert with a severity and annotate it with summary, description, runbook and a dashboard link', () => {
    for (const rule of promAlerts) {
      expect(SEVERITIES).toContain(rule.labels.severity);
      expect(Object.keys(rule.annotations).sort()).toEqual(['dashboard', 'description', 'runbook', 'summary']);
      const uid = /^\/d\/([^?]+)/.exec(rule.annotations.dashboard)?.[1];
      expect(DASHBOARD_UIDS).toContain(uid);
    }
  });
});

describe('provisioning/alerting/rules.yaml', () => {
  it(`is what npm run alert-rules makes of ${PROMETHEUS_ALERTS}`, () => {
    expect(grafana).toEqual(grafanaRulesFile(prometheus, GRAFANA_RULES_OPTIONS));
  });

  // Checked apart from the generator: a bug in it must not make both sides wrong the same way.
  it('has, for every Prometheus alert, a Grafana rule whose query, threshold, for, labels and annotations are the same', () => {
    expect(grafanaRules.map((r) => r.title)).toEqual(promAlerts.map((r) => r.alert));
    for (const [i, rule] of grafanaRules.entries()) {
      const prom = promAlerts[i];
      const byRef = Object.fromEntries(rule.data.map((q) => [q.refId, q]));
      expect(rule.condition).toBe('C');
      const threshold = byRef.C.model as {
        expression: string;
        conditions: Array<{ evaluator: { type: ThresholdOp; params: number[] } }>;
      };
      const reduce = byRef.B.model as { expression: string; reducer: string };
      expect([threshold.expression, reduce.expression, reduce.reducer]).toEqual(['B', 'A', 'last']);
      const { type, params } = threshold.conditions[0].evaluator;
      expect(`${String(byRef.A.model.expr)} ${OP_SYMBOLS[type]} ${params[0]}`).toBe(prom.expr.trim());
      expect(rule.for).toBe(prom.for ?? '0s');
      expect(rule.labels).toEqual(prom.labels);
      const back = Object.fromEntries(
        Object.entries(rule.annotations).map(([k, v]) => [k, v.replaceAll('$values.B.Value', '$value')])
      );
      expect(back).toEqual(prom.annotations);
    }
  });

  it('uses only provisioned datasources and Grafana expressions, with valid unique uids', () => {
    const datasourceUids = readdirSync(path.join(root, 'provisioning/datasources'))
      .filter((f) => /\.ya?ml$/.test(f))
      .flatMap((f) => readYaml<{ datasources: Array<{ uid: string }> }>(`provisioning/datasources/${f}`).datasources)
      .map((d) => d.uid);
    for (const rule of grafanaRules) {
      for (const query of rule.data) {
        if (query.datasourceUid !== EXPRESSION_DATASOURCE_UID) {
          expect(datasourceUids).toContain(query.datasourceUid);
        }
      }
      expect(rule.uid).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
    }
    expect(new Set(grafanaRules.map((r) => r.uid)).size).toBe(grafanaRules.length);
    expect(grafana.apiVersion).toBe(1);
  });

  it('ties each rule to the dashboard it links to, and to a panel that exists there', () => {
    const panelIds = (uid: string): number[] => {
      const dashboard = bundledDashboards().find((d) => d.json.uid === uid);
      expect(dashboard).toBeDefined();
      const walk = (panels: DashboardPanel[]): number[] => panels.flatMap((p) => [p.id, ...walk(p.panels ?? [])]);
      return walk(dashboard!.json.panels as DashboardPanel[]);
    };
    for (const rule of grafanaRules) {
      expect(rule.dashboardUid).toBe(/^\/d\/([^?]+)/.exec(rule.annotations.dashboard)?.[1]);
      if (rule.panelId !== undefined) {
        expect(panelIds(rule.dashboardUid!)).toContain(rule.panelId);
      }
    }
    expect(grafanaRules.filter((r) => r.panelId !== undefined).map((r) => r.title)).toEqual(
      Object.keys(GRAFANA_RULES_OPTIONS.panels)
    );
  });

  it('leaves Grafana’s environment expansion nothing to expand', () => {
    // Grafana runs labels through $NAME expansion and annotations through ${NAME}: a `{{ $labels.x }}`
    // in a label, or a ${...} in an annotation, would be emptied on load.
    for (const rule of grafanaRules) {
      expect(JSON.stringify(rule.labels)).not.toContain('$');
      expect(JSON.stringify(rule.annotations)).not.toContain('${');
    }
  });
});

describe('provisioning/alerting contact points and policy', () => {
  const contactPoints = readYaml<ContactPoints>('provisioning/alerting/contact-points.yaml');
  const policies = readYaml<{ apiVersion: number; policies: Route[] }>('provisioning/alerting/policies.yaml');
  const names = contactPoints.contactPoints.map((c) => c.name);

  it('has webhook, Slack and Telegram examples with their required settings', () => {
    expect(contactPoints.apiVersion).toBe(1);
    const byType = Object.fromEntries(
      contactPoints.contactPoints.flatMap((c) => c.receivers).map((r) => [r.type, r.settings])
    );
    expect(Object.keys(byType).sort()).toEqual(['slack', 'telegram', 'webhook']);
    expect(byType.webhook.url).toBeTruthy();
    expect(byType.slack.url).toBeTruthy();
    expect([byType.telegram.bottoken, byType.telegram.chatid].every(Boolean)).toBe(true);
  });

  it('takes every secret from an environment variable that docker-compose.yml gives Grafana', () => {
    const compose = parse(execFileSync('docker-compose', ['config'], { cwd: root, encoding: 'utf8' })) as {
      services: { grafana: { environment: Record<string, string> } };
    };
    const settings = contactPoints.contactPoints.flatMap((c) => c.receivers.flatMap((r) => Object.values(r.settings)));
    const variables = settings.flatMap((value) => [...value.matchAll(/\$([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]));
    expect(variables.sort()).toEqual(
      ['OSPREY_ALERT_WEBHOOK_URL', 'SLACK_WEBHOOK_URL', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_CHAT_ID'].sort()
    );
    for (const name of variables) {
      // Empty, Grafana would refuse the contact point, and with it the whole provisioning.
      expect(compose.services.grafana.environment[name]).toBeTruthy();
    }
  });

  it('routes only to contact points that exist, and reaches each of them by severity', () => {
    const used: string[] = [];
    const matchers: Array<[string, string, string]> = [];
    const walk = (route: Route) => {
      if (route.receiver !== undefined) {
        used.push(route.receiver);
      }
      matchers.push(...(route.object_matchers ?? []));
      route.routes?.forEach(walk);
    };
    expect(policies.apiVersion).toBe(1);
    policies.policies.forEach(walk);
    for (const receiver of used) {
      expect(names).toContain(receiver);
    }
    expect([...new Set(used)].sort()).toEqual([...names].sort());
    for (const [label, op, value] of matchers) {
      expect(label).toBe('severity');
      const matches = (severity: string) =>
        op === '=' ? severity === value : new RegExp(`^(?:${value})$`).test(severity);
      expect(SEVERITIES.some(matches)).toBe(true);
    }
  });
});
