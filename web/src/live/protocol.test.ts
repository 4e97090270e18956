import { describe, expect, it } from "vitest";
import { LiveSubscription, PROTOCOL, type SocketLike, type Status } from "./protocol";

interface Delivered { change: { cursor: string; kind: string } }

class FakeSocket implements SocketLike {
  sent: { type: string; id?: string; payload?: Record<string, unknown> }[] = [];
  closedWith: number | null = null;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  constructor(readonly protocol: string) {}
  send(data: string): void { this.sent.push(JSON.parse(data)); }
  close(code = 1000): void { this.closedWith = code; }
  // the server's side
  opened(): void { this.onopen?.({}); }
  server(message: Record<string, unknown>): void { this.onmessage?.({ data: JSON.stringify(message) }); }
  lost(code = 1006, reason = ""): void { this.onclose?.({ code, reason }); }
}

function harness(after: string | null = null) {
  const sockets: FakeSocket[] = [];
  const data: Delivered[] = [];
  const errors: string[] = [];
  const statuses: Status[] = [];
  const timers: { run: () => void; ms: number; cancelled: boolean }[] = [];
  const live = new LiveSubscription<Delivered>({
    open: (protocol) => { const socket = new FakeSocket(protocol); sockets.push(socket); return socket; },
    init: () => ({ authorization: "Bearer t", purpose: "case review" }),
    document: { query: "subscription ($after: String) { change: myAgencyChanges(after: $after) { cursor kind } }" },
    variables: (cursor) => ({ after: cursor }),
    cursorOf: (d) => d.change.cursor,
    onData: (d) => data.push(d),
    onError: (message, code) => errors.push(`${code}: ${message}`),
    onStatus: (status) => statuses.push(status),
    schedule: (run, ms) => { const timer = { run, ms, cancelled: false }; timers.push(timer); return () => { timer.cancelled = true; }; },
    delays: [100, 200, 400],
  }, after);
  return { live, sockets, data, errors, statuses, timers };
}

function acked(socket: FakeSocket): void {
  socket.opened();
  socket.server({ type: "connection_ack" });
}

describe("graphql-transport-ws client", () => {
  it("opens with the protocol, sends the token and purpose, subscribes after the ack", () => {
    const { live, sockets, statuses } = harness();
    live.start();
    const socket = sockets[0]!;
    expect(socket.protocol).toBe(PROTOCOL);
    expect(socket.sent).toEqual([]);
    socket.opened();
    expect(socket.sent).toEqual([{ type: "connection_init", payload: { authorization: "Bearer t", purpose: "case review" } }]);
    socket.server({ type: "connection_ack" });
    expect(socket.sent[1]).toMatchObject({ type: "subscribe", id: "1", payload: { variables: { after: null } } });
    expect(statuses).toEqual(["connecting", "live"]);
  });

  it("delivers next payloads of its subscription and keeps the last cursor", () => {
    const { live, sockets, data } = harness();
    live.start();
    acked(sockets[0]!);
    sockets[0]!.server({ type: "next", id: "1", payload: { data: { change: { cursor: "7", kind: "addIntelligence" } } } });
    sockets[0]!.server({ type: "next", id: "99", payload: { data: { change: { cursor: "8", kind: "stray" } } } });
    sockets[0]!.server({ type: "next", id: "1", payload: { data: { change: { cursor: "9", kind: "addRiskAssessment" } } } });
    expect(data.map((d) => d.change.kind)).toEqual(["addIntelligence", "addRiskAssessment"]);
    expect(live.lastCursor).toBe("9");
  });

  it("answers ping with pong and ignores what it does not know", () => {
    const { live, sockets } = harness();
    live.start();
    acked(sockets[0]!);
    sockets[0]!.server({ type: "ping" });
    sockets[0]!.onmessage?.({ data: "not json" });
    sockets[0]!.server({ type: "pong" });
    expect(sockets[0]!.sent.map((m) => m.type)).toEqual(["connection_init", "subscribe", "pong"]);
  });

  it("passes errors in a result and error messages on", () => {
    const { live, sockets, errors, data } = harness();
    live.start();
    acked(sockets[0]!);
    sockets[0]!.server({ type: "next", id: "1", payload: { data: null, errors: [{ message: "Neo4j is unavailable", extensions: { code: "UNAVAILABLE" } }] } });
    sockets[0]!.server({ type: "error", id: "1", payload: [{ message: "too many", extensions: { code: "LIMIT_EXCEEDED" } }] });
    expect(errors).toEqual(["UNAVAILABLE: Neo4j is unavailable", "LIMIT_EXCEEDED: too many"]);
    expect(data).toEqual([]);
  });

  it("reconnects after a lost connection, resuming after the last cursor, with growing delays", () => {
    const { live, sockets, timers, statuses } = harness("3");
    live.start();
    acked(sockets[0]!);
    expect(sockets[0]!.sent[1]!.payload).toMatchObject({ variables: { after: "3" } });
    sockets[0]!.server({ type: "next", id: "1", payload: { data: { change: { cursor: "5", kind: "x" } } } });
    sockets[0]!.lost();
    expect(statuses.at(-1)).toBe("retrying");
    expect(timers.map((t) => t.ms)).toEqual([100]);
    timers[0]!.run();
    sockets[1]!.lost(); // fails again before opening: a longer wait
    expect(timers.map((t) => t.ms)).toEqual([100, 200]);
    timers[1]!.run();
    acked(sockets[2]!);
    expect(sockets[2]!.sent[1]).toMatchObject({ type: "subscribe", id: "1", payload: { variables: { after: "5" } } });
    sockets[2]!.lost();
    expect(timers.at(-1)!.ms).toBe(100); // an acknowledged connection starts the delays again
  });

  it("restarts when the server completes the subscription", () => {
    const { live, sockets, timers } = harness();
    live.start();
    acked(sockets[0]!);
    sockets[0]!.server({ type: "complete", id: "1" });
    expect(sockets[0]!.closedWith).toBe(1000);
    sockets[0]!.lost(1000);
    expect(timers).toHaveLength(1);
  });

  it("stops for good on an unauthenticated or refused close", () => {
    const { live, sockets, timers, errors, statuses } = harness();
    live.start();
    sockets[0]!.opened();
    sockets[0]!.lost(4401, "the token has expired");
    expect(timers).toEqual([]);
    expect(errors).toEqual(["UNAUTHENTICATED: the token has expired"]);
    expect(statuses.at(-1)).toBe("stopped");
  });

  it("stop completes the subscription, closes normally and cancels a pending retry", () => {
    const first = harness();
    first.live.start();
    acked(first.sockets[0]!);
    first.live.stop();
    expect(first.sockets[0]!.sent.at(-1)).toEqual({ type: "complete", id: "1" });
    expect(first.sockets[0]!.closedWith).toBe(1000);
    first.sockets[0]!.lost(1000);
    expect(first.timers).toEqual([]);

    const second = harness();
    second.live.start();
    second.sockets[0]!.lost();
    second.live.stop();
    expect(second.timers[0]!.cancelled).toBe(true);
  });
});
