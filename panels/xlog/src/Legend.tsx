import { useStyles2 } from '@grafana/ui';

import type { DensityCells } from './density';
import type { Paint } from './paint';
import { getStyles } from './styles';
import type { YField } from './types';

interface Props {
  paint?: Paint;
  density?: DensityCells;
  colors: string[];
  /** The y field the options ask for, and the one shown (elapsed when the data lacks the other). */
  asked: YField;
  shown: YField;
  live: boolean;
}

/** Under the plot: each paint's colour and dot count, or the density's totals; what differs from the options. */
export function Legend({ paint, density, colors, asked, shown, live }: Props) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.legend} data-testid="osprey-xlog-legend">
      {paint
        ? paint.entries.map((entry, k) => (
            <span key={entry.key} data-testid={`osprey-xlog-legend-${entry.key}`} data-count={entry.count}>
              <span className={styles.swatch} style={{ background: colors[k] }} />
              {entry.label} {entry.count}
            </span>
          ))
        : density && (
            <span data-testid="osprey-xlog-legend-density" data-count={density.total}>
              <span className={styles.swatch} style={{ background: colors[0] }} />
              {density.total} transactions in {density.count} cells, {density.totalErrors} errors
            </span>
          )}
      {shown !== asked && <span>no {asked} in the data: showing elapsed</span>}
      {live && <span>live</span>}
    </div>
  );
}
