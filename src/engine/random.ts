import seedrandom from 'seedrandom';

/**
 * A seeded random stream with named, bounded draws. Each component owns its own stream, derived from the
 * root seed and a stable name, so a new draw in one component never shifts another's draws.
 *
 * The stream's state is seeded by seedrandom's Alea from the name (its string hash, Mash, costs a few operations per
 * character, where seedrandom's default ARC4 runs a 256-step key schedule: a 1,000-node run seeds thousands of
 * streams); draws come from sfc32, a small fast generator with good statistical quality, because draws sit on the
 * simulator's hot path.
 */
export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  private seeded = false;

  /** The stream is seeded on its first draw: most streams of a large cluster never draw at all. */
  constructor(private readonly seed: string) {}

  private init(): void {
    const init = seedrandom.alea(this.seed);
    this.a = init.int32() | 0;
    this.b = init.int32() | 0;
    this.c = init.int32() | 0;
    this.d = init.int32() | 1;
    this.seeded = true;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Next raw 32-bit unsigned integer (sfc32). */
  private u32(): number {
    if (!this.seeded) this.init();
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = ((c << 21) | (c >>> 11)) + t | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Uniform integer in [0, n) for n >= 1. */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** Standard normal (Box-Muller, one value per call). */
  normal(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** Factory of named streams under one root seed: stream(name) is seeded from `${seed}/${name}`. */
export class Streams {
  constructor(readonly seed: number | string) {}

  /** The stream for a component, e.g. `kubelet/workers-3/retry`. */
  stream(name: string): Rng {
    return new Rng(`${this.seed}/${name}`);
  }
}
