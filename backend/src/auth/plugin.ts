import type { Scope } from '@osprey/model';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { HttpError } from '../server/errors';
import { bearerToken, grants, TokenRegistry } from './tokens';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Scope a route needs (any one of a list); every route inside the authenticated context must say. */
    scope?: Scope | readonly Scope[];
  }
}

/**
 * Adds an onRequest hook to the (encapsulated) context it is called in: 401 with
 * `WWW-Authenticate: Bearer` for a missing or unknown token, 403 when the token lacks the route's scope.
 */
export function requireTokens(app: FastifyInstance, registry: TokenRegistry): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const declared = request.routeOptions.config.scope ?? 'admin';
    const required: readonly Scope[] = typeof declared === 'string' ? [declared] : declared;
    const token = bearerToken(request.headers.authorization);
    const scopes = token === undefined ? [] : registry.scopesOf(token);
    if (scopes.length === 0) {
      reply.header('WWW-Authenticate', 'Bearer realm="osprey"');
      throw new HttpError(
        401,
        'unauthorized',
        token === undefined ? 'missing bearer token (Authorization: Bearer <token>)' : 'unknown bearer token'
      );
    }
    if (!scopes.some((scope) => required.some((needed) => grants(scope, needed)))) {
      const names = required.map((needed) => `"${needed}"`).join(' or ');
      throw new HttpError(403, 'forbidden', `this token lacks the ${names} scope`);
    }
  });
}
