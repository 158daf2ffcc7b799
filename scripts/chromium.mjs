// Headless Debian chromium through playwright-core (never a downloaded browser), for scripts/screenshot.mjs and
// test/browser.test.ts: one place for the executable and its flags.
import { existsSync } from 'node:fs';

/** The browser's path: CHROMIUM_PATH, else Debian's package. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the browser is installed. */
export const haveChromium = existsSync(CHROMIUM);

/** Launches it headless, with no sandbox (containers), GPU or background network traffic. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
