import { dateTimeFormat } from '@grafana/data';
import { setBackendSrv } from '@grafana/runtime';
import type { Incident } from '@osprey/model';
import { act, fireEvent, render, screen } from '@testing-library/react';

import { FakeBackend } from '@osprey/plugin-kit/testing';
import { pageOf } from './AppRoot';
import { Incidents } from './Incidents';
import { BACKEND_ROUTE } from './settings';

const INCIDENTS = '/api/v1/incidents';

const incident = (over: Partial<Incident>): Incident => ({
  id: '0190a1b2c3d4e5f6a7b8c9d0',
  service: 'cart',
  instance: 'cart-1',
  host: 'node-7',
  minutes: 15,
  createdAt: Date.UTC(2026, 11, 7, 2, 10),
  status: 'ready',
  captures: [
    { kind: 'threaddump', requestId: 'r1', status: 'done', resultId: 'd1' },
    { kind: 'heaphistogram', requestId: 'r2', status: 'done', resultId: 'h1' },
    {
      kind: 'hostsnapshot',
      requestId: 'r3',
      status: 'pending',
      error: 'not in within 60 s: is an Osprey agent watching it?',
    },
  ],
  bundle: { bytes: 20_480, sha256: 'ab'.repeat(32), files: [{ path: 'red.json', bytes: 10, sha256: 'cd'.repeat(32) }] },
  ...over,
});

async function renderWith(backend: FakeBackend) {
  setBackendSrv(backend.backendSrv);
  await act(async () => {
    render(<Incidents />);
  });
}

describe('Incidents page', () => {
  it('lists the incidents with their captures and a download link through the plugin route', async () => {
    const backend = new FakeBackend(BACKEND_ROUTE).on(INCIDENTS, { json: { incidents: [incident({ note: 'slow' })] } });
    await renderWith(backend);
    expect(screen.getByText('cart / cart-1')).toBeInTheDocument();
    expect(
      screen.getByText(
        'threaddump done; heaphistogram done; hostsnapshot pending: not in within 60 s: is an Osprey agent watching it?'
      )
    ).toBeInTheDocument();
    const link = screen.getByText('Download (20 KiB, 1 files)').closest('a')!;
    expect(link.getAttribute('href')).toBe(`${BACKEND_ROUTE}${INCIDENTS}/0190a1b2c3d4e5f6a7b8c9d0/bundle`);
  });

  it('marks an incident loaded from another Osprey’s bundle as imported, with when', async () => {
    const importedAt = Date.UTC(2026, 11, 7, 9, 30);
    const backend = new FakeBackend(BACKEND_ROUTE).on(INCIDENTS, {
      json: { incidents: [incident({ importedAt }), incident({ id: '0190a1b2c3d4e5f6a7b8c9d1', service: 'pay' })] },
    });
    await renderWith(backend);
    expect(screen.getByText(`ready, imported ${dateTimeFormat(importedAt)}`)).toBeInTheDocument();
    // The one collected here says only its status.
    expect(screen.getByText('pay / cart-1').closest('tr')!.textContent).not.toMatch(/imported/);
  });

  it('asks for a bundle with what the form says, then shows it collecting', async () => {
    const collecting = incident({ status: 'collecting', bundle: undefined, host: 'cart-1' });
    let list: Incident[] = [];
    const backend = new FakeBackend(BACKEND_ROUTE)
      .on(INCIDENTS, () => ({ json: { incidents: list } }))
      .on(
        INCIDENTS,
        () => {
          list = [collecting];
          return { json: collecting };
        },
        'POST'
      );
    await renderWith(backend);
    expect(screen.getByText('No incident collected yet.')).toBeInTheDocument();
    const ask = screen.getByTestId('osprey-incident-ask');
    expect(ask).toBeDisabled();
    fireEvent.change(document.getElementById('osprey-incident-service')!, { target: { value: ' cart ' } });
    fireEvent.change(document.getElementById('osprey-incident-instance')!, { target: { value: 'cart-1' } });
    fireEvent.change(document.getElementById('osprey-incident-minutes')!, { target: { value: '5' } });
    await act(async () => {
      fireEvent.click(ask);
    });
    expect(backend.requests.find((r) => r.method === 'POST')?.data).toEqual({
      service: 'cart',
      instance: 'cart-1',
      minutes: 5,
    });
    expect(screen.getByText('collecting')).toBeInTheDocument();
  });

  it('says what failed when the backend refuses', async () => {
    const backend = new FakeBackend(BACKEND_ROUTE).on(INCIDENTS, {
      status: 403,
      json: { error: 'forbidden', message: 'token lacks the read scope' },
    });
    await renderWith(backend);
    expect(screen.getByTestId('osprey-incident-error').textContent).toMatch(/Reading the incidents.*403/);
  });
});

describe('pageOf', () => {
  it.each([
    ['/a/osprey-apm-app', 'start'],
    ['/a/osprey-apm-app/', 'start'],
    ['/a/osprey-apm-app/incidents', 'incidents'],
    ['/a/osprey-apm-app/incidents/', 'incidents'],
    ['/a/osprey-apm-app/incidentsx', 'start'],
  ])('%s → %s', (path, page) => {
    expect(pageOf(path)).toBe(page);
  });
});
