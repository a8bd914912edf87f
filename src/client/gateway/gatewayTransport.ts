/**
 * How the gateway client's requests leave: one POST of a JSON body, answered by a status, headers
 * and a body read whole or as it streams. The browser's `fetch` is the default; in Node a plain
 * keep-alive `http.Agent` (nodeHttpTransport.ts) costs a seventh of the CPU per request of Node's
 * fetch, which is what held a 64-client benchmark of a real etcd to a quarter of its throughput.
 *
 * A transport rejects with an error carrying `code: 'ECONNREFUSED'` (or `cause.code`, as Node's
 * fetch does; or a bare TypeError, as a browser's does) when it could not connect, so the client
 * can tell "never sent" from "sent, outcome unknown".
 */
export interface GatewayResponse {
  status: number;
  header(name: string): string | null;
  /** The whole body. */
  text(): Promise<string>;
  /** The body as it arrives; stops when the request's signal aborts. */
  chunks(): AsyncIterable<Uint8Array>;
}

export interface GatewayRequest {
  body: string;
  headers: Record<string, string>;
  signal: AbortSignal;
}

export type GatewayTransport = (url: string, req: GatewayRequest) => Promise<GatewayResponse>;

/** The platform's fetch (the browser's, or Node's when no other transport is given). */
export const fetchTransport: GatewayTransport = async (url, req) => {
  const res = await fetch(url, { method: 'POST', headers: req.headers, body: req.body, signal: req.signal });
  return {
    status: res.status,
    header: (name) => res.headers.get(name),
    text: () => res.text(),
    async *chunks() {
      if (!res.body) return;
      const reader = res.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          yield value;
        }
      } finally {
        await reader.cancel().catch(() => undefined);
      }
    },
  };
};
