/**
 * How a console entry takes a command's output, whichever cluster ran it (the simulation's or a
 * real etcd's): streamed pieces as they arrive, then the result. A command that streamed has
 * already shown everything; its result repeats it, so the streamed text is kept.
 */
import type { ConsoleEntry } from './store.ts';

export function appendChunk(e: ConsoleEntry, chunk: { stdout?: string; stderr?: string }): ConsoleEntry {
  return {
    ...e,
    stdout: e.stdout + (chunk.stdout ?? ''),
    stderr: e.stderr + (chunk.stderr ?? ''),
    chunks: [...e.chunks, ...(chunk.stdout ? [{ stream: 'stdout' as const, text: chunk.stdout }] : []), ...(chunk.stderr ? [{ stream: 'stderr' as const, text: chunk.stderr }] : [])],
  };
}

export function finishEntry(e: ConsoleEntry, res: { stdout: string; stderr: string; exitCode: number }): ConsoleEntry {
  const streamed = e.chunks.length > 0;
  const chunks = streamed ? e.chunks : [...(res.stdout ? [{ stream: 'stdout' as const, text: res.stdout }] : []), ...(res.stderr ? [{ stream: 'stderr' as const, text: res.stderr }] : [])];
  return { ...e, stdout: streamed ? e.stdout : res.stdout, stderr: streamed ? e.stderr : res.stderr, chunks, exitCode: res.exitCode, running: false };
}
