// createApp(): the one Hono application, used by production (server/main.ts) and by the tests through
// app.request(), so both exercise the same middleware and error mapping.
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { API_ERROR_STATUS, type ApiErrorBody, type ApiErrorCode } from '../shared/errors.ts';
import { ApiError } from './http-error.ts';
import { healthRoutes } from './routes/health.ts';
import { securityHeaders } from './security-headers.ts';

export interface AppOptions {
  /** Folder of the built web app; omitted in API-only tests. */
  staticDir?: string;
  /** Where unexpected errors are reported (never with request bodies). */
  reportError?: (error: unknown) => void;
}

export function createApp(options: AppOptions = {}) {
  const app = new Hono();
  app.use(securityHeaders());
  app.route('/api/health', healthRoutes);
  app.all('/api/*', () => {
    throw new ApiError('NOT_FOUND');
  });
  if (options.staticDir !== undefined) {
    const root = options.staticDir;
    app.use('/*', serveStatic({ root }));
    app.get('/*', serveStatic({ root, path: 'index.html' }));
  }
  app.notFound((c) => c.json(errorBody('NOT_FOUND'), 404));
  app.onError((error, c) => {
    const code = toApiCode(error);
    if (code === 'INTERNAL') options.reportError?.(error);
    return c.json(errorBody(code), API_ERROR_STATUS[code]);
  });
  return app;
}

function toApiCode(error: unknown): ApiErrorCode {
  if (error instanceof ApiError) return error.code;
  if (error instanceof HTTPException) {
    if (error.status === 413) return 'PAYLOAD_TOO_LARGE';
    if (error.status === 405) return 'METHOD_NOT_ALLOWED';
    if (error.status === 404) return 'NOT_FOUND';
    if (error.status >= 400 && error.status < 500) return 'BAD_REQUEST';
  }
  return 'INTERNAL';
}

function errorBody(code: ApiErrorCode): ApiErrorBody {
  return { error: { code } };
}
