/** The query editor's fields of the OTLP query types (metrics by name, runtime series, logs). */
import { type FieldProps, QueryChoice, QueryInput } from './QueryFields';

export function OtelFields(props: FieldProps) {
  return (
    <>
      <QueryInput field="metricNames" {...props} />
      <QueryChoice field="runtimeSeries" {...props} />
      <QueryInput field="search" {...props} />
      <QueryChoice field="minSeverity" {...props} />
    </>
  );
}
