// Fetches a shipped data file (data/digits.bin.gz, data/mnist_5k.bin.gz, data/iris.bin.gz) for
// the training worker the first time its data set is chosen, reporting progress as it arrives,
// and gunzips it with the browser's DecompressionStream. The wasm build embeds none of the
// files and no inflate code, so the page's first load stays small.

/** Where the data files are served: the repository's data/, beside www/. */
const DATA_DIR = new URL('../../data/', import.meta.url);

/**
 * Downloads `file` from data/. `onProgress(loaded, total)` is called as bytes arrive (`total`
 * is 0 when the server does not say). Throws an Error whose message says what went wrong.
 * @returns {Promise<Uint8Array>} the file's bytes, gunzipped
 */
export async function fetchDataFile(file, onProgress) {
  let response;
  try {
    response = await fetch(new URL(file, DATA_DIR));
  } catch (err) {
    throw new Error(`the download failed (${err && err.message ? err.message : err})`);
  }
  if (!response.ok) throw new Error(`the server answered ${response.status} ${response.statusText}`.trim());
  const total = Number(response.headers.get('Content-Length')) || 0;
  const chunks = [];
  let loaded = 0;
  try {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      onProgress(loaded, total);
    }
  } catch (err) {
    throw new Error(`the download broke off after ${loaded} bytes (${err && err.message ? err.message : err})`);
  }
  try {
    const gunzipped = new Blob(chunks).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(gunzipped).arrayBuffer());
  } catch (err) {
    throw new Error(`the file is not a readable gzip file (${err && err.message ? err.message : err})`);
  }
}
