// Opens a notebook in the classic Jupyter Notebook (already running) in Debian's Chromium, runs its first cell (a
// %%pool cell) with Shift+Enter as a person would, waits for the live task board to reach its final state, checks
// what the page shows and saves screenshots.
//
//   node pool_board.mjs --url http://127.0.0.1:PORT --token TOKEN --notebook NAME.ipynb --cpus N
//                       --expect '[0,1,4,...]' --screenshots DIR [--timeout SECONDS]
//
// Prints one JSON line with what it saw; exits 1 (with the reason on stderr) when a check fails.
import path from 'node:path';
import { check, launchChromium, newPage, options, reportFailure } from './common.mjs';

const { opts, timeoutMs, expected, cpus } = options();
const browser = await launchChromium();
const seen = { states: [], consoleErrors: [] };
let page;
try {
  page = await newPage(browser, timeoutMs);
  page.on('console', (m) => { if (m.type() === 'error') seen.consoleErrors.push(m.text()); });

  await page.goto(`${opts.url}/notebooks/${encodeURIComponent(opts.notebook)}?token=${opts.token}`);
  // the notebook app is up and its kernel (jpool, named in the notebook's metadata) is connected and idle
  await page.waitForFunction(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel
      && Jupyter.notebook.kernel.is_connected() && Jupyter.notebook.kernel.name === 'jpool'
      && document.querySelector('#kernel_indicator_icon.kernel_idle_icon'));
  seen.kernelName = await page.evaluate(() => Jupyter.notebook.kernel.name);

  // click into the first code cell and run it with Shift+Enter
  const editor = page.locator('.cell.code_cell').first().locator('.CodeMirror');
  await editor.click();
  await page.keyboard.press('Shift+Enter');

  // the board appears while the cell runs, then is replaced in place by its final state
  const board = page.locator('.output_area div.jpool-board');
  await board.first().waitFor({ state: 'attached' });
  seen.states.push(await board.first().getAttribute('data-state'));
  if (seen.states[0] === 'running') {
    await page.screenshot({ path: path.join(opts.screenshots, 'pool-board-running.png'), fullPage: true });
  }
  await page.locator('.output_area div.jpool-board[data-state="final"]').waitFor({ state: 'visible' });
  await page.locator('.output_area table.jpool-table').waitFor({ state: 'visible' });
  await page.waitForFunction(() => document.querySelector('#kernel_indicator_icon.kernel_idle_icon'));
  seen.states.push(await board.first().getAttribute('data-state'));

  // what the page shows
  seen.boards = await board.count();
  seen.cpuGroups = await page.locator('.output_area div.jpool-board svg.jpool-cpu g.cpu')
      .evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-cpu'))));
  seen.svgBox = await page.locator('.output_area div.jpool-board svg.jpool-cpu').first().boundingBox();
  seen.boardText = (await board.first().innerText()).split('\n')[0];
  const rows = await page.locator('.output_area table.jpool-table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent.trim())));
  seen.header = await page.locator('.output_area table.jpool-table thead th').allTextContents();
  seen.index = rows.map((r) => r[0]);
  seen.results = rows.map((r) => r[2]);
  seen.promptNumber = (await page.locator('.cell.code_cell').first().locator('.input_prompt').innerText())
      .replace(/\s+/g, ' ').trim(); // the prompt has a no-break space

  await page.screenshot({ path: path.join(opts.screenshots, 'pool-board-final.png'), fullPage: true });
  await board.first().screenshot({ path: path.join(opts.screenshots, 'pool-board-board.png') });
  await page.locator('.cell.code_cell').first().locator('.output_wrapper').screenshot({
    path: path.join(opts.screenshots, 'pool-board-output.png'),
  });

  check(seen.states[0] === 'running', `the board first showed ${seen.states[0]}, not the running state`);
  check(seen.boards === 1, `expected one board (updated in place), found ${seen.boards}`);
  check(JSON.stringify(seen.cpuGroups) === JSON.stringify([...Array(cpus).keys()]),
      `expected one g.cpu per CPU (${cpus}), found ${JSON.stringify(seen.cpuGroups)}`);
  check(seen.svgBox && seen.svgBox.width > 100 && seen.svgBox.height > 20,
      `the CPU panel is not drawn: ${JSON.stringify(seen.svgBox)}`);
  check(/done · .* finished/.test(seen.boardText), `board headline: ${seen.boardText}`);
  check(seen.header.join(',') === '#,k,result,worker,ms', `table header: ${seen.header}`);
  check(JSON.stringify(seen.index) === JSON.stringify(expected.map((_, i) => String(i))),
      `table not in input order: ${seen.index}`);
  check(JSON.stringify(seen.results) === JSON.stringify(expected), `results ${seen.results} != ${expected}`);
  check(seen.promptNumber === 'In [1]:', `prompt after the run: ${seen.promptNumber}`);
  console.log(JSON.stringify(seen));
} catch (e) {
  await reportFailure(page, seen, e, path.join(opts.screenshots, 'pool-board-failure.png'));
} finally {
  await browser.close();
}
