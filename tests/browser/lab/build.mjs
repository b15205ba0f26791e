// Bundles the minimal JupyterLab 3.6 front end (index.js) with esbuild into ./build, laid out the way
// jupyterlab_server's LabServerApp serves it (lab_app.py):
//   build/static/   bundle.js, bundle.css and the assets CSS points at (fonts, images)
//   build/themes/   the light theme's CSS, loaded at run time by the theme manager
//   build/schemas/  each extension's settings schemas (menus, keyboard shortcuts, toolbars live there)
// Run from a directory that has this file, index.js and node_modules (npm ci of package-lock.json).
// JupyterLab's own build uses webpack; the two things its loaders do that esbuild needs told are below.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const out = 'build';
const t0 = Date.now();
fs.rmSync(out, { recursive: true, force: true });

const webpackConventions = {
  name: 'webpack-conventions',
  setup(build) {
    // "~package/file.css" in a CSS @import means a package in node_modules
    build.onResolve({ filter: /^~/ }, (a) => build.resolve(a.path.slice(1), { kind: a.kind, resolveDir: a.resolveDir }));
    // an asset from CSS url() is a file next to the bundle; an .svg imported by JS is its text (LabIcon)
    build.onResolve({ filter: /\.(svg|png|gif|jpe?g|woff2?|ttf|eot)([?#].*)?$/ }, (a) => ({
      path: path.resolve(a.resolveDir, a.path.replace(/[?#].*$/, '')),
      namespace: a.kind === 'url-token' ? 'asset-file' : 'asset-text',
    }));
    build.onLoad({ filter: /.*/, namespace: 'asset-file' }, (a) => ({ contents: fs.readFileSync(a.path), loader: 'file' }));
    build.onLoad({ filter: /.*/, namespace: 'asset-text' }, (a) => ({ contents: fs.readFileSync(a.path, 'utf8'), loader: 'text' }));
    // css-loader takes a file's @import rules wherever they stand; a browser drops those after other rules
    build.onLoad({ filter: /\.css$/ }, (a) => {
      const css = fs.readFileSync(a.path, 'utf8');
      const importRule = /^@import [^;]+;/gm;
      return { contents: (css.match(importRule) || []).join('\n') + '\n' + css.replace(importRule, ''), loader: 'css' };
    });
  },
};
const common = {
  bundle: true, minify: true, logLevel: 'warning', plugins: [webpackConventions],
  assetNames: 'assets/[name]-[hash]', loader: { '.md': 'text', '.txt': 'text' },
};

await esbuild.build({
  ...common, entryPoints: { bundle: 'index.js' }, outdir: path.join(out, 'static'), format: 'iife',
  define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
});
await esbuild.build({
  ...common, entryPoints: { index: 'node_modules/@jupyterlab/theme-light-extension/style/theme.css' },
  outdir: path.join(out, 'themes', '@jupyterlab', 'theme-light-extension'),
});
for (const name of fs.readdirSync('node_modules/@jupyterlab')) {
  const dir = path.join('node_modules/@jupyterlab', name);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const schemaDir = pkg.jupyterlab && pkg.jupyterlab.schemaDir;
  if (schemaDir) fs.cpSync(path.join(dir, schemaDir), path.join(out, 'schemas', pkg.name), { recursive: true });
}
console.log(`built ${path.resolve(out)} in ${Date.now() - t0} ms`);
