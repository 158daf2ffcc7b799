/**
 * Gzip compression of the event log on a worker thread, so that a long run's simulation and the compression of its
 * log share the machine's cores rather than take turns. The simulation never yields to the event loop, so the two
 * threads talk through shared memory: the main thread posts each chunk (its memory moved, not copied) and blocks
 * only while more than a few chunks wait; the worker compresses each chunk to one gzip member (a file of several
 * members is one gzip file to gunzip, zcat, Python's gzip and Node's zlib) and writes it to the open descriptor.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** The worker's code (CommonJS, evaluated: nothing to bundle or find on disk). */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { gzipSync } = require('node:zlib');
const { writeSync } = require('node:fs');
const { fd, level, shared, errors } = workerData;
const state = new Int32Array(shared);
parentPort.on('message', (chunk) => {
  if (Atomics.load(state, 1) === 0) {
    try {
      const z = gzipSync(chunk, { level });
      let off = 0;
      while (off < z.length) off += writeSync(fd, z, off, z.length - off);
    } catch (e) {
      Atomics.store(state, 1, 1);
      errors.postMessage(String((e && e.message) || e));
    }
  }
  Atomics.add(state, 0, 1);
  Atomics.notify(state, 0);
});
`;

/** Compression level: deflate's fast strategy (about 8x smaller for event logs, twice as fast as the default 6). */
const LEVEL = 3;
/** Chunks posted and not yet written beyond which the main thread waits. */
const MAX_IN_FLIGHT = 4;
/** How long the main thread waits without the worker finishing a chunk before it gives up (ms). */
const STALL_MS = 120_000;

/** Writes gzip members to `fd` from a worker thread. */
export class GzipWriter {
  private readonly worker: Worker;
  private readonly state: Int32Array;
  private readonly errors: MessagePort;
  private sent = 0;

  constructor(
    fd: number,
    private readonly path: string,
  ) {
    const shared = new SharedArrayBuffer(8);
    this.state = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.errors = port1;
    this.worker = new Worker(SOURCE, {
      eval: true,
      workerData: { fd, level: LEVEL, shared, errors: port2 },
      transferList: [port2],
    });
    // A failure to start shows as a stall (the main thread is blocked when the event would come).
    this.worker.on('error', () => undefined);
    // Never keeps the process alive: close() waits for it explicitly.
    this.worker.unref();
    port1.unref();
  }

  /** Hands `chunk` over (its memory is moved to the worker: do not use it afterwards). */
  write(chunk: Buffer): void {
    this.check();
    // Only memory the chunk has to itself may move (small Buffers share a pool).
    const own = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
    const data = own ? chunk : Buffer.allocUnsafeSlow(chunk.length);
    if (!own) chunk.copy(data);
    this.worker.postMessage(data, [data.buffer as ArrayBuffer]);
    this.sent++;
    this.waitUntil(MAX_IN_FLIGHT);
  }

  /** Waits until every chunk is written; throws if one could not be. */
  finish(): void {
    this.waitUntil(0);
    this.check();
    void this.worker.terminate();
  }

  /** Stops the worker without waiting (the log is being dropped). */
  abandon(): void {
    void this.worker.terminate();
  }

  /** Blocks until at most `left` chunks are not yet written. */
  private waitUntil(left: number): void {
    let idle = 0;
    for (;;) {
      const done = Atomics.load(this.state, 0);
      if (this.sent - done <= left) return;
      if (Atomics.wait(this.state, 0, done, 1000) === 'timed-out') {
        this.check();
        if ((idle += 1000) >= STALL_MS) throw new Error(`cannot write ${this.path}: the gzip writer stopped`);
      } else idle = 0;
    }
  }

  private check(): void {
    const m = receiveMessageOnPort(this.errors);
    if (m !== undefined) throw new Error(`cannot write ${this.path}: ${String(m.message)}`);
  }
}
