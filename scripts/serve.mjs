// Tiny static file server for the playground: serves the repository root on 127.0.0.1 so that
// index.html, www/ and the generated www/pkg/ load as ES modules and wasm. Before it answers
// for the page itself or the bundle in www/dist/, it rebundles www/ if a source changed since
// (scripts/bundle.mjs, esbuild from node_modules), so an edit shows on the next reload.
// Port from $PORT (default 8080; 0 picks a free port). The first line printed is the URL, which
// scripts/test.sh reads to learn the port. With NNPLAY_LOG_REQUESTS=1 every answer is printed
// after it as one JSON line ({"status", "path", "bytes"}), which the start-up benchmark counts.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const HOST = process.env.HOST || '127.0.0.1';
const PORT = Number.parseInt(process.env.PORT ?? '8080', 10);
const LOG = process.env.NNPLAY_LOG_REQUESTS === '1';
const log = (status, path, bytes) => {
  if (LOG) console.log(JSON.stringify({ status, path, bytes }));
};

// Browsers refuse module scripts and streaming wasm compilation without the right types.
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.gz': 'application/gzip',
  '.map': 'application/json; charset=utf-8',
};

// The page's policy (also a <meta> in index.html): its own origin only, wasm compilation
// allowed, no inline script or style, no plug-ins, forms or base-URL tricks.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

// Only the page's own files are served; everything else (sources, node_modules, .git) is 404.
const ALLOWED = ['index.html', 'www', 'docs', 'data', 'favicon.ico'];

function resolvePath(urlPath) {
  let p;
  try {
    p = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    return null;
  }
  if (p.endsWith('/')) p += 'index.html';
  const full = normalize(join(ROOT, p));
  if (full !== ROOT && !full.startsWith(ROOT + sep)) return null;
  const rel = full.slice(ROOT.length + 1);
  const top = rel.split(sep)[0];
  return ALLOWED.includes(top) ? full : null;
}

/** Rebundles www/ when needed; without esbuild installed it serves the bundle that is there. */
async function freshBundle(path) {
  if (path !== '/' && path !== '/index.html' && !path.startsWith('/www/dist/')) return;
  try {
    const { ensureBundle } = await import('./bundle.mjs');
    await ensureBundle();
  } catch (err) {
    console.error(`serve.mjs: could not bundle www/: ${err.message}`);
  }
}

const server = createServer(async (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const path = new URL(req.url, 'http://x').pathname;
  await freshBundle(path);
  const file = resolvePath(path);
  let st = null;
  try {
    st = file && statSync(file);
  } catch {
    st = null;
  }
  if (!st || !st.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    log(404, path, 0);
    return;
  }
  // A rebuilt wasm must never be mixed with a cached JS glue file: every use asks the server
  // again ("no-cache"), and an unchanged file comes back as an empty 304. So the page's worker,
  // which imports the same modules as the page, does not download them a second time.
  const etag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
  const headers = { 'Cache-Control': 'no-cache', ETag: etag, 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': CSP, 'Referrer-Policy': 'no-referrer' };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers).end();
    log(304, path, 0);
    return;
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': MIME[extname(file).toLowerCase()] || 'application/octet-stream',
    'Content-Length': st.size,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
  log(200, path, st.size);
});

server.on('error', (err) => {
  console.error(`serve.mjs: ${err.message}`);
  process.exit(1);
});

server.listen(PORT, HOST, () => {
  const { port } = server.address();
  console.log(`http://${HOST}:${port}/`);
});

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
