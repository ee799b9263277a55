import type { GrafanaAlertRule } from '../../scripts/src/alerting/grafana-rules';
import {
  BUNDLED_RULES,
  bundledGroups,
  durationMs,
  folderUid,
  planAlertRules,
  type ProvisionedAlertRule,
  provisionedAlertRule,
  type StoredAlertRule,
} from './alert-rules';

const fileRule: GrafanaAlertRule = {
  uid: 'osprey-jvm-deadlock',
  title: 'OspreyJvmDeadlock',
  condition: 'C',
  data: [
    {
      refId: 'A',
      relativeTimeRange: { from: 600, to: 0 },
      datasourceUid: 'prometheus',
      model: { refId: 'A', expr: 'osprey_jvm_deadlocked_threads', instant: true },
    },
    {
      refId: 'C',
      datasourceUid: '__expr__',
      model: {
        refId: 'C',
        type: 'threshold',
        expression: 'A',
        conditions: [{ evaluator: { type: 'gt', params: [0] } }],
      },
    },
  ],
  noDataState: 'OK',
  execErrState: 'Error',
  for: '0s',
  labels: { severity: 'critical' },
  annotations: { summary: 'deadlock', dashboard: '/d/osprey-jvm' },
  dashboardUid: 'osprey-jvm',
  panelId: 2,
};
const place = { folderUID: 'osprey', ruleGroup: 'osprey-alerts', orgID: 1 };
const wanted = provisionedAlertRule(fileRule, place);

/** The rule as Grafana answers GET for it after saving `body` (AlertQuery.PreSave, empty fields filled). */
function asStored(body: ProvisionedAlertRule, extra: Partial<StoredAlertRule> = {}): StoredAlertRule {
  return {
    ...body,
    id: 12,
    updated: '2026-01-01T00:00:00Z',
    provenance: '',
    isPaused: false,
    data: body.data.map((q) => ({
      ...q,
      queryType: '',
      relativeTimeRange: q.relativeTimeRange ?? { from: 0, to: 0 },
      model: { ...q.model, intervalMs: 1000, maxDataPoints: 43200 },
    })),
    ...extra,
  } as StoredAlertRule;
}

describe('provisionedAlertRule', () => {
  it('is the documented body: the file fields, the folder uid, group and org, the panel link as annotations', () => {
    expect(wanted).toEqual({
      uid: 'osprey-jvm-deadlock',
      title: 'OspreyJvmDeadlock',
      condition: 'C',
      data: fileRule.data,
      folderUID: 'osprey',
      ruleGroup: 'osprey-alerts',
      orgID: 1,
      for: '0s',
      noDataState: 'OK',
      execErrState: 'Error',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'deadlock',
        dashboard: '/d/osprey-jvm',
        __dashboardUid__: 'osprey-jvm',
        __panelId__: '2',
      },
    });
  });

  it('leaves the panel link out for a rule tied to a dashboard alone, as Grafana refuses one half of it', () => {
    const { annotations } = provisionedAlertRule({ ...fileRule, panelId: undefined }, place);
    expect(annotations).toEqual({ summary: 'deadlock', dashboard: '/d/osprey-jvm' });
  });
});

describe('bundledGroups', () => {
  it('places every rule of provisioning/alerting/rules.yaml in its group, the folder by uid', () => {
    const groups = bundledGroups(BUNDLED_RULES, 3);
    expect(groups.map((g) => [g.folderUid, g.folderTitle, g.name, g.intervalSeconds])).toEqual(
      BUNDLED_RULES.groups.map((g) => ['osprey', 'Osprey', g.name, 60])
    );
    expect(groups.flatMap((g) => g.rules.map((r) => r.uid))).toEqual(
      BUNDLED_RULES.groups.flatMap((g) => g.rules.map((r) => r.uid))
    );
    for (const rule of groups.flatMap((g) => g.rules)) {
      expect(rule).toMatchObject({ folderUID: 'osprey', orgID: 3 });
      expect(rule).not.toHaveProperty('dashboardUid');
      expect(rule).not.toHaveProperty('panelId');
    }
  });
});

describe('durationMs', () => {
  it.each([
    ['0s', 0],
    ['0', 0],
    ['5m', 300_000],
    ['300s', 300_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
  ])('%s is %d ms', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });

  it.each(['', '5', 'five minutes', '5m ', '1x'])('refuses %j', (text) => {
    expect(() => durationMs(text)).toThrow('is not a duration');
  });
});

describe('folderUid', () => {
  it.each([
    ['Osprey', 'osprey'],
    ['Osprey APM / Alerts', 'osprey-apm-alerts'],
  ])('%s → %s', (title, uid) => {
    expect(folderUid(title)).toBe(uid);
  });
});

describe('planAlertRules', () => {
  const plan = (stored?: StoredAlertRule) => planAlertRules([wanted], new Map(stored ? [[wanted.uid, stored]] : []))[0];
  const changedThreshold = {
    ...wanted,
    data: [wanted.data[0], { ...wanted.data[1], model: { ...wanted.data[1].model, conditions: [] } }],
  };

  it('creates a rule Grafana does not have', () => {
    expect(plan()).toEqual({ action: 'create', rule: wanted });
  });

  it('leaves a rule Grafana holds as shipped, with the defaults it fills in on save', () => {
    expect(plan(asStored(wanted))).toEqual({ action: 'unchanged', rule: wanted });
  });

  it('reads `for` as a duration, not as text', () => {
    expect(plan(asStored(wanted, { for: '0m' })).action).toBe('unchanged');
  });

  it('updates a rule whose threshold someone changed, keeping it paused if it was', () => {
    expect(plan(asStored(changedThreshold, { isPaused: true }))).toEqual({
      action: 'update',
      rule: { ...wanted, isPaused: true },
    });
  });

  it.each<[string, Partial<StoredAlertRule>]>([
    ['a removed annotation', { annotations: { summary: 'deadlock' } }],
    ['an added label', { labels: { severity: 'critical', team: 'x' } }],
    ['another folder', { folderUID: 'general' }],
    ['another group', { ruleGroup: 'mine' }],
    ['another pending period', { for: '5m' }],
    ['no data firing', { noDataState: 'Alerting' }],
  ])('updates a rule with %s', (_name, change) => {
    expect(plan(asStored(wanted, change)).action).toBe('update');
  });

  it('updates a rule whose queries are in another order', () => {
    expect(plan(asStored({ ...wanted, data: [...wanted.data].reverse() })).action).toBe('update');
  });

  it('keeps a differing rule another owner provisioned, since Grafana lets only that owner change it', () => {
    expect(plan(asStored(changedThreshold, { provenance: 'file' }))).toEqual({
      action: 'keep',
      rule: wanted,
      provenance: 'file',
    });
  });

  it('calls a provisioned rule that is as shipped unchanged', () => {
    expect(plan(asStored(wanted, { provenance: 'file' })).action).toBe('unchanged');
  });
});
