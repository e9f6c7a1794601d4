// PNGs of the report's key plots, rendered from the HTML page itself with headless Chromium
// (Debian's `chromium` package). Skipped with a message when Chromium is absent.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function renderPngs(htmlPath: string, outDir: string, log: (s: string) => void): Promise<string[]> {
  if (!existsSync(CHROMIUM)) {
    log(`report: PNGs skipped: ${CHROMIUM} not found (apt-get install -y chromium, or set CHROMIUM_PATH)\n`);
    return [];
  }
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'gen-bench-chromium-'));
  // A fresh profile folder (playwright passes it as --user-data-dir).
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1120, height: 900 },
    deviceScaleFactor: 1.5,
  });
  const written: string[] = [];
  try {
    const page = await browser.newPage();
    await page.goto(`file://${htmlPath}`);
    mkdirSync(outDir, { recursive: true });
    for (const el of await page.$$('[data-png]')) {
      const name = await el.getAttribute('data-png');
      const path = join(outDir, `${name}.png`);
      await el.screenshot({ path });
      written.push(path);
    }
    log(`report: ${written.length} PNGs in ${outDir}\n`);
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return written;
}
