/**
 * The client endpoints a user types to reach a real etcd, checked before anything is dialled:
 * `host:port` or `http(s)://host:port`, separated by commas or spaces, as etcdctl's --endpoints
 * takes them. A path, a query, a missing port or a duplicate is refused with a message naming
 * the entry, so a typo never turns into a request to some other URL.
 */
export class LiveInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LiveInputError';
  }
}

/** More than any real cluster has members; a longer list is a paste gone wrong. */
export const MAX_ENDPOINTS = 9;

const HOST = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)$/;

/** One endpoint as typed, checked; returned in the form it was given, without a trailing slash. */
export function parseEndpoint(raw: string): string {
  const text = raw.trim().replace(/\/+$/, '');
  if (text === '') throw new LiveInputError('an endpoint is empty');
  const m = /^(?:(https?):\/\/)?([^/?#]+)([/?#].*)?$/i.exec(text);
  if (!m) throw new LiveInputError(`"${raw.trim()}" is not an endpoint: expected host:port or http://host:port`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) && !m[1]) throw new LiveInputError(`"${text}": only http:// and https:// endpoints can be reached from a browser`);
  if (m[3]) throw new LiveInputError(`"${text}": an endpoint is a scheme, host and port only, without a path ("${m[3]}")`);
  const hostPort = m[2]!;
  const hp = /^(.*):(\d+)$/.exec(hostPort);
  if (!hp) throw new LiveInputError(`"${text}": the port is missing (etcd's client port is usually 2379)`);
  const host = hp[1]!;
  const port = Number(hp[2]);
  if (!HOST.test(host)) throw new LiveInputError(`"${text}": "${host}" is not a host name or address`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new LiveInputError(`"${text}": port ${hp[2]} is out of range (1-65535)`);
  return m[1] ? `${m[1].toLowerCase()}://${host}:${port}` : `${host}:${port}`;
}

/** A list of endpoints as typed (commas or white space between them). */
export function parseEndpointList(text: string): string[] {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0) throw new LiveInputError('enter at least one client endpoint, e.g. 127.0.0.1:2379');
  if (parts.length > MAX_ENDPOINTS) throw new LiveInputError(`${parts.length} endpoints given; at most ${MAX_ENDPOINTS} are taken`);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const p of parts) {
    const e = parseEndpoint(p);
    const key = endpointKey(e);
    if (seen.has(key)) throw new LiveInputError(`"${e}" is given twice`);
    seen.add(key);
    out.push(e);
  }
  return out;
}

/** `host:port` of an endpoint (the scheme dropped), the same for `a:1` and `http://a:1`. */
export function endpointKey(endpoint: string): string {
  return endpoint.replace(/^https?:\/\//i, '').replace(/\/+$/, '').toLowerCase();
}

/** The proxy path the page's own server forwards to `endpoint` (see the README's live mode). */
export const PROXY_PREFIX = '/etcd-proxy/';

/** Where a request for `endpoint` goes: to it, or through the page's proxy at `origin`. */
export function endpointUrl(endpoint: string, via: 'direct' | 'proxy', origin?: string): string {
  const direct = /^https?:\/\//i.test(endpoint) ? endpoint.replace(/\/+$/, '') : `http://${endpoint}`;
  if (via === 'direct') return direct;
  if (!origin) throw new LiveInputError('the proxy needs the page\'s origin');
  if (/^https:\/\//i.test(endpoint)) throw new LiveInputError(`"${endpoint}": the page's proxy forwards plain http only; connect directly to an https endpoint`);
  return `${origin.replace(/\/+$/, '')}${PROXY_PREFIX}${endpointKey(endpoint)}`;
}
