// Types of scripts/chromium.mjs, for test/browser.test.ts.
import type { Browser } from 'playwright-core';
export const CHROMIUM: string;
export const haveChromium: boolean;
export function launchChromium(): Promise<Browser>;
