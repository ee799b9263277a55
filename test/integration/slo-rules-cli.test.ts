/**
 * `osprey slo-rules` as the real CLI: the example config's rules on stdout are the committed
 * provisioning/prometheus/rules/osprey-slo.yml (which promtool checks in alert-rules.test.ts), and a
 * config with a bad SLO exits 2 naming it, writing no file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { PROMETHEUS_SLO, SLO_EXAMPLE_CONFIG } from '../../scripts/src/alerting/generate';
import { buildBackend, ROOT } from './osprey-cli';

jest.setTimeout(120_000);

const CLI = path.join(ROOT, 'backend', 'bin', 'osprey.js');
const osprey = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });

let dir: string;

beforeAll(() => {
  buildBackend();
  dir = mkdtempSync(path.join(tmpdir(), 'osprey-slo-rules-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('osprey slo-rules', () => {
  it('prints the committed rule file for the example config', () => {
    const run = osprey('slo-rules', '--config', SLO_EXAMPLE_CONFIG);
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toBe(readFileSync(path.join(ROOT, PROMETHEUS_SLO), 'utf8'));
  });

  it('writes --out', () => {
    const out = path.join(dir, 'slo.yml');
    expect(osprey('slo-rules', '--config', SLO_EXAMPLE_CONFIG, '--out', out).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('record: slo:burn_rate');
  });

  it.each([
    [
      'a latency SLO off the histogram edges',
      'slos: [{ name: a, service: s, objective: latency, target: 99, window: 30d, thresholdMs: 300 }]',
      'slos[0].thresholdMs must be equal to one of the allowed values',
    ],
    ['no SLOs', 'port: 1234\n', 'declares no slos'],
    ['an unknown key', 'slo: []\n', 'unknown key "slo"'],
  ])('exits 2 on %s, naming the problem and writing nothing', (_name, text, message) => {
    const config = path.join(dir, 'bad.yaml');
    const out = path.join(dir, 'never.yml');
    writeFileSync(config, text);
    const run = osprey('slo-rules', '--config', config, '--out', out);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(existsSync(out)).toBe(false);
  });

  it('needs --config', () => {
    const run = osprey('slo-rules');
    expect([run.status, run.stderr]).toEqual([2, expect.stringContaining('slo-rules needs --config <file>')]);
  });
});
