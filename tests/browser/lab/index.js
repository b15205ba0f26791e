// A minimal JupyterLab 3.6 front end for the browser test (tests/browser/lab_test.mjs): the core application with
// only the extensions a notebook needs (notebook, code editor, completer, tooltip, menus, file browser, console,
// status bar, light theme). build.mjs bundles it with esbuild; lab_app.py serves it from Debian's jupyter_server.
import { JupyterLab } from '@jupyterlab/application';

import '@jupyterlab/application-extension/style/index.js';
import '@jupyterlab/apputils-extension/style/index.js';
import '@jupyterlab/codemirror-extension/style/index.js';
import '@jupyterlab/completer-extension/style/index.js';
import '@jupyterlab/console-extension/style/index.js';
import '@jupyterlab/docmanager-extension/style/index.js';
import '@jupyterlab/docprovider-extension/style/index.js';
import '@jupyterlab/filebrowser-extension/style/index.js';
import '@jupyterlab/fileeditor-extension/style/index.js';
import '@jupyterlab/mainmenu-extension/style/index.js';
import '@jupyterlab/notebook-extension/style/index.js';
import '@jupyterlab/rendermime-extension/style/index.js';
import '@jupyterlab/shortcuts-extension/style/index.js';
import '@jupyterlab/statusbar-extension/style/index.js';
import '@jupyterlab/tooltip-extension/style/index.js';
import '@jupyterlab/translation-extension/style/index.js';

const extensions = [
  require('@jupyterlab/application-extension'),
  require('@jupyterlab/apputils-extension'),
  require('@jupyterlab/codemirror-extension'),
  require('@jupyterlab/completer-extension'),
  require('@jupyterlab/console-extension'),
  require('@jupyterlab/docmanager-extension'),
  require('@jupyterlab/docprovider-extension'),
  require('@jupyterlab/filebrowser-extension'),
  require('@jupyterlab/fileeditor-extension'),
  require('@jupyterlab/mainmenu-extension'),
  require('@jupyterlab/notebook-extension'),
  require('@jupyterlab/rendermime-extension'),
  require('@jupyterlab/shortcuts-extension'),
  require('@jupyterlab/statusbar-extension'),
  require('@jupyterlab/theme-light-extension'),
  require('@jupyterlab/tooltip-extension'),
  require('@jupyterlab/translation-extension'),
];

// no "Would you like to receive official Jupyter news?" (it asks a server this test does not reach)
const skipped = new Set(['@jupyterlab/apputils-extension:announcements']);

function plugins(mod) {
  const exported = mod.__esModule ? mod.default : mod;
  return (Array.isArray(exported) ? exported : [exported]).filter((p) => !skipped.has(p.id));
}

async function main() {
  const lab = new JupyterLab();
  lab.registerPlugins(extensions.flatMap(plugins));
  window.jupyterlab = lab; // for the test's waits (kernel state); it acts through the page as a person would
  await lab.start();
  await lab.restored;
  document.body.dataset.labRestored = 'true';
}

window.addEventListener('load', () => {
  main().catch((e) => console.error('JupyterLab failed to start', e));
});
