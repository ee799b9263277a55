/** The check routes' answers → the Health dashboard's frames (names in model/src/checks.ts). */
import { createDataFrame, type DataFrame, FieldType } from '@grafana/data';
import { CHECK_FRAMES, CHECK_STATUS_FIELDS as F, type CheckRun, type CheckStatus } from '@osprey/model';

/** Share of up runs, in percent; undefined without runs (unknown, not 0 %). */
export function uptimePercent(runs: readonly CheckRun[]): number | undefined {
  return runs.length === 0 ? undefined : (100 * runs.filter((r) => r.up).length) / runs.length;
}

/**
 * One row per check: its newest run (state, latency, reason) and its uptime over the runs of the
 * time range. `up` is 1/0 (null before the first run) so a value mapping colours it.
 */
export function checkStatusFrame(refId: string, checks: readonly CheckStatus[], runs: readonly CheckRun[]): DataFrame {
  const byCheck = new Map<string, CheckRun[]>();
  runs.forEach((run) => byCheck.set(run.check, [...(byCheck.get(run.check) ?? []), run]));
  const last = checks.map((c) => c.lastRun ?? byCheck.get(c.definition.name)?.[0]);
  const ofRun = <T>(pick: (run: CheckRun) => T | undefined) => last.map((run) => (run ? (pick(run) ?? null) : null));
  return createDataFrame({
    refId,
    name: CHECK_FRAMES.status,
    fields: [
      { name: F.check, type: FieldType.string, values: checks.map((c) => c.definition.name) },
      { name: F.kind, type: FieldType.string, values: checks.map((c) => c.definition.kind) },
      { name: F.url, type: FieldType.string, values: checks.map((c) => c.definition.url) },
      { name: F.up, type: FieldType.number, values: ofRun((r) => (r.up ? 1 : 0)) },
      { name: F.lastRun, type: FieldType.time, values: ofRun((r) => r.startedAt) },
      { name: F.duration, type: FieldType.number, values: ofRun((r) => r.durationMs), config: { unit: 'ms' } },
      { name: F.firstByte, type: FieldType.number, values: ofRun((r) => r.phases.firstByte), config: { unit: 'ms' } },
      { name: F.httpStatus, type: FieldType.number, values: ofRun((r) => r.httpStatus) },
      { name: F.failure, type: FieldType.string, values: ofRun((r) => r.failure) },
      { name: F.message, type: FieldType.string, values: ofRun((r) => r.message) },
      {
        name: F.uptime,
        type: FieldType.number,
        values: checks.map((c) => uptimePercent(byCheck.get(c.definition.name) ?? []) ?? null),
        config: { unit: 'percent', decimals: 2 },
      },
      {
        name: F.runs,
        type: FieldType.number,
        values: checks.map((c) => byCheck.get(c.definition.name)?.length ?? 0),
      },
    ],
  });
}

/** One frame per check, oldest run first: `time` and `up` (1/0, displayed as the check's name). */
export function checkRunFrames(refId: string, runs: readonly CheckRun[]): DataFrame[] {
  const byCheck = new Map<string, CheckRun[]>();
  for (const run of [...runs].sort((a, b) => a.startedAt - b.startedAt)) {
    byCheck.set(run.check, [...(byCheck.get(run.check) ?? []), run]);
  }
  return [...byCheck.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([check, ofCheck]) =>
      createDataFrame({
        refId,
        name: `${CHECK_FRAMES.runs} ${check}`,
        meta: { custom: { check } },
        fields: [
          { name: 'time', type: FieldType.time, values: ofCheck.map((r) => r.startedAt) },
          {
            name: 'up',
            type: FieldType.number,
            values: ofCheck.map((r) => (r.up ? 1 : 0)),
            config: { displayNameFromDS: check },
          },
        ],
      })
    );
}
