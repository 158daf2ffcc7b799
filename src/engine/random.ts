import seedrandom from 'seedrandom';

/**
 * A seeded random stream with named, bounded draws. Each component owns its own stream, derived from the
 * root seed and a stable name, so a new draw in one component never shifts another's draws.
 */
export class Rng {
  private readonly next: () => number;

  constructor(seed: string) {
    // alea: fast, good quality, fully determined by the seed string.
    this.next = seedrandom.alea(seed);
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.next();
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Standard normal (Box-Muller, one value per call). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** Factory of named streams under one root seed: stream(name) is `alea(`${seed}/${name}`)`. */
export class Streams {
  constructor(readonly seed: number | string) {}

  /** The stream for a component, e.g. `kubelet/workers-3/retry`. */
  stream(name: string): Rng {
    return new Rng(`${this.seed}/${name}`);
  }
}
