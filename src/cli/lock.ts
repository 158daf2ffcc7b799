/**
 * The lock a sweep holds on its results file: `<file>.lock`, created exclusively, holding the holder's pid, host and
 * start time. A second sweep on the same file finds it and refuses (exit 2), naming the holder. A lock whose holder
 * is gone (same host, no such process) is stale: it is removed and taken.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { UsageError } from './io.js';

/** A lock held by this process. */
export interface Lock {
  /** The lock file's path. */
  file: string;
  /** Removes the lock file (once; later calls do nothing). */
  release(): void;
}

interface Holder {
  pid: number;
  host: string;
  since: string;
}

function readHolder(file: string): Holder | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>;
    if (typeof v.pid === 'number' && typeof v.host === 'string')
      return { pid: v.pid, host: v.host, since: String(v.since ?? '?') };
  } catch {
    /* unreadable or half-written: treated as held */
  }
  return undefined;
}

/** Whether process `pid` exists on this host. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock of `target` (an absolute path); `shown` is the path as the user gave it, for messages. */
export function takeLock(target: string, shown: string): Lock {
  const file = `${target}.lock`;
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(me) + '\n', { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readHolder(file);
      if (attempt === 0 && holder && holder.host === me.host && !alive(holder.pid)) {
        try {
          unlinkSync(file);
        } catch {
          /* another process removed it first */
        }
        continue;
      }
      const who = holder
        ? `pid ${holder.pid} on ${holder.host}, since ${holder.since}`
        : 'a process that left no details';
      throw new UsageError(
        `${shown} is in use by another sweep (${who}): wait for it to finish, or if it is gone, remove ${file}`,
      );
    }
    let held = true;
    const onExit = (): void => release();
    const release = (): void => {
      if (!held) return;
      held = false;
      process.removeListener('exit', onExit);
      try {
        unlinkSync(file);
      } catch {
        /* already gone */
      }
    };
    // A sweep stopped by Ctrl-C leaves through process.exit: the lock goes with it.
    process.on('exit', onExit);
    return { file, release };
  }
  throw new UsageError(`${shown}: could not take ${file}`);
}
