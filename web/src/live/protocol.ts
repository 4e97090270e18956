// A small client of the `graphql-transport-ws` protocol (the only one /graphql accepts): one
// socket, one subscription. connection_init carries the token and purpose; after the server's
// connection_ack it subscribes; `next` payloads go to `onData` and their cursor is kept; the
// server's pings are answered; a lost connection is opened again after a growing delay and
// resumes after the last cursor, so no change is missed or delivered twice. The socket and the
// clock are passed in, so the logic is tested without a network (protocol.test.ts).

export const PROTOCOL = "graphql-transport-ws";

/** What the client needs of a WebSocket (the browser's satisfies it). */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
}

export type Status = "connecting" | "live" | "retrying" | "stopped";

export interface LiveOptions<T> {
  /** Opens a socket speaking `protocol`. */
  open: (protocol: string) => SocketLike;
  /** The connection_init payload (token and purpose), read at each (re)connection. */
  init: () => Record<string, unknown>;
  /** The subscription's document: `{ documentId }` or `{ query }` (api/client.ts documentFields). */
  document: { documentId: string } | { query: string };
  /** The subscription's variables, given the cursor to resume after (null: from now). */
  variables: (after: string | null) => Record<string, unknown>;
  /** The cursor of a delivered result (kept to resume after). */
  cursorOf: (data: T) => string | null;
  onData: (data: T) => void;
  onError?: (message: string, code: string) => void;
  onStatus?: (status: Status, detail: string) => void;
  /** Schedules a reconnection; answers a cancel function. Default: setTimeout. */
  schedule?: (run: () => void, milliseconds: number) => () => void;
  /** Delays before each successive reconnection attempt (the last repeats). */
  delays?: readonly number[];
}

/** Closes that retrying cannot mend: a bad or expired token, a refused protocol, bad messages. */
const FINAL = new Set([4400, 4401, 4403, 4406, 4409]);
const DEFAULT_DELAYS = [500, 1000, 2000, 5000, 10_000, 30_000] as const;

interface Message {
  type: string;
  id?: string;
  payload?: unknown;
}

interface Result<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

function parse(data: unknown): Message | null {
  if (typeof data !== "string") return null;
  try {
    const message = JSON.parse(data) as unknown;
    if (message && typeof message === "object" && typeof (message as Message).type === "string") return message as Message;
  } catch {
    // not JSON: ignored like any message the client does not know
  }
  return null;
}

export class LiveSubscription<T> {
  private socket: SocketLike | null = null;
  private attempt = 0;
  private cancelRetry: (() => void) | null = null;
  private stopped = false;
  private serial = 0;
  private cursor: string | null;

  constructor(
    private readonly options: LiveOptions<T>,
    after: string | null = null,
  ) {
    this.cursor = after;
  }

  /** The cursor of the last result delivered (where a reconnection resumes). */
  get lastCursor(): string | null {
    return this.cursor;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Ends the subscription for good: `complete`, then a normal close. */
  stop(): void {
    this.stopped = true;
    this.cancelRetry?.();
    this.cancelRetry = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      if (this.serial) this.sendOn(socket, { type: "complete", id: String(this.serial) });
      socket.close(1000, "done");
    }
    this.status("stopped", "stopped");
  }

  private status(status: Status, detail: string): void {
    this.options.onStatus?.(status, detail);
  }

  private sendOn(socket: SocketLike, message: Message): void {
    try {
      socket.send(JSON.stringify(message));
    } catch {
      // the socket is closing: its onclose decides what happens next
    }
  }

  private connect(): void {
    this.status("connecting", "connecting");
    const socket = this.options.open(PROTOCOL);
    this.socket = socket;
    this.serial = 0;
    socket.onopen = () => this.sendOn(socket, { type: "connection_init", payload: this.options.init() });
    socket.onmessage = (event) => {
      if (socket === this.socket) this.receive(socket, parse(event.data));
    };
    socket.onclose = (event) => {
      if (socket === this.socket) this.closed(event.code, event.reason);
    };
  }

  private receive(socket: SocketLike, message: Message | null): void {
    if (!message) return;
    switch (message.type) {
      case "connection_ack":
        this.attempt = 0;
        this.serial += 1;
        this.sendOn(socket, {
          type: "subscribe",
          id: String(this.serial),
          payload: { ...this.options.document, variables: this.options.variables(this.cursor) },
        });
        this.status("live", "live");
        return;
      case "ping":
        this.sendOn(socket, { type: "pong" });
        return;
      case "next": {
        if (message.id !== String(this.serial)) return;
        const result = (message.payload ?? {}) as Result<T>;
        for (const error of result.errors ?? []) this.options.onError?.(error.message, error.extensions?.code ?? "INTERNAL_SERVER_ERROR");
        if (result.data) {
          const cursor = this.options.cursorOf(result.data);
          if (cursor) this.cursor = cursor;
          this.options.onData(result.data);
        }
        return;
      }
      case "error": {
        if (message.id !== String(this.serial)) return;
        const errors = Array.isArray(message.payload) ? (message.payload as Result<T>["errors"] & object) : [];
        for (const error of errors) this.options.onError?.(error.message, error.extensions?.code ?? "BAD_USER_INPUT");
        this.serial = 0; // the server ended this subscription; nothing left to complete
        return;
      }
      case "complete":
        // The server ended the subscription (it never does while the socket is healthy): start again.
        if (message.id === String(this.serial)) socket.close(1000, "completed by the server");
        return;
      default:
        return;
    }
  }

  private closed(code: number, reason: string): void {
    this.socket = null;
    if (this.stopped) return;
    if (FINAL.has(code)) {
      this.stopped = true;
      this.status("stopped", reason || `closed (${code})`);
      this.options.onError?.(reason || `the connection was closed (${code})`, code === 4401 ? "UNAUTHENTICATED" : "BAD_REQUEST");
      return;
    }
    const delays = this.options.delays ?? DEFAULT_DELAYS;
    const delay = delays[Math.min(this.attempt, delays.length - 1)] ?? 1000;
    this.attempt += 1;
    this.status("retrying", `connection lost; retrying in ${Math.round(delay / 1000)} s`);
    const schedule = this.options.schedule ?? ((run, ms) => {
      const timer = setTimeout(run, ms);
      return () => clearTimeout(timer);
    });
    this.cancelRetry = schedule(() => {
      this.cancelRetry = null;
      if (!this.stopped) this.connect();
    }, delay);
  }
}
