/**
 * What stands behind an endpoint, found before live mode shows anything: an etcd with its JSON
 * gateway on, or one of the things that are not (nothing listening, a browser's same-origin
 * refusal, some other web server, an etcd with the gateway off, an etcd too old for `/v3`).
 * Each answer is a ProbeProblem naming the endpoint and the cause in words a user can act on.
 */

export type ProbeCause = 'unreachable' | 'timeout' | 'cors' | 'notEtcd' | 'noGateway' | 'oldVersion';

export class ProbeProblem extends Error {
  constructor(
    readonly endpoint: string,
    readonly kind: ProbeCause,
    detail: string,
  ) {
    super(`${endpoint}: ${detail}`);
    this.name = 'ProbeProblem';
  }
}

export interface ProbeOptions {
  /** Where to send requests for the endpoint (direct, or the page's proxy path). */
  url: string;
  timeoutMs?: number;
  /** The page's origin when running in a browser (a refused answer is then told apart from no answer). */
  pageOrigin?: string;
  fetch?: typeof fetch;
}

export interface ProbeResult {
  /** etcd's server version, e.g. "3.4.23". */
  version: string;
  cluster: string;
}

const isTimeout = (e: unknown): boolean => e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');

export async function probeEndpoint(endpoint: string, opts: ProbeOptions): Promise<ProbeResult> {
  const f = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 3000;
  const secs = `${(timeoutMs / 1000).toFixed(0)} s`;
  let res: Response;
  try {
    res = await f(`${opts.url}/version`, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    if (isTimeout(e)) throw new ProbeProblem(endpoint, 'timeout', `no answer within ${secs} (a firewall, or a host that is down)`);
    if (opts.pageOrigin !== undefined && (await answersOpaquely(f, `${opts.url}/version`, timeoutMs))) {
      throw new ProbeProblem(
        endpoint,
        'cors',
        `it answers, but the browser refused to let this page read the answer: the server does not allow the origin ${opts.pageOrigin}. ` +
          `Start etcd with --cors=${opts.pageOrigin}, or connect through the page's proxy.`,
      );
    }
    const code = (e as { cause?: { code?: string } })?.cause?.code;
    throw new ProbeProblem(endpoint, 'unreachable', `could not connect${code ? ` (${code})` : ''}: nothing is listening there, or the host cannot be reached`);
  }
  const text = await res.text().catch(() => '');
  if (res.status === 502 && res.headers.get('x-etcd-proxy') === 'unreachable') {
    throw new ProbeProblem(endpoint, 'unreachable', `the page's proxy ${text.replace(/^etcd proxy: /, '').trim()}: nothing is listening there, or the host cannot be reached`);
  }
  if (res.headers.get('x-etcd-proxy') === 'forbidden') throw new ProbeProblem(endpoint, 'notEtcd', `the page's proxy refused it: ${text.replace(/^etcd proxy: /, '').trim()}`);
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: reported below
  }
  const version = (body as { etcdserver?: unknown } | null)?.etcdserver;
  if (!res.ok || typeof version !== 'string') {
    const type = res.headers.get('content-type')?.split(';')[0] ?? 'no content type';
    throw new ProbeProblem(endpoint, 'notEtcd', `this is not an etcd client URL: GET /version answered HTTP ${res.status} (${type}), not etcd's version`);
  }
  const cluster = String((body as { etcdcluster?: unknown }).etcdcluster ?? '');
  const [major, minor] = version.split('.').map(Number);
  if (major !== 3 || (minor ?? 0) < 4) {
    throw new ProbeProblem(endpoint, 'oldVersion', `etcd ${version} answers, but live mode needs etcd 3.4 or later (its gateway serves /v3 from 3.4 on)`);
  }
  let status: Response;
  try {
    status = await f(`${opts.url}/v3/maintenance/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    if (isTimeout(e)) throw new ProbeProblem(endpoint, 'timeout', `etcd ${version} answered /version but not /v3/maintenance/status within ${secs}`);
    throw new ProbeProblem(endpoint, 'unreachable', `etcd ${version} answered /version, then the connection failed: ${(e as Error).message}`);
  }
  await status.text().catch(() => '');
  if (status.status === 404 || status.status === 405) {
    throw new ProbeProblem(endpoint, 'noGateway', `etcd ${version} answers, but its gRPC gateway is off (POST /v3/maintenance/status: HTTP ${status.status}). Start etcd with --enable-grpc-gateway=true (the default).`);
  }
  return { version, cluster };
}

/** True when a no-cors request gets through: the server is there, only its answer was withheld. */
async function answersOpaquely(f: typeof fetch, url: string, timeoutMs: number): Promise<boolean> {
  try {
    await f(url, { mode: 'no-cors', signal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  }
}
