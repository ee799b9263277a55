/**
 * @jest-environment jsdom
 */
/**
 * The links of the bundled dashboards as the host builds them: @grafana/data's data-link supplier
 * (what Grafana's table calls for a cell) over the host's TemplateSrv, for the macros and formats
 * the dashboards use.
 */
import { applyFieldOverrides, createTheme, dateTime, FieldType, toDataFrame } from '@grafana/data';

import { registerStandardFieldConfigs } from '../../host/src/web/field-config';
import { HostTemplateSrv } from '../../host/src/web/template-srv';

// What the host page does at start: without it, applyFieldOverrides drops a dashboard's links.
registerStandardFieldConfigs();

describe('HostTemplateSrv in data links', () => {
  const srv = new HostTemplateSrv();
  const options = ['catalog', 'checkout'];
  srv.setVariable({ name: 'service', current: { text: 'checkout', value: 'checkout' }, options });
  srv.setVariable({ name: 'instance', current: { text: 'All', value: ['$__all'] }, options: ['a/1', 'b 2'] });
  srv.setVariable({
    name: 'endpoint',
    current: { text: ['GET /a', 'POST /b'], value: ['GET /a', 'POST /b'] },
    options,
  });
  const raw = { from: 'now-15m', to: 'now' };
  srv.updateTimeRange({ from: dateTime(0), to: dateTime(1), raw });
  const frame = toDataFrame({
    fields: [
      { name: 'name', type: FieldType.string, values: ['shop-frontend', 'pod a/b'] },
      { name: 'path', type: FieldType.string, values: ['host:h1', 'cluster:c 1/ns:x'] },
      { name: 'count', type: FieldType.number, values: [3, 1500], config: { unit: 'short' } },
    ],
  });
  /** The href Grafana builds for row `row` of field `fieldName` from a link of the bundled dashboards. */
  const href = (url: string, fieldName: string, row: number) => {
    const [withLinks] = applyFieldOverrides({
      data: [frame],
      fieldConfig: { defaults: { links: [{ title: 't', url }] }, overrides: [] },
      replaceVariables: (v, scoped, format) => srv.replace(v, scoped, format as string | undefined),
      theme: createTheme(),
      timeZone: 'utc',
    });
    const field = withLinks.fields.find((f) => f.name === fieldName)!;
    return field.getLinks!({ valueRowIndex: row })[0].href;
  };

  it.each([
    // service-overview "Top slow endpoints": the dashboard's variables as URL parameters.
    [
      '/d/osprey-transactions?${service:queryparam}&${instance:queryparam}&${endpoint:queryparam}&${__url_time_range}',
      'name',
      0,
      '/d/osprey-transactions?var-service=checkout&var-instance=$__all&var-endpoint=GET%20%2Fa&var-endpoint=POST%20%2Fb&from=now-15m&to=now',
    ],
    // health "Focus on": another field of the row, percent-encoded.
    [
      '/d/osprey-health?var-focus=${__data.fields.path:percentencode}&${__url_time_range}',
      'name',
      1,
      '/d/osprey-health?var-focus=cluster%3Ac%201%2Fns%3Ax&from=now-15m&to=now',
    ],
    // A link's own value, URI-encoded as Grafana encodes a data link's href.
    ['/d/x?var-service=${__value.raw}', 'name', 1, '/d/x?var-service=pod%20a%2Fb'],
    ['/d/x?n=${__value.raw}&t=${__value.text}', 'count', 1, '/d/x?n=1500&t=1.50%20K'],
    [
      '/d/x?var-service=${__data.fields.name}&c=${__data.fields.count.raw}',
      'path',
      0,
      '/d/x?var-service=shop-frontend&c=3',
    ],
  ])('%s on %s row %d → %s', (url, fieldName, row, expected) => {
    expect(href(url, fieldName, row)).toBe(expected);
  });

  it('leaves an unknown field as written', () => {
    expect(href('/d/x?a=${__data.fields.nope}', 'name', 0)).toBe('/d/x?a=${__data.fields.nope}');
  });
});
