import { setTimeout as sleep } from 'node:timers/promises';

import { SpanKind, trace } from '@opentelemetry/api';

import { HttpError, type Route } from '../http-server';
import type { ServiceInstance } from './types';

const tracer = trace.getTracer('osprey-demo-payments');

/** Charges above this are declined as over the card limit. */
export const CARD_LIMIT_CENTS = 30_000;
/** The card network is given this long before payments gives up with 503. */
export const ACQUIRER_TIMEOUT_MS = 2_000;

export interface ChargeOutcome {
  status: 200 | 402 | 503;
  reason?: string;
}

/** Decision of the (simulated) acquirer for a charge that took `latencyMs` to answer. */
export function chargeOutcome(amountCents: number, userId: string, latencyMs: number): ChargeOutcome {
  if (latencyMs > ACQUIRER_TIMEOUT_MS) {
    return { status: 503, reason: 'acquirer timeout' };
  }
  if (userId === 'user-13') {
    return { status: 402, reason: 'card expired' };
  }
  if (amountCents > CARD_LIMIT_CENTS) {
    return { status: 402, reason: 'insufficient funds' };
  }
  return { status: 200 };
}

/** Card-network latency: mostly 20–120 ms; one call in 20 takes 1–3 s, and half of those time out. */
export function acquirerLatency(random: () => number): number {
  return random() < 0.05 ? 1_000 + random() * 2_000 : 20 + random() * 100;
}

export function payments(): ServiceInstance {
  const routes: Route[] = [
    {
      method: 'POST',
      pattern: '/charge',
      handler: async (req) => {
        const { amountCents, userId } = (req.body ?? {}) as { amountCents?: number; userId?: string };
        if (typeof amountCents !== 'number' || typeof userId !== 'string') {
          throw new HttpError(400, 'amountCents and userId are required');
        }
        const latency = acquirerLatency(Math.random);
        // The card network is an external party we cannot run here; the sleep stands in for its
        // latency inside a CLIENT span, as an instrumented acquirer SDK would report it.
        await tracer.startActiveSpan(
          'authorize',
          {
            kind: SpanKind.CLIENT,
            attributes: { 'peer.service': 'card-network', 'server.address': 'acquirer.example' },
          },
          async (span) => {
            await sleep(Math.min(latency, ACQUIRER_TIMEOUT_MS));
            span.end();
          }
        );
        const outcome = chargeOutcome(amountCents, userId, latency);
        if (outcome.status !== 200) {
          throw new HttpError(
            outcome.status,
            outcome.reason ?? 'declined',
            outcome.status === 503 ? 'AcquirerTimeout' : 'CardDeclined'
          );
        }
        return { status: 200, body: { authorized: true } };
      },
    },
  ];
  return { routes, close: () => undefined };
}
