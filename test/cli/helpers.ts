/** Test helpers: run the CLI in-process with captured output, temp folders, fixture paths. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';

/** Absolute path of a file under test/fixtures. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'warmpool-sweep-'));
}

/** Output of one in-process CLI invocation. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `warmpool-sim ...argv` in-process. */
export async function cli(argv: string[], isTty = false): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), isTty };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** The lines of a results file, sorted (completion order differs between runs). */
export function sortedLines(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}

/** Parses JSON text as the type the test expects of it (a test reading a missing field fails on its value). */
export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}
