// What the browser checks (pool_board.mjs: the classic Notebook, lab_test.mjs: JupyterLab 3.6) share: their command
// line, check(), Debian's Chromium launched headless, a page set up for a test, and the report on a failure.
import { chromium } from 'playwright-core';
import fs from 'node:fs';

// --url --token --notebook --cpus --expect --screenshots [--timeout SECONDS]; makes the screenshot directory
export function options() {
  const opts = { timeout: '300' };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) throw new Error(`bad argument ${argv[i]}`);
    opts[argv[i].slice(2)] = argv[i + 1];
  }
  for (const need of ['url', 'token', 'notebook', 'cpus', 'expect', 'screenshots']) {
    if (!(need in opts)) throw new Error(`missing --${need}`);
  }
  fs.mkdirSync(opts.screenshots, { recursive: true });
  return {
    opts,
    timeoutMs: Number(opts.timeout) * 1000,
    expected: JSON.parse(opts.expect).map(String),
    cpus: Number(opts.cpus),
  };
}

export function check(cond, message) {
  if (!cond) throw new Error(message);
}

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

// a 1280x1000 page whose waits time out after timeoutMs and whose dialogs are dismissed
export async function newPage(browser, timeoutMs) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);
  page.on('dialog', (d) => d.dismiss());
  return page;
}

// a screenshot of the page as it was (when there is one), what was seen so far and the reason; exit code 1
export async function reportFailure(page, seen, error, screenshotPath) {
  if (page) {
    await page.screenshot({ path: screenshotPath, fullPage: true }).catch(() => {});
  }
  console.log(JSON.stringify(seen));
  console.error(`browser check failed: ${error.message}`);
  process.exitCode = 1;
}
