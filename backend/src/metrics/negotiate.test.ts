import { negotiateExposition, type Exposition } from './negotiate';

describe('negotiateExposition', () => {
  it.each<[string, string | undefined, Exposition]>([
    ['no header', undefined, 'prometheus'],
    ['empty', '', 'prometheus'],
    ['wildcard', '*/*', 'prometheus'],
    ['plain text', 'text/plain; version=0.0.4', 'prometheus'],
    ['openmetrics', 'application/openmetrics-text; version=1.0.0', 'openmetrics'],
    [
      'Prometheus 2.x scrape',
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      'openmetrics',
    ],
    ['plain preferred by quality', 'application/openmetrics-text;q=0.3,text/plain;q=0.9', 'prometheus'],
    ['equal quality goes to openmetrics', 'text/plain;q=0.5, application/openmetrics-text;q=0.5', 'openmetrics'],
    ['refused with q=0', 'application/openmetrics-text;q=0', 'prometheus'],
    ['upper case', 'Application/OpenMetrics-Text; Version=1.0.0', 'openmetrics'],
    ['bad quality ignored', 'application/openmetrics-text;q=abc', 'prometheus'],
    ['json only', 'application/json', 'prometheus'],
  ])('%s', (_name, accept, expected) => {
    expect(negotiateExposition(accept)).toBe(expected);
  });
});
