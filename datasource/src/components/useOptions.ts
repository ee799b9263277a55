/** The query editors' options loaded from the backend. */
import type { SelectableValue } from '@grafana/data';
import { useEffect, useState } from 'react';

/** Options loaded from the backend; a failure is kept as text for the select's "no options" message. */
export function useOptions(load: (() => Promise<Array<SelectableValue<string>>>) | undefined, deps: unknown[]) {
  const [options, setOptions] = useState<Array<SelectableValue<string>>>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!load) {
      return;
    }
    let live = true;
    load().then(
      (list) => {
        if (live) {
          setOptions(list);
          setError(undefined);
        }
      },
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err))
    );
    return () => {
      live = false;
    };
    // The loaders are recreated every render; what they load depends only on `deps`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return { options, error };
}
