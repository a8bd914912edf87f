/**
 * The gateway client's transport in Node: `node:http` over one keep-alive agent, the way a plain
 * Node client would post to etcd's gateway. Node only (tests, benchmarks, scripts); the page uses
 * the browser's fetch.
 */
import { Agent, request } from 'node:http';
import type { GatewayTransport } from './gatewayTransport.ts';

export function nodeHttpTransport(opts: { maxSockets?: number } = {}): GatewayTransport {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 256 });
  return (url, req) =>
    new Promise((resolve, reject) => {
      const u = new URL(url);
      if (u.protocol !== 'http:') {
        reject(new Error(`nodeHttpTransport speaks http only, not ${u.protocol}`));
        return;
      }
      if (req.signal.aborted) {
        reject(req.signal.reason);
        return;
      }
      const r = request(
        {
          host: u.hostname.replace(/^\[|\]$/g, ''),
          port: u.port || 80,
          path: u.pathname + u.search,
          method: 'POST',
          agent,
          headers: { ...req.headers, 'content-length': Buffer.byteLength(req.body) },
          signal: req.signal,
        },
        (res) => {
          const header = (name: string): string | null => {
            const v = res.headers[name.toLowerCase()];
            return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
          };
          resolve({
            status: res.statusCode ?? 0,
            header,
            text: () =>
              new Promise((done, fail) => {
                const parts: Buffer[] = [];
                res.on('data', (b: Buffer) => parts.push(b));
                res.on('end', () => done(Buffer.concat(parts).toString('utf8')));
                res.on('error', fail);
              }),
            async *chunks() {
              for await (const b of res) yield b as Uint8Array;
            },
          });
        },
      );
      r.on('error', reject);
      r.end(req.body);
    });
}
