/**
 * The dev and preview servers' proxy for live mode: `/etcd-proxy/<host>:<port>/<path>` is
 * forwarded to `http://<host>:<port>/<path>`, streams included (a watch stays open as long as
 * the page keeps it). The page then talks to its own origin, so the browser's same-origin rule
 * never applies and etcd needs no --cors.
 *
 * A proxy that forwards anywhere is an open relay, so it forwards only to loopback hosts, plus
 * the hosts named in ETCD_PROXY_HOSTS (comma separated), and only etcd's paths live mode uses
 * (/version, /health, /v3/...). Vite's own `server.proxy` takes targets fixed at start; this one
 * reads the target from each request's path, so any endpoint the user types can be reached.
 */
import { request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function allowedHosts(): Set<string> {
  const extra = (process.env.ETCD_PROXY_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  return new Set([...LOOPBACK, ...extra]);
}

function fail(res: ServerResponse, status: number, text: string, kind: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-etcd-proxy': kind });
  res.end(`etcd proxy: ${text}\n`);
}

export function handleEtcdProxy(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const url = req.url ?? '';
  const m = /^\/etcd-proxy\/((?:\[[0-9a-fA-F:.]+\]|[^/:]+)):(\d+)(\/[^?#]*)?(\?.*)?$/.exec(url);
  if (!url.startsWith('/etcd-proxy/')) return next();
  if (!m) return fail(res, 400, `expected /etcd-proxy/<host>:<port>/<path>, got ${url}`, 'bad-request');
  const host = m[1]!.toLowerCase();
  const port = Number(m[2]);
  const path = (m[3] ?? '/') + (m[4] ?? '');
  if (!allowedHosts().has(host)) return fail(res, 403, `${host} is not a loopback host; start the server with ETCD_PROXY_HOSTS=${host} to allow it`, 'forbidden');
  if (!/^\/(version|health|v3\/)/.test(path)) return fail(res, 404, `only etcd's /version, /health and /v3/ paths are forwarded, not ${path}`, 'not-forwarded');
  const headers: Record<string, string> = {};
  for (const h of ['content-type', 'authorization', 'accept', 'content-length']) {
    const v = req.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  const up = request({ host: host.replace(/^\[|\]$/g, ''), port, method: req.method, path, headers }, (r) => {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(r.headers)) if (v !== undefined && !k.startsWith('access-control-')) out[k] = v;
    res.writeHead(r.statusCode ?? 502, out);
    r.pipe(res);
  });
  up.on('error', (e: NodeJS.ErrnoException) => {
    if (res.headersSent) res.destroy();
    else fail(res, 502, `could not connect to ${host}:${port} (${e.code ?? e.message})`, 'unreachable');
  });
  // The page cancelled (a watch it closed): end the upstream request with it.
  res.on('close', () => up.destroy());
  req.pipe(up);
}

export function etcdProxy(): Plugin {
  return {
    name: 'etcd-proxy',
    configureServer(server) {
      server.middlewares.use(handleEtcdProxy);
    },
    configurePreviewServer(server) {
      server.middlewares.use(handleEtcdProxy);
    },
  };
}
