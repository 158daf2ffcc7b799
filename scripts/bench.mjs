#!/usr/bin/env node
// `npm run bench`: runs the benchmark (dist/bench.cjs) in a process of its own, with NODE_EXTRA_CA_CERTS cleared.
// Where that variable names a CA bundle (this project's machine sets one for its proxy), Node parses every
// certificate in it when it starts, about 85 ms here, before any of the benchmark runs; the benchmark makes no
// network connection. Run `node dist/bench.cjs` directly to measure with the variable as it is.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const env = { ...process.env };
const cleared = env.NODE_EXTRA_CA_CERTS !== undefined && env.NODE_EXTRA_CA_CERTS !== '';
delete env.NODE_EXTRA_CA_CERTS;
const bench = fileURLToPath(new URL('../dist/bench.cjs', import.meta.url));
const r = spawnSync(process.execPath, [bench, ...process.argv.slice(2)], { stdio: 'inherit', env });
if (cleared) process.stdout.write('environment        NODE_EXTRA_CA_CERTS cleared for the benchmark process (see scripts/bench.mjs)\n');
process.exit(r.status ?? 1);
