/**
 * `npm run live`: a real 3-member etcd 3.4 on loopback (Debian's etcd-server, installed when
 * missing; temporary data directories; free ports) and the playground's dev server, with the page
 * opened in live mode and connected to it. Ctrl+C stops the members by their PIDs, removes their
 * data, and stops the server.
 *
 * The members are started with --cors naming the page's origin, so the page reaches them
 * directly, as it would a real cluster configured for it. (The page's /etcd-proxy/ works too:
 * pick "through this page's server" in the form.)
 *
 * LIVE_PORT sets the page's port (default 5173), LIVE_NO_OPEN=1 does not open a browser.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { createServer } from 'vite';
import { startRealEtcd } from '../src/client/testing/realEtcd.ts';

const port = Number(process.env.LIVE_PORT ?? 5173);
const origin = `http://127.0.0.1:${port}`;

execFileSync('bash', ['scripts/ensure-etcd.sh'], { stdio: 'inherit' });
console.log('starting a 3-member etcd on 127.0.0.1 …');
const etcd = await startRealEtcd({ members: 3, extraArgs: [`--cors=${origin}`], clusterToken: `etcd-playground-live-${port}` });
const url = `${origin}/?live=${etcd.endpoints.join(',')}`;
const server = await createServer({ server: { host: '127.0.0.1', port, strictPort: true, open: process.env.LIVE_NO_OPEN ? false : url } });
await server.listen();

let stopping = false;
const stop = async (code: number): Promise<void> => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping etcd (by PID) and the server …');
  await etcd.stop();
  await server.close();
  process.exit(code);
};
// Vite's dev server exits the process on SIGTERM by itself, before etcd's data could be removed:
// this script's own stop takes its place.
process.removeAllListeners('SIGTERM');
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
// Whatever ends the process, no member outlives it and no data directory is left behind.
process.on('exit', () => {
  for (const m of etcd.members) {
    try {
      process.kill(m.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dirname(etcd.members[0]!.dataDir), { recursive: true, force: true });
});
process.on('uncaughtException', (e) => {
  console.error(e);
  void stop(1);
});

console.log(`
etcd members (pid, client URL, data dir):
${etcd.members.map((m) => `  ${m.name}  pid ${m.pid}  ${m.clientUrl}  ${m.dataDir}`).join('\n')}

live mode: ${url}

Try in its console: member list -w table · endpoint status -w table · get --prefix ""
Kill a member to watch the view change:  kill ${etcd.members[0]!.pid}
Ctrl+C stops everything.`);
