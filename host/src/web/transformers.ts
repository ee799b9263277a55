/**
 * A panel's transformations, run as Grafana runs them (transformDataFrame, after the query and
 * before the field overrides) with the transformers @grafana/data ships. Grafana core registers
 * them in `standardTransformersRegistry` at start; the npm packages leave it empty, and
 * transformDataFrame passes the data on unchanged for an id it does not find.
 */
import {
  type DataFrame,
  type DataTransformerConfig,
  standardTransformers,
  standardTransformersRegistry,
  transformDataFrame,
  type TransformerRegistryItem,
} from '@grafana/data';
import { lastValueFrom } from 'rxjs';

export function registerStandardTransformers(): void {
  // One entry per id: @grafana/data lists some transformers under two names.
  const infos = [...new Map(Object.values(standardTransformers).map((info) => [info.id, info])).values()];
  standardTransformersRegistry.setInit(() =>
    infos.map((info): TransformerRegistryItem => ({
      id: info.id,
      name: info.name,
      description: info.description,
      transformation: () => Promise.resolve(info),
      // The host has no transformation editor.
      editor: () => null,
      imageDark: '',
      imageLight: '',
    }))
  );
}

/** The ids among `transformations` (enabled ones) that no registered transformer has. */
export function unknownTransformations(transformations: readonly DataTransformerConfig[]): string[] {
  return transformations.filter((t) => !t.disabled && !standardTransformersRegistry.getIfExists(t.id)).map((t) => t.id);
}

/** `series` through `transformations`, their strings read with the dashboard's variables. */
export function transformed(
  transformations: DataTransformerConfig[],
  series: DataFrame[],
  interpolate: (text: string) => string
): Promise<DataFrame[]> {
  return lastValueFrom(transformDataFrame(transformations, series, { interpolate }));
}
