// Types of scripts/docs-lib.mjs, for the tests under test/docs/.
export const ROOT: string;
export interface FencedBlock {
  info: string;
  lang: string;
  line: number;
  lines: string[];
}
export interface DocCommand {
  line: number;
  command: string;
  slow: boolean;
  exit: number;
}
export interface Marker {
  kind: 'sample' | 'include';
  what: string;
  start: number;
  end: number;
  body: string;
}
export function docFiles(root?: string): string[];
export function fencedBlocks(text: string): FencedBlock[];
export function splitComment(line: string): { command: string; comment: string };
export function docCommands(text: string): DocCommand[];
export function quickVersion(command: string): string;
export function toShell(command: string, root?: string): string;
export function sandbox(root?: string): string;
export function runDocCommand(command: string, cwd: string): { code: number; stdout: string; stderr: string };
export function slug(heading: string): string;
export function anchors(text: string): Set<string>;
export function relativeLinks(text: string): { line: number; target: string }[];
export function markers(text: string): Marker[];
export function readDoc(file: string, root?: string): string;
