/** The typed REST client: openapi-fetch over the gateway's generated OpenAPI types. */
import createClient, { type Client, type Middleware } from "openapi-fetch";

import type { components, paths } from "./generated/rest.js";
import { resolveToken, type TokenSource } from "./token.js";

export type EchoRestClient = Client<paths>;
export type ProblemDetails = components["schemas"]["ProblemDetails"];

export interface RestClientOptions {
  /** The gateway's origin, e.g. `http://127.0.0.1:8000`. */
  baseUrl: string;
  token: TokenSource;
  /** A `fetch` of your own (tests, instrumentation); the global one by default. */
  fetch?: typeof globalThis.fetch;
}

/** A client whose every call is typed by path and method:
 * `await rest.GET("/api/videos/{video_id}", { params: { path: { video_id } } })`. */
export function createRestClient(options: RestClientOptions): EchoRestClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/$/, ""),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const auth: Middleware = {
    async onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${await resolveToken(options.token)}`);
      return request;
    },
  };
  client.use(auth);
  return client;
}

/** A gateway answer that was not a success, as its RFC 9457 problem. */
export class EchoProblemError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemDetails | undefined,
  ) {
    super(problem ? `${problem.title}: ${problem.detail ?? problem.code}` : `HTTP ${status}`);
    this.name = "EchoProblemError";
  }
}

/** The body of a successful openapi-fetch result, or an `EchoProblemError`:
 * `const video = expectData(await rest.GET(...))`, for query functions that throw. */
export function expectData<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data !== undefined && result.response.ok) {
    return result.data;
  }
  throw new EchoProblemError(result.response.status, asProblem(result.error));
}

function asProblem(error: unknown): ProblemDetails | undefined {
  return typeof error === "object" && error !== null && "code" in error
    ? (error as ProblemDetails)
    : undefined;
}

/** `url` as an absolute URL: the gateway answers root-relative media links (`/media/...`)
 * unless it knows its public address, and a page on another origin must not resolve them
 * against itself. */
export function absoluteUrl(gatewayUrl: string, url: string): string {
  return new URL(url, gatewayUrl).href;
}
