/**
 * The controller's work queue and worker pool (pkg/worker/worker.go over a client-go rate-limiting work queue): jobs
 * wait in FIFO order for one of `workers` workers; a job already queued or running is not queued twice (the work
 * queue's de-duplication); a failed job is requeued after an exponential delay, up to its retry limit.
 */
import { Priority, type Simulation } from '../engine/sim.js';
import type { VpcrcParams } from './params.js';

/** One job: `run` calls `done(ok)` exactly once, when it finished (ok) or failed (requeued with backoff). */
export interface Job {
  readonly key: string;
  run(done: (ok: boolean) => void): void;
  /** Failed past the retry limit (not called for jobs that retry without limit). */
  dropped?(): void;
  /** Retries without limit (a node's trunk): the controller's node reconciler keeps trying. */
  readonly unlimited?: boolean;
}

export class WorkQueue {
  private readonly waiting: Job[] = [];
  private head = 0;
  private readonly known = new Set<string>();
  private readonly failures = new Map<string, number>();
  private busy = 0;
  /** Most jobs waiting at once, and the time integral of the waiting count (ms x jobs). */
  peak = 0;
  private integral = 0;
  private last = 0;
  /** Jobs run, failed (requeued) and dropped. */
  runs = 0;
  requeues = 0;
  drops = 0;
  /** Called with the waiting count whenever it changes. */
  onDepth: ((depth: number, now: number) => void) | undefined;

  constructor(
    private readonly sim: Simulation,
    private readonly params: VpcrcParams,
  ) {}

  /** Jobs waiting for a worker. */
  get depth(): number {
    return this.waiting.length - this.head;
  }

  /** Mean of the waiting count over [0, now]. */
  meanDepth(now: number): number {
    const total = this.integral + this.depth * (now - this.last);
    return now > 0 ? total / now : 0;
  }

  private level(): void {
    const now = this.sim.now;
    this.integral += this.depth * (now - this.last);
    this.last = now;
  }

  /** Has a job with this key queued or running. */
  has(key: string): boolean {
    return this.known.has(key);
  }

  submit(job: Job): void {
    if (this.known.has(job.key)) return;
    this.known.add(job.key);
    this.enqueue(job);
  }

  /** Submits after a delay (SubmitJobAfter). */
  submitAfter(job: Job, delayMs: number): void {
    this.sim.after(delayMs, Priority.ec2, () => this.submit(job), undefined);
  }

  private enqueue(job: Job): void {
    this.level();
    this.waiting.push(job);
    if (this.depth > this.peak) this.peak = this.depth;
    this.onDepth?.(this.depth, this.sim.now);
    this.pump();
  }

  private pump(): void {
    while (this.busy < this.params.workers && this.depth > 0) {
      this.level();
      const job = this.waiting[this.head++];
      if (this.head > 256 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      this.onDepth?.(this.depth, this.sim.now);
      this.busy++;
      this.runs++;
      let finished = false;
      job.run((ok) => {
        if (finished) return;
        finished = true;
        this.busy--;
        this.finish(job, ok);
        this.pump();
      });
    }
  }

  private finish(job: Job, ok: boolean): void {
    if (ok) {
      this.failures.delete(job.key);
      this.known.delete(job.key);
      return;
    }
    const n = (this.failures.get(job.key) ?? 0) + 1;
    if (!job.unlimited && n > this.params.maxRetries) {
      // worker.go: exceeded maximum retries, the job is forgotten.
      this.failures.delete(job.key);
      this.known.delete(job.key);
      this.drops++;
      job.dropped?.();
      return;
    }
    this.failures.set(job.key, n);
    this.requeues++;
    const delay = Math.min(this.params.retryBaseMs * 2 ** (n - 1), this.params.retryMaxMs);
    this.sim.after(delay, Priority.ec2, () => this.enqueue(job), undefined);
  }
}
