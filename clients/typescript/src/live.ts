/** Live job status from the notifier, over WebSocket or SSE, that survives drops.
 *
 * Every server message carries a `sequence`, the resume point. After a drop the client
 * reconnects with exponential backoff and sends the last one it saw (`since` on the
 * WebSocket, `Last-Event-ID` on SSE), so it receives exactly what was recorded meanwhile
 * (or a snapshot, when the notifier can no longer replay that far).
 *
 * SSE is read with `fetch` rather than `EventSource`, so the token travels in the
 * `Authorization` header (never in a URL) and is asked anew at each reconnection. On the
 * WebSocket, the token is a subprotocol (`["echo.live", "bearer.<token>"]`).
 */
import type { AuthRefresh, LiveProtocolMessage } from "./generated/live.js";
import { resolveToken, type TokenSource } from "./token.js";

/** Any message the notifier sends; branch on `type`. */
export type LiveMessage = Exclude<LiveProtocolMessage, AuthRefresh>;
export type LiveTransport = "websocket" | "sse";
export type LiveState = "connecting" | "open" | "reconnecting" | "closed";

export interface LiveStatusOptions {
  /** The notifier's origin, e.g. `http://127.0.0.1:8003`. */
  baseUrl: string;
  token: TokenSource;
  transport?: LiveTransport;
  /** Only this video's jobs. */
  videoId?: string;
  /** Only this job. */
  jobId?: string;
  /** Resume after this sequence on the first connection too (e.g. kept across reloads). */
  since?: number;
  onMessage: (message: LiveMessage) => void;
  onStateChange?: (state: LiveState, detail?: string) => void;
  /** First reconnection delay, doubled up to `maxDelayMs` (defaults 500 ms and 15 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Implementations of your own (tests, older runtimes); the globals by default. */
  WebSocket?: typeof globalThis.WebSocket;
  fetch?: typeof globalThis.fetch;
}

/** Close codes 4400-4499 mean retrying the same request cannot help, except 4401 (the
 * token expired or was refused), which a fresh token from a `TokenSource` function fixes. */
const REFUSED = { min: 4400, max: 4499 } as const;
const UNAUTHORIZED = 4401;
const TOKEN_REASONS = new Set(["token_expired", "invalid_token"]);
const SUBPROTOCOL = "echo.live";

/** A live connection that reconnects and resumes until `close()`. */
export class LiveStatus {
  #sequence: number | undefined;
  #delay: number;
  #closed = false;
  #socket: WebSocket | undefined;
  #abort: AbortController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #options: LiveStatusOptions;

  constructor(options: LiveStatusOptions) {
    this.#options = options;
    this.#sequence = options.since;
    this.#delay = options.initialDelayMs ?? 500;
    this.#connect();
  }

  /** The resume point: the last non-zero `sequence` received. */
  get sequence(): number | undefined {
    return this.#sequence;
  }

  /** WebSocket only: authenticate the open connection with a newer token of the same user
   * before the current one expires (answered by `auth.refreshed`). */
  async refreshToken(): Promise<void> {
    const socket = this.#socket;
    if (socket?.readyState !== 1) return;
    const refresh: AuthRefresh = {
      type: "auth.refresh",
      access_token: await resolveToken(this.#options.token),
    };
    socket.send(JSON.stringify(refresh));
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#socket?.close(1000);
    this.#abort?.abort();
    this.#state("closed");
  }

  #connect(): void {
    if (this.#closed) return;
    this.#state("connecting");
    const run = this.#options.transport === "sse" ? this.#sse() : this.#websocket();
    run.catch((error: unknown) => this.#retry(String(error)));
  }

  #url(path: string, scheme?: "ws"): URL {
    const url = new URL(path, this.#options.baseUrl);
    if (scheme === "ws") url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    if (this.#options.videoId) url.searchParams.set("video_id", this.#options.videoId);
    if (this.#options.jobId) url.searchParams.set("job_id", this.#options.jobId);
    return url;
  }

  async #websocket(): Promise<void> {
    const url = this.#url("/ws/jobs", "ws");
    if (this.#sequence) url.searchParams.set("since", String(this.#sequence));
    const token = await resolveToken(this.#options.token);
    const Socket = this.#options.WebSocket ?? globalThis.WebSocket;
    const socket = new Socket(url, [SUBPROTOCOL, `bearer.${token}`]);
    this.#socket = socket;
    socket.onopen = () => this.#opened();
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data === "string") this.#receive(event.data);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      const refused = event.code >= REFUSED.min && event.code <= REFUSED.max;
      if (refused && !(event.code === UNAUTHORIZED && typeof this.#options.token !== "string")) {
        this.#closed = true;
        this.#state("closed", `refused (${event.code}): ${event.reason}`);
        return;
      }
      this.#retry(`closed (${event.code}) ${event.reason}`.trim());
    };
  }

  async #sse(): Promise<void> {
    const controller = new AbortController();
    this.#abort = controller;
    const headers: Record<string, string> = {
      Accept: "text/event-stream",
      Authorization: `Bearer ${await resolveToken(this.#options.token)}`,
    };
    if (this.#sequence) headers["Last-Event-ID"] = String(this.#sequence);
    const fetcher = this.#options.fetch ?? globalThis.fetch;
    const response = await fetcher(this.#url("/sse/jobs"), {
      headers,
      signal: controller.signal,
    });
    if (!response.ok || !response.body) {
      const refused = response.status >= 400 && response.status < 500;
      if (refused && !(response.status === 401 && typeof this.#options.token !== "string")) {
        this.#closed = true;
        this.#state("closed", `refused (${response.status})`);
        return;
      }
      throw new Error(`HTTP ${response.status}`);
    }
    this.#opened();
    let buffer = "";
    let data: string[] = [];
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, "");
        buffer = buffer.slice(newline + 1);
        if (line === "") {
          if (data.length) this.#receive(data.join("\n"));
          data = [];
        } else if (line.startsWith("data:")) {
          data.push(line.slice(5).replace(/^ /, ""));
        }
        // `event:` repeats the JSON's `type`; `id:` its `sequence`; comments keep alive.
      }
    }
    if (this.#abort === controller) this.#retry("stream ended");
  }

  #opened(): void {
    this.#delay = this.#options.initialDelayMs ?? 500;
    this.#state("open");
  }

  #receive(raw: string): void {
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      return;
    }
    if (!isLiveMessage(message)) return;
    if (message.sequence) this.#sequence = message.sequence;
    this.#options.onMessage(message);
    if (message.type === "connection.closing" && TOKEN_REASONS.has(message.reason)) {
      // The stream ends next; the reconnection asks the token source for a fresh one,
      // which only helps when it is a function.
      if (typeof this.#options.token === "string") this.close();
    }
  }

  #retry(reason: string): void {
    if (this.#closed) return;
    this.#state("reconnecting", reason);
    const delay = this.#delay * (0.8 + Math.random() * 0.4);
    this.#delay = Math.min(this.#delay * 2, this.#options.maxDelayMs ?? 15_000);
    this.#timer = setTimeout(() => this.#connect(), delay);
  }

  #state(state: LiveState, detail?: string): void {
    this.#options.onStateChange?.(state, detail);
  }
}

const KNOWN_TYPES: ReadonlySet<string> = new Set<LiveMessage["type"]>([
  "job.status",
  "job.progress",
  "snapshot.start",
  "snapshot.end",
  "video.deleted",
  "auth.refreshed",
  "connection.closing",
]);

/** Whether `value` is a message this client knows; a newer notifier's new types are not
 * (and are skipped, per the evolution policy). */
export function isLiveMessage(value: unknown): value is LiveMessage {
  return (
    typeof value === "object" &&
    value !== null &&
    "type" in value &&
    typeof value.type === "string" &&
    KNOWN_TYPES.has(value.type)
  );
}
