/**
 * A panel's query run as Grafana's PanelQueryRunner runs it: one request for the panel's targets,
 * each answer kept under its key (the datasource answers every target under its own, and a live
 * target's later packets replace only its frames), state Loading → Streaming/Done/Error.
 */
import {
  type DataFrame,
  type DataQuery,
  type DataQueryResponse,
  type DataTransformerConfig,
  LoadingState,
  type PanelData,
  type TimeRange,
} from '@grafana/data';
import { useEffect, useState } from 'react';
import { concat, from, isObservable, of } from 'rxjs';

import { queryRequest } from '../web/query';
import { type DataSourceLike, templateSrv } from '../web/runtime';
import { transformed } from '../web/transformers';

function merged(answers: Map<string, DataQueryResponse>, range: TimeRange, done: boolean): Omit<PanelData, 'request'> {
  const responses = [...answers.values()];
  const failed = responses.find((r) => r.error || r.state === LoadingState.Error);
  const streaming = responses.some((r) => r.state === LoadingState.Streaming);
  return {
    series: responses.flatMap((r) => r.data),
    timeRange: range,
    state: failed
      ? LoadingState.Error
      : streaming
        ? LoadingState.Streaming
        : done
          ? LoadingState.Done
          : LoadingState.Loading,
    error: failed?.error,
    errors: failed?.errors,
  };
}

/**
 * Runs `targets` whenever `runKey` changes (time range, variables, a refresh tick, the panel's size):
 * the previous run is unsubscribed, as Grafana cancels a panel's query when it starts the next.
 */
export function usePanelData(
  ds: DataSourceLike | undefined,
  panelId: number,
  targets: DataQuery[],
  range: TimeRange,
  width: number,
  runKey: string
): PanelData {
  const [data, setData] = useState<PanelData>({ state: LoadingState.Loading, series: [], timeRange: range });
  useEffect(() => {
    if (!ds || targets.length === 0 || width <= 0) {
      return;
    }
    const request = queryRequest(targets, range, { requestId: `panel-${panelId}`, maxDataPoints: Math.round(width) });
    const answers = new Map<string, DataQueryResponse>();
    const result = ds.query(request);
    // The panel keeps its last data while it loads, as in Grafana: `undefined` first marks the start.
    const subscription = concat(of(undefined), isObservable(result) ? result : from(result)).subscribe({
      next: (response) => {
        if (!response) {
          setData((previous) => ({ ...previous, state: LoadingState.Loading, timeRange: range, request }));
          return;
        }
        answers.set(response.key ?? 'A', response);
        setData({ ...merged(answers, range, false), request });
      },
      error: (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        setData({ state: LoadingState.Error, series: [], timeRange: range, request, error: { message } });
      },
      complete: () => setData({ ...merged(answers, range, true), request }),
    });
    return () => subscription.unsubscribe();
    // runKey stands for everything the query depends on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ds, runKey]);
  return data;
}

/**
 * The panel's data after its transformations, as the query runner hands it to the panel; until the
 * frames of the newest answer are transformed, the last transformed ones, still loading.
 */
export function useTransformedData(transformations: DataTransformerConfig[], data: PanelData): PanelData {
  const [result, setResult] = useState<{ of: DataFrame[]; series: DataFrame[]; error?: string }>();
  const key = JSON.stringify(transformations);
  useEffect(() => {
    if (transformations.length === 0) {
      return;
    }
    let current = true;
    transformed(transformations, data.series, (text) => templateSrv.replace(text)).then(
      (series) => current && setResult({ of: data.series, series }),
      (err: unknown) => current && setResult({ of: data.series, series: [], error: String(err) })
    );
    return () => {
      current = false;
    };
    // key stands for the transformations.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, data.series]);
  if (transformations.length === 0) {
    return data;
  }
  if (result?.error !== undefined && result.of === data.series) {
    return { ...data, series: [], state: LoadingState.Error, error: { message: result.error } };
  }
  const done = result?.of === data.series;
  return { ...data, series: result?.series ?? [], state: done ? data.state : LoadingState.Loading };
}
