// Opens a notebook in JupyterLab 3.6 (the minimal front end of tests/browser/lab/, already served by lab_app.py) in
// Debian's Chromium and uses the jpool kernel as a person would: runs a cell with Shift+Enter, completes with Tab,
// asks for a tooltip with Shift+Tab, runs a %%pool cell until its live board is final, interrupts a sleeping cell
// from the Kernel menu and checks the kernel answers again. Saves screenshots.
//
//   node lab_test.mjs --url http://127.0.0.1:PORT --token TOKEN --notebook NAME.ipynb --cpus N
//                     --expect '[0,1,4,...]' --screenshots DIR [--timeout SECONDS]
//
// The notebook's cells (made by tests/python/test_browser_lab.py) are, in order:
//   0 `int x = 6 * 7; x`   1 `"abc".len`   2 `"abc".c`   3 `Math.max(`   4 the %%pool cell
//   5 `System.out.println("sleeping"); Thread.sleep(60000);`   6 `x + 1`
// Prints one JSON line with what it saw; exits 1 (with the reason on stderr) when a check fails.
import path from 'node:path';
import { check, launchChromium, newPage, options, reportFailure } from './common.mjs';

const { opts, timeoutMs, expected, cpus } = options();
const browser = await launchChromium();
const seen = { consoleErrors: [], pageErrors: [], timesMs: {} };
let page;
const t0 = Date.now();
const lap = (name) => { seen.timesMs[name] = Date.now() - t0; };
try {
  page = await newPage(browser, timeoutMs);
  page.on('console', (m) => { if (m.type() === 'error') seen.consoleErrors.push(m.text().slice(0, 300)); });
  page.on('pageerror', (e) => seen.pageErrors.push(e.message.slice(0, 300)));

  const cell = (i) => page.locator('.jp-NotebookPanel .jp-Notebook .jp-Cell').nth(i);
  const prompt = async (i) => (await cell(i).locator('.jp-InputPrompt').innerText()).replace(/\s+/g, '').trim();
  const editorText = (i) => cell(i).locator('.CodeMirror-code').evaluate(
      (code) => Array.from(code.querySelectorAll('pre.CodeMirror-line'), (l) => l.textContent).join('\n'));
  const kernelStatus = () => page.locator('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator')
      .getAttribute('data-status');
  const waitKernel = (status) => page.locator(
      `.jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status="${status}"]`).waitFor({ state: 'attached' });
  // puts the cursor at the end of a cell's (one-line) source, in edit mode
  const editAtEnd = async (i) => {
    await cell(i).locator('.CodeMirror').click();
    await page.keyboard.press('End');
  };
  const run = async (i) => {
    await cell(i).locator('.CodeMirror').click();
    await page.keyboard.press('Shift+Enter');
  };
  const waitPrompt = (i, text) => page.waitForFunction(([sel, n, want]) => {
    const c = document.querySelectorAll(sel)[n];
    const p = c && c.querySelector('.jp-InputPrompt');
    return p && p.textContent.replace(/\s+/g, '') === want;
  }, ['.jp-NotebookPanel .jp-Notebook .jp-Cell', i, text]);

  // JupyterLab opens the notebook from its URL; its metadata names the jpool kernel, which the session starts
  await page.goto(`${opts.url}/lab/tree/${encodeURIComponent(opts.notebook)}?token=${opts.token}`);
  await page.locator('body[data-lab-restored="true"]').waitFor({ state: 'attached' });
  await cell(0).locator('.CodeMirror').waitFor({ state: 'visible' });
  await page.waitForFunction(() => {
    const w = window.jupyterlab.shell.currentWidget;
    const kernel = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return kernel && kernel.name === 'jpool' && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
  });
  await waitKernel('idle');
  seen.kernelName = (await page.locator('.jp-NotebookPanel .jp-KernelName').innerText()).trim();
  seen.title = await page.title();
  lap('kernelIdle');

  // 1. a cell runs with Shift+Enter and shows its value
  await run(0);
  await cell(0).locator('.jp-OutputArea-output').first().waitFor({ state: 'visible' });
  await waitPrompt(0, '[1]:');
  seen.firstOutput = (await cell(0).locator('.jp-OutputArea-output').innerText()).trim();
  seen.firstPrompt = await prompt(0);
  check(seen.firstOutput === '42', `cell 0 output: ${JSON.stringify(seen.firstOutput)}`);
  lap('firstCell');

  // 2. Tab completes a member: one match is put in place, several open the completer's list
  // Tab completes only once the completer has taken this editor (it marks it jp-mod-completer-enabled when the
  // cursor follows text); pressed before that, Tab indents, as it did once on a loaded machine
  const completerReady = (i) => cell(i).locator('.jp-mod-completer-enabled').waitFor({ state: 'attached' });
  await editAtEnd(1);
  await completerReady(1);
  await page.keyboard.press('Tab');
  await page.waitForFunction(([sel]) => {
    const c = document.querySelectorAll(sel)[1];
    return c && c.querySelector('.CodeMirror-code').textContent.includes('length');
  }, ['.jp-NotebookPanel .jp-Notebook .jp-Cell']);
  seen.completedSource = await editorText(1);
  check(seen.completedSource === '"abc".length()', `completion of "abc".len gave ${seen.completedSource}`);
  await editAtEnd(2);
  await completerReady(2);
  await page.keyboard.press('Tab');
  const completer = page.locator('.jp-Completer');
  await completer.locator('.jp-Completer-item').first().waitFor({ state: 'visible' });
  seen.completerItems = await completer.locator('.jp-Completer-item .jp-Completer-match').allTextContents();
  await page.screenshot({ path: path.join(opts.screenshots, 'lab-completer.png') });
  await page.keyboard.press('Escape');
  await completer.waitFor({ state: 'hidden' });
  check(seen.completerItems.some((t) => t.startsWith('charAt')) && seen.completerItems.includes('concat('),
      `completer list for "abc".c: ${seen.completerItems}`);
  lap('completion');

  // 3. Shift+Tab shows the kernel's inspection of the call in a tooltip
  await editAtEnd(3);
  await page.keyboard.press('Shift+Tab');
  const tooltip = page.locator('.jp-Tooltip');
  await tooltip.waitFor({ state: 'visible' });
  await page.waitForFunction(() => /max/.test(document.querySelector('.jp-Tooltip').textContent));
  seen.tooltip = (await tooltip.innerText()).trim().split('\n')[0];
  await page.screenshot({ path: path.join(opts.screenshots, 'lab-tooltip.png') });
  await page.keyboard.press('Escape');
  await tooltip.waitFor({ state: 'detached' });
  check(/Math\.max\(int a, int b\)/.test(seen.tooltip), `tooltip: ${seen.tooltip}`);
  lap('tooltip');

  // 4. a %%pool cell: the live board is replaced in place until its final state, with the results table
  await run(4);
  const board = cell(4).locator('.jp-OutputArea-output div.jpool-board');
  await board.first().waitFor({ state: 'attached' });
  seen.boardStates = [await board.first().getAttribute('data-state')];
  await cell(4).locator('div.jpool-board[data-state="final"]').waitFor({ state: 'visible' });
  await cell(4).locator('table.jpool-table').waitFor({ state: 'visible' });
  await waitPrompt(4, '[2]:');
  seen.boardStates.push(await board.first().getAttribute('data-state'));
  seen.boards = await board.count();
  seen.cpuGroups = await board.locator('svg.jpool-cpu g.cpu')
      .evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-cpu'))));
  seen.boardText = (await board.first().innerText()).split('\n')[0];
  seen.results = await cell(4).locator('table.jpool-table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => tr.querySelectorAll('td')[2].textContent.trim()));
  await cell(4).scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(opts.screenshots, 'lab-pool-board.png') });
  await board.first().screenshot({ path: path.join(opts.screenshots, 'lab-board.png') });
  check(seen.boardStates[0] === 'running', `the board first showed ${seen.boardStates[0]}, not the running state`);
  check(seen.boards === 1, `expected one board (updated in place), found ${seen.boards}`);
  check(JSON.stringify(seen.cpuGroups) === JSON.stringify([...Array(cpus).keys()]),
      `expected one g.cpu per CPU (${cpus}), found ${JSON.stringify(seen.cpuGroups)}`);
  check(/done · .* finished/.test(seen.boardText), `board headline: ${seen.boardText}`);
  check(JSON.stringify(seen.results) === JSON.stringify(expected), `results ${seen.results} != ${expected}`);
  lap('pool');

  // 5. Kernel > Interrupt Kernel stops a sleeping cell; the kernel then runs the next cell
  await run(5);
  await waitKernel('busy');
  await waitPrompt(5, '[*]:');
  // the cell prints before it sleeps: once that is shown it is in its sleep
  await cell(5).locator('.jp-OutputArea-output', { hasText: 'sleeping' }).waitFor({ state: 'visible' });
  const interruptAt = Date.now();
  await page.locator('.lm-MenuBar-item', { hasText: 'Kernel' }).click();
  await page.locator('.lm-Menu-item', { hasText: 'Interrupt Kernel' }).click();
  await waitPrompt(5, '[3]:');
  seen.interruptMs = Date.now() - interruptAt;
  const interruptedLines = (await cell(5).locator('.jp-OutputArea').innerText()).trim().split('\n');
  seen.interruptedOutput = interruptedLines.find((l) => /^Interrupted/.test(l)) ?? interruptedLines.join(' | ');
  await waitKernel('idle');
  await run(6);
  await waitPrompt(6, '[4]:');
  seen.afterInterrupt = (await cell(6).locator('.jp-OutputArea-output').innerText()).trim();
  check(/^Interrupted/.test(seen.interruptedOutput), `the interrupted cell shows ${seen.interruptedOutput}`);
  check(seen.interruptMs < 30000, `the interrupt took ${seen.interruptMs} ms (the cell sleeps 60 s)`);
  check(seen.afterInterrupt === '43', `after the interrupt, x + 1 gave ${JSON.stringify(seen.afterInterrupt)}`);
  lap('interrupt');

  await waitKernel('idle');
  seen.kernelStatus = await kernelStatus();
  await page.screenshot({ path: path.join(opts.screenshots, 'lab-notebook.png'), fullPage: true });
  check(seen.kernelName === 'Java (jpool)', `kernel shown in the toolbar: ${seen.kernelName}`);
  check(seen.pageErrors.length === 0, `page errors: ${seen.pageErrors}`);
  console.log(JSON.stringify(seen));
} catch (e) {
  await reportFailure(page, seen, e, path.join(opts.screenshots, 'lab-failure.png'));
} finally {
  await browser.close();
}
