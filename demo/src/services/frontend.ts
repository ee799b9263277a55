import { trace } from '@opentelemetry/api';

import { requestJson } from '../http-client';
import { HttpError, type Request, type Route } from '../http-server';
import { required, type ServiceEnv, type ServiceInstance } from './types';

/** The signed-in user from a `session=<user>` cookie, if any. */
export function sessionUser(cookie: string | undefined): string | undefined {
  for (const part of (cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === 'session' && value.join('=') !== '') {
      return value.join('=');
    }
  }
  return undefined;
}

function userOf(req: Request): string | undefined {
  const user = sessionUser(req.headers.cookie);
  if (user !== undefined) {
    trace.getActiveSpan()?.setAttribute('enduser.id', user);
  }
  return user;
}

export function frontend(env: ServiceEnv): ServiceInstance {
  const catalogUrl = required(env.catalogUrl, 'CATALOG_URL');
  const checkoutUrl = required(env.checkoutUrl, 'CHECKOUT_URL');
  const routes: Route[] = [
    {
      // A request held open for `ms` (at most a minute): what the active-service equalizer shows
      // while it runs, since its span is exported only once it ends.
      method: 'GET',
      pattern: '/hold',
      handler: async (req) => {
        const ms = Math.min(60_000, Math.max(0, Number(req.query.get('ms') ?? '10000') || 0));
        await new Promise((resolve) => setTimeout(resolve, ms));
        return { status: 200, body: { held: ms } };
      },
    },
    {
      method: 'GET',
      pattern: '/',
      handler: async (req) => {
        userOf(req);
        const featured = await requestJson('GET', `${catalogUrl}/products`);
        if (featured.status !== 200) {
          throw new Error(`catalog answered ${featured.status}`);
        }
        return { status: 200, body: featured.body };
      },
    },
    {
      method: 'GET',
      pattern: '/product/:id',
      handler: async (req) => {
        userOf(req);
        const product = await requestJson('GET', `${catalogUrl}/products/${encodeURIComponent(req.params.id)}`);
        if (product.status === 404) {
          throw new HttpError(404, `no product ${req.params.id}`);
        }
        if (product.status !== 200) {
          throw new Error(`catalog answered ${product.status}`);
        }
        return { status: 200, body: product.body };
      },
    },
    {
      method: 'POST',
      pattern: '/checkout',
      handler: async (req) => {
        const userId = userOf(req);
        if (userId === undefined) {
          throw new HttpError(401, 'sign in to check out');
        }
        const { items } = (req.body ?? {}) as { items?: unknown };
        const order = await requestJson('POST', `${checkoutUrl}/orders`, { userId, items });
        if (order.status === 201) {
          return { status: 201, body: order.body };
        }
        const message = (order.body as { message?: string } | undefined)?.message ?? `status ${order.status}`;
        throw new HttpError(order.status < 500 ? order.status : 502, `checkout failed: ${message}`, 'CheckoutFailed');
      },
    },
  ];
  return { routes, close: () => undefined };
}
