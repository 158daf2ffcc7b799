/**
 * The worker-thread pool (piscina) that runs sweep tasks in parallel. The workers always run the compiled
 * `dist/cli/sweep-worker.js`, also when this module itself is loaded from TypeScript sources (tests).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunTask } from './sweep-worker.js';
import type { RunFigures } from '../sweep/types.js';

/**
 * Path of the compiled worker entry: the bundled `dist/sweep-worker.mjs` (one file: each worker thread starts
 * faster), else the tsc output `dist/cli/sweep-worker.js`; from TypeScript sources (tests), the latter.
 */
export function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const dir = dirname(here);
  const candidates = here.endsWith('.ts')
    ? [join(resolve(dir, '..', '..'), 'dist', 'cli', 'sweep-worker.js')]
    : [join(dir, 'sweep-worker.mjs'), join(dir, '..', 'sweep-worker.mjs'), join(dir, 'sweep-worker.js')];
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new Error(`the compiled sweep worker ${candidates[0]} is missing; run \`npm run build\``);
  return file;
}

/** Default worker count: one per core the process may use. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * Runs every task on `workers` threads, calling `onDone` in the main thread as each finishes (in completion
 * order). Stops at the first failure and rejects with it; tasks already finished have been reported.
 */
export async function runPool<T extends RunTask>(
  tasks: readonly T[],
  workers: number,
  onDone: (task: T, figures: RunFigures) => void,
): Promise<void> {
  if (tasks.length === 0) return;
  const threads = Math.max(1, Math.min(workers, tasks.length));
  // Loaded here, not at the top: every other command (and `run`) would pay about 20 ms to load it.
  const { Piscina } = await import('piscina');
  const pool = new Piscina<RunTask, RunFigures>({
    filename: workerFile(),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
  });
  // Keep a bounded number of tasks queued so that huge sweeps do not hold a promise per run.
  const window = threads * 4;
  try {
    await new Promise<void>((resolveAll, reject) => {
      let next = 0;
      let finished = 0;
      let failed = false;
      const launch = (): void => {
        while (!failed && next < tasks.length && next - finished < window) {
          const task = tasks[next++];
          pool.run(task).then(
            (figures) => {
              if (failed) return;
              try {
                onDone(task, figures);
              } catch (e) {
                failed = true;
                return reject(e instanceof Error ? e : new Error(String(e)));
              }
              if (++finished === tasks.length) resolveAll();
              else launch();
            },
            (e: unknown) => {
              if (!failed) reject(e instanceof Error ? e : new Error(String(e)));
              failed = true;
            },
          );
        }
      };
      launch();
    });
  } finally {
    await pool.destroy();
  }
}
