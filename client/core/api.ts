// The one HTTP layer of the client core: every call goes through request() (JSON, validated by the
// shared/ schemas) or requestStream() (raw bytes). The server's { error: { code } } becomes a typed
// ApiClientError here and nowhere else (STYLE.md 7). No DOM and no node: import: the web app's Worker
// reuses this file. Errors never carry bodies, ids or tokens.
import type { z } from 'zod';
import { apiErrorBodySchema, type ApiErrorCode } from '../../shared/errors.ts';

/** Server codes, plus two of the client's own: the server could not be reached, or answered off-contract. */
export type ApiClientErrorCode = ApiErrorCode | 'NETWORK' | 'BAD_RESPONSE';

export class ApiClientError extends Error {
  override readonly name = 'ApiClientError';
  readonly code: ApiClientErrorCode;
  /** HTTP status; 0 when no answer arrived. */
  readonly status: number;

  constructor(code: ApiClientErrorCode, status: number, options?: { cause?: unknown }) {
    super(`API error ${code} (HTTP ${String(status)})`, options);
    this.code = code;
    this.status = status;
  }
}

export function isApiClientError(error: unknown, code?: ApiClientErrorCode): error is ApiClientError {
  return error instanceof ApiClientError && (code === undefined || error.code === code);
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Where and as whom to call. `token` is the bearer token; the caller may replace it after a login. */
export interface ApiClient {
  readonly baseUrl: string;
  token: string | undefined;
  readonly fetch: FetchLike;
}

export function createApiClient(baseUrl: string, options: { token?: string; fetch?: FetchLike } = {}): ApiClient {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return { baseUrl: trimmed, token: options.token, fetch: options.fetch ?? ((url, init) => fetch(url, init)) };
}

export interface RequestOptions {
  /** Sent as JSON with its content type. */
  json?: unknown;
  /** Raw body (upload chunks). */
  body?: Uint8Array;
  headers?: Record<string, string>;
}

/** Calls the API and returns the body parsed by `schema` (null: the answer has no body, e.g. 204). */
export async function request<S extends z.ZodType>(api: ApiClient, method: string, path: string, schema: S, options?: RequestOptions): Promise<z.infer<S>>;
export async function request(api: ApiClient, method: string, path: string, schema: null, options?: RequestOptions): Promise<null>;
export async function request(api: ApiClient, method: string, path: string, schema: z.ZodType | null, options: RequestOptions = {}): Promise<unknown> {
  const response = await send(api, method, path, options);
  if (schema === null) {
    await response.body?.cancel();
    return null;
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new ApiClientError('BAD_RESPONSE', response.status, { cause: error });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiClientError('BAD_RESPONSE', response.status);
  return parsed.data;
}

/** Calls the API and returns the successful answer's body as a byte stream (payload downloads). */
export async function requestStream(api: ApiClient, method: string, path: string, options: RequestOptions = {}): Promise<ReadableStream<Uint8Array>> {
  const response = await send(api, method, path, options);
  // Only an asked-for Range may come back partial: a 206 to a whole-file request is a truncation in disguise.
  const askedRange = Object.keys(options.headers ?? {}).some((name) => name.toLowerCase() === 'range');
  if (response.body === null || (response.status !== 200 && !askedRange)) {
    await response.body?.cancel();
    throw new ApiClientError('BAD_RESPONSE', response.status);
  }
  return response.body;
}

/** The fetch itself; any status outside 2xx becomes an ApiClientError with the server's code. */
async function send(api: ApiClient, method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (api.token !== undefined) headers.authorization = `Bearer ${api.token}`;
  let body: BodyInit | undefined = options.body as BodyInit | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  let response: Response;
  try {
    response = await api.fetch(`${api.baseUrl}${path}`, { method, headers, body });
  } catch (error) {
    throw new ApiClientError('NETWORK', 0, { cause: error });
  }
  if (response.ok) return response;
  throw new ApiClientError(await errorCodeOf(response), response.status);
}

async function errorCodeOf(response: Response): Promise<ApiClientErrorCode> {
  try {
    const parsed = apiErrorBodySchema.safeParse(await response.json());
    return parsed.success ? parsed.data.error.code : 'BAD_RESPONSE';
  } catch {
    return 'BAD_RESPONSE';
  }
}
