import {
  dashboardUidOf,
  grafanaAnnotation,
  grafanaRule,
  grafanaRulesFile,
  ruleUid,
  splitCondition,
  type SplitCondition,
} from './grafana-rules';

describe('splitCondition', () => {
  it.each<[string, SplitCondition]>([
    ['osprey_jvm_deadlocked_threads > 0', { query: 'osprey_jvm_deadlocked_threads', op: 'gt', threshold: 0 }],
    ['a:ratio > 0.05', { query: 'a:ratio', op: 'gt', threshold: 0.05 }],
    ['x / (x offset 1h > 0.1) < 0.5', { query: 'x / (x offset 1h > 0.1)', op: 'lt', threshold: 0.5 }],
    ['sum by (a) (\n  rate(m[5m])\n) > 3\n', { query: 'sum by (a) (\n  rate(m[5m])\n)', op: 'gt', threshold: 3 }],
    ['delta(t[5m]) < -2', { query: 'delta(t[5m])', op: 'lt', threshold: -2 }],
  ])('%j', (expr, expected) => {
    expect(splitCondition('A', expr)).toEqual(expected);
  });

  it.each([
    ['no comparison', 'up'],
    ['comparison against a series', 'a > b'],
    ['>= is not a threshold op here', 'up >= 1'],
    ['bool modifier', 'up > bool 1'],
    ['nothing before the op', '> 1'],
  ])('refuses %s', (_name, expr) => {
    expect(() => splitCondition('OspreyX', expr)).toThrow(
      `alert OspreyX: expr must end with "> <number>" or "< <number>", got: ${expr}`
    );
  });
});

describe('grafanaAnnotation', () => {
  it.each([
    ['{{ $value }} threads', '{{ $values.B.Value }} threads'],
    [
      '{{ $value | humanizePercentage }} of {{ $labels.service }}',
      '{{ $values.B.Value | humanizePercentage }} of {{ $labels.service }}',
    ],
    ['{{ $values.A.Value }} stays', '{{ $values.A.Value }} stays'],
    ['no template', 'no template'],
  ])('%s', (prometheus, grafana) => {
    expect(grafanaAnnotation(prometheus)).toBe(grafana);
  });
});

describe('ruleUid', () => {
  it.each([
    ['OspreyJvmDeadlock', 'osprey-jvm-deadlock'],
    ['OspreyIngestQueueFull', 'osprey-ingest-queue-full'],
    ['Osprey5xxHigh', 'osprey5xx-high'],
  ])('%s', (alert, uid) => {
    expect(ruleUid(alert)).toBe(uid);
  });
});

describe('grafanaRule', () => {
  it('queries Prometheus, reduces to the last non-NaN value and compares with the threshold', () => {
    const rule = grafanaRule(
      {
        alert: 'OspreyJvmDeadlock',
        expr: 'osprey_jvm_deadlocked_threads > 0',
        labels: { severity: 'critical' },
        annotations: { summary: '{{ $value }} deadlocked' },
      },
      'prom'
    );
    expect(rule).toMatchObject({
      uid: 'osprey-jvm-deadlock',
      title: 'OspreyJvmDeadlock',
      condition: 'C',
      for: '0s',
      noDataState: 'OK',
      labels: { severity: 'critical' },
      annotations: { summary: '{{ $values.B.Value }} deadlocked' },
    });
    expect(rule.data.map((q) => [q.refId, q.datasourceUid])).toEqual([
      ['A', 'prom'],
      ['B', '__expr__'],
      ['C', '__expr__'],
    ]);
    expect(rule.data[0].model).toMatchObject({ expr: 'osprey_jvm_deadlocked_threads', instant: true });
    expect(rule.data[1].model).toMatchObject({ type: 'reduce', expression: 'A', reducer: 'last' });
    expect(rule.data[2].model).toMatchObject({
      type: 'threshold',
      expression: 'B',
      conditions: [{ evaluator: { type: 'gt', params: [0] } }],
    });
  });
});

describe('dashboardUidOf', () => {
  it.each<[string | undefined, string | undefined]>([
    ['/d/osprey-jvm?var-service={{ $labels.service }}', 'osprey-jvm'],
    ['/d/osprey-hosts', 'osprey-hosts'],
    ['/d/osprey-hosts/hosts-slug?orgId=1', 'osprey-hosts'],
    ['https://runbooks.example/x', undefined],
    [undefined, undefined],
  ])('%s → %s', (link, uid) => {
    expect(dashboardUidOf(link)).toBe(uid);
  });
});

describe('rule → dashboard and panel', () => {
  const deadlock = {
    alert: 'OspreyJvmDeadlock',
    expr: 'osprey_jvm_deadlocked_threads > 0',
    labels: { severity: 'critical' },
    annotations: { summary: 's', dashboard: '/d/osprey-jvm?var-instance={{ $labels.instance }}' },
  };

  it('ties the rule to the linked dashboard, and to the panel when one is given', () => {
    expect(grafanaRule(deadlock, 'prom', 2)).toMatchObject({ dashboardUid: 'osprey-jvm', panelId: 2 });
    const dashboardOnly = grafanaRule(deadlock, 'prom');
    expect(dashboardOnly.dashboardUid).toBe('osprey-jvm');
    expect('panelId' in dashboardOnly).toBe(false);
  });

  it('refuses a panel without a dashboard link, and panels for alerts that do not exist', () => {
    const unlinked = { ...deadlock, annotations: { summary: 's' } };
    expect(() => grafanaRule(unlinked, 'prom', 2)).toThrow(
      'alert OspreyJvmDeadlock: a panel id needs a dashboard annotation linking to /d/<uid>'
    );
    const file = { groups: [{ name: 'g', rules: [deadlock] }] };
    const options = { datasourceUid: 'prom', folder: 'F', interval: '1m' };
    expect(() => grafanaRulesFile(file, { ...options, panels: { OspreyJvmDeadlok: 2 } })).toThrow(
      'panels given for alerts that do not exist: OspreyJvmDeadlok'
    );
    expect(grafanaRulesFile(file, { ...options, panels: { OspreyJvmDeadlock: 2 } }).groups[0].rules[0].panelId).toBe(2);
  });
});
