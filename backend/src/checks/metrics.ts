import type { CheckStatus } from '@osprey/model';
import { Gauge, type Registry, type RegistryContentType } from 'prom-client';

/** The phases of a run as `phase` label values of osprey_check_duration_seconds. */
const PHASES = { dns: 'dns', connect: 'connect', tls: 'tls', firstByte: 'first_byte' } as const;

/**
 * osprey_check_up and osprey_check_duration_seconds from each check's newest run on this backend,
 * read at scrape time. A check that has not run yet has no series: "unknown" is not "down".
 */
export function registerCheckGauges(registry: Registry<RegistryContentType>, checks: () => CheckStatus[]): void {
  const registers = [registry];
  const labelNames = ['check', 'kind', 'location'];
  new Gauge({
    name: 'osprey_check_up',
    help: 'Whether the newest run of a synthetic check passed (1) or failed (0).',
    labelNames,
    registers,
    collect() {
      this.reset();
      for (const { lastRun } of checks()) {
        if (lastRun) {
          this.set({ check: lastRun.check, kind: lastRun.kind, location: lastRun.location }, lastRun.up ? 1 : 0);
        }
      }
    },
  });
  new Gauge({
    name: 'osprey_check_duration_seconds',
    help: 'Newest run of a synthetic check: the whole run (phase="total") and the time from its start to each phase it reached.',
    labelNames: [...labelNames, 'phase'],
    registers,
    collect() {
      this.reset();
      for (const { lastRun } of checks()) {
        if (!lastRun) {
          continue;
        }
        const labels = { check: lastRun.check, kind: lastRun.kind, location: lastRun.location };
        this.set({ ...labels, phase: 'total' }, lastRun.durationMs / 1000);
        for (const [phase, label] of Object.entries(PHASES) as Array<[keyof typeof PHASES, string]>) {
          const ms = lastRun.phases[phase];
          if (ms !== undefined) {
            this.set({ ...labels, phase: label }, ms / 1000);
          }
        }
      }
    },
  });
}
